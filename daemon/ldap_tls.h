/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS for the directory connection, done by us with OpenSSL rather than
 * by libldap: libldap 2.5 runs the handshake in a blocking poll(), which
 * a server that accepts TCP and then stalls would turn into a stalled
 * event loop. We run it non-blocking on the loop, verify the server as
 * libldap would (chain, and the uri's host name or address), then slide
 * the session under libldap as a socket-buffer layer, as curl does.
 */
#ifndef SIPWALL_LDAP_TLS_H
#define SIPWALL_LDAP_TLS_H

#include <ldap.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

/* TLS 1.2 at least, the server always verified against ca_file (or the system's). */
SSL_CTX *sipwall_ldap_tls_ctx_create(const char *ca_file);

/* A client session on the connected socket fd, to verify as host. */
SSL *sipwall_ldap_tls_new(SSL_CTX *ctx, int fd, const char *host);

/*
 * One step of the handshake: 1 done, 0 wants the socket to be ready for
 * *events (EPOLLIN, or EPOLLIN | EPOLLOUT), -1 failed with a reason in why.
 */
int sipwall_ldap_tls_step(SSL *ssl, uint32_t *events, char *why, size_t size);

/* Puts the session under ld's socket buffer; it owns (and frees) ssl then. */
int sipwall_ldap_tls_install(LDAP *ld, SSL *ssl);

#endif
