// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table of a network namespace: an rhashtable keyed by the local
 * endpoint for the packet path, and an xarray keyed by flow id that gives
 * dumps, /proc and the idle collector a stable order to resume from.
 */

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include "flow.h"
#include "netlink.h"
#include "srtp.h"

static struct kmem_cache *flow_cache;
/* Flows are freed from here, after a grace period: freeing crypto
 * transforms is not for softirq context. */
static struct workqueue_struct *free_wq;

/* A comparison of constant size, which the compiler inlines; the
 * default calls memcmp() with the length from the table. */
static int flow_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct sipwall_flow *flow = obj;

	return memcmp(&flow->local, arg->key, sizeof(flow->local)) != 0;
}

static const struct rhashtable_params flow_params = {
	.head_offset = offsetof(struct sipwall_flow, node),
	.key_offset = offsetof(struct sipwall_flow, local),
	.key_len = sizeof(struct sipwall_endpoint),
	.obj_cmpfn = flow_cmp,
	.automatic_shrinking = true,
};

int sipwall_flow_cache_init(void)
{
	free_wq = alloc_workqueue("sipwall_free", 0, 0);
	if (!free_wq)
		return -ENOMEM;
	flow_cache = KMEM_CACHE(sipwall_flow, 0);
	if (!flow_cache) {
		destroy_workqueue(free_wq);
		return -ENOMEM;
	}
	return 0;
}

/* Waits until every removed flow is freed. */
void sipwall_flow_wait_freed(void)
{
	rcu_barrier();
	flush_workqueue(free_wq);
}

/* Callers have waited with sipwall_flow_wait_freed(). */
void sipwall_flow_cache_uninit(void)
{
	destroy_workqueue(free_wq);
	kmem_cache_destroy(flow_cache);
}

int sipwall_flow_table_init(struct sipwall_net *sn)
{
	xa_init_flags(&sn->flow_ids, XA_FLAGS_ALLOC1);
	return rhashtable_init(&sn->flows, &flow_params);
}

/* The table must be empty: sipwall_flow_flush() ran under the lock. */
void sipwall_flow_table_uninit(struct sipwall_net *sn)
{
	rhashtable_destroy(&sn->flows);
	xa_destroy(&sn->flow_ids);
}

struct sipwall_flow *sipwall_flow_alloc(gfp_t gfp)
{
	struct sipwall_flow *flow;

	flow = kmem_cache_zalloc(flow_cache, gfp);
	if (!flow)
		return NULL;
	flow->dscp = -1;
	flow->last_used = jiffies;
	atomic_set(&flow->ip_id, get_random_u32());
	return flow;
}

/* Frees a flow that no reader can see: never inserted, or after RCU.
 * Wipes the SRTP keys. Process context. */
void sipwall_flow_free(struct sipwall_flow *flow)
{
	sipwall_srtp_destroy(flow->srtp_in);
	sipwall_srtp_destroy(flow->srtp_out);
	dst_release(rcu_dereference_protected(flow->dst, true));
	kmem_cache_free(flow_cache, flow);
}

static void flow_free_work(struct work_struct *work)
{
	sipwall_flow_free(container_of(to_rcu_work(work), struct sipwall_flow,
				       free_work));
}

/* Makes @flow visible to the packet path. Returns -EEXIST if its local
 * endpoint is taken; the caller still owns @flow on error. */
int sipwall_flow_insert(struct sipwall_net *sn, struct sipwall_flow *flow)
{
	int ret;

	lockdep_assert_held(&sn->lock);
	ret = xa_alloc_cyclic(&sn->flow_ids, &flow->id, flow, xa_limit_32b,
			      &sn->next_id, GFP_KERNEL);
	if (ret < 0)
		return ret;
	ret = rhashtable_lookup_insert_fast(&sn->flows, &flow->node, flow_params);
	if (ret)
		goto err_erase_id;
	sn->nflows++;
	sn->nflows_timed += !!flow->timeout;
	sn->flows_created++;
	sn->generation++;
	return 0;

err_erase_id:
	xa_erase(&sn->flow_ids, flow->id);
	return ret;
}

