// SPDX-License-Identifier: GPL-2.0
/*
 * SIP-URI / SIPS-URI (RFC 3261 section 19.1, grammar in 25.1), IPv6
 * references (RFC 5954) and, for other schemes, a character check only.
 */
#include <arpa/inet.h>

#include "sip_lex.h"
#include "sip_uri.h"

static bool is_user_char(int ch)
{
	/* unreserved / escaped / user-unreserved; ':' is checked by caller */
	return sip_is_unreserved(ch) || (ch > 0 && strchr("%&=+$,;?/", ch));
}

static bool is_password_char(int ch)
{
	return sip_is_unreserved(ch) || (ch > 0 && strchr("%&=+$,", ch));
}

static bool is_param_char(int ch)
{
	/* paramchar = param-unreserved / unreserved / escaped */
	return sip_is_unreserved(ch) || (ch > 0 && strchr("[]/:&+$%", ch));
}

static bool is_header_char(int ch)
{
	/* hnv-unreserved / unreserved / escaped, plus the '=' and '&' between */
	return sip_is_unreserved(ch) || (ch > 0 && strchr("[]/?:+$%=&", ch));
}

static bool is_uric(int ch)
{
	return ch > 0x20 && ch < 0x7f && !strchr("<>\"{}|\\^`", ch);
}

static bool run_all(struct sip_str s, bool (*ok)(int))
{
	for (size_t i = 0; i < s.len; i++)
		if (!ok((unsigned char)s.p[i]))
			return false;
	return true;
}

static bool hostname_valid(struct sip_str host)
{
	/* hostname = *( domainlabel "." ) toplabel [ "." ]; IPv4 fits this too */
	bool label_start = true;

	if (!host.len)
		return false;
	for (size_t i = 0; i < host.len; i++) {
		int ch = (unsigned char)host.p[i];

		if (ch == '.') {
			if (label_start)
				return false;
			label_start = true;
			continue;
		}
		if (!sip_is_alnum(ch) && !(ch == '-' && !label_start))
			return false;
		if (ch == '-' && (i + 1 == host.len || host.p[i + 1] == '.'))
			return false;
		label_start = false;
	}
	return true;
}

static bool ipv6_reference_valid(struct sip_str ref)
{
	char text[INET6_ADDRSTRLEN + 1];
	struct in6_addr addr;

	if (ref.len < 3 || ref.len - 2 >= sizeof(text) || ref.p[ref.len - 1] != ']')
		return false;
	memcpy(text, ref.p + 1, ref.len - 2);
	text[ref.len - 2] = '\0';
	return inet_pton(AF_INET6, text, &addr) == 1;
}

bool sip_host_valid(struct sip_str host)
{
	if (host.len && host.p[0] == '[')
		return ipv6_reference_valid(host);
	return hostname_valid(host);
}

static const char *parse_hostport(struct sip_str text, struct sip_uri *uri)
{
	const char *colon = NULL;
	uint64_t port;

	if (text.len && text.p[0] == '[') {
		const char *close = memchr(text.p, ']', text.len);

		if (!close)
			return "Malformed IPv6 Reference";
		uri->host = sip_str_make(text.p, (size_t)(close - text.p) + 1);
		if (!ipv6_reference_valid(uri->host))
			return "Malformed IPv6 Reference";
		uri->host_is_ipv6 = true;
		if (close + 1 < text.p + text.len) {
			if (close[1] != ':')
				return "Malformed Host";
			colon = close + 1;
		}
	} else {
		colon = memchr(text.p, ':', text.len);
		uri->host = sip_str_make(text.p, colon ? (size_t)(colon - text.p) : text.len);
		if (!hostname_valid(uri->host))
			return "Malformed Host";
	}
	if (colon) {
		struct sip_str digits = sip_str_make(colon + 1,
						     (size_t)(text.p + text.len - colon - 1));

		if (!sip_str_to_uint(digits, 65535, &port) || port == 0)
			return "Malformed Port";
		uri->port = (uint16_t)port;
	}
	return NULL;
}

bool sip_param_find(struct sip_str params, const char *name, struct sip_str *value)
{
	size_t name_len = strlen(name);
	const char *p = params.p;
	const char *end = params.p + params.len;

	while (p < end) {
		const char *item, *item_end, *eq;
		struct sip_str key;

		if (*p == ';') {
			p++;
			continue;
		}
		item = p;
		while (p < end && *p != ';') {
			if (*p == '"') {	/* generic-param values may be quoted */
				p++;
				while (p < end && *p != '"')
					p += (*p == '\\' && p + 1 < end) ? 2 : 1;
			}
			if (p < end)
				p++;
		}
		item_end = p;
		eq = memchr(item, '=', (size_t)(item_end - item));
		key = sip_str_trim(sip_str_make(item, (size_t)((eq ? eq : item_end) - item)));
		if (key.len == name_len && strncasecmp(key.p, name, name_len) == 0) {
			*value = eq ? sip_str_trim(sip_str_make(eq + 1, (size_t)(item_end - eq - 1)))
				    : sip_str_make(item_end, 0);
			return true;
		}
	}
	return false;
}

