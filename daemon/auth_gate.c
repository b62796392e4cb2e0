// SPDX-License-Identifier: GPL-2.0
/*
 * The auth gate (auth_gate.h): a realm's auth mode decides, digest realms
 * through sipwall_authn_start() and the table of docs/auth.md.
 *
 * A request waiting for the directory: we keep its server transaction and
 * a copy of the request as it will be passed on (the core's Via stamp
 * included), and re-parse the copy when the answer comes. The transaction
 * is in Trying/Proceeding and only we answer it, so it cannot end before
 * our answer except by a CANCEL (sipwall_auth_gate_forget() from the core)
 * or at shutdown (sipwall_auth_gate_forget_all() before sipwall_txn_uninit()):
 * timers run only after a final response. A forgotten wait is not
 * cancelled in auth_session but left to take its answer and free itself:
 * the lookup points at the realm's sipwall_authn, which the wait's
 * reference keeps alive until then, across reloads too.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_gate.h"
#include "auth_realms.h"
#include "log.h"
#include "loop.h"
#include "sip_write.h"

/* Credentials headers looked at, at most: more is somebody playing. */
#define GATE_MAX_CREDENTIALS	8

struct wait {
	struct sipwall_hnode node;	/* by st, while st is ours */
	struct sipwall_txn *st;		/* NULL: forgotten */
	sipwall_auth_pass_fn pass;
	struct sipwall_auth_realm *realm;	/* a reference */
	struct sockaddr_storage client;
	bool is_register;
	char *msg;			/* the request to pass on */
	size_t len;
};

static struct sipwall_htab waits;	/* by st */
static struct sip_msg again;		/* a waiting request, parsed again to be passed on */

static uint64_t st_hash(const struct sipwall_txn *st)
{
	return sipwall_hash(&st, sizeof(st), SIPWALL_HASH_INIT);
}

static void describe(const struct sockaddr_storage *client, struct sip_str user, char *out,
		     size_t size)
{
	char where[64];
	size_t n = 0;
	int w;

	sipwall_addr_format(client, where, sizeof(where));
	w = snprintf(out, size, "%s, user '", where);
	n = w > 0 && (size_t)w < size ? (size_t)w : 0;
	/* as the client wrote it, printable and short: it is only for people */
	for (size_t i = 0; i < user.len && i < 64 && n + 3 < size; i++)
		out[n++] = (unsigned char)user.p[i] < 0x20 || user.p[i] == 0x7f ? '?' : user.p[i];
	if (user.len > 64 && n + 6 < size)
		n += (size_t)snprintf(out + n, size - n, "...");
	snprintf(out + n, size - n, "'");
}

static void challenge(struct sipwall_auth_realm *r, struct sipwall_txn *st,
		      const struct sockaddr_storage *client, bool is_register, bool stale)
{
	const char *name = is_register ? "WWW-Authenticate" : "Proxy-Authenticate";
	char extra[SIPWALL_DIGEST_ALG_COUNT * (SIPWALL_CHALLENGE_MAX + 24)];
	struct sipwall_challenge ch;
	size_t n = 0;

	if (sipwall_auth_challenge(&r->authn.auth, (const struct sockaddr *)client,
				   sipwall_now_ms(), stale, &ch)) {
		sipwall_txn_respond(st, 500, "Server Internal Error", NULL, SIP_STR(""));
		return;
	}
	extra[0] = '\0';
	for (unsigned int i = 0; i < ch.count; i++)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, "%s: %s\r\n", name, ch.value[i]);
	sipwall_auth_counters.challenges++;
	if (is_register)
		sipwall_txn_respond(st, 401, "Unauthorized", extra, SIP_STR(""));
	else
		sipwall_txn_respond(st, 407, "Proxy Authentication Required", extra, SIP_STR(""));
}

