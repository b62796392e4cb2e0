// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions against a fake transport and the real event loop, with
 * T1 = 10 ms so that timers A-K fire within a test's second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "sip_write.h"
#include "tests.h"
#include "txn.h"

#define T1 10
#define T2 40
#define T4 50

/* --- the fake transport: every message sent is kept here --- */

static char sent[64][2048];
static unsigned int sent_count;

int sipwall_send(struct sipwall_peer *to, const void *data, size_t len)
{
	(void)to;
	if (sent_count < 64 && len < sizeof(sent[0])) {
		memcpy(sent[sent_count], data, len);
		sent[sent_count][len] = '\0';
	}
	sent_count++;
	return 0;
}

static unsigned int count_sent(const char *start_line)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < sent_count && i < 64; i++)
		n += !strncmp(sent[i], start_line, strlen(start_line));
	return n;
}

/* --- a transaction user that records what it saw --- */

static unsigned int requests, cancels, acks;
static struct sipwall_txn *last_st;
static bool answer_at_once;

static void tu_request(struct sipwall_txn *st, struct sip_msg *req)
{
	requests++;
	last_st = st;
	if (answer_at_once)
		sipwall_txn_respond(st, 486, "Busy Here", NULL, SIP_STR(""));
	(void)req;
}

static void tu_cancelled(struct sipwall_txn *st)
{
	(void)st;
	cancels++;
}

static void tu_ack(struct sip_msg *ack, const struct sipwall_peer *from)
{
	(void)ack;
	(void)from;
	acks++;
}

static const struct sipwall_txn_tu tu = {
	.request = tu_request, .ack = tu_ack, .cancelled = tu_cancelled,
};

static unsigned int responses[8], response_count;

static void on_response(void *ctx, const struct sip_msg *resp, unsigned int status)
{
	(void)ctx;
	(void)resp;
	if (response_count < 8)
		responses[response_count] = status;
	response_count++;
}

static void noop(void *ctx)
{
	(void)ctx;
}

static void stop(struct sipwall_timer *t)
{
	(void)t;
	sipwall_loop_stop();
}

static void run_for(unsigned int ms)
{
	struct sipwall_timer t;

	sipwall_timer_init(&t, stop);
	sipwall_timer_after(&t, ms);
	sipwall_loop_run();
	sipwall_timer_stop(&t);
}

static int setup(void **state)
{
	static const struct sipwall_loop_ops ops = { .reload = noop, .shutdown = noop };

	(void)state;
	sent_count = requests = cancels = acks = response_count = 0;
	answer_at_once = false;
	last_st = NULL;
	if (sipwall_loop_init(&ops) || sipwall_txn_init(&tu))
		return -1;
	sipwall_txn_set_timers(T1, T2, T4);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sipwall_txn_uninit();
	sipwall_loop_uninit();
	return 0;
}

static const struct sipwall_peer udp_peer = { .proto = SIPWALL_PROTO_UDP, .udp_fd = -1 };
static const struct sipwall_peer tcp_peer = { .proto = SIPWALL_PROTO_TCP, .udp_fd = -1 };

static void deliver_request(const char *text, const struct sipwall_peer *from)
{
	static struct sip_msg m;

	assert_int_equal(parse_text(&m, text), 0);
	sipwall_txn_receive_request(&m, from);
}

static void deliver_response(const char *text)
{
	static struct sip_msg m;

	assert_int_equal(parse_text(&m, text), 0);
	sipwall_txn_receive_response(&m, &udp_peer);
}

#define DIALOG \
	"From: <sip:a@h>;tag=fa\r\nTo: <sip:b@h>\r\nCall-ID: txn-1\r\nMax-Forwards: 70\r\n"

static const char invite[] =
	"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKinv1\r\n"
	DIALOG "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
static const char ack_invite[] =
	"ACK sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKinv1\r\n"
	DIALOG "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
static const char cancel_invite[] =
	"CANCEL sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKinv1\r\n"
	DIALOG "CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n";

