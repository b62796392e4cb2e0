// SPDX-License-Identifier: GPL-2.0
/*
 * Calls and their legs: creation, the table that finds a leg by Call-ID
 * and local tag (one entry per leg: each realm sees its own Call-ID), and
 * the end of a call's memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "cdr.h"
#include "dialog.h"
#include "log.h"
#include "sdp_hook.h"
#include "sip_write.h"
#include "topo.h"

struct sipwall_call_settings sipwall_call_settings = {
	.max_calls = 10000, .ring_timeout_s = 180, .idle_timeout_s = 7200,
	.t1_ms = 500, .t2_ms = 4000,
};
struct sipwall_call_stats sipwall_call_stats;

static void on_ring_timer(struct sipwall_timer *t);
static void on_idle_timer(struct sipwall_timer *t);
static void on_session_timer(struct sipwall_timer *t);
static void on_ok_timer(struct sipwall_timer *t);

static struct {
	struct sipwall_htab legs;
	struct sipwall_htab ids;
	struct sipwall_call *list;
	unsigned int count;
	uint64_t next_id;
} calls;

int sipwall_calls_init(void)
{
	if (calls.legs.buckets)
		return 0;
	if (sipwall_htab_init(&calls.ids))
		return -1;
	if (sipwall_htab_init(&calls.legs)) {
		sipwall_htab_uninit(&calls.ids);
		return -1;
	}
	return 0;
}

unsigned int sipwall_calls_active(void)
{
	return calls.count;
}

static uint64_t leg_hash(struct sip_str call_id, struct sip_str tag)
{
	return sipwall_hash(tag.p, tag.len, sipwall_hash(call_id.p, call_id.len, SIPWALL_HASH_INIT));
}

static void leg_init(struct sipwall_leg *leg, struct sipwall_call *call)
{
	leg->call = call;
	sipwall_timer_init(&leg->ok_timer, on_ok_timer);
}

struct sipwall_call *sipwall_call_create(enum sip_method method)
{
	struct sipwall_call *call = calloc(1, sizeof(*call));

	if (!call)
		return NULL;
	call->owner = OWNER_CALL;
	call->id = ++calls.next_id;
	sipwall_htab_insert(&calls.ids, &call->id_node, call->id);
	call->method = method;
	call->winner = -1;
	leg_init(&call->a, call);
	leg_init(&call->b, call);
	sipwall_timer_init(&call->ring_timer, on_ring_timer);
	sipwall_timer_init(&call->idle_timer, on_idle_timer);
	sipwall_timer_init(&call->session_timer, on_session_timer);
	if (method == SIP_METHOD_INVITE)
		calls.count++;
	call->next = calls.list;
	if (calls.list)
		calls.list->prev = call;
	calls.list = call;
	return call;
}

void sipwall_leg_index(struct sipwall_leg *leg)
{
	sipwall_htab_insert(&calls.legs, &leg->node,
			    leg_hash(sip_str_from_cstr(leg->call_id), sip_str_from_cstr(leg->local_tag)));
	leg->in_table = true;
}

struct sipwall_leg *sipwall_leg_find(struct sip_str call_id, struct sip_str local_tag)
{
	uint64_t h = leg_hash(call_id, local_tag);

	if (!calls.legs.buckets)
		return NULL;	/* no call yet */
	for (struct sipwall_hnode *n = sipwall_htab_first(&calls.legs, h); n;
	     n = sipwall_htab_next(n, h)) {
		struct sipwall_leg *leg = container_of(n, struct sipwall_leg, node);

		if (sip_str_eq(call_id, sip_str_from_cstr(leg->call_id)) &&
		    sip_str_eq(local_tag, sip_str_from_cstr(leg->local_tag)))
			return leg;
	}
	return NULL;
}

static void call_free_now(struct sipwall_deferred *d)
{
	free(container_of(d, struct sipwall_call, free_later));
}

static void leg_release(struct sipwall_leg *leg)
{
	if (leg->in_table)
		sipwall_htab_remove(&calls.legs, &leg->node);
	leg->in_table = false;
	sipwall_timer_stop(&leg->ok_timer);
	free(leg->call_id);
	free(leg->remote_tag);
	free(leg->local_uri);
	free(leg->remote_uri);
	free(leg->remote_target);
	free(leg->route);
	free(leg->ok);
	free(leg->ack);
}

