// SPDX-License-Identifier: GPL-2.0
/*
 * genlfuzz: robustness tests of the "sipwall" generic netlink family.
 *
 *   genlfuzz crafted         a table of malformed (and a few valid) requests,
 *                            each with the error class it must get; prints
 *                            "PASS ..."/"FAIL ..." with the extack message
 *   genlfuzz random [-n N] [-t SECONDS] [-s SEED]
 *                            N random messages (bounded in time too); the
 *                            only assertion: every request is answered
 *                            (the kernel's health is checked in dmesg)
 *   genlfuzz noadmin [-u UID | -K]
 *                            drops to UID (default 65534) without
 *                            capabilities (-K: keep the identity, the caller
 *                            dropped CAP_NET_ADMIN); every command must get
 *                            EPERM
 *   genlfuzz userns          run as root of a new user+network namespace
 *                            (unshare -Urn): commands must be permitted
 *   genlfuzz dumpcheck [-n STABLE] [-d DUMPS]
 *                            dumps a stable set of flows while another
 *                            process adds and deletes flows: each stable
 *                            flow must be listed exactly once per dump
 *   genlfuzz bulk N LOCAL-ADDR BASEPORT OUT-ADDR PEER-ADDR:PORT [SESSION [TIMEOUT]]
 *                            adds N "learn" flows fast: LOCAL:BASEPORT+i,
 *                            out OUT:BASEPORT+i, to PEER (idle TIMEOUT s)
 *
 * Exit status: 0 all good, 1 a check failed, 2 usage or setup error.
 */
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sipwall.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUFSZ (512 * 1024)
#define TIMEOUT_MS 5000

static struct mnl_socket *nl;
static uint16_t family_id;
static uint32_t seq = 1000;
static char extack[512];
static int replies;		/* data messages received for the last request */
static uint8_t *txbuf, *rxbuf;

/* ---------------------------------------------------------------- netlink */

static struct mnl_socket *sock_open(void)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_GENERIC);
	int one = 1, rcv = 4 << 20;

	if (!s) {
		perror("genlfuzz: mnl_socket_open");
		exit(2);
	}
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("genlfuzz: mnl_socket_bind");
		exit(2);
	}
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return s;
}

static uint32_t events_group;	/* id of SIPWALL_GENL_MCGRP_EVENTS, 0 if none */

static void parse_mcgrps(const struct nlattr *grps)
{
	const struct nlattr *g, *a;

	mnl_attr_for_each_nested(g, grps) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, g) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, SIPWALL_GENL_MCGRP_EVENTS))
			events_group = id;
	}
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
		parse_mcgrps(a);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
	return MNL_CB_OK;
}

/* Resolves the family id; exits 2 if the module is not loaded. */
static void resolve_family(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(txbuf);
	struct genlmsghdr *g;
	uint32_t portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int r;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SIPWALL_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("genlfuzz: send");
		exit(2);
	}
	do {
		n = mnl_socket_recvfrom(nl, rxbuf, BUFSZ);
		if (n <= 0)
			break;
		r = mnl_cb_run(rxbuf, (size_t)n, seq, portid, family_cb, &family_id);
	} while (r > 0);
	if (!family_id) {
		fprintf(stderr, "genlfuzz: generic netlink family \"%s\" not found (module not loaded?)\n",
			SIPWALL_GENL_NAME);
		exit(2);
	}
}

static int extack_cb(const struct nlattr *a, void *data)
{
	(void)data;
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(extack, sizeof(extack), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* Reads the error code and extack message of an NLMSG_ERROR or NLMSG_DONE. */
static int parse_status(const struct nlmsghdr *nlh)
{
	const uint8_t *p = mnl_nlmsg_get_payload(nlh);
	size_t plen = mnl_nlmsg_get_payload_len(nlh), off;
	int err;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (plen < sizeof(int))
			return 0;
		memcpy(&err, p, sizeof(err));
		off = sizeof(int);
	} else {
		const struct nlmsgerr *e = (const void *)p;

		if (plen < sizeof(*e))
			return -EBADMSG;
		err = e->error;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len > sizeof(struct nlmsghdr) ?
			       NLMSG_ALIGN(e->msg.nlmsg_len - sizeof(struct nlmsghdr)) : 0;
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < plen)
		mnl_attr_parse_payload(p + off, plen - off, extack_cb, NULL);
	return err;
}

/*
 * Sends len bytes of txbuf (a request with sequence number s) and waits for
 * its final answer. Returns 0 or a negative errno; -ETIMEDOUT if nothing
 * came back, the sendto() error if the kernel refused the datagram.
 */
static int transact_raw(struct mnl_socket *s, size_t len, uint32_t sq)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(s), .events = POLLIN };
	uint64_t deadline = now_ns() + TIMEOUT_MS * 1000000ull;

	extack[0] = 0;
	replies = 0;
	if (mnl_socket_sendto(s, txbuf, len) < 0)
		return -errno;
	for (;;) {
		uint64_t now = now_ns();
		struct nlmsghdr *nlh;
		ssize_t n;
		int rem;

		if (now >= deadline)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000) + 1) <= 0)
			continue;
		n = recv(pfd.fd, rxbuf, BUFSZ, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			/* ENOBUFS: answers were lost; the request was answered. */
			return errno == ENOBUFS ? 0 : -errno;
		}
		rem = (int)n;
		for (nlh = (struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, rem);
		     nlh = mnl_nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_seq != sq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
				return parse_status(nlh);
			/* A do answer or a dump part; the status follows. */
			replies++;
		}
	}
}

static struct nlmsghdr *req(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(txbuf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SIPWALL_GENL_VERSION;
	return nlh;
}

static int transact(struct nlmsghdr *nlh)
{
	return transact_raw(nl, nlh->nlmsg_len, nlh->nlmsg_seq);
}

/* ------------------------------------------------------------- builders */

/* An endpoint nest: addr may be "10.0.0.1" or "fd00::1"; NULL omits it. */
static void put_ep(struct nlmsghdr *nlh, uint16_t type, const char *addr, int port)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);
	uint8_t a[16];

	if (addr && strchr(addr, ':')) {
		inet_pton(AF_INET6, addr, a);
		mnl_attr_put(nlh, SIPWALL_EP_A_ADDR6, 16, a);
	} else if (addr) {
		inet_pton(AF_INET, addr, a);
		mnl_attr_put(nlh, SIPWALL_EP_A_ADDR4, 4, a);
	}
	if (port >= 0)
		mnl_attr_put_u16(nlh, SIPWALL_EP_A_PORT, (uint16_t)port);
	mnl_attr_nest_end(nlh, n);
}

/* What to leave out of, or add to, a otherwise valid flow. */
enum {
	NO_LOCAL = 1 << 0,
	NO_SOURCE = 1 << 1,
	NO_OUT = 1 << 2,
	NO_PEER = 1 << 3,
	LEARN = 1 << 4,
	V6 = 1 << 5,
};

/* Valid local addresses exist in the fuzz namespace: see 20-netlink.sh. */
#define L4 "10.99.0.1"
#define P4 "10.99.0.2"
#define L6 "fd00:99::1"
#define P6 "fd00:99::2"

