// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <string.h>

#include "auth_guard.h"

struct counter {
	unsigned int failures;
	uint64_t window_start_ms;
	uint64_t locked_until_ms;
};

/* family byte and address bytes: the port does not matter */
static size_t addr_key(const struct sockaddr *addr, unsigned char *key)
{
	key[0] = (unsigned char)addr->sa_family;
	if (addr->sa_family == AF_INET) {
		memcpy(key + 1, &((const struct sockaddr_in *)addr)->sin_addr, 4);
		return 5;
	}
	if (addr->sa_family == AF_INET6) {
		memcpy(key + 1, &((const struct sockaddr_in6 *)addr)->sin6_addr, 16);
		return 17;
	}
	return 1;
}

int sipwall_guard_init(struct sipwall_guard *g, const struct sipwall_guard_config *cfg,
		       sipwall_auth_event_fn fn, void *ctx)
{
	g->cfg = *cfg;
	g->fn = fn;
	g->ctx = ctx;
	if (sipwall_lru_init(&g->users, cfg->capacity, sizeof(struct counter)))
		goto err;
	if (sipwall_lru_init(&g->addrs, cfg->capacity, sizeof(struct counter)))
		goto err_users;
	return 0;

err_users:
	sipwall_lru_uninit(&g->users);
err:
	return -1;
}

void sipwall_guard_uninit(struct sipwall_guard *g)
{
	sipwall_lru_uninit(&g->addrs);
	sipwall_lru_uninit(&g->users);
}

bool sipwall_auth_result_is_failure(enum sipwall_auth_result result)
{
	return result == SIPWALL_AUTH_BAD_RESPONSE || result == SIPWALL_AUTH_UNKNOWN_USER ||
	       result == SIPWALL_AUTH_FORGED_NONCE || result == SIPWALL_AUTH_REPLAY;
}

static bool locked(struct sipwall_lru *lru, const void *key, size_t len, uint64_t now_ms)
{
	struct counter *c = sipwall_lru_get(lru, key, len, now_ms);

	return c && c->locked_until_ms > now_ms;
}

enum sipwall_auth_result sipwall_guard_check(struct sipwall_guard *g, struct sip_str user,
					     const struct sockaddr *addr, uint64_t now_ms)
{
	unsigned char key[17];
	size_t len = addr_key(addr, key);

	if (locked(&g->addrs, key, len, now_ms) || locked(&g->users, user.p, user.len, now_ms))
		return SIPWALL_AUTH_LOCKED_OUT;
	return SIPWALL_AUTH_OK;
}

/* Counts one failure; returns true when this one crosses the threshold. */
static bool count(struct sipwall_guard *g, struct sipwall_lru *lru, const void *key, size_t len,
		  unsigned int threshold, uint64_t now_ms, unsigned int *failures)
{
	uint64_t window = (uint64_t)g->cfg.window_s * 1000;
	uint64_t lockout = (uint64_t)g->cfg.lockout_s * 1000;
	struct counter *c;
	bool created;

	c = sipwall_lru_put(lru, key, len, now_ms, now_ms + window, &created);
	if (!c) {
		*failures = 0;
		return false;
	}
	if (c->locked_until_ms > now_ms) {
		/* already locked: more failures do not extend it */
		*failures = ++c->failures;
		return false;
	}
	if (created || now_ms - c->window_start_ms >= window) {
		c->failures = 0;
		c->window_start_ms = now_ms;
		sipwall_lru_expire(c, now_ms + window);
	}
	*failures = ++c->failures;
	if (!threshold || c->failures < threshold)
		return false;
	c->locked_until_ms = now_ms + lockout;
	sipwall_lru_expire(c, now_ms + lockout);
	return true;
}

void sipwall_guard_failure(struct sipwall_guard *g, struct sip_str user,
			   const struct sockaddr *addr, enum sipwall_auth_result result,
			   uint64_t now_ms)
{
	struct sipwall_auth_event ev = { .kind = SIPWALL_AUTH_EVENT_FAILURE, .user = user,
					 .addr = addr, .result = result,
					 .lockout_s = g->cfg.lockout_s };
	unsigned char key[17];
	size_t len = addr_key(addr, key);
	unsigned int user_failures = 0, addr_failures;
	bool user_locked = false, addr_locked;

	if (user.len)
		user_locked = count(g, &g->users, user.p, user.len, g->cfg.user_threshold, now_ms,
				    &user_failures);
	addr_locked = count(g, &g->addrs, key, len, g->cfg.addr_threshold, now_ms, &addr_failures);
	if (!g->fn)
		return;
	ev.failures = addr_failures;
	g->fn(g->ctx, &ev);
	if (user_locked) {
		ev.kind = SIPWALL_AUTH_EVENT_USER_LOCKED;
		ev.failures = user_failures;
		g->fn(g->ctx, &ev);
	}
	if (addr_locked) {
		ev.kind = SIPWALL_AUTH_EVENT_ADDR_LOCKED;
		ev.failures = addr_failures;
		g->fn(g->ctx, &ev);
	}
}

void sipwall_guard_success(struct sipwall_guard *g, struct sip_str user, uint64_t now_ms)
{
	struct counter *c = sipwall_lru_get(&g->users, user.p, user.len, now_ms);

	/* a locked user stays locked until the lockout ends */
	if (c && c->locked_until_ms <= now_ms)
		sipwall_lru_del(&g->users, user.p, user.len);
}
