// SPDX-License-Identifier: GPL-2.0
/*
 * TCP and TLS connections, accepted or opened: non-blocking I/O, TLS
 * handshakes, stream framing, RFC 5626 CRLF keepalive answers, idle
 * timeouts, limits per source address and in total, and lookup by id or
 * by peer address so that requests reuse a peer's open connection.
 *
 * Lifetime: a connection is closed by conn_close(), which unhooks it from
 * the loop and every table at once; its memory is freed after the current
 * batch of events (sipwall_loop_defer), because a later event of the same
 * batch may still point at it.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "sip_buf.h"
#include "sip_frame.h"
#include "sip_msg.h"
#include "tls.h"
#include "transport.h"

#define CONN_HANDSHAKE_TIMEOUT_MS	10000
#define CONN_CONNECT_TIMEOUT_MS		10000
#define CONN_OUTPUT_LIMIT		(1u << 20)	/* unsent bytes before we give up */
#define CONN_INPUT_START		4096		/* most messages fit; idle connections stay small */

enum conn_state {
	CONN_CONNECTING,	/* outbound TCP connect() in progress */
	CONN_HANDSHAKING,	/* TLS handshake in progress */
	CONN_OPEN,
};

struct conn {
	struct sipwall_io io;
	uint64_t id;
	enum sipwall_proto proto;
	enum conn_state state;
	bool outbound;
	bool closed;
	struct sipwall_realm *realm;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	SSL *ssl;
	char *in;		/* received, not yet framed; grows on demand */
	size_t in_len;
	size_t in_cap;
	struct sip_buf out;	/* queued for sending */
	uint64_t last_active_ms;
	struct sipwall_timer idle;
	struct sipwall_hnode by_id;
	struct sipwall_hnode by_peer;
	struct source *source;
	struct sipwall_deferred free_later;
	struct conn *prev, *next;	/* all connections */
};

/* Connections from one source address (port ignored), for the per-source limit. */
struct source {
	struct sipwall_hnode node;
	struct sockaddr_storage addr;
	unsigned int count;
};

static struct {
	struct sipwall_htab by_id;
	struct sipwall_htab by_peer;
	struct conn *all;
	unsigned int count;
	unsigned int max_total;
	uint64_t next_id;
} conns;

int sipwall_conn_init(void)
{
	conns.next_id = 1;
	conns.max_total = 10000;
	if (sipwall_htab_init(&conns.by_id))
		return -1;
	if (sipwall_htab_init(&conns.by_peer)) {
		sipwall_htab_uninit(&conns.by_id);
		return -1;
	}
	return 0;
}

void sipwall_conn_set_limits(unsigned int max_total)
{
	conns.max_total = max_total;
}

unsigned int sipwall_conn_count(void)
{
	return conns.count;
}

/* The address bytes (not the padding of sockaddr_storage) and the port. */
static const void *addr_bytes(const struct sockaddr_storage *a, size_t *len, uint16_t *port)
{
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;

		*len = sizeof(in6->sin6_addr);
		*port = in6->sin6_port;
		return &in6->sin6_addr;
	}
	*len = sizeof(((const struct sockaddr_in *)a)->sin_addr);
	*port = ((const struct sockaddr_in *)a)->sin_port;
	return &((const struct sockaddr_in *)a)->sin_addr;
}

static bool addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b,
		       bool with_port)
{
	size_t la, lb;
	uint16_t pa, pb;
	const void *ka = addr_bytes(a, &la, &pa), *kb = addr_bytes(b, &lb, &pb);

	return a->ss_family == b->ss_family && la == lb && !memcmp(ka, kb, la) &&
	       (!with_port || pa == pb);
}

static uint64_t addr_hash(const struct sockaddr_storage *a, bool with_port, uint64_t salt)
{
	size_t len;
	uint16_t port;
	const void *key = addr_bytes(a, &len, &port);
	uint64_t h = sipwall_hash(key, len, SIPWALL_HASH_INIT);

	if (with_port)
		h = sipwall_hash(&port, sizeof(port), h);
	return h ^ salt;
}

static uint64_t peer_hash(enum sipwall_proto proto, const struct sockaddr_storage *a)
{
	return addr_hash(a, true, (uint64_t)proto);
}

static uint64_t source_hash(const struct sockaddr_storage *a)
{
	return addr_hash(a, false, 0);
}

