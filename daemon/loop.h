/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's single-threaded event loop: epoll for file descriptors,
 * a timer heap for deadlines, signalfd for SIGHUP (reload) and SIGTERM/
 * SIGINT (graceful shutdown).
 */
#ifndef SIPWALL_LOOP_H
#define SIPWALL_LOOP_H

#include <stdint.h>

#include "timer.h"

struct sipwall_io;
typedef void (*sipwall_io_fn)(struct sipwall_io *io, uint32_t events);

/* Embedded in its owner (socket, connection). */
struct sipwall_io {
	int fd;
	uint32_t events;
	sipwall_io_fn fn;
};

struct sipwall_loop_ops {
	void (*reload)(void *ctx);
	void (*shutdown)(void *ctx);
	void *ctx;
};

int sipwall_loop_init(const struct sipwall_loop_ops *ops);
void sipwall_loop_uninit(void);
/* Runs until sipwall_loop_stop(); returns 0, or -1 on a loop failure. */
int sipwall_loop_run(void);
void sipwall_loop_stop(void);

/*
 * Work that must wait until the current batch of events is handled,
 * typically freeing an object whose io may still have a pending event:
 * sipwall_io_del() and fd = -1 first, then defer the free.
 */
struct sipwall_deferred {
	struct sipwall_deferred *next;
	void (*fn)(struct sipwall_deferred *d);
};

void sipwall_loop_defer(struct sipwall_deferred *d, void (*fn)(struct sipwall_deferred *d));

int sipwall_io_add(struct sipwall_io *io, int fd, uint32_t events, sipwall_io_fn fn);
int sipwall_io_modify(struct sipwall_io *io, uint32_t events);
void sipwall_io_del(struct sipwall_io *io);

/* Monotonic milliseconds, cached per loop iteration. */
uint64_t sipwall_now_ms(void);
int sipwall_timer_after(struct sipwall_timer *timer, uint64_t delay_ms);
void sipwall_timer_stop(struct sipwall_timer *timer);

#endif
