// SPDX-License-Identifier: GPL-2.0
#ifndef FLOWMSG_H
#define FLOWMSG_H

#include <stdbool.h>
#include <libmnl/libmnl.h>

#include "format.h"
#include "parse.h"

/* A flow as the kernel reports it (FLOW_GET, FLOW_NEW echo, events). */
struct flow_info {
	uint32_t id;
	uint64_t session;
	struct endpoint local, source, latched, out_local, out_peer;
	uint32_t flags;
	int dscp;		/* -1: absent, the packet's own is kept */
	uint32_t timeout;
	uint64_t idle_ms;
	uint32_t srtp_in, srtp_out;	/* SIPWALL_SRTP_NONE if absent */
	uint64_t stats[SIPWALL_FSTAT_MAX + 1];
};

void flowmsg_put_endpoint(struct nlmsghdr *nlh, uint16_t type,
			  const struct endpoint *ep);
/* Parses a SIPWALL_A_FLOW nest; -1 if malformed. */
int flowmsg_parse(const struct nlattr *nest, struct flow_info *fi);
/* One flow as a record: all fields, in `flow list` order. */
void flowmsg_print(struct out *o, const struct flow_info *fi);
/* An event line: event name, then the fields `monitor` leads with. */
void flowmsg_print_event(struct out *o, const char *event,
			 const struct flow_info *fi);
/*
 * mnl callback for answers that carry one flow (a dump's parts, an echo);
 * data is a struct out.
 */
int flowmsg_print_cb(const struct nlmsghdr *nlh, void *data);

#endif
