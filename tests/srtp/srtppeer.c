// SPDX-License-Identifier: GPL-2.0
/*
 * srtppeer: the SRTP end of sipwall's SRTP interop tests. libsrtp2, the
 * reference implementation, is the oracle: what it protects the kernel must
 * decrypt, and what the kernel protects it must accept.
 *
 *   srtppeer send [options] SRC-ADDR:PORT DST-ADDR:PORT
 *   srtppeer recv [options] ADDR:PORT
 *   srtppeer xfer RECV-OPTIONS ADDR:PORT -- SEND-OPTIONS SRC DST   both at once
 *   srtppeer serve                      the above, one command per line of stdin
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
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
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

#include "util.h"

#define DEFAULT_SSRC	0x5e5e0a11u
#define RTP_HDR		12
#define RTCP_SR_LEN	28
#define MAX_PKT		2048
#define MAX_LIST	256
#define KEY_MAX		(32 + 14)
#define ANY_SSRC	0xffffffffffULL	/* session_create: any outbound SSRC */

/* Errors end the process, or in serve mode only the command at hand. */
static jmp_buf *die_jmp;

static void __attribute__((noreturn)) die(int status)
{
	fflush(stdout);
	if (die_jmp)
		longjmp(*die_jmp, status);
	exit(status);
}

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
	die(2);
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
		die(2);
	}
	pad = (4 - data % 4) % 4;
	memcpy(b64, in, data);
	memset(b64 + data, '=', pad);
	n = EVP_DecodeBlock(bin, (unsigned char *)b64, (int)(data + pad));
	if (n < 0 || (size_t)n != want + pad) {
		fprintf(stderr, "srtppeer: bad base64 key\n");
		die(2);
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

/* "3,17,40" -> sorted-or-not list of packet numbers. */
static size_t list_parse(const char *what, const char *s, unsigned long long *list)
{
	char buf[1024], *tok, *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == MAX_LIST) {
			fprintf(stderr, "srtppeer: at most %d %s\n", MAX_LIST, what);
			die(2);
		}
		list[n++] = parse_num(what, tok, 0, 100000000);
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

/*
 * RTP packet idx (the extended sequence number) of len bytes, with cc CSRCs
 * and, if ext >= 0, a header extension (profile 0xBEDE) of ext words: SRTP
 * encrypts only what follows them, and GCM authenticates them as AAD. The
 * caller checks that they fit.
 */
static void rtp_build(uint8_t *b, size_t len, uint32_t ssrc, uint32_t idx, int cc, int ext)
{
	size_t i, hdr = RTP_HDR + 4 * (size_t)cc;

	b[0] = (uint8_t)(0x80 | (ext >= 0 ? 0x10 : 0) | cc);
	b[1] = 0;
	b[2] = (uint8_t)(idx >> 8);
	b[3] = (uint8_t)idx;
	put32(b + 4, idx * 160);
	put32(b + 8, ssrc);
	if (ext >= 0) {
		b[hdr] = 0xbe;
		b[hdr + 1] = 0xde;
		b[hdr + 2] = (uint8_t)(ext >> 8);
		b[hdr + 3] = (uint8_t)ext;
		for (i = RTP_HDR; i < hdr; i++)
			b[i] = pattern(ssrc, idx, i);
		for (i = hdr + 4; i < len; i++)
			b[i] = pattern(ssrc, idx, i);
	} else {
		for (i = RTP_HDR; i < len; i++)
			b[i] = pattern(ssrc, idx, i);
	}
}

static size_t rtp_hdr_len(int cc, int ext)
{
	return RTP_HDR + 4 * (size_t)cc + (ext >= 0 ? 4 + 4 * (size_t)ext : 0);
}

/* RTCP SR number idx of len bytes (a multiple of 4): the bytes after the
 * 28-byte SR are profile-specific extension, inside its length; shorter
 * (down to the 8-byte header) it is cut short, for malformed-packet tests. */
static void rtcp_build(uint8_t *b, size_t len, uint32_t ssrc, uint32_t idx)
{
	uint8_t sr[RTCP_SR_LEN];
	size_t i;

	if (len < RTCP_SR_LEN) {
		rtcp_build(sr, RTCP_SR_LEN, ssrc, idx);
		memcpy(b, sr, len);
		b[2] = (uint8_t)((len / 4 - 1) >> 8);
		b[3] = (uint8_t)(len / 4 - 1);
		return;
	}

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
		die(1);
	}
}

