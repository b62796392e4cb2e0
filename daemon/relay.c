// SPDX-License-Identifier: GPL-2.0
/*
 * Requests inside a call's dialogs: each one on a leg becomes the same
 * request on the other leg, built from that leg's dialog state, and its
 * answer is relayed back (RFC 3261 12.2, RFC 3262, RFC 3311, RFC 4028).
 * BYE ends the call; a re-INVITE/UPDATE against our own pending offer is
 * glare (491); PRACK's RAck is mapped to the other leg's numbering.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "relay.h"
#include "sdp_hook.h"
#include "sip_write.h"
#include "topo.h"

static void on_relay_response(void *ctx, const struct sip_msg *resp, unsigned int status);

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
	r->st_cseq = req->cseq.seq;
	if (req->method == SIP_METHOD_INVITE)
		r->head = sipwall_dialog_uas_head(req, from->local_tag);
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

/*
 * What a relayed request's transaction calls back with: the call's id, the
 * leg it went out on and its CSeq there, not a pointer. An INVITE's
 * transaction lives on after a 2xx (RFC 6026) and reports its
 * retransmissions, which get our ACK again, maybe after the relay is gone.
 */
static void *relay_ctx(const struct sipwall_leg *to, uint32_t cseq)
{
	return (void *)(uintptr_t)((to->call->id << 21) | (uint64_t)(to == &to->call->b) << 20 |
				   (cseq & 0xfffff));
}

static struct sipwall_relay *relay_of(void *ctx, struct sipwall_leg **to, uint32_t *cseq)
{
	struct sipwall_call *call = sipwall_call_find((uintptr_t)ctx >> 21);

	if (!call)
		return NULL;
	*to = (uintptr_t)ctx & (1u << 20) ? &call->b : &call->a;
	*cseq = (uintptr_t)ctx & 0xfffff;
	for (struct sipwall_relay *r = call->relays; r; r = r->next)
		if (r->from != *to && (r->cseq & 0xfffff) == *cseq)
			return r;
	return NULL;
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
						     relay_ctx(to, relay->cseq));
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
	sipwall_call_stats.in_dialog++;
}

static void on_relay_response(void *ctx, const struct sip_msg *resp, unsigned int status)
{
	struct sipwall_leg *from, *to = NULL;
	uint32_t cseq;
	struct sipwall_relay *relay = relay_of(ctx, &to, &cseq);
	struct sip_str body = resp ? resp->body : SIP_STR("");
	struct sipwall_call *call;
	bool target_refresh;
	struct sip_buf extra;
	char reason[128];

	if (!relay) {
		/* a 2xx again, after the relay was answered: our ACK again */
		if (to && status >= 200 && status < 300 && to->ack && to->ack_cseq == resp->cseq.seq)
			sipwall_send(&to->peer, to->ack, to->ack_len);
		return;
	}
	call = relay->call;
	from = relay->from;
	target_refresh = offer_method(relay->method);
	sipwall_call_touch(call);
	if (status == 100 || (status < 200 && !relay->st))
		return;
	sipwall_reason_copy(resp, status, reason, sizeof(reason));
	sip_buf_init(&extra, SIP_MSG_MAX_SIZE);
	if (!sipwall_answer_headers(&extra, resp, from, target_refresh && status < 300)) {
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
		char *target = sipwall_dialog_target(resp);

		if (target) {
			free(to->remote_target);
			to->remote_target = target;
		}
		sipwall_call_session_timer(call, resp);
	}
	/* SDP ANSWER to a re-INVITE/UPDATE offer; SDP OFFER in the 2xx of an INVITE without one */
	if (body.len && target_refresh)
		body = relay->offer ? sipwall_sdp_answer(call, to, body) : sipwall_sdp_offer(call, to, body);
	if (relay->st) {
		sipwall_txn_set_user(relay->st, NULL);
		if (relay->method == SIP_METHOD_INVITE && status < 300) {
			/* the requester's ACK makes us ACK the 2xx on this leg: sipwall_relay_ack() */
			to->ack_cseq = relay->cseq;
			free(to->ack);
			to->ack = NULL;
			sipwall_leg_answer_2xx(from, relay->st, relay->head, relay->st_cseq, status,
					       reason, extra.data, body);
		} else {
			sipwall_txn_respond(relay->st, status, reason, extra.data, body);
		}
		relay->st = NULL;
	}
	sip_buf_uninit(&extra);
	relay->ct = NULL;	/* final: it calls back no more, or with a 2xx for relay_of() */
	relay_unlink(relay);
	/* RFC 5057: no answer at all, 408 and 481 end the dialog, hence the call */
	if (!resp || status == 408 || status == 481)
		sipwall_call_hangup(call, !resp && status == 503 ? "transport-error" : "timeout", status,
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
		sipwall_leg_bye(other, sipwall_buf_cstr(&extra));
		sip_buf_uninit(&extra);
		sipwall_call_end(call, "bye", leg->realm->name);
	} else if (leg == &call->a) {
		/* the caller gives up on an early dialog: as CANCEL */
		call->cancelled = true;
		sipwall_call_cancel_branches(call);
		if (call->st) {
			call->final_status = 487;
			sipwall_txn_set_user(call->st, NULL);
			sipwall_txn_respond(call->st, 487, "Request Terminated", NULL, SIP_STR(""));
			call->st = NULL;
		}
		sipwall_call_end(call, "cancel", leg->realm->name);
	} else {
		/* the callee ends its early dialog: the other forks may still answer */
		free(leg->remote_tag);
		leg->remote_tag = NULL;
		return;
	}
	sipwall_call_release(call);
}

/* RAck of leg A (our RSeq, leg A's INVITE CSeq) as leg B knows it. */
static bool map_rack(struct sipwall_call *call, const struct sip_msg *req, char *out, size_t size)
{
	struct sip_str rack;
	uint32_t a_rseq;

	if (!sipwall_msg_header(req, SIP_HDR_OTHER, "RAck", &rack))
		return false;
	a_rseq = sipwall_leading_uint(rack);
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
	char *target = sipwall_dialog_target(req);

	if (target) {
		free(leg->remote_target);
		leg->remote_target = target;
	}
}

void sipwall_relay_in_dialog(struct sipwall_txn *st, struct sip_msg *req)
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

void sipwall_relay_ack(struct sip_msg *ack)
{
	struct sipwall_leg *leg = sipwall_leg_find(ack->call_id, ack->to.tag);
	struct sipwall_leg *other;
	struct sip_str body = ack->body;

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
	sipwall_leg_ack(other, other->ack_cseq, ack, body);
}

void sipwall_relay_cancelled(struct sipwall_relay *relay)
{
	/* a re-INVITE CANCELled: the stack answers 487; CANCEL ours too */
	relay->st = NULL;
	if (relay->ct)
		sipwall_txn_cancel(relay->ct);
}
