// SPDX-License-Identifier: GPL-2.0
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "digest.h"
#include "sip_lex.h"

static const char *const alg_names[SIPWALL_DIGEST_ALG_COUNT] = {
	[SIPWALL_DIGEST_SHA256] = "SHA-256",
	[SIPWALL_DIGEST_MD5] = "MD5",
};

const char *sipwall_digest_alg_name(enum sipwall_digest_alg alg)
{
	return alg_names[alg];
}

int sipwall_digest_alg_parse(struct sip_str name, enum sipwall_digest_alg *alg)
{
	for (int i = 0; i < SIPWALL_DIGEST_ALG_COUNT; i++) {
		if (sip_str_is_nocase(name, alg_names[i])) {
			*alg = (enum sipwall_digest_alg)i;
			return 0;
		}
	}
	return -1;
}

size_t sipwall_digest_len(enum sipwall_digest_alg alg)
{
	return alg == SIPWALL_DIGEST_MD5 ? 16 : 32;
}

static const EVP_MD *md_of(enum sipwall_digest_alg alg)
{
	return alg == SIPWALL_DIGEST_MD5 ? EVP_md5() : EVP_sha256();
}

void sipwall_digest_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

/* H(part0:part1:...) */
static int hash_parts(enum sipwall_digest_alg alg, const struct sip_str *parts, size_t n,
		      uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = -1;

	if (!ctx)
		goto out;
	if (!EVP_DigestInit_ex(ctx, md_of(alg), NULL))
		goto out_ctx;
	for (size_t i = 0; i < n; i++) {
		if (i && !EVP_DigestUpdate(ctx, ":", 1))
			goto out_ctx;
		if (parts[i].len && !EVP_DigestUpdate(ctx, parts[i].p, parts[i].len))
			goto out_ctx;
	}
	if (!EVP_DigestFinal_ex(ctx, out, NULL))
		goto out_ctx;
	rc = 0;
out_ctx:
	EVP_MD_CTX_free(ctx);
out:
	return rc;
}

int sipwall_credential_from_password(struct sipwall_credential *cred, struct sip_str user,
				     struct sip_str realm, struct sip_str password)
{
	const struct sip_str parts[3] = { user, realm, password };

	memset(cred, 0, sizeof(*cred));
	for (int i = 0; i < SIPWALL_DIGEST_ALG_COUNT; i++) {
		if (hash_parts((enum sipwall_digest_alg)i, parts, 3, cred->ha1[i])) {
			sipwall_credential_wipe(cred);
			return -1;
		}
		cred->has[i] = true;
	}
	return 0;
}

int sipwall_credential_from_hex(struct sipwall_credential *cred, enum sipwall_digest_alg alg,
				struct sip_str hex)
{
	size_t len = sipwall_digest_len(alg);

	memset(cred, 0, sizeof(*cred));
	if (hex.len != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int hi = sip_hex_value((unsigned char)hex.p[2 * i]);
		int lo = sip_hex_value((unsigned char)hex.p[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			sipwall_credential_wipe(cred);
			return -1;
		}
		cred->ha1[alg][i] = (uint8_t)(hi << 4 | lo);
	}
	cred->has[alg] = true;
	return 0;
}

void sipwall_credential_wipe(struct sipwall_credential *cred)
{
	OPENSSL_cleanse(cred, sizeof(*cred));
}

int sipwall_digest_response(enum sipwall_digest_alg alg, const uint8_t *ha1,
			    struct sip_str nonce, struct sip_str nc, struct sip_str cnonce,
			    struct sip_str qop, struct sip_str method, struct sip_str uri,
			    uint8_t *out)
{
	size_t len = sipwall_digest_len(alg);
	char ha1_hex[SIPWALL_DIGEST_HEX_MAX], ha2_hex[SIPWALL_DIGEST_HEX_MAX];
	uint8_t ha2[SIPWALL_DIGEST_MAX];
	const struct sip_str a2[2] = { method, uri };
	struct sip_str parts[6];
	int rc = -1;

	if (hash_parts(alg, a2, 2, ha2))
		goto out;
	sipwall_digest_hex(ha1, len, ha1_hex);
	sipwall_digest_hex(ha2, len, ha2_hex);
	parts[0] = sip_str_make(ha1_hex, 2 * len);
	parts[1] = nonce;
	parts[2] = nc;
	parts[3] = cnonce;
	parts[4] = qop;
	parts[5] = sip_str_make(ha2_hex, 2 * len);
	rc = hash_parts(alg, parts, 6, out);
out:
	/* the hex HA1 is as good as the password for this realm */
	OPENSSL_cleanse(ha1_hex, sizeof(ha1_hex));
	return rc;
}
