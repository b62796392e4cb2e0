// SPDX-License-Identifier: GPL-2.0
/*
 * REGISTER (RFC 3261 section 10.3). A request is checked whole before any
 * binding changes (step 7: all updates commit, or none): expiry intervals
 * (423), Call-ID/CSeq order (500), the per-AOR limit (403). Then bindings
 * are added, refreshed or removed, and the 200 lists every binding the AOR
 * has now, each with the seconds it has left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "location.h"
#include "log.h"
#include "loop.h"
#include "sip_lex.h"

/* sip_msg.h allows no more header values than this: no REGISTER has more Contacts. */
struct item {
	struct sip_contact c;
	uint64_t expires;		/* seconds; 0 removes */
	struct sipwall_reg *reg;	/* the binding it refreshes or removes, if any */
};

static struct item items[SIP_MSG_MAX_HEADERS];
static unsigned int max_registrations = 100000;
/* The Contacts of one 200: room for dozens of long ones within a 64 KB message. */
static char extra[48 * 1024];

static void respond(struct sipwall_txn *st, unsigned int status, const char *reason,
		    const char *hdrs)
{
	if (status == 200)
		sipwall_registrar_stats.register_ok++;
	else
		sipwall_registrar_stats.register_failed++;
	sipwall_txn_respond(st, status, reason, hdrs, SIP_STR(""));
}

int64_t sipwall_registrar_expires(const struct sipwall_realm_registrar_config *cfg,
				  int64_t contact_expires, int64_t header_expires)
{
	int64_t e = contact_expires >= 0 ? contact_expires :
		    header_expires >= 0 ? header_expires : cfg->default_expires;

	if (e && e < cfg->min_expires)
		return -1;
	return e > cfg->max_expires ? cfg->max_expires : e;
}

/* The Contact's header parameters without expires (the 200 adds its own). */
static size_t copy_params(struct sip_str params, char *out, size_t out_size)
{
	const char *p = params.p, *end;
	size_t n = 0;

	out[0] = '\0';
	if (!p)
		return 0;
	end = p + params.len;
	while (p < end) {
		const char *item = p + 1, *next = item;
		struct sip_str name;
		bool quoted = false;

		while (next < end && (*next != ';' || quoted)) {
			quoted ^= *next == '"';
			next++;
		}
		name = sip_str_make(item, (size_t)(next - item));
		if (memchr(name.p, '=', name.len))
			name.len = (size_t)((const char *)memchr(name.p, '=', name.len) - name.p);
		name = sip_str_trim(name);
		if (!sip_str_is_nocase(name, "expires")) {
			if (n + (size_t)(next - p) >= out_size)
				return SIZE_MAX;
			memcpy(out + n, p, (size_t)(next - p));
			n += (size_t)(next - p);
			out[n] = '\0';
		}
		p = next;
	}
	return n;
}

/* The 200: every binding of the AOR with the seconds it has left. */
static void answer_bindings(struct sipwall_txn *st, const struct sipwall_aor *aor)
{
	uint64_t now = sipwall_now_ms();
	size_t n = 0;

	extra[0] = '\0';
	for (const struct sipwall_reg *reg = aor ? aor->regs : NULL; reg; reg = reg->next) {
		uint64_t left = reg->b.expires_ms > now ? (reg->b.expires_ms - now + 999) / 1000 : 0;
		int len = snprintf(extra + n, sizeof(extra) - n, "Contact: <%s>%s;expires=%llu\r\n",
				   reg->b.contact, reg->params, (unsigned long long)left);

		if (len < 0 || (size_t)len >= sizeof(extra) - n) {
			/* 128 Contacts of 1 KB would not fit one message: list what does */
			extra[n] = '\0';
			log_warn("realm %s: the bindings of %s do not fit one answer", aor->realm->name,
				 aor->user);
			break;
		}
		n += (size_t)len;
	}
	respond(st, 200, "OK", extra);
}

