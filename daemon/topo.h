/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topology hiding: what of a message crosses from one realm into the
 * other. Outgoing requests are written from scratch out of a leg's own
 * dialog state; of the incoming message only the end-to-end headers on a
 * built-in list cross, minus what the target realm's strip_headers
 * removes, plus what its pass_headers admits.
 */
#ifndef SIPWALL_TOPO_H
#define SIPWALL_TOPO_H

#include "b2bua_config.h"
#include "call.h"
#include "sip_buf.h"
#include "sip_msg.h"

/* Whether header h of a message may enter a realm with this policy. */
bool sipwall_topo_crosses(const struct sipwall_realm_b2bua_config *into,
			  const struct sip_header *h);
/*
 * Writes the headers of src that cross into the realm (Supported and
 * Require reduced to the extensions we support), one line each.
 */
void sipwall_topo_copy(struct sip_buf *out, const struct sip_msg *src,
		       const struct sipwall_realm_b2bua_config *into);

/* Our address in leg->realm for leg->peer's transport: leg->via_addr. */
void sipwall_topo_leg_addr(struct sipwall_leg *leg);
/* "Contact: <sip:ADDR;transport=...>\r\n" for this leg. */
void sipwall_topo_contact(struct sip_buf *out, const struct sipwall_leg *leg);
/* The host part of From/To URIs sent into leg->realm (malloc'd). */
char *sipwall_topo_identity_host(const struct sipwall_leg *leg);
/* `["display" ]<uri>` of a From/To/Contact without parameters (malloc'd). */
char *sipwall_topo_name_addr(const struct sip_name_addr *na);

struct sipwall_topo_req {
	const char *method;
	const char *ruri;		/* NULL: the leg's remote target */
	uint32_t cseq;
	int max_forwards;
	const struct sip_msg *src;	/* whose end-to-end headers cross, or NULL */
	const char *extra;		/* more header lines, or NULL */
	struct sip_str body;
};

/* A request on leg, built from the leg's dialog state; -1 if out failed. */
int sipwall_topo_request(struct sip_buf *out, const struct sipwall_leg *leg,
			 const struct sipwall_topo_req *r);

#endif
