// SPDX-License-Identifier: GPL-2.0
/*
 * digestclient: a small SIP client answering digest challenges (RFC 7616,
 * RFC 8760: SHA-256 and MD5), for what sipp cannot do: SHA-256, and
 * crafted answers (replayed nonce-count, forged nonce, stale nonce,
 * another realm, another uri).
 *
 *   digestclient [-t udp|tcp|tls] [-m METHOD] [-u USER] [-F FROM-USER] [-T TO-USER] [-p PASSWORD]
 *                [-a SHA-256|MD5] [-C CA] [-c CERT -k KEY] ADDR:PORT STEP...
 *
 * Every step sends one request (a new transaction, same Call-ID, CSeq + 1)
 * and prints one line: the step's name, the final status, and what the
 * answer said: "alg=SHA-256,MD5" (challenges in order), "stale",
 * "retry-after=N". Steps:
 *
 *   plain       no credentials; a challenge in the answer is kept
 *   auth        credentials for the kept challenge (-a's algorithm), nc + 1
 *   replay      the last credentials again, same nc
 *   forge       credentials with one character of the nonce changed
 *   otherrealm  credentials for realm "other.example"
 *   otheruri    credentials whose uri is not the Request-URI
 *   cancelauth  like auth, and CANCELled at the first provisional answer
 *               (the CANCEL's answer prints as "cancelauth cancel=STATUS")
 *   sleep=MS    waits
 *
 * TLS verifies the server against CA (when given) and presents CERT/KEY
 * (when given). USER "@N" is N times 'x'. FROM-USER and TO-USER (default:
 * USER) are the From and To URIs' users (the To's is the AOR of a REGISTER). Non-2xx answers to INVITE are ACKed. A step
 * with no final answer within 3 s prints "timeout". Exits 1 on a transport
 * error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF_MAX		(96 * 1024)
#define ANSWER_WAIT_MS	3000

struct challenge {
	char alg[16];
	char realm[256];
	char nonce[256];
	char opaque[256];
	bool stale;
};

static struct {
	bool tcp, tls;
	const char *ca, *cert, *key;
	SSL *ssl;		/* TLS over the TCP connection */
	int fd;
	struct sockaddr_storage server;
	socklen_t server_len;
	char local[64];
	unsigned int local_port;
	const char *method;
	char *user;
	const char *from_user, *to_user;	/* NULL: user */
	const char *password;
	const char *alg;
	char ruri[128];
	char call_id[64];
	char from_tag[32];
	unsigned int cseq;
	struct challenge ch;
	bool have_ch;
	unsigned int nc;
	char last_cred[BUF_MAX / 2];
	char in[BUF_MAX];
	size_t in_len;
} c = { .method = "REGISTER", .user = "alice", .password = "alice-pw", .alg = "SHA-256" };

