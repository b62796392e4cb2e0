// SPDX-License-Identifier: GPL-2.0
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "sip_uri.h"

const char *sipwall_auth_result_name(enum sipwall_auth_result result)
{
	static const char *const names[SIPWALL_AUTH_RESULT_COUNT] = {
		[SIPWALL_AUTH_OK] = "ok",
		[SIPWALL_AUTH_NO_CREDENTIALS] = "no credentials",
		[SIPWALL_AUTH_MALFORMED] = "malformed credentials",
		[SIPWALL_AUTH_WRONG_URI] = "uri is not the request-URI",
		[SIPWALL_AUTH_BAD_ALGORITHM] = "algorithm not offered",
		[SIPWALL_AUTH_STALE] = "stale nonce",
		[SIPWALL_AUTH_FORGED_NONCE] = "forged nonce",
		[SIPWALL_AUTH_BAD_RESPONSE] = "wrong password",
		[SIPWALL_AUTH_REPLAY] = "replayed nonce-count",
		[SIPWALL_AUTH_UNKNOWN_USER] = "unknown user",
		[SIPWALL_AUTH_LOCKED_OUT] = "locked out",
		[SIPWALL_AUTH_UNAVAILABLE] = "directory unavailable",
	};

	return (unsigned int)result < SIPWALL_AUTH_RESULT_COUNT ? names[result] : "?";
}

int sipwall_auth_init(struct sipwall_auth *auth, const char *realm,
		      const bool offer[SIPWALL_DIGEST_ALG_COUNT], unsigned int nonce_lifetime_s,
		      size_t nc_capacity, uint64_t now_ms)
{
	size_t len = strlen(realm);
	bool any = false;

	memset(auth, 0, sizeof(*auth));
	/* the realm goes into a quoted string as is: keep it plain */
	if (!len || len >= sizeof(auth->realm) || strpbrk(realm, "\"\\\r\n"))
		goto err;
	memcpy(auth->realm, realm, len + 1);
	auth->realm_len = len;
	for (int i = 0; i < SIPWALL_DIGEST_ALG_COUNT; i++)
		any |= auth->offer[i] = offer[i];
	if (!any || !nonce_lifetime_s)
		goto err;
	if (sipwall_nonce_keys_init(&auth->keys, (uint64_t)nonce_lifetime_s * 1000, now_ms))
		goto err;
	if (sipwall_nc_init(&auth->nc, nc_capacity))
		goto err_keys;
	return 0;

err_keys:
	sipwall_nonce_keys_uninit(&auth->keys);
err:
	return -1;
}

void sipwall_auth_uninit(struct sipwall_auth *auth)
{
	sipwall_nc_uninit(&auth->nc);
	sipwall_nonce_keys_uninit(&auth->keys);
}

static struct sip_str realm_of(const struct sipwall_auth *auth)
{
	return sip_str_make(auth->realm, auth->realm_len);
}

int sipwall_auth_challenge(struct sipwall_auth *auth, const struct sockaddr *client,
			   uint64_t now_ms, bool stale, struct sipwall_challenge *out)
{
	char nonce[SIPWALL_NONCE_LEN + 1];

	out->count = 0;
	if (sipwall_nonce_keys_rotate(&auth->keys, now_ms) ||
	    sipwall_nonce_make(&auth->keys, realm_of(auth), client, now_ms, nonce))
		return -1;
	/* one nonce for all: the client answers one challenge, with one count */
	for (int i = 0; i < SIPWALL_DIGEST_ALG_COUNT; i++) {
		int n;

		if (!auth->offer[i])
			continue;
		n = snprintf(out->value[out->count], SIPWALL_CHALLENGE_MAX,
			     "Digest realm=\"%s\", nonce=\"%s\", qop=\"auth\", algorithm=%s%s",
			     auth->realm, nonce, sipwall_digest_alg_name((enum sipwall_digest_alg)i),
			     stale ? ", stale=true" : "");
		if (n < 0 || n >= SIPWALL_CHALLENGE_MAX)
			return -1;
		out->count++;
	}
	return 0;
}

