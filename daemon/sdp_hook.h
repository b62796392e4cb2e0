/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SDP offer/answer hook: the B2BUA calls it at every point where an
 * offer or an answer crosses from one leg to the other (marked "SDP
 * OFFER" and "SDP ANSWER" in b2bua.c), with the leg the body came from.
 * It returns the body to forward. Today it passes the body through; the
 * media issue rewrites connection addresses and ports here and programs
 * the relay (sipwall.ko or the userspace relay).
 */
#ifndef SIPWALL_SDP_HOOK_H
#define SIPWALL_SDP_HOOK_H

#include "call.h"

/* body: the incoming body (may be empty). The result lives until the next call. */
struct sip_str sipwall_sdp_offer(struct sipwall_call *call, const struct sipwall_leg *from,
				 struct sip_str body);
struct sip_str sipwall_sdp_answer(struct sipwall_call *call, const struct sipwall_leg *from,
				  struct sip_str body);
/* The call ends: release what the offers and answers set up. */
void sipwall_sdp_end(struct sipwall_call *call);

#endif
