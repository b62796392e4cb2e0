// SPDX-License-Identifier: GPL-2.0
#ifndef TESTS_H
#define TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Redirects stderr to a file until capture_end, which returns what came (free it). */
void capture_begin(void);
char *capture_end(void);

/* Writes with a struct out to memory: out_mem_begin, then out_mem_end (free it). */
struct out;
struct out *out_mem_begin(int mode);
char *out_mem_end(void);

/* True if s is exactly one valid JSON value (RFC 8259), surrounded by whitespace. */
int json_valid(const char *s);

#define TESTS_PARSE \
	cmocka_unit_test(test_endpoint_v4), \
	cmocka_unit_test(test_endpoint_v6), \
	cmocka_unit_test(test_endpoint_bad), \
	cmocka_unit_test(test_endpoint_format), \
	cmocka_unit_test(test_numbers), \
	cmocka_unit_test(test_port_range), \
	cmocka_unit_test(test_suites), \
	cmocka_unit_test(test_key_good), \
	cmocka_unit_test(test_key_unpadded), \
	cmocka_unit_test(test_key_bad)

#define TESTS_FLOW \
	cmocka_unit_test(test_add_v4_full), \
	cmocka_unit_test(test_add_learn), \
	cmocka_unit_test(test_add_v6_srtp), \
	cmocka_unit_test(test_add_errors), \
	cmocka_unit_test(test_attr_at), \
	cmocka_unit_test(test_del_list_flush_build), \
	cmocka_unit_test(test_config_build)

#define TESTS_FORMAT \
	cmocka_unit_test(test_json_escape), \
	cmocka_unit_test(test_json_validator), \
	cmocka_unit_test(test_flow_plain), \
	cmocka_unit_test(test_flow_json), \
	cmocka_unit_test(test_flow_pretty), \
	cmocka_unit_test(test_flow_learned), \
	cmocka_unit_test(test_flow_malformed), \
	cmocka_unit_test(test_list_json), \
	cmocka_unit_test(test_stats), \
	cmocka_unit_test(test_config_show), \
	cmocka_unit_test(test_monitor_events)

#define TESTS_GENL \
	cmocka_unit_test(test_genl_ack), \
	cmocka_unit_test(test_genl_extack), \
	cmocka_unit_test(test_genl_dump), \
	cmocka_unit_test(test_genl_kernel)

#define TESTS_CLI \
	cmocka_unit_test(test_cli_help), \
	cmocka_unit_test(test_cli_errors), \
	cmocka_unit_test(test_cli_no_module)

#define DECLARE(t) void t(void **state)
DECLARE(test_endpoint_v4); DECLARE(test_endpoint_v6); DECLARE(test_endpoint_bad);
DECLARE(test_endpoint_format); DECLARE(test_numbers); DECLARE(test_port_range);
DECLARE(test_suites); DECLARE(test_key_good); DECLARE(test_key_unpadded);
DECLARE(test_key_bad);
DECLARE(test_add_v4_full); DECLARE(test_add_learn); DECLARE(test_add_v6_srtp);
DECLARE(test_add_errors); DECLARE(test_attr_at); DECLARE(test_del_list_flush_build); DECLARE(test_config_build);
DECLARE(test_json_escape); DECLARE(test_json_validator); DECLARE(test_flow_plain);
DECLARE(test_flow_json); DECLARE(test_flow_pretty); DECLARE(test_flow_learned);
DECLARE(test_flow_malformed); DECLARE(test_list_json); DECLARE(test_stats);
DECLARE(test_config_show); DECLARE(test_monitor_events);
DECLARE(test_genl_ack); DECLARE(test_genl_extack); DECLARE(test_genl_dump); DECLARE(test_genl_kernel);
DECLARE(test_cli_help); DECLARE(test_cli_errors); DECLARE(test_cli_no_module);

#endif
