// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "config.h"
#include "flow.h"
#include "genl.h"
#include "msg.h"
#include "tests.h"

#define FAMILY 0x1234
#define KEY30 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e"
#define KEY28 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA=="

static char buf[GENL_BUF_SIZE];
static char words[32][128];
static char *argv[32];
static int argc;

/* Splits line at spaces into writable words, as a shell would hand them over. */
static void split(const char *line)
{
	char copy[1024], *w, *save;

	snprintf(copy, sizeof(copy), "%s", line);
	for (argc = 0, w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		snprintf(words[argc], sizeof(words[argc]), "%s", w);
		argv[argc] = words[argc];
		argc++;
	}
}

static int add(struct flow_req *req, const char *line)
{
	split(line);
	return flow_add_parse(argc, argv, req);
}

/* Runs a parse expected to fail, returning its error line (free it). */
static char *add_fails(const char *line)
{
	struct flow_req req;
	char *err;

	capture_begin();
	assert_int_equal(add(&req, line), -1);
	err = capture_end();
	assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
	return err;
}

static void check_header(const struct nlmsghdr *nlh, uint8_t cmd, uint16_t flags)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	assert_int_equal(nlh->nlmsg_type, FAMILY);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | flags);
	assert_int_equal(genl->cmd, cmd);
	assert_int_equal(genl->version, SIPWALL_GENL_VERSION);
	assert_true(nlh->nlmsg_len <= GENL_BUF_SIZE);
}

static void check_ep4(const struct nlattr *nest, const char *addr, uint16_t port)
{
	const struct nlattr *tb[SIPWALL_EP_A_MAX + 1];
	struct in_addr want;

	assert_non_null(nest);
	msg_table(nest, tb, SIPWALL_EP_A_MAX);
	assert_int_equal(inet_pton(AF_INET, addr, &want), 1);
	assert_non_null(tb[SIPWALL_EP_A_ADDR4]);
	assert_null(tb[SIPWALL_EP_A_ADDR6]);
	assert_int_equal(mnl_attr_get_payload_len(tb[SIPWALL_EP_A_ADDR4]), 4);
	assert_memory_equal(mnl_attr_get_payload(tb[SIPWALL_EP_A_ADDR4]), &want, 4);
	assert_int_equal(mnl_attr_get_payload_len(tb[SIPWALL_EP_A_PORT]), 2);
	assert_int_equal(mnl_attr_get_u16(tb[SIPWALL_EP_A_PORT]), port);
}

static void check_ep6(const struct nlattr *nest, const char *addr, uint16_t port)
{
	const struct nlattr *tb[SIPWALL_EP_A_MAX + 1];
	struct in6_addr want;

	assert_non_null(nest);
	msg_table(nest, tb, SIPWALL_EP_A_MAX);
	assert_int_equal(inet_pton(AF_INET6, addr, &want), 1);
	assert_null(tb[SIPWALL_EP_A_ADDR4]);
	assert_int_equal(mnl_attr_get_payload_len(tb[SIPWALL_EP_A_ADDR6]), 16);
	assert_memory_equal(mnl_attr_get_payload(tb[SIPWALL_EP_A_ADDR6]), &want, 16);
	assert_int_equal(mnl_attr_get_u16(tb[SIPWALL_EP_A_PORT]), port);
}

/* Builds req and indexes its flow nest; the message has nothing else. */
static void build_add(const struct flow_req *req, const struct nlattr **flow)
{
	const struct nlattr *top[SIPWALL_A_MAX + 1];
	struct nlmsghdr *nlh = flow_add_build(buf, FAMILY, req);

	check_header(nlh, SIPWALL_CMD_FLOW_NEW, NLM_F_ACK | NLM_F_ECHO);
	msg_table_top(nlh, top, SIPWALL_A_MAX);
	assert_non_null(top[SIPWALL_A_FLOW]);
	assert_null(top[SIPWALL_A_SESSION]);
	msg_table(top[SIPWALL_A_FLOW], flow, SIPWALL_FLOW_A_MAX);
	/* Read-only attributes are the kernel's to fill. */
	assert_null(flow[SIPWALL_FLOW_A_ID]);
	assert_null(flow[SIPWALL_FLOW_A_LATCHED]);
	assert_null(flow[SIPWALL_FLOW_A_STATS]);
	assert_null(flow[SIPWALL_FLOW_A_IDLE_MS]);
}

