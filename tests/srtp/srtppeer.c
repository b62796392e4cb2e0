// SPDX-License-Identifier: GPL-2.0
/*
 * srtppeer: the SRTP end of sipwall's SRTP interop tests. libsrtp2, the
 * reference implementation, is the oracle: what it protects the kernel must
 * decrypt, and what the kernel protects it must accept.
 *
 *   srtppeer send [options] SRC-ADDR:PORT DST-ADDR:PORT
 *   srtppeer recv [options] ADDR:PORT
 *   srtppeer keygen [-v] SUITE...       a random inline key per suite
 *   srtppeer keyinfo SUITE KEY          the key and salt in hex
 *
 * Packets: RTP version 2, PT 0, sequence number = index & 0xffff (so a run
 * that starts at 65500 crosses the wrap and the ROC becomes 1), timestamp =
 * index * 160, and every byte after the header derived from the SSRC, the
 * index and the byte's position; RTCP is one SR whose NTP seconds carry the
 * index. A receiver rebuilds the packet for the index it estimates (RFC 3711
 * Appendix A) and compares every byte. Bounded in count and in time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <srtp2/srtp.h>

#define DEFAULT_SSRC	0x5e5e0a11u
#define RTP_HDR		12
#define RTCP_SR_LEN	28
#define MAX_PKT		2048
#define MAX_LIST	256
#define KEY_MAX		(32 + 14)

/* ----------------------------------------------------------- suites, keys */

struct suite {
	const char *name;
	size_t key_len, salt_len;
	void (*rtp)(srtp_crypto_policy_t *p);
	/* RFC 4568 §6.2.2, RFC 6188 §7: the _32 suites keep an 80-bit SRTCP tag. */
	void (*rtcp)(srtp_crypto_policy_t *p);
};

static const struct suite suites[] = {
	{ "AES_CM_128_HMAC_SHA1_80", 16, 14, srtp_crypto_policy_set_rtp_default,
	  srtp_crypto_policy_set_rtcp_default },
	{ "AES_CM_128_HMAC_SHA1_32", 16, 14, srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32,
	  srtp_crypto_policy_set_rtcp_default },
	{ "AES_256_CM_HMAC_SHA1_80", 32, 14, srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
	  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	{ "AES_256_CM_HMAC_SHA1_32", 32, 14, srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32,
	  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	{ "AEAD_AES_128_GCM", 16, 12, srtp_crypto_policy_set_aes_gcm_128_16_auth,
	  srtp_crypto_policy_set_aes_gcm_128_16_auth },
	{ "AEAD_AES_256_GCM", 32, 12, srtp_crypto_policy_set_aes_gcm_256_16_auth,
	  srtp_crypto_policy_set_aes_gcm_256_16_auth },
};
#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

static const struct suite *suite_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_SUITES; i++)
		if (!strcasecmp(name, suites[i].name))
			return &suites[i];
	fprintf(stderr, "srtppeer: unknown suite '%s'\n", name);
	exit(2);
}

static int b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* RFC 4568 inline key ("inline:" optional, '=' padding optional) -> key||salt. */
static void key_parse(const struct suite *s, const char *in, uint8_t *out)
{
	size_t want = s->key_len + s->salt_len, len, data, pad;
	char b64[128];
	uint8_t bin[96];
	int n;

	if (!strncmp(in, "inline:", 7))
		in += 7;
	len = strlen(in);
	for (data = 0; data < len && b64_char((unsigned char)in[data]); data++)
		;
	for (pad = 0; data + pad < len && in[data + pad] == '='; pad++)
		;
	if (data + pad != len || data > 120 || data % 4 == 1 ||
	    data / 4 * 3 + (data % 4 ? data % 4 - 1 : 0) != want) {
		fprintf(stderr, "srtppeer: %s needs the base64 of %zu bytes\n", s->name, want);
		exit(2);
	}
	pad = (4 - data % 4) % 4;
	memcpy(b64, in, data);
	memset(b64 + data, '=', pad);
	n = EVP_DecodeBlock(bin, (unsigned char *)b64, (int)(data + pad));
	if (n < 0 || (size_t)n != want + pad) {
		fprintf(stderr, "srtppeer: bad base64 key\n");
		exit(2);
	}
	memcpy(out, bin, want);
	OPENSSL_cleanse(bin, sizeof(bin));
	OPENSSL_cleanse(b64, sizeof(b64));
}

