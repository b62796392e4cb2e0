// SPDX-License-Identifier: GPL-2.0
/*
 * Expands the notation of RFC 4475 section 2: <allOneLine>, <hex> and
 * <repeat count=N>, and turns LF line ends into CRLF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

struct out {
	char *data;
	size_t len, cap;
};

static void put(struct out *o, const char *p, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->data = realloc(o->data, o->cap);
		if (!o->data)
			abort();
	}
	memcpy(o->data + o->len, p, n);
	o->len += n;
	o->data[o->len] = '\0';
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static void expand(struct out *o, const char *p, const char *end, int one_line)
{
	while (p < end) {
		if (!strncmp(p, "<allOneLine>\n", 13)) {
			const char *close = strstr(p, "</allOneLine>\n");

			expand(o, p + 13, close, 1);
			put(o, "\r\n", 2);
			p = close + 14;
		} else if (!strncmp(p, "<hex>", 5)) {
			for (p += 5; strncmp(p, "</hex>", 6); p += 2) {
				char byte = (char)(hexval(p[0]) << 4 | hexval(p[1]));

				put(o, &byte, 1);
			}
			p += 6;
		} else if (!strncmp(p, "<repeat count=", 14)) {
			int count = atoi(p + 14);
			const char *text = strchr(p, '>') + 1;
			const char *close = strstr(text, "</repeat>");

			while (count--)
				put(o, text, (size_t)(close - text));
			p = close + 9;
		} else if (*p == '\n') {
			if (!one_line)
				put(o, "\r\n", 2);
			p++;
		} else {
			put(o, p++, 1);
		}
	}
}

char *torture_load(const char *path, size_t *len)
{
	struct out o = { 0 };
	FILE *f = fopen(path, "rb");
	char *text;
	long size;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = malloc((size_t)size + 1);
	if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	text[size] = '\0';
	expand(&o, text, text + size, 0);
	free(text);
	put(&o, "", 0);
	*len = o.len;
	return o.data;
}