void test_add_v4_full(void **state)
{
	const struct nlattr *flow[SIPWALL_FLOW_A_MAX + 1];
	struct flow_req req;

	(void)state;
	assert_int_equal(add(&req, "in 10.0.0.1:30000 from 192.0.2.10:4000 out "
			     "10.0.1.1:31000 to 10.0.1.2:5004 session 18446744073709551615 "
			     "dscp 46 timeout 60"), 0);
	build_add(&req, flow);
	check_ep4(flow[SIPWALL_FLOW_A_LOCAL], "10.0.0.1", 30000);
	check_ep4(flow[SIPWALL_FLOW_A_SOURCE], "192.0.2.10", 4000);
	check_ep4(flow[SIPWALL_FLOW_A_OUT_LOCAL], "10.0.1.1", 31000);
	check_ep4(flow[SIPWALL_FLOW_A_OUT_PEER], "10.0.1.2", 5004);
	assert_int_equal(mnl_attr_get_payload_len(flow[SIPWALL_FLOW_A_SESSION]), 8);
	assert_true(mnl_attr_get_u64(flow[SIPWALL_FLOW_A_SESSION]) == UINT64_MAX);
	assert_int_equal(mnl_attr_get_payload_len(flow[SIPWALL_FLOW_A_DSCP]), 1);
	assert_int_equal(mnl_attr_get_u8(flow[SIPWALL_FLOW_A_DSCP]), 46);
	assert_int_equal(mnl_attr_get_payload_len(flow[SIPWALL_FLOW_A_TIMEOUT]), 4);
	assert_int_equal(mnl_attr_get_u32(flow[SIPWALL_FLOW_A_TIMEOUT]), 60);
	assert_null(flow[SIPWALL_FLOW_A_FLAGS]);
	assert_null(flow[SIPWALL_FLOW_A_SRTP_IN]);
	assert_null(flow[SIPWALL_FLOW_A_SRTP_OUT]);

	/* Words in any order; zero values are sent, not dropped. */
	assert_int_equal(add(&req, "timeout 0 dscp 0 session 0 to 10.0.1.2:5004 "
			     "out 10.0.1.1:31000 from 192.0.2.10:4000 in 10.0.0.1:30000"), 0);
	build_add(&req, flow);
	check_ep4(flow[SIPWALL_FLOW_A_LOCAL], "10.0.0.1", 30000);
	assert_true(mnl_attr_get_u64(flow[SIPWALL_FLOW_A_SESSION]) == 0);
	assert_int_equal(mnl_attr_get_u8(flow[SIPWALL_FLOW_A_DSCP]), 0);
	assert_int_equal(mnl_attr_get_u32(flow[SIPWALL_FLOW_A_TIMEOUT]), 0);
}

void test_add_learn(void **state)
{
	static const char *const forms[] = {
		"in 10.0.0.1:30000 learn out 10.0.1.1:31000 to 10.0.1.2:5004",
		"in 10.0.0.1:30000 from learn out 10.0.1.1:31000 to 10.0.1.2:5004",
	};
	const struct nlattr *flow[SIPWALL_FLOW_A_MAX + 1];
	struct flow_req req;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(add(&req, forms[i]), 0);
		build_add(&req, flow);
		assert_null(flow[SIPWALL_FLOW_A_SOURCE]);
		assert_int_equal(mnl_attr_get_u32(flow[SIPWALL_FLOW_A_FLAGS]),
				 SIPWALL_FLOW_F_LEARN);
		/* Absent options are left to the kernel's defaults. */
		assert_null(flow[SIPWALL_FLOW_A_SESSION]);
		assert_null(flow[SIPWALL_FLOW_A_DSCP]);
		assert_null(flow[SIPWALL_FLOW_A_TIMEOUT]);
	}
}

static void check_srtp(const struct nlattr *nest, uint32_t suite, size_t key_len,
		       size_t salt_len)
{
	const struct nlattr *tb[SIPWALL_SRTP_A_MAX + 1];
	const uint8_t *b;
	size_t i;

	assert_non_null(nest);
	msg_table(nest, tb, SIPWALL_SRTP_A_MAX);
	assert_int_equal(mnl_attr_get_u32(tb[SIPWALL_SRTP_A_SUITE]), suite);
	assert_int_equal(mnl_attr_get_payload_len(tb[SIPWALL_SRTP_A_MASTER_KEY]), key_len);
	assert_int_equal(mnl_attr_get_payload_len(tb[SIPWALL_SRTP_A_MASTER_SALT]), salt_len);
	b = mnl_attr_get_payload(tb[SIPWALL_SRTP_A_MASTER_KEY]);
	for (i = 0; i < key_len; i++)
		assert_int_equal(b[i], i + 1);
	b = mnl_attr_get_payload(tb[SIPWALL_SRTP_A_MASTER_SALT]);
	for (i = 0; i < salt_len; i++)
		assert_int_equal(b[i], key_len + i + 1);
}

