// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>

#include "transport.h"

void sipwall_addr_format(const struct sockaddr_storage *addr, char *out, size_t out_size)
{
	char host[INET6_ADDRSTRLEN];

	if (addr->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(out, out_size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else if (addr->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)addr;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(out, out_size, "%s:%u", host, ntohs(in->sin_port));
	} else {
		snprintf(out, out_size, "?");
	}
}
