// SPDX-License-Identifier: GPL-2.0
/*
 * The B2BUA's entry points and new calls: routing (peer realm, next hop
 * or registrar bindings with parallel forking), the answers to the
 * outgoing INVITE (or MESSAGE) relayed to the caller, the counters.
 * relay.c carries requests inside the dialogs, call.c a call's life and
 * end. docs/b2bua.md describes the behaviour.
 *
 * One rule for every message that crosses: it is written from scratch
 * out of the target leg's dialog state (topo.c), with only the end-to-end
 * headers of the incoming message. Offers and answers pass the SDP hook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b2bua.h"
#include "call.h"
#include "cdr.h"
#include "dialog.h"
#include "log.h"
#include "registrar.h"
#include "relay.h"
#include "sdp_hook.h"
#include "sip_write.h"
#include "topo.h"

static void on_branch_response(void *ctx, const struct sip_msg *resp, unsigned int status);

/* --- new calls --- */

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

	if (from->cfg->b2bua.trust_identity &&
	    sipwall_msg_header(req, SIP_HDR_OTHER, "P-Asserted-Identity", &pai) &&
	    !sip_name_addr_parse(pai, &na) && na.uri.user.len)
		user = na.uri.user;
	else if (!user.len && registered)
		user = req->from.uri.user;
	if (user.len)
		sip_buf_printf(out, "P-Asserted-Identity: <sip:" SIP_STR_FMT "@%s>\r\n", SIP_STR_ARG(user),
			       host);
}

/* A branch to ruri over peer; none if ruri could not be made (out of memory). */
static void add_branch(struct sipwall_call *call, const struct sipwall_peer *peer, char *ruri)
{
	struct sipwall_branch *br = &call->branches[call->branch_count];

	if (!ruri)
		return;
	br->peer = *peer;
	br->ruri = ruri;
	call->branch_count++;
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

		call->branches = calloc(1, sizeof(*call->branches));
		if (call->branches)
			add_branch(call, &peer, next_hop_uri(&rc->next_hop, user));
		return call->branch_count;
	}
	call->to_bindings = true;
	n = sipwall_location_lookup(to, user, bindings, SIPWALL_MAX_BRANCHES);
	call->branches = n ? calloc(n, sizeof(*call->branches)) : NULL;
	for (unsigned int i = 0; call->branches && i < n; i++)
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
	a->call_id = sipwall_str_dup(req->call_id);
	snprintf(a->local_tag, sizeof(a->local_tag), "%s", sipwall_txn_to_tag(st));
	a->remote_tag = sipwall_str_dup(req->from.tag);
	a->local_uri = sipwall_topo_name_addr(&req->to);
	a->remote_uri = sipwall_topo_name_addr(&req->from);
	a->remote_target = sipwall_dialog_target(req);
	if (!a->remote_target)
		a->remote_target = sipwall_str_dup(req->from.uri.raw);
	a->route = sipwall_dialog_route_set(req, false);
	a->remote_cseq = req->cseq.seq;
	call->a_invite_cseq = req->cseq.seq;

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
		sipwall_call_stats.rejected++;
	sipwall_txn_respond(st, status, reason, extra, SIP_STR(""));
}

