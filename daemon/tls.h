/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OpenSSL contexts for a realm: TLS 1.2 and 1.3 only, the configured
 * ciphers, certificate chain, key and CA bundle, optional mutual TLS and
 * server-side session resumption (session cache and tickets).
 */
#ifndef SIPWALL_TLS_H
#define SIPWALL_TLS_H

#include <openssl/ssl.h>

#include "config.h"

/* Returns a new context, or NULL with a one-line reason in err. */
SSL_CTX *sipwall_tls_server_ctx(const struct sipwall_tls_config *cfg, const char *realm,
				char *err, size_t err_size);
SSL_CTX *sipwall_tls_client_ctx(const struct sipwall_tls_config *cfg, char *err,
				size_t err_size);
/* The subject of the peer's certificate, for logs ("-" if none). */
void sipwall_tls_peer_name(SSL *ssl, char *out, size_t out_size);

#endif