static void test_server_invite_non_2xx(void **state)
{
	(void)state;
	deliver_request(invite, &udp_peer);
	assert_int_equal(requests, 1);
	assert_int_equal(count_sent("SIP/2.0 100 Trying"), 1);
	assert_int_equal(sipwall_txn_respond(last_st, 486, "Busy Here", NULL, SIP_STR("")), 0);
	/* a retransmitted INVITE is absorbed and the final answer repeated */
	deliver_request(invite, &udp_peer);
	assert_int_equal(requests, 1);
	assert_int_equal(count_sent("SIP/2.0 486 Busy Here"), 2);
	/* timer G: T1, 2T1, 4T1... */
	run_for(8 * T1);
	assert_true(count_sent("SIP/2.0 486") >= 4);
	deliver_request(ack_invite, &udp_peer);
	sent_count = 0;
	run_for(4 * T1);
	assert_int_equal(sent_count, 0);	/* confirmed: no more retransmissions */
	assert_int_equal(acks, 0);		/* the ACK belonged to the transaction */
	run_for(T4 + 2 * T1);			/* timer I */
	assert_int_equal(sipwall_txn_count(), 0);
}

static void test_server_timer_h(void **state)
{
	(void)state;
	answer_at_once = true;
	deliver_request(invite, &udp_peer);
	assert_int_equal(count_sent("SIP/2.0 100"), 0);	/* answered at once: no 100 */
	run_for(64 * T1 + 5 * T1);
	assert_int_equal(sipwall_txn_count(), 0);	/* timer H gave up waiting for ACK */
	assert_true(count_sent("SIP/2.0 486") >= 5);
}

static void test_server_cancel(void **state)
{
	(void)state;
	deliver_request(invite, &udp_peer);
	deliver_request(cancel_invite, &udp_peer);
	assert_int_equal(cancels, 1);
	assert_int_equal(count_sent("SIP/2.0 200 OK"), 1);	/* to the CANCEL */
	assert_int_equal(count_sent("SIP/2.0 487 Request Terminated"), 1);
	/* the CANCEL's answer carries the INVITE's To tag */
	for (unsigned int i = 0; i < sent_count; i++) {
		if (!strncmp(sent[i], "SIP/2.0 200", 11)) {
			char needle[64];

			snprintf(needle, sizeof(needle), ";tag=%s", sipwall_txn_to_tag(last_st));
			assert_non_null(strstr(sent[i], needle));
		}
	}
}

static void test_server_non_invite(void **state)
{
	static const char options[] =
		"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bKopt1\r\n"
		DIALOG "CSeq: 5 OPTIONS\r\nContent-Length: 0\r\n\r\n";

	(void)state;
	deliver_request(options, &tcp_peer);
	assert_int_equal(count_sent("SIP/2.0 100"), 0);	/* no 100 for non-INVITE */
	assert_int_equal(sipwall_txn_respond(last_st, 200, "OK", "Allow: OPTIONS\r\n",
					     SIP_STR("")), 0);
	assert_int_equal(sipwall_txn_respond(last_st, 200, "OK", NULL, SIP_STR("")), -1);
	run_for(1);	/* timer J is 0 over TCP */
	assert_int_equal(sipwall_txn_count(), 0);
}

static void test_rfc2543_matching(void **state)
{
	/* no magic cookie: matched by Call-ID, From tag, CSeq and Via */
	static const char old_invite[] =
		"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060\r\n"
		DIALOG "CSeq: 4 INVITE\r\nContent-Length: 0\r\n\r\n";
	static const char old_ack[] =
		"ACK sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060\r\n"
		DIALOG "CSeq: 4 ACK\r\nContent-Length: 0\r\n\r\n";

	(void)state;
	deliver_request(old_invite, &udp_peer);
	assert_int_equal(sipwall_txn_respond(last_st, 404, "Not Found", NULL, SIP_STR("")), 0);
	deliver_request(old_invite, &udp_peer);
	assert_int_equal(requests, 1);
	assert_int_equal(count_sent("SIP/2.0 404"), 2);
	deliver_request(old_ack, &udp_peer);
	assert_int_equal(acks, 0);	/* matched the INVITE transaction */
}

static void test_merged_request(void **state)
{
	static const char other_path[] =
		"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKinv2\r\n"
		DIALOG "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

	(void)state;
	deliver_request(invite, &udp_peer);
	deliver_request(other_path, &udp_peer);
	assert_int_equal(requests, 1);
	assert_int_equal(count_sent("SIP/2.0 482 Loop Detected"), 1);
}

