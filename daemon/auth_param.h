/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parameters of a Digest Authorization / Proxy-Authorization value
 * (RFC 3261 §25.1 credentials, RFC 7616 §3.4). Values are copied out of
 * the message, quoted strings unescaped, so the result outlives it: the
 * directory lookup that follows is asynchronous.
 */
#ifndef SIPWALL_AUTH_PARAM_H
#define SIPWALL_AUTH_PARAM_H

#include <stdbool.h>

#include "sip_str.h"

/* Hard limits: anything beyond them is malformed, never truncated. */
#define SIPWALL_AUTH_MAX_VALUE		4096	/* the whole header value */
#define SIPWALL_AUTH_MAX_PARAMS		32
#define SIPWALL_AUTH_MAX_USERNAME	256

struct sipwall_digest_creds {
	struct sip_str username, realm, nonce, uri, response, algorithm;
	struct sip_str cnonce, opaque, qop, nc, userhash;
	char buf[SIPWALL_AUTH_MAX_VALUE];	/* the slices above point here */
};

/*
 * Parses "Digest k=v, k="v", ...". Unknown parameters are ignored (RFC
 * 7616 §3.4); a known one given twice, an unbalanced quote, a bad escape,
 * a control character or a value beyond the limits make it malformed.
 * Returns 0, or -1 with *why set to a static reason.
 */
int sipwall_auth_params_parse(struct sip_str value, struct sipwall_digest_creds *creds,
			      const char **why);

/* The scheme token of a credentials value is "Digest" (any case). */
bool sipwall_auth_is_digest(struct sip_str value);

#endif
