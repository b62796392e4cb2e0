// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "auth_gate.h"
#include "b2bua.h"
#include "core.h"
#include "log.h"
#include "registrar.h"
#include "sip_lex.h"
#include "sip_write.h"


/* One message at a time: the loop is single-threaded. */
static struct sip_msg rx;
static bool draining;

void sipwall_core_set_draining(void)
{
	draining = true;
}

static void source_host(const struct sipwall_peer *p, char *out, size_t out_size)
{
	const void *a = p->addr.ss_family == AF_INET6 ?
			(const void *)&((const struct sockaddr_in6 *)&p->addr)->sin6_addr :
			(const void *)&((const struct sockaddr_in *)&p->addr)->sin_addr;

	inet_ntop(p->addr.ss_family, a, out, (socklen_t)out_size);
}

static uint16_t source_port(const struct sipwall_peer *p)
{
	return ntohs(p->addr.ss_family == AF_INET6 ?
		     ((const struct sockaddr_in6 *)&p->addr)->sin6_port :
		     ((const struct sockaddr_in *)&p->addr)->sin_port);
}

static void set_port_of(struct sockaddr_storage *a, uint16_t port)
{
	if (a->ss_family == AF_INET6)
		((struct sockaddr_in6 *)a)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)a)->sin_port = htons(port);
}

static void set_port(struct sipwall_peer *p, uint16_t port)
{
	set_port_of(&p->addr, port);
}

/* Drops ;received and ;rport from a Via parameter run, keeping the rest. */
static void copy_other_params(struct sip_str params, char *out, size_t out_size)
{
	const char *p = params.p, *end = params.p + params.len;
	size_t n = 0;

	out[0] = '\0';
	while (p < end) {
		const char *item = p + 1, *next = item, *name_end;
		struct sip_str name;

		while (next < end && *next != ';')
			next++;
		for (name_end = item; name_end < next && *name_end != '='; name_end++)
			;
		name = sip_str_trim(sip_str_make(item, (size_t)(name_end - item)));
		if (!sip_str_is_nocase(name, "received") && !sip_str_is_nocase(name, "rport") &&
		    n + (size_t)(next - p) < out_size) {
			memcpy(out + n, p, (size_t)(next - p));
			n += (size_t)(next - p);
			out[n] = '\0';
		}
		p = next;
	}
}

/*
 * RFC 3261 18.2.1 and RFC 3581: stamp the top Via with the address the
 * request really came from, and aim the answer there. Over UDP the answer
 * goes to the source address, and to the source port if the client asked
 * for rport (the NAT case), else to the port of sent-by.
 */
static void stamp_via(struct sip_msg *m, struct sipwall_peer *reply)
{
	char host[INET6_ADDRSTRLEN], params[768], sent_by_port[8] = "", rport[16] = "";
	int top = sip_msg_find(m, SIP_HDR_VIA, 0);
	struct sip_str sent_by_host = m->via.host, value;
	bool differs;

	source_host(reply, host, sizeof(host));
	if (reply->proto != SIPWALL_PROTO_UDP) {
		reply->reconnect = reply->addr;
		reply->reconnect_len = reply->addr_len;
		set_port_of(&reply->reconnect, m->via.port ? m->via.port :
			    reply->proto == SIPWALL_PROTO_TLS ? 5061 : 5060);
	}
	if (sent_by_host.len && sent_by_host.p[0] == '[')
		sent_by_host = sip_str_make(sent_by_host.p + 1, sent_by_host.len - 2);
	differs = !sip_str_eq(sent_by_host, sip_str_from_cstr(host));
	if (reply->proto == SIPWALL_PROTO_UDP && !m->via.has_rport)
		set_port(reply, m->via.port ? m->via.port : 5060);
	if (!differs && !m->via.has_rport)
		return;
	copy_other_params(m->via.params, params, sizeof(params));
	if (m->via.port)
		snprintf(sent_by_port, sizeof(sent_by_port), ":%u", m->via.port);
	if (m->via.has_rport)
		snprintf(rport, sizeof(rport), ";rport=%u", source_port(reply));
	value = sip_msg_store(m, SIP_STR_FMT " " SIP_STR_FMT "%s%s;received=%s%s",
			      SIP_STR_ARG(m->via.protocol), SIP_STR_ARG(m->via.host),
			      sent_by_port, params, host, rport);
	if (value.p && top >= 0)
		sip_msg_header_set(m, (unsigned int)top, value);
}

/* The header table (not the parsed fields: a failing parser may have half-set them). */
static bool answerable(const struct sip_msg *m)
{
	static const enum sip_hdr_id needed[] = {
		SIP_HDR_VIA, SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CALL_ID, SIP_HDR_CSEQ,
	};

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (sip_msg_find(m, needed[i], 0) < 0)
			return false;
	return true;
}

