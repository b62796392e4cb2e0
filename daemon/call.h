/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A call: two dialogs (legs) joined by the B2BUA. Leg A is the caller's
 * dialog (we are its UAS), leg B the callee's (we are its UAC). Each leg
 * has its own Call-ID, tags, CSeq sequence, remote target and route set,
 * and the peer (flow) that reaches its remote side; nothing is shared
 * between them but the call.
 *
 * Ownership: the call owns its legs, branches and relays. Transactions
 * point at them (server: sipwall_txn_set_user; client: callback context)
 * and are detached when the call ends, so no callback reaches a freed
 * call; the memory itself is freed after the current event batch, so a
 * function that ended a call may still read it before returning.
 */
#ifndef SIPWALL_CALL_H
#define SIPWALL_CALL_H

#include <stdint.h>

#include "hashtab.h"
#include "loop.h"
#include "registrar.h"
#include "txn.h"

#define SIPWALL_MAX_BRANCHES	8	/* parallel forks of one INVITE */
#define SIPWALL_RSEQ_MAP	4	/* reliable provisionals remembered */

struct sipwall_call;

struct sipwall_leg {
	struct sipwall_call *call;
	struct sipwall_hnode node;	/* by Call-ID + local tag */
	bool in_table;
	struct sipwall_realm *realm;
	struct sipwall_peer peer;	/* the flow the remote side is reached over */
	char via_addr[80];		/* our "host:port" in this realm */
	char *call_id;
	char local_tag[24];
	char *remote_tag;		/* NULL until known (leg B before an answer) */
	char *local_uri;		/* name-addr of our side, without tag */
	char *remote_uri;
	char *remote_target;		/* Request-URI of requests on this leg */
	char *route;			/* "Route: ...\r\n" lines, or NULL */
	uint32_t local_cseq;		/* of the last request we sent */
	uint32_t remote_cseq;		/* of the last request received */
	uint32_t rseq;			/* of the last reliable provisional we sent */
	/* an offer of ours is pending on this leg (re-INVITE/UPDATE): glare */
	bool offer_pending;
	/* our 2xx to an INVITE on this leg, retransmitted over UDP until ACKed */
	char *ok;
	size_t ok_len;
	uint32_t ok_cseq;
	bool awaiting_ack;
	uint64_t ok_interval_ms, ok_deadline_ms;
	struct sipwall_timer ok_timer;
	/* our ACK for the remote side's 2xx (leg B), sent again on retransmissions */
	char *ack;
	size_t ack_len;
	uint32_t ack_cseq;
};

/*
 * One fork of the outgoing INVITE (or MESSAGE). Its client transaction
 * calls back with the call's id and the branch's index, not a pointer: a
 * transaction that got a 2xx lives on for 64*T1 (RFC 6026) and reports
 * the 2xx's retransmissions, possibly after the call is gone.
 */
struct sipwall_branch {
	struct sipwall_txn *ct;		/* NULL once final */
	struct sipwall_peer peer;
	char *ruri;
	unsigned int status;		/* final answer, 0: none yet */
};

/* What a server transaction's user pointer points at. */
enum sipwall_txn_owner {
	OWNER_CALL,		/* the caller's INVITE (or MESSAGE) */
	OWNER_RELAY,		/* an in-dialog request being relayed */
};

/* One in-dialog request relayed from one leg to the other. */
struct sipwall_relay {
	enum sipwall_txn_owner owner;	/* first: see sipwall_txn_user() */
	struct sipwall_call *call;
	struct sipwall_relay *next;
	struct sipwall_txn *st;		/* where the answer goes (leg from) */
	struct sipwall_txn *ct;		/* what we sent (other leg) */
	struct sipwall_leg *from;
	enum sip_method method;
	uint32_t cseq;			/* of the request we sent */
	bool offer;			/* carried an SDP offer */
	uint32_t st_cseq;		/* of the request st answers: its ACK's CSeq */
	char *head;			/* INVITE: st's response head, for our 2xx copies */
};

enum sipwall_call_state {
	CALL_TRYING,		/* INVITE sent, no answer yet */
	CALL_EARLY,		/* an 18x created an early dialog */
	CALL_CONFIRMED,		/* 2xx relayed */
	CALL_ENDED,		/* recorded; waiting for branches to finish */
};

struct sipwall_rseq_map {
	uint32_t a, b;		/* RSeq on leg A (ours), RSeq from leg B */
};