static const char client_invite[] =
	"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKcli1\r\n"
	DIALOG "CSeq: 9 INVITE\r\nContent-Length: 0\r\n\r\n";

static void test_client_invite_timer_b(void **state)
{
	struct sipwall_txn *ct;

	(void)state;
	ct = sipwall_txn_send_request(&udp_peer, client_invite, strlen(client_invite),
				      on_response, NULL);
	assert_non_null(ct);
	run_for(64 * T1 + 5 * T1);
	/* timer A doubles: sends at 0, T1, 3T1, 7T1, 15T1, 31T1 (, 63T1) */
	assert_in_range(count_sent("INVITE"), 6, 7);
	assert_int_equal(response_count, 1);
	assert_int_equal(responses[0], 408);
	assert_int_equal(sipwall_txn_count(), 0);
}

static void test_client_invite_non_2xx_acked(void **state)
{
	static const char ringing[] =
		"SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKcli1\r\n"
		"From: <sip:a@h>;tag=fa\r\nTo: <sip:b@h>;tag=tb\r\nCall-ID: txn-1\r\n"
		"CSeq: 9 INVITE\r\nContent-Length: 0\r\n\r\n";
	static const char busy[] =
		"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKcli1\r\n"
		"From: <sip:a@h>;tag=fa\r\nTo: <sip:b@h>;tag=tb\r\nCall-ID: txn-1\r\n"
		"CSeq: 9 INVITE\r\nContent-Length: 0\r\n\r\n";
	struct sip_msg ack;
	char *ack_text = NULL;

	(void)state;
	assert_non_null(sipwall_txn_send_request(&udp_peer, client_invite, strlen(client_invite),
						 on_response, NULL));
	deliver_response(ringing);
	sent_count = 0;
	run_for(4 * T1);
	assert_int_equal(sent_count, 0);	/* a 1xx stops timer A */
	deliver_response(busy);
	assert_int_equal(response_count, 2);
	assert_int_equal(responses[1], 486);
	assert_int_equal(count_sent("ACK sip:b@h SIP/2.0"), 1);
	ack_text = sent[0];
	assert_int_equal(parse_text(&ack, ack_text), 0);
	assert_true(sip_str_eq(ack.via.branch, SIP_STR("z9hG4bKcli1")));
	assert_true(sip_str_eq(ack.to.tag, SIP_STR("tb")));
	assert_int_equal(ack.cseq.seq, 9);
	/* a retransmitted final: the ACK again, the TU not bothered */
	deliver_response(busy);
	assert_int_equal(count_sent("ACK"), 2);
	assert_int_equal(response_count, 2);
}

static void test_client_cancel_after_1xx(void **state)
{
	static const char trying[] =
		"SIP/2.0 100 Trying\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKcli1\r\n"
		"From: <sip:a@h>;tag=fa\r\nTo: <sip:b@h>\r\nCall-ID: txn-1\r\n"
		"CSeq: 9 INVITE\r\nContent-Length: 0\r\n\r\n";
	struct sipwall_txn *ct;
	struct sip_msg cancel;

	(void)state;
	ct = sipwall_txn_send_request(&udp_peer, client_invite, strlen(client_invite),
				      on_response, NULL);
	assert_int_equal(sipwall_txn_cancel(ct), 0);
	assert_int_equal(count_sent("CANCEL"), 0);	/* not before a provisional */
	deliver_response(trying);
	assert_int_equal(count_sent("CANCEL sip:b@h SIP/2.0"), 1);
	for (unsigned int i = 0; i < sent_count; i++) {
		if (!strncmp(sent[i], "CANCEL", 6)) {
			assert_int_equal(parse_text(&cancel, sent[i]), 0);
			assert_true(sip_str_eq(cancel.via.branch, SIP_STR("z9hG4bKcli1")));
			assert_true(sip_str_eq(cancel.cseq.method, SIP_STR("CANCEL")));
		}
	}
}

