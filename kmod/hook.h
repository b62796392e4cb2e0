/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIPWALL_HOOK_H
#define _SIPWALL_HOOK_H

#include <net/net_namespace.h>

int sipwall_hook_init(struct net *net);
void sipwall_hook_uninit(struct net *net);

#endif /* _SIPWALL_HOOK_H */
