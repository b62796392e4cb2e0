// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path. A hook early in PRE_ROUTING, before defragmentation and
 * connection tracking, looks up every UDP packet's destination in the flow
 * table. A packet of a flow that passes the RTP and source checks is
 * rewritten in place and sent as if this host originated it (so output
 * firewall rules and routing apply), then stolen from the input path.
 * Everything else continues unchanged, except packets to the media port
 * range that match no flow, which are dropped.
 *
 * Runs in softirq under rcu_read_lock() (nf_hook() takes it): no locks, no
 * allocation in the common case, no copy of the packet.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include "flow.h"
#include "hook.h"
#include "rtp.h"
#include "srtp.h"

/* What the hook learned of a received UDP packet. */
struct rx_packet {
	struct sipwall_endpoint src, dst;
	unsigned int l3_len;	/* bytes before the UDP header */
	bool fragment;		/* first fragment: ports known, payload not */
	u8 tos;			/* IPv4 TOS or IPv6 traffic class */
	u8 ttl;			/* IPv4 TTL or IPv6 hop limit */
};

/* Nothing to match and nothing to guard: the common case of namespaces that
 * are not the media relay's. */
static bool net_idle(const struct sipwall_net *sn)
{
	return !READ_ONCE(sn->nflows) && !READ_ONCE(sn->media_ports);
}

static bool addr_is_local(struct net *net, const struct sipwall_endpoint *ep,
			  struct net_device *dev)
{
	if (ep->family == AF_INET)
		return inet_addr_type_dev_table(net, dev, ep->addr.ip) == RTN_LOCAL;
	return ipv6_chk_addr(net, &ep->addr.ip6, NULL, 0);
}

/* A packet to the media port range of a local address without a flow is
 * either late media of a finished call or a scan: drop it. */
static unsigned int media_guard(struct sipwall_net *sn, const struct rx_packet *pkt,
				struct net_device *dev)
{
	u32 range = READ_ONCE(sn->media_ports);
	u16 port = ntohs(pkt->dst.port);

	if (!range || port < range >> 16 || port > (range & 0xffff))
		return NF_ACCEPT;
	if (!addr_is_local(sn->net, &pkt->dst, dev))
		return NF_ACCEPT;
	sipwall_stats_add(sn, SIPWALL_STAT_DROP_NO_FLOW, 1);
	return NF_DROP;
}

static struct dst_entry *route_lookup(struct net *net,
				      const struct sipwall_flow *flow, u32 *cookie)
{
	const struct sipwall_endpoint *from = &flow->out_local, *to = &flow->out_peer;

	if (to->family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = to->addr.ip,
			.saddr = from->addr.ip,
			.flowi4_proto = IPPROTO_UDP,
			.fl4_sport = from->port,
			.fl4_dport = to->port,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		*cookie = 0;
		return IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
	} else {
		struct flowi6 fl6 = {
			.daddr = to->addr.ip6,
			.saddr = from->addr.ip6,
			.flowi6_proto = IPPROTO_UDP,
			.fl6_sport = from->port,
			.fl6_dport = to->port,
		};
		struct dst_entry *dst;

		dst = ipv6_stub->ipv6_dst_lookup_flow(net, NULL, &fl6, NULL);
		if (!IS_ERR(dst))
			*cookie = rt6_get_cookie((struct rt6_info *)dst);
		return dst;
	}
}

/*
 * Returns the route from the flow's out_local to its out_peer, without a
 * reference of its own, valid until rcu_read_unlock(): the cached one
 * while dst_check() finds it current, else a new lookup, which replaces it.
 * The cache holds the one reference, dropped with dst_release(), which
 * frees after a grace period. As ip_queue_xmit() does with a socket's
 * route, the packet gets it with skb_dst_set_noref(), and the device
 * layer takes a reference if the packet must wait in a queue.
 */
static struct dst_entry *flow_route(struct net *net, struct sipwall_flow *flow)
{
	struct dst_entry *dst = rcu_dereference(flow->dst), *old;
	u32 cookie;

	if (dst && dst_check(dst, READ_ONCE(flow->dst_cookie)))
		return dst;
	dst = route_lookup(net, flow, &cookie);
	if (IS_ERR(dst))
		return dst;
	WRITE_ONCE(flow->dst_cookie, cookie);
	old = unrcu_pointer(xchg(&flow->dst, RCU_INITIALIZER(dst)));
	dst_release(old);
	return dst;
}

