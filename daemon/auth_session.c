// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "auth_session.h"
#include "loop.h"

struct sipwall_authn_op {
	struct sipwall_authn *a;
	struct sipwall_ldap_req *lookup;
	sipwall_authn_fn fn;
	void *ctx;
	struct sockaddr_storage client;
	struct sipwall_auth_pending pending;
};

static struct sip_str user_of(const struct sipwall_auth_pending *p)
{
	return sip_str_is_set(p->creds.username) ? p->creds.username : SIP_STR("");
}

/* The counters hear every result that counts for or against someone. */
static void account(struct sipwall_authn *a, const struct sipwall_auth_pending *p,
		    const struct sockaddr *client, enum sipwall_auth_result result,
		    uint64_t now_ms)
{
	if (result == SIPWALL_AUTH_OK)
		sipwall_guard_success(&a->guard, user_of(p), now_ms);
	else if (sipwall_auth_result_is_failure(result))
		sipwall_guard_failure(&a->guard, user_of(p), client, result, now_ms);
}

static void on_lookup(void *ctx, enum sipwall_ldap_status status,
		      const struct sipwall_credential *cred, bool cached)
{
	struct sipwall_authn_op *op = ctx;
	struct sipwall_authn *a = op->a;
	const struct sockaddr *client = (const struct sockaddr *)&op->client;
	uint64_t now = sipwall_now_ms();
	enum sipwall_auth_result result;

	op->lookup = NULL;
	if (status == SIPWALL_LDAP_UNAVAILABLE) {
		result = SIPWALL_AUTH_UNAVAILABLE;
		op->pending.why = "Directory unavailable";
	} else if (status == SIPWALL_LDAP_NOT_FOUND) {
		result = SIPWALL_AUTH_UNKNOWN_USER;
		op->pending.why = "Unknown user";
	} else {
		result = sipwall_auth_verify(&a->auth, &op->pending, cred, now);
		/*
		 * A cached credential may predate a password change: ask the
		 * directory itself once before calling the password wrong.
		 */
		if (result == SIPWALL_AUTH_BAD_RESPONSE && cached) {
			/* no client: the daemon is stopping */
			op->lookup = !a->ldap ? NULL :
				     sipwall_ldap_lookup(a->ldap, op->pending.creds.username,
							 sip_str_make(a->auth.realm, a->auth.realm_len),
							 SIPWALL_LDAP_FRESH, on_lookup, op);
			if (op->lookup)
				return;
			result = SIPWALL_AUTH_UNAVAILABLE;
		}
	}
	account(a, &op->pending, client, result, now);
	if (op->fn)
		op->fn(op->ctx, result, user_of(&op->pending), op->pending.why);
	free(op);
}

enum sipwall_auth_result sipwall_authn_start(struct sipwall_authn *a,
					     const struct sipwall_auth_request *req,
					     sipwall_authn_fn fn, void *ctx,
					     struct sipwall_authn_op **opp, const char **why)
{
	struct sipwall_authn_op *op = calloc(1, sizeof(*op));
	enum sipwall_auth_result result;
	socklen_t len = req->client->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
							     sizeof(struct sockaddr_in);

	*opp = NULL;
	if (why)
		*why = NULL;
	if (!op)
		return SIPWALL_AUTH_UNAVAILABLE;
	result = sipwall_auth_check(&a->auth, req, &op->pending);
	if (result == SIPWALL_AUTH_OK)
		result = sipwall_guard_check(&a->guard, user_of(&op->pending), req->client,
					     req->now_ms);
	if (result != SIPWALL_AUTH_OK) {
		account(a, &op->pending, req->client, result, req->now_ms);
		goto out_free;
	}
	op->a = a;
	op->fn = fn;
	op->ctx = ctx;
	memcpy(&op->client, req->client, len);
	op->lookup = !a->ldap ? NULL : sipwall_ldap_lookup(a->ldap, op->pending.creds.username,
					 sip_str_make(a->auth.realm, a->auth.realm_len), 0,
					 on_lookup, op);
	if (!op->lookup) {
		result = SIPWALL_AUTH_UNAVAILABLE;
		goto out_free;
	}
	*opp = op;
	return SIPWALL_AUTH_PENDING;

out_free:
	if (why)
		*why = op->pending.why;
	free(op);
	return result;
}

void sipwall_authn_cancel(struct sipwall_authn_op *op)
{
	/* the lookup still ends in on_lookup, which counts and frees */
	op->fn = NULL;
}