/* The INVITE (or MESSAGE) to every branch; returns how many went out. */
static unsigned int send_branches(struct sipwall_call *call, const struct sip_msg *req,
				  const char *extra, struct sip_str body)
{
	unsigned int sent = 0;

	for (unsigned int i = 0; i < call->branch_count; i++) {
		struct sipwall_branch *br = &call->branches[i];
		struct sipwall_topo_req r = {
			.method = req->method == SIP_METHOD_INVITE ? "INVITE" : "MESSAGE",
			.ruri = br->ruri, .cseq = call->b_invite_cseq,
			.max_forwards = req->max_forwards > 0 ? req->max_forwards - 1 : 69,
			.src = req, .extra = extra, .body = body,
		};
		struct sip_buf out;

		/* our Via and Contact for this branch's transport */
		call->b.peer = br->peer;
		sipwall_topo_leg_addr(&call->b);
		sip_buf_init(&out, SIP_MSG_MAX_SIZE);
		if (!sipwall_topo_request(&out, &call->b, &r))
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
	call->b.peer = call->branches[0].peer;
	sipwall_topo_leg_addr(&call->b);
	return sent;
}

static void new_call(struct sipwall_txn *st, struct sip_msg *req, struct sip_str user)
{
	const struct sipwall_peer *from = sipwall_txn_peer(st);
	const struct sipwall_realm_config *rc = from->realm->cfg;
	struct sip_str body = req->body;
	struct sipwall_realm *to;
	struct sipwall_call *call;
	bool registered = false;
	struct sip_buf extra;
	unsigned int sent = 0;
	const char *lines;
	char *host;

	/* an authenticated phone calls as itself, not as another user */
	if (user.len && !sip_str_eq(req->from.uri.user, user)) {
		log_info("realm %s: " SIP_STR_FMT " may not call as " SIP_STR_FMT ": 403",
			 from->realm->name, SIP_STR_ARG(user), SIP_STR_ARG(req->from.uri.user));
		reject(st, req->method, 403, "Forbidden", NULL);
		return;
	}
	to = rc->b2bua.peer_realm ? sipwall_realm_find(rc->b2bua.peer_realm) : NULL;
	if (!to) {
		reject(st, req->method, 403, "Forbidden", NULL);
		return;
	}
	/* a realm of phones without authentication: only registered phones call out */
	if (!user.len && rc->auth.mode == SIPWALL_REALM_AUTH_NONE && rc->registrar.enabled) {
		registered = sipwall_location_registered_from(from->realm, req->from.uri.user, from);
		if (!registered) {
			reject(st, req->method, 403, "Forbidden", NULL);
			return;
		}
	}
	if (req->method == SIP_METHOD_INVITE &&
	    sipwall_calls_active() >= sipwall_call_settings.max_calls) {
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
	lines = sipwall_buf_cstr(&extra);
	if (lines)
		sent = send_branches(call, req, lines, body);
	sip_buf_uninit(&extra);
	if (!sent) {
		reject(st, req->method, 500, "Server Internal Error", NULL);
		sipwall_call_free(call);
		return;
	}
	call->st = st;
	sipwall_txn_set_user(st, call);
	if (req->method == SIP_METHOD_MESSAGE) {
		sipwall_call_stats.messages++;
		return;
	}
	call->st_head = sipwall_dialog_uas_head(req, call->a.local_tag);
	sipwall_leg_index(&call->a);
	sipwall_leg_index(&call->b);
	sipwall_call_stats.attempted++;
	sipwall_timer_after(&call->ring_timer, (uint64_t)sipwall_call_settings.ring_timeout_s * 1000);
	if (sipwall_call_settings.idle_timeout_s)
		sipwall_timer_after(&call->idle_timer, (uint64_t)sipwall_call_settings.idle_timeout_s * 1000);
}

/* --- answers to the outgoing INVITE (or MESSAGE) --- */

/* Leg B's dialog from an answer with a To tag (early or confirmed). */
static void learn_dialog(struct sipwall_call *call, struct sipwall_branch *br,
			 const struct sip_msg *resp)
{
	struct sipwall_leg *b = &call->b;
	char *target = sipwall_dialog_target(resp);

	free(b->remote_tag);
	b->remote_tag = sipwall_str_dup(resp->to.tag);
	free(b->remote_target);
	b->remote_target = target ? target : strdup(br->ruri);
	free(b->route);
	b->route = sipwall_dialog_route_set(resp, true);
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
	if (sipwall_msg_has_extension(resp, SIP_HDR_REQUIRE, "100rel") &&
	    sipwall_msg_header(resp, SIP_HDR_OTHER, "RSeq", &rseq))
		sip_buf_printf(&extra, "RSeq: %u\r\n", map_rseq(call, sipwall_leading_uint(rseq)));
	/* SDP ANSWER (early media) to the INVITE's offer; SDP OFFER if it had none */
	if (body.len)
		body = call->offer_in_2xx ? sipwall_sdp_offer(call, &call->b, body) :
					    sipwall_sdp_answer(call, &call->b, body);
	sipwall_reason_copy(resp, resp->status, reason, sizeof(reason));
	if (sipwall_buf_cstr(&extra))
		sipwall_txn_respond(call->st, resp->status, reason, extra.data, body);
	sip_buf_uninit(&extra);
}

/* A 2xx nobody wants (a second fork, a CANCEL lost the race): ACK, then BYE. */
static void refuse_2xx(struct sipwall_call *call, struct sipwall_branch *br,
		       const struct sip_msg *resp)
{
	struct sipwall_leg tmp = call->b;
	char *target = sipwall_dialog_target(resp);

	/* that dialog, for the moment it takes to end it: sipwall_leg_bye() ACKs first */
	tmp.remote_tag = sipwall_str_dup(resp->to.tag);
	tmp.remote_target = target ? target : strdup(br->ruri);
	tmp.route = sipwall_dialog_route_set(resp, true);
	tmp.peer = br->ct ? *sipwall_txn_peer(br->ct) : br->peer;
	tmp.ack = NULL;
	tmp.ack_cseq = resp->cseq.seq;
	tmp.local_cseq = resp->cseq.seq;
	if (tmp.remote_tag && tmp.remote_target)
		sipwall_leg_bye(&tmp, NULL);
	free(tmp.remote_tag);
	free(tmp.remote_target);
	free(tmp.route);
	free(tmp.ack);
}

static void answered(struct sipwall_call *call, struct sipwall_branch *br,
		     const struct sip_msg *resp)
{
	struct sip_str body = resp->body;
	struct sip_buf extra;
	char reason[128];

	call->winner = (int)(br - call->branches);
	call->final_status = resp->status;
	sipwall_reason_copy(resp, resp->status, reason, sizeof(reason));
	sipwall_call_cancel_branches(call);
	sip_buf_init(&extra, SIP_MSG_MAX_SIZE);
	if (call->method == SIP_METHOD_MESSAGE) {
		if (call->st && sipwall_answer_headers(&extra, resp, &call->a, false))
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
	sipwall_call_stats.answered++;
	sipwall_timer_stop(&call->ring_timer);
	sipwall_call_session_timer(call, resp);
	/* SDP ANSWER to the INVITE's offer, or SDP OFFER when the INVITE had none */
	if (body.len)
		body = call->offer_in_2xx ? sipwall_sdp_offer(call, &call->b, body) :
					    sipwall_sdp_answer(call, &call->b, body);
	if (call->st && sipwall_answer_headers(&extra, resp, &call->a, true)) {
		sipwall_txn_set_user(call->st, NULL);
		sipwall_leg_answer_2xx(&call->a, call->st, call->st_head, call->a_invite_cseq,
				       resp->status, reason, extra.data, body);
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
	sipwall_call_end(call, end_reason(status), call->b.realm->name);
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
		sipwall_call_release(call);
		return;
	}
	if (call->winner < 0 && call->state != CALL_ENDED && better(status, call->best_status)) {
		sipwall_reason_copy(resp, status, reason, sizeof(reason));
		free(call->best_reason);
		call->best_reason = strdup(reason);
		call->best_status = status;
		if (status >= 600)
			sipwall_call_cancel_branches(call);
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
	sipwall_call_release(call);
}

/* --- entry points --- */

void sipwall_b2bua_request(struct sipwall_txn *st, struct sip_msg *req, struct sip_str user)
{
	if (sipwall_calls_init()) {
		sipwall_txn_respond(st, 500, "Server Internal Error", NULL, SIP_STR(""));
		return;
	}
	if (req->to.tag.len) {
		sipwall_relay_in_dialog(st, req);
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
	(void)from;
	sipwall_relay_ack(ack);
}

void sipwall_b2bua_cancelled(struct sipwall_txn *st)
{
	enum sipwall_txn_owner *owner = sipwall_txn_user(st);
	struct sipwall_call *call;

	if (!owner)
		return;
	sipwall_txn_set_user(st, NULL);
	if (*owner == OWNER_RELAY) {
		sipwall_relay_cancelled((struct sipwall_relay *)owner);
		return;
	}
	call = (struct sipwall_call *)owner;
	call->st = NULL;
	if (call->state >= CALL_CONFIRMED)
		return;
	call->cancelled = true;
	call->final_status = 487;
	sipwall_call_cancel_branches(call);
	sipwall_call_end(call, "cancel", call->a.realm->name);
	sipwall_call_release(call);
}

/* --- configuration, counters --- */

void sipwall_b2bua_configure(const struct sipwall_config *cfg)
{
	sipwall_call_settings.max_calls = cfg->calls.max_calls;
	sipwall_call_settings.ring_timeout_s = cfg->calls.ring_timeout_s;
	sipwall_call_settings.idle_timeout_s = cfg->calls.idle_timeout_s;
	sipwall_call_settings.t1_ms = cfg->t1_ms;
	sipwall_call_settings.t2_ms = cfg->t2_ms;
	if (sipwall_cdr_open(cfg->calls.cdr_file))
		log_error("cdr_file %s: %m; no call records", cfg->calls.cdr_file);
}

void sipwall_b2bua_uninit(void)
{
	struct sipwall_call *call;

	while ((call = sipwall_call_first())) {
		sipwall_call_hangup(call, "shutdown", 503, "shutting down");
		/* branches still open: their transactions end with the stack's */
		if (!call->freed)
			sipwall_call_free(call);
	}
	sipwall_calls_uninit();
	sipwall_cdr_close();
}

void sipwall_b2bua_print_stats(FILE *out)
{
	const struct sipwall_call_stats *n = &sipwall_call_stats;

	fprintf(out, "calls_active %u\ncalls_attempted %llu\ncalls_answered %llu\n"
		"calls_completed %llu\ncalls_failed %llu\ncalls_cancelled %llu\n"
		"calls_rejected %llu\ncalls_ended_by_sbc %llu\nrequests_in_dialog %llu\n"
		"messages_relayed %llu\n", sipwall_calls_active(),
		(unsigned long long)n->attempted, (unsigned long long)n->answered,
		(unsigned long long)n->completed, (unsigned long long)n->failed,
		(unsigned long long)n->cancelled, (unsigned long long)n->rejected,
		(unsigned long long)n->ended_by_sbc, (unsigned long long)n->in_dialog,
		(unsigned long long)n->messages);
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