static __wsum addr_csum(const struct sipwall_endpoint *ep)
{
	if (ep->family == AF_INET)
		return csum_partial(&ep->addr.ip, sizeof(ep->addr.ip), 0);
	return csum_partial(&ep->addr.ip6, sizeof(ep->addr.ip6), 0);
}

/* After an SRTP transform: the device (or the stack, if the device cannot)
 * sums the new payload, as for a datagram from a local socket. */
static void udp_csum_partial(struct sk_buff *skb, struct udphdr *uh,
			     const struct sipwall_flow *flow, unsigned int ulen)
{
	const struct sipwall_endpoint *from = &flow->out_local, *to = &flow->out_peer;

	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct udphdr, check);
	if (to->family == AF_INET)
		uh->check = ~csum_tcpudp_magic(from->addr.ip, to->addr.ip, ulen,
					       IPPROTO_UDP, 0);
	else
		uh->check = ~csum_ipv6_magic(&from->addr.ip6, &to->addr.ip6, ulen,
					     IPPROTO_UDP, 0);
}

/*
 * Rewrites the UDP ports and updates the checksum, incrementally so that a
 * payload corrupted on the way in still fails at the receiver. Only an IPv4
 * datagram without a checksum (allowed in IPv4, not in IPv6) that leaves
 * over IPv6 needs a sum over its payload; a payload that SRTP changed is
 * summed afresh.
 */
static void udp_rewrite(struct sk_buff *skb, struct udphdr *uh,
			const struct rx_packet *pkt,
			const struct sipwall_flow *flow, unsigned int ulen)
{
	const struct sipwall_endpoint *from = &flow->out_local, *to = &flow->out_peer;
	__wsum diff;

	if (flow->srtp_in || flow->srtp_out) {
		uh->source = from->port;
		uh->dest = to->port;
		uh->len = htons(ulen);
		udp_csum_partial(skb, uh, flow, ulen);
		return;
	}

	/* The stack would compare a complete sum with the old header. */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;

	if (!uh->check && skb->ip_summed != CHECKSUM_PARTIAL) {
		uh->source = from->port;
		uh->dest = to->port;
		if (to->family == AF_INET)
			return;
		uh->check = csum_ipv6_magic(&from->addr.ip6, &to->addr.ip6, ulen,
					    IPPROTO_UDP,
					    skb_checksum(skb, skb_transport_offset(skb),
							 ulen, 0));
		if (!uh->check)
			uh->check = CSUM_MANGLED_0;
		return;
	}

	/* The pseudo-header sums both addresses: which old one is replaced
	 * by which new one does not matter. */
	if (to->family == AF_INET && pkt->dst.family == AF_INET) {
		inet_proto_csum_replace4(&uh->check, skb, pkt->dst.addr.ip,
					 from->addr.ip, true);
		inet_proto_csum_replace4(&uh->check, skb, pkt->src.addr.ip,
					 to->addr.ip, true);
	} else if (to->family == AF_INET6 && pkt->dst.family == AF_INET6) {
		inet_proto_csum_replace16(&uh->check, skb, pkt->dst.addr.ip6.s6_addr32,
					  from->addr.ip6.s6_addr32, true);
		inet_proto_csum_replace16(&uh->check, skb, pkt->src.addr.ip6.s6_addr32,
					  to->addr.ip6.s6_addr32, true);
	} else {
		diff = csum_sub(csum_add(addr_csum(from), addr_csum(to)),
				csum_add(addr_csum(&pkt->src), addr_csum(&pkt->dst)));
		inet_proto_csum_replace_by_diff(&uh->check, skb, diff, true, false);
	}
	inet_proto_csum_replace2(&uh->check, skb, uh->source, from->port, false);
	inet_proto_csum_replace2(&uh->check, skb, uh->dest, to->port, false);
	uh->source = from->port;
	uh->dest = to->port;
	if (!uh->check && skb->ip_summed != CHECKSUM_PARTIAL)
		uh->check = CSUM_MANGLED_0;
}

