/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registrar's keys of a [realm] section (registrar, min_expires,
 * max_expires, default_expires, max_contacts, domain) and of [global]
 * (state_dir, control_socket). config.c hands these keys over; see
 * sipwall.conf(5) and docs/registrar.md.
 */
#ifndef SIPWALL_REGISTRAR_CONFIG_H
#define SIPWALL_REGISTRAR_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#define SIPWALL_STATE_DIR	"/var/lib/sipwall"
#define SIPWALL_CONTROL_SOCKET	"/run/sipwall/sipwalld.sock"

struct sipwall_realm_registrar_config {
	bool enabled;			/* registrar = yes */
	unsigned int min_expires;	/* shorter non-zero requests get 423 */
	unsigned int max_expires;	/* longer ones are cut to this */
	unsigned int default_expires;	/* neither Expires nor ;expires given */
	unsigned int max_contacts;	/* bindings per AOR */
	char *domain;			/* To host must match; NULL: any */
	int line;			/* of the first registrar key, for errors */
};

void sipwall_realm_registrar_defaults(struct sipwall_realm_registrar_config *c);
/* Returns 0, 1 if name is not a registrar key, or -1 with *why set (else NULL). */
int sipwall_realm_registrar_set(struct sipwall_realm_registrar_config *c, const char *name,
				const char *value, const char **why);
/* Cross-key checks; writes "file:line: msg" lines, returns the number of errors. */
int sipwall_realm_registrar_check(const struct sipwall_realm_registrar_config *c,
				  const char *realm, const char *path, FILE *errors);
void sipwall_realm_registrar_free(struct sipwall_realm_registrar_config *c);

#endif
