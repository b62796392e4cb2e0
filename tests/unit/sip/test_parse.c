// SPDX-License-Identifier: GPL-2.0
/*
 * Parser units: compact forms, folding, lists, URIs, limits, responses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_lex.h"
#include "tests.h"

#define HEADERS \
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport\r\n" \
	"From: <sip:a@example.com>;tag=f1\r\n" \
	"To: <sip:b@example.com>\r\n" \
	"Call-ID: c1@example.com\r\n" \
	"CSeq: 1 OPTIONS\r\n"

static struct sip_msg msg;

static void test_minimal_request(void **state)
{
	(void)state;
	assert_int_equal(parse_text(&msg, "OPTIONS sip:b@example.com SIP/2.0\r\n" HEADERS
				    "Max-Forwards: 70\r\n\r\n"), 0);
	assert_true(msg.is_request);
	assert_int_equal(msg.method, SIP_METHOD_OPTIONS);
	assert_int_equal(msg.max_forwards, 70);
	assert_int_equal(msg.content_length, -1);
	assert_int_equal(msg.header_count, 6);
	assert_int_equal(msg.via.port, 5060);
	assert_str(msg.via.protocol, "SIP/2.0/UDP");
	assert_true(msg.via.has_rport);
	assert_str(msg.call_id, "c1@example.com");
	assert_null(msg.to.tag.p);
}

static void test_compact_forms(void **state)
{
	(void)state;
	assert_int_equal(parse_text(&msg, "MESSAGE sip:b@example.com SIP/2.0\r\n"
				    "v: SIP/2.0/TCP h.example.com;branch=z9hG4bK2\r\n"
				    "f: sip:a@example.com;tag=x\r\nt: sip:b@example.com\r\n"
				    "i: abc\r\nCSeq: 2 MESSAGE\r\nc: text/plain\r\n"
				    "l: 5\r\nm: <sip:a@10.0.0.1>\r\n\r\nhello"), 0);
	assert_str(msg.via.transport, "TCP");
	assert_str(msg.content_type.type, "text");
	assert_str(msg.body, "hello");
	assert_int_equal(sip_msg_find(&msg, SIP_HDR_CONTACT, 0), 7);
	assert_int_equal(sip_hdr_lookup(SIP_STR("CALL-id")), SIP_HDR_CALL_ID);
	assert_int_equal(sip_hdr_lookup(SIP_STR("Xy")), SIP_HDR_OTHER);
}

static void test_lists_split(void **state)
{
	(void)state;
	assert_int_equal(parse_text(&msg, "INVITE sip:b@example.com SIP/2.0\r\n"
				    "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, "
				    "SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bK2\r\n"
				    "From: sip:a@example.com;tag=1\r\nTo: sip:b@example.com\r\n"
				    "Call-ID: x\r\nCSeq: 1 INVITE\r\n"
				    "Route: <sip:p1.example.com;lr>, \"A, B\" <sip:p2,x@example.com;lr>\r\n"
				    "Contact: *\r\nContent-Length: 0\r\n\r\n"), 0);
	assert_int_equal(msg.via_count, 2);
	assert_int_equal(sip_msg_find(&msg, SIP_HDR_VIA, 1), 1);
	assert_str(msg.headers[1].value, "SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bK2");
	assert_int_equal(sip_msg_find(&msg, SIP_HDR_ROUTE, 0), 6);
	assert_str(msg.headers[7].value, "\"A, B\" <sip:p2,x@example.com;lr>");
}

static void test_contact_params(void **state)
{
	struct sip_contact c;

	(void)state;
	assert_null(sip_contact_parse(SIP_STR("\"Al \\\"x\\\"\" <sips:al@[::1]:5061;transport=tls;lr>"
					      ";expires=3600;q=0.5"), &c));
	assert_int_equal(c.addr.uri.scheme, SIP_URI_SIPS);
	assert_int_equal(c.expires, 3600);
	assert_int_equal(c.addr.uri.port, 5061);
	assert_true(c.addr.uri.lr);
	assert_str(c.addr.uri.transport, "tls");
	assert_non_null(sip_contact_parse(SIP_STR("<sip:a@b>;expires=99999999999"), &c));
	assert_null(sip_contact_parse(SIP_STR("*"), &c));
	assert_true(c.star);
}

static void test_names_and_unquote(void **state)
{
	struct sip_name_addr na;
	char display[32];

	(void)state;
	assert_string_equal(sip_method_name(SIP_METHOD_INVITE), "INVITE");
	assert_null(sip_method_name(SIP_METHOD_OTHER));
	assert_int_equal(sip_method_lookup(SIP_STR("invite")), SIP_METHOD_OTHER);
	assert_string_equal(sip_hdr_name(SIP_HDR_CALL_ID), "Call-ID");
	assert_null(sip_name_addr_parse(SIP_STR("\"J \\\"R\\\"\" <sip:j@h>"), &na));
	assert_int_equal(sip_unquote(na.display, display, sizeof(display)), 5);
	assert_string_equal(display, "J \"R\"");
	/* truncation keeps the terminator */
	assert_int_equal(sip_unquote(na.display, display, 3), 2);
	assert_string_equal(display, "J ");
}

