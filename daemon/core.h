/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SIP core between transports and transactions: parses what arrives,
 * answers malformed requests with the parser's reason, drops malformed
 * responses, records where answers go (RFC 3581 rport, received), and
 * serves the requests sipwalld answers itself (OPTIONS).
 */
#ifndef SIPWALL_CORE_H
#define SIPWALL_CORE_H

#include "txn.h"

/* The transaction user for requests that no later layer claims. */
extern const struct sipwall_txn_tu sipwall_core_tu;

/* Shutting down: new requests get 503 while running ones finish. */
void sipwall_core_set_draining(void);

#endif
