// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "auth_guard.h"
#include "tests.h"

static struct sipwall_auth_event events[16];
static unsigned int event_count;

static void on_event(void *ctx, const struct sipwall_auth_event *ev)
{
	(void)ctx;
	if (event_count < 16)
		events[event_count] = *ev;
	event_count++;
}

static struct sockaddr_in addr(const char *text)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(5060) };

	inet_pton(AF_INET, text, &a.sin_addr);
	return a;
}

#define SA(a) ((struct sockaddr *)&(a))

static void user_lockout(void **state)
{
	struct sipwall_guard_config cfg = { .user_threshold = 3, .addr_threshold = 0,
					    .window_s = 60, .lockout_s = 300, .capacity = 16 };
	struct sipwall_guard g;
	struct sockaddr_in a = addr("192.0.2.1"), b = addr("192.0.2.2");

	(void)state;
	event_count = 0;
	assert_int_equal(sipwall_guard_init(&g, &cfg, on_event, NULL), 0);
	sipwall_guard_failure(&g, S("alice"), SA(a), SIPWALL_AUTH_BAD_RESPONSE, 1000);
	sipwall_guard_failure(&g, S("alice"), SA(b), SIPWALL_AUTH_BAD_RESPONSE, 2000);
	assert_int_equal(sipwall_guard_check(&g, S("alice"), SA(a), 2000), SIPWALL_AUTH_OK);
	sipwall_guard_failure(&g, S("alice"), SA(a), SIPWALL_AUTH_BAD_RESPONSE, 3000);
	/* three failures, one FAILURE event each, one USER_LOCKED */
	assert_int_equal(event_count, 4);
	assert_int_equal(events[3].kind, SIPWALL_AUTH_EVENT_USER_LOCKED);
	assert_int_equal(events[3].failures, 3);
	assert_true(sip_str_eq(events[3].user, S("alice")));
	assert_int_equal(sipwall_guard_check(&g, S("alice"), SA(b), 4000), SIPWALL_AUTH_LOCKED_OUT);
	/* the right password does not unlock early; others are not affected */
	sipwall_guard_success(&g, S("alice"), 5000);
	assert_int_equal(sipwall_guard_check(&g, S("alice"), SA(b), 5000), SIPWALL_AUTH_LOCKED_OUT);
	assert_int_equal(sipwall_guard_check(&g, S("bob"), SA(a), 5000), SIPWALL_AUTH_OK);
	/* the lockout ends */
	assert_int_equal(sipwall_guard_check(&g, S("alice"), SA(a), 3000 + 300000), SIPWALL_AUTH_OK);
	sipwall_guard_uninit(&g);
}

static void window_and_success(void **state)
{
	struct sipwall_guard_config cfg = { .user_threshold = 2, .addr_threshold = 0,
					    .window_s = 10, .lockout_s = 60, .capacity = 16 };
	struct sipwall_guard g;
	struct sockaddr_in a = addr("192.0.2.1");

	(void)state;
	assert_int_equal(sipwall_guard_init(&g, &cfg, NULL, NULL), 0);
	/* failures further apart than the window never add up */
	sipwall_guard_failure(&g, S("carol"), SA(a), SIPWALL_AUTH_BAD_RESPONSE, 1000);
	sipwall_guard_failure(&g, S("carol"), SA(a), SIPWALL_AUTH_BAD_RESPONSE, 12000);
	assert_int_equal(sipwall_guard_check(&g, S("carol"), SA(a), 12000), SIPWALL_AUTH_OK);
	/* a success clears the count */
	sipwall_guard_success(&g, S("carol"), 13000);
	sipwall_guard_failure(&g, S("carol"), SA(a), SIPWALL_AUTH_BAD_RESPONSE, 14000);
	assert_int_equal(sipwall_guard_check(&g, S("carol"), SA(a), 14000), SIPWALL_AUTH_OK);
	sipwall_guard_uninit(&g);
}

static void address_lockout(void **state)
{
	struct sipwall_guard_config cfg = { .user_threshold = 0, .addr_threshold = 3,
					    .window_s = 60, .lockout_s = 120, .capacity = 16 };
	struct sipwall_guard g;
	struct sockaddr_in a = addr("198.51.100.7"), a2 = addr("198.51.100.7");
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6 };
	char name[16];

	(void)state;
	event_count = 0;
	a2.sin_port = htons(40000);
	assert_int_equal(sipwall_guard_init(&g, &cfg, on_event, NULL), 0);
	/* a guesser trying many names from one address, several ports */
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		sipwall_guard_failure(&g, S(name), i % 2 ? SA(a2) : SA(a),
				      SIPWALL_AUTH_UNKNOWN_USER, 1000 + (uint64_t)i);
	}
	assert_int_equal(event_count, 4);
	assert_int_equal(events[3].kind, SIPWALL_AUTH_EVENT_ADDR_LOCKED);
	assert_int_equal(events[3].lockout_s, 120);
	assert_int_equal(((const struct sockaddr_in *)events[3].addr)->sin_addr.s_addr,
			 a.sin_addr.s_addr);
	assert_int_equal(sipwall_guard_check(&g, S("anyone"), SA(a), 2000), SIPWALL_AUTH_LOCKED_OUT);
	inet_pton(AF_INET6, "2001:db8::7", &v6.sin6_addr);
	assert_int_equal(sipwall_guard_check(&g, S("anyone"), SA(v6), 2000), SIPWALL_AUTH_OK);
	sipwall_guard_uninit(&g);
}

static void bounded(void **state)
{
	struct sipwall_guard_config cfg = { .user_threshold = 2, .addr_threshold = 0,
					    .window_s = 60, .lockout_s = 60, .capacity = 4 };
	struct sipwall_guard g;
	struct sockaddr_in a = addr("192.0.2.1");
	char name[16];

	(void)state;
	assert_int_equal(sipwall_guard_init(&g, &cfg, NULL, NULL), 0);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		sipwall_guard_failure(&g, S(name), SA(a), SIPWALL_AUTH_UNKNOWN_USER, 1000);
	}
	assert_int_equal(g.users.count, 4);
	assert_int_equal(g.addrs.count, 1);
	assert_true(sipwall_auth_result_is_failure(SIPWALL_AUTH_REPLAY));
	assert_false(sipwall_auth_result_is_failure(SIPWALL_AUTH_STALE));
	assert_false(sipwall_auth_result_is_failure(SIPWALL_AUTH_UNAVAILABLE));
	sipwall_guard_uninit(&g);
}

void add_guard_tests(void)
{
	add_test("guard: a user is locked out after N failures", user_lockout);
	add_test("guard: window and success reset the count", window_and_success);
	add_test("guard: an address is locked out; the hook hears it", address_lockout);
	add_test("guard: tables stay bounded under a flood of names", bounded);
}
