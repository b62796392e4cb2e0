// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <ldap.h>
#include <netdb.h>
#include <openldap.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth_lru.h"
#include "auth_param.h"
#include "hashtab.h"
#include "ldap_client.h"
#include "ldap_filter.h"
#include "ldap_tls.h"
#include "log.h"
#include "loop.h"

/* results read per readiness event before yielding to other work */
#define READS_PER_EVENT	256
#define REALM_MAX	255
/* how often a host name being resolved is looked at; how long its address is used */
#define RESOLVE_POLL_MS	5
#define RESOLVED_TTL_MS	60000

enum conn_state {
	ST_DOWN,	/* no connection: waiting to connect, or backing off */
	ST_RESOLVING,	/* the uri's host name is being resolved (getaddrinfo_a) */
	ST_CONNECTING,	/* non-blocking connect() in progress */
	ST_TLS,		/* TLS handshake in progress (LDAPS, or after StartTLS) */
	ST_STARTTLS,	/* StartTLS request sent */
	ST_BINDING,	/* simple bind sent */
	ST_READY,
};

struct req_link {
	struct req_link *prev, *next;
};

struct sipwall_ldap_req {
	struct sipwall_ldap *ldap;
	struct req_link link;			/* on the waiting list */
	struct sipwall_hnode node;		/* in the sent table, by message id */
	struct sipwall_hnode asking;		/* in the table of searches in flight, by key */
	struct sipwall_ldap_req *followers;	/* same key, asked meanwhile: answered with us */
	struct sipwall_ldap_req *next_follower;
	bool leads, follows;
	struct sipwall_timer timer;		/* request_timeout */
	struct sipwall_deferred deferred;
	sipwall_ldap_fn fn;			/* NULL: cancelled */
	void *ctx;
	int msgid;				/* -1: not sent */
	bool queued, sent, done;
	unsigned int entries;
	bool has_cred;
	bool cached;				/* answered from a cache */
	uint64_t sent_ms;
	enum sipwall_ldap_status status;
	struct sipwall_credential cred;
	size_t user_len, key_len;
	char key[];				/* user, NUL, realm */
};

/*
 * A host name being resolved by glibc's getaddrinfo_a() (its own threads;
 * we look at it from a timer, so the loop never waits). One that is given
 * up while glibc works on it cannot be cancelled: it goes to the orphans,
 * freed once it ends.
 */
struct resolving {
	struct gaicb cb;
	struct addrinfo hints;
	char host[256];
	char port[8];
	struct resolving *next;		/* orphans */
};

static struct resolving *orphans;

struct sipwall_ldap {
	struct sipwall_ldap_config cfg;
	enum conn_state state;
	struct resolving *resolving;	/* for uris[uri_index] */
	struct sipwall_timer resolve_timer;
	struct {
		struct sockaddr_storage addr;
		socklen_t len;
		uint64_t at_ms;		/* when resolved; 0: never */
	} resolved[SIPWALL_LDAP_MAX_URIS];
	bool backing_off;		/* every server failed: fail fast until the timer */
	LDAP *ld;			/* owns the socket once set */
	SSL_CTX *tls_ctx;		/* for ldaps:// and StartTLS */
	SSL *ssl;			/* handshake in progress; then libldap's */
	char *host;			/* of the uri connected to: TLS checks it */
	struct sipwall_io io;
	unsigned int uri_index;
	unsigned int backoff_ms;
	struct sipwall_timer conn_timer;	/* connect/bind timeout, reconnect */
	struct sipwall_timer drain_timer;	/* more results buffered in libldap */
	/*
	 * Serving from a later uri, we look for the first one to come back:
	 * a TCP probe every reconnect_max; once it answers, new lookups wait
	 * (draining) until those in flight are answered, then we switch.
	 */
	struct sipwall_timer failback_timer;
	struct sipwall_io probe;
	bool draining;
	int op_msgid;			/* StartTLS or bind */
	struct req_link waiting;		/* list sentinel, oldest first */
	struct sipwall_htab sent;
	struct sipwall_htab asking;		/* one search per key at a time */
	unsigned int pending;
	uint64_t last_rx_ms;
	unsigned int generation;	/* of the connection: bumped when it closes */
	struct sipwall_lru positive, negative;
	struct sipwall_ldap_stats stats;
	char *attrs[2];
};

static struct sipwall_ldap_req *req_of(struct req_link *link)
{
	return container_of(link, struct sipwall_ldap_req, link);
}

static void link_remove(struct req_link *link)
{
	link->prev->next = link->next;
	link->next->prev = link->prev;
}

struct positive_record {
	struct sipwall_credential cred;
};

static const char *uri_now(const struct sipwall_ldap *l)
{
	return l->cfg.uris[l->uri_index < l->cfg.uri_count ? l->uri_index : 0];
}

/* ---- requests ---- */

