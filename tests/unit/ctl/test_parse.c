// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"
#include "tests.h"

/* Parses s, expecting failure with exactly the one error line want. */
static void endpoint_fails(const char *s, const char *want)
{
	struct endpoint ep;
	char *err;
	int ret;

	capture_begin();
	ret = parse_endpoint(s, &ep);
	err = capture_end();
	assert_int_equal(ret, -1);
	assert_string_equal(err, want);
	free(err);
}

void test_endpoint_v4(void **state)
{
	struct endpoint ep;

	(void)state;
	assert_int_equal(parse_endpoint("10.0.0.1:30000", &ep), 0);
	assert_int_equal(ep.family, AF_INET);
	assert_int_equal(ep.port, 30000);
	assert_int_equal(ep.addr.v4.s_addr, htonl(0x0a000001));
	assert_int_equal(parse_endpoint("255.255.255.255:65535", &ep), 0);
	assert_int_equal(ep.port, 65535);
	assert_int_equal(parse_endpoint("0.0.0.0:1", &ep), 0);
	assert_int_equal(ep.port, 1);
}

void test_endpoint_v6(void **state)
{
	static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct endpoint ep;

	(void)state;
	assert_int_equal(parse_endpoint("[::1]:4000", &ep), 0);
	assert_int_equal(ep.family, AF_INET6);
	assert_int_equal(ep.port, 4000);
	assert_true(IN6_IS_ADDR_LOOPBACK(&ep.addr.v6));
	assert_int_equal(parse_endpoint("[2001:db8::1]:65535", &ep), 0);
	assert_memory_equal(&ep.addr.v6, want, 16);
	assert_int_equal(parse_endpoint("[::ffff:192.0.2.1]:5", &ep), 0);
	assert_int_equal(ep.family, AF_INET6);
}

void test_endpoint_bad(void **state)
{
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "1.2.3:5", "not an IPv4 address" },
		{ "256.1.1.1:5", "not an IPv4 address" },
		{ "host.example:5", "not an IPv4 address" },
		{ ":5", "not an IPv4 address" },
		{ "01.2.3.4:5", "not an IPv4 address" },
		{ "1.2.3.4", "missing port (expected ADDR:PORT)" },
		{ "", "missing port (expected ADDR:PORT)" },
		{ "1.2.3.4:", "port must be 1-65535" },
		{ "1.2.3.4:0", "port must be 1-65535" },
		{ "1.2.3.4:65536", "port must be 1-65535" },
		{ "1.2.3.4:99999999999999999999", "port must be 1-65535" },
		{ "1.2.3.4:-1", "port must be 1-65535" },
		{ "1.2.3.4:+5", "port must be 1-65535" },
		{ "1.2.3.4: 5", "port must be 1-65535" },
		{ "1.2.3.4:5x", "port must be 1-65535" },
		{ "1.2.3.4:0x10", "port must be 1-65535" },
		{ "::1:4000", "an IPv6 address needs brackets, e.g. [::1]:4000" },
		{ "[::1:4000", "missing ']'" },
		{ "[::1]", "missing port (expected [ADDR]:PORT)" },
		{ "[::1]4000", "missing port (expected [ADDR]:PORT)" },
		{ "[::1]:0", "port must be 1-65535" },
		{ "[::1]:65536", "port must be 1-65535" },
		{ "[1.2.3.4]:5", "not an IPv6 address" },
		{ "[]:5", "not an IPv6 address" },
		{ "[::g]:5", "not an IPv6 address" },
		{ "[fe80::1%eth0]:5", "zone indexes are not supported" },
		{ "[0000:0000:0000:0000:0000:0000:0000:0000:0000]:5", "not an IPv6 address" },
	};
	char want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "sipwallctl: bad address '%s': %s\n",
			 bad[i].in, bad[i].why);
		endpoint_fails(bad[i].in, want);
	}
}

void test_endpoint_format(void **state)
{
	static const char *const forms[] = {
		"10.0.0.1:30000", "[::1]:4000", "[2001:db8::1]:65535",
		"[::ffff:192.0.2.1]:5",
	};
	char buf[ENDPOINT_STRLEN];
	struct endpoint ep;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(parse_endpoint(forms[i], &ep), 0);
		endpoint_format(&ep, buf);
		assert_string_equal(buf, forms[i]);
	}
	/* The longest form fits. */
	assert_int_equal(parse_endpoint("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535", &ep), 0);
	endpoint_format(&ep, buf);
	assert_string_equal(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	/* Compressed on the way out, whatever the way in. */
	assert_int_equal(parse_endpoint("[2001:0db8:0000:0000:0000:0000:0000:0001]:7", &ep), 0);
	endpoint_format(&ep, buf);
	assert_string_equal(buf, "[2001:db8::1]:7");
}

