// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of hmac_sha1.c at module load: RFC 2202's HMAC-SHA1 vectors, then
 * every message length over four blocks, with and without room to pad in
 * place, against the crypto API's "hmac(sha1)". On x86 the lengths run
 * again inside a kernel FPU section, where the SIMD SHA-1 drivers hand the
 * blocks to the generic code: the state must be the same for both.
 */

#ifdef CONFIG_X86
#include <asm/fpu/api.h>
#endif

#define HMAC_KAT_MAX_LEN	(4 * SHA1_BLOCK_SIZE)

static bool __init hmac_kat(const char *what, const u8 *key, unsigned int key_len,
			    const char *msg, const char *want_hex)
{
	struct sipwall_hmac_sha1 h = {};
	u8 got[SHA1_DIGEST_SIZE], want[SHA1_DIGEST_SIZE];
	unsigned int len = strlen(msg);
	u8 *buf = kmemdup(msg, len + 1, GFP_KERNEL);
	bool ok;

	ok = buf && !hex2bin(want, want_hex, sizeof(want)) &&
	     !sipwall_hmac_sha1_init(&h, key, key_len) &&
	     !sipwall_hmac_sha1(&h, buf, len, 0, got) && !memcmp(got, want, sizeof(want));
	if (!ok)
		pr_err("sipwall: HMAC-SHA1 self-test failed: %s\n", what);
	sipwall_hmac_sha1_uninit(&h);
	kfree(buf);
	return ok;
}

/* All lengths up to HMAC_KAT_MAX_LEN, hashed in place (with a guard byte
 * after the room that must stay) and through the copy. */
static bool __init hmac_lengths(struct sipwall_hmac_sha1 *h, struct crypto_shash *ref,
				u8 *msg, u8 *buf)
{
	u8 got[SHA1_DIGEST_SIZE], want[SHA1_DIGEST_SIZE];
	unsigned int len, room;

	for (len = 0; len <= HMAC_KAT_MAX_LEN; len++) {
		if (crypto_shash_tfm_digest(ref, msg, len, want))
			return false;
		for (room = 0; room <= SIPWALL_HMAC_SHA1_ROOM; room += SIPWALL_HMAC_SHA1_ROOM) {
			memcpy(buf, msg, len);
			buf[len + room] = 0xa5;
			if (sipwall_hmac_sha1(h, buf, len, room, got) ||
			    memcmp(got, want, sizeof(got)) || buf[len + room] != 0xa5 ||
			    (!room && memcmp(buf, msg, len)))
				return false;
		}
	}
	return true;
}

static bool __init hmac_against_template(void)
{
	static const u8 key[20] = "sipwall self-test!!";
	struct sipwall_hmac_sha1 h = {};
	struct crypto_shash *ref;
	u8 *msg, *buf;
	bool ok;
	int i;

	ref = crypto_alloc_shash("hmac(sha1)", 0, 0);
	msg = kmalloc(HMAC_KAT_MAX_LEN, GFP_KERNEL);
	buf = kmalloc(HMAC_KAT_MAX_LEN + SIPWALL_HMAC_SHA1_ROOM + 1, GFP_KERNEL);
	ok = !IS_ERR(ref) && msg && buf && !crypto_shash_setkey(ref, key, sizeof(key)) &&
	     !sipwall_hmac_sha1_init(&h, key, sizeof(key));
	if (ok) {
		for (i = 0; i < HMAC_KAT_MAX_LEN; i++)
			msg[i] = i * 7 + 1;
		ok = hmac_lengths(&h, ref, msg, buf);
#ifdef CONFIG_X86
		if (ok) {
			kernel_fpu_begin();
			ok = hmac_lengths(&h, ref, msg, buf);
			kernel_fpu_end();
		}
#endif
	}
	if (!ok)
		pr_err("sipwall: HMAC-SHA1 self-test failed: differs from hmac(sha1)\n");
	sipwall_hmac_sha1_uninit(&h);
	if (!IS_ERR(ref))
		crypto_free_shash(ref);
	kfree(msg);
	kfree(buf);
	return ok;
}

int __init sipwall_hmac_sha1_selftest(void)
{
	static const u8 key1[20] = {
		0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
		0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b };
	u8 key6[80];
	bool ok;

	memset(key6, 0xaa, sizeof(key6));
	/* RFC 2202 §3, test cases 1, 2 and 6 (a key longer than a block). */
	ok = hmac_kat("RFC 2202 case 1", key1, sizeof(key1), "Hi There",
		      "b617318655057264e28bc0b6fb378c8ef146be00") &&
	     hmac_kat("RFC 2202 case 2", (const u8 *)"Jefe", 4,
		      "what do ya want for nothing?",
		      "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79") &&
	     hmac_kat("RFC 2202 case 6", key6, sizeof(key6),
		      "Test Using Larger Than Block-Size Key - Hash Key First",
		      "aa4ae5e15272d00e95705637ce8a3b55ed402112") &&
	     hmac_against_template();
	return ok ? 0 : -EINVAL;
}
