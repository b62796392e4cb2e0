// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "stubs.h"

struct sipwall_realm_config realm_cfg;
struct sipwall_realm realm = { .name = "public", .cfg = &realm_cfg };
struct sipwall_txn txn;
unsigned int last_status;
char last_extra[65536];
struct sipwall_stats sipwall_stats;

int sipwall_txn_respond(struct sipwall_txn *st, unsigned int status, const char *reason,
			const char *extra, struct sip_str body)
{
	(void)st, (void)reason, (void)body;
	last_status = status;
	snprintf(last_extra, sizeof(last_extra), "%s", extra ? extra : "");
	return 0;
}

const struct sipwall_peer *sipwall_txn_peer(const struct sipwall_txn *t)
{
	return &t->peer;
}

/* Connection 7 is open; every other one has closed. */
bool sipwall_conn_alive(uint64_t conn_id)
{
	return conn_id == 7;
}

struct sipwall_realm *sipwall_realm_find(const char *name)
{
	return strcmp(name, realm.name) ? NULL : &realm;
}

const char *sipwall_proto_name(enum sipwall_proto proto)
{
	static const char *const names[] = { "udp", "tcp", "tls" };

	return names[proto];
}
