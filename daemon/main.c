// SPDX-License-Identifier: GPL-2.0
/*
 * sipwalld: options, configuration life cycle (load, check, reload), and
 * the event loop's start and graceful end.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_realms.h"
#include "b2bua.h"
#include "config.h"
#include "control.h"
#include "core.h"
#include "log.h"
#include "location.h"
#include "loop.h"
#include "regstate.h"
#include "tls.h"
#include "transport.h"
#include "txn.h"

#define SHUTDOWN_GRACE_MS 5000	/* for transactions still running at SIGTERM */

static struct {
	const char *config_path;
	struct sipwall_config *cfg;
	struct sipwall_timer drain;
	uint64_t drain_deadline_ms;
	bool draining;
} daemon_state;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sipwalld -c FILE [--check-config]\n"
		"\n"
		"  -c, --config FILE   configuration (see sipwall.conf(5))\n"
		"  -t, --check-config  check FILE, certificates included, and exit:\n"
		"                      0, or 1 with one \"file:line: message\" per error\n"
		"  -h, --help          this text\n"
		"\n"
		"Runs in the foreground and logs to stderr. SIGHUP reloads the\n"
		"configuration and certificates; SIGTERM or SIGINT shut down gracefully.\n");
}

/* TLS material can only be checked by loading it: do so, as the daemon would. */
static int check_tls(const struct sipwall_config *cfg, FILE *errors)
{
	int bad = 0;

	for (unsigned int i = 0; i < cfg->realm_count; i++) {
		const struct sipwall_realm_config *r = &cfg->realms[i];
		bool connecting = r->has_next_hop && r->next_hop.proto == SIPWALL_PROTO_TLS;
		bool serving = false;
		char err[512];
		SSL_CTX *ctx;

		for (unsigned int l = 0; l < r->listen_count; l++)
			serving |= r->listen[l].proto == SIPWALL_PROTO_TLS;
		if (!serving && !connecting)
			continue;
		ctx = serving ? sipwall_tls_server_ctx(&r->tls, r->name, err, sizeof(err)) :
				sipwall_tls_client_ctx(&r->tls, err, sizeof(err));
		if (!ctx) {
			fprintf(errors, "%s:%d: realm %s: %s\n", cfg->path,
				r->tls.line ? r->tls.line : r->line, r->name, err);
			bad++;
			continue;
		}
		SSL_CTX_free(ctx);
	}
	return bad;
}

static struct sipwall_config *load(const char *path, bool with_tls)
{
	struct sipwall_config *cfg = calloc(1, sizeof(*cfg));
	int errors;

	if (!cfg) {
		log_error("out of memory");
		return NULL;
	}
	errors = sipwall_config_load(path, cfg, stderr);
	if (!errors && with_tls)
		errors = check_tls(cfg, stderr);
	if (errors) {
		sipwall_config_free(cfg);
		free(cfg);
		return NULL;
	}
	return cfg;
}

static void apply_settings(const struct sipwall_config *cfg)
{
	sipwall_log_set_level(cfg->log_level);
	sipwall_conn_set_limits(cfg->max_connections);
	sipwall_txn_set_timers(cfg->t1_ms, cfg->t2_ms, cfg->t4_ms);
	sipwall_registrar_set_limit(cfg->max_registrations);
	sipwall_b2bua_configure(cfg);
}

static void reload(void *ctx)
{
	struct sipwall_config *next;
	int rc;

	(void)ctx;
	if (daemon_state.draining)
		return;
	next = load(daemon_state.config_path, false);
	if (!next) {
		log_error("reload: %s has errors (above); keeping the running configuration",
			  daemon_state.config_path);
		return;
	}
	rc = sipwall_realms_apply(next);
	if (rc < 0) {
		/* nothing was changed: the TLS material did not load */
		log_error("reload: keeping the running configuration");
		sipwall_config_free(next);
		free(next);
		return;
	}
	if (sipwall_auth_realms_apply(next))
		rc = 1;
	sipwall_config_free(daemon_state.cfg);
	free(daemon_state.cfg);
	daemon_state.cfg = next;
	apply_settings(next);
	if (sipwall_regstate_configure(next))
		log_error("reload: out of memory for the state file's name");
	log_info("reload: configuration %s in effect%s", next->path,
		 rc ? " (with errors above)" : "");
}