static struct source *source_get(struct sipwall_realm *realm, const struct sockaddr_storage *a,
				 bool create)
{
	uint64_t h = source_hash(a);
	struct source *s;

	for (struct sipwall_hnode *n = sipwall_htab_first(&realm->sources, h); n;
	     n = sipwall_htab_next(n, h)) {
		s = container_of(n, struct source, node);
		if (addr_equal(&s->addr, a, false))
			return s;
	}
	if (!create)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->addr = *a;
	sipwall_htab_insert(&realm->sources, &s->node, h);
	return s;
}

static void source_put(struct sipwall_realm *realm, struct source *s)
{
	if (--s->count == 0) {
		sipwall_htab_remove(&realm->sources, &s->node);
		free(s);
	}
}

static void conn_free(struct sipwall_deferred *d)
{
	struct conn *c = container_of(d, struct conn, free_later);

	if (c->ssl)
		SSL_free(c->ssl);
	sip_buf_uninit(&c->out);
	free(c->in);
	free(c);
}

static void conn_close(struct conn *c, const char *why)
{
	char where[64];

	if (c->closed)
		return;
	c->closed = true;
	sipwall_addr_format(&c->peer, where, sizeof(where));
	log_debug("%s connection %llu %s %s closed: %s", sipwall_proto_name(c->proto),
		  (unsigned long long)c->id, c->outbound ? "to" : "from", where, why);
	sipwall_timer_stop(&c->idle);
	sipwall_io_del(&c->io);
	/* a clean TLS close tells the peer no truncation happened */
	if (c->ssl && c->state == CONN_OPEN)
		SSL_shutdown(c->ssl);
	close(c->io.fd);
	c->io.fd = -1;
	sipwall_htab_remove(&conns.by_id, &c->by_id);
	sipwall_htab_remove(&conns.by_peer, &c->by_peer);
	if (c->source)
		source_put(c->realm, c->source);
	c->realm->connections--;
	conns.count--;
	sipwall_txn_connection_lost(c->id);
	if (c->prev)
		c->prev->next = c->next;
	else
		conns.all = c->next;
	if (c->next)
		c->next->prev = c->prev;
	sipwall_loop_defer(&c->free_later, conn_free);
}

void sipwall_conn_close_realm(struct sipwall_realm *realm, const char *why)
{
	for (struct conn *c = conns.all, *next; c; c = next) {
		next = c->next;
		if (c->realm == realm)
			conn_close(c, why);
	}
}

void sipwall_conn_uninit(void)
{
	while (conns.all)
		conn_close(conns.all, "shutting down");
	sipwall_htab_uninit(&conns.by_id);
	sipwall_htab_uninit(&conns.by_peer);
}

static void on_idle(struct sipwall_timer *t)
{
	struct conn *c = container_of(t, struct conn, idle);
	uint64_t now = sipwall_now_ms();
	uint64_t limit;

	if (c->state == CONN_CONNECTING) {
		conn_close(c, "connect timed out");
		return;
	}
	if (c->state == CONN_HANDSHAKING) {
		sipwall_stats.tls_handshake_failures++;
		conn_close(c, "TLS handshake timed out");
		return;
	}
	/* re-armed lazily: traffic only stamps last_active_ms */
	limit = (uint64_t)c->realm->cfg->idle_timeout * 1000;
	if (now - c->last_active_ms >= limit) {
		sipwall_stats.conns_idle_closed++;
		conn_close(c, "idle");
		return;
	}
	sipwall_timer_after(&c->idle, c->last_active_ms + limit - now);
}

static void update_events(struct conn *c)
{
	uint32_t events = EPOLLIN;

	if (c->state == CONN_CONNECTING || c->out.len)
		events |= EPOLLOUT;
	sipwall_io_modify(&c->io, events);
}

/* Writes what is queued; returns -1 if the connection was closed. */
static int flush(struct conn *c)
{
	size_t done = 0;

	while (done < c->out.len) {
		ssize_t n;

		if (c->ssl) {
			int r;

			ERR_clear_error();
			r = SSL_write(c->ssl, c->out.data + done, (int)(c->out.len - done));
			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);

				if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
					break;
				conn_close(c, "TLS write failed");
				return -1;
			}
			n = r;
		} else {
			n = send(c->io.fd, c->out.data + done, c->out.len - done, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				conn_close(c, strerror(errno));
				return -1;
			}
		}
		done += (size_t)n;
	}
	if (done) {
		memmove(c->out.data, c->out.data + done, c->out.len - done);
		c->out.len -= done;
	}
	update_events(c);
	return 0;
}

