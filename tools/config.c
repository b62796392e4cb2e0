// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/sipwall.h>

#include "config.h"
#include "ctl.h"
#include "genl.h"
#include "parse.h"

const char config_usage[] =
	"usage: sipwallctl config                      show the configuration\n"
	"       sipwallctl config media-ports LOW-HIGH  drop packets to these UDP ports\n"
	"                                               that match no flow\n"
	"       sipwallctl config media-ports off       (or 0-0) stop doing so\n";

struct nlmsghdr *config_set_build(void *buf, uint16_t family, uint16_t low,
				  uint16_t high)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, family, SIPWALL_CMD_CONFIG_SET,
					      NLM_F_ACK);
	struct nlattr *nest = mnl_attr_nest_start(nlh, SIPWALL_A_CONFIG);

	/* The kernel wants both bounds together, 0-0 meaning off. */
	mnl_attr_put_u16(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MIN, low);
	mnl_attr_put_u16(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MAX, high);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

int config_print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *cfg;
	char ports[sizeof("65535-65535")];
	uint16_t low = 0, high = 0;

	mnl_attr_for_each(cfg, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(cfg) != SIPWALL_A_CONFIG)
			continue;
		mnl_attr_for_each_nested(attr, cfg) {
			if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
				continue;
			if (mnl_attr_get_type(attr) == SIPWALL_CONFIG_A_MEDIA_PORT_MIN)
				low = mnl_attr_get_u16(attr);
			else if (mnl_attr_get_type(attr) == SIPWALL_CONFIG_A_MEDIA_PORT_MAX)
				high = mnl_attr_get_u16(attr);
		}
	}
	if (low || high)
		snprintf(ports, sizeof(ports), "%u-%u", low, high);
	else
		strcpy(ports, "off");
	out_record_begin(data, OUT_BLOCK, NULL);
	out_str(data, "media_ports", ports);
	out_record_end(data);
	return MNL_CB_OK;
}

static int config_show(const struct ctl *ctl)
{
	struct genl g;
	struct out o;
	int err;

	if (genl_open(&g))
		return 1;
	out_init(&o, stdout, ctl->mode);
	err = genl_talk(&g, genl_msg_start(g.buf, g.family, SIPWALL_CMD_CONFIG_GET,
					   NLM_F_ACK), config_print_cb, &o);
	if (err)
		genl_perror(&g, err, "config");
	genl_close(&g);
	return err ? 1 : 0;
}

int config_main(const struct ctl *ctl, int argc, char **argv)
{
	uint16_t low, high;
	struct genl g;
	int err;

	if (ctl_wants_help(argc, argv, config_usage))
		return 0;
	if (argc == 1)
		return config_show(ctl);
	if (strcmp(argv[1], "media-ports")) {
		ctl_error("unknown word '%s' in config (expected media-ports)", argv[1]);
		return 1;
	}
	if (argc < 3) {
		ctl_error("missing LOW-HIGH after 'media-ports'");
		return 1;
	}
	if (argc > 3) {
		ctl_error("unknown word '%s' after config media-ports LOW-HIGH", argv[3]);
		return 1;
	}
	if (parse_port_range(argv[2], &low, &high) || genl_open(&g))
		return 1;
	err = genl_talk(&g, config_set_build(g.buf, g.family, low, high), NULL, NULL);
	if (err)
		genl_perror(&g, err, "config");
	genl_close(&g);
	return err ? 1 : 0;
}
