/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIPWALL_SRTP_H
#define _SIPWALL_SRTP_H

#include <linux/netlink.h>
#include <linux/types.h>

struct sipwall_srtp;

/* Bytes an SRTP or SRTCP packet grows by when protected, at most. */
#define SIPWALL_SRTP_OVERHEAD_MAX	(16 + 4)

struct sipwall_srtp *sipwall_srtp_create(u32 suite, const u8 *key,
					 unsigned int key_len, const u8 *salt,
					 unsigned int salt_len,
					 struct netlink_ext_ack *extack);
void sipwall_srtp_destroy(struct sipwall_srtp *srtp);
u32 sipwall_srtp_suite(const struct sipwall_srtp *srtp);
const char *sipwall_srtp_suite_name(u32 suite);

int sipwall_srtp_unprotect(struct sipwall_srtp *srtp, u8 *pkt,
			   unsigned int *len, unsigned int room, bool rtcp);
int sipwall_srtp_protect(struct sipwall_srtp *srtp, u8 *pkt,
			 unsigned int *len, unsigned int room, bool rtcp);

int sipwall_srtp_selftest(void);

#endif /* _SIPWALL_SRTP_H */