/* Contact: * with Expires: 0 (step 6): every binding goes, if none is newer. */
static void remove_all(struct sipwall_txn *st, struct sip_msg *req, struct sipwall_aor *aor)
{
	struct sip_str call_id = req->call_id;

	for (struct sipwall_reg *reg = aor ? aor->regs : NULL; reg; reg = reg->next)
		if (sip_str_eq(sip_str_from_cstr(reg->call_id), call_id) && req->cseq.seq <= reg->cseq) {
			respond(st, 500, "Out Of Order CSeq", NULL);
			return;
		}
	while (aor && aor->regs) {
		struct sipwall_reg *reg = aor->regs;
		bool last = !reg->next;

		sipwall_registrar_stats.registrations_removed++;
		sipwall_reg_remove(reg);	/* frees aor with the last binding */
		if (last)
			aor = NULL;
	}
	respond(st, 200, "OK", NULL);
}

/* Parses the Contacts into items[]; answers and returns -1 if one is bad. */
static int read_contacts(struct sipwall_txn *st, struct sip_msg *req,
			 const struct sipwall_realm_registrar_config *cfg, unsigned int *count,
			 bool *star)
{
	char params[SIPWALL_PARAMS_MAX], hdr[64];
	unsigned int n = 0;

	*star = false;
	for (int i = sip_msg_find(req, SIP_HDR_CONTACT, 0); i >= 0;
	     i = sip_msg_find(req, SIP_HDR_CONTACT, (unsigned int)i + 1)) {
		struct item *it = &items[n];
		int64_t e;

		if (sip_contact_parse(req->headers[i].value, &it->c)) {
			respond(st, 400, "Malformed Contact", NULL);
			return -1;
		}
		if (it->c.star) {
			*star = true;
			n++;
			continue;	/* checked below, whatever its expiry */
		}
		if (it->c.addr.uri.raw.len > SIPWALL_CONTACT_MAX ||
		    copy_params(it->c.addr.params, params, sizeof(params)) == SIZE_MAX) {
			respond(st, 400, "Contact Too Long", NULL);
			return -1;
		}
		e = sipwall_registrar_expires(cfg, it->c.expires, req->expires);
		if (e < 0) {
			snprintf(hdr, sizeof(hdr), "Min-Expires: %u\r\n", cfg->min_expires);
			respond(st, 423, "Interval Too Brief", hdr);
			return -1;
		}
		it->expires = (uint64_t)e;
		for (unsigned int j = 0; j < n; j++)
			if (!items[j].c.star && sip_str_eq(items[j].c.addr.uri.raw, it->c.addr.uri.raw)) {
				respond(st, 400, "Duplicate Contact", NULL);
				return -1;
			}
		n++;
	}
	/* step 6: "*" only alone and only with Expires: 0 */
	if (*star && (n != 1 || req->expires != 0 || items[0].c.expires > 0)) {
		respond(st, 400, "Invalid Contact *", NULL);
		return -1;
	}
	*count = n;
	return 0;
}

void sipwall_registrar_set_limit(unsigned int max)
{
	max_registrations = max;
}

/* Step 7, checked for all Contacts before any is applied. */
static int check_bindings(struct sipwall_txn *st, struct sip_msg *req, struct sipwall_aor *aor,
			  const struct sipwall_realm_registrar_config *cfg, unsigned int n)
{
	unsigned int total = aor ? aor->count : 0, added = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct item *it = &items[i];

		it->reg = aor ? sipwall_reg_find(aor, it->c.addr.uri.raw) : NULL;
		if (it->reg && sip_str_eq(sip_str_from_cstr(it->reg->call_id), req->call_id) &&
		    req->cseq.seq <= it->reg->cseq) {
			respond(st, 500, "Out Of Order CSeq", NULL);
			return -1;
		}
		if (it->reg && !it->expires)
			total--;
		else if (!it->reg && it->expires)
			total++, added++;
	}
	/* a capacity limit, not a policy: another server may have room */
	if (added && sipwall_registrar_stats.registrations_active + added > max_registrations) {
		static uint64_t logged_ms;

		/* a line a minute, not one per REGISTER */
		if (!logged_ms || sipwall_now_ms() - logged_ms >= 60000) {
			logged_ms = sipwall_now_ms() | 1;
			log_warn("registrar full: max_registrations (%u) reached", max_registrations);
		}
		respond(st, 503, "Registrar Full", "Retry-After: 60\r\n");
		return -1;
	}
	/*
	 * 403, not 503: a policy limit that retrying does not lift, and a 503
	 * would send RFC 3263 clients to another server (docs/registrar.md).
	 */
	if (total > cfg->max_contacts) {
		respond(st, 403, "Too Many Contacts", NULL);
		return -1;
	}
	return 0;
}

