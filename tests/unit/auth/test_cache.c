// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "auth_lru.h"
#include "tests.h"

static void lru_basics(void **state)
{
	struct sipwall_lru lru;
	bool created;
	int *r;

	(void)state;
	assert_int_equal(sipwall_lru_init(&lru, 2, sizeof(int)), 0);
	r = sipwall_lru_put(&lru, "a", 1, 0, 100, &created);
	assert_true(created);
	*r = 1;
	r = sipwall_lru_put(&lru, "b", 1, 0, 100, &created);
	*r = 2;
	/* touching a makes b the oldest: c pushes b out */
	assert_non_null(sipwall_lru_get(&lru, "a", 1, 10));
	r = sipwall_lru_put(&lru, "c", 1, 10, 100, &created);
	*r = 3;
	assert_null(sipwall_lru_get(&lru, "b", 1, 10));
	r = sipwall_lru_get(&lru, "a", 1, 10);
	assert_non_null(r);
	assert_int_equal(*r, 1);
	assert_int_equal(lru.count, 2);
	/* expiry */
	assert_null(sipwall_lru_get(&lru, "a", 1, 100));
	assert_int_equal(lru.count, 1);
	/* put on a live key returns the record as it is */
	r = sipwall_lru_put(&lru, "c", 1, 20, 200, &created);
	assert_false(created);
	assert_int_equal(*r, 3);
	/* keys are bytes: NUL inside, prefixes are other keys */
	sipwall_lru_put(&lru, "x\0y", 3, 20, 200, &created);
	assert_true(created);
	assert_null(sipwall_lru_get(&lru, "x", 1, 20));
	assert_non_null(sipwall_lru_get(&lru, "x\0y", 3, 20));
	sipwall_lru_del(&lru, "x\0y", 3);
	assert_null(sipwall_lru_get(&lru, "x\0y", 3, 20));
	sipwall_lru_uninit(&lru);
}

static void lru_zero_capacity(void **state)
{
	struct sipwall_lru lru;
	bool created;

	(void)state;
	assert_int_equal(sipwall_lru_init(&lru, 0, 8), 0);
	assert_null(sipwall_lru_put(&lru, "a", 1, 0, 100, &created));
	sipwall_lru_uninit(&lru);
}

void add_cache_tests(void)
{
	add_test("lru: bounded, least recently used goes first, entries expire", lru_basics);
	add_test("lru: capacity 0 caches nothing", lru_zero_capacity);
}
