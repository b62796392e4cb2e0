// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/sipwall.h>

#include "canned.h"
#include "config.h"
#include "flowmsg.h"
#include "format.h"
#include "genl.h"
#include "monitor.h"
#include "stats.h"
#include "tests.h"

static char buf[GENL_BUF_SIZE];

#define FLOW_PLAIN \
	"id 3 session 7 in 10.0.0.1:30000 from 192.0.2.10:4000 latched - " \
	"out 10.0.1.1:31000 to 10.0.1.2:5004 dscp 46 timeout 60 idle_ms 1234 " \
	"packets 100 bytes 17200 drop_source 2 drop_route 0 drop_error 1 " \
	"passed 5 srtp_auth 0 srtp_replay 0 srtp_in AES_CM_128_HMAC_SHA1_80 " \
	"srtp_out -\n"

#define FLOW_JSON \
	"{\"id\":3,\"session\":7,\"in\":\"10.0.0.1:30000\",\"from\":\"192.0.2.10:4000\"," \
	"\"latched\":null,\"out\":\"10.0.1.1:31000\",\"to\":\"10.0.1.2:5004\"," \
	"\"dscp\":46,\"timeout\":60,\"idle_ms\":1234,\"packets\":100,\"bytes\":17200," \
	"\"drop_source\":2,\"drop_route\":0,\"drop_error\":1,\"passed\":5," \
	"\"srtp_auth\":0,\"srtp_replay\":0,\"srtp_in\":\"AES_CM_128_HMAC_SHA1_80\"," \
	"\"srtp_out\":null}"

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Runs cb on the messages in buf as if they came from the kernel. */
static char *print(int mode, mnl_cb_t cb, struct nlmsghdr *last, int want)
{
	struct out *o = out_mem_begin(mode);
	size_t len = (char *)canned_next(last) - buf;

	assert_int_equal(mnl_cb_run(buf, len, 0, 0, cb, o), want);
	return out_mem_end();
}

void test_json_escape(void **state)
{
	char *text;
	size_t len;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	out_json_string(f, "a\"b\\c\nd\te\x01\x1f\x7f/\xc3\xa9");
	fclose(f);
	assert_string_equal(text, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f\\u007f/\xc3\xa9\"");
	assert_true(json_valid(text));
	free(text);
}

void test_json_validator(void **state)
{
	static const char *const good[] = {
		"{}", "[]", " [1, -2.5e3, true, false, null, \"x\\u00e9\"] ", "{\"a\":{\"b\":[]}}",
		"0", "\"\"",
	};
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\":1,}", "{a:1}", "[1 2]", "\"\x01\"", "01", "[\"\\x\"]",
		"{} {}", "nul", "[\"abc]", "{\"a\"}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(json_valid(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(json_valid(bad[i]));
}

void test_flow_plain(void **state)
{
	char *text;

	(void)state;
	text = print(OUT_PLAIN, flowmsg_print_cb,
		     canned_flow(buf, SIPWALL_CMD_FLOW_GET, false), MNL_CB_OK);
	assert_string_equal(text, FLOW_PLAIN);
	free(text);
}

void test_flow_json(void **state)
{
	char *text;

	(void)state;
	text = print(OUT_JSON, flowmsg_print_cb,
		     canned_flow(buf, SIPWALL_CMD_FLOW_GET, false), MNL_CB_OK);
	assert_string_equal(text, FLOW_JSON "\n");
	assert_true(json_valid(text));
	free(text);
}

void test_flow_pretty(void **state)
{
	char *text;

	(void)state;
	text = print(OUT_PRETTY, flowmsg_print_cb,
		     canned_flow(buf, SIPWALL_CMD_FLOW_GET, true), MNL_CB_OK);
	assert_string_equal(text,
		"flow\n"
		"  id             3\n"
		"  session        7\n"
		"  in             10.0.0.1:30000\n"
		"  from           learn\n"
		"  latched        192.0.2.99:4002\n"
		"  out            10.0.1.1:31000\n"
		"  to             10.0.1.2:5004\n"
		"  timeout        60\n"
		"  idle_ms        1234\n"
		"  packets        100\n"
		"  bytes          17200\n"
		"  drop_source    2\n"
		"  drop_route     0\n"
		"  drop_error     1\n"
		"  passed         5\n"
		"  srtp_auth      0\n"
		"  srtp_replay    0\n"
		"  srtp_out       suite-99\n");
	free(text);
}