static void deliver(struct sipwall_deferred *d)
{
	struct sipwall_ldap_req *req = container_of(d, struct sipwall_ldap_req, deferred);

	if (req->fn)
		req->fn(req->ctx, req->status, req->status == SIPWALL_LDAP_FOUND ? &req->cred : NULL,
			req->cached);
	sipwall_credential_wipe(&req->cred);
	free(req);
}

/* Takes req off every list and timer and hands its result over after this batch. */
static void complete(struct sipwall_ldap_req *req, enum sipwall_ldap_status status)
{
	struct sipwall_ldap *l = req->ldap;

	if (req->done)
		return;
	req->done = true;
	if (req->queued) {
		link_remove(&req->link);
		req->queued = false;
		l->pending--;
	}
	if (req->sent) {
		sipwall_htab_remove(&l->sent, &req->node);
		req->sent = false;
		l->pending--;
		/* the last answer on the old connection: now switch */
		if (l->draining && !l->sent.count)
			sipwall_timer_after(&l->failback_timer, 0);
	}
	sipwall_timer_stop(&req->timer);
	req->status = status;
	if (status == SIPWALL_LDAP_FOUND)
		l->stats.found++;
	else if (status == SIPWALL_LDAP_NOT_FOUND)
		l->stats.not_found++;
	else
		l->stats.unavailable++;
	if (status != SIPWALL_LDAP_FOUND)
		sipwall_credential_wipe(&req->cred);
	if (req->follows)
		l->pending--;
	if (req->leads) {
		sipwall_htab_remove(&l->asking, &req->asking);
		req->leads = false;
	}
	/* bounded by max_pending; followers never lead, so this does not recurse */
	while (req->followers) {
		struct sipwall_ldap_req *f = req->followers;

		req->followers = f->next_follower;
		f->cred = req->cred;
		complete(f, status);
	}
	sipwall_loop_defer(&req->deferred, deliver);
}

/* The search in flight for this key, if any. */
static struct sipwall_ldap_req *find_asking(struct sipwall_ldap *l, const char *key,
					    size_t key_len, uint64_t hash)
{
	for (struct sipwall_hnode *n = sipwall_htab_first(&l->asking, hash); n;
	     n = sipwall_htab_next(n, hash)) {
		struct sipwall_ldap_req *req = container_of(n, struct sipwall_ldap_req, asking);

		if (req->key_len == key_len && !memcmp(req->key, key, key_len))
			return req;
	}
	return NULL;
}

static void fail_waiting(struct sipwall_ldap *l)
{
	while (l->waiting.next != &l->waiting)
		complete(req_of(l->waiting.next), SIPWALL_LDAP_UNAVAILABLE);
}

static void fail_sent(struct sipwall_ldap *l)
{
	/* complete() removes from the table: restart the walk each time */
	for (size_t b = 0; b <= l->sent.mask; b++) {
		while (l->sent.buckets[b]) {
			struct sipwall_ldap_req *req =
				container_of(l->sent.buckets[b], struct sipwall_ldap_req, node);

			complete(req, SIPWALL_LDAP_UNAVAILABLE);
		}
	}
}

static struct sipwall_ldap_req *find_sent(struct sipwall_ldap *l, int msgid)
{
	uint64_t hash = (uint64_t)(unsigned int)msgid;

	for (struct sipwall_hnode *n = sipwall_htab_first(&l->sent, hash); n;
	     n = sipwall_htab_next(n, hash)) {
		struct sipwall_ldap_req *req = container_of(n, struct sipwall_ldap_req, node);

		if (req->msgid == msgid)
			return req;
	}
	return NULL;
}

static void conn_failed(struct sipwall_ldap *l);

/* (&TEMPLATE(!DISABLED)) with the user and realm escaped */
static int build_filter(const struct sipwall_ldap *l, const struct sipwall_ldap_req *req,
			char *out, size_t size)
{
	struct sip_str user = sip_str_make(req->key, req->user_len);
	struct sip_str realm = sip_str_make(req->key + req->user_len + 1,
					    req->key_len - req->user_len - 1);
	size_t n;

	if (!l->cfg.disabled_filter)
		return sipwall_ldap_filter_expand(l->cfg.filter, user, realm, out, size);
	if (size < 4)
		return -1;
	memcpy(out, "(&", 2);
	if (sipwall_ldap_filter_expand(l->cfg.filter, user, realm, out + 2, size - 2))
		return -1;
	n = strlen(out);
	if (snprintf(out + n, size - n, "(!%s))", l->cfg.disabled_filter) >= (int)(size - n))
		return -1;
	return 0;
}

