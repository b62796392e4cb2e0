/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The [ldap] section and the auth_* keys of a [realm] section: their
 * values, defaults and checks. config.c hands these keys over; see
 * sipwall.conf(5) and docs/auth.md.
 */
#ifndef SIPWALL_AUTH_CONFIG_H
#define SIPWALL_AUTH_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#define SIPWALL_LDAP_MAX_URIS		8
#define SIPWALL_AUTH_MAX_TRUSTED	16

enum sipwall_ldap_form {
	SIPWALL_LDAP_CLEARTEXT,		/* the password itself (H.350.4 SIPIdentityPassword) */
	SIPWALL_LDAP_HA1_MD5,		/* hex MD5(user:realm:password) */
	SIPWALL_LDAP_HA1_SHA256,	/* hex SHA-256(user:realm:password) */
};

struct sipwall_ldap_config {
	char *uris[SIPWALL_LDAP_MAX_URIS];	/* tried in order: failover */
	unsigned int uri_count;
	char *base;
	char *bind_dn;				/* none: anonymous */
	char *bind_password;			/* secret: never logged */
	char *bind_password_file;
	char *filter;				/* template: %u user, %r realm */
	char *disabled_filter;			/* entries matching it are refused */
	char *attribute;			/* holds the credential */
	enum sipwall_ldap_form form;
	bool starttls;
	char *ca_file;
	unsigned int network_timeout_ms;	/* connect and TLS handshake */
	unsigned int request_timeout_ms;	/* one lookup, queueing included */
	unsigned int reconnect_min_ms, reconnect_max_ms;
	unsigned int cache_size, cache_ttl_s;
	unsigned int negative_cache_size, negative_cache_ttl_s;
	unsigned int max_pending;
	unsigned int retry_after_s;		/* what a 503 tells clients */
	int line;				/* of the section, for errors */
};

enum sipwall_realm_auth {
	SIPWALL_REALM_AUTH_NONE,	/* not configured: nothing is challenged */
	SIPWALL_REALM_AUTH_DIGEST,	/* challenge, check against the directory */
	SIPWALL_REALM_AUTH_TRUSTED,	/* trusted by source address and/or mutual TLS */
};

struct sipwall_prefix {
	struct sockaddr_storage addr;
	unsigned int bits;
};

struct sipwall_realm_auth_config {
	enum sipwall_realm_auth mode;
	char *digest_realm;		/* default: the realm's name */
	bool md5, sha256;		/* algorithms offered */
	unsigned int nonce_lifetime_s;
	unsigned int nonce_slots;	/* nonce-count table size */
	struct sipwall_prefix trusted[SIPWALL_AUTH_MAX_TRUSTED];
	unsigned int trusted_count;
	bool trusted_require_cert;	/* trusted: mutual TLS required too */
	unsigned int lockout_user_failures, lockout_addr_failures;
	unsigned int lockout_window_s, lockout_time_s;
	unsigned int lockout_slots;
	int line;
};

void sipwall_ldap_config_defaults(struct sipwall_ldap_config *c);
/* Returns 0, or -1 with *why set to a static message ("unknown key" included). */
int sipwall_ldap_config_set(struct sipwall_ldap_config *c, const char *name, const char *value,
			    const char **why);
/* Cross-key checks and the password file; writes "file:line: msg" lines, returns errors. */
int sipwall_ldap_config_check(struct sipwall_ldap_config *c, const char *path, FILE *errors);
void sipwall_ldap_config_free(struct sipwall_ldap_config *c);
/*
 * The same directory settings: on reload, a client whose settings did not
 * change is kept, with its connection, caches and lookups in flight.
 */
bool sipwall_ldap_config_equal(const struct sipwall_ldap_config *a,
			       const struct sipwall_ldap_config *b);
/* A deep copy; -1 (and dst empty) if out of memory. */
int sipwall_ldap_config_copy(struct sipwall_ldap_config *dst,
			     const struct sipwall_ldap_config *src);

void sipwall_realm_auth_defaults(struct sipwall_realm_auth_config *c);
/* name without its "auth_" prefix; same contract as sipwall_ldap_config_set */
int sipwall_realm_auth_set(struct sipwall_realm_auth_config *c, const char *name,
			   const char *value, const char **why);
int sipwall_realm_auth_check(const struct sipwall_realm_auth_config *c, const char *realm,
			     const struct sipwall_ldap_config *ldap, const char *path,
			     FILE *errors);
void sipwall_realm_auth_free(struct sipwall_realm_auth_config *c);

bool sipwall_prefix_match(const struct sipwall_prefix *p, const struct sockaddr *addr);

/*
 * For auth = trusted: the source is in an auth_trusted prefix (when any is
 * configured) and, with auth_trusted_require_cert, the request came over
 * TLS with a client certificate that was verified.
 */
bool sipwall_realm_auth_trusts(const struct sipwall_realm_auth_config *c,
			       const struct sockaddr *source, bool cert_verified);

#endif
