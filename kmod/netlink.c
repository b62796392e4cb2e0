// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "sipwall": the only way to change what the
 * packet path does. Every attribute has a strict policy; errors carry an
 * extended-ack message that names what was wrong. The contract lives in
 * include/uapi/linux/sipwall.h.
 */

#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include "flow.h"
#include "netlink.h"
#include "srtp.h"

static struct genl_family sipwall_family;

static const struct nla_policy ep_policy[SIPWALL_EP_A_MAX + 1] = {
	[SIPWALL_EP_A_ADDR4] = NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[SIPWALL_EP_A_ADDR6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[SIPWALL_EP_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy srtp_policy[SIPWALL_SRTP_A_MAX + 1] = {
	[SIPWALL_SRTP_A_SUITE] = NLA_POLICY_RANGE(NLA_U32, 1, SIPWALL_SRTP_SUITE_MAX),
	[SIPWALL_SRTP_A_MASTER_KEY] =
		NLA_POLICY_RANGE(NLA_BINARY, 16, SIPWALL_SRTP_MASTER_KEY_MAX),
	[SIPWALL_SRTP_A_MASTER_SALT] =
		NLA_POLICY_RANGE(NLA_BINARY, 12, SIPWALL_SRTP_MASTER_SALT_MAX),
};

static struct netlink_range_validation timeout_range = {
	.max = SIPWALL_TIMEOUT_MAX,
};

static const struct nla_policy flow_policy[SIPWALL_FLOW_A_MAX + 1] = {
	[SIPWALL_FLOW_A_ID] = { .type = NLA_REJECT },
	[SIPWALL_FLOW_A_LOCAL] = NLA_POLICY_NESTED(ep_policy),
	[SIPWALL_FLOW_A_SOURCE] = NLA_POLICY_NESTED(ep_policy),
	[SIPWALL_FLOW_A_OUT_LOCAL] = NLA_POLICY_NESTED(ep_policy),
	[SIPWALL_FLOW_A_OUT_PEER] = NLA_POLICY_NESTED(ep_policy),
	[SIPWALL_FLOW_A_SESSION] = { .type = NLA_U64 },
	[SIPWALL_FLOW_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, SIPWALL_FLOW_F__ALL),
	[SIPWALL_FLOW_A_DSCP] = NLA_POLICY_MAX(NLA_U8, SIPWALL_DSCP_MAX),
	[SIPWALL_FLOW_A_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[SIPWALL_FLOW_A_SRTP_IN] = NLA_POLICY_NESTED(srtp_policy),
	[SIPWALL_FLOW_A_SRTP_OUT] = NLA_POLICY_NESTED(srtp_policy),
	[SIPWALL_FLOW_A_LATCHED] = { .type = NLA_REJECT },
	[SIPWALL_FLOW_A_STATS] = { .type = NLA_REJECT },
	[SIPWALL_FLOW_A_IDLE_MS] = { .type = NLA_REJECT },
	[SIPWALL_FLOW_A_PAD] = { .type = NLA_REJECT },
};

static const struct nla_policy config_policy[SIPWALL_CONFIG_A_MAX + 1] = {
	[SIPWALL_CONFIG_A_MEDIA_PORT_MIN] = { .type = NLA_U16 },
	[SIPWALL_CONFIG_A_MEDIA_PORT_MAX] = { .type = NLA_U16 },
};

static const struct nla_policy sipwall_policy[SIPWALL_A_MAX + 1] = {
	[SIPWALL_A_FLOW] = NLA_POLICY_NESTED(flow_policy),
	[SIPWALL_A_SESSION] = { .type = NLA_U64 },
	[SIPWALL_A_STATS] = { .type = NLA_REJECT },
	[SIPWALL_A_CONFIG] = NLA_POLICY_NESTED(config_policy),
	[SIPWALL_A_FLUSHED] = { .type = NLA_REJECT },
	[SIPWALL_A_PAD] = { .type = NLA_REJECT },
};

/* Sets the extack message and the missing attribute together. */
#define attr_missing(extack, nest, tb, type, msg) ({			\
	bool __missing = !(tb)[type];					\
									\
	if (__missing) {						\
		NL_SET_ERR_MSG(extack, msg);				\
		NL_SET_ERR_ATTR_MISS(extack, nest, type);		\
	}								\
	__missing;							\
})

static int parse_endpoint(const struct nlattr *attr, struct sipwall_endpoint *ep,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SIPWALL_EP_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, SIPWALL_EP_A_MAX, attr, ep_policy, extack);
	if (err)
		return err;
	if (!!tb[SIPWALL_EP_A_ADDR4] == !!tb[SIPWALL_EP_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "endpoint needs exactly one of ADDR4 and ADDR6");
		return -EINVAL;
	}
	if (attr_missing(extack, attr, tb, SIPWALL_EP_A_PORT, "endpoint needs a PORT"))
		return -EINVAL;

	memset(ep, 0, sizeof(*ep));
	ep->port = htons(nla_get_u16(tb[SIPWALL_EP_A_PORT]));
	if (tb[SIPWALL_EP_A_ADDR4]) {
		ep->family = AF_INET;
		ep->addr.ip = nla_get_in_addr(tb[SIPWALL_EP_A_ADDR4]);
		if (ipv4_is_zeronet(ep->addr.ip) || ipv4_is_multicast(ep->addr.ip) ||
		    ipv4_is_lbcast(ep->addr.ip))
			goto err_addr;
	} else {
		ep->family = AF_INET6;
		ep->addr.ip6 = nla_get_in6_addr(tb[SIPWALL_EP_A_ADDR6]);
		if (ipv6_addr_any(&ep->addr.ip6) ||
		    ipv6_addr_is_multicast(&ep->addr.ip6) ||
		    ipv6_addr_v4mapped(&ep->addr.ip6))
			goto err_addr;
	}
	return 0;

err_addr:
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "endpoint address must be unicast (and IPv4 in ADDR4)");
	return -EINVAL;
}