static void send_search(struct sipwall_ldap_req *req)
{
	struct sipwall_ldap *l = req->ldap;
	char filter[SIPWALL_LDAP_FILTER_MAX];
	int rc;

	if (build_filter(l, req, filter, sizeof(filter))) {
		/* a name this long is nobody's */
		complete(req, SIPWALL_LDAP_NOT_FOUND);
		return;
	}
	/* size limit 2: one entry is the user, two are a broken directory */
	rc = ldap_search_ext(l->ld, l->cfg.base, LDAP_SCOPE_SUBTREE, filter, l->attrs, 0, NULL,
			     NULL, NULL, 2, &req->msgid);
	if (rc != LDAP_SUCCESS) {
		log_warn("ldap: search on %s failed: %s", uri_now(l), ldap_err2string(rc));
		complete(req, SIPWALL_LDAP_UNAVAILABLE);
		if (rc == LDAP_SERVER_DOWN)
			conn_failed(l);
		return;
	}
	link_remove(&req->link);
	req->queued = false;
	req->sent = true;
	req->sent_ms = sipwall_now_ms();
	sipwall_htab_insert(&l->sent, &req->node, (uint64_t)(unsigned int)req->msgid);
	l->stats.queries++;
}

static void send_waiting(struct sipwall_ldap *l)
{
	/* bounded by max_pending; a failure may end the connection midway */
	while (l->state == ST_READY && !l->draining && l->waiting.next != &l->waiting)
		send_search(req_of(l->waiting.next));
}

static void on_request_timeout(struct sipwall_timer *timer)
{
	struct sipwall_ldap_req *req = container_of(timer, struct sipwall_ldap_req, timer);
	struct sipwall_ldap *l = req->ldap;
	bool silent = req->sent && l->last_rx_ms < req->sent_ms;

	l->stats.timeouts++;
	if (req->sent && l->ld)
		ldap_abandon_ext(l->ld, req->msgid, NULL, NULL);
	complete(req, SIPWALL_LDAP_UNAVAILABLE);
	/* nothing heard since we asked: the server is gone, try the next one */
	if (silent && l->state == ST_READY) {
		log_warn("ldap: %s did not answer within %u ms", uri_now(l),
			 l->cfg.request_timeout_ms);
		conn_failed(l);
	}
}

/* ---- the connection ---- */

static void probe_end(struct sipwall_ldap *l)
{
	if (l->probe.fd >= 0) {
		sipwall_io_del(&l->probe);
		close(l->probe.fd);
		l->probe.fd = -1;
	}
}

static void resolving_free(struct resolving *r)
{
	if (r->cb.ar_result)
		freeaddrinfo(r->cb.ar_result);
	free(r);
}

static void reap_orphans(void)
{
	for (struct resolving **link = &orphans; *link;) {
		struct resolving *r = *link;

		if (gai_error(&r->cb) == EAI_INPROGRESS) {
			link = &r->next;
			continue;
		}
		*link = r->next;
		resolving_free(r);
	}
}

static void resolving_abandon(struct sipwall_ldap *l)
{
	struct resolving *r = l->resolving;

	if (!r)
		return;
	l->resolving = NULL;
	sipwall_timer_stop(&l->resolve_timer);
	if (gai_cancel(&r->cb) == EAI_NOTCANCELED) {
		r->next = orphans;
		orphans = r;
		return;
	}
	resolving_free(r);
}

static void close_conn(struct sipwall_ldap *l)
{
	resolving_abandon(l);
	if (l->io.fd >= 0) {
		sipwall_io_del(&l->io);
		if (l->ld)
			ldap_unbind_ext(l->ld, NULL, NULL);	/* closes the socket */
		else
			close(l->io.fd);
		l->io.fd = -1;
	}
	l->ld = NULL;
	l->generation++;
	SSL_free(l->ssl);
	l->ssl = NULL;
	free(l->host);
	l->host = NULL;
	l->state = ST_DOWN;
	l->draining = false;
	probe_end(l);
	sipwall_timer_stop(&l->conn_timer);
	sipwall_timer_stop(&l->drain_timer);
	sipwall_timer_stop(&l->failback_timer);
	fail_sent(l);
}

static void round_failed(struct sipwall_ldap *l)
{
	l->backoff_ms = l->backoff_ms ? l->backoff_ms * 2 : l->cfg.reconnect_min_ms;
	if (l->backoff_ms > l->cfg.reconnect_max_ms)
		l->backoff_ms = l->cfg.reconnect_max_ms;
	log_warn("ldap: no directory server reachable; trying again in %u ms", l->backoff_ms);
	l->state = ST_DOWN;
	l->backing_off = true;
	fail_waiting(l);
	sipwall_timer_after(&l->conn_timer, l->backoff_ms);
}

static void on_io(struct sipwall_io *io, uint32_t events);

/*
 * The address of uris[index]: an address written in the uri, or what its
 * host name resolved to (within RESOLVED_TTL_MS, or at any age for the
 * failback probe, which never resolves). 0 with *out set; 1 when a
 * resolution has been started (l->resolving); -1 on failure.
 */