static void push_ipv4_header(struct sk_buff *skb, struct sipwall_flow *flow,
			     u8 tos, u8 ttl)
{
	struct iphdr *iph = ip_hdr(skb);

	/* ip_local_out() sets tot_len and the checksum. */
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = tos;
	/* Not DF: like the RTP stacks at the ends, let IP fragment. So the
	 * ID must not repeat soon between these two addresses (RFC 6864):
	 * a counter per flow, which costs less than ip_select_ident(). */
	iph->frag_off = 0;
	iph->id = htons((u16)atomic_inc_return(&flow->ip_id));
	iph->ttl = ttl;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = flow->out_local.addr.ip;
	iph->daddr = flow->out_peer.addr.ip;
	skb->protocol = htons(ETH_P_IP);
}

static void push_ipv6_header(struct sk_buff *skb, const struct sipwall_flow *flow,
			     u8 tclass, u8 hop_limit)
{
	struct ipv6hdr *ip6h = ipv6_hdr(skb);

	ip6_flow_hdr(ip6h, tclass, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = hop_limit;
	ip6h->saddr = flow->out_local.addr.ip6;
	ip6h->daddr = flow->out_peer.addr.ip6;
	skb->protocol = htons(ETH_P_IPV6);
}

/*
 * Rewrites @skb as a datagram from the flow's out_local to its out_peer and
 * sends it. Consumes @skb. The IP header is rebuilt in place (it may change
 * family); the UDP header and payload stay where they are.
 */
static int flow_xmit(struct sipwall_net *sn, struct sipwall_flow *flow,
		     struct sk_buff *skb, const struct rx_packet *pkt,
		     unsigned int ulen)
{
	bool out4 = flow->out_peer.family == AF_INET;
	unsigned int new_l3 = out4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	struct dst_entry *dst;
	struct udphdr *uh;
	int headroom, hops, err;
	u8 tos;

	dst = flow_route(sn->net, flow);
	if (IS_ERR(dst)) {
		sipwall_flow_count(flow, SIPWALL_FSTAT_DROP_ROUTE, 1);
		sipwall_stats_add(sn, SIPWALL_STAT_DROP_ROUTE, 1);
		goto err_free_skb;
	}

	/* Room for the new IP header and the link layer, so that output
	 * needs no second reallocation; a no-op for an unshared skb with the
	 * headroom a NIC leaves. Also unshares a cloned header. */
	headroom = (int)new_l3 - (int)pkt->l3_len + LL_RESERVED_SPACE(dst->dev);
	if (skb_cow_head(skb, max(headroom, 0)))
		goto err_count;

	__skb_pull(skb, pkt->l3_len);
	skb_reset_transport_header(skb);
	uh = udp_hdr(skb);
	udp_rewrite(skb, uh, pkt, flow, ulen);

	skb_push(skb, new_l3);
	skb_reset_network_header(skb);

	/* The packet leaves as ours: no input state may leak into output. */
	skb_scrub_packet(skb, false);
	memset(skb->cb, 0, sizeof(skb->cb));
	skb->ignore_df = 1;
	skb_dst_set_noref(skb, dst);

	tos = pkt->tos;
	if (flow->dscp >= 0)
		tos = (flow->dscp << 2) | (tos & INET_ECN_MASK);
	/* Decrement rather than reset the TTL: flows that point at each other
	 * through loopback must not circulate a packet forever. */
	hops = out4 ? ip4_dst_hoplimit(dst) : ip6_dst_hoplimit(dst);
	hops = min(hops, pkt->ttl - 1);

	/* net_xmit_eval() evaluates its argument twice: call first. */
	if (out4) {
		push_ipv4_header(skb, flow, tos, hops);
		err = ip_local_out(sn->net, NULL, skb);
	} else {
		push_ipv6_header(skb, flow, tos, hops);
		err = ip6_local_out(sn->net, NULL, skb);
	}
	return net_xmit_eval(err);

err_count:
	sipwall_flow_count(flow, SIPWALL_FSTAT_DROP_ERROR, 1);
	sipwall_stats_add(sn, SIPWALL_STAT_DROP_ERROR, 1);
err_free_skb:
	kfree_skb(skb);
	return -ENOBUFS;
}

/*
 * Decrypts and/or encrypts the RTP or RTCP payload in place. The transforms
 * need a linear, private datagram, and encryption needs tailroom for the
 * tag: packets from a NIC have both; others are copied here (the one
 * allocation of the packet path). Updates *@ulen.
 */
static int flow_srtp(struct sipwall_net *sn, struct sipwall_flow *flow,
		     struct sk_buff *skb, const struct rx_packet *pkt,
		     unsigned int *ulen)
{
	unsigned int offset = pkt->l3_len + sizeof(struct udphdr);
	unsigned int len = *ulen - sizeof(struct udphdr), old_len = len;
	bool rtcp;
	u8 *rtp;
	int err;

	err = skb_ensure_writable(skb, skb->len);
	if (!err && flow->srtp_out && skb_tailroom(skb) < SIPWALL_SRTP_OVERHEAD_MAX)
		err = pskb_expand_head(skb, 0, SIPWALL_SRTP_OVERHEAD_MAX, GFP_ATOMIC);
	if (err)
		goto count;
	rtp = skb->data + offset;
	rtcp = sipwall_rtp_is_rtcp(rtp[1]);
	/* The tailroom is the transforms' scratch space (hmac_sha1.c). */
	if (flow->srtp_in)
		err = sipwall_srtp_unprotect(flow->srtp_in, rtp, &len,
					     skb_end_pointer(skb) - (rtp + len), rtcp);
	if (!err && flow->srtp_out)
		err = sipwall_srtp_protect(flow->srtp_out, rtp, &len,
					   skb_end_pointer(skb) - (rtp + len), rtcp);
	if (err)
		goto count;
	if (len > old_len)
		__skb_put(skb, len - old_len);
	else
		__skb_trim(skb, offset + len);
	*ulen = len + sizeof(struct udphdr);
	return 0;

count:
	if (err == -EBADMSG) {
		sipwall_flow_count(flow, SIPWALL_FSTAT_SRTP_AUTH, 1);
		sipwall_stats_add(sn, SIPWALL_STAT_SRTP_AUTH, 1);
	} else if (err == -EALREADY) {
		sipwall_flow_count(flow, SIPWALL_FSTAT_SRTP_REPLAY, 1);
		sipwall_stats_add(sn, SIPWALL_STAT_SRTP_REPLAY, 1);
	} else {
		sipwall_flow_count(flow, SIPWALL_FSTAT_DROP_ERROR, 1);
		sipwall_stats_add(sn, SIPWALL_STAT_DROP_ERROR, 1);
	}
	return err;
}

static unsigned int flow_rx(struct sipwall_net *sn, struct sipwall_flow *flow,
			    struct sk_buff *skb, const struct rx_packet *pkt)
{
	const struct udphdr *uh = (const void *)skb->data + pkt->l3_len;
	unsigned int ulen = ntohs(uh->len), payload;

	/* Malformed UDP: the UDP stack drops and counts it. */
	if (ulen < sizeof(*uh) || ulen > skb->len - pkt->l3_len)
		return NF_ACCEPT;
	payload = ulen - sizeof(*uh);

	if (!sipwall_rtp_valid(skb, pkt->l3_len + sizeof(*uh), payload)) {
		sipwall_flow_count(flow, SIPWALL_FSTAT_PASSED, 1);
		sipwall_stats_add(sn, SIPWALL_STAT_PASS_NOT_RTP, 1);
		return NF_ACCEPT;
	}
	if (!sipwall_flow_source_ok(flow, &pkt->src)) {
		sipwall_flow_count(flow, SIPWALL_FSTAT_DROP_SOURCE, 1);
		sipwall_stats_add(sn, SIPWALL_STAT_DROP_SOURCE, 1);
		return NF_DROP;
	}
	if (pkt->ttl <= 1 ||
	    (skb->len > pkt->l3_len + ulen && pskb_trim_rcsum(skb, pkt->l3_len + ulen))) {
		sipwall_flow_count(flow, SIPWALL_FSTAT_DROP_ERROR, 1);
		sipwall_stats_add(sn, SIPWALL_STAT_DROP_ERROR, 1);
		return NF_DROP;
	}

	if ((flow->srtp_in || flow->srtp_out) && flow_srtp(sn, flow, skb, pkt, &ulen))
		return NF_DROP;
	payload = ulen - sizeof(*uh);

	if (READ_ONCE(flow->last_used) != jiffies)
		WRITE_ONCE(flow->last_used, jiffies);

	if (!flow_xmit(sn, flow, skb, pkt, ulen)) {
		sipwall_flow_count(flow, SIPWALL_FSTAT_PACKETS, 1);
		sipwall_flow_count(flow, SIPWALL_FSTAT_BYTES, payload);
		sipwall_stats_add(sn, SIPWALL_STAT_FWD_PACKETS, 1);
		sipwall_stats_add(sn, SIPWALL_STAT_FWD_BYTES, payload);
	}
	return NF_STOLEN;
}

static unsigned int sipwall_rx(struct sipwall_net *sn, struct sk_buff *skb,
			       const struct rx_packet *pkt, struct net_device *in)
{
	struct sipwall_flow *flow = sipwall_flow_find(sn, &pkt->dst);

	if (!flow)
		return pkt->fragment ? NF_ACCEPT : media_guard(sn, pkt, in);
	if (pkt->fragment) {
		sipwall_stats_add(sn, SIPWALL_STAT_PASS_FRAGMENT, 1);
		return NF_ACCEPT;
	}
	return flow_rx(sn, flow, skb, pkt);
}

static unsigned int hook_ipv4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct sipwall_net *sn = sipwall_net(state->net);
	const struct iphdr *iph = ip_hdr(skb);
	struct rx_packet pkt = {};
	const struct udphdr *uh;
	unsigned int ihl;

	if (iph->protocol != IPPROTO_UDP || skb_is_gso(skb) || net_idle(sn))
		return NF_ACCEPT;
	/* Later fragments carry no ports: nothing to match. */
	if (iph->frag_off & htons(IP_OFFSET))
		return NF_ACCEPT;
	ihl = iph->ihl * 4;
	if (!pskb_may_pull(skb, ihl + sizeof(*uh)))
		return NF_ACCEPT;
	iph = ip_hdr(skb);
	uh = (const void *)iph + ihl;

	pkt.src.family = pkt.dst.family = AF_INET;
	pkt.src.addr.ip = iph->saddr;
	pkt.src.port = uh->source;
	pkt.dst.addr.ip = iph->daddr;
	pkt.dst.port = uh->dest;
	pkt.l3_len = ihl;
	pkt.fragment = iph->frag_off & htons(IP_MF);
	pkt.tos = iph->tos;
	pkt.ttl = iph->ttl;
	return sipwall_rx(sn, skb, &pkt, state->in);
}