static void test_client_non_invite_timers(void **state)
{
	static const char options[] =
		"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKo2\r\n"
		DIALOG "CSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	static const char ok[] =
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKo2\r\n"
		"From: <sip:a@h>;tag=fa\r\nTo: <sip:b@h>;tag=x\r\nCall-ID: txn-1\r\n"
		"CSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n";

	(void)state;
	assert_non_null(sipwall_txn_send_request(&udp_peer, options, strlen(options),
						 on_response, NULL));
	run_for(3 * T1 + T1 / 2);
	/* timer E: 0, T1, 3T1 */
	assert_int_equal(count_sent("OPTIONS"), 3);
	deliver_response(ok);
	assert_int_equal(response_count, 1);
	assert_int_equal(responses[0], 200);
	deliver_response(ok);		/* absorbed in Completed */
	assert_int_equal(response_count, 1);
	run_for(T4 + 2 * T1);		/* timer K */
	assert_int_equal(sipwall_txn_count(), 0);
}

static void test_client_timer_f_and_detach(void **state)
{
	static const char options[] =
		"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKf%d\r\n"
		DIALOG "CSeq: 3 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	char text[512];
	struct sipwall_txn *kept, *dropped;
	int marker = 1;

	(void)state;
	snprintf(text, sizeof(text), options, 1);
	kept = sipwall_txn_send_request(&udp_peer, text, strlen(text), on_response, NULL);
	snprintf(text, sizeof(text), options, 2);
	dropped = sipwall_txn_send_request(&udp_peer, text, strlen(text), on_response, NULL);
	sipwall_txn_set_user(kept, &marker);
	assert_ptr_equal(sipwall_txn_user(kept), &marker);
	sipwall_txn_detach(dropped);
	run_for(64 * T1 + 5 * T1);
	/* timer F: 408 for the one still attached, silence for the detached one */
	assert_int_equal(response_count, 1);
	assert_int_equal(responses[0], 408);
	assert_int_equal(sipwall_txn_count(), 0);
}

static void test_branch_and_tag(void **state)
{
	char branch[40], other[40], tag[24];

	(void)state;
	sipwall_txn_branch(branch);
	sipwall_txn_branch(other);
	sipwall_random_tag(tag);
	assert_int_equal(strlen(branch), 7 + 32);
	assert_memory_equal(branch, "z9hG4bK", 7);
	assert_string_not_equal(branch, other);
	assert_int_equal(strlen(tag), 16);
}

static void test_stray_response(void **state)
{
	static const char stray[] =
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKnone\r\n"
		"From: <sip:a@h>;tag=fa\r\nTo: <sip:b@h>;tag=x\r\nCall-ID: txn-1\r\n"
		"CSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	uint64_t before = sipwall_stats.rx_stray_responses;

	(void)state;
	deliver_response(stray);
	assert_int_equal(sipwall_stats.rx_stray_responses, before + 1);
}

#define TXN_TEST(name, fn) \
	{ name, fn, setup, teardown, NULL }

void add_txn_tests(void)
{
	static const struct CMUnitTest tests[] = {
		TXN_TEST("server INVITE: 100, 486 retransmitted (G) until ACK, then I", test_server_invite_non_2xx),
		TXN_TEST("server INVITE: timer H ends an unacknowledged 486", test_server_timer_h),
		TXN_TEST("server INVITE: CANCEL gets 200 with the To tag, INVITE 487", test_server_cancel),
		TXN_TEST("server non-INVITE: one final answer, timer J 0 on TCP", test_server_non_invite),
		TXN_TEST("merged request gets 482", test_merged_request),
		TXN_TEST("RFC 2543 requests (no magic cookie) match their retransmissions and ACK", test_rfc2543_matching),
		TXN_TEST("client INVITE: timer A doubles, timer B reports 408", test_client_invite_timer_b),
		TXN_TEST("client INVITE: 1xx stops A, non-2xx is ACKed with the To tag", test_client_invite_non_2xx_acked),
		TXN_TEST("client INVITE: CANCEL waits for a provisional", test_client_cancel_after_1xx),
		TXN_TEST("client non-INVITE: timer E, final absorbed, timer K", test_client_non_invite_timers),
		TXN_TEST("client non-INVITE: timer F reports 408; detached TUs hear nothing", test_client_timer_f_and_detach),
		TXN_TEST("branches carry the magic cookie and differ", test_branch_and_tag),
		TXN_TEST("stray responses are counted and dropped", test_stray_response),
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		add_full_test(&tests[i]);
}
