// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "b2bua_config.h"
#include "config_value.h"
#include "sip_lex.h"
#include "sip_uri.h"

void sipwall_calls_config_defaults(struct sipwall_calls_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_calls = 10000;
	c->ring_timeout_s = 180;
	c->idle_timeout_s = 7200;
}

int sipwall_calls_config_set(struct sipwall_calls_config *c, const char *name,
			     const char *value, const char **why)
{
	*why = "invalid value";
	if (!strcmp(name, "cdr_file")) {
		if (!*value) {
			*why = "expected a file path";
			return -1;
		}
		return sipwall_config_string(&c->cdr_file, value);
	}
	if (!strcmp(name, "max_calls"))
		return sipwall_config_uint(value, 1, 1000000, &c->max_calls);
	if (!strcmp(name, "ring_timeout"))
		return sipwall_config_uint(value, 1, 3600, &c->ring_timeout_s);
	if (!strcmp(name, "call_idle_timeout")) {
		if (!sipwall_config_uint(value, 0, 0, &c->idle_timeout_s) ||
		    !sipwall_config_uint(value, 10, 604800, &c->idle_timeout_s))
			return 0;
		*why = "expected 0 (never) or 10-604800 seconds";
		return -1;
	}
	*why = "unknown key";
	return -1;
}

void sipwall_calls_config_free(struct sipwall_calls_config *c)
{
	free(c->cdr_file);
	memset(c, 0, sizeof(*c));
}

/* "User-Agent Server P-*": tokens, '*' only as the last character of one. */
static int parse_globs(struct sipwall_header_globs *g, const char *value)
{
	char *text = strdup(value), *save = NULL, *name;
	struct sipwall_header_globs parsed = { .text = text };

	if (!text)
		return -1;
	for (name = strtok_r(text, " \t,", &save); name; name = strtok_r(NULL, " \t,", &save)) {
		size_t len = strlen(name);

		if (parsed.count == SIPWALL_MAX_HEADER_GLOBS)
			goto bad;
		/* tokens; '*' only as the last character */
		for (size_t i = 0; i < len; i++)
			if (name[i] == '*' ? i != len - 1 : !sip_is_token_char((unsigned char)name[i]))
				goto bad;
		parsed.names[parsed.count++] = name;
	}
	if (!parsed.count)
		goto bad;
	free(g->text);
	*g = parsed;
	return 0;
bad:
	free(text);
	return -1;
}

bool sipwall_header_globs_match(const struct sipwall_header_globs *g, struct sip_str name)
{
	for (unsigned int i = 0; i < g->count; i++) {
		size_t len = strlen(g->names[i]);

		if (len && g->names[i][len - 1] == '*') {
			if (name.len >= len - 1 && !strncasecmp(name.p, g->names[i], len - 1))
				return true;
		} else if (sip_str_eq_nocase(name, sip_str_make(g->names[i], len))) {
			return true;
		}
	}
	return false;
}

/* HOST or HOST:PORT, IPv6 in brackets. */
static int parse_advertise(struct sipwall_realm_b2bua_config *c, const char *value)
{
	const char *colon = value[0] == '[' ? strstr(value, "]:") : strrchr(value, ':');
	size_t host_len = strlen(value);
	unsigned int port = 0;
	char *host;

	if (value[0] == '[' && colon)
		colon++;
	else if (value[0] == '[')
		colon = NULL;
	if (colon) {
		host_len = (size_t)(colon - value);
		if (sipwall_config_uint(colon + 1, 1, 65535, &port))
			return -1;
	}
	if (!host_len || !sip_host_valid(sip_str_make(value, host_len)))
		return -1;
	host = strndup(value, host_len);
	if (!host)
		return -1;
	free(c->advertise_host);
	c->advertise_host = host;
	c->advertise_port = (uint16_t)port;
	return 0;
}

static const char *const realm_keys[] = {
	"peer_realm", "advertise", "identity_host", "pass_headers", "strip_headers",
	"trust_identity", "send_identity",
};

bool sipwall_realm_b2bua_key(const char *name)
{
	for (size_t i = 0; i < sizeof(realm_keys) / sizeof(realm_keys[0]); i++)
		if (!strcmp(name, realm_keys[i]))
			return true;
	return false;
}

int sipwall_realm_b2bua_set(struct sipwall_realm_b2bua_config *c, const char *name,
			    const char *value, const char **why)
{
	*why = "invalid value";
	if (!strcmp(name, "peer_realm")) {
		for (const char *p = value; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
			      *p == '_'))
				goto bad_realm;
		if (!*value)
			goto bad_realm;
		return sipwall_config_string(&c->peer_realm, value);
	}
	if (!strcmp(name, "advertise")) {
		*why = "expected HOST or HOST:PORT (IPv6 in brackets)";
		return parse_advertise(c, value);
	}
	if (!strcmp(name, "identity_host")) {
		*why = "expected a host name or address (IPv6 in brackets)";
		if (!sip_host_valid(sip_str_from_cstr(value)))
			return -1;
		return sipwall_config_string(&c->identity_host, value);
	}
	if (!strcmp(name, "pass_headers") || !strcmp(name, "strip_headers")) {
		*why = "expected header names, a trailing * matching any rest (at most 32)";
		return parse_globs(name[0] == 'p' ? &c->pass_headers : &c->strip_headers, value);
	}
	if (!strcmp(name, "trust_identity"))
		return sipwall_config_bool(value, &c->trust_identity);
	if (!strcmp(name, "send_identity"))
		return sipwall_config_bool(value, &c->send_identity);
	*why = "unknown key";
	return -1;
bad_realm:
	*why = "expected a realm name (a-z, 0-9, '-' and '_')";
	return -1;
}

void sipwall_realm_b2bua_free(struct sipwall_realm_b2bua_config *c)
{
	free(c->peer_realm);
	free(c->advertise_host);
	free(c->identity_host);
	free(c->pass_headers.text);
	free(c->strip_headers.text);
	memset(c, 0, sizeof(*c));
}