static int queue(struct conn *c, const void *data, size_t len)
{
	if (c->out.len + len > CONN_OUTPUT_LIMIT) {
		conn_close(c, "peer does not read");
		return -1;
	}
	sip_buf_append(&c->out, data, len);
	if (c->out.failed) {
		conn_close(c, "out of memory");
		return -1;
	}
	if (c->state != CONN_OPEN)
		return 0;
	return flush(c);
}

/* Frames and delivers every complete message; -1 if the connection closed. */
static int deliver(struct conn *c)
{
	size_t offset = 0;

	while (offset < c->in_len && !c->closed) {
		struct sipwall_peer from = { .proto = c->proto, .realm = c->realm,
					     .conn_id = c->id, .udp_fd = -1,
					     .addr = c->peer, .addr_len = c->peer_len };
		const char *reason = NULL;
		size_t used = 0;
		enum sip_frame f = sip_frame_next(c->in + offset, c->in_len - offset, &used, &reason);

		if (f == SIP_FRAME_NEED_MORE)
			break;
		if (f == SIP_FRAME_ERROR) {
			/* framing is lost: nothing after this can be trusted */
			sipwall_stats.rx_bad_requests++;
			log_info("closing %s connection %llu: %s", sipwall_proto_name(c->proto),
				 (unsigned long long)c->id, reason);
			conn_close(c, reason);
			return -1;
		}
		if (f == SIP_FRAME_PING) {
			sipwall_stats.keepalive_pings++;
			if (queue(c, "\r\n", 2))
				return -1;
		} else if (f == SIP_FRAME_MESSAGE) {
			sipwall_core_receive(&from, c->in + offset, used);
		}
		offset += used;
	}
	if (c->closed)
		return -1;
	memmove(c->in, c->in + offset, c->in_len - offset);
	c->in_len -= offset;
	/* a large message has gone: give its memory back while idle */
	if (!c->in_len && c->in_cap > CONN_INPUT_START) {
		free(c->in);
		c->in = NULL;
		c->in_cap = 0;
	}
	return 0;
}

static int handshake(struct conn *c)
{
	int r, e;
	char subject[256];
	const char *sni;

	ERR_clear_error();
	r = c->outbound ? SSL_connect(c->ssl) : SSL_accept(c->ssl);
	if (r == 1) {
		c->state = CONN_OPEN;
		sipwall_tls_peer_name(c->ssl, subject, sizeof(subject));
		sni = SSL_get_servername(c->ssl, TLSEXT_NAMETYPE_host_name);
		log_debug("TLS connection %llu: %s %s, peer %s, server name %s%s",
			  (unsigned long long)c->id, SSL_get_version(c->ssl),
			  SSL_get_cipher_name(c->ssl), subject, sni ? sni : "-",
			  SSL_session_reused(c->ssl) ? ", resumed" : "");
		sipwall_timer_after(&c->idle, (uint64_t)c->realm->cfg->idle_timeout * 1000);
		return flush(c);
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		sipwall_io_modify(&c->io, EPOLLIN | (e == SSL_ERROR_WANT_WRITE ? EPOLLOUT : 0));
		return 0;
	}
	{
		char where[64], detail[256] = "connection closed";
		unsigned long code = ERR_get_error();

		if (code)
			ERR_error_string_n(code, detail, sizeof(detail));
		ERR_clear_error();
		sipwall_addr_format(&c->peer, where, sizeof(where));
		log_info("realm %s: TLS handshake with %s failed: %s", c->realm->name, where, detail);
		/* the verification result says why a certificate was refused */
		if (SSL_get_verify_result(c->ssl) != X509_V_OK)
			log_info("realm %s: certificate of %s: %s", c->realm->name, where,
				 X509_verify_cert_error_string(SSL_get_verify_result(c->ssl)));
	}
	sipwall_stats.tls_handshake_failures++;
	conn_close(c, "TLS handshake failed");
	return -1;
}

/* Doubles the input buffer up to one maximal message (plus one byte). */
static int grow_input(struct conn *c)
{
	size_t cap = c->in_cap ? c->in_cap * 2 : CONN_INPUT_START;
	char *grown;

	if (c->in_cap >= SIP_MSG_MAX_SIZE + 1) {
		/* a full buffer without a complete message: over the limit */
		sipwall_stats.rx_bad_requests++;
		conn_close(c, "message too large");
		return -1;
	}
	if (cap > SIP_MSG_MAX_SIZE + 1)
		cap = SIP_MSG_MAX_SIZE + 1;
	grown = realloc(c->in, cap);
	if (!grown) {
		conn_close(c, "out of memory");
		return -1;
	}
	c->in = grown;
	c->in_cap = cap;
	return 0;
}

