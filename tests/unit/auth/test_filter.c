// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ldap_filter.h"
#include "tests.h"

#define TMPL "(&(objectClass=SIPIdentity)(SIPIdentityUserName=%u))"

static void expand(const char *user, const char *expect)
{
	char out[SIPWALL_LDAP_FILTER_MAX];

	assert_int_equal(sipwall_ldap_filter_expand(TMPL, S(user), S("r"), out, sizeof(out)), 0);
	assert_string_equal(out, expect);
}

static void metacharacters(void **state)
{
	(void)state;
	expand("alice", "(&(objectClass=SIPIdentity)(SIPIdentityUserName=alice))");
	/* the classic injection stays one literal value */
	expand("*)(uid=*", "(&(objectClass=SIPIdentity)(SIPIdentityUserName=\\2a\\29\\28uid=\\2a))");
	expand("a\\b", "(&(objectClass=SIPIdentity)(SIPIdentityUserName=a\\5cb))");
	expand("*", "(&(objectClass=SIPIdentity)(SIPIdentityUserName=\\2a))");
	expand("j\xc3\xa9r\xc3\xb4me", "(&(objectClass=SIPIdentity)(SIPIdentityUserName=j\xc3\xa9r\xc3\xb4me))");
}

static void nul_and_controls(void **state)
{
	char out[64];
	static const char name[] = { 'a', 0, 'b', '\n', 0x7f };

	(void)state;
	assert_int_equal(sipwall_ldap_escape(sip_str_make(name, sizeof(name)), out, sizeof(out)), 11);
	assert_string_equal(out, "a\\00b\\0a\\7f");
}

static void realm_and_percent(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(sipwall_ldap_filter_expand("(&(uid=%u)(realm=%r)(x=100%%))", S("bob"),
						    S("ex*"), out, sizeof(out)), 0);
	assert_string_equal(out, "(&(uid=bob)(realm=ex\\2a)(x=100%))");
	assert_int_equal(sipwall_ldap_filter_expand("(uid=%x)", S("bob"), S("r"), out, sizeof(out)), -1);
}

static void too_long(void **state)
{
	static char name[10 * 1024 + 1];
	char out[SIPWALL_LDAP_FILTER_MAX];

	(void)state;
	memset(name, '*', sizeof(name) - 1);
	assert_int_equal(sipwall_ldap_filter_expand(TMPL, S(name), S("r"), out, sizeof(out)), -1);
	/* exactly at the edge: the escape of one character must fit whole */
	assert_int_equal(sipwall_ldap_escape(S("**"), out, 6), -1);
	assert_int_equal(sipwall_ldap_escape(S("*"), out, 4), 3);
	assert_int_equal(sipwall_ldap_escape(S("*"), out, 3), -1);
}

static void templates(void **state)
{
	(void)state;
	assert_true(sipwall_ldap_filter_valid(TMPL));
	assert_true(sipwall_ldap_filter_valid("(uid=%u)"));
	assert_false(sipwall_ldap_filter_valid("uid=%u"));
	assert_false(sipwall_ldap_filter_valid("(uid=bob)"));
	assert_false(sipwall_ldap_filter_valid("(uid=%u"));
	assert_false(sipwall_ldap_filter_valid("(uid=%u))("));
	assert_false(sipwall_ldap_filter_valid("(uid=%s)"));
}

static void names(void **state)
{
	(void)state;
	assert_true(sipwall_ldap_name_valid(S("alice")));
	assert_true(sipwall_ldap_name_valid(S("*)(uid=*")));
	assert_true(sipwall_ldap_name_valid(S("j\xc3\xa9r\xc3\xb4me")));
	assert_false(sipwall_ldap_name_valid(sip_str_make("a\0b", 3)));
	assert_false(sipwall_ldap_name_valid(S("a\tb")));
	assert_false(sipwall_ldap_name_valid(S("\xc3")));
	assert_false(sipwall_ldap_name_valid(S("\xc0\xaf")));		/* overlong '/' */
	assert_false(sipwall_ldap_name_valid(S("\xed\xa0\x80")));	/* surrogate */
	assert_false(sipwall_ldap_name_valid(S("\xff")));
}

void add_filter_tests(void)
{
	add_test("ldap filter: metacharacters escaped (RFC 4515)", metacharacters);
	add_test("ldap filter: NUL and control characters escaped", nul_and_controls);
	add_test("ldap filter: %r and %%", realm_and_percent);
	add_test("ldap filter: a 10 kB name does not fit, nothing overflows", too_long);
	add_test("ldap filter: template validation", templates);
	add_test("ldap filter: user names must be UTF-8 without controls", names);
}