/* Parses SIPWALL_A_FLOW of a request into @tb. */
static int parse_flow(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[SIPWALL_A_FLOW];

	if (attr_missing(info->extack, NULL, info->attrs, SIPWALL_A_FLOW,
			 "request needs a FLOW"))
		return -EINVAL;
	return nla_parse_nested(tb, SIPWALL_FLOW_A_MAX, nest, flow_policy,
				info->extack);
}

static int parse_local(struct genl_info *info, struct nlattr **tb,
		       struct sipwall_endpoint *local)
{
	if (attr_missing(info->extack, info->attrs[SIPWALL_A_FLOW], tb,
			 SIPWALL_FLOW_A_LOCAL, "flow needs LOCAL"))
		return -EINVAL;
	return parse_endpoint(tb[SIPWALL_FLOW_A_LOCAL], local, info->extack);
}

/* Derives an SRTP context from SIPWALL_SRTP_A_*. */
static int parse_srtp(struct nlattr *attr, struct sipwall_srtp **out,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SIPWALL_SRTP_A_MAX + 1];
	struct sipwall_srtp *srtp;
	int err;

	err = nla_parse_nested(tb, SIPWALL_SRTP_A_MAX, attr, srtp_policy, extack);
	if (err)
		return err;
	if (attr_missing(extack, attr, tb, SIPWALL_SRTP_A_SUITE, "SRTP needs a SUITE") ||
	    attr_missing(extack, attr, tb, SIPWALL_SRTP_A_MASTER_KEY,
			 "SRTP needs a MASTER_KEY") ||
	    attr_missing(extack, attr, tb, SIPWALL_SRTP_A_MASTER_SALT,
			 "SRTP needs a MASTER_SALT"))
		return -EINVAL;
	srtp = sipwall_srtp_create(nla_get_u32(tb[SIPWALL_SRTP_A_SUITE]),
				   nla_data(tb[SIPWALL_SRTP_A_MASTER_KEY]),
				   nla_len(tb[SIPWALL_SRTP_A_MASTER_KEY]),
				   nla_data(tb[SIPWALL_SRTP_A_MASTER_SALT]),
				   nla_len(tb[SIPWALL_SRTP_A_MASTER_SALT]), extack);
	if (IS_ERR(srtp)) {
		NL_SET_BAD_ATTR(extack, attr);
		return PTR_ERR(srtp);
	}
	*out = srtp;
	return 0;
}

