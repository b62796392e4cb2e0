// SPDX-License-Identifier: GPL-2.0
/* One group, so that the TAP stream has one plan. */
#include "tests.h"

int main(void)
{
	const struct CMUnitTest tests[] = {
		TESTS_PARSE, TESTS_FLOW, TESTS_FORMAT, TESTS_GENL, TESTS_CLI,
	};

	return cmocka_run_group_tests_name("sipwallctl", tests, NULL, NULL) ? 1 : 0;
}
