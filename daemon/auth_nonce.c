// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "auth_nonce.h"

#define NONCE_RAW_LEN	48	/* 8 time + 8 salt + 32 MAC */
#define NC_WAYS		8

static int fill_secret(uint8_t *secret)
{
	size_t got = 0;

	/* getrandom() on a 32-byte request returns whole once the pool is up */
	while (got < SIPWALL_NONCE_KEY_LEN) {
		ssize_t n = getrandom(secret + got, SIPWALL_NONCE_KEY_LEN - got, 0);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int sipwall_nonce_keys_init(struct sipwall_nonce_keys *keys, uint64_t lifetime_ms,
			    uint64_t now_ms)
{
	memset(keys, 0, sizeof(*keys));
	keys->lifetime_ms = lifetime_ms;
	keys->cur.since_ms = now_ms;
	return fill_secret(keys->cur.secret);
}

void sipwall_nonce_keys_uninit(struct sipwall_nonce_keys *keys)
{
	OPENSSL_cleanse(keys, sizeof(*keys));
}

int sipwall_nonce_keys_rotate(struct sipwall_nonce_keys *keys, uint64_t now_ms)
{
	struct sipwall_nonce_key next = { .since_ms = now_ms };

	if (now_ms - keys->cur.since_ms < keys->lifetime_ms)
		return 0;
	if (fill_secret(next.secret))
		return -1;
	keys->prev = keys->cur;
	keys->has_prev = true;
	keys->cur = next;
	OPENSSL_cleanse(&next, sizeof(next));
	return 0;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The address only: a phone's port changes with every new TCP connection. */
static int mac(const uint8_t *secret, const uint8_t *time_salt, struct sip_str realm,
	       const struct sockaddr *client, uint8_t *out)
{
	uint8_t msg[16 + 256 + 1 + 1 + 16];
	size_t len = 16;
	unsigned int out_len = 0;

	if (realm.len > 256)
		return -1;
	memcpy(msg, time_salt, 16);
	memcpy(msg + len, realm.p, realm.len);
	len += realm.len;
	msg[len++] = 0;
	if (client->sa_family == AF_INET) {
		msg[len++] = 4;
		memcpy(msg + len, &((const struct sockaddr_in *)client)->sin_addr, 4);
		len += 4;
	} else if (client->sa_family == AF_INET6) {
		msg[len++] = 6;
		memcpy(msg + len, &((const struct sockaddr_in6 *)client)->sin6_addr, 16);
		len += 16;
	} else {
		return -1;
	}
	if (!HMAC(EVP_sha256(), secret, SIPWALL_NONCE_KEY_LEN, msg, len, out, &out_len))
		return -1;
	return 0;
}

int sipwall_nonce_make(const struct sipwall_nonce_keys *keys, struct sip_str realm,
		       const struct sockaddr *client, uint64_t now_ms, char *out)
{
	uint8_t raw[NONCE_RAW_LEN];

	put_be64(raw, now_ms);
	if (RAND_bytes(raw + 8, 8) != 1)
		return -1;
	if (mac(keys->cur.secret, raw, realm, client, raw + 16))
		return -1;
	/* 48 bytes: 64 characters of base64 and no padding */
	EVP_EncodeBlock((unsigned char *)out, raw, NONCE_RAW_LEN);
	return 0;
}

static bool is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

enum sipwall_nonce_status sipwall_nonce_check(const struct sipwall_nonce_keys *keys,
					      struct sip_str nonce, struct sip_str realm,
					      const struct sockaddr *client, uint64_t now_ms,
					      struct sipwall_nonce_info *info)
{
	uint8_t raw[NONCE_RAW_LEN + 2], expect[32];
	const struct sipwall_nonce_key *key;
	uint64_t t;

	if (nonce.len != SIPWALL_NONCE_LEN)
		return SIPWALL_NONCE_FORGED;
	for (size_t i = 0; i < nonce.len; i++)
		if (!is_b64(nonce.p[i]))
			return SIPWALL_NONCE_FORGED;
	if (EVP_DecodeBlock(raw, (const unsigned char *)nonce.p, (int)nonce.len) != NONCE_RAW_LEN)
		return SIPWALL_NONCE_FORGED;
	t = get_be64(raw);
	/* a nonce from the future was not made here */
	if (t > now_ms)
		return SIPWALL_NONCE_FORGED;
	if (t >= keys->cur.since_ms) {
		key = &keys->cur;
	} else if (keys->has_prev && t >= keys->prev.since_ms) {
		key = &keys->prev;
	} else {
		/*
		 * Its key is gone, so it is at least a lifetime old: the client
		 * holds an old challenge. Stale costs only a new challenge, and
		 * an old time proves nothing that a fresh one would not.
		 */
		return SIPWALL_NONCE_STALE;
	}
	if (mac(key->secret, raw, realm, client, expect) ||
	    CRYPTO_memcmp(expect, raw + 16, sizeof(expect)))
		return SIPWALL_NONCE_FORGED;
	info->time_ms = t;
	memcpy(info->tag, raw + 16, SIPWALL_NONCE_TAG_LEN);
	if (now_ms - t > keys->lifetime_ms)
		return SIPWALL_NONCE_STALE;
	return SIPWALL_NONCE_VALID;
}

int sipwall_nc_init(struct sipwall_nc_table *t, size_t capacity)
{
	size_t sets = 1;

	while (sets * NC_WAYS < capacity)
		sets *= 2;
	t->set_mask = sets - 1;
	t->slots = calloc(sets * NC_WAYS, sizeof(*t->slots));
	t->watermarks_ms = calloc(sets, sizeof(*t->watermarks_ms));
	if (!t->slots || !t->watermarks_ms) {
		sipwall_nc_uninit(t);
		return -1;
	}
	return 0;
}

void sipwall_nc_uninit(struct sipwall_nc_table *t)
{
	free(t->slots);
	free(t->watermarks_ms);
	t->slots = NULL;
	t->watermarks_ms = NULL;
}

enum sipwall_nc_status sipwall_nc_update(struct sipwall_nc_table *t,
					 const struct sipwall_nonce_info *info, uint32_t nc,
					 uint64_t now_ms, uint64_t lifetime_ms)
{
	uint64_t set, *watermark;
	struct sipwall_nc_slot *ways, *victim = NULL;

	/* the tag is MAC output: uniformly spread, no hashing needed */
	memcpy(&set, info->tag, sizeof(set));
	set &= t->set_mask;
	ways = &t->slots[set * NC_WAYS];
	watermark = &t->watermarks_ms[set];
	for (int i = 0; i < NC_WAYS; i++) {
		struct sipwall_nc_slot *s = &ways[i];

		if (s->time_ms && !memcmp(s->tag, info->tag, SIPWALL_NONCE_TAG_LEN)) {
			if (nc <= s->nc)
				return SIPWALL_NC_REPLAY;
			s->nc = nc;
			return SIPWALL_NC_OK;
		}
		/* expired nonces are stale whatever their count: free slots */
		if (s->time_ms && now_ms - s->time_ms > lifetime_ms)
			s->time_ms = 0;
		if (!victim || !s->time_ms || (victim->time_ms && s->time_ms < victim->time_ms))
			victim = s;
	}
	if (info->time_ms <= *watermark)
		return SIPWALL_NC_UNKNOWN;
	if (victim->time_ms && victim->time_ms > *watermark)
		*watermark = victim->time_ms;
	memcpy(victim->tag, info->tag, SIPWALL_NONCE_TAG_LEN);
	victim->time_ms = info->time_ms;
	victim->nc = nc;
	return SIPWALL_NC_OK;
}

void sipwall_nc_forget_until(struct sipwall_nc_table *t, uint64_t time_ms)
{
	for (size_t set = 0; set <= t->set_mask; set++)
		if (t->watermarks_ms[set] < time_ms)
			t->watermarks_ms[set] = time_ms;
}
