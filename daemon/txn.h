/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 3261 section 17 transactions, with the RFC 6026 Accepted states.
 *
 * Server transactions are created for each new request and handed to the
 * transaction user (TU); the TU answers with sipwall_txn_respond(), at
 * once or later. Retransmitted requests, ACKs for non-2xx answers and
 * CANCEL matching are handled here. Client transactions send a request the
 * TU built (with its own top Via and a branch from sipwall_txn_branch()),
 * retransmit it over UDP, and report every response (or a local 408/503)
 * through a callback. Timers A-M follow T1/T2/T4 from the config.
 */
#ifndef SIPWALL_TXN_H
#define SIPWALL_TXN_H

#include "sip_msg.h"
#include "transport.h"

struct sipwall_txn;

struct sipwall_txn_tu {
	/* A new server transaction for req (valid during the call only). */
	void (*request)(struct sipwall_txn *st, struct sip_msg *req);
	/* A request that belongs to no transaction: the ACK for a 2xx. */
	void (*ack)(struct sip_msg *ack, const struct sipwall_peer *from);
	/*
	 * A CANCEL matched st, an INVITE without a final response. The stack
	 * has answered the CANCEL (200) and answers st with 487 after this
	 * returns, unless the TU sent a final response in the meantime.
	 */
	void (*cancelled)(struct sipwall_txn *st);
};

/*
 * resp is NULL for local outcomes: 408 (timer B or F fired) or 503
 * (transport failure). Called for every provisional and final response.
 */
typedef void (*sipwall_txn_response_fn)(void *ctx, const struct sip_msg *resp,
					 unsigned int status);

int sipwall_txn_init(const struct sipwall_txn_tu *tu);
void sipwall_txn_uninit(void);
void sipwall_txn_set_timers(unsigned int t1_ms, unsigned int t2_ms, unsigned int t4_ms);
unsigned int sipwall_txn_count(void);
/* Transactions still waiting for a final answer or an ACK. */
unsigned int sipwall_txn_pending(void);

/* Entry points from the SIP core. from is where the answer goes. */
void sipwall_txn_receive_request(struct sip_msg *req, const struct sipwall_peer *from);
void sipwall_txn_receive_response(struct sip_msg *resp, const struct sipwall_peer *from);

/* Answers a request statelessly (malformed or merged requests). */
void sipwall_reply_stateless(const struct sip_msg *req, const struct sipwall_peer *to,
			     unsigned int status, const char *reason);

/*
 * extra: CRLF-terminated header lines (Contact, Allow, Content-Type...),
 * or NULL; body may be empty. Returns -1 if st already has a final answer
 * or the response could not be built.
 */
int sipwall_txn_respond(struct sipwall_txn *st, unsigned int status, const char *reason,
			const char *extra, struct sip_str body);
/* The To tag this transaction's responses carry (the TU may set its own). */
const char *sipwall_txn_to_tag(const struct sipwall_txn *st);
int sipwall_txn_set_to_tag(struct sipwall_txn *st, const char *tag);
void sipwall_txn_set_user(struct sipwall_txn *t, void *user);
void *sipwall_txn_user(const struct sipwall_txn *t);
/* Where the server transaction answers / the client transaction sends. */
const struct sipwall_peer *sipwall_txn_peer(const struct sipwall_txn *t);

/* Client side. request is copied; its top Via must carry the branch. */
struct sipwall_txn *sipwall_txn_send_request(const struct sipwall_peer *to,
					     const char *request, size_t len,
					     sipwall_txn_response_fn fn, void *ctx);
/* Sends CANCEL for an INVITE client transaction (deferred until a 1xx). */
int sipwall_txn_cancel(struct sipwall_txn *ct);
/* The TU goes away: no more callbacks; the transaction finishes alone. */
void sipwall_txn_detach(struct sipwall_txn *ct);

/* A fresh RFC 3261 branch ("z9hG4bK" + 128 random bits). */
void sipwall_txn_branch(char out[40]);
/* A random tag (To/From). */
void sipwall_random_tag(char out[24]);

#endif
