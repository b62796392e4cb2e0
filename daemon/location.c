// SPDX-License-Identifier: GPL-2.0
/*
 * The binding store. AORs live in one hash table keyed by (realm, user);
 * an AOR's bindings are a short list (max_contacts, at most 128). The realm
 * pointer is stable for the process's life: realm objects survive reloads
 * that keep the name, and removed ones stay (stale) until exit, so the
 * bindings of a realm that is removed and added back are found again.
 */
#include <stdlib.h>
#include <string.h>

#include "location.h"
#include "log.h"
#include "loop.h"

struct sipwall_registrar_stats sipwall_registrar_stats;
static struct sipwall_htab aors;

int sipwall_location_init(void)
{
	return sipwall_htab_init(&aors);
}

static uint64_t aor_hash(const struct sipwall_realm *realm, struct sip_str user)
{
	return sipwall_hash(user.p, user.len, sipwall_hash(&realm, sizeof(realm), SIPWALL_HASH_INIT));
}

struct sipwall_aor *sipwall_aor_find(const struct sipwall_realm *realm, struct sip_str user)
{
	uint64_t hash = aor_hash(realm, user);

	for (struct sipwall_hnode *n = sipwall_htab_first(&aors, hash); n;
	     n = sipwall_htab_next(n, hash)) {
		struct sipwall_aor *aor = container_of(n, struct sipwall_aor, node);

		if (aor->realm == realm && sip_str_eq(sip_str_from_cstr(aor->user), user))
			return aor;
	}
	return NULL;
}

struct sipwall_aor *sipwall_aor_get(struct sipwall_realm *realm, struct sip_str user)
{
	struct sipwall_aor *aor = sipwall_aor_find(realm, user);

	if (aor)
		return aor;
	aor = calloc(1, sizeof(*aor));
	if (!aor)
		return NULL;
	aor->user = strndup(user.p, user.len);
	if (!aor->user) {
		free(aor);
		return NULL;
	}
	aor->realm = realm;
	sipwall_htab_insert(&aors, &aor->node, aor_hash(realm, user));
	sipwall_registrar_stats.aors++;
	return aor;
}

void sipwall_aor_put(struct sipwall_aor *aor)
{
	if (aor->regs)
		return;
	sipwall_htab_remove(&aors, &aor->node);
	sipwall_registrar_stats.aors--;
	free(aor->user);
	free(aor);
}

struct sipwall_reg *sipwall_reg_find(const struct sipwall_aor *aor, struct sip_str contact)
{
	for (struct sipwall_reg *reg = aor->regs; reg; reg = reg->next)
		if (sip_str_eq(sip_str_from_cstr(reg->b.contact), contact))
			return reg;
	return NULL;
}

static void reg_free(struct sipwall_reg *reg)
{
	sipwall_timer_stop(&reg->timer);
	free((char *)reg->b.contact);
	free(reg->params);
	free(reg->call_id);
	free(reg);
}

static void unlink_reg(struct sipwall_reg *reg)
{
	struct sipwall_reg **link = &reg->aor->regs;

	while (*link != reg)
		link = &(*link)->next;
	*link = reg->next;
	reg->aor->count--;
	sipwall_registrar_stats.registrations_active--;
}

void sipwall_reg_remove(struct sipwall_reg *reg)
{
	struct sipwall_aor *aor = reg->aor;

	unlink_reg(reg);
	reg_free(reg);
	sipwall_aor_put(aor);
	sipwall_regstate_changed();
}

static void on_expired(struct sipwall_timer *t)
{
	struct sipwall_reg *reg = container_of(t, struct sipwall_reg, timer);

	log_debug("realm %s: binding %s of %s expired", reg->aor->realm->name, reg->b.contact,
		  reg->aor->user);
	sipwall_registrar_stats.registrations_expired++;
	sipwall_reg_remove(reg);
}

/* The timer heap can only fail to grow: then the binding is refused. */
static int arm(struct sipwall_reg *reg, uint64_t expires_ms)
{
	uint64_t now = sipwall_now_ms();

	return sipwall_timer_after(&reg->timer, expires_ms > now ? expires_ms - now : 0);
}

struct sipwall_reg *sipwall_reg_add(struct sipwall_aor *aor, struct sip_str contact,
				    struct sip_str params, struct sip_str call_id, uint32_t cseq,
				    const struct sipwall_peer *peer, uint64_t expires_ms)
{
	struct sipwall_reg *reg = calloc(1, sizeof(*reg));

	if (!reg)
		return NULL;
	sipwall_timer_init(&reg->timer, on_expired);
	reg->b.contact = strndup(contact.p, contact.len);
	reg->params = strndup(params.p ? params.p : "", params.len);
	reg->call_id = strndup(call_id.p, call_id.len);
	if (!reg->b.contact || !reg->params || !reg->call_id || arm(reg, expires_ms)) {
		reg_free(reg);
		return NULL;
	}
	reg->b.peer = *peer;
	reg->b.expires_ms = expires_ms;
	reg->cseq = cseq;
	reg->aor = aor;
	reg->next = aor->regs;
	aor->regs = reg;
	aor->count++;
	sipwall_registrar_stats.registrations_active++;
	sipwall_regstate_changed();
	return reg;
}

