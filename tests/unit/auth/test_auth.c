// SPDX-License-Identifier: GPL-2.0
/*
 * The whole check: a challenge, a client's answer computed here from the
 * password, and every way the answer can be wrong.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "tests.h"

#define REALM "sip.example.com"
#define URI "sip:bob@sip.example.com"
#define T0 1000000ULL
#define LIFETIME_S 30

static struct sipwall_auth auth;
static struct sockaddr_in client = { .sin_family = AF_INET, .sin_port = 5060 };
static struct sipwall_auth_pending pending;
static struct sipwall_credential alice;

static int setup(bool md5, bool sha256, size_t nc_capacity)
{
	bool offer[SIPWALL_DIGEST_ALG_COUNT] = { [SIPWALL_DIGEST_MD5] = md5,
						 [SIPWALL_DIGEST_SHA256] = sha256 };

	inet_pton(AF_INET, "192.0.2.10", &client.sin_addr);
	sipwall_credential_from_password(&alice, S("alice"), S(REALM), S("secret"));
	return sipwall_auth_init(&auth, REALM, offer, LIFETIME_S, nc_capacity, T0);
}

/* The nonce of the first challenge value. */
static void challenge_nonce(uint64_t now, char *nonce)
{
	struct sipwall_challenge ch;
	const char *p;

	assert_int_equal(sipwall_auth_challenge(&auth, (struct sockaddr *)&client, now, false, &ch), 0);
	p = strstr(ch.value[0], "nonce=\"");
	assert_non_null(p);
	memcpy(nonce, p + 7, SIPWALL_NONCE_LEN);
	nonce[SIPWALL_NONCE_LEN] = '\0';
}

/* Builds what a phone would send for password pw. */
static void answer(char *out, size_t size, const char *alg, const char *user, const char *pw,
		   const char *nonce, const char *nc, const char *uri, const char *realm)
{
	struct sipwall_credential c;
	enum sipwall_digest_alg a;
	uint8_t r[SIPWALL_DIGEST_MAX];
	char hex[SIPWALL_DIGEST_HEX_MAX];

	sipwall_digest_alg_parse(S(alg), &a);
	sipwall_credential_from_password(&c, S(user), S(realm), S(pw));
	sipwall_digest_response(a, c.ha1[a], S(nonce), S(nc), S("0a4f113b"), S("auth"),
				S("REGISTER"), S(uri), r);
	sipwall_digest_hex(r, sipwall_digest_len(a), hex);
	snprintf(out, size,
		 "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
		 "response=\"%s\", algorithm=%s, cnonce=\"0a4f113b\", qop=auth, nc=%s",
		 user, realm, nonce, uri, hex, alg, nc);
}

static enum sipwall_auth_result check_at(const char *value, uint64_t now)
{
	struct sip_str v = S(value);
	struct sipwall_auth_request req = {
		.method = S("REGISTER"), .request_uri = S(URI), .values = &v, .value_count = 1,
		.client = (struct sockaddr *)&client, .now_ms = now,
	};

	return sipwall_auth_check(&auth, &req, &pending);
}

/* check, then (if it passes) verify with alice's credential */
static enum sipwall_auth_result full_at(const char *value, uint64_t now)
{
	enum sipwall_auth_result r = check_at(value, now);

	if (r != SIPWALL_AUTH_OK)
		return r;
	return sipwall_auth_verify(&auth, &pending, &alice, now);
}

static void teardown_all(void)
{
	sipwall_auth_uninit(&auth);
}

static void challenge_format(void **state)
{
	struct sipwall_challenge ch;

	(void)state;
	assert_int_equal(setup(true, true, 64), 0);
	assert_int_equal(sipwall_auth_challenge(&auth, (struct sockaddr *)&client, T0, false, &ch), 0);
	assert_int_equal(ch.count, 2);
	/* SHA-256 first (RFC 8760), the same nonce in both */
	assert_non_null(strstr(ch.value[0], "algorithm=SHA-256"));
	assert_non_null(strstr(ch.value[1], "algorithm=MD5"));
	assert_non_null(strstr(ch.value[0], "realm=\"" REALM "\""));
	assert_non_null(strstr(ch.value[0], "qop=\"auth\""));
	assert_null(strstr(ch.value[0], "stale"));
	assert_memory_equal(strstr(ch.value[0], "nonce="), strstr(ch.value[1], "nonce="),
			    7 + SIPWALL_NONCE_LEN);
	assert_int_equal(sipwall_auth_challenge(&auth, (struct sockaddr *)&client, T0, true, &ch), 0);
	assert_non_null(strstr(ch.value[1], ", stale=true"));
	teardown_all();
	/* an MD5 HA1 directory cannot answer SHA-256: offer MD5 only */
	assert_int_equal(setup(true, false, 64), 0);
	assert_int_equal(sipwall_auth_challenge(&auth, (struct sockaddr *)&client, T0, false, &ch), 0);
	assert_int_equal(ch.count, 1);
	assert_non_null(strstr(ch.value[0], "algorithm=MD5"));
	teardown_all();
}