static int address_of(struct sipwall_ldap *l, unsigned int index, const LDAPURLDesc *lud,
		      const char *port, bool may_resolve, struct sockaddr_storage *out,
		      socklen_t *out_len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	struct gaicb *list[1];
	struct resolving *r;

	if (!getaddrinfo(lud->lud_host, port, &hints, &res) && res) {
		memcpy(out, res->ai_addr, res->ai_addrlen);
		*out_len = res->ai_addrlen;
		freeaddrinfo(res);
		return 0;
	}
	if (l->resolved[index].at_ms &&
	    (!may_resolve || sipwall_now_ms() - l->resolved[index].at_ms < RESOLVED_TTL_MS)) {
		*out = l->resolved[index].addr;
		*out_len = l->resolved[index].len;
		return 0;
	}
	if (!may_resolve || strlen(lud->lud_host) >= sizeof(r->host))
		return -1;
	reap_orphans();
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	strcpy(r->host, lud->lud_host);
	snprintf(r->port, sizeof(r->port), "%s", port);
	r->hints.ai_socktype = SOCK_STREAM;
	r->hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
	r->cb.ar_name = r->host;
	r->cb.ar_service = r->port;
	r->cb.ar_request = &r->hints;
	list[0] = &r->cb;
	if (getaddrinfo_a(GAI_NOWAIT, list, 1, NULL)) {
		free(r);
		return -1;
	}
	l->resolving = r;
	sipwall_timer_after(&l->resolve_timer, RESOLVE_POLL_MS);
	return 1;
}

/*
 * Starts a non-blocking TCP connect to the server of uris[index], watched
 * by io; *host (if asked for) gets the uri's host, to verify TLS against.
 * 0: connecting; 1: its host name is being resolved first (may_resolve);
 * -1: failed.
 */
static int tcp_connect(struct sipwall_ldap *l, unsigned int index, struct sipwall_io *io,
		       sipwall_io_fn fn, char **host, bool may_resolve)
{
	const char *uri = l->cfg.uris[index];
	struct sockaddr_storage addr;
	socklen_t addr_len = 0;
	LDAPURLDesc *lud = NULL;
	char port[8];
	int fd = -1, rc = -1;

	if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS || !lud->lud_host || !*lud->lud_host)
		goto out;
	snprintf(port, sizeof(port), "%d",
		 lud->lud_port ? lud->lud_port : !strcmp(lud->lud_scheme, "ldaps") ? 636 : 389);
	rc = address_of(l, index, lud, port, may_resolve, &addr, &addr_len);
	if (rc)
		goto out;
	rc = -1;
	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto out;
	if (connect(fd, (struct sockaddr *)&addr, addr_len) && errno != EINPROGRESS)
		goto out_fd;
	if (host) {
		*host = strdup(lud->lud_host);
		if (!*host)
			goto out_fd;
	}
	if (sipwall_io_add(io, fd, EPOLLOUT, fn))
		goto out_host;
	rc = 0;
	goto out;

out_host:
	if (host) {
		free(*host);
		*host = NULL;
	}
out_fd:
	log_debug("ldap: connect to %s: %s", uri, strerror(errno));
	close(fd);
	io->fd = -1;
out:
	if (lud)
		ldap_free_urldesc(lud);
	return rc;
}

/* The TCP connection of io is up: 1; not yet (a late event): 0; failed: -1. */
static int tcp_connected(struct sipwall_io *io)
{
	struct sockaddr_storage peer;
	socklen_t peer_len = sizeof(peer), len;
	int err = 0;

	len = sizeof(err);
	if (getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &err, &len) || err)
		return -1;
	return getpeername(io->fd, (struct sockaddr *)&peer, &peer_len) ? 0 : 1;
}

static void connect_next(struct sipwall_ldap *l)
{
	for (; l->uri_index < l->cfg.uri_count; l->uri_index++) {
		int rc = tcp_connect(l, l->uri_index, &l->io, on_io, &l->host, true);

		if (rc >= 0) {
			/* network_timeout bounds the resolution and the connect each */
			l->state = rc ? ST_RESOLVING : ST_CONNECTING;
			sipwall_timer_after(&l->conn_timer, l->cfg.network_timeout_ms);
			return;
		}
		l->stats.connect_failures++;
	}
	round_failed(l);
}

static void on_resolve_timer(struct sipwall_timer *timer)
{
	struct sipwall_ldap *l = container_of(timer, struct sipwall_ldap, resolve_timer);
	struct resolving *r = l->resolving;
	int err = gai_error(&r->cb);
	bool found;

	if (err == EAI_INPROGRESS) {
		sipwall_timer_after(&l->resolve_timer, RESOLVE_POLL_MS);
		return;
	}
	l->resolving = NULL;
	found = !err && r->cb.ar_result &&
		r->cb.ar_result->ai_addrlen <= sizeof(struct sockaddr_storage);
	if (found) {
		memcpy(&l->resolved[l->uri_index].addr, r->cb.ar_result->ai_addr,
		       r->cb.ar_result->ai_addrlen);
		l->resolved[l->uri_index].len = r->cb.ar_result->ai_addrlen;
		l->resolved[l->uri_index].at_ms = sipwall_now_ms();
	} else {
		log_warn("ldap: %s: cannot resolve %s: %s", uri_now(l), r->host,
			 err ? gai_strerror(err) : "no address");
	}
	resolving_free(r);
	if (found)
		connect_next(l);	/* the address is fresh now: no second resolution */
	else
		conn_failed(l);
}

