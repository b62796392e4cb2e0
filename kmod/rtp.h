/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIPWALL_RTP_H
#define _SIPWALL_RTP_H

#include <linux/skbuff.h>

bool sipwall_rtp_valid(const struct sk_buff *skb, unsigned int offset,
		       unsigned int len);

#endif /* _SIPWALL_RTP_H */
