// SPDX-License-Identifier: GPL-2.0
/*
 * Drives the daemon's LDAP client (and the digest check around it) on the
 * daemon's own event loop, one command per line on stdin, one answer line
 * per command on stdout. The run script talks to it through a pipe.
 *
 *   ldaptest [LDAP-KEY=VALUE...]    [ldap] keys of sipwall.conf(5); also
 *                                   realm=NAME (digest realm) and
 *                                   lockout=N (user failures that lock)
 * commands:
 *   lookup USER            found [md5] [sha256] | not-found | unavailable
 *   check USER PASSWORD    match | mismatch | not-found | unavailable
 *   auth USER PASSWORD ALG a whole digest round: the result's name
 *   both USER1 USER2       two lookups at once, answers in the order they came:
 *                          USER:found|not-found|unavailable USER:...
 *   bench N CONC [auth]    N lookups (or whole digest rounds) of users uI with
 *                          password pw-I, CONC at a time: the rate
 *   stats                  lookups N hits N negative N queries N coalesced N
 *   cancel USER [PASSWORD] a lookup (with PASSWORD: a digest round) cancelled at
 *                          once; 500 ms later: called | not-called
 *   connected              yes | no
 *   server                 the uri connected to, or none
 *   wait MS                runs the loop for MS milliseconds: ok
 *   flush                  empties the caches: ok
 * A user name "@N" stands for N characters 'x'.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth_session.h"
#include "log.h"
#include "loop.h"

#define COMMAND_LIMIT_MS 15000

static struct sipwall_ldap *ldap;
static struct sipwall_authn authn;
static char realm[256] = "sip.example.com";
static struct sipwall_timer start_timer, limit_timer;
static char line[16384];
static char user[16384], password[256], alg[16];
static struct sockaddr_in client = { .sin_family = AF_INET };

static void nop(void *ctx)
{
	(void)ctx;
}

static void finish(const char *answer)
{
	printf("%s\n", answer);
	fflush(stdout);
	sipwall_timer_stop(&limit_timer);
	sipwall_loop_stop();
}

static void on_limit(struct sipwall_timer *t)
{
	(void)t;
	finish("timeout");
}

static void on_lookup(void *ctx, enum sipwall_ldap_status status,
		      const struct sipwall_credential *cred, bool cached)
{
	char answer[64];

	(void)cached;
	if (ctx) {
		/* check: the directory's credential against the password */
		struct sipwall_credential mine;
		bool match = true;

		if (status != SIPWALL_LDAP_FOUND) {
			finish(status == SIPWALL_LDAP_NOT_FOUND ? "not-found" : "unavailable");
			return;
		}
		sipwall_credential_from_password(&mine, sip_str_from_cstr(user),
						 sip_str_from_cstr(realm), sip_str_from_cstr(password));
		for (int i = 0; i < SIPWALL_DIGEST_ALG_COUNT; i++)
			if (cred->has[i] && memcmp(cred->ha1[i], mine.ha1[i], sizeof(mine.ha1[i])))
				match = false;
		sipwall_credential_wipe(&mine);
		finish(match ? "match" : "mismatch");
		return;
	}
	if (status == SIPWALL_LDAP_FOUND) {
		snprintf(answer, sizeof(answer), "found%s%s",
			 cred->has[SIPWALL_DIGEST_MD5] ? " md5" : "",
			 cred->has[SIPWALL_DIGEST_SHA256] ? " sha256" : "");
		finish(answer);
	} else {
		finish(status == SIPWALL_LDAP_NOT_FOUND ? "not-found" : "unavailable");
	}
}

/* cancel: whether a cancelled lookup's callback ran anyway */
static bool cancelled_called;

static void on_cancelled_lookup(void *ctx, enum sipwall_ldap_status status,
				const struct sipwall_credential *cred, bool cached)
{
	(void)ctx;
	(void)status;
	(void)cred;
	(void)cached;
	cancelled_called = true;
}

static void on_cancelled_auth(void *ctx, enum sipwall_auth_result result, struct sip_str u,
			      const char *why)
{
	(void)ctx;
	(void)result;
	(void)u;
	(void)why;
	cancelled_called = true;
}

static void on_cancel_done(struct sipwall_timer *t)
{
	(void)t;
	finish(cancelled_called ? "called" : "not-called");
}

/* both: the two answers in arrival order */
static char both_answer[sizeof(user) + sizeof(password) + 64];
static unsigned int both_count;

static void on_both(void *ctx, enum sipwall_ldap_status status,
		    const struct sipwall_credential *cred, bool cached)
{
	size_t n = strlen(both_answer);

	(void)cred;
	(void)cached;
	snprintf(both_answer + n, sizeof(both_answer) - n, "%s%s:%s", n ? " " : "",
		 (const char *)ctx, status == SIPWALL_LDAP_FOUND ? "found" :
		 status == SIPWALL_LDAP_NOT_FOUND ? "not-found" : "unavailable");
	if (++both_count == 2)
		finish(both_answer);
}

