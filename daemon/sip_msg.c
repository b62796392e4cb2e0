// SPDX-License-Identifier: GPL-2.0
/*
 * SIP message parser: start line, header section with folding and list
 * splitting, mandatory header checks, body and Content-Length
 * (RFC 3261 sections 7, 18.3, 20, 25).
 */
#include "sip_lex.h"
#include "sip_msg.h"

static const char *const method_names[] = {
	[SIP_METHOD_INVITE] = "INVITE", [SIP_METHOD_ACK] = "ACK",
	[SIP_METHOD_BYE] = "BYE", [SIP_METHOD_CANCEL] = "CANCEL",
	[SIP_METHOD_OPTIONS] = "OPTIONS", [SIP_METHOD_REGISTER] = "REGISTER",
	[SIP_METHOD_PRACK] = "PRACK", [SIP_METHOD_UPDATE] = "UPDATE",
	[SIP_METHOD_INFO] = "INFO", [SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE",
	[SIP_METHOD_NOTIFY] = "NOTIFY", [SIP_METHOD_REFER] = "REFER",
	[SIP_METHOD_MESSAGE] = "MESSAGE", [SIP_METHOD_PUBLISH] = "PUBLISH",
};

enum sip_method sip_method_lookup(struct sip_str name)
{
	/* Methods are case-sensitive (RFC 3261 section 7.1). */
	for (size_t m = 1; m < sizeof(method_names) / sizeof(method_names[0]); m++)
		if (sip_str_eq(name, sip_str_from_cstr(method_names[m])))
			return (enum sip_method)m;
	return SIP_METHOD_OTHER;
}

const char *sip_method_name(enum sip_method method)
{
	return method > SIP_METHOD_OTHER && method <= SIP_METHOD_PUBLISH ?
	       method_names[method] : NULL;
}

int sip_msg_find(const struct sip_msg *msg, enum sip_hdr_id id, unsigned int from)
{
	for (unsigned int i = from; i < msg->header_count; i++)
		if (msg->headers[i].id == id)
			return (int)i;
	return -1;
}

static int fail(struct sip_msg *msg, unsigned int status, const char *reason)
{
	msg->error_status = status;
	msg->error_reason = reason;
	return -1;
}

static bool text_clean(struct sip_str s)
{
	/*
	 * No control characters besides HTAB, except escaped inside a quoted
	 * string (quoted-pair allows %x00-09 / %x0B-0C / %x0E-7F there).
	 * UTF-8 octets are welcome.
	 */
	bool quoted = false;

	for (size_t i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.p[i];

		if (quoted && ch == '\\' && i + 1 < s.len &&
		    s.p[i + 1] != '\r' && s.p[i + 1] != '\n') {
			i++;
			continue;
		}
		if (ch == '"')
			quoted = !quoted;
		else if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return false;
	}
	return true;
}

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is spoken here */
static int check_version(struct sip_msg *msg, struct sip_str v)
{
	struct sip_cursor c = sip_cursor_of(v);
	uint64_t major, minor;

	if (v.len < 4 || strncasecmp(v.p, "SIP/", 4) != 0)
		return fail(msg, 400, "Malformed SIP Version");
	c.p += 4;
	if (!sip_take_uint(&c, 999, &major) || sip_cursor_peek(&c) != '.')
		return fail(msg, 400, "Malformed SIP Version");
	c.p++;
	if (!sip_take_uint(&c, 999, &minor) || !sip_cursor_done(&c))
		return fail(msg, 400, "Malformed SIP Version");
	if (major != 2 || minor != 0)
		return fail(msg, 505, "Version Not Supported");
	return 0;
}

static int parse_request_line(struct sip_msg *msg, struct sip_str line)
{
	const char *end = line.p + line.len, *sp1, *sp2;
	struct sip_str uri;
	const char *reason;

	/* Method SP Request-URI SP SIP-Version: exactly one SP each */
	sp1 = memchr(line.p, ' ', line.len);
	if (!sp1)
		return fail(msg, 400, "Malformed Request Line");
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2 || memchr(sp2 + 1, ' ', (size_t)(end - sp2 - 1)) ||
	    memchr(line.p, '\t', line.len))
		return fail(msg, 400, "Malformed Request Line");
	msg->method_name = sip_str_make(line.p, (size_t)(sp1 - line.p));
	for (size_t i = 0; i < msg->method_name.len; i++)
		if (!sip_is_token_char((unsigned char)line.p[i]))
			return fail(msg, 400, "Malformed Method");
	if (!msg->method_name.len)
		return fail(msg, 400, "Malformed Method");
	msg->method = sip_method_lookup(msg->method_name);
	uri = sip_str_make(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	if (check_version(msg, sip_str_make(sp2 + 1, (size_t)(end - sp2 - 1))))
		return -1;
	reason = sip_uri_parse(uri, &msg->request_uri);
	if (reason)
		return fail(msg, 400, reason);
	/* RFC 3261 section 19.1.1: headers are not allowed in a Request-URI */
	if (msg->request_uri.headers.len)
		return fail(msg, 400, "Headers In Request-URI");
	msg->is_request = true;
	return 0;
}

static int parse_status_line(struct sip_msg *msg, struct sip_str line)
{
	const char *end = line.p + line.len, *sp;
	struct sip_cursor c;
	uint64_t code;

	sp = memchr(line.p, ' ', line.len);
	if (!sp || check_version(msg, sip_str_make(line.p, (size_t)(sp - line.p))))
		return msg->error_reason ? -1 : fail(msg, 400, "Malformed Status Line");
	c = (struct sip_cursor){ sp + 1, end };
	if (!sip_take_uint(&c, 699, &code) || c.p - sp - 1 != 3 || code < 100)
		return fail(msg, 400, "Malformed Status Code");
	if (!sip_cursor_done(&c) && *c.p++ != ' ')
		return fail(msg, 400, "Malformed Status Code");
	msg->status = (unsigned int)code;
	msg->reason = sip_str_make(c.p, (size_t)(end - c.p));
	return 0;
}

static int add_header(struct sip_msg *msg, enum sip_hdr_id id, struct sip_str name,
		      struct sip_str value)
{
	if (msg->header_count == SIP_MSG_MAX_HEADERS)
		return fail(msg, 400, "Too Many Headers");
	msg->headers[msg->header_count++] = (struct sip_header){ id, name, value };
	return 0;
}

static int parse_list_header(struct sip_msg *msg, enum sip_hdr_id id, struct sip_str name,
			     struct sip_str value)
{
	struct sip_str rest = value, element;
	const char *reason = NULL;
	int more;

	while ((more = sip_list_next(&rest, &element)) == 1) {
		struct sip_via via;
		struct sip_contact contact;
		struct sip_name_addr route;

		if (id == SIP_HDR_VIA) {
			reason = sip_via_parse(element, &via);
			if (!reason && msg->via_count++ == 0)
				msg->via = via;
		} else if (id == SIP_HDR_CONTACT) {
			reason = sip_contact_parse(element, &contact);
		} else {
			reason = sip_name_addr_parse(element, &route);
		}
		if (reason)
			return fail(msg, 400, reason);
		if (add_header(msg, id, name, element))
			return -1;
	}
	if (more < 0) {
		static const char *const empty[SIP_HDR_COUNT] = {
			[SIP_HDR_VIA] = "Malformed Via Header",
			[SIP_HDR_CONTACT] = "Malformed Contact Header",
			[SIP_HDR_ROUTE] = "Malformed Route Header",
			[SIP_HDR_RECORD_ROUTE] = "Malformed Record-Route Header",
			[SIP_HDR_PATH] = "Malformed Path Header",
		};
		return fail(msg, 400, empty[id]);
	}
	return 0;
}

static bool call_id_valid(struct sip_str id)
{
	/* callid = word [ "@" word ]: printable, no white space */
	if (!id.len)
		return false;
	for (size_t i = 0; i < id.len; i++) {
		unsigned char ch = (unsigned char)id.p[i];

		if (ch <= 0x20 || ch >= 0x7f)
			return false;
	}
	return true;
}

static int parse_number(struct sip_msg *msg, struct sip_str value, uint64_t max,
			int64_t *out, const char *reason)
{
	uint64_t n;

	if (!sip_str_to_uint(sip_str_trim(value), max, &n))
		return fail(msg, 400, reason);
	*out = (int64_t)n;
	return 0;
}

/* Parses one (unfolded) header field into msg. */
static int parse_header(struct sip_msg *msg, struct sip_str line)
{
	struct sip_cursor c = sip_cursor_of(line);
	struct sip_str name, value;
	enum sip_hdr_id id;
	const char *reason = NULL;
	int64_t number;

	name = sip_take_token(&c);
	sip_skip_wsp(&c);
	if (!name.len || sip_cursor_peek(&c) != ':')
		return fail(msg, 400, "Malformed Header Line");
	c.p++;
	value = sip_str_trim(sip_str_make(c.p, (size_t)(c.end - c.p)));
	id = sip_hdr_lookup(name);
	if (sip_hdr_is_list(id))
		return parse_list_header(msg, id, name, value);

	switch (id) {
	case SIP_HDR_FROM:
	case SIP_HDR_TO: {
		struct sip_name_addr *na = id == SIP_HDR_FROM ? &msg->from : &msg->to;

		if (sip_msg_find(msg, id, 0) >= 0)
			return fail(msg, 400, id == SIP_HDR_FROM ? "Multiple From Headers" :
							       "Multiple To Headers");
		reason = sip_name_addr_parse(value, na);
		if (reason)
			return fail(msg, 400, id == SIP_HDR_FROM ? "Malformed From Header" :
							       "Malformed To Header");
		break;
	}
	case SIP_HDR_CALL_ID:
		if (sip_msg_find(msg, id, 0) >= 0)
			return fail(msg, 400, "Multiple Call-ID Headers");
		if (!call_id_valid(value))
			return fail(msg, 400, "Malformed Call-ID Header");
		msg->call_id = value;
		break;
	case SIP_HDR_CSEQ:
		if (sip_msg_find(msg, id, 0) >= 0)
			return fail(msg, 400, "Multiple CSeq Headers");
		reason = sip_cseq_parse(value, &msg->cseq);
		if (reason)
			return fail(msg, 400, reason);
		msg->cseq_method = sip_method_lookup(msg->cseq.method);
		break;
	case SIP_HDR_MAX_FORWARDS:
		if (sip_msg_find(msg, id, 0) >= 0)
			return fail(msg, 400, "Multiple Max-Forwards Headers");
		if (parse_number(msg, value, 255, &number, "Malformed Max-Forwards Header"))
			return -1;
		msg->max_forwards = (int)number;
		break;
	case SIP_HDR_EXPIRES:
		if (sip_msg_find(msg, id, 0) >= 0)
			return fail(msg, 400, "Multiple Expires Headers");
		if (parse_number(msg, value, UINT32_MAX, &msg->expires,
				 "Malformed Expires Header"))
			return -1;
		break;
	case SIP_HDR_CONTENT_LENGTH:
		if (sip_msg_find(msg, id, 0) >= 0)
			return fail(msg, 400, "Multiple Content-Length Headers");
		if (parse_number(msg, value, UINT32_MAX, &msg->content_length,
				 "Malformed Content-Length Header"))
			return -1;
		break;
	case SIP_HDR_CONTENT_TYPE:
		if (sip_msg_find(msg, id, 0) >= 0)
			return fail(msg, 400, "Multiple Content-Type Headers");
		reason = sip_content_type_parse(value, &msg->content_type);
		if (reason)
			return fail(msg, 400, reason);
		msg->has_content_type = true;
		break;
	default:
		break;
	}
	return add_header(msg, id, name, value);
}

/*
 * Finds the end of the physical line starting at p: returns the LF, or
 * NULL if there is none. *content_end excludes the CR of a CRLF.
 */
static const char *line_end(const char *p, const char *end, const char **content_end)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	if (lf)
		*content_end = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
	return lf;
}

