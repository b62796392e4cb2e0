// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth_config.h"
#include "tests.h"

static int set(struct sipwall_ldap_config *c, const char *k, const char *v)
{
	const char *why;

	return sipwall_ldap_config_set(c, k, v, &why);
}

static void ldap_keys(void **state)
{
	struct sipwall_ldap_config c, copy;
	const char *why;

	(void)state;
	sipwall_ldap_config_defaults(&c);
	assert_int_equal(set(&c, "uri", "ldap://127.0.0.1:3890"), 0);
	assert_int_equal(set(&c, "uri", "ldaps://[::1]:636/"), 0);
	assert_int_equal(c.uri_count, 2);
	assert_int_equal(set(&c, "uri", "http://x"), -1);
	assert_int_equal(set(&c, "uri", "ldap://"), -1);
	assert_int_equal(set(&c, "uri", "ldap://h/dc=x?uid"), -1);
	assert_int_equal(set(&c, "filter", "(uid=%u)"), 0);
	assert_int_equal(set(&c, "filter", "uid=%u"), -1);
	assert_int_equal(set(&c, "disabled_filter", "(description=disabled)"), 0);
	assert_int_equal(set(&c, "disabled_filter", "(a=b"), -1);
	assert_int_equal(set(&c, "credential", "ha1-sha256"), 0);
	assert_int_equal(c.form, SIPWALL_LDAP_HA1_SHA256);
	assert_int_equal(set(&c, "credential", "sha1"), -1);
	assert_int_equal(set(&c, "request_timeout", "0"), -1);
	assert_int_equal(set(&c, "request_timeout", "-5"), -1);
	assert_int_equal(set(&c, "cache_size", "0"), 0);
	assert_int_equal(sipwall_ldap_config_set(&c, "nonsense", "1", &why), -1);
	assert_string_equal(why, "unknown key");
	/* base is required once a uri is given */
	assert_int_equal(sipwall_ldap_config_check(&c, "t", NULL), 1);
	assert_int_equal(set(&c, "base", "dc=example,dc=com"), 0);
	assert_int_equal(sipwall_ldap_config_check(&c, "t", NULL), 0);
	assert_int_equal(sipwall_ldap_config_copy(&copy, &c), 0);
	assert_string_equal(copy.uris[1], "ldaps://[::1]:636/");
	assert_string_equal(copy.filter, "(uid=%u)");
	assert_true(sipwall_ldap_config_equal(&c, &copy));
	set(&copy, "cache_ttl", "61");
	assert_false(sipwall_ldap_config_equal(&c, &copy));
	set(&copy, "cache_ttl", "60");
	assert_true(sipwall_ldap_config_equal(&c, &copy));
	set(&copy, "bind_password", "new");
	assert_false(sipwall_ldap_config_equal(&c, &copy));
	sipwall_ldap_config_free(&copy);
	sipwall_ldap_config_free(&c);
}

static void password_file(void **state)
{
	struct sipwall_ldap_config c;
	char path[] = "/tmp/sipwall-test-pw.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "s3cret\nignored\n", 15), 15);
	close(fd);
	sipwall_ldap_config_defaults(&c);
	set(&c, "uri", "ldap://127.0.0.1");
	set(&c, "base", "dc=x");
	set(&c, "bind_dn", "cn=a,dc=x");
	set(&c, "bind_password_file", path);
	assert_int_equal(sipwall_ldap_config_check(&c, "t", NULL), 0);
	assert_string_equal(c.bind_password, "s3cret");
	sipwall_ldap_config_free(&c);
	/* a secret everyone can read is refused */
	chmod(path, 0644);
	sipwall_ldap_config_defaults(&c);
	set(&c, "uri", "ldap://127.0.0.1");
	set(&c, "base", "dc=x");
	set(&c, "bind_dn", "cn=a,dc=x");
	set(&c, "bind_password_file", path);
	assert_int_equal(sipwall_ldap_config_check(&c, "t", NULL), 1);
	/* and both forms at once are refused */
	set(&c, "bind_password", "x");
	assert_true(sipwall_ldap_config_check(&c, "t", NULL) >= 1);
	sipwall_ldap_config_free(&c);
	unlink(path);
}

