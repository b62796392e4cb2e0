// SPDX-License-Identifier: GPL-2.0
/*
 * Messages per second through sip_msg_parse() on one core: a typical
 * INVITE with SDP, a 200 OK, and a REGISTER, each copied into a fresh
 * buffer first (the parser unfolds in place), for SECONDS of CPU time (default 3): CPU time, not wall time, so that
 * a busy machine does not skew the figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip_msg.h"

static const char *const messages[] = {
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/TLS client.atlanta.example.com:5061;branch=z9hG4bK74bf9;rport\r\n"
	"Max-Forwards: 70\r\n"
	"From: Alice <sips:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
	"To: Bob <sips:bob@biloxi.example.com>\r\n"
	"Call-ID: 3848276298220188511@atlanta.example.com\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sips:alice@client.atlanta.example.com;transport=tls>\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK\r\n"
	"Supported: 100rel, timer\r\n"
	"User-Agent: phone/1.0\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 151\r\n\r\n"
	"v=0\r\no=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\r\n"
	"s=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/TLS proxy.example.com:5061;branch=z9hG4bK2d4790.1;received=192.0.2.111\r\n"
	"Via: SIP/2.0/TLS client.atlanta.example.com:5061;branch=z9hG4bK74bf9;received=192.0.2.101\r\n"
	"Record-Route: <sips:proxy.example.com;lr>\r\n"
	"From: Alice <sips:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
	"To: Bob <sips:bob@biloxi.example.com>;tag=8321234356\r\n"
	"Call-ID: 3848276298220188511@atlanta.example.com\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sips:bob@client.biloxi.example.com;transport=tls>\r\n"
	"Content-Length: 0\r\n\r\n",
	"REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7;rport\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n"
	"Call-ID: 843817637684230@998sdasdh09\r\n"
	"CSeq: 1826 REGISTER\r\n"
	"Contact: <sip:bob@192.0.2.4>;expires=7200\r\n"
	"Expires: 7200\r\n"
	"Content-Length: 0\r\n\r\n",
};

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3.0;
	static struct sip_msg msg;
	static char buf[4096];
	struct timespec start, now;
	unsigned long long parsed = 0, bytes = 0;
	double elapsed;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
	do {
		for (int batch = 0; batch < 10000; batch++) {
			const char *m = messages[batch % 3];
			size_t len = strlen(m);

			memcpy(buf, m, len);
			if (sip_msg_parse(&msg, buf, len, SIP_FRAMING_STREAM)) {
				fprintf(stderr, "parse failed: %s\n", msg.error_reason);
				return 1;
			}
			parsed++;
			bytes += len;
		}
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
		elapsed = (double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
	} while (elapsed < seconds);
	printf("parser: %.0f messages/s, %.1f MB/s (%llu messages in %.1f s of CPU time, one core)\n",
	       parsed / elapsed, bytes / elapsed / 1e6, parsed, elapsed);
	return 0;
}