/* Unlinks @flow and frees it after a grace period: packets being handled
 * on other CPUs may still hold it. */
void sipwall_flow_remove(struct sipwall_net *sn, struct sipwall_flow *flow)
{
	lockdep_assert_held(&sn->lock);
	rhashtable_remove_fast(&sn->flows, &flow->node, flow_params);
	xa_erase(&sn->flow_ids, flow->id);
	sn->nflows--;
	sn->nflows_timed -= !!flow->timeout;
	sn->generation++;
	INIT_RCU_WORK(&flow->free_work, flow_free_work);
	queue_rcu_work(free_wq, &flow->free_work);
}

/* Under rcu_read_lock(); the flow stays while it is held, or while
 * sipwall_net.lock is (configuration path). */
struct sipwall_flow *sipwall_flow_find(struct sipwall_net *sn,
				       const struct sipwall_endpoint *local)
{
	return rhashtable_lookup(&sn->flows, local, flow_params);
}

/* Removes every flow, or those of *@session; returns how many. */
unsigned int sipwall_flow_flush(struct sipwall_net *sn, const u64 *session)
{
	struct sipwall_flow *flow;
	unsigned int n = 0;
	unsigned long id;

	lockdep_assert_held(&sn->lock);
	xa_for_each(&sn->flow_ids, id, flow) {
		if (session && flow->session != *session)
			continue;
		sipwall_flow_remove(sn, flow);
		n++;
		cond_resched();
	}
	return n;
}

void sipwall_flow_stats_sum(const struct sipwall_flow *flow,
			    u64 sum[__SIPWALL_FSTAT_MAX])
{
	int i;

	for (i = 0; i < __SIPWALL_FSTAT_MAX; i++)
		sum[i] = atomic64_read(&flow->stats[i]);
}

/*
 * Packet path: is @src allowed to send into @flow? A learning flow takes
 * the first source it sees; the LATCHING bit makes exactly one CPU write it,
 * and packets racing with that write are refused rather than waited for.
 */
bool sipwall_flow_source_ok(struct sipwall_flow *flow,
			    const struct sipwall_endpoint *src)
{
	if ((flow->flags & SIPWALL_FLOW_F_LEARN) && !sipwall_flow_latched(flow)) {
		if (test_and_set_bit(SIPWALL_FLOW_LATCHING, &flow->state))
			return false;
		flow->source = *src;
		smp_mb__before_atomic();
		set_bit(SIPWALL_FLOW_LATCHED, &flow->state);
		return true;
	}
	/* Pairs with smp_mb__before_atomic() above: see the source written. */
	smp_rmb();
	return !memcmp(&flow->source, src, sizeof(*src));
}

static void idle_work(struct work_struct *work)
{
	struct sipwall_net *sn = container_of(to_delayed_work(work),
					      struct sipwall_net, idle_work);
	unsigned long now = jiffies;
	struct sipwall_flow *flow;
	unsigned long id;

	mutex_lock(&sn->lock);
	xa_for_each(&sn->flow_ids, id, flow) {
		if (!sn->nflows_timed)
			break;
		if (!flow->timeout ||
		    time_before(now, READ_ONCE(flow->last_used) +
				     (unsigned long)flow->timeout * HZ))
			continue;
		sipwall_netlink_notify_expired(sn, flow);
		sipwall_flow_remove(sn, flow);
		sn->flows_expired++;
		cond_resched();
	}
	mutex_unlock(&sn->lock);
	queue_delayed_work(system_power_efficient_wq, &sn->idle_work, HZ);
}

void sipwall_idle_init(struct sipwall_net *sn)
{
	INIT_DELAYED_WORK(&sn->idle_work, idle_work);
	queue_delayed_work(system_power_efficient_wq, &sn->idle_work, HZ);
}

/* cancel_delayed_work_sync() also stops a work that re-queues itself. */
void sipwall_idle_uninit(struct sipwall_net *sn)
{
	cancel_delayed_work_sync(&sn->idle_work);
}
