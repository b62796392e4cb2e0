// SPDX-License-Identifier: GPL-2.0
/*
 * SRTP and SRTCP (RFC 3711) on the kernel crypto API, with the suites of
 * RFC 4568 (AES-CM-128 with HMAC-SHA1), RFC 6188 (AES-CM-256) and RFC 7714
 * (AES-GCM). A context holds one direction of one stream: the session keys
 * derived from one master key, and per SSRC the rollover counter, the
 * replay window and the SRTCP index.
 *
 * Everything that can fail for lack of memory happens in
 * sipwall_srtp_create(), in process context; protecting and unprotecting a
 * packet allocates nothing.
 *
 * The transforms. x86's AES-NI drivers register their fast CTR and GCM
 * (whole packets in one FPU section; GCM with PCLMULQDQ GHASH) only as
 * internal algorithms, "__ctr(aes)" and "__gcm(aes)", which may only run
 * where the FPU is usable, behind an asynchronous wrapper that defers to
 * cryptd when it is not. A synchronous user gets neither: "ctr(aes)" is the
 * ctr template over the one-block cipher (an FPU section and an indirect
 * call per 16 bytes), "gcm(aes)" the gcm template with ghash-generic. So,
 * as crypto/simd.c does itself, each session also holds the internal
 * transform under the same key and uses it when crypto_simd_usable() (in
 * softirq, unless the CPU interrupted a kernel FPU section), else the
 * synchronous one. Elsewhere (arm64) the synchronous instance already is
 * the SIMD driver and there is no internal one.
 */

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/internal/simd.h>
#include <crypto/skcipher.h>
#include <linux/jiffies.h>
#include <linux/scatterlist.h>
#include <linux/sipwall.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/simd.h>
#include <asm/unaligned.h>
#include "hmac_sha1.h"
#include "rtp.h"
#include "srtp.h"

#define AES_BLOCK		16
#define CM_SALT_LEN		14	/* AES-CM session salt, and KDF salt */
#define GCM_SALT_LEN		12
#define GCM_IV_LEN		12
#define GCM_TAG_LEN		16
#define HMAC_KEY_LEN		20	/* HMAC-SHA1 session authentication key */
#define HMAC_LEN		20
/* RFC 4568 §6.2: SRTCP keeps the 80-bit tag even for the _32 suites. */
#define SRTCP_HMAC_TAG_LEN	10
#define SRTCP_TRAILER_LEN	4	/* E flag and SRTCP index */
#define SRTCP_E_FLAG		0x80000000U
#define SRTCP_INDEX_MASK	0x7fffffffU
#define REPLAY_WINDOW		128	/* packets; RFC 3711 asks for >= 64 */
#define SRTP_SSRCS		8	/* per context; least recently used goes */

enum srtp_label {
	LABEL_RTP_ENC,
	LABEL_RTP_AUTH,
	LABEL_RTP_SALT,
	LABEL_RTCP_ENC,
	LABEL_RTCP_AUTH,
	LABEL_RTCP_SALT,
};

struct srtp_suite {
	const char *name;
	u8 key_len;	/* master and session key */
	u8 salt_len;	/* master and session salt */
	u8 tag_len;	/* SRTP authentication tag */
	bool aead;
};

static const struct srtp_suite suites[__SIPWALL_SRTP_SUITE_MAX] = {
	[SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80] = { "AES_CM_128_HMAC_SHA1_80", 16, 14, 10, false },
	[SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_32] = { "AES_CM_128_HMAC_SHA1_32", 16, 14, 4, false },
	[SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_80] = { "AES_256_CM_HMAC_SHA1_80", 32, 14, 10, false },
	[SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_32] = { "AES_256_CM_HMAC_SHA1_32", 32, 14, 4, false },
	[SIPWALL_SRTP_AEAD_AES_128_GCM] = { "AEAD_AES_128_GCM", 16, 12, 16, true },
	[SIPWALL_SRTP_AEAD_AES_256_GCM] = { "AEAD_AES_256_GCM", 32, 12, 16, true },
};