void sipwall_core_receive(const struct sipwall_peer *from, char *buf, size_t len)
{
	struct sipwall_peer reply = *from;
	enum sip_transport_kind framing = from->proto == SIPWALL_PROTO_UDP ?
					  SIP_FRAMING_DATAGRAM : SIP_FRAMING_STREAM;
	char where[64];

	sipwall_stats.rx_messages++;
	if (sip_msg_parse(&rx, buf, len, framing)) {
		sipwall_addr_format(&from->addr, where, sizeof(where));
		if (!rx.is_request && len >= 4 && !strncmp(rx.raw.p ? rx.raw.p : buf, "SIP/", 4)) {
			sipwall_stats.rx_bad_responses++;
			log_debug("realm %s: dropping a malformed response from %s: %s",
				  from->realm->name, where, rx.error_reason);
			return;
		}
		sipwall_stats.rx_bad_requests++;
		log_info("realm %s: bad request from %s:%s: %u %s", from->realm->name,
			 sipwall_proto_name(from->proto), where, rx.error_status, rx.error_reason);
		/*
		 * Answerable only if what a response must copy (Via, From, To,
		 * Call-ID, CSeq) was read before the fault; otherwise an answer
		 * would itself be malformed, and the request is only counted.
		 */
		if (rx.is_request && answerable(&rx)) {
			stamp_via(&rx, &reply);
			sipwall_reply_stateless(&rx, &reply, rx.error_status, rx.error_reason);
		}
		return;
	}
	if (!rx.is_request) {
		sipwall_txn_receive_response(&rx, from);
		return;
	}
	stamp_via(&rx, &reply);
	sipwall_txn_receive_request(&rx, &reply);
}

static bool scheme_supported(const struct sip_msg *req)
{
	return req->request_uri.scheme == SIP_URI_SIP || req->request_uri.scheme == SIP_URI_SIPS ||
	       req->request_uri.scheme == SIP_URI_TEL;
}

/* Where a request goes once it may go on (the auth gate passed it, or it needed none). */
static void route_request(struct sipwall_txn *st, struct sip_msg *req, struct sip_str user)
{
	switch (req->method) {
	case SIP_METHOD_REGISTER:
		sipwall_registrar_request(st, req, user);
		break;
	case SIP_METHOD_OPTIONS:
		/* RFC 3261 11.2: capabilities, answered even at Max-Forwards 0 */
		if (!req->to.tag.len) {
			sipwall_txn_respond(st, 200, "OK", SIPWALL_ALLOW SIPWALL_SUPPORTED
					    "Accept: application/sdp\r\n", SIP_STR(""));
			break;
		}
		/* OPTIONS inside a dialog is the other side's to answer */
		sipwall_b2bua_request(st, req, user);
		break;
	default:
		sipwall_b2bua_request(st, req, user);
		break;
	}
}

static bool needs_gate(const struct sip_msg *req)
{
	if (req->to.tag.len)
		return false;	/* inside a dialog the gate already passed */
	return req->method != SIP_METHOD_ACK && req->method != SIP_METHOD_CANCEL &&
	       req->method != SIP_METHOD_OPTIONS;
}

/*
 * RFC 3261 8.2.2.3: the extensions a request requires that the B2BUA does
 * not relay (it relays 100rel and timer end to end), as "Unsupported: ..."
 * lines in out; false if there are none.
 */
static bool unsupported(const struct sip_msg *req, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < req->header_count; i++) {
		struct sip_str rest = req->headers[i].value, token;

		if (req->headers[i].id != SIP_HDR_REQUIRE)
			continue;
		while (sip_list_next(&rest, &token) > 0) {
			token = sip_str_trim(token);
			if (sip_str_is_nocase(token, "100rel") || sip_str_is_nocase(token, "timer"))
				continue;
			if (token.len < 128 && n + token.len + 20 < size)
				n += (size_t)snprintf(out + n, size - n, "Unsupported: " SIP_STR_FMT "\r\n",
						      SIP_STR_ARG(token));
			else if (!n)
				n += (size_t)snprintf(out, size, "Unsupported: unknown\r\n");
		}
	}
	return n > 0;
}

static void core_request(struct sipwall_txn *st, struct sip_msg *req)
{
	char extra[512];

	/* draining: no new calls, but the calls still up may end properly */
	if (draining && !req->to.tag.len) {
		sipwall_txn_respond(st, 503, "Service Unavailable", "Retry-After: 5\r\n", SIP_STR(""));
		return;
	}
	if (!scheme_supported(req)) {
		sipwall_txn_respond(st, 416, "Unsupported URI Scheme", NULL, SIP_STR(""));
		return;
	}
	if (req->method != SIP_METHOD_CANCEL && unsupported(req, extra, sizeof(extra))) {
		sipwall_txn_respond(st, 420, "Bad Extension", extra, SIP_STR(""));
		return;
	}
	if (req->max_forwards == 0 && req->method != SIP_METHOD_OPTIONS) {
		sipwall_txn_respond(st, 483, "Too Many Hops", NULL, SIP_STR(""));
		return;
	}
	if (needs_gate(req))
		sipwall_auth_gate(st, req, route_request);
	else
		route_request(st, req, SIP_STR(""));
}

static void core_ack(struct sip_msg *ack, const struct sipwall_peer *from)
{
	sipwall_b2bua_ack(ack, from);
}

static void core_cancelled(struct sipwall_txn *st)
{
	sipwall_auth_gate_forget(st);
	sipwall_b2bua_cancelled(st);
}

const struct sipwall_txn_tu sipwall_core_tu = {
	.request = core_request,
	.ack = core_ack,
	.cancelled = core_cancelled,
};
