/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The directory the digest credentials live in, asked through libldap
 * without ever blocking the event loop on the network: our own
 * non-blocking connect, then an asynchronous bind and asynchronous
 * searches whose results are read when the connection's socket is
 * readable. One connection, servers tried in the configured order
 * (failover), reconnection with exponential backoff; while a later server
 * serves, the first is probed and gone back to once it answers.
 *
 * Results: FOUND with the user's credential, NOT_FOUND (no such user, a
 * disabled one, a name that cannot be a user, an ambiguous one), or
 * UNAVAILABLE (the directory could not answer: the SIP layer sends 503
 * with Retry-After and never lets the request through, nor says the
 * password was wrong).
 *
 * TLS (ldaps://, StartTLS) is ours too (ldap_tls.c): libldap 2.5 would run
 * the handshake in a blocking poll(). Host names in uris are resolved with
 * getaddrinfo_a() (glibc's threads), looked at from a timer, bounded by
 * network_timeout; an address is used for a minute before it is resolved
 * again.
 */
#ifndef SIPWALL_LDAP_CLIENT_H
#define SIPWALL_LDAP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "auth_config.h"
#include "digest.h"
#include "sip_str.h"

enum sipwall_ldap_status {
	SIPWALL_LDAP_FOUND,
	SIPWALL_LDAP_NOT_FOUND,
	SIPWALL_LDAP_UNAVAILABLE,
};

/*
 * Called once per lookup, always from the event loop and never from within
 * sipwall_ldap_lookup(). cred is set for FOUND only and is valid during
 * the call (copy what you keep: it is wiped afterwards); cached tells that
 * the answer came from a cache, not from the directory just now.
 */
typedef void (*sipwall_ldap_fn)(void *ctx, enum sipwall_ldap_status status,
				const struct sipwall_credential *cred, bool cached);

struct sipwall_ldap;
struct sipwall_ldap_req;

struct sipwall_ldap_stats {
	uint64_t lookups, cache_hits, negative_hits, queries;
	uint64_t coalesced;	/* answered by a search another lookup had started */
	uint64_t found, not_found, unavailable, timeouts;
	uint64_t connects, connect_failures;
};

/* Starts connecting at once. cfg is copied. NULL if out of memory. */
struct sipwall_ldap *sipwall_ldap_create(const struct sipwall_ldap_config *cfg);
/*
 * Lookups still pending are answered UNAVAILABLE, at the end of the loop
 * iteration (or in sipwall_loop_uninit()): keep what their callbacks use
 * until then.
 */
void sipwall_ldap_destroy(struct sipwall_ldap *ldap);

enum sipwall_ldap_flags {
	SIPWALL_LDAP_FRESH = 1,	/* skip the positive cache: the password may have changed */
};

/*
 * Looks user up for the digest realm (the HA1 depends on it). Returns a
 * handle for sipwall_ldap_cancel(), or NULL if out of memory (then fn is
 * never called: answer 503 at once).
 */
struct sipwall_ldap_req *sipwall_ldap_lookup(struct sipwall_ldap *ldap, struct sip_str user,
					     struct sip_str realm, unsigned int flags,
					     sipwall_ldap_fn fn, void *ctx);
/* fn will not be called for req; req must not be used after this. */
void sipwall_ldap_cancel(struct sipwall_ldap_req *req);

bool sipwall_ldap_connected(const struct sipwall_ldap *ldap);
/* The uri connected to, or NULL. */
const char *sipwall_ldap_server(const struct sipwall_ldap *ldap);
const struct sipwall_ldap_stats *sipwall_ldap_stats(const struct sipwall_ldap *ldap);
/* Drops both caches (after a directory change, or on SIGHUP). */
void sipwall_ldap_flush(struct sipwall_ldap *ldap);

#endif
