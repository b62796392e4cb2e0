// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 4475: every valid message parses, every invalid one is refused with
 * the status and reason phrase listed here; some valid ones are checked
 * field by field.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "torture.h"

struct expectation {
	const char *name;
	unsigned int status;
	const char *reason;
};

static const struct expectation refusals[] = {
	{ "badinv01", 400, "Malformed Via Parameters" },
	{ "clerr", 400, "Content-Length Exceeds Message" },
	{ "ncl", 400, "Malformed Content-Length Header" },
	{ "scalar02", 400, "Malformed CSeq Number" },
	{ "scalarlg", 400, "Malformed CSeq Number" },
	{ "quotbal", 400, "Malformed To Header" },
	{ "ltgtruri", 400, "Malformed URI Scheme" },
	{ "lwsruri", 400, "Malformed Request Line" },
	{ "lwsstart", 400, "Malformed Request Line" },
	{ "trws", 400, "Malformed Request Line" },
	{ "escruri", 400, "Headers In Request-URI" },
	{ "regbadct", 400, "Name-addr Needs Angle Brackets" },
	{ "badaspec", 400, "Malformed To Header" },
	{ "baddn", 400, "Malformed From Header" },
	{ "badvers", 505, "Version Not Supported" },
	{ "mismatch01", 400, "CSeq Method Mismatch" },
	{ "mismatch02", 400, "CSeq Method Mismatch" },
	{ "bigcode", 400, "Malformed Status Code" },
	{ "insuf", 400, "Missing From Header" },
	{ "multi01", 400, "Multiple CSeq Headers" },
};

struct torture_case {
	char path[1024];
	char name[64];
	char test_name[96];
};

static char *load(const struct torture_case *tc, size_t *len)
{
	char *text = torture_load(tc->path, len);

	assert_non_null(text);
	return text;
}

static void test_valid(void **state)
{
	const struct torture_case *tc = *state;
	static struct sip_msg msg;
	size_t len;
	char *text = load(tc, &len);
	int rc = sip_msg_parse(&msg, text, len, SIP_FRAMING_DATAGRAM);

	if (rc)
		print_error("%s: %u %s\n", tc->name, msg.error_status, msg.error_reason);
	assert_int_equal(rc, 0);
	free(text);
}

static void test_invalid(void **state)
{
	const struct torture_case *tc = *state;
	static struct sip_msg msg;
	const struct expectation *want = NULL;
	size_t len;
	char *text = load(tc, &len);

	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (!strcmp(refusals[i].name, tc->name))
			want = &refusals[i];
	assert_non_null(want);
	assert_int_equal(sip_msg_parse(&msg, text, len, SIP_FRAMING_DATAGRAM), -1);
	if (strcmp(msg.error_reason, want->reason))
		print_error("%s: got \"%s\"\n", tc->name, msg.error_reason);
	assert_int_equal(msg.error_status, want->status);
	assert_string_equal(msg.error_reason, want->reason);
	free(text);
}

static struct sip_msg *parse_file(const char *dir, const char *name, char **text)
{
	static struct sip_msg msg;
	char path[512];
	size_t len;

	snprintf(path, sizeof(path), "%s/valid/%s.sip", dir, name);
	*text = torture_load(path, &len);
	assert_non_null(*text);
	assert_int_equal(sip_msg_parse(&msg, *text, len, SIP_FRAMING_DATAGRAM), 0);
	return &msg;
}

static void test_wsinv_fields(void **state)
{
	char *text;
	struct sip_msg *m = parse_file(*state, "wsinv", &text);
	int contact;
	struct sip_contact c;

	assert_int_equal(m->method, SIP_METHOD_INVITE);
	assert_str(m->request_uri.user, "vivekg");
	assert_str(m->request_uri.params, ";unknownparam");
	assert_str(m->to.tag, "1918181833n");
	assert_str(m->from.tag, "98asjd8");
	assert_str(m->from.display, "J Rosenberg \\\\\\\"");
	assert_int_equal(m->max_forwards, 68);
	assert_int_equal(m->cseq.seq, 9);
	assert_str(m->cseq.method, "INVITE");
	assert_int_equal(m->via_count, 3);
	assert_str(m->via.transport, "UDP");
	assert_str(m->via.host, "192.0.2.2");
	assert_str(m->via.branch, "390skdjuw");
	assert_int_equal(m->content_length, 150);
	assert_int_equal(m->body.len, 150);
	assert_str(m->content_type.subtype, "sdp");
	contact = sip_msg_find(m, SIP_HDR_CONTACT, 0);
	assert_true(contact >= 0);
	assert_null(sip_contact_parse(m->headers[contact].value, &c));
	assert_str(c.addr.display, "Quoted string \\\"\\\"");
	assert_str(c.addr.uri.host, "example.com");
	free(text);
}

