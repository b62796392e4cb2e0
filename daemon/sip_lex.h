/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Character classes and a cursor for the RFC 3261 section 25 grammar.
 * Folded lines are unfolded in place before any of this runs, so linear
 * white space (LWS) is only ever SP or HTAB here.
 */
#ifndef SIPWALL_SIP_LEX_H
#define SIPWALL_SIP_LEX_H

#include <stdbool.h>
#include <stdint.h>

#include "sip_str.h"

struct sip_cursor {
	const char *p;
	const char *end;
};

static inline struct sip_cursor sip_cursor_of(struct sip_str s)
{
	return (struct sip_cursor){ s.p, s.p + s.len };
}

static inline bool sip_cursor_done(const struct sip_cursor *c)
{
	return c->p >= c->end;
}

static inline int sip_cursor_peek(const struct sip_cursor *c)
{
	return c->p < c->end ? (unsigned char)*c->p : -1;
}

static inline bool sip_is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static inline bool sip_is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static inline bool sip_is_alnum(int ch)
{
	return sip_is_alpha(ch) || sip_is_digit(ch);
}

static inline bool sip_is_hex(int ch)
{
	return sip_is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* The value of a hex digit, or -1. */
static inline int sip_hex_value(int ch)
{
	if (sip_is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static inline bool sip_is_wsp(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
static inline bool sip_is_token_char(int ch)
{
	return sip_is_alnum(ch) || (ch > 0 && strchr("-.!%*_+`'~", ch) != NULL);
}

/* unreserved = alphanum / mark */
static inline bool sip_is_unreserved(int ch)
{
	return sip_is_alnum(ch) || (ch > 0 && strchr("-_.!~*'()", ch) != NULL);
}

static inline void sip_skip_wsp(struct sip_cursor *c)
{
	while (c->p < c->end && sip_is_wsp(*c->p))
		c->p++;
}

/* Consumes SWS ch SWS; false (cursor unmoved) if ch is not next. */
static inline bool sip_accept_sep(struct sip_cursor *c, char ch)
{
	struct sip_cursor save = *c;

	sip_skip_wsp(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		sip_skip_wsp(c);
		return true;
	}
	*c = save;
	return false;
}

static inline struct sip_str sip_take_token(struct sip_cursor *c)
{
	const char *start = c->p;

	while (c->p < c->end && sip_is_token_char((unsigned char)*c->p))
		c->p++;
	return sip_str_make(start, (size_t)(c->p - start));
}

bool sip_take_quoted(struct sip_cursor *c, struct sip_str *inner);
bool sip_take_uint(struct sip_cursor *c, uint64_t max, uint64_t *out);
bool sip_str_to_uint(struct sip_str s, uint64_t max, uint64_t *out);
bool sip_escapes_valid(struct sip_str s);
struct sip_str sip_str_trim(struct sip_str s);
size_t sip_unquote(struct sip_str quoted_inner, char *out, size_t out_size);

#endif
