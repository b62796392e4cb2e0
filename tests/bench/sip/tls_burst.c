// SPDX-License-Identifier: GPL-2.0
/*
 * tls_burst HOST PORT CONNECTIONS SECONDS
 *
 * Opens CONNECTIONS TLS connections to HOST:PORT all at once (non-blocking
 * connects and handshakes, driven together on one epoll set), sends one
 * OPTIONS request on each as soon as its handshake is done, and waits for
 * one response on each, for at most SECONDS. Prints how many handshakes
 * completed and how many requests were answered (any status), and exits 0
 * only if every connection got its answer. The many-new-connections-at-once
 * case of the SIP benchmark (Kamailio 5.6.3 loses TLS workers in it,
 * kamailio#3791); a benchmark client, not a SIP UA. The certificate is not
 * verified: the run's stunnel clients do that.
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

enum state { HANDSHAKE, SENDING, WAITING, DONE, FAILED };

struct conn {
	int fd;
	SSL *ssl;
	enum state state;
	char out[512];
	int out_len;
	char in[4096];
	size_t in_len;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void watch(int epfd, struct conn *c, int id, bool want_write)
{
	struct epoll_event ev = { .events = want_write ? EPOLLOUT : EPOLLIN, .data.u32 = (uint32_t)id };

	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* one step of a connection's life; returns false when it has failed */
static bool step(int epfd, struct conn *c, int id, unsigned int *handshakes, unsigned int *answered)
{
	int r, err;

	if (c->state == HANDSHAKE) {
		r = SSL_do_handshake(c->ssl);
		if (r != 1) {
			err = SSL_get_error(c->ssl, r);
			if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
				watch(epfd, c, id, err == SSL_ERROR_WANT_WRITE);
				return true;
			}
			return false;
		}
		(*handshakes)++;
		c->state = SENDING;
	}
	if (c->state == SENDING) {
		r = SSL_write(c->ssl, c->out, c->out_len);
		if (r <= 0) {
			err = SSL_get_error(c->ssl, r);
			if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
				watch(epfd, c, id, err == SSL_ERROR_WANT_WRITE);
				return true;
			}
			return false;
		}
		c->state = WAITING;
		watch(epfd, c, id, false);
	}
	while (c->state == WAITING) {
		r = SSL_read(c->ssl, c->in + c->in_len, (int)(sizeof(c->in) - c->in_len - 1));
		if (r <= 0) {
			err = SSL_get_error(c->ssl, r);
			return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE;
		}
		c->in_len += (size_t)r;
		c->in[c->in_len] = '\0';
		if (strstr(c->in, "\r\n\r\n")) {
			c->state = strncmp(c->in, "SIP/2.0 ", 8) ? FAILED : DONE;
			*answered += c->state == DONE;
			return c->state == DONE;
		}
		if (c->in_len == sizeof(c->in) - 1)
			return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	unsigned int handshakes = 0, answered = 0, failed = 0, pending;
	struct epoll_event events[256];
	struct conn *conns;
	double start, limit;
	SSL_CTX *ctx;
	int count, epfd;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1 || (count = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: tls_burst HOST PORT CONNECTIONS SECONDS\n");
		return 2;
	}
	addr.sin_port = htons((uint16_t)atoi(argv[2]));
	limit = atof(argv[4]);
	conns = calloc((size_t)count, sizeof(*conns));
	ctx = SSL_CTX_new(TLS_client_method());
	epfd = epoll_create1(0);
	if (!conns || !ctx || epfd < 0)
		return 1;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	start = now();
	for (int i = 0; i < count; i++) {
		struct conn *c = &conns[i];
		struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = (uint32_t)i };

		c->out_len = snprintf(c->out, sizeof(c->out),
				      "OPTIONS sip:sip.example.com SIP/2.0\r\n"
				      "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-burst-%d\r\n"
				      "From: <sip:burst@sip.example.com>;tag=b%d\r\n"
				      "To: <sip:sip.example.com>\r\nCall-ID: burst-%d-%d\r\n"
				      "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
				      i, i, (int)getpid(), i);
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (c->fd < 0) {
			perror("socket");
			return 1;
		}
		if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) && errno != EINPROGRESS) {
			c->state = FAILED;
			failed++;
			continue;
		}
		c->ssl = SSL_new(ctx);
		SSL_set_fd(c->ssl, c->fd);
		SSL_set_connect_state(c->ssl);
		epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
	}
	for (;;) {
		int n;

		pending = (unsigned int)count - answered - failed;
		if (!pending || now() - start > limit)
			break;
		n = epoll_wait(epfd, events, 256, 100);
		for (int e = 0; e < n; e++) {
			int id = (int)events[e].data.u32;
			struct conn *c = &conns[id];

			if (c->state == DONE || c->state == FAILED)
				continue;
			if (!step(epfd, c, id, &handshakes, &answered)) {
				c->state = FAILED;
				failed++;
				epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
				ERR_clear_error();
			}
		}
	}
	printf("connections=%d handshakes=%u answered=%u failed=%u seconds=%.3f\n", count, handshakes,
	       answered, failed, now() - start);
	return answered == (unsigned int)count ? 0 : 1;
}
