// SPDX-License-Identifier: GPL-2.0
/*
 * Realms and their listeners, built from the config and reconciled on
 * reload: a realm keeps its identity (and its connections) while its name
 * stays in the config; a listener stays open while its endpoint does; TLS
 * contexts are replaced, and open connections keep the context they were
 * made with (OpenSSL reference-counts it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "listener.h"
#include "log.h"
#include "tls.h"

/* Realms removed by a reload stay (stale) until exit: see sipwall_realms_apply(). */
static struct sipwall_realm *realms[SIPWALL_MAX_REALMS * 4];
static unsigned int realm_count;
static struct sipwall_listener *listeners;

struct sipwall_realm *sipwall_realm_find(const char *name)
{
	for (unsigned int i = 0; i < realm_count; i++)
		if (!realms[i]->stale && !strcmp(realms[i]->name, name))
			return realms[i];
	return NULL;
}

int sipwall_realm_udp_fd(const struct sipwall_realm *realm, int family)
{
	for (struct sipwall_listener *l = listeners; l; l = l->next)
		if (l->realm == realm && l->ep.proto == SIPWALL_PROTO_UDP &&
		    l->ep.addr.ss_family == family)
			return l->io.fd;
	return -1;
}

bool sipwall_realm_udp_fd_valid(const struct sipwall_realm *realm, int fd)
{
	for (struct sipwall_listener *l = listeners; fd >= 0 && l; l = l->next)
		if (l->realm == realm && l->ep.proto == SIPWALL_PROTO_UDP && l->io.fd == fd)
			return true;
	return false;
}

static bool endpoint_equal(const struct sipwall_endpoint *a, const struct sipwall_endpoint *b)
{
	return a->proto == b->proto && a->addr_len == b->addr_len &&
	       !memcmp(&a->addr, &b->addr, a->addr_len);
}

static bool serves_tls(const struct sipwall_realm_config *rc)
{
	for (unsigned int i = 0; i < rc->listen_count; i++)
		if (rc->listen[i].proto == SIPWALL_PROTO_TLS)
			return true;
	return false;
}

/*
 * Builds the new TLS contexts first, so a bad certificate changes nothing:
 * a server context for TLS listeners, a client context for a TLS next hop
 * and for reaching TLS peers that have no open connection.
 */
static int prepare_tls(const struct sipwall_realm_config *rc, SSL_CTX **server,
		       SSL_CTX **client)
{
	bool serving = serves_tls(rc);
	char err[512];

	*server = *client = NULL;
	if (!serving && !(rc->has_next_hop && rc->next_hop.proto == SIPWALL_PROTO_TLS))
		return 0;
	if (serving) {
		*server = sipwall_tls_server_ctx(&rc->tls, rc->name, err, sizeof(err));
		if (!*server)
			goto fail;
	}
	*client = sipwall_tls_client_ctx(&rc->tls, err, sizeof(err));
	if (!*client) {
		SSL_CTX_free(*server);
		*server = NULL;
		goto fail;
	}
	return 0;
fail:
	log_error("realm %s: %s", rc->name, err);
	return -1;
}

static void realm_free(struct sipwall_realm *realm)
{
	SSL_CTX_free(realm->tls_server);
	SSL_CTX_free(realm->tls_client);
	sipwall_htab_uninit(&realm->sources);
	free(realm->name);
	free(realm);
}

/*
 * Returns 0; -1 if the TLS material of a realm does not load, in which
 * case nothing was changed; 1 if the config was applied with errors (a
 * listener that cannot bind, ...): realms then point into cfg.
 */
