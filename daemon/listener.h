/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SIPWALL_LISTENER_H
#define SIPWALL_LISTENER_H

#include "loop.h"
#include "transport.h"

struct sipwall_listener {
	struct sipwall_io io;
	struct sipwall_endpoint ep;
	struct sipwall_realm *realm;
	struct sipwall_listener *next;
	bool keep;	/* still in the config after a reload */
};

/* Binds and registers with the loop; returns NULL with errno set. */
struct sipwall_listener *sipwall_listener_open(struct sipwall_realm *realm,
					       const struct sipwall_endpoint *ep);
void sipwall_listener_close(struct sipwall_listener *l);

#endif
