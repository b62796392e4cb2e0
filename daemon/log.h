/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SIPWALL_LOG_H
#define SIPWALL_LOG_H

enum sipwall_log_level {
	SIPWALL_LOG_ERROR,
	SIPWALL_LOG_WARN,
	SIPWALL_LOG_INFO,
	SIPWALL_LOG_DEBUG,
};

void sipwall_log_set_level(enum sipwall_log_level level);
int sipwall_log_level_parse(const char *name, enum sipwall_log_level *level);
void sipwall_log(enum sipwall_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) sipwall_log(SIPWALL_LOG_ERROR, __VA_ARGS__)
#define log_warn(...) sipwall_log(SIPWALL_LOG_WARN, __VA_ARGS__)
#define log_info(...) sipwall_log(SIPWALL_LOG_INFO, __VA_ARGS__)
#define log_debug(...) sipwall_log(SIPWALL_LOG_DEBUG, __VA_ARGS__)

#endif
