// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/sipwall.h>

#include "ctl.h"
#include "flowmsg.h"
#include "genl.h"
#include "monitor.h"

const char monitor_usage[] =
	"usage: sipwallctl monitor [--count N] [--timeout SECONDS] [--ready]\n"
	"\n"
	"Prints the kernel's events, one a line, until killed:\n"
	"  flow-expired id N session N in ADDR:PORT packets N bytes N ...\n"
	"  --count N          exit after N events\n"
	"  --timeout SECONDS  exit after SECONDS; an error if --count events\n"
	"                     have not come by then\n"
	"  --ready            print \"ready\" once listening, so that a script\n"
	"                     knows when to cause the events it waits for\n";

struct monitor_opts {
	unsigned int count;
	unsigned int timeout;	/* seconds; 0: none */
	int ready;
};

int monitor_event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct monitor *m = data;
	const struct nlattr *attr;
	struct flow_info fi;

	if (nlh->nlmsg_type != m->family ||
	    nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return MNL_CB_OK;
	/* Events of a newer kernel that this version does not know are skipped. */
	if (genl->cmd != SIPWALL_CMD_FLOW_EXPIRED)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != SIPWALL_A_FLOW)
			continue;
		if (flowmsg_parse(attr, &fi)) {
			errno = EBADMSG;
			return MNL_CB_ERROR;
		}
		flowmsg_print_event(&m->out, "flow-expired", &fi);
		m->seen++;
	}
	/* Stop within a batch too, so that --count N prints exactly N lines. */
	return m->count && m->seen >= m->count ? MNL_CB_STOP : MNL_CB_OK;
}

static int parse_opts(int argc, char **argv, struct monitor_opts *opts)
{
	uint64_t n;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ready")) {
			opts->ready = 1;
			continue;
		}
		if (strcmp(argv[i], "--count") && strcmp(argv[i], "--timeout")) {
			ctl_error("unknown word '%s' in monitor (expected --count, "
				  "--timeout or --ready)", argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			ctl_error("missing %s after '%s'",
				  argv[i][2] == 'c' ? "N" : "SECONDS", argv[i]);
			return -1;
		}
		if (argv[i][2] == 'c') {
			if (parse_u64("count", argv[i + 1], 1, UINT_MAX, &n))
				return -1;
			opts->count = n;
		} else {
			if (parse_u64("timeout", argv[i + 1], 1, INT_MAX / 1000, &n))
				return -1;
			opts->timeout = n;
		}
		i++;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits for the socket; 0 when readable, 1 at the deadline, -1 on error. */
static int wait_readable(int fd, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long left;
	int ret;

	do {
		left = deadline ? deadline - now_ms() : -1;
		if (deadline && left <= 0)
			return 1;
		ret = poll(&pfd, 1, left);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -1;
	return ret ? 0 : 1;
}

static int listen_events(struct genl *g, struct monitor *m,
			 const struct monitor_opts *opts)
{
	long long deadline = opts->timeout ? now_ms() + opts->timeout * 1000LL : 0;
	int fd = mnl_socket_get_fd(g->nl);
	ssize_t len;
	int ret;

	while (!m->count || m->seen < m->count) {
		ret = wait_readable(fd, deadline);
		if (ret < 0) {
			ctl_error("monitor: %s", strerror(errno));
			return -1;
		}
		if (ret) {
			if (!m->count)
				return 0;
			ctl_error("monitor: timed out after %u s with %u of %u events",
				  opts->timeout, m->seen, m->count);
			return -1;
		}
		len = mnl_socket_recvfrom(g->nl, g->buf, sizeof(g->buf));
		if (len < 0 && errno == ENOBUFS) {
			/* The socket overflowed: say so, and go on with what comes next. */
			ctl_error("monitor: events were lost (receive buffer overrun)");
			continue;
		}
		if (len < 0 && errno != EINTR) {
			ctl_error("monitor: %s", strerror(errno));
			return -1;
		}
		/* Events are not answers: no sequence number or port id to check. */
		if (len > 0 && mnl_cb_run(g->buf, len, 0, 0, monitor_event_cb, m) ==
		    MNL_CB_ERROR) {
			ctl_error("monitor: malformed event from the kernel");
			return -1;
		}
	}
	return 0;
}

int monitor_main(const struct ctl *ctl, int argc, char **argv)
{
	struct monitor_opts opts = { 0 };
	struct monitor m = { 0 };
	struct genl g;
	int ret = 1;

	if (ctl_wants_help(argc, argv, monitor_usage))
		return 0;
	if (parse_opts(argc, argv, &opts) || genl_open(&g))
		return 1;
	if (genl_subscribe(&g))
		goto close_genl;
	out_init(&m.out, stdout, ctl->mode);
	m.family = g.family;
	m.count = opts.count;
	if (opts.ready) {
		out_record_begin(&m.out, OUT_LINE, NULL);
		out_tag(&m.out, "event", "ready");
		out_record_end(&m.out);
	}
	if (!listen_events(&g, &m, &opts))
		ret = 0;
close_genl:
	genl_close(&g);
	return ret;
}
