/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded map from byte strings to fixed-size records that expire: the
 * directory caches and the failed-authentication counters. When full, the
 * least recently used record goes, so a flood of new keys (made-up user
 * names, spoofed sources) can only push out old entries, never grow memory.
 * Records are wiped when they go: a cache's records hold HA1s.
 */
#ifndef SIPWALL_AUTH_LRU_H
#define SIPWALL_AUTH_LRU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashtab.h"

struct sipwall_lru_link {
	struct sipwall_lru_link *prev, *next;
};

struct sipwall_lru_entry {
	struct sipwall_hnode node;
	struct sipwall_lru_link link;		/* most recently used first */
	uint64_t expires_ms;
	size_t key_len;
	/* record, then key */
	_Alignas(max_align_t) unsigned char data[];
};

struct sipwall_lru {
	struct sipwall_htab tab;
	struct sipwall_lru_link head;		/* list sentinel */
	size_t count, capacity, record_size;
};

int sipwall_lru_init(struct sipwall_lru *lru, size_t capacity, size_t record_size);
void sipwall_lru_uninit(struct sipwall_lru *lru);
/* The live record for key, made most recently used; NULL if none or expired. */
void *sipwall_lru_get(struct sipwall_lru *lru, const void *key, size_t key_len, uint64_t now_ms);
/*
 * The record for key, created zeroed if absent or expired, living until
 * expires_ms (the caller may change the entry's expiry through
 * sipwall_lru_expire()). NULL only when out of memory or capacity is 0.
 */
void *sipwall_lru_put(struct sipwall_lru *lru, const void *key, size_t key_len,
		      uint64_t now_ms, uint64_t expires_ms, bool *created);
void sipwall_lru_expire(void *record, uint64_t expires_ms);
void sipwall_lru_del(struct sipwall_lru *lru, const void *key, size_t key_len);
void sipwall_lru_clear(struct sipwall_lru *lru);

#endif
