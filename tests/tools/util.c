// SPDX-License-Identifier: GPL-2.0
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int endpoint_parse(struct endpoint *ep, const char *s, int need_port)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL, *end;
	unsigned long p = 0;
	char *e;
	size_t n;

	memset(ep, 0, sizeof(*ep));
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return -1;
		n = (size_t)(end - s - 1);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -1;
		s++;
	} else {
		end = strrchr(s, ':');
		n = end ? (size_t)(end - s) : strlen(s);
		if (end)
			port = end + 1;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = 0;
	if (port) {
		errno = 0;
		p = strtoul(port, &e, 10);
		if (errno || *e || !*port || p > 65535)
			return -1;
	} else if (need_port) {
		return -1;
	}
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ep->ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -1;
		ep->len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ep->ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)p);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -1;
		ep->len = sizeof(*a);
	}
	return 0;
}

const char *endpoint_str(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, size, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, size, "%s:%u", a, ntohs(s4->sin_port));
	} else {
		snprintf(buf, size, "-");
	}
	return buf;
}

int endpoint_family(const struct endpoint *ep)
{
	return ep->ss.ss_family;
}

uint16_t endpoint_port(const struct endpoint *ep)
{
	if (ep->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&ep->ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&ep->ss)->sin_port);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

unsigned long long parse_num(const char *what, const char *s,
			     unsigned long long min, unsigned long long max)
{
	unsigned long long v;
	char *e;

	errno = 0;
	v = strtoull(s, &e, 0);
	if (errno || *e || !*s || v < min || v > max) {
		fprintf(stderr, "bad %s '%s' (want %llu..%llu)\n", what, s, min, max);
		exit(2);
	}
	return v;
}

static const char *const kind_names[__KIND_MAX] = {
	[KIND_RTP] = "rtp",
	[KIND_RTCP] = "rtcp",
	[KIND_STUN] = "stun",
	[KIND_BADVER] = "badver",
	[KIND_SHORT] = "short",
	[KIND_BADCC] = "badcc",
	[KIND_BADEXT] = "badext",
	[KIND_BADPAD] = "badpad",
	[KIND_SHORTRTCP] = "shortrtcp",
};

/* First two bytes of the malformed kinds. */
static const uint8_t bad_head[__KIND_MAX][2] = {
	[KIND_BADVER] = { 0x40, 0x00 },
	[KIND_SHORT] = { 0x80, 0x00 },
	[KIND_BADCC] = { 0x8f, 0x00 },
	[KIND_BADEXT] = { 0x90, 0x00 },
	[KIND_BADPAD] = { 0xa0, 0x00 },
	[KIND_SHORTRTCP] = { 0x80, 200 },
};

size_t kind_default_size(int kind)
{
	switch (kind) {
	case KIND_RTP:
		return 172;
	case KIND_SHORT:
		return 8;
	case KIND_BADCC:
	case KIND_BADPAD:
		return 20;
	case KIND_BADEXT:
		return 14;
	default:
		return kind_min_size(kind);
	}
}

int kind_parse(const char *s)
{
	int k;

	for (k = 0; k < __KIND_MAX; k++)
		if (!strcmp(s, kind_names[k]))
			return k;
	return -1;
}

const char *kind_name(int kind)
{
	return kind >= 0 && kind < __KIND_MAX ? kind_names[kind] : "?";
}

size_t kind_min_size(int kind)
{
	switch (kind) {
	case KIND_RTP:
		return 12;
	case KIND_RTCP:
		return 28;
	case KIND_STUN:
		return 20;
	default:
		return 4;
	}
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Where the pattern starts: everything before it is the kind's header. */
static size_t pattern_start(int kind)
{
	switch (kind) {
	case KIND_RTP:
		return 12;
	case KIND_RTCP:
		return 12;
	case KIND_STUN:
		return 12;
	default:
		return 4;
	}
}

void pkt_build(uint8_t *buf, size_t len, int kind, uint32_t ssrc, uint32_t idx)
{
	size_t i;

	switch (kind) {
	case KIND_RTP:
		idx &= 0xffff;
		buf[0] = 0x80;
		buf[1] = 0;
		put16(buf + 2, idx);
		put32(buf + 4, idx * 160);
		put32(buf + 8, ssrc);
		break;
	case KIND_RTCP:
		buf[0] = 0x80;
		buf[1] = 200;
		put16(buf + 2, (uint32_t)(len / 4 - 1));
		put32(buf + 4, ssrc);
		put32(buf + 8, idx);
		break;
	case KIND_STUN:
		put16(buf, 0x0001);
		put16(buf + 2, (uint32_t)(len - 20));
		put32(buf + 4, 0x2112A442);
		put32(buf + 8, idx);
		break;
	default:
		idx &= 0xffff;
		buf[0] = bad_head[kind][0];
		buf[1] = bad_head[kind][1];
		put16(buf + 2, idx);
		break;
	}
	for (i = pattern_start(kind); i < len; i++)
		buf[i] = pattern_byte(ssrc, idx, i);
	if (kind == KIND_BADPAD)
		buf[len - 1] = 0xff;
}

int pkt_check(const uint8_t *buf, size_t len, int kind, uint32_t ssrc, uint32_t *idx)
{
	uint8_t want[65536];

	if (len < kind_min_size(kind) || len > sizeof(want))
		return -1;
	switch (kind) {
	case KIND_RTCP:
	case KIND_STUN:
		*idx = get32(buf + 8);
		break;
	default:
		*idx = get16(buf + 2);
		break;
	}
	pkt_build(want, len, kind, ssrc, *idx);
	return memcmp(want, buf, len) ? -1 : 0;
}
