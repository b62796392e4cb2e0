// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes: a realm's state is referenced by the list and by every
 * request the gate holds for it (auth_session's lookup points at it until
 * its answer, which comes even for requests the gate forgot). A reload
 * that changes a realm's auth settings unlists the old state; it is freed
 * when its last lookup has been answered. The directory client is owned
 * here alone: replacing or destroying it answers its pending lookups
 * UNAVAILABLE from the loop, and they find their realms' state alive.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "auth_gate.h"
#include "auth_realms.h"
#include "log.h"
#include "loop.h"

struct sipwall_auth_counters sipwall_auth_counters;

static struct {
	struct sipwall_ldap *ldap;
	struct sipwall_ldap_config ldap_cfg;	/* the client's settings, to compare on reload */
	struct sipwall_auth_realm *realms;
	sipwall_auth_event_fn hook;
	void *hook_ctx;
} auth;

void sipwall_auth_set_event_hook(sipwall_auth_event_fn fn, void *ctx)
{
	auth.hook = fn;
	auth.hook_ctx = ctx;
}

static void host_of(const struct sockaddr *sa, char *out, size_t size)
{
	const void *a = sa->sa_family == AF_INET6 ?
			(const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr :
			(const void *)&((const struct sockaddr_in *)sa)->sin_addr;

	if (!inet_ntop(sa->sa_family, a, out, (socklen_t)size))
		snprintf(out, size, "?");
}

/* A user name as a client sent it, safe for a log line: printable, at most 64 bytes. */
static void printable(struct sip_str s, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < s.len && n + 1 < size && n < 64; i++)
		out[n++] = (unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f ? '?' : s.p[i];
	out[n] = '\0';
}

/* One line per lockout (never a password: the guard never sees one). */
static void on_auth_event(void *ctx, const struct sipwall_auth_event *ev)
{
	struct sipwall_auth_realm *r = ctx;
	char host[INET6_ADDRSTRLEN], user[72];

	if (ev->kind != SIPWALL_AUTH_EVENT_FAILURE) {
		sipwall_auth_counters.lockouts++;
		host_of(ev->addr, host, sizeof(host));
		printable(ev->user, user, sizeof(user));
		log_warn("auth: realm %s: %s %s locked out for %u s after %u failures (user '%s', address %s)",
			 r->name, ev->kind == SIPWALL_AUTH_EVENT_USER_LOCKED ? "user" : "address",
			 ev->kind == SIPWALL_AUTH_EVENT_USER_LOCKED ? user : host, ev->lockout_s,
			 ev->failures, user, host);
	}
	if (auth.hook)
		auth.hook(auth.hook_ctx, ev);
}

static bool same_string(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The settings a realm's sipwall_authn was made from (not the trusted prefixes). */
static bool digest_settings_equal(const struct sipwall_realm_auth_config *a,
				  const struct sipwall_realm_auth_config *b)
{
	return a->mode == b->mode && same_string(a->digest_realm, b->digest_realm) &&
	       a->md5 == b->md5 && a->sha256 == b->sha256 &&
	       a->nonce_lifetime_s == b->nonce_lifetime_s && a->nonce_slots == b->nonce_slots &&
	       a->lockout_user_failures == b->lockout_user_failures &&
	       a->lockout_addr_failures == b->lockout_addr_failures &&
	       a->lockout_window_s == b->lockout_window_s && a->lockout_time_s == b->lockout_time_s &&
	       a->lockout_slots == b->lockout_slots;
}

/*
 * A realm's digest state rebuilt (its settings changed) under the same
 * digest realm: the nonces handed out stay ours, so that phones answering
 * one get a silent new challenge (stale) instead of a forged-nonce failure
 * each, which would lock out an address with many phones behind it. The
 * keys come over; the counts do not, so the new table takes every nonce
 * made until now as forgotten (stale), and none can be replayed.
 */
static void carry_nonces(struct sipwall_auth *to, const struct sipwall_auth *from,
			 uint64_t now_ms)
{
	uint64_t lifetime_ms = to->keys.lifetime_ms;

	if (to->realm_len != from->realm_len || memcmp(to->realm, from->realm, to->realm_len))
		return;
	to->keys = from->keys;
	to->keys.lifetime_ms = lifetime_ms;
	sipwall_nc_forget_until(&to->nc, now_ms);
}

/* old: the state this one replaces, if any. */
static struct sipwall_auth_realm *realm_create(const struct sipwall_realm_config *rc,
					       const struct sipwall_auth_realm *old)
{
	struct sipwall_auth_realm *r = calloc(1, sizeof(*r));
	const struct sipwall_realm_auth_config *c = &rc->auth;
	bool offer[SIPWALL_DIGEST_ALG_COUNT] = {
		[SIPWALL_DIGEST_SHA256] = c->sha256, [SIPWALL_DIGEST_MD5] = c->md5,
	};
	struct sipwall_guard_config g = {
		.user_threshold = c->lockout_user_failures,
		.addr_threshold = c->lockout_addr_failures,
		.window_s = c->lockout_window_s,
		.lockout_s = c->lockout_time_s,
		.capacity = c->lockout_slots,
	};

	if (!r)
		goto err;
	r->cfg = *c;
	r->cfg.digest_realm = NULL;
	r->cfg.trusted_count = 0;
	r->name = strdup(rc->name);
	if (!r->name || (c->digest_realm && !(r->cfg.digest_realm = strdup(c->digest_realm))))
		goto err_strings;
	if (sipwall_auth_init(&r->authn.auth, c->digest_realm ? c->digest_realm : rc->name, offer,
			      c->nonce_lifetime_s, c->nonce_slots, sipwall_now_ms()))
		goto err_strings;
	if (old)
		carry_nonces(&r->authn.auth, &old->authn.auth, sipwall_now_ms());
	if (sipwall_guard_init(&r->authn.guard, &g, on_auth_event, r))
		goto err_auth;
	r->authn.ldap = auth.ldap;
	r->refs = 1;
	return r;

err_auth:
	sipwall_auth_uninit(&r->authn.auth);
err_strings:
	free(r->cfg.digest_realm);
	free(r->name);
	free(r);
err:
	log_error("realm %s: out of memory for its digest state", rc->name);
	return NULL;
}

void sipwall_auth_realm_put(struct sipwall_auth_realm *r)
{
	if (--r->refs)
		return;
	sipwall_guard_uninit(&r->authn.guard);
	sipwall_auth_uninit(&r->authn.auth);
	free(r->cfg.digest_realm);
	free(r->name);
	free(r);
}

struct sipwall_auth_realm *sipwall_auth_realm_get(const char *name)
{
	for (struct sipwall_auth_realm *r = auth.realms; r; r = r->next) {
		if (!strcmp(r->name, name)) {
			r->refs++;
			return r;
		}
	}
	return NULL;
}

unsigned int sipwall_auth_retry_after(void)
{
	return auth.ldap_cfg.retry_after_s ? auth.ldap_cfg.retry_after_s : 5;
}

static bool uses_digest(const struct sipwall_config *cfg)
{
	for (unsigned int i = 0; i < cfg->realm_count; i++)
		if (cfg->realms[i].auth.mode == SIPWALL_REALM_AUTH_DIGEST)
			return true;
	return false;
}

static void drop_ldap(void)
{
	/* its pending lookups are answered UNAVAILABLE from the loop */
	sipwall_ldap_destroy(auth.ldap);
	auth.ldap = NULL;
	sipwall_ldap_config_free(&auth.ldap_cfg);
}

/* The directory client: kept with its connection and lookups if its settings did not change. */
static int apply_ldap(const struct sipwall_config *cfg)
{
	if (!uses_digest(cfg) || !cfg->ldap.uri_count) {
		drop_ldap();
		return 0;
	}
	if (auth.ldap && sipwall_ldap_config_equal(&auth.ldap_cfg, &cfg->ldap)) {
		/* SIGHUP is how an operator says the directory changed: forget what we cached */
		sipwall_ldap_flush(auth.ldap);
		return 0;
	}
	drop_ldap();
	if (sipwall_ldap_config_copy(&auth.ldap_cfg, &cfg->ldap))
		goto err;
	auth.ldap = sipwall_ldap_create(&cfg->ldap);
	if (!auth.ldap) {
		sipwall_ldap_config_free(&auth.ldap_cfg);
		goto err;
	}
	return 0;
err:
	log_error("ldap: cannot set up the directory client; digest realms answer 503");
	return -1;
}

int sipwall_auth_realms_apply(const struct sipwall_config *cfg)
{
	struct sipwall_auth_realm *old = auth.realms, *r, *next;
	int rc = apply_ldap(cfg);

	auth.realms = NULL;
	for (unsigned int i = 0; i < cfg->realm_count; i++) {
		const struct sipwall_realm_config *rc_i = &cfg->realms[i];
		struct sipwall_auth_realm **link;

		if (rc_i->auth.mode != SIPWALL_REALM_AUTH_DIGEST)
			continue;
		for (link = &old; *link && strcmp((*link)->name, rc_i->name); link = &(*link)->next)
			;
		r = *link;
		if (r && digest_settings_equal(&r->cfg, &rc_i->auth)) {
			*link = r->next;	/* kept: its nonces stay valid */
		} else {
			r = realm_create(rc_i, r);
			if (!r) {
				rc = -1;
				continue;
			}
		}
		r->authn.ldap = auth.ldap;
		r->next = auth.realms;
		auth.realms = r;
	}
	for (r = old; r; r = next) {
		next = r->next;
		/* lookups in flight may still ask the directory again (a changed password) */
		r->authn.ldap = auth.ldap;
		sipwall_auth_realm_put(r);
	}
	return rc;
}

void sipwall_auth_realms_stop(void)
{
	sipwall_auth_gate_forget_all();
	for (struct sipwall_auth_realm *r = auth.realms; r; r = r->next)
		r->authn.ldap = NULL;
	drop_ldap();
	log_info("auth stats: challenges %llu, ok %llu, failed %llu, malformed %llu, "
		 "unavailable %llu, lockouts %llu, trusted %llu, untrusted %llu",
		 (unsigned long long)sipwall_auth_counters.challenges,
		 (unsigned long long)sipwall_auth_counters.ok,
		 (unsigned long long)sipwall_auth_counters.failed,
		 (unsigned long long)sipwall_auth_counters.malformed,
		 (unsigned long long)sipwall_auth_counters.unavailable,
		 (unsigned long long)sipwall_auth_counters.lockouts,
		 (unsigned long long)sipwall_auth_counters.trusted,
		 (unsigned long long)sipwall_auth_counters.untrusted);
}

void sipwall_auth_realms_uninit(void)
{
	while (auth.realms) {
		struct sipwall_auth_realm *r = auth.realms;

		auth.realms = r->next;
		sipwall_auth_realm_put(r);
	}
}

void sipwall_auth_print_stats(FILE *out)
{
	const struct sipwall_auth_counters *c = &sipwall_auth_counters;

	fprintf(out, "auth_challenges %llu\nauth_ok %llu\nauth_failed %llu\nauth_malformed %llu\n"
		"auth_unavailable %llu\nauth_lockouts %llu\nauth_trusted %llu\nauth_untrusted %llu\n",
		(unsigned long long)c->challenges, (unsigned long long)c->ok,
		(unsigned long long)c->failed, (unsigned long long)c->malformed,
		(unsigned long long)c->unavailable, (unsigned long long)c->lockouts,
		(unsigned long long)c->trusted, (unsigned long long)c->untrusted);
	if (auth.ldap) {
		const struct sipwall_ldap_stats *s = sipwall_ldap_stats(auth.ldap);

		fprintf(out, "ldap_connected %d\nldap_lookups %llu\nldap_cache_hits %llu\n"
			"ldap_negative_hits %llu\nldap_queries %llu\nldap_coalesced %llu\n"
			"ldap_found %llu\nldap_not_found %llu\nldap_unavailable %llu\n"
			"ldap_timeouts %llu\nldap_connects %llu\nldap_connect_failures %llu\n",
			sipwall_ldap_connected(auth.ldap) ? 1 : 0, (unsigned long long)s->lookups,
			(unsigned long long)s->cache_hits, (unsigned long long)s->negative_hits,
			(unsigned long long)s->queries, (unsigned long long)s->coalesced,
			(unsigned long long)s->found, (unsigned long long)s->not_found,
			(unsigned long long)s->unavailable, (unsigned long long)s->timeouts,
			(unsigned long long)s->connects, (unsigned long long)s->connect_failures);
	}
}
