// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration: libinih reads the INI syntax; this file gives the keys
 * their meaning and checks them. inih does not tell handlers the line
 * they are on, so the reader below counts lines for error messages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <limits.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_value.h"

struct load_state {
	struct sipwall_config *cfg;
	FILE *file;
	FILE *errors;
	int line;
	int error_count;
	bool line_complete;
	int section_line;
	struct sipwall_realm_config *realm;	/* of the current section */
};

static void error_at(struct load_state *st, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void error_at(struct load_state *st, int line, const char *fmt, ...)
{
	va_list ap;

	st->error_count++;
	if (!st->errors)
		return;
	fprintf(st->errors, "%s:%d: ", st->cfg->path, line);
	va_start(ap, fmt);
	vfprintf(st->errors, fmt, ap);
	va_end(ap);
	fputc('\n', st->errors);
}

static char *counting_reader(char *str, int num, void *stream)
{
	struct load_state *st = stream;
	char *line = fgets(str, num, st->file);

	/* a line longer than num arrives in pieces: count it once */
	if (line && st->line_complete)
		st->line++;
	if (line) {
		/* inih tells handlers nothing of [section] lines: remember the last one */
		if (st->line_complete && line[strspn(line, " \t")] == '[')
			st->section_line = st->line;
		st->line_complete = strchr(line, '\n') != NULL;
	}
	return line;
}

const char *sipwall_proto_name(enum sipwall_proto proto)
{
	static const char *const names[] = { "udp", "tcp", "tls" };

	return names[proto];
}

int sipwall_endpoint_parse(const char *text, struct sipwall_endpoint *ep)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res = NULL;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *hostp;
	size_t host_len;
	char *end;
	long port;

	memset(ep, 0, sizeof(*ep));
	if (!strncmp(text, "udp:", 4))
		ep->proto = SIPWALL_PROTO_UDP;
	else if (!strncmp(text, "tcp:", 4))
		ep->proto = SIPWALL_PROTO_TCP;
	else if (!strncmp(text, "tls:", 4))
		ep->proto = SIPWALL_PROTO_TLS;
	else
		return -1;
	hostp = text + 4;
	if (*hostp == '[') {
		const char *close = strchr(hostp, ']');

		if (!close || close[1] != ':')
			return -1;
		hostp++;
		host_len = (size_t)(close - hostp);
		colon = close + 1;
	} else {
		colon = strrchr(hostp, ':');
		if (!colon)
			return -1;
		host_len = (size_t)(colon - hostp);
	}
	if (!host_len || host_len >= sizeof(host))
		return -1;
	memcpy(host, hostp, host_len);
	host[host_len] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 1 || port > 65535)
		return -1;
	if (getaddrinfo(host, colon + 1, &hints, &res) || !res)
		return -1;
	memcpy(&ep->addr, res->ai_addr, res->ai_addrlen);
	ep->addr_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int parse_port_range(const char *value, uint16_t *low, uint16_t *high)
{
	unsigned int lo, hi;
	char first[16];
	const char *dash = strchr(value, '-');

	if (!dash || (size_t)(dash - value) >= sizeof(first))
		return -1;
	memcpy(first, value, (size_t)(dash - value));
	first[dash - value] = '\0';
	if (sipwall_config_uint(first, 1024, 65535, &lo) ||
	    sipwall_config_uint(dash + 1, 1024, 65535, &hi) || lo > hi)
		return -1;
	/* RTP takes the even port, RTCP the odd one above it */
	if (lo % 2 || hi - lo < 1)
		return -1;
	*low = (uint16_t)lo;
	*high = (uint16_t)hi;
	return 0;
}

