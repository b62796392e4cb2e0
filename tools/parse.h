// SPDX-License-Identifier: GPL-2.0
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/sipwall.h>

/* "1.2.3.4:5" or "[2001:db8::1]:5", plus the brackets and a NUL. */
#define ENDPOINT_STRLEN (INET6_ADDRSTRLEN + sizeof("[]:65535"))

struct endpoint {
	int family;		/* AF_INET, AF_INET6; 0 when absent */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint16_t port;
};

struct srtp_params {
	uint32_t suite;		/* enum sipwall_srtp_suite; NONE when absent */
	uint8_t key[SIPWALL_SRTP_MASTER_KEY_MAX];
	uint8_t salt[SIPWALL_SRTP_MASTER_SALT_MAX];
	size_t key_len;
	size_t salt_len;
};

/*
 * The parsers print one error line (see ctl_error) and return -1 on a bad
 * word; 0 on success.
 */
int parse_endpoint(const char *s, struct endpoint *ep);
int parse_u64(const char *what, const char *s, uint64_t min, uint64_t max,
	      uint64_t *val);
/* "LOW-HIGH", "off" or "0-0" (off: both 0). */
int parse_port_range(const char *s, uint16_t *low, uint16_t *high);
int parse_suite(const char *s, uint32_t *suite);
/* Decodes KEY for p->suite into p->key and p->salt. */
int parse_srtp_key(const char *s, struct srtp_params *p);

/* The RFC 4568 name of a suite; NULL if unknown. */
const char *suite_name(uint32_t suite);
void endpoint_format(const struct endpoint *ep, char buf[ENDPOINT_STRLEN]);

#endif
