// SPDX-License-Identifier: GPL-2.0
/*
 * Logging to stderr, one line per event, level-filtered. Callers never
 * pass secrets (keys, passwords, digest responses) to it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static enum sipwall_log_level threshold = SIPWALL_LOG_INFO;
static const char *const level_names[] = { "error", "warn", "info", "debug" };

void sipwall_log_set_level(enum sipwall_log_level level)
{
	threshold = level;
}

int sipwall_log_level_parse(const char *name, enum sipwall_log_level *level)
{
	for (int i = SIPWALL_LOG_ERROR; i <= SIPWALL_LOG_DEBUG; i++) {
		if (!strcmp(name, level_names[i])) {
			*level = (enum sipwall_log_level)i;
			return 0;
		}
	}
	return -1;
}

void sipwall_log(enum sipwall_log_level level, const char *fmt, ...)
{
	struct timespec now;
	struct tm tm;
	char stamp[32];
	va_list ap;

	if (level > threshold)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ sipwalld %s: ", stamp, now.tv_nsec / 1000000, level_names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
