/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Editing and serializing messages. Edits change the header table of a
 * parsed message (the parsed structures are not updated: re-parse the
 * output if they are needed); new values live in the message's scratch
 * area or in memory the caller keeps alive until the message is written.
 */
#ifndef SIPWALL_SIP_WRITE_H
#define SIPWALL_SIP_WRITE_H

#include "sip_buf.h"
#include "sip_msg.h"

/* Copies formatted text into msg's scratch area; an unset slice if full. */
struct sip_str sip_msg_store(struct sip_msg *msg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void sip_msg_header_remove(struct sip_msg *msg, unsigned int index);
/* Removes every header with this id; returns how many. */
unsigned int sip_msg_header_remove_all(struct sip_msg *msg, enum sip_hdr_id id);
void sip_msg_header_set(struct sip_msg *msg, unsigned int index, struct sip_str value);
/* Inserts before index (header_count appends); -1 if the table is full. */
int sip_msg_header_insert(struct sip_msg *msg, unsigned int index, enum sip_hdr_id id,
			  struct sip_str name, struct sip_str value);

/*
 * Writes the start line (from method_name/request_uri.raw or
 * status/reason), every header not removed, a Content-Length computed
 * from the body, the empty line and the body. Returns -1 if out failed.
 */
int sip_msg_write(const struct sip_msg *msg, struct sip_buf *out);

/*
 * Writes a response to req: its Via headers, From, To (with to_tag added
 * if To has none and to_tag is set), Call-ID and CSeq (RFC 3261 8.2.6.2),
 * then extra (CRLF-terminated header lines, may be NULL) and no body.
 */
int sip_reply_write(const struct sip_msg *req, unsigned int status, const char *reason,
		    struct sip_str to_tag, const char *extra, struct sip_buf *out);

#endif