/*
 * The session keys of RTP or of RTCP. The requests and the hash state are
 * allocated with the transforms and reused under the context's lock: a
 * packet neither sets up nor wipes one on the stack. They hold no more
 * than the transforms do, and go with kfree_sensitive().
 */
struct srtp_session {
	struct crypto_sync_skcipher *ctr;	/* AES-CM suites */
	struct crypto_sync_skcipher *ctr_simd;	/* or NULL: "__ctr(aes)" */
	struct skcipher_request *ctr_req;	/* fits both */
	struct sipwall_hmac_sha1 hmac;		/* AES-CM suites */
	struct crypto_aead *gcm;		/* AEAD suites */
	struct crypto_aead *gcm_simd;		/* or NULL: "__gcm(aes)" */
	struct aead_request *gcm_req;		/* fits both */
	u8 salt[CM_SALT_LEN];
};

/* Bit i of @bits: index (@top - i) was accepted. */
struct replay_window {
	u64 top;
	u64 bits[REPLAY_WINDOW / 64];
	bool any;
};

struct srtp_ssrc {
	u32 ssrc;
	bool used;
	unsigned long last_used;	/* jiffies, to pick a slot to reuse */
	struct replay_window rtp;	/* index: ROC << 16 | SEQ */
	struct replay_window rtcp;	/* SRTCP index */
	u32 rtcp_next;			/* next SRTCP index to send */
};

struct sipwall_srtp {
	u32 suite_id;
	const struct srtp_suite *suite;
	struct srtp_session rtp, rtcp;
	/*
	 * One stream's transforms are serial by nature: the ROC, the replay
	 * window and the SRTCP index change with every packet. The lock also
	 * guards the scratch buffers below, which the crypto API needs off
	 * the stack (a virtually mapped stack cannot go in a scatterlist).
	 */
	spinlock_t lock;
	u8 iv[AES_BLOCK];
	u8 aad[8 + SRTCP_TRAILER_LEN];
	struct scatterlist sg;		/* one entry, always terminated */
	struct srtp_ssrc new_ssrc;	/* an SSRC not (yet) in ssrc[] */
	struct srtp_ssrc ssrc[SRTP_SSRCS];
};

u32 sipwall_srtp_suite(const struct sipwall_srtp *srtp)
{
	return srtp->suite_id;
}

const char *sipwall_srtp_suite_name(u32 suite)
{
	return suite && suite <= SIPWALL_SRTP_SUITE_MAX ? suites[suite].name : "none";
}

/* ---- replay windows and rollover counters (RFC 3711 §3.3.1, §3.3.2) ---- */

static bool replay_seen(const struct replay_window *w, u64 index)
{
	u64 age;

	if (!w->any || index > w->top)
		return false;
	age = w->top - index;
	if (age >= REPLAY_WINDOW)
		return true;	/* too old to tell: refuse */
	return w->bits[age / 64] & (1ULL << (age % 64));
}

static void replay_accept(struct replay_window *w, u64 index)
{
	u64 shift, age;

	if (!w->any || index > w->top) {
		shift = w->any ? index - w->top : REPLAY_WINDOW;
		if (shift >= REPLAY_WINDOW) {
			w->bits[0] = 0;
			w->bits[1] = 0;
		} else if (shift >= 64) {
			w->bits[1] = w->bits[0] << (shift - 64);
			w->bits[0] = 0;
		} else if (shift) {
			w->bits[1] = (w->bits[1] << shift) | (w->bits[0] >> (64 - shift));
			w->bits[0] <<= shift;
		}
		w->bits[0] |= 1;
		w->top = index;
		w->any = true;
		return;
	}
	age = w->top - index;
	w->bits[age / 64] |= 1ULL << (age % 64);
}

/* RFC 3711 Appendix A: the index of @seq, guessed from the highest so far. */
static u64 rtp_index(const struct replay_window *w, u16 seq)
{
	u32 roc;
	int s_l;

	if (!w->any)
		return seq;
	roc = w->top >> 16;
	s_l = w->top & 0xffff;
	if (s_l < 32768) {
		if ((int)seq - s_l > 32768 && roc)
			roc--;
	} else if (s_l - 32768 > (int)seq) {
		roc++;
	}
	return (u64)roc << 16 | seq;
}

