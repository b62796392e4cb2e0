/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * sipwall: the contract between sipwall.ko and userspace (sipwalld, sipwallctl).
 *
 * Transport: generic netlink family SIPWALL_GENL_NAME, version
 * SIPWALL_GENL_VERSION. Every command, and joining the events group, needs
 * CAP_NET_ADMIN in the user namespace that owns the caller's network
 * namespace; every network namespace has its own flow table, configuration
 * and counters.
 *
 * All attributes are validated strictly: an unknown attribute, a wrong
 * length, a value outside its range or a flag outside its __ALL mask is
 * refused with EINVAL (or ERANGE) and an extended-ack message that names it.
 *
 * Commands
 * --------
 * SIPWALL_CMD_FLOW_NEW     request: A_FLOW with FLOW_A_LOCAL, FLOW_A_OUT_LOCAL,
 *                          FLOW_A_OUT_PEER, and FLOW_A_SOURCE or
 *                          SIPWALL_FLOW_F_LEARN; optional FLOW_A_SESSION,
 *                          FLOW_A_DSCP, FLOW_A_TIMEOUT (absent: 0, never
 *                          expires), FLOW_A_SRTP_IN, FLOW_A_SRTP_OUT.
 *                          EEXIST if FLOW_A_LOCAL is taken. With NLM_F_ECHO
 *                          the kernel answers (command FLOW_NEW) with the
 *                          flow as FLOW_GET shows it (including FLOW_A_ID).
 * SIPWALL_CMD_FLOW_DEL     request: A_FLOW with FLOW_A_LOCAL. ENOENT if none.
 * SIPWALL_CMD_FLOW_GET     do: A_FLOW with FLOW_A_LOCAL, answers one flow.
 *                          dump (NLM_F_DUMP): every flow, or only those of
 *                          SIPWALL_A_SESSION. Dumps resume by flow id, so a
 *                          flow that exists for the whole dump is listed
 *                          exactly once; NLM_F_DUMP_INTR marks a dump during
 *                          which the table changed.
 * SIPWALL_CMD_FLOW_FLUSH   request: optional SIPWALL_A_SESSION. Deletes every
 *                          flow (of that session). Answer (command
 *                          FLOW_FLUSH): A_FLUSHED, a count.
 * SIPWALL_CMD_STATS_GET    answers A_STATS (nested SIPWALL_STAT_*, all u64).
 * SIPWALL_CMD_CONFIG_SET   request: A_CONFIG with any of SIPWALL_CONFIG_A_*.
 * SIPWALL_CMD_CONFIG_GET   answers A_CONFIG.
 * SIPWALL_CMD_FLOW_EXPIRED event only, on multicast group
 *                          SIPWALL_GENL_MCGRP_EVENTS: A_FLOW of a flow the
 *                          kernel removed after FLOW_A_TIMEOUT seconds
 *                          without a packet (with its final counters).
 *
 * Addresses (SIPWALL_EP_A_*) are network byte order; ports are host order.
 */
#ifndef _UAPI_LINUX_SIPWALL_H
#define _UAPI_LINUX_SIPWALL_H

#define SIPWALL_GENL_NAME		"sipwall"
#define SIPWALL_GENL_VERSION		1
#define SIPWALL_GENL_MCGRP_EVENTS	"events"

/* Limits the kernel enforces. */
#define SIPWALL_TIMEOUT_MAX		86400	/* seconds; 0 = never expire */
#define SIPWALL_DSCP_MAX		63
#define SIPWALL_SRTP_MASTER_KEY_MAX	32	/* bytes (AES-256) */
#define SIPWALL_SRTP_MASTER_SALT_MAX	14	/* bytes */

