// SPDX-License-Identifier: GPL-2.0
/*
 * What the B2BUA reads out of messages: header values, the parts of a
 * dialog (RFC 3261 12: route set, remote target), the head of the
 * responses to a request, and the headers of an answer relayed to a leg.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "topo.h"

char *sipwall_str_dup(struct sip_str s)
{
	return strndup(s.p ? s.p : "", s.len);
}

/* A C string of a sip_buf's contents (NULL if a write failed). */
const char *sipwall_buf_cstr(struct sip_buf *b)
{
	sip_buf_append(b, "", 1);
	if (b->failed)
		return NULL;
	b->len--;
	return b->data;
}

void sipwall_reason_copy(const struct sip_msg *resp, unsigned int status, char *out, size_t size)
{
	if (resp && resp->reason.len)
		snprintf(out, size, SIP_STR_FMT, (int)(resp->reason.len < size - 1 ? resp->reason.len :
						       size - 1), resp->reason.p);
	else
		snprintf(out, size, "%s", status == 408 ? "Request Timeout" :
			 status == 503 ? "Service Unavailable" : "Unknown");
}

/* A header's value by id, or for headers without an id, by name. */
bool sipwall_msg_header(const struct sip_msg *m, enum sip_hdr_id id, const char *name,
			struct sip_str *value)
{
	for (unsigned int i = 0; i < m->header_count; i++) {
		const struct sip_header *h = &m->headers[i];

		if (id != SIP_HDR_OTHER ? h->id == id :
		    h->id == SIP_HDR_OTHER && sip_str_is_nocase(h->name, name)) {
			*value = h->value;
			return true;
		}
	}
	return false;
}

uint32_t sipwall_leading_uint(struct sip_str s)
{
	uint64_t n = 0;
	size_t i = 0;

	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	for (; i < s.len && s.p[i] >= '0' && s.p[i] <= '9' && n < UINT32_MAX; i++)
		n = n * 10 + (uint64_t)(s.p[i] - '0');
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

bool sipwall_msg_has_extension(const struct sip_msg *m, enum sip_hdr_id id, const char *token)
{
	for (unsigned int i = 0; i < m->header_count; i++) {
		struct sip_str rest = m->headers[i].value, t;

		if (m->headers[i].id != id)
			continue;
		while (sip_list_next(&rest, &t) > 0) {
			while (t.len && (t.p[0] == ' ' || t.p[0] == '\t'))
				t = sip_str_make(t.p + 1, t.len - 1);
			while (t.len && (t.p[t.len - 1] == ' ' || t.p[t.len - 1] == '\t'))
				t.len--;
			if (sip_str_is_nocase(t, token))
				return true;
		}
	}
	return false;
}

/* The route set of a dialog: Record-Route in order (UAS) or reversed (UAC). */
char *sipwall_dialog_route_set(const struct sip_msg *m, bool reverse)
{
	int idx[SIP_MSG_MAX_HEADERS];
	unsigned int n = 0;
	struct sip_buf b;

	for (unsigned int i = 0; i < m->header_count; i++)
		if (m->headers[i].id == SIP_HDR_RECORD_ROUTE)
			idx[n++] = (int)i;
	if (!n)
		return NULL;
	sip_buf_init(&b, SIP_MSG_MAX_SIZE);
	for (unsigned int k = 0; k < n; k++)
		sip_buf_printf(&b, "Route: " SIP_STR_FMT "\r\n",
			       SIP_STR_ARG(m->headers[idx[reverse ? n - 1 - k : k]].value));
	if (!sipwall_buf_cstr(&b)) {
		sip_buf_uninit(&b);
		return NULL;
	}
	return b.data;
}

char *sipwall_dialog_target(const struct sip_msg *m)
{
	int i = sip_msg_find(m, SIP_HDR_CONTACT, 0);
	struct sip_contact c;

	if (i < 0 || sip_contact_parse(m->headers[i].value, &c) || c.star)
		return NULL;
	/* RFC 3261 19.1.5: a Request-URI has no headers part ("?h=v"): drop it */
	if (c.addr.uri.headers.p)
		c.addr.uri.raw.len = (size_t)(c.addr.uri.headers.p - 1 - c.addr.uri.raw.p);
	return sipwall_str_dup(c.addr.uri.raw);
}

/*
 * The head of the responses to req, as the transaction layer writes it
 * (Via, From, Call-ID, CSeq, To with our tag): our own copies of a 2xx,
 * which we retransmit over UDP ourselves (RFC 6026), start with it.
 */
char *sipwall_dialog_uas_head(const struct sip_msg *req, const char *to_tag)
{
	struct sip_buf b;

	sip_buf_init(&b, SIP_MSG_MAX_SIZE);
	for (unsigned int i = 0; i < req->header_count; i++) {
		const struct sip_header *h = &req->headers[i];

		if (h->id == SIP_HDR_VIA || h->id == SIP_HDR_FROM || h->id == SIP_HDR_CALL_ID ||
		    h->id == SIP_HDR_CSEQ)
			sip_buf_printf(&b, "%s: " SIP_STR_FMT "\r\n", sip_hdr_name(h->id),
				       SIP_STR_ARG(h->value));
	}
	sip_buf_printf(&b, "To: " SIP_STR_FMT "%s%s\r\n",
		       SIP_STR_ARG(req->headers[sip_msg_find(req, SIP_HDR_TO, 0)].value),
		       req->to.tag.p ? "" : ";tag=", req->to.tag.p ? "" : to_tag);
	if (!sipwall_buf_cstr(&b)) {
		sip_buf_uninit(&b);
		return NULL;
	}
	return b.data;
}

/* 18x with a To tag, the callee's 2xx: Contact of ours, the end-to-end headers. */
const char *sipwall_answer_headers(struct sip_buf *b, const struct sip_msg *resp,
				   struct sipwall_leg *to, bool contact)
{
	if (contact)
		sipwall_topo_contact(b, to);
	if (resp)
		sipwall_topo_copy(b, resp, &to->realm->cfg->b2bua);
	return sipwall_buf_cstr(b);
}