static void realm_key(struct load_state *st, const char *name, const char *value)
{
	struct sipwall_realm_config *r = st->realm;
	struct sipwall_tls_config *tls = &r->tls;
	unsigned int verify;
	const char *why;
	int bad = 0;

	if (!strcmp(name, "listen")) {
		if (r->listen_count == SIPWALL_MAX_LISTENERS)
			error_at(st, st->line, "too many listen lines in realm %s (at most %d)",
				 r->name, SIPWALL_MAX_LISTENERS);
		else if (sipwall_endpoint_parse(value, &r->listen[r->listen_count]))
			error_at(st, st->line, "listen: expected udp:|tcp:|tls: ADDRESS:PORT, got '%s'",
				 value);
		else
			r->listen_count++;
	} else if (!strcmp(name, "next_hop")) {
		if (sipwall_endpoint_parse(value, &r->next_hop))
			error_at(st, st->line, "next_hop: expected udp:|tcp:|tls: ADDRESS:PORT, got '%s'",
				 value);
		else
			r->has_next_hop = true;
	} else if (!strcmp(name, "media_ports")) {
		r->media_line = st->line;
		if (parse_port_range(value, &r->media_low, &r->media_high))
			error_at(st, st->line,
				 "media_ports: expected EVEN-HIGH within 1024-65535, got '%s'", value);
	} else if (!strcmp(name, "max_connections")) {
		bad = sipwall_config_uint(value, 1, 1000000, &r->max_connections);
	} else if (!strcmp(name, "max_connections_per_source")) {
		bad = sipwall_config_uint(value, 1, 1000000, &r->max_connections_per_source);
	} else if (!strcmp(name, "idle_timeout")) {
		bad = sipwall_config_uint(value, 1, 86400, &r->idle_timeout);
	} else if (!strcmp(name, "tls_certificate")) {
		tls->line = st->line;
		bad = sipwall_config_string(&tls->certificate, value);
	} else if (!strcmp(name, "tls_key")) {
		bad = sipwall_config_string(&tls->key, value);
	} else if (!strcmp(name, "tls_ca")) {
		bad = sipwall_config_string(&tls->ca, value);
	} else if (!strcmp(name, "tls_ciphers")) {
		bad = sipwall_config_string(&tls->ciphers, value);
	} else if (!strcmp(name, "tls_ciphersuites")) {
		bad = sipwall_config_string(&tls->ciphersuites, value);
	} else if (!strcmp(name, "tls_server_name")) {
		bad = sipwall_config_string(&tls->server_name, value);
	} else if (!strcmp(name, "tls_verify_server")) {
		bad = sipwall_config_bool(value, &tls->verify_server);
	} else if (!strcmp(name, "tls_session_timeout")) {
		bad = sipwall_config_uint(value, 0, 86400, &tls->session_timeout);
	} else if (!strcmp(name, "tls_verify_client")) {
		static const char *const modes[] = { "none", "optional", "require" };

		for (verify = 0; verify < 3 && strcmp(value, modes[verify]); verify++)
			;
		if (verify == 3)
			error_at(st, st->line, "tls_verify_client: expected none, optional or require, got '%s'",
				 value);
		else
			tls->verify_client = (enum sipwall_tls_verify)verify;
	} else if (sipwall_realm_registrar_set(&r->registrar, name, value, &why) != 1) {
		/* 0 set, -1 refused: either way a registrar key */
		if (!r->registrar.line)
			r->registrar.line = st->line;
		if (why)
			error_at(st, st->line, "%s: %s, got '%s'", name, why, value);
	} else if (sipwall_realm_b2bua_key(name)) {
		if (!strcmp(name, "peer_realm"))
			r->b2bua.line = st->line;
		if (sipwall_realm_b2bua_set(&r->b2bua, name, value, &why))
			error_at(st, st->line, "%s: %s, got '%s'", name, why, value);
	} else if (!strcmp(name, "auth") || !strncmp(name, "auth_", 5)) {
		if (!r->auth.line)
			r->auth.line = st->line;
		if (!sipwall_realm_auth_set(&r->auth, name[4] ? name + 5 : "", value, &why))
			return;
		if (!strcmp(why, "unknown key"))
			error_at(st, st->line, "unknown key '%s' in [realm %s]", name, r->name);
		else
			error_at(st, st->line, "%s: %s, got '%s'", name, why, value);
	} else {
		error_at(st, st->line, "unknown key '%s' in [realm %s]", name, r->name);
	}
	if (bad)
		error_at(st, st->line, "%s: invalid value '%s'", name, value);
}

