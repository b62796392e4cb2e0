/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIPWALL_NETNS_H
#define _SIPWALL_NETNS_H

#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/sipwall.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/* Global counters of one network namespace, indexed by SIPWALL_STAT_*. */
struct sipwall_stats {
	u64_stats_t count[__SIPWALL_STAT_MAX];
	struct u64_stats_sync syncp;
};

/*
 * Everything sipwall keeps for one network namespace.
 *
 * The packet path reads @flows and @media_ports under RCU only. Everything
 * else is the configuration path, serialized by @lock: netlink requests, the
 * idle collector and namespace teardown.
 */
struct sipwall_net {
	struct net *net;
	struct mutex lock;
	struct rhashtable flows;	/* by local endpoint; RCU readers */
	struct xarray flow_ids;		/* by flow id: dumps, /proc, idle scan */
	u32 next_id;
	/* Bumped on every change of the table, so a dump can say it raced. */
	u32 generation;
	unsigned int nflows;
	unsigned int nflows_timed;	/* with an idle timeout: worth a scan */
	u64 flows_created, flows_deleted, flows_expired;
	/* (min << 16) | max, read locklessly by the packet path; 0 = off. */
	u32 media_ports;
	struct sipwall_stats __percpu *stats;
	struct delayed_work idle_work;
	struct proc_dir_entry *proc_dir;
};

extern unsigned int sipwall_net_id;

static inline struct sipwall_net *sipwall_net(const struct net *net)
{
	return net_generic(net, sipwall_net_id);
}

/* Packet path: count one event on this CPU. */
static inline void sipwall_stats_add(struct sipwall_net *sn, int stat, u64 n)
{
	struct sipwall_stats *s = this_cpu_ptr(sn->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->count[stat], n);
	u64_stats_update_end(&s->syncp);
}

void sipwall_stats_sum(struct sipwall_net *sn, u64 sum[__SIPWALL_STAT_MAX]);

/*
 * Adds up per-CPU counters: @pcpu points to a struct with u64_stats_t
 * count[] and a syncp, as sipwall_stats and sipwall_flow_stats have; @sum
 * has ARRAY_SIZE(count) entries.
 */
#define sipwall_pcpu_sum(pcpu, sum) do {					\
	const unsigned int __n = ARRAY_SIZE((pcpu)->count);			\
	unsigned int __i, __start;						\
	int __cpu;								\
										\
	memset(sum, 0, sizeof(u64) * __n);					\
	for_each_possible_cpu(__cpu) {						\
		const typeof(*(pcpu)) *__s = per_cpu_ptr(pcpu, __cpu);		\
		u64 __v[ARRAY_SIZE((pcpu)->count)];				\
										\
		do {								\
			__start = u64_stats_fetch_begin(&__s->syncp);		\
			for (__i = 0; __i < __n; __i++)				\
				__v[__i] = u64_stats_read(&__s->count[__i]);	\
		} while (u64_stats_fetch_retry(&__s->syncp, __start));		\
		for (__i = 0; __i < __n; __i++)					\
			(sum)[__i] += __v[__i];					\
	}									\
} while (0)

#endif /* _SIPWALL_NETNS_H */
