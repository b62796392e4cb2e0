// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

static struct CMUnitTest tests[512];
static size_t test_count;

void add_test(const char *name, CMUnitTestFunction fn, void *state)
{
	if (test_count == sizeof(tests) / sizeof(tests[0])) {
		fprintf(stderr, "too many tests\n");
		exit(1);
	}
	tests[test_count++] = (struct CMUnitTest){ .name = name, .test_func = fn,
						   .initial_state = state };
}

void add_full_test(const struct CMUnitTest *test)
{
	add_test(test->name, test->test_func, NULL);
	tests[test_count - 1] = *test;
}

int parse_text(struct sip_msg *msg, const char *text)
{
	/* the parser writes into its buffer; tests hand it literals */
	static char buf[SIP_MSG_MAX_SIZE + 2];
	size_t len = strlen(text);

	assert_true(len < sizeof(buf));
	memcpy(buf, text, len);
	return sip_msg_parse(msg, buf, len, SIP_FRAMING_DATAGRAM);
}

int main(int argc, char **argv)
{
	const char *torture_dir = argc > 1 ? argv[1] : "torture";

	add_parse_tests();
	add_torture_tests(torture_dir);
	add_write_tests();
	add_frame_tests();
	add_timer_tests();
	add_txn_tests();
	return _cmocka_run_group_tests("sip", tests, test_count, NULL, NULL);
}
