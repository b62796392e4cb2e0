// SPDX-License-Identifier: GPL-2.0
/*
 * The built sipwallctl, run as a script would run it: help on stdout with
 * status 0; every error one line on stderr with a non-zero status. None
 * of these needs the kernel module.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests.h"

extern char **environ;

struct result {
	int status;
	char *out, *err;
};

static char *slurp(FILE *f)
{
	long len = ftell(f);
	char *text = calloc(1, len + 1);

	rewind(f);
	assert_int_equal(fread(text, 1, len, f), (size_t)len);
	fclose(f);
	return text;
}

static struct result run(const char *const *args)
{
	const char *bin = getenv("SIPWALLCTL") ? getenv("SIPWALLCTL") : "../../../tools/sipwallctl";
	posix_spawn_file_actions_t fa;
	char *argv[32] = { (char *)bin };
	FILE *out = tmpfile(), *err = tmpfile();
	struct result r;
	pid_t pid;
	int i;

	for (i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fileno(out), STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fileno(err), STDERR_FILENO);
	assert_int_equal(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &r.status, 0), pid);
	assert_true(WIFEXITED(r.status));
	r.status = WEXITSTATUS(r.status);
	fseek(out, 0, SEEK_END);
	fseek(err, 0, SEEK_END);
	r.out = slurp(out);
	r.err = slurp(err);
	return r;
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

void test_cli_help(void **state)
{
	const char *const *const helps[] = {
		ARGS("--help"), ARGS("-h"), ARGS("help"), ARGS("help", "flow"),
		ARGS("flow", "--help"), ARGS("flow", "add", "--help"), ARGS("config", "--help"),
		ARGS("stats", "--help"), ARGS("monitor", "--help"), ARGS("-j", "help", "monitor"),
	};
	struct result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		r = run(helps[i]);
		assert_int_equal(r.status, 0);
		assert_true(!strncmp(r.out, "usage: sipwallctl", 17));
		assert_string_equal(r.err, "");
		result_free(&r);
	}
	r = run(ARGS("--version"));
	assert_int_equal(r.status, 0);
	assert_true(!strncmp(r.out, "sipwallctl ", 11));
	assert_ptr_equal(strchr(r.out, '\n'), r.out + strlen(r.out) - 1);
	result_free(&r);
}

void test_cli_errors(void **state)
{
	const struct {
		const char *const *args;
		const char *err;
	} bad[] = {
		{ ARGS("flow", "add", "in", "1.2.3:5", "learn", "out", "1.2.3.4:6", "to", "1.2.3.4:7"),
		  "sipwallctl: bad address '1.2.3:5': not an IPv4 address\n" },
		{ ARGS("flow", "add", "in", "1.2.3.4:5", "out", "1.2.3.4:6", "to", "1.2.3.4:7"), NULL },
		{ ARGS("flow", "add", "in", "1.2.3.4:5", "learn", "out", "1.2.3.4:6", "to",
		       "1.2.3.4:7", "srtp-in", "AES_CM_128_HMAC_SHA1_80", "c2hvcnQ="), NULL },
		{ ARGS("flow", "del", "in", "1.2.3.4:0"),
		  "sipwallctl: bad address '1.2.3.4:0': port must be 1-65535\n" },
		{ ARGS("flow", "del", "1.2.3.4:5"), NULL },
		{ ARGS("flow", "del"), "sipwallctl: flow del needs in ADDR:PORT\n" },
		{ ARGS("flow", "list", "session"), "sipwallctl: missing N after 'session'\n" },
		{ ARGS("flow", "list", "session", "x"), "sipwallctl: bad session 'x': not a number\n" },
		{ ARGS("flow", "flush", "sessions", "1"), NULL },
		{ ARGS("flow"), "sipwallctl: flow needs a command: add, del, list or flush\n" },
		{ ARGS("flow", "show"), NULL },
		{ ARGS("config", "media-ports", "5-4"), NULL },
		{ ARGS("config", "media-ports"), "sipwallctl: missing LOW-HIGH after 'media-ports'\n" },
		{ ARGS("config", "media"), NULL },
		{ ARGS("stats", "now"), "sipwallctl: unknown word 'now' after stats\n" },
		{ ARGS("monitor", "--count", "0"), "sipwallctl: bad count '0': must be 1-4294967295\n" },
		{ ARGS("monitor", "--count"), "sipwallctl: missing N after '--count'\n" },
		{ ARGS("monitor", "--timeout", "x"), NULL },
		{ ARGS("monitor", "--forever"), NULL },
		{ ARGS("frobnicate"), "sipwallctl: unknown subcommand 'frobnicate' (try: sipwallctl --help)\n" },
		{ ARGS("-x", "stats"), "sipwallctl: unknown option '-x' (try: sipwallctl --help)\n" },
		{ ARGS("-j"), "sipwallctl: missing subcommand (try: sipwallctl --help)\n" },
		{ ARGS("help", "frob"), NULL },
	};
	struct result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = run(bad[i].args);
		assert_int_not_equal(r.status, 0);
		assert_string_equal(r.out, "");
		assert_true(!strncmp(r.err, "sipwallctl: ", 12));
		/* Exactly one line. */
		assert_ptr_equal(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
		if (bad[i].err)
			assert_string_equal(r.err, bad[i].err);
		result_free(&r);
	}
	/* No args at all: the same one-line complaint. */
	r = run((const char *const[]){ NULL });
	assert_int_not_equal(r.status, 0);
	assert_string_equal(r.err, "sipwallctl: missing subcommand (try: sipwallctl --help)\n");
	result_free(&r);
}

/* Where the module is loaded (in the VM) this has nothing to check. */
void test_cli_no_module(void **state)
{
	const char *const *const cmds[] = {
		ARGS("stats"), ARGS("flow", "list"), ARGS("-j", "config"),
		ARGS("monitor", "--count", "1"),
		ARGS("flow", "add", "in", "1.2.3.4:5", "learn", "out", "1.2.3.4:6", "to", "1.2.3.4:7"),
	};
	struct result r;
	size_t i;

	(void)state;
	if (!access("/sys/module/sipwall", F_OK))
		skip();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		r = run(cmds[i]);
		assert_int_equal(r.status, 1);
		assert_string_equal(r.out, "");
		assert_string_equal(r.err, "sipwallctl: sipwall kernel module is not loaded "
				    "(try: modprobe sipwall)\n");
		result_free(&r);
	}
}
