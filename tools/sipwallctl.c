// SPDX-License-Identifier: GPL-2.0
/*
 * sipwallctl: the operator's command line for sipwall.ko, over generic
 * netlink. Each subcommand lives in its own file; this one reads the
 * global options and picks the subcommand.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/sipwall.h>

#include "ctl.h"

static const struct subcommand subcommands[] = {
	{ "flow", flow_main, flow_usage, "add, delete, list and flush media flows" },
	{ "config", config_main, config_usage, "show or set the configuration" },
	{ "stats", stats_main, stats_usage, "show the global counters" },
	{ "monitor", monitor_main, monitor_usage, "print the kernel's events as they come" },
	{ "daemon", daemon_main, daemon_usage, "ask sipwalld: counters, registrations, calls" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: sipwallctl [-j|--json] SUBCOMMAND [ARGUMENTS]\n"
	      "       sipwallctl help [SUBCOMMAND] | --help | --version\n\n"
	      "Subcommands:\n", f);
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
	fputs("\n-j prints JSON. `sipwallctl SUBCOMMAND --help` tells more;\n"
	      "sipwallctl(8) tells all.\n", f);
}

static const struct subcommand *find(const char *name)
{
	size_t i;

	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(name, subcommands[i].name))
			return &subcommands[i];
	return NULL;
}

static int help(int argc, char **argv)
{
	const struct subcommand *sub;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	sub = find(argv[1]);
	if (!sub) {
		ctl_error("no help for unknown subcommand '%s'", argv[1]);
		return 1;
	}
	fputs(sub->usage, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl ctl = { .mode = isatty(STDOUT_FILENO) ? OUT_PRETTY : OUT_PLAIN };
	const struct subcommand *sub;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			ctl.mode = OUT_JSON;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("sipwallctl %s (netlink family %s version %d)\n",
			       SIPWALL_VERSION, SIPWALL_GENL_NAME, SIPWALL_GENL_VERSION);
			return 0;
		} else {
			ctl_error("unknown option '%s' (try: sipwallctl --help)", argv[i]);
			return 1;
		}
	}
	if (i == argc) {
		ctl_error("missing subcommand (try: sipwallctl --help)");
		return 1;
	}
	if (!strcmp(argv[i], "help"))
		return help(argc - i, argv + i);
	sub = find(argv[i]);
	if (!sub) {
		ctl_error("unknown subcommand '%s' (try: sipwallctl --help)", argv[i]);
		return 1;
	}
	return sub->run(&ctl, argc - i, argv + i);
}