static bool hex_decode(struct sip_str hex, uint8_t *out, size_t len)
{
	if (hex.len != 2 * len)
		return false;
	for (size_t i = 0; i < 2 * len; i++) {
		char c = hex.p[i];
		int v = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (v < 0)
			return false;
		if (i % 2)
			out[i / 2] |= (uint8_t)v;
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	return true;
}

/*
 * RFC 3261 §22.4: the uri parameter names the request-URI. Byte-equal is
 * the norm; otherwise SIP URI equality on the parts that identify the
 * resource (scheme, user, host case-insensitively, port, parameters).
 */
static bool uri_matches(struct sip_str digest_uri, struct sip_str request_uri)
{
	struct sip_uri a, b;

	if (sip_str_eq(digest_uri, request_uri))
		return true;
	if (sip_uri_parse(digest_uri, &a) || sip_uri_parse(request_uri, &b))
		return false;
	if (a.scheme != b.scheme || a.scheme == SIP_URI_OTHER)
		return false;
	return sip_str_eq(a.user, b.user) && sip_str_eq_nocase(a.host, b.host) &&
	       a.port == b.port && sip_str_eq_nocase(a.params, b.params);
}

static int parse_nc(struct sip_str nc, uint32_t *out)
{
	uint8_t bytes[4];

	/* nc-value = 8LHEX */
	if (!hex_decode(nc, bytes, 4))
		return -1;
	*out = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
	       (uint32_t)bytes[2] << 8 | bytes[3];
	return *out ? 0 : -1;
}

static enum sipwall_auth_result refuse(struct sipwall_auth_pending *p,
				       enum sipwall_auth_result result, const char *why)
{
	p->why = why;
	return result;
}

static enum sipwall_auth_result malformed(struct sipwall_auth_pending *p, const char *why)
{
	return refuse(p, SIPWALL_AUTH_MALFORMED, why);
}

/*
 * Finds the one credentials value for our realm; a request may carry
 * others for proxies beyond us. Two for our realm are refused: which one
 * we checked would be a guess.
 */
static enum sipwall_auth_result pick_creds(struct sipwall_auth *auth,
					   const struct sipwall_auth_request *req,
					   struct sipwall_auth_pending *p)
{
	unsigned int ours = req->value_count, last = req->value_count;
	const char *why;

	for (unsigned int i = 0; i < req->value_count; i++) {
		if (!sipwall_auth_is_digest(req->values[i]))
			continue;
		if (sipwall_auth_params_parse(req->values[i], &p->creds, &why))
			return malformed(p, why);
		last = i;
		if (!sip_str_eq(p->creds.realm, realm_of(auth)))
			continue;
		if (ours != req->value_count)
			return malformed(p, "Two credentials for one realm");
		ours = i;
	}
	if (ours == req->value_count) {
		p->why = "No credentials for the realm";
		return SIPWALL_AUTH_NO_CREDENTIALS;
	}
	/* creds holds the last value parsed: make it ours again */
	if (last != ours)
		sipwall_auth_params_parse(req->values[ours], &p->creds, &why);
	return SIPWALL_AUTH_OK;
}

enum sipwall_auth_result sipwall_auth_check(struct sipwall_auth *auth,
					    const struct sipwall_auth_request *req,
					    struct sipwall_auth_pending *p)
{
	struct sipwall_digest_creds *c = &p->creds;
	enum sipwall_auth_result result;
	uint8_t response[SIPWALL_DIGEST_MAX];

	p->why = NULL;
	if (sipwall_nonce_keys_rotate(&auth->keys, req->now_ms))
		return SIPWALL_AUTH_UNAVAILABLE;
	result = pick_creds(auth, req, p);
	if (result != SIPWALL_AUTH_OK)
		return result;
	if (!c->username.len || !c->nonce.len || !c->uri.len || !c->response.len)
		return malformed(p, "Credentials lack username, nonce, uri or response");
	/* without qop there is no nonce-count, so no replay protection */
	if (!sip_str_is_nocase(c->qop, "auth") || !c->cnonce.len || !c->nc.len)
		return malformed(p, "Credentials lack qop=auth, cnonce or nc");
	if (sip_str_is_set(c->userhash) && !sip_str_is_nocase(c->userhash, "false"))
		return malformed(p, "userhash is not supported");
	if (parse_nc(c->nc, &p->nc))
		return malformed(p, "Bad nonce-count");
	if (!sip_str_is_set(c->algorithm))
		p->alg = SIPWALL_DIGEST_MD5;	/* RFC 7616 §3.4: absent means MD5 */
	else if (sipwall_digest_alg_parse(c->algorithm, &p->alg))
		return refuse(p, SIPWALL_AUTH_BAD_ALGORITHM, "Algorithm not offered");
	if (!auth->offer[p->alg])
		return refuse(p, SIPWALL_AUTH_BAD_ALGORITHM, "Algorithm not offered");
	if (!hex_decode(c->response, response, sipwall_digest_len(p->alg)))
		return malformed(p, "Bad response digest");
	if (!uri_matches(c->uri, req->request_uri))
		return refuse(p, SIPWALL_AUTH_WRONG_URI, "Digest uri is not the Request-URI");
	if (req->method.len >= sizeof(p->method))
		return malformed(p, "Method too long");
	memcpy(p->method, req->method.p, req->method.len);
	p->method_len = req->method.len;
	switch (sipwall_nonce_check(&auth->keys, c->nonce, realm_of(auth), req->client,
				    req->now_ms, &p->nonce)) {
	case SIPWALL_NONCE_VALID:
		return SIPWALL_AUTH_OK;
	case SIPWALL_NONCE_STALE:
		p->why = "Stale nonce";
		return SIPWALL_AUTH_STALE;
	default:
		p->why = "Nonce not issued here";
		return SIPWALL_AUTH_FORGED_NONCE;
	}
}

enum sipwall_auth_result sipwall_auth_verify(struct sipwall_auth *auth,
					     struct sipwall_auth_pending *p,
					     const struct sipwall_credential *cred, uint64_t now_ms)
{
	struct sipwall_digest_creds *c = &p->creds;
	uint8_t expect[SIPWALL_DIGEST_MAX], got[SIPWALL_DIGEST_MAX];
	size_t len = sipwall_digest_len(p->alg);
	enum sipwall_auth_result result = SIPWALL_AUTH_UNAVAILABLE;

	if (!cred->has[p->alg]) {
		/* the directory holds an HA1 of the other algorithm */
		p->why = "No credential for this algorithm";
		result = SIPWALL_AUTH_BAD_ALGORITHM;
		goto out;
	}
	if (sipwall_digest_response(p->alg, cred->ha1[p->alg], c->nonce, c->nc, c->cnonce,
				    c->qop, sip_str_make(p->method, p->method_len), c->uri,
				    expect))
		goto out;
	hex_decode(c->response, got, len);
	if (CRYPTO_memcmp(expect, got, len)) {
		p->why = "Wrong response";
		result = SIPWALL_AUTH_BAD_RESPONSE;
		goto out;
	}
	switch (sipwall_nc_update(&auth->nc, &p->nonce, p->nc, now_ms, auth->keys.lifetime_ms)) {
	case SIPWALL_NC_OK:
		result = SIPWALL_AUTH_OK;
		break;
	case SIPWALL_NC_REPLAY:
		p->why = "Nonce-count replayed";
		result = SIPWALL_AUTH_REPLAY;
		break;
	default:
		p->why = "Nonce forgotten";
		result = SIPWALL_AUTH_STALE;
		break;
	}
out:
	OPENSSL_cleanse(expect, sizeof(expect));
	return result;
}
