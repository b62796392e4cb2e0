/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIPWALL_PROC_H
#define _SIPWALL_PROC_H

#include "netns.h"

int sipwall_proc_init(struct sipwall_net *sn);
void sipwall_proc_uninit(struct sipwall_net *sn);

#endif /* _SIPWALL_PROC_H */
