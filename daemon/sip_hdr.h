/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Header field identities and the structured forms of the header fields
 * the stack acts on. Each parser takes one header value (one element of a
 * comma-separated list) and returns NULL or a static reason phrase.
 */
#ifndef SIPWALL_SIP_HDR_H
#define SIPWALL_SIP_HDR_H

#include <stdint.h>

#include "sip_uri.h"

enum sip_hdr_id {
	SIP_HDR_OTHER,
	SIP_HDR_VIA,
	SIP_HDR_FROM,
	SIP_HDR_TO,
	SIP_HDR_CALL_ID,
	SIP_HDR_CSEQ,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_CONTACT,
	SIP_HDR_ROUTE,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_EXPIRES,
	SIP_HDR_SUBJECT,
	SIP_HDR_SUPPORTED,
	SIP_HDR_REQUIRE,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_ALLOW,
	SIP_HDR_EVENT,
	SIP_HDR_REFER_TO,
	SIP_HDR_REFERRED_BY,
	SIP_HDR_SESSION_EXPIRES,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_PATH,
	SIP_HDR_USER_AGENT,
	SIP_HDR_SERVER,
	SIP_HDR_DELETED,	/* removed by an edit; the serializer skips it */
	SIP_HDR_COUNT
};

/* Identifies a header by its full or compact name, case-insensitively. */
enum sip_hdr_id sip_hdr_lookup(struct sip_str name);
/* Canonical full name of a known header ("Call-ID"), NULL for OTHER. */
const char *sip_hdr_name(enum sip_hdr_id id);
/* Headers whose values are comma-separated lists the parser splits. */
bool sip_hdr_is_list(enum sip_hdr_id id);

struct sip_via {
	struct sip_str protocol;	/* "SIP/2.0/UDP" as written */
	struct sip_str transport;	/* "UDP", "TCP", "TLS", ... */
	struct sip_str host;		/* IPv6 references keep their brackets */
	uint16_t port;
	struct sip_str params;		/* raw ";..." run */
	struct sip_str branch;
	struct sip_str received;
	bool has_rport;
	uint16_t rport;			/* 0: rport present without value */
};

/* name-addr / addr-spec with header parameters (From, To, Contact, Route). */
struct sip_name_addr {
	struct sip_str display;		/* without quotes, escapes kept */
	struct sip_uri uri;
	struct sip_str params;		/* raw ";..." run after the URI */
	struct sip_str tag;
	bool angle_brackets;
};

struct sip_contact {
	bool star;			/* "Contact: *" */
	struct sip_name_addr addr;
	int64_t expires;		/* -1: no expires parameter */
};

struct sip_cseq {
	uint32_t seq;
	struct sip_str method;
};

struct sip_content_type {
	struct sip_str type;
	struct sip_str subtype;
	struct sip_str params;
};

const char *sip_via_parse(struct sip_str value, struct sip_via *via);
const char *sip_name_addr_parse(struct sip_str value, struct sip_name_addr *na);
const char *sip_contact_parse(struct sip_str value, struct sip_contact *contact);
const char *sip_cseq_parse(struct sip_str value, struct sip_cseq *cseq);
const char *sip_content_type_parse(struct sip_str value, struct sip_content_type *ct);

/*
 * Takes the next element of a comma-separated list value off *rest,
 * splitting only at commas outside quotes and angle brackets. Returns 1
 * with an element, 0 at the end, -1 for an empty element or an unbalanced
 * quote or bracket.
 */
int sip_list_next(struct sip_str *rest, struct sip_str *element);

#endif
