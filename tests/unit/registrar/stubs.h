/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-ins for what the registrar calls outside itself (the transaction
 * layer, connections, realms), shared by the unit tests and the fuzzer:
 * one realm "public"; answers are captured, not sent.
 */
#ifndef SIPWALL_TEST_REGISTRAR_STUBS_H
#define SIPWALL_TEST_REGISTRAR_STUBS_H

#include "location.h"

struct sipwall_txn {
	struct sipwall_peer peer;
};

extern struct sipwall_realm_config realm_cfg;
extern struct sipwall_realm realm;
extern struct sipwall_txn txn;
/* The last answer: its status and extra header lines. */
extern unsigned int last_status;
extern char last_extra[65536];

#endif
