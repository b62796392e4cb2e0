// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/sipwall.h>

#include "canned.h"
#include "genl.h"
#include "tests.h"

#define SEQ 42

static struct genl g;

static struct nlmsghdr *put_header(void *at, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = SEQ;
	return nlh;
}

/* An NLMSG_ERROR answer to a FLOW_NEW; capped: without the request. */
static struct nlmsghdr *put_error(void *at, int error, bool capped, const char *msg)
{
	struct nlmsghdr *nlh = put_header(at, NLMSG_ERROR,
					  (capped ? NLM_F_CAPPED : 0) |
					  (msg ? NLM_F_ACK_TLVS : 0));
	struct nlmsgerr *err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	struct nlmsghdr *req;

	err->error = error;
	err->msg.nlmsg_len = sizeof(struct nlmsghdr);
	if (!capped) {
		/* The echoed request: a header, a genl header and an attribute. */
		req = (struct nlmsghdr *)&err->msg;
		req->nlmsg_type = FAMILY;
		mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
		mnl_attr_put_u32(nlh, SIPWALL_A_FLUSHED, 0xdeadbeef);
		err->msg.nlmsg_len = nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(int);
	}
	if (msg) {
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	}
	return nlh;
}

static int dispatch(const void *buf, const struct nlmsghdr *last, mnl_cb_t cb, void *data)
{
	g.extack[0] = '\0';
	return genl_dispatch(&g, FAMILY, SEQ, buf, (char *)canned_next((void *)last) -
			     (char *)buf, cb, data);
}

void test_genl_ack(void **state)
{
	struct nlmsghdr *nlh;

	(void)state;
	nlh = put_error(g.buf, 0, true, NULL);
	assert_int_equal(dispatch(g.buf, nlh, NULL, NULL), 0);
	nlh = put_error(g.buf, 0, false, NULL);
	assert_int_equal(dispatch(g.buf, nlh, NULL, NULL), 0);
	/* An answer to another request is not ours to take. */
	nlh = put_error(g.buf, 0, true, NULL);
	nlh->nlmsg_seq = SEQ + 1;
	assert_int_equal(dispatch(g.buf, nlh, NULL, NULL), -EPROTO);
	/* A truncated error message. */
	nlh = put_header(g.buf, NLMSG_ERROR, 0);
	assert_int_equal(dispatch(g.buf, nlh, NULL, NULL), -EBADMSG);
}

static void check_perror(int err, const char *want)
{
	char *text;

	capture_begin();
	genl_perror(&g, err, "flow add");
	text = capture_end();
	assert_string_equal(text, want);
	free(text);
}

void test_genl_extack(void **state)
{
	struct nlmsghdr *nlh;

	(void)state;
	nlh = put_error(g.buf, -EINVAL, true, "missing attribute: in (FLOW_A_LOCAL)");
	assert_int_equal(dispatch(g.buf, nlh, NULL, NULL), -EINVAL);
	assert_string_equal(g.extack, "missing attribute: in (FLOW_A_LOCAL)");
	assert_int_equal(g.extack_off, 20);
	check_perror(-EINVAL, "sipwallctl: flow add: missing attribute: in (FLOW_A_LOCAL)\n");

	/* Without NETLINK_CAP_ACK the request comes back before the TLVs. */
	nlh = put_error(g.buf, -EOPNOTSUPP, false, "SRTP is not supported yet");
	assert_int_equal(dispatch(g.buf, nlh, NULL, NULL), -EOPNOTSUPP);
	assert_string_equal(g.extack, "SRTP is not supported yet");

	/* An echoed request whose length is out of bounds: no message read. */
	nlh = put_error(g.buf, -EINVAL, false, "lost");
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = UINT32_MAX;
	assert_int_equal(dispatch(g.buf, nlh, NULL, NULL), -EINVAL);
	assert_string_equal(g.extack, "");

	nlh = put_error(g.buf, -EEXIST, true, NULL);
	g.extack_off = 0;
	assert_int_equal(dispatch(g.buf, nlh, NULL, NULL), -EEXIST);
	assert_string_equal(g.extack, "");
	assert_int_equal(g.extack_off, 0);
	check_perror(-EEXIST, "sipwallctl: flow add: File exists\n");
	check_perror(-EPERM, "sipwallctl: flow add: not permitted: needs CAP_NET_ADMIN\n");
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	++*(int *)data;
	return MNL_CB_OK;
}

void test_genl_dump(void **state)
{
	struct nlmsghdr *nlh;
	int n = 0, *done;

	(void)state;
	/* Two flows and another family's message: more is to come. */
	nlh = canned_flow(g.buf, SIPWALL_CMD_FLOW_GET, false);
	nlh->nlmsg_seq = SEQ;
	nlh = canned_flow(canned_next(nlh), SIPWALL_CMD_FLOW_GET, true);
	nlh->nlmsg_seq = SEQ;
	nlh = put_header(canned_next(nlh), FAMILY + 1, NLM_F_MULTI);
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	assert_int_equal(dispatch(g.buf, nlh, count_cb, &n), 1);
	assert_int_equal(n, 2);

	/* The end of the dump. */
	nlh = put_header(g.buf, NLMSG_DONE, NLM_F_MULTI);
	done = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	*done = 0;
	assert_int_equal(dispatch(g.buf, nlh, count_cb, &n), 0);
	assert_int_equal(n, 2);

	/* A dump that failed midway, with the kernel's reason. */
	nlh = put_header(g.buf, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	done = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	*done = -EMSGSIZE;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "flow does not fit");
	assert_int_equal(dispatch(g.buf, nlh, count_cb, &n), -EMSGSIZE);
	assert_string_equal(g.extack, "flow does not fit");
}

static int family_name_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME &&
		    !strcmp(mnl_attr_get_str(attr), "nlctrl"))
			++*(int *)data;
	return MNL_CB_OK;
}

/* The socket half, against the running kernel's own genl controller. */
void test_genl_kernel(void **state)
{
	struct nlmsghdr *nlh;
	int found = 0;

	(void)state;
	assert_int_equal(genl_socket_open(&g), 0);
	assert_int_equal(genl_resolve(&g, "nlctrl"), 0);
	assert_int_equal(g.family, GENL_ID_CTRL);
	assert_int_equal(g.events_group, 0);
	assert_int_equal(genl_resolve(&g, "sipwall-nofam"), -ENOENT);
	assert_int_equal(g.family, 0);

	/* A dump of every family, nlctrl among them, to its NLMSG_DONE. */
	nlh = genl_msg_start(g.buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_DUMP);
	assert_int_equal(genl_talk(&g, nlh, family_name_cb, &found), 0);
	assert_int_equal(found, 1);

	/* A refused request: its error, and the socket still usable after. */
	nlh = genl_msg_start(g.buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_u16(nlh, CTRL_ATTR_MAX + 10, 1);
	assert_true(genl_talk(&g, nlh, NULL, NULL) < 0);
	assert_int_equal(genl_resolve(&g, "nlctrl"), 0);
	genl_close(&g);
}
