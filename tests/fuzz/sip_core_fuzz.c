// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for what runs after the parser: the SIP core (400
 * answers, Via stamping) and the transaction layer (matching,
 * retransmissions, CANCEL, ACK, merged requests, client responses).
 *
 * Input: messages separated by the line "%%\n"; each goes to
 * sipwall_core_receive() as a UDP datagram (or, if it starts with "T",
 * as a TCP message) from one of two peers. A fixed client INVITE and a
 * client OPTIONS are outstanding, so responses have transactions to find.
 * Everything sent is parsed back: what the stack writes must be valid SIP.
 * The realm's calls go to itself (peer_realm), to a next hop: INVITEs and
 * MESSAGEs become calls of the B2BUA, whose requests are checked as well;
 * every call is ended (BYE, CANCEL) after each input. Four lower-case
 * prefixes (no method starts with one) let the input answer what the
 * B2BUA sent, whose branches and tags it cannot know:
 *   "r" + "STATUS REASON\r\n" + headers/body: a response to the last
 *       request sent (its Via, From, To with a tag, Call-ID and CSeq);
 *   "i" + the same: a response to the last INVITE sent;
 *   "b" + "METHOD [CSEQ]\r\n" + headers/body: a request inside the dialog
 *       of the last request sent (the callee's leg);
 *   "a" + "METHOD\r\n" + headers/body: a request inside the dialog of
 *       the last response sent (the caller's leg).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b2bua.h"
#include "core.h"
#include "loop.h"
#include "sip_msg.h"
#include "txn.h"

static struct sipwall_realm realm = { .name = "fuzz" };
static struct sipwall_realm_config realm_cfg = {
	.name = "fuzz", .idle_timeout = 60, .listen_count = 1, .has_next_hop = true,
	.b2bua = { .peer_realm = "fuzz" },
};
static struct sip_msg check;

/* What the stack sent last: the parts a response or an in-dialog request needs. */
struct sent {
	char via[1024], from[512], to[512], call_id[256], cseq[64];
	bool set;
};
static struct sent last_request, last_response, last_invite;
static unsigned int fuzz_seq;

static void copy_value(char *out, size_t size, struct sip_str v)
{
	snprintf(out, size, "%.*s", (int)(v.len < size - 1 ? v.len : size - 1), v.p);
}

static void remember(const struct sip_msg *m)
{
	struct sent *s = m->is_request ? &last_request : &last_response;
	int via = sip_msg_find(m, SIP_HDR_VIA, 0), from = sip_msg_find(m, SIP_HDR_FROM, 0);
	int to = sip_msg_find(m, SIP_HDR_TO, 0), cseq = sip_msg_find(m, SIP_HDR_CSEQ, 0);

	if (via < 0 || from < 0 || to < 0 || cseq < 0)
		return;
	copy_value(s->via, sizeof(s->via), m->headers[via].value);
	copy_value(s->from, sizeof(s->from), m->headers[from].value);
	copy_value(s->to, sizeof(s->to), m->headers[to].value);
	copy_value(s->call_id, sizeof(s->call_id), m->call_id);
	copy_value(s->cseq, sizeof(s->cseq), m->headers[cseq].value);
	s->set = true;
	if (m->is_request && m->method == SIP_METHOD_INVITE)
		last_invite = *s;
}

/* The fake environment: no sockets, no connections, one realm. */
struct sipwall_realm *sipwall_realm_find(const char *name)
{
	return strcmp(name, realm.name) ? NULL : &realm;
}

void sipwall_conn_accept(struct sipwall_realm *r, enum sipwall_proto proto, int fd,
			 const struct sockaddr_storage *peer, socklen_t peer_len)
{
	(void)r, (void)proto, (void)fd, (void)peer, (void)peer_len;
}

bool sipwall_conn_alive(uint64_t conn_id)
{
	(void)conn_id;
	return false;
}

unsigned int sipwall_conn_count(void)
{
	return 0;
}

bool sipwall_conn_peer_verified(uint64_t conn_id)
{
	(void)conn_id;
	return false;
}

int sipwall_send(struct sipwall_peer *to, const void *data, size_t len)
{
	static char copy[SIP_MSG_MAX_SIZE + 1];

	(void)to;
	if (len > SIP_MSG_MAX_SIZE)
		abort();
	memcpy(copy, data, len);
	if (sip_msg_parse(&check, copy, len, SIP_FRAMING_STREAM))
		abort();	/* we wrote something that is not SIP */
	remember(&check);
	return 0;
}

static void noop(void *ctx)
{
	(void)ctx;
}

static void on_response(void *ctx, const struct sip_msg *resp, unsigned int status)
{
	(void)ctx;
	(void)resp;
	(void)status;
}

static void setup(void)
{
	static const struct sipwall_loop_ops ops = { .reload = noop, .shutdown = noop };
	static bool done;

	if (done)
		return;
	done = true;
	realm.cfg = &realm_cfg;
	if (sipwall_endpoint_parse("udp:127.0.0.1:5070", &realm_cfg.listen[0]) ||
	    sipwall_endpoint_parse("udp:127.0.0.9:5090", &realm_cfg.next_hop))
		abort();
	sipwall_log_set_level(SIPWALL_LOG_ERROR);
	if (sipwall_loop_init(&ops) || sipwall_txn_init(&sipwall_core_tu))
		abort();
}

static void peer_of(struct sipwall_peer *p, int which, bool tcp)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&p->addr;

	memset(p, 0, sizeof(*p));
	p->proto = tcp ? SIPWALL_PROTO_TCP : SIPWALL_PROTO_UDP;
	p->realm = &realm;
	p->udp_fd = -1;
	p->conn_id = tcp ? 7 : 0;
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)(5060 + which));
	in->sin_addr.s_addr = htonl(0x7f000001 + (uint32_t)which);
	p->addr_len = sizeof(*in);
}