/* An error answer echoes the request: it must not carry the keys. */
static void wipe_srtp_keys(struct nlattr **tb)
{
	int type;

	for (type = SIPWALL_FLOW_A_SRTP_IN; type <= SIPWALL_FLOW_A_SRTP_OUT; type++)
		if (tb[type])
			memzero_explicit(nla_data(tb[type]), nla_len(tb[type]));
}

static int flow_from_attrs(struct genl_info *info, struct nlattr **tb,
			   struct sipwall_flow *flow)
{
	struct nlattr *nest = info->attrs[SIPWALL_A_FLOW];
	struct netlink_ext_ack *extack = info->extack;
	int err;

	if (attr_missing(extack, nest, tb, SIPWALL_FLOW_A_OUT_LOCAL,
			 "flow needs OUT_LOCAL") ||
	    attr_missing(extack, nest, tb, SIPWALL_FLOW_A_OUT_PEER,
			 "flow needs OUT_PEER"))
		return -EINVAL;

	err = parse_local(info, tb, &flow->local);
	if (!err)
		err = parse_endpoint(tb[SIPWALL_FLOW_A_OUT_LOCAL], &flow->out_local, extack);
	if (!err)
		err = parse_endpoint(tb[SIPWALL_FLOW_A_OUT_PEER], &flow->out_peer, extack);
	if (!err && tb[SIPWALL_FLOW_A_SOURCE])
		err = parse_endpoint(tb[SIPWALL_FLOW_A_SOURCE], &flow->source, extack);
	if (err)
		return err;

	if (tb[SIPWALL_FLOW_A_FLAGS])
		flow->flags = nla_get_u32(tb[SIPWALL_FLOW_A_FLAGS]);
	if (!tb[SIPWALL_FLOW_A_SOURCE] == !(flow->flags & SIPWALL_FLOW_F_LEARN)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "flow needs either SOURCE or the LEARN flag");
		return -EINVAL;
	}
	if (tb[SIPWALL_FLOW_A_SOURCE] && flow->source.family != flow->local.family) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SIPWALL_FLOW_A_SOURCE],
				    "SOURCE and LOCAL must be of one address family");
		return -EINVAL;
	}
	if (flow->out_local.family != flow->out_peer.family) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SIPWALL_FLOW_A_OUT_PEER],
				    "OUT_LOCAL and OUT_PEER must be of one address family");
		return -EINVAL;
	}
	if (!memcmp(&flow->out_peer, &flow->local, sizeof(flow->local))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SIPWALL_FLOW_A_OUT_PEER],
				    "OUT_PEER is the flow's own LOCAL: packets would loop");
		return -EINVAL;
	}

	if (tb[SIPWALL_FLOW_A_SESSION])
		flow->session = nla_get_u64(tb[SIPWALL_FLOW_A_SESSION]);
	if (tb[SIPWALL_FLOW_A_DSCP])
		flow->dscp = nla_get_u8(tb[SIPWALL_FLOW_A_DSCP]);
	if (tb[SIPWALL_FLOW_A_TIMEOUT])
		flow->timeout = nla_get_u32(tb[SIPWALL_FLOW_A_TIMEOUT]);
	if (tb[SIPWALL_FLOW_A_SRTP_IN]) {
		err = parse_srtp(tb[SIPWALL_FLOW_A_SRTP_IN], &flow->srtp_in, extack);
		if (err)
			return err;
	}
	if (tb[SIPWALL_FLOW_A_SRTP_OUT])
		return parse_srtp(tb[SIPWALL_FLOW_A_SRTP_OUT], &flow->srtp_out, extack);
	return 0;
}

