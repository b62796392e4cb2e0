// SPDX-License-Identifier: GPL-2.0
/*
 * Transaction state machines (RFC 3261 17.1 and 17.2, RFC 6026).
 *
 * Ownership: the transaction table owns every transaction. A server
 * transaction lives from its request until its terminating timer; a
 * client transaction until its last timer. Terminated transactions are
 * unlinked at once and freed after the current event batch, so a TU
 * callback may still hold a pointer to one while it runs.
 */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "sip_write.h"
#include "txn.h"

enum txn_state {
	TXN_TRYING,		/* non-INVITE, before any response */
	TXN_CALLING,		/* client INVITE, before any response */
	TXN_PROCEEDING,
	TXN_ACCEPTED,		/* INVITE after a 2xx (RFC 6026) */
	TXN_COMPLETED,
	TXN_CONFIRMED,		/* server INVITE after the ACK */
	TXN_TERMINATED,
};

struct sipwall_txn {
	struct sipwall_hnode node;	/* by key */
	struct sipwall_hnode merge_node;	/* server, requests without a To tag */
	bool server;
	bool invite;
	bool in_merge_table;
	enum txn_state state;
	char *key;
	size_t key_len;
	char *merge_key;
	size_t merge_key_len;
	struct sipwall_peer peer;
	/* server: the response header block, To excepted, and To itself */
	char *head;
	char *to_value;
	bool to_has_tag;
	char to_tag[24];
	char *last;			/* last response (server) or ACK (client) */
	size_t last_len;
	unsigned int last_status;
	/* client */
	char *request;
	size_t request_len;
	sipwall_txn_response_fn fn;
	void *ctx;
	bool cancel_wanted;
	bool cancel_sent;
	struct sipwall_timer retransmit;	/* A, E, G */
	struct sipwall_timer lifetime;		/* B, D, F, H, I, J, K, L, M */
	uint64_t interval_ms;
	void *user;
	struct sipwall_deferred free_later;
};

static struct {
	const struct sipwall_txn_tu *tu;
	struct sipwall_htab by_key;
	struct sipwall_htab by_merge;
	unsigned int count;
	uint64_t t1, t2, t4;
} txns = { .t1 = 500, .t2 = 4000, .t4 = 5000 };

