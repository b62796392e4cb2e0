/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The binding store behind the registrar (registrar.c), the state file
 * (regstate.c) and the control socket: AORs keyed by realm and user part,
 * each with its bindings; a binding is removed by its own timer when it
 * expires, never by scans on the packet path.
 */
#ifndef SIPWALL_LOCATION_H
#define SIPWALL_LOCATION_H

#include "registrar.h"
#include "timer.h"

#define SIPWALL_CONTACT_MAX	1024	/* longest Contact URI kept */
#define SIPWALL_PARAMS_MAX	256	/* longest Contact parameter run kept */
#define SIPWALL_CALL_ID_MAX	256

struct sipwall_aor;

struct sipwall_reg {
	struct sipwall_binding b;	/* what the B2BUA sees; b.contact is owned */
	struct sipwall_aor *aor;
	struct sipwall_reg *next;
	char *params;			/* Contact header parameters but expires ("" or ";q=0.5...") */
	char *call_id;
	uint32_t cseq;
	struct sipwall_timer timer;	/* expiry */
};

struct sipwall_aor {
	struct sipwall_hnode node;
	struct sipwall_realm *realm;
	char *user;			/* the key, with the realm */
	struct sipwall_reg *regs;
	unsigned int count;
};

/* The registrar's counters, printed by `stats` on the control socket. */
struct sipwall_registrar_stats {
	uint64_t registrations_active;	/* bindings */
	uint64_t aors;
	uint64_t register_ok;		/* answered 200 (queries included) */
	uint64_t register_failed;	/* answered otherwise */
	uint64_t registrations_added;
	uint64_t registrations_refreshed;
	uint64_t registrations_removed;	/* by the phone (expires 0, *) */
	uint64_t registrations_expired;	/* by the timer */
	uint64_t state_writes;
	uint64_t state_write_errors;
};

extern struct sipwall_registrar_stats sipwall_registrar_stats;

int sipwall_location_init(void);
void sipwall_location_uninit(void);

struct sipwall_aor *sipwall_aor_find(const struct sipwall_realm *realm, struct sip_str user);
/* Finds or creates; NULL only if out of memory. */
struct sipwall_aor *sipwall_aor_get(struct sipwall_realm *realm, struct sip_str user);
/* Frees aor if it has no binding left. */
void sipwall_aor_put(struct sipwall_aor *aor);

struct sipwall_reg *sipwall_reg_find(const struct sipwall_aor *aor, struct sip_str contact);
/* A new binding of aor, expiring at expires_ms; NULL if out of memory. */
struct sipwall_reg *sipwall_reg_add(struct sipwall_aor *aor, struct sip_str contact,
				    struct sip_str params, struct sip_str call_id, uint32_t cseq,
				    const struct sipwall_peer *peer, uint64_t expires_ms);
/* Refreshes reg; -1 (reg unchanged) if out of memory. */
int sipwall_reg_update(struct sipwall_reg *reg, struct sip_str params, struct sip_str call_id,
		       uint32_t cseq, const struct sipwall_peer *peer, uint64_t expires_ms);
/* Removes and frees reg; its AOR too if that was its last binding. */
void sipwall_reg_remove(struct sipwall_reg *reg);

/* Calls fn for every binding (fn must not add or remove any). */
void sipwall_location_foreach(void (*fn)(const struct sipwall_reg *reg, void *ctx), void *ctx);

/*
 * The interval a Contact asks for (its expires parameter, else the Expires
 * header, else default_expires; -1: absent), cut to max_expires; -1 if it
 * is below min_expires and not 0 (423).
 */
int64_t sipwall_registrar_expires(const struct sipwall_realm_registrar_config *cfg,
				  int64_t contact_expires, int64_t header_expires);

/*
 * Bindings of all realms together: a REGISTER that would add more gets 503
 * (memory is not for anyone who can send REGISTERs to take).
 */
void sipwall_registrar_set_limit(unsigned int max_registrations);

/* The store changed: regstate.c writes the file soon. */
void sipwall_regstate_changed(void);

#endif
