/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Requests inside a call's dialogs, relayed from one leg to the other.
 */
#ifndef SIPWALL_RELAY_H
#define SIPWALL_RELAY_H

#include "call.h"

/* A request with a To tag: 481 unless it belongs to a call's leg. */
void sipwall_relay_in_dialog(struct sipwall_txn *st, struct sip_msg *req);
/* An ACK for a 2xx we sent on a leg: ours for the other leg's 2xx. */
void sipwall_relay_ack(struct sip_msg *ack);
/* A CANCEL matched the relayed re-INVITE's server transaction. */
void sipwall_relay_cancelled(struct sipwall_relay *relay);

#endif
