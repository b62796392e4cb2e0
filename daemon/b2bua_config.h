/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The B2BUA's keys: the [calls] section (call records, call limits and
 * timeouts) and the keys of a [realm] section that say where its calls go
 * and what of a call crosses into it (topology hiding, identity policy).
 * config.c hands these keys over; see sipwall.conf(5) and docs/b2bua.md.
 */
#ifndef SIPWALL_B2BUA_CONFIG_H
#define SIPWALL_B2BUA_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sip_str.h"

#define SIPWALL_MAX_HEADER_GLOBS 32

/* Header names, a trailing '*' matching any rest ("P-*"), case-insensitive. */
struct sipwall_header_globs {
	char *text;				/* the names, NUL-separated */
	const char *names[SIPWALL_MAX_HEADER_GLOBS];
	unsigned int count;
};

struct sipwall_realm_b2bua_config {
	char *peer_realm;		/* calls from this realm go there */
	char *advertise_host;		/* Via/Contact host instead of the listener's */
	uint16_t advertise_port;	/* 0: the listener's port */
	char *identity_host;		/* host of From/To URIs sent into this realm */
	struct sipwall_header_globs pass_headers;	/* more headers that may enter */
	struct sipwall_header_globs strip_headers;	/* headers that never enter */
	bool trust_identity;		/* P-Asserted-Identity from here is believed */
	bool send_identity;		/* requests into here carry P-Asserted-Identity */
	int line;			/* of peer_realm, for errors */
};

struct sipwall_calls_config {
	char *cdr_file;			/* JSON lines; none: no call records */
	unsigned int max_calls;		/* more get 503 */
	unsigned int ring_timeout_s;	/* unanswered INVITEs are CANCELled */
	unsigned int idle_timeout_s;	/* call_idle_timeout; 0: never */
	int line;
};

void sipwall_calls_config_defaults(struct sipwall_calls_config *c);
/* Returns 0, or -1 with *why set to a static message ("unknown key" included). */
int sipwall_calls_config_set(struct sipwall_calls_config *c, const char *name,
			     const char *value, const char **why);
void sipwall_calls_config_free(struct sipwall_calls_config *c);

/* Same contract; name is the key as written (peer_realm, advertise, ...). */
int sipwall_realm_b2bua_set(struct sipwall_realm_b2bua_config *c, const char *name,
			    const char *value, const char **why);
void sipwall_realm_b2bua_free(struct sipwall_realm_b2bua_config *c);
/* Whether name is one of the B2BUA's realm keys. */
bool sipwall_realm_b2bua_key(const char *name);

bool sipwall_header_globs_match(const struct sipwall_header_globs *g, struct sip_str name);

#endif
