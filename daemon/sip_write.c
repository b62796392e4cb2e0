// SPDX-License-Identifier: GPL-2.0
/*
 * Serializer: header table edits, message writing, and responses built
 * from a request.
 */
#include <stdarg.h>
#include <stdio.h>

#include "sip_write.h"

struct sip_str sip_msg_store(struct sip_msg *msg, const char *fmt, ...)
{
	size_t room = sizeof(msg->scratch) - msg->scratch_used;
	char *at = msg->scratch + msg->scratch_used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(at, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return (struct sip_str){ NULL, 0 };
	msg->scratch_used += (size_t)n + 1;
	return sip_str_make(at, (size_t)n);
}

void sip_msg_header_remove(struct sip_msg *msg, unsigned int index)
{
	if (index < msg->header_count)
		msg->headers[index].id = SIP_HDR_DELETED;
}

unsigned int sip_msg_header_remove_all(struct sip_msg *msg, enum sip_hdr_id id)
{
	unsigned int removed = 0;

	for (unsigned int i = 0; i < msg->header_count; i++) {
		if (msg->headers[i].id == id) {
			msg->headers[i].id = SIP_HDR_DELETED;
			removed++;
		}
	}
	return removed;
}

void sip_msg_header_set(struct sip_msg *msg, unsigned int index, struct sip_str value)
{
	if (index < msg->header_count)
		msg->headers[index].value = value;
}

int sip_msg_header_insert(struct sip_msg *msg, unsigned int index, enum sip_hdr_id id,
			  struct sip_str name, struct sip_str value)
{
	if (msg->header_count == SIP_MSG_MAX_HEADERS || index > msg->header_count)
		return -1;
	memmove(&msg->headers[index + 1], &msg->headers[index],
		(msg->header_count - index) * sizeof(msg->headers[0]));
	msg->headers[index] = (struct sip_header){ id, name, value };
	msg->header_count++;
	return 0;
}

static void write_header(struct sip_buf *out, const struct sip_header *h)
{
	const char *canonical = sip_hdr_name(h->id);

	/* compact forms are expanded: the other side may not know them */
	if (canonical)
		sip_buf_cstr(out, canonical);
	else
		sip_buf_str(out, h->name);
	sip_buf_append(out, ": ", 2);
	sip_buf_str(out, h->value);
	sip_buf_append(out, "\r\n", 2);
}

int sip_msg_write(const struct sip_msg *msg, struct sip_buf *out)
{
	if (msg->is_request)
		sip_buf_printf(out, SIP_STR_FMT " " SIP_STR_FMT " SIP/2.0\r\n",
			       SIP_STR_ARG(msg->method_name), SIP_STR_ARG(msg->request_uri.raw));
	else
		sip_buf_printf(out, "SIP/2.0 %03u " SIP_STR_FMT "\r\n", msg->status,
			       SIP_STR_ARG(msg->reason));
	for (unsigned int i = 0; i < msg->header_count; i++) {
		const struct sip_header *h = &msg->headers[i];

		if (h->id != SIP_HDR_DELETED && h->id != SIP_HDR_CONTENT_LENGTH)
			write_header(out, h);
	}
	sip_buf_printf(out, "Content-Length: %zu\r\n\r\n", msg->body.len);
	sip_buf_str(out, msg->body);
	return out->failed ? -1 : 0;
}

int sip_reply_write(const struct sip_msg *req, unsigned int status, const char *reason,
		    struct sip_str to_tag, const char *extra, struct sip_buf *out)
{
	sip_buf_printf(out, "SIP/2.0 %03u %s\r\n", status, reason);
	for (unsigned int i = 0; i < req->header_count; i++) {
		const struct sip_header *h = &req->headers[i];

		switch (h->id) {
		case SIP_HDR_VIA:
		case SIP_HDR_FROM:
		case SIP_HDR_CALL_ID:
		case SIP_HDR_CSEQ:
			write_header(out, h);
			break;
		case SIP_HDR_TO:
			write_header(out, h);
			if (!req->to.tag.p && to_tag.len && !out->failed) {
				out->len -= 2;	/* re-open the line to append the tag */
				sip_buf_printf(out, ";tag=" SIP_STR_FMT "\r\n", SIP_STR_ARG(to_tag));
			}
			break;
		default:
			break;
		}
	}
	if (extra)
		sip_buf_cstr(out, extra);
	sip_buf_cstr(out, "Content-Length: 0\r\n\r\n");
	return out->failed ? -1 : 0;
}
