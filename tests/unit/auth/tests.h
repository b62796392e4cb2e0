/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SIPWALL_TEST_AUTH_TESTS_H
#define SIPWALL_TEST_AUTH_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Each test file appends its tests to the one group main() runs. */
void add_test(const char *name, CMUnitTestFunction fn);
void add_digest_tests(void);
void add_param_tests(void);
void add_auth_tests(void);
void add_filter_tests(void);
void add_guard_tests(void);
void add_cache_tests(void);
void add_config_tests(void);

#define S(literal) sip_str_from_cstr(literal)

#endif
