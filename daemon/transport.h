/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transports: UDP sockets, TCP and TLS connections, per realm. The SIP
 * core sees only struct sipwall_peer: where a message came from, and where
 * (over which socket or connection) an answer or request goes.
 */
#ifndef SIPWALL_TRANSPORT_H
#define SIPWALL_TRANSPORT_H

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdint.h>

#include "config.h"
#include "hashtab.h"

/* Runtime state of a [realm]; it survives reloads that keep its name. */
struct sipwall_realm {
	char *name;
	const struct sipwall_realm_config *cfg;	/* into the current config */
	SSL_CTX *tls_server;
	SSL_CTX *tls_client;
	unsigned int connections;
	struct sipwall_htab sources;		/* connection count per source address */
	bool stale;				/* gone from the config: being closed */
};

struct sipwall_peer {
	enum sipwall_proto proto;
	struct sipwall_realm *realm;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	uint64_t conn_id;	/* TCP/TLS: the connection (0: find or open one) */
	int udp_fd;		/* UDP: the socket to send from (-1: any of the realm) */
	/*
	 * TCP/TLS answers: where to connect if the request's connection is
	 * gone (RFC 3261 18.2.2: received address, sent-by port), instead of
	 * the source address, whose port was the client's ephemeral one.
	 */
	struct sockaddr_storage reconnect;
	socklen_t reconnect_len;
};

struct sipwall_stats {
	uint64_t rx_messages;
	uint64_t rx_bad_requests;	/* answered 400 (or 505/513) */
	uint64_t rx_bad_responses;	/* dropped */
	uint64_t rx_stray_responses;	/* no transaction: dropped */
	uint64_t tx_messages;
	uint64_t tx_errors;
	uint64_t conns_accepted;
	uint64_t conns_refused;		/* over a connection limit */
	uint64_t conns_idle_closed;
	uint64_t tls_handshake_failures;
	uint64_t keepalive_pings;
};

extern struct sipwall_stats sipwall_stats;

/* Implemented by the SIP core: one message, framed; buf may be modified. */
void sipwall_core_receive(const struct sipwall_peer *from, char *buf, size_t len);

/*
 * Sends one message. Stream transports use to->conn_id if that connection
 * is still open, else an open connection to to->addr (connection reuse),
 * else open a new one and queue the message; to->conn_id is updated.
 */
int sipwall_send(struct sipwall_peer *to, const void *data, size_t len);

/*
 * Realms and listeners from a config; on reload, reconciled in place.
 * Returns 0; -1 if some TLS material does not load (nothing changed); 1 if
 * applied with errors (e.g. a listener could not bind).
 */
int sipwall_realms_apply(const struct sipwall_config *cfg);
void sipwall_realms_uninit(void);
struct sipwall_realm *sipwall_realm_find(const char *name);
/* The socket a UDP message to this family goes out of, or -1. */
int sipwall_realm_udp_fd(const struct sipwall_realm *realm, int family);
bool sipwall_realm_udp_fd_valid(const struct sipwall_realm *realm, int fd);

/*
 * Implemented by the transaction layer: connection conn_id closed; client
 * transactions that were waiting on it fail (503) at once.
 */
void sipwall_txn_connection_lost(uint64_t conn_id);

/* Connections (conn.c). */
int sipwall_conn_init(void);
void sipwall_conn_uninit(void);
void sipwall_conn_accept(struct sipwall_realm *realm, enum sipwall_proto proto, int fd,
			 const struct sockaddr_storage *peer, socklen_t peer_len);
int sipwall_conn_send(struct sipwall_peer *to, const void *data, size_t len);
bool sipwall_conn_alive(uint64_t conn_id);
/* A TLS connection whose peer presented a certificate that was verified (mutual TLS). */
bool sipwall_conn_peer_verified(uint64_t conn_id);
void sipwall_conn_close_realm(struct sipwall_realm *realm, const char *why);
void sipwall_conn_set_limits(unsigned int max_total);
unsigned int sipwall_conn_count(void);

/* "udp:127.0.0.1:5060" style text for logs. */
void sipwall_addr_format(const struct sockaddr_storage *addr, char *out, size_t out_size);

#endif
