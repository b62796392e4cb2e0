/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SIPWALL_TEST_SIP_TESTS_H
#define SIPWALL_TEST_SIP_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sip_msg.h"

/* Each test file appends its tests to the one group main() runs. */
void add_test(const char *name, CMUnitTestFunction fn, void *state);
void add_parse_tests(void);
void add_torture_tests(const char *dir);
void add_write_tests(void);
void add_frame_tests(void);
void add_txn_tests(void);
void add_timer_tests(void);
void add_full_test(const struct CMUnitTest *test);

/* Parses a C string (copied, so it may be a literal) as a datagram. */
int parse_text(struct sip_msg *msg, const char *text);

#define assert_str(slice, literal) \
	assert_true(sip_str_eq((slice), sip_str_from_cstr(literal)))

#endif
