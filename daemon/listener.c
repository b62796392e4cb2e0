// SPDX-License-Identifier: GPL-2.0
/*
 * Listening sockets: UDP sockets read datagrams (one message each), TCP
 * sockets (also under TLS) accept connections and hand them to conn.c.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"
#include "sip_msg.h"

/* One datagram at a time: the message is parsed in place in this buffer. */
static char datagram[SIP_MSG_MAX_SIZE + 1];

static void on_udp(struct sipwall_io *io, uint32_t events)
{
	struct sipwall_listener *l = container_of(io, struct sipwall_listener, io);

	(void)events;
	/* a bounded batch per wakeup keeps other sockets served */
	for (int i = 0; i < 64; i++) {
		struct sipwall_peer from = { .proto = SIPWALL_PROTO_UDP, .realm = l->realm,
					     .udp_fd = io->fd };
		ssize_t n;

		from.addr_len = sizeof(from.addr);
		n = recvfrom(io->fd, datagram, sizeof(datagram), MSG_TRUNC,
			     (struct sockaddr *)&from.addr, &from.addr_len);
		if (n < 0)
			break;
		/* larger than any message we accept: counts as bad, never parsed */
		if ((size_t)n > SIP_MSG_MAX_SIZE) {
			sipwall_stats.rx_bad_requests++;
			continue;
		}
		/* RFC 5626 keepalives over UDP are STUN; bare CRLFs are noise */
		if (n <= 4 && strspn(datagram, "\r\n") >= (size_t)n)
			continue;
		sipwall_core_receive(&from, datagram, (size_t)n);
	}
}

static void on_accept(struct sipwall_io *io, uint32_t events)
{
	struct sipwall_listener *l = container_of(io, struct sipwall_listener, io);

	(void)events;
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage peer;
		socklen_t peer_len = sizeof(peer);
		int fd = accept4(io->fd, (struct sockaddr *)&peer, &peer_len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				log_warn("accept on realm %s: %s", l->realm->name, strerror(errno));
			break;
		}
		sipwall_conn_accept(l->realm, l->ep.proto, fd, &peer, peer_len);
	}
}

struct sipwall_listener *sipwall_listener_open(struct sipwall_realm *realm,
					       const struct sipwall_endpoint *ep)
{
	bool udp = ep->proto == SIPWALL_PROTO_UDP;
	struct sipwall_listener *l = calloc(1, sizeof(*l));
	int one = 1, fd, saved;

	if (!l)
		return NULL;
	l->ep = *ep;
	l->realm = realm;
	fd = socket(ep->addr.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto err_free;
	/*
	 * TCP: rebind over TIME_WAIT after a restart. Not UDP, where the same
	 * option would let a second daemon share the port and split the traffic.
	 */
	if (!udp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ep->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&ep->addr, ep->addr_len))
		goto err_close;
	if (!udp && listen(fd, 1024))
		goto err_close;
	if (udp) {
		int size = 1 << 20;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	if (sipwall_io_add(&l->io, fd, EPOLLIN, udp ? on_udp : on_accept))
		goto err_close;
	return l;

err_close:
	saved = errno;
	close(fd);
	errno = saved;
err_free:
	free(l);
	return NULL;
}

void sipwall_listener_close(struct sipwall_listener *l)
{
	sipwall_io_del(&l->io);
	close(l->io.fd);
	free(l);
}
