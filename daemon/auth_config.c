// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth_config.h"
#include "config_value.h"
#include "ldap_filter.h"

#define H350_FILTER	"(&(objectClass=SIPIdentity)(SIPIdentityUserName=%u))"
#define H350_ATTRIBUTE	"SIPIdentityPassword"

/* ldap[s]://host[:port][/]: what we connect to; no DN, no extensions */
static bool uri_valid(const char *uri)
{
	const char *host, *end;

	if (!strncmp(uri, "ldap://", 7))
		host = uri + 7;
	else if (!strncmp(uri, "ldaps://", 8))
		host = uri + 8;
	else
		return false;
	end = host + strcspn(host, "/");
	if (end == host || (*end && strcmp(end, "/")))
		return false;
	for (const char *p = host; p < end; p++)
		if (*p <= ' ' || *p == '?' || *p == '#' || *p == '%')
			return false;
	return true;
}

static bool balanced(const char *filter)
{
	int depth = 0;

	if (filter[0] != '(')
		return false;
	for (const char *p = filter; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth < 0)
			return false;
	}
	return depth == 0 && strlen(filter) < SIPWALL_LDAP_FILTER_MAX / 4;
}

void sipwall_ldap_config_defaults(struct sipwall_ldap_config *c)
{
	memset(c, 0, sizeof(*c));
	c->form = SIPWALL_LDAP_CLEARTEXT;
	c->network_timeout_ms = 2000;
	c->request_timeout_ms = 3000;
	c->reconnect_min_ms = 500;
	c->reconnect_max_ms = 30000;
	c->cache_size = 10000;
	c->cache_ttl_s = 60;
	c->negative_cache_size = 10000;
	c->negative_cache_ttl_s = 30;
	c->max_pending = 4096;
	c->retry_after_s = 5;
}

int sipwall_ldap_config_set(struct sipwall_ldap_config *c, const char *name, const char *value,
			    const char **why)
{
	int bad = 0;

	*why = "invalid value";
	if (!strcmp(name, "uri")) {
		if (c->uri_count == SIPWALL_LDAP_MAX_URIS) {
			*why = "too many uri lines (at most 8)";
			return -1;
		}
		if (!uri_valid(value)) {
			*why = "expected ldap://HOST[:PORT] or ldaps://HOST[:PORT]";
			return -1;
		}
		bad = sipwall_config_string(&c->uris[c->uri_count], value);
		if (!bad)
			c->uri_count++;
	} else if (!strcmp(name, "base")) {
		bad = sipwall_config_string(&c->base, value);
	} else if (!strcmp(name, "bind_dn")) {
		bad = sipwall_config_string(&c->bind_dn, value);
	} else if (!strcmp(name, "bind_password")) {
		/* the caller must not echo the value of this key */
		bad = sipwall_config_string(&c->bind_password, value);
	} else if (!strcmp(name, "bind_password_file")) {
		bad = sipwall_config_string(&c->bind_password_file, value);
	} else if (!strcmp(name, "filter")) {
		if (!sipwall_ldap_filter_valid(value)) {
			*why = "expected a parenthesized filter with %u (and optionally %r)";
			return -1;
		}
		bad = sipwall_config_string(&c->filter, value);
	} else if (!strcmp(name, "disabled_filter")) {
		if (!balanced(value)) {
			*why = "expected a parenthesized filter";
			return -1;
		}
		bad = sipwall_config_string(&c->disabled_filter, value);
	} else if (!strcmp(name, "attribute")) {
		bad = sipwall_config_string(&c->attribute, value);
	} else if (!strcmp(name, "credential")) {
		if (!strcmp(value, "cleartext")) {
			c->form = SIPWALL_LDAP_CLEARTEXT;
		} else if (!strcmp(value, "ha1-md5")) {
			c->form = SIPWALL_LDAP_HA1_MD5;
		} else if (!strcmp(value, "ha1-sha256")) {
			c->form = SIPWALL_LDAP_HA1_SHA256;
		} else {
			*why = "expected cleartext, ha1-md5 or ha1-sha256";
			return -1;
		}
	} else if (!strcmp(name, "starttls")) {
		bad = sipwall_config_bool(value, &c->starttls);
	} else if (!strcmp(name, "ca_file")) {
		bad = sipwall_config_string(&c->ca_file, value);
	} else if (!strcmp(name, "network_timeout")) {
		bad = sipwall_config_uint(value, 10, 60000, &c->network_timeout_ms);
	} else if (!strcmp(name, "request_timeout")) {
		bad = sipwall_config_uint(value, 10, 60000, &c->request_timeout_ms);
	} else if (!strcmp(name, "reconnect_min")) {
		bad = sipwall_config_uint(value, 10, 600000, &c->reconnect_min_ms);
	} else if (!strcmp(name, "reconnect_max")) {
		bad = sipwall_config_uint(value, 10, 3600000, &c->reconnect_max_ms);
	} else if (!strcmp(name, "cache_size")) {
		bad = sipwall_config_uint(value, 0, 10000000, &c->cache_size);
	} else if (!strcmp(name, "cache_ttl")) {
		bad = sipwall_config_uint(value, 1, 86400, &c->cache_ttl_s);
	} else if (!strcmp(name, "negative_cache_size")) {
		bad = sipwall_config_uint(value, 0, 10000000, &c->negative_cache_size);
	} else if (!strcmp(name, "negative_cache_ttl")) {
		bad = sipwall_config_uint(value, 1, 86400, &c->negative_cache_ttl_s);
	} else if (!strcmp(name, "max_pending")) {
		bad = sipwall_config_uint(value, 1, 1000000, &c->max_pending);
	} else if (!strcmp(name, "retry_after")) {
		bad = sipwall_config_uint(value, 1, 3600, &c->retry_after_s);
	} else {
		*why = "unknown key";
		return -1;
	}
	return bad ? -1 : 0;
}

