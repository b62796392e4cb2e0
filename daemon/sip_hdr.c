// SPDX-License-Identifier: GPL-2.0
/*
 * Structured header fields: Via, name-addr based fields, Contact, CSeq,
 * Content-Type, and the comma-list splitter (RFC 3261 sections 7.3, 20, 25).
 */
#include "sip_hdr.h"
#include "sip_lex.h"

struct hdr_name {
	const char *full;
	char compact;
	bool list;
};

static const struct hdr_name hdr_names[SIP_HDR_COUNT] = {
	[SIP_HDR_VIA] = { "Via", 'v', true },
	[SIP_HDR_FROM] = { "From", 'f', false },
	[SIP_HDR_TO] = { "To", 't', false },
	[SIP_HDR_CALL_ID] = { "Call-ID", 'i', false },
	[SIP_HDR_CSEQ] = { "CSeq", 0, false },
	[SIP_HDR_MAX_FORWARDS] = { "Max-Forwards", 0, false },
	[SIP_HDR_CONTACT] = { "Contact", 'm', true },
	[SIP_HDR_ROUTE] = { "Route", 0, true },
	[SIP_HDR_RECORD_ROUTE] = { "Record-Route", 0, true },
	[SIP_HDR_CONTENT_LENGTH] = { "Content-Length", 'l', false },
	[SIP_HDR_CONTENT_TYPE] = { "Content-Type", 'c', false },
	[SIP_HDR_CONTENT_ENCODING] = { "Content-Encoding", 'e', false },
	[SIP_HDR_EXPIRES] = { "Expires", 0, false },
	[SIP_HDR_SUBJECT] = { "Subject", 's', false },
	[SIP_HDR_SUPPORTED] = { "Supported", 'k', false },
	[SIP_HDR_REQUIRE] = { "Require", 0, false },
	[SIP_HDR_PROXY_REQUIRE] = { "Proxy-Require", 0, false },
	[SIP_HDR_ALLOW] = { "Allow", 0, false },
	[SIP_HDR_EVENT] = { "Event", 'o', false },
	[SIP_HDR_REFER_TO] = { "Refer-To", 'r', false },
	[SIP_HDR_REFERRED_BY] = { "Referred-By", 'b', false },
	[SIP_HDR_SESSION_EXPIRES] = { "Session-Expires", 'x', false },
	[SIP_HDR_AUTHORIZATION] = { "Authorization", 0, false },
	[SIP_HDR_PROXY_AUTHORIZATION] = { "Proxy-Authorization", 0, false },
	[SIP_HDR_WWW_AUTHENTICATE] = { "WWW-Authenticate", 0, false },
	[SIP_HDR_PROXY_AUTHENTICATE] = { "Proxy-Authenticate", 0, false },
	[SIP_HDR_PATH] = { "Path", 0, true },
	[SIP_HDR_USER_AGENT] = { "User-Agent", 0, false },
	[SIP_HDR_SERVER] = { "Server", 0, false },
};

enum sip_hdr_id sip_hdr_lookup(struct sip_str name)
{
	/* compare the cheap things first: this runs for every header line */
	for (int id = SIP_HDR_VIA; id < SIP_HDR_COUNT; id++) {
		const struct hdr_name *h = &hdr_names[id];

		if (!h->full)
			continue;
		if (name.len == 1) {
			if (h->compact && (name.p[0] | 0x20) == h->compact)
				return (enum sip_hdr_id)id;
			continue;
		}
		if ((name.p[0] | 0x20) == (h->full[0] | 0x20) && name.len == strlen(h->full) &&
		    !strncasecmp(name.p, h->full, name.len))
			return (enum sip_hdr_id)id;
	}
	return SIP_HDR_OTHER;
}

const char *sip_hdr_name(enum sip_hdr_id id)
{
	return id < SIP_HDR_COUNT ? hdr_names[id].full : NULL;
}

bool sip_hdr_is_list(enum sip_hdr_id id)
{
	return id < SIP_HDR_COUNT && hdr_names[id].list;
}

