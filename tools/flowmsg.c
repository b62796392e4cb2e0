// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "flowmsg.h"

enum field {
	F_ID, F_SESSION, F_IN, F_FROM, F_LATCHED, F_OUT, F_TO, F_DSCP,
	F_TIMEOUT, F_IDLE, F_PACKETS, F_BYTES, F_DROP_SOURCE, F_DROP_ROUTE,
	F_DROP_ERROR, F_PASSED, F_SRTP_AUTH, F_SRTP_REPLAY, F_SRTP_IN, F_SRTP_OUT,
};

static const enum field list_order[] = {
	F_ID, F_SESSION, F_IN, F_FROM, F_LATCHED, F_OUT, F_TO, F_DSCP,
	F_TIMEOUT, F_IDLE, F_PACKETS, F_BYTES, F_DROP_SOURCE, F_DROP_ROUTE,
	F_DROP_ERROR, F_PASSED, F_SRTP_AUTH, F_SRTP_REPLAY, F_SRTP_IN, F_SRTP_OUT,
};

/* What a reader of events wants first: which flow, and what it carried. */
static const enum field event_order[] = {
	F_ID, F_SESSION, F_IN, F_PACKETS, F_BYTES, F_FROM, F_LATCHED, F_OUT,
	F_TO, F_DSCP, F_TIMEOUT, F_IDLE, F_DROP_SOURCE, F_DROP_ROUTE,
	F_DROP_ERROR, F_PASSED, F_SRTP_AUTH, F_SRTP_REPLAY, F_SRTP_IN, F_SRTP_OUT,
};

#define N_FIELDS (sizeof(list_order) / sizeof(list_order[0]))

/* The counter each stat field shows; its name is the kernel's (uapi). */
static const enum sipwall_fstat_attr stat_fields[] = {
	[F_PACKETS] = SIPWALL_FSTAT_PACKETS,
	[F_BYTES] = SIPWALL_FSTAT_BYTES,
	[F_DROP_SOURCE] = SIPWALL_FSTAT_DROP_SOURCE,
	[F_DROP_ROUTE] = SIPWALL_FSTAT_DROP_ROUTE,
	[F_DROP_ERROR] = SIPWALL_FSTAT_DROP_ERROR,
	[F_PASSED] = SIPWALL_FSTAT_PASSED,
	[F_SRTP_AUTH] = SIPWALL_FSTAT_SRTP_AUTH,
	[F_SRTP_REPLAY] = SIPWALL_FSTAT_SRTP_REPLAY,
};
static const char *const fstat_names[SIPWALL_FSTAT_MAX + 1] = SIPWALL_FSTAT_NAMES;

void flowmsg_put_endpoint(struct nlmsghdr *nlh, uint16_t type,
			  const struct endpoint *ep)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	if (ep->family == AF_INET6)
		mnl_attr_put(nlh, SIPWALL_EP_A_ADDR6, sizeof(ep->addr.v6), &ep->addr.v6);
	else
		mnl_attr_put(nlh, SIPWALL_EP_A_ADDR4, sizeof(ep->addr.v4), &ep->addr.v4);
	mnl_attr_put_u16(nlh, SIPWALL_EP_A_PORT, ep->port);
	mnl_attr_nest_end(nlh, nest);
}

static int parse_endpoint_attr(const struct nlattr *nest, struct endpoint *ep)
{
	const struct nlattr *attr;

	memset(ep, 0, sizeof(*ep));
	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case SIPWALL_EP_A_ADDR4:
			if (mnl_attr_get_payload_len(attr) != sizeof(ep->addr.v4))
				return -1;
			ep->family = AF_INET;
			memcpy(&ep->addr.v4, mnl_attr_get_payload(attr), sizeof(ep->addr.v4));
			break;
		case SIPWALL_EP_A_ADDR6:
			if (mnl_attr_get_payload_len(attr) != sizeof(ep->addr.v6))
				return -1;
			ep->family = AF_INET6;
			memcpy(&ep->addr.v6, mnl_attr_get_payload(attr), sizeof(ep->addr.v6));
			break;
		case SIPWALL_EP_A_PORT:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
				return -1;
			ep->port = mnl_attr_get_u16(attr);
			break;
		}
	}
	return ep->family ? 0 : -1;
}

static int parse_srtp_attr(const struct nlattr *nest, uint32_t *suite)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) != SIPWALL_SRTP_A_SUITE)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return -1;
		*suite = mnl_attr_get_u32(attr);
	}
	return 0;
}

static int parse_stats_attr(const struct nlattr *nest, uint64_t *stats)
{
	const struct nlattr *attr;
	uint16_t type;

	mnl_attr_for_each_nested(attr, nest) {
		type = mnl_attr_get_type(attr);
		if (type > SIPWALL_FSTAT_MAX || type == SIPWALL_FSTAT_PAD)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return -1;
		stats[type] = mnl_attr_get_u64(attr);
	}
	return 0;
}

