// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/sipwall.h>

#include "ctl.h"
#include "genl.h"
#include "stats.h"

const char stats_usage[] =
	"usage: sipwallctl stats     the network namespace's counters, one\n"
	"                            \"name value\" a line, as in /proc/net/sipwall/stats\n";

/* The names /proc/net/sipwall/stats uses, in the order it prints them. */
static const char *const stat_names[SIPWALL_STAT_MAX + 1] = SIPWALL_STAT_NAMES;

/* Counters the kernel leaves out print as 0: every name is always there. */
int stats_print_cb(const struct nlmsghdr *nlh, void *data)
{
	uint64_t val[SIPWALL_STAT_MAX + 1] = { 0 };
	const struct nlattr *attr, *nest;
	uint16_t type;

	mnl_attr_for_each(nest, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(nest) != SIPWALL_A_STATS)
			continue;
		mnl_attr_for_each_nested(attr, nest) {
			type = mnl_attr_get_type(attr);
			if (type > SIPWALL_STAT_MAX || !stat_names[type])
				continue;
			if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0) {
				errno = EBADMSG;
				return MNL_CB_ERROR;
			}
			val[type] = mnl_attr_get_u64(attr);
		}
	}
	out_record_begin(data, OUT_BLOCK, NULL);
	for (type = 0; type <= SIPWALL_STAT_MAX; type++)
		if (stat_names[type])
			out_u64(data, stat_names[type], val[type]);
	out_record_end(data);
	return MNL_CB_OK;
}

int stats_main(const struct ctl *ctl, int argc, char **argv)
{
	struct genl g;
	struct out o;
	int err;

	if (ctl_wants_help(argc, argv, stats_usage))
		return 0;
	if (argc > 1) {
		ctl_error("unknown word '%s' after stats", argv[1]);
		return 1;
	}
	if (genl_open(&g))
		return 1;
	out_init(&o, stdout, ctl->mode);
	err = genl_talk(&g, genl_msg_start(g.buf, g.family, SIPWALL_CMD_STATS_GET,
					   NLM_F_ACK), stats_print_cb, &o);
	if (err)
		genl_perror(&g, err, "stats");
	genl_close(&g);
	return err ? 1 : 0;
}
