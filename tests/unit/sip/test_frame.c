// SPDX-License-Identifier: GPL-2.0
/*
 * Stream framing by Content-Length and RFC 5626 keepalives.
 */
#include <string.h>

#include "sip_frame.h"
#include "tests.h"

static const char two[] =
	"OPTIONS sip:b@h SIP/2.0\r\nl: 3\r\n\r\nabc"
	"OPTIONS sip:b@h SIP/2.0\r\nContent-Length: 0\r\n\r\n";

static void test_pipelined(void **state)
{
	size_t used = 0;
	const char *reason = NULL;

	(void)state;
	assert_int_equal(sip_frame_next(two, sizeof(two) - 1, &used, &reason), SIP_FRAME_MESSAGE);
	assert_int_equal(used, 36);
	assert_int_equal(sip_frame_next(two + used, sizeof(two) - 1 - used, &used, &reason),
			 SIP_FRAME_MESSAGE);
	assert_int_equal(used, sizeof(two) - 1 - 36);
}

static void test_partial(void **state)
{
	size_t used;
	const char *reason;

	(void)state;
	/* every prefix of a message is incomplete, never an error */
	for (size_t n = 0; n < 36; n++)
		assert_int_equal(sip_frame_next(two, n, &used, &reason), SIP_FRAME_NEED_MORE);
}

static void test_keepalive(void **state)
{
	size_t used;
	const char *reason;

	(void)state;
	assert_int_equal(sip_frame_next("\r\n\r\n", 4, &used, &reason), SIP_FRAME_PING);
	assert_int_equal(used, 4);
	assert_int_equal(sip_frame_next("\r\n", 2, &used, &reason), SIP_FRAME_NEED_MORE);
	assert_int_equal(sip_frame_next("\r\nO", 3, &used, &reason), SIP_FRAME_CRLF);
	assert_int_equal(used, 2);
}

static void test_errors(void **state)
{
	static char big[SIP_MSG_MAX_SIZE + 10];
	size_t used;
	const char *reason = NULL;

	(void)state;
	assert_int_equal(sip_frame_next("A sip:b SIP/2.0\r\n\r\n", 19, &used, &reason),
			 SIP_FRAME_ERROR);
	assert_string_equal(reason, "Missing Content-Length Header");
	assert_int_equal(sip_frame_next("A sip:b SIP/2.0\r\nl: x\r\n\r\n", 25, &used, &reason),
			 SIP_FRAME_ERROR);
	assert_int_equal(sip_frame_next("A sip:b SIP/2.0\r\nl: 99999\r\n\r\n", 29, &used,
					&reason), SIP_FRAME_ERROR);
	memset(big, 'a', sizeof(big));
	assert_int_equal(sip_frame_next(big, sizeof(big), &used, &reason), SIP_FRAME_ERROR);
	assert_string_equal(reason, "Message Too Large");
}

void add_frame_tests(void)
{
	add_test("pipelined messages on a stream", test_pipelined, NULL);
	add_test("partial messages wait for more", test_partial, NULL);
	add_test("RFC 5626 CRLF keepalive", test_keepalive, NULL);
	add_test("framing errors", test_errors, NULL);
}