/* This server failed (refused, timed out, TLS, bind, lost): the next one. */
static void conn_failed(struct sipwall_ldap *l)
{
	if (l->state != ST_DOWN)
		l->stats.connect_failures++;
	close_conn(l);
	l->uri_index++;
	connect_next(l);
}

static void on_conn_timer(struct sipwall_timer *timer)
{
	struct sipwall_ldap *l = container_of(timer, struct sipwall_ldap, conn_timer);

	if (l->state == ST_DOWN) {
		l->backing_off = false;
		l->uri_index = 0;
		connect_next(l);
		return;
	}
	log_warn("ldap: %s: no connection within %u ms", uri_now(l), l->cfg.network_timeout_ms);
	conn_failed(l);
}

static void ready(struct sipwall_ldap *l)
{
	l->state = ST_READY;
	l->backoff_ms = 0;
	l->stats.connects++;
	sipwall_timer_stop(&l->conn_timer);
	log_info("ldap: connected to %s", uri_now(l));
	if (l->uri_index)
		sipwall_timer_after(&l->failback_timer, l->cfg.reconnect_max_ms);
	send_waiting(l);
}

static int begin_bind(struct sipwall_ldap *l)
{
	struct berval cred;
	int rc;

	if (!l->cfg.bind_dn) {
		ready(l);
		return 0;
	}
	cred.bv_val = l->cfg.bind_password;
	cred.bv_len = strlen(l->cfg.bind_password);
	rc = ldap_sasl_bind(l->ld, l->cfg.bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
			    &l->op_msgid);
	if (rc != LDAP_SUCCESS) {
		log_warn("ldap: bind to %s: %s", uri_now(l), ldap_err2string(rc));
		return -1;
	}
	l->state = ST_BINDING;
	return 0;
}

/* Hands the connected socket to libldap. */
static int open_ldap(struct sipwall_ldap *l)
{
	int version = LDAP_VERSION3;

	if (ldap_init_fd(l->io.fd, LDAP_PROTO_TCP, uri_now(l), &l->ld) != LDAP_SUCCESS) {
		l->ld = NULL;
		return -1;
	}
	/* chasing a referral would connect synchronously, elsewhere */
	if (ldap_set_option(l->ld, LDAP_OPT_PROTOCOL_VERSION, &version) ||
	    ldap_set_option(l->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF))
		return -1;
	return 0;
}

/* Drives the handshake on the loop; at its end, TLS goes under libldap. */
static int continue_tls(struct sipwall_ldap *l)
{
	uint32_t events = EPOLLIN;
	char why[160];
	int rc = sipwall_ldap_tls_step(l->ssl, &events, why, sizeof(why));

	if (rc < 0) {
		log_warn("ldap: TLS with %s failed: %s", uri_now(l), why);
		return -1;
	}
	if (!rc)
		return sipwall_io_modify(&l->io, events);
	if (!l->ld && open_ldap(l))
		return -1;
	if (sipwall_ldap_tls_install(l->ld, l->ssl))
		return -1;
	/* the socket buffer frees it now */
	l->ssl = NULL;
	log_debug("ldap: TLS with %s established", uri_now(l));
	if (sipwall_io_modify(&l->io, EPOLLIN))
		return -1;
	return begin_bind(l);
}

static int begin_tls(struct sipwall_ldap *l)
{
	l->ssl = sipwall_ldap_tls_new(l->tls_ctx, l->io.fd, l->host);
	if (!l->ssl)
		return -1;
	l->state = ST_TLS;
	return continue_tls(l);
}

/* The TCP connection is up: TLS (LDAPS), or libldap and StartTLS or bind. */
static int start_session(struct sipwall_ldap *l)
{
	if (!strncmp(uri_now(l), "ldaps://", 8))
		return begin_tls(l);
	if (open_ldap(l) || sipwall_io_modify(&l->io, EPOLLIN))
		return -1;
	if (l->cfg.starttls) {
		if (ldap_start_tls(l->ld, NULL, NULL, &l->op_msgid) != LDAP_SUCCESS)
			return -1;
		l->state = ST_STARTTLS;
		return 0;
	}
	return begin_bind(l);
}

