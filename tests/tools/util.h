/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the test tools: endpoint parsing in sipwallctl's syntax
 * (ADDR:PORT, [ADDR6]:PORT), formatting, clocks, the RTP test pattern.
 */
#ifndef SIPWALL_TEST_UTIL_H
#define SIPWALL_TEST_UTIL_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct endpoint {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Parses "1.2.3.4:5" or "[fd00::1]:5" (port optional when need_port is 0). */
int endpoint_parse(struct endpoint *ep, const char *s, int need_port);
/* Writes "1.2.3.4:5" or "[fd00::1]:5" into buf. */
const char *endpoint_str(const struct sockaddr_storage *ss, char *buf, size_t size);
int endpoint_family(const struct endpoint *ep);
uint16_t endpoint_port(const struct endpoint *ep);

uint64_t now_ns(void);

/* Parses an unsigned number (decimal or 0x hex) within [min, max] or exits. */
unsigned long long parse_num(const char *what, const char *s,
			     unsigned long long min, unsigned long long max);

/*
 * The payload pattern: byte i of a packet with index idx (RTP sequence
 * number, or a counter in other kinds) for stream ssrc. Senders write it,
 * sinks recompute it, so any changed byte is found.
 */
static inline uint8_t pattern_byte(uint32_t ssrc, uint32_t idx, size_t i)
{
	uint32_t x = ssrc ^ (idx * 2654435761u) ^ ((uint32_t)i * 40503u);

	x ^= x >> 13;
	x *= 0x5bd1e995u;
	x ^= x >> 15;
	return (uint8_t)x;
}

/* Packet kinds produced by rtpsend and checked by rtpsink. */
enum pkt_kind {
	KIND_RTP,	/* RTP v2, PT 0, seq = idx, ts = idx * 160, SSRC */
	KIND_RTCP,	/* RTCP SR (PT 200), SSRC, idx in the NTP msw word */
	KIND_STUN,	/* STUN binding request, idx in the transaction id */
	/*
	 * Malformed ones: fixed first two bytes, idx at bytes 2..3, pattern
	 * after; not valid RTP/RTCP, so a relay must leave them alone.
	 */
	KIND_BADVER,	/* 0x40: version 1 */
	KIND_SHORT,	/* 0x80 0x00: version 2 but shorter than an RTP header (8 bytes) */
	KIND_BADCC,	/* 0x8f 0x00: 15 CSRCs announced, 20 bytes given */
	KIND_BADEXT,	/* 0x90 0x00: extension bit, no room for its header (14 bytes) */
	KIND_BADPAD,	/* 0xa0 0x00: padding bit, last byte 255 > length (20 bytes) */
	KIND_SHORTRTCP,	/* 0x80 0xc8: RTCP SR type in 4 bytes */
	__KIND_MAX
};

int kind_parse(const char *s);
const char *kind_name(int kind);
/* Minimum packet size of a kind (its header). */
size_t kind_min_size(int kind);
/* Default packet size of a kind. */
size_t kind_default_size(int kind);
/* Builds packet idx of a kind of len bytes into buf. */
void pkt_build(uint8_t *buf, size_t len, int kind, uint32_t ssrc, uint32_t idx);
/*
 * Checks that buf is exactly what pkt_build makes for some idx; sets *idx.
 * Returns 0 if it is, -1 if not.
 */
int pkt_check(const uint8_t *buf, size_t len, int kind, uint32_t ssrc, uint32_t *idx);

#endif