static void test_uri_forms(void **state)
{
	struct sip_uri u;

	(void)state;
	assert_null(sip_uri_parse(SIP_STR("sip:alice:secret@example.com:5080;user=phone?subject=x&h=y"), &u));
	assert_str(u.user, "alice");
	assert_str(u.password, "secret");
	assert_int_equal(u.port, 5080);
	assert_str(u.headers, "subject=x&h=y");
	assert_null(sip_uri_parse(SIP_STR("tel:+1-201-555-0123;phone-context=x"), &u));
	assert_int_equal(u.scheme, SIP_URI_TEL);
	assert_null(sip_uri_parse(SIP_STR("urn:service:sos"), &u));
	assert_int_equal(u.scheme, SIP_URI_OTHER);
	assert_non_null(sip_uri_parse(SIP_STR("sip:a@[2001:db8::1"), &u));
	assert_non_null(sip_uri_parse(SIP_STR("sip:a@[2001:zz::1]"), &u));
	assert_non_null(sip_uri_parse(SIP_STR("sip:a@example.com:70000"), &u));
	assert_non_null(sip_uri_parse(SIP_STR("sip:a@-bad.example.com"), &u));
	assert_non_null(sip_uri_parse(SIP_STR("sip:a%4@example.com"), &u));
	assert_non_null(sip_uri_parse(SIP_STR("sip:a@example.com;=x"), &u));
	assert_non_null(sip_uri_parse(SIP_STR("sip:"), &u));
	assert_non_null(sip_uri_parse(SIP_STR("1sip:a@b"), &u));
}

static void test_folding_unfolds_in_place(void **state)
{
	(void)state;
	assert_int_equal(parse_text(&msg, "OPTIONS sip:b@example.com SIP/2.0\r\n" HEADERS
				    "Subject: first\r\n\tsecond\r\n  third\r\n\r\n"), 0);
	assert_str(msg.headers[5].value, "first  \tsecond    third");
}

static void test_bare_lf_line_ends(void **state)
{
	(void)state;
	assert_int_equal(parse_text(&msg, "OPTIONS sip:b@example.com SIP/2.0\n"
				    "Via: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
				    "To: <sip:b@h>\nCall-ID: 1\nCSeq: 1 OPTIONS\n\n"), 0);
	assert_int_equal(msg.header_count, 5);
}

static void test_status_line(void **state)
{
	(void)state;
	assert_int_equal(parse_text(&msg, "SIP/2.0 180 Ringing\r\n" HEADERS "\r\n"), 0);
	assert_false(msg.is_request);
	assert_int_equal(msg.status, 180);
	assert_str(msg.reason, "Ringing");
	assert_int_equal(parse_text(&msg, "SIP/2.0 99 Low\r\n" HEADERS "\r\n"), -1);
	assert_int_equal(parse_text(&msg, "SIP/2.0 1000 High\r\n" HEADERS "\r\n"), -1);
	assert_int_equal(parse_text(&msg, "SIP/2.0 2000\r\n" HEADERS "\r\n"), -1);
	assert_int_equal(parse_text(&msg, "SIP/2.0 200\r\n" HEADERS "\r\n"), 0);
	assert_int_equal(msg.reason.len, 0);
}

