// SPDX-License-Identifier: GPL-2.0
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "tls.h"

static void openssl_reason(char *err, size_t err_size, const char *what, const char *path)
{
	unsigned long code = ERR_get_error();
	char detail[256] = "unknown error";

	if (code)
		ERR_error_string_n(code, detail, sizeof(detail));
	ERR_clear_error();
	snprintf(err, err_size, "%s%s%s: %s", what, path ? " " : "", path ? path : "", detail);
}

static int common_setup(SSL_CTX *ctx, const struct sipwall_tls_config *cfg, char *err,
			size_t err_size)
{
	/* TLS 1.0 and 1.1 are refused outright, whatever the cipher list says */
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)) {
		openssl_reason(err, err_size, "cannot limit TLS versions", NULL);
		return -1;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
				 SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	if (cfg->ciphers && !SSL_CTX_set_cipher_list(ctx, cfg->ciphers)) {
		openssl_reason(err, err_size, "tls_ciphers", cfg->ciphers);
		return -1;
	}
	if (cfg->ciphersuites && !SSL_CTX_set_ciphersuites(ctx, cfg->ciphersuites)) {
		openssl_reason(err, err_size, "tls_ciphersuites", cfg->ciphersuites);
		return -1;
	}
	if (cfg->ca && !SSL_CTX_load_verify_locations(ctx, cfg->ca, NULL)) {
		openssl_reason(err, err_size, "cannot load tls_ca", cfg->ca);
		return -1;
	}
	return 0;
}

SSL_CTX *sipwall_tls_server_ctx(const struct sipwall_tls_config *cfg, const char *realm,
				char *err, size_t err_size)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	int mode = SSL_VERIFY_NONE;

	if (!ctx) {
		openssl_reason(err, err_size, "cannot create a TLS context", NULL);
		goto err;
	}
	if (common_setup(ctx, cfg, err, err_size))
		goto err_ctx;
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->certificate) != 1) {
		openssl_reason(err, err_size, "cannot load tls_certificate", cfg->certificate);
		goto err_ctx;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key, SSL_FILETYPE_PEM) != 1) {
		openssl_reason(err, err_size, "cannot load tls_key", cfg->key);
		goto err_ctx;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		openssl_reason(err, err_size, "tls_key does not match tls_certificate", cfg->key);
		goto err_ctx;
	}
	if (cfg->verify_client == SIPWALL_TLS_VERIFY_OPTIONAL)
		mode = SSL_VERIFY_PEER;
	else if (cfg->verify_client == SIPWALL_TLS_VERIFY_REQUIRE)
		mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	SSL_CTX_set_verify(ctx, mode, NULL);
	if (cfg->ca && mode != SSL_VERIFY_NONE) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cfg->ca);

		if (names)
			SSL_CTX_set_client_CA_list(ctx, names);
	}
	/*
	 * Resumption: a server-side session cache for TLS 1.2 session IDs,
	 * tickets (OpenSSL's rotating keys) for both versions. The id
	 * context keeps sessions of one realm from resuming in another.
	 */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)realm,
				       (unsigned int)strnlen(realm, SSL_MAX_SID_CTX_LENGTH));
	SSL_CTX_set_timeout(ctx, cfg->session_timeout);
	if (!cfg->session_timeout)
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;

err_ctx:
	SSL_CTX_free(ctx);
err:
	return NULL;
}

SSL_CTX *sipwall_tls_client_ctx(const struct sipwall_tls_config *cfg, char *err,
				size_t err_size)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx) {
		openssl_reason(err, err_size, "cannot create a TLS context", NULL);
		return NULL;
	}
	if (common_setup(ctx, cfg, err, err_size)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (!cfg->ca)
		SSL_CTX_set_default_verify_paths(ctx);
	/* our own certificate, for next hops that ask for one */
	if (cfg->certificate && cfg->key &&
	    (SSL_CTX_use_certificate_chain_file(ctx, cfg->certificate) != 1 ||
	     SSL_CTX_use_PrivateKey_file(ctx, cfg->key, SSL_FILETYPE_PEM) != 1)) {
		openssl_reason(err, err_size, "cannot load the client certificate", cfg->certificate);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, cfg->verify_server ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
	return ctx;
}

void sipwall_tls_peer_name(SSL *ssl, char *out, size_t out_size)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);

	snprintf(out, out_size, "-");
	if (cert) {
		X509_NAME_oneline(X509_get_subject_name(cert), out, (int)out_size);
		X509_free(cert);
	}
}