static int op_result(struct sipwall_ldap *l, LDAPMessage *msg, const char *what)
{
	int err = LDAP_OTHER;
	char *text = NULL;

	if (ldap_parse_result(l->ld, msg, &err, NULL, &text, NULL, NULL, 0) != LDAP_SUCCESS)
		err = LDAP_OTHER;
	if (err != LDAP_SUCCESS)
		log_warn("ldap: %s on %s refused: %s%s%s", what, uri_now(l), ldap_err2string(err),
			 text && *text ? ": " : "", text ? text : "");
	ldap_memfree(text);
	return err == LDAP_SUCCESS ? 0 : -1;
}

static void take_entry(struct sipwall_ldap *l, struct sipwall_ldap_req *req, LDAPMessage *msg)
{
	struct sip_str user = sip_str_make(req->key, req->user_len);
	struct sip_str realm = sip_str_make(req->key + req->user_len + 1,
					    req->key_len - req->user_len - 1);
	struct berval **vals;
	struct sip_str v;
	int rc = -1;

	if (++req->entries > 1) {
		sipwall_credential_wipe(&req->cred);
		req->has_cred = false;
		return;
	}
	vals = ldap_get_values_len(l->ld, msg, l->cfg.attribute);
	if (!vals || !vals[0]) {
		log_info("ldap: the entry of user %.*s has no %s", SIP_STR_ARG(user),
			 l->cfg.attribute);
		goto out;
	}
	v = sip_str_make(vals[0]->bv_val, vals[0]->bv_len);
	switch (l->cfg.form) {
	case SIPWALL_LDAP_CLEARTEXT:
		rc = sipwall_credential_from_password(&req->cred, user, realm, v);
		break;
	case SIPWALL_LDAP_HA1_MD5:
		rc = sipwall_credential_from_hex(&req->cred, SIPWALL_DIGEST_MD5, v);
		break;
	case SIPWALL_LDAP_HA1_SHA256:
		rc = sipwall_credential_from_hex(&req->cred, SIPWALL_DIGEST_SHA256, v);
		break;
	}
	if (rc)
		log_warn("ldap: the %s of user %.*s is not a valid credential", l->cfg.attribute,
			 SIP_STR_ARG(user));
	req->has_cred = rc == 0;
out:
	if (vals) {
		for (struct berval **bv = vals; *bv; bv++)
			OPENSSL_cleanse((*bv)->bv_val, (*bv)->bv_len);
		ldap_value_free_len(vals);
	}
}

static void take_result(struct sipwall_ldap *l, struct sipwall_ldap_req *req, LDAPMessage *msg)
{
	int err = LDAP_OTHER;
	bool created;

	if (ldap_parse_result(l->ld, msg, &err, NULL, NULL, NULL, NULL, 0) != LDAP_SUCCESS)
		err = LDAP_OTHER;
	if (req->entries > 1) {
		log_warn("ldap: user %.*s matches several entries: refused", (int)req->user_len,
			 req->key);
	} else if (err != LDAP_SUCCESS) {
		log_warn("ldap: search on %s failed: %s", uri_now(l), ldap_err2string(err));
		complete(req, SIPWALL_LDAP_UNAVAILABLE);
		return;
	} else if (req->has_cred) {
		struct positive_record *r =
			sipwall_lru_put(&l->positive, req->key, req->key_len, sipwall_now_ms(),
					sipwall_now_ms() + (uint64_t)l->cfg.cache_ttl_s * 1000,
					&created);

		if (r)
			r->cred = req->cred;
		complete(req, SIPWALL_LDAP_FOUND);
		return;
	}
	sipwall_lru_put(&l->negative, req->key, req->key_len, sipwall_now_ms(),
			sipwall_now_ms() + (uint64_t)l->cfg.negative_cache_ttl_s * 1000, &created);
	complete(req, SIPWALL_LDAP_NOT_FOUND);
}

/* Returns -1 when this server must be given up. */
static int take_message(struct sipwall_ldap *l, LDAPMessage *msg, int type)
{
	int msgid = ldap_msgid(msg);
	struct sipwall_ldap_req *req;

	if (l->state == ST_STARTTLS && msgid == l->op_msgid) {
		if (op_result(l, msg, "StartTLS"))
			return -1;
		return begin_tls(l);
	}
	if (l->state == ST_BINDING && msgid == l->op_msgid) {
		if (op_result(l, msg, "bind"))
			return -1;
		ready(l);
		return 0;
	}
	req = find_sent(l, msgid);
	/* abandoned after a time-out: drop what still arrives */
	if (!req)
		return 0;
	if (type == LDAP_RES_SEARCH_ENTRY)
		take_entry(l, req, msg);
	else if (type == LDAP_RES_SEARCH_RESULT)
		take_result(l, req, msg);
	return 0;
}

