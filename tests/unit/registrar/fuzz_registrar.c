// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the registrar's two readers of untrusted bytes.
 * Input starting with 'S': the rest is a state file; it is read, written
 * back and read again, and the second read must restore as many bindings
 * as the first. Otherwise: REGISTER requests separated by the line
 * "%%\n", each parsed and handed to the registrar (stubs.c answers); the
 * store's counters must agree with what lookups find. Everything is freed
 * after each input (leaks are findings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "regstate.h"
#include "stubs.h"

static char path[64];
static struct sip_msg msg;

static void noop(void *ctx)
{
	(void)ctx;
}

static void count(const struct sipwall_reg *reg, void *ctx)
{
	(void)reg;
	++*(uint64_t *)ctx;
}

static uint64_t bindings(void)
{
	uint64_t n = 0;

	sipwall_location_foreach(count, &n);
	return n;
}

static void state_file(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "w");
	uint64_t first;

	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	sipwall_regstate_read_file(path);
	first = sipwall_registrar_stats.registrations_active;
	if (first != bindings() || sipwall_regstate_write_file(path))
		abort();
	sipwall_location_uninit();
	if (sipwall_location_init())
		abort();
	sipwall_registrar_stats.registrations_active = 0;
	sipwall_regstate_read_file(path);
	if (sipwall_registrar_stats.registrations_active != first)
		abort();
}

static void registers(const uint8_t *data, size_t size)
{
	static char buf[SIP_MSG_MAX_SIZE];
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *sep = memmem(p, (size_t)(end - p), "%%\n", 3);
		size_t len = (size_t)((sep ? sep : end) - p);

		if (len <= sizeof(buf)) {
			memcpy(buf, p, len);
			if (!sip_msg_parse(&msg, buf, len, SIP_FRAMING_DATAGRAM) && msg.is_request &&
			    msg.method == SIP_METHOD_REGISTER)
				sipwall_registrar_request(&txn, &msg, SIP_STR(""));
		}
		p = sep ? sep + 3 : end;
	}
	if (sipwall_registrar_stats.registrations_active != bindings())
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		static const struct sipwall_loop_ops ops = { .reload = noop, .shutdown = noop };

		snprintf(path, sizeof(path), "/tmp/sipwall-fuzz-regstate-%d", (int)getpid());
		sipwall_realm_registrar_defaults(&realm_cfg.registrar);
		realm_cfg.registrar.enabled = true;
		realm_cfg.registrar.min_expires = 1;
		realm_cfg.registrar.max_contacts = 5;
		txn.peer.realm = &realm;
		txn.peer.proto = SIPWALL_PROTO_TCP;
		txn.peer.conn_id = 7;
		txn.peer.addr.ss_family = AF_INET;
		txn.peer.addr_len = sizeof(struct sockaddr_in);
		if (sipwall_loop_init(&ops))
			abort();
		ready = true;
	}
	if (sipwall_location_init())
		abort();
	memset(&sipwall_registrar_stats, 0, sizeof(sipwall_registrar_stats));
	if (size && data[0] == 'S')
		state_file(data + 1, size - 1);
	else
		registers(data, size);
	sipwall_location_uninit();
	unlink(path);
	return 0;
}
