// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

static struct {
	int epfd;
	struct sipwall_io signals;
	struct sipwall_timer_heap timers;
	struct sipwall_loop_ops ops;
	uint64_t now_ms;
	bool running;
	struct sipwall_deferred *deferred;
} loop = { .epfd = -1, .signals = { .fd = -1 } };

static uint64_t clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t sipwall_now_ms(void)
{
	return loop.now_ms;
}

int sipwall_timer_after(struct sipwall_timer *timer, uint64_t delay_ms)
{
	return sipwall_timer_arm(&loop.timers, timer, loop.now_ms + delay_ms);
}

void sipwall_timer_stop(struct sipwall_timer *timer)
{
	sipwall_timer_cancel(&loop.timers, timer);
}

static void on_signal(struct sipwall_io *io, uint32_t events)
{
	struct signalfd_siginfo info;

	(void)events;
	while (read(io->fd, &info, sizeof(info)) == sizeof(info)) {
		if (info.ssi_signo == SIGHUP) {
			log_info("SIGHUP: reloading the configuration");
			loop.ops.reload(loop.ops.ctx);
		} else {
			log_info("%s: shutting down", strsignal((int)info.ssi_signo));
			loop.ops.shutdown(loop.ops.ctx);
		}
	}
}

void sipwall_loop_defer(struct sipwall_deferred *d, void (*fn)(struct sipwall_deferred *d))
{
	d->fn = fn;
	d->next = loop.deferred;
	loop.deferred = d;
}

static void run_deferred(void)
{
	while (loop.deferred) {
		struct sipwall_deferred *d = loop.deferred;

		loop.deferred = d->next;
		d->fn(d);
	}
}

int sipwall_loop_init(const struct sipwall_loop_ops *ops)
{
	sigset_t mask;
	int fd;

	loop.ops = *ops;
	loop.now_ms = clock_ms();
	if (sipwall_timer_heap_init(&loop.timers))
		goto err;
	loop.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop.epfd < 0)
		goto err_timers;
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	/* signals become readable events; nothing runs in signal context */
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		goto err_epoll;
	fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		goto err_epoll;
	if (sipwall_io_add(&loop.signals, fd, EPOLLIN, on_signal)) {
		close(fd);
		goto err_epoll;
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;

err_epoll:
	close(loop.epfd);
	loop.epfd = -1;
err_timers:
	sipwall_timer_heap_uninit(&loop.timers);
err:
	return -1;
}

void sipwall_loop_uninit(void)
{
	run_deferred();
	if (loop.signals.fd >= 0) {
		sipwall_io_del(&loop.signals);
		close(loop.signals.fd);
		loop.signals.fd = -1;
	}
	if (loop.epfd >= 0)
		close(loop.epfd);
	loop.epfd = -1;
	sipwall_timer_heap_uninit(&loop.timers);
}

int sipwall_io_add(struct sipwall_io *io, int fd, uint32_t events, sipwall_io_fn fn)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	io->fd = fd;
	io->events = events;
	io->fn = fn;
	return epoll_ctl(loop.epfd, EPOLL_CTL_ADD, fd, &ev);
}

int sipwall_io_modify(struct sipwall_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (io->events == events)
		return 0;
	io->events = events;
	return epoll_ctl(loop.epfd, EPOLL_CTL_MOD, io->fd, &ev);
}

void sipwall_io_del(struct sipwall_io *io)
{
	if (io->fd >= 0)
		epoll_ctl(loop.epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

void sipwall_loop_stop(void)
{
	loop.running = false;
}

int sipwall_loop_run(void)
{
	struct epoll_event events[64];

	loop.running = true;
	while (loop.running) {
		uint64_t next = sipwall_timer_next(&loop.timers);
		int timeout = -1, n;

		loop.now_ms = clock_ms();
		if (next != UINT64_MAX)
			timeout = next <= loop.now_ms ? 0 :
				  (int)(next - loop.now_ms > 60000 ? 60000 : next - loop.now_ms);
		n = epoll_wait(loop.epfd, events, 64, timeout);
		if (n < 0 && errno != EINTR) {
			log_error("epoll_wait: %s", strerror(errno));
			return -1;
		}
		loop.now_ms = clock_ms();
		for (int i = 0; i < n; i++) {
			struct sipwall_io *io = events[i].data.ptr;

			/* closed by an earlier callback of this batch: see io_del */
			if (io->fd >= 0)
				io->fn(io, events[i].events);
		}
		sipwall_timer_run(&loop.timers, loop.now_ms);
		run_deferred();
	}
	return 0;
}