static unsigned int hook_ipv6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct sipwall_net *sn = sipwall_net(state->net);
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int l3_len = sizeof(*ip6h);
	struct rx_packet pkt = {};
	const struct udphdr *uh;
	u8 nexthdr = ip6h->nexthdr;

	if (skb_is_gso(skb) || net_idle(sn))
		return NF_ACCEPT;
	/* Only UDP straight after the header, or in a first fragment;
	 * other extension headers go to the stack. */
	if (nexthdr == NEXTHDR_FRAGMENT) {
		const struct frag_hdr *fh;

		if (!pskb_may_pull(skb, l3_len + sizeof(*fh)))
			return NF_ACCEPT;
		fh = (const void *)skb->data + l3_len;
		if (fh->nexthdr != IPPROTO_UDP || (fh->frag_off & htons(IP6_OFFSET)))
			return NF_ACCEPT;
		pkt.fragment = true;
		l3_len += sizeof(*fh);
	} else if (nexthdr != IPPROTO_UDP) {
		return NF_ACCEPT;
	}
	if (!pskb_may_pull(skb, l3_len + sizeof(*uh)))
		return NF_ACCEPT;
	ip6h = ipv6_hdr(skb);
	uh = (const void *)ip6h + l3_len;

	pkt.src.family = pkt.dst.family = AF_INET6;
	pkt.src.addr.ip6 = ip6h->saddr;
	pkt.src.port = uh->source;
	pkt.dst.addr.ip6 = ip6h->daddr;
	pkt.dst.port = uh->dest;
	pkt.l3_len = l3_len;
	pkt.tos = ipv6_get_dsfield(ip6h);
	pkt.ttl = ip6h->hop_limit;
	return sipwall_rx(sn, skb, &pkt, state->in);
}

static const struct nf_hook_ops hook_ops[] = {
	{
		.hook = hook_ipv4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_RAW_BEFORE_DEFRAG,
	},
	{
		.hook = hook_ipv6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_RAW_BEFORE_DEFRAG,
	},
};

int sipwall_hook_init(struct net *net)
{
	return nf_register_net_hooks(net, hook_ops, ARRAY_SIZE(hook_ops));
}

/* Waits for packets in the hooks (nf_unregister_net_hooks synchronizes). */
void sipwall_hook_uninit(struct net *net)
{
	nf_unregister_net_hooks(net, hook_ops, ARRAY_SIZE(hook_ops));
}