static struct nlattr *flow_start(struct nlmsghdr *nlh, int port, unsigned int opt)
{
	struct nlattr *f = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);
	const char *l = opt & V6 ? L6 : L4, *p = opt & V6 ? P6 : P4;

	if (!(opt & NO_LOCAL))
		put_ep(nlh, SIPWALL_FLOW_A_LOCAL, l, port);
	if (!(opt & NO_SOURCE) && !(opt & LEARN))
		put_ep(nlh, SIPWALL_FLOW_A_SOURCE, p, 5004);
	if (opt & LEARN)
		mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_FLAGS, SIPWALL_FLOW_F_LEARN);
	if (!(opt & NO_OUT))
		put_ep(nlh, SIPWALL_FLOW_A_OUT_LOCAL, l, port + 1);
	if (!(opt & NO_PEER))
		put_ep(nlh, SIPWALL_FLOW_A_OUT_PEER, p, 6000);
	return f;
}

static struct nlmsghdr *flow_msg(uint8_t cmd, int port, unsigned int opt)
{
	struct nlmsghdr *nlh = req(cmd, 0);

	mnl_attr_nest_end(nlh, flow_start(nlh, port, opt));
	return nlh;
}

static struct nlmsghdr *flow_local_msg(uint8_t cmd, const char *addr, int port)
{
	struct nlmsghdr *nlh = req(cmd, 0);
	struct nlattr *f = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);

	put_ep(nlh, SIPWALL_FLOW_A_LOCAL, addr, port);
	mnl_attr_nest_end(nlh, f);
	return nlh;
}

/* A flow with one extra attribute (type, raw bytes) inside the FLOW nest. */
static struct nlmsghdr *flow_with(int port, unsigned int opt, uint16_t type,
				  const void *val, size_t len)
{
	struct nlmsghdr *nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	struct nlattr *f = flow_start(nlh, port, opt);

	mnl_attr_put(nlh, type, len, val);
	mnl_attr_nest_end(nlh, f);
	return nlh;
}

/* A flow whose LOCAL endpoint is given as raw EP attributes. */
static struct nlmsghdr *flow_rawlocal(int port, uint16_t t1, const void *v1, size_t l1,
				      uint16_t t2, const void *v2, size_t l2)
{
	struct nlmsghdr *nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	struct nlattr *f = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW), *e;
	uint16_t p = (uint16_t)port;

	e = mnl_attr_nest_start(nlh, SIPWALL_FLOW_A_LOCAL);
	if (v1)
		mnl_attr_put(nlh, t1, l1, v1);
	if (v2)
		mnl_attr_put(nlh, t2, l2, v2);
	if (port >= 0)
		mnl_attr_put(nlh, SIPWALL_EP_A_PORT, 2, &p);
	mnl_attr_nest_end(nlh, e);
	put_ep(nlh, SIPWALL_FLOW_A_SOURCE, P4, 5004);
	put_ep(nlh, SIPWALL_FLOW_A_OUT_LOCAL, L4, 30001);
	put_ep(nlh, SIPWALL_FLOW_A_OUT_PEER, P4, 6000);
	mnl_attr_nest_end(nlh, f);
	return nlh;
}

static struct nlmsghdr *srtp_flow(int port, uint32_t suite, size_t keylen, size_t saltlen)
{
	struct nlmsghdr *nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	struct nlattr *f = flow_start(nlh, port, 0), *s;
	uint8_t key[64];

	memset(key, 0x5a, sizeof(key));
	s = mnl_attr_nest_start(nlh, SIPWALL_FLOW_A_SRTP_IN);
	mnl_attr_put_u32(nlh, SIPWALL_SRTP_A_SUITE, suite);
	if (keylen)
		mnl_attr_put(nlh, SIPWALL_SRTP_A_MASTER_KEY, keylen, key);
	if (saltlen)
		mnl_attr_put(nlh, SIPWALL_SRTP_A_MASTER_SALT, saltlen, key);
	mnl_attr_nest_end(nlh, s);
	mnl_attr_nest_end(nlh, f);
	return nlh;
}

static struct nlmsghdr *config_msg(int min, int max)
{
	struct nlmsghdr *nlh = req(SIPWALL_CMD_CONFIG_SET, 0);
	struct nlattr *c = mnl_attr_nest_start(nlh, SIPWALL_A_CONFIG);

	if (min >= 0)
		mnl_attr_put_u16(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MIN, (uint16_t)min);
	if (max >= 0)
		mnl_attr_put_u16(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MAX, (uint16_t)max);
	mnl_attr_nest_end(nlh, c);
	return nlh;
}

/* -------------------------------------------------------- crafted cases */

/* Error classes a case accepts. */
#define OK_		(1u << 0)	/* success */
#define EINVAL_		(1u << 1)
#define ERANGE_		(1u << 2)
#define EEXIST_		(1u << 3)
#define ENOENT_		(1u << 4)
#define EOPNOTSUPP_	(1u << 5)
#define EMSGSIZE_	(1u << 6)
#define ANY_ERR		(~OK_)		/* any error will do */
#define INFO		0		/* report only: the contract is silent */
#define POLICY		(EINVAL_ | ERANGE_)

static unsigned int err_class(int err)
{
	switch (-err) {
	case 0: return OK_;
	case EINVAL: return EINVAL_;
	case ERANGE: return ERANGE_;
	case EEXIST: return EEXIST_;
	case ENOENT: return ENOENT_;
	case EOPNOTSUPP: return EOPNOTSUPP_;
	case EMSGSIZE: return EMSGSIZE_;
	default: return 1u << 31;
	}
}

static const char *err_name(int err)
{
	static char buf[32];

	switch (-err) {
	case 0: return "OK";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EMSGSIZE: return "EMSGSIZE";
	case EPERM: return "EPERM";
	case ETIMEDOUT: return "no answer (ETIMEDOUT)";
	case ENOBUFS: return "ENOBUFS";
	case E2BIG: return "E2BIG";
	case ENOMEM: return "ENOMEM";
	default:
		snprintf(buf, sizeof(buf), "errno %d (%s)", -err, strerror(-err));
		return buf;
	}
}

static int failures, passes;

static void check(const char *what, int err, unsigned int want)
{
	const char *ea = extack[0] ? extack : "";

	if (want == INFO) {
		printf("INFO %s: %s%s%s%s\n", what, err_name(err),
		       *ea ? " (extack: \"" : "", ea, *ea ? "\")" : "");
		return;
	}
	if (err_class(err) & want) {
		passes++;
		printf("PASS %s: %s%s%s%s\n", what, err_name(err),
		       *ea ? " (extack: \"" : "", ea, *ea ? "\")" : "");
	} else {
		failures++;
		printf("FAIL %s: got %s%s%s%s\n", what, err_name(err),
		       *ea ? " (extack: \"" : "", ea, *ea ? "\")" : "");
	}
}

static void tr(const char *what, struct nlmsghdr *nlh, unsigned int want)
{
	check(what, transact(nlh), want);
}

static void flush_all(void)
{
	transact(req(SIPWALL_CMD_FLOW_FLUSH, 0));
	transact(config_msg(0, 0));
}

