/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timers in a binary min-heap: add, cancel and re-arm are O(log n), and
 * finding the next deadline is O(1), however many transactions wait.
 */
#ifndef SIPWALL_TIMER_H
#define SIPWALL_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sipwall_timer;
typedef void (*sipwall_timer_fn)(struct sipwall_timer *timer);

/* Embedded in its owner; container_of() gets the owner back. */
struct sipwall_timer {
	uint64_t deadline_ms;
	size_t heap_index;	/* SIZE_MAX: not armed */
	sipwall_timer_fn fn;
};

struct sipwall_timer_heap {
	struct sipwall_timer **slots;
	size_t count;
	size_t capacity;
};

void sipwall_timer_init(struct sipwall_timer *timer, sipwall_timer_fn fn);
static inline bool sipwall_timer_armed(const struct sipwall_timer *timer)
{
	return timer->heap_index != SIZE_MAX;
}

int sipwall_timer_heap_init(struct sipwall_timer_heap *heap);
void sipwall_timer_heap_uninit(struct sipwall_timer_heap *heap);
/* (Re-)arms timer to fire at deadline_ms; -1 only if out of memory. */
int sipwall_timer_arm(struct sipwall_timer_heap *heap, struct sipwall_timer *timer,
		      uint64_t deadline_ms);
void sipwall_timer_cancel(struct sipwall_timer_heap *heap, struct sipwall_timer *timer);
/* Deadline of the earliest timer, or UINT64_MAX. */
uint64_t sipwall_timer_next(const struct sipwall_timer_heap *heap);
/*
 * Runs every timer due at now_ms, earliest first. A timer is disarmed
 * before its function runs, so the function may re-arm or free it.
 */
void sipwall_timer_run(struct sipwall_timer_heap *heap, uint64_t now_ms);

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#endif
