// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "tests.h"

static FILE *capture_file;
static int saved_stderr = -1;

void capture_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	assert_non_null(capture_file);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(capture_file), STDERR_FILENO) >= 0);
}

char *capture_end(void)
{
	char *text;
	long len;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	len = ftell(capture_file);
	text = calloc(1, len + 1);
	rewind(capture_file);
	assert_int_equal(fread(text, 1, len, capture_file), (size_t)len);
	fclose(capture_file);
	return text;
}

static struct out mem_out;
static char *mem_buf;
static size_t mem_len;

struct out *out_mem_begin(int mode)
{
	FILE *f = open_memstream(&mem_buf, &mem_len);

	assert_non_null(f);
	out_init(&mem_out, f, mode);
	/* Escape sequences would only make the expected strings unreadable. */
	mem_out.color = false;
	return &mem_out;
}

char *out_mem_end(void)
{
	fclose(mem_out.f);
	return mem_buf;
}

/* A recursive-descent JSON checker: enough to catch what a printer gets wrong. */
static const char *json_value(const char *p, int depth);

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	int i;

	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p;
}

static const char *json_container(const char *p, int depth, char close, int object)
{
	p = ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			p = json_string(p);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = ws(p);
	switch (*p) {
	case '{':
		return json_container(p, depth, '}', 1);
	case '[':
		return json_container(p, depth, ']', 0);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return json_number(p);
	}
}

int json_valid(const char *s)
{
	const char *end = json_value(s, 0);

	return end && !*ws(end);
}

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "msg.h"

static void table_put(const struct nlattr *attr, const struct nlattr **tb, int max)
{
	int type = mnl_attr_get_type(attr);

	assert_in_range(type, 1, max);
	assert_null(tb[type]);
	tb[type] = attr;
}

void msg_table(const struct nlattr *nest, const struct nlattr **tb, int max)
{
	const struct nlattr *attr;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	/* The kernel parses nests strictly: they must be marked as such. */
	assert_true(nest->nla_type & NLA_F_NESTED);
	mnl_attr_for_each_nested(attr, nest)
		table_put(attr, tb, max);
}

void msg_table_top(const struct nlmsghdr *nlh, const struct nlattr **tb, int max)
{
	const struct nlattr *attr;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		table_put(attr, tb, max);
}