static int run_crafted(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *f, *e;
	uint8_t b[65536];
	int err;

	memset(b, 0xab, sizeof(b));
	flush_all();

	/* Framing and commands. */
	nlh = mnl_nlmsg_put_header(txbuf);
	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	tr("message without a genl header", nlh, EINVAL_);
	tr("command 0 (UNSPEC)", req(SIPWALL_CMD_UNSPEC, 0), EOPNOTSUPP_ | EINVAL_);
	tr("event-only command FLOW_EXPIRED as a request", req(SIPWALL_CMD_FLOW_EXPIRED, 0),
	   EOPNOTSUPP_ | EINVAL_);
	tr("unknown command __SIPWALL_CMD_MAX", req(__SIPWALL_CMD_MAX, 0), EOPNOTSUPP_ | EINVAL_);
	tr("unknown command 200", req(200, 0), EOPNOTSUPP_ | EINVAL_);
	tr("FLOW_NEW as a dump", req(SIPWALL_CMD_FLOW_NEW, NLM_F_DUMP), EOPNOTSUPP_ | EINVAL_);
	tr("FLOW_DEL as a dump", req(SIPWALL_CMD_FLOW_DEL, NLM_F_DUMP), EOPNOTSUPP_ | EINVAL_);

	/* Missing required attributes. */
	tr("FLOW_NEW without attributes", req(SIPWALL_CMD_FLOW_NEW, 0), EINVAL_);
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, SIPWALL_A_FLOW));
	tr("FLOW_NEW with an empty A_FLOW", nlh, EINVAL_);
	tr("FLOW_NEW without FLOW_A_LOCAL", flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, NO_LOCAL), EINVAL_);
	tr("FLOW_NEW without FLOW_A_SOURCE and not learn",
	   flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, NO_SOURCE), EINVAL_);
	tr("FLOW_NEW without FLOW_A_OUT_LOCAL", flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, NO_OUT), EINVAL_);
	tr("FLOW_NEW without FLOW_A_OUT_PEER", flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, NO_PEER), EINVAL_);
	tr("endpoint without a port", flow_rawlocal(-1, SIPWALL_EP_A_ADDR4, b, 4, 0, NULL, 0), EINVAL_);
	tr("endpoint without an address", flow_rawlocal(30000, 0, NULL, 0, 0, NULL, 0), EINVAL_);
	tr("endpoint with both ADDR4 and ADDR6",
	   flow_rawlocal(30000, SIPWALL_EP_A_ADDR4, b, 4, SIPWALL_EP_A_ADDR6, b, 16), EINVAL_);
	tr("FLOW_DEL without attributes", req(SIPWALL_CMD_FLOW_DEL, 0), EINVAL_);
	nlh = req(SIPWALL_CMD_FLOW_DEL, 0);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, SIPWALL_A_FLOW));
	tr("FLOW_DEL with an empty A_FLOW", nlh, EINVAL_);
	tr("FLOW_GET (do) without attributes", req(SIPWALL_CMD_FLOW_GET, 0), EINVAL_);
	tr("CONFIG_SET without attributes", req(SIPWALL_CMD_CONFIG_SET, 0), EINVAL_);
	tr("CONFIG_SET with MEDIA_PORT_MIN alone", config_msg(30000, -1), EINVAL_);
	tr("CONFIG_SET with MEDIA_PORT_MAX alone", config_msg(-1, 30999), EINVAL_);

	/* Wrong lengths. */
	tr("ADDR4 of 3 bytes", flow_rawlocal(30000, SIPWALL_EP_A_ADDR4, b, 3, 0, NULL, 0), POLICY);
	tr("ADDR4 of 5 bytes", flow_rawlocal(30000, SIPWALL_EP_A_ADDR4, b, 5, 0, NULL, 0), POLICY);
	tr("ADDR4 of 0 bytes", flow_rawlocal(30000, SIPWALL_EP_A_ADDR4, b, 0, 0, NULL, 0), POLICY);
	tr("ADDR6 of 4 bytes", flow_rawlocal(30000, SIPWALL_EP_A_ADDR6, b, 4, 0, NULL, 0), POLICY);
	tr("ADDR6 of 17 bytes", flow_rawlocal(30000, SIPWALL_EP_A_ADDR6, b, 17, 0, NULL, 0), POLICY);
	{
		uint32_t p32 = 30000;
		uint8_t p8 = 1;

		tr("PORT as u32", flow_rawlocal(-1, SIPWALL_EP_A_ADDR4, b, 4,
						SIPWALL_EP_A_PORT, &p32, 4), POLICY);
		tr("PORT as u8", flow_rawlocal(-1, SIPWALL_EP_A_ADDR4, b, 4,
					       SIPWALL_EP_A_PORT, &p8, 1), POLICY);
	}
	tr("FLOW_A_SESSION of 4 bytes", flow_with(30000, 0, SIPWALL_FLOW_A_SESSION, b, 4), POLICY);
	tr("FLOW_A_FLAGS of 2 bytes", flow_with(30000, 0, SIPWALL_FLOW_A_FLAGS, b, 2), POLICY);
	tr("FLOW_A_DSCP of 4 bytes", flow_with(30000, 0, SIPWALL_FLOW_A_DSCP, "\0\0\0\0", 4), POLICY);
	tr("FLOW_A_TIMEOUT of 8 bytes", flow_with(30000, 0, SIPWALL_FLOW_A_TIMEOUT, b, 8), POLICY);
	nlh = req(SIPWALL_CMD_FLOW_FLUSH, 0);
	mnl_attr_put_u16(nlh, SIPWALL_A_SESSION, 7);
	tr("FLOW_FLUSH with A_SESSION of 2 bytes", nlh, POLICY);
	nlh = req(SIPWALL_CMD_FLOW_GET, NLM_F_DUMP);
	mnl_attr_put_u32(nlh, SIPWALL_A_SESSION, 7);
	tr("FLOW_GET dump with A_SESSION of 4 bytes", nlh, POLICY);
	nlh = req(SIPWALL_CMD_CONFIG_SET, 0);
	f = mnl_attr_nest_start(nlh, SIPWALL_A_CONFIG);
	mnl_attr_put_u32(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MIN, 30000);
	mnl_attr_put_u32(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MAX, 30999);
	mnl_attr_nest_end(nlh, f);
	tr("CONFIG_SET with u32 ports", nlh, POLICY);

	/* Values out of range. */
	tr("LOCAL port 0", flow_msg(SIPWALL_CMD_FLOW_NEW, 0, 0), POLICY);
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	f = flow_start(nlh, 30000, NO_PEER);
	put_ep(nlh, SIPWALL_FLOW_A_OUT_PEER, P4, 0);
	mnl_attr_nest_end(nlh, f);
	tr("OUT_PEER port 0", nlh, POLICY);
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	f = flow_start(nlh, 30000, NO_SOURCE);
	put_ep(nlh, SIPWALL_FLOW_A_SOURCE, P4, 0);
	mnl_attr_nest_end(nlh, f);
	tr("SOURCE port 0", nlh, POLICY);
	{
		uint32_t v = 1u << 1;

		tr("unknown flag bit 1", flow_with(30000, 0, SIPWALL_FLOW_A_FLAGS, &v, 4), POLICY);
		v = 1u << 31;
		tr("unknown flag bit 31", flow_with(30000, 0, SIPWALL_FLOW_A_FLAGS, &v, 4), POLICY);
		v = SIPWALL_TIMEOUT_MAX + 1;
		tr("timeout SIPWALL_TIMEOUT_MAX + 1", flow_with(30000, 0, SIPWALL_FLOW_A_TIMEOUT, &v, 4),
		   POLICY);
		v = 0xffffffffu;
		tr("timeout 0xffffffff", flow_with(30000, 0, SIPWALL_FLOW_A_TIMEOUT, &v, 4), POLICY);
	}
	tr("dscp 64", flow_with(30000, 0, SIPWALL_FLOW_A_DSCP, "\x40", 1), POLICY);
	tr("dscp 255", flow_with(30000, 0, SIPWALL_FLOW_A_DSCP, "\xff", 1), POLICY);
	tr("CONFIG_SET MEDIA_PORT_MIN > MAX", config_msg(31000, 30000), POLICY);
	tr("SRTP suite 0 (NONE)", srtp_flow(30000, SIPWALL_SRTP_NONE, 16, 14), ANY_ERR);
	tr("SRTP suite past SIPWALL_SRTP_SUITE_MAX",
	   srtp_flow(30000, SIPWALL_SRTP_SUITE_MAX + 1, 16, 14), ANY_ERR);
	tr("SRTP key longer than SIPWALL_SRTP_MASTER_KEY_MAX",
	   srtp_flow(30000, SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80, SIPWALL_SRTP_MASTER_KEY_MAX + 1, 14),
	   ANY_ERR);
	tr("SRTP salt longer than SIPWALL_SRTP_MASTER_SALT_MAX",
	   srtp_flow(30000, SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80, 16, SIPWALL_SRTP_MASTER_SALT_MAX + 1),
	   ANY_ERR);
	tr("SRTP AES_CM_128 with a 32-byte key", srtp_flow(30000, SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80,
							   32, 14), ANY_ERR);
	tr("SRTP without a key", srtp_flow(30000, SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0), ANY_ERR);

	/* Families that do not fit together. */
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	f = flow_start(nlh, 30000, NO_SOURCE);
	put_ep(nlh, SIPWALL_FLOW_A_SOURCE, P6, 5004);
	mnl_attr_nest_end(nlh, f);
	tr("IPv4 LOCAL with an IPv6 SOURCE", nlh, EINVAL_);
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	f = flow_start(nlh, 30000, NO_PEER);
	put_ep(nlh, SIPWALL_FLOW_A_OUT_PEER, P6, 6000);
	mnl_attr_nest_end(nlh, f);
	tr("IPv4 OUT_LOCAL with an IPv6 OUT_PEER", nlh, EINVAL_);

	/* Unknown attribute types. */
	nlh = flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, 0);
	mnl_attr_put_u32(nlh, __SIPWALL_A_MAX, 1);
	tr("unknown top-level attribute __SIPWALL_A_MAX", nlh, POLICY);
	nlh = flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, 0);
	mnl_attr_put_u32(nlh, 1000, 1);
	tr("unknown top-level attribute 1000", nlh, POLICY);
	tr("unknown flow attribute __SIPWALL_FLOW_A_MAX",
	   flow_with(30000, 0, __SIPWALL_FLOW_A_MAX, b, 4), POLICY);
	tr("unknown flow attribute 0x3fff", flow_with(30000, 0, 0x3fff, b, 4), POLICY);
	{
		uint32_t x = 1;

		tr("unknown endpoint attribute __SIPWALL_EP_A_MAX",
		   flow_rawlocal(30000, SIPWALL_EP_A_ADDR4, b, 4, __SIPWALL_EP_A_MAX, &x, 4), POLICY);
	}
	nlh = req(SIPWALL_CMD_CONFIG_SET, 0);
	f = mnl_attr_nest_start(nlh, SIPWALL_A_CONFIG);
	mnl_attr_put_u16(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MIN, 30000);
	mnl_attr_put_u16(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MAX, 30999);
	mnl_attr_put_u32(nlh, __SIPWALL_CONFIG_A_MAX, 1);
	mnl_attr_nest_end(nlh, f);
	tr("unknown config attribute __SIPWALL_CONFIG_A_MAX", nlh, POLICY);
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	f = flow_start(nlh, 30000, 0);
	e = mnl_attr_nest_start(nlh, SIPWALL_FLOW_A_SRTP_OUT);
	mnl_attr_put_u32(nlh, SIPWALL_SRTP_A_SUITE, SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80);
	mnl_attr_put(nlh, SIPWALL_SRTP_A_MASTER_KEY, 16, b);
	mnl_attr_put(nlh, SIPWALL_SRTP_A_MASTER_SALT, 14, b);
	mnl_attr_put_u32(nlh, __SIPWALL_SRTP_A_MAX, 1);
	mnl_attr_nest_end(nlh, e);
	mnl_attr_nest_end(nlh, f);
	tr("unknown SRTP attribute __SIPWALL_SRTP_A_MAX", nlh, ANY_ERR);

	/* Nesting. */
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	mnl_attr_put_u32(nlh, SIPWALL_A_FLOW, 0x01020304);
	tr("A_FLOW that is a u32, not a nest", nlh, POLICY);
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	f = flow_start(nlh, 30000, 0);
	mnl_attr_nest_end(nlh, f);
	f->nla_type &= (uint16_t)~NLA_F_NESTED;
	tr("A_FLOW without NLA_F_NESTED", nlh, POLICY);
	tr("FLOW_A_LOCAL that is a u32, not a nest",
	   flow_with(30000, NO_LOCAL, SIPWALL_FLOW_A_LOCAL, b, 4), POLICY);
	{
		/* A nest whose inner attribute claims 200 bytes in a 12-byte nest. */
		uint8_t bad[8] = { 200, 0, SIPWALL_EP_A_PORT, 0, 1, 2, 3, 4 };

		tr("FLOW_A_LOCAL nest with an overflowing inner attribute",
		   flow_with(30000, NO_LOCAL, SIPWALL_FLOW_A_LOCAL | NLA_F_NESTED, bad, sizeof(bad)),
		   POLICY);
	}
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	f = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);
	e = mnl_attr_nest_start(nlh, SIPWALL_FLOW_A_LOCAL);
	put_ep(nlh, SIPWALL_EP_A_ADDR4, L4, 30000);
	mnl_attr_nest_end(nlh, e);
	mnl_attr_nest_end(nlh, f);
	tr("an endpoint nest inside ADDR4", nlh, POLICY);

	/* Truncated attributes. */
	nlh = flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, 0);
	{
		struct nlattr *a = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));

		a->nla_len = (uint16_t)(a->nla_len + 64);	/* past the message's end */
	}
	tr("attribute longer than the message", nlh, POLICY);
	nlh = flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, 0);
	{
		struct nlattr *a = (struct nlattr *)((uint8_t *)nlh + nlh->nlmsg_len);

		a->nla_len = 2;		/* shorter than an attribute header */
		a->nla_type = SIPWALL_A_SESSION;
		nlh->nlmsg_len += 4;
	}
	tr("attribute with nla_len 2", nlh, POLICY);
	nlh = flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, 0);
	memset((uint8_t *)nlh + nlh->nlmsg_len, 0xee, 3);
	nlh->nlmsg_len += 3;	/* 3 trailing bytes: not even an attribute header */
	tr("3 trailing bytes after the attributes", nlh, POLICY);

	/* Oversized messages. */
	tr("flow with a 60000-byte unknown attribute",
	   flow_with(30000, 0, 0x3ffe, b, 60000), POLICY);
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	f = flow_start(nlh, 30000, 0);
	mnl_attr_put(nlh, SIPWALL_FLOW_A_SESSION, 60000, b);
	mnl_attr_nest_end(nlh, f);
	tr("FLOW_A_SESSION of 60000 bytes", nlh, POLICY);
	nlh = req(SIPWALL_CMD_FLOW_NEW, 0);
	while (nlh->nlmsg_len < 300 * 1024)
		mnl_attr_put(nlh, 0x3ffd, 60000, b);
	check("a 300 KiB message", transact(nlh), ANY_ERR);

	/* Valid requests, and the errors that depend on state. */
	tr("valid IPv4 flow", flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, 0), OK_);
	tr("the same flow again (EEXIST)", flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, 0), EEXIST_);
	tr("the same LOCAL as a learn flow (EEXIST)",
	   flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, LEARN), EEXIST_);
	tr("valid IPv6 learn flow", flow_msg(SIPWALL_CMD_FLOW_NEW, 30002, V6 | LEARN), OK_);
	nlh = req(SIPWALL_CMD_FLOW_NEW, NLM_F_ECHO);
	f = flow_start(nlh, 30004, 0);
	mnl_attr_put_u64(nlh, SIPWALL_FLOW_A_SESSION, 77);
	mnl_attr_put_u8(nlh, SIPWALL_FLOW_A_DSCP, 46);
	mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_TIMEOUT, SIPWALL_TIMEOUT_MAX);
	mnl_attr_nest_end(nlh, f);
	err = transact(nlh);
	check("valid flow with session, dscp 46, timeout max, NLM_F_ECHO", err, OK_);
	if (!err)
		check(replies ? "NLM_F_ECHO answered with the flow" :
				"NLM_F_ECHO answered with the flow (no answer came)",
		      replies ? 0 : -ENOMSG, OK_);
	tr("FLOW_GET (do) of an existing flow", flow_local_msg(SIPWALL_CMD_FLOW_GET, L4, 30004), OK_);
	tr("FLOW_GET (do) of a missing flow", flow_local_msg(SIPWALL_CMD_FLOW_GET, L4, 30100), ENOENT_);
	tr("FLOW_DEL of a missing flow", flow_local_msg(SIPWALL_CMD_FLOW_DEL, L4, 30100), ENOENT_);
	tr("FLOW_DEL of a missing IPv6 flow", flow_local_msg(SIPWALL_CMD_FLOW_DEL, L6, 30000), ENOENT_);
	tr("FLOW_DEL of an existing flow", flow_local_msg(SIPWALL_CMD_FLOW_DEL, L4, 30000), OK_);
	tr("FLOW_DEL of it again (ENOENT)", flow_local_msg(SIPWALL_CMD_FLOW_DEL, L4, 30000), ENOENT_);
	tr("FLOW_GET dump", req(SIPWALL_CMD_FLOW_GET, NLM_F_DUMP), OK_);
	nlh = req(SIPWALL_CMD_FLOW_GET, NLM_F_DUMP);
	mnl_attr_put_u64(nlh, SIPWALL_A_SESSION, 77);
	err = transact(nlh);
	check("FLOW_GET dump of session 77", err, OK_);
	if (!err)
		check("FLOW_GET dump of session 77 lists one flow", replies == 1 ? 0 : -EBADMSG, OK_);
	tr("STATS_GET", req(SIPWALL_CMD_STATS_GET, 0), OK_);
	tr("CONFIG_GET", req(SIPWALL_CMD_CONFIG_GET, 0), OK_);
	tr("CONFIG_SET media ports 30000-30999", config_msg(30000, 30999), OK_);
	tr("CONFIG_SET media ports off (0-0)", config_msg(0, 0), OK_);
	nlh = req(SIPWALL_CMD_FLOW_FLUSH, 0);
	mnl_attr_put_u64(nlh, SIPWALL_A_SESSION, 77);
	tr("FLOW_FLUSH session 77", nlh, OK_);
	tr("FLOW_GET (do) of the flushed flow", flow_local_msg(SIPWALL_CMD_FLOW_GET, L4, 30004), ENOENT_);
	tr("FLOW_FLUSH all", req(SIPWALL_CMD_FLOW_FLUSH, 0), OK_);

	/* Read-only attributes in requests: the contract does not say. */
	{
		uint32_t id = 1;

		tr("read-only FLOW_A_ID in FLOW_NEW", flow_with(30010, 0, SIPWALL_FLOW_A_ID, &id, 4), INFO);
		tr("read-only FLOW_A_STATS in FLOW_NEW",
		   flow_with(30012, 0, SIPWALL_FLOW_A_STATS | NLA_F_NESTED, NULL, 0), INFO);
		tr("valid SRTP-in AES_CM_128_HMAC_SHA1_80 flow",
		   srtp_flow(30014, SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80, 16, 14), INFO);
	}
	flush_all();
	printf("crafted: %d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}

/* --------------------------------------------------------- random fuzzing */

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the printed seed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static uint32_t rn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static void rand_value(uint8_t *p, size_t len)
{
	static const uint32_t v32[] = { 0, 1, 2, 46, 63, 64, 255, 30000, 65535, 65536,
					SIPWALL_TIMEOUT_MAX, SIPWALL_TIMEOUT_MAX + 1, 0xffffffff };
	static const uint16_t v16[] = { 0, 1, 5004, 30000, 30001, 30999, 31000, 65535 };
	static const char *const a4[] = { L4, P4, "127.0.0.1", "0.0.0.0", "255.255.255.255",
					  "224.0.0.1" };
	static const char *const a6[] = { L6, P6, "::1", "::", "ff02::1", "::ffff:10.99.0.1" };
	size_t i;

	switch (len == 2 ? 2 : len == 4 ? 4 : len == 16 ? 16 : 0) {
	case 2:
		if (rn(4)) {
			uint16_t v = v16[rn(sizeof(v16) / sizeof(v16[0]))];

			memcpy(p, &v, 2);
			return;
		}
		break;
	case 4:
		if (rn(2)) {
			uint32_t v = v32[rn(sizeof(v32) / sizeof(v32[0]))];

			memcpy(p, &v, 4);
			return;
		}
		if (rn(2)) {
			inet_pton(AF_INET, a4[rn(sizeof(a4) / sizeof(a4[0]))], p);
			return;
		}
		break;
	case 16:
		if (rn(2)) {
			inet_pton(AF_INET6, a6[rn(sizeof(a6) / sizeof(a6[0]))], p);
			return;
		}
		break;
	}
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
}

static size_t rand_len(void)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 8, 12, 14, 15, 16, 17, 30, 32, 33 };

	switch (rn(20)) {
	case 0:
		return rn(4000);
	case 1:
		return rn(128);
	default:
		return lens[rn(sizeof(lens) / sizeof(lens[0]))];
	}
}