static void read_results(struct sipwall_ldap *l)
{
	unsigned int generation = l->generation;

	for (int i = 0; i < READS_PER_EVENT; i++) {
		struct timeval poll = { 0, 0 };
		LDAPMessage *msg = NULL;
		int type, failed;

		type = ldap_result(l->ld, LDAP_RES_ANY, LDAP_MSG_ONE, &poll, &msg);
		if (type == 0)
			return;
		if (type < 0) {
			log_warn("ldap: connection to %s lost", uri_now(l));
			conn_failed(l);
			return;
		}
		l->last_rx_ms = sipwall_now_ms();
		failed = take_message(l, msg, type);
		ldap_msgfree(msg);
		/* a search that failed to go out may have ended the connection */
		if (l->generation != generation)
			return;
		if (failed) {
			conn_failed(l);
			return;
		}
	}
	/* TLS may hold decrypted results the socket will not signal again */
	sipwall_timer_after(&l->drain_timer, 0);
}

static void on_probe(struct sipwall_io *io, uint32_t events)
{
	struct sipwall_ldap *l = container_of(io, struct sipwall_ldap, probe);
	int rc = tcp_connected(io);

	(void)events;
	if (!rc)
		return;
	probe_end(l);
	sipwall_timer_stop(&l->failback_timer);
	if (rc < 0) {
		sipwall_timer_after(&l->failback_timer, l->cfg.reconnect_max_ms);
		return;
	}
	log_info("ldap: %s is back: moving to it once %u lookups are answered", l->cfg.uris[0],
		 (unsigned int)l->sent.count);
	l->draining = true;
	if (!l->sent.count)
		sipwall_timer_after(&l->failback_timer, 0);
}

static void on_failback(struct sipwall_timer *timer)
{
	struct sipwall_ldap *l = container_of(timer, struct sipwall_ldap, failback_timer);

	if (l->state != ST_READY || !l->uri_index)
		return;
	if (l->draining) {
		/* lookups waiting now go to the first uri (or, failing it, on down the list) */
		if (!l->sent.count) {
			close_conn(l);
			l->uri_index = 0;
			connect_next(l);
		}
		return;
	}
	if (l->probe.fd >= 0) {
		/* the probe found nobody within network_timeout */
		probe_end(l);
		sipwall_timer_after(&l->failback_timer, l->cfg.reconnect_max_ms);
		return;
	}
	if (tcp_connect(l, 0, &l->probe, on_probe, NULL, false))
		sipwall_timer_after(&l->failback_timer, l->cfg.reconnect_max_ms);
	else
		sipwall_timer_after(&l->failback_timer, l->cfg.network_timeout_ms);
}

static void on_drain(struct sipwall_timer *timer)
{
	struct sipwall_ldap *l = container_of(timer, struct sipwall_ldap, drain_timer);

	if (l->ld)
		read_results(l);
}

static void on_io(struct sipwall_io *io, uint32_t events)
{
	struct sipwall_ldap *l = container_of(io, struct sipwall_ldap, io);
	int rc;

	(void)events;
	if (l->state == ST_TLS) {
		if (continue_tls(l))
			conn_failed(l);
		return;
	}
	if (l->state != ST_CONNECTING) {
		if (l->ld)
			read_results(l);
		return;
	}
	rc = tcp_connected(io);
	if (rc < 0) {
		log_debug("ldap: connect to %s failed", uri_now(l));
		conn_failed(l);
		return;
	}
	/* not connected yet: a late event for an earlier socket */
	if (!rc)
		return;
	if (start_session(l)) {
		log_warn("ldap: session with %s failed", uri_now(l));
		conn_failed(l);
	}
}

/* ---- the API ---- */

static bool needs_tls(const struct sipwall_ldap_config *cfg)
{
	bool tls = cfg->starttls;

	for (unsigned int i = 0; i < cfg->uri_count; i++)
		tls |= !strncmp(cfg->uris[i], "ldaps://", 8);
	return tls;
}

struct sipwall_ldap *sipwall_ldap_create(const struct sipwall_ldap_config *cfg)
{
	struct sipwall_ldap *l = calloc(1, sizeof(*l));

	if (!l)
		goto err;
	if (sipwall_ldap_config_copy(&l->cfg, cfg))
		goto err_free;
	if (sipwall_htab_init(&l->sent))
		goto err_cfg;
	if (sipwall_htab_init(&l->asking))
		goto err_sent;
	if (sipwall_lru_init(&l->positive, cfg->cache_size, sizeof(struct positive_record)))
		goto err_asking;
	if (sipwall_lru_init(&l->negative, cfg->negative_cache_size, 1))
		goto err_positive;
	if (needs_tls(&l->cfg)) {
		l->tls_ctx = sipwall_ldap_tls_ctx_create(l->cfg.ca_file);
		if (!l->tls_ctx) {
			log_error("ldap: cannot set up TLS (ca_file %s)",
				  l->cfg.ca_file ? l->cfg.ca_file : "of the system");
			goto err_negative;
		}
	}
	l->attrs[0] = l->cfg.attribute;
	l->io.fd = -1;
	l->probe.fd = -1;
	l->waiting.prev = l->waiting.next = &l->waiting;
	sipwall_timer_init(&l->failback_timer, on_failback);
	sipwall_timer_init(&l->conn_timer, on_conn_timer);
	sipwall_timer_init(&l->resolve_timer, on_resolve_timer);
	sipwall_timer_init(&l->drain_timer, on_drain);
	l->state = ST_DOWN;
	connect_next(l);
	return l;

err_negative:
	sipwall_lru_uninit(&l->negative);
err_positive:
	sipwall_lru_uninit(&l->positive);
err_asking:
	sipwall_htab_uninit(&l->asking);
err_sent:
	sipwall_htab_uninit(&l->sent);
err_cfg:
	sipwall_ldap_config_free(&l->cfg);
err_free:
	free(l);
err:
	return NULL;
}

