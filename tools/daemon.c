// SPDX-License-Identifier: GPL-2.0
/*
 * sipwallctl daemon: asks sipwalld over its control socket (one command
 * line in; text lines out, then the daemon closes the connection; an
 * answer that starts with "error: " is a refusal; an empty one is empty,
 * a busy daemon resets the connection instead). -j turns the answers it
 * knows into JSON: stats into one object, registrations into a list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

#define DEFAULT_SOCKET	"/run/sipwall/sipwalld.sock"
#define ANSWER_MAX	(64u << 20)	/* what the daemon sends at most */
#define TIMEOUT_S	10
#define BUSY		"closed without answering (too many clients?)"

const char daemon_usage[] =
	"usage: sipwallctl daemon [--socket PATH] stats|registrations|calls|help [-j]\n"
	"\n"
	"  stats          the daemon's counters, one \"name value\" a line\n"
	"  registrations  bindings: realm aor contact flow expires-in-seconds\n"
	"  calls          the calls in progress\n"
	"  help           the commands the daemon knows\n"
	"  --socket PATH  the control socket (default: $SIPWALL_CONTROL, else\n"
	"                 " DEFAULT_SOCKET ")\n";

/* The whole answer, NUL-terminated; NULL after printing why. */
static char *ask(const char *path, const char *command, size_t *len_out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = TIMEOUT_S };
	size_t len = 0, cap = 65536;
	char *buf = NULL, line[64];
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		ctl_error("control socket path too long: %s", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ctl_error("socket: %s", strerror(errno));
		return NULL;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		ctl_error("cannot reach sipwalld at %s: %s (is it running?)", path, strerror(errno));
		goto err_close;
	}
	/* a daemon with too many clients closes at once: EPIPE, not SIGPIPE */
	snprintf(line, sizeof(line), "%s\n", command);
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0) {
		ctl_error("sending to sipwalld: %s", errno == EPIPE ? BUSY : strerror(errno));
		goto err_close;
	}
	buf = malloc(cap);
	if (!buf) {
		ctl_error("out of memory");
		goto err_close;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			char *bigger = cap > ANSWER_MAX ? NULL : realloc(buf, cap * 2);

			if (!bigger) {
				ctl_error("the answer of sipwalld is too large");
				goto err_free;
			}
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ctl_error("reading from sipwalld: %s", errno == EAGAIN ? "timed out" :
				  errno == ECONNRESET ? BUSY : strerror(errno));
			goto err_free;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*len_out = len;
	return buf;

err_free:
	free(buf);
err_close:
	close(fd);
	return NULL;
}

/* "name value" lines into one object; numbers as numbers. */
static void stats_json(struct out *o, char *text)
{
	char *save = NULL;

	out_record_begin(o, OUT_BLOCK, NULL);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *value = strchr(line, ' '), *end;
		unsigned long long n;

		if (!value)
			continue;
		*value++ = '\0';
		errno = 0;
		n = strtoull(value, &end, 10);
		if (!errno && *value && !*end)
			out_u64(o, line, n);
		else
			out_str(o, line, value);
	}
	out_record_end(o);
}

/* Lines of count space-separated fields into a list of records named by keys. */
static void list_json(struct out *o, char *text, const char *const *keys, unsigned int count)
{
	char *save = NULL;

	out_list_begin(o);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		out_record_begin(o, OUT_LINE, NULL);
		for (unsigned int i = 0; i < count; i++) {
			/* the last field takes the rest of the line */
			char *space = line && i + 1 < count ? strchr(line, ' ') : NULL;

			if (space)
				*space = '\0';
			if (line && *line && strspn(line, "0123456789") == strlen(line))
				out_u64(o, keys[i], strtoull(line, NULL, 10));
			else
				out_str(o, keys[i], line && *line ? line : NULL);
			line = space ? space + 1 : NULL;
		}
		out_record_end(o);
	}
	out_list_end(o);
}

int daemon_main(const struct ctl *ctl, int argc, char **argv)
{
	static const char *const binding_keys[] = { "realm", "aor", "contact", "flow", "expires" };
	static const char *const line_key[] = { "line" };
	const char *path = getenv("SIPWALL_CONTROL"), *command = NULL;
	enum out_mode mode = ctl->mode;
	size_t len;
	struct out o;
	char *answer;

	if (ctl_wants_help(argc, argv, daemon_usage))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			mode = OUT_JSON;
		} else if (!strcmp(argv[i], "--socket")) {
			if (++i == argc) {
				ctl_error("missing PATH after --socket");
				return 1;
			}
			path = argv[i];
		} else if (command) {
			ctl_error("unknown word '%s' after daemon %s", argv[i], command);
			return 1;
		} else if (!strcmp(argv[i], "stats") || !strcmp(argv[i], "registrations") ||
			   !strcmp(argv[i], "calls") || !strcmp(argv[i], "help")) {
			command = argv[i];
		} else {
			ctl_error("unknown word '%s' in daemon (expected stats, registrations, calls or help)",
				  argv[i]);
			return 1;
		}
	}
	if (!command) {
		ctl_error("missing command after daemon (expected stats, registrations, calls or help)");
		return 1;
	}
	answer = ask(path && *path ? path : DEFAULT_SOCKET, command, &len);
	if (!answer)
		return 1;
	if (!strncmp(answer, "error: ", 7)) {
		answer[strcspn(answer, "\n")] = '\0';
		ctl_error("sipwalld: %s", answer + 7);
		free(answer);
		return 1;
	}
	out_init(&o, stdout, mode);
	if (mode != OUT_JSON)
		fwrite(answer, 1, len, stdout);
	else if (!strcmp(command, "stats"))
		stats_json(&o, answer);
	else if (!strcmp(command, "registrations"))
		list_json(&o, answer, binding_keys, 5);
	else
		list_json(&o, answer, line_key, 1);
	free(answer);
	return fflush(stdout) ? 1 : 0;
}