void test_numbers(void **state)
{
	static const char *const bad[] = {
		"-1", "+1", " 1", "1 ", "0x10", "", "1e3", "18446744073709551616", "1.0",
	};
	uint64_t v;
	char *err;
	size_t i;

	(void)state;
	assert_int_equal(parse_u64("session", "0", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("session", "18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("dscp", "63", 0, 63, &v), 0);
	assert_int_equal(v, 63);
	assert_int_equal(parse_u64("dscp", "007", 0, 63, &v), 0);
	assert_int_equal(v, 7);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		capture_begin();
		assert_int_equal(parse_u64("session", bad[i], 0, UINT64_MAX, &v), -1);
		free(capture_end());
	}
	capture_begin();
	assert_int_equal(parse_u64("dscp", "64", 0, 63, &v), -1);
	err = capture_end();
	assert_string_equal(err, "sipwallctl: bad dscp '64': must be 0-63\n");
	free(err);
	capture_begin();
	assert_int_equal(parse_u64("timeout", "x", 0, 86400, &v), -1);
	err = capture_end();
	assert_string_equal(err, "sipwallctl: bad timeout 'x': not a number\n");
	free(err);
}

void test_port_range(void **state)
{
	static const char *const bad[] = {
		"5-4", "0-5", "5-0", "1-65536", "30000", "a-b", "1--2", "-1-2", "",
		"1-2-3", "65536-65536", " 1-2", "123456-1",
	};
	uint16_t lo = 1, hi = 1;
	size_t i;

	(void)state;
	assert_int_equal(parse_port_range("30000-30999", &lo, &hi), 0);
	assert_int_equal(lo, 30000);
	assert_int_equal(hi, 30999);
	assert_int_equal(parse_port_range("1-65535", &lo, &hi), 0);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, 65535);
	assert_int_equal(parse_port_range("7-7", &lo, &hi), 0);
	assert_int_equal(lo, 7);
	assert_int_equal(hi, 7);
	assert_int_equal(parse_port_range("off", &lo, &hi), 0);
	assert_int_equal(lo + hi, 0);
	lo = hi = 1;
	assert_int_equal(parse_port_range("0-0", &lo, &hi), 0);
	assert_int_equal(lo + hi, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		capture_begin();
		assert_int_equal(parse_port_range(bad[i], &lo, &hi), -1);
		free(capture_end());
	}
}

static const struct {
	const char *name;
	uint32_t id;
	size_t key_len, salt_len;
} suites[] = {
	{ "AES_CM_128_HMAC_SHA1_80", SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80, 16, 14 },
	{ "AES_CM_128_HMAC_SHA1_32", SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_32, 16, 14 },
	{ "AES_256_CM_HMAC_SHA1_80", SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_80, 32, 14 },
	{ "AES_256_CM_HMAC_SHA1_32", SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_32, 32, 14 },
	{ "AEAD_AES_128_GCM", SIPWALL_SRTP_AEAD_AES_128_GCM, 16, 12 },
	{ "AEAD_AES_256_GCM", SIPWALL_SRTP_AEAD_AES_256_GCM, 32, 12 },
};

#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

/* base64 of the bytes 1, 2, ... N, by key||salt length. */
static const char *key_b64(size_t n)
{
	switch (n) {
	case 30:
		return "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e";
	case 46:
		return "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLg==";
	case 28:
		return "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA==";
	case 44:
		return "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKyw=";
	}
	return NULL;
}

void test_suites(void **state)
{
	uint32_t id;
	size_t i;

	(void)state;
	for (i = 0; i < N_SUITES; i++) {
		assert_int_equal(parse_suite(suites[i].name, &id), 0);
		assert_int_equal(id, suites[i].id);
		assert_string_equal(suite_name(id), suites[i].name);
	}
	assert_int_equal(parse_suite("aes_cm_128_hmac_sha1_80", &id), 0);
	assert_int_equal(id, SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80);
	capture_begin();
	assert_int_equal(parse_suite("AES_CM_128_HMAC_SHA1_81", &id), -1);
	assert_int_equal(parse_suite("", &id), -1);
	assert_int_equal(parse_suite("F8_128_HMAC_SHA1_80", &id), -1);
	free(capture_end());
	assert_null(suite_name(SIPWALL_SRTP_NONE));
	assert_null(suite_name(__SIPWALL_SRTP_SUITE_MAX));
}

static void check_key(const struct srtp_params *p, size_t key_len, size_t salt_len)
{
	size_t i;

	assert_int_equal(p->key_len, key_len);
	assert_int_equal(p->salt_len, salt_len);
	for (i = 0; i < key_len; i++)
		assert_int_equal(p->key[i], i + 1);
	for (i = 0; i < salt_len; i++)
		assert_int_equal(p->salt[i], key_len + i + 1);
}

void test_key_good(void **state)
{
	struct srtp_params p;
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < N_SUITES; i++) {
		memset(&p, 0, sizeof(p));
		p.suite = suites[i].id;
		assert_int_equal(parse_srtp_key(key_b64(suites[i].key_len + suites[i].salt_len), &p), 0);
		check_key(&p, suites[i].key_len, suites[i].salt_len);
	}
	/* As it appears in SDP: a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:... */
	snprintf(buf, sizeof(buf), "inline:%s", key_b64(30));
	memset(&p, 0, sizeof(p));
	p.suite = SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80;
	assert_int_equal(parse_srtp_key(buf, &p), 0);
	check_key(&p, 16, 14);
}

