// SPDX-License-Identifier: GPL-2.0
/*
 * Sending: UDP from the realm's socket, TCP and TLS over a connection
 * (reused when one to the peer is open).
 */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "transport.h"

static int send_udp(struct sipwall_peer *to, const void *data, size_t len)
{
	/* the socket may have gone with a reload since the peer was recorded */
	int fd = sipwall_realm_udp_fd_valid(to->realm, to->udp_fd) ? to->udp_fd :
		 sipwall_realm_udp_fd(to->realm, to->addr.ss_family);

	if (fd < 0)
		return -1;
	to->udp_fd = fd;
	if (sendto(fd, data, len, 0, (struct sockaddr *)&to->addr, to->addr_len) != (ssize_t)len)
		return -1;
	return 0;
}

int sipwall_send(struct sipwall_peer *to, const void *data, size_t len)
{
	int rc;

	if (!to->realm || to->realm->stale)
		rc = -1;
	else if (to->proto == SIPWALL_PROTO_UDP)
		rc = send_udp(to, data, len);
	else
		rc = sipwall_conn_send(to, data, len);
	if (rc) {
		char where[64];

		sipwall_stats.tx_errors++;
		sipwall_addr_format(&to->addr, where, sizeof(where));
		log_debug("cannot send to %s:%s", sipwall_proto_name(to->proto), where);
		return -1;
	}
	sipwall_stats.tx_messages++;
	return 0;
}
