/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIPWALL_HMAC_SHA1_H
#define _SIPWALL_HMAC_SHA1_H

#include <crypto/sha1.h>
#include <linux/types.h>

/*
 * Bytes after a message that sipwall_hmac_sha1() may overwrite to hash it
 * in place, at most: SHA-1's padding (0x80, zeros, 64-bit length).
 */
#define SIPWALL_HMAC_SHA1_ROOM	(SHA1_BLOCK_SIZE + 8)

struct crypto_shash;
struct shash_desc;

/* A keyed HMAC-SHA1; one user at a time (the caller serialises). */
struct sipwall_hmac_sha1 {
	struct crypto_shash *tfm;	/* "sha1", or "hmac(sha1)" if !blocks */
	struct shash_desc *desc;
	bool blocks;			/* whole blocks from the chaining values */
	u32 ipad[SHA1_DIGEST_WORDS];	/* SHA-1 state after the key ^ ipad block */
	u32 opad[SHA1_DIGEST_WORDS];	/* and after the key ^ opad block */
	/* A message's last partial block and its padding, then the outer
	 * block: no secret (the inner digest without the opad state forges
	 * nothing), and here rather than on the stack, which the kernel
	 * zeroes at every call. */
	u8 block[2 * SHA1_BLOCK_SIZE];
};

int sipwall_hmac_sha1_init(struct sipwall_hmac_sha1 *h, const u8 *key,
			   unsigned int key_len);
void sipwall_hmac_sha1_uninit(struct sipwall_hmac_sha1 *h);
int sipwall_hmac_sha1(struct sipwall_hmac_sha1 *h, u8 *data, unsigned int len,
		      unsigned int room, u8 out[SHA1_DIGEST_SIZE]);

int sipwall_hmac_sha1_selftest(void);

#endif /* _SIPWALL_HMAC_SHA1_H */
