// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 7616 §3.9.1: user Mufasa, password "Circle of Life", realm
 * http-auth@example.org, GET /dir/index.html, qop=auth, nc=00000001.
 */
#include <string.h>

#include "digest.h"
#include "tests.h"

#define RFC_NONCE "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define RFC_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

static void rfc_response(enum sipwall_digest_alg alg, const struct sipwall_credential *cred,
			 char *hex)
{
	uint8_t out[SIPWALL_DIGEST_MAX];

	assert_int_equal(sipwall_digest_response(alg, cred->ha1[alg], S(RFC_NONCE), S("00000001"),
						 S(RFC_CNONCE), S("auth"), S("GET"),
						 S("/dir/index.html"), out), 0);
	sipwall_digest_hex(out, sipwall_digest_len(alg), hex);
}

static void rfc7616_from_password(void **state)
{
	struct sipwall_credential cred;
	char hex[SIPWALL_DIGEST_HEX_MAX];

	(void)state;
	assert_int_equal(sipwall_credential_from_password(&cred, S("Mufasa"),
							  S("http-auth@example.org"),
							  S("Circle of Life")), 0);
	assert_true(cred.has[SIPWALL_DIGEST_MD5] && cred.has[SIPWALL_DIGEST_SHA256]);
	rfc_response(SIPWALL_DIGEST_MD5, &cred, hex);
	assert_string_equal(hex, "8ca523f5e9506fed4657c9700eebdbec");
	rfc_response(SIPWALL_DIGEST_SHA256, &cred, hex);
	assert_string_equal(hex, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
	sipwall_credential_wipe(&cred);
	assert_false(cred.has[SIPWALL_DIGEST_MD5]);
}

static void rfc7616_from_ha1(void **state)
{
	struct sipwall_credential pw, stored;
	char ha1[SIPWALL_DIGEST_HEX_MAX], hex[SIPWALL_DIGEST_HEX_MAX];

	(void)state;
	sipwall_credential_from_password(&pw, S("Mufasa"), S("http-auth@example.org"),
					 S("Circle of Life"));
	for (int a = 0; a < SIPWALL_DIGEST_ALG_COUNT; a++) {
		enum sipwall_digest_alg alg = (enum sipwall_digest_alg)a;

		sipwall_digest_hex(pw.ha1[alg], sipwall_digest_len(alg), ha1);
		/* operators may store upper-case hex */
		for (char *p = ha1; *p; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 'a' + 'A');
		assert_int_equal(sipwall_credential_from_hex(&stored, alg, S(ha1)), 0);
		assert_true(stored.has[alg]);
		assert_false(stored.has[1 - alg]);
		rfc_response(alg, &stored, hex);
		assert_string_equal(hex, alg == SIPWALL_DIGEST_MD5 ?
				    "8ca523f5e9506fed4657c9700eebdbec" :
				    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
	}
}

static void ha1_hex_refused(void **state)
{
	struct sipwall_credential c;

	(void)state;
	assert_int_equal(sipwall_credential_from_hex(&c, SIPWALL_DIGEST_MD5, S("abc")), -1);
	assert_int_equal(sipwall_credential_from_hex(&c, SIPWALL_DIGEST_MD5,
						     S("zz0123456789abcdef0123456789abcd")), -1);
	/* an MD5-length HA1 is not a SHA-256 one */
	assert_int_equal(sipwall_credential_from_hex(&c, SIPWALL_DIGEST_SHA256,
						     S("0123456789abcdef0123456789abcdef")), -1);
	assert_false(c.has[SIPWALL_DIGEST_SHA256]);
}

static void alg_names(void **state)
{
	enum sipwall_digest_alg alg;

	(void)state;
	assert_int_equal(sipwall_digest_alg_parse(S("sha-256"), &alg), 0);
	assert_int_equal(alg, SIPWALL_DIGEST_SHA256);
	assert_int_equal(sipwall_digest_alg_parse(S("MD5"), &alg), 0);
	assert_int_equal(alg, SIPWALL_DIGEST_MD5);
	assert_int_equal(sipwall_digest_alg_parse(S("MD5-sess"), &alg), -1);
	assert_int_equal(sipwall_digest_alg_parse(S("SHA-512-256"), &alg), -1);
}

void add_digest_tests(void)
{
	add_test("digest: RFC 7616 3.9.1 MD5 and SHA-256 from the password", rfc7616_from_password);
	add_test("digest: RFC 7616 3.9.1 from stored HA1s", rfc7616_from_ha1);
	add_test("digest: bad stored HA1s refused", ha1_hex_refused);
	add_test("digest: algorithm names", alg_names);
}