/* Turns a result into the answer docs/auth.md gives it; OK goes on through pass. */
static void answer(struct sipwall_auth_realm *r, struct sipwall_txn *st, struct sip_msg *req,
		   sipwall_auth_pass_fn pass, const struct sockaddr_storage *client,
		   bool is_register, enum sipwall_auth_result result, struct sip_str user,
		   const char *why)
{
	char who[160], retry[32];

	/* the first request of every client gets a challenge: nothing to log */
	if (result != SIPWALL_AUTH_NO_CREDENTIALS)
		describe(client, user, who, sizeof(who));
	switch (result) {
	case SIPWALL_AUTH_OK:
		sipwall_auth_counters.ok++;
		log_debug("auth: realm %s: %s authenticated", r->name, who);
		pass(st, req, user);
		break;
	case SIPWALL_AUTH_NO_CREDENTIALS:
	case SIPWALL_AUTH_BAD_ALGORITHM:
	case SIPWALL_AUTH_STALE:
	case SIPWALL_AUTH_FORGED_NONCE:
		if (result != SIPWALL_AUTH_NO_CREDENTIALS)
			log_info("auth: realm %s: %s: %s, challenged again", r->name, who,
				 sipwall_auth_result_name(result));
		challenge(r, st, client, is_register, result == SIPWALL_AUTH_STALE);
		break;
	case SIPWALL_AUTH_MALFORMED:
	case SIPWALL_AUTH_WRONG_URI:
		sipwall_auth_counters.malformed++;
		log_info("auth: realm %s: %s: 400 %s", r->name, who, why ? why : "Bad Request");
		sipwall_txn_respond(st, 400, why ? why : "Bad Request", NULL, SIP_STR(""));
		break;
	case SIPWALL_AUTH_UNAVAILABLE:
		/* could not be checked: neither through, nor a wrong password */
		sipwall_auth_counters.unavailable++;
		log_info("auth: realm %s: %s: directory unavailable, 503", r->name, who);
		snprintf(retry, sizeof(retry), "Retry-After: %u\r\n", sipwall_auth_retry_after());
		sipwall_txn_respond(st, 503, "Service Unavailable", retry, SIP_STR(""));
		break;
	default:
		/* one answer for all of them: nobody learns which user names exist */
		sipwall_auth_counters.failed++;
		log_info("auth: realm %s: %s: %s, 403", r->name, who,
			 sipwall_auth_result_name(result));
		sipwall_txn_respond(st, 403, "Forbidden", NULL, SIP_STR(""));
		break;
	}
}

static void wait_free(struct wait *w)
{
	sipwall_auth_realm_put(w->realm);
	free(w->msg);
	free(w);
}

static void on_done(void *ctx, enum sipwall_auth_result result, struct sip_str user,
		    const char *why)
{
	struct wait *w = ctx;

	if (!w->st)
		goto out;	/* forgotten: the result was counted, nobody to answer */
	sipwall_htab_remove(&waits, &w->node);
	if (result == SIPWALL_AUTH_OK &&
	    sip_msg_parse(&again, w->msg, w->len, SIP_FRAMING_DATAGRAM)) {
		log_error("auth: a request kept for its lookup does not parse again: %s",
			  again.error_reason);
		sipwall_txn_respond(w->st, 500, "Server Internal Error", NULL, SIP_STR(""));
		goto out;
	}
	answer(w->realm, w->st, &again, w->pass, &w->client, w->is_register, result, user, why);
out:
	wait_free(w);
}

/* Copies req, edits included, for on_done to parse again. */
static int keep_request(struct wait *w, const struct sip_msg *req)
{
	struct sip_buf out;

	sip_buf_init(&out, SIP_MSG_MAX_SIZE + SIP_MSG_SCRATCH);
	/*
	 * One allocation, not a doubling series: edits add at most what the
	 * scratch area holds, and the canonical names and the computed
	 * Content-Length differ from the received ones by little.
	 */
	out.cap = req->raw.len + req->scratch_used + 256;
	out.data = malloc(out.cap);
	if (!out.data)
		return -1;
	if (sip_msg_write(req, &out) || out.failed) {
		sip_buf_uninit(&out);
		return -1;
	}
	w->msg = out.data;	/* handed over */
	w->len = out.len;
	return 0;
}