/* Random attributes into the message tail; room bounds the bytes used. */
static void rand_attrs(struct nlmsghdr *nlh, size_t room, int depth)
{
	int n = (int)rn(7), i;

	for (i = 0; i < n; i++) {
		uint16_t type;
		uint8_t val[4096];
		size_t len;

		switch (rn(10)) {
		case 0:
			type = (uint16_t)rnd();
			break;
		case 1:
		case 2:
			type = (uint16_t)rn(40);
			break;
		default:
			type = (uint16_t)rn(17);
			break;
		}
		if (depth < 4 && rn(10) < 4 && room > 64) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, type);

			rand_attrs(nlh, room / 2, depth + 1);
			mnl_attr_nest_end(nlh, nest);
			if (rn(10) == 0)
				nest->nla_type &= (uint16_t)~NLA_F_NESTED;
		} else {
			len = rand_len();
			if (len + 4 > room)
				len = 0;
			rand_value(val, len);
			mnl_attr_put(nlh, type, len, val);
		}
		if (nlh->nlmsg_len + 64 > room)
			break;
	}
}

static const char *rand_addr(int v6, int peer)
{
	static const char *const a[2][2] = { { L4, P4 }, { L6, P6 } };

	return a[v6][peer];
}

/* SRTP parameters: mostly a real suite with key and salt of usual lengths. */
static void rand_srtp(struct nlmsghdr *nlh, uint16_t type)
{
	static const size_t keys[] = { 16, 32, 24, 0, 15, 17 };
	static const size_t salts[] = { 14, 12, 0, 13, 15 };
	struct nlattr *n = mnl_attr_nest_start(nlh, type);
	uint8_t key[SIPWALL_SRTP_MASTER_KEY_MAX];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)rnd();
	mnl_attr_put_u32(nlh, SIPWALL_SRTP_A_SUITE, rn(SIPWALL_SRTP_SUITE_MAX + 2));
	if (rn(8))
		mnl_attr_put(nlh, SIPWALL_SRTP_A_MASTER_KEY, keys[rn(rn(3) ? 2 : 6)], key);
	if (rn(8))
		mnl_attr_put(nlh, SIPWALL_SRTP_A_MASTER_SALT, salts[rn(rn(3) ? 2 : 5)], key);
	mnl_attr_nest_end(nlh, n);
}

