// SPDX-License-Identifier: GPL-2.0
/*
 * The B2BUA: routing of new calls (peer realm, next hop or registrar
 * bindings with parallel forking), the relay of answers and of in-dialog
 * requests between the two legs of a call, the call's timers and its end
 * (call record, counters). docs/b2bua.md describes the behaviour.
 *
 * One rule for every message that crosses: it is written from scratch
 * out of the target leg's dialog state (topo.c), with only the end-to-end
 * headers of the incoming message. Offers and answers pass the SDP hook.
 */
#include <stdlib.h>
#include <string.h>

#include "b2bua.h"
#include "call.h"
#include "cdr.h"
#include "log.h"
#include "registrar.h"
#include "sdp_hook.h"
#include "sip_write.h"
#include "topo.h"

static struct {
	unsigned int max_calls, ring_timeout_s, idle_timeout_s;
	unsigned int t1_ms, t2_ms;
	uint64_t attempted, answered, completed, failed, cancelled, rejected, ended_by_sbc;
	uint64_t in_dialog, messages;
} b2b = {
	.max_calls = 10000, .ring_timeout_s = 180, .idle_timeout_s = 7200,
	.t1_ms = 500, .t2_ms = 4000,
};

static void on_branch_response(void *ctx, const struct sip_msg *resp, unsigned int status);
static void on_relay_response(void *ctx, const struct sip_msg *resp, unsigned int status);
static void on_ring_timer(struct sipwall_timer *t);
static void on_idle_timer(struct sipwall_timer *t);
static void on_session_timer(struct sipwall_timer *t);
static void on_ok_timer(struct sipwall_timer *t);

/* --- small helpers --- */

static char *sdup(struct sip_str s)
{
	return strndup(s.p ? s.p : "", s.len);
}

/* A C string of a sip_buf's contents (NULL if a write failed). */
static const char *buf_cstr(struct sip_buf *b)
{
	sip_buf_append(b, "", 1);
	if (b->failed)
		return NULL;
	b->len--;
	return b->data;
}

static void copy_reason(const struct sip_msg *resp, unsigned int status, char *out, size_t size)
{
	if (resp && resp->reason.len)
		snprintf(out, size, SIP_STR_FMT, (int)(resp->reason.len < size - 1 ? resp->reason.len :
						       size - 1), resp->reason.p);
	else
		snprintf(out, size, "%s", status == 408 ? "Request Timeout" :
			 status == 503 ? "Service Unavailable" : "Unknown");
}

/* A header's value by id, or for headers without an id, by name. */
static bool header_value(const struct sip_msg *m, enum sip_hdr_id id, const char *name,
			 struct sip_str *value)
{
	for (unsigned int i = 0; i < m->header_count; i++) {
		const struct sip_header *h = &m->headers[i];

		if (id != SIP_HDR_OTHER ? h->id == id :
		    h->id == SIP_HDR_OTHER && sip_str_is_nocase(h->name, name)) {
			*value = h->value;
			return true;
		}
	}
	return false;
}

