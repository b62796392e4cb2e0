// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <openssl/crypto.h>

#include "ctl.h"
#include "flow.h"
#include "flowmsg.h"
#include "genl.h"

const char flow_usage[] =
	"usage: sipwallctl flow add in ADDR:PORT (from ADDR:PORT | learn)\n"
	"                           out ADDR:PORT to ADDR:PORT\n"
	"                           [session N] [dscp N] [timeout SECONDS]\n"
	"                           [srtp-in SUITE KEY] [srtp-out SUITE KEY]\n"
	"       sipwallctl flow del in ADDR:PORT\n"
	"       sipwallctl flow list [session N]\n"
	"       sipwallctl flow flush [session N]\n"
	"\n"
	"ADDR is IPv4 or bracketed IPv6 ([2001:db8::1]:4000). SUITE is an RFC 4568\n"
	"name (AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32,\n"
	"AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32, AEAD_AES_128_GCM,\n"
	"AEAD_AES_256_GCM); KEY is the inline base64 of master key || salt.\n";

enum word_id {
	W_IN, W_FROM, W_LEARN, W_OUT, W_TO, W_SESSION, W_DSCP, W_TIMEOUT,
	W_SRTP_IN, W_SRTP_OUT,
};

static const struct word {
	const char *name;
	const char *arg;	/* what follows, for "missing ARG after 'name'" */
} add_words[] = {
	[W_IN] = { "in", "ADDR:PORT" },
	[W_FROM] = { "from", "ADDR:PORT or learn" },
	[W_LEARN] = { "learn", NULL },
	[W_OUT] = { "out", "ADDR:PORT" },
	[W_TO] = { "to", "ADDR:PORT" },
	[W_SESSION] = { "session", "N" },
	[W_DSCP] = { "dscp", "N (0-63)" },
	[W_TIMEOUT] = { "timeout", "SECONDS" },
	[W_SRTP_IN] = { "srtp-in", "SUITE KEY" },
	[W_SRTP_OUT] = { "srtp-out", "SUITE KEY" },
};

#define N_ADD_WORDS (sizeof(add_words) / sizeof(add_words[0]))

static int add_word(const char *s)
{
	size_t i;

	for (i = 0; i < N_ADD_WORDS; i++)
		if (!strcmp(s, add_words[i].name))
			return i;
	return -1;
}

static int add_srtp(int argc, char **argv, int i, struct srtp_params *p)
{
	int ret;

	if (i + 2 >= argc) {
		ctl_error("missing SUITE KEY after '%s'", argv[i]);
		return -1;
	}
	if (parse_suite(argv[i + 1], &p->suite))
		return -1;
	ret = parse_srtp_key(argv[i + 2], p);
	OPENSSL_cleanse(argv[i + 2], strlen(argv[i + 2]));
	return ret;
}

/* One word and its arguments; returns how many words it used, or -1. */
static int add_one(int argc, char **argv, int i, struct flow_req *req,
		   unsigned int *seen)
{
	int id = add_word(argv[i]);
	const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
	uint64_t n;

	if (id < 0) {
		ctl_error("unknown word '%s' in flow add (expected in, from, learn, "
			  "out, to, session, dscp, timeout, srtp-in or srtp-out)", argv[i]);
		return -1;
	}
	if (*seen & (1U << id)) {
		ctl_error("'%s' given twice", argv[i]);
		return -1;
	}
	*seen |= 1U << id;
	/* Every word but learn takes an argument. */
	if (id != W_LEARN && !arg) {
		ctl_error("missing %s after '%s'", add_words[id].arg, argv[i]);
		return -1;
	}
	switch (id) {
	case W_LEARN:
		req->learn = true;
		return 1;
	case W_FROM:
		if (!strcmp(arg, "learn")) {
			req->learn = true;
			return 2;
		}
		return parse_endpoint(arg, &req->from) ? -1 : 2;
	case W_IN:
		return parse_endpoint(arg, &req->in) ? -1 : 2;
	case W_OUT:
		return parse_endpoint(arg, &req->out) ? -1 : 2;
	case W_TO:
		return parse_endpoint(arg, &req->to) ? -1 : 2;
	case W_SESSION:
		req->has_session = true;
		return parse_u64("session", arg, 0, UINT64_MAX, &req->session) ? -1 : 2;
	case W_DSCP:
		if (parse_u64("dscp", arg, 0, SIPWALL_DSCP_MAX, &n))
			return -1;
		req->dscp = n;
		return 2;
	case W_TIMEOUT:
		if (parse_u64("timeout", arg, 0, SIPWALL_TIMEOUT_MAX, &n))
			return -1;
		req->timeout = n;
		req->has_timeout = true;
		return 2;
	}
	return add_srtp(argc, argv, i, id == W_SRTP_IN ? &req->srtp_in :
			&req->srtp_out) ? -1 : 3;
}

