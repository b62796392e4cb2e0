// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests of the SRTP code, run at module load: a wrong answer
 * fails the load. Vectors: RFC 3711 Appendix B.2 (AES-CM keystream) and B.3
 * (key derivation), RFC 6188 §7.2 (AES-256 key derivation), RFC 7714 §16
 * (AES-128-GCM SRTP) and §17 (AES-256-GCM SRTCP), and the AES-CM/HMAC-SHA1
 * packet of libsrtp's srtp_driver, which derives its keys from the B.3
 * master key. Every transform test runs twice: with the internal SIMD
 * transforms where there are some, then without them, the path taken where
 * the FPU is not usable.
 */

#include <linux/kernel.h>

struct kat_buf {
	u8 b[96];
	unsigned int len;
};

static bool __init kat_hex(struct kat_buf *out, const char *hex)
{
	unsigned int n = 0;

	while (*hex) {
		int hi, lo;

		if (*hex == ' ') {
			hex++;
			continue;
		}
		hi = hex_to_bin(hex[0]);
		lo = hex_to_bin(hex[1]);
		if (hi < 0 || lo < 0 || n >= sizeof(out->b))
			return false;
		out->b[n++] = hi << 4 | lo;
		hex += 2;
	}
	out->len = n;
	return true;
}

static bool __init kat_equal(const char *what, const u8 *got, unsigned int len,
			     const char *want_hex)
{
	struct kat_buf want;

	if (kat_hex(&want, want_hex) && want.len == len && !memcmp(got, want.b, len))
		return true;
	pr_err("sipwall: SRTP self-test failed: %s\n", what);
	return false;
}

static bool __init kat_kdf(u32 suite, const char *key_hex, const char *salt_hex,
			   const char *enc, const char *auth, const char *salt)
{
	struct kat_buf key, msalt;
	struct derived_keys *dk;
	bool ok;

	dk = kzalloc(sizeof(*dk), GFP_KERNEL);
	ok = dk && kat_hex(&key, key_hex) && kat_hex(&msalt, salt_hex) &&
	     !derive(&suites[suite], key.b, msalt.b, dk) &&
	     kat_equal("KDF cipher key", dk->enc[0], suites[suite].key_len, enc) &&
	     kat_equal("KDF auth key", dk->auth[0], HMAC_KEY_LEN, auth) &&
	     kat_equal("KDF salt", dk->salt[0], CM_SALT_LEN, salt);
	kfree_sensitive(dk);
	return ok;
}

/* The second run: as if crypto_simd_usable() were false. */
static struct sipwall_srtp *__init kat_no_simd(struct sipwall_srtp *s, bool no_simd)
{
	struct srtp_session *ss[2];
	int i;

	if (IS_ERR_OR_NULL(s) || !no_simd)
		return s;
	ss[0] = &s->rtp;
	ss[1] = &s->rtcp;
	for (i = 0; i < ARRAY_SIZE(ss); i++) {
		if (ss[i]->ctr_simd)
			crypto_free_sync_skcipher(ss[i]->ctr_simd);
		if (ss[i]->gcm_simd)
			crypto_free_aead(ss[i]->gcm_simd);
		ss[i]->ctr_simd = NULL;
		ss[i]->gcm_simd = NULL;
	}
	return s;
}

static bool __init kat_keystream(bool no_simd)
{
	static const u8 salt[CM_SALT_LEN] = {
		0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
		0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd };
	struct sipwall_srtp *s = srtp_alloc(SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80);
	struct kat_buf key;
	u8 *data = kzalloc(48, GFP_KERNEL);
	bool ok;

	ok = s && data && kat_hex(&key, "2B7E151628AED2A6ABF7158809CF4F3C") &&
	     !session_init(&s->rtp, s->suite, key.b, key.b, salt) &&
	     kat_no_simd(s, no_simd) &&
	     !aes_cm_crypt(s, &s->rtp, 0, 0, data, 48) &&
	     kat_equal("AES-CM keystream", data, 48,
		       "E03EAD0935C95E80E166B16DD92B4EB4"
		       "D23513162B02D0F72A43A2FE4A5F97AB"
		       "41E95B3BB0A2E8DD477901E4FCA894C0");
	kfree(data);
	sipwall_srtp_destroy(s);
	return ok;
}

/* Protects @plain_hex, compares with @prot_hex, then unprotects it with a
 * second context and checks the replay and tamper refusals. Protecting has
 * the least room it may have (the HMAC copies the message's last block),
 * unprotecting all of the buffer (the HMAC pads in place). */
static bool __init kat_packet(struct sipwall_srtp *tx, struct sipwall_srtp *rx,
			      bool rtcp, const char *plain_hex, const char *prot_hex)
{
	struct kat_buf *plain, *pkt;
	unsigned int len;
	bool ok = false;

	plain = kzalloc(sizeof(*plain), GFP_KERNEL);
	pkt = kzalloc(sizeof(*pkt), GFP_KERNEL);
	if (!tx || !rx || IS_ERR(tx) || IS_ERR(rx) || !plain || !pkt ||
	    !kat_hex(plain, plain_hex))
		goto out;
	*pkt = *plain;
	len = pkt->len;
	if (sipwall_srtp_protect(tx, pkt->b, &len, SIPWALL_SRTP_OVERHEAD_MAX, rtcp) ||
	    !kat_equal(rtcp ? "SRTCP protect" : "SRTP protect", pkt->b, len, prot_hex))
		goto out;
	pkt->len = len;
	if (sipwall_srtp_unprotect(rx, pkt->b, &len, sizeof(pkt->b) - len, rtcp) ||
	    !kat_equal(rtcp ? "SRTCP unprotect" : "SRTP unprotect", pkt->b, len, plain_hex))
		goto out;
	if (!kat_hex(pkt, prot_hex))
		goto out;
	len = pkt->len;
	if (sipwall_srtp_unprotect(rx, pkt->b, &len, sizeof(pkt->b) - len, rtcp) != -EALREADY) {
		pr_err("sipwall: SRTP self-test failed: replay accepted\n");
		goto out;
	}
	/* A forgery with a fresh index (next sequence number, or another
	 * SSRC) so that it is not refused as a replay first. */
	pkt->b[rtcp ? 4 : 3]++;
	len = pkt->len;
	if (sipwall_srtp_unprotect(rx, pkt->b, &len, 0, rtcp) != -EBADMSG) {
		pr_err("sipwall: SRTP self-test failed: forgery accepted\n");
		goto out;
	}
	ok = true;
out:
	kfree(plain);
	kfree(pkt);
	return ok;
}

