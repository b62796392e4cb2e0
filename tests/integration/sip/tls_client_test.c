// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of TLS: a client transaction to a realm's TLS next hop
 * opens a connection with SNI and verifies the peer's certificate and
 * name. Links the daemon's objects and drives the real event loop.
 *
 *   tls_client_test CONFIG REALM EXPECT
 *
 * CONFIG's REALM has next_hop = tls:..., tls_ca and tls_server_name; the
 * test sends an OPTIONS there and exits 0 if the outcome is EXPECT:
 * "sent" (the handshake succeeded and the request went out) or "503"
 * (the connection failed, reported at once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core.h"
#include "loop.h"
#include "transport.h"
#include "txn.h"

static unsigned int outcome;

static void on_answer(void *ctx, const struct sip_msg *resp, unsigned int status)
{
	(void)ctx;
	(void)resp;
	outcome = status;
	sipwall_loop_stop();
}

static void stop(struct sipwall_timer *t)
{
	(void)t;
	sipwall_loop_stop();
}

static void noop(void *ctx)
{
	(void)ctx;
}

int main(int argc, char **argv)
{
	static const struct sipwall_loop_ops ops = { .reload = noop, .shutdown = noop };
	static const char options[] =
		"OPTIONS sip:pbx@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKtlsclient1\r\n"
		"From: <sip:sbc@example.com>;tag=c1\r\nTo: <sip:pbx@example.com>\r\n"
		"Call-ID: tls-client-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
		"Content-Length: 0\r\n\r\n";
	const struct sipwall_realm_config *rc = NULL;
	struct sipwall_config cfg;
	struct sipwall_peer to = { .proto = SIPWALL_PROTO_TLS, .udp_fd = -1 };
	struct sipwall_timer limit;
	int result;

	if (argc != 4)
		return 2;
	if (sipwall_config_load(argv[1], &cfg, stderr)) {
		sipwall_config_free(&cfg);
		return 2;
	}
	for (unsigned int i = 0; i < cfg.realm_count; i++)
		if (!strcmp(cfg.realms[i].name, argv[2]))
			rc = &cfg.realms[i];
	if (!rc || !rc->has_next_hop)
		return 2;
	sipwall_log_set_level(SIPWALL_LOG_DEBUG);
	if (sipwall_loop_init(&ops) || sipwall_conn_init() || sipwall_txn_init(&sipwall_core_tu) ||
	    sipwall_realms_apply(&cfg))
		return 2;
	to.realm = sipwall_realm_find(argv[2]);
	to.addr = rc->next_hop.addr;
	to.addr_len = rc->next_hop.addr_len;
	if (!sipwall_txn_send_request(&to, options, sizeof(options) - 1, on_answer, NULL))
		return 2;
	/* the peer (openssl s_server) never answers: after a second, "sent" */
	sipwall_timer_init(&limit, stop);
	sipwall_timer_after(&limit, 1000);
	sipwall_loop_run();
	sipwall_timer_stop(&limit);
	printf("# outcome: %s\n", outcome ? "503" : sipwall_conn_count() ? "sent" : "nothing");
	if (!strcmp(argv[3], "503"))
		result = outcome == 503 ? 0 : 1;
	else
		result = !outcome && sipwall_conn_count() == 1 ? 0 : 1;
	sipwall_txn_uninit();
	sipwall_realms_uninit();
	sipwall_conn_uninit();
	sipwall_loop_uninit();
	sipwall_config_free(&cfg);
	return result;
}
