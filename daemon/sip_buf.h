/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growable output buffer. Writes after an allocation failure or past
 * the cap are dropped and remembered in failed, so a writer can check once
 * at the end instead of after every append.
 */
#ifndef SIPWALL_SIP_BUF_H
#define SIPWALL_SIP_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "sip_str.h"

struct sip_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit;
	bool failed;
};

void sip_buf_init(struct sip_buf *buf, size_t limit);
void sip_buf_uninit(struct sip_buf *buf);
void sip_buf_reset(struct sip_buf *buf);
void sip_buf_append(struct sip_buf *buf, const void *data, size_t len);
void sip_buf_str(struct sip_buf *buf, struct sip_str s);
void sip_buf_cstr(struct sip_buf *buf, const char *s);
void sip_buf_printf(struct sip_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
