// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the B2BUA lands in this session. */
#include "b2bua.h"

#define NOT_YET "Allow: OPTIONS, ACK, CANCEL\r\n"

void sipwall_b2bua_request(struct sipwall_txn *st, struct sip_msg *req, struct sip_str user)
{
	(void)req, (void)user;
	sipwall_txn_respond(st, 501, "Not Implemented", NOT_YET, SIP_STR(""));
}

void sipwall_b2bua_ack(struct sip_msg *ack, const struct sipwall_peer *from)
{
	(void)ack, (void)from;
}

void sipwall_b2bua_cancelled(struct sipwall_txn *st)
{
	(void)st;
}
