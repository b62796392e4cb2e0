/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIPWALL_RTP_H
#define _SIPWALL_RTP_H

#include <linux/skbuff.h>

/* RFC 5761 §4: with RTP and RTCP on one port, the second byte tells them
 * apart; 192..223 are RTCP packet types (SR 200, RR 201, ...). */
static inline bool sipwall_rtp_is_rtcp(u8 second)
{
	return second >= 192 && second <= 223;
}

bool sipwall_rtp_valid(const struct sk_buff *skb, unsigned int offset,
		       unsigned int len);

#endif /* _SIPWALL_RTP_H */
