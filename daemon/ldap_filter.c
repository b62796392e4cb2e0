// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ldap_filter.h"

ssize_t sipwall_ldap_escape(struct sip_str in, char *out, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 0;

	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.p[i];

		if (c < 0x20 || c == 0x7f || c == '(' || c == ')' || c == '*' || c == '\\') {
			if (n + 3 >= size)
				return -1;
			out[n++] = '\\';
			out[n++] = digits[c >> 4];
			out[n++] = digits[c & 15];
		} else {
			if (n + 1 >= size)
				return -1;
			out[n++] = (char)c;
		}
	}
	if (n >= size)
		return -1;
	out[n] = '\0';
	return (ssize_t)n;
}

int sipwall_ldap_filter_expand(const char *tmpl, struct sip_str user, struct sip_str realm,
			       char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = tmpl; *p; p++) {
		ssize_t len;

		if (*p != '%') {
			if (n + 1 >= size)
				return -1;
			out[n++] = *p;
			continue;
		}
		p++;
		if (*p == '%') {
			if (n + 1 >= size)
				return -1;
			out[n++] = '%';
			continue;
		}
		if (*p != 'u' && *p != 'r')
			return -1;
		len = sipwall_ldap_escape(*p == 'u' ? user : realm, out + n, size - n);
		if (len < 0)
			return -1;
		n += (size_t)len;
	}
	if (n >= size)
		return -1;
	out[n] = '\0';
	return 0;
}

bool sipwall_ldap_filter_valid(const char *tmpl)
{
	int depth = 0;
	bool has_user = false;

	if (tmpl[0] != '(')
		return false;
	for (const char *p = tmpl; *p; p++) {
		if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (--depth < 0)
				return false;
		} else if (*p == '%') {
			p++;
			if (*p == 'u')
				has_user = true;
			else if (*p != 'r' && *p != '%')
				return false;
		}
	}
	return depth == 0 && has_user && strlen(tmpl) < SIPWALL_LDAP_FILTER_MAX / 2;
}

bool sipwall_ldap_name_valid(struct sip_str name)
{
	const unsigned char *p = (const unsigned char *)name.p, *end = p + name.len;

	while (p < end) {
		unsigned int c = *p++, extra, cp;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			extra = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			extra = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			extra = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) < extra)
			return false;
		for (unsigned int i = 0; i < extra; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		p += extra;
		/* overlong forms, surrogates and beyond U+10FFFF */
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}
