// SPDX-License-Identifier: GPL-2.0
#ifndef CONFIG_H
#define CONFIG_H

#include <libmnl/libmnl.h>


struct nlmsghdr *config_set_build(void *buf, uint16_t family, uint16_t low,
				  uint16_t high);
/* Prints a CONFIG_GET answer; data is a struct out. */
int config_print_cb(const struct nlmsghdr *nlh, void *data);

#endif