static const char *parse_uri_params(struct sip_str params, struct sip_uri *uri)
{
	const char *p = params.p;
	const char *end = params.p + params.len;
	struct sip_str value;

	/* uri-parameters = *( ";" pname [ "=" pvalue ] ), both non-empty */
	while (p < end) {
		const char *item = ++p, *eq = NULL;

		while (p < end && *p != ';') {
			if (*p == '=' && !eq)
				eq = p;
			else if (!is_param_char((unsigned char)*p))
				return "Malformed URI Parameter";
			p++;
		}
		if (p == item || eq == item || (eq && eq + 1 == p))
			return "Malformed URI Parameter";
	}
	if (!sip_escapes_valid(params))
		return "Malformed URI Escape";
	if (sip_param_find(params, "transport", &value))
		uri->transport = value;
	if (sip_param_find(params, "maddr", &value))
		uri->maddr = value;
	uri->lr = sip_param_find(params, "lr", &value);
	return NULL;
}

static const char *parse_sip_uri(struct sip_str rest, struct sip_uri *uri)
{
	const char *p = rest.p, *end = rest.p + rest.len;
	const char *at = memchr(p, '@', rest.len);
	const char *hostport, *semi, *question;
	const char *reason;

	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));

		uri->user = sip_str_make(p, (size_t)((colon ? colon : at) - p));
		if (!uri->user.len || !run_all(uri->user, is_user_char) ||
		    !sip_escapes_valid(uri->user))
			return "Malformed URI User";
		if (colon) {
			uri->password = sip_str_make(colon + 1, (size_t)(at - colon - 1));
			if (!run_all(uri->password, is_password_char) ||
			    !sip_escapes_valid(uri->password))
				return "Malformed URI Password";
		}
		p = at + 1;
	}
	hostport = p;
	question = memchr(p, '?', (size_t)(end - p));
	semi = memchr(p, ';', (size_t)((question ? question : end) - p));
	reason = parse_hostport(sip_str_make(hostport,
			(size_t)((semi ? semi : question ? question : end) - hostport)), uri);
	if (reason)
		return reason;
	if (semi) {
		uri->params = sip_str_make(semi, (size_t)((question ? question : end) - semi));
		reason = parse_uri_params(uri->params, uri);
		if (reason)
			return reason;
	}
	if (question) {
		uri->headers = sip_str_make(question + 1, (size_t)(end - question - 1));
		if (!uri->headers.len || !run_all(uri->headers, is_header_char) ||
		    !sip_escapes_valid(uri->headers))
			return "Malformed URI Headers";
	}
	return NULL;
}

const char *sip_uri_parse(struct sip_str text, struct sip_uri *uri)
{
	const char *colon;
	struct sip_str rest;

	memset(uri, 0, sizeof(*uri));
	uri->raw = text;
	colon = memchr(text.p, ':', text.len);
	if (!text.len || !colon || colon == text.p || !sip_is_alpha((unsigned char)text.p[0]))
		return "Malformed URI Scheme";
	uri->scheme_name = sip_str_make(text.p, (size_t)(colon - text.p));
	for (size_t i = 0; i < uri->scheme_name.len; i++) {
		int ch = (unsigned char)text.p[i];

		if (!sip_is_alnum(ch) && ch != '+' && ch != '-' && ch != '.')
			return "Malformed URI Scheme";
	}
	rest = sip_str_make(colon + 1, (size_t)(text.p + text.len - colon - 1));
	if (!rest.len || !run_all(rest, is_uric))
		return "Malformed URI";
	if (sip_str_is_nocase(uri->scheme_name, "sip"))
		uri->scheme = SIP_URI_SIP;
	else if (sip_str_is_nocase(uri->scheme_name, "sips"))
		uri->scheme = SIP_URI_SIPS;
	else if (sip_str_is_nocase(uri->scheme_name, "tel"))
		uri->scheme = SIP_URI_TEL;
	else
		uri->scheme = SIP_URI_OTHER;
	if (uri->scheme == SIP_URI_SIP || uri->scheme == SIP_URI_SIPS)
		return parse_sip_uri(rest, uri);
	if (uri->scheme == SIP_URI_TEL) {
		const char *semi = memchr(rest.p, ';', rest.len);

		uri->user = sip_str_make(rest.p, semi ? (size_t)(semi - rest.p) : rest.len);
		if (semi)
			uri->params = sip_str_make(semi, (size_t)(rest.p + rest.len - semi));
	}
	return NULL;
}