static int put_endpoint(struct sk_buff *skb, int type,
			const struct sipwall_endpoint *ep)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if ((ep->family == AF_INET ?
	     nla_put_in_addr(skb, SIPWALL_EP_A_ADDR4, ep->addr.ip) :
	     nla_put_in6_addr(skb, SIPWALL_EP_A_ADDR6, &ep->addr.ip6)) ||
	    nla_put_u16(skb, SIPWALL_EP_A_PORT, ntohs(ep->port))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The suite only: keys can be set, never read back. */
static int put_srtp(struct sk_buff *skb, int type, const struct sipwall_srtp *srtp)
{
	struct nlattr *nest;

	if (!srtp)
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SIPWALL_SRTP_A_SUITE, sipwall_srtp_suite(srtp))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_flow_stats(struct sk_buff *skb, const struct sipwall_flow *flow)
{
	u64 sum[__SIPWALL_FSTAT_MAX];
	struct nlattr *nest;
	int i;

	sipwall_flow_stats_sum(flow, sum);
	nest = nla_nest_start(skb, SIPWALL_FLOW_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = SIPWALL_FSTAT_UNSPEC + 1; i < __SIPWALL_FSTAT_MAX; i++) {
		if (i == SIPWALL_FSTAT_PAD)
			continue;
		if (nla_put_u64_64bit(skb, i, sum[i], SIPWALL_FSTAT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Under sipwall_net.lock: the flow cannot go away meanwhile. */
static int put_flow(struct sk_buff *skb, const struct sipwall_flow *flow)
{
	unsigned long idle = jiffies - READ_ONCE(flow->last_used);
	struct nlattr *nest = nla_nest_start(skb, SIPWALL_A_FLOW);
	bool latched = sipwall_flow_latched(flow);

	if (!nest)
		return -EMSGSIZE;
	/* Pairs with the barrier before setting LATCHED. */
	smp_rmb();
	if (nla_put_u32(skb, SIPWALL_FLOW_A_ID, flow->id) ||
	    put_endpoint(skb, SIPWALL_FLOW_A_LOCAL, &flow->local) ||
	    (!(flow->flags & SIPWALL_FLOW_F_LEARN) &&
	     put_endpoint(skb, SIPWALL_FLOW_A_SOURCE, &flow->source)) ||
	    (latched && put_endpoint(skb, SIPWALL_FLOW_A_LATCHED, &flow->source)) ||
	    put_endpoint(skb, SIPWALL_FLOW_A_OUT_LOCAL, &flow->out_local) ||
	    put_endpoint(skb, SIPWALL_FLOW_A_OUT_PEER, &flow->out_peer) ||
	    nla_put_u64_64bit(skb, SIPWALL_FLOW_A_SESSION, flow->session,
			      SIPWALL_FLOW_A_PAD) ||
	    nla_put_u32(skb, SIPWALL_FLOW_A_FLAGS, flow->flags) ||
	    (flow->dscp >= 0 && nla_put_u8(skb, SIPWALL_FLOW_A_DSCP, flow->dscp)) ||
	    nla_put_u32(skb, SIPWALL_FLOW_A_TIMEOUT, flow->timeout) ||
	    put_srtp(skb, SIPWALL_FLOW_A_SRTP_IN, flow->srtp_in) ||
	    put_srtp(skb, SIPWALL_FLOW_A_SRTP_OUT, flow->srtp_out) ||
	    nla_put_u64_64bit(skb, SIPWALL_FLOW_A_IDLE_MS, jiffies_to_msecs(idle),
			      SIPWALL_FLOW_A_PAD) ||
	    put_flow_stats(skb, flow)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The most a flow takes in a message: five endpoints, the scalars, two SRTP
 * suites and the counters. Events come in bursts (a scan can expire
 * thousands of flows), so each takes no more room in a listener's socket
 * than it needs.
 */
#define FLOW_EP_SIZE	(nla_total_size(0) + nla_total_size(sizeof(struct in6_addr)) + \
			 nla_total_size(sizeof(u16)))
#define FLOW_MSG_SIZE	(nla_total_size(0) + 5 * FLOW_EP_SIZE +			\
			 5 * nla_total_size(sizeof(u32)) +			\
			 2 * nla_total_size_64bit(sizeof(u64)) +			\
			 2 * (nla_total_size(0) + nla_total_size(sizeof(u32))) +	\
			 nla_total_size(0) + __SIPWALL_FSTAT_MAX * nla_total_size_64bit(sizeof(u64)))

static int put_flow_msg(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			u8 cmd, const struct sipwall_flow *flow,
			struct netlink_callback *cb)
{
	void *hdr = genlmsg_put(skb, portid, seq, &sipwall_family, flags, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (put_flow(skb, flow)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Builds the answer to @info describing @flow; under sipwall_net.lock. */
static struct sk_buff *flow_reply(struct genl_info *info, u8 cmd,
				  const struct sipwall_flow *flow)
{
	struct sk_buff *msg = genlmsg_new(FLOW_MSG_SIZE, GFP_KERNEL);

	if (!msg)
		return ERR_PTR(-ENOMEM);
	if (put_flow_msg(msg, info->snd_portid, info->snd_seq, 0, cmd, flow, NULL)) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	return msg;
}

static int flow_new(struct sk_buff *skb, struct genl_info *info)
{
	struct sipwall_net *sn = sipwall_net(genl_info_net(info));
	struct nlattr *tb[SIPWALL_FLOW_A_MAX + 1];
	struct sk_buff *reply = NULL;
	struct sipwall_flow *flow;
	int err;

	err = parse_flow(info, tb);
	if (err)
		return err;
	flow = sipwall_flow_alloc(GFP_KERNEL);
	if (!flow)
		return -ENOMEM;
	err = flow_from_attrs(info, tb, flow);
	wipe_srtp_keys(tb);
	if (err)
		goto err_free_flow;

	mutex_lock(&sn->lock);
	err = sipwall_flow_insert(sn, flow);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIPWALL_FLOW_A_LOCAL],
				    "a flow already exists at this local address and port");
	if (!err && (info->nlhdr->nlmsg_flags & NLM_F_ECHO)) {
		reply = flow_reply(info, SIPWALL_CMD_FLOW_NEW, flow);
		if (IS_ERR(reply))
			sipwall_flow_remove(sn, flow);
	}
	mutex_unlock(&sn->lock);
	if (err)
		goto err_free_flow;
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return reply ? genlmsg_reply(reply, info) : 0;

err_free_flow:
	sipwall_flow_free(flow);
	return err;
}

static int parse_request_local(struct genl_info *info, struct nlattr **tb,
			       struct sipwall_endpoint *local)
{
	int err = parse_flow(info, tb);

	return err ? err : parse_local(info, tb, local);
}

/* Under sipwall_net.lock, which keeps the flow. */
static struct sipwall_flow *find_flow(struct sipwall_net *sn, struct genl_info *info,
				      struct nlattr **tb,
				      const struct sipwall_endpoint *local)
{
	struct sipwall_flow *flow;

	rcu_read_lock();
	flow = sipwall_flow_find(sn, local);
	rcu_read_unlock();

	if (!flow)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIPWALL_FLOW_A_LOCAL],
				    "no flow at this local address and port");
	return flow;
}

static int flow_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sipwall_net *sn = sipwall_net(genl_info_net(info));
	struct nlattr *tb[SIPWALL_FLOW_A_MAX + 1];
	struct sipwall_endpoint local;
	struct sipwall_flow *flow;
	int err;

	err = parse_request_local(info, tb, &local);
	if (err)
		return err;

	mutex_lock(&sn->lock);
	flow = find_flow(sn, info, tb, &local);
	if (flow) {
		sipwall_flow_remove(sn, flow);
		sn->flows_deleted++;
	} else {
		err = -ENOENT;
	}
	mutex_unlock(&sn->lock);
	return err;
}

static int flow_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sipwall_net *sn = sipwall_net(genl_info_net(info));
	struct nlattr *tb[SIPWALL_FLOW_A_MAX + 1];
	struct sipwall_endpoint local;
	struct sipwall_flow *flow;
	struct sk_buff *reply;
	int err;

	err = parse_request_local(info, tb, &local);
	if (err)
		return err;

	mutex_lock(&sn->lock);
	flow = find_flow(sn, info, tb, &local);
	reply = flow ? flow_reply(info, SIPWALL_CMD_FLOW_GET, flow) : ERR_PTR(-ENOENT);
	mutex_unlock(&sn->lock);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return genlmsg_reply(reply, info);
}

/* A dump resumes at the flow id after the last one it sent. */
struct flow_dump_ctx {
	unsigned long next_id;
	u64 session;
	bool by_session;
};

static int flow_dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct flow_dump_ctx *ctx = (struct flow_dump_ctx *)cb->ctx;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	memset(ctx, 0, sizeof(*ctx));
	if (info->attrs[SIPWALL_A_FLOW]) {
		NL_SET_ERR_MSG(cb->extack, "a flow dump takes only SESSION");
		return -EINVAL;
	}
	if (info->attrs[SIPWALL_A_SESSION]) {
		ctx->by_session = true;
		ctx->session = nla_get_u64(info->attrs[SIPWALL_A_SESSION]);
	}
	return 0;
}

static int flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sipwall_net *sn = sipwall_net(sock_net(skb->sk));
	struct flow_dump_ctx *ctx = (struct flow_dump_ctx *)cb->ctx;
	struct sipwall_flow *flow;
	unsigned long id;

	mutex_lock(&sn->lock);
	cb->seq = sn->generation;
	xa_for_each_start(&sn->flow_ids, id, flow, ctx->next_id) {
		if (ctx->by_session && flow->session != ctx->session)
			continue;
		if (put_flow_msg(skb, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI,
				 SIPWALL_CMD_FLOW_GET, flow, cb))
			break;
		ctx->next_id = id + 1;
	}
	mutex_unlock(&sn->lock);
	return skb->len;
}