void test_add_v6_srtp(void **state)
{
	const struct nlattr *flow[SIPWALL_FLOW_A_MAX + 1];
	struct flow_req req;
	size_t i;

	(void)state;
	assert_int_equal(add(&req, "in [2001:db8::1]:30000 from [2001:db8::99]:4000 "
			     "out 10.0.1.1:31000 to 10.0.1.2:5004 "
			     "srtp-in AES_CM_128_HMAC_SHA1_80 " KEY30 " "
			     "srtp-out AEAD_AES_128_GCM inline:" KEY28), 0);
	/* The keys are gone from the argument words. */
	for (i = 0; i < strlen(KEY30); i++)
		assert_int_equal(words[10][i], 0);
	for (i = 0; i < strlen("inline:" KEY28); i++)
		assert_int_equal(words[13][i], 0);
	assert_string_equal(words[12], "AEAD_AES_128_GCM");
	build_add(&req, flow);
	check_ep6(flow[SIPWALL_FLOW_A_LOCAL], "2001:db8::1", 30000);
	check_ep6(flow[SIPWALL_FLOW_A_SOURCE], "2001:db8::99", 4000);
	/* IPv6 in, IPv4 out: the kernel decides whether it can. */
	check_ep4(flow[SIPWALL_FLOW_A_OUT_LOCAL], "10.0.1.1", 31000);
	check_srtp(flow[SIPWALL_FLOW_A_SRTP_IN], SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80, 16, 14);
	check_srtp(flow[SIPWALL_FLOW_A_SRTP_OUT], SIPWALL_SRTP_AEAD_AES_128_GCM, 16, 12);
}

void test_add_errors(void **state)
{
	static const struct {
		const char *line, *err;
	} bad[] = {
		{ "in 10.0.0.1:1 out 10.0.0.1:2 to 10.0.0.2:3",
		  "flow add needs 'from ADDR:PORT' (the expected source) or 'learn' (latch the first source)" },
		{ "in 10.0.0.1:1 from 10.0.0.9:9 learn out 10.0.0.1:2 to 10.0.0.2:3",
		  "flow add takes either 'from ADDR:PORT' or 'learn', not both" },
		{ "from 10.0.0.9:9 out 10.0.0.1:2 to 10.0.0.2:3", "flow add needs in ADDR:PORT" },
		{ "in 10.0.0.1:1 learn to 10.0.0.2:3", "flow add needs out ADDR:PORT" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2", "flow add needs to ADDR:PORT" },
		{ "", "flow add needs in ADDR:PORT" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to 10.0.0.2:3 frob 1",
		  "unknown word 'frob' in flow add (expected in, from, learn, out, to, session, dscp, timeout, srtp-in or srtp-out)" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to", "missing ADDR:PORT after 'to'" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to 10.0.0.2:3 session",
		  "missing N after 'session'" },
		{ "in 10.0.0.1:1 in 10.0.0.1:2", "'in' given twice" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to 10.0.0.2:3 dscp 64",
		  "bad dscp '64': must be 0-63" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to 10.0.0.2:3 timeout 86401",
		  "bad timeout '86401': must be 0-86400" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to 10.0.0.2:3 session -1",
		  "bad session '-1': not a number" },
		{ "in 10.0.0.1:1 from [::1]:9 out 10.0.0.1:2 to 10.0.0.2:3",
		  "'from' and 'in' must both be IPv4 or both IPv6" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to [::2]:3",
		  "'out' and 'to' must both be IPv4 or both IPv6" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to 10.0.0.2:3 srtp-in AES_CM_128_HMAC_SHA1_80",
		  "missing SUITE KEY after 'srtp-in'" },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to 10.0.0.2:3 srtp-out NULL " KEY30,
		  NULL },
		{ "in 10.0.0.1:1 learn out 10.0.0.1:2 to 10.0.0.2:3 srtp-out AEAD_AES_256_GCM " KEY30,
		  "bad SRTP key: AEAD_AES_256_GCM needs 44 bytes (key 32 + salt 12) of base64" },
		{ "in 1.2.3:5 learn out 10.0.0.1:2 to 10.0.0.2:3",
		  "bad address '1.2.3:5': not an IPv4 address" },
	};
	char want[512], *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = add_fails(bad[i].line);
		if (bad[i].err) {
			snprintf(want, sizeof(want), "sipwallctl: %s\n", bad[i].err);
			assert_string_equal(err, want);
		}
		free(err);
	}
}