static void hexs(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

/* -v: "BASE64 KEY-HEX SALT-HEX", for tests that look for leaked keys. */
static int cmd_keygen(int argc, char **argv)
{
	uint8_t bin[KEY_MAX];
	char b64[80];
	int i = 1, verbose = 0;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		i++;
	}
	if (argc <= i) {
		fprintf(stderr, "usage: srtppeer keygen [-v] SUITE...\n");
		return 2;
	}
	for (; i < argc; i++) {
		const struct suite *s = suite_find(argv[i]);
		int n = (int)(s->key_len + s->salt_len);

		if (RAND_bytes(bin, n) != 1) {
			fprintf(stderr, "srtppeer: RAND_bytes failed\n");
			return 1;
		}
		EVP_EncodeBlock((unsigned char *)b64, bin, n);
		printf("%s", b64);
		if (verbose) {
			printf(" ");
			hexs(bin, s->key_len);
			printf(" ");
			hexs(bin + s->key_len, s->salt_len);
		}
		printf("\n");
	}
	OPENSSL_cleanse(bin, sizeof(bin));
	return 0;
}

static void hex(const char *name, const uint8_t *p, size_t n)
{
	printf("%s ", name);
	hexs(p, n);
	printf("\n");
}

static int cmd_keyinfo(int argc, char **argv)
{
	const struct suite *s;
	uint8_t key[KEY_MAX];

	if (argc != 3) {
		fprintf(stderr, "usage: srtppeer keyinfo SUITE KEY\n");
		return 2;
	}
	s = suite_find(argv[1]);
	key_parse(s, argv[2], key);
	hex("key", key, s->key_len);
	hex("salt", key + s->key_len, s->salt_len);
	hex("key_salt", key, s->key_len + s->salt_len);
	return 0;
}

/* ------------------------------------------------------ addresses, clocks */

struct endpoint {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* "1.2.3.4:5" or "[fd00::1]:5" */
static int endpoint_parse(struct endpoint *ep, const char *s)
{
	char host[64];
	const char *colon, *h = s;
	size_t hl;
	char *end;
	unsigned long port;

	memset(ep, 0, sizeof(*ep));
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || !colon[1] || port > 65535)
		return -1;
	if (*s == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ep->ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -1;
		ep->len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ep->ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -1;
		ep->len = sizeof(*a);
	}
	return 0;
}

static const char *endpoint_str(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, size, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, size, "%s:%u", a, ntohs(s4->sin_port));
	}
	return buf;
}

static int same_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16) &&
		       ((const struct sockaddr_in6 *)a)->sin6_port ==
		       ((const struct sockaddr_in6 *)b)->sin6_port;
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)b)->sin_addr.s_addr &&
	       ((const struct sockaddr_in *)a)->sin_port ==
	       ((const struct sockaddr_in *)b)->sin_port;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned long long num(const char *what, const char *s,
			      unsigned long long min, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s || v < min || v > max) {
		fprintf(stderr, "srtppeer: bad %s '%s' (%llu..%llu)\n", what, s, min, max);
		exit(2);
	}
	return v;
}

/* "3,17,40" -> sorted-or-not list of packet numbers. */
static size_t list_parse(const char *what, const char *s, unsigned long long *list)
{
	char buf[1024], *tok, *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == MAX_LIST) {
			fprintf(stderr, "srtppeer: at most %d %s\n", MAX_LIST, what);
			exit(2);
		}
		list[n++] = num(what, tok, 0, 100000000);
	}
	return n;
}

static int in_list(unsigned long long v, const unsigned long long *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return 1;
	return 0;
}

/* -------------------------------------------------------------- packets */

