// SPDX-License-Identifier: GPL-2.0
#ifndef STATS_H
#define STATS_H

#include <libmnl/libmnl.h>

/* Prints a STATS_GET answer; data is a struct out. */
int stats_print_cb(const struct nlmsghdr *nlh, void *data);

#endif