enum sipwall_cmd {
	SIPWALL_CMD_UNSPEC,
	SIPWALL_CMD_FLOW_NEW,
	SIPWALL_CMD_FLOW_DEL,
	SIPWALL_CMD_FLOW_GET,
	SIPWALL_CMD_FLOW_FLUSH,
	SIPWALL_CMD_FLOW_EXPIRED,
	SIPWALL_CMD_STATS_GET,
	SIPWALL_CMD_CONFIG_SET,
	SIPWALL_CMD_CONFIG_GET,
	__SIPWALL_CMD_MAX
};
#define SIPWALL_CMD_MAX (__SIPWALL_CMD_MAX - 1)

/* Top-level attributes. */
enum sipwall_attr {
	SIPWALL_A_UNSPEC,
	SIPWALL_A_FLOW,		/* nested SIPWALL_FLOW_A_* */
	SIPWALL_A_SESSION,	/* u64: filter for FLOW_GET dump and FLOW_FLUSH */
	SIPWALL_A_STATS,	/* nested SIPWALL_STAT_* (answers only) */
	SIPWALL_A_CONFIG,	/* nested SIPWALL_CONFIG_A_* */
	SIPWALL_A_FLUSHED,	/* u32: flows deleted by FLOW_FLUSH (answer) */
	SIPWALL_A_PAD,
	__SIPWALL_A_MAX
};
#define SIPWALL_A_MAX (__SIPWALL_A_MAX - 1)

/* An endpoint: exactly one of ADDR4/ADDR6, and PORT (1..65535). */
enum sipwall_ep_attr {
	SIPWALL_EP_A_UNSPEC,
	SIPWALL_EP_A_ADDR4,	/* 4 bytes, network order */
	SIPWALL_EP_A_ADDR6,	/* 16 bytes, network order */
	SIPWALL_EP_A_PORT,	/* u16, host order */
	__SIPWALL_EP_A_MAX
};
#define SIPWALL_EP_A_MAX (__SIPWALL_EP_A_MAX - 1)

/* Flow flags (SIPWALL_FLOW_A_FLAGS). Bits outside __ALL are refused. */
enum sipwall_flow_flag {
	/* Latch the first source seen, then drop packets from any other. */
	SIPWALL_FLOW_F_LEARN = 1U << 0,
	SIPWALL_FLOW_F__ALL = SIPWALL_FLOW_F_LEARN,
};

/*
 * One flow: one direction of one media stream. Packets arriving at LOCAL
 * from SOURCE (or the latched source) are sent from OUT_LOCAL to OUT_PEER.
 */
enum sipwall_flow_attr {
	SIPWALL_FLOW_A_UNSPEC,
	SIPWALL_FLOW_A_ID,		/* u32, read-only: assigned by the kernel */
	SIPWALL_FLOW_A_LOCAL,		/* nested EP: the match key */
	SIPWALL_FLOW_A_SOURCE,		/* nested EP: expected source */
	SIPWALL_FLOW_A_OUT_LOCAL,	/* nested EP: send from */
	SIPWALL_FLOW_A_OUT_PEER,	/* nested EP: send to */
	SIPWALL_FLOW_A_SESSION,		/* u64: groups the flows of one call */
	SIPWALL_FLOW_A_FLAGS,		/* u32: SIPWALL_FLOW_F_* */
	SIPWALL_FLOW_A_DSCP,		/* u8 0..63; absent: keep the packet's */
	SIPWALL_FLOW_A_TIMEOUT,		/* u32 seconds idle before removal; 0 never */
	SIPWALL_FLOW_A_SRTP_IN,		/* nested SIPWALL_SRTP_A_*: decrypt */
	SIPWALL_FLOW_A_SRTP_OUT,	/* nested SIPWALL_SRTP_A_*: encrypt */
	SIPWALL_FLOW_A_LATCHED,		/* nested EP, read-only: latched source */
	SIPWALL_FLOW_A_STATS,		/* nested SIPWALL_FSTAT_*, read-only */
	SIPWALL_FLOW_A_IDLE_MS,		/* u64, read-only: ms since last packet */
	SIPWALL_FLOW_A_PAD,
	__SIPWALL_FLOW_A_MAX
};
#define SIPWALL_FLOW_A_MAX (__SIPWALL_FLOW_A_MAX - 1)