void sipwall_ldap_destroy(struct sipwall_ldap *l)
{
	if (!l)
		return;
	close_conn(l);
	fail_waiting(l);
	sipwall_timer_stop(&l->conn_timer);
	SSL_CTX_free(l->tls_ctx);
	sipwall_lru_uninit(&l->negative);
	sipwall_lru_uninit(&l->positive);
	sipwall_htab_uninit(&l->asking);
	sipwall_htab_uninit(&l->sent);
	sipwall_ldap_config_free(&l->cfg);
	free(l);
}

struct sipwall_ldap_req *sipwall_ldap_lookup(struct sipwall_ldap *l, struct sip_str user,
					     struct sip_str realm, unsigned int flags,
					     sipwall_ldap_fn fn, void *ctx)
{
	bool valid = user.len && user.len <= SIPWALL_AUTH_MAX_USERNAME &&
		     realm.len <= REALM_MAX && sipwall_ldap_name_valid(user);
	size_t key_len = valid ? user.len + 1 + realm.len : 0;
	struct sipwall_ldap_req *req = calloc(1, sizeof(*req) + key_len);
	uint64_t now = sipwall_now_ms(), hash;
	const struct positive_record *hit;
	struct sipwall_ldap_req *leader;

	if (!req)
		return NULL;
	req->ldap = l;
	req->fn = fn;
	req->ctx = ctx;
	req->msgid = -1;
	sipwall_timer_init(&req->timer, on_request_timeout);
	l->stats.lookups++;
	if (!valid) {
		complete(req, SIPWALL_LDAP_NOT_FOUND);
		return req;
	}
	memcpy(req->key, user.p, user.len);
	memcpy(req->key + user.len + 1, realm.p, realm.len);
	req->user_len = user.len;
	req->key_len = key_len;
	hit = flags & SIPWALL_LDAP_FRESH ? NULL :
	      sipwall_lru_get(&l->positive, req->key, key_len, now);
	if (hit) {
		l->stats.cache_hits++;
		req->cred = hit->cred;
		req->cached = true;
		complete(req, SIPWALL_LDAP_FOUND);
		return req;
	}
	if (sipwall_lru_get(&l->negative, req->key, key_len, now)) {
		l->stats.negative_hits++;
		req->cached = true;
		complete(req, SIPWALL_LDAP_NOT_FOUND);
		return req;
	}
	if (l->backing_off || l->pending >= l->cfg.max_pending) {
		complete(req, SIPWALL_LDAP_UNAVAILABLE);
		return req;
	}
	hash = sipwall_hash(req->key, key_len, 0);
	leader = find_asking(l, req->key, key_len, hash);
	if (leader) {
		/* the directory is being asked already: its answer will do */
		req->follows = true;
		req->next_follower = leader->followers;
		leader->followers = req;
		l->pending++;
		l->stats.coalesced++;
		return req;
	}
	req->leads = true;
	sipwall_htab_insert(&l->asking, &req->asking, hash);
	req->link.prev = l->waiting.prev;
	req->link.next = &l->waiting;
	l->waiting.prev->next = &req->link;
	l->waiting.prev = &req->link;
	req->queued = true;
	l->pending++;
	sipwall_timer_after(&req->timer, l->cfg.request_timeout_ms);
	if (l->state == ST_READY && !l->draining)
		send_search(req);
	return req;
}

void sipwall_ldap_cancel(struct sipwall_ldap_req *req)
{
	/* the request runs its course (bounded by its timer) without a caller */
	req->fn = NULL;
}

bool sipwall_ldap_connected(const struct sipwall_ldap *l)
{
	return l->state == ST_READY;
}

const char *sipwall_ldap_server(const struct sipwall_ldap *l)
{
	return l->state == ST_READY ? uri_now(l) : NULL;
}

const struct sipwall_ldap_stats *sipwall_ldap_stats(const struct sipwall_ldap *l)
{
	return &l->stats;
}

void sipwall_ldap_flush(struct sipwall_ldap *l)
{
	sipwall_lru_clear(&l->positive);
	sipwall_lru_clear(&l->negative);
}