/*
 * Finds the state of @ssrc. For unprotect, a new SSRC gets s->new_ssrc
 * until its first packet authenticates, so forged packets cannot take the
 * slots.
 */
static struct srtp_ssrc *ssrc_find(struct sipwall_srtp *s, u32 ssrc)
{
	struct srtp_ssrc *st = &s->new_ssrc;
	int i;

	for (i = 0; i < SRTP_SSRCS; i++)
		if (s->ssrc[i].used && s->ssrc[i].ssrc == ssrc)
			return &s->ssrc[i];
	memset(st, 0, sizeof(*st));
	st->ssrc = ssrc;
	st->used = true;
	return st;
}

/* Keeps @st: in a free slot, else in the least recently used one. */
static struct srtp_ssrc *ssrc_commit(struct sipwall_srtp *s, struct srtp_ssrc *st)
{
	struct srtp_ssrc *slot = &s->ssrc[0];
	int i;

	st->last_used = jiffies;
	if (st >= s->ssrc && st < s->ssrc + SRTP_SSRCS)
		return st;
	for (i = 0; i < SRTP_SSRCS; i++) {
		if (!s->ssrc[i].used) {
			slot = &s->ssrc[i];
			break;
		}
		if (time_before(s->ssrc[i].last_used, slot->last_used))
			slot = &s->ssrc[i];
	}
	*slot = *st;
	return slot;
}

/* ---- the transforms ---- */

static int rtp_header_len(const u8 *pkt, unsigned int len)
{
	unsigned int hl = 12 + 4 * (pkt[0] & 0x0f);

	if (len < hl)
		return -EINVAL;
	if (pkt[0] & 0x10) {
		if (len < hl + 4)
			return -EINVAL;
		hl += 4 + 4 * get_unaligned_be16(pkt + hl + 2);
		if (len < hl)
			return -EINVAL;
	}
	return hl;
}

/* AES-CM (RFC 3711 §4.1.1): IV = salt ^ SSRC << 64 ^ index << 16. */
static int aes_cm_crypt(struct sipwall_srtp *s, struct srtp_session *ss,
			u32 ssrc, u64 index, u8 *data, unsigned int len)
{
	struct skcipher_request *req = ss->ctr_req;
	u8 *iv = s->iv;

	if (!len)
		return 0;
	/* Bytes 14 and 15, the block counter, start at 0. */
	memcpy(iv, ss->salt, CM_SALT_LEN);
	put_unaligned_be32(get_unaligned_be32(iv + 4) ^ ssrc, iv + 4);
	put_unaligned_be64((get_unaligned_be64(iv + 8) & ~0xffffULL) ^ index << 16, iv + 8);
	sg_set_buf(&s->sg, data, len);
	skcipher_request_set_sync_tfm(req, ss->ctr_simd && crypto_simd_usable() ?
					   ss->ctr_simd : ss->ctr);
	skcipher_request_set_crypt(req, &s->sg, &s->sg, len, iv);
	return crypto_skcipher_encrypt(req);
}

/*
 * HMAC-SHA1 over @data (RFC 3711 §4.2), which may be padded in place over
 * the @room bytes after it. For SRTP the ROC follows the packet: the
 * callers put it there, in the tag's place, so that the message is one
 * buffer.
 */
static int hmac_sha1(struct srtp_session *ss, u8 *data, unsigned int len,
		     unsigned int room, u8 out[HMAC_LEN])
{
	return sipwall_hmac_sha1(&ss->hmac, data, len, room, out);
}

