/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIPWALL_NETLINK_H
#define _SIPWALL_NETLINK_H

#include "flow.h"

int sipwall_netlink_init(void);
void sipwall_netlink_uninit(void);
void sipwall_netlink_notify_expired(struct sipwall_net *sn,
				    const struct sipwall_flow *flow);

#endif /* _SIPWALL_NETLINK_H */
