// SPDX-License-Identifier: GPL-2.0
/*
 * The state file: one binding a line, fields separated by one space,
 * escaped (%HH for '%', space, control and non-ASCII octets; "-" for an
 * empty field):
 *
 *   # sipwall registrations 1
 *   REALM USER CONTACT PARAMS CALL-ID CSEQ EXPIRES PROTO ADDRESS RECONNECT
 *
 * EXPIRES is the Unix time the binding ends (the wall clock survives a
 * restart, the loop's monotonic clock does not); ADDRESS is where the
 * REGISTER came from, RECONNECT the received address with the Via's port
 * (streams; "-" for UDP).
 *
 * A forked child writes a copy-on-write snapshot of the store, so that the
 * loop never waits for the disk (an fsync on a busy one can take long);
 * the child's exit status is the write's errno. At exit, and if forking
 * fails, the daemon writes itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "location.h"
#include "log.h"
#include "loop.h"
#include "regstate.h"
#include "sip_lex.h"

#define HEADER		"# sipwall registrations 1\n"
#define WRITE_DELAY_MS	1000	/* coalesce: one write a second at most */
#define LINE_MAX_LEN	8192	/* escaped fields stay far below */

static void on_timer(struct sipwall_timer *t);

static struct {
	char *path;		/* NULL: no registrar realm, no file */
	char *tmp_path;
	struct sipwall_timer timer;
	bool dirty;
	bool failing;		/* the last write failed: log the next success */
	pid_t writer;		/* the child writing the file, or 0 */
	struct sipwall_io writer_io;	/* its pidfd: readable when it has exited */
} state = { .timer = { .heap_index = SIZE_MAX, .fn = on_timer }, .writer_io = { .fd = -1 } };

static void escape(FILE *f, const char *s)
{
	if (!*s || !strcmp(s, "-")) {
		fputs(*s ? "%2D" : "-", f);
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c >= 0x7f || c == '%')
			fprintf(f, "%%%02X", c);
		else
			fputc(c, f);
	}
}

/* In place; -1 for a bad escape or an escaped NUL. */
static int unescape(char *s)
{
	char *out = s;

	if (!strcmp(s, "-")) {
		*s = '\0';
		return 0;
	}
	for (; *s; s++) {
		if (*s == '%') {
			int hi = sip_hex_value((unsigned char)s[1]);
			int lo = hi < 0 ? -1 : sip_hex_value((unsigned char)s[2]);

			if (lo < 0 || (hi | lo) == 0)
				return -1;
			*out++ = (char)(hi << 4 | lo);
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
	return 0;
}

static void write_addr(FILE *f, const struct sockaddr_storage *a, socklen_t len)
{
	char text[64];

	if (!len) {
		fputs("-", f);
		return;
	}
	sipwall_addr_format(a, text, sizeof(text));
	fputs(text, f);
}

/* "1.2.3.4:5" or "[::1]:5"; -1 if it is neither. */
static int parse_addr(const char *text, struct sockaddr_storage *a, socklen_t *len)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)a;
	struct sockaddr_in *in = (struct sockaddr_in *)a;
	char host[INET6_ADDRSTRLEN];
	const char *colon = strrchr(text, ':');
	char *end;
	long port;
	size_t n;

	memset(a, 0, sizeof(*a));
	if (!colon)
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 1 || port > 65535)
		return -1;
	if (text[0] == '[') {
		n = (size_t)(colon - text) - 2;
		if (colon[-1] != ']' || n >= sizeof(host))
			return -1;
		memcpy(host, text + 1, n);
		host[n] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*in6);
		return inet_pton(AF_INET6, host, &in6->sin6_addr) == 1 ? 0 : -1;
	}
	n = (size_t)(colon - text);
	if (n >= sizeof(host))
		return -1;
	memcpy(host, text, n);
	host[n] = '\0';
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	*len = sizeof(*in);
	return inet_pton(AF_INET, host, &in->sin_addr) == 1 ? 0 : -1;
}