static int error_at(FILE *errors, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int error_at(FILE *errors, const char *path, int line, const char *fmt, ...)
{
	va_list ap;

	if (!errors)
		return 1;
	fprintf(errors, "%s:%d: ", path, line);
	va_start(ap, fmt);
	vfprintf(errors, fmt, ap);
	va_end(ap);
	fputc('\n', errors);
	return 1;
}

/* The first line of a file only root (or our user) can read. */
static int read_password(struct sipwall_ldap_config *c, const char *path, FILE *errors)
{
	char buf[1024];
	struct stat st;
	FILE *f;
	size_t len;
	int errs = 0;

	f = fopen(c->bind_password_file, "re");
	if (!f)
		return error_at(errors, path, c->line, "[ldap] bind_password_file %s: %s",
				c->bind_password_file, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & S_IROTH)) {
		errs = error_at(errors, path, c->line,
				"[ldap] bind_password_file %s is readable by everyone",
				c->bind_password_file);
		goto out;
	}
	if (!fgets(buf, sizeof(buf), f)) {
		errs = error_at(errors, path, c->line, "[ldap] bind_password_file %s is empty",
				c->bind_password_file);
		goto out;
	}
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (!len) {
		errs = error_at(errors, path, c->line, "[ldap] bind_password_file %s is empty",
				c->bind_password_file);
		goto out;
	}
	if (sipwall_config_string(&c->bind_password, buf))
		errs = error_at(errors, path, c->line, "[ldap] out of memory");
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	fclose(f);
	return errs;
}