static int check_mandatory(struct sip_msg *msg)
{
	if (!msg->via_count)
		return fail(msg, 400, "Missing Via Header");
	if (!msg->from.uri.raw.p)
		return fail(msg, 400, "Missing From Header");
	if (!msg->to.uri.raw.p)
		return fail(msg, 400, "Missing To Header");
	if (!msg->call_id.p)
		return fail(msg, 400, "Missing Call-ID Header");
	if (!msg->cseq.method.p)
		return fail(msg, 400, "Missing CSeq Header");
	if (msg->is_request && !sip_str_eq(msg->cseq.method, msg->method_name))
		return fail(msg, 400, "CSeq Method Mismatch");
	return 0;
}

static int parse_body(struct sip_msg *msg, const char *body, const char *end,
		      enum sip_transport_kind framing)
{
	size_t available = (size_t)(end - body);

	if (msg->content_length < 0) {
		/* RFC 3261 section 18.3: mandatory on streams */
		if (framing == SIP_FRAMING_STREAM)
			return fail(msg, 400, "Missing Content-Length Header");
		msg->body = sip_str_make(body, available);
		return 0;
	}
	if ((uint64_t)msg->content_length > available)
		return fail(msg, 400, "Content-Length Exceeds Message");
	if (framing == SIP_FRAMING_STREAM && (uint64_t)msg->content_length != available)
		return fail(msg, 400, "Content-Length Mismatch");
	/* datagram: octets past Content-Length are discarded (section 18.3) */
	msg->body = sip_str_make(body, (size_t)msg->content_length);
	msg->raw.len = (size_t)(msg->body.p + msg->body.len - msg->raw.p);
	return 0;
}

