// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for everything of digest authentication that reads
 * what the network sends: the credentials parser, the whole check and
 * verify (with lines of the input as Authorization values), the nonce
 * check, and the LDAP escaping of user names.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "ldap_filter.h"

static struct sipwall_auth auth;
static struct sipwall_credential cred;
static struct sockaddr_in client = { .sin_family = AF_INET };
static struct sipwall_auth_pending pending;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	bool offer[SIPWALL_DIGEST_ALG_COUNT] = { true, true };

	(void)argc;
	(void)argv;
	inet_pton(AF_INET, "192.0.2.1", &client.sin_addr);
	if (sipwall_auth_init(&auth, "sip.example.com", offer, 300, 64, 1000) ||
	    sipwall_credential_from_password(&cred, SIP_STR("alice"), SIP_STR("sip.example.com"),
					     SIP_STR("secret")))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *why;
	struct sip_str values[4];
	unsigned int n = 0;
	size_t start = 0;
	struct sipwall_digest_creds *creds = &pending.creds;
	struct sipwall_nonce_info info;
	char out[SIPWALL_LDAP_FILTER_MAX];
	struct sipwall_auth_request req = {
		.method = SIP_STR("REGISTER"), .request_uri = SIP_STR("sip:sip.example.com"),
		.values = values, .client = (struct sockaddr *)&client, .now_ms = 2000,
	};

	sipwall_auth_params_parse(sip_str_make(text, size), creds, &why);
	for (size_t i = 0; i <= size && n < 4; i++) {
		if (i == size || text[i] == '\n') {
			values[n++] = sip_str_make(text + start, i - start);
			start = i + 1;
		}
	}
	req.value_count = n;
	if (sipwall_auth_check(&auth, &req, &pending) == SIPWALL_AUTH_OK)
		sipwall_auth_verify(&auth, &pending, &cred, 2000);
	sipwall_nonce_check(&auth.keys, sip_str_make(text, size), SIP_STR("sip.example.com"),
			    (struct sockaddr *)&client, 2000, &info);
	sipwall_ldap_filter_expand("(&(uid=%u)(realm=%r))", sip_str_make(text, size),
				   SIP_STR("r"), out, sizeof(out));
	sipwall_ldap_name_valid(sip_str_make(text, size));
	return 0;
}