/* A well-formed request built from a few random choices, to reach deep code. */
static struct nlmsghdr *rand_valid(void)
{
	int v6 = (int)rn(2), port = 30000 + (int)rn(16) * 2;
	struct nlmsghdr *nlh;
	struct nlattr *f;

	switch (rn(9)) {
	case 0:
	case 1:
	case 2:
		nlh = req(SIPWALL_CMD_FLOW_NEW, rn(4) ? 0 : NLM_F_ECHO);
		f = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);
		put_ep(nlh, SIPWALL_FLOW_A_LOCAL, rand_addr(v6, 0), port);
		if (rn(2))
			put_ep(nlh, SIPWALL_FLOW_A_SOURCE, rand_addr(v6, 1), 5004);
		else
			mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_FLAGS, SIPWALL_FLOW_F_LEARN);
		v6 = rn(4) ? v6 : !v6;
		put_ep(nlh, SIPWALL_FLOW_A_OUT_LOCAL, rand_addr(v6, 0), port + 1);
		put_ep(nlh, SIPWALL_FLOW_A_OUT_PEER, rand_addr(v6, 1), 6000);
		if (rn(2))
			mnl_attr_put_u64(nlh, SIPWALL_FLOW_A_SESSION, rn(4));
		if (rn(2))
			mnl_attr_put_u8(nlh, SIPWALL_FLOW_A_DSCP, (uint8_t)rn(70));
		if (rn(2))
			mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_TIMEOUT, rn(3));
		if (rn(3) == 0)
			rand_srtp(nlh, SIPWALL_FLOW_A_SRTP_IN);
		if (rn(3) == 0)
			rand_srtp(nlh, SIPWALL_FLOW_A_SRTP_OUT);
		mnl_attr_nest_end(nlh, f);
		return nlh;
	case 3:
		return flow_local_msg(SIPWALL_CMD_FLOW_DEL, rand_addr(v6, 0), port);
	case 4:
		return flow_local_msg(SIPWALL_CMD_FLOW_GET, rand_addr(v6, 0), port);
	case 5:
		nlh = req(SIPWALL_CMD_FLOW_GET, NLM_F_DUMP);
		if (rn(2))
			mnl_attr_put_u64(nlh, SIPWALL_A_SESSION, rn(4));
		return nlh;
	case 6:
		nlh = req(SIPWALL_CMD_FLOW_FLUSH, 0);
		if (rn(3))
			mnl_attr_put_u64(nlh, SIPWALL_A_SESSION, rn(4));
		return nlh;
	case 7:
		return req(rn(2) ? SIPWALL_CMD_STATS_GET : SIPWALL_CMD_CONFIG_GET, 0);
	default:
		return config_msg((int)rn(2) * 30000, 30000 + (int)rn(2) * 999);
	}
}