/* SRTP crypto suites (RFC 4568, RFC 6188, RFC 7714). */
enum sipwall_srtp_suite {
	SIPWALL_SRTP_NONE,
	SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_80,
	SIPWALL_SRTP_AES_CM_128_HMAC_SHA1_32,
	SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_80,
	SIPWALL_SRTP_AES_256_CM_HMAC_SHA1_32,
	SIPWALL_SRTP_AEAD_AES_128_GCM,
	SIPWALL_SRTP_AEAD_AES_256_GCM,
	__SIPWALL_SRTP_SUITE_MAX
};
#define SIPWALL_SRTP_SUITE_MAX (__SIPWALL_SRTP_SUITE_MAX - 1)

/*
 * SRTP parameters (RFC 3711, key derivation rate 0, no MKI). SRTP_IN
 * authenticates, checks for replays and decrypts SRTP/SRTCP arriving at the
 * flow; SRTP_OUT encrypts and authenticates what leaves it; both together
 * re-key. Key and salt lengths per suite: AES_CM_128: 16 + 14,
 * AES_256_CM: 32 + 14, AEAD_AES_128_GCM: 16 + 12, AEAD_AES_256_GCM: 32 + 12.
 * SRTCP always carries an 80-bit tag with the HMAC suites (RFC 4568 §6.2).
 * Keys are write-only: answers carry the suite alone, and the kernel wipes
 * them from the request.
 */
enum sipwall_srtp_attr {
	SIPWALL_SRTP_A_UNSPEC,
	SIPWALL_SRTP_A_SUITE,		/* u32: enum sipwall_srtp_suite */
	SIPWALL_SRTP_A_MASTER_KEY,	/* binary, length per suite */
	SIPWALL_SRTP_A_MASTER_SALT,	/* binary, length per suite */
	__SIPWALL_SRTP_A_MAX
};
#define SIPWALL_SRTP_A_MAX (__SIPWALL_SRTP_A_MAX - 1)

/* Per-flow counters, all u64. */
enum sipwall_fstat_attr {
	SIPWALL_FSTAT_UNSPEC,
	SIPWALL_FSTAT_PACKETS,		/* forwarded */
	SIPWALL_FSTAT_BYTES,		/* forwarded, UDP payload bytes */
	SIPWALL_FSTAT_DROP_SOURCE,	/* from an unexpected source */
	SIPWALL_FSTAT_DROP_ROUTE,	/* no route to the peer */
	SIPWALL_FSTAT_DROP_ERROR,	/* could not rewrite or send */
	SIPWALL_FSTAT_PASSED,		/* not RTP/RTCP: left to the local socket */
	SIPWALL_FSTAT_SRTP_AUTH,	/* SRTP authentication failures */
	SIPWALL_FSTAT_SRTP_REPLAY,	/* SRTP replays */
	SIPWALL_FSTAT_PAD,
	__SIPWALL_FSTAT_MAX
};
#define SIPWALL_FSTAT_MAX (__SIPWALL_FSTAT_MAX - 1)

/*
 * The names /proc/net/sipwall/flows and sipwallctl print for them, as an
 * initializer: const char *const names[SIPWALL_FSTAT_MAX + 1] = ...;
 */
#define SIPWALL_FSTAT_NAMES {					\
	[SIPWALL_FSTAT_PACKETS] = "packets",			\
	[SIPWALL_FSTAT_BYTES] = "bytes",			\
	[SIPWALL_FSTAT_DROP_SOURCE] = "drop_source",		\
	[SIPWALL_FSTAT_DROP_ROUTE] = "drop_route",		\
	[SIPWALL_FSTAT_DROP_ERROR] = "drop_error",		\
	[SIPWALL_FSTAT_PASSED] = "passed",			\
	[SIPWALL_FSTAT_SRTP_AUTH] = "srtp_auth",		\
	[SIPWALL_FSTAT_SRTP_REPLAY] = "srtp_replay",		\
}