int sip_list_next(struct sip_str *rest, struct sip_str *element)
{
	const char *p = rest->p, *end = rest->p + rest->len;
	bool in_angle = false;

	if (!rest->len)
		return 0;
	while (p < end) {
		if (*p == '"') {
			struct sip_cursor c = { p, end };
			struct sip_str inner;

			if (!sip_take_quoted(&c, &inner))
				return -1;
			p = c.p;
			continue;
		}
		if (*p == '<')
			in_angle = true;
		else if (*p == '>')
			in_angle = false;
		else if (*p == ',' && !in_angle)
			break;
		p++;
	}
	if (in_angle)
		return -1;
	*element = sip_str_trim(sip_str_make(rest->p, (size_t)(p - rest->p)));
	if (!element->len)
		return -1;
	if (p < end) {
		*rest = sip_str_make(p + 1, (size_t)(end - p - 1));
		/* a trailing comma leaves an empty last element */
		if (!sip_str_trim(*rest).len)
			return -1;
	} else {
		*rest = sip_str_make(end, 0);
	}
	return 1;
}

/*
 * *( SEMI generic-param ) with generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string. Leaves the cursor after the
 * run and returns it as a slice.
 */
static bool take_params(struct sip_cursor *c, struct sip_str *params)
{
	const char *start = c->p;

	sip_skip_wsp(c);
	start = c->p;
	while (sip_accept_sep(c, ';')) {
		struct sip_str name = sip_take_token(c), value;

		if (!name.len)
			return false;
		if (!sip_accept_sep(c, '='))
			continue;
		if (sip_cursor_peek(c) == '"') {
			if (!sip_take_quoted(c, &value))
				return false;
			continue;
		}
		value.p = c->p;
		while (c->p < c->end && (sip_is_token_char((unsigned char)*c->p) ||
					 *c->p == ':' || *c->p == '[' || *c->p == ']'))
			c->p++;
		if (c->p == value.p)
			return false;
	}
	*params = sip_str_make(start, (size_t)(c->p - start));
	sip_skip_wsp(c);
	return true;
}

const char *sip_via_parse(struct sip_str value, struct sip_via *via)
{
	struct sip_cursor c = sip_cursor_of(value);
	struct sip_str name, version, hostport, rport;
	uint64_t port;
	const char *start;

	memset(via, 0, sizeof(*via));
	/* sent-protocol = protocol-name SLASH protocol-version SLASH transport */
	sip_skip_wsp(&c);
	start = c.p;
	name = sip_take_token(&c);
	if (!name.len || !sip_accept_sep(&c, '/'))
		return "Malformed Via Header";
	version = sip_take_token(&c);
	if (!version.len)
		return "Malformed Via Header";
	if (!sip_str_is_nocase(name, "SIP") || !sip_str_eq(version, SIP_STR("2.0")))
		return "Unsupported Via Protocol";
	if (!sip_accept_sep(&c, '/'))
		return "Malformed Via Header";
	via->transport = sip_take_token(&c);
	if (!via->transport.len)
		return "Malformed Via Header";
	via->protocol = sip_str_make(start, (size_t)(c.p - start));
	/* LWS sent-by: host [ COLON port ] */
	if (!sip_is_wsp(sip_cursor_peek(&c)))
		return "Malformed Via Header";
	sip_skip_wsp(&c);
	start = c.p;
	if (sip_cursor_peek(&c) == '[') {
		while (c.p < c.end && *c.p != ']')
			c.p++;
		if (c.p < c.end)
			c.p++;
	}
	while (c.p < c.end && (sip_is_alnum((unsigned char)*c.p) || *c.p == '-' || *c.p == '.'))
		c.p++;
	hostport = sip_str_make(start, (size_t)(c.p - start));
	if (sip_accept_sep(&c, ':')) {
		if (!sip_take_uint(&c, 65535, &port) || !port)
			return "Malformed Via Port";
		via->port = (uint16_t)port;
	}
	if (!hostport.len)
		return "Malformed Via Host";
	if (!sip_host_valid(hostport))
		return "Malformed Via Host";
	via->host = hostport;
	if (!take_params(&c, &via->params) || !sip_cursor_done(&c))
		return "Malformed Via Parameters";
	sip_param_find(via->params, "branch", &via->branch);
	sip_param_find(via->params, "received", &via->received);
	if (sip_param_find(via->params, "rport", &rport)) {
		via->has_rport = true;
		if (rport.len) {
			if (!sip_str_to_uint(rport, 65535, &port))
				return "Malformed Via rport";
			via->rport = (uint16_t)port;
		}
	}
	return NULL;
}