static void test_rejects(void **state)
{
	static const struct {
		const char *text;
		const char *reason;
	} cases[] = {
		{ "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS, "Incomplete Message" },
		{ "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS "Max-Forwards: 256\r\n\r\n",
		  "Malformed Max-Forwards Header" },
		{ "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS "Bad Header: x\r\n\r\n",
		  "Malformed Header Line" },
		{ "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS "X: a\x01" "b\r\n\r\n",
		  "Control Character In Header" },
		{ "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS "X: a\0b\r\n\r\n", "Control Character In Header" },
		{ "OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/3.0/UDP h\r\n\r\n", "Unsupported Via Protocol" },
		{ "OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h:0\r\n\r\n", "Malformed Via Port" },
		{ "OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h,\r\n\r\n", "Malformed Via Header" },
		{ "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS "Route: <sip:x\r\n\r\n",
		  "Malformed Route Header" },
		{ "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS "Call-ID: again\r\n\r\n",
		  "Multiple Call-ID Headers" },
		{ "OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@h>\r\n"
		  "To: <sip:b@h>\r\nCSeq: 1 OPTIONS\r\n\r\n", "Missing Call-ID Header" },
		{ " OPTIONS sip:b@h SIP/2.0\r\n" HEADERS "\r\n", "Malformed Request Line" },
		{ "OPT(ONS sip:b@h SIP/2.0\r\n" HEADERS "\r\n", "Malformed Method" },
		{ "OPTIONS sip:b@h SIP/2.0\r\n Via: x\r\n\r\n", "Malformed Header Line" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static char buf[512];
		size_t len = strlen(cases[i].text);

		/* the embedded-NUL case: measure past the NUL */
		if (strstr(cases[i].text, "X: a") && cases[i].text[len - 1] == 'a')
			len += 6;
		memcpy(buf, cases[i].text, len);
		assert_int_equal(sip_msg_parse(&msg, buf, len, SIP_FRAMING_DATAGRAM), -1);
		if (strcmp(msg.error_reason, cases[i].reason))
			print_error("case %zu: %s\n", i, msg.error_reason);
		assert_string_equal(msg.error_reason, cases[i].reason);
	}
}

static void test_first_fault_wins_later_headers_read(void **state)
{
	(void)state;
	assert_int_equal(parse_text(&msg, "OPTIONS sip:b@h SIP/2.0\r\n"
				    "Max-Forwards: 999\r\nBad Line\r\n" HEADERS "\r\n"), -1);
	assert_string_equal(msg.error_reason, "Malformed Max-Forwards Header");
	/* what a 400 must copy was read after the fault */
	assert_true(sip_msg_find(&msg, SIP_HDR_VIA, 0) >= 0);
	assert_true(sip_msg_find(&msg, SIP_HDR_CSEQ, 0) >= 0);
	assert_true(sip_msg_find(&msg, SIP_HDR_CALL_ID, 0) >= 0);
}

static void test_limits(void **state)
{
	static char big[SIP_MSG_MAX_SIZE + 200];
	size_t n;

	(void)state;
	/* one header too many */
	n = (size_t)snprintf(big, sizeof(big), "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS);
	for (int i = 0; i < SIP_MSG_MAX_HEADERS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-%d: y\r\n", i);
	n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n");
	assert_int_equal(sip_msg_parse(&msg, big, n, SIP_FRAMING_DATAGRAM), -1);
	assert_string_equal(msg.error_reason, "Too Many Headers");

	/* a line just over the limit, folded to hide it */
	n = (size_t)snprintf(big, sizeof(big), "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS "X: ");
	for (int i = 0; i < SIP_MSG_MAX_LINE / 100 + 1; i++) {
		memset(big + n, 'a', 98);
		n += 98;
		memcpy(big + n, "\r\n ", 3);
		n += 3;
	}
	memcpy(big + n, "z\r\n\r\n", 5);
	n += 5;
	assert_int_equal(sip_msg_parse(&msg, big, n, SIP_FRAMING_DATAGRAM), -1);
	assert_string_equal(msg.error_reason, "Header Line Too Long");

	/* too large as a whole */
	memset(big, 'a', sizeof(big));
	assert_int_equal(sip_msg_parse(&msg, big, SIP_MSG_MAX_SIZE + 1, SIP_FRAMING_DATAGRAM), -1);
	assert_int_equal(msg.error_status, 513);
}

static void test_stream_framing_rules(void **state)
{
	static char buf[512];
	const char *text = "OPTIONS sip:b@h SIP/2.0\r\n" HEADERS "\r\n";

	(void)state;
	memcpy(buf, text, strlen(text));
	assert_int_equal(sip_msg_parse(&msg, buf, strlen(text), SIP_FRAMING_STREAM), -1);
	assert_string_equal(msg.error_reason, "Missing Content-Length Header");
}

void add_parse_tests(void)
{
	add_test("minimal request", test_minimal_request, NULL);
	add_test("compact header names", test_compact_forms, NULL);
	add_test("comma lists split into values", test_lists_split, NULL);
	add_test("contact parameters", test_contact_params, NULL);
	add_test("uri forms", test_uri_forms, NULL);
	add_test("method and header names, unquoting", test_names_and_unquote, NULL);
	add_test("folded lines unfold in place", test_folding_unfolds_in_place, NULL);
	add_test("bare LF line ends", test_bare_lf_line_ends, NULL);
	add_test("status lines", test_status_line, NULL);
	add_test("malformed messages name their fault", test_rejects, NULL);
	add_test("hard limits", test_limits, NULL);
	add_test("the first fault is reported; later headers are still read", test_first_fault_wins_later_headers_read, NULL);
	add_test("stream framing needs Content-Length", test_stream_framing_rules, NULL);
}
