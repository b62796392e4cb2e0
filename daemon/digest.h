/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP digest arithmetic (RFC 7616 with RFC 8760's SHA-256 for SIP): HA1,
 * the request digest, and the credential form the directory gives us.
 * Pure functions over OpenSSL's EVP digests.
 */
#ifndef SIPWALL_DIGEST_H
#define SIPWALL_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_str.h"

/* In the order challenges offer them: the stronger first (RFC 8760 §2.4). */
enum sipwall_digest_alg {
	SIPWALL_DIGEST_SHA256,
	SIPWALL_DIGEST_MD5,
	SIPWALL_DIGEST_ALG_COUNT
};

#define SIPWALL_DIGEST_MAX	32	/* bytes of the longest hash */
#define SIPWALL_DIGEST_HEX_MAX	(2 * SIPWALL_DIGEST_MAX + 1)

const char *sipwall_digest_alg_name(enum sipwall_digest_alg alg);
/* Case-insensitive "MD5" or "SHA-256"; -1 for anything else (also "-sess"). */
int sipwall_digest_alg_parse(struct sip_str name, enum sipwall_digest_alg *alg);
size_t sipwall_digest_len(enum sipwall_digest_alg alg);

/* Lower-case hex of len bytes into out (2 * len + 1 bytes). */
void sipwall_digest_hex(const uint8_t *in, size_t len, char *out);

/*
 * What a user's secret is reduced to: the HA1 = H(user:realm:password) of
 * each algorithm we can check. A cleartext password yields both; a stored
 * HA1 only its own. Wipe with sipwall_credential_wipe().
 */
struct sipwall_credential {
	bool has[SIPWALL_DIGEST_ALG_COUNT];
	uint8_t ha1[SIPWALL_DIGEST_ALG_COUNT][SIPWALL_DIGEST_MAX];
};

int sipwall_credential_from_password(struct sipwall_credential *cred, struct sip_str user,
				     struct sip_str realm, struct sip_str password);
/* A stored HA1 in hex (either case); -1 if it is not hex of the right length. */
int sipwall_credential_from_hex(struct sipwall_credential *cred, enum sipwall_digest_alg alg,
				struct sip_str hex);
void sipwall_credential_wipe(struct sipwall_credential *cred);

/*
 * request-digest for qop=auth (RFC 7616 §3.4.1):
 * H(HEX(HA1):nonce:nc:cnonce:qop:HEX(H(method:uri))). Returns 0 or -1.
 */
int sipwall_digest_response(enum sipwall_digest_alg alg, const uint8_t *ha1,
			    struct sip_str nonce, struct sip_str nc, struct sip_str cnonce,
			    struct sip_str qop, struct sip_str method, struct sip_str uri,
			    uint8_t *out);

#endif