static struct nlmsghdr *rand_msg(void)
{
	struct nlmsghdr *nlh;
	uint16_t flags = 0;
	uint8_t cmd;

	if (rn(2)) {
		nlh = rand_valid();
		/* Sometimes flip a byte after the genl header. */
		if (rn(3) == 0 && nlh->nlmsg_len > NLMSG_HDRLEN + 4) {
			uint8_t *p = (uint8_t *)nlh + NLMSG_HDRLEN + 4;
			size_t n = nlh->nlmsg_len - NLMSG_HDRLEN - 4;

			p[rn((uint32_t)n)] ^= (uint8_t)(1u << rn(8));
		}
		return nlh;
	}
	cmd = rn(20) ? (uint8_t)rn(__SIPWALL_CMD_MAX + 1) : (uint8_t)rnd();
	if (rn(4) == 0)
		flags |= NLM_F_DUMP;
	if (rn(10) == 0)
		flags |= NLM_F_ECHO;
	if (rn(20) == 0)
		flags |= (uint16_t)(rnd() & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_REPLACE | NLM_F_APPEND));
	nlh = req(cmd, flags);
	rand_attrs(nlh, rn(10) ? 2048 : 65000, 0);
	return nlh;
}

static void hexdump_msg(const struct nlmsghdr *nlh)
{
	const uint8_t *p = (const uint8_t *)nlh;
	uint32_t i;

	fprintf(stderr, "genlfuzz: message (%u bytes):", nlh->nlmsg_len);
	for (i = 0; i < nlh->nlmsg_len && i < 256; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", p[i]);
	fprintf(stderr, "\n");
}

static int run_random(unsigned long long count, unsigned long long seconds, uint64_t seed)
{
	uint64_t deadline = now_ns() + seconds * 1000000000ull;
	unsigned long long i, answered_ok = 0, answered_err = 0, noanswer = 0;

	rng = seed ? seed : 1;
	printf("random: seed %llu (reproduce: genlfuzz random -s %llu -n %llu)\n",
	       (unsigned long long)seed, (unsigned long long)seed, count);
	fflush(stdout);
	for (i = 0; i < count && now_ns() < deadline; i++) {
		struct nlmsghdr *nlh = rand_msg();
		int err = transact(nlh);

		if (err == -ETIMEDOUT) {
			noanswer++;
			fprintf(stderr, "genlfuzz: message %llu got no answer\n", i);
			hexdump_msg(nlh);
			if (noanswer > 3)
				break;
		} else if (err) {
			answered_err++;
		} else {
			answered_ok++;
		}
	}
	flush_all();
	printf("random: %llu messages, %llu ok, %llu errors, %llu unanswered\n",
	       i, answered_ok, answered_err, noanswer);
	return noanswer ? 1 : 0;
}

/* ------------------------------------------------------- permission checks */

/* Without the capability every command must get EPERM; with it, anything else. */
static void check_perm(const char *what, int err, int expect_eperm)
{
	const char *ea = extack[0] ? extack : "";
	bool good = expect_eperm ? err == -EPERM : err != -EPERM && err != -ETIMEDOUT;

	if (good)
		passes++;
	else
		failures++;
	printf("%s %s: %s%s%s%s (want %s)\n", good ? "PASS" : "FAIL", what, err_name(err),
	       *ea ? " (extack: \"" : "", ea, *ea ? "\")" : "",
	       expect_eperm ? "EPERM" : "anything but EPERM");
}

static int run_perm(int expect_eperm)
{
	struct nlmsghdr *nlh;

	failures = passes = 0;
	check_perm("FLOW_NEW", transact(flow_msg(SIPWALL_CMD_FLOW_NEW, 30000, 0)), expect_eperm);
	check_perm("FLOW_GET (do)", transact(flow_local_msg(SIPWALL_CMD_FLOW_GET, L4, 30000)),
		   expect_eperm);
	check_perm("FLOW_GET dump", transact(req(SIPWALL_CMD_FLOW_GET, NLM_F_DUMP)), expect_eperm);
	check_perm("FLOW_DEL", transact(flow_local_msg(SIPWALL_CMD_FLOW_DEL, L4, 30000)),
		   expect_eperm);
	nlh = req(SIPWALL_CMD_FLOW_FLUSH, 0);
	mnl_attr_put_u64(nlh, SIPWALL_A_SESSION, 1);
	check_perm("FLOW_FLUSH session", transact(nlh), expect_eperm);
	check_perm("FLOW_FLUSH", transact(req(SIPWALL_CMD_FLOW_FLUSH, 0)), expect_eperm);
	check_perm("STATS_GET", transact(req(SIPWALL_CMD_STATS_GET, 0)), expect_eperm);
	check_perm("CONFIG_GET", transact(req(SIPWALL_CMD_CONFIG_GET, 0)), expect_eperm);
	check_perm("CONFIG_SET", transact(config_msg(0, 0)), expect_eperm);
	if (events_group) {
		int r = mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &events_group,
					      sizeof(events_group));

		extack[0] = 0;
		check_perm("join the \"" SIPWALL_GENL_MCGRP_EVENTS "\" multicast group",
			   r ? -errno : 0, expect_eperm);
	} else {
		failures++;
		printf("FAIL multicast group \"%s\" not found\n", SIPWALL_GENL_MCGRP_EVENTS);
	}
	printf("%s: %d passed, %d failed\n", expect_eperm ? "noadmin" : "userns", passes, failures);
	return failures ? 1 : 0;
}