/*
 * Expands an "r", "i", "b" or "a" message (see the top) into buf; returns the
 * new length, or 0 if there is nothing to answer yet.
 */
static size_t expand(char kind, const char *in, size_t len, char *buf, size_t size)
{
	const struct sent *s = kind == 'i' ? &last_invite :
			       kind == 'r' || kind == 'b' ? &last_request : &last_response;
	const char *eol = memchr(in, '\n', len);
	size_t first = eol ? (size_t)(eol - in) + 1 : len, method = 0;
	unsigned int cseq;
	int n;

	if (!s->set)
		return 0;
	while (method < first && in[method] != ' ' && in[method] != '\r' && in[method] != '\n')
		method++;
	fuzz_seq++;	/* a fresh branch and CSeq for each request, unless given */
	cseq = 1000 + fuzz_seq;
	if (method < first && in[method] == ' ') {
		cseq = 0;
		for (size_t i = method + 1; i < first && in[i] >= '0' && in[i] <= '9' && cseq < 100000000; i++)
			cseq = cseq * 10 + (unsigned int)(in[i] - '0');
	}
	if (kind == 'r' || kind == 'i')
		n = snprintf(buf, size, "SIP/2.0 %.*sVia: %s\r\nFrom: %s\r\nTo: %s%s\r\n"
			     "Call-ID: %s\r\nCSeq: %s\r\n", (int)first, in, s->via, s->from, s->to,
			     strstr(s->to, "tag=") ? "" : ";tag=fz", s->call_id, s->cseq);
	else
		/* b: the callee's side (From of our request is its To); a: the caller's */
		n = snprintf(buf, size, "%.*s sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP "
			     "127.0.0.9:5090;branch=z9hG4bKfz%u\r\nFrom: %s%s\r\nTo: %s\r\n"
			     "Call-ID: %s\r\nCSeq: %u %.*s\r\nMax-Forwards: 70\r\n",
			     (int)method, in, fuzz_seq, kind == 'b' ? s->to : s->from,
			     kind == 'b' && !strstr(s->to, "tag=") ? ";tag=fz" : "",
			     kind == 'b' ? s->from : s->to, s->call_id, cseq,
			     (int)method, in);
	if (n < 0 || (size_t)n + len - first >= size)
		return 0;
	memcpy(buf + n, in + first, len - first);
	return (size_t)n + len - first;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char invite[] =
		"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKfuzz1\r\n"
		"From: <sip:a@h>;tag=fa\r\nTo: <sip:b@h>\r\nCall-ID: fuzz-1\r\nCSeq: 1 INVITE\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char options[] =
		"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKfuzz2\r\n"
		"From: <sip:a@h>;tag=fa\r\nTo: <sip:b@h>\r\nCall-ID: fuzz-2\r\nCSeq: 1 OPTIONS\r\n"
		"Content-Length: 0\r\n\r\n";
	size_t buf_size = size + 4096;
	char *buf = malloc(buf_size);
	struct sipwall_peer to;
	size_t start = 0;
	int index = 0;

	if (!buf)
		return 0;
	setup();
	peer_of(&to, 9, false);
	sipwall_txn_send_request(&to, invite, sizeof(invite) - 1, on_response, NULL);
	sipwall_txn_send_request(&to, options, sizeof(options) - 1, on_response, NULL);
	while (start <= size) {
		const uint8_t *sep = size - start >= 3 ? memmem(data + start, size - start, "%%\n", 3) : NULL;
		size_t end = sep ? (size_t)(sep - data) : size;
		size_t len = end - start;
		struct sipwall_peer from;
		bool tcp = len && data[start] == 'T';

		char kind = len ? (char)data[start] : 0;

		peer_of(&from, index++ % 2, tcp);
		if (kind == 'r' || kind == 'i' || kind == 'b' || kind == 'a') {
			size_t n = expand(kind, (const char *)data + start + 1, len - 1, buf, buf_size);

			if (n)
				sipwall_core_receive(&from, buf, n);
		} else if (len > (size_t)tcp) {
			memcpy(buf, data + start + tcp, len - tcp);
			sipwall_core_receive(&from, buf, len - tcp);
		}
		start = end + 3;
		if (!sep)
			break;
	}
	/* end every call and transaction, running its callbacks, before the next input */
	sipwall_b2bua_uninit();
	sipwall_txn_uninit();
	last_request.set = last_response.set = last_invite.set = false;
	sipwall_loop_uninit();
	{
		static const struct sipwall_loop_ops ops = { .reload = noop, .shutdown = noop };

		if (sipwall_loop_init(&ops) || sipwall_txn_init(&sipwall_core_tu))
			abort();
	}
	free(buf);
	return 0;
}
