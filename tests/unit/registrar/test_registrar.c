// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the registrar (registrar.c, location.c, regstate.c): the
 * expiry rules, REGISTER handling through RFC 3261 10.3 (add, refresh,
 * out-of-order CSeq, unregister one and *, 423, the contact limit, the
 * domain, queries), expiry by the loop's timer, and the state file (round
 * trip, escaping, corrupt files). stubs.c stands in for the transaction
 * layer and the realms: responses are captured, not sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "loop.h"
#include "regstate.h"
#include "stubs.h"

static void set_peer(enum sipwall_proto proto, const char *ip, uint16_t port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&txn.peer.addr;

	memset(&txn.peer, 0, sizeof(txn.peer));
	txn.peer.proto = proto;
	txn.peer.realm = &realm;
	txn.peer.udp_fd = -1;
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	inet_pton(AF_INET, ip, &in->sin_addr);
	txn.peer.addr_len = sizeof(*in);
	if (proto != SIPWALL_PROTO_UDP) {
		txn.peer.conn_id = 7;
		txn.peer.reconnect = txn.peer.addr;
		((struct sockaddr_in *)&txn.peer.reconnect)->sin_port = htons(5060);
		txn.peer.reconnect_len = txn.peer.addr_len;
	}
}

/* The user the auth gate authenticated ("": the realm does not authenticate). */
static const char *auth_user = "";

/* Sends one REGISTER for alice; returns the status. */
static unsigned int reg(const char *call_id, unsigned int cseq, const char *headers)
{
	static struct sip_msg msg;
	static char buf[8192];
	int len = snprintf(buf, sizeof(buf),
			   "REGISTER sip:example.com SIP/2.0\r\n"
			   "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK%u\r\n"
			   "From: <sip:alice@example.com>;tag=1\r\n"
			   "To: <sip:alice@example.com>\r\n"
			   "Call-ID: %s\r\nCSeq: %u REGISTER\r\n%s"
			   "Content-Length: 0\r\n\r\n", cseq, call_id, cseq, headers);

	assert_true(len > 0 && (size_t)len < sizeof(buf));
	assert_int_equal(sip_msg_parse(&msg, buf, (size_t)len, SIP_FRAMING_DATAGRAM), 0);
	last_status = 0;
	last_extra[0] = '\0';
	sipwall_registrar_request(&txn, &msg, sip_str_from_cstr(auth_user));
	return last_status;
}

static unsigned int count_contacts(void)
{
	unsigned int n = 0;

	for (const char *p = last_extra; (p = strstr(p, "Contact: ")); p++)
		n++;
	return n;
}

static unsigned int bindings(void)
{
	const struct sipwall_binding *b[16];

	return sipwall_location_lookup(&realm, SIP_STR("alice"), b, 16);
}

static void noop(void *ctx)
{
	(void)ctx;
}