static void random_hex(char *out, size_t bytes)
{
	unsigned char raw[16];

	if (bytes > sizeof(raw) || RAND_bytes(raw, (int)bytes) != 1)
		memset(raw, 0, sizeof(raw));
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

void sipwall_txn_branch(char out[40])
{
	memcpy(out, "z9hG4bK", 7);
	random_hex(out + 7, 16);
}

void sipwall_random_tag(char out[24])
{
	random_hex(out, 8);
}

int sipwall_txn_init(const struct sipwall_txn_tu *tu)
{
	txns.tu = tu;
	if (sipwall_htab_init(&txns.by_key))
		return -1;
	if (sipwall_htab_init(&txns.by_merge)) {
		sipwall_htab_uninit(&txns.by_key);
		return -1;
	}
	return 0;
}

void sipwall_txn_set_timers(unsigned int t1_ms, unsigned int t2_ms, unsigned int t4_ms)
{
	txns.t1 = t1_ms;
	txns.t2 = t2_ms;
	txns.t4 = t4_ms;
}

unsigned int sipwall_txn_count(void)
{
	return txns.count;
}

unsigned int sipwall_txn_pending(void)
{
	unsigned int pending = 0;

	/* walked only while shutting down: no counter to keep in step */
	for (size_t b = 0; b <= txns.by_key.mask; b++) {
		for (struct sipwall_hnode *n = txns.by_key.buckets[b]; n; n = n->next) {
			struct sipwall_txn *t = container_of(n, struct sipwall_txn, node);

			if (t->state == TXN_TRYING || t->state == TXN_CALLING ||
			    t->state == TXN_PROCEEDING ||
			    (t->server && t->invite && t->state == TXN_COMPLETED))
				pending++;
		}
	}
	return pending;
}

void sipwall_txn_set_user(struct sipwall_txn *t, void *user)
{
	t->user = user;
}

void *sipwall_txn_user(const struct sipwall_txn *t)
{
	return t->user;
}

const struct sipwall_peer *sipwall_txn_peer(const struct sipwall_txn *t)
{
	return &t->peer;
}

const char *sipwall_txn_to_tag(const struct sipwall_txn *st)
{
	return st->to_tag;
}

int sipwall_txn_set_to_tag(struct sipwall_txn *st, const char *tag)
{
	if (strlen(tag) >= sizeof(st->to_tag) || st->last)
		return -1;
	strcpy(st->to_tag, tag);
	return 0;
}

static void txn_free(struct sipwall_deferred *d)
{
	struct sipwall_txn *t = container_of(d, struct sipwall_txn, free_later);

	free(t->key);
	free(t->merge_key);
	free(t->head);
	free(t->to_value);
	free(t->last);
	free(t->request);
	free(t);
}

static void terminate(struct sipwall_txn *t)
{
	if (t->state == TXN_TERMINATED)
		return;
	t->state = TXN_TERMINATED;
	sipwall_timer_stop(&t->retransmit);
	sipwall_timer_stop(&t->lifetime);
	sipwall_htab_remove(&txns.by_key, &t->node);
	if (t->in_merge_table)
		sipwall_htab_remove(&txns.by_merge, &t->merge_node);
	txns.count--;
	sipwall_loop_defer(&t->free_later, txn_free);
}

void sipwall_txn_uninit(void)
{
	for (size_t b = 0; txns.by_key.buckets && b <= txns.by_key.mask; b++)
		while (txns.by_key.buckets[b])
			terminate(container_of(txns.by_key.buckets[b], struct sipwall_txn, node));
	sipwall_htab_uninit(&txns.by_key);
	sipwall_htab_uninit(&txns.by_merge);
}

static bool reliable(const struct sipwall_txn *t)
{
	return t->peer.proto != SIPWALL_PROTO_UDP;
}

static int transmit(struct sipwall_txn *t, const char *data, size_t len)
{
	return sipwall_send(&t->peer, data, len);
}

/*
 * key = method '\n' branch '\n' sent-by (RFC 3261 17.2.3; clients: 17.1.3
 * without sent-by), or the RFC 2543 fields for branches without the magic
 * cookie. ACK is keyed as the INVITE it acknowledges; CANCEL as itself.
 */
static char *make_key(const struct sip_msg *m, struct sip_str method, bool server, size_t *len)
{
	const struct sip_via *v = &m->via;
	char *key = NULL;
	int n;

	if (sip_str_eq(method, SIP_STR("ACK")))
		method = SIP_STR("INVITE");
	if (v->branch.len > 7 && !strncmp(v->branch.p, "z9hG4bK", 7)) {
		n = server ? asprintf(&key, SIP_STR_FMT "\n" SIP_STR_FMT "\n" SIP_STR_FMT ":%u",
				      SIP_STR_ARG(method), SIP_STR_ARG(v->branch),
				      SIP_STR_ARG(v->host), v->port) :
			     asprintf(&key, SIP_STR_FMT "\n" SIP_STR_FMT, SIP_STR_ARG(method),
				      SIP_STR_ARG(v->branch));
	} else {
		n = asprintf(&key, SIP_STR_FMT "\n" SIP_STR_FMT "\n" SIP_STR_FMT "\n%u\n"
			     SIP_STR_FMT ":%u;" SIP_STR_FMT, SIP_STR_ARG(method),
			     SIP_STR_ARG(m->call_id), SIP_STR_ARG(m->from.tag), m->cseq.seq,
			     SIP_STR_ARG(v->host), v->port, SIP_STR_ARG(v->branch));
	}
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return key;
}

static struct sipwall_txn *lookup(const char *key, size_t len, bool server)
{
	uint64_t h = sipwall_hash(key, len, SIPWALL_HASH_INIT);

	for (struct sipwall_hnode *n = sipwall_htab_first(&txns.by_key, h); n;
	     n = sipwall_htab_next(n, h)) {
		struct sipwall_txn *t = container_of(n, struct sipwall_txn, node);

		if (t->server == server && t->key_len == len && !memcmp(t->key, key, len))
			return t;
	}
	return NULL;
}

static struct sipwall_txn *find(const struct sip_msg *m, struct sip_str method, bool server)
{
	size_t len;
	char *key = make_key(m, method, server, &len);
	struct sipwall_txn *t;

	if (!key)
		return NULL;
	t = lookup(key, len, server);
	free(key);
	return t;
}

void sipwall_reply_stateless(const struct sip_msg *req, const struct sipwall_peer *to,
			     unsigned int status, const char *reason)
{
	struct sipwall_peer dest = *to;
	struct sip_buf out;
	char tag[24];

	if (req->method == SIP_METHOD_ACK)
		return;	/* ACKs are never answered */
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	sipwall_random_tag(tag);
	if (sip_reply_write(req, status, reason, sip_str_from_cstr(tag), NULL, &out) == 0)
		sipwall_send(&dest, out.data, out.len);
	sip_buf_uninit(&out);
}

/* --- server transactions --- */

static void on_server_retransmit(struct sipwall_timer *timer)
{
	struct sipwall_txn *t = container_of(timer, struct sipwall_txn, retransmit);

	/* timer G: the final answer again, at T1, 2T1, ... capped at T2 */
	transmit(t, t->last, t->last_len);
	t->interval_ms = t->interval_ms * 2 < txns.t2 ? t->interval_ms * 2 : txns.t2;
	sipwall_timer_after(&t->retransmit, t->interval_ms);
}

static void on_lifetime(struct sipwall_timer *timer)
{
	struct sipwall_txn *t = container_of(timer, struct sipwall_txn, lifetime);

	if (!t->server && (t->state == TXN_CALLING || t->state == TXN_TRYING ||
			   t->state == TXN_PROCEEDING)) {
		/* timer B or F (or a CANCELled INVITE's): no final answer in time */
		sipwall_txn_response_fn fn = t->fn;

		t->fn = NULL;
		terminate(t);
		if (fn)
			fn(t->ctx, NULL, t->last_status ? t->last_status : 408);
		return;
	}
	if (t->server && t->invite && t->state == TXN_COMPLETED)
		log_debug("transaction %s: no ACK for %u (timer H)", t->key, t->last_status);
	terminate(t);
}

static char *build_head(const struct sip_msg *req, char **to_value)
{
	struct sip_buf head;
	char *copy;

	sip_buf_init(&head, SIP_MSG_MAX_SIZE);
	for (unsigned int i = 0; i < req->header_count; i++) {
		const struct sip_header *h = &req->headers[i];

		if (h->id == SIP_HDR_VIA || h->id == SIP_HDR_FROM || h->id == SIP_HDR_CALL_ID ||
		    h->id == SIP_HDR_CSEQ)
			sip_buf_printf(&head, "%s: " SIP_STR_FMT "\r\n", sip_hdr_name(h->id),
				       SIP_STR_ARG(h->value));
		else if (h->id == SIP_HDR_TO)
			*to_value = strndup(h->value.p, h->value.len);
	}
	if (head.failed || !*to_value) {
		sip_buf_uninit(&head);
		return NULL;
	}
	copy = head.data;	/* hand the buffer over */
	return copy;
}

static struct sipwall_txn *server_create(struct sip_msg *req, const struct sipwall_peer *from,
					 char *key, size_t key_len)
{
	struct sipwall_txn *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->server = true;
	t->invite = req->method == SIP_METHOD_INVITE;
	t->state = t->invite ? TXN_PROCEEDING : TXN_TRYING;
	t->key = key;
	t->key_len = key_len;
	t->peer = *from;
	t->head = build_head(req, &t->to_value);
	if (!t->head) {
		free(t->to_value);
		free(t);
		return NULL;
	}
	t->to_has_tag = req->to.tag.p != NULL;
	if (t->to_has_tag)
		snprintf(t->to_tag, sizeof(t->to_tag), SIP_STR_FMT,
			 (int)(req->to.tag.len < 23 ? req->to.tag.len : 23), req->to.tag.p);
	else
		sipwall_random_tag(t->to_tag);
	sipwall_timer_init(&t->retransmit, on_server_retransmit);
	sipwall_timer_init(&t->lifetime, on_lifetime);
	sipwall_htab_insert(&txns.by_key, &t->node, sipwall_hash(key, key_len, SIPWALL_HASH_INIT));
	txns.count++;
	return t;
}

int sipwall_txn_respond(struct sipwall_txn *st, unsigned int status, const char *reason,
			const char *extra, struct sip_str body)
{
	struct sip_buf out;

	if (!st->server || status < 100 || status > 699 ||
	    (st->state != TXN_TRYING && st->state != TXN_PROCEEDING))
		return -1;
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	sip_buf_printf(&out, "SIP/2.0 %u %s\r\n%sTo: %s", status, reason, st->head, st->to_value);
	/* RFC 3261 8.2.6.2: a tag on everything but 100 */
	if (!st->to_has_tag && status > 100)
		sip_buf_printf(&out, ";tag=%s", st->to_tag);
	sip_buf_printf(&out, "\r\n%sContent-Length: %zu\r\n\r\n", extra ? extra : "", body.len);
	sip_buf_str(&out, body);
	if (out.failed) {
		sip_buf_uninit(&out);
		return -1;
	}
	free(st->last);
	st->last = out.data;
	st->last_len = out.len;
	st->last_status = status;
	transmit(st, st->last, st->last_len);

	if (status < 200) {
		st->state = TXN_PROCEEDING;
	} else if (st->invite && status < 300) {
		/* RFC 6026: the TU retransmits the 2xx; we absorb the INVITE copies */
		st->state = TXN_ACCEPTED;
		sipwall_timer_after(&st->lifetime, 64 * txns.t1);	/* timer L */
	} else if (st->invite) {
		st->state = TXN_COMPLETED;
		if (!reliable(st)) {
			st->interval_ms = txns.t1;
			sipwall_timer_after(&st->retransmit, st->interval_ms);	/* timer G */
		}
		sipwall_timer_after(&st->lifetime, 64 * txns.t1);	/* timer H */
	} else {
		st->state = TXN_COMPLETED;
		sipwall_timer_after(&st->lifetime, reliable(st) ? 0 : 64 * txns.t1);	/* timer J */
	}
	return 0;
}

static void server_retransmission(struct sipwall_txn *t, const struct sip_msg *req)
{
	if (req->method == SIP_METHOD_ACK) {
		if (t->invite && t->state == TXN_COMPLETED) {
			t->state = TXN_CONFIRMED;
			sipwall_timer_stop(&t->retransmit);
			sipwall_timer_after(&t->lifetime, reliable(t) ? 0 : txns.t4);	/* timer I */
		}
		return;
	}
	/* a copy of the request: repeat the last answer (17.2.1, 17.2.2) */
	if (t->last && (t->state == TXN_PROCEEDING || t->state == TXN_COMPLETED))
		transmit(t, t->last, t->last_len);
}

static void handle_cancel(struct sip_msg *req, const struct sipwall_peer *from)
{
	struct sipwall_txn *invite = find(req, SIP_STR("INVITE"), true);
	struct sipwall_txn *st;
	size_t len;
	char *key;

	key = make_key(req, req->method_name, true, &len);
	if (!key)
		return;
	st = server_create(req, from, key, len);
	if (!st) {
		free(key);
		return;
	}
	if (!invite) {
		sipwall_txn_respond(st, 481, "Call/Transaction Does Not Exist", NULL, SIP_STR(""));
		return;
	}
	/* the CANCEL's answer carries the INVITE's To tag (RFC 3261 9.2) */
	sipwall_txn_set_to_tag(st, invite->to_tag);
	sipwall_txn_respond(st, 200, "OK", NULL, SIP_STR(""));
	if (invite->state == TXN_PROCEEDING) {
		if (txns.tu->cancelled)
			txns.tu->cancelled(invite);
		if (invite->state == TXN_PROCEEDING)
			sipwall_txn_respond(invite, 487, "Request Terminated", NULL, SIP_STR(""));
	}
}

static char *make_merge_key(const struct sip_msg *req, size_t *len)
{
	char *key = NULL;
	int n = asprintf(&key, SIP_STR_FMT "\n" SIP_STR_FMT "\n%u\n" SIP_STR_FMT,
			 SIP_STR_ARG(req->from.tag), SIP_STR_ARG(req->call_id), req->cseq.seq,
			 SIP_STR_ARG(req->method_name));

	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return key;
}

/* RFC 3261 8.2.2.2: the same request arriving by another path. */
static bool merged(struct sipwall_txn *t, const struct sip_msg *req)
{
	uint64_t h;

	if (req->to.tag.p || !req->from.tag.p)
		return false;
	t->merge_key = make_merge_key(req, &t->merge_key_len);
	if (!t->merge_key)
		return false;
	h = sipwall_hash(t->merge_key, t->merge_key_len, SIPWALL_HASH_INIT);
	for (struct sipwall_hnode *n = sipwall_htab_first(&txns.by_merge, h); n;
	     n = sipwall_htab_next(n, h)) {
		struct sipwall_txn *o = container_of(n, struct sipwall_txn, merge_node);

		if (o->merge_key_len == t->merge_key_len &&
		    !memcmp(o->merge_key, t->merge_key, t->merge_key_len))
			return true;
	}
	sipwall_htab_insert(&txns.by_merge, &t->merge_node, h);
	t->in_merge_table = true;
	return false;
}

void sipwall_txn_receive_request(struct sip_msg *req, const struct sipwall_peer *from)
{
	struct sipwall_txn *t;
	size_t len;
	char *key;

	t = find(req, req->method_name, true);
	if (t) {
		server_retransmission(t, req);
		return;
	}
	if (req->method == SIP_METHOD_ACK) {
		/* no INVITE transaction: the ACK of a 2xx, for the TU (dialogs) */
		if (txns.tu->ack)
			txns.tu->ack(req, from);
		return;
	}
	if (req->method == SIP_METHOD_CANCEL) {
		handle_cancel(req, from);
		return;
	}
	key = make_key(req, req->method_name, true, &len);
	if (!key)
		return;
	t = server_create(req, from, key, len);
	if (!t) {
		free(key);
		sipwall_reply_stateless(req, from, 500, "Server Internal Error");
		return;
	}
	if (merged(t, req)) {
		sipwall_txn_respond(t, 482, "Loop Detected", NULL, SIP_STR(""));
		return;
	}
	txns.tu->request(t, req);
	/* RFC 3261 17.2.1: an INVITE not answered at once gets 100 Trying */
	if (t->invite && !t->last)
		sipwall_txn_respond(t, 100, "Trying", NULL, SIP_STR(""));
}

/* --- client transactions --- */

void sipwall_txn_connection_lost(uint64_t conn_id)
{
	struct sipwall_txn *lost[64];
	unsigned int count;

	if (!txns.by_key.buckets)
		return;
again:
	count = 0;
	/* collect first: the callbacks may start or end transactions */
	for (size_t b = 0; b <= txns.by_key.mask && count < 64; b++) {
		for (struct sipwall_hnode *n = txns.by_key.buckets[b]; n && count < 64; n = n->next) {
			struct sipwall_txn *t = container_of(n, struct sipwall_txn, node);

			if (!t->server && t->peer.conn_id == conn_id && t->peer.proto != SIPWALL_PROTO_UDP &&
			    (t->state == TXN_CALLING || t->state == TXN_TRYING ||
			     t->state == TXN_PROCEEDING))
				lost[count++] = t;
		}
	}
	for (unsigned int i = 0; i < count; i++) {
		sipwall_txn_response_fn fn = lost[i]->fn;

		lost[i]->fn = NULL;
		terminate(lost[i]);
		if (fn)
			fn(lost[i]->ctx, NULL, 503);
	}
	if (count == 64)
		goto again;
}

static void on_client_retransmit(struct sipwall_timer *timer)
{
	struct sipwall_txn *t = container_of(timer, struct sipwall_txn, retransmit);

	/* timer A doubles without cap; timer E caps at T2 (and is T2 once proceeding) */
	transmit(t, t->request, t->request_len);
	if (t->invite)
		t->interval_ms *= 2;
	else
		t->interval_ms = t->state == TXN_PROCEEDING ? txns.t2 :
				 (t->interval_ms * 2 < txns.t2 ? t->interval_ms * 2 : txns.t2);
	sipwall_timer_after(&t->retransmit, t->interval_ms);
}

struct sipwall_txn *sipwall_txn_send_request(const struct sipwall_peer *to,
					     const char *request, size_t len,
					     sipwall_txn_response_fn fn, void *ctx)
{
	struct sipwall_txn *t = calloc(1, sizeof(*t));
	struct sip_msg *m = malloc(sizeof(*m));
	char *parse_copy = malloc(len ? len : 1);
	if (!t || !m || !parse_copy)
		goto err;
	memcpy(parse_copy, request, len);
	if (sip_msg_parse(m, parse_copy, len, SIP_FRAMING_DATAGRAM) || !m->is_request ||
	    m->method == SIP_METHOD_ACK) {
		log_error("refusing to send a malformed request: %s",
			  m->error_reason ? m->error_reason : "not a request");
		goto err;
	}
	t->invite = m->method == SIP_METHOD_INVITE;
	t->key = make_key(m, m->method_name, false, &t->key_len);
	t->request = malloc(len);
	if (!t->key || !t->request)
		goto err;
	memcpy(t->request, request, len);
	t->request_len = len;
	t->peer = *to;
	t->fn = fn;
	t->ctx = ctx;
	t->state = t->invite ? TXN_CALLING : TXN_TRYING;
	sipwall_timer_init(&t->retransmit, on_client_retransmit);
	sipwall_timer_init(&t->lifetime, on_lifetime);
	sipwall_htab_insert(&txns.by_key, &t->node, sipwall_hash(t->key, t->key_len,
								 SIPWALL_HASH_INIT));
	txns.count++;
	free(parse_copy);
	free(m);
	if (transmit(t, t->request, t->request_len)) {
		/* reported from the loop, not from inside the TU's own call */
		t->state = TXN_TRYING;
		t->invite = false;
		sipwall_timer_after(&t->lifetime, 0);
		t->last_status = 503;
		return t;
	}
	if (!reliable(t)) {
		t->interval_ms = txns.t1;
		sipwall_timer_after(&t->retransmit, t->interval_ms);	/* timer A or E */
	}
	sipwall_timer_after(&t->lifetime, 64 * txns.t1);	/* timer B or F */
	return t;
err:
	if (t)
		free(t->key);
	free(t);
	free(m);
	free(parse_copy);
	return NULL;
}

/* ACK for a non-2xx final response (RFC 3261 17.1.1.3), from our INVITE. */
static void send_ack(struct sipwall_txn *t, const struct sip_msg *resp)
{
	static struct sip_msg inv;
	char *copy = malloc(t->request_len);
	struct sip_buf out;

	if (!copy)
		return;
	memcpy(copy, t->request, t->request_len);
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	if (sip_msg_parse(&inv, copy, t->request_len, SIP_FRAMING_DATAGRAM) == 0) {
		int top_via = sip_msg_find(&inv, SIP_HDR_VIA, 0);

		sip_buf_printf(&out, "ACK " SIP_STR_FMT " SIP/2.0\r\nVia: " SIP_STR_FMT "\r\n",
			       SIP_STR_ARG(inv.request_uri.raw), SIP_STR_ARG(inv.headers[top_via].value));
		for (unsigned int i = 0; i < inv.header_count; i++) {
			const struct sip_header *h = &inv.headers[i];

			if (h->id == SIP_HDR_FROM || h->id == SIP_HDR_CALL_ID || h->id == SIP_HDR_ROUTE ||
			    h->id == SIP_HDR_MAX_FORWARDS)
				sip_buf_printf(&out, "%s: " SIP_STR_FMT "\r\n", sip_hdr_name(h->id),
					       SIP_STR_ARG(h->value));
		}
		/* To from the response: it carries the tag of the answering UA */
		sip_buf_printf(&out, "To: " SIP_STR_FMT "\r\nCSeq: %u ACK\r\nContent-Length: 0\r\n\r\n",
			       SIP_STR_ARG(resp->headers[sip_msg_find(resp, SIP_HDR_TO, 0)].value),
			       inv.cseq.seq);
	}
	free(copy);
	if (!out.failed && out.len) {
		free(t->last);
		t->last = out.data;
		t->last_len = out.len;
		transmit(t, t->last, t->last_len);
	} else {
		sip_buf_uninit(&out);
	}
}

static void send_cancel(struct sipwall_txn *t)
{
	static struct sip_msg inv;
	char *copy = malloc(t->request_len);
	struct sip_buf out;

	if (!copy)
		return;
	memcpy(copy, t->request, t->request_len);
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	if (sip_msg_parse(&inv, copy, t->request_len, SIP_FRAMING_DATAGRAM) == 0) {
		/* RFC 3261 9.1: same Request-URI, Call-ID, From, To, top Via and Route */
		sip_buf_printf(&out, "CANCEL " SIP_STR_FMT " SIP/2.0\r\n",
			       SIP_STR_ARG(inv.request_uri.raw));
		for (unsigned int i = 0, vias = 0; i < inv.header_count; i++) {
			const struct sip_header *h = &inv.headers[i];

			if ((h->id == SIP_HDR_VIA && vias++ == 0) || h->id == SIP_HDR_FROM ||
			    h->id == SIP_HDR_TO || h->id == SIP_HDR_CALL_ID || h->id == SIP_HDR_ROUTE ||
			    h->id == SIP_HDR_MAX_FORWARDS)
				sip_buf_printf(&out, "%s: " SIP_STR_FMT "\r\n", sip_hdr_name(h->id),
					       SIP_STR_ARG(h->value));
		}
		sip_buf_printf(&out, "CSeq: %u CANCEL\r\nContent-Length: 0\r\n\r\n", inv.cseq.seq);
	}
	free(copy);
	t->cancel_sent = true;
	/* RFC 3261 9.1: a UAS that answers neither the CANCEL nor the INVITE: 408 after 64*T1 */
	sipwall_timer_after(&t->lifetime, 64 * txns.t1);
	if (!out.failed && out.len)
		sipwall_txn_send_request(&t->peer, out.data, out.len, NULL, NULL);
	sip_buf_uninit(&out);
}

int sipwall_txn_cancel(struct sipwall_txn *ct)
{
	if (ct->server || !ct->invite || ct->cancel_wanted)
		return -1;
	ct->cancel_wanted = true;
	if (ct->state == TXN_PROCEEDING)
		send_cancel(ct);
	return 0;
}

void sipwall_txn_detach(struct sipwall_txn *ct)
{
	ct->fn = NULL;
	ct->ctx = NULL;
}

void sipwall_txn_receive_response(struct sip_msg *resp, const struct sipwall_peer *from)
{
	struct sipwall_txn *t = find(resp, resp->cseq.method, false);
	unsigned int status = resp->status;
	bool deliver = false;

	(void)from;
	if (!t) {
		sipwall_stats.rx_stray_responses++;
		return;
	}
	switch (t->state) {
	case TXN_CALLING:
	case TXN_TRYING:
	case TXN_PROCEEDING:
		deliver = true;
		if (status < 200) {
			/*
			 * Timer B runs in Calling only: a ringing INVITE waits for its
			 * final answer as long as the TU lets it (it CANCELs; see
			 * send_cancel()).
			 */
			if (t->invite && t->state == TXN_CALLING)
				sipwall_timer_stop(&t->lifetime);
			t->state = TXN_PROCEEDING;
			if (t->invite)
				sipwall_timer_stop(&t->retransmit);	/* timer A */
			if (t->invite && t->cancel_wanted && !t->cancel_sent)
				send_cancel(t);
			break;
		}
		sipwall_timer_stop(&t->retransmit);
		if (t->invite && status < 300) {
			t->state = TXN_ACCEPTED;
			sipwall_timer_after(&t->lifetime, 64 * txns.t1);	/* timer M */
		} else if (t->invite) {
			t->state = TXN_COMPLETED;
			send_ack(t, resp);
			sipwall_timer_after(&t->lifetime, reliable(t) ? 0 : 32000);	/* timer D */
		} else {
			t->state = TXN_COMPLETED;
			sipwall_timer_after(&t->lifetime, reliable(t) ? 0 : txns.t4);	/* timer K */
		}
		break;
	case TXN_ACCEPTED:
		/* RFC 6026: 2xx retransmissions go to the TU, which ACKs them */
		deliver = status >= 200 && status < 300;
		break;
	case TXN_COMPLETED:
		if (t->invite && t->last)
			transmit(t, t->last, t->last_len);	/* the ACK again */
		break;
	default:
		break;
	}
	if (deliver && t->fn)
		t->fn(t->ctx, resp, status);
}