int sipwall_realms_apply(const struct sipwall_config *cfg)
{
	SSL_CTX *servers[SIPWALL_MAX_REALMS] = { 0 }, *clients[SIPWALL_MAX_REALMS] = { 0 };
	struct sipwall_listener **link;
	int rc = 0;

	for (unsigned int i = 0; i < cfg->realm_count; i++) {
		if (prepare_tls(&cfg->realms[i], &servers[i], &clients[i])) {
			for (unsigned int j = 0; j <= i; j++) {
				SSL_CTX_free(servers[j]);
				SSL_CTX_free(clients[j]);
			}
			return -1;
		}
	}
	/* from here on nothing fails as a whole: a listener that cannot bind is logged */
	for (unsigned int i = 0; i < realm_count; i++)
		realms[i]->stale = true;
	for (unsigned int i = 0; i < cfg->realm_count; i++) {
		const struct sipwall_realm_config *rcfg = &cfg->realms[i];
		struct sipwall_realm *realm = NULL;

		for (unsigned int j = 0; j < realm_count; j++)
			if (!strcmp(realms[j]->name, rcfg->name))
				realm = realms[j];
		if (!realm && realm_count == sizeof(realms) / sizeof(realms[0])) {
			log_error("realm %s: too many realms added and removed since start; restart sipwalld",
				  rcfg->name);
			SSL_CTX_free(servers[i]);
			SSL_CTX_free(clients[i]);
			rc = 1;
			continue;
		}
		if (!realm) {
			realm = calloc(1, sizeof(*realm));
			if (!realm || !(realm->name = strdup(rcfg->name)) ||
			    sipwall_htab_init(&realm->sources)) {
				log_error("realm %s: out of memory", rcfg->name);
				free(realm ? realm->name : NULL);
				free(realm);
				SSL_CTX_free(servers[i]);
				SSL_CTX_free(clients[i]);
				rc = 1;
				continue;
			}
			realms[realm_count++] = realm;
		}
		realm->stale = false;
		realm->cfg = rcfg;
		SSL_CTX_free(realm->tls_server);
		SSL_CTX_free(realm->tls_client);
		realm->tls_server = servers[i];
		realm->tls_client = clients[i];
	}

	for (struct sipwall_listener *l = listeners; l; l = l->next)
		l->keep = false;
	for (unsigned int i = 0; i < cfg->realm_count; i++) {
		const struct sipwall_realm_config *rcfg = &cfg->realms[i];
		struct sipwall_realm *realm = sipwall_realm_find(rcfg->name);

		for (unsigned int e = 0; realm && e < rcfg->listen_count; e++) {
			const struct sipwall_endpoint *ep = &rcfg->listen[e];
			struct sipwall_listener *found = NULL;
			char where[64];

			for (struct sipwall_listener *l = listeners; l; l = l->next)
				if (endpoint_equal(&l->ep, ep) && l->realm == realm)
					found = l;
			sipwall_addr_format(&ep->addr, where, sizeof(where));
			if (!found) {
				found = sipwall_listener_open(realm, ep);
				if (!found) {
					log_error("realm %s: cannot listen on %s:%s: %s", realm->name,
						  sipwall_proto_name(ep->proto), where, strerror(errno));
					rc = 1;
					continue;
				}
				found->next = listeners;
				listeners = found;
				log_info("realm %s: listening on %s:%s", realm->name,
					 sipwall_proto_name(ep->proto), where);
			}
			found->keep = true;
		}
	}
	for (link = &listeners; *link;) {
		struct sipwall_listener *l = *link;

		if (l->keep) {
			link = &l->next;
			continue;
		}
		*link = l->next;
		sipwall_listener_close(l);
	}
	for (unsigned int i = 0; i < realm_count; i++) {
		struct sipwall_realm *realm = realms[i];

		if (!realm->stale || !realm->cfg)
			continue;
		log_info("realm %s: removed from the config, closing its connections", realm->name);
		sipwall_conn_close_realm(realm, "realm removed from the config");
		/*
		 * Kept, not freed: transactions may still point at it, and
		 * sipwall_send() refuses stale realms. Its config is about to be
		 * freed with the old file.
		 */
		realm->cfg = NULL;
		SSL_CTX_free(realm->tls_server);
		SSL_CTX_free(realm->tls_client);
		realm->tls_server = realm->tls_client = NULL;
	}
	return rc;
}

void sipwall_realms_uninit(void)
{
	while (listeners) {
		struct sipwall_listener *l = listeners;

		listeners = l->next;
		sipwall_listener_close(l);
	}
	for (unsigned int i = 0; i < realm_count; i++) {
		sipwall_conn_close_realm(realms[i], "shutting down");
		realm_free(realms[i]);
	}
	realm_count = 0;
}
