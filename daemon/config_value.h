/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values of configuration keys that every section reads the same way.
 * Each returns 0, or -1 and leaves *out unchanged; the caller says which
 * key was wrong and how (file:line: message).
 */
#ifndef SIPWALL_CONFIG_VALUE_H
#define SIPWALL_CONFIG_VALUE_H

#include <stdbool.h>

/* Decimal digits only (no sign, no spaces), within [min, max]. */
int sipwall_config_uint(const char *value, unsigned long min, unsigned long max,
			unsigned int *out);
/* yes/true/on or no/false/off. */
int sipwall_config_bool(const char *value, bool *out);
/* Replaces *field with a copy of value; -1 only when out of memory. */
int sipwall_config_string(char **field, const char *value);

#endif
