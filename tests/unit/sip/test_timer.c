// SPDX-License-Identifier: GPL-2.0
/*
 * The timer heap: fires in deadline order, cancels and re-arms anywhere
 * in the heap.
 */
#include <stdlib.h>

#include "tests.h"
#include "timer.h"

#define TIMERS 1000

struct probe {
	struct sipwall_timer timer;
	uint64_t fired_at;
	bool fired;
};

static uint64_t clock_now, last_fired;
static bool in_order;

static void on_fire(struct sipwall_timer *t)
{
	struct probe *p = container_of(t, struct probe, timer);

	p->fired = true;
	p->fired_at = clock_now;
	if (t->deadline_ms < last_fired)
		in_order = false;
	last_fired = t->deadline_ms;
}

static void test_heap_order(void **state)
{
	static struct probe probes[TIMERS];
	struct sipwall_timer_heap heap;

	(void)state;
	srand(7);
	in_order = true;
	last_fired = 0;
	assert_int_equal(sipwall_timer_heap_init(&heap), 0);
	for (int i = 0; i < TIMERS; i++) {
		sipwall_timer_init(&probes[i].timer, on_fire);
		assert_int_equal(sipwall_timer_arm(&heap, &probes[i].timer, (uint64_t)(rand() % 5000)), 0);
	}
	/* cancel every third, re-arm every fifth elsewhere */
	for (int i = 0; i < TIMERS; i += 3)
		sipwall_timer_cancel(&heap, &probes[i].timer);
	for (int i = 1; i < TIMERS; i += 5)
		sipwall_timer_arm(&heap, &probes[i].timer, (uint64_t)(rand() % 5000));
	for (clock_now = 0; clock_now <= 5000; clock_now += 7)
		sipwall_timer_run(&heap, clock_now);
	assert_true(in_order);
	for (int i = 0; i < TIMERS; i++) {
		bool cancelled = i % 3 == 0 && !(i % 5 == 1);

		assert_int_equal(probes[i].fired, !cancelled);
		if (probes[i].fired)
			assert_true(probes[i].fired_at >= probes[i].timer.deadline_ms &&
				    probes[i].fired_at < probes[i].timer.deadline_ms + 7);
		assert_false(sipwall_timer_armed(&probes[i].timer));
	}
	assert_int_equal(sipwall_timer_next(&heap), UINT64_MAX);
	sipwall_timer_heap_uninit(&heap);
}

void add_timer_tests(void)
{
	add_test("timer heap fires in order, cancels and re-arms", test_heap_order, NULL);
}
