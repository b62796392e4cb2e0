// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "b2bua_config.h"
#include "cdr.h"
#include "sip_write.h"
#include "topo.h"

/* The transports are not linked: nothing is sent in these tests. */
int sipwall_send(struct sipwall_peer *to, const void *data, size_t len)
{
	(void)to, (void)data, (void)len;
	return 0;
}

static struct sip_msg msg;
static char text[8192];

static void parse(const char *s)
{
	size_t len = strlen(s);

	assert_true(len < sizeof(text));
	memcpy(text, s, len);
	assert_int_equal(sip_msg_parse(&msg, text, len, SIP_FRAMING_DATAGRAM), 0);
}

static bool contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static void test_globs(void **state)
{
	struct sipwall_realm_b2bua_config c = { 0 };
	const char *why;

	(void)state;
	assert_int_equal(sipwall_realm_b2bua_set(&c, "strip_headers", "User-Agent Server P-*", &why), 0);
	assert_true(sipwall_header_globs_match(&c.strip_headers, SIP_STR("user-agent")));
	assert_true(sipwall_header_globs_match(&c.strip_headers, SIP_STR("SERVER")));
	assert_true(sipwall_header_globs_match(&c.strip_headers, SIP_STR("P-Asserted-Identity")));
	assert_true(sipwall_header_globs_match(&c.strip_headers, SIP_STR("p-")));
	assert_false(sipwall_header_globs_match(&c.strip_headers, SIP_STR("Subject")));
	assert_false(sipwall_header_globs_match(&c.strip_headers, SIP_STR("P")));
	assert_false(sipwall_header_globs_match(&c.strip_headers, SIP_STR("Server2")));
	/* '*' only at the end of a name; nothing at all is an error too */
	assert_int_equal(sipwall_realm_b2bua_set(&c, "pass_headers", "a*b", &why), -1);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "pass_headers", "X-**", &why), -1);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "pass_headers", " ", &why), -1);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "pass_headers", "X-A, X-B", &why), 0);
	assert_int_equal(c.pass_headers.count, 2);
	/* a refused value keeps what was there */
	assert_true(sipwall_header_globs_match(&c.strip_headers, SIP_STR("Server")));
	sipwall_realm_b2bua_free(&c);
}

static void test_realm_keys(void **state)
{
	struct sipwall_realm_b2bua_config c = { 0 };
	const char *why;

	(void)state;
	assert_true(sipwall_realm_b2bua_key("peer_realm"));
	assert_false(sipwall_realm_b2bua_key("next_hop"));
	assert_int_equal(sipwall_realm_b2bua_set(&c, "peer_realm", "pbx", &why), 0);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "peer_realm", "PBX!", &why), -1);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "advertise", "[2001:db8::1]:5061", &why), 0);
	assert_string_equal(c.advertise_host, "[2001:db8::1]");
	assert_int_equal(c.advertise_port, 5061);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "advertise", "sbc.example.com", &why), 0);
	assert_int_equal(c.advertise_port, 0);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "advertise", "198.51.100.1:70000", &why), -1);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "advertise", "bad host:5060", &why), -1);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "identity_host", "example.com", &why), 0);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "send_identity", "maybe", &why), -1);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "trust_identity", "yes", &why), 0);
	assert_true(c.trust_identity);
	assert_int_equal(sipwall_realm_b2bua_set(&c, "nonsense", "1", &why), -1);
	assert_string_equal(why, "unknown key");
	sipwall_realm_b2bua_free(&c);
}

static void test_calls_keys(void **state)
{
	struct sipwall_calls_config c;
	const char *why;

	(void)state;
	sipwall_calls_config_defaults(&c);
	assert_int_equal(c.max_calls, 10000);
	assert_int_equal(sipwall_calls_config_set(&c, "call_idle_timeout", "0", &why), 0);
	assert_int_equal(c.idle_timeout_s, 0);
	assert_int_equal(sipwall_calls_config_set(&c, "call_idle_timeout", "5", &why), -1);
	assert_int_equal(sipwall_calls_config_set(&c, "call_idle_timeout", "600", &why), 0);
	assert_int_equal(c.idle_timeout_s, 600);
	assert_int_equal(sipwall_calls_config_set(&c, "ring_timeout", "0", &why), -1);
	assert_int_equal(sipwall_calls_config_set(&c, "max_calls", "-1", &why), -1);
	assert_int_equal(sipwall_calls_config_set(&c, "cdr_file", "", &why), -1);
	assert_int_equal(sipwall_calls_config_set(&c, "cdr_file", "/tmp/x", &why), 0);
	assert_int_equal(sipwall_calls_config_set(&c, "cdr", "/tmp/x", &why), -1);
	assert_string_equal(why, "unknown key");
	sipwall_calls_config_free(&c);
}

