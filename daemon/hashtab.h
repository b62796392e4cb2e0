/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An intrusive chained hash table: nodes are embedded in their owners and
 * compared by the caller, so one table type serves connections, sources
 * and transactions. Hashes are seeded at start so that peers cannot
 * choose colliding keys offline.
 */
#ifndef SIPWALL_HASHTAB_H
#define SIPWALL_HASHTAB_H

#include <stddef.h>
#include <stdint.h>

struct sipwall_hnode {
	struct sipwall_hnode *next;
	uint64_t hash;
};

struct sipwall_htab {
	struct sipwall_hnode **buckets;
	size_t mask;
	size_t count;
};

int sipwall_htab_init(struct sipwall_htab *tab);
void sipwall_htab_uninit(struct sipwall_htab *tab);
void sipwall_htab_insert(struct sipwall_htab *tab, struct sipwall_hnode *node, uint64_t hash);
void sipwall_htab_remove(struct sipwall_htab *tab, struct sipwall_hnode *node);
/* Candidates with this hash: walk with sipwall_htab_next(). */
struct sipwall_hnode *sipwall_htab_first(const struct sipwall_htab *tab, uint64_t hash);
struct sipwall_hnode *sipwall_htab_next(const struct sipwall_hnode *node, uint64_t hash);

void sipwall_hash_seed(void);
uint64_t sipwall_hash(const void *data, size_t len, uint64_t h);
#define SIPWALL_HASH_INIT 0

#endif