/* display-name = *(token LWS) / quoted-string, followed by LAQUOT */
static bool take_display_name(struct sip_cursor *c, struct sip_str *display)
{
	const char *start = c->p;

	if (sip_cursor_peek(c) == '"') {
		if (!sip_take_quoted(c, display))
			return false;
		sip_skip_wsp(c);
		return sip_cursor_peek(c) == '<';
	}
	while (sip_is_token_char(sip_cursor_peek(c))) {
		sip_take_token(c);
		sip_skip_wsp(c);
	}
	if (sip_cursor_peek(c) != '<')
		return false;
	*display = sip_str_trim(sip_str_make(start, (size_t)(c->p - start)));
	return true;
}

const char *sip_name_addr_parse(struct sip_str value, struct sip_name_addr *na)
{
	struct sip_cursor c = sip_cursor_of(value);
	struct sip_cursor save;
	struct sip_str uri_text;
	const char *reason;

	memset(na, 0, sizeof(*na));
	sip_skip_wsp(&c);
	save = c;
	if (take_display_name(&c, &na->display)) {
		const char *close;

		c.p++;	/* '<' */
		close = memchr(c.p, '>', (size_t)(c.end - c.p));
		if (!close)
			return "Unbalanced Angle Brackets";
		uri_text = sip_str_make(c.p, (size_t)(close - c.p));
		c.p = close + 1;
		na->angle_brackets = true;
	} else {
		/*
		 * addr-spec without brackets: RFC 3261 section 20 makes any
		 * ';' start header parameters, and forbids ',', '?' and ';'
		 * inside such a URI.
		 */
		c = save;
		if (sip_cursor_peek(&c) == '"')
			return "Malformed Display Name";
		uri_text.p = c.p;
		while (c.p < c.end && *c.p != ';' && !sip_is_wsp((unsigned char)*c.p))
			c.p++;
		uri_text.len = (size_t)(c.p - uri_text.p);
		if (memchr(uri_text.p, '?', uri_text.len) || memchr(uri_text.p, ',', uri_text.len))
			return "Name-addr Needs Angle Brackets";
		if (!uri_text.len)
			return "Malformed Address";
	}
	reason = sip_uri_parse(uri_text, &na->uri);
	if (reason)
		return reason;
	if (!take_params(&c, &na->params) || !sip_cursor_done(&c))
		return "Malformed Header Parameters";
	sip_param_find(na->params, "tag", &na->tag);
	return NULL;
}

const char *sip_contact_parse(struct sip_str value, struct sip_contact *contact)
{
	struct sip_str trimmed = sip_str_trim(value), expires;
	uint64_t seconds;
	const char *reason;

	memset(contact, 0, sizeof(*contact));
	contact->expires = -1;
	if (trimmed.len == 1 && trimmed.p[0] == '*') {
		contact->star = true;
		return NULL;
	}
	reason = sip_name_addr_parse(value, &contact->addr);
	if (reason)
		return reason;
	if (sip_param_find(contact->addr.params, "expires", &expires)) {
		/* delta-seconds: RFC 3261 caps them at 2^32-1 */
		if (!sip_str_to_uint(expires, UINT32_MAX, &seconds))
			return "Malformed Contact Expires";
		contact->expires = (int64_t)seconds;
	}
	return NULL;
}

const char *sip_cseq_parse(struct sip_str value, struct sip_cseq *cseq)
{
	struct sip_cursor c = sip_cursor_of(value);
	uint64_t seq;

	sip_skip_wsp(&c);
	/* RFC 3261 section 8.1.1.5: the sequence number is below 2^31 */
	if (!sip_take_uint(&c, 0x7fffffff, &seq))
		return "Malformed CSeq Number";
	if (!sip_is_wsp(sip_cursor_peek(&c)))
		return "Malformed CSeq Header";
	sip_skip_wsp(&c);
	cseq->seq = (uint32_t)seq;
	cseq->method = sip_take_token(&c);
	sip_skip_wsp(&c);
	if (!cseq->method.len || !sip_cursor_done(&c))
		return "Malformed CSeq Method";
	return NULL;
}

const char *sip_content_type_parse(struct sip_str value, struct sip_content_type *ct)
{
	struct sip_cursor c = sip_cursor_of(value);

	memset(ct, 0, sizeof(*ct));
	sip_skip_wsp(&c);
	ct->type = sip_take_token(&c);
	if (!ct->type.len || !sip_accept_sep(&c, '/'))
		return "Malformed Content-Type";
	ct->subtype = sip_take_token(&c);
	if (!ct->subtype.len)
		return "Malformed Content-Type";
	if (!take_params(&c, &ct->params) || !sip_cursor_done(&c))
		return "Malformed Content-Type";
	return NULL;
}
