// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the configuration reader: any file content loads
 * or is refused with errors, never crashes, and frees what it allocated.
 * The bytes go through a memfd so that the real file path is exercised.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sipwall_config cfg;
	char path[64];
	int fd = memfd_create("sipwall.conf", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		sipwall_config_load(path, &cfg, NULL);
		sipwall_config_free(&cfg);
	}
	close(fd);
	return 0;
}