static void write_reg(const struct sipwall_reg *reg, void *ctx)
{
	const struct sipwall_peer *p = &reg->b.peer;
	uint64_t now = sipwall_now_ms();
	uint64_t left = reg->b.expires_ms > now ? (reg->b.expires_ms - now + 999) / 1000 : 0;
	FILE *f = ctx;

	escape(f, reg->aor->realm->name);
	fputc(' ', f);
	escape(f, reg->aor->user);
	fputc(' ', f);
	escape(f, reg->b.contact);
	fputc(' ', f);
	escape(f, reg->params);
	fputc(' ', f);
	escape(f, reg->call_id);
	fprintf(f, " %u %llu %s ", reg->cseq, (unsigned long long)time(NULL) + left,
		sipwall_proto_name(p->proto));
	write_addr(f, &p->addr, p->addr_len);
	fputc(' ', f);
	write_addr(f, &p->reconnect, p->proto == SIPWALL_PROTO_UDP ? 0 : p->reconnect_len);
	fputc('\n', f);
}

static int fsync_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd, rc = -1;

	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(dir);
	return rc;
}

/* Temporary file, fsync, rename over path, fsync the directory. */
static int write_atomic(const char *path, const char *tmp)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int saved;
	FILE *f;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		goto err_unlink;
	}
	fputs(HEADER, f);
	sipwall_location_foreach(write_reg, f);
	if (fflush(f) || ferror(f) || fsync(fd)) {
		fclose(f);
		goto err_unlink;
	}
	if (fclose(f) || rename(tmp, path))
		goto err_unlink;
	return fsync_dir(path);

err_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
	return -1;
}

int sipwall_regstate_write_file(const char *path)
{
	char tmp[4096];

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return write_atomic(path, tmp);
}

/* The outcome of one write: 0 or an errno. */
static void written(int err)
{
	sipwall_registrar_stats.state_writes++;
	if (err) {
		sipwall_registrar_stats.state_write_errors++;
		/* one line per failing stretch, not one a second */
		if (!state.failing)
			log_error("state file %s: cannot write: %s (retrying after the next change)",
				  state.path, strerror(err));
		state.failing = true;
		return;
	}
	if (state.failing)
		log_info("state file %s: written again", state.path);
	state.failing = false;
}

static int write_errno(void)
{
	return write_atomic(state.path, state.tmp_path) ? (errno > 0 && errno < 256 ? errno : EIO) : 0;
}

/* Collects the writer child; options 0 waits for it. */
static void reap(int options)
{
	int status = 0;
	pid_t r;

	if (!state.writer)
		return;
	do
		r = waitpid(state.writer, &status, options);
	while (r < 0 && errno == EINTR);
	/* 0: still running; -1 (reaped elsewhere): the outcome is unknown, taken as written */
	if (!r)
		return;
	if (state.writer_io.fd >= 0) {
		sipwall_io_del(&state.writer_io);
		close(state.writer_io.fd);
		state.writer_io.fd = -1;
	}
	state.writer = 0;
	written(WIFEXITED(status) ? WEXITSTATUS(status) : EINTR);
}

static void on_writer_exit(struct sipwall_io *io, uint32_t events)
{
	(void)io, (void)events;
	reap(WNOHANG);
}

static void write_now(bool in_background)
{
	pid_t pid = -1;
	int fd;

	sipwall_timer_stop(&state.timer);
	state.dirty = false;
	if (in_background)
		pid = fork();
	if (pid == 0) {
		/*
		 * Not the daemon's sockets: a restart after kill -9 must be able to
		 * bind them while this child finishes. _exit: no atexit handlers,
		 * no stdio flushes, those are the parent's.
		 */
		close_range(3, ~0U, 0);
		_exit(write_errno());
	}
	if (pid < 0) {
		written(write_errno());
		return;
	}
	fd = pidfd_open(pid, 0);
	state.writer = pid;
	if (fd < 0 || sipwall_io_add(&state.writer_io, fd, EPOLLIN, on_writer_exit)) {
		/* cannot watch it: wait for it here */
		if (fd >= 0)
			close(fd);
		state.writer_io.fd = -1;
		reap(0);
	}
}