static void test_longreq_fields(void **state)
{
	char *text;
	struct sip_msg *m = parse_file(*state, "longreq", &text);

	assert_int_equal(m->via_count, 34);
	assert_str(m->via.host, "sip33.example.com");
	assert_int_equal(m->to.uri.port, 6000);
	assert_int_equal(m->from.tag.len, 2 + 150 + 3);
	free(text);
}

static void test_dblreq_first_only(void **state)
{
	char *text;
	struct sip_msg *m = parse_file(*state, "dblreq", &text);

	assert_int_equal(m->method, SIP_METHOD_REGISTER);
	assert_int_equal(m->body.len, 0);
	/* the INVITE after Content-Length is not part of this datagram's message */
	assert_null(memmem(m->raw.p, m->raw.len, "INVITE", 6));
	free(text);
}

static void test_esc02_fields(void **state)
{
	char *text;
	struct sip_msg *m = parse_file(*state, "esc02", &text);

	assert_int_equal(m->method, SIP_METHOD_OTHER);
	assert_str(m->method_name, "RE%47IST%45R");
	assert_true(m->via.has_rport);
	assert_int_equal(m->via.rport, 0);
	/* "C%6Fntact" is an unknown header, not a Contact */
	assert_int_equal(sip_msg_find(m, SIP_HDR_CONTACT, 0), 6);
	assert_int_equal(sip_msg_find(m, SIP_HDR_CONTACT, 7), 8);
	free(text);
}

static void test_ipv6_fields(void **state)
{
	char *text;
	struct sip_msg *m = parse_file(*state, "ipv6", &text);
	struct sip_contact c;

	assert_true(m->request_uri.host_is_ipv6);
	assert_str(m->request_uri.host, "[2001:db8::10]");
	assert_str(m->via.host, "[2001:db8::9:1]");
	assert_int_equal(m->via.port, 5070);
	assert_str(m->via.received, "2001:db8::9:255");
	assert_int_equal(m->via.rport, 5070);
	assert_null(sip_contact_parse(m->headers[sip_msg_find(m, SIP_HDR_CONTACT, 0)].value, &c));
	assert_str(c.addr.uri.transport, "tcp");
	assert_int_equal(c.addr.uri.port, 5060);
	free(text);
}

static void add_dir(const char *dir, const char *kind, CMUnitTestFunction fn)
{
	char path[512];
	struct dirent **names;
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, kind);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		const char *dot = strrchr(names[i]->d_name, '.');
		struct torture_case *tc;

		if (dot && !strcmp(dot, ".sip")) {
			tc = calloc(1, sizeof(*tc));
			snprintf(tc->path, sizeof(tc->path), "%s/%s", path, names[i]->d_name);
			snprintf(tc->name, sizeof(tc->name), "%.*s",
				 (int)(dot - names[i]->d_name), names[i]->d_name);
			snprintf(tc->test_name, sizeof(tc->test_name), "rfc4475 %s %s",
				 kind, tc->name);
			add_test(tc->test_name, fn, tc);
		}
		free(names[i]);
	}
	free(names);
}

void add_torture_tests(const char *dir)
{
	add_dir(dir, "valid", test_valid);
	add_dir(dir, "invalid", test_invalid);
	add_test("rfc4475 wsinv fields", test_wsinv_fields, (void *)dir);
	add_test("rfc4475 longreq fields", test_longreq_fields, (void *)dir);
	add_test("rfc4475 dblreq keeps the first request", test_dblreq_first_only, (void *)dir);
	add_test("rfc4475 esc02 fields", test_esc02_fields, (void *)dir);
	add_test("ipv6 references", test_ipv6_fields, (void *)dir);
}