/* RFC 7714 §8.1 and §9.1: the 96-bit IV, salt ^ (0 || SSRC || index). */
static void gcm_iv(u8 *iv, const u8 *salt, u32 ssrc, u64 index, bool rtcp)
{
	memcpy(iv, salt, GCM_IV_LEN);
	put_unaligned_be32(get_unaligned_be32(iv + 2) ^ ssrc, iv + 2);
	if (!rtcp)
		put_unaligned_be16(get_unaligned_be16(iv + 6) ^ (u16)(index >> 32), iv + 6);
	put_unaligned_be32(get_unaligned_be32(iv + 8) ^ (u32)index, iv + 8);
}

/* In place over @sg; the first @assoclen bytes are authenticated only.
 * The transform was allocated synchronous: the result is final. */
static int gcm_crypt(struct sipwall_srtp *s, struct srtp_session *ss,
		     struct scatterlist *sg, unsigned int assoclen,
		     unsigned int cryptlen, bool encrypt)
{
	struct aead_request *req = ss->gcm_req;

	aead_request_set_tfm(req, ss->gcm_simd && crypto_simd_usable() ?
				  ss->gcm_simd : ss->gcm);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, assoclen);
	aead_request_set_crypt(req, sg, sg, cryptlen, s->iv);
	return encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
}

/* @room bytes after *@len may be overwritten. */
static int unprotect_rtp(struct sipwall_srtp *s, u8 *pkt, unsigned int *len,
			 unsigned int room)
{
	unsigned int tag = s->suite->tag_len, n = *len;
	struct srtp_ssrc *st;
	int hl = rtp_header_len(pkt, n);
	u32 ssrc;
	u64 index;
	int err;

	if (hl < 0 || n < hl + tag)
		return -EINVAL;
	ssrc = get_unaligned_be32(pkt + 8);
	st = ssrc_find(s, ssrc);
	index = rtp_index(&st->rtp, get_unaligned_be16(pkt + 2));
	if (replay_seen(&st->rtp, index))
		return -EALREADY;

	if (s->suite->aead) {
		gcm_iv(s->iv, s->rtp.salt, ssrc, index, false);
		sg_set_buf(&s->sg, pkt, n);
		err = gcm_crypt(s, &s->rtp, &s->sg, hl, n - hl, false);
	} else {
		u8 mac[HMAC_LEN], got[HMAC_LEN];

		/* The ROC replaces the tag (4 bytes at least); a packet that
		 * fails is dropped. */
		memcpy(got, pkt + n - tag, tag);
		put_unaligned_be32(index >> 16, pkt + n - tag);
		err = hmac_sha1(&s->rtp, pkt, n - tag + 4, room + tag - 4, mac);
		if (!err && crypto_memneq(mac, got, tag))
			err = -EBADMSG;
		if (!err)
			err = aes_cm_crypt(s, &s->rtp, ssrc, index, pkt + hl, n - tag - hl);
	}
	if (err)
		return err;
	st = ssrc_commit(s, st);
	replay_accept(&st->rtp, index);
	*len = n - tag;
	return 0;
}

/* @room (at least SIPWALL_SRTP_OVERHEAD_MAX) bytes after *@len may be
 * overwritten. */
static int protect_rtp(struct sipwall_srtp *s, u8 *pkt, unsigned int *len,
		       unsigned int room)
{
	unsigned int tag = s->suite->tag_len, n = *len;
	struct srtp_ssrc *st;
	int hl = rtp_header_len(pkt, n);
	u32 ssrc;
	u64 index;
	int err;

	if (hl < 0)
		return -EINVAL;
	ssrc = get_unaligned_be32(pkt + 8);
	st = ssrc_find(s, ssrc);
	index = rtp_index(&st->rtp, get_unaligned_be16(pkt + 2));
	/* The same index twice would reuse keystream. */
	if (replay_seen(&st->rtp, index))
		return -EALREADY;

	if (s->suite->aead) {
		gcm_iv(s->iv, s->rtp.salt, ssrc, index, false);
		sg_set_buf(&s->sg, pkt, n + tag);
		err = gcm_crypt(s, &s->rtp, &s->sg, hl, n - hl, true);
	} else {
		u8 mac[HMAC_LEN];

		err = aes_cm_crypt(s, &s->rtp, ssrc, index, pkt + hl, n - hl);
		/* The ROC goes where the tag will (4 bytes at least). */
		put_unaligned_be32(index >> 16, pkt + n);
		if (!err)
			err = hmac_sha1(&s->rtp, pkt, n + 4, room - 4, mac);
		if (!err)
			memcpy(pkt + n, mac, tag);
	}
	if (err)
		return err;
	st = ssrc_commit(s, st);
	replay_accept(&st->rtp, index);
	*len = n + tag;
	return 0;
}

