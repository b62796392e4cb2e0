/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A slice of bytes that someone else owns: the parser hands these out
 * pointing into the receive buffer, so they live exactly as long as it.
 */
#ifndef SIPWALL_SIP_STR_H
#define SIPWALL_SIP_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct sip_str {
	const char *p;
	size_t len;
};

#define SIP_STR(literal) ((struct sip_str){ (literal), sizeof(literal) - 1 })
#define SIP_STR_FMT "%.*s"
#define SIP_STR_ARG(s) (int)(s).len, (s).p

static inline struct sip_str sip_str_make(const char *p, size_t len)
{
	return (struct sip_str){ p, len };
}

static inline struct sip_str sip_str_from_cstr(const char *s)
{
	return (struct sip_str){ s, strlen(s) };
}

static inline bool sip_str_is_set(struct sip_str s)
{
	return s.p != NULL;
}

static inline bool sip_str_eq(struct sip_str a, struct sip_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static inline bool sip_str_eq_nocase(struct sip_str a, struct sip_str b)
{
	return a.len == b.len && (a.len == 0 || strncasecmp(a.p, b.p, a.len) == 0);
}

static inline bool sip_str_is_nocase(struct sip_str a, const char *lit)
{
	return sip_str_eq_nocase(a, sip_str_from_cstr(lit));
}

#endif
