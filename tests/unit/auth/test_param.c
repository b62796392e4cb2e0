// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "auth_param.h"
#include "tests.h"

static struct sipwall_digest_creds creds;

static int parse(const char *text)
{
	const char *why = NULL;
	int rc = sipwall_auth_params_parse(S(text), &creds, &why);

	if (rc)
		assert_non_null(why);
	return rc;
}

#define assert_field(field, literal) \
	assert_true(sip_str_eq(creds.field, S(literal)))

static void rfc7616_header(void **state)
{
	(void)state;
	assert_int_equal(parse("Digest username=\"Mufasa\",\r\n"
			       "    realm=\"http-auth@example.org\",\t uri=\"/dir/index.html\",\n"
			       "    algorithm=SHA-256,\n"
			       "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\n"
			       "    nc=00000001,\n"
			       "    cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\n"
			       "    qop=auth,\n"
			       "    response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\n"
			       "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""), -1);
	/* the SIP parser unfolds lines: what we get has no CR LF */
	assert_int_equal(parse("Digest username=\"Mufasa\", realm=\"http-auth@example.org\","
			       " uri=\"/dir/index.html\", algorithm=SHA-256,"
			       " nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001,"
			       " cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth,"
			       " response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\","
			       " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""), 0);
	assert_field(username, "Mufasa");
	assert_field(realm, "http-auth@example.org");
	assert_field(uri, "/dir/index.html");
	assert_field(algorithm, "SHA-256");
	assert_field(nc, "00000001");
	assert_field(qop, "auth");
	assert_field(opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
	assert_field(response, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

static void escapes_and_spacing(void **state)
{
	(void)state;
	assert_int_equal(parse("  digest   username = \"a\\\"b\\\\c\" ,realm=\"r\",x-unknown=tok,"
			       "y=\"q\\,\""), 0);
	assert_field(username, "a\"b\\c");
	assert_field(realm, "r");
	/* a comma inside quotes is not a separator */
	assert_int_equal(parse("Digest username=\"a,b\", realm=\"r\""), 0);
	assert_field(username, "a,b");
	/* an empty quoted string is a value */
	assert_int_equal(parse("Digest username=\"\", realm=\"r\""), 0);
	assert_true(sip_str_is_set(creds.username) && creds.username.len == 0);
	/* unknown parameters may repeat: they are ignored */
	assert_int_equal(parse("Digest foo=1, foo=2, realm=r"), 0);
}

static void malformed(void **state)
{
	static const char *const bad[] = {
		"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
		"Digest",
		"Digest ",
		"Digestusername=\"a\"",
		"Digest username=\"a\", username=\"b\"",
		"Digest realm=\"a\", REALM=\"b\"",
		"Digest username=\"unterminated",
		"Digest username=\"bad\\",
		"Digest username=\"a\" realm=\"b\"",
		"Digest username=\"a\",, realm=\"b\"",
		"Digest username=\"a\",",
		"Digest username=",
		"Digest =\"a\"",
		"Digest username",
		"Digest username=\"a\x01\"",
		"Digest username=\"a\\\x80\"",
		"Digest username=\"a\nb\"",
		"Digest username=a b",
		"Digest username=(a)",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i]) != -1)
			fail_msg("accepted: %s", bad[i]);
	}
}

static void nul_and_limits(void **state)
{
	static char big[SIPWALL_AUTH_MAX_VALUE + 64];
	const char *why;
	char with_nul[] = "Digest username=\"a\0b\", realm=\"r\"";
	size_t n;

	(void)state;
	assert_int_equal(sipwall_auth_params_parse(sip_str_make(with_nul, sizeof(with_nul) - 1),
						   &creds, &why), -1);
	/* a user name beyond the limit */
	n = (size_t)snprintf(big, sizeof(big), "Digest username=\"");
	memset(big + n, 'u', SIPWALL_AUTH_MAX_USERNAME + 1);
	strcpy(big + n + SIPWALL_AUTH_MAX_USERNAME + 1, "\"");
	assert_int_equal(parse(big), -1);
	/* a value beyond the whole limit */
	memset(big + n, 'u', sizeof(big) - n - 2);
	big[sizeof(big) - 2] = '"';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(big), -1);
	/* too many parameters */
	n = (size_t)snprintf(big, sizeof(big), "Digest a=1");
	for (int i = 0; i < SIPWALL_AUTH_MAX_PARAMS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, ",a=1");
	assert_int_equal(parse(big), -1);
}

void add_param_tests(void)
{
	add_test("params: RFC 7616 example header", rfc7616_header);
	add_test("params: escapes, spacing, unknown parameters", escapes_and_spacing);
	add_test("params: malformed values refused", malformed);
	add_test("params: NUL and size limits", nul_and_limits);
}