static int setup(void **state)
{
	static const struct sipwall_loop_ops ops = { .reload = noop, .shutdown = noop };

	(void)state;
	sipwall_realm_registrar_defaults(&realm_cfg.registrar);
	realm_cfg.registrar.enabled = true;
	realm_cfg.registrar.min_expires = 60;
	realm_cfg.registrar.max_contacts = 3;
	set_peer(SIPWALL_PROTO_UDP, "192.0.2.1", 5062);
	assert_int_equal(sipwall_loop_init(&ops), 0);
	assert_int_equal(sipwall_location_init(), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sipwall_location_uninit();
	sipwall_realm_registrar_free(&realm_cfg.registrar);
	sipwall_loop_uninit();
	return 0;
}

/* --- tests ---------------------------------------------------------------- */

static void test_expiry_rules(void **state)
{
	struct sipwall_realm_registrar_config c;

	(void)state;
	sipwall_realm_registrar_defaults(&c);
	c.min_expires = 60;
	c.max_expires = 7200;
	c.default_expires = 3600;
	assert_int_equal(sipwall_registrar_expires(&c, -1, -1), 3600);	/* neither: default */
	assert_int_equal(sipwall_registrar_expires(&c, -1, 120), 120);	/* Expires header */
	assert_int_equal(sipwall_registrar_expires(&c, 300, 120), 300);	/* the param wins */
	assert_int_equal(sipwall_registrar_expires(&c, 0, 120), 0);	/* un-register */
	assert_int_equal(sipwall_registrar_expires(&c, -1, 0), 0);
	assert_int_equal(sipwall_registrar_expires(&c, 59, -1), -1);	/* 423 */
	assert_int_equal(sipwall_registrar_expires(&c, -1, 1), -1);
	assert_int_equal(sipwall_registrar_expires(&c, 60, -1), 60);
	assert_int_equal(sipwall_registrar_expires(&c, 100000, -1), 7200);	/* cut to max */
	assert_int_equal(sipwall_registrar_expires(&c, 4294967295LL, -1), 7200);
}

static void test_register_and_query(void **state)
{
	(void)state;
	assert_int_equal(reg("a", 1, "Contact: <sip:alice@192.0.2.1:5062>;q=0.5, "
				   "<sip:alice@192.0.2.2>;expires=120\r\n"), 200);
	assert_int_equal(count_contacts(), 2);
	assert_non_null(strstr(last_extra, "Contact: <sip:alice@192.0.2.1:5062>;q=0.5;expires=3600\r\n"));
	assert_non_null(strstr(last_extra, "Contact: <sip:alice@192.0.2.2>;expires=120\r\n"));
	assert_int_equal(bindings(), 2);
	/* a query: no Contact, the bindings in the 200 */
	assert_int_equal(reg("b", 1, ""), 200);
	assert_int_equal(count_contacts(), 2);
	assert_int_equal(sipwall_registrar_stats.aors, 1);
	assert_int_equal(sipwall_registrar_stats.registrations_active, 2);
}

static void test_refresh_and_order(void **state)
{
	const struct sipwall_binding *b[4];

	(void)state;
	assert_int_equal(reg("a", 5, "Contact: <sip:alice@192.0.2.1>\r\nExpires: 100\r\n"), 200);
	/* same Call-ID, higher CSeq: a refresh, from a new source */
	set_peer(SIPWALL_PROTO_UDP, "192.0.2.9", 6000);
	assert_int_equal(reg("a", 6, "Contact: <sip:alice@192.0.2.1>\r\nExpires: 200\r\n"), 200);
	assert_non_null(strstr(last_extra, ";expires=200\r\n"));
	assert_int_equal(sipwall_location_lookup(&realm, SIP_STR("alice"), b, 4), 1);
	assert_int_equal(ntohs(((const struct sockaddr_in *)&b[0]->peer.addr)->sin_port), 6000);
	/* same Call-ID, equal or lower CSeq: 500, nothing changes */
	assert_int_equal(reg("a", 6, "Contact: <sip:alice@192.0.2.1>\r\nExpires: 0\r\n"), 500);
	assert_int_equal(reg("a", 2, "Contact: <sip:alice@192.0.2.1>\r\nExpires: 0\r\n"), 500);
	assert_int_equal(bindings(), 1);
	/* another Call-ID (the phone restarted): any CSeq goes */
	assert_int_equal(reg("other", 1, "Contact: <sip:alice@192.0.2.1>\r\nExpires: 300\r\n"), 200);
	assert_non_null(strstr(last_extra, ";expires=300\r\n"));
}

static void test_unregister(void **state)
{
	(void)state;
	assert_int_equal(reg("a", 1, "Contact: <sip:alice@192.0.2.1>, <sip:alice@192.0.2.2>, "
				   "<sip:alice@192.0.2.3>\r\n"), 200);
	assert_int_equal(bindings(), 3);
	assert_int_equal(reg("a", 2, "Contact: <sip:alice@192.0.2.2>;expires=0\r\n"), 200);
	assert_int_equal(count_contacts(), 2);
	assert_null(strstr(last_extra, "192.0.2.2"));
	/* removing one that is not there is fine */
	assert_int_equal(reg("a", 3, "Contact: <sip:alice@192.0.2.7>\r\nExpires: 0\r\n"), 200);
	/* *: only alone and with Expires: 0 */
	assert_int_equal(reg("a", 4, "Contact: *\r\n"), 400);
	assert_int_equal(reg("a", 4, "Contact: *\r\nExpires: 60\r\n"), 400);
	assert_int_equal(reg("a", 4, "Contact: *\r\nExpires: 1\r\n"), 400);	/* not 423 */
	assert_int_equal(reg("a", 4, "Contact: *, <sip:alice@192.0.2.1>\r\nExpires: 0\r\n"), 400);
	assert_int_equal(bindings(), 2);
	/* * with a CSeq not above a binding's (same Call-ID): 500, nothing removed */
	assert_int_equal(reg("a", 1, "Contact: *\r\nExpires: 0\r\n"), 500);
	assert_int_equal(bindings(), 2);
	assert_int_equal(reg("a", 9, "Contact: *\r\nExpires: 0\r\n"), 200);
	assert_int_equal(count_contacts(), 0);
	assert_int_equal(bindings(), 0);
	assert_int_equal(sipwall_registrar_stats.aors, 0);
}

static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(reg("a", 1, "Contact: <sip:alice@192.0.2.1>;expires=30\r\n"), 423);
	assert_string_equal(last_extra, "Min-Expires: 60\r\n");
	assert_int_equal(reg("a", 1, "Contact: <sip:alice@192.0.2.1>\r\nExpires: 10\r\n"), 423);
	/* one bad Contact refuses all (10.3 step 7: all or nothing) */
	assert_int_equal(reg("a", 1, "Contact: <sip:alice@192.0.2.1>, <sip:alice@192.0.2.2>;expires=5\r\n"), 423);
	assert_int_equal(bindings(), 0);
	assert_int_equal(reg("a", 2, "Contact: <sip:alice@192.0.2.1>, <sip:alice@192.0.2.2>, "
				   "<sip:alice@192.0.2.3>, <sip:alice@192.0.2.4>\r\n"), 403);
	assert_int_equal(bindings(), 0);
	assert_int_equal(reg("a", 3, "Contact: <sip:alice@192.0.2.1>, <sip:alice@192.0.2.2>, "
				   "<sip:alice@192.0.2.3>\r\n"), 200);
	assert_int_equal(reg("a", 4, "Contact: <sip:alice@192.0.2.4>\r\n"), 403);
	/* replacing one within the same request stays within the limit */
	assert_int_equal(reg("a", 5, "Contact: <sip:alice@192.0.2.4>, <sip:alice@192.0.2.1>;expires=0\r\n"), 200);
	assert_int_equal(bindings(), 3);
	assert_int_equal(reg("a", 6, "Contact: <sip:alice@192.0.2.5>, <sip:alice@192.0.2.5>\r\n"), 400);
	/* all realms' bindings together: 503 beyond max_registrations */
	sipwall_registrar_set_limit(4);
	assert_int_equal(reg("a", 7, "Contact: <sip:alice@192.0.2.6>\r\n"), 403);
	assert_int_equal(reg("a", 7, "Contact: <sip:alice@192.0.2.1>;expires=0\r\n"), 200);
	sipwall_registrar_set_limit(2);
	assert_int_equal(reg("a", 8, "Contact: <sip:alice@192.0.2.6>\r\n"), 503);
	assert_string_equal(last_extra, "Retry-After: 60\r\n");
	/* refreshes and removals go on */
	assert_int_equal(reg("a", 8, "Contact: <sip:alice@192.0.2.4>\r\n"), 200);
	sipwall_registrar_set_limit(100000);
	/* the domain */
	realm_cfg.registrar.domain = strdup("example.org");
	assert_int_equal(reg("a", 7, ""), 404);
	free(realm_cfg.registrar.domain);
	realm_cfg.registrar.domain = strdup("EXAMPLE.com");
	assert_int_equal(reg("a", 8, ""), 200);
	/* 10.3 step 4: an authenticated user registers only its own AOR */
	auth_user = "bob";
	assert_int_equal(reg("a", 9, ""), 403);
	auth_user = "alice";
	assert_int_equal(reg("a", 9, ""), 200);
	auth_user = "";
	/* a realm without registrar = yes */
	realm_cfg.registrar.enabled = false;
	assert_int_equal(reg("a", 10, "Contact: <sip:alice@192.0.2.1>\r\n"), 403);
	assert_true(sipwall_registrar_stats.register_failed >= 8);
}