int sipwall_ldap_config_check(struct sipwall_ldap_config *c, const char *path, FILE *errors)
{
	bool tls_uri = false;
	int errs = 0;

	if (!c->uri_count)
		return 0;
	for (unsigned int i = 0; i < c->uri_count; i++)
		tls_uri |= !strncmp(c->uris[i], "ldaps://", 8);
	if (!c->base)
		errs += error_at(errors, path, c->line, "[ldap] needs base");
	if (c->bind_password && c->bind_password_file)
		errs += error_at(errors, path, c->line,
				 "[ldap] give bind_password or bind_password_file, not both");
	else if (c->bind_password_file)
		errs += read_password(c, path, errors);
	if ((c->bind_password || c->bind_password_file) != (c->bind_dn != NULL))
		errs += error_at(errors, path, c->line,
				 "[ldap] bind_dn and a bind password go together");
	if (c->starttls && tls_uri)
		errs += error_at(errors, path, c->line, "[ldap] starttls with an ldaps:// uri");
	if (c->ca_file && access(c->ca_file, R_OK))
		errs += error_at(errors, path, c->line, "[ldap] ca_file %s is not readable",
				 c->ca_file);
	if (c->reconnect_min_ms > c->reconnect_max_ms)
		errs += error_at(errors, path, c->line, "[ldap] reconnect_min above reconnect_max");
	if (!errs && !c->filter && sipwall_config_string(&c->filter, H350_FILTER))
		errs += error_at(errors, path, c->line, "[ldap] out of memory");
	if (!errs && !c->attribute && sipwall_config_string(&c->attribute, H350_ATTRIBUTE))
		errs += error_at(errors, path, c->line, "[ldap] out of memory");
	return errs;
}

static void free_secret(char **s)
{
	if (*s)
		OPENSSL_cleanse(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

void sipwall_ldap_config_free(struct sipwall_ldap_config *c)
{
	for (unsigned int i = 0; i < c->uri_count; i++)
		free(c->uris[i]);
	free(c->base);
	free(c->bind_dn);
	free_secret(&c->bind_password);
	free(c->bind_password_file);
	free(c->filter);
	free(c->disabled_filter);
	free(c->attribute);
	free(c->ca_file);
	memset(c, 0, sizeof(*c));
}

void sipwall_realm_auth_defaults(struct sipwall_realm_auth_config *c)
{
	memset(c, 0, sizeof(*c));
	c->md5 = c->sha256 = true;
	c->nonce_lifetime_s = 300;
	c->nonce_slots = 65536;
	c->lockout_user_failures = 10;
	c->lockout_addr_failures = 20;
	c->lockout_window_s = 300;
	c->lockout_time_s = 900;
	c->lockout_slots = 65536;
}

static int parse_prefix(const char *value, struct sipwall_prefix *p)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(value, '/');
	size_t len = slash ? (size_t)(slash - value) : strlen(value);
	unsigned int max;

	memset(p, 0, sizeof(*p));
	if (len >= sizeof(host))
		return -1;
	memcpy(host, value, len);
	host[len] = '\0';
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&p->addr)->sin_addr) == 1) {
		p->addr.ss_family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&p->addr)->sin6_addr) == 1) {
		p->addr.ss_family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	p->bits = max;
	return slash ? sipwall_config_uint(slash + 1, 0, max, &p->bits) : 0;
}