static const char incoming[] =
	"INVITE sip:100@10.0.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bKa;rport\r\n"
	"Via: SIP/2.0/UDP 192.0.2.8:5060;branch=z9hG4bKb\r\n"
	"Record-Route: <sip:192.0.2.8;lr>\r\n"
	"Route: <sip:10.0.0.1;lr>\r\n"
	"From: \"Alice\" <sip:alice@192.0.2.7>;tag=abc\r\n"
	"To: <sip:100@10.0.0.1>\r\n"
	"Call-ID: secret-call-id@192.0.2.7\r\n"
	"CSeq: 7 INVITE\r\n"
	"Max-Forwards: 70\r\n"
	"Contact: <sip:alice@192.0.2.7:5060>\r\n"
	"User-Agent: phone-1.0\r\n"
	"Server: nope\r\n"
	"P-Asserted-Identity: <sip:boss@192.0.2.7>\r\n"
	"P-Preferred-Identity: <sip:boss@192.0.2.7>\r\n"
	"Subject: hello\r\n"
	"Supported: replaces, 100rel, gruu, timer\r\n"
	"Require: path\r\n"
	"Session-Expires: 1800;refresher=uac\r\n"
	"Min-SE: 90\r\n"
	"X-Keep: 1\r\n"
	"X-Drop: 2\r\n"
	"Allow: INVITE, ACK, BYE\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 4\r\n"
	"\r\n"
	"v=0\n";

static void test_copy_policy(void **state)
{
	struct sipwall_realm_b2bua_config into = { 0 };
	struct sip_buf out;
	const char *why, *s;

	(void)state;
	assert_int_equal(sipwall_realm_b2bua_set(&into, "strip_headers", "Subject Min-*", &why), 0);
	assert_int_equal(sipwall_realm_b2bua_set(&into, "pass_headers", "X-Keep", &why), 0);
	parse(incoming);
	sip_buf_init(&out, 65536);
	sipwall_topo_copy(&out, &msg, &into);
	sip_buf_append(&out, "", 1);
	s = out.data;
	assert_true(contains(s, "Content-Type: application/sdp\r\n"));
	assert_true(contains(s, "Session-Expires: 1800;refresher=uac\r\n"));
	assert_true(contains(s, "Allow: INVITE, ACK, BYE\r\n"));
	assert_true(contains(s, "X-Keep: 1\r\n"));
	/* only the extensions the B2BUA relays; a Require left empty goes */
	assert_true(contains(s, "Supported: 100rel, timer\r\n"));
	assert_false(contains(s, "Require"));
	assert_false(contains(s, "replaces"));
	/* stripped by the realm's policy, though on the built-in list */
	assert_false(contains(s, "Subject"));
	assert_false(contains(s, "Min-SE"));
	/* never: per hop, per leg, software, identity, unknown */
	assert_false(contains(s, "Via"));
	assert_false(contains(s, "Route"));
	assert_false(contains(s, "Contact"));
	assert_false(contains(s, "Call-ID"));
	assert_false(contains(s, "secret"));
	assert_false(contains(s, "User-Agent"));
	assert_false(contains(s, "Server"));
	assert_false(contains(s, "P-Asserted"));
	assert_false(contains(s, "P-Preferred"));
	assert_false(contains(s, "X-Drop"));
	assert_false(contains(s, "192.0.2"));
	sip_buf_uninit(&out);
	sipwall_realm_b2bua_free(&into);
}

static void test_request_from_leg(void **state)
{
	struct sipwall_realm_config rc = { .name = "pbx" };
	struct sipwall_realm realm = { .name = "pbx", .cfg = &rc };
	struct sipwall_leg leg = {
		.realm = &realm, .peer = { .proto = SIPWALL_PROTO_TCP },
		.via_addr = "10.0.0.1:5080", .call_id = "ours1", .local_tag = "lt",
		.remote_tag = "rt", .local_uri = "\"Alice\" <sip:alice@10.0.0.1>",
		.remote_uri = "<sip:100@10.0.0.1>", .remote_target = "sip:100@10.0.0.9:5070",
		.route = "Route: <sip:10.0.0.8;lr>\r\n",
	};
	struct sipwall_topo_req r = {
		.method = "INVITE", .cseq = 42, .max_forwards = 69,
		.extra = "RAck: 1 1 INVITE\r\n", .body = SIP_STR("v=0\n"),
	};
	struct sip_buf out;
	char *copy;

	(void)state;
	parse(incoming);
	r.src = &msg;
	sip_buf_init(&out, 65536);
	assert_int_equal(sipwall_topo_request(&out, &leg, &r), 0);
	copy = strndup(out.data, out.len);
	assert_int_equal(sip_msg_parse(&msg, copy, out.len, SIP_FRAMING_STREAM), 0);
	assert_true(sip_str_eq(msg.request_uri.raw, SIP_STR("sip:100@10.0.0.9:5070")));
	assert_true(sip_str_eq(msg.call_id, SIP_STR("ours1")));
	assert_true(sip_str_eq(msg.from.tag, SIP_STR("lt")));
	assert_true(sip_str_eq(msg.to.tag, SIP_STR("rt")));
	assert_int_equal(msg.cseq.seq, 42);
	assert_int_equal(msg.max_forwards, 69);
	assert_int_equal(msg.via_count, 1);
	assert_true(sip_str_eq(msg.via.host, SIP_STR("10.0.0.1")));
	assert_true(sip_str_eq(msg.via.transport, SIP_STR("TCP")));
	assert_true(msg.via.branch.len > 7);
	assert_true(sip_str_eq(msg.body, SIP_STR("v=0\n")));
	assert_true(contains(copy, "Contact: <sip:10.0.0.1:5080;transport=tcp>\r\n"));
	assert_true(contains(copy, "Route: <sip:10.0.0.8;lr>\r\n"));
	assert_true(contains(copy, "RAck: 1 1 INVITE\r\n"));
	assert_false(contains(copy, "192.0.2"));
	assert_false(contains(copy, "secret"));
	free(copy);
	sip_buf_uninit(&out);
}