static struct sipwall_realm_config *open_realm(struct load_state *st, const char *name)
{
	struct sipwall_config *cfg = st->cfg;
	struct sipwall_realm_config *r;

	for (unsigned int i = 0; i < cfg->realm_count; i++)
		if (!strcmp(cfg->realms[i].name, name))
			return &cfg->realms[i];
	if (cfg->realm_count == SIPWALL_MAX_REALMS) {
		error_at(st, st->line, "too many realms (at most %d)", SIPWALL_MAX_REALMS);
		return NULL;
	}
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
			error_at(st, st->line, "realm name '%s': use a-z, 0-9, '-' and '_'", name);
			return NULL;
		}
	}
	r = &cfg->realms[cfg->realm_count];
	memset(r, 0, sizeof(*r));
	r->name = strdup(name);
	if (!r->name)
		return NULL;
	r->line = st->section_line;
	r->max_connections = 4096;
	r->max_connections_per_source = 32;
	r->idle_timeout = 300;
	r->tls.verify_server = true;
	r->tls.session_timeout = 3600;
	sipwall_realm_auth_defaults(&r->auth);
	sipwall_realm_registrar_defaults(&r->registrar);
	cfg->realm_count++;
	return r;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct load_state *st = user;
	struct sipwall_config *cfg = st->cfg;
	int bad = 0;

	if (!strncmp(section, "realm ", 6)) {
		const char *realm_name = section + 6;

		if (!st->realm || strcmp(st->realm->name, realm_name))
			st->realm = *realm_name ? open_realm(st, realm_name) : NULL;
		if (!st->realm) {
			if (!*realm_name)
				error_at(st, st->line, "[realm] needs a name: [realm NAME]");
			return 1;
		}
		realm_key(st, name, value);
		return 1;
	}
	st->realm = NULL;
	if (!strcmp(section, "log") && !strcmp(name, "level")) {
		if (sipwall_log_level_parse(value, &cfg->log_level))
			error_at(st, st->line, "level: expected error, warn, info or debug, got '%s'",
				 value);
	} else if (!strcmp(section, "global") && !strcmp(name, "max_connections")) {
		bad = sipwall_config_uint(value, 1, 1000000, &cfg->max_connections);
	} else if (!strcmp(section, "global") && !strcmp(name, "max_registrations")) {
		bad = sipwall_config_uint(value, 1, 10000000, &cfg->max_registrations);
	} else if (!strcmp(section, "global") && !strcmp(name, "state_dir")) {
		bad = value[0] != '/' || sipwall_config_string(&cfg->state_dir, value);
	} else if (!strcmp(section, "global") && !strcmp(name, "control_socket")) {
		/* sun_path holds 108 bytes with the NUL */
		bad = value[0] != '/' || strlen(value) > 107 ||
		      sipwall_config_string(&cfg->control_socket, value);
	} else if (!strcmp(section, "sip") && !strcmp(name, "t1")) {
		bad = sipwall_config_uint(value, 10, 60000, &cfg->t1_ms);
	} else if (!strcmp(section, "sip") && !strcmp(name, "t2")) {
		bad = sipwall_config_uint(value, 10, 600000, &cfg->t2_ms);
	} else if (!strcmp(section, "sip") && !strcmp(name, "t4")) {
		bad = sipwall_config_uint(value, 10, 600000, &cfg->t4_ms);
	} else if (!strcmp(section, "calls")) {
		const char *why;

		if (!cfg->calls.line)
			cfg->calls.line = st->section_line;
		if (sipwall_calls_config_set(&cfg->calls, name, value, &why)) {
			if (!strcmp(why, "unknown key"))
				error_at(st, st->line, "unknown key '%s' in [calls]", name);
			else
				error_at(st, st->line, "%s: %s, got '%s'", name, why, value);
		}
		return 1;
	} else if (!strcmp(section, "ldap")) {
		const char *why;

		if (!cfg->ldap.line)
			cfg->ldap.line = st->section_line;
		/* never echo a secret, not even in an error */
		if (!sipwall_ldap_config_set(&cfg->ldap, name, value, &why))
			return 1;
		if (!strcmp(why, "unknown key"))
			error_at(st, st->line, "unknown key '%s' in [ldap]", name);
		else
			error_at(st, st->line, "%s: %s%s%s", name, why,
				 strcmp(name, "bind_password") ? ", got " : "",
				 strcmp(name, "bind_password") ? value : "");
		return 1;
	} else if (!strcmp(section, "log") || !strcmp(section, "global") ||
		   !strcmp(section, "sip")) {
		error_at(st, st->line, "unknown key '%s' in [%s]", name, section);
	} else {
		error_at(st, st->line, "unknown section [%s]", section);
	}
	if (bad)
		error_at(st, st->line, "%s: invalid value '%s'", name, value);
	return 1;
}