static int parse_algorithms(struct sipwall_realm_auth_config *c, const char *value)
{
	bool md5 = false, sha256 = false;
	char buf[64];
	char *save = NULL;

	if (strlen(value) >= sizeof(buf))
		return -1;
	strcpy(buf, value);
	for (char *w = strtok_r(buf, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		if (!strcasecmp(w, "MD5"))
			md5 = true;
		else if (!strcasecmp(w, "SHA-256"))
			sha256 = true;
		else
			return -1;
	}
	if (!md5 && !sha256)
		return -1;
	c->md5 = md5;
	c->sha256 = sha256;
	return 0;
}

int sipwall_realm_auth_set(struct sipwall_realm_auth_config *c, const char *name,
			   const char *value, const char **why)
{
	int bad = 0;

	*why = "invalid value";
	if (!strcmp(name, "")) {
		if (!strcmp(value, "none")) {
			c->mode = SIPWALL_REALM_AUTH_NONE;
		} else if (!strcmp(value, "digest")) {
			c->mode = SIPWALL_REALM_AUTH_DIGEST;
		} else if (!strcmp(value, "trusted")) {
			c->mode = SIPWALL_REALM_AUTH_TRUSTED;
		} else {
			*why = "expected none, digest or trusted";
			return -1;
		}
	} else if (!strcmp(name, "realm")) {
		if (!*value || strpbrk(value, "\"\\") || strlen(value) > 255) {
			*why = "expected a domain name without quotes or backslashes";
			return -1;
		}
		bad = sipwall_config_string(&c->digest_realm, value);
	} else if (!strcmp(name, "algorithms")) {
		if (parse_algorithms(c, value)) {
			*why = "expected SHA-256 and/or MD5";
			return -1;
		}
	} else if (!strcmp(name, "nonce_lifetime")) {
		bad = sipwall_config_uint(value, 5, 86400, &c->nonce_lifetime_s);
	} else if (!strcmp(name, "nonce_slots")) {
		bad = sipwall_config_uint(value, 8, 16777216, &c->nonce_slots);
	} else if (!strcmp(name, "trusted")) {
		if (c->trusted_count == SIPWALL_AUTH_MAX_TRUSTED) {
			*why = "too many auth_trusted lines (at most 16)";
			return -1;
		}
		if (parse_prefix(value, &c->trusted[c->trusted_count])) {
			*why = "expected ADDRESS[/PREFIX]";
			return -1;
		}
		c->trusted_count++;
	} else if (!strcmp(name, "trusted_require_cert")) {
		bad = sipwall_config_bool(value, &c->trusted_require_cert);
	} else if (!strcmp(name, "lockout_user_failures")) {
		bad = sipwall_config_uint(value, 0, 1000000, &c->lockout_user_failures);
	} else if (!strcmp(name, "lockout_addr_failures")) {
		bad = sipwall_config_uint(value, 0, 1000000, &c->lockout_addr_failures);
	} else if (!strcmp(name, "lockout_window")) {
		bad = sipwall_config_uint(value, 1, 86400, &c->lockout_window_s);
	} else if (!strcmp(name, "lockout_time")) {
		bad = sipwall_config_uint(value, 1, 604800, &c->lockout_time_s);
	} else if (!strcmp(name, "lockout_slots")) {
		bad = sipwall_config_uint(value, 1, 16777216, &c->lockout_slots);
	} else {
		*why = "unknown key";
		return -1;
	}
	return bad ? -1 : 0;
}

int sipwall_realm_auth_check(const struct sipwall_realm_auth_config *c, const char *realm,
			     const struct sipwall_ldap_config *ldap, const char *path,
			     FILE *errors)
{
	int errs = 0;

	if (c->mode == SIPWALL_REALM_AUTH_DIGEST) {
		if (!ldap->uri_count)
			errs += error_at(errors, path, c->line,
					 "realm %s: auth = digest needs an [ldap] uri", realm);
		if (c->sha256 && ldap->form == SIPWALL_LDAP_HA1_MD5)
			errs += error_at(errors, path, c->line,
					 "realm %s: [ldap] credential ha1-md5 cannot answer SHA-256: set auth_algorithms = MD5",
					 realm);
		if (c->md5 && ldap->form == SIPWALL_LDAP_HA1_SHA256)
			errs += error_at(errors, path, c->line,
					 "realm %s: [ldap] credential ha1-sha256 cannot answer MD5: set auth_algorithms = SHA-256",
					 realm);
	}
	if (c->mode == SIPWALL_REALM_AUTH_TRUSTED && !c->trusted_count && !c->trusted_require_cert)
		errs += error_at(errors, path, c->line,
				 "realm %s: auth = trusted needs auth_trusted or auth_trusted_require_cert",
				 realm);
	return errs;
}

void sipwall_realm_auth_free(struct sipwall_realm_auth_config *c)
{
	free(c->digest_realm);
	c->digest_realm = NULL;
}

bool sipwall_prefix_match(const struct sipwall_prefix *p, const struct sockaddr *addr)
{
	const unsigned char *a, *b;
	unsigned int bits = p->bits;

	if (addr->sa_family != p->addr.ss_family)
		return false;
	if (addr->sa_family == AF_INET) {
		a = (const unsigned char *)&((const struct sockaddr_in *)addr)->sin_addr;
		b = (const unsigned char *)&((const struct sockaddr_in *)&p->addr)->sin_addr;
	} else {
		a = (const unsigned char *)&((const struct sockaddr_in6 *)addr)->sin6_addr;
		b = (const unsigned char *)&((const struct sockaddr_in6 *)&p->addr)->sin6_addr;
	}
	if (memcmp(a, b, bits / 8))
		return false;
	if (bits % 8) {
		unsigned char mask = (unsigned char)(0xff << (8 - bits % 8));

		return (a[bits / 8] & mask) == (b[bits / 8] & mask);
	}
	return true;
}

static bool same_string(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool sipwall_ldap_config_equal(const struct sipwall_ldap_config *a,
			       const struct sipwall_ldap_config *b)
{
	if (a->uri_count != b->uri_count)
		return false;
	for (unsigned int i = 0; i < a->uri_count; i++)
		if (strcmp(a->uris[i], b->uris[i]))
			return false;
	/* the password itself, not its file: the file's content may have changed */
	return same_string(a->base, b->base) && same_string(a->bind_dn, b->bind_dn) &&
	       same_string(a->bind_password, b->bind_password) &&
	       same_string(a->filter, b->filter) &&
	       same_string(a->disabled_filter, b->disabled_filter) &&
	       same_string(a->attribute, b->attribute) && a->form == b->form &&
	       a->starttls == b->starttls && same_string(a->ca_file, b->ca_file) &&
	       a->network_timeout_ms == b->network_timeout_ms &&
	       a->request_timeout_ms == b->request_timeout_ms &&
	       a->reconnect_min_ms == b->reconnect_min_ms &&
	       a->reconnect_max_ms == b->reconnect_max_ms &&
	       a->cache_size == b->cache_size && a->cache_ttl_s == b->cache_ttl_s &&
	       a->negative_cache_size == b->negative_cache_size &&
	       a->negative_cache_ttl_s == b->negative_cache_ttl_s &&
	       a->max_pending == b->max_pending && a->retry_after_s == b->retry_after_s;
}

static int copy_string(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

int sipwall_ldap_config_copy(struct sipwall_ldap_config *dst, const struct sipwall_ldap_config *src)
{
	int bad = 0;

	*dst = *src;
	for (unsigned int i = 0; i < src->uri_count; i++)
		bad |= copy_string(&dst->uris[i], src->uris[i]);
	bad |= copy_string(&dst->base, src->base);
	bad |= copy_string(&dst->bind_dn, src->bind_dn);
	bad |= copy_string(&dst->bind_password, src->bind_password);
	bad |= copy_string(&dst->bind_password_file, src->bind_password_file);
	bad |= copy_string(&dst->filter, src->filter);
	bad |= copy_string(&dst->disabled_filter, src->disabled_filter);
	bad |= copy_string(&dst->attribute, src->attribute);
	bad |= copy_string(&dst->ca_file, src->ca_file);
	if (bad)
		sipwall_ldap_config_free(dst);
	return bad ? -1 : 0;
}

bool sipwall_realm_auth_trusts(const struct sipwall_realm_auth_config *c,
			       const struct sockaddr *source, bool cert_verified)
{
	bool in_prefix = !c->trusted_count;

	if (c->mode != SIPWALL_REALM_AUTH_TRUSTED)
		return false;
	for (unsigned int i = 0; i < c->trusted_count && !in_prefix; i++)
		in_prefix = sipwall_prefix_match(&c->trusted[i], source);
	return in_prefix && (cert_verified || !c->trusted_require_cert);
}
