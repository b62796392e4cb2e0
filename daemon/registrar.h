/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registrar and location service of the realms with `registrar = yes`
 * (RFC 3261 section 10, RFC 5626-style reachability): bindings of an AOR
 * (keyed by realm and user part) to the Contacts a phone registered and to
 * the flow it registered over, so that the B2BUA reaches it over the same
 * TCP/TLS connection, or from the same UDP socket to the same source
 * address and port. Kept in memory across reloads; written to the state
 * file (write, fsync, rename) and read back at start.
 */
#ifndef SIPWALL_REGISTRAR_H
#define SIPWALL_REGISTRAR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sip_msg.h"
#include "transport.h"
#include "txn.h"

struct sipwall_binding {
	const char *contact;		/* the Contact URI as registered (no <>) */
	struct sipwall_peer peer;	/* where it is reached: its flow */
	uint64_t expires_ms;		/* on the loop's monotonic clock */
};

/*
 * A REGISTER that passed the auth gate. user: the authenticated user name
 * (empty if the realm does not authenticate), who may change only the AOR
 * with that user part (RFC 3261 10.3 step 4).
 */
void sipwall_registrar_request(struct sipwall_txn *st, struct sip_msg *req, struct sip_str user);

/*
 * The live bindings of user in realm, at most max, into out; returns their
 * number (0: not registered). The pointers stay valid until control returns
 * to the event loop.
 */
unsigned int sipwall_location_lookup(const struct sipwall_realm *realm, struct sip_str user,
				     const struct sipwall_binding **out, unsigned int max);

/* Whether some binding of user in realm was registered from the address of from. */
bool sipwall_location_registered_from(const struct sipwall_realm *realm, struct sip_str user,
				      const struct sipwall_peer *from);

/* For the control socket: counters as "name value" lines; one line per binding. */
void sipwall_registrar_print_stats(FILE *out);
void sipwall_registrar_print_bindings(FILE *out);

#endif