int flow_add_parse(int argc, char **argv, struct flow_req *req)
{
	unsigned int seen = 0;
	int i, n;

	memset(req, 0, sizeof(*req));
	req->dscp = -1;
	for (i = 0; i < argc; i += n) {
		n = add_one(argc, argv, i, req, &seen);
		if (n < 0)
			goto wipe;
	}
	if (!req->in.family || !req->out.family || !req->to.family) {
		ctl_error("flow add needs %s ADDR:PORT",
			  !req->in.family ? "in" : !req->out.family ? "out" : "to");
		goto wipe;
	}
	if (req->learn && req->from.family) {
		ctl_error("flow add takes either 'from ADDR:PORT' or 'learn', not both");
		goto wipe;
	}
	if (!req->learn && !req->from.family) {
		ctl_error("flow add needs 'from ADDR:PORT' (the expected source) or "
			  "'learn' (latch the first source)");
		goto wipe;
	}
	/* Packets arrive at in from from, and leave from out to to. */
	if (req->from.family && req->from.family != req->in.family) {
		ctl_error("'from' and 'in' must both be IPv4 or both IPv6");
		goto wipe;
	}
	if (req->out.family != req->to.family) {
		ctl_error("'out' and 'to' must both be IPv4 or both IPv6");
		goto wipe;
	}
	return 0;

wipe:
	OPENSSL_cleanse(req, sizeof(*req));
	return -1;
}

static void put_srtp(struct nlmsghdr *nlh, uint16_t type,
		     const struct srtp_params *p)
{
	struct nlattr *nest;

	if (p->suite == SIPWALL_SRTP_NONE)
		return;
	nest = mnl_attr_nest_start(nlh, type);
	mnl_attr_put_u32(nlh, SIPWALL_SRTP_A_SUITE, p->suite);
	mnl_attr_put(nlh, SIPWALL_SRTP_A_MASTER_KEY, p->key_len, p->key);
	mnl_attr_put(nlh, SIPWALL_SRTP_A_MASTER_SALT, p->salt_len, p->salt);
	mnl_attr_nest_end(nlh, nest);
}

/* NLM_F_ECHO: the kernel answers with the new flow, so its id can be shown. */
struct nlmsghdr *flow_add_build(void *buf, uint16_t family,
				const struct flow_req *req)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, family, SIPWALL_CMD_FLOW_NEW,
					      NLM_F_ACK | NLM_F_ECHO);
	struct nlattr *nest = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);

	flowmsg_put_endpoint(nlh, SIPWALL_FLOW_A_LOCAL, &req->in);
	if (req->learn)
		mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_FLAGS, SIPWALL_FLOW_F_LEARN);
	else
		flowmsg_put_endpoint(nlh, SIPWALL_FLOW_A_SOURCE, &req->from);
	flowmsg_put_endpoint(nlh, SIPWALL_FLOW_A_OUT_LOCAL, &req->out);
	flowmsg_put_endpoint(nlh, SIPWALL_FLOW_A_OUT_PEER, &req->to);
	if (req->has_session)
		mnl_attr_put_u64(nlh, SIPWALL_FLOW_A_SESSION, req->session);
	if (req->dscp >= 0)
		mnl_attr_put_u8(nlh, SIPWALL_FLOW_A_DSCP, req->dscp);
	if (req->has_timeout)
		mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_TIMEOUT, req->timeout);
	put_srtp(nlh, SIPWALL_FLOW_A_SRTP_IN, &req->srtp_in);
	put_srtp(nlh, SIPWALL_FLOW_A_SRTP_OUT, &req->srtp_out);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *flow_del_build(void *buf, uint16_t family,
				const struct endpoint *in)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, family, SIPWALL_CMD_FLOW_DEL,
					      NLM_F_ACK);
	struct nlattr *nest = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);

	flowmsg_put_endpoint(nlh, SIPWALL_FLOW_A_LOCAL, in);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *flow_list_build(void *buf, uint16_t family,
				 const uint64_t *session)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, family, SIPWALL_CMD_FLOW_GET,
					      NLM_F_DUMP);

	if (session)
		mnl_attr_put_u64(nlh, SIPWALL_A_SESSION, *session);
	return nlh;
}

