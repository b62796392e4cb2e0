/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the SIP layer calls to authenticate one request of a digest realm:
 * the credentials check, the lockout counters and the directory lookup
 * put together. One call per request:
 *
 *   result = sipwall_authn_start(a, &req, done, ctx, &op);
 *
 * returns at once with the result when it needs no lookup (no credentials,
 * malformed, stale, forged, locked out...), or SIPWALL_AUTH_PENDING, and
 * done() runs later from the event loop. docs/auth.md maps results to
 * SIP responses.
 */
#ifndef SIPWALL_AUTH_SESSION_H
#define SIPWALL_AUTH_SESSION_H

#include "auth.h"
#include "auth_guard.h"
#include "ldap_client.h"

#define SIPWALL_AUTH_PENDING	SIPWALL_AUTH_RESULT_COUNT

struct sipwall_authn {
	struct sipwall_auth auth;	/* the realm's nonces and counts */
	struct sipwall_guard guard;	/* the realm's failure counters */
	struct sipwall_ldap *ldap;	/* shared by realms; not owned */
};

struct sipwall_authn_op;

/*
 * result is never PENDING here. user is the user name the client gave
 * (empty if none); it and why are valid during the call only.
 */
typedef void (*sipwall_authn_fn)(void *ctx, enum sipwall_auth_result result,
				 struct sip_str user, const char *why);

/*
 * why (may be NULL) gets, for a result returned at once, a static reason
 * for logs and for a 400's reason phrase (NULL if none).
 */
enum sipwall_auth_result sipwall_authn_start(struct sipwall_authn *a,
					     const struct sipwall_auth_request *req,
					     sipwall_authn_fn fn, void *ctx,
					     struct sipwall_authn_op **op, const char **why);
/* done() will not be called for op; op must not be used after this. */
void sipwall_authn_cancel(struct sipwall_authn_op *op);

#endif
