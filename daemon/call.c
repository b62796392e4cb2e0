// SPDX-License-Identifier: GPL-2.0
/*
 * Calls and their legs: creation, the table that finds a leg by Call-ID
 * and local tag (one entry per leg: each realm sees its own Call-ID), and
 * the end of a call's memory.
 */
#include <stdlib.h>
#include <string.h>

#include "call.h"

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
	sipwall_timer_init(&leg->ok_timer, NULL);
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
	sipwall_timer_init(&call->ring_timer, NULL);
	sipwall_timer_init(&call->idle_timer, NULL);
	sipwall_timer_init(&call->session_timer, NULL);
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
	leg_release(&call->a);
	leg_release(&call->b);
	sipwall_timer_stop(&call->ring_timer);
	sipwall_timer_stop(&call->idle_timer);
	sipwall_timer_stop(&call->session_timer);
	free(call->st_head);
	free(call->best_reason);
	free(call->caller);
	free(call->callee);
	if (call->method == SIP_METHOD_INVITE)
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
