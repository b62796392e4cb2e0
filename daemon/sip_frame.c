// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "sip_frame.h"
#include "sip_lex.h"
#include "sip_msg.h"

/* Content-Length (or its compact form "l") of one header line, if it is one. */
static int content_length_of(const char *line, size_t len, uint64_t *value, bool *found)
{
	struct sip_cursor c = { line, line + len };
	struct sip_str name = sip_take_token(&c);

	if (!sip_str_is_nocase(name, "Content-Length") && !sip_str_is_nocase(name, "l"))
		return 0;
	sip_skip_wsp(&c);
	if (sip_cursor_peek(&c) != ':')
		return 0;
	c.p++;
	sip_skip_wsp(&c);
	if (*found || !sip_take_uint(&c, SIP_MSG_MAX_SIZE, value))
		return -1;
	sip_skip_wsp(&c);
	*found = true;
	return sip_cursor_done(&c) ? 0 : -1;
}

enum sip_frame sip_frame_next(const char *buf, size_t len, size_t *consumed,
			      const char **reason)
{
	const char *p = buf, *end = buf + len;
	uint64_t body_len = 0;
	bool found = false;

	if (len >= 2 && buf[0] == '\r' && buf[1] == '\n') {
		if (len >= 4 && buf[2] == '\r' && buf[3] == '\n') {
			*consumed = 4;
			return SIP_FRAME_PING;
		}
		if (len == 2 || (len == 3 && buf[2] == '\r'))
			return SIP_FRAME_NEED_MORE;
		*consumed = 2;
		return SIP_FRAME_CRLF;
	}
	if (len && (buf[0] == '\r' || buf[0] == '\n')) {
		if (len == 1)
			return SIP_FRAME_NEED_MORE;
		*consumed = 1;
		return SIP_FRAME_CRLF;
	}
	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *content_end;

		if (!lf) {
			if (len > SIP_MSG_MAX_SIZE) {
				*reason = "Message Too Large";
				return SIP_FRAME_ERROR;
			}
			return SIP_FRAME_NEED_MORE;
		}
		content_end = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
		if (content_end == p && p != buf) {
			size_t total = (size_t)(lf + 1 - buf);

			if (!found) {
				*reason = "Missing Content-Length Header";
				return SIP_FRAME_ERROR;
			}
			total += (size_t)body_len;
			if (total > SIP_MSG_MAX_SIZE) {
				*reason = "Message Too Large";
				return SIP_FRAME_ERROR;
			}
			if (total > len)
				return SIP_FRAME_NEED_MORE;
			*consumed = total;
			return SIP_FRAME_MESSAGE;
		}
		if (content_length_of(p, (size_t)(content_end - p), &body_len, &found)) {
			*reason = "Malformed Content-Length Header";
			return SIP_FRAME_ERROR;
		}
		p = lf + 1;
		if ((size_t)(p - buf) > SIP_MSG_MAX_SIZE) {
			*reason = "Message Too Large";
			return SIP_FRAME_ERROR;
		}
	}
}