int sipwall_reg_update(struct sipwall_reg *reg, struct sip_str params, struct sip_str call_id,
		       uint32_t cseq, const struct sipwall_peer *peer, uint64_t expires_ms)
{
	char *p = strndup(params.p ? params.p : "", params.len);
	char *c = strndup(call_id.p, call_id.len);

	if (!p || !c || arm(reg, expires_ms)) {
		free(p);
		free(c);
		return -1;
	}
	free(reg->params);
	free(reg->call_id);
	reg->params = p;
	reg->call_id = c;
	reg->cseq = cseq;
	reg->b.peer = *peer;
	reg->b.expires_ms = expires_ms;
	sipwall_regstate_changed();
	return 0;
}

void sipwall_location_foreach(void (*fn)(const struct sipwall_reg *reg, void *ctx), void *ctx)
{
	for (size_t i = 0; i <= aors.mask; i++)
		for (struct sipwall_hnode *n = aors.buckets[i]; n; n = n->next) {
			struct sipwall_aor *aor = container_of(n, struct sipwall_aor, node);

			for (struct sipwall_reg *reg = aor->regs; reg; reg = reg->next)
				fn(reg, ctx);
		}
}

void sipwall_location_uninit(void)
{
	for (size_t i = 0; aors.buckets && i <= aors.mask; i++)
		while (aors.buckets[i]) {
			struct sipwall_aor *aor = container_of(aors.buckets[i], struct sipwall_aor, node);

			while (aor->regs) {
				struct sipwall_reg *reg = aor->regs;

				unlink_reg(reg);
				reg_free(reg);
			}
			sipwall_aor_put(aor);
		}
	sipwall_htab_uninit(&aors);
}

/*
 * The registrar.h lookups. A stream binding whose connection has closed is
 * reached by a new connection to the received address and the Via's
 * sent-by port (RFC 3261 18.2.2), not to the phone's old ephemeral port.
 */
static void fix_lost_flow(struct sipwall_reg *reg)
{
	struct sipwall_peer *p = &reg->b.peer;

	if (p->proto == SIPWALL_PROTO_UDP || (p->conn_id && sipwall_conn_alive(p->conn_id)))
		return;
	if (p->reconnect_len) {
		p->addr = p->reconnect;
		p->addr_len = p->reconnect_len;
	}
	p->conn_id = 0;
}

unsigned int sipwall_location_lookup(const struct sipwall_realm *realm, struct sip_str user,
				     const struct sipwall_binding **out, unsigned int max)
{
	struct sipwall_aor *aor = sipwall_aor_find(realm, user);
	unsigned int n = 0;

	for (struct sipwall_reg *reg = aor ? aor->regs : NULL; reg && n < max; reg = reg->next) {
		fix_lost_flow(reg);
		out[n++] = &reg->b;
	}
	return n;
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

bool sipwall_location_registered_from(const struct sipwall_realm *realm, struct sip_str user,
				      const struct sipwall_peer *from)
{
	struct sipwall_aor *aor = sipwall_aor_find(realm, user);

	for (struct sipwall_reg *reg = aor ? aor->regs : NULL; reg; reg = reg->next)
		if (same_host(&reg->b.peer.addr, &from->addr) ||
		    (reg->b.peer.reconnect_len && same_host(&reg->b.peer.reconnect, &from->addr)))
			return true;
	return false;
}

void sipwall_registrar_print_stats(FILE *out)
{
	const struct sipwall_registrar_stats *s = &sipwall_registrar_stats;

	fprintf(out, "registrations_active %llu\n", (unsigned long long)s->registrations_active);
	fprintf(out, "aors %llu\n", (unsigned long long)s->aors);
	fprintf(out, "register_ok %llu\n", (unsigned long long)s->register_ok);
	fprintf(out, "register_failed %llu\n", (unsigned long long)s->register_failed);
	fprintf(out, "registrations_added %llu\n", (unsigned long long)s->registrations_added);
	fprintf(out, "registrations_refreshed %llu\n", (unsigned long long)s->registrations_refreshed);
	fprintf(out, "registrations_removed %llu\n", (unsigned long long)s->registrations_removed);
	fprintf(out, "registrations_expired %llu\n", (unsigned long long)s->registrations_expired);
	fprintf(out, "state_writes %llu\n", (unsigned long long)s->state_writes);
	fprintf(out, "state_write_errors %llu\n", (unsigned long long)s->state_write_errors);
}

/* realm aor contact flow expires-in: the flow is proto:address, with the connection for streams. */
static void print_binding(const struct sipwall_reg *reg, void *ctx)
{
	const struct sipwall_peer *p = &reg->b.peer;
	uint64_t now = sipwall_now_ms();
	char where[64], conn[32] = "";
	FILE *out = ctx;

	sipwall_addr_format(&p->addr, where, sizeof(where));
	if (p->proto != SIPWALL_PROTO_UDP && p->conn_id && sipwall_conn_alive(p->conn_id))
		snprintf(conn, sizeof(conn), "/conn%llu", (unsigned long long)p->conn_id);
	fprintf(out, "%s %s %s %s:%s%s %llu\n", reg->aor->realm->name, reg->aor->user,
		reg->b.contact, sipwall_proto_name(p->proto), where, conn,
		(unsigned long long)(reg->b.expires_ms > now ? (reg->b.expires_ms - now + 999) / 1000 : 0));
}

void sipwall_registrar_print_bindings(FILE *out)
{
	sipwall_location_foreach(print_binding, out);
}
