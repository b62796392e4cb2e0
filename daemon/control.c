// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket. Nothing a client does can stall the loop: sockets
 * are non-blocking, a command line is at most CONTROL_LINE_MAX bytes,
 * clients are at most CONTROL_CLIENTS at a time (more are closed at once),
 * a client that makes no progress for CONTROL_IDLE_MS is dropped, and an
 * answer is built whole in memory (at most CONTROL_OUTPUT_MAX) and written
 * as the socket takes it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "auth_realms.h"
#include "b2bua.h"
#include "control.h"
#include "log.h"
#include "loop.h"
#include "registrar.h"
#include "transport.h"

#define CONTROL_LINE_MAX	256
#define CONTROL_CLIENTS		16
#define CONTROL_IDLE_MS		5000
#define CONTROL_OUTPUT_MAX	(64u << 20)

struct client {
	struct sipwall_io io;
	struct sipwall_timer idle;
	struct sipwall_deferred free_later;
	char in[CONTROL_LINE_MAX];
	size_t in_len;
	char *out;		/* the whole answer */
	size_t out_len, out_off;
};

static struct {
	struct sipwall_io listen;
	char *path;
	struct client *clients[CONTROL_CLIENTS];
} control = { .listen = { .fd = -1 } };

static void print_transport_stats(FILE *out)
{
	const struct sipwall_stats *s = &sipwall_stats;

	fprintf(out, "rx_messages %llu\n", (unsigned long long)s->rx_messages);
	fprintf(out, "rx_bad_requests %llu\n", (unsigned long long)s->rx_bad_requests);
	fprintf(out, "rx_bad_responses %llu\n", (unsigned long long)s->rx_bad_responses);
	fprintf(out, "rx_stray_responses %llu\n", (unsigned long long)s->rx_stray_responses);
	fprintf(out, "tx_messages %llu\n", (unsigned long long)s->tx_messages);
	fprintf(out, "tx_errors %llu\n", (unsigned long long)s->tx_errors);
	fprintf(out, "conns_accepted %llu\n", (unsigned long long)s->conns_accepted);
	fprintf(out, "conns_refused %llu\n", (unsigned long long)s->conns_refused);
	fprintf(out, "conns_idle_closed %llu\n", (unsigned long long)s->conns_idle_closed);
	fprintf(out, "tls_handshake_failures %llu\n", (unsigned long long)s->tls_handshake_failures);
	fprintf(out, "keepalive_pings %llu\n", (unsigned long long)s->keepalive_pings);
	fprintf(out, "connections %u\n", sipwall_conn_count());
}

/*
 * What `stats` prints: each module's counters as "name value" lines.
 * A module with counters adds its printer here (the B2BUA:
 * sipwall_b2bua_print_stats).
 */
static void (*const stats_printers[])(FILE *out) = {
	print_transport_stats,
	sipwall_registrar_print_stats,
	sipwall_auth_print_stats,
	sipwall_b2bua_print_stats,
};

static void print_stats(FILE *out)
{
	for (size_t i = 0; i < sizeof(stats_printers) / sizeof(stats_printers[0]); i++)
		stats_printers[i](out);
}

static void print_help(FILE *out);

/*
 * The commands: one line each, a printer that writes the answer's lines.
 * A module adds its own here (the B2BUA: "calls", sipwall_b2bua_print_calls),
 * and to sipwalld(8)'s list.
 */
static const struct command {
	const char *name;
	void (*print)(FILE *out);
	const char *help;
} commands[] = {
	{ "stats", print_stats, "counters, one \"name value\" a line" },
	{ "registrations", sipwall_registrar_print_bindings,
	  "bindings: realm aor contact flow expires-in-seconds" },
	{ "calls", sipwall_b2bua_print_calls,
	  "active calls: id from>to caller callee state seconds" },
	{ "help", print_help, "this list" },
};

static void print_help(FILE *out)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "%s: %s\n", commands[i].name, commands[i].help);
}

static void client_free(struct sipwall_deferred *d)
{
	struct client *c = container_of(d, struct client, free_later);

	free(c->out);
	free(c);
}

static void client_close(struct client *c)
{
	for (unsigned int i = 0; i < CONTROL_CLIENTS; i++)
		if (control.clients[i] == c)
			control.clients[i] = NULL;
	sipwall_timer_stop(&c->idle);
	sipwall_io_del(&c->io);
	close(c->io.fd);
	/* an event of this batch may still name c: free it after the batch */
	c->io.fd = -1;
	sipwall_loop_defer(&c->free_later, client_free);
}

static void on_idle(struct sipwall_timer *t)
{
	client_close(container_of(t, struct client, idle));
}