static bool readable(const char *path)
{
	return path && access(path, R_OK) == 0;
}

/* Checks that need the whole file: cross-key and cross-realm rules. */
static void check_whole(struct load_state *st)
{
	struct sipwall_config *cfg = st->cfg;

	if (!cfg->realm_count)
		error_at(st, st->line, "no [realm NAME] section");
	st->error_count += sipwall_ldap_config_check(&cfg->ldap, cfg->path, st->errors);
	for (unsigned int i = 0; i < cfg->realm_count; i++)
		st->error_count += sipwall_realm_auth_check(&cfg->realms[i].auth, cfg->realms[i].name,
							    &cfg->ldap, cfg->path, st->errors);
	for (unsigned int i = 0; i < cfg->realm_count; i++)
		st->error_count += sipwall_realm_registrar_check(&cfg->realms[i].registrar,
								 cfg->realms[i].name, cfg->path,
								 st->errors);
	if (cfg->t2_ms < cfg->t1_ms)
		error_at(st, st->line, "[sip] t2 (%u) must not be below t1 (%u)", cfg->t2_ms, cfg->t1_ms);
	for (unsigned int i = 0; i < cfg->realm_count; i++) {
		struct sipwall_realm_config *r = &cfg->realms[i];
		bool tls_client = r->has_next_hop && r->next_hop.proto == SIPWALL_PROTO_TLS;
		bool tls_server = false;
		int line = r->tls.line ? r->tls.line : r->line;

		if (r->b2bua.peer_realm && !strcmp(r->b2bua.peer_realm, r->name))
			error_at(st, r->b2bua.line, "realm %s: peer_realm names the realm itself", r->name);
		else if (r->b2bua.peer_realm && !sipwall_config_realm(cfg, r->b2bua.peer_realm))
			error_at(st, r->b2bua.line, "realm %s: peer_realm %s is no [realm] of this file",
				 r->name, r->b2bua.peer_realm);

		if (!r->listen_count)
			error_at(st, r->line, "realm %s has no listen line", r->name);
		for (unsigned int l = 0; l < r->listen_count; l++)
			tls_server |= r->listen[l].proto == SIPWALL_PROTO_TLS;
		/* a certificate is needed to serve TLS; a TLS client may go without one */
		if (tls_server || r->tls.certificate || r->tls.key) {
			if (!readable(r->tls.certificate))
				error_at(st, line, "realm %s: tls_certificate %s is not readable",
					 r->name, r->tls.certificate ? r->tls.certificate : "is missing and");
			if (!readable(r->tls.key))
				error_at(st, line, "realm %s: tls_key %s is not readable",
					 r->name, r->tls.key ? r->tls.key : "is missing and");
		}
		if ((tls_server || tls_client) && r->tls.ca && !readable(r->tls.ca))
			error_at(st, line, "realm %s: tls_ca %s is not readable", r->name, r->tls.ca);
		if (tls_server && r->tls.verify_client != SIPWALL_TLS_VERIFY_NONE && !r->tls.ca)
			error_at(st, line, "realm %s: tls_verify_client needs tls_ca", r->name);
		/* verifying a next hop's chain without its name would accept any certificate the CA signed */
		if (tls_client && r->tls.verify_server && !r->tls.server_name)
			error_at(st, line, "realm %s: a TLS next_hop needs tls_server_name (or tls_verify_server = no)",
				 r->name);
		for (unsigned int j = 0; j < i; j++) {
			struct sipwall_realm_config *o = &cfg->realms[j];

			if (r->media_low && o->media_low && r->media_low <= o->media_high &&
			    o->media_low <= r->media_high)
				error_at(st, r->media_line, "media_ports of realms %s and %s overlap",
					 r->name, o->name);
			for (unsigned int a = 0; a < r->listen_count; a++)
				for (unsigned int b = 0; b < o->listen_count; b++)
					if (r->listen[a].addr_len == o->listen[b].addr_len &&
					    !memcmp(&r->listen[a].addr, &o->listen[b].addr,
						    r->listen[a].addr_len) &&
					    (r->listen[a].proto == SIPWALL_PROTO_UDP) ==
					    (o->listen[b].proto == SIPWALL_PROTO_UDP))
						error_at(st, r->line, "realms %s and %s listen on the same address",
							 r->name, o->name);
		}
	}
}

