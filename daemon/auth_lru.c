// SPDX-License-Identifier: GPL-2.0
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "auth_lru.h"
#include "timer.h"

static struct sipwall_lru_entry *entry_of(void *record)
{
	return container_of(record, struct sipwall_lru_entry, data);
}

static struct sipwall_lru_entry *entry_of_link(struct sipwall_lru_link *link)
{
	return container_of(link, struct sipwall_lru_entry, link);
}

static void link_remove(struct sipwall_lru_link *link)
{
	link->prev->next = link->next;
	link->next->prev = link->prev;
}

static void link_push_front(struct sipwall_lru_link *head, struct sipwall_lru_link *link)
{
	link->next = head->next;
	link->prev = head;
	head->next->prev = link;
	head->next = link;
}

static unsigned char *key_of(const struct sipwall_lru *lru, struct sipwall_lru_entry *e)
{
	return e->data + lru->record_size;
}

int sipwall_lru_init(struct sipwall_lru *lru, size_t capacity, size_t record_size)
{
	memset(lru, 0, sizeof(*lru));
	lru->capacity = capacity;
	/* the key follows the record: keep it aligned for the next entry's sake */
	lru->record_size = (record_size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	lru->head.prev = lru->head.next = &lru->head;
	return sipwall_htab_init(&lru->tab);
}

static void unlink_entry(struct sipwall_lru *lru, struct sipwall_lru_entry *e)
{
	link_remove(&e->link);
	sipwall_htab_remove(&lru->tab, &e->node);
	lru->count--;
	OPENSSL_cleanse(e->data, lru->record_size + e->key_len);
	free(e);
}

void sipwall_lru_clear(struct sipwall_lru *lru)
{
	while (lru->head.next != &lru->head)
		unlink_entry(lru, entry_of_link(lru->head.next));
}

void sipwall_lru_uninit(struct sipwall_lru *lru)
{
	sipwall_lru_clear(lru);
	sipwall_htab_uninit(&lru->tab);
}

static struct sipwall_lru_entry *find(struct sipwall_lru *lru, const void *key, size_t key_len,
				      uint64_t hash)
{
	for (struct sipwall_hnode *n = sipwall_htab_first(&lru->tab, hash); n;
	     n = sipwall_htab_next(n, hash)) {
		struct sipwall_lru_entry *e = container_of(n, struct sipwall_lru_entry, node);

		if (e->key_len == key_len && !memcmp(key_of(lru, e), key, key_len))
			return e;
	}
	return NULL;
}

static void to_front(struct sipwall_lru *lru, struct sipwall_lru_entry *e)
{
	link_remove(&e->link);
	link_push_front(&lru->head, &e->link);
}

void *sipwall_lru_get(struct sipwall_lru *lru, const void *key, size_t key_len, uint64_t now_ms)
{
	struct sipwall_lru_entry *e = find(lru, key, key_len, sipwall_hash(key, key_len, 0));

	if (!e)
		return NULL;
	if (e->expires_ms <= now_ms) {
		unlink_entry(lru, e);
		return NULL;
	}
	to_front(lru, e);
	return e->data;
}

void *sipwall_lru_put(struct sipwall_lru *lru, const void *key, size_t key_len,
		      uint64_t now_ms, uint64_t expires_ms, bool *created)
{
	uint64_t hash = sipwall_hash(key, key_len, 0);
	struct sipwall_lru_entry *e = find(lru, key, key_len, hash);

	*created = false;
	if (e && e->expires_ms > now_ms) {
		to_front(lru, e);
		return e->data;
	}
	if (e)
		unlink_entry(lru, e);
	if (!lru->capacity)
		return NULL;
	if (lru->count >= lru->capacity)
		unlink_entry(lru, entry_of_link(lru->head.prev));
	e = calloc(1, sizeof(*e) + lru->record_size + key_len);
	if (!e)
		return NULL;
	memcpy(key_of(lru, e), key, key_len);
	e->key_len = key_len;
	e->expires_ms = expires_ms;
	link_push_front(&lru->head, &e->link);
	sipwall_htab_insert(&lru->tab, &e->node, hash);
	lru->count++;
	*created = true;
	return e->data;
}

void sipwall_lru_expire(void *record, uint64_t expires_ms)
{
	entry_of(record)->expires_ms = expires_ms;
}

void sipwall_lru_del(struct sipwall_lru *lru, const void *key, size_t key_len)
{
	struct sipwall_lru_entry *e = find(lru, key, key_len, sipwall_hash(key, key_len, 0));

	if (e)
		unlink_entry(lru, e);
}