/*
 * SRTCP (RFC 3711 §3.4): header (8) | encrypted | E+index (4) | tag (10);
 * with AES-GCM (RFC 7714 §9): header | encrypted | tag (16) | E+index,
 * the header and E+index being the associated data.
 */
static int unprotect_rtcp(struct sipwall_srtp *s, u8 *pkt, unsigned int *len,
			  unsigned int room)
{
	bool aead = s->suite->aead;
	unsigned int tag = aead ? GCM_TAG_LEN : SRTCP_HMAC_TAG_LEN, n = *len;
	struct srtp_ssrc *st;
	u32 ssrc, trailer, index;
	const u8 *trailer_at;
	int err;

	if (n < 8 + SRTCP_TRAILER_LEN + tag)
		return -EINVAL;
	trailer_at = aead ? pkt + n - SRTCP_TRAILER_LEN : pkt + n - tag - SRTCP_TRAILER_LEN;
	trailer = get_unaligned_be32(trailer_at);
	index = trailer & SRTCP_INDEX_MASK;
	ssrc = get_unaligned_be32(pkt + 4);
	st = ssrc_find(s, ssrc);
	if (replay_seen(&st->rtcp, index))
		return -EALREADY;

	if (aead) {
		struct scatterlist sg[2];

		/* Unencrypted SRTCP under GCM is all associated data: not
		 * worth a second code path; nobody sends it. */
		if (!(trailer & SRTCP_E_FLAG))
			return -EINVAL;
		memcpy(s->aad, pkt, 8);
		memcpy(s->aad + 8, trailer_at, SRTCP_TRAILER_LEN);
		sg_init_table(sg, 2);
		sg_set_buf(&sg[0], s->aad, sizeof(s->aad));
		sg_set_buf(&sg[1], pkt + 8, n - 8 - SRTCP_TRAILER_LEN);
		gcm_iv(s->iv, s->rtcp.salt, ssrc, index, true);
		err = gcm_crypt(s, &s->rtcp, sg, sizeof(s->aad),
				n - 8 - SRTCP_TRAILER_LEN, false);
	} else {
		u8 mac[HMAC_LEN], got[HMAC_LEN];

		/* The padding may go over the tag. */
		memcpy(got, pkt + n - tag, tag);
		err = hmac_sha1(&s->rtcp, pkt, n - tag, room + tag, mac);
		if (!err && crypto_memneq(mac, got, tag))
			err = -EBADMSG;
		if (!err && (trailer & SRTCP_E_FLAG))
			err = aes_cm_crypt(s, &s->rtcp, ssrc, index, pkt + 8,
					   n - tag - SRTCP_TRAILER_LEN - 8);
	}
	if (err)
		return err;
	st = ssrc_commit(s, st);
	replay_accept(&st->rtcp, index);
	*len = n - tag - SRTCP_TRAILER_LEN;
	return 0;
}

/* @room (at least SIPWALL_SRTP_OVERHEAD_MAX) bytes after *@len may be
 * overwritten. */
