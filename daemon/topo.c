// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_lex.h"
#include "sip_write.h"
#include "topo.h"

/*
 * End-to-end headers: they describe the session or the request's content,
 * not the path or the parties' software. Anything not named here stays in
 * its realm (Via, Route, Record-Route, Path, Contact, Server, User-Agent,
 * Organization, Call-Info, Warning, P-*, unknown headers, ...).
 */
static const char *const crossing[] = {
	"Content-Type", "Content-Disposition", "Content-Encoding", "Content-Language",
	"Accept", "Accept-Encoding", "Accept-Language", "Allow", "Allow-Events",
	"Supported", "Require", "Unsupported", "Session-Expires", "Min-SE", "Event",
	"Subscription-State", "Refer-To", "Referred-By", "Expires", "Reason", "Subject",
	"Priority", "Privacy", "Date", "Retry-After", "Min-Expires", "Alert-Info",
};

/* The extensions sipwalld relays end to end (RFC 3262, RFC 4028). */
static const char *const extensions[] = { "100rel", "timer" };

static struct sip_str header_name(const struct sip_header *h)
{
	const char *canonical = sip_hdr_name(h->id);

	if (canonical)
		return sip_str_from_cstr(canonical);
	/* compact forms of headers the parser does not know by id */
	if (sip_str_is_nocase(h->name, "u"))
		return SIP_STR("Allow-Events");
	return h->name;
}

bool sipwall_topo_crosses(const struct sipwall_realm_b2bua_config *into,
			  const struct sip_header *h)
{
	struct sip_str name = header_name(h);
	bool listed = false;

	switch (h->id) {
	case SIP_HDR_DELETED:
	case SIP_HDR_VIA:
	case SIP_HDR_FROM:
	case SIP_HDR_TO:
	case SIP_HDR_CALL_ID:
	case SIP_HDR_CSEQ:
	case SIP_HDR_MAX_FORWARDS:
	case SIP_HDR_CONTACT:
	case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE:
	case SIP_HDR_PATH:
	case SIP_HDR_CONTENT_LENGTH:
	case SIP_HDR_AUTHORIZATION:
	case SIP_HDR_PROXY_AUTHORIZATION:
	case SIP_HDR_WWW_AUTHENTICATE:
	case SIP_HDR_PROXY_AUTHENTICATE:
	case SIP_HDR_PROXY_REQUIRE:
		return false;	/* per hop, or rebuilt per leg */
	default:
		break;
	}
	/* rebuilt per leg by the B2BUA itself (RFC 3262 numbering, identity policy) */
	if (sip_str_is_nocase(name, "RSeq") || sip_str_is_nocase(name, "RAck") ||
	    sip_str_is_nocase(name, "P-Asserted-Identity"))
		return false;
	if (into && sipwall_header_globs_match(&into->strip_headers, name))
		return false;
	for (size_t i = 0; i < sizeof(crossing) / sizeof(crossing[0]) && !listed; i++)
		listed = sip_str_eq_nocase(name, sip_str_from_cstr(crossing[i]));
	return listed || (into && sipwall_header_globs_match(&into->pass_headers, name));
}

static bool supported_extension(struct sip_str token)
{
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if (sip_str_eq_nocase(token, sip_str_from_cstr(extensions[i])))
			return true;
	return false;
}

/* Supported/Require: only what we relay; nothing if none of it is left. */
static void copy_extensions(struct sip_buf *out, struct sip_str name, struct sip_str value)
{
	struct sip_str rest = value, token;
	bool first = true;

	while (sip_list_next(&rest, &token) > 0) {
		token = sip_str_trim(token);
		if (!supported_extension(token))
			continue;
		if (first)
			sip_buf_printf(out, SIP_STR_FMT ": ", SIP_STR_ARG(name));
		else
			sip_buf_append(out, ", ", 2);
		sip_buf_str(out, token);
		first = false;
	}
	if (!first)
		sip_buf_append(out, "\r\n", 2);
}

void sipwall_topo_copy(struct sip_buf *out, const struct sip_msg *src,
		       const struct sipwall_realm_b2bua_config *into)
{
	for (unsigned int i = 0; i < src->header_count; i++) {
		const struct sip_header *h = &src->headers[i];

		if (!sipwall_topo_crosses(into, h))
			continue;
		if (h->id == SIP_HDR_SUPPORTED || h->id == SIP_HDR_REQUIRE) {
			copy_extensions(out, header_name(h), h->value);
			continue;
		}
		sip_buf_printf(out, SIP_STR_FMT ": " SIP_STR_FMT "\r\n", SIP_STR_ARG(header_name(h)),
			       SIP_STR_ARG(h->value));
	}
}

static void format_addr(const struct sockaddr_storage *ss, uint16_t port, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "0.0.0.0";

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, host, sizeof(host));
		snprintf(out, size, "[%s]:%u", host, port);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, host, sizeof(host));
		snprintf(out, size, "%s:%u", host, port);
	}
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port :
						  ((const struct sockaddr_in *)ss)->sin_port);
}

