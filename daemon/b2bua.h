/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The B2BUA: every call is two dialogs, one per realm, joined here. The
 * router in core.c hands it every request it does not serve itself
 * (REGISTER goes to the registrar, out-of-dialog OPTIONS is answered
 * locally): dialog-creating requests after the auth gate passed them,
 * requests inside a dialog, and MESSAGE. See docs/b2bua.md.
 */
#ifndef SIPWALL_B2BUA_H
#define SIPWALL_B2BUA_H

#include <stdio.h>

#include "config.h"
#include "sip_msg.h"
#include "txn.h"

/* What the B2BUA answers 405/501 with, and what OPTIONS advertises. */
#define SIPWALL_ALLOW "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, INFO, " \
		      "NOTIFY, REFER, MESSAGE\r\n"
#define SIPWALL_SUPPORTED "Supported: 100rel, timer\r\n"

/* user: the authenticated user name, empty if the realm does not authenticate. */
void sipwall_b2bua_request(struct sipwall_txn *st, struct sip_msg *req, struct sip_str user);
/* An ACK for a 2xx (it belongs to no transaction). */
void sipwall_b2bua_ack(struct sip_msg *ack, const struct sipwall_peer *from);
/* A CANCEL matched the INVITE st (see struct sipwall_txn_tu). */
void sipwall_b2bua_cancelled(struct sipwall_txn *st);

/* [calls] settings and the call record file (reopened: SIGHUP, logrotate). */
void sipwall_b2bua_configure(const struct sipwall_config *cfg);
/* Ends every call (BYE both sides, reason "shutdown") and frees them. */
void sipwall_b2bua_uninit(void);

/* "name value" lines: calls_active, calls_attempted, ... */
void sipwall_b2bua_print_stats(FILE *out);
/* One line per active call. */
void sipwall_b2bua_print_calls(FILE *out);

#endif