void test_flow_learned(void **state)
{
	char *text;

	(void)state;
	text = print(OUT_PLAIN, flowmsg_print_cb,
		     canned_flow(buf, SIPWALL_CMD_FLOW_GET, true), MNL_CB_OK);
	assert_string_equal(text,
		"id 3 session 7 in 10.0.0.1:30000 from learn latched 192.0.2.99:4002 "
		"out 10.0.1.1:31000 to 10.0.1.2:5004 dscp - timeout 60 idle_ms 1234 "
		"packets 100 bytes 17200 drop_source 2 drop_route 0 drop_error 1 "
		"passed 5 srtp_auth 0 srtp_replay 0 srtp_in - srtp_out suite-99\n");
	free(text);
	text = print(OUT_JSON, flowmsg_print_cb,
		     canned_flow(buf, SIPWALL_CMD_FLOW_GET, true), MNL_CB_OK);
	assert_non_null(strstr(text, "\"from\":\"learn\",\"latched\":\"192.0.2.99:4002\""));
	assert_non_null(strstr(text, "\"dscp\":null"));
	assert_true(json_valid(text));
	free(text);
}

/* A flow without its key, or an attribute of the wrong size, is refused. */
void test_flow_malformed(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char *text;

	(void)state;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = FAMILY;
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	nest = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);
	mnl_attr_put_u32(nlh, SIPWALL_FLOW_A_ID, 3);
	mnl_attr_nest_end(nlh, nest);
	text = print(OUT_PLAIN, flowmsg_print_cb, nlh, MNL_CB_ERROR);
	assert_string_equal(text, "");
	free(text);

	nlh = canned_flow(buf, SIPWALL_CMD_FLOW_GET, false);
	nest = mnl_attr_nest_start(nlh, SIPWALL_A_FLOW);
	mnl_attr_put_u16(nlh, SIPWALL_FLOW_A_ID, 3);
	mnl_attr_nest_end(nlh, nest);
	text = print(OUT_PLAIN, flowmsg_print_cb, nlh, MNL_CB_ERROR);
	free(text);
}

void test_list_json(void **state)
{
	struct nlmsghdr *nlh;
	struct out *o;
	char *text;

	(void)state;
	nlh = canned_flow(buf, SIPWALL_CMD_FLOW_GET, false);
	nlh = canned_flow(canned_next(nlh), SIPWALL_CMD_FLOW_GET, true);
	o = out_mem_begin(OUT_JSON);
	out_list_begin(o);
	assert_int_equal(mnl_cb_run(buf, (char *)canned_next(nlh) - buf, 0, 0,
				    flowmsg_print_cb, o), MNL_CB_OK);
	out_list_end(o);
	text = out_mem_end();
	assert_true(json_valid(text));
	assert_true(starts_with(text, "[\n" FLOW_JSON ",\n{\"id\":3,"));
	assert_string_equal(text + strlen(text) - 4, "}\n]\n");
	free(text);

	o = out_mem_begin(OUT_JSON);
	out_list_begin(o);
	out_list_end(o);
	text = out_mem_end();
	assert_string_equal(text, "[]\n");
	assert_true(json_valid(text));
	free(text);

	/* Plain lists are just lines. */
	o = out_mem_begin(OUT_PLAIN);
	out_list_begin(o);
	assert_int_equal(mnl_cb_run(buf, (char *)canned_next(nlh) - buf, 0, 0,
				    flowmsg_print_cb, o), MNL_CB_OK);
	out_list_end(o);
	text = out_mem_end();
	assert_true(starts_with(text, FLOW_PLAIN "id 3 "));
	free(text);
}

