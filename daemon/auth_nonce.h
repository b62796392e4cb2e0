/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stateless digest nonces and the nonce-count table.
 *
 * nonce = base64(time || salt || HMAC-SHA256(key, time || salt || realm ||
 * client address)): 8 bytes of milliseconds, 8 random bytes (so that two
 * phones behind one NAT challenged in the same millisecond get different
 * nonces, and so separate nonce counts), 32 bytes of MAC; 64 characters.
 * The key comes from getrandom() and is replaced every lifetime; the one
 * before stays for one more lifetime so that no live nonce loses its key.
 */
#ifndef SIPWALL_AUTH_NONCE_H
#define SIPWALL_AUTH_NONCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip_str.h"

#define SIPWALL_NONCE_LEN	64	/* characters, without the NUL */
#define SIPWALL_NONCE_KEY_LEN	32
#define SIPWALL_NONCE_TAG_LEN	16	/* the part of the MAC that names a nonce */

struct sipwall_nonce_key {
	uint8_t secret[SIPWALL_NONCE_KEY_LEN];
	uint64_t since_ms;	/* nonces from this time on use this key */
};

struct sipwall_nonce_keys {
	struct sipwall_nonce_key cur, prev;
	bool has_prev;
	uint64_t lifetime_ms;
};

enum sipwall_nonce_status {
	SIPWALL_NONCE_VALID,
	SIPWALL_NONCE_STALE,	/* ours, but older than the lifetime */
	SIPWALL_NONCE_FORGED,	/* not made by us for this realm and client */
};

struct sipwall_nonce_info {
	uint64_t time_ms;
	uint8_t tag[SIPWALL_NONCE_TAG_LEN];
};

int sipwall_nonce_keys_init(struct sipwall_nonce_keys *keys, uint64_t lifetime_ms,
			    uint64_t now_ms);
void sipwall_nonce_keys_uninit(struct sipwall_nonce_keys *keys);
/* Replaces the key if it has served a lifetime; -1 only if getrandom fails. */
int sipwall_nonce_keys_rotate(struct sipwall_nonce_keys *keys, uint64_t now_ms);

/* Writes SIPWALL_NONCE_LEN characters and a NUL to out. */
int sipwall_nonce_make(const struct sipwall_nonce_keys *keys, struct sip_str realm,
		       const struct sockaddr *client, uint64_t now_ms, char *out);
enum sipwall_nonce_status sipwall_nonce_check(const struct sipwall_nonce_keys *keys,
					      struct sip_str nonce, struct sip_str realm,
					      const struct sockaddr *client, uint64_t now_ms,
					      struct sipwall_nonce_info *info);

/*
 * The highest nonce-count accepted per nonce, in a fixed number of slots
 * (set-associative: a nonce's tag picks a set of ways). A full set drops
 * its oldest nonce and raises the set's watermark to that nonce's time: a
 * nonce of that set that is not in it and no newer than the watermark may
 * have been dropped, so its counts can no longer be told from replays and
 * it is stale. Watermarks are per set, so a drop costs other sets nothing.
 */
struct sipwall_nc_slot {
	uint8_t tag[SIPWALL_NONCE_TAG_LEN];
	uint64_t time_ms;	/* 0: free */
	uint32_t nc;
};

struct sipwall_nc_table {
	struct sipwall_nc_slot *slots;
	uint64_t *watermarks_ms;	/* one per set */
	size_t set_mask;
};

enum sipwall_nc_status {
	SIPWALL_NC_OK,		/* recorded */
	SIPWALL_NC_REPLAY,	/* not above the highest count seen */
	SIPWALL_NC_UNKNOWN,	/* the nonce may have been forgotten: stale */
};

/* capacity is rounded up to a whole number of sets (a power of two). */
int sipwall_nc_init(struct sipwall_nc_table *t, size_t capacity);
void sipwall_nc_uninit(struct sipwall_nc_table *t);
enum sipwall_nc_status sipwall_nc_update(struct sipwall_nc_table *t,
					 const struct sipwall_nonce_info *info, uint32_t nc,
					 uint64_t now_ms, uint64_t lifetime_ms);
/*
 * Every nonce made up to time_ms counts as forgotten (UNKNOWN: stale): for
 * a table that replaces another whose counts it does not have.
 */
void sipwall_nc_forget_until(struct sipwall_nc_table *t, uint64_t time_ms);

#endif
