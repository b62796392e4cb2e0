/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's authentication state: one directory client for all realms,
 * and per realm with auth = digest a struct sipwall_authn (nonce keys,
 * nonce counts, lockout counters). Built at start, reconciled on every
 * reload (kept while their settings do not change: nonces handed out stay
 * valid, the directory connection and its lookups in flight go on), torn
 * down at exit. Also the counters of the auth gate and the lockout log.
 */
#ifndef SIPWALL_AUTH_REALMS_H
#define SIPWALL_AUTH_REALMS_H

#include <stdint.h>
#include <stdio.h>

#include "auth_session.h"
#include "config.h"

struct sipwall_auth_realm {
	char *name;				/* of the [realm] */
	struct sipwall_realm_auth_config cfg;	/* a copy: digest_realm owned, trusted unused */
	struct sipwall_authn authn;
	unsigned int refs;		/* one while listed, one per request waiting on it */
	struct sipwall_auth_realm *next;	/* listed ones */
};

struct sipwall_auth_counters {
	uint64_t challenges;	/* 401/407 sent */
	uint64_t ok;		/* requests passed on authenticated */
	uint64_t failed;	/* 403: wrong password, unknown user, replay, locked out */
	uint64_t malformed;	/* 400 */
	uint64_t unavailable;	/* 503: the directory could not answer */
	uint64_t lockouts;	/* users and addresses locked out */
	uint64_t trusted, untrusted;	/* auth = trusted: passed, refused */
};

extern struct sipwall_auth_counters sipwall_auth_counters;

/*
 * At start and after each reload that was applied: returns 0, or -1 if
 * something could not be built (logged; realms without their state answer
 * 503 until the next reload).
 */
int sipwall_auth_realms_apply(const struct sipwall_config *cfg);

/* The digest state of the realm named so, with a reference; NULL if none. */
struct sipwall_auth_realm *sipwall_auth_realm_get(const char *name);
void sipwall_auth_realm_put(struct sipwall_auth_realm *r);

/* What a 503 for an unreachable directory tells clients, in seconds. */
unsigned int sipwall_auth_retry_after(void);

/*
 * Shutdown, in two steps. sipwall_auth_realms_stop(), before the transactions go: the gate
 * forgets every request it holds, the directory client is destroyed (its
 * pending lookups are answered UNAVAILABLE by the loop). sipwall_auth_realms_uninit(), after
 * sipwall_loop_uninit() has delivered those answers: the realms' state.
 */
void sipwall_auth_realms_stop(void);
void sipwall_auth_realms_uninit(void);

/*
 * Every failure and lockout of every realm, for the security edge (kernel
 * bans of locked-out addresses); lockouts are logged here either way.
 */
void sipwall_auth_set_event_hook(sipwall_auth_event_fn fn, void *ctx);

/* "name value" lines for the control socket's stats command. */
void sipwall_auth_print_stats(FILE *out);

#endif