static void on_authn(void *ctx, enum sipwall_auth_result result, struct sip_str u,
		     const char *why)
{
	(void)ctx;
	(void)u;
	(void)why;
	finish(sipwall_auth_result_name(result));
}

/*
 * A phone's answer to a fresh challenge for u with password pw, then the
 * start of its check: the result, or SIPWALL_AUTH_PENDING and fn later.
 */
static enum sipwall_auth_result start_auth(const char *u, const char *pw, const char *alg_name,
					   sipwall_authn_fn fn, struct sipwall_authn_op **op)
{
	struct sipwall_challenge ch;
	struct sipwall_credential c;
	enum sipwall_digest_alg a;
	uint8_t r[SIPWALL_DIGEST_MAX];
	char nonce[SIPWALL_NONCE_LEN + 1], hex[SIPWALL_DIGEST_HEX_MAX];
	static char value[sizeof(user) + 1024];
	const char *uri = "sip:sip.example.com";
	struct sip_str v;
	struct sipwall_auth_request req = {
		.method = SIP_STR("REGISTER"), .request_uri = sip_str_from_cstr(uri),
		.values = &v, .value_count = 1, .client = (struct sockaddr *)&client,
		.now_ms = sipwall_now_ms(),
	};
	if (sipwall_digest_alg_parse(sip_str_from_cstr(alg_name), &a) ||
	    sipwall_auth_challenge(&authn.auth, req.client, req.now_ms, false, &ch))
		return SIPWALL_AUTH_MALFORMED;
	memcpy(nonce, strstr(ch.value[0], "nonce=\"") + 7, SIPWALL_NONCE_LEN);
	nonce[SIPWALL_NONCE_LEN] = '\0';
	sipwall_credential_from_password(&c, sip_str_from_cstr(u), sip_str_from_cstr(realm),
					 sip_str_from_cstr(pw));
	sipwall_digest_response(a, c.ha1[a], sip_str_from_cstr(nonce), SIP_STR("00000001"),
				SIP_STR("c0ffee"), SIP_STR("auth"), SIP_STR("REGISTER"),
				sip_str_from_cstr(uri), r);
	sipwall_credential_wipe(&c);
	sipwall_digest_hex(r, sipwall_digest_len(a), hex);
	snprintf(value, sizeof(value),
		 "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", response=\"%s\", "
		 "algorithm=%s, cnonce=\"c0ffee\", qop=auth, nc=00000001",
		 u, realm, nonce, uri, hex, alg_name);
	v = sip_str_from_cstr(value);
	return sipwall_authn_start(&authn, &req, fn, NULL, op, NULL);
}

static void run_auth(void)
{
	struct sipwall_authn_op *op;
	enum sipwall_auth_result result = start_auth(user, password, alg, on_authn, &op);

	if (result != SIPWALL_AUTH_PENDING)
		finish(sipwall_auth_result_name(result));
}

/*
 * bench: N lookups (or digest rounds) of users u0..uN-1 (password pw-I),
 * CONC of them in flight at a time.
 */
static struct {
	unsigned int total, issued, done, conc;
	unsigned int results[SIPWALL_AUTH_RESULT_COUNT];
	bool auth;
	struct timespec start;
} bench;

static void bench_count(enum sipwall_auth_result result)
{
	bench.done++;
	bench.results[result]++;
}

static enum sipwall_auth_result result_of(enum sipwall_ldap_status status)
{
	return status == SIPWALL_LDAP_FOUND ? SIPWALL_AUTH_OK :
	       status == SIPWALL_LDAP_NOT_FOUND ? SIPWALL_AUTH_UNKNOWN_USER :
	       SIPWALL_AUTH_UNAVAILABLE;
}

static void bench_next(void);

static void bench_check_end(void)
{
	struct timespec end;
	double ms;
	char answer[512];
	size_t len;

	if (bench.done < bench.total) {
		bench_next();
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - bench.start.tv_sec) * 1e3 +
	     (double)(end.tv_nsec - bench.start.tv_nsec) / 1e6;
	len = (size_t)snprintf(answer, sizeof(answer), "%u %s in %.0f ms: %.0f/s;", bench.total,
			       bench.auth ? "digest rounds" : "lookups", ms,
			       bench.total / (ms / 1e3));
	for (int r = 0; r < SIPWALL_AUTH_RESULT_COUNT && len < sizeof(answer); r++)
		if (bench.results[r])
			len += (size_t)snprintf(answer + len, sizeof(answer) - len, " %u %s",
						bench.results[r],
						sipwall_auth_result_name((enum sipwall_auth_result)r));
	finish(answer);
}