/* Global counters of a network namespace, all u64. */
enum sipwall_stat_attr {
	SIPWALL_STAT_UNSPEC,
	SIPWALL_STAT_FLOWS,		/* flows installed now */
	SIPWALL_STAT_FLOWS_CREATED,
	SIPWALL_STAT_FLOWS_DELETED,	/* by request or flush */
	SIPWALL_STAT_FLOWS_EXPIRED,	/* by idle timeout */
	SIPWALL_STAT_FWD_PACKETS,
	SIPWALL_STAT_FWD_BYTES,
	SIPWALL_STAT_PASS_NOT_RTP,	/* matched a flow, not RTP/RTCP (STUN, DTLS…) */
	SIPWALL_STAT_PASS_FRAGMENT,	/* IP fragments, left to the stack */
	SIPWALL_STAT_DROP_SOURCE,	/* wrong source for the flow */
	SIPWALL_STAT_DROP_NO_FLOW,	/* to the media port range, no flow */
	SIPWALL_STAT_DROP_ROUTE,
	SIPWALL_STAT_DROP_ERROR,
	SIPWALL_STAT_SRTP_AUTH,
	SIPWALL_STAT_SRTP_REPLAY,
	SIPWALL_STAT_PAD,
	__SIPWALL_STAT_MAX
};
#define SIPWALL_STAT_MAX (__SIPWALL_STAT_MAX - 1)

/* The names of /proc/net/sipwall/stats and `sipwallctl stats`, in that order. */
#define SIPWALL_STAT_NAMES {					\
	[SIPWALL_STAT_FLOWS] = "flows",				\
	[SIPWALL_STAT_FLOWS_CREATED] = "flows_created",		\
	[SIPWALL_STAT_FLOWS_DELETED] = "flows_deleted",		\
	[SIPWALL_STAT_FLOWS_EXPIRED] = "flows_expired",		\
	[SIPWALL_STAT_FWD_PACKETS] = "fwd_packets",		\
	[SIPWALL_STAT_FWD_BYTES] = "fwd_bytes",			\
	[SIPWALL_STAT_PASS_NOT_RTP] = "pass_not_rtp",		\
	[SIPWALL_STAT_PASS_FRAGMENT] = "pass_fragment",		\
	[SIPWALL_STAT_DROP_SOURCE] = "drop_source",		\
	[SIPWALL_STAT_DROP_NO_FLOW] = "drop_no_flow",		\
	[SIPWALL_STAT_DROP_ROUTE] = "drop_route",		\
	[SIPWALL_STAT_DROP_ERROR] = "drop_error",		\
	[SIPWALL_STAT_SRTP_AUTH] = "srtp_auth",			\
	[SIPWALL_STAT_SRTP_REPLAY] = "srtp_replay",		\
}

/*
 * Configuration of a network namespace. Media port range guard: a UDP
 * packet to a local address and a port in [MIN, MAX] that matches no flow
 * is dropped and counted (SIPWALL_STAT_DROP_NO_FLOW). MIN = MAX = 0 (the
 * default) turns the guard off; both must be set together, MIN <= MAX.
 */
enum sipwall_config_attr {
	SIPWALL_CONFIG_A_UNSPEC,
	SIPWALL_CONFIG_A_MEDIA_PORT_MIN,	/* u16 */
	SIPWALL_CONFIG_A_MEDIA_PORT_MAX,	/* u16 */
	__SIPWALL_CONFIG_A_MAX
};
#define SIPWALL_CONFIG_A_MAX (__SIPWALL_CONFIG_A_MAX - 1)

#endif /* _UAPI_LINUX_SIPWALL_H */