/* Some peers send keys without the '=' padding: the same bytes. */
void test_key_unpadded(void **state)
{
	static const uint32_t ids[] = {
		SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_80, SIPWALL_SRTP_AEAD_AES_128_GCM,
		SIPWALL_SRTP_AEAD_AES_256_GCM,
	};
	static const size_t lens[][2] = { { 32, 14 }, { 16, 12 }, { 32, 12 } };
	struct srtp_params p;
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "%s", key_b64(lens[i][0] + lens[i][1]));
		*strchr(buf, '=') = '\0';
		memset(&p, 0, sizeof(p));
		p.suite = ids[i];
		assert_int_equal(parse_srtp_key(buf, &p), 0);
		check_key(&p, lens[i][0], lens[i][1]);
	}
}

static void key_fails(uint32_t suite, const char *key, const char *want)
{
	struct srtp_params p = { .suite = suite };
	char *err;

	capture_begin();
	assert_int_equal(parse_srtp_key(key, &p), -1);
	err = capture_end();
	if (want)
		assert_string_equal(err, want);
	/* One line, and never the key. */
	assert_true(strlen(err) > 0);
	assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
	if (strlen(key) > 4)
		assert_null(strstr(err, key));
	free(err);
}

void test_key_bad(void **state)
{
	const uint32_t cm128 = SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80;
	const uint32_t gcm128 = SIPWALL_SRTP_AEAD_AES_128_GCM;
	const uint32_t gcm256 = SIPWALL_SRTP_AEAD_AES_256_GCM;
	char buf[128];

	(void)state;
	/* A right key for another suite. */
	key_fails(cm128, key_b64(46),
		  "sipwallctl: bad SRTP key: AES_CM_128_HMAC_SHA1_80 needs 30 bytes "
		  "(key 16 + salt 14) of base64\n");
	key_fails(SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_32, key_b64(30),
		  "sipwallctl: bad SRTP key: AES_256_CM_HMAC_SHA1_32 needs 46 bytes "
		  "(key 32 + salt 14) of base64\n");
	key_fails(gcm128, key_b64(30), NULL);
	key_fails(gcm256, key_b64(46), NULL);
	/* 29 and 31 bytes: one short, one long. */
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0=", NULL);
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==", NULL);
	key_fails(cm128, "", NULL);
	/* Characters outside the alphabet, including URL-safe base64 and spaces. */
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRob*B0e",
		  "sipwallctl: bad SRTP key: character 37 is not base64\n");
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRob-B0e", NULL);
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRob_B0e", NULL);
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRob B0e", NULL);
	key_fails(cm128, " AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e", NULL);
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e\n", NULL);
	/* Padding: in the middle, too much, too little, where none belongs. */
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4P=BESExQVFhcYGRobHB0e", NULL);
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e====", NULL);
	key_fails(gcm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA=", NULL);
	key_fails(gcm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA===", NULL);
	key_fails(gcm256, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKyw==", NULL);
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e=", NULL);
	/* A lone trailing character cannot be base64 of anything. */
	key_fails(cm128, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eA", NULL);
	/* RFC 4568 lifetime and MKI: not supported. */
	snprintf(buf, sizeof(buf), "inline:%s|2^20|1:4", key_b64(30));
	key_fails(cm128, buf, "sipwallctl: bad SRTP key: lifetime and MKI "
		  "parameters are not supported\n");
	/* Long input does not overflow anything. */
	memset(buf, 'A', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	key_fails(SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_80, buf, NULL);
}
