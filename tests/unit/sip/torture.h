/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SIPWALL_TEST_TORTURE_H
#define SIPWALL_TEST_TORTURE_H

#include <stddef.h>

/*
 * Reads an RFC 4475 message written in the RFC's notation and returns its
 * wire form (CRLF line ends) in a malloc'ed buffer, or NULL.
 */
char *torture_load(const char *path, size_t *len);

#endif