static void realm_keys(void **state)
{
	struct sipwall_realm_auth_config r;
	struct sipwall_ldap_config l;
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	const char *why;

	(void)state;
	sipwall_realm_auth_defaults(&r);
	sipwall_ldap_config_defaults(&l);
	assert_int_equal(sipwall_realm_auth_set(&r, "", "digest", &why), 0);
	assert_int_equal(r.mode, SIPWALL_REALM_AUTH_DIGEST);
	assert_int_equal(sipwall_realm_auth_set(&r, "", "basic", &why), -1);
	assert_int_equal(sipwall_realm_auth_set(&r, "realm", "a\"b", &why), -1);
	assert_int_equal(sipwall_realm_auth_set(&r, "algorithms", "MD5", &why), 0);
	assert_true(r.md5 && !r.sha256);
	assert_int_equal(sipwall_realm_auth_set(&r, "algorithms", "sha-256, md5", &why), 0);
	assert_true(r.md5 && r.sha256);
	assert_int_equal(sipwall_realm_auth_set(&r, "algorithms", "SHA-1", &why), -1);
	/* digest needs a directory, and one whose credentials can answer */
	assert_int_equal(sipwall_realm_auth_check(&r, "public", &l, "t", NULL), 1);
	set(&l, "uri", "ldap://127.0.0.1");
	l.form = SIPWALL_LDAP_HA1_MD5;
	assert_int_equal(sipwall_realm_auth_check(&r, "public", &l, "t", NULL), 1);
	sipwall_realm_auth_set(&r, "algorithms", "MD5", &why);
	assert_int_equal(sipwall_realm_auth_check(&r, "public", &l, "t", NULL), 0);
	/* trusted prefixes */
	assert_int_equal(sipwall_realm_auth_set(&r, "", "trusted", &why), 0);
	assert_int_equal(sipwall_realm_auth_check(&r, "pbx", &l, "t", NULL), 1);
	assert_int_equal(sipwall_realm_auth_set(&r, "trusted", "10.1.0.0/15", &why), 0);
	assert_int_equal(sipwall_realm_auth_set(&r, "trusted", "2001:db8::/32", &why), 0);
	assert_int_equal(sipwall_realm_auth_set(&r, "trusted", "10.0.0.0/33", &why), -1);
	assert_int_equal(sipwall_realm_auth_set(&r, "trusted", "host.example", &why), -1);
	assert_int_equal(sipwall_realm_auth_check(&r, "pbx", &l, "t", NULL), 0);
	inet_pton(AF_INET, "10.1.255.1", &a.sin_addr);
	assert_true(sipwall_prefix_match(&r.trusted[0], (struct sockaddr *)&a));
	inet_pton(AF_INET, "10.2.0.1", &a.sin_addr);
	assert_false(sipwall_prefix_match(&r.trusted[0], (struct sockaddr *)&a));
	inet_pton(AF_INET6, "2001:db8:ffff::1", &a6.sin6_addr);
	assert_true(sipwall_prefix_match(&r.trusted[1], (struct sockaddr *)&a6));
	assert_false(sipwall_prefix_match(&r.trusted[0], (struct sockaddr *)&a6));
	/* trusted: by prefix; with require_cert, by prefix and certificate */
	assert_true(sipwall_realm_auth_trusts(&r, (struct sockaddr *)&a6, false));
	assert_false(sipwall_realm_auth_trusts(&r, (struct sockaddr *)&a, true));
	sipwall_realm_auth_set(&r, "trusted_require_cert", "yes", &why);
	assert_false(sipwall_realm_auth_trusts(&r, (struct sockaddr *)&a6, false));
	assert_true(sipwall_realm_auth_trusts(&r, (struct sockaddr *)&a6, true));
	r.trusted_count = 0;
	assert_true(sipwall_realm_auth_trusts(&r, (struct sockaddr *)&a, true));
	assert_false(sipwall_realm_auth_trusts(&r, (struct sockaddr *)&a, false));
	r.mode = SIPWALL_REALM_AUTH_DIGEST;
	assert_false(sipwall_realm_auth_trusts(&r, (struct sockaddr *)&a, true));
	assert_int_equal(sipwall_realm_auth_set(&r, "lockout_time", "0", &why), -1);
	assert_int_equal(sipwall_realm_auth_set(&r, "lockout_user_failures", "0", &why), 0);
	assert_int_equal(sipwall_realm_auth_set(&r, "bogus", "0", &why), -1);
	assert_string_equal(why, "unknown key");
	sipwall_realm_auth_free(&r);
	sipwall_ldap_config_free(&l);
}

void add_config_tests(void)
{
	add_test("config: [ldap] keys, checks and copies", ldap_keys);
	add_test("config: bind_password_file read, refused when others can read it", password_file);
	add_test("config: realm auth keys, trusted prefixes", realm_keys);
}