static void on_bench_lookup(void *ctx, enum sipwall_ldap_status status,
			    const struct sipwall_credential *cred, bool cached)
{
	(void)ctx;
	(void)cred;
	(void)cached;
	bench_count(result_of(status));
	bench_check_end();
}

static void on_bench_auth(void *ctx, enum sipwall_auth_result result, struct sip_str u,
			  const char *why)
{
	(void)ctx;
	(void)u;
	(void)why;
	bench_count(result);
	bench_check_end();
}

/* Tops the flight up; answers that come at once are counted here, not nested. */
static void bench_next(void)
{
	while (bench.issued < bench.total && bench.issued - bench.done < bench.conc) {
		char u[32], pw[32];
		unsigned int i = bench.issued++;

		snprintf(u, sizeof(u), "u%u", i);
		snprintf(pw, sizeof(pw), "pw-%u", i);
		if (bench.auth) {
			struct sipwall_authn_op *op;
			enum sipwall_auth_result result = start_auth(u, pw, "SHA-256", on_bench_auth,
								     &op);

			if (result != SIPWALL_AUTH_PENDING)
				bench_count(result);
		} else if (!sipwall_ldap_lookup(ldap, sip_str_from_cstr(u), sip_str_from_cstr(realm), 0,
						on_bench_lookup, NULL)) {
			bench_count(SIPWALL_AUTH_UNAVAILABLE);
		}
	}
	if (bench.done == bench.total)
		bench_check_end();
}

static void run_bench(unsigned int total, unsigned int conc, bool auth)
{
	memset(&bench, 0, sizeof(bench));
	bench.total = total;
	bench.conc = conc ? conc : 1;
	bench.auth = auth;
	if (!total) {
		finish("bad-command");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &bench.start);
	bench_next();
}

static void expand_user(const char *word)
{
	if (word[0] == '@') {
		size_t n = strtoul(word + 1, NULL, 10);

		if (n >= sizeof(user))
			n = sizeof(user) - 1;
		memset(user, 'x', n);
		user[n] = '\0';
	} else {
		snprintf(user, sizeof(user), "%s", word);
	}
}

static void on_start(struct sipwall_timer *t)
{
	char cmd[32] = "", w1[sizeof(user)] = "";
	const struct sipwall_ldap_stats *st = sipwall_ldap_stats(ldap);
	char answer[160];
	int n;

	(void)t;
	password[0] = alg[0] = '\0';
	n = sscanf(line, "%31s %16383s %255s %15s", cmd, w1, password, alg);
	expand_user(w1);
	sipwall_timer_after(&limit_timer, COMMAND_LIMIT_MS);
	if (!strcmp(cmd, "lookup") && n >= 2) {
		if (!sipwall_ldap_lookup(ldap, sip_str_from_cstr(user), sip_str_from_cstr(realm), 0,
					 on_lookup, NULL))
			finish("out-of-memory");
	} else if (!strcmp(cmd, "check") && n >= 3) {
		if (!sipwall_ldap_lookup(ldap, sip_str_from_cstr(user), sip_str_from_cstr(realm), 0,
					 on_lookup, password))
			finish("out-of-memory");
	} else if (!strcmp(cmd, "both") && n >= 3) {
		static char first[sizeof(user)], second[sizeof(password)];

		snprintf(first, sizeof(first), "%s", user);
		snprintf(second, sizeof(second), "%s", password);
		both_answer[0] = '\0';
		both_count = 0;
		if (!sipwall_ldap_lookup(ldap, sip_str_from_cstr(first), sip_str_from_cstr(realm), 0,
					 on_both, first) ||
		    !sipwall_ldap_lookup(ldap, sip_str_from_cstr(second), sip_str_from_cstr(realm), 0,
					 on_both, second))
			finish("out-of-memory");
	} else if (!strcmp(cmd, "auth") && n >= 4) {
		run_auth();
	} else if (!strcmp(cmd, "bench") && n >= 3) {
		/* a benchmark's whole run gets more time than one answer */
		sipwall_timer_after(&limit_timer, 10 * COMMAND_LIMIT_MS);
		run_bench((unsigned int)strtoul(w1, NULL, 10), (unsigned int)strtoul(password, NULL, 10),
			  !strcmp(alg, "auth"));
	} else if (!strcmp(cmd, "stats")) {
		snprintf(answer, sizeof(answer),
			 "lookups %llu hits %llu negative %llu queries %llu coalesced %llu",
			 (unsigned long long)st->lookups, (unsigned long long)st->cache_hits,
			 (unsigned long long)st->negative_hits, (unsigned long long)st->queries,
			 (unsigned long long)st->coalesced);
		finish(answer);
	} else if (!strcmp(cmd, "cancel") && n >= 2) {
		static struct sipwall_timer done_timer;

		cancelled_called = false;
		if (n >= 3) {
			struct sipwall_authn_op *op;

			if (start_auth(user, password, "SHA-256", on_cancelled_auth, &op) ==
			    SIPWALL_AUTH_PENDING)
				sipwall_authn_cancel(op);
		} else {
			struct sipwall_ldap_req *req =
				sipwall_ldap_lookup(ldap, sip_str_from_cstr(user),
						    sip_str_from_cstr(realm), 0,
						    on_cancelled_lookup, NULL);

			if (req)
				sipwall_ldap_cancel(req);
		}
		sipwall_timer_init(&done_timer, on_cancel_done);
		sipwall_timer_after(&done_timer, 500);
	} else if (!strcmp(cmd, "connected")) {
		finish(sipwall_ldap_connected(ldap) ? "yes" : "no");
	} else if (!strcmp(cmd, "server")) {
		finish(sipwall_ldap_server(ldap) ? sipwall_ldap_server(ldap) : "none");
	} else if (!strcmp(cmd, "wait") && n >= 2) {
		sipwall_timer_stop(&limit_timer);
		sipwall_timer_after(&limit_timer, strtoul(w1, NULL, 10));
	} else if (!strcmp(cmd, "flush")) {
		sipwall_ldap_flush(ldap);
		finish("ok");
	} else {
		finish("bad-command");
	}
}

