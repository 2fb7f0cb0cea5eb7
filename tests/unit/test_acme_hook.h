/*
 * Shared pieces of the certbot-hook unit tests (one runner:
 * test_acme_hook.c): a config tree in a temp dir, and a fake certbot that
 * runs the hook in a child, so the SIGTERM a failing hook sends lands on a
 * process the test controls.
 */
#ifndef SSLM_TEST_ACME_HOOK_H
#define SSLM_TEST_ACME_HOOK_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

Suite *hook_auth_suite(void);
Suite *hook_dns_suite(void);
Suite *hook_http_suite(void);

/* Values of field case 01 (calls 1 and 2, then the fresh pair). */
#define V_APEX	"gnnsATDD0BUUIA6jyVu4Zk6o7Fmq-D1ghLHrQ7tEkGM"
#define V_WILD	"4MZD1B6xYpTeZEdPSVFCKndiwXpMU1tsMcQQLTXnvdI"
#define V_NEW1	"W2f_VeflZM-M68Vvdul7eqzq3BZv9lBMrhyA_FAfmvM"
#define V_NEW2	"L6pQ1f4HtZrj6Llc1ge7OaAAyDyBPwQjLSORjM03LRs"

/*
 * A tree under a new temp dir: conf.d with group example.test, services
 * web-wild (case 01, dns-01) and web-http (http-01), their cb/ dirs, a
 * restart script that appends its arguments to TOP/restart.log, acme dir
 * TOP/acme, web root TOP/www served by web_server ("" = this host).
 * [[dns_primary]] is 127.0.0.1:port; waits are 0 s delay, 2 s at most.
 */
void th_tree(int port, const char *web_server);
void th_teardown(void);
/* TOP/<rel> in a static buffer (8 in rotation). */
const char *th_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What a fake certbot saw of one hook run. */
struct th_run {
	int rc;			/* the hook's exit status, -1: died */
	bool term;		/* the fake certbot got SIGTERM */
	long certbot_pid;
};

/*
 * Run acme_auth_hook (cleanup: acme_cleanup_hook) as a child of a fresh
 * fake certbot. env: NULL-terminated "NAME=value" list, applied after the
 * CERTBOT_* variables of the test process are removed. pid_env: export
 * SSLM_CERTBOT_PID = the fake certbot's pid. argv: NULL-terminated hook
 * arguments after argv[0].
 */
void th_run_hook(bool cleanup, const char *const *argv, const char *const *env,
    bool pid_env, struct th_run *out);
/* n calls under one fake certbot (one run), env per call; out[i] of a
 * call never made (certbot stopped by an earlier one) has rc -2. */
void th_certbot(bool cleanup, const char *const *argv,
    const char *const *const *envs, size_t n, bool pid_env, struct th_run *out);
/* The common case: <example.test> <service>, certbot pid exported. */
void th_auth(const char *service, const char *const *env, struct th_run *out);

/* tests/data/acme/<name> (static buffer). */
const char *th_data(const char *name);
/* Whole file into a static buffer; NULL when it does not exist. */
const char *th_read(const char *path);
void th_write(const char *path, const char *text);
/* Lines in a file (0 when missing). */
int th_lines(const char *path);

#endif /* SSLM_TEST_ACME_HOOK_H */
