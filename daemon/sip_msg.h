/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A parsed SIP message. Parsing is zero-copy: every slice points into the
 * caller's buffer, which the parser modifies only to unfold folded header
 * lines in place, and which must outlive the message.
 */
#ifndef SIPWALL_SIP_MSG_H
#define SIPWALL_SIP_MSG_H

#include <stdint.h>

#include "sip_hdr.h"

/* Hard limits: anything beyond them is refused, never truncated. */
#define SIP_MSG_MAX_SIZE	65535	/* whole message, as for one UDP datagram */
#define SIP_MSG_MAX_HEADERS	128	/* header values after list splitting */
#define SIP_MSG_MAX_LINE	8192	/* one header field, unfolded */
#define SIP_MSG_SCRATCH		1024	/* room for values written by edits */

enum sip_method {
	SIP_METHOD_OTHER,
	SIP_METHOD_INVITE,
	SIP_METHOD_ACK,
	SIP_METHOD_BYE,
	SIP_METHOD_CANCEL,
	SIP_METHOD_OPTIONS,
	SIP_METHOD_REGISTER,
	SIP_METHOD_PRACK,
	SIP_METHOD_UPDATE,
	SIP_METHOD_INFO,
	SIP_METHOD_SUBSCRIBE,
	SIP_METHOD_NOTIFY,
	SIP_METHOD_REFER,
	SIP_METHOD_MESSAGE,
	SIP_METHOD_PUBLISH,
};

struct sip_header {
	enum sip_hdr_id id;
	struct sip_str name;	/* as received; edits may use canonical names */
	struct sip_str value;	/* one element for list headers */
};

struct sip_msg {
	struct sip_str raw;		/* the whole message as framed */
	bool is_request;

	enum sip_method method;		/* requests */
	struct sip_str method_name;
	struct sip_uri request_uri;

	unsigned int status;		/* responses */
	struct sip_str reason;

	/* The header fields the stack acts on, parsed and checked. */
	struct sip_via via;		/* topmost Via */
	unsigned int via_count;
	struct sip_name_addr from;
	struct sip_name_addr to;
	struct sip_str call_id;
	struct sip_cseq cseq;
	enum sip_method cseq_method;
	int max_forwards;		/* -1: absent */
	int64_t expires;		/* -1: absent */
	int64_t content_length;		/* -1: absent */
	bool has_content_type;
	struct sip_content_type content_type;
	struct sip_str body;

	/* Why parsing failed: a status for the answer and a reason phrase. */
	unsigned int error_status;
	const char *error_reason;

	/* Not cleared before parsing (only header_count is): they are large. */
	unsigned int header_count;
	struct sip_header headers[SIP_MSG_MAX_HEADERS];
	size_t scratch_used;
	char scratch[SIP_MSG_SCRATCH];
};

enum sip_transport_kind {
	SIP_FRAMING_DATAGRAM,	/* Content-Length optional, extra bytes dropped */
	SIP_FRAMING_STREAM,	/* Content-Length required and exact */
};

/*
 * Parses buf[0..len) as one message. Returns 0, or -1 with error_status and
 * error_reason set. The buffer is written to (line unfolding) and must stay
 * alive and unmoved as long as msg is used.
 */
int sip_msg_parse(struct sip_msg *msg, char *buf, size_t len, enum sip_transport_kind framing);

enum sip_method sip_method_lookup(struct sip_str name);
const char *sip_method_name(enum sip_method method);

/* Index of the first header with this id at or after from, or -1. */
int sip_msg_find(const struct sip_msg *msg, enum sip_hdr_id id, unsigned int from);

#endif
