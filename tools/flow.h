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
/*
 * Requests are small and bounded: the biggest, a flow add with four IPv6
 * endpoints and two SRTP keys, is about 350 bytes. The builders write to
 * buf, at least FLOW_REQ_SIZE bytes.
 */
#define FLOW_REQ_SIZE 1024

/* Builds FLOW_NEW; the caller wipes buf and req (keys). */
struct nlmsghdr *flow_add_build(void *buf, uint16_t family,
				const struct flow_req *req);
struct nlmsghdr *flow_del_build(void *buf, uint16_t family,
				const struct endpoint *in);
/* FLOW_GET dump or FLOW_FLUSH, for one session or (session NULL) all. */
struct nlmsghdr *flow_list_build(void *buf, uint16_t family,
				 const uint64_t *session);
struct nlmsghdr *flow_flush_build(void *buf, uint16_t family,
				  const uint64_t *session);

/*
 * The SIPWALL_FLOW_A_* attribute of request nlh that contains byte off
 * (an extended ack's NLMSGERR_ATTR_OFFS); 0 if none does.
 */
uint16_t flow_attr_at(const struct nlmsghdr *nlh, uint32_t off);

#endif