/* RFC 7714 gives session keys, not master keys. */
static struct sipwall_srtp *__init kat_session(u32 suite, const char *key_hex,
					       const char *salt_hex, bool no_simd)
{
	struct sipwall_srtp *s = srtp_alloc(suite);
	struct kat_buf key, salt;

	if (!s || !kat_hex(&key, key_hex) || !kat_hex(&salt, salt_hex) ||
	    session_init(&s->rtp, s->suite, key.b, NULL, salt.b) ||
	    session_init(&s->rtcp, s->suite, key.b, NULL, salt.b)) {
		sipwall_srtp_destroy(s);
		return NULL;
	}
	return kat_no_simd(s, no_simd);
}

static struct sipwall_srtp *__init kat_master(u32 suite, const char *hex,
					      bool no_simd)
{
	const struct srtp_suite *p = &suites[suite];
	struct kat_buf k;

	if (!kat_hex(&k, hex) || k.len != p->key_len + p->salt_len)
		return NULL;
	return kat_no_simd(sipwall_srtp_create(suite, k.b, p->key_len,
					       k.b + p->key_len, p->salt_len, NULL),
			   no_simd);
}

static void __init kat_put(struct sipwall_srtp *s)
{
	if (!IS_ERR_OR_NULL(s))
		sipwall_srtp_destroy(s);
}

/* The keystream and the packets, with or without the SIMD transforms. */
static bool __init kat_transforms(bool no_simd)
{
	static const char master128[] = "E1F97A0D3E018BE0D64FA32C06DE4139"
					"0EC675AD498AFEEBB6960B3AABE6";
	static const char gcm_salt[] = "517569642070726f2071756f";
	struct sipwall_srtp *tx, *rx;
	bool ok = kat_keystream(no_simd);

	if (ok) {
		tx = kat_master(SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80, master128, no_simd);
		rx = kat_master(SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80, master128, no_simd);
		ok = kat_packet(tx, rx, false,
				"800f1234decafbadcafebabe"
				"abababababababababababababababab",
				"800f1234decafbadcafebabe"
				"4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
		kat_put(tx);
		kat_put(rx);
	}
	if (ok) {
		tx = kat_session(SIPWALL_SRTP_AEAD_AES_128_GCM,
				 "000102030405060708090a0b0c0d0e0f", gcm_salt, no_simd);
		rx = kat_session(SIPWALL_SRTP_AEAD_AES_128_GCM,
				 "000102030405060708090a0b0c0d0e0f", gcm_salt, no_simd);
		ok = kat_packet(tx, rx, false,
				"8040f17b8041f8d35501a0b2"
				"47616c6c696120657374206f6d6e69732064697669736120"
				"696e207061727465732074726573",
				"8040f17b8041f8d35501a0b2"
				"f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f"
				"42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf"
				"765ee4390cce");
		kat_put(tx);
		kat_put(rx);
	}
	if (ok) {
		tx = kat_session(SIPWALL_SRTP_AEAD_AES_256_GCM,
				 "000102030405060708090a0b0c0d0e0f"
				 "101112131415161718191a1b1c1d1e1f", gcm_salt, no_simd);
		rx = kat_session(SIPWALL_SRTP_AEAD_AES_256_GCM,
				 "000102030405060708090a0b0c0d0e0f"
				 "101112131415161718191a1b1c1d1e1f", gcm_salt, no_simd);
		if (tx)
			tx->ssrc[0] = (struct srtp_ssrc){
				.ssrc = 0x4d617273, .used = true, .rtcp_next = 0x5d4 };
		ok = kat_packet(tx, rx, true,
				"81c8000d4d6172734e5450314e545032"
				"525450200000042a0000e9304c756e61"
				"deadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
				"81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c28"
				"2c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de047"
				"6f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4");
		kat_put(tx);
		kat_put(rx);
	}
	return ok;
}

int __init sipwall_srtp_selftest(void)
{
	bool ok;

	ok = kat_kdf(SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80,
		     "E1F97A0D3E018BE0D64FA32C06DE4139", "0EC675AD498AFEEBB6960B3AABE6",
		     "C61E7A93744F39EE10734AFE3FF7A087",
		     "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4",
		     "30CBBC08863D8C85D49DB34A9AE1") &&
	     kat_kdf(SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_80,
		     "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
		     "3b04803de51ee7c96423ab5b78d2",
		     "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4",
		     "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05",
		     "fa31791685ca444a9e07c6c64e93") &&
	     kat_transforms(false) && kat_transforms(true);
	if (!ok)
		return -EINVAL;
	pr_debug("sipwall: SRTP self-tests passed\n");
	return 0;
}
