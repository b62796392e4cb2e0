// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/sipwall.h>

#include "canned.h"

static void put_ep(struct nlmsghdr *nlh, uint16_t type, const char *addr, uint16_t port)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	mnl_attr_put(nlh, SIPWALL_EP_A_ADDR4, 4, &a);
	mnl_attr_put_u16(nlh, SIPWALL_EP_A_PORT, port);
	mnl_attr_nest_end(nlh, nest);
}

struct nlmsghdr *canned_flow(void *buf, uint8_t cmd, bool learned)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *flow, *nest;
	struct genlmsghdr *genl;

	nlh->nlmsg_type = FAMILY;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	flow = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);
	mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_ID, 3);
	mnl_attr_put_u64(nlh, SIPWALL_FLOW_A_SESSION, 7);
	put_ep(nlh, SIPWALL_FLOW_A_LOCAL, "10.0.0.1", 30000);
	if (learned) {
		mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_FLAGS, SIPWALL_FLOW_F_LEARN);
		put_ep(nlh, SIPWALL_FLOW_A_LATCHED, "192.0.2.99", 4002);
	} else {
		put_ep(nlh, SIPWALL_FLOW_A_SOURCE, "192.0.2.10", 4000);
		mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_FLAGS, 0);
		mnl_attr_put_u8(nlh, SIPWALL_FLOW_A_DSCP, 46);
		nest = mnl_attr_nest_start(nlh, SIPWALL_FLOW_A_SRTP_IN);
		mnl_attr_put_u32(nlh, SIPWALL_SRTP_A_SUITE, SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80);
		mnl_attr_nest_end(nlh, nest);
	}
	put_ep(nlh, SIPWALL_FLOW_A_OUT_LOCAL, "10.0.1.1", 31000);
	put_ep(nlh, SIPWALL_FLOW_A_OUT_PEER, "10.0.1.2", 5004);
	mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_TIMEOUT, 60);
	mnl_attr_put_u64(nlh, SIPWALL_FLOW_A_IDLE_MS, 1234);
	if (learned) {
		nest = mnl_attr_nest_start(nlh, SIPWALL_FLOW_A_SRTP_OUT);
		mnl_attr_put_u32(nlh, SIPWALL_SRTP_A_SUITE, 99);
		mnl_attr_nest_end(nlh, nest);
	}
	nest = mnl_attr_nest_start(nlh, SIPWALL_FLOW_A_STATS);
	mnl_attr_put_u64(nlh, SIPWALL_FSTAT_PACKETS, 100);
	mnl_attr_put_u64(nlh, SIPWALL_FSTAT_BYTES, 17200);
	mnl_attr_put_u64(nlh, SIPWALL_FSTAT_DROP_SOURCE, 2);
	mnl_attr_put_u64(nlh, SIPWALL_FSTAT_DROP_ROUTE, 0);
	mnl_attr_put_u64(nlh, SIPWALL_FSTAT_DROP_ERROR, 1);
	mnl_attr_put_u64(nlh, SIPWALL_FSTAT_PASSED, 5);
	/* Padding and counters of a newer kernel are skipped. */
	mnl_attr_put(nlh, SIPWALL_FSTAT_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, SIPWALL_FSTAT_MAX + 5, 77);
	mnl_attr_nest_end(nlh, nest);
	/* So is a flow attribute of a newer kernel. */
	mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_MAX + 3, 1);
	mnl_attr_nest_end(nlh, flow);
	return nlh;
}

void *canned_next(struct nlmsghdr *nlh)
{
	return (char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len);
}