static uint8_t pattern(uint32_t ssrc, uint32_t idx, size_t pos)
{
	uint32_t x = ssrc * 0x9e3779b1u ^ idx * 0x85ebca77u ^ (uint32_t)pos * 0xc2b2ae3du;

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return (uint8_t)x;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RTP packet idx (the extended sequence number) of len bytes. */
static void rtp_build(uint8_t *b, size_t len, uint32_t ssrc, uint32_t idx)
{
	size_t i;

	b[0] = 0x80;
	b[1] = 0;
	b[2] = (uint8_t)(idx >> 8);
	b[3] = (uint8_t)idx;
	put32(b + 4, idx * 160);
	put32(b + 8, ssrc);
	for (i = RTP_HDR; i < len; i++)
		b[i] = pattern(ssrc, idx, i);
}

/* RTCP SR number idx of len bytes (a multiple of 4): the bytes after the
 * 28-byte SR are profile-specific extension, inside its length. */
static void rtcp_build(uint8_t *b, size_t len, uint32_t ssrc, uint32_t idx)
{
	size_t i;

	b[0] = 0x80;
	b[1] = 200;
	b[2] = (uint8_t)((len / 4 - 1) >> 8);
	b[3] = (uint8_t)(len / 4 - 1);
	put32(b + 4, ssrc);
	put32(b + 8, idx);				/* NTP seconds */
	for (i = 12; i < 16; i++)			/* NTP fraction */
		b[i] = pattern(ssrc, idx, i);
	put32(b + 16, idx * 160);			/* RTP timestamp */
	put32(b + 20, idx);				/* packets */
	put32(b + 24, idx * 160);			/* octets */
	for (i = RTCP_SR_LEN; i < len; i++)
		b[i] = pattern(ssrc, idx, i);
}

static int is_rtcp(const uint8_t *b, size_t len)
{
	return len >= 2 && b[1] >= 192 && b[1] <= 223;	/* RFC 5761 §4 */
}

/* ----------------------------------------------------------------- srtp */

static void srtp_check(const char *what, srtp_err_status_t e)
{
	if (e != srtp_err_status_ok) {
		fprintf(stderr, "srtppeer: %s: libsrtp2 error %d\n", what, (int)e);
		exit(1);
	}
}

/* A session for one SSRC; the stream exists at once, so its ROC can be set. */
static srtp_t session_create(const struct suite *s, const uint8_t *key, uint32_t ssrc,
			     uint32_t roc, int rtcp_clear)
{
	srtp_policy_t policy;
	srtp_t session;

	memset(&policy, 0, sizeof(policy));
	s->rtp(&policy.rtp);
	s->rtcp(&policy.rtcp);
	if (rtcp_clear)
		policy.rtcp.sec_serv = sec_serv_auth;
	policy.ssrc.type = ssrc_specific;
	policy.ssrc.value = ssrc;
	policy.key = (unsigned char *)key;
	policy.window_size = 128;
	policy.allow_repeat_tx = 0;
	srtp_check("srtp_create", srtp_create(&session, &policy));
	if (roc)
		srtp_check("srtp_set_stream_roc", srtp_set_stream_roc(session, ssrc, roc));
	return session;
}

/* ----------------------------------------------------------------- send */

enum tamper { T_PAYLOAD, T_TAG, T_HEADER, T_CYCLE };

static void send_usage(void)
{
	fprintf(stderr,
		"usage: srtppeer send [options] SRC-ADDR:PORT DST-ADDR:PORT\n"
		"  -k rtp|rtcp   what to send (default rtp)\n"
		"  -n COUNT      packets (default 100, at most 1000000)\n"
		"  -r RATE       packets per second (default 500; 0: as fast as possible)\n"
		"  -t SECONDS    stop after this long whatever the count (default 10)\n"
		"  -l SIZE       plain packet bytes (default rtp 172, rtcp 28)\n"
		"  -S SSRC       (default 0x%x)\n"
		"  -f FIRST      index of the first packet (default 0): RTP seq FIRST & 0xffff,\n"
		"                ROC FIRST >> 16 (given to libsrtp2); RTCP: the SR's number\n"
		"  -s SUITE -K KEY  protect with libsrtp2 (RFC 4568 suite, inline base64 key)\n"
		"  -D LIST       send these packets (numbers from 0, comma-separated) twice\n"
		"  -d EVERY      send packets EVERY-1, 2*EVERY-1, ... twice\n"
		"  -a            at the end send the first packet once more (an old replay)\n"
		"  -X LIST       tamper with these packets (flip a bit after protecting)\n"
		"  -x EVERY      tamper with packets EVERY-1, 2*EVERY-1, ...\n"
		"  -w WHAT       payload (default), tag, header: the bit flipped; cycle:\n"
		"                payload, tag, header in turn\n"
		"  -e            SRTCP authenticated but not encrypted (E bit 0)\n"
		"  -o            send the intact packet after each tampered one\n"
		"Prints sent, packets, replayed, tampered, errors, elapsed_ms.\n",
		DEFAULT_SSRC);
	exit(2);
}

/* Flips one authenticated bit: payload (encrypted), tag, or header (RTP
 * timestamp; SRTCP index). Never the version, PT or SSRC, so the kernel
 * still sees RTP of its flow and must reject it on authentication. */
static void tamper(uint8_t *b, size_t len, int rtcp, enum tamper what, size_t tag_len)
{
	size_t body = rtcp ? 8 : RTP_HDR;
	size_t trailer = tag_len + (rtcp ? 4 : 0);

	switch (what) {
	case T_PAYLOAD:
		b[body + (len - trailer - body) / 2] ^= 0x10;
		break;
	case T_TAG:
		b[len - 1] ^= 0x01;
		break;
	case T_HEADER:
	case T_CYCLE:
		if (rtcp)
			b[len - tag_len - 1] ^= 0x01;	/* SRTCP index */
		else
			b[7] ^= 0x01;			/* timestamp */
		break;
	}
}

static int cmd_send(int argc, char **argv)
{
	unsigned long long count = 100, rate = 500, seconds = 10, first = 0;
	unsigned long long dup_list[MAX_LIST], tam_list[MAX_LIST];
	size_t n_dup = 0, n_tam = 0, size = 0, tag_len = 0;
	unsigned long long dup_every = 0, tam_every = 0, i;
	unsigned long long sent = 0, replayed = 0, tampered = 0, errors = 0, srtp_errors = 0;
	int rtcp = 0, opt, fd, again = 0, intact_too = 0, rtcp_clear = 0, last_errno = 0;
	enum tamper what = T_PAYLOAD;
	const struct suite *suite = NULL;
	const char *keystr = NULL;
	uint32_t ssrc = DEFAULT_SSRC;
	uint8_t key[KEY_MAX], pkt[MAX_PKT + SRTP_MAX_TRAILER_LEN + 4];
	uint8_t firstpkt[sizeof(pkt)], bad[sizeof(pkt)];
	size_t firstlen = 0;
	uint64_t start, deadline, next, interval;
	struct endpoint src, dst;
	srtp_t session = NULL;
	char sbuf[80];

	while ((opt = getopt(argc, argv, "k:n:r:t:l:S:f:s:K:D:d:aX:x:w:oe")) != -1) {
		switch (opt) {
		case 'k':
			if (!strcmp(optarg, "rtcp"))
				rtcp = 1;
			else if (strcmp(optarg, "rtp"))
				send_usage();
			break;
		case 'n': count = num("count", optarg, 0, 1000000); break;
		case 'r': rate = num("rate", optarg, 0, 10000000); break;
		case 't': seconds = num("seconds", optarg, 1, 3600); break;
		case 'l': size = (size_t)num("size", optarg, RTP_HDR, MAX_PKT); break;
		case 'S': ssrc = (uint32_t)num("ssrc", optarg, 0, 0xffffffffu); break;
		case 'f': first = num("first", optarg, 0, 0xffffffffu); break;
		case 's': suite = suite_find(optarg); break;
		case 'K': keystr = optarg; break;
		case 'D': n_dup = list_parse("replays", optarg, dup_list); break;
		case 'd': dup_every = num("every", optarg, 1, 1000000); break;
		case 'a': again = 1; break;
		case 'X': n_tam = list_parse("tampered", optarg, tam_list); break;
		case 'x': tam_every = num("every", optarg, 1, 1000000); break;
		case 'w':
			if (!strcmp(optarg, "payload"))
				what = T_PAYLOAD;
			else if (!strcmp(optarg, "tag"))
				what = T_TAG;
			else if (!strcmp(optarg, "header"))
				what = T_HEADER;
			else if (!strcmp(optarg, "cycle"))
				what = T_CYCLE;
			else
				send_usage();
			break;
		case 'o': intact_too = 1; break;
		case 'e': rtcp_clear = 1; break;
		default: send_usage();
		}
	}
	if (argc - optind != 2 || !suite != !keystr)
		send_usage();
	if (endpoint_parse(&src, argv[optind]) || endpoint_parse(&dst, argv[optind + 1]) ||
	    src.ss.ss_family != dst.ss.ss_family) {
		fprintf(stderr, "srtppeer: bad addresses (ADDR:PORT or [ADDR6]:PORT, one family)\n");
		return 2;
	}
	if (!size)
		size = rtcp ? RTCP_SR_LEN : 172;
	if (rtcp && (size < RTCP_SR_LEN || size % 4)) {
		fprintf(stderr, "srtppeer: RTCP size must be a multiple of 4, at least 28\n");
		return 2;
	}
	if (suite) {
		key_parse(suite, keystr, key);
		session = session_create(suite, key, ssrc, rtcp ? 0 : (uint32_t)(first >> 16),
					 rtcp_clear);
		OPENSSL_cleanse(key, sizeof(key));
		/* Tag bytes for the tamper offsets: GCM 16; SRTCP HMAC 10. */
		tag_len = suite->salt_len == 12 ? 16 :
			  (rtcp || strstr(suite->name, "_80")) ? 10 : 4;
	}

	fd = socket(src.ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src.ss, src.len)) {
		fprintf(stderr, "srtppeer: bind %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}

	start = now_ns();
	deadline = start + seconds * 1000000000ull;
	interval = rate ? 1000000000ull / rate : 0;
	next = start;
	for (i = 0; i < count; i++) {
		uint32_t idx = (uint32_t)(first + i);
		int len = (int)size, copies = 1, tam;
		uint64_t now = now_ns();

		if (now >= deadline)
			break;
		if (interval && now < next) {
			struct timespec ts = {
				.tv_sec = (time_t)((next - now) / 1000000000ull),
				.tv_nsec = (long)((next - now) % 1000000000ull),
			};

			nanosleep(&ts, NULL);
		}
		next += interval;
		if (rtcp)
			rtcp_build(pkt, size, ssrc, idx);
		else
			rtp_build(pkt, size, ssrc, idx);
		if (session) {
			srtp_err_status_t e = rtcp ? srtp_protect_rtcp(session, pkt, &len) :
						     srtp_protect(session, pkt, &len);
			if (e != srtp_err_status_ok) {
				if (!srtp_errors)
					fprintf(stderr, "srtppeer: protect packet %llu: libsrtp2 error %d\n",
						i, (int)e);
				srtp_errors++;
				continue;
			}
		}
		if (i == 0) {
			memcpy(firstpkt, pkt, (size_t)len);
			firstlen = (size_t)len;
		}
		tam = in_list(i, tam_list, n_tam) || (tam_every && i % tam_every == tam_every - 1);
		if (tam) {
			memcpy(bad, pkt, (size_t)len);
			tamper(bad, (size_t)len, rtcp,
			       what == T_CYCLE ? (enum tamper)(tampered % 3) : what, tag_len);
			if (sendto(fd, bad, (size_t)len, 0, (struct sockaddr *)&dst.ss, dst.len) == len) {
				sent++;
				tampered++;
			} else {
				errors++;
				last_errno = errno;
			}
			if (!intact_too)
				continue;
		}
		if (in_list(i, dup_list, n_dup) || (dup_every && i % dup_every == dup_every - 1))
			copies = 2;
		while (copies--) {
			if (sendto(fd, pkt, (size_t)len, 0, (struct sockaddr *)&dst.ss, dst.len) == len) {
				sent++;
				if (!copies && (in_list(i, dup_list, n_dup) ||
						(dup_every && i % dup_every == dup_every - 1)))
					replayed++;
			} else {
				errors++;
				last_errno = errno;
			}
		}
	}
	if (again && firstlen) {
		if (sendto(fd, firstpkt, firstlen, 0, (struct sockaddr *)&dst.ss, dst.len) ==
		    (ssize_t)firstlen) {
			sent++;
			replayed++;
		} else {
			errors++;
			last_errno = errno;
		}
	}
	printf("sent %llu\npackets %llu\nreplayed %llu\ntampered %llu\nerrors %llu\n"
	       "srtp_errors %llu\nsource %s\nelapsed_ms %llu\n",
	       sent, i, replayed, tampered, errors, srtp_errors,
	       endpoint_str(&src.ss, sbuf, sizeof(sbuf)),
	       (unsigned long long)((now_ns() - start) / 1000000));
	if (errors)
		fprintf(stderr, "srtppeer: %llu send errors, last: %s\n", errors, strerror(last_errno));
	if (session)
		srtp_dealloc(session);
	close(fd);
	return srtp_errors ? 1 : 0;
}

/* ----------------------------------------------------------------- recv */

static void recv_usage(void)
{
	fprintf(stderr,
		"usage: srtppeer recv [options] ADDR:PORT\n"
		"  -n COUNT      stop after COUNT datagrams (default: only the time limits)\n"
		"  -t SECONDS    stop after this long (default 5; decimals allowed)\n"
		"  -q MS         stop MS ms after the last datagram (default: off), or\n"
		"                after SIGUSR1 (the sender is done) if nothing comes\n"
		"  -l SIZE       every plain RTP packet must be SIZE bytes (default: any)\n"
		"  -S SSRC       the expected SSRC (default 0x%x)\n"
		"  -f FIRST      the expected index of the first RTP packet (default 0):\n"
		"                the receiver's (and libsrtp2's) ROC starts at FIRST >> 16\n"
		"  -s SUITE -K KEY  unprotect with libsrtp2; without: plain RTP/RTCP\n"
		"  -R FILE       create FILE once bound\n"
		"Prints key value lines: received rtp rtcp ok rtcp_ok duplicates auth_fail\n"
		"replay_fail srtp_err corrupt bytes source foreign first_seq last_seq\n"
		"first_idx max_idx roc srtp_roc elapsed_ms.\n",
		DEFAULT_SSRC);
	exit(2);
}

#define SEEN_BITS (1u << 20)

static volatile sig_atomic_t drain_now;

static void on_usr1(int sig)
{
	(void)sig;
	drain_now = 1;
}

static void hexdump(const char *what, const uint8_t *p, size_t len)
{
	size_t i;

	fprintf(stderr, "srtppeer: %s (%zu bytes):", what, len);
	for (i = 0; i < len && i < 48; i++)
		fprintf(stderr, " %02x", p[i]);
	fprintf(stderr, "%s\n", len > 48 ? " ..." : "");
}

/* RFC 3711 Appendix A: the index of seq given the highest seq s_l and roc. */
static long long estimate(uint32_t roc, uint16_t s_l, uint16_t seq)
{
	long long v = roc;

	if (s_l < 32768) {
		if (seq > s_l && seq - s_l > 32768)
			v = (long long)roc - 1;
	} else if (s_l - 32768 > seq) {
		v = (long long)roc + 1;
	}
	return v < 0 ? -1 : v << 16 | seq;
}

static int cmd_recv(int argc, char **argv)
{
	unsigned long long count = 0, received = 0, n_rtp = 0, n_rtcp = 0, ok = 0, rtcp_ok = 0;
	unsigned long long dups = 0, auth_fail = 0, replay_fail = 0, srtp_err = 0, corrupt = 0;
	unsigned long long bytes = 0, first = 0;
	long long first_seq = -1, last_seq = -1, first_idx = -1, max_idx = -1;
	static uint8_t seen[SEEN_BITS / 8], seen_rtcp[SEEN_BITS / 8];
	struct sockaddr_storage src0;
	unsigned long long foreign = 0;
	double seconds = 5;
	uint64_t start, deadline, quiet_ns = 0, last = 0, drained = 0;
	struct sigaction sa;
	const struct suite *suite = NULL;
	const char *keystr = NULL, *ready = NULL;
	uint32_t ssrc = DEFAULT_SSRC, roc, srtp_roc_v = 0;
	long long srtp_roc = -1;
	uint16_t s_l;
	size_t size = 0;
	uint8_t key[KEY_MAX], buf[65536], want[65536];
	struct endpoint ep;
	srtp_t session = NULL;
	int fd, opt, one = 1;
	char sbuf[80], *e;

	while ((opt = getopt(argc, argv, "n:t:q:l:S:f:s:K:R:")) != -1) {
		switch (opt) {
		case 'n': count = num("count", optarg, 1, 100000000); break;
		case 't':
			seconds = strtod(optarg, &e);
			if (*e || seconds <= 0 || seconds > 3600)
				recv_usage();
			break;
		case 'q': quiet_ns = num("quiet ms", optarg, 1, 3600000) * 1000000ull; break;
		case 'l': size = (size_t)num("size", optarg, RTP_HDR, MAX_PKT); break;
		case 'S': ssrc = (uint32_t)num("ssrc", optarg, 0, 0xffffffffu); break;
		case 'f': first = num("first", optarg, 0, 0xffffffffu); break;
		case 's': suite = suite_find(optarg); break;
		case 'K': keystr = optarg; break;
		case 'R': ready = optarg; break;
		default: recv_usage();
		}
	}
	if (argc - optind != 1 || !suite != !keystr)
		recv_usage();
	if (endpoint_parse(&ep, argv[optind])) {
		fprintf(stderr, "srtppeer: bad address %s\n", argv[optind]);
		return 2;
	}
	roc = (uint32_t)(first >> 16);
	s_l = (uint16_t)first;
	if (suite) {
		key_parse(suite, keystr, key);
		session = session_create(suite, key, ssrc, roc, 0);
		OPENSSL_cleanse(key, sizeof(key));
	}
	fd = socket(ep.ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("srtppeer: socket");
		return 1;
	}
	if (ep.ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	{
		int rcvbuf = 4 << 20;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	}
	if (bind(fd, (struct sockaddr *)&ep.ss, ep.len)) {
		fprintf(stderr, "srtppeer: bind %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	/* No SA_RESTART: the signal ends a poll at once. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	if (ready) {
		int rfd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (rfd < 0) {
			perror("srtppeer: ready file");
			return 1;
		}
		close(rfd);
	}

	start = now_ns();
	deadline = start + (uint64_t)(seconds * 1e9);
	while (!count || received < count) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ns(), until = deadline;
		int len, rtcp;
		ssize_t n;

		if (drain_now && !drained) {
			drained = now;
			if (!quiet_ns)
				break;
		}
		if (quiet_ns && (last || drained) &&
		    (last > drained ? last : drained) + quiet_ns < until)
			until = (last > drained ? last : drained) + quiet_ns;
		if (now >= until)
			break;
		if (poll(&pfd, 1, (int)((until - now) / 1000000 + 1)) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf) - SRTP_MAX_TRAILER_LEN, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			continue;
		last = now_ns();
		bytes += (unsigned long long)n;
		if (!received++)
			src0 = from;
		else if (!same_endpoint(&src0, &from))
			foreign++;
		rtcp = is_rtcp(buf, (size_t)n);
		rtcp ? n_rtcp++ : n_rtp++;
		len = (int)n;
		if (session) {
			srtp_err_status_t st = rtcp ? srtp_unprotect_rtcp(session, buf, &len) :
						      srtp_unprotect(session, buf, &len);

			if (st == srtp_err_status_auth_fail) {
				auth_fail++;
				continue;
			}
			if (st == srtp_err_status_replay_fail || st == srtp_err_status_replay_old) {
				replay_fail++;
				continue;
			}
			if (st != srtp_err_status_ok) {
				if (!srtp_err)
					fprintf(stderr, "srtppeer: unprotect: libsrtp2 error %d\n", (int)st);
				srtp_err++;
				continue;
			}
		}
		if (rtcp) {
			uint32_t idx;

			if (len < RTCP_SR_LEN || len % 4 || buf[1] != 200) {
				if (!corrupt)
					hexdump("first corrupt RTCP", buf, (size_t)len);
				corrupt++;
				continue;
			}
			idx = get32(buf + 8);
			rtcp_build(want, (size_t)len, ssrc, idx);
			if (memcmp(want, buf, (size_t)len)) {
				if (!corrupt)
					hexdump("first corrupt RTCP", buf, (size_t)len);
				corrupt++;
				continue;
			}
			idx %= SEEN_BITS;
			if (seen_rtcp[idx / 8] & (1u << (idx % 8))) {
				dups++;
			} else {
				seen_rtcp[idx / 8] |= (uint8_t)(1u << (idx % 8));
				rtcp_ok++;
			}
		} else {
			long long idx;
			uint16_t seq;

			if (len < RTP_HDR || (size && (size_t)len != size)) {
				if (!corrupt)
					hexdump("first corrupt RTP (length)", buf, (size_t)len);
				corrupt++;
				continue;
			}
			seq = (uint16_t)(buf[2] << 8 | buf[3]);
			idx = estimate(roc, s_l, seq);
			if (idx < 0) {
				corrupt++;
				continue;
			}
			rtp_build(want, (size_t)len, ssrc, (uint32_t)idx);
			if (memcmp(want, buf, (size_t)len)) {
				if (!corrupt)
					hexdump("first corrupt RTP", buf, (size_t)len);
				corrupt++;
				continue;
			}
			/* Only a verified packet moves the estimate on. */
			if ((uint32_t)(idx >> 16) == roc + 1) {
				roc++;
				s_l = seq;
			} else if ((uint32_t)(idx >> 16) == roc && seq > s_l) {
				s_l = seq;
			}
			if (first_seq < 0) {
				first_seq = seq;
				first_idx = idx;
			}
			last_seq = seq;
			if (idx > max_idx)
				max_idx = idx;
			if (seen[(idx % SEEN_BITS) / 8] & (1u << (idx % 8))) {
				dups++;
			} else {
				seen[(idx % SEEN_BITS) / 8] |= (uint8_t)(1u << (idx % 8));
				ok++;
			}
		}
	}
	if (session && srtp_get_stream_roc(session, ssrc, &srtp_roc_v) == srtp_err_status_ok)
		srtp_roc = srtp_roc_v;
	printf("received %llu\nrtp %llu\nrtcp %llu\nok %llu\nrtcp_ok %llu\nduplicates %llu\n"
	       "auth_fail %llu\nreplay_fail %llu\nsrtp_err %llu\ncorrupt %llu\nbytes %llu\n"
	       "source %s\nforeign %llu\nfirst_seq %lld\nlast_seq %lld\nfirst_idx %lld\n"
	       "max_idx %lld\nroc %lld\nsrtp_roc %lld\nelapsed_ms %llu\n",
	       received, n_rtp, n_rtcp, ok, rtcp_ok, dups, auth_fail, replay_fail, srtp_err,
	       corrupt, bytes, received ? endpoint_str(&src0, sbuf, sizeof(sbuf)) : "-",
	       foreign, first_seq, last_seq, first_idx, max_idx,
	       max_idx < 0 ? -1 : max_idx >> 16, srtp_roc,
	       (unsigned long long)((now_ns() - start) / 1000000));
	if (session)
		srtp_dealloc(session);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: srtppeer send|recv|keygen|keyinfo ... (-h for each)\n");
		return 2;
	}
	if (!strcmp(argv[1], "keygen"))
		return cmd_keygen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "keyinfo"))
		return cmd_keyinfo(argc - 1, argv + 1);
	if (strcmp(argv[1], "send") && strcmp(argv[1], "recv")) {
		fprintf(stderr, "srtppeer: unknown command '%s'\n", argv[1]);
		return 2;
	}
	srtp_check("srtp_init", srtp_init());
	if (!strcmp(argv[1], "send"))
		return cmd_send(argc - 1, argv + 1);
	return cmd_recv(argc - 1, argv + 1);
}