/* A session for one SSRC; the stream exists at once, so its ROC can be set. */
static srtp_t session_create(const struct suite *s, const uint8_t *key, uint64_t ssrc,
			     uint32_t roc, int rtcp_clear)
{
	srtp_policy_t policy;
	srtp_t session;

	memset(&policy, 0, sizeof(policy));
	s->rtp(&policy.rtp);
	s->rtcp(&policy.rtcp);
	if (rtcp_clear)
		policy.rtcp.sec_serv = sec_serv_auth;
	/* any_outbound: a sender of many SSRCs (-V), each stream made on use. */
	policy.ssrc.type = ssrc == ANY_SSRC ? ssrc_any_outbound : ssrc_specific;
	policy.ssrc.value = ssrc == ANY_SSRC ? 0 : ssrc;
	policy.key = (unsigned char *)key;
	policy.window_size = 128;
	policy.allow_repeat_tx = 0;
	srtp_check("srtp_create", srtp_create(&session, &policy));
	if (roc && ssrc != ANY_SSRC)
		srtp_check("srtp_set_stream_roc", srtp_set_stream_roc(session, ssrc, roc));
	return session;
}

/* ------------------------------------------------------------ sockets */

/*
 * A UDP socket bound to ep, created in the network namespace netns
 * (/run/netns/NAME, as ip-netns names them) if one is given: one process can
 * then be both the caller and the callee of a test, which saves the
 * process creations that are slow under QEMU TCG.
 */