int sipwall_config_load(const char *path, struct sipwall_config *cfg, FILE *errors)
{
	struct load_state st = { .cfg = cfg, .errors = errors, .line_complete = true };
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->path = strdup(path);
	cfg->log_level = SIPWALL_LOG_INFO;
	cfg->max_connections = 10000;
	cfg->t1_ms = 500;
	cfg->t2_ms = 4000;
	cfg->t4_ms = 5000;
	sipwall_ldap_config_defaults(&cfg->ldap);
	sipwall_calls_config_defaults(&cfg->calls);
	cfg->max_registrations = 100000;
	cfg->state_dir = strdup(SIPWALL_STATE_DIR);
	cfg->control_socket = strdup(SIPWALL_CONTROL_SOCKET);
	if (!cfg->path || !cfg->state_dir || !cfg->control_socket)
		return 1;
	st.file = fopen(path, "r");
	if (!st.file) {
		error_at(&st, 0, "cannot open: %s", strerror(errno));
		return st.error_count;
	}
	rc = ini_parse_stream(counting_reader, &st, handler, &st);
	fclose(st.file);
	if (rc > 0)
		error_at(&st, rc, "syntax error (expected [section] or key = value)");
	else if (rc < 0)
		error_at(&st, 0, "cannot read");
	check_whole(&st);
	return st.error_count;
}

void sipwall_config_free(struct sipwall_config *cfg)
{
	for (unsigned int i = 0; i < cfg->realm_count; i++) {
		struct sipwall_realm_config *r = &cfg->realms[i];

		free(r->name);
		free(r->tls.certificate);
		free(r->tls.key);
		free(r->tls.ca);
		free(r->tls.ciphers);
		free(r->tls.ciphersuites);
		free(r->tls.server_name);
		sipwall_realm_auth_free(&r->auth);
		sipwall_realm_b2bua_free(&r->b2bua);
		sipwall_realm_registrar_free(&r->registrar);
	}
	free(cfg->path);
	free(cfg->state_dir);
	free(cfg->control_socket);
	sipwall_ldap_config_free(&cfg->ldap);
	sipwall_calls_config_free(&cfg->calls);
	memset(cfg, 0, sizeof(*cfg));
}

const struct sipwall_realm_config *sipwall_config_realm(const struct sipwall_config *cfg,
							 const char *name)
{
	for (unsigned int i = 0; i < cfg->realm_count; i++)
		if (!strcmp(cfg->realms[i].name, name))
			return &cfg->realms[i];
	return NULL;
}