static void on_timer(struct sipwall_timer *t)
{
	if (!state.path || !state.dirty)
		return;
	/* one writer at a time: the changes since it started wait for the next */
	if (state.writer)
		sipwall_timer_after(t, WRITE_DELAY_MS);
	else
		write_now(true);
}

void sipwall_regstate_changed(void)
{
	state.dirty = true;
	if (state.path && !sipwall_timer_armed(&state.timer))
		sipwall_timer_after(&state.timer, WRITE_DELAY_MS);
}

void sipwall_regstate_flush(void)
{
	reap(0);
	if (state.path && state.dirty)
		write_now(false);
}

int sipwall_regstate_configure(const struct sipwall_config *cfg)
{
	bool wanted = false;
	char *path = NULL, *tmp = NULL;

	for (unsigned int i = 0; i < cfg->realm_count; i++)
		wanted |= cfg->realms[i].registrar.enabled;
	if (wanted && (asprintf(&path, "%s/registrations", cfg->state_dir) < 0 ||
		       asprintf(&tmp, "%s/registrations.tmp", cfg->state_dir) < 0)) {
		free(path);
		return -1;
	}
	/* a missing directory is made (its parent must exist), as for a package's first start */
	if (wanted && mkdir(cfg->state_dir, 0750) && errno != EEXIST)
		log_error("state_dir %s: %s", cfg->state_dir, strerror(errno));
	free(state.path);
	free(state.tmp_path);
	state.path = path;
	state.tmp_path = tmp;
	if (state.path && state.dirty && !sipwall_timer_armed(&state.timer))
		sipwall_timer_after(&state.timer, WRITE_DELAY_MS);
	return 0;
}

void sipwall_regstate_uninit(void)
{
	reap(0);
	sipwall_timer_stop(&state.timer);
	free(state.path);
	free(state.tmp_path);
	state.path = state.tmp_path = NULL;
	state.dirty = false;
}

enum { F_REALM, F_USER, F_CONTACT, F_PARAMS, F_CALL_ID, F_CSEQ, F_EXPIRES, F_PROTO, F_ADDR,
       F_RECONNECT, F_COUNT };

static int parse_uint64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