static void drop_privileges(uid_t uid)
{
	if (setgroups(0, NULL) || setgid((gid_t)uid) || setuid(uid)) {
		perror("genlfuzz: dropping privileges");
		exit(2);
	}
	if (setuid(0) == 0) {
		fprintf(stderr, "genlfuzz: could regain root after dropping it\n");
		exit(2);
	}
}

/* ------------------------------------------------------------------- bulk */

static int run_bulk(unsigned long n, const char *local, unsigned long base,
		    const char *out, const char *peer, unsigned long long session,
		    unsigned long timeout)
{
	struct endpoint pe;
	char paddr[64];
	uint64_t start = now_ns();
	unsigned long i = 0, ok = 0, failed = 0;
	int last = 0;

	if (endpoint_parse(&pe, peer, 1)) {
		fprintf(stderr, "genlfuzz: bad peer %s\n", peer);
		return 2;
	}
	snprintf(paddr, sizeof(paddr), "%s", peer[0] == '[' ? peer + 1 : peer);
	*strrchr(paddr, peer[0] == '[' ? ']' : ':') = 0;
	if (base + n > 65536) {
		fprintf(stderr, "genlfuzz: BASEPORT + N must stay below 65536\n");
		return 2;
	}
	while (i < n) {
		/* A batch of requests in one datagram, then their acks. */
		struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(txbuf, BUFSZ / 2);
		uint32_t first = seq + 1, last_seq;
		unsigned long inbatch = 0;
		int rem;
		ssize_t r;

		while (i < n && inbatch < 256) {
			struct nlmsghdr *nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b));
			struct genlmsghdr *g;
			struct nlattr *f;

			nlh->nlmsg_type = family_id;
			nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
			nlh->nlmsg_seq = ++seq;
			g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
			g->cmd = SIPWALL_CMD_FLOW_NEW;
			g->version = SIPWALL_GENL_VERSION;
			f = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);
			put_ep(nlh, SIPWALL_FLOW_A_LOCAL, local, (int)(base + i));
			mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_FLAGS, SIPWALL_FLOW_F_LEARN);
			put_ep(nlh, SIPWALL_FLOW_A_OUT_LOCAL, out, (int)(base + i));
			put_ep(nlh, SIPWALL_FLOW_A_OUT_PEER, paddr, endpoint_port(&pe));
			if (session)
				mnl_attr_put_u64(nlh, SIPWALL_FLOW_A_SESSION, session);
			if (timeout)
				mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_TIMEOUT, (uint32_t)timeout);
			mnl_attr_nest_end(nlh, f);
			if (!mnl_nlmsg_batch_next(b))
				break;
			i++;
			inbatch++;
		}
		last_seq = seq;
		if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0) {
			perror("genlfuzz: send");
			return 2;
		}
		mnl_nlmsg_batch_stop(b);
		while (ok + failed < i) {
			struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
			struct nlmsghdr *nlh;

			if (poll(&pfd, 1, TIMEOUT_MS) <= 0) {
				fprintf(stderr, "genlfuzz: no answer to bulk requests %u..%u\n",
					first, last_seq);
				return 1;
			}
			r = recv(pfd.fd, rxbuf, BUFSZ, 0);
			if (r < 0) {
				perror("genlfuzz: recv");
				return 1;
			}
			rem = (int)r;
			for (nlh = (struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, rem);
			     nlh = mnl_nlmsg_next(nlh, &rem)) {
				int err;

				if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq < first ||
				    nlh->nlmsg_seq > last_seq)
					continue;
				err = parse_status(nlh);
				if (err) {
					failed++;
					last = err;
				} else {
					ok++;
				}
			}
		}
	}
	{
		uint64_t ms = (now_ns() - start) / 1000000;

		printf("added %lu\nfailed %lu\nelapsed_ms %llu\nflows_per_s %llu\n", ok, failed,
		       (unsigned long long)ms, (unsigned long long)(ok * 1000 / (ms ? ms : 1)));
	}
	if (failed)
		fprintf(stderr, "genlfuzz: %lu flows refused, last: %s%s%s\n", failed, err_name(last),
			extack[0] ? ": " : "", extack);
	return failed ? 1 : 0;
}

/* ------------------------------------------------------ dump consistency */

/* The LOCAL port of a FLOW_GET dump message, or -1. */
static int dump_local_port(const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *b, *c;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SIPWALL_A_FLOW)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) != SIPWALL_FLOW_A_LOCAL)
				continue;
			mnl_attr_for_each_nested(c, b)
				if (mnl_attr_get_type(c) == SIPWALL_EP_A_PORT &&
				    mnl_attr_get_payload_len(c) == 2)
					return mnl_attr_get_u16(c);
		}
	}
	return -1;
}

/* Adds (or deletes) flows L4:first .. first+n-1 over socket s. */
static int churn_one(struct mnl_socket *s, int port, int add)
{
	struct nlmsghdr *nlh;
	struct nlattr *f;
	int err;

	nlh = req(add ? SIPWALL_CMD_FLOW_NEW : SIPWALL_CMD_FLOW_DEL, 0);
	f = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);
	put_ep(nlh, SIPWALL_FLOW_A_LOCAL, L4, port);
	if (add) {
		mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_FLAGS, SIPWALL_FLOW_F_LEARN);
		put_ep(nlh, SIPWALL_FLOW_A_OUT_LOCAL, L4, port);
		put_ep(nlh, SIPWALL_FLOW_A_OUT_PEER, P4, 6000);
		mnl_attr_put_u64(nlh, SIPWALL_FLOW_A_SESSION, 42);
	}
	mnl_attr_nest_end(nlh, f);
	err = transact_raw(s, nlh->nlmsg_len, nlh->nlmsg_seq);
	return err;
}

