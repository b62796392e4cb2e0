/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIPWALL_FLOW_H
#define _SIPWALL_FLOW_H

#include <linux/in6.h>
#include <linux/rhashtable.h>
#include <net/dst.h>
#include "netns.h"

/* An address and port. IPv4 uses addr.ip; unused bytes are always zero,
 * so the struct can be hashed and compared as bytes. */
struct sipwall_endpoint {
	union {
		__be32 ip;
		struct in6_addr ip6;
	} addr;
	__be16 port;
	u16 family;
};

enum {
	SIPWALL_FLOW_LATCHING,	/* one CPU is writing the latched source */
	SIPWALL_FLOW_LATCHED,	/* @source holds the latched source */
};

/*
 * One direction of one media stream. Created and destroyed on the
 * configuration path under sipwall_net.lock; the packet path finds it with
 * an RCU lookup and may only touch @last_used, @state (latching), @ip_id,
 * the counters and the route cache. Freed after an RCU grace period.
 *
 * Nothing per CPU: a stream's packets arrive on one CPU in practice, so
 * atomic counters do not bounce, and a flow takes the same memory on a
 * 2-CPU box as on a 64-CPU one.
 */
struct sipwall_flow {
	struct rhash_head node;
	struct sipwall_endpoint local;		/* key: where packets arrive */
	struct sipwall_endpoint source;		/* expected or latched source */
	struct sipwall_endpoint out_local;	/* send from */
	struct sipwall_endpoint out_peer;	/* send to */
	u64 session;
	u32 id;
	u32 flags;				/* SIPWALL_FLOW_F_* */
	unsigned long state;			/* SIPWALL_FLOW_LATCH* bits */
	u32 timeout;				/* idle seconds; 0 = never */
	s16 dscp;				/* -1 = keep the packet's */
	atomic_t ip_id;				/* IPv4 identification, per flow */
	unsigned long last_used;		/* jiffies */
	/* The route to @out_peer, holding a reference; replaced when stale. */
	struct dst_entry __rcu *dst;
	u32 dst_cookie;				/* IPv6: for dst_check() */
	struct sipwall_srtp *srtp_in;		/* decrypt on the way in */
	struct sipwall_srtp *srtp_out;		/* encrypt on the way out */
	atomic64_t stats[__SIPWALL_FSTAT_MAX];
	struct rcu_work free_work;
};

int sipwall_flow_cache_init(void);
void sipwall_flow_wait_freed(void);
void sipwall_flow_cache_uninit(void);

int sipwall_flow_table_init(struct sipwall_net *sn);
void sipwall_flow_table_uninit(struct sipwall_net *sn);

struct sipwall_flow *sipwall_flow_alloc(gfp_t gfp);
void sipwall_flow_free(struct sipwall_flow *flow);
int sipwall_flow_insert(struct sipwall_net *sn, struct sipwall_flow *flow);
void sipwall_flow_remove(struct sipwall_net *sn, struct sipwall_flow *flow);
struct sipwall_flow *sipwall_flow_find(struct sipwall_net *sn,
				       const struct sipwall_endpoint *local);
unsigned int sipwall_flow_flush(struct sipwall_net *sn, const u64 *session);
void sipwall_flow_stats_sum(const struct sipwall_flow *flow,
			    u64 sum[__SIPWALL_FSTAT_MAX]);
bool sipwall_flow_source_ok(struct sipwall_flow *flow,
			    const struct sipwall_endpoint *src);

static inline void sipwall_flow_count(struct sipwall_flow *flow, int stat,
				      u64 n)
{
	atomic64_add(n, &flow->stats[stat]);
}

static inline bool sipwall_flow_latched(const struct sipwall_flow *flow)
{
	return test_bit(SIPWALL_FLOW_LATCHED, &flow->state);
}

void sipwall_idle_init(struct sipwall_net *sn);
void sipwall_idle_uninit(struct sipwall_net *sn);

#endif /* _SIPWALL_FLOW_H */