static int flow_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct sipwall_net *sn = sipwall_net(genl_info_net(info));
	struct nlattr *session_attr = info->attrs[SIPWALL_A_SESSION];
	struct sk_buff *reply;
	unsigned int n;
	u64 session;
	void *hdr;

	if (info->attrs[SIPWALL_A_FLOW]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIPWALL_A_FLOW],
				    "flush takes only SESSION");
		return -EINVAL;
	}
	if (session_attr)
		session = nla_get_u64(session_attr);
	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;

	mutex_lock(&sn->lock);
	n = sipwall_flow_flush(sn, session_attr ? &session : NULL);
	sn->flows_deleted += n;
	mutex_unlock(&sn->lock);

	hdr = genlmsg_put_reply(reply, info, &sipwall_family, 0, SIPWALL_CMD_FLOW_FLUSH);
	if (!hdr || nla_put_u32(reply, SIPWALL_A_FLUSHED, n)) {
		nlmsg_free(reply);
		return -EMSGSIZE;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

static int stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sipwall_net *sn = sipwall_net(genl_info_net(info));
	u64 sum[__SIPWALL_STAT_MAX];
	struct sk_buff *reply;
	struct nlattr *nest;
	void *hdr;
	int i;

	sipwall_stats_sum(sn, sum);
	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &sipwall_family, 0, SIPWALL_CMD_STATS_GET);
	if (!hdr)
		goto err_free_reply;
	nest = nla_nest_start(reply, SIPWALL_A_STATS);
	if (!nest)
		goto err_free_reply;
	for (i = SIPWALL_STAT_UNSPEC + 1; i < __SIPWALL_STAT_MAX; i++) {
		if (i == SIPWALL_STAT_PAD)
			continue;
		if (nla_put_u64_64bit(reply, i, sum[i], SIPWALL_STAT_PAD))
			goto err_free_reply;
	}
	nla_nest_end(reply, nest);
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);

