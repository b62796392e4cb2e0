/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Call records: one JSON object per line per finished call, appended to
 * [calls] cdr_file. The file is opened with O_APPEND and each record is
 * one write(), so concurrent readers never see half a line; a reload
 * (SIGHUP) reopens it, which is what logrotate needs.
 */
#ifndef SIPWALL_CDR_H
#define SIPWALL_CDR_H

#include <stddef.h>
#include <stdint.h>

struct sipwall_cdr {
	uint64_t start_ms, answer_ms, end_ms;	/* wall clock; answer 0: never */
	const char *from_realm, *to_realm;
	const char *caller, *callee;		/* user@host */
	unsigned int status;			/* the caller's final answer */
	const char *reason;			/* bye, cancel, busy, ... */
	const char *ended_by;			/* a realm's name, or "sbc" */
};

/* Opens path (NULL: records off), closing the file open before. -1: see errno. */
int sipwall_cdr_open(const char *path);
void sipwall_cdr_close(void);
/* Formats rec as one line with its newline; returns its length (may exceed size). */
size_t sipwall_cdr_format(const struct sipwall_cdr *rec, char *out, size_t size);
void sipwall_cdr_write(const struct sipwall_cdr *rec);
/* Wall-clock milliseconds (CLOCK_REALTIME). */
uint64_t sipwall_wall_ms(void);

#endif