/*
 * A stable set of flows is dumped again and again while a child process
 * adds and deletes other flows: every stable flow must be listed exactly
 * once in every dump (the contract: dumps resume by flow id).
 */
static int run_dumpcheck(int nstable, int ndumps)
{
	static uint8_t seen[65536];
	int i, d, bad = 0, intr = 0, churned = 0;
	pid_t child;
	int pfd[2];

	flush_all();
	for (i = 0; i < nstable; i++) {
		int err = churn_one(nl, 20000 + i, 1);

		if (err) {
			printf("FAIL dumpcheck: adding stable flow %d: %s (%s)\n", i, err_name(err), extack);
			return 1;
		}
	}
	if (pipe(pfd))
		return 2;
	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		/* The churn: its own socket; stops when the parent closes the pipe. */
		struct mnl_socket *s = sock_open();
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		uint64_t end = now_ns() + 120 * 1000000000ull;
		int k = 0, n = 0;

		close(pfd[1]);
		while (now_ns() < end && poll(&p, 1, 0) == 0) {
			churn_one(s, 40000 + (k % 3000), 1);
			if (k >= 1000)
				churn_one(s, 40000 + ((k - 1000) % 3000), 0);
			k++;
			n++;
		}
		_exit(n > 0 ? 0 : 1);
	}
	close(pfd[0]);
	for (d = 0; d < ndumps; d++) {
		struct nlmsghdr *nlh = req(SIPWALL_CMD_FLOW_GET, NLM_F_DUMP);
		uint32_t sq = nlh->nlmsg_seq;
		int done = 0, dups = 0, missing = 0, other = 0;

		memset(seen, 0, sizeof(seen));
		if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
			return 2;
		while (!done) {
			struct pollfd p = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
			ssize_t n;
			int rem;

			if (poll(&p, 1, TIMEOUT_MS) <= 0) {
				printf("FAIL dumpcheck: dump %d: no answer\n", d);
				bad++;
				break;
			}
			n = recv(p.fd, rxbuf, BUFSZ, 0);
			if (n < 0) {
				printf("FAIL dumpcheck: dump %d: recv: %s\n", d, strerror(errno));
				bad++;
				break;
			}
			rem = (int)n;
			for (nlh = (struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, rem);
			     nlh = mnl_nlmsg_next(nlh, &rem)) {
				int port;

				if (nlh->nlmsg_seq != sq)
					continue;
				if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
					intr++;
				if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
					int err = parse_status(nlh);

					if (err) {
						printf("FAIL dumpcheck: dump %d ended with %s\n", d, err_name(err));
						bad++;
					}
					done = 1;
					break;
				}
				port = dump_local_port(nlh);
				if (port < 0)
					other++;
				else if (seen[port]++)
					dups++;
			}
		}
		for (i = 0; i < nstable; i++)
			if (seen[20000 + i] != 1)
				missing += seen[20000 + i] == 0;
		for (i = 40000; i < 43000; i++)
			churned += seen[i];
		if (dups || missing || other) {
			printf("FAIL dumpcheck: dump %d: %d stable flows missing, %d listed twice, "
			       "%d messages without a LOCAL port\n", d, missing, dups, other);
			bad++;
		}
	}
	close(pfd[1]);
	{
		int st = 0;

		waitpid(child, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("FAIL dumpcheck: the churn process failed\n");
			bad++;
		}
	}
	if (!bad)
		printf("PASS dumpcheck: %d dumps of %d stable flows under churn: each listed exactly "
		       "once (%d churned flows seen, %d NLM_F_DUMP_INTR messages)\n",
		       ndumps, nstable, churned, intr);
	flush_all();
	return bad ? 1 : 0;
}

/* ------------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr,
		"usage: genlfuzz crafted\n"
		"       genlfuzz random [-n COUNT] [-t SECONDS] [-s SEED]\n"
		"       genlfuzz noadmin [-u UID | -K]\n"
		"       genlfuzz userns\n"
		"       genlfuzz dumpcheck [-n STABLE] [-d DUMPS]\n"
		"       genlfuzz bulk N LOCAL-ADDR BASEPORT OUT-ADDR PEER-ADDR:PORT [SESSION [TIMEOUT]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode;
	int opt;

	if (argc < 2)
		usage();
	mode = argv[1];
	txbuf = calloc(1, BUFSZ);
	rxbuf = calloc(1, BUFSZ);
	if (!txbuf || !rxbuf)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	nl = sock_open();
	resolve_family();

	if (!strcmp(mode, "crafted")) {
		return run_crafted();
	} else if (!strcmp(mode, "random")) {
		unsigned long long count = 20000, seconds = 30;
		uint64_t seed = 0;

		optind = 2;
		while ((opt = getopt(argc, argv, "n:t:s:")) != -1) {
			switch (opt) {
			case 'n':
				count = parse_num("count", optarg, 1, 100000000);
				break;
			case 't':
				seconds = parse_num("seconds", optarg, 1, 86400);
				break;
			case 's':
				seed = parse_num("seed", optarg, 1, ~0ull);
				break;
			default:
				usage();
			}
		}
		if (!seed)
			seed = now_ns() ^ ((uint64_t)getpid() << 32);
		return run_random(count, seconds, seed);
	} else if (!strcmp(mode, "noadmin")) {
		uid_t uid = 65534;
		int keep = 0;

		optind = 2;
		while ((opt = getopt(argc, argv, "u:K")) != -1) {
			if (opt == 'u')
				uid = (uid_t)parse_num("uid", optarg, 1, 4000000000u);
			else if (opt == 'K')
				keep = 1;
			else
				usage();
		}
		if (!keep && getuid() == 0)
			drop_privileges(uid);
		/* A socket opened without the capability, as a real user's would be. */
		mnl_socket_close(nl);
		nl = sock_open();
		return run_perm(1);
	} else if (!strcmp(mode, "dumpcheck")) {
		int nstable = 2000, ndumps = 20;

		optind = 2;
		while ((opt = getopt(argc, argv, "n:d:")) != -1) {
			if (opt == 'n')
				nstable = (int)parse_num("STABLE", optarg, 1, 10000);
			else if (opt == 'd')
				ndumps = (int)parse_num("DUMPS", optarg, 1, 100000);
			else
				usage();
		}
		return run_dumpcheck(nstable, ndumps);
	} else if (!strcmp(mode, "userns")) {
		return run_perm(0);
	} else if (!strcmp(mode, "bulk")) {
		if (argc < 7 || argc > 9)
			usage();
		return run_bulk((unsigned long)parse_num("N", argv[2], 1, 65535), argv[3],
				(unsigned long)parse_num("BASEPORT", argv[4], 1, 65535), argv[5], argv[6],
				argc >= 8 ? parse_num("SESSION", argv[7], 0, ~0ull) : 0,
				argc >= 9 ? (unsigned long)parse_num("TIMEOUT", argv[8], 0,
								     SIPWALL_TIMEOUT_MAX) : 0);
	}
	usage();
	return 2;
}