static int protect_rtcp(struct sipwall_srtp *s, u8 *pkt, unsigned int *len,
			unsigned int room)
{
	bool aead = s->suite->aead;
	unsigned int tag = aead ? GCM_TAG_LEN : SRTCP_HMAC_TAG_LEN, n = *len;
	struct srtp_ssrc *st;
	u32 ssrc, index;
	int err;

	if (n < 8)
		return -EINVAL;
	ssrc = get_unaligned_be32(pkt + 4);
	st = ssrc_commit(s, ssrc_find(s, ssrc));
	index = st->rtcp_next;

	if (aead) {
		struct scatterlist sg[2];

		memcpy(s->aad, pkt, 8);
		put_unaligned_be32(SRTCP_E_FLAG | index, s->aad + 8);
		sg_init_table(sg, 2);
		sg_set_buf(&sg[0], s->aad, sizeof(s->aad));
		sg_set_buf(&sg[1], pkt + 8, n - 8 + tag);
		gcm_iv(s->iv, s->rtcp.salt, ssrc, index, true);
		err = gcm_crypt(s, &s->rtcp, sg, sizeof(s->aad), n - 8, true);
		if (!err)
			memcpy(pkt + n + tag, s->aad + 8, SRTCP_TRAILER_LEN);
	} else {
		u8 mac[HMAC_LEN];

		err = aes_cm_crypt(s, &s->rtcp, ssrc, index, pkt + 8, n - 8);
		put_unaligned_be32(SRTCP_E_FLAG | index, pkt + n);
		if (!err)
			err = hmac_sha1(&s->rtcp, pkt, n + SRTCP_TRAILER_LEN,
					room - SRTCP_TRAILER_LEN, mac);
		if (!err)
			memcpy(pkt + n + SRTCP_TRAILER_LEN, mac, tag);
	}
	if (err)
		return err;
	st->rtcp_next = (index + 1) & SRTCP_INDEX_MASK;
	*len = n + tag + SRTCP_TRAILER_LEN;
	return 0;
}

/*
 * Packet path: the packet is *@len bytes at @pkt, and the @room bytes after
 * them may be overwritten; protecting needs SIPWALL_SRTP_OVERHEAD_MAX, and
 * with SIPWALL_HMAC_SHA1_ROOM more after the authenticated part the HMAC
 * is padded there instead of copying (see hmac_sha1.c). Returns 0, -EBADMSG (authentication failed),
 * -EALREADY (replayed or too old), or -EINVAL (too short to be SRTP, or no
 * room for the tag).
 */
int sipwall_srtp_unprotect(struct sipwall_srtp *srtp, u8 *pkt,
			   unsigned int *len, unsigned int room, bool rtcp)
{
	int err;

	spin_lock(&srtp->lock);
	err = rtcp ? unprotect_rtcp(srtp, pkt, len, room) :
		     unprotect_rtp(srtp, pkt, len, room);
	spin_unlock(&srtp->lock);
	return err;
}

int sipwall_srtp_protect(struct sipwall_srtp *srtp, u8 *pkt,
			 unsigned int *len, unsigned int room, bool rtcp)
{
	int err;

	if (room < SIPWALL_SRTP_OVERHEAD_MAX)
		return -EINVAL;
	spin_lock(&srtp->lock);
	err = rtcp ? protect_rtcp(srtp, pkt, len, room) :
		     protect_rtp(srtp, pkt, len, room);
	spin_unlock(&srtp->lock);
	return err;
}

/* ---- keys ---- */

static void session_uninit(struct srtp_session *ss)
{
	if (!IS_ERR_OR_NULL(ss->ctr))
		crypto_free_sync_skcipher(ss->ctr);
	if (ss->ctr_simd)
		crypto_free_sync_skcipher(ss->ctr_simd);
	kfree_sensitive(ss->ctr_req);
	sipwall_hmac_sha1_uninit(&ss->hmac);
	if (!IS_ERR_OR_NULL(ss->gcm))
		crypto_free_aead(ss->gcm);
	if (ss->gcm_simd)
		crypto_free_aead(ss->gcm_simd);
	kfree_sensitive(ss->gcm_req);
	memzero_explicit(ss->salt, sizeof(ss->salt));
}