void sipwall_call_free(struct sipwall_call *call)
{
	struct sipwall_relay *r, *next;

	if (call->freed)
		return;
	call->freed = true;
	sipwall_htab_remove(&calls.ids, &call->id_node);
	if (call->prev)
		call->prev->next = call->next;
	else
		calls.list = call->next;
	if (call->next)
		call->next->prev = call->prev;
	/*
	 * Server transactions still waiting for us would never end: answer
	 * them (a no-op for those already answered). Client transactions
	 * finish alone, without calling back.
	 */
	if (call->st) {
		sipwall_txn_set_user(call->st, NULL);
		sipwall_txn_respond(call->st, 500, "Server Internal Error", NULL, SIP_STR(""));
	}
	for (r = call->relays; r; r = next) {
		next = r->next;
		if (r->st) {
			sipwall_txn_set_user(r->st, NULL);
			sipwall_txn_respond(r->st, 481, "Call/Transaction Does Not Exist", NULL,
					    SIP_STR(""));
		}
		if (r->ct)
			sipwall_txn_detach(r->ct);
		free(r->head);
		free(r);
	}
	for (unsigned int i = 0; i < call->branch_count; i++) {
		if (call->branches[i].ct)
			sipwall_txn_detach(call->branches[i].ct);
		free(call->branches[i].ruri);
	}
	free(call->branches);
	/* a call freed before it began (no branch could be sent) had an offer too */
	if (call->state != CALL_ENDED)
		sipwall_sdp_end(call);
	leg_release(&call->a);
	leg_release(&call->b);
	sipwall_timer_stop(&call->ring_timer);
	sipwall_timer_stop(&call->idle_timer);
	sipwall_timer_stop(&call->session_timer);
	free(call->st_head);
	free(call->best_reason);
	free(call->caller);
	free(call->callee);
	if (call->method == SIP_METHOD_INVITE && call->state != CALL_ENDED)
		calls.count--;
	sipwall_loop_defer(&call->free_later, call_free_now);
}

void sipwall_calls_foreach(void (*fn)(struct sipwall_call *call, void *ctx), void *ctx)
{
	for (struct sipwall_call *call = calls.list; call; call = call->next)
		if (call->method == SIP_METHOD_INVITE)
			fn(call, ctx);
}

struct sipwall_call *sipwall_call_find(uint64_t id)
{
	for (struct sipwall_hnode *n = calls.ids.buckets ? sipwall_htab_first(&calls.ids, id) : NULL;
	     n; n = sipwall_htab_next(n, id)) {
		struct sipwall_call *call = container_of(n, struct sipwall_call, id_node);

		if (call->id == id)
			return call;
	}
	return NULL;
}

struct sipwall_call *sipwall_call_first(void)
{
	return calls.list;
}

void sipwall_calls_uninit(void)
{
	sipwall_htab_uninit(&calls.legs);
	sipwall_htab_uninit(&calls.ids);
}

void sipwall_call_touch(struct sipwall_call *call)
{
	call->last_activity_ms = sipwall_now_ms();
}

/* --- the end of a call --- */

void sipwall_call_release(struct sipwall_call *call)
{
	if (call->state == CALL_ENDED && !call->branches_open && !call->freed)
		sipwall_call_free(call);
}

/* Records the call's end once: call record, counters, the media. */
void sipwall_call_end(struct sipwall_call *call, const char *reason, const char *ended_by)
{
	struct sipwall_cdr rec;

	if (call->state == CALL_ENDED)
		return;
	call->state = CALL_ENDED;
	if (call->method == SIP_METHOD_INVITE)
		calls.count--;	/* active no more, though branches may still finish */
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
		sipwall_call_stats.completed++;
	else if (call->cancelled)
		sipwall_call_stats.cancelled++;
	else
		sipwall_call_stats.failed++;
	if (!strcmp(ended_by, "sbc"))
		sipwall_call_stats.ended_by_sbc++;
	sipwall_sdp_end(call);
	log_debug("call %llu ended: %s by %s", (unsigned long long)call->id, reason, ended_by);
}

/* A BYE on leg that nobody waits for: the call is over either way. */
/* The ACK for the 2xx on leg, kept for the 2xx's retransmissions. */
static int send_ack(struct sipwall_leg *leg, uint32_t cseq, const struct sip_msg *src,
		    struct sip_str body)
{
	struct sipwall_topo_req r = {
		.method = "ACK", .cseq = cseq, .max_forwards = 70, .src = src, .body = body,
	};
	struct sip_buf out;

	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	if (sipwall_topo_request(&out, leg, &r) || sipwall_send(&leg->peer, out.data, out.len)) {
		sip_buf_uninit(&out);
		return -1;
	}
	free(leg->ack);
	leg->ack = out.data;
	leg->ack_len = out.len;
	leg->ack_cseq = cseq;
	return 0;
}

void sipwall_leg_bye(struct sipwall_leg *leg, const char *extra)
{
	struct sipwall_topo_req r = { .method = "BYE", .max_forwards = 70, .extra = extra };
	struct sip_buf out;

	if (!leg->remote_tag || !leg->remote_target)
		return;
	/* a 2xx on this leg still waits for our ACK (its caller hung up first): ACK, then BYE */
	if (leg->ack_cseq && !leg->ack)
		send_ack(leg, leg->ack_cseq, NULL, SIP_STR(""));
	r.cseq = ++leg->local_cseq;
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	if (!sipwall_topo_request(&out, leg, &r))
		sipwall_txn_send_request(&leg->peer, out.data, out.len, NULL, NULL);
	sip_buf_uninit(&out);
}

