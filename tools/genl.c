// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sipwall.h>

#include "ctl.h"
#include "genl.h"

struct talk {
	struct genl *g;
	uint16_t family;	/* answers of other families are not ours */
	mnl_cb_t cb;
	void *data;
	int err;
};

struct nlmsghdr *genl_msg_start(void *buf, uint16_t family, uint8_t cmd,
				uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = SIPWALL_GENL_VERSION;
	return nlh;
}

/*
 * Copies the extended ack that follows an error or a dump's end: the
 * message, and the offset of the attribute it is about.
 */
static void talk_extack(struct talk *t, const struct nlattr *tlvs, size_t len)
{
	const struct nlattr *attr;

	mnl_attr_for_each_payload(tlvs, len) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(t->g->extack, sizeof(t->g->extack), "%s",
				 mnl_attr_get_str(attr));
		else if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS &&
			 mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			t->g->extack_off = mnl_attr_get_u32(attr);
	}
}

static int talk_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct talk *t = data;
	size_t off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		t->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
		return MNL_CB_STOP;
	t->err = err->error < 0 ? err->error : -err->error;
	/* Without NLM_F_CAPPED the request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off = NLMSG_ALIGN(off + err->msg.nlmsg_len - sizeof(struct nlmsghdr));
	/* The length comes from the kernel, but a bad one must not send us astray. */
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off >= sizeof(*err) &&
	    mnl_nlmsg_size(off) < nlh->nlmsg_len)
		talk_extack(t, (const struct nlattr *)((const char *)err + off),
			    nlh->nlmsg_len - mnl_nlmsg_size(off));
	return MNL_CB_ERROR;
}

/* A dump ends with NLMSG_DONE, whose payload is an error code. */
static int talk_done(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (!err)
		return MNL_CB_STOP;
	t->err = err < 0 ? err : -err;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		talk_extack(t, (const struct nlattr *)
			    ((const char *)mnl_nlmsg_get_payload(nlh) + sizeof(int)),
			    mnl_nlmsg_get_payload_len(nlh) - sizeof(int));
	return MNL_CB_ERROR;
}

static int talk_data(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int ret;

	if (nlh->nlmsg_type != t->family || !t->cb)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN)) {
		t->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	errno = 0;
	ret = t->cb(nlh, t->data);
	if (ret == MNL_CB_ERROR)
		t->err = errno ? -errno : -EBADMSG;
	return ret;
}

/* Not const: mnl_cb_run2 takes a non-const array. */
static mnl_cb_t talk_ctl[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = talk_error,
	[NLMSG_DONE] = talk_done,
};

int genl_dispatch(struct genl *g, uint16_t family, unsigned int seq,
		  const void *buf, size_t len, mnl_cb_t cb, void *data)
{
	struct talk t = { .g = g, .family = family, .cb = cb, .data = data };
	int ret;

	ret = mnl_cb_run2(buf, len, seq, g->portid, talk_data, &t, talk_ctl,
			  NLMSG_MIN_TYPE);
	if (ret == MNL_CB_ERROR)
		return t.err ? t.err : -errno;
	return ret == MNL_CB_STOP ? 0 : 1;
}

int genl_talk(struct genl *g, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	ssize_t len;
	int ret;

	g->extack[0] = '\0';
	g->extack_off = 0;
	nlh->nlmsg_seq = ++g->seq;
	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(g->nl, g->buf, sizeof(g->buf));
		if (len < 0)
			return -errno;
		ret = genl_dispatch(g, nlh->nlmsg_type, nlh->nlmsg_seq, g->buf, len,
				    cb, data);
	} while (ret > 0);
	return ret;
}

void genl_perror(const struct genl *g, int err, const char *what)
{
	if (err == -EPERM)
		ctl_error("%s: not permitted: needs CAP_NET_ADMIN", what);
	else if (g->extack[0])
		ctl_error("%s: %s", what, g->extack);
	else
		ctl_error("%s: %s", what, strerror(-err));
}

static int family_group(const struct nlattr *groups, struct genl *g)
{
	const struct nlattr *grp, *attr;
	const char *name;
	uint32_t id;

	mnl_attr_for_each_nested(grp, groups) {
		name = NULL;
		id = 0;
		mnl_attr_for_each_nested(attr, grp) {
			if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
				name = mnl_attr_get_str(attr);
			else if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_ID &&
				 mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				id = mnl_attr_get_u32(attr);
		}
		if (name && !strcmp(name, SIPWALL_GENL_MCGRP_EVENTS))
			g->events_group = id;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;
	struct genl *g = data;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
				g->family = mnl_attr_get_u16(attr);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			family_group(attr, g);
			break;
		}
	}
	return MNL_CB_OK;
}

int genl_socket_open(struct genl *g)
{
	int on = 1;

	g->family = 0;
	g->events_group = 0;
	/* Any start value will do; a changing one keeps stale answers out. */
	g->seq = time(NULL);
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl) {
		ctl_error("cannot open a generic netlink socket: %s", strerror(errno));
		return -1;
	}
	if (mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ctl_error("cannot bind the netlink socket: %s", strerror(errno));
		mnl_socket_close(g->nl);
		g->nl = NULL;
		return -1;
	}
	g->portid = mnl_socket_get_portid(g->nl);
	/* Ask for the kernel's reason with each error, without our request. */
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &on, sizeof(on));
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &on, sizeof(on));
	return 0;
}

int genl_resolve(struct genl *g, const char *name)
{
	struct nlmsghdr *nlh;
	int err;

	g->family = 0;
	g->events_group = 0;
	nlh = genl_msg_start(g->buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = genl_talk(g, nlh, family_cb, g);
	if (!err && !g->family)
		err = -EBADMSG;
	return err;
}

int genl_open(struct genl *g)
{
	int err;

	if (genl_socket_open(g))
		return -1;
	err = genl_resolve(g, SIPWALL_GENL_NAME);
	if (!err)
		return 0;
	if (err == -ENOENT)
		ctl_error("sipwall kernel module is not loaded (try: modprobe sipwall)");
	else
		genl_perror(g, err, "cannot resolve the sipwall netlink family");
	genl_close(g);
	return -1;
}

void genl_close(struct genl *g)
{
	if (g->nl)
		mnl_socket_close(g->nl);
	g->nl = NULL;
}

/* Events come in bursts (a thousand flows can expire in one scan): room
 * for about as many. Only root may exceed net.core.rmem_max. */
#define EVENTS_RCVBUF (4 << 20)

int genl_subscribe(struct genl *g)
{
	int group = g->events_group, rcvbuf = EVENTS_RCVBUF;

	if (!group) {
		ctl_error("the sipwall module has no '%s' multicast group",
			  SIPWALL_GENL_MCGRP_EVENTS);
		return -1;
	}
	if (mnl_socket_setsockopt(g->nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		if (errno == EPERM)
			ctl_error("cannot listen for events: not permitted: needs CAP_NET_ADMIN");
		else
			ctl_error("cannot listen for events: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(mnl_socket_get_fd(g->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(mnl_socket_get_fd(g->nl), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf, sizeof(rcvbuf));
	return 0;
}
