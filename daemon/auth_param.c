// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <string.h>

#include "auth_param.h"

/* RFC 3261 token characters */
static bool is_token(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-.!%*_+`'~", c));
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t';
}

struct cursor {
	const char *p, *end;
};

static void skip_lws(struct cursor *c)
{
	while (c->p < c->end && is_lws(*c->p))
		c->p++;
}

bool sipwall_auth_is_digest(struct sip_str value)
{
	struct cursor c = { value.p, value.p + value.len };

	skip_lws(&c);
	return (size_t)(c.end - c.p) > 6 && !strncasecmp(c.p, "Digest", 6) && is_lws(c.p[6]);
}

static struct sip_str *field_of(struct sipwall_digest_creds *creds, struct sip_str name)
{
	static const struct {
		const char *name;
		size_t offset;
	} fields[] = {
		{ "username", offsetof(struct sipwall_digest_creds, username) },
		{ "realm", offsetof(struct sipwall_digest_creds, realm) },
		{ "nonce", offsetof(struct sipwall_digest_creds, nonce) },
		{ "uri", offsetof(struct sipwall_digest_creds, uri) },
		{ "response", offsetof(struct sipwall_digest_creds, response) },
		{ "algorithm", offsetof(struct sipwall_digest_creds, algorithm) },
		{ "cnonce", offsetof(struct sipwall_digest_creds, cnonce) },
		{ "opaque", offsetof(struct sipwall_digest_creds, opaque) },
		{ "qop", offsetof(struct sipwall_digest_creds, qop) },
		{ "nc", offsetof(struct sipwall_digest_creds, nc) },
		{ "userhash", offsetof(struct sipwall_digest_creds, userhash) },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (sip_str_is_nocase(name, fields[i].name))
			return (struct sip_str *)((char *)creds + fields[i].offset);
	return NULL;
}

/* Copies a token or an unescaped quoted string to out; returns its length or -1. */
static long read_value(struct cursor *c, char *out, const char **why)
{
	size_t n = 0;

	if (c->p < c->end && *c->p == '"') {
		for (c->p++; c->p < c->end && *c->p != '"'; c->p++) {
			unsigned char ch = (unsigned char)*c->p;

			if (ch == '\\') {
				if (++c->p == c->end)
					break;
				ch = (unsigned char)*c->p;
				/* quoted-pair excludes CR and LF; we also refuse NUL */
				if (ch == '\r' || ch == '\n' || ch == 0 || ch > 0x7f) {
					*why = "Bad escape in a quoted string";
					return -1;
				}
			} else if (ch < 0x20 && ch != '\t') {
				*why = "Control character in a quoted string";
				return -1;
			} else if (ch == 0x7f) {
				*why = "Control character in a quoted string";
				return -1;
			}
			out[n++] = (char)ch;
		}
		if (c->p == c->end) {
			*why = "Unterminated quoted string";
			return -1;
		}
		c->p++;
		return (long)n;
	}
	while (c->p < c->end && is_token(*c->p))
		out[n++] = *c->p++;
	if (!n) {
		*why = "Parameter without a value";
		return -1;
	}
	return (long)n;
}

int sipwall_auth_params_parse(struct sip_str value, struct sipwall_digest_creds *creds,
			      const char **why)
{
	struct cursor c = { value.p, value.p + value.len };
	unsigned int count = 0;
	size_t used = 0;

	memset(creds, 0, offsetof(struct sipwall_digest_creds, buf));
	*why = "Malformed credentials";
	/* every value fits in buf: unescaping only shrinks it */
	if (value.len >= SIPWALL_AUTH_MAX_VALUE) {
		*why = "Credentials too long";
		return -1;
	}
	if (!sipwall_auth_is_digest(value)) {
		*why = "Credentials are not Digest";
		return -1;
	}
	skip_lws(&c);
	c.p += 6;
	for (;;) {
		struct sip_str name, *field;
		long len;

		skip_lws(&c);
		name.p = c.p;
		while (c.p < c.end && is_token(*c.p))
			c.p++;
		name.len = (size_t)(c.p - name.p);
		skip_lws(&c);
		if (!name.len || c.p == c.end || *c.p != '=') {
			*why = "Expected name=value in credentials";
			return -1;
		}
		c.p++;
		skip_lws(&c);
		len = read_value(&c, creds->buf + used, why);
		if (len < 0)
			return -1;
		if (++count > SIPWALL_AUTH_MAX_PARAMS) {
			*why = "Too many credential parameters";
			return -1;
		}
		field = field_of(creds, name);
		if (field) {
			if (sip_str_is_set(*field)) {
				*why = "Credential parameter given twice";
				return -1;
			}
			*field = sip_str_make(creds->buf + used, (size_t)len);
			used += (size_t)len;
			creds->buf[used++] = '\0';
		}
		skip_lws(&c);
		if (c.p == c.end)
			break;
		if (*c.p != ',') {
			*why = "Expected a comma between credential parameters";
			return -1;
		}
		c.p++;
	}
	if (creds->username.len > SIPWALL_AUTH_MAX_USERNAME) {
		*why = "User name too long";
		return -1;
	}
	return 0;
}
