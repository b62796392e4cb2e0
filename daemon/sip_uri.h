/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SIPWALL_SIP_URI_H
#define SIPWALL_SIP_URI_H

#include <stdint.h>

#include "sip_str.h"

enum sip_uri_scheme {
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL,
	SIP_URI_OTHER,	/* absoluteURI: kept whole, not taken apart */
};

/*
 * A parsed URI. Slices point into the text the URI was parsed from; user
 * and password keep their %HH escapes. For sip/sips, params is the raw
 * ";name[=value]..." run and headers the raw "?h=v&..." run (without '?').
 */
struct sip_uri {
	enum sip_uri_scheme scheme;
	struct sip_str raw;
	struct sip_str scheme_name;
	struct sip_str user;
	struct sip_str password;
	struct sip_str host;		/* IPv6 references keep their brackets */
	uint16_t port;			/* 0: none given */
	bool host_is_ipv6;
	struct sip_str params;
	struct sip_str headers;
	struct sip_str transport;	/* ;transport= */
	struct sip_str maddr;		/* ;maddr= */
	bool lr;			/* ;lr (loose routing) */
};

/* Returns NULL or a static reason a 400 can carry. */
const char *sip_uri_parse(struct sip_str text, struct sip_uri *uri);

/* host = hostname / IPv4address / IPv6reference */
bool sip_host_valid(struct sip_str host);

/*
 * Finds ";name[=value]" in a parameter run (case-insensitive name).
 * A parameter without a value yields an empty, set slice.
 */
bool sip_param_find(struct sip_str params, const char *name, struct sip_str *value);

#endif
