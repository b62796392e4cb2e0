// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "timer.h"

void sipwall_timer_init(struct sipwall_timer *timer, sipwall_timer_fn fn)
{
	timer->deadline_ms = 0;
	timer->heap_index = SIZE_MAX;
	timer->fn = fn;
}

int sipwall_timer_heap_init(struct sipwall_timer_heap *heap)
{
	heap->count = 0;
	heap->capacity = 256;
	heap->slots = calloc(heap->capacity, sizeof(*heap->slots));
	return heap->slots ? 0 : -1;
}

void sipwall_timer_heap_uninit(struct sipwall_timer_heap *heap)
{
	for (size_t i = 0; i < heap->count; i++)
		heap->slots[i]->heap_index = SIZE_MAX;
	free(heap->slots);
	heap->slots = NULL;
	heap->count = heap->capacity = 0;
}

static void place(struct sipwall_timer_heap *heap, size_t i, struct sipwall_timer *t)
{
	heap->slots[i] = t;
	t->heap_index = i;
}

static void sift_up(struct sipwall_timer_heap *heap, size_t i)
{
	struct sipwall_timer *t = heap->slots[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (heap->slots[parent]->deadline_ms <= t->deadline_ms)
			break;
		place(heap, i, heap->slots[parent]);
		i = parent;
	}
	place(heap, i, t);
}

static void sift_down(struct sipwall_timer_heap *heap, size_t i)
{
	struct sipwall_timer *t = heap->slots[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= heap->count)
			break;
		if (child + 1 < heap->count &&
		    heap->slots[child + 1]->deadline_ms < heap->slots[child]->deadline_ms)
			child++;
		if (heap->slots[child]->deadline_ms >= t->deadline_ms)
			break;
		place(heap, i, heap->slots[child]);
		i = child;
	}
	place(heap, i, t);
}

void sipwall_timer_cancel(struct sipwall_timer_heap *heap, struct sipwall_timer *timer)
{
	size_t i = timer->heap_index;
	struct sipwall_timer *last;

	if (i == SIZE_MAX)
		return;
	timer->heap_index = SIZE_MAX;
	last = heap->slots[--heap->count];
	if (last == timer)
		return;
	place(heap, i, last);
	sift_up(heap, i);
	sift_down(heap, last->heap_index);
}

int sipwall_timer_arm(struct sipwall_timer_heap *heap, struct sipwall_timer *timer,
		      uint64_t deadline_ms)
{
	sipwall_timer_cancel(heap, timer);
	if (heap->count == heap->capacity) {
		size_t capacity = heap->capacity * 2;
		struct sipwall_timer **grown = realloc(heap->slots, capacity * sizeof(*grown));

		if (!grown)
			return -1;
		heap->slots = grown;
		heap->capacity = capacity;
	}
	timer->deadline_ms = deadline_ms;
	place(heap, heap->count++, timer);
	sift_up(heap, timer->heap_index);
	return 0;
}

uint64_t sipwall_timer_next(const struct sipwall_timer_heap *heap)
{
	return heap->count ? heap->slots[0]->deadline_ms : UINT64_MAX;
}

void sipwall_timer_run(struct sipwall_timer_heap *heap, uint64_t now_ms)
{
	while (heap->count && heap->slots[0]->deadline_ms <= now_ms) {
		struct sipwall_timer *t = heap->slots[0];

		sipwall_timer_cancel(heap, t);
		t->fn(t);
	}
}