/* A synchronous AEAD, keyed; @type CRYPTO_ALG_INTERNAL for "__gcm(aes)". */
static struct crypto_aead *gcm_alloc(const char *name, u32 type,
				     const u8 *key, unsigned int key_len)
{
	/* Masking CRYPTO_ALG_ASYNC asks for a synchronous one. */
	struct crypto_aead *tfm = crypto_alloc_aead(name, type, type | CRYPTO_ALG_ASYNC);
	int err;

	if (IS_ERR(tfm))
		return tfm;
	err = crypto_aead_setkey(tfm, key, key_len);
	if (!err)
		err = crypto_aead_setauthsize(tfm, GCM_TAG_LEN);
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

/* Keyed; @type CRYPTO_ALG_INTERNAL for "__ctr(aes)". */
static struct crypto_sync_skcipher *ctr_alloc(const char *name, u32 type,
					      const u8 *key, unsigned int key_len)
{
	struct crypto_sync_skcipher *tfm = crypto_alloc_sync_skcipher(name, type, type);
	int err;

	if (IS_ERR(tfm))
		return tfm;
	err = crypto_sync_skcipher_setkey(tfm, key, key_len);
	if (err) {
		crypto_free_sync_skcipher(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

/*
 * Whether the synchronous transform's driver is x86-64's AES-NI module,
 * which registers the internal algorithms too (see the top). Asking for an
 * algorithm that nobody registered would make the crypto API run modprobe
 * for it, for every session.
 */
static bool simd_internal(const char *driver)
{
	return IS_ENABLED(CONFIG_X86_64) && strstr(driver, "aes-aesni");
}

/*
 * Takes session keys; the transforms copy them. Without an internal SIMD
 * transform (another arch, no AES-NI) the synchronous one does all the
 * work.
 */
static int session_init(struct srtp_session *ss, const struct srtp_suite *suite,
			const u8 *enc_key, const u8 *auth_key, const u8 *salt)
{
	unsigned int reqsize;

	memcpy(ss->salt, salt, suite->aead ? GCM_SALT_LEN : CM_SALT_LEN);
	if (suite->aead) {
		ss->gcm = gcm_alloc("gcm(aes)", 0, enc_key, suite->key_len);
		if (IS_ERR(ss->gcm))
			return PTR_ERR(ss->gcm);
		reqsize = crypto_aead_reqsize(ss->gcm);
		if (simd_internal(crypto_aead_driver_name(ss->gcm))) {
			ss->gcm_simd = gcm_alloc("__gcm(aes)", CRYPTO_ALG_INTERNAL,
						 enc_key, suite->key_len);
			if (IS_ERR(ss->gcm_simd))
				ss->gcm_simd = NULL;
			else
				reqsize = max(reqsize, crypto_aead_reqsize(ss->gcm_simd));
		}
		ss->gcm_req = kzalloc(sizeof(*ss->gcm_req) + reqsize, GFP_KERNEL);
		return ss->gcm_req ? 0 : -ENOMEM;
	}
	ss->ctr = ctr_alloc("ctr(aes)", 0, enc_key, suite->key_len);
	if (IS_ERR(ss->ctr))
		return PTR_ERR(ss->ctr);
	reqsize = crypto_skcipher_reqsize(&ss->ctr->base);
	if (simd_internal(crypto_skcipher_driver_name(&ss->ctr->base))) {
		ss->ctr_simd = ctr_alloc("__ctr(aes)", CRYPTO_ALG_INTERNAL,
					 enc_key, suite->key_len);
		if (IS_ERR(ss->ctr_simd))
			ss->ctr_simd = NULL;
		else
			reqsize = max(reqsize, crypto_skcipher_reqsize(&ss->ctr_simd->base));
	}
	ss->ctr_req = kzalloc(sizeof(*ss->ctr_req) + reqsize, GFP_KERNEL);
	if (!ss->ctr_req)
		return -ENOMEM;
	skcipher_request_set_callback(ss->ctr_req, 0, NULL, NULL);
	return sipwall_hmac_sha1_init(&ss->hmac, auth_key, HMAC_KEY_LEN);
}

struct derived_keys {
	u8 enc[2][32];
	u8 auth[2][HMAC_KEY_LEN];
	u8 salt[2][CM_SALT_LEN];
};

/*
 * The SRTP key derivation (RFC 3711 §4.3, key derivation rate 0): the
 * AES-CM keystream under the master key, with IV (label << 48 ^ salt) << 16.
 * A 12-byte GCM master salt is padded with zeros (RFC 7714 §11).
 */
static int kdf(struct crypto_sync_skcipher *prf, const u8 *master_salt,
	       unsigned int salt_len, u8 label, u8 *out, unsigned int len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, prf);
	u8 iv[AES_BLOCK] = {};
	struct scatterlist sg;
	int err;

	memcpy(iv, master_salt, salt_len);
	iv[7] ^= label;
	memset(out, 0, len);
	sg_init_one(&sg, out, len);
	skcipher_request_set_sync_tfm(req, prf);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	err = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	memzero_explicit(iv, sizeof(iv));
	return err;
}

static int derive(const struct srtp_suite *suite, const u8 *key,
		  const u8 *salt, struct derived_keys *dk)
{
	struct crypto_sync_skcipher *prf;
	int i, err;

	prf = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
	if (IS_ERR(prf))
		return PTR_ERR(prf);
	err = crypto_sync_skcipher_setkey(prf, key, suite->key_len);
	for (i = 0; i < 2 && !err; i++) {
		u8 base = i ? LABEL_RTCP_ENC : LABEL_RTP_ENC;

		err = kdf(prf, salt, suite->salt_len, base, dk->enc[i], suite->key_len);
		if (!err)
			err = kdf(prf, salt, suite->salt_len, base + 1, dk->auth[i],
				  HMAC_KEY_LEN);
		if (!err)
			err = kdf(prf, salt, suite->salt_len, base + 2, dk->salt[i],
				  suite->salt_len);
	}
	crypto_free_sync_skcipher(prf);
	return err;
}

static struct sipwall_srtp *srtp_alloc(u32 suite)
{
	struct sipwall_srtp *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->suite_id = suite;
	s->suite = &suites[suite];
	spin_lock_init(&s->lock);
	sg_init_table(&s->sg, 1);
	return s;
}

void sipwall_srtp_destroy(struct sipwall_srtp *srtp)
{
	if (!srtp)
		return;
	session_uninit(&srtp->rtp);
	session_uninit(&srtp->rtcp);
	kfree_sensitive(srtp);
}

/* Process context. Returns a new context or an ERR_PTR. */
struct sipwall_srtp *sipwall_srtp_create(u32 suite, const u8 *key,
					 unsigned int key_len, const u8 *salt,
					 unsigned int salt_len,
					 struct netlink_ext_ack *extack)
{
	struct derived_keys *dk;
	struct sipwall_srtp *s;
	int err;

	if (!suite || suite > SIPWALL_SRTP_SUITE_MAX) {
		NL_SET_ERR_MSG(extack, "unknown SRTP suite");
		return ERR_PTR(-EINVAL);
	}
	if (key_len != suites[suite].key_len) {
		NL_SET_ERR_MSG(extack, "SRTP master key length does not fit the suite");
		return ERR_PTR(-EINVAL);
	}
	if (salt_len != suites[suite].salt_len) {
		NL_SET_ERR_MSG(extack, "SRTP master salt length does not fit the suite");
		return ERR_PTR(-EINVAL);
	}
	s = srtp_alloc(suite);
	dk = kzalloc(sizeof(*dk), GFP_KERNEL);
	if (!s || !dk) {
		err = -ENOMEM;
		goto err_free;
	}
	err = derive(s->suite, key, salt, dk);
	if (!err)
		err = session_init(&s->rtp, s->suite, dk->enc[0], dk->auth[0], dk->salt[0]);
	if (!err)
		err = session_init(&s->rtcp, s->suite, dk->enc[1], dk->auth[1], dk->salt[1]);
	if (err) {
		NL_SET_ERR_MSG(extack, "SRTP: the kernel crypto API has no transform for this suite");
		goto err_free;
	}
	kfree_sensitive(dk);
	return s;

err_free:
	kfree_sensitive(dk);
	sipwall_srtp_destroy(s);
	return ERR_PTR(err);
}

#include "selftest/srtp.c"
