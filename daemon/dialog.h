/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the B2BUA reads out of messages: header values, a dialog's route
 * set and remote target (RFC 3261 12.1), the head of the responses to a
 * request. Returned strings are malloc'd (NULL: out of memory or absent).
 */
#ifndef SIPWALL_DIALOG_H
#define SIPWALL_DIALOG_H

#include <stdint.h>

#include "call.h"
#include "sip_buf.h"
#include "sip_msg.h"

char *sipwall_str_dup(struct sip_str s);
/* A C string of a sip_buf's contents (NULL if a write failed). */
const char *sipwall_buf_cstr(struct sip_buf *b);
/* resp's reason phrase, or one for a local outcome (408, 503). */
void sipwall_reason_copy(const struct sip_msg *resp, unsigned int status, char *out, size_t size);
/* A header's value by id, or for headers without an id (SIP_HDR_OTHER), by name. */
bool sipwall_msg_header(const struct sip_msg *m, enum sip_hdr_id id, const char *name,
			struct sip_str *value);
/* The number a value starts with ("1800;refresher=uac"), 0 if none. */
uint32_t sipwall_leading_uint(struct sip_str s);
/* Whether a Supported/Require header lists token. */
bool sipwall_msg_has_extension(const struct sip_msg *m, enum sip_hdr_id id, const char *token);
/* "Route: ...\r\n" lines: Record-Route in order (UAS) or reversed (UAC). */
char *sipwall_dialog_route_set(const struct sip_msg *m, bool reverse);
/* The Contact URI: a dialog's remote target. */
char *sipwall_dialog_target(const struct sip_msg *m);
/* The head of the responses to req (Via, From, Call-ID, CSeq, To with to_tag). */
char *sipwall_dialog_uas_head(const struct sip_msg *req, const char *to_tag);
/*
 * The header lines of an answer relayed to leg `to`: our Contact (for
 * dialog-creating and target-refresh answers) and resp's end-to-end
 * headers; NULL if b failed.
 */
const char *sipwall_answer_headers(struct sip_buf *b, const struct sip_msg *resp,
				   struct sipwall_leg *to, bool contact);

#endif