static void accepts_both_algorithms(void **state)
{
	char nonce[SIPWALL_NONCE_LEN + 1], v[1024];

	(void)state;
	assert_int_equal(setup(true, true, 64), 0);
	challenge_nonce(T0, nonce);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000001", URI, REALM);
	assert_int_equal(full_at(v, T0 + 10), SIPWALL_AUTH_OK);
	assert_true(sip_str_eq(pending.creds.username, S("alice")));
	/* the same nonce again with a higher count */
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000002", URI, REALM);
	assert_int_equal(full_at(v, T0 + 20), SIPWALL_AUTH_OK);
	challenge_nonce(T0 + 30, nonce);
	answer(v, sizeof(v), "MD5", "alice", "secret", nonce, "00000001", URI, REALM);
	assert_int_equal(full_at(v, T0 + 40), SIPWALL_AUTH_OK);
	/* no algorithm parameter means MD5 */
	challenge_nonce(T0 + 50, nonce);
	answer(v, sizeof(v), "MD5", "alice", "secret", nonce, "00000001", URI, REALM);
	*strstr(v, ", algorithm=MD5") = '\0';
	strcat(v, ", cnonce=\"0a4f113b\", qop=auth, nc=00000001");
	assert_int_equal(full_at(v, T0 + 60), SIPWALL_AUTH_OK);
	teardown_all();
}

static void failures(void **state)
{
	char nonce[SIPWALL_NONCE_LEN + 1], v[1024], forged[SIPWALL_NONCE_LEN + 1];
	struct sockaddr_in other = client;

	(void)state;
	assert_int_equal(setup(false, true, 64), 0);
	challenge_nonce(T0, nonce);

	/* no header, or only one for another realm */
	assert_int_equal(check_at("Basic YWxpY2U6c2VjcmV0", T0), SIPWALL_AUTH_NO_CREDENTIALS);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000001", URI, "other.realm");
	assert_int_equal(check_at(v, T0), SIPWALL_AUTH_NO_CREDENTIALS);

	/* wrong password, then a correct one: the bad try burnt no count */
	answer(v, sizeof(v), "SHA-256", "alice", "wrong", nonce, "00000001", URI, REALM);
	assert_int_equal(full_at(v, T0 + 1), SIPWALL_AUTH_BAD_RESPONSE);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000001", URI, REALM);
	assert_int_equal(full_at(v, T0 + 2), SIPWALL_AUTH_OK);
	/* replayed and lower counts */
	assert_int_equal(full_at(v, T0 + 3), SIPWALL_AUTH_REPLAY);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000005", URI, REALM);
	assert_int_equal(full_at(v, T0 + 4), SIPWALL_AUTH_OK);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000003", URI, REALM);
	assert_int_equal(full_at(v, T0 + 5), SIPWALL_AUTH_REPLAY);

	/* uri of another resource */
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000006",
	       "sip:carol@sip.example.com", REALM);
	assert_int_equal(check_at(v, T0 + 6), SIPWALL_AUTH_WRONG_URI);
	/* the same URI written differently is the same resource */
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000006",
	       "sip:bob@SIP.example.COM", REALM);
	assert_int_equal(full_at(v, T0 + 6), SIPWALL_AUTH_OK);

	/* an algorithm we did not offer */
	answer(v, sizeof(v), "MD5", "alice", "secret", nonce, "00000007", URI, REALM);
	assert_int_equal(check_at(v, T0 + 7), SIPWALL_AUTH_BAD_ALGORITHM);

	/* forged: a changed nonce, another client address, another realm's key */
	memcpy(forged, nonce, sizeof(forged));
	forged[40] = forged[40] == 'A' ? 'B' : 'A';
	answer(v, sizeof(v), "SHA-256", "alice", "secret", forged, "00000001", URI, REALM);
	assert_int_equal(check_at(v, T0 + 8), SIPWALL_AUTH_FORGED_NONCE);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", "bm90IG91cnM=", "00000001", URI, REALM);
	assert_int_equal(check_at(v, T0 + 8), SIPWALL_AUTH_FORGED_NONCE);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000008", URI, REALM);
	inet_pton(AF_INET, "192.0.2.11", &client.sin_addr);
	assert_int_equal(check_at(v, T0 + 8), SIPWALL_AUTH_FORGED_NONCE);
	client = other;
	/* a port change is fine: TCP reconnects */
	client.sin_port = 5999;
	assert_int_equal(full_at(v, T0 + 8), SIPWALL_AUTH_OK);
	client = other;

	/* stale after the lifetime, with a correct password or not */
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000009", URI, REALM);
	assert_int_equal(check_at(v, T0 + LIFETIME_S * 1000 + 1), SIPWALL_AUTH_STALE);
	teardown_all();
}