static void on_drain(struct sipwall_timer *t)
{
	if (sipwall_txn_pending() == 0 || sipwall_now_ms() >= daemon_state.drain_deadline_ms) {
		sipwall_loop_stop();
		return;
	}
	sipwall_timer_after(t, 100);
}

static void shutdown_gracefully(void *ctx)
{
	(void)ctx;
	if (daemon_state.draining) {
		sipwall_loop_stop();	/* a second signal: stop now */
		return;
	}
	/* stop taking new work, let running transactions finish */
	daemon_state.draining = true;
	sipwall_core_set_draining();
	daemon_state.drain_deadline_ms = sipwall_now_ms() + SHUTDOWN_GRACE_MS;
	sipwall_timer_init(&daemon_state.drain, on_drain);
	sipwall_timer_after(&daemon_state.drain, 0);
}

static void log_stats(void)
{
	const struct sipwall_stats *s = &sipwall_stats;

	log_info("stats: rx %llu (bad requests %llu, bad responses %llu, stray responses %llu), "
		 "tx %llu (errors %llu), connections accepted %llu refused %llu idle-closed %llu, "
		 "TLS handshake failures %llu, keepalive pings %llu",
		 (unsigned long long)s->rx_messages, (unsigned long long)s->rx_bad_requests,
		 (unsigned long long)s->rx_bad_responses, (unsigned long long)s->rx_stray_responses,
		 (unsigned long long)s->tx_messages, (unsigned long long)s->tx_errors,
		 (unsigned long long)s->conns_accepted, (unsigned long long)s->conns_refused,
		 (unsigned long long)s->conns_idle_closed,
		 (unsigned long long)s->tls_handshake_failures,
		 (unsigned long long)s->keepalive_pings);
}

static int run(void)
{
	const struct sipwall_loop_ops ops = { .reload = reload, .shutdown = shutdown_gracefully };
	int rc = 1;

	sipwall_hash_seed();
	if (sipwall_loop_init(&ops)) {
		log_error("cannot set up the event loop");
		goto out;
	}
	if (sipwall_conn_init() || sipwall_txn_init(&sipwall_core_tu) || sipwall_location_init()) {
		log_error("out of memory");
		goto out_loop;
	}
	apply_settings(daemon_state.cfg);
	if (sipwall_realms_apply(daemon_state.cfg) || sipwall_auth_realms_apply(daemon_state.cfg)) {
		log_error("cannot start: see above");
		goto out_realms;
	}
	if (sipwall_regstate_configure(daemon_state.cfg)) {
		log_error("out of memory");
		goto out_realms;
	}
	/* bindings from before a restart: their realms exist by now */
	sipwall_regstate_load();
	sipwall_control_open(daemon_state.cfg->control_socket);
	log_info("running with %s", daemon_state.cfg->path);
	rc = sipwall_loop_run() ? 1 : 0;
	log_stats();
	sipwall_control_close();
	sipwall_regstate_flush();
out_realms:
	/* before the transactions go: the calls' BYEs are sent as they end */
	sipwall_b2bua_uninit();
	sipwall_regstate_uninit();
	sipwall_location_uninit();
	sipwall_auth_realms_stop();
	sipwall_txn_uninit();
	sipwall_realms_uninit();
	sipwall_conn_uninit();
out_loop:
	sipwall_loop_uninit();
	/* after the loop has answered the directory lookups still pending */
	sipwall_auth_realms_uninit();
out:
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool check_only = false;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:th", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			daemon_state.config_path = optarg;
			break;
		case 't':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!daemon_state.config_path || optind != argc) {
		usage(stderr);
		return 2;
	}
	daemon_state.cfg = load(daemon_state.config_path, true);
	if (!daemon_state.cfg)
		return 1;
	if (check_only) {
		rc = 0;
	} else {
		rc = run();
	}
	sipwall_config_free(daemon_state.cfg);
	free(daemon_state.cfg);
	return rc;
}