struct nlmsghdr *flow_flush_build(void *buf, uint16_t family,
				  const uint64_t *session)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, family, SIPWALL_CMD_FLOW_FLUSH,
					      NLM_F_ACK);

	if (session)
		mnl_attr_put_u64(nlh, SIPWALL_A_SESSION, *session);
	return nlh;
}

uint16_t flow_attr_at(const struct nlmsghdr *nlh, uint32_t off)
{
	const struct nlattr *flow, *attr;
	size_t start;

	mnl_attr_for_each(flow, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(flow) != SIPWALL_A_FLOW)
			continue;
		mnl_attr_for_each_nested(attr, flow) {
			start = (const char *)attr - (const char *)nlh;
			if (off >= start && off < start + attr->nla_len)
				return mnl_attr_get_type(attr);
		}
	}
	return 0;
}

/* The kernel's reason names an attribute: say which word it came from. */
static void flow_add_error(const struct genl *g, int err,
			   const struct nlmsghdr *nlh, const struct flow_req *req)
{
	static const char *const words[SIPWALL_FLOW_A_MAX + 1] = {
		[SIPWALL_FLOW_A_LOCAL] = "in",
		[SIPWALL_FLOW_A_SOURCE] = "from",
		[SIPWALL_FLOW_A_OUT_LOCAL] = "out",
		[SIPWALL_FLOW_A_OUT_PEER] = "to",
		[SIPWALL_FLOW_A_SESSION] = "session",
		[SIPWALL_FLOW_A_FLAGS] = "learn",
		[SIPWALL_FLOW_A_DSCP] = "dscp",
		[SIPWALL_FLOW_A_TIMEOUT] = "timeout",
		[SIPWALL_FLOW_A_SRTP_IN] = "srtp-in",
		[SIPWALL_FLOW_A_SRTP_OUT] = "srtp-out",
	};
	const struct endpoint *ep = NULL;
	char addr[ENDPOINT_STRLEN];
	uint16_t type = 0;

	if (err == -EEXIST) {
		endpoint_format(&req->in, addr);
		ctl_error("flow add: a flow already exists at in %s", addr);
		return;
	}
	if (g->extack[0] && g->extack_off && err != -EPERM)
		type = flow_attr_at(nlh, g->extack_off);
	if (type > SIPWALL_FLOW_A_MAX || !words[type]) {
		genl_perror(g, err, "flow add");
		return;
	}
	switch (type) {
	case SIPWALL_FLOW_A_LOCAL:
		ep = &req->in;
		break;
	case SIPWALL_FLOW_A_SOURCE:
		ep = &req->from;
		break;
	case SIPWALL_FLOW_A_OUT_LOCAL:
		ep = &req->out;
		break;
	case SIPWALL_FLOW_A_OUT_PEER:
		ep = &req->to;
		break;
	}
	if (ep) {
		endpoint_format(ep, addr);
		ctl_error("flow add: %s %s: %s", words[type], addr, g->extack);
	} else {
		ctl_error("flow add: %s: %s", words[type], g->extack);
	}
}

static int flow_add(const struct ctl *ctl, int argc, char **argv)
{
	char buf[FLOW_REQ_SIZE];
	struct flow_req req;
	struct nlmsghdr *nlh;
	struct genl g;
	struct out o;
	int ret = 1, err;

	if (flow_add_parse(argc, argv, &req))
		return 1;
	if (genl_open(&g))
		goto wipe_req;
	out_init(&o, stdout, ctl->mode);
	/* Not in g.buf: answers land there, and errors refer to the request. */
	nlh = flow_add_build(buf, g.family, &req);
	err = genl_talk(&g, nlh, flowmsg_print_cb, &o);
	if (err)
		flow_add_error(&g, err, nlh, &req);
	else
		ret = 0;
	OPENSSL_cleanse(buf, sizeof(buf));
	genl_close(&g);
wipe_req:
	OPENSSL_cleanse(&req, sizeof(req));
	return ret;
}

