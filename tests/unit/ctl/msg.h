// SPDX-License-Identifier: GPL-2.0
#ifndef MSG_H
#define MSG_H

#include <libmnl/libmnl.h>

/* Indexes the attributes of a nest by type; fails on duplicates and on types above max. */
void msg_table(const struct nlattr *nest, const struct nlattr **tb, int max);
/* The same for a message's top-level attributes after the genl header. */
void msg_table_top(const struct nlmsghdr *nlh, const struct nlattr **tb, int max);

#endif
