// SPDX-License-Identifier: GPL-2.0
#ifndef CANNED_H
#define CANNED_H

#include <stdbool.h>
#include <libmnl/libmnl.h>

#define FAMILY 0x1234

/*
 * Appends at buf a message as the kernel would send it: a flow (id 3,
 * session 7, 10.0.0.1:30000 from 192.0.2.10:4000, out 10.0.1.1:31000 to
 * 10.0.1.2:5004, dscp 46, timeout 60, idle 1234 ms, srtp-in suite 1, 100
 * packets, 17200 bytes, 2 source drops, 1 error drop, 5 passed), or with
 * learned set, a learning flow latched to 192.0.2.99:4002 without dscp or
 * SRTP-in but with an SRTP-out suite this version does not know (99).
 */
struct nlmsghdr *canned_flow(void *buf, uint8_t cmd, bool learned);
/* The buffer position after nlh. */
void *canned_next(struct nlmsghdr *nlh);

#endif
