// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/sipwall/: "stats" (one "name value" a line) and "flows" (one
 * flow a line of "key value" pairs), for operators and their scripts. The
 * names match sipwallctl's output.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include "flow.h"
#include "proc.h"
#include "srtp.h"

static const char *const stat_names[__SIPWALL_STAT_MAX] = SIPWALL_STAT_NAMES;
static const char *const fstat_names[__SIPWALL_FSTAT_MAX] = SIPWALL_FSTAT_NAMES;

static int stats_show(struct seq_file *seq, void *v)
{
	struct sipwall_net *sn = sipwall_net(seq_file_single_net(seq));
	u64 sum[__SIPWALL_STAT_MAX];
	int i;

	sipwall_stats_sum(sn, sum);
	for (i = 0; i < __SIPWALL_STAT_MAX; i++)
		if (stat_names[i])
			seq_printf(seq, "%s %llu\n", stat_names[i], sum[i]);
	return 0;
}

static void show_endpoint(struct seq_file *seq, const char *key,
			  const struct sipwall_endpoint *ep)
{
	if (ep->family == AF_INET)
		seq_printf(seq, " %s %pI4:%u", key, &ep->addr.ip, ntohs(ep->port));
	else
		seq_printf(seq, " %s [%pI6c]:%u", key, &ep->addr.ip6, ntohs(ep->port));
}

/* The flows are walked in id order under RCU; *pos is the next id. */
static void *flows_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct sipwall_net *sn = sipwall_net(seq_file_net(seq));
	unsigned long id = *pos;
	void *flow;

	rcu_read_lock();
	flow = xa_find(&sn->flow_ids, &id, ULONG_MAX, XA_PRESENT);
	if (flow)
		*pos = id;
	return flow;
}

static void *flows_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct sipwall_net *sn = sipwall_net(seq_file_net(seq));
	unsigned long id = ((struct sipwall_flow *)v)->id;
	void *flow;

	flow = xa_find_after(&sn->flow_ids, &id, ULONG_MAX, XA_PRESENT);
	*pos = flow ? id : id + 1;
	return flow;
}

static void flows_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int flows_show(struct seq_file *seq, void *v)
{
	const struct sipwall_flow *flow = v;
	u64 sum[__SIPWALL_FSTAT_MAX];
	int i;

	seq_printf(seq, "id %u session %llu", flow->id, flow->session);
	show_endpoint(seq, "in", &flow->local);
	if (!(flow->flags & SIPWALL_FLOW_F_LEARN)) {
		show_endpoint(seq, "from", &flow->source);
	} else {
		seq_puts(seq, " from learn");
		if (sipwall_flow_latched(flow)) {
			smp_rmb();	/* see the source the latching CPU wrote */
			show_endpoint(seq, "latched", &flow->source);
		}
	}
	show_endpoint(seq, "out", &flow->out_local);
	show_endpoint(seq, "to", &flow->out_peer);
	if (flow->dscp >= 0)
		seq_printf(seq, " dscp %d", flow->dscp);
	if (flow->srtp_in)
		seq_printf(seq, " srtp_in %s",
			   sipwall_srtp_suite_name(sipwall_srtp_suite(flow->srtp_in)));
	if (flow->srtp_out)
		seq_printf(seq, " srtp_out %s",
			   sipwall_srtp_suite_name(sipwall_srtp_suite(flow->srtp_out)));
	seq_printf(seq, " timeout %u idle_ms %u", flow->timeout,
		   jiffies_to_msecs(jiffies - READ_ONCE(flow->last_used)));
	sipwall_flow_stats_sum(flow, sum);
	for (i = 0; i < __SIPWALL_FSTAT_MAX; i++)
		if (fstat_names[i])
			seq_printf(seq, " %s %llu", fstat_names[i], sum[i]);
	seq_putc(seq, '\n');
	return 0;
}

static const struct seq_operations flows_seq_ops = {
	.start = flows_start,
	.next = flows_next,
	.stop = flows_stop,
	.show = flows_show,
};

int sipwall_proc_init(struct sipwall_net *sn)
{
	struct net *net = sn->net;

	sn->proc_dir = proc_net_mkdir(net, "sipwall", net->proc_net);
	if (!sn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, sn->proc_dir, stats_show, NULL) ||
	    !proc_create_net("flows", 0444, sn->proc_dir, &flows_seq_ops,
			     sizeof(struct seq_net_private)))
		goto err_remove_dir;
	return 0;

err_remove_dir:
	remove_proc_subtree("sipwall", net->proc_net);
	return -ENOMEM;
}

void sipwall_proc_uninit(struct sipwall_net *sn)
{
	remove_proc_subtree("sipwall", sn->net->proc_net);
}