static uint32_t leading_uint(struct sip_str s, const char **rest)
{
	uint64_t n = 0;
	size_t i = 0;

	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	for (; i < s.len && s.p[i] >= '0' && s.p[i] <= '9' && n < UINT32_MAX; i++)
		n = n * 10 + (uint64_t)(s.p[i] - '0');
	if (rest)
		*rest = s.p + i;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static bool has_extension(const struct sip_msg *m, enum sip_hdr_id id, const char *token)
{
	for (unsigned int i = 0; i < m->header_count; i++) {
		struct sip_str rest = m->headers[i].value, t;

		if (m->headers[i].id != id)
			continue;
		while (sip_list_next(&rest, &t) > 0) {
			while (t.len && (t.p[0] == ' ' || t.p[0] == '\t'))
				t = sip_str_make(t.p + 1, t.len - 1);
			while (t.len && (t.p[t.len - 1] == ' ' || t.p[t.len - 1] == '\t'))
				t.len--;
			if (sip_str_is_nocase(t, token))
				return true;
		}
	}
	return false;
}

/* The route set of a dialog: Record-Route in order (UAS) or reversed (UAC). */
static char *route_set(const struct sip_msg *m, bool reverse)
{
	int idx[SIP_MSG_MAX_HEADERS];
	unsigned int n = 0;
	struct sip_buf b;

	for (unsigned int i = 0; i < m->header_count; i++)
		if (m->headers[i].id == SIP_HDR_RECORD_ROUTE)
			idx[n++] = (int)i;
	if (!n)
		return NULL;
	sip_buf_init(&b, SIP_MSG_MAX_SIZE);
	for (unsigned int k = 0; k < n; k++)
		sip_buf_printf(&b, "Route: " SIP_STR_FMT "\r\n",
			       SIP_STR_ARG(m->headers[idx[reverse ? n - 1 - k : k]].value));
	if (!buf_cstr(&b)) {
		sip_buf_uninit(&b);
		return NULL;
	}
	return b.data;
}

static char *contact_uri(const struct sip_msg *m)
{
	int i = sip_msg_find(m, SIP_HDR_CONTACT, 0);
	struct sip_contact c;

	if (i < 0 || sip_contact_parse(m->headers[i].value, &c) || c.star)
		return NULL;
	return sdup(c.addr.uri.raw);
}

/*
 * The head of the responses to req, as the transaction layer writes it
 * (Via, From, Call-ID, CSeq, To with our tag): our own copies of a 2xx,
 * which we retransmit over UDP ourselves (RFC 6026), start with it.
 */
static char *uas_head(const struct sip_msg *req, const char *to_tag)
{
	struct sip_buf b;

	sip_buf_init(&b, SIP_MSG_MAX_SIZE);
	for (unsigned int i = 0; i < req->header_count; i++) {
		const struct sip_header *h = &req->headers[i];

		if (h->id == SIP_HDR_VIA || h->id == SIP_HDR_FROM || h->id == SIP_HDR_CALL_ID ||
		    h->id == SIP_HDR_CSEQ)
			sip_buf_printf(&b, "%s: " SIP_STR_FMT "\r\n", sip_hdr_name(h->id),
				       SIP_STR_ARG(h->value));
	}
	sip_buf_printf(&b, "To: " SIP_STR_FMT "%s%s\r\n",
		       SIP_STR_ARG(req->headers[sip_msg_find(req, SIP_HDR_TO, 0)].value),
		       req->to.tag.p ? "" : ";tag=", req->to.tag.p ? "" : to_tag);
	if (!buf_cstr(&b)) {
		sip_buf_uninit(&b);
		return NULL;
	}
	return b.data;
}

/* --- the end of a call --- */

static const char *end_reason(unsigned int status)
{
	if (status == 486 || status == 600)
		return "busy";
	if (status == 404 || status == 604)
		return "not-found";
	if (status == 408 || status == 480)
		return "no-answer";
	if (status == 487)
		return "cancel";
	return "rejected";
}

static void maybe_free(struct sipwall_call *call)
{
	if (call->state == CALL_ENDED && !call->branches_open && !call->freed)
		sipwall_call_free(call);
}

/* Records the call's end once: call record, counters, the media. */
static void call_end(struct sipwall_call *call, const char *reason, const char *ended_by)
{
	struct sipwall_cdr rec;

	if (call->state == CALL_ENDED)
		return;
	call->state = CALL_ENDED;
	sipwall_timer_stop(&call->ring_timer);
	sipwall_timer_stop(&call->idle_timer);
	sipwall_timer_stop(&call->session_timer);
	if (call->method != SIP_METHOD_INVITE)
		return;
	rec = (struct sipwall_cdr){
		.start_ms = call->start_ms, .answer_ms = call->answer_ms,
		.end_ms = sipwall_wall_ms(), .from_realm = call->a.realm->name,
		.to_realm = call->b.realm->name, .caller = call->caller, .callee = call->callee,
		.status = call->final_status, .reason = reason, .ended_by = ended_by,
	};
	sipwall_cdr_write(&rec);
	if (call->answer_ms)
		b2b.completed++;
	else if (call->cancelled)
		b2b.cancelled++;
	else
		b2b.failed++;
	if (!strcmp(ended_by, "sbc"))
		b2b.ended_by_sbc++;
	sipwall_sdp_end(call);
	log_debug("call %llu ended: %s by %s", (unsigned long long)call->id, reason, ended_by);
}

/* A BYE on leg that nobody waits for: the call is over either way. */
static void send_bye(struct sipwall_leg *leg, const char *extra)
{
	struct sipwall_topo_req r = { .method = "BYE", .max_forwards = 70, .extra = extra };
	struct sip_buf out;

	if (!leg->remote_tag || !leg->remote_target)
		return;
	r.cseq = ++leg->local_cseq;
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	if (!sipwall_topo_request(&out, leg, &r))
		sipwall_txn_send_request(&leg->peer, out.data, out.len, NULL, NULL);
	sip_buf_uninit(&out);
}

static void cancel_branches(struct sipwall_call *call)
{
	for (unsigned int i = 0; i < call->branch_count; i++)
		if (call->branches[i].ct && !call->branches[i].status)
			sipwall_txn_cancel(call->branches[i].ct);
}

/*
 * sipwalld ends the call (a timer, a failure, shutdown): an answered call
 * gets BYE on both legs, an unanswered one a final answer to the caller
 * and CANCEL to every branch.
 */
static void hangup(struct sipwall_call *call, const char *reason, unsigned int status,
		   const char *text)
{
	char extra[128];

	if (call->state == CALL_ENDED)
		return;
	snprintf(extra, sizeof(extra), "Reason: SIP;cause=%u;text=\"%s\"\r\n", status, text);
	if (call->state == CALL_CONFIRMED) {
		send_bye(&call->a, extra);
		send_bye(&call->b, extra);
	} else {
		cancel_branches(call);
		if (call->st) {
			call->final_status = status;
			sipwall_txn_set_user(call->st, NULL);
			sipwall_txn_respond(call->st, status, text, NULL, SIP_STR(""));
			call->st = NULL;
		}
	}
	call_end(call, reason, "sbc");
	maybe_free(call);
}

/* --- timers --- */

static void on_ring_timer(struct sipwall_timer *t)
{
	struct sipwall_call *call = container_of(t, struct sipwall_call, ring_timer);

	if (call->state < CALL_CONFIRMED)
		hangup(call, "no-answer", 408, "Request Timeout");
}

static void on_idle_timer(struct sipwall_timer *t)
{
	struct sipwall_call *call = container_of(t, struct sipwall_call, idle_timer);
	uint64_t idle = (uint64_t)b2b.idle_timeout_s * 1000, now = sipwall_now_ms();

	/* activity only stamps a time: re-arm for what is left */
	if (now - call->last_activity_ms < idle) {
		sipwall_timer_after(t, call->last_activity_ms + idle - now);
		return;
	}
	hangup(call, "idle", 408, "call idle");
}

/* RFC 4028 10: BYE before the session expires, unless it was refreshed. */
static void arm_session_timer(struct sipwall_call *call, const struct sip_msg *resp)
{
	struct sip_str se;
	uint32_t secs;

	if (!resp || !header_value(resp, SIP_HDR_SESSION_EXPIRES, NULL, &se))
		return;
	secs = leading_uint(se, NULL);
	if (secs < 1)
		return;
	call->session_expires_s = secs;
	call->refreshed_ms = sipwall_now_ms();
	sipwall_timer_after(&call->session_timer,
			    (uint64_t)secs * 1000 - (uint64_t)(secs / 3 < 32 ? secs / 3 : 32) * 1000);
}

static void on_session_timer(struct sipwall_timer *t)
{
	struct sipwall_call *call = container_of(t, struct sipwall_call, session_timer);

	hangup(call, "session-timer", 408, "session expired");
}

/* Timer G's work for a 2xx, which RFC 6026 leaves to the TU. */
static void on_ok_timer(struct sipwall_timer *t)
{
	struct sipwall_leg *leg = container_of(t, struct sipwall_leg, ok_timer);

	if (sipwall_now_ms() >= leg->ok_deadline_ms || !leg->ok) {
		leg->awaiting_ack = false;
		hangup(leg->call, "no-ack", 408, "no ACK");
		return;
	}
	sipwall_send(&leg->peer, leg->ok, leg->ok_len);
	leg->ok_interval_ms = leg->ok_interval_ms * 2 < b2b.t2_ms ? leg->ok_interval_ms * 2 : b2b.t2_ms;
	sipwall_timer_after(t, leg->ok_interval_ms);
}

/* Answers st with a 2xx to an INVITE and keeps a copy to retransmit over UDP. */
static void answer_2xx(struct sipwall_leg *leg, struct sipwall_txn *st, const char *head,
		       uint32_t cseq, unsigned int status, const char *reason, const char *extra,
		       struct sip_str body)
{
	struct sip_buf copy;

	sipwall_txn_respond(st, status, reason, extra, body);
	leg->awaiting_ack = true;
	leg->ok_cseq = cseq;
	leg->ok_deadline_ms = sipwall_now_ms() + 64 * (uint64_t)b2b.t1_ms;
	if (leg->peer.proto != SIPWALL_PROTO_UDP || !head) {
		/* nothing to retransmit over a reliable transport, but the ACK may never come */
		sipwall_timer_after(&leg->ok_timer, 64 * (uint64_t)b2b.t1_ms);
		return;
	}
	sip_buf_init(&copy, SIP_MSG_MAX_SIZE);
	sip_buf_printf(&copy, "SIP/2.0 %u %s\r\n%s%sContent-Length: %zu\r\n\r\n", status, reason,
		       head, extra ? extra : "", body.len);
	sip_buf_str(&copy, body);
	if (copy.failed) {
		sip_buf_uninit(&copy);
		return;
	}
	free(leg->ok);
	leg->ok = copy.data;
	leg->ok_len = copy.len;
	leg->ok_interval_ms = b2b.t1_ms;
	sipwall_timer_after(&leg->ok_timer, leg->ok_interval_ms);
}

/* --- new calls --- */

static bool realm_has_registrar(const struct sipwall_realm_config *rc)
{
	return rc->registrar.enabled;
}

/* "sip:USER@NEXTHOP[;transport=...]" */
static char *next_hop_uri(const struct sipwall_endpoint *ep, struct sip_str user)
{
	char addr[80], *out = NULL;

	sipwall_addr_format(&ep->addr, addr, sizeof(addr));
	if (asprintf(&out, "sip:" SIP_STR_FMT "%s%s%s", SIP_STR_ARG(user), user.len ? "@" : "", addr,
		     ep->proto == SIPWALL_PROTO_TCP ? ";transport=tcp" :
		     ep->proto == SIPWALL_PROTO_TLS ? ";transport=tls" : "") < 0)
		return NULL;
	return out;
}

/*
 * P-Asserted-Identity into the target realm (send_identity): the one the
 * caller's realm asserted if it is trusted, else who the gate or the
 * registrar vouched for.
 */
static void identity(struct sip_buf *out, const struct sip_msg *req, struct sip_str user,
		     bool registered, const struct sipwall_realm *from, const char *host)
{
	struct sip_str pai;
	struct sip_name_addr na;

	if (from->cfg->b2bua.trust_identity && header_value(req, SIP_HDR_OTHER, "P-Asserted-Identity", &pai) &&
	    !sip_name_addr_parse(pai, &na) && na.uri.user.len)
		user = na.uri.user;
	else if (!user.len && registered)
		user = req->from.uri.user;
	if (user.len)
		sip_buf_printf(out, "P-Asserted-Identity: <sip:" SIP_STR_FMT "@%s>\r\n", SIP_STR_ARG(user),
			       host);
}

static int add_branch(struct sipwall_call *call, const struct sipwall_peer *peer, char *ruri)
{
	struct sipwall_branch *br = &call->branches[call->branch_count];

	if (!ruri)
		return -1;
	br->peer = *peer;
	br->ruri = ruri;
	call->branch_count++;
	return 0;
}

/* What a branch's transaction calls back with: see struct sipwall_branch. */
static void *branch_ctx(const struct sipwall_call *call, unsigned int index)
{
	return (void *)(uintptr_t)(call->id * SIPWALL_MAX_BRANCHES + index);
}

/* Branches from the target realm: its next hop, else the callee's bindings. */
static unsigned int route(struct sipwall_call *call, struct sipwall_realm *to, struct sip_str user)
{
	const struct sipwall_realm_config *rc = to->cfg;
	const struct sipwall_binding *bindings[SIPWALL_MAX_BRANCHES];
	unsigned int n;

	if (rc->has_next_hop) {
		struct sipwall_peer peer = {
			.proto = rc->next_hop.proto, .realm = to, .addr = rc->next_hop.addr,
			.addr_len = rc->next_hop.addr_len, .udp_fd = -1,
		};

		add_branch(call, &peer, next_hop_uri(&rc->next_hop, user));
		return call->branch_count;
	}
	call->to_bindings = true;
	n = sipwall_location_lookup(to, user, bindings, SIPWALL_MAX_BRANCHES);
	for (unsigned int i = 0; i < n; i++)
		add_branch(call, &bindings[i]->peer, strdup(bindings[i]->contact));
	return call->branch_count;
}

static int set_up_legs(struct sipwall_call *call, struct sipwall_txn *st, struct sip_msg *req,
		       struct sipwall_realm *to)
{
	struct sipwall_leg *a = &call->a, *b = &call->b;
	char t1[24], t2[24], *host;
	int rc = -1;

	a->realm = sipwall_txn_peer(st)->realm;
	a->peer = *sipwall_txn_peer(st);
	sipwall_topo_leg_addr(a);
	a->call_id = sdup(req->call_id);
	snprintf(a->local_tag, sizeof(a->local_tag), "%s", sipwall_txn_to_tag(st));
	a->remote_tag = sdup(req->from.tag);
	a->local_uri = sipwall_topo_name_addr(&req->to);
	a->remote_uri = sipwall_topo_name_addr(&req->from);
	a->remote_target = contact_uri(req);
	if (!a->remote_target)
		a->remote_target = sdup(req->from.uri.raw);
	a->route = route_set(req, false);
	a->remote_cseq = req->cseq.seq;

	b->realm = to;
	b->peer = call->branches[0].peer;
	sipwall_topo_leg_addr(b);
	sipwall_random_tag(t1);
	sipwall_random_tag(t2);
	sipwall_random_tag(b->local_tag);
	host = sipwall_topo_identity_host(b);
	if (!host || asprintf(&b->call_id, "%s%s", t1, t2) < 0)
		goto out;
	if (asprintf(&b->local_uri, "%s" SIP_STR_FMT "%s<sip:" SIP_STR_FMT "%s%s>",
		     req->from.display.len ? "\"" : "", SIP_STR_ARG(req->from.display),
		     req->from.display.len ? "\" " : "", SIP_STR_ARG(req->from.uri.user),
		     req->from.uri.user.len ? "@" : "", host) < 0 ||
	    asprintf(&b->remote_uri, "<sip:" SIP_STR_FMT "%s%s>", SIP_STR_ARG(req->request_uri.user),
		     req->request_uri.user.len ? "@" : "", host) < 0)
		goto out;
	b->local_cseq = 1;
	call->b_invite_cseq = 1;
	if (asprintf(&call->caller, SIP_STR_FMT "@" SIP_STR_FMT, SIP_STR_ARG(req->from.uri.user),
		     SIP_STR_ARG(req->from.uri.host)) < 0 ||
	    asprintf(&call->callee, SIP_STR_FMT "@" SIP_STR_FMT, SIP_STR_ARG(req->request_uri.user),
		     SIP_STR_ARG(req->request_uri.host)) < 0)
		goto out;
	rc = a->call_id && a->remote_tag && a->local_uri && a->remote_uri && a->remote_target ? 0 : -1;
out:
	free(host);
	return rc;
}

static void reject(struct sipwall_txn *st, enum sip_method method, unsigned int status,
		   const char *reason, const char *extra)
{
	if (method == SIP_METHOD_INVITE)
		b2b.rejected++;
	sipwall_txn_respond(st, status, reason, extra, SIP_STR(""));
}

static void new_call(struct sipwall_txn *st, struct sip_msg *req, struct sip_str user)
{
	const struct sipwall_peer *from = sipwall_txn_peer(st);
	const struct sipwall_realm_config *rc = from->realm->cfg;
	struct sip_buf extra, out;
	struct sipwall_realm *to;
	struct sipwall_call *call;
	struct sip_str body = req->body;
	bool registered = false;
	unsigned int sent = 0;
	char *host;

	to = rc->b2bua.peer_realm ? sipwall_realm_find(rc->b2bua.peer_realm) : NULL;
	if (!to) {
		reject(st, req->method, 403, "Forbidden", NULL);
		return;
	}
	/* a realm of phones without authentication: only registered phones call out */
	if (!user.len && rc->auth.mode == SIPWALL_REALM_AUTH_NONE && realm_has_registrar(rc)) {
		registered = sipwall_location_registered_from(from->realm, req->from.uri.user, from);
		if (!registered) {
			reject(st, req->method, 403, "Forbidden", NULL);
			return;
		}
	}
	if (req->method == SIP_METHOD_INVITE && sipwall_calls_active() >= b2b.max_calls) {
		reject(st, req->method, 503, "Service Unavailable", "Retry-After: 5\r\n");
		return;
	}
	if (req->request_uri.scheme == SIP_URI_TEL || !req->request_uri.user.len) {
		reject(st, req->method, 404, "Not Found", NULL);
		return;
	}
	call = sipwall_call_create(req->method);
	if (!call) {
		reject(st, req->method, 500, "Server Internal Error", NULL);
		return;
	}
	if (!route(call, to, req->request_uri.user)) {
		reject(st, req->method, 404, "Not Found", NULL);
		sipwall_call_free(call);
		return;
	}
	if (set_up_legs(call, st, req, to)) {
		reject(st, req->method, 500, "Server Internal Error", NULL);
		sipwall_call_free(call);
		return;
	}
	call->start_ms = sipwall_wall_ms();
	sipwall_call_touch(call);
	sipwall_timer_init(&call->a.ok_timer, on_ok_timer);
	sipwall_timer_init(&call->b.ok_timer, on_ok_timer);
	sipwall_timer_init(&call->ring_timer, on_ring_timer);
	sipwall_timer_init(&call->idle_timer, on_idle_timer);
	sipwall_timer_init(&call->session_timer, on_session_timer);

	sip_buf_init(&extra, SIP_MSG_MAX_SIZE);
	host = sipwall_topo_identity_host(&call->b);
	if (to->cfg->b2bua.send_identity && host)
		identity(&extra, req, user, registered, from->realm, host);
	free(host);
	if (req->method == SIP_METHOD_INVITE) {
		/* SDP OFFER: in the INVITE; without a body the offer comes in the 2xx */
		call->offer_in_2xx = !body.len;
		if (body.len)
			body = sipwall_sdp_offer(call, &call->a, body);
	}
	for (unsigned int i = 0; i < call->branch_count; i++) {
		struct sipwall_branch *br = &call->branches[i];
		struct sipwall_topo_req r = {
			.method = req->method == SIP_METHOD_INVITE ? "INVITE" : "MESSAGE",
			.ruri = br->ruri, .cseq = call->b_invite_cseq,
			.max_forwards = req->max_forwards > 0 ? req->max_forwards - 1 : 69,
			.src = req, .extra = buf_cstr(&extra), .body = body,
		};

		call->b.peer = br->peer;
		sipwall_topo_leg_addr(&call->b);
		sip_buf_init(&out, SIP_MSG_MAX_SIZE);
		if (r.extra && !sipwall_topo_request(&out, &call->b, &r))
			br->ct = sipwall_txn_send_request(&br->peer, out.data, out.len,
							  on_branch_response, branch_ctx(call, i));
		sip_buf_uninit(&out);
		if (br->ct) {
			sent++;
			call->branches_open++;
		} else {
			br->status = 503;
		}
	}
	sip_buf_uninit(&extra);
	call->b.peer = call->branches[0].peer;
	sipwall_topo_leg_addr(&call->b);
	if (!sent) {
		reject(st, req->method, 500, "Server Internal Error", NULL);
		sipwall_call_free(call);
		return;
	}
	call->st = st;
	sipwall_txn_set_user(st, call);
	if (req->method == SIP_METHOD_MESSAGE) {
		b2b.messages++;
		return;
	}
	call->st_head = uas_head(req, call->a.local_tag);
	sipwall_leg_index(&call->a);
	sipwall_leg_index(&call->b);
	b2b.attempted++;
	sipwall_timer_after(&call->ring_timer, (uint64_t)b2b.ring_timeout_s * 1000);
	if (b2b.idle_timeout_s)
		sipwall_timer_after(&call->idle_timer, (uint64_t)b2b.idle_timeout_s * 1000);
}

/* --- answers to the outgoing INVITE (or MESSAGE) --- */

/* Leg B's dialog from an answer with a To tag (early or confirmed). */
static void learn_dialog(struct sipwall_call *call, struct sipwall_branch *br,
			 const struct sip_msg *resp)
{
	struct sipwall_leg *b = &call->b;
	char *target = contact_uri(resp);

	free(b->remote_tag);
	b->remote_tag = sdup(resp->to.tag);
	free(b->remote_target);
	b->remote_target = target ? target : strdup(br->ruri);
	free(b->route);
	b->route = route_set(resp, true);
	b->peer = br->ct ? *sipwall_txn_peer(br->ct) : br->peer;
}

/* RFC 3262: our RSeq on leg A for the callee's RSeq, the same for a retransmission. */
static uint32_t map_rseq(struct sipwall_call *call, uint32_t b_rseq)
{
	struct sipwall_rseq_map *m;

	for (unsigned int i = 0; i < SIPWALL_RSEQ_MAP; i++)
		if (call->rseq[i].a && call->rseq[i].b == b_rseq)
			return call->rseq[i].a;
	m = &call->rseq[call->rseq_next++ % SIPWALL_RSEQ_MAP];
	m->a = ++call->a.rseq;
	m->b = b_rseq;
	return m->a;
}

/* 18x with a To tag, the callee's 2xx: Contact of ours, the end-to-end headers. */
static const char *answer_extra(struct sip_buf *b, const struct sip_msg *resp,
				struct sipwall_leg *to, bool contact)
{
	if (contact)
		sipwall_topo_contact(b, to);
	if (resp)
		sipwall_topo_copy(b, resp, &to->realm->cfg->b2bua);
	return buf_cstr(b);
}

static void relay_provisional(struct sipwall_call *call, struct sipwall_branch *br,
			      const struct sip_msg *resp)
{
	struct sip_str body = resp->body, rseq;
	char reason[128];
	struct sip_buf extra;

	if (resp->to.tag.len) {
		learn_dialog(call, br, resp);
		call->state = CALL_EARLY;
	}
	if (!call->st)
		return;
	sip_buf_init(&extra, SIP_MSG_MAX_SIZE);
	sipwall_topo_contact(&extra, &call->a);
	sipwall_topo_copy(&extra, resp, &call->a.realm->cfg->b2bua);
	if (has_extension(resp, SIP_HDR_REQUIRE, "100rel") &&
	    header_value(resp, SIP_HDR_OTHER, "RSeq", &rseq))
		sip_buf_printf(&extra, "RSeq: %u\r\n", map_rseq(call, leading_uint(rseq, NULL)));
	/* SDP ANSWER (early media) to the INVITE's offer; SDP OFFER if it had none */
	if (body.len)
		body = call->offer_in_2xx ? sipwall_sdp_offer(call, &call->b, body) :
					    sipwall_sdp_answer(call, &call->b, body);
	copy_reason(resp, resp->status, reason, sizeof(reason));
	if (buf_cstr(&extra))
		sipwall_txn_respond(call->st, resp->status, reason, extra.data, body);
	sip_buf_uninit(&extra);
}

static void send_ack(struct sipwall_leg *leg, uint32_t cseq, const struct sip_msg *src,
		     struct sip_str body)
{
	struct sipwall_topo_req r = {
		.method = "ACK", .cseq = cseq, .max_forwards = 70, .src = src, .body = body,
	};
	struct sip_buf out;

	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	if (sipwall_topo_request(&out, leg, &r) || sipwall_send(&leg->peer, out.data, out.len)) {
		sip_buf_uninit(&out);
		hangup(leg->call, "transport-error", 503, "ACK not sent");
		return;
	}
	free(leg->ack);
	leg->ack = out.data;
	leg->ack_len = out.len;
	leg->ack_cseq = cseq;
}

/* A 2xx nobody wants (a second fork, a CANCEL lost the race): ACK, then BYE. */
static void refuse_2xx(struct sipwall_call *call, struct sipwall_branch *br,
		       const struct sip_msg *resp)
{
	struct sipwall_leg tmp = call->b;
	char *target = contact_uri(resp);

	tmp.remote_tag = sdup(resp->to.tag);
	tmp.remote_target = target ? target : strdup(br->ruri);
	tmp.route = route_set(resp, true);
	tmp.peer = br->ct ? *sipwall_txn_peer(br->ct) : br->peer;
	tmp.ack = NULL;
	tmp.ok = NULL;
	if (tmp.remote_tag && tmp.remote_target) {
		struct sipwall_topo_req r = { .method = "ACK", .cseq = resp->cseq.seq,
					      .max_forwards = 70 };
		struct sip_buf out;

		sip_buf_init(&out, SIP_MSG_MAX_SIZE);
		if (!sipwall_topo_request(&out, &tmp, &r))
			sipwall_send(&tmp.peer, out.data, out.len);
		sip_buf_uninit(&out);
		tmp.local_cseq = resp->cseq.seq;
		send_bye(&tmp, NULL);
	}
	free(tmp.remote_tag);
	free(tmp.remote_target);
	free(tmp.route);
}

static void answered(struct sipwall_call *call, struct sipwall_branch *br,
		     const struct sip_msg *resp)
{
	struct sip_str body = resp->body;
	struct sip_buf extra;
	char reason[128];

	call->winner = (int)(br - call->branches);
	call->final_status = resp->status;
	copy_reason(resp, resp->status, reason, sizeof(reason));
	cancel_branches(call);
	sip_buf_init(&extra, SIP_MSG_MAX_SIZE);
	if (call->method == SIP_METHOD_MESSAGE) {
		if (call->st && answer_extra(&extra, resp, &call->a, false))
			sipwall_txn_respond(call->st, resp->status, reason, extra.data, resp->body);
		sip_buf_uninit(&extra);
		call->st = NULL;
		call->state = CALL_ENDED;
		return;
	}
	learn_dialog(call, br, resp);
	call->b.ack_cseq = call->b_invite_cseq;
	call->state = CALL_CONFIRMED;
	call->answer_ms = sipwall_wall_ms();
	b2b.answered++;
	sipwall_timer_stop(&call->ring_timer);
	arm_session_timer(call, resp);
	/* SDP ANSWER to the INVITE's offer, or SDP OFFER when the INVITE had none */
	if (body.len)
		body = call->offer_in_2xx ? sipwall_sdp_offer(call, &call->b, body) :
					    sipwall_sdp_answer(call, &call->b, body);
	if (call->st && answer_extra(&extra, resp, &call->a, true)) {
		sipwall_txn_set_user(call->st, NULL);
		answer_2xx(&call->a, call->st, call->st_head, call->a.remote_cseq, resp->status, reason,
			   extra.data, body);
	}
	call->st = NULL;
	sip_buf_uninit(&extra);
}

/* Every branch failed: the best answer, or 480 if no callee was reachable. */
static void failed(struct sipwall_call *call)
{
	unsigned int status = call->best_status ? call->best_status : 480;
	const char *reason = call->best_reason ? call->best_reason : "Temporarily Unavailable";
	bool unreachable = true;

	for (unsigned int i = 0; i < call->branch_count; i++)
		unreachable &= call->branches[i].status == 408 || call->branches[i].status == 503;
	if (call->to_bindings && unreachable) {
		status = 480;
		reason = "Temporarily Unavailable";
	}
	call->final_status = status;
	if (call->st) {
		sipwall_txn_set_user(call->st, NULL);
		sipwall_txn_respond(call->st, status, reason, NULL, SIP_STR(""));
		call->st = NULL;
	}
	call_end(call, end_reason(status), call->b.realm->name);
}

/* RFC 3261 16.7 in short: a 6xx beats all, then any class over 408/503. */
static bool better(unsigned int status, unsigned int best)
{
	if (!best)
		return true;
	if (best >= 600)
		return false;
	if (status >= 600)
		return true;
	if (best == 408 || best == 503)
		return status != 408 && status != 503;
	return false;
}

static void on_branch_response(void *ctx, const struct sip_msg *resp, unsigned int status)
{
	struct sipwall_call *call = sipwall_call_find((uintptr_t)ctx / SIPWALL_MAX_BRANCHES);
	struct sipwall_branch *br;
	char reason[128];

	if (!call)
		return;	/* a 2xx retransmitted after the call ended */
	br = &call->branches[(uintptr_t)ctx % SIPWALL_MAX_BRANCHES];
	sipwall_call_touch(call);
	if (status < 200) {
		if (status > 100 && call->state < CALL_CONFIRMED && call->method == SIP_METHOD_INVITE)
			relay_provisional(call, br, resp);
		return;
	}
	if (br->status >= 200 && br->status < 300) {
		/* a 2xx again: our ACK again, or a second dialog of a fork further on */
		if (resp && call->winner == (int)(br - call->branches) && call->b.remote_tag &&
		    sip_str_eq(resp->to.tag, sip_str_from_cstr(call->b.remote_tag))) {
			if (call->b.ack)
				sipwall_send(&call->b.peer, call->b.ack, call->b.ack_len);
		} else if (resp && call->method == SIP_METHOD_INVITE) {
			refuse_2xx(call, br, resp);
		}
		return;
	}
	br->status = status;
	call->branches_open--;
	if (status < 300) {
		if (call->winner >= 0 || call->state == CALL_ENDED) {
			if (call->method == SIP_METHOD_INVITE)
				refuse_2xx(call, br, resp);
		} else {
			answered(call, br, resp);
		}
	}
	/* final: no pointer kept (after a 2xx it ends unseen, 64*T1 on) */
	br->ct = NULL;
	if (status < 300) {
		maybe_free(call);
		return;
	}
	if (call->winner < 0 && call->state != CALL_ENDED && better(status, call->best_status)) {
		copy_reason(resp, status, reason, sizeof(reason));
		free(call->best_reason);
		call->best_reason = strdup(reason);
		call->best_status = status;
		if (status >= 600)
			cancel_branches(call);
	}
	if (!call->branches_open && call->winner < 0 && call->state != CALL_ENDED) {
		if (call->method == SIP_METHOD_MESSAGE) {
			if (call->st)
				sipwall_txn_respond(call->st, call->best_status,
						    call->best_reason ? call->best_reason : "Failed",
						    NULL, SIP_STR(""));
			call->st = NULL;
			call->state = CALL_ENDED;
		} else {
			failed(call);
		}
	}
	maybe_free(call);
}

/* --- in-dialog requests --- */

static struct sipwall_relay *relay_create(struct sipwall_call *call, struct sipwall_txn *st,
					  struct sipwall_leg *from, struct sip_msg *req)
{
	struct sipwall_relay *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->owner = OWNER_RELAY;
	r->call = call;
	r->st = st;
	r->from = from;
	r->method = req->method;
	if (req->method == SIP_METHOD_INVITE)
		r->head = uas_head(req, from->local_tag);
	r->next = call->relays;
	call->relays = r;
	return r;
}

static void relay_unlink(struct sipwall_relay *r)
{
	struct sipwall_relay **p = &r->call->relays;

	while (*p && *p != r)
		p = &(*p)->next;
	if (*p)
		*p = r->next;
	if (r->ct)
		sipwall_txn_detach(r->ct);
	free(r->head);
	free(r);
}

static bool offer_method(enum sip_method m)
{
	return m == SIP_METHOD_INVITE || m == SIP_METHOD_UPDATE;
}

/* The request on the other leg; its answer comes back through on_relay_response. */
static void relay_request(struct sipwall_txn *st, struct sip_msg *req, struct sipwall_leg *from,
			  const char *extra)
{
	struct sipwall_call *call = from->call;
	struct sipwall_leg *to = sipwall_leg_other(from);
	struct sipwall_topo_req r = {
		.max_forwards = req->max_forwards > 0 ? req->max_forwards - 1 : 69,
		.src = req, .extra = extra, .body = req->body,
	};
	struct sipwall_relay *relay;
	char method[32];
	struct sip_buf out;

	snprintf(method, sizeof(method), SIP_STR_FMT,
		 (int)(req->method_name.len < 31 ? req->method_name.len : 31), req->method_name.p);
	r.method = method;
	relay = relay_create(call, st, from, req);
	if (!relay) {
		sipwall_txn_respond(st, 500, "Server Internal Error", NULL, SIP_STR(""));
		return;
	}
	/* SDP OFFER in a re-INVITE or UPDATE; SDP ANSWER in a PRACK (to a reliable 18x's offer) */
	if (req->body.len && offer_method(req->method)) {
		relay->offer = true;
		r.body = sipwall_sdp_offer(call, from, req->body);
	} else if (req->body.len && req->method == SIP_METHOD_PRACK) {
		r.body = sipwall_sdp_answer(call, from, req->body);
	}
	r.cseq = relay->cseq = ++to->local_cseq;
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	if (!sipwall_topo_request(&out, to, &r))
		relay->ct = sipwall_txn_send_request(&to->peer, out.data, out.len, on_relay_response,
						     relay);
	sip_buf_uninit(&out);
	if (!relay->ct) {
		relay->st = NULL;
		relay_unlink(relay);
		sipwall_txn_respond(st, 500, "Server Internal Error", NULL, SIP_STR(""));
		return;
	}
	if (offer_method(req->method))
		to->offer_pending = true;
	sipwall_txn_set_user(st, relay);
	b2b.in_dialog++;
}

static void on_relay_response(void *ctx, const struct sip_msg *resp, unsigned int status)
{
	struct sipwall_relay *relay = ctx;
	struct sipwall_call *call = relay->call;
	struct sipwall_leg *from = relay->from, *to = sipwall_leg_other(from);
	bool target_refresh = offer_method(relay->method);
	struct sip_str body = resp ? resp->body : SIP_STR("");
	struct sip_buf extra;
	char reason[128];

	sipwall_call_touch(call);
	if (status == 100 || (status < 200 && !relay->st))
		return;
	copy_reason(resp, status, reason, sizeof(reason));
	sip_buf_init(&extra, SIP_MSG_MAX_SIZE);
	if (!answer_extra(&extra, resp, from, target_refresh && status < 300)) {
		sip_buf_uninit(&extra);
		return;
	}
	if (status < 200) {
		sipwall_txn_respond(relay->st, status, reason, extra.data, body);
		sip_buf_uninit(&extra);
		return;
	}
	if (target_refresh)
		to->offer_pending = false;
	if (status < 300 && target_refresh) {
		char *target = contact_uri(resp);

		if (target) {
			free(to->remote_target);
			to->remote_target = target;
		}
		arm_session_timer(call, resp);
	}
	/* SDP ANSWER to a re-INVITE/UPDATE offer; SDP OFFER in the 2xx of an INVITE without one */
	if (body.len && target_refresh)
		body = relay->offer ? sipwall_sdp_answer(call, to, body) : sipwall_sdp_offer(call, to, body);
	if (relay->st) {
		sipwall_txn_set_user(relay->st, NULL);
		if (relay->method == SIP_METHOD_INVITE && status < 300) {
			/* the requester's ACK makes us ACK the 2xx on this leg: see sipwall_b2bua_ack */
			to->ack_cseq = relay->cseq;
			free(to->ack);
			to->ack = NULL;
			answer_2xx(from, relay->st, relay->head, from->remote_cseq, status, reason,
				   extra.data, body);
		} else {
			sipwall_txn_respond(relay->st, status, reason, extra.data, body);
		}
		relay->st = NULL;
	}
	sip_buf_uninit(&extra);
	/* a 2xx to INVITE: the client transaction lives on; detached with the relay */
	if (status >= 300 || relay->method != SIP_METHOD_INVITE)
		relay->ct = NULL;
	relay_unlink(relay);
	/* RFC 5057: no answer at all, 408 and 481 end the dialog, hence the call */
	if (!resp || status == 408 || status == 481)
		hangup(call, !resp && status == 503 ? "transport-error" : "timeout", status,
		       "in-dialog request failed");
}

static void bye(struct sipwall_txn *st, struct sip_msg *req, struct sipwall_leg *leg)
{
	struct sipwall_call *call = leg->call;
	struct sipwall_leg *other = sipwall_leg_other(leg);
	struct sip_buf extra;

	sipwall_txn_respond(st, 200, "OK", NULL, SIP_STR(""));
	if (call->state == CALL_CONFIRMED) {
		sip_buf_init(&extra, SIP_MSG_MAX_SIZE);
		sipwall_topo_copy(&extra, req, &other->realm->cfg->b2bua);
		send_bye(other, buf_cstr(&extra));
		sip_buf_uninit(&extra);
		call_end(call, "bye", leg->realm->name);
	} else if (leg == &call->a) {
		/* the caller gives up on an early dialog: as CANCEL */
		call->cancelled = true;
		cancel_branches(call);
		if (call->st) {
			call->final_status = 487;
			sipwall_txn_set_user(call->st, NULL);
			sipwall_txn_respond(call->st, 487, "Request Terminated", NULL, SIP_STR(""));
			call->st = NULL;
		}
		call_end(call, "cancel", leg->realm->name);
	} else {
		/* the callee ends its early dialog: the other forks may still answer */
		free(leg->remote_tag);
		leg->remote_tag = NULL;
		return;
	}
	maybe_free(call);
}

/* RAck of leg A (our RSeq, leg A's INVITE CSeq) as leg B knows it. */
static bool map_rack(struct sipwall_call *call, const struct sip_msg *req, char *out, size_t size)
{
	struct sip_str rack;
	uint32_t a_rseq;

	if (!header_value(req, SIP_HDR_OTHER, "RAck", &rack))
		return false;
	a_rseq = leading_uint(rack, NULL);
	for (unsigned int i = 0; i < SIPWALL_RSEQ_MAP; i++) {
		if (call->rseq[i].a == a_rseq && a_rseq) {
			snprintf(out, size, "RAck: %u %u INVITE\r\n", call->rseq[i].b,
				 call->b_invite_cseq);
			return true;
		}
	}
	return false;
}

/* A target refresh request (RFC 3261 12.2.2): its Contact is the new remote target. */
static void refresh_target(struct sipwall_leg *leg, const struct sip_msg *req)
{
	char *target = contact_uri(req);

	if (target) {
		free(leg->remote_target);
		leg->remote_target = target;
	}
}

static void in_dialog(struct sipwall_txn *st, struct sip_msg *req)
{
	struct sipwall_leg *leg = sipwall_leg_find(req->call_id, req->to.tag);
	struct sipwall_call *call = leg ? leg->call : NULL;
	char rack[64];

	if (!call || call->state == CALL_ENDED || !sipwall_leg_other(leg)->remote_tag) {
		sipwall_txn_respond(st, 481, "Call/Transaction Does Not Exist", NULL, SIP_STR(""));
		return;
	}
	sipwall_call_touch(call);
	if (req->cseq.seq > leg->remote_cseq)
		leg->remote_cseq = req->cseq.seq;
	switch (req->method) {
	case SIP_METHOD_BYE:
		bye(st, req, leg);
		return;
	case SIP_METHOD_INVITE:
	case SIP_METHOD_UPDATE:
		/* RFC 3261 14.2, RFC 3311 5.2: our own offer is pending on this leg */
		if (leg->offer_pending) {
			sipwall_txn_respond(st, 491, "Request Pending", NULL, SIP_STR(""));
			return;
		}
		refresh_target(leg, req);
		break;
	case SIP_METHOD_PRACK:
		if (leg == &call->a) {
			if (!map_rack(call, req, rack, sizeof(rack))) {
				sipwall_txn_respond(st, 481, "Call/Transaction Does Not Exist", NULL,
						    SIP_STR(""));
				return;
			}
			relay_request(st, req, leg, rack);
			return;
		}
		break;
	default:
		break;
	}
	relay_request(st, req, leg, NULL);
}

/* --- entry points --- */

void sipwall_b2bua_request(struct sipwall_txn *st, struct sip_msg *req, struct sip_str user)
{
	if (sipwall_calls_init()) {
		sipwall_txn_respond(st, 500, "Server Internal Error", NULL, SIP_STR(""));
		return;
	}
	if (req->to.tag.len) {
		in_dialog(st, req);
		return;
	}
	switch (req->method) {
	case SIP_METHOD_INVITE:
	case SIP_METHOD_MESSAGE:
		new_call(st, req, user);
		break;
	case SIP_METHOD_BYE:
	case SIP_METHOD_PRACK:
	case SIP_METHOD_UPDATE:
	case SIP_METHOD_INFO:
		sipwall_txn_respond(st, 481, "Call/Transaction Does Not Exist", NULL, SIP_STR(""));
		break;
	case SIP_METHOD_OTHER:
		sipwall_txn_respond(st, 501, "Not Implemented", SIPWALL_ALLOW, SIP_STR(""));
		break;
	default:
		/* SUBSCRIBE, NOTIFY, REFER, PUBLISH outside a dialog */
		sipwall_txn_respond(st, 405, "Method Not Allowed", SIPWALL_ALLOW, SIP_STR(""));
		break;
	}
}

void sipwall_b2bua_ack(struct sip_msg *ack, const struct sipwall_peer *from)
{
	struct sipwall_leg *leg = sipwall_leg_find(ack->call_id, ack->to.tag);
	struct sipwall_leg *other;
	struct sip_str body = ack->body;

	(void)from;
	if (!leg || leg->call->state == CALL_ENDED)
		return;
	sipwall_call_touch(leg->call);
	other = sipwall_leg_other(leg);
	if (!leg->awaiting_ack || ack->cseq.seq != leg->ok_cseq) {
		/* a retransmitted ACK: the other side has ours already */
		return;
	}
	leg->awaiting_ack = false;
	sipwall_timer_stop(&leg->ok_timer);
	free(leg->ok);
	leg->ok = NULL;
	/* SDP ANSWER in the ACK, to the offer of a 2xx */
	if (body.len)
		body = sipwall_sdp_answer(leg->call, leg, body);
	send_ack(other, other->ack_cseq, ack, body);
}

void sipwall_b2bua_cancelled(struct sipwall_txn *st)
{
	enum sipwall_txn_owner *owner = sipwall_txn_user(st);
	struct sipwall_relay *relay;
	struct sipwall_call *call;

	if (!owner)
		return;
	sipwall_txn_set_user(st, NULL);
	if (*owner == OWNER_RELAY) {
		/* a re-INVITE CANCELled: the stack answers 487; CANCEL ours too */
		relay = (struct sipwall_relay *)owner;
		relay->st = NULL;
		if (relay->ct)
			sipwall_txn_cancel(relay->ct);
		return;
	}
	call = (struct sipwall_call *)owner;
	call->st = NULL;
	if (call->state >= CALL_CONFIRMED)
		return;
	call->cancelled = true;
	call->final_status = 487;
	cancel_branches(call);
	call_end(call, "cancel", call->a.realm->name);
	maybe_free(call);
}

/* --- configuration, counters --- */

void sipwall_b2bua_configure(const struct sipwall_config *cfg)
{
	b2b.max_calls = cfg->calls.max_calls;
	b2b.ring_timeout_s = cfg->calls.ring_timeout_s;
	b2b.idle_timeout_s = cfg->calls.idle_timeout_s;
	b2b.t1_ms = cfg->t1_ms;
	b2b.t2_ms = cfg->t2_ms;
	if (sipwall_cdr_open(cfg->calls.cdr_file))
		log_error("cdr_file %s: %m; no call records", cfg->calls.cdr_file);
}

void sipwall_b2bua_uninit(void)
{
	struct sipwall_call *call;

	while ((call = sipwall_call_first())) {
		hangup(call, "shutdown", 503, "shutting down");
		/* branches still open: their transactions end with the stack's */
		if (!call->freed)
			sipwall_call_free(call);
	}
	sipwall_calls_uninit();
	sipwall_cdr_close();
}

void sipwall_b2bua_print_stats(FILE *out)
{
	fprintf(out, "calls_active %u\ncalls_attempted %llu\ncalls_answered %llu\n"
		"calls_completed %llu\ncalls_failed %llu\ncalls_cancelled %llu\n"
		"calls_rejected %llu\ncalls_ended_by_sbc %llu\nrequests_in_dialog %llu\n"
		"messages_relayed %llu\n", sipwall_calls_active(),
		(unsigned long long)b2b.attempted, (unsigned long long)b2b.answered,
		(unsigned long long)b2b.completed, (unsigned long long)b2b.failed,
		(unsigned long long)b2b.cancelled, (unsigned long long)b2b.rejected,
		(unsigned long long)b2b.ended_by_sbc, (unsigned long long)b2b.in_dialog,
		(unsigned long long)b2b.messages);
}

static void print_call(struct sipwall_call *call, void *ctx)
{
	static const char *const states[] = { "trying", "early", "confirmed", "ended" };
	FILE *out = ctx;

	fprintf(out, "%llu %s>%s %s %s %s %llu\n", (unsigned long long)call->id, call->a.realm->name,
		call->b.realm->name, call->caller, call->callee, states[call->state],
		(unsigned long long)((sipwall_wall_ms() - call->start_ms) / 1000));
}

void sipwall_b2bua_print_calls(FILE *out)
{
	sipwall_calls_foreach(print_call, out);
}
