// SPDX-License-Identifier: GPL-2.0
#ifndef FLOW_H
#define FLOW_H

#include <stdbool.h>
#include <libmnl/libmnl.h>

#include "parse.h"

/* A `flow add` request, as parsed from its words. */
struct flow_req {
	struct endpoint in, from, out, to;
	bool learn;
	bool has_session;
	bool has_timeout;
	int dscp;		/* -1: not given */
	uint64_t session;
	uint32_t timeout;
	struct srtp_params srtp_in, srtp_out;
};

/*
 * argv: the words after "add". Wipes the KEY words in place so that the
 * keys do not linger in /proc/PID/cmdline. Prints the error and returns -1
 * on a bad request.
 */
int flow_add_parse(int argc, char **argv, struct flow_req *req);
/* Builds FLOW_NEW in buf (GENL_BUF_SIZE bytes); the caller wipes both. */
struct nlmsghdr *flow_add_build(void *buf, uint16_t family,
				const struct flow_req *req);
struct nlmsghdr *flow_del_build(void *buf, uint16_t family,
				const struct endpoint *in);
/* FLOW_GET dump or FLOW_FLUSH, for one session or (session NULL) all. */
struct nlmsghdr *flow_list_build(void *buf, uint16_t family,
				 const uint64_t *session);
struct nlmsghdr *flow_flush_build(void *buf, uint16_t family,
				  const uint64_t *session);

#endif
