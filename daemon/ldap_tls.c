// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "ldap_tls.h"

SSL_CTX *sipwall_ldap_tls_ctx_create(const char *ca_file)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx)
		goto err;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
		goto err_ctx;
	if (ca_file ? !SSL_CTX_load_verify_locations(ctx, ca_file, NULL) :
		      !SSL_CTX_set_default_verify_paths(ctx))
		goto err_ctx;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/* libber retries a write from wherever its buffer now is */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return ctx;

err_ctx:
	SSL_CTX_free(ctx);
err:
	ERR_clear_error();
	return NULL;
}

SSL *sipwall_ldap_tls_new(SSL_CTX *ctx, int fd, const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];
	SSL *ssl = SSL_new(ctx);
	bool literal;

	if (!ssl)
		goto err;
	literal = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
	if (!SSL_set_fd(ssl, fd))
		goto err_ssl;
	if (literal) {
		/* an address in the uri: the certificate must name it (IP SAN) */
		if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host))
			goto err_ssl;
	} else if (!SSL_set1_host(ssl, host) || !SSL_set_tlsext_host_name(ssl, host)) {
		goto err_ssl;
	}
	SSL_set_connect_state(ssl);
	return ssl;

err_ssl:
	SSL_free(ssl);
err:
	ERR_clear_error();
	return NULL;
}

int sipwall_ldap_tls_step(SSL *ssl, uint32_t *events, char *why, size_t size)
{
	int rc, err;
	long verify;

	/* the SIP stack shares this thread's OpenSSL error queue */
	ERR_clear_error();
	rc = SSL_do_handshake(ssl);
	if (rc == 1)
		return 1;
	err = SSL_get_error(ssl, rc);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		*events = err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLIN | EPOLLOUT;
		return 0;
	}
	verify = SSL_get_verify_result(ssl);
	if (verify != X509_V_OK)
		snprintf(why, size, "certificate: %s", X509_verify_cert_error_string(verify));
	else if (ERR_peek_error())
		ERR_error_string_n(ERR_peek_error(), why, size);
	else
		snprintf(why, size, "connection closed in the handshake");
	ERR_clear_error();
	return -1;
}

static SSL *ssl_of(Sockbuf_IO_Desc *sbiod)
{
	return sbiod->sbiod_pvt;
}

static int sb_setup(Sockbuf_IO_Desc *sbiod, void *arg)
{
	sbiod->sbiod_pvt = arg;
	return 0;
}

static int sb_remove(Sockbuf_IO_Desc *sbiod)
{
	SSL_free(ssl_of(sbiod));
	sbiod->sbiod_pvt = NULL;
	return 0;
}

static int sb_ctrl(Sockbuf_IO_Desc *sbiod, int opt, void *arg)
{
	/* decrypted bytes waiting: the socket will not say so */
	if (opt == LBER_SB_OPT_DATA_READY && SSL_pending(ssl_of(sbiod)) > 0)
		return 1;
	return LBER_SBIOD_CTRL_NEXT(sbiod, opt, arg);
}

/* SSL_read/SSL_write's result as read()/write() would give it */
static ber_slen_t io_result(SSL *ssl, int n)
{
	int err;

	if (n > 0)
		return n;
	err = SSL_get_error(ssl, n);
	ERR_clear_error();
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		errno = EWOULDBLOCK;
		return -1;
	}
	if (err == SSL_ERROR_ZERO_RETURN)
		return 0;
	errno = EIO;
	return -1;
}

static ber_slen_t sb_read(Sockbuf_IO_Desc *sbiod, void *buf, ber_len_t len)
{
	ERR_clear_error();
	return io_result(ssl_of(sbiod), SSL_read(ssl_of(sbiod), buf, len > INT_MAX ? INT_MAX : (int)len));
}

static ber_slen_t sb_write(Sockbuf_IO_Desc *sbiod, void *buf, ber_len_t len)
{
	ERR_clear_error();
	return io_result(ssl_of(sbiod), SSL_write(ssl_of(sbiod), buf, len > INT_MAX ? INT_MAX : (int)len));
}

static int sb_close(Sockbuf_IO_Desc *sbiod)
{
	/* one try at close_notify; the socket closes below us either way */
	ERR_clear_error();
	SSL_shutdown(ssl_of(sbiod));
	ERR_clear_error();
	return 0;
}

static Sockbuf_IO tls_sbio = {
	.sbi_setup = sb_setup,
	.sbi_remove = sb_remove,
	.sbi_ctrl = sb_ctrl,
	.sbi_read = sb_read,
	.sbi_write = sb_write,
	.sbi_close = sb_close,
};

int sipwall_ldap_tls_install(LDAP *ld, SSL *ssl)
{
	Sockbuf *sb = NULL;

	if (ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) != LDAP_OPT_SUCCESS || !sb)
		return -1;
	return ber_sockbuf_add_io(sb, &tls_sbio, LBER_SBIOD_LEVEL_TRANSPORT, ssl);
}