static void malformed_answers(void **state)
{
	char nonce[SIPWALL_NONCE_LEN + 1], v[1024];
	struct sip_str two[2];
	struct sipwall_auth_request req = {
		.method = S("REGISTER"), .request_uri = S(URI), .values = two, .value_count = 2,
		.client = (struct sockaddr *)&client, .now_ms = T0,
	};
	static const char *const bad[] = {
		/* no qop (RFC 2069 style): no nonce-count, no replay protection */
		"Digest username=\"alice\", realm=\"" REALM "\", nonce=\"%s\", uri=\"" URI "\", "
		"response=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"algorithm=SHA-256",
		/* nc not 8 hex digits, or zero */
		"Digest username=\"alice\", realm=\"" REALM "\", nonce=\"%s\", uri=\"" URI "\", "
		"response=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"algorithm=SHA-256, qop=auth, cnonce=\"x\", nc=1",
		"Digest username=\"alice\", realm=\"" REALM "\", nonce=\"%s\", uri=\"" URI "\", "
		"response=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"algorithm=SHA-256, qop=auth, cnonce=\"x\", nc=00000000",
		/* response of the wrong length */
		"Digest username=\"alice\", realm=\"" REALM "\", nonce=\"%s\", uri=\"" URI "\", "
		"response=\"0123456789abcdef0123456789abcdef\", "
		"algorithm=SHA-256, qop=auth, cnonce=\"x\", nc=00000001",
		/* no user name */
		"Digest realm=\"" REALM "\", nonce=\"%s\", uri=\"" URI "\", "
		"response=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"algorithm=SHA-256, qop=auth, cnonce=\"x\", nc=00000001",
		/* qop=auth-int is not offered */
		"Digest username=\"alice\", realm=\"" REALM "\", nonce=\"%s\", uri=\"" URI "\", "
		"response=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"algorithm=SHA-256, qop=auth-int, cnonce=\"x\", nc=00000001",
		/* userhash */
		"Digest username=\"alice\", realm=\"" REALM "\", nonce=\"%s\", uri=\"" URI "\", "
		"response=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"algorithm=SHA-256, qop=auth, cnonce=\"x\", nc=00000001, userhash=true",
	};

	(void)state;
	assert_int_equal(setup(true, true, 64), 0);
	challenge_nonce(T0, nonce);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(v, sizeof(v), bad[i], nonce);
		if (check_at(v, T0) != SIPWALL_AUTH_MALFORMED)
			fail_msg("not refused as malformed: %s", v);
		assert_non_null(pending.why);
	}
	/* two answers for our realm */
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000001", URI, REALM);
	two[0] = S(v);
	two[1] = S(v);
	assert_int_equal(sipwall_auth_check(&auth, &req, &pending), SIPWALL_AUTH_MALFORMED);
	/* ours after one for a proxy beyond us */
	two[0] = S("Digest username=\"x\", realm=\"upstream\", nonce=\"n\"");
	assert_int_equal(sipwall_auth_check(&auth, &req, &pending), SIPWALL_AUTH_OK);
	/* and before it: creds must be ours, not the last parsed */
	two[0] = S(v);
	two[1] = S("Digest username=\"x\", realm=\"upstream\", nonce=\"n\"");
	assert_int_equal(sipwall_auth_check(&auth, &req, &pending), SIPWALL_AUTH_OK);
	assert_true(sip_str_eq(pending.creds.username, S("alice")));
	assert_int_equal(sipwall_auth_verify(&auth, &pending, &alice, T0), SIPWALL_AUTH_OK);
	teardown_all();
}

