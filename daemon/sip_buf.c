// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sip_buf.h"

void sip_buf_init(struct sip_buf *buf, size_t limit)
{
	*buf = (struct sip_buf){ .limit = limit };
}

void sip_buf_uninit(struct sip_buf *buf)
{
	free(buf->data);
	*buf = (struct sip_buf){ 0 };
}

void sip_buf_reset(struct sip_buf *buf)
{
	buf->len = 0;
	buf->failed = false;
}

static bool reserve(struct sip_buf *buf, size_t extra)
{
	size_t want = buf->len + extra + 1;	/* +1 keeps room for a NUL */
	size_t cap = buf->cap ? buf->cap : 512;
	char *grown;

	if (buf->failed || extra > buf->limit || buf->len + extra > buf->limit) {
		buf->failed = true;
		return false;
	}
	if (want <= buf->cap)
		return true;
	while (cap < want)
		cap *= 2;
	grown = realloc(buf->data, cap);
	if (!grown) {
		buf->failed = true;
		return false;
	}
	buf->data = grown;
	buf->cap = cap;
	return true;
}

void sip_buf_append(struct sip_buf *buf, const void *data, size_t len)
{
	if (!reserve(buf, len))
		return;
	if (len)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void sip_buf_str(struct sip_buf *buf, struct sip_str s)
{
	sip_buf_append(buf, s.p, s.len);
}

void sip_buf_cstr(struct sip_buf *buf, const char *s)
{
	sip_buf_append(buf, s, strlen(s));
}

void sip_buf_printf(struct sip_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(buf, (size_t)n)) {
		buf->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
}