void sipwall_topo_leg_addr(struct sipwall_leg *leg)
{
	const struct sipwall_realm_config *rc = leg->realm->cfg;
	const struct sipwall_endpoint *best = NULL;
	const struct sipwall_realm_b2bua_config *b = &rc->b2bua;

	/* the listener of the transport and family used, else of the transport */
	for (unsigned int i = 0; i < rc->listen_count; i++) {
		const struct sipwall_endpoint *ep = &rc->listen[i];

		if (ep->proto != leg->peer.proto)
			continue;
		if (!best || ep->addr.ss_family == leg->peer.addr.ss_family)
			best = ep;
		if (ep->addr.ss_family == leg->peer.addr.ss_family)
			break;
	}
	if (!best && rc->listen_count)
		best = &rc->listen[0];
	if (b->advertise_host)
		snprintf(leg->via_addr, sizeof(leg->via_addr), "%s:%u", b->advertise_host,
			 (unsigned int)(b->advertise_port ? b->advertise_port :
					best ? port_of(&best->addr) : 5060));
	else if (best)
		format_addr(&best->addr, port_of(&best->addr), leg->via_addr, sizeof(leg->via_addr));
	else
		snprintf(leg->via_addr, sizeof(leg->via_addr), "invalid");
}

static const char *transport_param(enum sipwall_proto proto)
{
	return proto == SIPWALL_PROTO_TCP ? ";transport=tcp" :
	       proto == SIPWALL_PROTO_TLS ? ";transport=tls" : "";
}

void sipwall_topo_contact(struct sip_buf *out, const struct sipwall_leg *leg)
{
	sip_buf_printf(out, "Contact: <sip:%s%s>\r\n", leg->via_addr, transport_param(leg->peer.proto));
}

char *sipwall_topo_identity_host(const struct sipwall_leg *leg)
{
	const struct sipwall_realm_b2bua_config *b = &leg->realm->cfg->b2bua;
	const char *colon;

	if (b->identity_host)
		return strdup(b->identity_host);
	/* our address without the port */
	colon = leg->via_addr[0] == '[' ? strstr(leg->via_addr, "]:") + 1 : strrchr(leg->via_addr, ':');
	return colon ? strndup(leg->via_addr, (size_t)(colon - leg->via_addr)) : strdup(leg->via_addr);
}

char *sipwall_topo_name_addr(const struct sip_name_addr *na)
{
	char *out = NULL;

	if (na->display.len) {
		if (asprintf(&out, "\"" SIP_STR_FMT "\" <" SIP_STR_FMT ">", SIP_STR_ARG(na->display),
			     SIP_STR_ARG(na->uri.raw)) < 0)
			return NULL;
	} else if (asprintf(&out, "<" SIP_STR_FMT ">", SIP_STR_ARG(na->uri.raw)) < 0) {
		return NULL;
	}
	return out;
}

static const char *proto_upper(enum sipwall_proto proto)
{
	return proto == SIPWALL_PROTO_TCP ? "TCP" : proto == SIPWALL_PROTO_TLS ? "TLS" : "UDP";
}

int sipwall_topo_request(struct sip_buf *out, const struct sipwall_leg *leg,
			 const struct sipwall_topo_req *r)
{
	bool contact = !strcmp(r->method, "INVITE") || !strcmp(r->method, "UPDATE") ||
		       !strcmp(r->method, "SUBSCRIBE") || !strcmp(r->method, "NOTIFY") ||
		       !strcmp(r->method, "REFER");
	char branch[40];

	sipwall_txn_branch(branch);
	sip_buf_printf(out, "%s %s SIP/2.0\r\nVia: SIP/2.0/%s %s;branch=%s;rport\r\n"
		       "Max-Forwards: %d\r\n", r->method, r->ruri ? r->ruri : leg->remote_target,
		       proto_upper(leg->peer.proto), leg->via_addr, branch, r->max_forwards);
	if (leg->route)
		sip_buf_cstr(out, leg->route);
	sip_buf_printf(out, "From: %s;tag=%s\r\nTo: %s", leg->local_uri, leg->local_tag,
		       leg->remote_uri);
	/* a peer's answer without a To tag (RFC 3261 violation) leaves it empty */
	if (leg->remote_tag && *leg->remote_tag)
		sip_buf_printf(out, ";tag=%s", leg->remote_tag);
	sip_buf_printf(out, "\r\nCall-ID: %s\r\nCSeq: %u %s\r\n", leg->call_id, r->cseq, r->method);
	if (contact)
		sipwall_topo_contact(out, leg);
	if (r->src)
		sipwall_topo_copy(out, r->src, &leg->realm->cfg->b2bua);
	if (r->extra)
		sip_buf_cstr(out, r->extra);
	sip_buf_printf(out, "Content-Length: %zu\r\n\r\n", r->body.len);
	sip_buf_str(out, r->body);
	return out->failed ? -1 : 0;
}
