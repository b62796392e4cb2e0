/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Account protection: failed authentications counted per user name and
 * per source address in a sliding window; past a threshold the user or
 * the address is locked out for a while. Every failure and every lockout
 * is reported through a hook: the security edge turns address lockouts
 * into kernel bans, operators log them.
 */
#ifndef SIPWALL_AUTH_GUARD_H
#define SIPWALL_AUTH_GUARD_H

#include <stdbool.h>
#include <sys/socket.h>

#include "auth.h"
#include "auth_lru.h"

struct sipwall_guard_config {
	unsigned int user_threshold;	/* failures in a window that lock a user; 0: never */
	unsigned int addr_threshold;	/* the same for a source address */
	unsigned int window_s;
	unsigned int lockout_s;
	size_t capacity;		/* users, and addresses, tracked at most */
};

enum sipwall_auth_event_kind {
	SIPWALL_AUTH_EVENT_FAILURE,
	SIPWALL_AUTH_EVENT_USER_LOCKED,
	SIPWALL_AUTH_EVENT_ADDR_LOCKED,
};

struct sipwall_auth_event {
	enum sipwall_auth_event_kind kind;
	struct sip_str user;		/* as the client sent it; may be empty */
	const struct sockaddr *addr;
	enum sipwall_auth_result result;
	unsigned int failures;		/* in the current window, of the user or address */
	unsigned int lockout_s;		/* for the LOCKED kinds */
};

typedef void (*sipwall_auth_event_fn)(void *ctx, const struct sipwall_auth_event *event);

struct sipwall_guard {
	struct sipwall_guard_config cfg;
	struct sipwall_lru users, addrs;
	sipwall_auth_event_fn fn;
	void *ctx;
};

int sipwall_guard_init(struct sipwall_guard *g, const struct sipwall_guard_config *cfg,
		       sipwall_auth_event_fn fn, void *ctx);
void sipwall_guard_uninit(struct sipwall_guard *g);

/* Results that are somebody guessing: they count. */
bool sipwall_auth_result_is_failure(enum sipwall_auth_result result);

/* OK, or LOCKED_OUT if the user or the address is locked out now. */
enum sipwall_auth_result sipwall_guard_check(struct sipwall_guard *g, struct sip_str user,
					     const struct sockaddr *addr, uint64_t now_ms);
void sipwall_guard_failure(struct sipwall_guard *g, struct sip_str user,
			   const struct sockaddr *addr, enum sipwall_auth_result result,
			   uint64_t now_ms);
/* A good password clears the user's count; the address keeps its own. */
void sipwall_guard_success(struct sipwall_guard *g, struct sip_str user, uint64_t now_ms);

#endif
