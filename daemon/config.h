/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration file (INI, read with libinih). See sipwall.conf(5).
 */
#ifndef SIPWALL_CONFIG_H
#define SIPWALL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "auth_config.h"
#include "b2bua_config.h"
#include "log.h"
#include "registrar_config.h"

#define SIPWALL_MAX_REALMS	8
#define SIPWALL_MAX_LISTENERS	8	/* per realm */

enum sipwall_proto {
	SIPWALL_PROTO_UDP,
	SIPWALL_PROTO_TCP,
	SIPWALL_PROTO_TLS,
};

struct sipwall_endpoint {
	enum sipwall_proto proto;
	struct sockaddr_storage addr;
	socklen_t addr_len;
};

enum sipwall_tls_verify {
	SIPWALL_TLS_VERIFY_NONE,	/* no client certificate asked for */
	SIPWALL_TLS_VERIFY_OPTIONAL,	/* asked for, verified if sent */
	SIPWALL_TLS_VERIFY_REQUIRE,	/* mutual TLS: required and verified */
};

struct sipwall_tls_config {
	char *certificate;	/* PEM chain, leaf first */
	char *key;
	char *ca;		/* PEM bundle for verifying peers */
	char *ciphers;		/* TLS 1.2 cipher list */
	char *ciphersuites;	/* TLS 1.3 suites */
	enum sipwall_tls_verify verify_client;
	bool verify_server;	/* outbound: verify the peer's certificate and name */
	char *server_name;	/* outbound: SNI and name to verify */
	unsigned int session_timeout;	/* seconds a resumable session lives */
	int line;		/* where tls_certificate was given, for errors */
};

struct sipwall_realm_config {
	char *name;
	int line;
	struct sipwall_endpoint listen[SIPWALL_MAX_LISTENERS];
	unsigned int listen_count;
	bool has_next_hop;
	struct sipwall_endpoint next_hop;
	uint16_t media_low, media_high;
	int media_line;
	struct sipwall_tls_config tls;
	unsigned int max_connections;
	unsigned int max_connections_per_source;
	unsigned int idle_timeout;	/* seconds without traffic on a connection */
	struct sipwall_realm_auth_config auth;	/* auth_* keys */
	struct sipwall_realm_b2bua_config b2bua;	/* peer_realm, advertise, ... */
	struct sipwall_realm_registrar_config registrar;	/* registrar keys */
};

struct sipwall_config {
	char *path;
	enum sipwall_log_level log_level;
	unsigned int max_connections;	/* all realms together */
	unsigned int t1_ms, t2_ms, t4_ms;	/* RFC 3261 timer base values */
	char *state_dir;		/* the registrations file lives here */
	unsigned int max_registrations;	/* bindings of all registrar realms together */
	char *control_socket;		/* sipwallctl daemon talks to it */
	struct sipwall_realm_config realms[SIPWALL_MAX_REALMS];
	unsigned int realm_count;
	struct sipwall_ldap_config ldap;	/* [ldap]: the bind password is a secret */
	struct sipwall_calls_config calls;	/* [calls] */
};

/*
 * Reads path into cfg. Every error is written to errors as one
 * "file:line: message" line; returns the number of errors (0: usable).
 * cfg must be released with sipwall_config_free() either way.
 */
int sipwall_config_load(const char *path, struct sipwall_config *cfg, FILE *errors);
void sipwall_config_free(struct sipwall_config *cfg);

const struct sipwall_realm_config *sipwall_config_realm(const struct sipwall_config *cfg,
							 const char *name);
int sipwall_endpoint_parse(const char *text, struct sipwall_endpoint *ep);
const char *sipwall_proto_name(enum sipwall_proto proto);

#endif