static int read_some(struct conn *c)
{
	for (;;) {
		size_t room;
		ssize_t n;

		if (c->in_len == c->in_cap && grow_input(c))
			return -1;
		room = c->in_cap - c->in_len;
		if (c->ssl) {
			int r;

			ERR_clear_error();
			r = SSL_read(c->ssl, c->in + c->in_len, (int)room);
			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);

				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
					return 0;
				conn_close(c, e == SSL_ERROR_ZERO_RETURN ? "closed by peer" :
					   "TLS read failed");
				return -1;
			}
			n = r;
		} else {
			n = recv(c->io.fd, c->in + c->in_len, room, 0);
			if (n == 0) {
				conn_close(c, "closed by peer");
				return -1;
			}
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					return 0;
				conn_close(c, strerror(errno));
				return -1;
			}
		}
		c->in_len += (size_t)n;
		c->last_active_ms = sipwall_now_ms();
		if (deliver(c))
			return -1;
	}
}

static void on_event(struct sipwall_io *io, uint32_t events)
{
	struct conn *c = container_of(io, struct conn, io);

	if (c->state == CONN_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err || (events & (EPOLLERR | EPOLLHUP))) {
			conn_close(c, err ? strerror(err) : "connect failed");
			return;
		}
		c->state = c->ssl ? CONN_HANDSHAKING : CONN_OPEN;
		if (c->state == CONN_OPEN) {
			sipwall_timer_after(&c->idle, (uint64_t)c->realm->cfg->idle_timeout * 1000);
			flush(c);
			return;
		}
	}
	if (c->state == CONN_HANDSHAKING) {
		if (handshake(c) || c->state != CONN_OPEN)
			return;
	}
	if ((events & EPOLLOUT) && flush(c))
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_some(c);
}

static struct conn *conn_new(struct sipwall_realm *realm, enum sipwall_proto proto, int fd,
			     const struct sockaddr_storage *peer, socklen_t peer_len)
{
	struct conn *c = calloc(1, sizeof(*c));
	int one = 1;

	if (!c)
		return NULL;
	c->id = conns.next_id++;
	c->proto = proto;
	c->realm = realm;
	c->peer = *peer;
	c->peer_len = peer_len;
	c->last_active_ms = sipwall_now_ms();
	c->io.fd = fd;
	sip_buf_init(&c->out, CONN_OUTPUT_LIMIT);
	sipwall_timer_init(&c->idle, on_idle);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return c;
}

static int conn_register(struct conn *c, uint32_t events)
{
	if (sipwall_io_add(&c->io, c->io.fd, events, on_event))
		return -1;
	sipwall_htab_insert(&conns.by_id, &c->by_id,
			    sipwall_hash(&c->id, sizeof(c->id), SIPWALL_HASH_INIT));
	sipwall_htab_insert(&conns.by_peer, &c->by_peer, peer_hash(c->proto, &c->peer));
	c->next = conns.all;
	if (conns.all)
		conns.all->prev = c;
	conns.all = c;
	conns.count++;
	c->realm->connections++;
	return 0;
}

void sipwall_conn_accept(struct sipwall_realm *realm, enum sipwall_proto proto, int fd,
			 const struct sockaddr_storage *peer, socklen_t peer_len)
{
	const struct sipwall_realm_config *rc = realm->cfg;
	struct source *source;
	struct conn *c;
	char where[64];

	sipwall_addr_format(peer, where, sizeof(where));
	source = source_get(realm, peer, false);
	if (conns.count >= conns.max_total || realm->connections >= rc->max_connections ||
	    (source && source->count >= rc->max_connections_per_source)) {
		sipwall_stats.conns_refused++;
		log_info("realm %s: refusing %s connection from %s: connection limit",
			 realm->name, sipwall_proto_name(proto), where);
		close(fd);
		return;
	}
	source = source_get(realm, peer, true);
	if (!source)
		goto err_close;
	source->count++;
	c = conn_new(realm, proto, fd, peer, peer_len);
	if (!c)
		goto err_source;
	c->source = source;
	if (proto == SIPWALL_PROTO_TLS) {
		c->ssl = SSL_new(realm->tls_server);
		if (!c->ssl || !SSL_set_fd(c->ssl, fd))
			goto err_conn;
		c->state = CONN_HANDSHAKING;
		sipwall_timer_after(&c->idle, CONN_HANDSHAKE_TIMEOUT_MS);
	} else {
		c->state = CONN_OPEN;
		sipwall_timer_after(&c->idle, (uint64_t)rc->idle_timeout * 1000);
	}
	if (conn_register(c, EPOLLIN))
		goto err_conn;
	sipwall_stats.conns_accepted++;
	log_debug("realm %s: %s connection %llu from %s", realm->name, sipwall_proto_name(proto),
		  (unsigned long long)c->id, where);
	return;

err_conn:
	sipwall_timer_stop(&c->idle);
	if (c->ssl)
		SSL_free(c->ssl);
	sip_buf_uninit(&c->out);
	free(c->in);
	free(c);
err_source:
	source_put(realm, source);
err_close:
	log_warn("realm %s: cannot take connection from %s: out of resources", realm->name, where);
	close(fd);
}

