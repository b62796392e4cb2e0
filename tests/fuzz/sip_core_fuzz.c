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
 * every call is ended (BYE, CANCEL) after each input.
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
	char *buf = malloc(size + 1);
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

		peer_of(&from, index++ % 2, tcp);
		memcpy(buf, data + start + tcp, len - tcp);
		if (len > (size_t)tcp)
			sipwall_core_receive(&from, buf, len - tcp);
		start = end + 3;
		if (!sep)
			break;
	}
	/* end every call and transaction, running its callbacks, before the next input */
	sipwall_b2bua_uninit();
	sipwall_txn_uninit();
	sipwall_loop_uninit();
	{
		static const struct sipwall_loop_ops ops = { .reload = noop, .shutdown = noop };

		if (sipwall_loop_init(&ops) || sipwall_txn_init(&sipwall_core_tu))
			abort();
	}
	free(buf);
	return 0;
}
