// SPDX-License-Identifier: GPL-2.0
#ifndef CTL_H
#define CTL_H

#include "format.h"

#define PROG_NAME "sipwallctl"

/* What every subcommand gets from the global options. */
struct ctl {
	enum out_mode mode;
};

struct subcommand {
	const char *name;
	int (*run)(const struct ctl *ctl, int argc, char **argv);
	const char *usage;	/* the SYNOPSIS lines, for --help */
	const char *summary;	/* one line, for the command list */
};

/* Each returns the process exit status; argv[0] is the subcommand's name. */
int flow_main(const struct ctl *ctl, int argc, char **argv);
int config_main(const struct ctl *ctl, int argc, char **argv);
int stats_main(const struct ctl *ctl, int argc, char **argv);
int monitor_main(const struct ctl *ctl, int argc, char **argv);
int daemon_main(const struct ctl *ctl, int argc, char **argv);

extern const char flow_usage[], config_usage[], stats_usage[], monitor_usage[], daemon_usage[];

/* Prints "sipwallctl: <message>" as one line on stderr. */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True (and prints the subcommand's usage) if argv asks for help. */
int ctl_wants_help(int argc, char **argv, const char *usage);

#endif
