// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the registrar lands in this session. */
#include "registrar.h"

#define NOT_YET "Allow: OPTIONS, ACK, CANCEL\r\n"

void sipwall_registrar_request(struct sipwall_txn *st, struct sip_msg *req)
{
	(void)req;
	sipwall_txn_respond(st, 501, "Not Implemented", NOT_YET, SIP_STR(""));
}

unsigned int sipwall_location_lookup(const struct sipwall_realm *realm, struct sip_str user,
				     const struct sipwall_binding **out, unsigned int max)
{
	(void)realm, (void)user, (void)out, (void)max;
	return 0;
}

bool sipwall_location_registered_from(const struct sipwall_realm *realm, struct sip_str user,
				      const struct sipwall_peer *from)
{
	(void)realm, (void)user, (void)from;
	return false;
}