static void digest(struct sipwall_txn *st, struct sip_msg *req, sipwall_auth_pass_fn pass,
		   const struct sipwall_peer *peer, const struct sipwall_realm_config *rc)
{
	struct sipwall_auth_realm *r = sipwall_auth_realm_get(rc->name);
	bool is_register = req->method == SIP_METHOD_REGISTER;
	enum sip_hdr_id hdr = is_register ? SIP_HDR_AUTHORIZATION : SIP_HDR_PROXY_AUTHORIZATION;
	struct sip_str values[GATE_MAX_CREDENTIALS];
	struct sipwall_auth_request areq = {
		.method = req->method_name,
		.request_uri = req->request_uri.raw,
		.values = values,
		.client = (const struct sockaddr *)&peer->addr,
		.now_ms = sipwall_now_ms(),
	};
	struct sipwall_authn_op *op;
	enum sipwall_auth_result result;
	const char *why;
	struct wait *w;
	char retry[32];

	if (!r || (!waits.buckets && sipwall_htab_init(&waits)))
		goto unavailable;
	for (int i = sip_msg_find(req, hdr, 0); i >= 0 && areq.value_count < GATE_MAX_CREDENTIALS;
	     i = sip_msg_find(req, hdr, (unsigned int)i + 1))
		values[areq.value_count++] = req->headers[i].value;
	w = calloc(1, sizeof(*w));
	if (!w)
		goto unavailable;
	w->st = st;
	w->pass = pass;
	w->realm = r;
	w->client = peer->addr;
	w->is_register = is_register;
	result = sipwall_authn_start(&r->authn, &areq, on_done, w, &op, &why);
	if (result != SIPWALL_AUTH_PENDING) {
		free(w);
		answer(r, st, req, pass, &peer->addr, is_register, result, SIP_STR(""), why);
		sipwall_auth_realm_put(r);
		return;
	}
	if (keep_request(w, req)) {
		/* on_done frees w when the lookup ends */
		w->st = NULL;
		log_error("auth: out of memory keeping a request for its lookup");
		goto unavailable_now;
	}
	sipwall_htab_insert(&waits, &w->node, st_hash(st));
	return;

unavailable:
	if (r)
		sipwall_auth_realm_put(r);
unavailable_now:
	sipwall_auth_counters.unavailable++;
	snprintf(retry, sizeof(retry), "Retry-After: %u\r\n", sipwall_auth_retry_after());
	sipwall_txn_respond(st, 503, "Service Unavailable", retry, SIP_STR(""));
}

void sipwall_auth_gate(struct sipwall_txn *st, struct sip_msg *req, sipwall_auth_pass_fn pass)
{
	const struct sipwall_peer *peer = sipwall_txn_peer(st);
	const struct sipwall_realm_config *rc = peer->realm ? peer->realm->cfg : NULL;
	bool verified;
	char where[64];

	if (!rc) {
		/* the realm was removed by a reload: nothing to check against */
		sipwall_txn_respond(st, 503, "Service Unavailable", NULL, SIP_STR(""));
		return;
	}
	switch (rc->auth.mode) {
	case SIPWALL_REALM_AUTH_NONE:
		pass(st, req, SIP_STR(""));
		break;
	case SIPWALL_REALM_AUTH_TRUSTED:
		verified = peer->proto == SIPWALL_PROTO_TLS && sipwall_conn_peer_verified(peer->conn_id);
		if (sipwall_realm_auth_trusts(&rc->auth, (const struct sockaddr *)&peer->addr,
					      verified)) {
			sipwall_auth_counters.trusted++;
			pass(st, req, SIP_STR(""));
			break;
		}
		sipwall_auth_counters.untrusted++;
		sipwall_addr_format(&peer->addr, where, sizeof(where));
		log_info("auth: realm %s: %s is not trusted%s, 403", rc->name, where,
			 rc->auth.trusted_require_cert && !verified ?
			 " (no verified client certificate)" : "");
		sipwall_txn_respond(st, 403, "Forbidden", NULL, SIP_STR(""));
		break;
	case SIPWALL_REALM_AUTH_DIGEST:
		digest(st, req, pass, peer, rc);
		break;
	}
}

void sipwall_auth_gate_forget(struct sipwall_txn *st)
{
	uint64_t h = st_hash(st);

	if (!waits.buckets)
		return;
	for (struct sipwall_hnode *n = sipwall_htab_first(&waits, h); n;
	     n = sipwall_htab_next(n, h)) {
		struct wait *w = container_of(n, struct wait, node);

		if (w->st == st) {
			sipwall_htab_remove(&waits, &w->node);
			w->st = NULL;
			return;
		}
	}
}

void sipwall_auth_gate_forget_all(void)
{
	for (size_t b = 0; waits.buckets && b <= waits.mask; b++) {
		while (waits.buckets[b]) {
			struct wait *w = container_of(waits.buckets[b], struct wait, node);

			sipwall_htab_remove(&waits, &w->node);
			w->st = NULL;
		}
	}
	sipwall_htab_uninit(&waits);
}
