// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the SIP parser, framing and serializer.
 *
 * Properties checked beyond "no crash, no out-of-bounds read":
 * - a message that parses serializes to a message that parses again with
 *   the same method or status, Call-ID, CSeq and Via count;
 * - stream framing never claims more bytes than it was given;
 * - a response can always be built from a request that parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip_frame.h"
#include "sip_msg.h"
#include "sip_write.h"

static struct sip_msg msg, again;

static void check_round_trip(void)
{
	struct sip_buf out;

	sip_buf_init(&out, 2 * SIP_MSG_MAX_SIZE);
	if (sip_msg_write(&msg, &out) == 0 && out.len <= SIP_MSG_MAX_SIZE) {
		if (sip_msg_parse(&again, out.data, out.len, SIP_FRAMING_STREAM) != 0)
			abort();
		if (again.is_request != msg.is_request || again.status != msg.status ||
		    again.method != msg.method || again.via_count != msg.via_count ||
		    again.cseq.seq != msg.cseq.seq ||
		    !sip_str_eq(again.call_id, msg.call_id))
			abort();
	}
	sip_buf_reset(&out);
	if (msg.is_request &&
	    sip_reply_write(&msg, 400, "Bad Request", SIP_STR("x"), NULL, &out) == 0 &&
	    sip_msg_parse(&again, out.data, out.len, SIP_FRAMING_STREAM) != 0)
		abort();
	sip_buf_uninit(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	size_t offset = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (sip_msg_parse(&msg, buf, size, SIP_FRAMING_DATAGRAM) == 0)
		check_round_trip();

	/* the same bytes as a stream: frame, then parse each frame */
	memcpy(buf, data, size);
	while (offset < size) {
		const char *reason;
		size_t used = 0;
		enum sip_frame f = sip_frame_next(buf + offset, size - offset, &used, &reason);

		if (f == SIP_FRAME_NEED_MORE || f == SIP_FRAME_ERROR)
			break;
		if (used == 0 || used > size - offset)
			abort();
		if (f == SIP_FRAME_MESSAGE &&
		    sip_msg_parse(&msg, buf + offset, used, SIP_FRAMING_STREAM) == 0)
			check_round_trip();
		offset += used;
	}
	free(buf);
	return 0;
}