static void key_rotation(void **state)
{
	char n1[SIPWALL_NONCE_LEN + 1], n2[SIPWALL_NONCE_LEN + 1], v[1024];
	uint64_t life = LIFETIME_S * 1000;

	(void)state;
	assert_int_equal(setup(false, true, 64), 0);
	challenge_nonce(T0 + life - 10, n1);
	/* the key turns over at T0 + life; n1 still checks against the old one */
	challenge_nonce(T0 + life + 5, n2);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", n1, "00000001", URI, REALM);
	assert_int_equal(full_at(v, T0 + life + 6), SIPWALL_AUTH_OK);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", n2, "00000001", URI, REALM);
	assert_int_equal(full_at(v, T0 + life + 7), SIPWALL_AUTH_OK);
	/* two rotations later n1's key is gone: stale, not forged */
	challenge_nonce(T0 + 2 * life + 10, n2);
	challenge_nonce(T0 + 3 * life + 20, n2);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", n1, "00000002", URI, REALM);
	assert_int_equal(check_at(v, T0 + 3 * life + 21), SIPWALL_AUTH_STALE);
	teardown_all();
}

static void nc_table_forgets_safely(void **state)
{
	char first[SIPWALL_NONCE_LEN + 1], n[SIPWALL_NONCE_LEN + 1], v[1024];

	(void)state;
	/* one set of 8 ways: the ninth nonce pushes out the oldest */
	assert_int_equal(setup(false, true, 1), 0);
	challenge_nonce(T0, first);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", first, "00000001", URI, REALM);
	assert_int_equal(full_at(v, T0 + 1), SIPWALL_AUTH_OK);
	for (int i = 0; i < 8; i++) {
		challenge_nonce(T0 + 10 + (uint64_t)i, n);
		answer(v, sizeof(v), "SHA-256", "alice", "secret", n, "00000001", URI, REALM);
		assert_int_equal(full_at(v, T0 + 20 + (uint64_t)i), SIPWALL_AUTH_OK);
	}
	/* the first nonce is forgotten: its replay cannot pass, it is stale */
	answer(v, sizeof(v), "SHA-256", "alice", "secret", first, "00000001", URI, REALM);
	assert_int_equal(full_at(v, T0 + 40), SIPWALL_AUTH_STALE);
	/* a nonce issued after the watermark is still fine */
	challenge_nonce(T0 + 50, n);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", n, "00000001", URI, REALM);
	assert_int_equal(full_at(v, T0 + 51), SIPWALL_AUTH_OK);
	assert_int_equal(full_at(v, T0 + 52), SIPWALL_AUTH_REPLAY);
	teardown_all();
}

static struct sipwall_nonce_info info_in_set(unsigned int set, unsigned int n, uint64_t t)
{
	struct sipwall_nonce_info info = { .time_ms = t };
	uint64_t low = set;

	/* the set is the tag's first 8 bytes, masked; the rest tells nonces apart */
	memcpy(info.tag, &low, sizeof(low));
	memcpy(info.tag + 8, &n, sizeof(n));
	return info;
}

static void nc_sets_are_independent(void **state)
{
	struct sipwall_nc_table t;
	struct sipwall_nonce_info early = info_in_set(1, 999, 1000), info;

	(void)state;
	/* 16 slots: two sets of 8 */
	assert_int_equal(sipwall_nc_init(&t, 16), 0);
	for (unsigned int i = 0; i < 9; i++) {
		info = info_in_set(0, i, 1000 + i);
		assert_int_equal(sipwall_nc_update(&t, &info, 1, 2000, 30000), SIPWALL_NC_OK);
	}
	/* set 0 dropped its nonce of time 1000; set 1's nonce of that time is fine */
	info = info_in_set(0, 100, 1000);
	assert_int_equal(sipwall_nc_update(&t, &info, 1, 2000, 30000), SIPWALL_NC_UNKNOWN);
	assert_int_equal(sipwall_nc_update(&t, &early, 1, 2000, 30000), SIPWALL_NC_OK);
	assert_int_equal(sipwall_nc_update(&t, &early, 1, 2000, 30000), SIPWALL_NC_REPLAY);
	assert_int_equal(sipwall_nc_update(&t, &early, 2, 2000, 30000), SIPWALL_NC_OK);
	/* expired entries free their slots without raising the watermark */
	for (unsigned int i = 0; i < 8; i++) {
		info = info_in_set(1, i, 40000 + i);
		assert_int_equal(sipwall_nc_update(&t, &info, 1, 40000, 30000), SIPWALL_NC_OK);
	}
	assert_int_equal(t.watermarks_ms[1], 0);
	sipwall_nc_uninit(&t);
}

