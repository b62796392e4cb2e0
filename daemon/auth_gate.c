// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the auth gate lands in this session: everything passes. */
#include "auth_gate.h"

void sipwall_auth_gate(struct sipwall_txn *st, struct sip_msg *req, sipwall_auth_pass_fn pass)
{
	pass(st, req, SIP_STR(""));
}

void sipwall_auth_gate_forget(struct sipwall_txn *st)
{
	(void)st;
}
