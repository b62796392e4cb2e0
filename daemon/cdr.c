// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cdr.h"
#include "log.h"

static int cdr_fd = -1;

int sipwall_cdr_open(const char *path)
{
	int fd = -1;

	if (path) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return -1;
	}
	sipwall_cdr_close();
	cdr_fd = fd;
	return 0;
}

void sipwall_cdr_close(void)
{
	if (cdr_fd >= 0)
		close(cdr_fd);
	cdr_fd = -1;
}

uint64_t sipwall_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct out {
	char *p;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->p + o->len : NULL, o->len < o->size ? o->size - o->len : 0,
		      fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void put_string(struct out *o, const char *key, const char *s)
{
	put(o, "\"%s\":\"", key);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			put(o, "\\u%04x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\",");
}

/* RFC 3339, UTC, milliseconds. */
static void put_time(struct out *o, const char *key, uint64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char text[32];

	if (!ms) {
		put(o, "\"%s\":null,", key);
		return;
	}
	gmtime_r(&secs, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
	put(o, "\"%s\":\"%s.%03uZ\",", key, text, (unsigned int)(ms % 1000));
}

size_t sipwall_cdr_format(const struct sipwall_cdr *rec, char *out, size_t size)
{
	struct out o = { out, size, 0 };
	uint64_t duration = rec->answer_ms && rec->end_ms > rec->answer_ms ?
			    (rec->end_ms - rec->answer_ms + 500) / 1000 : 0;

	put(&o, "{");
	put_time(&o, "start", rec->start_ms);
	put_time(&o, "answer", rec->answer_ms);
	put_time(&o, "end", rec->end_ms);
	put_string(&o, "from_realm", rec->from_realm);
	put_string(&o, "to_realm", rec->to_realm);
	put_string(&o, "caller", rec->caller);
	put_string(&o, "callee", rec->callee);
	put(&o, "\"duration\":%llu,\"status\":%u,", (unsigned long long)duration, rec->status);
	put_string(&o, "reason", rec->reason);
	put_string(&o, "ended_by", rec->ended_by);
	o.len--;	/* the last comma */
	put(&o, "}\n");
	return o.len;
}

void sipwall_cdr_write(const struct sipwall_cdr *rec)
{
	char line[2048];
	size_t len;

	if (cdr_fd < 0)
		return;
	len = sipwall_cdr_format(rec, line, sizeof(line));
	if (len >= sizeof(line)) {
		log_warn("call record too long (%zu bytes): not written", len);
		return;
	}
	/* one write(): with O_APPEND the line lands whole at the end */
	if (write(cdr_fd, line, len) != (ssize_t)len)
		log_warn("cdr_file: write failed: %s", errno ? strerror(errno) : "short write");
}