static int flow_del(int argc, char **argv)
{
	struct endpoint in;
	struct genl g;
	int ret = 1, err;

	if (!argc) {
		ctl_error("flow del needs in ADDR:PORT");
		return 1;
	}
	if (strcmp(argv[0], "in")) {
		ctl_error("unknown word '%s' in flow del (expected in ADDR:PORT)", argv[0]);
		return 1;
	}
	if (argc < 2) {
		ctl_error("missing ADDR:PORT after 'in'");
		return 1;
	}
	if (argc > 2) {
		ctl_error("unknown word '%s' after flow del in ADDR:PORT", argv[2]);
		return 1;
	}
	if (parse_endpoint(argv[1], &in) || genl_open(&g))
		return 1;
	err = genl_talk(&g, flow_del_build(g.buf, g.family, &in), NULL, NULL);
	if (err == -ENOENT)
		ctl_error("flow del: no flow at in %s", argv[1]);
	else if (err)
		genl_perror(&g, err, "flow del");
	else
		ret = 0;
	genl_close(&g);
	return ret;
}

/* "[session N]": session stays NULL when absent. */
static int parse_session_filter(const char *cmd, int argc, char **argv,
				uint64_t *val, const uint64_t **session)
{
	*session = NULL;
	if (!argc)
		return 0;
	if (strcmp(argv[0], "session")) {
		ctl_error("unknown word '%s' in flow %s (expected session N)", argv[0], cmd);
		return -1;
	}
	if (argc < 2) {
		ctl_error("missing N after 'session'");
		return -1;
	}
	if (argc > 2) {
		ctl_error("unknown word '%s' after flow %s session N", argv[2], cmd);
		return -1;
	}
	if (parse_u64("session", argv[1], 0, UINT64_MAX, val))
		return -1;
	*session = val;
	return 0;
}

static int flow_list(const struct ctl *ctl, int argc, char **argv)
{
	const uint64_t *session;
	struct genl g;
	struct out o;
	uint64_t val;
	int ret = 1, err;

	if (parse_session_filter("list", argc, argv, &val, &session) || genl_open(&g))
		return 1;
	out_init(&o, stdout, ctl->mode);
	out_list_begin(&o);
	/*
	 * NLM_F_DUMP_INTR is not an error here: the kernel resumes by flow id,
	 * so every flow that lived through the dump is listed exactly once.
	 */
	err = genl_talk(&g, flow_list_build(g.buf, g.family, session),
			flowmsg_print_cb, &o);
	if (err) {
		genl_perror(&g, err, "flow list");
		goto close_genl;
	}
	out_list_end(&o);
	ret = 0;
close_genl:
	genl_close(&g);
	return ret;
}

static int flushed_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != SIPWALL_A_FLUSHED)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) {
			errno = EBADMSG;
			return MNL_CB_ERROR;
		}
		*(int64_t *)data = mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

static int flow_flush(const struct ctl *ctl, int argc, char **argv)
{
	const uint64_t *session;
	int64_t flushed = -1;
	struct genl g;
	struct out o;
	uint64_t val;
	int ret = 1, err;

	if (parse_session_filter("flush", argc, argv, &val, &session) || genl_open(&g))
		return 1;
	err = genl_talk(&g, flow_flush_build(g.buf, g.family, session),
			flushed_cb, &flushed);
	if (err) {
		genl_perror(&g, err, "flow flush");
		goto close_genl;
	}
	if (flushed >= 0) {
		out_init(&o, stdout, ctl->mode);
		out_record_begin(&o, OUT_BLOCK, NULL);
		out_u64(&o, "flushed", flushed);
		out_record_end(&o);
	}
	ret = 0;
close_genl:
	genl_close(&g);
	return ret;
}

int flow_main(const struct ctl *ctl, int argc, char **argv)
{
	if (ctl_wants_help(argc, argv, flow_usage))
		return 0;
	if (argc < 2) {
		ctl_error("flow needs a command: add, del, list or flush");
		return 1;
	}
	if (!strcmp(argv[1], "add"))
		return flow_add(ctl, argc - 2, argv + 2);
	if (!strcmp(argv[1], "del"))
		return flow_del(argc - 2, argv + 2);
	if (!strcmp(argv[1], "list"))
		return flow_list(ctl, argc - 2, argv + 2);
	if (!strcmp(argv[1], "flush"))
		return flow_flush(ctl, argc - 2, argv + 2);
	ctl_error("unknown flow command '%s' (expected add, del, list or flush)", argv[1]);
	return 1;
}
