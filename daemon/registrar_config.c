// SPDX-License-Identifier: GPL-2.0
/* The registrar's realm keys: values, defaults, checks (see registrar_config.h). */
#include <stdlib.h>
#include <string.h>

#include "config_value.h"
#include "registrar_config.h"
#include "sip_uri.h"

/* RFC 3261 10.2.1.1: 3600 s when the client says nothing. */
void sipwall_realm_registrar_defaults(struct sipwall_realm_registrar_config *c)
{
	c->enabled = false;
	c->min_expires = 60;
	c->max_expires = 7200;
	c->default_expires = 3600;
	c->max_contacts = 10;
	c->domain = NULL;
	c->line = 0;
}

static int set_domain(struct sipwall_realm_registrar_config *c, const char *value)
{
	if (!sip_host_valid(sip_str_from_cstr(value)))
		return -1;
	return sipwall_config_string(&c->domain, value);
}

int sipwall_realm_registrar_set(struct sipwall_realm_registrar_config *c, const char *name,
				const char *value, const char **why)
{
	int rc;

	/* a day at most: longer bindings outlive too many address changes */
	*why = "expected seconds within 1-86400";
	if (!strcmp(name, "registrar")) {
		*why = "expected yes or no";
		rc = strcmp(value, "yes") && strcmp(value, "no") ? -1 : 0;
		c->enabled = !strcmp(value, "yes");
	} else if (!strcmp(name, "min_expires")) {
		rc = sipwall_config_uint(value, 1, 86400, &c->min_expires);
	} else if (!strcmp(name, "max_expires")) {
		rc = sipwall_config_uint(value, 1, 86400, &c->max_expires);
	} else if (!strcmp(name, "default_expires")) {
		rc = sipwall_config_uint(value, 1, 86400, &c->default_expires);
	} else if (!strcmp(name, "max_contacts")) {
		*why = "expected a number within 1-128";
		rc = sipwall_config_uint(value, 1, 128, &c->max_contacts);
	} else if (!strcmp(name, "domain")) {
		*why = "expected a host name or address";
		rc = set_domain(c, value);
	} else {
		*why = NULL;
		return 1;
	}
	if (!rc)
		*why = NULL;
	return rc;
}

int sipwall_realm_registrar_check(const struct sipwall_realm_registrar_config *c,
				  const char *realm, const char *path, FILE *errors)
{
	if (c->min_expires <= c->default_expires && c->default_expires <= c->max_expires)
		return 0;
	if (errors)
		fprintf(errors, "%s:%d: realm %s: expected min_expires (%u) <= default_expires (%u) <= max_expires (%u)\n",
			path, c->line, realm, c->min_expires, c->default_expires, c->max_expires);
	return 1;
}

void sipwall_realm_registrar_free(struct sipwall_realm_registrar_config *c)
{
	free(c->domain);
	c->domain = NULL;
}