/* One line into the store; NULL, or why it is bad. */
static const char *load_line(char *line, time_t now, unsigned int *skipped)
{
	struct sipwall_peer peer = { .udp_fd = -1 };
	struct sockaddr_storage reconnect;
	socklen_t reconnect_len = 0;
	char *f[F_COUNT], *save = NULL;
	uint64_t cseq, expires;
	struct sipwall_realm *realm;
	struct sipwall_aor *aor;
	unsigned int n = 0;

	for (char *tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (n == F_COUNT)
			return "too many fields";
		f[n++] = tok;
	}
	if (n != F_COUNT)
		return "too few fields";
	for (unsigned int i = 0; i < F_COUNT; i++)
		if (unescape(f[i]))
			return "bad escape";
	if (parse_uint64(f[F_CSEQ], UINT32_MAX, &cseq) ||
	    parse_uint64(f[F_EXPIRES], UINT32_MAX * 4ULL, &expires))
		return "bad number";
	for (peer.proto = SIPWALL_PROTO_UDP; peer.proto <= SIPWALL_PROTO_TLS; peer.proto++)
		if (!strcmp(f[F_PROTO], sipwall_proto_name(peer.proto)))
			break;
	if (peer.proto > SIPWALL_PROTO_TLS)
		return "bad protocol";
	if (parse_addr(f[F_ADDR], &peer.addr, &peer.addr_len) ||
	    (*f[F_RECONNECT] && parse_addr(f[F_RECONNECT], &reconnect, &reconnect_len)))
		return "bad address";
	if (!*f[F_USER] || !*f[F_CONTACT] || strlen(f[F_CONTACT]) > SIPWALL_CONTACT_MAX ||
	    strlen(f[F_USER]) > 256 || strlen(f[F_PARAMS]) >= SIPWALL_PARAMS_MAX ||
	    strlen(f[F_CALL_ID]) > SIPWALL_CALL_ID_MAX)
		return "bad field length";
	if ((time_t)expires <= now)
		return NULL;	/* expired while we were down */
	realm = sipwall_realm_find(f[F_REALM]);
	if (!realm || !realm->cfg || !realm->cfg->registrar.enabled) {
		(*skipped)++;
		return NULL;
	}
	/* the connection is gone: a new one goes to the received address and Via port */
	peer.realm = realm;
	if (peer.proto != SIPWALL_PROTO_UDP && reconnect_len) {
		peer.reconnect = reconnect;
		peer.reconnect_len = reconnect_len;
		peer.addr = reconnect;
		peer.addr_len = reconnect_len;
	}
	aor = sipwall_aor_get(realm, sip_str_from_cstr(f[F_USER]));
	if (!aor)
		return "out of memory";
	if (sipwall_reg_find(aor, sip_str_from_cstr(f[F_CONTACT])))
		return "duplicate binding";
	if (!sipwall_reg_add(aor, sip_str_from_cstr(f[F_CONTACT]), sip_str_from_cstr(f[F_PARAMS]),
			     sip_str_from_cstr(f[F_CALL_ID]), (uint32_t)cseq, &peer,
			     sipwall_now_ms() + ((uint64_t)expires - (uint64_t)now) * 1000)) {
		sipwall_aor_put(aor);
		return "out of memory";
	}
	return NULL;
}

void sipwall_regstate_read_file(const char *path)
{
	unsigned int lineno = 0, bad = 0, skipped = 0, first_bad = 0;
	const char *why = NULL, *first_why = NULL;
	uint64_t before = sipwall_registrar_stats.registrations_active;
	char *line = malloc(LINE_MAX_LEN);
	time_t now = time(NULL);
	FILE *f;

	if (!line)
		return;
	f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT)
			log_error("state file %s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	while (fgets(line, LINE_MAX_LEN, f)) {
		size_t len = strlen(line);

		lineno++;
		if (!len || line[len - 1] != '\n') {
			why = "line too long or unterminated";
			/* the rest of an overlong line is not a line of its own */
			while (len == LINE_MAX_LEN - 1 && line[len - 1] != '\n' && fgets(line, LINE_MAX_LEN, f))
				len = strlen(line);
		} else if (lineno == 1) {
			why = strcmp(line, HEADER) ? "not a sipwall registrations file" : NULL;
			if (why) {
				first_bad = 1, first_why = why, bad = 1;
				break;
			}
			continue;
		} else {
			why = load_line(line, now, &skipped);
		}
		if (why) {
			if (!bad++)
				first_bad = lineno, first_why = why;
		}
	}
	if (!lineno)
		first_bad = 1, first_why = "empty file", bad = 1;
	fclose(f);
	if (bad)
		log_error("state file %s: corrupt: line %u: %s (%u bad line%s ignored)", path,
			  first_bad, first_why, bad, bad == 1 ? "" : "s");
	if (skipped)
		log_warn("state file %s: %u binding%s of realms without registrar = yes dropped",
			 path, skipped, skipped == 1 ? "" : "s");
	log_info("state file %s: %llu binding%s restored", path,
		 (unsigned long long)(sipwall_registrar_stats.registrations_active - before),
		 sipwall_registrar_stats.registrations_active - before == 1 ? "" : "s");
out:
	free(line);
}

void sipwall_regstate_load(void)
{
	if (state.path)
		sipwall_regstate_read_file(state.path);
}