static void ipv6_client(void **state)
{
	struct sockaddr_in6 c6 = { .sin6_family = AF_INET6 };
	struct sipwall_challenge ch;
	char nonce[SIPWALL_NONCE_LEN + 1], v[1024];
	struct sip_str sv;
	struct sipwall_auth_request req = {
		.method = S("REGISTER"), .request_uri = S(URI), .values = &sv, .value_count = 1,
		.client = (struct sockaddr *)&c6, .now_ms = T0 + 1,
	};

	(void)state;
	assert_int_equal(setup(false, true, 64), 0);
	inet_pton(AF_INET6, "2001:db8::1", &c6.sin6_addr);
	assert_int_equal(sipwall_auth_challenge(&auth, (struct sockaddr *)&c6, T0, false, &ch), 0);
	memcpy(nonce, strstr(ch.value[0], "nonce=\"") + 7, SIPWALL_NONCE_LEN);
	nonce[SIPWALL_NONCE_LEN] = '\0';
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000001", URI, REALM);
	sv = S(v);
	assert_int_equal(sipwall_auth_check(&auth, &req, &pending), SIPWALL_AUTH_OK);
	assert_int_equal(sipwall_auth_verify(&auth, &pending, &alice, T0 + 1), SIPWALL_AUTH_OK);
	/* the IPv4 client did not get this nonce */
	assert_int_equal(check_at(v, T0 + 2), SIPWALL_AUTH_FORGED_NONCE);
	teardown_all();
}

static void credential_without_alg(void **state)
{
	struct sipwall_credential md5_only;
	char nonce[SIPWALL_NONCE_LEN + 1], v[1024];

	(void)state;
	assert_int_equal(setup(true, true, 64), 0);
	md5_only = alice;
	md5_only.has[SIPWALL_DIGEST_SHA256] = false;
	challenge_nonce(T0, nonce);
	answer(v, sizeof(v), "SHA-256", "alice", "secret", nonce, "00000001", URI, REALM);
	assert_int_equal(check_at(v, T0 + 1), SIPWALL_AUTH_OK);
	assert_int_equal(sipwall_auth_verify(&auth, &pending, &md5_only, T0 + 1),
			 SIPWALL_AUTH_BAD_ALGORITHM);
	teardown_all();
}

static void bad_realm_refused(void **state)
{
	bool offer[SIPWALL_DIGEST_ALG_COUNT] = { true, true };
	bool none[SIPWALL_DIGEST_ALG_COUNT] = { false, false };

	(void)state;
	assert_int_equal(sipwall_auth_init(&auth, "a\"b", offer, 30, 64, T0), -1);
	assert_int_equal(sipwall_auth_init(&auth, "", offer, 30, 64, T0), -1);
	assert_int_equal(sipwall_auth_init(&auth, "r", none, 30, 64, T0), -1);
	assert_string_equal(sipwall_auth_result_name(SIPWALL_AUTH_REPLAY), "replayed nonce-count");
}

void add_auth_tests(void)
{
	add_test("auth: challenge values", challenge_format);
	add_test("auth: SHA-256 and MD5 answers accepted", accepts_both_algorithms);
	add_test("auth: wrong password, replay, uri, algorithm, forged and stale nonces", failures);
	add_test("auth: malformed answers", malformed_answers);
	add_test("auth: key rotation keeps the previous key one lifetime", key_rotation);
	add_test("auth: a forgotten nonce is stale, never replayable", nc_table_forgets_safely);
	add_test("auth: nonce-count sets forget independently; expiry frees slots", nc_sets_are_independent);
	add_test("auth: IPv6 clients", ipv6_client);
	add_test("auth: a credential of the other algorithm", credential_without_alg);
	add_test("auth: init refuses bad realms and empty offers", bad_realm_refused);
}
