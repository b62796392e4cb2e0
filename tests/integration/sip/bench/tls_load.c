// SPDX-License-Identifier: GPL-2.0
/*
 * tls_load HOST PORT CONNECTIONS SECONDS [idle]
 *
 * Opens CONNECTIONS TLS connections to HOST:PORT, then keeps one OPTIONS
 * request outstanding on each for SECONDS and prints transactions per
 * second. With "idle", only completes the handshakes and holds the
 * connections open for SECONDS (to measure the server's memory per idle
 * connection). A benchmark client, not a SIP UA: it expects one response
 * per request and only counts "SIP/2.0 200" lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

struct client {
	int fd;
	SSL *ssl;
	unsigned long seq;
	char in[4096];
	size_t in_len;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void send_options(struct client *c, int id)
{
	char req[512];
	int n = snprintf(req, sizeof(req),
			 "OPTIONS sip:sbc@127.0.0.1 SIP/2.0\r\n"
			 "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK%d.%lu\r\n"
			 "From: <sip:load@example.com>;tag=%d\r\nTo: <sip:sbc@example.com>\r\n"
			 "Call-ID: load-%d-%lu\r\nCSeq: %lu OPTIONS\r\nMax-Forwards: 70\r\n"
			 "Content-Length: 0\r\n\r\n", id, c->seq, id, id, c->seq, c->seq + 1);

	/* small writes on an idle socket complete at once in practice */
	if (SSL_write(c->ssl, req, n) != n) {
		fprintf(stderr, "write failed on connection %d\n", id);
		exit(1);
	}
	c->seq++;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct epoll_event ev, events[256];
	unsigned long done = 0, ok = 0;
	int count, ready = 0, epfd;
	struct client *clients;
	double seconds, start, end;
	bool idle;
	SSL_CTX *ctx;

	if (argc < 5) {
		fprintf(stderr, "usage: tls_load HOST PORT CONNECTIONS SECONDS [idle]\n");
		return 2;
	}
	inet_pton(AF_INET, argv[1], &addr.sin_addr);
	addr.sin_port = htons((uint16_t)atoi(argv[2]));
	count = atoi(argv[3]);
	seconds = atof(argv[4]);
	idle = argc > 5 && !strcmp(argv[5], "idle");
	clients = calloc((size_t)count, sizeof(*clients));
	ctx = SSL_CTX_new(TLS_client_method());
	epfd = epoll_create1(0);
	if (!clients || !ctx || epfd < 0)
		return 1;
	for (int i = 0; i < count; i++) {
		struct client *c = &clients[i];

		c->fd = socket(AF_INET, SOCK_STREAM, 0);
		if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&addr, sizeof(addr))) {
			perror("connect");
			return 1;
		}
		c->ssl = SSL_new(ctx);
		SSL_set_fd(c->ssl, c->fd);
		if (SSL_connect(c->ssl) != 1) {
			ERR_print_errors_fp(stderr);
			return 1;
		}
		fcntl(c->fd, F_SETFL, O_NONBLOCK);
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
		ready++;
	}
	printf("%d TLS connections up (%s)\n", ready, SSL_get_version(clients[0].ssl));
	fflush(stdout);
	if (idle) {
		sleep((unsigned int)seconds);
		return 0;
	}
	start = now();
	end = start + seconds;
	for (int i = 0; i < count; i++)
		send_options(&clients[i], i);
	while (now() < end) {
		int n = epoll_wait(epfd, events, 256, 100);

		for (int e = 0; e < n; e++) {
			int id = (int)events[e].data.u32;
			struct client *c = &clients[id];
			int r;

			/* drain what TLS has, then look for whole responses */
			while ((r = SSL_read(c->ssl, c->in + c->in_len,
					     (int)(sizeof(c->in) - c->in_len - 1))) > 0)
				c->in_len += (size_t)r;
			c->in[c->in_len] = '\0';
			for (;;) {
				char *end_of_msg = strstr(c->in, "\r\n\r\n");
				size_t used;

				if (!end_of_msg)
					break;
				used = (size_t)(end_of_msg + 4 - c->in);
				ok += !strncmp(c->in, "SIP/2.0 200", 11);
				done++;
				memmove(c->in, c->in + used, c->in_len - used + 1);
				c->in_len -= used;
				send_options(c, id);
			}
		}
	}
	printf("%d connections, %.1f s: %lu transactions, %.0f/s, %lu answered 200\n", count,
	       now() - start, done, done / (now() - start), ok);
	return ok == done && done ? 0 : 1;
}
