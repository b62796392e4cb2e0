/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Message framing on stream transports (RFC 3261 section 18.3) and the
 * RFC 5626 CRLF keepalive.
 */
#ifndef SIPWALL_SIP_FRAME_H
#define SIPWALL_SIP_FRAME_H

#include <stddef.h>

enum sip_frame {
	SIP_FRAME_NEED_MORE,	/* no complete message yet */
	SIP_FRAME_MESSAGE,	/* *consumed bytes hold one message */
	SIP_FRAME_PING,		/* CRLFCRLF: answer with one CRLF (pong) */
	SIP_FRAME_CRLF,		/* a lone CRLF (a pong, or noise): drop it */
	SIP_FRAME_ERROR,	/* *reason says why; the stream cannot recover */
};

enum sip_frame sip_frame_next(const char *buf, size_t len, size_t *consumed,
			      const char **reason);

#endif