/* Attributes this version does not know are skipped: newer kernels may add some. */
int flowmsg_parse(const struct nlattr *nest, struct flow_info *fi)
{
	const struct nlattr *attr;
	int ret = 0;

	memset(fi, 0, sizeof(*fi));
	fi->dscp = -1;
	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case SIPWALL_FLOW_A_ID:
			ret = mnl_attr_validate(attr, MNL_TYPE_U32);
			if (!ret)
				fi->id = mnl_attr_get_u32(attr);
			break;
		case SIPWALL_FLOW_A_LOCAL:
			ret = parse_endpoint_attr(attr, &fi->local);
			break;
		case SIPWALL_FLOW_A_SOURCE:
			ret = parse_endpoint_attr(attr, &fi->source);
			break;
		case SIPWALL_FLOW_A_LATCHED:
			ret = parse_endpoint_attr(attr, &fi->latched);
			break;
		case SIPWALL_FLOW_A_OUT_LOCAL:
			ret = parse_endpoint_attr(attr, &fi->out_local);
			break;
		case SIPWALL_FLOW_A_OUT_PEER:
			ret = parse_endpoint_attr(attr, &fi->out_peer);
			break;
		case SIPWALL_FLOW_A_SESSION:
			ret = mnl_attr_validate(attr, MNL_TYPE_U64);
			if (!ret)
				fi->session = mnl_attr_get_u64(attr);
			break;
		case SIPWALL_FLOW_A_FLAGS:
			ret = mnl_attr_validate(attr, MNL_TYPE_U32);
			if (!ret)
				fi->flags = mnl_attr_get_u32(attr);
			break;
		case SIPWALL_FLOW_A_DSCP:
			ret = mnl_attr_validate(attr, MNL_TYPE_U8);
			if (!ret)
				fi->dscp = mnl_attr_get_u8(attr);
			break;
		case SIPWALL_FLOW_A_TIMEOUT:
			ret = mnl_attr_validate(attr, MNL_TYPE_U32);
			if (!ret)
				fi->timeout = mnl_attr_get_u32(attr);
			break;
		case SIPWALL_FLOW_A_IDLE_MS:
			ret = mnl_attr_validate(attr, MNL_TYPE_U64);
			if (!ret)
				fi->idle_ms = mnl_attr_get_u64(attr);
			break;
		case SIPWALL_FLOW_A_SRTP_IN:
			ret = parse_srtp_attr(attr, &fi->srtp_in);
			break;
		case SIPWALL_FLOW_A_SRTP_OUT:
			ret = parse_srtp_attr(attr, &fi->srtp_out);
			break;
		case SIPWALL_FLOW_A_STATS:
			ret = parse_stats_attr(attr, fi->stats);
			break;
		}
		if (ret)
			return -1;
	}
	return fi->local.family ? 0 : -1;
}

static void print_endpoint(struct out *o, const char *key,
			   const struct endpoint *ep)
{
	char buf[ENDPOINT_STRLEN];

	if (!ep->family) {
		out_str(o, key, NULL);
		return;
	}
	endpoint_format(ep, buf);
	out_str(o, key, buf);
}

/* A suite this version does not know is shown by number. */
static void print_suite(struct out *o, const char *key, uint32_t suite)
{
	char buf[sizeof("suite-4294967295")];
	const char *name = suite_name(suite);

	if (suite == SIPWALL_SRTP_NONE) {
		out_str(o, key, NULL);
		return;
	}
	if (!name) {
		snprintf(buf, sizeof(buf), "suite-%u", suite);
		name = buf;
	}
	out_str(o, key, name);
}

static void print_field(struct out *o, const struct flow_info *fi, enum field f)
{
	switch (f) {
	case F_ID:
		out_u64(o, "id", fi->id);
		break;
	case F_SESSION:
		out_u64(o, "session", fi->session);
		break;
	case F_IN:
		print_endpoint(o, "in", &fi->local);
		break;
	case F_FROM:
		if (fi->flags & SIPWALL_FLOW_F_LEARN)
			out_str(o, "from", "learn");
		else
			print_endpoint(o, "from", &fi->source);
		break;
	case F_LATCHED:
		print_endpoint(o, "latched", &fi->latched);
		break;
	case F_OUT:
		print_endpoint(o, "out", &fi->out_local);
		break;
	case F_TO:
		print_endpoint(o, "to", &fi->out_peer);
		break;
	case F_DSCP:
		if (fi->dscp < 0)
			out_str(o, "dscp", NULL);
		else
			out_u64(o, "dscp", fi->dscp);
		break;
	case F_TIMEOUT:
		out_u64(o, "timeout", fi->timeout);
		break;
	case F_IDLE:
		out_u64(o, "idle_ms", fi->idle_ms);
		break;
	case F_SRTP_IN:
		print_suite(o, "srtp_in", fi->srtp_in);
		break;
	case F_SRTP_OUT:
		print_suite(o, "srtp_out", fi->srtp_out);
		break;
	default:
		out_u64(o, fstat_names[stat_fields[f]], fi->stats[stat_fields[f]]);
	}
}

void flowmsg_print(struct out *o, const struct flow_info *fi)
{
	size_t i;

	out_record_begin(o, OUT_LINE, "flow");
	for (i = 0; i < N_FIELDS; i++)
		print_field(o, fi, list_order[i]);
	out_record_end(o);
}

void flowmsg_print_event(struct out *o, const char *event,
			 const struct flow_info *fi)
{
	size_t i;

	out_record_begin(o, OUT_LINE, NULL);
	out_tag(o, "event", event);
	for (i = 0; i < N_FIELDS; i++)
		print_field(o, fi, event_order[i]);
	out_record_end(o);
}

int flowmsg_print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;
	struct flow_info fi;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != SIPWALL_A_FLOW)
			continue;
		if (flowmsg_parse(attr, &fi)) {
			errno = EBADMSG;
			return MNL_CB_ERROR;
		}
		flowmsg_print(data, &fi);
	}
	return MNL_CB_OK;
}