static struct conn *find_by_id(uint64_t id)
{
	uint64_t h = sipwall_hash(&id, sizeof(id), SIPWALL_HASH_INIT);

	for (struct sipwall_hnode *n = sipwall_htab_first(&conns.by_id, h); n;
	     n = sipwall_htab_next(n, h)) {
		struct conn *c = container_of(n, struct conn, by_id);

		if (c->id == id)
			return c;
	}
	return NULL;
}

static struct conn *find_by_peer(enum sipwall_proto proto, const struct sockaddr_storage *a)
{
	uint64_t h = peer_hash(proto, a);

	for (struct sipwall_hnode *n = sipwall_htab_first(&conns.by_peer, h); n;
	     n = sipwall_htab_next(n, h)) {
		struct conn *c = container_of(n, struct conn, by_peer);

		if (c->proto == proto && addr_equal(&c->peer, a, true))
			return c;
	}
	return NULL;
}

bool sipwall_conn_alive(uint64_t conn_id)
{
	return find_by_id(conn_id) != NULL;
}

bool sipwall_conn_peer_verified(uint64_t conn_id)
{
	struct conn *c = find_by_id(conn_id);

	/* a certificate that fails verification fails the handshake, when one is asked for */
	return c && c->ssl && c->state == CONN_OPEN && SSL_get0_peer_certificate(c->ssl) &&
	       SSL_get_verify_result(c->ssl) == X509_V_OK;
}

static struct conn *conn_open(struct sipwall_peer *to)
{
	struct sipwall_realm *realm = to->realm;
	struct conn *c;
	int fd;

	if (conns.count >= conns.max_total || realm->connections >= realm->cfg->max_connections)
		return NULL;
	if (to->proto == SIPWALL_PROTO_TLS && !realm->tls_client)
		return NULL;
	fd = socket(to->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&to->addr, to->addr_len) && errno != EINPROGRESS) {
		close(fd);
		return NULL;
	}
	c = conn_new(realm, to->proto, fd, &to->addr, to->addr_len);
	if (!c) {
		close(fd);
		return NULL;
	}
	c->outbound = true;
	c->state = CONN_CONNECTING;
	if (to->proto == SIPWALL_PROTO_TLS) {
		const char *name = realm->cfg->tls.server_name;

		c->ssl = SSL_new(realm->tls_client);
		if (!c->ssl || !SSL_set_fd(c->ssl, fd))
			goto err;
		/* SNI, and the name the peer's certificate must carry */
		if (name && (!SSL_set_tlsext_host_name(c->ssl, name) ||
			     (realm->cfg->tls.verify_server && !SSL_set1_host(c->ssl, name))))
			goto err;
	}
	if (conn_register(c, EPOLLIN | EPOLLOUT))
		goto err;
	sipwall_timer_after(&c->idle, CONN_CONNECT_TIMEOUT_MS + CONN_HANDSHAKE_TIMEOUT_MS);
	return c;
err:
	if (c->ssl)
		SSL_free(c->ssl);
	sip_buf_uninit(&c->out);
	free(c->in);
	free(c);
	close(fd);
	return NULL;
}

int sipwall_conn_send(struct sipwall_peer *to, const void *data, size_t len)
{
	struct conn *c = to->conn_id ? find_by_id(to->conn_id) : NULL;

	if (!c)
		c = find_by_peer(to->proto, &to->addr);
	if (!c && to->reconnect_len) {
		/* an answer whose connection is gone: the sent-by port, not the old source port */
		to->addr = to->reconnect;
		to->addr_len = to->reconnect_len;
		to->reconnect_len = 0;
		c = find_by_peer(to->proto, &to->addr);
	}
	if (!c)
		c = conn_open(to);
	if (!c)
		return -1;
	to->conn_id = c->id;
	return queue(c, data, len);
}