static struct nlmsghdr *canned_stats(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *nest;

	nlh->nlmsg_type = FAMILY;
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	nest = mnl_attr_nest_start(nlh, SIPWALL_A_STATS);
	mnl_attr_put_u64(nlh, SIPWALL_STAT_FLOWS, 2);
	mnl_attr_put_u64(nlh, SIPWALL_STAT_FWD_BYTES, UINT64_MAX);
	mnl_attr_put_u64(nlh, SIPWALL_STAT_SRTP_REPLAY, 9);
	mnl_attr_put_u64(nlh, SIPWALL_STAT_MAX + 1, 5);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

void test_stats(void **state)
{
	char *text;

	(void)state;
	text = print(OUT_PLAIN, stats_print_cb, canned_stats(), MNL_CB_OK);
	assert_string_equal(text,
		"flows 2\nflows_created 0\nflows_deleted 0\nflows_expired 0\n"
		"fwd_packets 0\nfwd_bytes 18446744073709551615\npass_not_rtp 0\n"
		"pass_fragment 0\ndrop_source 0\ndrop_no_flow 0\ndrop_route 0\n"
		"drop_error 0\nsrtp_auth 0\nsrtp_replay 9\n");
	free(text);
	text = print(OUT_JSON, stats_print_cb, canned_stats(), MNL_CB_OK);
	assert_string_equal(text,
		"{\"flows\":2,\"flows_created\":0,\"flows_deleted\":0,\"flows_expired\":0,"
		"\"fwd_packets\":0,\"fwd_bytes\":18446744073709551615,\"pass_not_rtp\":0,"
		"\"pass_fragment\":0,\"drop_source\":0,\"drop_no_flow\":0,\"drop_route\":0,"
		"\"drop_error\":0,\"srtp_auth\":0,\"srtp_replay\":9}\n");
	assert_true(json_valid(text));
	free(text);
	text = print(OUT_PRETTY, stats_print_cb, canned_stats(), MNL_CB_OK);
	assert_true(starts_with(text, "flows          2\nflows_created  0\n"));
	free(text);
}

static struct nlmsghdr *canned_config(uint16_t low, uint16_t high)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *nest;

	nlh->nlmsg_type = FAMILY;
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	nest = mnl_attr_nest_start(nlh, SIPWALL_A_CONFIG);
	mnl_attr_put_u16(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MIN, low);
	mnl_attr_put_u16(nlh, SIPWALL_CONFIG_A_MEDIA_PORT_MAX, high);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

void test_config_show(void **state)
{
	char *text;

	(void)state;
	text = print(OUT_PLAIN, config_print_cb, canned_config(30000, 30999), MNL_CB_OK);
	assert_string_equal(text, "media_ports 30000-30999\n");
	free(text);
	text = print(OUT_PLAIN, config_print_cb, canned_config(0, 0), MNL_CB_OK);
	assert_string_equal(text, "media_ports off\n");
	free(text);
	text = print(OUT_JSON, config_print_cb, canned_config(30000, 30999), MNL_CB_OK);
	assert_string_equal(text, "{\"media_ports\":\"30000-30999\"}\n");
	assert_true(json_valid(text));
	free(text);
}

void test_monitor_events(void **state)
{
	struct monitor m = { .family = FAMILY };
	struct nlmsghdr *nlh;
	size_t len;
	char *text;

	(void)state;
	/* Two expiries around a FLOW_GET (not an event) and another family's message. */
	nlh = canned_flow(buf, SIPWALL_CMD_FLOW_EXPIRED, false);
	nlh = canned_flow(canned_next(nlh), SIPWALL_CMD_FLOW_GET, false);
	nlh = canned_flow(canned_next(nlh), SIPWALL_CMD_FLOW_EXPIRED, true);
	nlh = canned_flow(canned_next(nlh), SIPWALL_CMD_FLOW_EXPIRED, false);
	nlh->nlmsg_type = FAMILY + 1;
	len = (char *)canned_next(nlh) - buf;

	m.out = *out_mem_begin(OUT_PLAIN);
	assert_int_equal(mnl_cb_run(buf, len, 0, 0, monitor_event_cb, &m), MNL_CB_OK);
	text = out_mem_end();
	assert_int_equal(m.seen, 2);
	assert_true(starts_with(text, "flow-expired id 3 session 7 in 10.0.0.1:30000 "
				"packets 100 bytes 17200 from 192.0.2.10:4000 latched - out "));
	assert_non_null(strstr(text, "\nflow-expired id 3 session 7 in 10.0.0.1:30000 "
			       "packets 100 bytes 17200 from learn latched 192.0.2.99:4002 "));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_ptr_equal(strchr(strchr(text, '\n') + 1, '\n'), text + strlen(text) - 1);
	free(text);

	/* --count 1 prints one line even when two events come in one read. */
	m.seen = 0;
	m.count = 1;
	m.out = *out_mem_begin(OUT_JSON);
	assert_int_equal(mnl_cb_run(buf, len, 0, 0, monitor_event_cb, &m), MNL_CB_STOP);
	text = out_mem_end();
	assert_int_equal(m.seen, 1);
	assert_true(starts_with(text, "{\"event\":\"flow-expired\",\"id\":3,\"session\":7,"
				"\"in\":\"10.0.0.1:30000\",\"packets\":100,\"bytes\":17200,"));
	assert_true(json_valid(text));
	assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1);
	free(text);
}