struct fault {
	unsigned int status;
	const char *reason;
};

static void note_fault(struct fault *first, unsigned int status, const char *reason)
{
	if (!first->reason) {
		first->status = status;
		first->reason = reason;
	}
}

int sip_msg_parse(struct sip_msg *msg, char *buf, size_t len, enum sip_transport_kind framing)
{
	const char *p = buf, *end = buf + len, *lf, *content_end;
	struct fault fault = { 0, NULL };
	struct sip_str line;

	memset(msg, 0, offsetof(struct sip_msg, header_count));
	msg->header_count = 0;
	msg->scratch_used = 0;
	msg->max_forwards = -1;
	msg->expires = -1;
	msg->content_length = -1;
	if (len > SIP_MSG_MAX_SIZE)
		return fail(msg, 513, "Message Too Large");
	/* RFC 3261 section 7.5: ignore CRLFs before the start line */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	msg->raw = sip_str_make(p, (size_t)(end - p));

	lf = line_end(p, end, &content_end);
	if (!lf)
		return fail(msg, 400, "Incomplete Message");
	line = sip_str_make(p, (size_t)(content_end - p));
	if (line.len > SIP_MSG_MAX_LINE)
		return fail(msg, 400, "Start Line Too Long");
	if (!text_clean(line))
		return fail(msg, 400, "Control Character In Start Line");
	if (line.len >= 4 && strncasecmp(line.p, "SIP/", 4) == 0) {
		if (parse_status_line(msg, line))
			return -1;
	} else if (parse_request_line(msg, line)) {
		return -1;
	}
	p = lf + 1;

	/*
	 * A faulty header line does not stop the scan: the first fault is the
	 * verdict, but the header fields after it are still read, so that a
	 * 400 can carry the Via, From, To, Call-ID and CSeq it must copy.
	 */
	for (;;) {
		char *start = (char *)p;

		lf = line_end(p, end, &content_end);
		if (!lf)
			return fail(msg, 400, "Incomplete Message");
		if (content_end == p)
			break;	/* the empty line: the body follows */
		if (sip_is_wsp((unsigned char)*p)) {
			note_fault(&fault, 400, "Malformed Header Line");
			p = lf + 1;
			continue;
		}
		/* unfold: CRLF followed by white space is one SP (section 7.3.1) */
		while (lf + 1 < end && sip_is_wsp((unsigned char)lf[1])) {
			memset(buf + (content_end - buf), ' ', (size_t)(lf - content_end) + 1);
			lf = line_end(lf + 1, end, &content_end);
			if (!lf)
				return fail(msg, 400, "Incomplete Message");
			if ((size_t)(content_end - start) > SIP_MSG_MAX_LINE)
				break;
		}
		line = sip_str_make(start, (size_t)(content_end - start));
		if (line.len > SIP_MSG_MAX_LINE)
			note_fault(&fault, 400, "Header Line Too Long");
		else if (!text_clean(line))
			note_fault(&fault, 400, "Control Character In Header");
		else if (parse_header(msg, line))
			note_fault(&fault, msg->error_status, msg->error_reason);
		p = lf + 1;
	}
	if (fault.reason)
		return fail(msg, fault.status, fault.reason);
	if (check_mandatory(msg))
		return -1;
	return parse_body(msg, lf + 1, end, framing);
}