/* Additions and refreshes first: removing an AOR's last binding frees the AOR. */
static int apply(struct sip_msg *req, struct sipwall_aor *aor, const struct sipwall_peer *from,
		 unsigned int n)
{
	char params[SIPWALL_PARAMS_MAX];

	for (unsigned int i = 0; i < n; i++) {
		struct item *it = &items[i];
		uint64_t expires_ms = sipwall_now_ms() + it->expires * 1000;
		struct sip_str p;

		if (!it->expires)
			continue;
		copy_params(it->c.addr.params, params, sizeof(params));
		p = sip_str_from_cstr(params);
		if (it->reg) {
			if (sipwall_reg_update(it->reg, p, req->call_id, req->cseq.seq, from, expires_ms))
				return -1;
			sipwall_registrar_stats.registrations_refreshed++;
		} else {
			if (!sipwall_reg_add(aor, it->c.addr.uri.raw, p, req->call_id, req->cseq.seq,
					     from, expires_ms))
				return -1;
			sipwall_registrar_stats.registrations_added++;
		}
	}
	for (unsigned int i = 0; i < n; i++)
		if (!items[i].expires && items[i].reg) {
			sipwall_registrar_stats.registrations_removed++;
			sipwall_reg_remove(items[i].reg);
		}
	return 0;
}

static bool adds(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (items[i].expires)
			return true;
	return false;
}

void sipwall_registrar_request(struct sipwall_txn *st, struct sip_msg *req, struct sip_str user)
{
	const struct sipwall_peer *from = sipwall_txn_peer(st);
	struct sipwall_realm *realm = from->realm;
	const struct sipwall_realm_registrar_config *cfg;
	const struct sip_uri *to = &req->to.uri;
	struct sipwall_aor *aor;
	unsigned int n;
	bool star;

	if (!realm->cfg || !realm->cfg->registrar.enabled) {
		respond(st, 403, "Registrar Not Enabled In This Realm", NULL);
		return;
	}
	cfg = &realm->cfg->registrar;
	/* steps 1 and 5: the AOR is a sip(s) URI with a user, in our domain if one is set */
	if ((to->scheme != SIP_URI_SIP && to->scheme != SIP_URI_SIPS) || !to->user.len ||
	    to->user.len > 256) {
		respond(st, 404, "Not Found", NULL);
		return;
	}
	if (cfg->domain && !sip_str_eq_nocase(to->host, sip_str_from_cstr(cfg->domain))) {
		respond(st, 404, "Not Found", NULL);
		return;
	}
	/*
	 * Step 4: an authenticated user changes only its own AOR (the user
	 * part of To, compared as written: user parts are case-sensitive).
	 */
	if (user.len && !sip_str_eq(to->user, user)) {
		log_info("realm %s: " SIP_STR_FMT " may not register " SIP_STR_FMT ": 403",
			 realm->name, SIP_STR_ARG(user), SIP_STR_ARG(to->user));
		respond(st, 403, "Forbidden", NULL);
		return;
	}
	if (req->call_id.len > SIPWALL_CALL_ID_MAX) {
		respond(st, 400, "Call-ID Too Long", NULL);
		return;
	}
	if (read_contacts(st, req, cfg, &n, &star))
		return;
	aor = sipwall_aor_find(realm, to->user);
	if (star) {
		remove_all(st, req, aor);
		return;
	}
	if (check_bindings(st, req, aor, cfg, n))
		return;
	if (adds(n) && !aor) {
		aor = sipwall_aor_get(realm, to->user);
		if (!aor) {
			respond(st, 500, "Out Of Memory", NULL);
			return;
		}
	}
	/* only allocation can fail here, after the checks: then some bindings may be applied */
	if (apply(req, aor, from, n)) {
		log_error("realm %s: out of memory registering " SIP_STR_FMT, realm->name,
			  SIP_STR_ARG(to->user));
		sipwall_aor_put(aor);
		respond(st, 500, "Out Of Memory", NULL);
		return;
	}
	/* the last binding removed freed the AOR */
	answer_bindings(st, sipwall_aor_find(realm, to->user));
}