static void endpoint(struct sipwall_endpoint *ep, enum sipwall_proto proto, const char *addr,
		     uint16_t port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&ep->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ep->addr;

	memset(ep, 0, sizeof(*ep));
	ep->proto = proto;
	if (strchr(addr, ':')) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
	} else {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &in->sin_addr), 1);
	}
}

static void test_leg_addr(void **state)
{
	struct sipwall_realm_config rc = { .name = "pbx", .listen_count = 3 };
	struct sipwall_realm realm = { .name = "pbx", .cfg = &rc };
	struct sipwall_leg leg = { .realm = &realm, .peer = { .proto = SIPWALL_PROTO_TCP } };
	const char *why;
	char *host;

	(void)state;
	endpoint(&rc.listen[0], SIPWALL_PROTO_UDP, "10.0.0.1", 5080);
	endpoint(&rc.listen[1], SIPWALL_PROTO_TCP, "2001:db8::1", 5081);
	endpoint(&rc.listen[2], SIPWALL_PROTO_TCP, "10.0.0.1", 5082);
	/* the listener of the transport, of the peer's family */
	leg.peer.addr.ss_family = AF_INET;
	sipwall_topo_leg_addr(&leg);
	assert_string_equal(leg.via_addr, "10.0.0.1:5082");
	leg.peer.addr.ss_family = AF_INET6;
	sipwall_topo_leg_addr(&leg);
	assert_string_equal(leg.via_addr, "[2001:db8::1]:5081");
	host = sipwall_topo_identity_host(&leg);
	assert_string_equal(host, "[2001:db8::1]");
	free(host);
	/* advertise replaces the host, and the port if it has one */
	assert_int_equal(sipwall_realm_b2bua_set(&rc.b2bua, "advertise", "198.51.100.7", &why), 0);
	leg.peer.proto = SIPWALL_PROTO_UDP;
	leg.peer.addr.ss_family = AF_INET;
	sipwall_topo_leg_addr(&leg);
	assert_string_equal(leg.via_addr, "198.51.100.7:5080");
	assert_int_equal(sipwall_realm_b2bua_set(&rc.b2bua, "advertise", "sbc.example.com:5099", &why), 0);
	sipwall_topo_leg_addr(&leg);
	assert_string_equal(leg.via_addr, "sbc.example.com:5099");
	assert_int_equal(sipwall_realm_b2bua_set(&rc.b2bua, "identity_host", "example.com", &why), 0);
	host = sipwall_topo_identity_host(&leg);
	assert_string_equal(host, "example.com");
	free(host);
	sipwall_realm_b2bua_free(&rc.b2bua);
}

static void test_cdr_line(void **state)
{
	struct sipwall_cdr rec = {
		.start_ms = 1795777743123ULL, .answer_ms = 1795777745000ULL,
		.end_ms = 1795777757600ULL, .from_realm = "public", .to_realm = "pbx",
		.caller = "al\"ice\\@x", .callee = "100@pbx\n", .status = 200,
		.reason = "bye", .ended_by = "public",
	};
	char line[1024];
	size_t len;

	(void)state;
	len = sipwall_cdr_format(&rec, line, sizeof(line));
	assert_true(len < sizeof(line));
	assert_string_equal(line,
		"{\"start\":\"2026-11-27T11:09:03.123Z\",\"answer\":\"2026-11-27T11:09:05.000Z\","
		"\"end\":\"2026-11-27T11:09:17.600Z\",\"from_realm\":\"public\",\"to_realm\":\"pbx\","
		"\"caller\":\"al\\\"ice\\\\@x\",\"callee\":\"100@pbx\\u000a\",\"duration\":13,"
		"\"status\":200,\"reason\":\"bye\",\"ended_by\":\"public\"}\n");
	rec.answer_ms = 0;
	rec.status = 487;
	rec.reason = "cancel";
	len = sipwall_cdr_format(&rec, line, sizeof(line));
	assert_true(contains(line, "\"answer\":null,"));
	assert_true(contains(line, "\"duration\":0,\"status\":487,"));
	/* too small: the length needed, nothing half-written is used */
	assert_true(sipwall_cdr_format(&rec, line, 16) == len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_globs),
		cmocka_unit_test(test_realm_keys),
		cmocka_unit_test(test_calls_keys),
		cmocka_unit_test(test_copy_policy),
		cmocka_unit_test(test_request_from_leg),
		cmocka_unit_test(test_leg_addr),
		cmocka_unit_test(test_cdr_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
