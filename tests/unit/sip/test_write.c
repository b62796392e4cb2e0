// SPDX-License-Identifier: GPL-2.0
/*
 * Serializer: round trips, header edits, responses built from requests.
 */
#include <string.h>

#include "sip_write.h"
#include "tests.h"

static const char request[] =
	"INVITE sip:bob@example.com SIP/2.0\r\n"
	"v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa;rport, SIP/2.0/TCP p.example.com;branch=z9hG4bKb\r\n"
	"Max-Forwards: 70\r\n"
	"f: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
	"t: <sip:bob@example.com>\r\n"
	"i: call-1@example.com\r\n"
	"CSeq: 7 INVITE\r\n"
	"User-Agent: phone/1.0\r\n"
	"Record-Route: <sip:p.example.com;lr>\r\n"
	"c: application/sdp\r\n"
	"l: 4\r\n"
	"\r\n"
	"v=0\n";

static struct sip_msg msg, again;

static void test_round_trip(void **state)
{
	struct sip_buf out;

	(void)state;
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	assert_int_equal(parse_text(&msg, request), 0);
	assert_int_equal(sip_msg_write(&msg, &out), 0);
	assert_non_null(strstr(out.data, "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa;rport\r\n"
				      "Via: SIP/2.0/TCP p.example.com;branch=z9hG4bKb\r\n"));
	assert_non_null(strstr(out.data, "Call-ID: call-1@example.com\r\n"));
	assert_non_null(strstr(out.data, "Content-Length: 4\r\n\r\nv=0\n"));
	/* what we write, we parse back to the same structure */
	assert_int_equal(sip_msg_parse(&again, out.data, out.len, SIP_FRAMING_STREAM), 0);
	assert_int_equal(again.via_count, 2);
	assert_true(sip_str_eq(again.from.tag, SIP_STR("a1")));
	assert_int_equal(again.cseq.seq, 7);
	assert_true(sip_str_eq(again.body, SIP_STR("v=0\n")));
	sip_buf_uninit(&out);
}

static void test_edits(void **state)
{
	struct sip_buf out;
	struct sip_str via;
	int index;

	(void)state;
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	assert_int_equal(parse_text(&msg, request), 0);
	/* what a B2BUA does to the next hop's copy */
	sip_msg_header_remove(&msg, (unsigned int)sip_msg_find(&msg, SIP_HDR_MAX_FORWARDS, 0));
	sip_msg_header_remove_all(&msg, SIP_HDR_VIA);
	sip_msg_header_remove_all(&msg, SIP_HDR_RECORD_ROUTE);
	via = sip_msg_store(&msg, "SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK%s", "new");
	assert_int_equal(sip_msg_header_insert(&msg, 0, SIP_HDR_VIA, SIP_STR("Via"), via), 0);
	index = sip_msg_find(&msg, SIP_HDR_USER_AGENT, 0);
	sip_msg_header_set(&msg, (unsigned int)index, SIP_STR("sipwall"));
	msg.request_uri.raw = SIP_STR("sip:bob@127.0.0.1:5070");
	msg.body = SIP_STR("");
	assert_int_equal(sip_msg_write(&msg, &out), 0);
	assert_int_equal(sip_msg_parse(&again, out.data, out.len, SIP_FRAMING_STREAM), 0);
	assert_int_equal(again.via_count, 1);
	assert_true(sip_str_eq(again.via.branch, SIP_STR("z9hG4bKnew")));
	assert_true(sip_str_eq(again.request_uri.host, SIP_STR("127.0.0.1")));
	assert_int_equal(sip_msg_find(&again, SIP_HDR_RECORD_ROUTE, 0), -1);
	assert_int_equal(again.max_forwards, -1);
	assert_true(sip_str_eq(again.headers[sip_msg_find(&again, SIP_HDR_USER_AGENT, 0)].value,
			       SIP_STR("sipwall")));
	assert_int_equal(again.content_length, 0);
	sip_buf_uninit(&out);
}

static void test_reply(void **state)
{
	struct sip_buf out;

	(void)state;
	sip_buf_init(&out, SIP_MSG_MAX_SIZE);
	assert_int_equal(parse_text(&msg, request), 0);
	assert_int_equal(sip_reply_write(&msg, 486, "Busy Here", SIP_STR("t9"),
					 "Retry-After: 60\r\n", &out), 0);
	assert_int_equal(sip_msg_parse(&again, out.data, out.len, SIP_FRAMING_STREAM), 0);
	assert_int_equal(again.status, 486);
	assert_int_equal(again.via_count, 2);
	assert_true(sip_str_eq(again.to.tag, SIP_STR("t9")));
	assert_true(sip_str_eq(again.call_id, SIP_STR("call-1@example.com")));
	assert_int_equal(sip_msg_find(&again, SIP_HDR_RECORD_ROUTE, 0), -1);
	assert_non_null(strstr(out.data, "Retry-After: 60\r\n"));
	sip_buf_uninit(&out);
}

static void test_buf_limit(void **state)
{
	struct sip_buf out;

	(void)state;
	sip_buf_init(&out, 8);
	sip_buf_cstr(&out, "12345");
	assert_false(out.failed);
	sip_buf_printf(&out, "%s", "6789");
	assert_true(out.failed);
	assert_int_equal(out.len, 5);
	sip_buf_uninit(&out);
}

static void test_scratch_full(void **state)
{
	char big[SIP_MSG_SCRATCH + 1];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse_text(&msg, request), 0);
	assert_null(sip_msg_store(&msg, "%s", big).p);
	assert_non_null(sip_msg_store(&msg, "%s", "fits").p);
}

void add_write_tests(void)
{
	add_test("serializer round trip", test_round_trip, NULL);
	add_test("serializer header edits", test_edits, NULL);
	add_test("responses built from requests", test_reply, NULL);
	add_test("output buffer limit", test_buf_limit, NULL);
	add_test("scratch area refuses what does not fit", test_scratch_full, NULL);
}