err_free_reply:
	nlmsg_free(reply);
	return -EMSGSIZE;
}

static int config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct sipwall_net *sn = sipwall_net(genl_info_net(info));
	struct nlattr *nest = info->attrs[SIPWALL_A_CONFIG];
	struct nlattr *tb[SIPWALL_CONFIG_A_MAX + 1];
	u16 min, max;
	int err;

	if (attr_missing(info->extack, NULL, info->attrs, SIPWALL_A_CONFIG,
			 "request needs a CONFIG"))
		return -EINVAL;
	err = nla_parse_nested(tb, SIPWALL_CONFIG_A_MAX, nest, config_policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[SIPWALL_CONFIG_A_MEDIA_PORT_MIN] && !tb[SIPWALL_CONFIG_A_MEDIA_PORT_MAX])
		return 0;
	if (attr_missing(info->extack, nest, tb, SIPWALL_CONFIG_A_MEDIA_PORT_MIN,
			 "MEDIA_PORT_MAX needs MEDIA_PORT_MIN") ||
	    attr_missing(info->extack, nest, tb, SIPWALL_CONFIG_A_MEDIA_PORT_MAX,
			 "MEDIA_PORT_MIN needs MEDIA_PORT_MAX"))
		return -EINVAL;
	min = nla_get_u16(tb[SIPWALL_CONFIG_A_MEDIA_PORT_MIN]);
	max = nla_get_u16(tb[SIPWALL_CONFIG_A_MEDIA_PORT_MAX]);
	if (min > max || (!min != !max)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "media port range must be 1 <= MIN <= MAX, or 0-0 for off");
		return -ERANGE;
	}

	mutex_lock(&sn->lock);
	WRITE_ONCE(sn->media_ports, (u32)min << 16 | max);
	mutex_unlock(&sn->lock);
	return 0;
}

