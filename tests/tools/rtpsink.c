// SPDX-License-Identifier: GPL-2.0
/*
 * rtpsink: binds ADDR:PORT and receives test packets for at most T seconds
 * or N packets, checking that each one is exactly what rtpsend builds for
 * its index. Reports what it saw as "key value" lines (or JSON with -j):
 *
 *   received    datagrams received
 *   corrupt     datagrams that are not byte for byte what rtpsend sent
 *   unique      distinct indexes among the good ones
 *   duplicates  good datagrams whose index was seen before
 *   bytes       payload bytes received
 *   source      the first source address:port ("-" if none)
 *   sources     how many distinct sources were seen
 *   tos         IP TOS / IPv6 traffic class of the last datagram (-1: none)
 *   dscp        tos >> 2 (-1: none)
 *   tos_varied  1 if not every datagram had the same TOS
 *   first_idx   index of the first good datagram (-1: none)
 *   elapsed_ms  time from ready to exit
 *
 * With -R FILE it creates FILE once bound, so scripts start senders only
 * when the sink is listening.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SOURCES 16

static void usage(void)
{
	fprintf(stderr,
		"usage: rtpsink [options] ADDR:PORT\n"
		"  -k KIND     rtp (default), rtcp, stun, badver, short, badcc, badext,\n"
		"              badpad, shortrtcp\n"
		"  -n COUNT    stop after COUNT datagrams (default: only the time limit)\n"
		"  -t SECONDS  stop after this long (default 5; decimals allowed)\n"
		"  -l SIZE     every datagram must be SIZE bytes (default: any)\n"
		"  -S SSRC     expected SSRC (default 0x5157a11)\n"
		"  -R FILE     create FILE once the socket is bound\n"
		"  -j          JSON output\n");
	exit(2);
}

static int same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
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

static void hexdump(const char *what, const uint8_t *p, size_t len)
{
	size_t i;

	fprintf(stderr, "rtpsink: %s (%zu bytes):", what, len);
	for (i = 0; i < len && i < 48; i++)
		fprintf(stderr, " %02x", p[i]);
	fprintf(stderr, "%s\n", len > 48 ? " ..." : "");
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	unsigned long long count = 0, received = 0, corrupt = 0, unique = 0, dups = 0, bytes = 0;
	struct sockaddr_storage sources[MAX_SOURCES];
	int kind = KIND_RTP, json = 0, fd, opt, one = 1, tos = -1, tos_varied = 0;
	long long first_idx = -1;
	unsigned int nsources = 0, i;
	uint32_t ssrc = 0x5157a11;
	const char *ready = NULL;
	static uint8_t seen[(1u << 16) / 8];
	uint64_t start, deadline;
	double seconds = 5;
	struct endpoint ep;
	size_t size = 0;
	uint8_t buf[65536];
	char sbuf[80];
	char *e;

	while ((opt = getopt(argc, argv, "k:n:t:l:S:R:j")) != -1) {
		switch (opt) {
		case 'k':
			kind = kind_parse(optarg);
			if (kind < 0)
				usage();
			break;
		case 'n':
			count = parse_num("count", optarg, 1, 100000000);
			break;
		case 't':
			seconds = strtod(optarg, &e);
			if (*e || seconds <= 0 || seconds > 3600)
				usage();
			break;
		case 'l':
			size = (size_t)parse_num("size", optarg, 1, 65535);
			break;
		case 'S':
			ssrc = (uint32_t)parse_num("ssrc", optarg, 0, 0xffffffffu);
			break;
		case 'R':
			ready = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	if (endpoint_parse(&ep, argv[optind], 1)) {
		fprintf(stderr, "rtpsink: bad address %s\n", argv[optind]);
		return 2;
	}
	fd = socket(endpoint_family(&ep), SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("rtpsink: socket");
		return 1;
	}
	if (endpoint_family(&ep) == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof(one)))
			perror("rtpsink: IPV6_RECVTCLASS");
	} else if (setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one))) {
		perror("rtpsink: IP_RECVTOS");
	}
	{
		int rcvbuf = 4 << 20;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	}
	if (bind(fd, (struct sockaddr *)&ep.ss, ep.len)) {
		fprintf(stderr, "rtpsink: bind %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (ready) {
		int rfd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (rfd < 0) {
			perror("rtpsink: ready file");
			return 1;
		}
		close(rfd);
	}

	{
		/* SIGTERM/SIGINT end the run early; the report is still printed. */
		struct sigaction sa = { .sa_handler = on_signal };

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	start = now_ns();
	deadline = start + (uint64_t)(seconds * 1e9);
	while (!stop && (!count || received < count)) {
		uint8_t cbuf[256];
		struct sockaddr_storage from;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ns();
		struct cmsghdr *c;
		int ptos = -1;
		uint32_t idx;
		ssize_t n;

		if (now >= deadline)
			break;
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000 + 1)) <= 0)
			continue;
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			continue;
		received++;
		bytes += (unsigned long long)n;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS))
				ptos = *(uint8_t *)CMSG_DATA(c);
			else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS)
				memcpy(&ptos, CMSG_DATA(c), sizeof(ptos));
		}
		if (received > 1 && ptos != tos)
			tos_varied = 1;
		tos = ptos;
		for (i = 0; i < nsources; i++)
			if (same_addr(&sources[i], &from))
				break;
		if (i == nsources && nsources < MAX_SOURCES)
			sources[nsources++] = from;

		if ((size && (size_t)n != size) || pkt_check(buf, (size_t)n, kind, ssrc, &idx)) {
			if (!corrupt)
				hexdump("first corrupt datagram", buf, (size_t)n);
			corrupt++;
			continue;
		}
		if (first_idx < 0)
			first_idx = idx;
		idx &= 0xffff;
		if (seen[idx / 8] & (1u << (idx % 8))) {
			dups++;
		} else {
			seen[idx / 8] |= (uint8_t)(1u << (idx % 8));
			unique++;
		}
	}

	if (nsources)
		endpoint_str(&sources[0], sbuf, sizeof(sbuf));
	else
		strcpy(sbuf, "-");
	if (json)
		printf("{\"received\":%llu,\"corrupt\":%llu,\"unique\":%llu,\"duplicates\":%llu,"
		       "\"bytes\":%llu,\"source\":\"%s\",\"sources\":%u,\"tos\":%d,\"dscp\":%d,"
		       "\"tos_varied\":%d,\"first_idx\":%lld,\"elapsed_ms\":%llu}\n",
		       received, corrupt, unique, dups, bytes, sbuf, nsources, tos,
		       tos < 0 ? -1 : tos >> 2, tos_varied, first_idx,
		       (unsigned long long)((now_ns() - start) / 1000000));
	else
		printf("received %llu\ncorrupt %llu\nunique %llu\nduplicates %llu\nbytes %llu\n"
		       "source %s\nsources %u\ntos %d\ndscp %d\ntos_varied %d\nfirst_idx %lld\n"
		       "elapsed_ms %llu\n",
		       received, corrupt, unique, dups, bytes, sbuf, nsources, tos,
		       tos < 0 ? -1 : tos >> 2, tos_varied, first_idx,
		       (unsigned long long)((now_ns() - start) / 1000000));
	for (i = 1; i < nsources; i++)
		fprintf(stderr, "rtpsink: also from %s\n", endpoint_str(&sources[i], sbuf, sizeof(sbuf)));
	close(fd);
	return 0;
}
