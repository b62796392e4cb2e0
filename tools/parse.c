// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ctl.h"
#include "parse.h"

/* Longest inline key: AES-256 key + salt, 46 bytes, is 64 base64 chars. */
#define KEY_B64_MAX 64

static const struct suite {
	const char *name;
	uint32_t id;
	size_t key_len;
	size_t salt_len;
} suites[] = {
	{ "AES_CM_128_HMAC_SHA1_80", SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80, 16, 14 },
	{ "AES_CM_128_HMAC_SHA1_32", SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_32, 16, 14 },
	{ "AES_256_CM_HMAC_SHA1_80", SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_80, 32, 14 },
	{ "AES_256_CM_HMAC_SHA1_32", SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_32, 32, 14 },
	{ "AEAD_AES_128_GCM", SIPWALL_SRTP_AEAD_AES_128_GCM, 16, 12 },
	{ "AEAD_AES_256_GCM", SIPWALL_SRTP_AEAD_AES_256_GCM, 32, 12 },
};

#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

static const struct suite *suite_find(uint32_t id)
{
	size_t i;

	for (i = 0; i < N_SUITES; i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

const char *suite_name(uint32_t suite)
{
	const struct suite *s = suite_find(suite);

	return s ? s->name : NULL;
}

/* Strict decimal: no sign, no spaces, no base prefixes, no overflow. */
static int decimal(const char *s, uint64_t *val)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*val = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	return 0;
}

int parse_u64(const char *what, const char *s, uint64_t min, uint64_t max,
	      uint64_t *val)
{
	if (decimal(s, val)) {
		ctl_error("bad %s '%s': not a number", what, s);
		return -1;
	}
	if (*val < min || *val > max) {
		ctl_error("bad %s '%s': must be %llu-%llu", what, s,
			  (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

int parse_endpoint(const char *s, struct endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port, *close;
	uint64_t p;
	size_t len;

	memset(ep, 0, sizeof(*ep));
	if (*s == '[') {
		close = strchr(s, ']');
		if (!close) {
			ctl_error("bad address '%s': missing ']'", s);
			return -1;
		}
		if (close[1] != ':') {
			ctl_error("bad address '%s': missing port (expected [ADDR]:PORT)", s);
			return -1;
		}
		len = close - (s + 1);
		port = close + 2;
		ep->family = AF_INET6;
		if (len >= sizeof(host))
			goto bad_addr;
		memcpy(host, s + 1, len);
		host[len] = '\0';
		if (strchr(host, '%')) {
			ctl_error("bad address '%s': zone indexes are not supported", s);
			return -1;
		}
		if (inet_pton(AF_INET6, host, &ep->addr.v6) != 1)
			goto bad_addr;
	} else {
		port = strrchr(s, ':');
		if (!port) {
			ctl_error("bad address '%s': missing port (expected ADDR:PORT)", s);
			return -1;
		}
		if (memchr(s, ':', port - s)) {
			ctl_error("bad address '%s': an IPv6 address needs brackets, e.g. [::1]:4000", s);
			return -1;
		}
		len = port - s;
		port++;
		ep->family = AF_INET;
		if (len >= sizeof(host))
			goto bad_addr;
		memcpy(host, s, len);
		host[len] = '\0';
		if (inet_pton(AF_INET, host, &ep->addr.v4) != 1)
			goto bad_addr;
	}
	if (decimal(port, &p) || p < 1 || p > 65535) {
		ctl_error("bad address '%s': port must be 1-65535", s);
		return -1;
	}
	ep->port = p;
	return 0;

bad_addr:
	ctl_error("bad address '%s': not an %s address", s,
		  ep->family == AF_INET ? "IPv4" : "IPv6");
	return -1;
}

int parse_port_range(const char *s, uint16_t *low, uint16_t *high)
{
	char buf[sizeof("65535-65535")];
	uint64_t lo, hi;
	char *dash;

	if (!strcmp(s, "off")) {
		*low = *high = 0;
		return 0;
	}
	if (strlen(s) >= sizeof(buf) || !strchr(s, '-'))
		goto bad;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	*dash = '\0';
	if (decimal(buf, &lo) || decimal(dash + 1, &hi) || lo > 65535 || hi > 65535)
		goto bad;
	if (!lo != !hi || lo > hi) {
		ctl_error("bad port range '%s': need 1 <= LOW <= HIGH <= 65535, or 0-0 for off", s);
		return -1;
	}
	*low = lo;
	*high = hi;
	return 0;

bad:
	ctl_error("bad port range '%s': expected LOW-HIGH (e.g. 30000-30999) or off", s);
	return -1;
}

int parse_suite(const char *s, uint32_t *suite)
{
	size_t i;

	for (i = 0; i < N_SUITES; i++) {
		if (!strcasecmp(s, suites[i].name)) {
			*suite = suites[i].id;
			return 0;
		}
	}
	ctl_error("unknown SRTP suite '%s' (known: AES_CM_128_HMAC_SHA1_80, "
		  "AES_CM_128_HMAC_SHA1_32, AES_256_CM_HMAC_SHA1_80, "
		  "AES_256_CM_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM)", s);
	return -1;
}

static int is_b64(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '/';
}

/*
 * RFC 4568 inline keys are base64 (RFC 4648 section 4) of key||salt. Some
 * peers leave out the '=' padding; EVP_DecodeBlock wants it, and counts
 * the padded positions as zero bytes, so the real length is computed here.
 * The key itself never appears in a message.
 */
int parse_srtp_key(const char *s, struct srtp_params *p)
{
	const struct suite *suite = suite_find(p->suite);
	unsigned char bin[KEY_B64_MAX / 4 * 3];
	char b64[KEY_B64_MAX + 1];
	size_t len, data, pad = 0, want;
	int ret = -1, n;

	if (!suite) {
		ctl_error("unknown SRTP suite %u", p->suite);
		return -1;
	}
	want = suite->key_len + suite->salt_len;
	if (!strncmp(s, "inline:", 7))
		s += 7;
	if (strchr(s, '|')) {
		ctl_error("bad SRTP key: lifetime and MKI parameters are not supported");
		return -1;
	}
	len = strlen(s);
	for (data = 0; data < len && is_b64(s[data]); data++)
		;
	while (data + pad < len && s[data + pad] == '=')
		pad++;
	if (data + pad < len) {
		/* Says where, not what: the key must not reach a log. */
		ctl_error("bad SRTP key: character %zu is not base64",
			  data + pad + 1);
		return -1;
	}
	if (data % 4 == 1 || pad > 2 || (pad && (data + pad) % 4)) {
		ctl_error("bad SRTP key: bad base64 length or padding");
		return -1;
	}
	/* Full 4-char groups give 3 bytes; a tail of 2 or 3 chars, 1 or 2. */
	if (data / 4 * 3 + (data % 4 ? data % 4 - 1 : 0) != want ||
	    data > KEY_B64_MAX) {
		ctl_error("bad SRTP key: %s needs %zu bytes (key %zu + salt %zu) of base64",
			  suite->name, want, suite->key_len, suite->salt_len);
		return -1;
	}
	memcpy(b64, s, data);
	pad = (4 - data % 4) % 4;
	memset(b64 + data, '=', pad);
	b64[data + pad] = '\0';
	n = EVP_DecodeBlock(bin, (unsigned char *)b64, data + pad);
	if (n < 0 || (size_t)n != want + pad) {
		ctl_error("bad SRTP key: not base64");
		goto wipe;
	}
	memcpy(p->key, bin, suite->key_len);
	memcpy(p->salt, bin + suite->key_len, suite->salt_len);
	p->key_len = suite->key_len;
	p->salt_len = suite->salt_len;
	ret = 0;
wipe:
	OPENSSL_cleanse(bin, sizeof(bin));
	OPENSSL_cleanse(b64, sizeof(b64));
	return ret;
}

void endpoint_format(const struct endpoint *ep, char buf[ENDPOINT_STRLEN])
{
	char host[INET6_ADDRSTRLEN];

	if (ep->family == AF_INET6) {
		inet_ntop(AF_INET6, &ep->addr.v6, host, sizeof(host));
		snprintf(buf, ENDPOINT_STRLEN, "[%s]:%u", host, ep->port);
	} else {
		inet_ntop(AF_INET, &ep->addr.v4, host, sizeof(host));
		snprintf(buf, ENDPOINT_STRLEN, "%s:%u", host, ep->port);
	}
}