/* An extended ack's offset leads back to the word it is about. */
void test_attr_at(void **state)
{
	const struct nlattr *flow[SIPWALL_FLOW_A_MAX + 1], *ep[SIPWALL_EP_A_MAX + 1];
	struct nlmsghdr *nlh;
	struct flow_req req;
	uint32_t off;

	(void)state;
	assert_int_equal(add(&req, "in 10.0.0.1:1 from 10.0.0.9:9 out 10.0.0.1:2 "
			     "to 224.0.0.1:3 dscp 1"), 0);
	build_add(&req, flow);
	nlh = (struct nlmsghdr *)buf;
	/* The kernel may name a nest, or an attribute inside it. */
	off = (const char *)flow[SIPWALL_FLOW_A_OUT_PEER] - buf;
	assert_int_equal(flow_attr_at(nlh, off), SIPWALL_FLOW_A_OUT_PEER);
	msg_table(flow[SIPWALL_FLOW_A_OUT_PEER], ep, SIPWALL_EP_A_MAX);
	off = (const char *)ep[SIPWALL_EP_A_PORT] - buf;
	assert_int_equal(flow_attr_at(nlh, off), SIPWALL_FLOW_A_OUT_PEER);
	off = (const char *)flow[SIPWALL_FLOW_A_DSCP] - buf + 4;
	assert_int_equal(flow_attr_at(nlh, off), SIPWALL_FLOW_A_DSCP);
	assert_int_equal(flow_attr_at(nlh, 0), 0);
	assert_int_equal(flow_attr_at(nlh, NLMSG_HDRLEN), 0);
	assert_int_equal(flow_attr_at(nlh, nlh->nlmsg_len), 0);
	assert_int_equal(flow_attr_at(nlh, UINT32_MAX), 0);
}

void test_del_list_flush_build(void **state)
{
	const struct nlattr *top[SIPWALL_A_MAX + 1], *flow[SIPWALL_FLOW_A_MAX + 1];
	uint64_t session = 7;
	struct endpoint in;
	struct nlmsghdr *nlh;

	(void)state;
	assert_int_equal(parse_endpoint("[::1]:4000", &in), 0);
	nlh = flow_del_build(buf, FAMILY, &in);
	check_header(nlh, SIPWALL_CMD_FLOW_DEL, NLM_F_ACK);
	msg_table_top(nlh, top, SIPWALL_A_MAX);
	msg_table(top[SIPWALL_A_FLOW], flow, SIPWALL_FLOW_A_MAX);
	check_ep6(flow[SIPWALL_FLOW_A_LOCAL], "::1", 4000);
	assert_null(flow[SIPWALL_FLOW_A_SOURCE]);

	nlh = flow_list_build(buf, FAMILY, NULL);
	check_header(nlh, SIPWALL_CMD_FLOW_GET, NLM_F_DUMP);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh = flow_list_build(buf, FAMILY, &session);
	check_header(nlh, SIPWALL_CMD_FLOW_GET, NLM_F_DUMP);
	msg_table_top(nlh, top, SIPWALL_A_MAX);
	assert_int_equal(mnl_attr_get_payload_len(top[SIPWALL_A_SESSION]), 8);
	assert_true(mnl_attr_get_u64(top[SIPWALL_A_SESSION]) == 7);

	nlh = flow_flush_build(buf, FAMILY, NULL);
	check_header(nlh, SIPWALL_CMD_FLOW_FLUSH, NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh = flow_flush_build(buf, FAMILY, &session);
	msg_table_top(nlh, top, SIPWALL_A_MAX);
	assert_true(mnl_attr_get_u64(top[SIPWALL_A_SESSION]) == 7);
	assert_null(top[SIPWALL_A_FLOW]);
}

void test_config_build(void **state)
{
	const struct nlattr *top[SIPWALL_A_MAX + 1], *cfg[SIPWALL_CONFIG_A_MAX + 1];
	struct nlmsghdr *nlh;

	(void)state;
	nlh = config_set_build(buf, FAMILY, 30000, 30999);
	check_header(nlh, SIPWALL_CMD_CONFIG_SET, NLM_F_ACK);
	msg_table_top(nlh, top, SIPWALL_A_MAX);
	msg_table(top[SIPWALL_A_CONFIG], cfg, SIPWALL_CONFIG_A_MAX);
	assert_int_equal(mnl_attr_get_payload_len(cfg[SIPWALL_CONFIG_A_MEDIA_PORT_MIN]), 2);
	assert_int_equal(mnl_attr_get_u16(cfg[SIPWALL_CONFIG_A_MEDIA_PORT_MIN]), 30000);
	assert_int_equal(mnl_attr_get_u16(cfg[SIPWALL_CONFIG_A_MEDIA_PORT_MAX]), 30999);
	/* Off is both bounds 0, sent explicitly. */
	nlh = config_set_build(buf, FAMILY, 0, 0);
	msg_table_top(nlh, top, SIPWALL_A_MAX);
	msg_table(top[SIPWALL_A_CONFIG], cfg, SIPWALL_CONFIG_A_MAX);
	assert_int_equal(mnl_attr_get_u16(cfg[SIPWALL_CONFIG_A_MEDIA_PORT_MIN]), 0);
	assert_int_equal(mnl_attr_get_u16(cfg[SIPWALL_CONFIG_A_MEDIA_PORT_MAX]), 0);
}
