// SPDX-License-Identifier: GPL-2.0
/*
 * sipwall.ko: the media plane of the sipwall Session Border Controller.
 * Module and network namespace life cycle.
 */

#include <linux/module.h>
#include <linux/percpu.h>
#include <net/genetlink.h>
#include "flow.h"
#include "hmac_sha1.h"
#include "hook.h"
#include "netlink.h"
#include "proc.h"
#include "srtp.h"

unsigned int sipwall_net_id __read_mostly;

void sipwall_stats_sum(struct sipwall_net *sn, u64 sum[__SIPWALL_STAT_MAX])
{
	sipwall_pcpu_sum(sn->stats, sum);
	/* Configuration-path counters: plain reads, a snapshot is enough. */
	sum[SIPWALL_STAT_FLOWS] = READ_ONCE(sn->nflows);
	sum[SIPWALL_STAT_FLOWS_CREATED] = READ_ONCE(sn->flows_created);
	sum[SIPWALL_STAT_FLOWS_DELETED] = READ_ONCE(sn->flows_deleted);
	sum[SIPWALL_STAT_FLOWS_EXPIRED] = READ_ONCE(sn->flows_expired);
}

static int __net_init sipwall_net_init(struct net *net)
{
	struct sipwall_net *sn = sipwall_net(net);
	int err;

	sn->net = net;
	mutex_init(&sn->lock);
	sn->generation = 1;	/* 0 would hide the first change from dumps */
	sn->stats = alloc_percpu(struct sipwall_stats);
	if (!sn->stats)
		return -ENOMEM;
	err = sipwall_flow_table_init(sn);
	if (err)
		goto err_free_stats;
	err = sipwall_proc_init(sn);
	if (err)
		goto err_uninit_table;
	err = sipwall_hook_init(net);
	if (err)
		goto err_uninit_proc;
	sipwall_idle_init(sn);
	return 0;

err_uninit_proc:
	sipwall_proc_uninit(sn);
err_uninit_table:
	sipwall_flow_table_uninit(sn);
err_free_stats:
	free_percpu(sn->stats);
	return err;
}

/*
 * Runs before the namespace's devices go away: the flows' cached routes
 * hold references to them, so the flows must go first.
 */
static void __net_exit sipwall_net_pre_exit(struct net *net)
{
	struct sipwall_net *sn = sipwall_net(net);

	sipwall_hook_uninit(net);
	sipwall_idle_uninit(sn);
	mutex_lock(&sn->lock);
	sipwall_flow_flush(sn, NULL);
	mutex_unlock(&sn->lock);
}

static void __net_exit sipwall_net_exit(struct net *net)
{
	struct sipwall_net *sn = sipwall_net(net);

	sipwall_proc_uninit(sn);
	sipwall_flow_table_uninit(sn);
	free_percpu(sn->stats);
}

static struct pernet_operations sipwall_net_ops = {
	.init = sipwall_net_init,
	.pre_exit = sipwall_net_pre_exit,
	.exit = sipwall_net_exit,
	.id = &sipwall_net_id,
	.size = sizeof(struct sipwall_net),
};

static int __init sipwall_init(void)
{
	int err;

	err = sipwall_hmac_sha1_selftest();
	if (!err)
		err = sipwall_srtp_selftest();
	if (err)
		return err;
	err = sipwall_flow_cache_init();
	if (err)
		return err;
	err = register_pernet_subsys(&sipwall_net_ops);
	if (err)
		goto err_uninit_cache;
	err = sipwall_netlink_init();
	if (err)
		goto err_unregister_pernet;
	pr_info("sipwall: media plane loaded\n");
	return 0;

err_unregister_pernet:
	unregister_pernet_subsys(&sipwall_net_ops);
err_uninit_cache:
	sipwall_flow_cache_uninit();
	return err;
}

static void __exit sipwall_exit(void)
{
	/* No request can run once the family is gone; then every namespace
	 * drops its hooks and flows; then the flows' deferred frees finish. */
	sipwall_netlink_uninit();
	unregister_pernet_subsys(&sipwall_net_ops);
	sipwall_flow_wait_freed();
	sipwall_flow_cache_uninit();
}

module_init(sipwall_init);
module_exit(sipwall_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sipwall: in-kernel RTP relay and edge filter of the sipwall SBC");
MODULE_AUTHOR("The sipwall authors");
MODULE_ALIAS_GENL_FAMILY(SIPWALL_GENL_NAME);