struct sipwall_call {
	enum sipwall_txn_owner owner;	/* first: see sipwall_txn_user() */
	uint64_t id;
	struct sipwall_hnode id_node;
	enum sipwall_call_state state;
	enum sip_method method;		/* INVITE, or MESSAGE (no dialog) */
	struct sipwall_leg a, b;
	struct sipwall_txn *st;		/* the caller's INVITE, until answered */
	char *st_head;			/* its response head, for our 2xx copies */
	uint32_t a_invite_cseq;		/* its CSeq: the caller's ACK has it (PRACKs come between) */
	uint32_t b_invite_cseq;		/* CSeq of our INVITE on leg B */
	bool to_bindings;		/* forked to registrations (not a next hop) */
	struct sipwall_branch *branches;	/* as many as there are targets */
	unsigned int branch_count, branches_open;
	int winner;			/* branch that answered 2xx, -1 none */
	unsigned int best_status;	/* best non-2xx final so far */
	char *best_reason;
	struct sipwall_relay *relays;
	bool offer_in_2xx;		/* the INVITE had no SDP: the ACK carries the answer */
	bool cancelled;
	struct sipwall_rseq_map rseq[SIPWALL_RSEQ_MAP];
	unsigned int rseq_next;
	/* call record */
	uint64_t start_ms, answer_ms;	/* wall clock */
	unsigned int final_status;
	char *caller, *callee;		/* user@host as leg A saw them */
	/* timers */
	uint64_t last_activity_ms;	/* monotonic */
	unsigned int session_expires_s;	/* 0: no session timer */
	uint64_t refreshed_ms;
	struct sipwall_timer ring_timer, idle_timer, session_timer;
	struct sipwall_call *prev, *next;	/* every call, MESSAGE ones included */
	bool freed;
	struct sipwall_deferred free_later;
};

/* Idempotent: the first request initializes the table. */
int sipwall_calls_init(void);

/* [calls] and [sip] settings the calls follow (set on start and reload). */
struct sipwall_call_settings {
	unsigned int max_calls, ring_timeout_s, idle_timeout_s;
	unsigned int t1_ms, t2_ms;
};
extern struct sipwall_call_settings sipwall_call_settings;

/* The B2BUA's counters (docs/b2bua.md). */
struct sipwall_call_stats {
	uint64_t attempted, answered, completed, failed, cancelled, rejected, ended_by_sbc;
	uint64_t in_dialog, messages;
};
extern struct sipwall_call_stats sipwall_call_stats;

void sipwall_calls_uninit(void);
unsigned int sipwall_calls_active(void);

/* A new call with empty legs; NULL if out of memory. */
struct sipwall_call *sipwall_call_create(enum sip_method method);
/* Indexes leg by its Call-ID and local tag (both must be set). */
void sipwall_leg_index(struct sipwall_leg *leg);
/* The leg a request or ACK with this Call-ID and To tag belongs to. */
struct sipwall_leg *sipwall_leg_find(struct sip_str call_id, struct sip_str local_tag);
/* Unlinks everything and frees the call after the current event batch. */
void sipwall_call_free(struct sipwall_call *call);
/* Each call (not MESSAGE), for the control socket; fn must not free calls. */
void sipwall_calls_foreach(void (*fn)(struct sipwall_call *call, void *ctx), void *ctx);
/* The call with this id, if it is still there. */
struct sipwall_call *sipwall_call_find(uint64_t id);
/* Some call not yet freed, or NULL. */
struct sipwall_call *sipwall_call_first(void);

static inline struct sipwall_leg *sipwall_leg_other(struct sipwall_leg *leg)
{
	return leg == &leg->call->a ? &leg->call->b : &leg->call->a;
}

/* Signaling (or, later, media) activity: the idle timer starts over. */
void sipwall_call_touch(struct sipwall_call *call);

/* Records the call's end once: call record, counters, the media. */
void sipwall_call_end(struct sipwall_call *call, const char *reason, const char *ended_by);
/* Frees an ended call once no branch is waiting for its final answer. */
void sipwall_call_release(struct sipwall_call *call);
void sipwall_call_cancel_branches(struct sipwall_call *call);
/*
 * sipwalld ends the call (a timer, a failure, shutdown): BYE on both legs
 * of an answered call; a final status to the caller and CANCEL to the
 * branches of an unanswered one. Ends and releases the call.
 */
void sipwall_call_hangup(struct sipwall_call *call, const char *reason, unsigned int status,
			 const char *text);
/* RFC 4028: (re)arms the session timer from a 2xx's Session-Expires. */
void sipwall_call_session_timer(struct sipwall_call *call, const struct sip_msg *resp);

/* A BYE on leg that nobody waits for (extra: header lines or NULL). */
void sipwall_leg_bye(struct sipwall_leg *leg, const char *extra);
/*
 * Answers st (an INVITE on leg) with a 2xx and waits for its ACK: over
 * UDP our copy (head: sipwall_dialog_uas_head()) is retransmitted until
 * then (RFC 6026 leaves it to the TU); no ACK in 64*T1 ends the call.
 */
void sipwall_leg_answer_2xx(struct sipwall_leg *leg, struct sipwall_txn *st, const char *head,
			    uint32_t cseq, unsigned int status, const char *reason,
			    const char *extra, struct sip_str body);
/* The ACK for the 2xx on leg (src: whose end-to-end headers cross). */
void sipwall_leg_ack(struct sipwall_leg *leg, uint32_t cseq, const struct sip_msg *src,
		     struct sip_str body);

#endif
