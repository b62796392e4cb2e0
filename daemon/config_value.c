// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_value.h"

int sipwall_config_uint(const char *value, unsigned long min, unsigned long max,
			unsigned int *out)
{
	unsigned long n;
	char *end;

	/* strtoul would take " 5", "+5" and "-5" (as a huge number) */
	if (*value < '0' || *value > '9')
		return -1;
	errno = 0;
	n = strtoul(value, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*out = (unsigned int)n;
	return 0;
}

int sipwall_config_bool(const char *value, bool *out)
{
	if (!strcmp(value, "yes") || !strcmp(value, "true") || !strcmp(value, "on"))
		*out = true;
	else if (!strcmp(value, "no") || !strcmp(value, "false") || !strcmp(value, "off"))
		*out = false;
	else
		return -1;
	return 0;
}

int sipwall_config_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}
