/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Search filters from the operator's template, with the user name (and
 * realm) escaped per RFC 4515 §3, so that "*)(uid=*" is a name and not
 * filter syntax.
 */
#ifndef SIPWALL_LDAP_FILTER_H
#define SIPWALL_LDAP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sip_str.h"

#define SIPWALL_LDAP_FILTER_MAX	2048

/*
 * Writes in escaped to out (NUL-terminated): NUL, '(', ')', '*', '\' and
 * every control character become \XX. Returns the length, or -1 if out is
 * too small.
 */
ssize_t sipwall_ldap_escape(struct sip_str in, char *out, size_t size);

/*
 * Expands %u (user), %r (realm) and %% in tmpl. Returns 0, or -1 if the
 * result does not fit or the template has another % sequence.
 */
int sipwall_ldap_filter_expand(const char *tmpl, struct sip_str user, struct sip_str realm,
			       char *out, size_t size);

/* A template is usable: balanced parentheses, %u present, only %u %r %%. */
bool sipwall_ldap_filter_valid(const char *tmpl);

/* Valid UTF-8 without control characters: what a user name may be. */
bool sipwall_ldap_name_valid(struct sip_str name);

#endif
