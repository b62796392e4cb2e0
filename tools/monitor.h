// SPDX-License-Identifier: GPL-2.0
#ifndef MONITOR_H
#define MONITOR_H

#include <libmnl/libmnl.h>

#include "format.h"

struct monitor {
	struct out out;
	uint16_t family;
	unsigned int count;	/* stop after this many events; 0: never */
	unsigned int seen;
};

/* Prints one multicast message, if it is a sipwall event. */
int monitor_event_cb(const struct nlmsghdr *nlh, void *data);

#endif
