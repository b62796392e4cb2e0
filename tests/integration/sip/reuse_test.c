// SPDX-License-Identifier: GPL-2.0
/*
 * Connection reuse, from the inside: a peer connects over TCP and sends
 * a request; the stack then reaches that peer over the same connection,
 * by its connection id and by its address alone, and a client
 * transaction sent that way gets its answer back, or a 503 as soon as the
 * connection is lost. Links the daemon's
 * objects (all but main.c) and drives the real event loop.
 *
 *   reuse_test CONFIG PORT     (CONFIG: a realm "public" with tcp:127.0.0.1:PORT)
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "core.h"
#include "loop.h"
#include "transport.h"
#include "txn.h"

static int failures;
static struct sipwall_peer seen;
static bool got_request;
static unsigned int answer_status;
static bool answered;	/* a final answer (or local failure) arrived */

#define EXPECT(cond, what) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL: %s (%s:%d)\n", what, __FILE__, __LINE__); \
		failures++; \
	} else { \
		printf("# %s\n", what); \
	} \
} while (0)

static void tu_request(struct sipwall_txn *st, struct sip_msg *req)
{
	(void)req;
	seen = *sipwall_txn_peer(st);
	got_request = true;
	sipwall_txn_respond(st, 200, "OK", NULL, SIP_STR(""));
}

static const struct sipwall_txn_tu tu = { .request = tu_request };

static void on_answer(void *ctx, const struct sip_msg *resp, unsigned int status)
{
	(void)ctx;
	(void)resp;
	if (status >= 200) {
		answer_status = status;
		answered = true;
	}
}

static void stop(struct sipwall_timer *t)
{
	(void)t;
	sipwall_loop_stop();
}

static void spin(unsigned int ms)
{
	struct sipwall_timer t;

	sipwall_timer_init(&t, stop);
	sipwall_timer_after(&t, ms);
	sipwall_loop_run();
	sipwall_timer_stop(&t);
}

/* Runs the loop until *done or 3 s passed: a loaded machine may be slow. */
static void spin_until(const bool *done)
{
	for (int i = 0; i < 300 && !*done; i++)
		spin(10);
}

/* What the peer received: waits up to 3 s for data, then 100 ms for more. */
static size_t peer_read(int fd, char *buf, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;

	while (len + 1 < size && poll(&p, 1, len ? 100 : 3000) == 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

static void noop(void *ctx)
{
	(void)ctx;
}

int main(int argc, char **argv)
{
	static const struct sipwall_loop_ops ops = { .reload = noop, .shutdown = noop };
	static const char options[] =
		"OPTIONS sip:sbc@127.0.0.1 SIP/2.0\r\n"
		"Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKreuse1\r\n"
		"From: <sip:phone@example.com>;tag=p1\r\nTo: <sip:sbc@example.com>\r\n"
		"Call-ID: reuse-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	static const char notify[] =
		"NOTIFY sip:phone@127.0.0.1:5999;transport=tcp SIP/2.0\r\n"
		"Via: SIP/2.0/TCP 127.0.0.1:5998;branch=z9hG4bKreuse2\r\n"
		"From: <sip:sbc@example.com>;tag=s1\r\nTo: <sip:phone@example.com>;tag=p1\r\n"
		"Call-ID: reuse-2\r\nCSeq: 7 NOTIFY\r\nEvent: keep\r\nMax-Forwards: 70\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct sipwall_config cfg;
	struct sipwall_peer by_address;
	char buf[4096], reply[1024];
	const char *via;
	int fd;

	if (argc != 3 || sipwall_config_load(argv[1], &cfg, stderr))
		return 2;
	sipwall_log_set_level(SIPWALL_LOG_WARN);
	if (sipwall_loop_init(&ops) || sipwall_conn_init() || sipwall_txn_init(&tu) ||
	    sipwall_realms_apply(&cfg))
		return 2;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	addr.sin_port = htons((uint16_t)atoi(argv[2]));
	inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return 2;
	if (write(fd, options, sizeof(options) - 1) < 0)
		return 2;
	spin_until(&got_request);
	EXPECT(got_request, "the peer's request reaches the transaction user");
	EXPECT(seen.proto == SIPWALL_PROTO_TCP && seen.conn_id != 0,
	       "the request is tagged with its connection");
	EXPECT(peer_read(fd, buf, sizeof(buf)) && !strncmp(buf, "SIP/2.0 200 OK", 14),
	       "the answer returns over the same connection");

	/* by connection id */
	EXPECT(sipwall_send(&seen, notify, sizeof(notify) - 1) == 0, "send by connection id");
	spin(20);
	EXPECT(peer_read(fd, buf, sizeof(buf)) && !strncmp(buf, "NOTIFY ", 7),
	       "a request reaches the peer over its connection (by id)");

	/* by address alone: what a registrar knows of a binding */
	by_address = seen;
	by_address.conn_id = 0;
	EXPECT(sipwall_send(&by_address, notify, sizeof(notify) - 1) == 0 &&
	       by_address.conn_id == seen.conn_id,
	       "send by peer address finds the open connection");
	spin(20);
	EXPECT(peer_read(fd, buf, sizeof(buf)) && !strncmp(buf, "NOTIFY ", 7),
	       "a request reaches the peer over its connection (by address)");
	EXPECT(sipwall_conn_count() == 1, "no second connection was opened");

	/* a client transaction over the reused connection, answered by the peer */
	EXPECT(sipwall_txn_send_request(&by_address, notify, sizeof(notify) - 1, on_answer, NULL) != NULL,
	       "client transaction started");
	spin(20);
	peer_read(fd, buf, sizeof(buf));
	via = strstr(buf, "Via: ");
	snprintf(reply, sizeof(reply),
		 "SIP/2.0 200 OK\r\n%.*s\r\nFrom: <sip:sbc@example.com>;tag=s1\r\n"
		 "To: <sip:phone@example.com>;tag=p1\r\nCall-ID: reuse-2\r\nCSeq: 7 NOTIFY\r\n"
		 "Content-Length: 0\r\n\r\n", via ? (int)strcspn(via, "\r") : 0, via ? via : "");
	if (write(fd, reply, strlen(reply)) < 0)
		return 2;
	answered = false;
	spin_until(&answered);
	EXPECT(answer_status == 200, "the peer's 200 completes the client transaction");

	/* the peer goes away with a transaction outstanding: 503 at once, not timer F */
	answer_status = 0;
	EXPECT(sipwall_txn_send_request(&by_address, notify, sizeof(notify) - 1, on_answer, NULL) != NULL,
	       "second client transaction started");
	spin(20);
	close(fd);
	answered = false;
	spin_until(&answered);
	EXPECT(!sipwall_conn_alive(seen.conn_id), "the connection is gone when the peer closes it");
	EXPECT(answer_status == 503, "a transaction waiting on a lost connection fails with 503");
	sipwall_txn_uninit();
	sipwall_realms_uninit();
	sipwall_conn_uninit();
	sipwall_loop_uninit();
	sipwall_config_free(&cfg);
	return failures ? 1 : 0;
}
