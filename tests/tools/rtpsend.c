// SPDX-License-Identifier: GPL-2.0
/*
 * rtpsend: sends a bounded number of test packets (RTP, RTCP, STUN, or a
 * non-RTP pattern) from a bound source to a destination at a given rate.
 * Every payload byte is derived from the packet's index and SSRC, so rtpsink
 * can verify it bit for bit. Bounded in count and in time.
 *
 * Prints "sent N", "errors N", "elapsed_ms N" (or JSON with -j).
 */
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr,
		"usage: rtpsend [options] SRC-ADDR:PORT DST-ADDR:PORT\n"
		"  -k KIND     rtp (default), rtcp, stun, or malformed: badver (version 1),\n"
		"              short, badcc, badext, badpad, shortrtcp (see util.h)\n"
		"  -n COUNT    packets to send (default 50, at most 10000000)\n"
		"  -r RATE     packets per second (default 500; 0 = as fast as possible)\n"
		"  -t SECONDS  stop after this long whatever the count (default 10)\n"
		"  -l SIZE     UDP payload bytes (default 172 = G.711 20 ms; stun 20; rtcp 28)\n"
		"  -S SSRC     SSRC (default 0x5157a11)\n"
		"  -f FIRST    index (RTP sequence number) of the first packet (default 0)\n"
		"  -T TOS      IP TOS / IPv6 traffic class of the packets sent\n"
		"  -Z          IPv4: send with UDP checksum 0 (SO_NO_CHECK)\n"
		"  -j          JSON output\n"
		"ADDR is IPv4 or [IPv6]; a source port 0 lets the kernel choose.\n");
	exit(2);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	unsigned long long count = 50, rate = 500, seconds = 10, first = 0;
	uint64_t start, deadline, next, interval;
	unsigned long long sent = 0, errors = 0;
	int kind = KIND_RTP, json = 0, tos = -1, nocheck = 0, fd, opt, last_errno = 0;
	uint32_t ssrc = 0x5157a11;
	struct endpoint src, dst;
	size_t size = 0;
	uint8_t buf[65536];
	char sbuf[80], dbuf[80];

	while ((opt = getopt(argc, argv, "k:n:r:t:l:S:f:T:Zj")) != -1) {
		switch (opt) {
		case 'k':
			kind = kind_parse(optarg);
			if (kind < 0)
				usage();
			break;
		case 'n':
			count = parse_num("count", optarg, 0, 10000000);
			break;
		case 'r':
			rate = parse_num("rate", optarg, 0, 10000000);
			break;
		case 't':
			seconds = parse_num("seconds", optarg, 1, 3600);
			break;
		case 'l':
			size = (size_t)parse_num("size", optarg, 4, 65000);
			break;
		case 'S':
			ssrc = (uint32_t)parse_num("ssrc", optarg, 0, 0xffffffffu);
			break;
		case 'f':
			first = parse_num("first", optarg, 0, 0xffffffffu);
			break;
		case 'T':
			tos = (int)parse_num("tos", optarg, 0, 255);
			break;
		case 'Z':
			nocheck = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	if (endpoint_parse(&src, argv[optind], 1) || endpoint_parse(&dst, argv[optind + 1], 1)) {
		fprintf(stderr, "rtpsend: bad address\n");
		return 2;
	}
	if (endpoint_family(&src) != endpoint_family(&dst)) {
		fprintf(stderr, "rtpsend: source and destination families differ\n");
		return 2;
	}
	if (!size)
		size = kind_default_size(kind);
	if (size < kind_min_size(kind) ||
	    ((kind == KIND_RTCP || kind == KIND_STUN) && size % 4)) {
		fprintf(stderr, "rtpsend: size %zu too small or unaligned for %s\n",
			size, kind_name(kind));
		return 2;
	}

	fd = socket(endpoint_family(&src), SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("rtpsend: socket");
		return 1;
	}
	if (tos >= 0) {
		int r = endpoint_family(&src) == AF_INET6 ?
			setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)) :
			setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
		if (r) {
			perror("rtpsend: setsockopt tos");
			return 1;
		}
	}
	if (nocheck && setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &nocheck, sizeof(nocheck))) {
		perror("rtpsend: SO_NO_CHECK");
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&src.ss, src.len)) {
		fprintf(stderr, "rtpsend: bind %s: %s\n",
			endpoint_str(&src.ss, sbuf, sizeof(sbuf)), strerror(errno));
		return 1;
	}

	{
		/* SIGTERM/SIGINT end the run early; the report is still printed. */
		struct sigaction sa = { .sa_handler = on_signal };

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	start = now_ns();
	deadline = start + seconds * 1000000000ull;
	interval = rate ? 1000000000ull / rate : 0;
	next = start;
	while (!stop && (sent + errors < count)) {
		uint64_t now = now_ns();

		if (now >= deadline)
			break;
		if (interval && now < next) {
			struct timespec ts = {
				.tv_sec = (time_t)((next - now) / 1000000000ull),
				.tv_nsec = (long)((next - now) % 1000000000ull),
			};

			nanosleep(&ts, NULL);
			continue;
		}
		next += interval;
		pkt_build(buf, size, kind, ssrc, (uint32_t)(first + sent + errors));
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&dst.ss, dst.len) == (ssize_t)size) {
			sent++;
		} else {
			errors++;
			last_errno = errno;
		}
	}

	endpoint_str(&src.ss, sbuf, sizeof(sbuf));
	endpoint_str(&dst.ss, dbuf, sizeof(dbuf));
	if (json)
		printf("{\"sent\":%llu,\"errors\":%llu,\"elapsed_ms\":%llu,\"kind\":\"%s\","
		       "\"size\":%zu,\"source\":\"%s\",\"destination\":\"%s\"}\n",
		       sent, errors, (unsigned long long)((now_ns() - start) / 1000000),
		       kind_name(kind), size, sbuf, dbuf);
	else
		printf("sent %llu\nerrors %llu\nelapsed_ms %llu\n", sent, errors,
		       (unsigned long long)((now_ns() - start) / 1000000));
	if (errors)
		fprintf(stderr, "rtpsend: %llu send errors, last: %s\n", errors, strerror(last_errno));
	close(fd);
	return 0;
}