static void die(const char *what)
{
	fprintf(stderr, "digestclient: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static void random_hex(char *out, size_t bytes)
{
	unsigned char raw[32];

	if (bytes > sizeof(raw) || RAND_bytes(raw, (int)bytes) != 1)
		die("RAND_bytes");
	for (size_t i = 0; i < bytes; i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
}

/* hex digest of the concatenated parts, with ':' between them */
static void hash_hex(const char *alg, char *out, const char *const *parts, size_t count)
{
	const EVP_MD *md = !strcasecmp(alg, "MD5") ? EVP_md5() : EVP_sha256();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len;

	if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL))
		die("EVP");
	for (size_t i = 0; i < count; i++) {
		if (i)
			EVP_DigestUpdate(ctx, ":", 1);
		EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
	}
	EVP_DigestFinal_ex(ctx, d, &len);
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void connect_server(const char *where)
{
	char host[64];
	const char *colon = strrchr(where, ':');
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV }, *res;
	struct sockaddr_storage me;
	socklen_t me_len = sizeof(me);

	if (!colon || (size_t)(colon - where) >= sizeof(host))
		die("ADDR:PORT");
	memcpy(host, where, (size_t)(colon - where));
	host[colon - where] = '\0';
	hints.ai_socktype = c.tcp ? SOCK_STREAM : SOCK_DGRAM;
	if (getaddrinfo(host, colon + 1, &hints, &res))
		die("address");
	memcpy(&c.server, res->ai_addr, res->ai_addrlen);
	c.server_len = res->ai_addrlen;
	c.fd = socket(res->ai_family, res->ai_socktype, 0);
	freeaddrinfo(res);
	if (c.fd < 0 || connect(c.fd, (struct sockaddr *)&c.server, c.server_len))
		die("connect");
	if (getsockname(c.fd, (struct sockaddr *)&me, &me_len))
		die("getsockname");
	if (c.tls) {
		SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

		if (!ctx || (c.ca && SSL_CTX_load_verify_locations(ctx, c.ca, NULL) != 1) ||
		    (c.cert && (SSL_CTX_use_certificate_chain_file(ctx, c.cert) != 1 ||
				SSL_CTX_use_PrivateKey_file(ctx, c.key, SSL_FILETYPE_PEM) != 1)))
			die("TLS setup");
		SSL_CTX_set_verify(ctx, c.ca ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
		c.ssl = SSL_new(ctx);
		SSL_CTX_free(ctx);	/* the SSL holds a reference */
		if (!c.ssl || !SSL_set_fd(c.ssl, c.fd) || SSL_connect(c.ssl) != 1) {
			errno = EPROTO;
			die("TLS handshake");
		}
	}
	inet_ntop(AF_INET, &((struct sockaddr_in *)&me)->sin_addr, c.local, sizeof(c.local));
	c.local_port = ntohs(((struct sockaddr_in *)&me)->sin_port);
	snprintf(c.ruri, sizeof(c.ruri), "sip:%s", where);
}

static void send_all(const char *data, size_t len)
{
	while (len) {
		ssize_t n = c.ssl ? SSL_write(c.ssl, data, (int)len) : send(c.fd, data, len, 0);

		if (n < 0)
			die("send");
		data += n;
		len -= (size_t)n;
	}
}

/* One response into c.in (a datagram, or a stream message framed by Content-Length); 0: none. */
static size_t receive(void)
{
	struct timespec start, now;
	size_t used = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { .fd = c.fd, .events = POLLIN };
		char *end;
		long waited;
		ssize_t n;

		if (c.tcp && (end = strstr(c.in, "\r\n\r\n"))) {
			size_t head = (size_t)(end + 4 - c.in);
			const char *cl = strcasestr(c.in, "\r\nContent-Length:");
			size_t body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;

			if (used >= head + body)
				return head + body;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if ((!c.ssl || !SSL_pending(c.ssl)) &&
		    (waited >= ANSWER_WAIT_MS || poll(&p, 1, (int)(ANSWER_WAIT_MS - waited)) <= 0))
			return 0;
		n = c.ssl ? SSL_read(c.ssl, c.in + used, (int)(sizeof(c.in) - 1 - used)) :
			    recv(c.fd, c.in + used, sizeof(c.in) - 1 - used, 0);
		if (n <= 0)
			die("recv");
		used += (size_t)n;
		c.in[used] = '\0';
		if (!c.tcp)
			return used;
	}
}

static void consume(size_t len)
{
	size_t total = strlen(c.in);

	memmove(c.in, c.in + len, total - len + 1);
}

/* The value of a parameter of a challenge (quoted or not) into out. */
static void param(const char *value, const char *name, char *out, size_t size)
{
	size_t nlen = strlen(name);
	const char *p = value;

	out[0] = '\0';
	while ((p = strcasestr(p, name))) {
		const char *v = p + nlen;
		size_t n = 0;

		if ((p == value || p[-1] == ' ' || p[-1] == ',') && *v == '=') {
			v++;
			if (*v == '"') {
				for (v++; *v && *v != '"' && n + 1 < size; v++)
					out[n++] = *v;
			} else {
				for (; *v && *v != ',' && *v != ' ' && *v != '\r' && n + 1 < size; v++)
					out[n++] = *v;
			}
			out[n] = '\0';
			return;
		}
		p = v;
	}
}

static void print_answer(const char *step, const char *msg, unsigned int status)
{
	const char *header = !strcmp(c.method, "REGISTER") ? "\nWWW-Authenticate:" :
							    "\nProxy-Authenticate:";
	char algs[64] = "", value[300];
	bool stale = false, kept = false;
	const char *h, *end = strstr(msg, "\r\n\r\n");

	printf("%s %u", step, status);
	for (h = strcasestr(msg, header); h && h < end; h = strcasestr(h + 1, header)) {
		const char *v = h + strlen(header);
		const char *eol = strstr(v, "\r\n");
		size_t len = (size_t)(eol - v);
		char line[1024], alg[16];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, v, len);
		line[len] = '\0';
		param(line, "algorithm", alg, sizeof(alg));
		snprintf(algs + strlen(algs), sizeof(algs) - strlen(algs), "%s%s",
			 algs[0] ? "," : "", alg[0] ? alg : "MD5");
		param(line, "stale", value, sizeof(value));
		stale |= !strcasecmp(value, "true");
		if (!kept && !strcasecmp(alg[0] ? alg : "MD5", c.alg)) {
			snprintf(c.ch.alg, sizeof(c.ch.alg), "%s", c.alg);
			param(line, "realm", c.ch.realm, sizeof(c.ch.realm));
			param(line, "nonce", c.ch.nonce, sizeof(c.ch.nonce));
			param(line, "opaque", c.ch.opaque, sizeof(c.ch.opaque));
			c.have_ch = kept = true;
			c.nc = 0;
		}
	}
	if (algs[0])
		printf(" alg=%s", algs);
	if (stale)
		printf(" stale");
	h = strcasestr(msg, "\nRetry-After:");
	if (h && h < end)
		printf(" retry-after=%lu", strtoul(h + 13, NULL, 10));
	printf("\n");
	fflush(stdout);
}

/* The user, but "long" for the oversized user names. */
static const char *short_user(void)
{
	return strlen(c.user) > 64 ? "long" : c.user;
}

static const char *from_user(void)
{
	return c.from_user ? c.from_user : short_user();
}

static const char *to_user(void)
{
	return c.to_user ? c.to_user : short_user();
}

static void send_ack(const char *branch, const char *resp)
{
	char ack[2048], to[512] = "";
	const char *t = strcasestr(resp, "\nTo:");

	if (t) {
		const char *eol = strstr(t + 1, "\r\n");
		size_t len = (size_t)(eol - (t + 1));

		if (len < sizeof(to)) {
			memcpy(to, t + 1, len);
			to[len] = '\0';
		}
	}
	snprintf(ack, sizeof(ack),
		 "ACK %s SIP/2.0\r\nVia: SIP/2.0/%s %s:%u;branch=%s;rport\r\n"
		 "From: <sip:%s@%s>;tag=%s\r\n%s\r\nCall-ID: %s\r\nCSeq: %u ACK\r\n"
		 "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
		 c.ruri, c.ssl ? "TLS" : c.tcp ? "TCP" : "UDP", c.local, c.local_port, branch, from_user(), c.local,
		 c.from_tag, to, c.call_id, c.cseq);
	send_all(ack, strlen(ack));
}

/* CANCEL for the INVITE just sent (RFC 3261 9.1: its branch, Call-ID, CSeq number). */
static void cancel(const char *branch)
{
	char msg[2048];

	snprintf(msg, sizeof(msg),
		 "CANCEL %s SIP/2.0\r\nVia: SIP/2.0/%s %s:%u;branch=%s;rport\r\n"
		 "From: <sip:%s@%s>;tag=%s\r\nTo: <sip:%s@%s>\r\nCall-ID: %s\r\n"
		 "CSeq: %u CANCEL\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
		 c.ruri, c.ssl ? "TLS" : c.tcp ? "TCP" : "UDP", c.local, c.local_port, branch,
		 from_user(), c.local, c.from_tag, to_user(), c.local, c.call_id,
		 c.cseq);
	send_all(msg, strlen(msg));
}

/*
 * kind: 0 none, 1 good, 2 replay, 3 forged nonce, 4 other realm, 5 other
 * uri, 6 good and CANCELled at the first provisional answer
 */
static void request(const char *step, int kind)
{
	static char req[BUF_MAX];
	bool cancelled = false;
	char branch[48] = "z9hG4bK", cred_line[BUF_MAX / 2];
	const char *hdr = !strcmp(c.method, "REGISTER") ? "Authorization" : "Proxy-Authorization";
	unsigned int status;
	size_t len;

	random_hex(branch + 7, 12);
	c.cseq++;
	cred_line[0] = '\0';
	if (kind == 2) {
		snprintf(cred_line, sizeof(cred_line), "%s", c.last_cred);
	} else if (kind) {
		char ha1[130], ha2[130], resp[130], nc[9], cnonce[33], nonce[256];
		const char *realm = kind == 4 ? "other.example" : c.ch.realm;
		const char *uri = kind == 5 ? "sip:somewhere.else.example" : c.ruri;

		if (!c.have_ch) {
			fprintf(stderr, "digestclient: %s: no challenge yet\n", step);
			exit(1);
		}
		snprintf(nonce, sizeof(nonce), "%s", c.ch.nonce);
		if (kind == 3)
			nonce[10] = nonce[10] == 'A' ? 'B' : 'A';
		snprintf(nc, sizeof(nc), "%08x", ++c.nc);
		random_hex(cnonce, 16);
		hash_hex(c.ch.alg, ha1, (const char *const[]){ c.user, realm, c.password }, 3);
		hash_hex(c.ch.alg, ha2, (const char *const[]){ c.method, uri }, 2);
		hash_hex(c.ch.alg, resp,
			 (const char *const[]){ ha1, nonce, nc, cnonce, "auth", ha2 }, 6);
		snprintf(cred_line, sizeof(cred_line),
			 "%s: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
			 "response=\"%s\", algorithm=%s, qop=auth, nc=%s, cnonce=\"%s\"%s%s%s\r\n",
			 hdr, c.user, realm, nonce, uri, resp, c.ch.alg, nc, cnonce,
			 c.ch.opaque[0] ? ", opaque=\"" : "", c.ch.opaque, c.ch.opaque[0] ? "\"" : "");
		snprintf(c.last_cred, sizeof(c.last_cred), "%s", cred_line);
	}
	len = (size_t)snprintf(req, sizeof(req),
			       "%s %s SIP/2.0\r\nVia: SIP/2.0/%s %s:%u;branch=%s;rport\r\n"
			       "From: <sip:%s@%s>;tag=%s\r\nTo: <sip:%s@%s>\r\nCall-ID: %s\r\n"
			       "CSeq: %u %s\r\nMax-Forwards: 70\r\nContact: <sip:%s@%s:%u>\r\n"
			       "%sContent-Length: 0\r\n\r\n",
			       c.method, c.ruri, c.ssl ? "TLS" : c.tcp ? "TCP" : "UDP", c.local, c.local_port, branch,
			       from_user(), c.local, c.from_tag, to_user(), c.local,
			       c.call_id, c.cseq, c.method, from_user(), c.local, c.local_port, cred_line);
	if (len >= sizeof(req))
		die("request too long");
	send_all(req, len);
	for (;;) {
		size_t got = receive();
		const char *cseq, *eol;

		if (!got) {
			printf("%s timeout\n", step);
			fflush(stdout);
			return;
		}
		if (strncmp(c.in, "SIP/2.0 ", 8)) {
			errno = EPROTO;
			die("not a SIP response");
		}
		status = (unsigned int)strtoul(c.in + 8, NULL, 10);
		cseq = strcasestr(c.in, "\nCSeq:");
		eol = cseq ? strstr(cseq, "\r\n") : NULL;
		if (eol && eol - cseq > 7 && !strncmp(eol - 7, " CANCEL", 7)) {
			printf("%s cancel=%u\n", step, status);	/* the CANCEL's own answer */
			consume(got);
			continue;
		}
		if (status < 200 && kind == 6 && !cancelled) {
			cancel(branch);
			cancelled = true;
		}
		if (status >= 200) {
			print_answer(step, c.in, status);
			if (!strcmp(c.method, "INVITE") && status >= 300)
				send_ack(branch, c.in);
			consume(got);
			return;
		}
		consume(got);	/* provisional */
	}
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "t:m:u:F:T:p:a:C:c:k:")) != -1) {
		switch (opt) {
		case 't':
			c.tcp = strcmp(optarg, "udp") != 0;
			c.tls = !strcmp(optarg, "tls");
			break;
		case 'C':
			c.ca = optarg;
			break;
		case 'c':
			c.cert = optarg;
			break;
		case 'k':
			c.key = optarg;
			break;
		case 'm':
			c.method = optarg;
			break;
		case 'u':
			if (optarg[0] == '@') {
				size_t n = strtoul(optarg + 1, NULL, 10);

				c.user = malloc(n + 1);
				if (!c.user)
					die("malloc");
				memset(c.user, 'x', n);
				c.user[n] = '\0';
			} else {
				c.user = optarg;
			}
			break;
		case 'F':
			c.from_user = optarg;
			break;
		case 'T':
			c.to_user = optarg;
			break;
		case 'p':
			c.password = optarg;
			break;
		case 'a':
			c.alg = optarg;
			break;
		default:
			fprintf(stderr, "usage: digestclient [-t udp|tcp|tls] [-m METHOD] [-u USER] [-F FROM-USER] [-T TO-USER] "
				"[-p PASSWORD] [-a SHA-256|MD5] [-C CA] [-c CERT -k KEY] "
				"ADDR:PORT STEP...\n");
			return 2;
		}
	}
	if (optind + 1 >= argc) {
		fprintf(stderr, "digestclient: ADDR:PORT and steps needed\n");
		return 2;
	}
	connect_server(argv[optind]);
	random_hex(c.call_id, 16);
	random_hex(c.from_tag, 8);
	c.cseq = 0;
	for (int i = optind + 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strncmp(s, "sleep=", 6))
			usleep((useconds_t)strtoul(s + 6, NULL, 10) * 1000);
		else if (!strcmp(s, "plain"))
			request(s, 0);
		else if (!strcmp(s, "auth"))
			request(s, 1);
		else if (!strcmp(s, "replay"))
			request(s, 2);
		else if (!strcmp(s, "forge"))
			request(s, 3);
		else if (!strcmp(s, "otherrealm"))
			request(s, 4);
		else if (!strcmp(s, "otheruri"))
			request(s, 5);
		else if (!strcmp(s, "cancelauth"))
			request(s, 6);
		else {
			fprintf(stderr, "digestclient: unknown step %s\n", s);
			return 2;
		}
	}
	if (c.ssl) {
		SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
	}
	close(c.fd);
	return 0;
}