static void on_wait_done(struct sipwall_timer *t)
{
	(void)t;
	finish("ok");
}

int main(int argc, char **argv)
{
	struct sipwall_loop_ops ops = { .reload = nop, .shutdown = nop };
	struct sipwall_guard_config guard = { .user_threshold = 0, .addr_threshold = 0,
					      .window_s = 60, .lockout_s = 60, .capacity = 64 };
	bool offer[SIPWALL_DIGEST_ALG_COUNT] = { true, true };
	struct sipwall_ldap_config cfg;
	int status = 1;

	sipwall_log_set_level(getenv("LDAPTEST_DEBUG") ? SIPWALL_LOG_DEBUG : SIPWALL_LOG_WARN);
	sipwall_hash_seed();
	inet_pton(AF_INET, "127.0.0.1", &client.sin_addr);
	sipwall_ldap_config_defaults(&cfg);
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		const char *why;

		if (!eq) {
			fprintf(stderr, "ldaptest: expected KEY=VALUE, got %s\n", argv[i]);
			goto out_cfg;
		}
		*eq = '\0';
		if (!strcmp(argv[i], "realm")) {
			snprintf(realm, sizeof(realm), "%s", eq + 1);
		} else if (!strcmp(argv[i], "lockout")) {
			guard.user_threshold = (unsigned int)strtoul(eq + 1, NULL, 10);
		} else if (sipwall_ldap_config_set(&cfg, argv[i], eq + 1, &why)) {
			fprintf(stderr, "ldaptest: %s: %s\n", argv[i], why);
			goto out_cfg;
		}
	}
	cfg.line = 1;
	if (sipwall_ldap_config_check(&cfg, "ldaptest", stderr))
		goto out_cfg;
	if (sipwall_loop_init(&ops))
		goto out_cfg;
	if (sipwall_auth_init(&authn.auth, realm, offer, 300, 65536, sipwall_now_ms()))
		goto out_loop;
	if (sipwall_guard_init(&authn.guard, &guard, NULL, NULL))
		goto out_auth;
	ldap = sipwall_ldap_create(&cfg);
	if (!ldap)
		goto out_guard;
	authn.ldap = ldap;
	sipwall_timer_init(&start_timer, on_start);
	sipwall_timer_init(&limit_timer, on_limit);
	while (fgets(line, sizeof(line), stdin)) {
		/* a wait ends on its own timer, everything else by its answer */
		limit_timer.fn = strncmp(line, "wait", 4) ? on_limit : on_wait_done;
		sipwall_timer_after(&start_timer, 0);
		if (sipwall_loop_run())
			break;
	}
	status = 0;
	sipwall_ldap_destroy(ldap);
	/* lookups that destroy ended are delivered here, while authn still exists */
	sipwall_loop_uninit();
	sipwall_guard_uninit(&authn.guard);
	sipwall_auth_uninit(&authn.auth);
	goto out_cfg;

out_guard:
	sipwall_guard_uninit(&authn.guard);
out_auth:
	sipwall_auth_uninit(&authn.auth);
out_loop:
	sipwall_loop_uninit();
out_cfg:
	sipwall_ldap_config_free(&cfg);
	return status;
}