static int config_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sipwall_net *sn = sipwall_net(genl_info_net(info));
	u32 range = READ_ONCE(sn->media_ports);
	struct sk_buff *reply;
	struct nlattr *nest;
	void *hdr;

	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &sipwall_family, 0, SIPWALL_CMD_CONFIG_GET);
	if (!hdr)
		goto err_free_reply;
	nest = nla_nest_start(reply, SIPWALL_A_CONFIG);
	if (!nest ||
	    nla_put_u16(reply, SIPWALL_CONFIG_A_MEDIA_PORT_MIN, range >> 16) ||
	    nla_put_u16(reply, SIPWALL_CONFIG_A_MEDIA_PORT_MAX, range & 0xffff))
		goto err_free_reply;
	nla_nest_end(reply, nest);
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);

err_free_reply:
	nlmsg_free(reply);
	return -EMSGSIZE;
}

/* Tells listeners that the kernel removed @flow; under sipwall_net.lock. */
void sipwall_netlink_notify_expired(struct sipwall_net *sn,
				    const struct sipwall_flow *flow)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&sipwall_family, sn->net, 0))
		return;
	msg = genlmsg_new(FLOW_MSG_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (put_flow_msg(msg, 0, 0, 0, SIPWALL_CMD_FLOW_EXPIRED, flow, NULL)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&sipwall_family, sn->net, msg, 0, 0, GFP_KERNEL);
}

/* Every command reveals or changes the media plane: all need CAP_NET_ADMIN
 * in the namespace's user namespace; so does listening to its events. */
static const struct genl_ops sipwall_ops[] = {
	{
		.cmd = SIPWALL_CMD_FLOW_NEW,
		.doit = flow_new,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SIPWALL_CMD_FLOW_DEL,
		.doit = flow_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SIPWALL_CMD_FLOW_GET,
		.doit = flow_get,
		.start = flow_dump_start,
		.dumpit = flow_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SIPWALL_CMD_FLOW_FLUSH,
		.doit = flow_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SIPWALL_CMD_STATS_GET,
		.doit = stats_get,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SIPWALL_CMD_CONFIG_SET,
		.doit = config_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SIPWALL_CMD_CONFIG_GET,
		.doit = config_get,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group sipwall_mcgrps[] = {
	{ .name = SIPWALL_GENL_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family sipwall_family __ro_after_init = {
	.name = SIPWALL_GENL_NAME,
	.version = SIPWALL_GENL_VERSION,
	.maxattr = SIPWALL_A_MAX,
	.policy = sipwall_policy,
	.netnsok = true,
	.parallel_ops = true,	/* sipwall_net.lock serializes what must be */
	.module = THIS_MODULE,
	.ops = sipwall_ops,
	.n_ops = ARRAY_SIZE(sipwall_ops),
	.mcgrps = sipwall_mcgrps,
	.n_mcgrps = ARRAY_SIZE(sipwall_mcgrps),
};

int __init sipwall_netlink_init(void)
{
	return genl_register_family(&sipwall_family);
}

void sipwall_netlink_uninit(void)
{
	genl_unregister_family(&sipwall_family);
}
