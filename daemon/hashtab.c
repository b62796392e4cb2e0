// SPDX-License-Identifier: GPL-2.0
#include <openssl/rand.h>
#include <stdlib.h>

#include "hashtab.h"

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

void sipwall_hash_seed(void)
{
	if (RAND_bytes((unsigned char *)&seed, sizeof(seed)) != 1)
		seed ^= (uint64_t)(uintptr_t)&seed;
}

/* FNV-1a over the seed and the bytes, with a final avalanche (splitmix64). */
uint64_t sipwall_hash(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;

	if (!h)
		h = 0xcbf29ce484222325ULL ^ seed;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

int sipwall_htab_init(struct sipwall_htab *tab)
{
	tab->mask = 255;
	tab->count = 0;
	tab->buckets = calloc(tab->mask + 1, sizeof(*tab->buckets));
	return tab->buckets ? 0 : -1;
}

void sipwall_htab_uninit(struct sipwall_htab *tab)
{
	free(tab->buckets);
	tab->buckets = NULL;
}

static void grow(struct sipwall_htab *tab)
{
	size_t mask = tab->mask * 2 + 1;
	struct sipwall_hnode **buckets = calloc(mask + 1, sizeof(*buckets));

	/* out of memory: keep the old table, just with longer chains */
	if (!buckets)
		return;
	for (size_t i = 0; i <= tab->mask; i++) {
		while (tab->buckets[i]) {
			struct sipwall_hnode *n = tab->buckets[i];

			tab->buckets[i] = n->next;
			n->next = buckets[n->hash & mask];
			buckets[n->hash & mask] = n;
		}
	}
	free(tab->buckets);
	tab->buckets = buckets;
	tab->mask = mask;
}

void sipwall_htab_insert(struct sipwall_htab *tab, struct sipwall_hnode *node, uint64_t hash)
{
	if (tab->count > 2 * (tab->mask + 1))
		grow(tab);
	node->hash = hash;
	node->next = tab->buckets[hash & tab->mask];
	tab->buckets[hash & tab->mask] = node;
	tab->count++;
}

void sipwall_htab_remove(struct sipwall_htab *tab, struct sipwall_hnode *node)
{
	struct sipwall_hnode **link = &tab->buckets[node->hash & tab->mask];

	while (*link && *link != node)
		link = &(*link)->next;
	if (*link) {
		*link = node->next;
		tab->count--;
	}
}

struct sipwall_hnode *sipwall_htab_first(const struct sipwall_htab *tab, uint64_t hash)
{
	struct sipwall_hnode *n = tab->buckets[hash & tab->mask];

	while (n && n->hash != hash)
		n = n->next;
	return n;
}

struct sipwall_hnode *sipwall_htab_next(const struct sipwall_hnode *node, uint64_t hash)
{
	struct sipwall_hnode *n = node->next;

	while (n && n->hash != hash)
		n = n->next;
	return n;
}
