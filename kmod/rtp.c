// SPDX-License-Identifier: GPL-2.0
/*
 * The minimal RTP/RTCP checks (RFC 3550) that decide whether the kernel
 * forwards a packet or leaves it to the daemon's socket. STUN (first two
 * bits 00) and DTLS (first byte 20..63) fail the version check by design
 * (RFC 7983), so they reach the daemon unchanged.
 */

#include <asm/unaligned.h>
#include "rtp.h"

#define RTP_VERSION		2
#define RTP_HEADER_LEN		12
#define RTCP_HEADER_LEN		8
#define RTP_EXT_HEADER_LEN	4

bool sipwall_rtp_valid(const struct sk_buff *skb, unsigned int offset,
		       unsigned int len)
{
	u8 buf[RTP_HEADER_LEN];
	unsigned int hdr_len;
	const u8 *h;

	if (len < RTCP_HEADER_LEN)
		return false;
	h = skb_header_pointer(skb, offset, min_t(unsigned int, len, sizeof(buf)),
			       buf);
	if (!h || h[0] >> 6 != RTP_VERSION)
		return false;

	if (sipwall_rtp_is_rtcp(h[1])) {
		/* length: in 32-bit words minus one, of the first packet of a
		 * compound packet, which must fit. */
		return ((get_unaligned_be16(h + 2) + 1U) << 2) <= len;
	}

	hdr_len = RTP_HEADER_LEN + 4 * (h[0] & 0x0f);
	if (len < RTP_HEADER_LEN || len < hdr_len)
		return false;
	if (h[0] & 0x10) {	/* header extension */
		u8 ext_buf[RTP_EXT_HEADER_LEN];
		const u8 *ext;

		if (len < hdr_len + RTP_EXT_HEADER_LEN)
			return false;
		ext = skb_header_pointer(skb, offset + hdr_len, sizeof(ext_buf),
					 ext_buf);
		if (!ext)
			return false;
		hdr_len += RTP_EXT_HEADER_LEN + 4 * get_unaligned_be16(ext + 2);
		if (len < hdr_len)
			return false;
	}
	return true;
}
