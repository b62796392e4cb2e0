/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIP digest authentication for one protection domain (a realm of the
 * SBC): challenges, and the check of credentials in two steps around the
 * asynchronous directory lookup:
 *
 *   sipwall_auth_check()   everything that needs no secret: parse, realm,
 *                          uri, algorithm, nonce. Returns OK when the user
 *                          name in pending->creds should be looked up.
 *   sipwall_auth_verify()  with the user's credential: response, then
 *                          nonce-count (so a forged request cannot burn a
 *                          count).
 *
 * docs/auth.md says which SIP response answers which result.
 */
#ifndef SIPWALL_AUTH_H
#define SIPWALL_AUTH_H

#include <stdint.h>
#include <sys/socket.h>

#include "auth_nonce.h"
#include "auth_param.h"
#include "digest.h"

enum sipwall_auth_result {
	SIPWALL_AUTH_OK,
	SIPWALL_AUTH_NO_CREDENTIALS,	/* none for our realm: challenge */
	SIPWALL_AUTH_MALFORMED,		/* 400 */
	SIPWALL_AUTH_WRONG_URI,		/* uri is not the request-URI: 400 */
	SIPWALL_AUTH_BAD_ALGORITHM,	/* one we did not offer: challenge */
	SIPWALL_AUTH_STALE,		/* challenge with stale=true */
	SIPWALL_AUTH_FORGED_NONCE,	/* challenge; counted as a failure */
	SIPWALL_AUTH_BAD_RESPONSE,	/* wrong password: 403 */
	SIPWALL_AUTH_REPLAY,		/* nonce-count not increasing: 403 */
	SIPWALL_AUTH_UNKNOWN_USER,	/* answered exactly like BAD_RESPONSE */
	SIPWALL_AUTH_LOCKED_OUT,	/* too many failures: 403 */
	SIPWALL_AUTH_UNAVAILABLE,	/* directory unreachable: 503 + Retry-After */
	SIPWALL_AUTH_RESULT_COUNT
};

const char *sipwall_auth_result_name(enum sipwall_auth_result result);

struct sipwall_auth {
	char realm[256];			/* the digest realm, a domain name */
	size_t realm_len;
	bool offer[SIPWALL_DIGEST_ALG_COUNT];
	struct sipwall_nonce_keys keys;
	struct sipwall_nc_table nc;
};

/*
 * offer: which algorithms to challenge with; only those the directory's
 * credential form can check (a stored MD5 HA1 cannot answer SHA-256).
 */
int sipwall_auth_init(struct sipwall_auth *auth, const char *realm,
		      const bool offer[SIPWALL_DIGEST_ALG_COUNT], unsigned int nonce_lifetime_s,
		      size_t nc_capacity, uint64_t now_ms);
void sipwall_auth_uninit(struct sipwall_auth *auth);

#define SIPWALL_CHALLENGE_MAX	256

/* The values of the WWW-Authenticate or Proxy-Authenticate headers to send. */
struct sipwall_challenge {
	unsigned int count;		/* one per algorithm, strongest first */
	char value[SIPWALL_DIGEST_ALG_COUNT][SIPWALL_CHALLENGE_MAX];
};

int sipwall_auth_challenge(struct sipwall_auth *auth, const struct sockaddr *client,
			   uint64_t now_ms, bool stale, struct sipwall_challenge *out);

/* What the SIP layer knows of the request being authenticated. */
struct sipwall_auth_request {
	struct sip_str method;		/* from the request line */
	struct sip_str request_uri;	/* as written in the request line */
	const struct sip_str *values;	/* every Authorization (or Proxy-) value */
	unsigned int value_count;
	const struct sockaddr *client;	/* source address of the request */
	uint64_t now_ms;
};

/* Carried across the lookup: owns copies of everything it needs. */
struct sipwall_auth_pending {
	struct sipwall_digest_creds creds;
	enum sipwall_digest_alg alg;
	struct sipwall_nonce_info nonce;
	uint32_t nc;
	char method[32];
	size_t method_len;
	const char *why;		/* a static reason for logs and 400s */
};

enum sipwall_auth_result sipwall_auth_check(struct sipwall_auth *auth,
					    const struct sipwall_auth_request *req,
					    struct sipwall_auth_pending *pending);
enum sipwall_auth_result sipwall_auth_verify(struct sipwall_auth *auth,
					     struct sipwall_auth_pending *pending,
					     const struct sipwall_credential *cred, uint64_t now_ms);

#endif
