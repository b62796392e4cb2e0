// SPDX-License-Identifier: GPL-2.0
/*
 * Lexical helpers shared by the SIP start-line, header and URI parsers.
 */
#include "sip_lex.h"

/*
 * quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE
 * On success *inner is the text between the quotes, escapes left as they
 * are (zero copy); sip_unquote() resolves them when someone needs it.
 */
bool sip_take_quoted(struct sip_cursor *c, struct sip_str *inner)
{
	const char *p = c->p;
	const char *start;

	if (p >= c->end || *p != '"')
		return false;
	start = ++p;
	while (p < c->end) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"') {
			*inner = sip_str_make(start, (size_t)(p - start));
			c->p = p + 1;
			return true;
		}
		if (ch == '\\') {
			/* quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F) */
			if (p + 1 >= c->end)
				return false;
			ch = (unsigned char)p[1];
			if (ch == '\r' || ch == '\n' || ch > 0x7f)
				return false;
			p += 2;
			continue;
		}
		/* qdtext excludes controls other than LWS */
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return false;
		p++;
	}
	return false;
}

size_t sip_unquote(struct sip_str in, char *out, size_t out_size)
{
	size_t n = 0;

	for (size_t i = 0; i < in.len && n + 1 < out_size; i++) {
		if (in.p[i] == '\\' && i + 1 < in.len)
			i++;
		out[n++] = in.p[i];
	}
	if (out_size)
		out[n] = '\0';
	return n;
}

/* 1*DIGIT no larger than max: overlarge scalars are errors, not wraps. */
bool sip_take_uint(struct sip_cursor *c, uint64_t max, uint64_t *out)
{
	uint64_t value = 0;
	const char *start = c->p;

	while (c->p < c->end && sip_is_digit((unsigned char)*c->p)) {
		value = value * 10 + (uint64_t)(*c->p - '0');
		if (value > max)
			return false;
		c->p++;
	}
	if (c->p == start)
		return false;
	*out = value;
	return true;
}

bool sip_str_to_uint(struct sip_str s, uint64_t max, uint64_t *out)
{
	struct sip_cursor c = sip_cursor_of(s);

	return sip_take_uint(&c, max, out) && sip_cursor_done(&c);
}

/* escaped = "%" HEXDIG HEXDIG; a URI part with a bad escape is malformed. */
bool sip_escapes_valid(struct sip_str s)
{
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] != '%')
			continue;
		if (s.len - i < 3)
			return false;
		if (!sip_is_hex((unsigned char)s.p[i + 1]) ||
		    !sip_is_hex((unsigned char)s.p[i + 2]))
			return false;
		i += 2;
	}
	return true;
}

struct sip_str sip_str_trim(struct sip_str s)
{
	while (s.len && sip_is_wsp((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && sip_is_wsp((unsigned char)s.p[s.len - 1]))
		s.len--;
	return s;
}