static void on_stop(struct sipwall_timer *t)
{
	(void)t;
	sipwall_loop_stop();
}

static void test_expiry_by_timer(void **state)
{
	struct sipwall_timer stop;

	(void)state;
	realm_cfg.registrar.min_expires = 1;
	assert_int_equal(reg("a", 1, "Contact: <sip:alice@192.0.2.1>;expires=1, "
				   "<sip:alice@192.0.2.2>;expires=60\r\n"), 200);
	sipwall_timer_init(&stop, on_stop);
	sipwall_timer_after(&stop, 1300);
	assert_int_equal(sipwall_loop_run(), 0);
	assert_int_equal(bindings(), 1);
	assert_int_equal(sipwall_registrar_stats.registrations_expired, 1);
	reg("b", 1, "");
	assert_non_null(strstr(last_extra, "192.0.2.2"));
	assert_null(strstr(last_extra, "192.0.2.1"));
}

static char state_path[64];

static void write_text(const char *text)
{
	FILE *f = fopen(state_path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void reload_store(void)
{
	sipwall_location_uninit();
	memset(&sipwall_registrar_stats, 0, sizeof(sipwall_registrar_stats));
	assert_int_equal(sipwall_location_init(), 0);
	sipwall_regstate_read_file(state_path);
}

static void test_state_round_trip(void **state)
{
	const struct sipwall_binding *b[4];
	char saved[8192];
	FILE *f;
	size_t n;

	(void)state;
	snprintf(state_path, sizeof(state_path), "/tmp/sipwall-regstate-%d", (int)getpid());
	assert_int_equal(reg("c%1@x", 41, "Contact: <sip:alice@192.0.2.1;transport=tcp>;+sip.instance=\"<urn:uuid:1 2>\";q=1\r\n"), 200);
	set_peer(SIPWALL_PROTO_TLS, "192.0.2.5", 40000);
	assert_int_equal(reg("-", 7, "Contact: <sip:alice@192.0.2.5:5061;transport=tls>\r\nExpires: 600\r\n"), 200);
	assert_int_equal(sipwall_regstate_write_file(state_path), 0);
	f = fopen(state_path, "r");
	assert_non_null(f);
	n = fread(saved, 1, sizeof(saved) - 1, f);
	saved[n] = '\0';
	fclose(f);
	assert_non_null(strstr(saved, "# sipwall registrations 1\n"));
	assert_non_null(strstr(saved, " c%251@x 41 "));
	assert_non_null(strstr(saved, " %2D 7 "));
	/* renamed: no temporary file stays behind */
	snprintf(saved, sizeof(saved), "%s.tmp", state_path);
	assert_int_equal(access(saved, F_OK), -1);

	reload_store();
	assert_int_equal(sipwall_location_lookup(&realm, SIP_STR("alice"), b, 4), 2);
	reg("q", 1, "");
	assert_non_null(strstr(last_extra, "Contact: <sip:alice@192.0.2.1;transport=tcp>;+sip.instance=\"<urn:uuid:1 2>\";q=1;expires=3600\r\n"));
	assert_non_null(strstr(last_extra, "Contact: <sip:alice@192.0.2.5:5061;transport=tls>;expires=600\r\n"));
	/* the TLS connection is gone: reached at the received address and Via port */
	for (unsigned int i = 0; i < 2; i++)
		if (b[i]->peer.proto == SIPWALL_PROTO_TLS) {
			assert_int_equal(b[i]->peer.conn_id, 0);
			assert_int_equal(ntohs(((const struct sockaddr_in *)&b[i]->peer.addr)->sin_port), 5060);
		}
	/* the Call-ID and CSeq survived: an old CSeq is still refused */
	assert_int_equal(reg("-", 7, "Contact: <sip:alice@192.0.2.5:5061;transport=tls>\r\n"), 500);
	assert_int_equal(reg("-", 8, "Contact: <sip:alice@192.0.2.5:5061;transport=tls>\r\n"), 200);
	unlink(state_path);
}

static void test_state_corrupt(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage\n",
		"\x7f" "ELF\x01\x02\x03\n\n\n",
		"# sipwall registrations 1\npublic alice\n",
		"# sipwall registrations 1\npublic alice sip:a@b - c 1 4000000000 udp 1.2.3.4:5 - extra\n",
		"# sipwall registrations 1\npublic alice sip:a@b - c x 4000000000 udp 1.2.3.4:5 -\n",
		"# sipwall registrations 1\npublic alice sip:a@b - c 1 4000000000 sctp 1.2.3.4:5 -\n",
		"# sipwall registrations 1\npublic alice sip:a@b - c 1 4000000000 udp 1.2.3.4:0 -\n",
		"# sipwall registrations 1\npublic alice sip:a@b - c 1 4000000000 udp [::1:5 -\n",
		"# sipwall registrations 1\npublic alice sip:a%00@b - c 1 4000000000 udp 1.2.3.4:5 -\n",
		"# sipwall registrations 1\npublic alice sip:a%4@b - c 1 4000000000 udp 1.2.3.4:5 -\n",
		"# sipwall registrations 1\npublic alice sip:a@b - c 1 4000000000 udp 1.2.3.4:5 -",
	};
	const struct sipwall_binding *b[4];
	char long_line[20000];

	(void)state;
	snprintf(state_path, sizeof(state_path), "/tmp/sipwall-regstate-%d", (int)getpid());
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(bad[i]);
		reload_store();
		assert_int_equal(sipwall_registrar_stats.registrations_active, 0);
	}
	/* good lines around bad ones still load; expired ones and unknown realms do not */
	memset(long_line, 'x', sizeof(long_line) - 2);
	long_line[sizeof(long_line) - 2] = '\n';
	long_line[sizeof(long_line) - 1] = '\0';
	write_text("# sipwall registrations 1\n"
		   "public alice sip:alice@192.0.2.1 ;q=1 c 1 4000000000 udp 192.0.2.1:5062 -\n"
		   "public alice sip:alice@192.0.2.2 - c 1 1000 udp 192.0.2.1:5062 -\n"
		   "other alice sip:alice@192.0.2.3 - c 1 4000000000 udp 192.0.2.1:5062 -\n"
		   "public alice sip:alice@192.0.2.1 - c 1 4000000000 udp 192.0.2.1:5062 -\n"
		   "public bob sip:bob@[2001:db8::1] - c 1 4000000000 tcp [2001:db8::1]:40000 [2001:db8::1]:5060\n");
	{
		FILE *f = fopen(state_path, "a");

		assert_non_null(f);
		fputs(long_line, f);
		fputs("public carol sip:carol@192.0.2.4 - c 1 4000000000 udp 192.0.2.4:5062 -\n", f);
		fclose(f);
	}
	reload_store();
	assert_int_equal(sipwall_location_lookup(&realm, SIP_STR("alice"), b, 4), 1);
	assert_int_equal(sipwall_location_lookup(&realm, SIP_STR("bob"), b, 4), 1);
	assert_int_equal(b[0]->peer.addr.ss_family, AF_INET6);
	assert_int_equal(sipwall_location_lookup(&realm, SIP_STR("carol"), b, 4), 1);
	/* a missing file is no error */
	unlink(state_path);
	reload_store();
	assert_int_equal(sipwall_registrar_stats.registrations_active, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expiry_rules),
		cmocka_unit_test_setup_teardown(test_register_and_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unregister, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_by_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_corrupt, setup, teardown),
	};

	return cmocka_run_group_tests_name("registrar", tests, NULL, NULL);
}
