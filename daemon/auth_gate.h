/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The door every out-of-dialog request of a realm passes before the
 * registrar or the B2BUA sees it, by the realm's auth mode:
 *
 *   none     passes at once;
 *   trusted  passes if sipwall_realm_auth_trusts() (source address and/or
 *            mutual TLS), else 403;
 *   digest   401 (REGISTER) or 407 (other requests) until the request
 *            carries credentials that the directory confirms; 403, 400,
 *            503 + Retry-After as docs/auth.md maps the results.
 *
 * Requests inside a dialog (To tag), ACK and CANCEL are not for the gate:
 * the caller routes them itself.
 */
#ifndef SIPWALL_AUTH_GATE_H
#define SIPWALL_AUTH_GATE_H

#include "sip_msg.h"
#include "txn.h"

/*
 * The request may go on. req is valid during the call only (after a
 * directory lookup it is a re-parsed copy of the original request, with
 * the same stamped Via). user is the authenticated user name, empty when
 * the realm does not authenticate users (none, trusted).
 */
typedef void (*sipwall_auth_pass_fn)(struct sipwall_txn *st, struct sip_msg *req,
				     struct sip_str user);

/*
 * Either calls pass() before returning, answers st itself (challenge or
 * refusal), or keeps st and does one of the two later from the event loop.
 */
void sipwall_auth_gate(struct sipwall_txn *st, struct sip_msg *req, sipwall_auth_pass_fn pass);

/* st was CANCELled or is going away: forget it, pass() will not be called. */
void sipwall_auth_gate_forget(struct sipwall_txn *st);

/* Shutdown, before sipwall_txn_uninit(): forget every transaction still waiting. */
void sipwall_auth_gate_forget_all(void);

#endif