void sipwall_call_cancel_branches(struct sipwall_call *call)
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
void sipwall_call_hangup(struct sipwall_call *call, const char *reason, unsigned int status,
			 const char *text)
{
	char extra[128];

	if (call->state == CALL_ENDED)
		return;
	snprintf(extra, sizeof(extra), "Reason: SIP;cause=%u;text=\"%s\"\r\n", status, text);
	if (call->state == CALL_CONFIRMED) {
		sipwall_leg_bye(&call->a, extra);
		sipwall_leg_bye(&call->b, extra);
	} else {
		sipwall_call_cancel_branches(call);
		if (call->st) {
			call->final_status = status;
			sipwall_txn_set_user(call->st, NULL);
			sipwall_txn_respond(call->st, status, text, NULL, SIP_STR(""));
			call->st = NULL;
		}
	}
	sipwall_call_end(call, reason, "sbc");
	sipwall_call_release(call);
}

/* --- timers --- */

static void on_ring_timer(struct sipwall_timer *t)
{
	struct sipwall_call *call = container_of(t, struct sipwall_call, ring_timer);

	if (call->state < CALL_CONFIRMED)
		sipwall_call_hangup(call, "no-answer", 408, "Request Timeout");
}

static void on_idle_timer(struct sipwall_timer *t)
{
	struct sipwall_call *call = container_of(t, struct sipwall_call, idle_timer);
	uint64_t idle = (uint64_t)sipwall_call_settings.idle_timeout_s * 1000, now = sipwall_now_ms();

	/* activity only stamps a time: re-arm for what is left */
	if (now - call->last_activity_ms < idle) {
		sipwall_timer_after(t, call->last_activity_ms + idle - now);
		return;
	}
	sipwall_call_hangup(call, "idle", 408, "call idle");
}

/* RFC 4028 10: BYE before the session expires, unless it was refreshed. */
void sipwall_call_session_timer(struct sipwall_call *call, const struct sip_msg *resp)
{
	struct sip_str se;
	uint32_t secs;

	if (!resp || !sipwall_msg_header(resp, SIP_HDR_SESSION_EXPIRES, NULL, &se))
		return;
	secs = sipwall_leading_uint(se);
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

	sipwall_call_hangup(call, "session-timer", 408, "session expired");
}

/* Timer G's work for a 2xx, which RFC 6026 leaves to the TU. */
static void on_ok_timer(struct sipwall_timer *t)
{
	struct sipwall_leg *leg = container_of(t, struct sipwall_leg, ok_timer);

	if (sipwall_now_ms() >= leg->ok_deadline_ms || !leg->ok) {
		leg->awaiting_ack = false;
		sipwall_call_hangup(leg->call, "no-ack", 408, "no ACK");
		return;
	}
	sipwall_send(&leg->peer, leg->ok, leg->ok_len);
	leg->ok_interval_ms *= 2;
	if (leg->ok_interval_ms > sipwall_call_settings.t2_ms)
		leg->ok_interval_ms = sipwall_call_settings.t2_ms;
	sipwall_timer_after(t, leg->ok_interval_ms);
}

/* Answers st with a 2xx to an INVITE and keeps a copy to retransmit over UDP. */
void sipwall_leg_answer_2xx(struct sipwall_leg *leg, struct sipwall_txn *st, const char *head,
			    uint32_t cseq, unsigned int status, const char *reason, const char *extra,
			    struct sip_str body)
{
	struct sip_buf copy;

	sipwall_txn_respond(st, status, reason, extra, body);
	leg->awaiting_ack = true;
	leg->ok_cseq = cseq;
	leg->ok_deadline_ms = sipwall_now_ms() + 64 * (uint64_t)sipwall_call_settings.t1_ms;
	if (leg->peer.proto != SIPWALL_PROTO_UDP || !head) {
		/* nothing to retransmit over a reliable transport, but the ACK may never come */
		sipwall_timer_after(&leg->ok_timer, 64 * (uint64_t)sipwall_call_settings.t1_ms);
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
	leg->ok_interval_ms = sipwall_call_settings.t1_ms;
	sipwall_timer_after(&leg->ok_timer, leg->ok_interval_ms);
}

void sipwall_leg_ack(struct sipwall_leg *leg, uint32_t cseq, const struct sip_msg *src,
		     struct sip_str body)
{
	if (send_ack(leg, cseq, src, body))
		sipwall_call_hangup(leg->call, "transport-error", 503, "ACK not sent");
}