/* Runs the command line in c->in (or answers error) and queues the answer. */
static void run_command(struct client *c, const char *error)
{
	const struct command *cmd = NULL;
	size_t len = c->in_len;
	FILE *out;

	while (len && (c->in[len - 1] == '\n' || c->in[len - 1] == '\r' || c->in[len - 1] == ' '))
		len--;
	c->in[len] = '\0';
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(c->in, commands[i].name))
			cmd = &commands[i];
	out = open_memstream(&c->out, &c->out_len);
	if (!out) {
		client_close(c);
		return;
	}
	if (error)
		fputs(error, out);
	else if (cmd)
		cmd->print(out);
	else	/* the client's words are not echoed: they could be anything */
		fputs("error: unknown command (try: help)\n", out);
	/* nothing to say (no bindings, no calls) is an answer too: the close */
	if (fclose(out) || !c->out_len) {
		client_close(c);
		return;
	}
	if (c->out_len > CONTROL_OUTPUT_MAX) {
		static const char cut[] = "\nerror: answer truncated\n";

		memcpy(c->out + CONTROL_OUTPUT_MAX - sizeof(cut) + 1, cut, sizeof(cut) - 1);
		c->out_len = CONTROL_OUTPUT_MAX;
	}
	shutdown(c->io.fd, SHUT_RD);
	sipwall_io_modify(&c->io, EPOLLOUT);
}

static void on_client(struct sipwall_io *io, uint32_t events)
{
	struct client *c = container_of(io, struct client, io);
	ssize_t n;

	if (c->out) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		n = write(io->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			client_close(c);
			return;
		}
		c->out_off += (size_t)n;
		sipwall_timer_after(&c->idle, CONTROL_IDLE_MS);
		if (c->out_off == c->out_len)
			client_close(c);	/* the end of the answer is the close */
		return;
	}
	n = read(io->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0 || (n == 0 && !c->in_len)) {
		client_close(c);
		return;
	}
	c->in_len += (size_t)n;
	sipwall_timer_after(&c->idle, CONTROL_IDLE_MS);
	if (n == 0 || memchr(c->in, '\n', c->in_len)) {
		char *nl = memchr(c->in, '\n', c->in_len);

		/* one command: what follows its line is ignored */
		if (nl)
			c->in_len = (size_t)(nl - c->in);
		run_command(c, NULL);
	} else if (c->in_len == sizeof(c->in) - 1) {
		run_command(c, "error: command line too long\n");
	}
}

static void on_accept(struct sipwall_io *io, uint32_t events)
{
	(void)events;
	for (;;) {
		int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct client *c;
		unsigned int slot;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				log_warn("control socket: accept: %s", strerror(errno));
			return;
		}
		for (slot = 0; slot < CONTROL_CLIENTS && control.clients[slot]; slot++)
			;
		c = slot < CONTROL_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
		if (!c) {
			close(fd);	/* busy: the client sees EOF at once */
			continue;
		}
		sipwall_timer_init(&c->idle, on_idle);
		if (sipwall_io_add(&c->io, fd, EPOLLIN, on_client) ||
		    sipwall_timer_after(&c->idle, CONTROL_IDLE_MS)) {
			sipwall_io_del(&c->io);
			close(fd);
			free(c);
			continue;
		}
		control.clients[slot] = c;
	}
}

/* A socket at path that nobody accepts on is stale; a live one belongs to another daemon. */
static int clear_stale(const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(sun->sun_path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (!rc) {
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(sun->sun_path);
}

static void make_parent(const char *path)
{
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;

	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) && errno != EEXIST)
			log_warn("control socket: cannot create %s: %s", dir, strerror(errno));
	}
	free(dir);
}

int sipwall_control_open(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t mask;
	int fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_error("control socket %s: path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	make_parent(path);
	if (clear_stale(&sun)) {
		log_error("control socket %s: %s; running without it", path,
			  errno == EADDRINUSE ? "another sipwalld answers there" : strerror(errno));
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto err;
	/* mode 0660 from the start: no window in which others may connect */
	mask = umask(0117);
	rc = bind(fd, (const struct sockaddr *)&sun, sizeof(sun));
	umask(mask);
	if (rc || listen(fd, CONTROL_CLIENTS) || sipwall_io_add(&control.listen, fd, EPOLLIN, on_accept))
		goto err_close;
	control.path = strdup(path);
	log_info("control socket %s ready", path);
	return 0;

err_close:
	close(fd);
	control.listen.fd = -1;
err:
	log_error("control socket %s: %s; running without it", path, strerror(errno));
	return -1;
}

void sipwall_control_close(void)
{
	for (unsigned int i = 0; i < CONTROL_CLIENTS; i++)
		if (control.clients[i])
			client_close(control.clients[i]);
	if (control.listen.fd >= 0) {
		sipwall_io_del(&control.listen);
		close(control.listen.fd);
		control.listen.fd = -1;
	}
	if (control.path)
		unlink(control.path);
	free(control.path);
	control.path = NULL;
}
