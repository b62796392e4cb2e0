// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC-SHA1 (RFC 2104) for SRTP's authentication tags, over the crypto
 * API's "sha1" shash fed whole blocks only.
 *
 * Why not "hmac(sha1)": an SRTP packet is a few SHA-1 blocks, and the
 * template's work around them costs as much as one of them. Per digest it
 * imports the ipad state, copies the message's last partial block into the
 * descriptor, pads it there, finalises and wipes the state, then does the
 * same again for the outer hash. Here the key blocks are hashed once, when
 * the key is set; per message the chaining values are put in the
 * descriptor, the message is padded where it lies (callers keep the room
 * after it, in the skb's tailroom) and hashed in one update, and the inner
 * digest, padded from a constant, in a second. No copy of the message, no
 * finalisation: the tag is read from the chaining values.
 *
 * That reads and writes the descriptor as struct sha1_state, the layout of
 * every SHA-1 driver built on <crypto/sha1_base.h> (generic, SSSE3/AVX/
 * AVX2/SHA-NI, the ARM ones). Each key checks it: the descriptor's size,
 * and the initial values where sha1_base_init() puts them. A driver with
 * another layout (s390's) gets the "hmac(sha1)" template instead; so does a
 * key longer than a block, which RFC 2104 hashes first (SRTP's are 20
 * bytes).
 */

#include <crypto/hash.h>
#include <crypto/sha1.h>
#include <linux/slab.h>
#include <asm/unaligned.h>
#include "hmac_sha1.h"

#define HMAC_IPAD	0x36
#define HMAC_OPAD	0x5c

/* The outer hash's message is the key block and the inner digest: its
 * padding is always this. */
static const u8 outer_padding[SHA1_BLOCK_SIZE - SHA1_DIGEST_SIZE] = {
	[0] = 0x80,
	[SHA1_BLOCK_SIZE - SHA1_DIGEST_SIZE - 2] = ((SHA1_BLOCK_SIZE + SHA1_DIGEST_SIZE) * 8) >> 8,
	[SHA1_BLOCK_SIZE - SHA1_DIGEST_SIZE - 1] = ((SHA1_BLOCK_SIZE + SHA1_DIGEST_SIZE) * 8) & 0xff,
};

static struct sha1_state *sha1_state(struct sipwall_hmac_sha1 *h)
{
	return shash_desc_ctx(h->desc);
}

/* The state after the key block whose chaining values are @cv. */
static __always_inline void sha1_resume(struct sha1_state *st, const u32 *cv)
{
	memcpy(st->state, cv, SHA1_DIGEST_SIZE);
	st->count = SHA1_BLOCK_SIZE;
}

/* The chaining values, big-endian: a digest, or the inner one. */
static __always_inline void sha1_chaining_out(const struct sha1_state *st, u8 *out)
{
	put_unaligned_be32(st->state[0], out);
	put_unaligned_be32(st->state[1], out + 4);
	put_unaligned_be32(st->state[2], out + 8);
	put_unaligned_be32(st->state[3], out + 12);
	put_unaligned_be32(st->state[4], out + 16);
}

/*
 * Appends SHA-1's padding (FIPS 180-4 §5.1.1) to the @tail bytes at @p, the
 * end of a message of @total bytes. Returns @tail and the padding: whole
 * blocks.
 */
static __always_inline unsigned int sha1_pad(u8 *p, unsigned int tail,
					     unsigned int total)
{
	unsigned int end = round_up(tail + 1 + 8, SHA1_BLOCK_SIZE);

	p[tail] = 0x80;
	memset(p + tail + 1, 0, end - 8 - (tail + 1));
	put_unaligned_be64((u64)total * 8, p + end - 8);
	return end;
}

static __always_inline unsigned int sha1_pad_len(unsigned int tail)
{
	return round_up(tail + 1 + 8, SHA1_BLOCK_SIZE) - tail;
}

/*
 * The MAC of @len bytes at @data into @out. If @room bytes after them may
 * be overwritten and that is enough for the padding (at most
 * SIPWALL_HMAC_SHA1_ROOM), they are, and the message is hashed where it
 * is; else its last partial block is copied. Softirq or process context.
 */
int sipwall_hmac_sha1(struct sipwall_hmac_sha1 *h, u8 *data, unsigned int len,
		      unsigned int room, u8 out[SHA1_DIGEST_SIZE])
{
	unsigned int whole = round_down(len, SHA1_BLOCK_SIZE), tail = len - whole;
	u8 *block = h->block;
	struct sha1_state *st;
	int err;

	if (!h->blocks)
		return crypto_shash_digest(h->desc, data, len, out);

	st = sha1_state(h);
	sha1_resume(st, h->ipad);
	if (room >= sha1_pad_len(tail)) {
		whole += sha1_pad(data + whole, tail, SHA1_BLOCK_SIZE + len);
		err = crypto_shash_update(h->desc, data, whole);
	} else {
		memcpy(block, data + whole, tail);
		err = whole ? crypto_shash_update(h->desc, data, whole) : 0;
		if (!err)
			err = crypto_shash_update(h->desc, block,
						  sha1_pad(block, tail, SHA1_BLOCK_SIZE + len));
	}
	if (err)
		return err;

	sha1_chaining_out(st, block);
	memcpy(block + SHA1_DIGEST_SIZE, outer_padding, sizeof(outer_padding));
	sha1_resume(st, h->opad);
	err = crypto_shash_update(h->desc, block, SHA1_BLOCK_SIZE);
	if (err)
		return err;
	sha1_chaining_out(st, out);
	return 0;
}

/* Whether @desc's driver keeps its state as struct sha1_state (see top). */
static bool sha1_state_known(struct sipwall_hmac_sha1 *h)
{
	struct sha1_state *st = sha1_state(h);
	static const u32 h0[SHA1_DIGEST_WORDS] = {
		SHA1_H0, SHA1_H1, SHA1_H2, SHA1_H3, SHA1_H4 };

	return crypto_shash_descsize(h->tfm) == sizeof(*st) &&
	       !crypto_shash_init(h->desc) &&
	       !memcmp(st->state, h0, sizeof(h0)) && !st->count;
}

/* Hashes the key block (key ^ @pad) and keeps the chaining values. */
static int key_block(struct sipwall_hmac_sha1 *h, const u8 *key,
		     unsigned int key_len, u8 pad, u32 *cv)
{
	struct sha1_state *st = sha1_state(h);
	u8 block[SHA1_BLOCK_SIZE];
	unsigned int i;
	int err;

	memset(block, pad, sizeof(block));
	for (i = 0; i < key_len; i++)
		block[i] ^= key[i];
	err = crypto_shash_init(h->desc);
	if (!err)
		err = crypto_shash_update(h->desc, block, sizeof(block));
	if (!err && st->count != SHA1_BLOCK_SIZE)
		err = -EINVAL;
	if (!err)
		memcpy(cv, st->state, SHA1_DIGEST_SIZE);
	memzero_explicit(block, sizeof(block));
	return err;
}

static int desc_alloc(struct sipwall_hmac_sha1 *h, const char *name)
{
	h->tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(h->tfm)) {
		int err = PTR_ERR(h->tfm);

		h->tfm = NULL;
		return err;
	}
	h->desc = kzalloc(sizeof(*h->desc) + crypto_shash_descsize(h->tfm), GFP_KERNEL);
	if (!h->desc)
		return -ENOMEM;
	h->desc->tfm = h->tfm;
	return 0;
}

static void desc_free(struct sipwall_hmac_sha1 *h)
{
	kfree_sensitive(h->desc);
	crypto_free_shash(h->tfm);	/* NULL is fine */
	h->desc = NULL;
	h->tfm = NULL;
}

/* Process context. On failure, sipwall_hmac_sha1_uninit() cleans up. */
int sipwall_hmac_sha1_init(struct sipwall_hmac_sha1 *h, const u8 *key,
			   unsigned int key_len)
{
	int err;

	if (key_len <= SHA1_BLOCK_SIZE) {
		err = desc_alloc(h, "sha1");
		if (err)
			return err;
		h->blocks = sha1_state_known(h);
		if (h->blocks) {
			err = key_block(h, key, key_len, HMAC_IPAD, h->ipad);
			if (!err)
				err = key_block(h, key, key_len, HMAC_OPAD, h->opad);
			return err;
		}
		desc_free(h);
	}
	err = desc_alloc(h, "hmac(sha1)");
	if (!err)
		err = crypto_shash_setkey(h->tfm, key, key_len);
	return err;
}

void sipwall_hmac_sha1_uninit(struct sipwall_hmac_sha1 *h)
{
	desc_free(h);
	memzero_explicit(h->ipad, sizeof(h->ipad));
	memzero_explicit(h->opad, sizeof(h->opad));
	h->blocks = false;
}

#include "selftest/hmac_sha1.c"