static int udp_socket(const struct endpoint *ep, const char *netns, const char *what)
{
	int fd, nsfd = -1, self = -1, one = 1, rcvbuf = 4 << 20;
	char path[300], sbuf[80];

	if (netns) {
		snprintf(path, sizeof(path), "%s%s", strchr(netns, '/') ? "" : "/run/netns/", netns);
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (self < 0 || nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
			fprintf(stderr, "srtppeer: %s: network namespace %s: %s\n", what, path,
				strerror(errno));
			die(1);
		}
	}
	fd = socket(ep->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		if (ep->ss.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		/* FORCE (root) passes rmem_max: a flat-out sender must not
		 * overrun the receiver in the same process. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	}
	if (fd < 0 || bind(fd, (const struct sockaddr *)&ep->ss, ep->len)) {
		fprintf(stderr, "srtppeer: %s: bind %s: %s\n", what,
			endpoint_str(&ep->ss, sbuf, sizeof(sbuf)), strerror(errno));
		die(1);
	}
	if (netns) {
		if (setns(self, CLONE_NEWNET)) {
			perror("srtppeer: back to our network namespace");
			die(1);
		}
		close(nsfd);
		close(self);
	}
	return fd;
}

/* ----------------------------------------------------------------- send */

enum tamper { T_PAYLOAD, T_TAG, T_HEADER, T_CYCLE };

struct sender {
	unsigned long long count, rate, seconds, first;
	unsigned long long dup_list[MAX_LIST], tam_list[MAX_LIST];
	size_t n_dup, n_tam, size, tag_len;
	unsigned long long dup_every, tam_every;
	int rtcp, again, intact_too, rtcp_clear, cc, ext;
	unsigned long long hold_list[MAX_LIST], hold_delay, vary;
	size_t n_hold;
	enum tamper what;
	uint32_t ssrc;
	struct endpoint src, dst;
	srtp_t session;
	int fd;
	/* progress */
	unsigned long long i, sent, replayed, tampered, errors, srtp_errors;
	uint64_t start, deadline, next, interval;
	int last_errno, done;
	uint8_t first_pkt[MAX_PKT + SRTP_MAX_TRAILER_LEN + 4];
	size_t first_len;
	/* packets held back (-H), sent hold_delay packets later */
	struct held {
		unsigned long long at;
		size_t len;
		uint8_t pkt[MAX_PKT + SRTP_MAX_TRAILER_LEN + 4];
	} held[8];
	size_t n_held;
	unsigned long long delayed;
};

static void send_usage(void)
{
	fprintf(stderr,
		"usage: srtppeer send [options] SRC-ADDR:PORT DST-ADDR:PORT\n"
		"  -N NETNS      send from this network namespace (/run/netns/NETNS)\n"
		"  -k rtp|rtcp   what to send (default rtp)\n"
		"  -n COUNT      packets (default 100, at most 1000000)\n"
		"  -r RATE       packets per second (default 500; 0: as fast as possible)\n"
		"  -t SECONDS    stop after this long whatever the count (default 10)\n"
		"  -l SIZE       plain packet bytes (default rtp 172, rtcp 28: an SR; less\n"
		"                is an SR cut short)\n"
		"  -S SSRC       (default 0x%x)\n"
		"  -f FIRST      index of the first packet (default 0): RTP seq FIRST & 0xffff,\n"
		"                ROC FIRST >> 16 (given to libsrtp2); RTCP: the SR's number\n"
		"  -s SUITE -K KEY  protect with libsrtp2 (RFC 4568 suite, inline base64 key)\n"
		"  -e            SRTCP authenticated but not encrypted (E bit 0)\n"
		"  -D LIST       send these packets (numbers from 0, comma-separated) twice\n"
		"  -d EVERY      send packets EVERY-1, 2*EVERY-1, ... twice\n"
		"  -a            at the end send the first packet once more (an old replay)\n"
		"  -X LIST       tamper with these packets (flip a bit after protecting)\n"
		"  -x EVERY      tamper with packets EVERY-1, 2*EVERY-1, ...\n"
		"  -w WHAT       payload (default), tag, header: the bit flipped; cycle:\n"
		"                payload, tag, header in turn\n"
		"  -o            send the intact packet after each tampered one\n"
		"  -H LIST       hold these packets back (reordering; at most 8 at a time)...\n"
		"  -h DELAY      ... and send each after DELAY more packets (default 10)\n"
		"  -C CC         RTP: CC contributing sources (CSRCs, 0..15; default 0)\n"
		"  -E WORDS      RTP: a header extension of WORDS 32-bit words (default none)\n"
		"  -V COUNT      packet i has SSRC + i %% COUNT (COUNT streams; FIRST < 65536)\n"
		"Prints sent, packets, replayed, tampered, delayed, errors, srtp_errors, source,\n"
		"elapsed_ms (prefixed with send_ in xfer).\n",
		DEFAULT_SSRC);
	die(2);
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

static void sender_init(struct sender *s, int argc, char **argv)
{
	const struct suite *suite = NULL;
	const char *keystr = NULL, *netns = NULL;
	uint8_t key[KEY_MAX];
	int opt;

	memset(s, 0, sizeof(*s));
	s->count = 100;
	s->rate = 500;
	s->seconds = 10;
	s->ssrc = DEFAULT_SSRC;
	s->what = T_PAYLOAD;
	s->ext = -1;
	s->hold_delay = 10;
	s->vary = 1;
	optind = 0;
	while ((opt = getopt(argc, argv, "+N:k:n:r:t:l:S:f:s:K:D:d:aX:x:w:oeH:h:C:E:V:")) != -1) {
		switch (opt) {
		case 'N': netns = optarg; break;
		case 'k':
			if (!strcmp(optarg, "rtcp"))
				s->rtcp = 1;
			else if (strcmp(optarg, "rtp"))
				send_usage();
			break;
		case 'n': s->count = parse_num("count", optarg, 0, 1000000); break;
		case 'r': s->rate = parse_num("rate", optarg, 0, 10000000); break;
		case 't': s->seconds = parse_num("seconds", optarg, 1, 3600); break;
		case 'l': s->size = (size_t)parse_num("size", optarg, 8, MAX_PKT); break;
		case 'S': s->ssrc = (uint32_t)parse_num("ssrc", optarg, 0, 0xffffffffu); break;
		case 'f': s->first = parse_num("first", optarg, 0, 0xffffffffu); break;
		case 's': suite = suite_find(optarg); break;
		case 'K': keystr = optarg; break;
		case 'D': s->n_dup = list_parse("replays", optarg, s->dup_list); break;
		case 'd': s->dup_every = parse_num("every", optarg, 1, 1000000); break;
		case 'a': s->again = 1; break;
		case 'X': s->n_tam = list_parse("tampered", optarg, s->tam_list); break;
		case 'x': s->tam_every = parse_num("every", optarg, 1, 1000000); break;
		case 'w':
			if (!strcmp(optarg, "payload"))
				s->what = T_PAYLOAD;
			else if (!strcmp(optarg, "tag"))
				s->what = T_TAG;
			else if (!strcmp(optarg, "header"))
				s->what = T_HEADER;
			else if (!strcmp(optarg, "cycle"))
				s->what = T_CYCLE;
			else
				send_usage();
			break;
		case 'o': s->intact_too = 1; break;
		case 'e': s->rtcp_clear = 1; break;
		case 'H': s->n_hold = list_parse("held", optarg, s->hold_list); break;
		case 'h': s->hold_delay = parse_num("delay", optarg, 1, 100000); break;
		case 'C': s->cc = (int)parse_num("CSRC count", optarg, 0, 15); break;
		case 'E': s->ext = (int)parse_num("extension words", optarg, 0, 256); break;
		case 'V': s->vary = parse_num("SSRCs", optarg, 1, 1000); break;
		default: send_usage();
		}
	}
	if (argc - optind != 2 || !suite != !keystr)
		send_usage();
	if (endpoint_parse(&s->src, argv[optind], 1) || endpoint_parse(&s->dst, argv[optind + 1], 1) ||
	    s->src.ss.ss_family != s->dst.ss.ss_family) {
		fprintf(stderr, "srtppeer: bad addresses (ADDR:PORT or [ADDR6]:PORT, one family)\n");
		die(2);
	}
	if (!s->size)
		s->size = s->rtcp ? RTCP_SR_LEN : 172;
	if (!s->rtcp && s->size < rtp_hdr_len(s->cc, s->ext)) {
		fprintf(stderr, "srtppeer: RTP size must be at least its header (%zu)\n",
			rtp_hdr_len(s->cc, s->ext));
		die(2);
	}
	if (s->rtcp && (s->size < 8 || s->size % 4)) {
		fprintf(stderr, "srtppeer: RTCP size must be a multiple of 4, at least 8\n");
		die(2);
	}
	if (suite) {
		key_parse(suite, keystr, key);
		if (s->vary > 1 && s->first >> 16) {
			fprintf(stderr, "srtppeer: -V needs a FIRST below 65536\n");
			die(2);
		}
		s->session = session_create(suite, key, s->vary > 1 ? ANY_SSRC : s->ssrc,
					    s->rtcp ? 0 : (uint32_t)(s->first >> 16), s->rtcp_clear);
		OPENSSL_cleanse(key, sizeof(key));
		/* Tag bytes, for the tamper offsets: GCM 16; SRTCP HMAC 10. */
		s->tag_len = suite->salt_len == 12 ? 16 :
			     (s->rtcp || strstr(suite->name, "_80")) ? 10 : 4;
	}
	s->fd = udp_socket(&s->src, netns, "send");
}

static void sender_start(struct sender *s)
{
	s->start = now_ns();
	s->deadline = s->start + s->seconds * 1000000000ull;
	s->interval = s->rate ? 1000000000ull / s->rate : 0;
	s->next = s->start;
}

static void xmit(struct sender *s, const uint8_t *p, size_t len, unsigned long long *what)
{
	if (sendto(s->fd, p, len, 0, (const struct sockaddr *)&s->dst.ss, s->dst.len) ==
	    (ssize_t)len) {
		s->sent++;
		if (what)
			(*what)++;
	} else {
		s->errors++;
		s->last_errno = errno;
	}
}

/* Sends the held packets that are due (all of them with all). */
static void release(struct sender *s, int all)
{
	size_t k = 0;

	while (k < s->n_held) {
		if (!all && s->held[k].at > s->i) {
			k++;
			continue;
		}
		xmit(s, s->held[k].pkt, s->held[k].len, &s->delayed);
		memmove(&s->held[k], &s->held[k + 1], (s->n_held - k - 1) * sizeof(s->held[0]));
		s->n_held--;
	}
}

static int picked(unsigned long long i, const unsigned long long *list, size_t n,
		  unsigned long long every)
{
	return in_list(i, list, n) || (every && i % every == every - 1);
}

/*
 * Sends what is due by now. Returns the time of the next packet, or 0 once
 * everything is sent (or the time is up).
 */
static uint64_t sender_step(struct sender *s)
{
	uint8_t pkt[MAX_PKT + SRTP_MAX_TRAILER_LEN + 4], bad[sizeof(pkt)];

	while (!s->done) {
		uint64_t now = now_ns();
		uint32_t idx = (uint32_t)(s->first + s->i);
		int len = (int)s->size;

		if (s->i >= s->count || now >= s->deadline) {
			release(s, 1);
			if (s->again && s->first_len)
				xmit(s, s->first_pkt, s->first_len, &s->replayed);
			s->done = 1;
			break;
		}
		if (s->interval && now < s->next)
			return s->next;
		/* Flat out: a turn for the receiver every 16 packets. */
		if (!s->interval && s->i && !(s->i % 16) && s->next != s->i) {
			s->next = s->i;
			return now;
		}
		s->next += s->interval;
		if (s->rtcp)
			rtcp_build(pkt, s->size, s->ssrc + (uint32_t)(s->i % s->vary), idx);
		else
			rtp_build(pkt, s->size, s->ssrc + (uint32_t)(s->i % s->vary), idx, s->cc, s->ext);
		if (s->session) {
			srtp_err_status_t e = s->rtcp ? srtp_protect_rtcp(s->session, pkt, &len) :
							srtp_protect(s->session, pkt, &len);
			if (e != srtp_err_status_ok) {
				if (!s->srtp_errors)
					fprintf(stderr, "srtppeer: protect packet %llu: libsrtp2 error %d\n",
						s->i, (int)e);
				s->srtp_errors++;
				s->i++;
				continue;
			}
		}
		if (s->i == 0) {
			memcpy(s->first_pkt, pkt, (size_t)len);
			s->first_len = (size_t)len;
		}
		if (picked(s->i, s->tam_list, s->n_tam, s->tam_every)) {
			memcpy(bad, pkt, (size_t)len);
			tamper(bad, (size_t)len, s->rtcp,
			       s->what == T_CYCLE ? (enum tamper)(s->tampered % 3) : s->what,
			       s->tag_len);
			xmit(s, bad, (size_t)len, &s->tampered);
		}
		if ((!picked(s->i, s->tam_list, s->n_tam, s->tam_every) || s->intact_too) &&
		    in_list(s->i, s->hold_list, s->n_hold) && s->n_held < 8) {
			struct held *h = &s->held[s->n_held++];

			h->at = s->i + s->hold_delay;
			h->len = (size_t)len;
			memcpy(h->pkt, pkt, (size_t)len);
		} else if (!picked(s->i, s->tam_list, s->n_tam, s->tam_every) || s->intact_too) {
			xmit(s, pkt, (size_t)len, NULL);
			if (picked(s->i, s->dup_list, s->n_dup, s->dup_every))
				xmit(s, pkt, (size_t)len, &s->replayed);
		}
		release(s, 0);
		s->i++;
	}
	return 0;
}

static void sender_report(struct sender *s, const char *prefix)
{
	char sbuf[80];

	printf("%ssent %llu\n%spackets %llu\n%sreplayed %llu\n%stampered %llu\n%sdelayed %llu\n"
	       "%serrors %llu\n%ssrtp_errors %llu\n%ssource %s\n%selapsed_ms %llu\n",
	       prefix, s->sent, prefix, s->i, prefix, s->replayed, prefix, s->tampered,
	       prefix, s->delayed, prefix, s->errors, prefix, s->srtp_errors,
	       prefix, endpoint_str(&s->src.ss, sbuf, sizeof(sbuf)),
	       prefix, (unsigned long long)((now_ns() - s->start) / 1000000));
	if (s->errors)
		fprintf(stderr, "srtppeer: %llu send errors, last: %s\n", s->errors,
			strerror(s->last_errno));
	if (s->session)
		srtp_dealloc(s->session);
	close(s->fd);
}

static void sleep_until(uint64_t t)
{
	uint64_t now = now_ns();

	if (t > now) {
		struct timespec ts = {
			.tv_sec = (time_t)((t - now) / 1000000000ull),
			.tv_nsec = (long)((t - now) % 1000000000ull),
		};

		nanosleep(&ts, NULL);
	}
}

static int cmd_send(int argc, char **argv)
{
	struct sender *s = calloc(1, sizeof(*s));
	uint64_t next;
	int ret;

	if (!s)
		return 1;
	sender_init(s, argc, argv);
	sender_start(s);
	while ((next = sender_step(s)))
		sleep_until(next);
	ret = s->srtp_errors ? 1 : 0;
	sender_report(s, "");
	free(s);
	return ret;
}

/* ----------------------------------------------------------------- recv */

#define SEEN_BITS (1u << 20)

struct receiver {
	unsigned long long count, first;
	double seconds;
	uint64_t quiet_ns;
	size_t size;
	uint32_t ssrc;
	const char *ready;
	struct endpoint ep;
	srtp_t session;
	int fd;
	/* RFC 3711 Appendix A state of the verified packets */
	uint32_t roc;
	uint16_t s_l;
	/* results */
	unsigned long long received, n_rtp, n_rtcp, ok, rtcp_ok, dups;
	unsigned long long auth_fail, replay_fail, srtp_err, corrupt, bytes, foreign;
	long long first_seq, last_seq, first_idx, max_idx;
	struct sockaddr_storage src0;
	uint64_t start, deadline, last, drained;
	uint8_t seen[SEEN_BITS / 8], seen_rtcp[SEEN_BITS / 8];
	uint8_t buf[65536], want[65536];
};

static void recv_usage(void)
{
	fprintf(stderr,
		"usage: srtppeer recv [options] ADDR:PORT\n"
		"  -N NETNS      receive in this network namespace (/run/netns/NETNS)\n"
		"  -n COUNT      stop after COUNT datagrams (default: only the time limits)\n"
		"  -t SECONDS    stop after this long (default 5; decimals allowed)\n"
		"  -q MS         stop MS ms after the last datagram (default: off), or\n"
		"                MS ms after SIGUSR1 (or in xfer, the sender's end) if later\n"
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
	die(2);
}

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

static void receiver_init(struct receiver *r, int argc, char **argv)
{
	const struct suite *suite = NULL;
	const char *keystr = NULL, *netns = NULL;
	uint8_t key[KEY_MAX];
	char *e;
	int opt;

	memset(r, 0, offsetof(struct receiver, seen));
	memset(r->seen, 0, sizeof(r->seen));
	memset(r->seen_rtcp, 0, sizeof(r->seen_rtcp));
	r->seconds = 5;
	r->ssrc = DEFAULT_SSRC;
	r->first_seq = r->last_seq = r->first_idx = r->max_idx = -1;
	optind = 0;
	while ((opt = getopt(argc, argv, "+N:n:t:q:l:S:f:s:K:R:")) != -1) {
		switch (opt) {
		case 'N': netns = optarg; break;
		case 'n': r->count = parse_num("count", optarg, 1, 100000000); break;
		case 't':
			r->seconds = strtod(optarg, &e);
			if (*e || r->seconds <= 0 || r->seconds > 3600)
				recv_usage();
			break;
		case 'q': r->quiet_ns = parse_num("quiet ms", optarg, 1, 3600000) * 1000000ull; break;
		case 'l': r->size = (size_t)parse_num("size", optarg, RTP_HDR, MAX_PKT); break;
		case 'S': r->ssrc = (uint32_t)parse_num("ssrc", optarg, 0, 0xffffffffu); break;
		case 'f': r->first = parse_num("first", optarg, 0, 0xffffffffu); break;
		case 's': suite = suite_find(optarg); break;
		case 'K': keystr = optarg; break;
		case 'R': r->ready = optarg; break;
		default: recv_usage();
		}
	}
	if (argc - optind != 1 || !suite != !keystr)
		recv_usage();
	if (endpoint_parse(&r->ep, argv[optind], 1)) {
		fprintf(stderr, "srtppeer: bad address %s\n", argv[optind]);
		die(2);
	}
	r->roc = (uint32_t)(r->first >> 16);
	r->s_l = (uint16_t)r->first;
	if (suite) {
		key_parse(suite, keystr, key);
		r->session = session_create(suite, key, r->ssrc, r->roc, 0);
		OPENSSL_cleanse(key, sizeof(key));
	}
	r->fd = udp_socket(&r->ep, netns, "recv");
	if (r->ready) {
		int rfd = open(r->ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (rfd < 0) {
			perror("srtppeer: ready file");
			die(1);
		}
		close(rfd);
	}
	r->start = now_ns();
	r->deadline = r->start + (uint64_t)(r->seconds * 1e9);
}

/* Checks one datagram of len bytes in r->buf. */
static void receiver_check(struct receiver *r, int len)
{
	uint8_t *buf = r->buf;
	int rtcp = is_rtcp(buf, (size_t)len);

	rtcp ? r->n_rtcp++ : r->n_rtp++;
	if (r->session) {
		srtp_err_status_t st = rtcp ? srtp_unprotect_rtcp(r->session, buf, &len) :
					      srtp_unprotect(r->session, buf, &len);

		if (st == srtp_err_status_auth_fail) {
			r->auth_fail++;
			return;
		}
		if (st == srtp_err_status_replay_fail || st == srtp_err_status_replay_old) {
			r->replay_fail++;
			return;
		}
		if (st != srtp_err_status_ok) {
			if (!r->srtp_err)
				fprintf(stderr, "srtppeer: unprotect: libsrtp2 error %d\n", (int)st);
			r->srtp_err++;
			return;
		}
	}
	if (rtcp) {
		uint32_t idx;

		if (len < RTCP_SR_LEN || len % 4 || buf[1] != 200)
			goto corrupt;
		idx = get32(buf + 8);
		rtcp_build(r->want, (size_t)len, r->ssrc, idx);
		if (memcmp(r->want, buf, (size_t)len))
			goto corrupt;
		idx %= SEEN_BITS;
		if (r->seen_rtcp[idx / 8] & (1u << (idx % 8))) {
			r->dups++;
		} else {
			r->seen_rtcp[idx / 8] |= (uint8_t)(1u << (idx % 8));
			r->rtcp_ok++;
		}
	} else {
		long long idx;
		uint32_t bit;
		uint16_t seq;

		int cc, ext = -1;

		if (len < RTP_HDR || (r->size && (size_t)len != r->size))
			goto corrupt;
		/* The CSRC count and the extension's length come from the packet:
		 * their contents are checked like the rest. */
		cc = buf[0] & 0x0f;
		if ((buf[0] & 0x10) && (size_t)len >= rtp_hdr_len(cc, 0))
			ext = buf[RTP_HDR + 4 * cc + 2] << 8 | buf[RTP_HDR + 4 * cc + 3];
		if ((size_t)len < rtp_hdr_len(cc, ext))
			goto corrupt;
		seq = (uint16_t)(buf[2] << 8 | buf[3]);
		idx = estimate(r->roc, r->s_l, seq);
		if (idx < 0)
			goto corrupt;
		rtp_build(r->want, (size_t)len, r->ssrc, (uint32_t)idx, cc, ext);
		if (memcmp(r->want, buf, (size_t)len))
			goto corrupt;
		/* Only a verified packet moves the estimate on. */
		if ((uint32_t)(idx >> 16) == r->roc + 1) {
			r->roc++;
			r->s_l = seq;
		} else if ((uint32_t)(idx >> 16) == r->roc && seq > r->s_l) {
			r->s_l = seq;
		}
		if (r->first_seq < 0) {
			r->first_seq = seq;
			r->first_idx = idx;
		}
		r->last_seq = seq;
		if (idx > r->max_idx)
			r->max_idx = idx;
		bit = (uint32_t)(idx % SEEN_BITS);
		if (r->seen[bit / 8] & (1u << (bit % 8))) {
			r->dups++;
		} else {
			r->seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
			r->ok++;
		}
	}
	return;
corrupt:
	if (!r->corrupt)
		hexdump(rtcp ? "first corrupt RTCP" : "first corrupt RTP", buf, (size_t)len);
	r->corrupt++;
}

/*
 * Receives until the count, the time limit, or quiet after the last
 * datagram (or the drain mark), waiting at most until wake (0: no bound).
 * Returns 1 while the receiver goes on, 0 when it is done.
 */
static int receiver_step(struct receiver *r, uint64_t wake)
{
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		uint64_t now = now_ns(), until = r->deadline, t;
		ssize_t n;

		if (r->count && r->received >= r->count)
			return 0;
		if (drain_now && !r->drained) {
			r->drained = now;
			if (!r->quiet_ns)
				return 0;
		}
		t = r->last > r->drained ? r->last : r->drained;
		if (r->quiet_ns && t && t + r->quiet_ns < until)
			until = t + r->quiet_ns;
		if (now >= until)
			return 0;
		if (wake && wake < until)
			until = wake;
		/* Once wake has passed, only what is already there is read. */
		if (poll(&pfd, 1, wake && now >= wake ? 0 :
			 (int)((until - now + 999999) / 1000000)) <= 0) {
			if (wake && now_ns() >= wake)
				return 1;
			continue;
		}
		n = recvfrom(r->fd, r->buf, sizeof(r->buf) - SRTP_MAX_TRAILER_LEN, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			continue;
		r->last = now_ns();
		if (!r->received++)
			r->src0 = from;
		else if (!same_endpoint(&r->src0, &from))
			r->foreign++;
		r->bytes += (unsigned long long)n;
		receiver_check(r, (int)n);
	}
}

static void receiver_report(struct receiver *r)
{
	uint32_t roc_v = 0;
	long long srtp_roc = -1;
	char sbuf[80];

	if (r->session && srtp_get_stream_roc(r->session, r->ssrc, &roc_v) == srtp_err_status_ok)
		srtp_roc = roc_v;
	printf("received %llu\nrtp %llu\nrtcp %llu\nok %llu\nrtcp_ok %llu\nduplicates %llu\n"
	       "auth_fail %llu\nreplay_fail %llu\nsrtp_err %llu\ncorrupt %llu\nbytes %llu\n"
	       "source %s\nforeign %llu\nfirst_seq %lld\nlast_seq %lld\nfirst_idx %lld\n"
	       "max_idx %lld\nroc %lld\nsrtp_roc %lld\nelapsed_ms %llu\n",
	       r->received, r->n_rtp, r->n_rtcp, r->ok, r->rtcp_ok, r->dups, r->auth_fail,
	       r->replay_fail, r->srtp_err, r->corrupt, r->bytes,
	       r->received ? endpoint_str(&r->src0, sbuf, sizeof(sbuf)) : "-",
	       r->foreign, r->first_seq, r->last_seq, r->first_idx, r->max_idx,
	       r->max_idx < 0 ? -1 : r->max_idx >> 16, srtp_roc,
	       (unsigned long long)((now_ns() - r->start) / 1000000));
	if (r->session)
		srtp_dealloc(r->session);
	close(r->fd);
}

static int cmd_recv(int argc, char **argv)
{
	struct receiver *r = calloc(1, sizeof(*r));
	struct sigaction sa;

	if (!r)
		return 1;
	/* No SA_RESTART: the signal ends a poll at once. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	receiver_init(r, argc, argv);
	while (receiver_step(r, 0))
		;
	receiver_report(r);
	free(r);
	return 0;
}

/*
 * xfer RECV-ARGS... -- SEND-ARGS...: a receiver and a sender in one process
 * (each with -N in its own network namespace): the receiver is bound before
 * the first packet leaves, receives while the sender sends, and drains for
 * its -q (default 300 ms) after the sender is done. Prints the receiver's report and then the
 * sender's, its keys prefixed with send_.
 */
static int cmd_xfer(int argc, char **argv)
{
	struct receiver *r = calloc(1, sizeof(*r));
	struct sender *s = calloc(1, sizeof(*s));
	int i, ret;
	uint64_t next;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		;
	if (!r || !s || i == argc) {
		fprintf(stderr, "usage: srtppeer xfer RECV-OPTIONS ADDR:PORT -- SEND-OPTIONS SRC DST\n");
		return 2;
	}
	argv[i] = NULL;
	receiver_init(r, i, argv);
	argv[i] = argv[0];
	sender_init(s, argc - i, argv + i);
	if (!r->quiet_ns)
		r->quiet_ns = 300 * 1000000ull;
	sender_start(s);
	while ((next = sender_step(s)))
		if (!receiver_step(r, next))
			sleep_until(next);
	drain_now = 1;
	while (receiver_step(r, 0))
		;
	receiver_report(r);
	ret = s->srtp_errors ? 1 : 0;
	sender_report(s, "send_");
	free(r);
	free(s);
	return ret;
}

/* One command of serve; a die() in it (a bad option, a failed bind) ends
 * only the command. What it allocated then stays allocated: a test tool. */
static int serve_one(int n, char **args)
{
	jmp_buf jb;
	int ret = setjmp(jb);

	if (ret) {
		die_jmp = NULL;
		return ret;
	}
	die_jmp = &jb;
	if (!strcmp(args[0], "xfer"))
		ret = cmd_xfer(n, args);
	else if (!strcmp(args[0], "send"))
		ret = cmd_send(n, args);
	else
		ret = cmd_recv(n, args);
	die_jmp = NULL;
	return ret;
}

/*
 * serve: runs one command per line of stdin ("xfer ...", "send ...",
 * "recv ...", words separated by blanks, no quoting) and ends each report
 * with a line "."; stderr goes with the reports. One process for a whole
 * test script: libsrtp2's initialisation (with its self-tests) and process
 * creation are slow under QEMU TCG. Lines are at most 4 KiB.
 */
static int cmd_serve(void)
{
	char line[4096];

	if (dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		char *args[128], *save = NULL, *w;
		int n = 0, ret = 2;

		for (w = strtok_r(line, " \t\n", &save); w && n < 127;
		     w = strtok_r(NULL, " \t\n", &save))
			args[n++] = w;
		args[n] = NULL;
		drain_now = 0;
		if (n && (!strcmp(args[0], "xfer") || !strcmp(args[0], "send") ||
			  !strcmp(args[0], "recv")))
			ret = serve_one(n, args);
		else
			fprintf(stderr, "srtppeer: serve: xfer, send or recv, not '%s'\n",
				n ? args[0] : "");
		printf("status %d\n.\n", ret);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: srtppeer send|recv|xfer|serve|keygen|keyinfo ... (-h for each)\n");
		return 2;
	}
	if (!strcmp(argv[1], "keygen"))
		return cmd_keygen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "keyinfo"))
		return cmd_keyinfo(argc - 1, argv + 1);
	if (strcmp(argv[1], "send") && strcmp(argv[1], "recv") && strcmp(argv[1], "xfer") &&
	    strcmp(argv[1], "serve")) {
		fprintf(stderr, "srtppeer: unknown command '%s'\n", argv[1]);
		return 2;
	}
	srtp_check("srtp_init", srtp_init());
	if (!strcmp(argv[1], "send"))
		return cmd_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "recv"))
		return cmd_recv(argc - 1, argv + 1);
	if (!strcmp(argv[1], "serve"))
		return cmd_serve();
	return cmd_xfer(argc - 1, argv + 1);
}
