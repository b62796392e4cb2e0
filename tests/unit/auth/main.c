// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "tests.h"

static struct CMUnitTest tests[256];
static size_t test_count;

void add_test(const char *name, CMUnitTestFunction fn)
{
	if (test_count == sizeof(tests) / sizeof(tests[0])) {
		fprintf(stderr, "too many tests\n");
		exit(1);
	}
	tests[test_count++] = (struct CMUnitTest){ .name = name, .test_func = fn };
}

int main(void)
{
	add_digest_tests();
	add_param_tests();
	add_auth_tests();
	add_filter_tests();
	add_guard_tests();
	add_cache_tests();
	add_config_tests();
	return _cmocka_run_group_tests("auth", tests, test_count, NULL, NULL);
}
