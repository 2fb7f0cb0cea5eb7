/*
 * acme_issue against the fake certbot: accounts (certbot-hooks.md §3),
 * leftovers and outputs (§6), environment (§5), the cbot log (§9), the
 * cleanup after every run (§8.3), timeouts and the hook's verdict (§7.4,
 * §11).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_acme_driver.h"

static void setup_dns(void) { fx_setup("dns"); }

/* ---- positive ---- */

/* The last line of the fake's env record: its pid and SSLM_CERTBOT_PID. */
static void
last_env(int *pid, int *env_pid, char **topdir)
{
	char *p = fx_path(fx.rec, "env"), *env = fx_read(p);
	char *last = env + strlen(env);
	char top[4096];

	while (last > env && last[-1] == '\n')
		*--last = '\0';
	while (last > env && last[-1] != '\n')
		last--;
	ck_assert_int_eq(sscanf(last, "pid=%d env_pid=%d topdir=%4095s", pid,
	    env_pid, top), 3);
	*topdir = strdup(top);
	free(env);
	free(p);
}

START_TEST(test_issue_reuses_account)
{
	struct strvec a;
	char *p, *topdir = NULL, *log;
	int pid = 0, env_pid = -1;

	fx_account(PROD, "abc");
	/* Leftovers of an earlier attempt on the same set (quirk Q7); the
	 * fake refuses to overwrite, as certbot does. */
	p = fx_path(fx.set_dir, "cert.pem");
	fx_write(p, "old\n");
	free(p);
	p = fx_path(fx.set_dir, "bundle.pem");
	fx_write(p, "old\n");
	free(p);
	p = fx_path(fx.cb, "auth-status");
	fx_write(p, "fail: from an earlier run\n");
	free(p);
	/* Whatever we inherited, certbot gets our TOP. */
	setenv("SSL_MGR_TOPDIR", "/somewhere/else", 1);
	fx_issue_ok();
	unsetenv("SSL_MGR_TOPDIR");
	ck_assert(fx_in_set("cert.pem") && fx_in_set("chain.pem") &&
	    fx_in_set("fullchain.pem"));
	ck_assert(!fx_in_set("bundle.pem"));
	ck_assert_int_eq(fx.cleanups, 1);
	/* probe x2, certonly; no register */
	ck_assert_int_eq(fx_n_calls(), 3);
	strvec_init(&a);
	fx_call(-1, &a);
	ck_assert_str_eq(a.v[1], "certonly");
	ck_assert(!strvec_contains(&a, "--account"));
	strvec_clear(&a);
	/* §5: our TOP, and certbot's own pid. */
	last_env(&pid, &env_pid, &topdir);
	ck_assert_str_eq(topdir, fx.td.path);
	ck_assert_int_eq(pid, env_pid);
	log = fx_cbot_log();
	ck_assert_msg(strstr(log, "example.com/dns: certbot command: ") != NULL,
	    "%s", log);
	ck_assert_msg(strstr(log, "using account abc") != NULL, "%s", log);
	ck_assert_msg(strstr(log, "removed leftover ") != NULL, "%s", log);
	free(log);
	free(topdir);
}
END_TEST

START_TEST(test_issue_registers)
{
	struct strvec a;
	char *acct, *logs, *work;

	fx_issue_ok();
	ck_assert_int_eq(fx_n_calls(), 4);
	strvec_init(&a);
	fx_call(2, &a);
	logs = fx_path(fx.cb, "logs");
	work = fx_path(fx.cb, "work");
	fx_assert_argv(&a, (const char *const[]){ fx.certbot, "register",
	    "--config-dir", fx.cb, "--logs-dir", logs, "--work-dir", work,
	    "--agree-tos", "--no-eff-email", "--email", "admin@example.com",
	    "--non-interactive", NULL });
	strvec_clear(&a);
	acct = fx_path(fx.cb, PROD "/newacct/meta.json");
	ck_assert(fx_exists(acct));
	ck_assert(fx_in_set("cert.pem"));
	free(acct);
	free(logs);
	free(work);
}
END_TEST

START_TEST(test_issue_registers_staging)
{
	struct strvec a;
	char *acct;

	fx_account(PROD, "prod-only");	/* not for -t */
	fx.r.test = true;
	fx_issue_ok();
	strvec_init(&a);
	fx_call(2, &a);
	ck_assert_str_eq(a.v[1], "register");
	ck_assert_str_eq(a.v[a.n - 2], "--test-cert");
	strvec_clear(&a);
	fx_call(-1, &a);
	ck_assert(strvec_contains(&a, "--test-cert"));
	strvec_clear(&a);
	acct = fx_path(fx.cb, STAGING "/newacct");
	ck_assert(fx_exists(acct));
	free(acct);
}
END_TEST

START_TEST(test_issue_dry_run)
{
	struct strvec a;
	char *dry = fx_path(fx.cb, "dry-run"), *csr = fx_path(dry, "csr.pem");
	char *stale = fx_path(dry, "cert.pem"), *log;

	fx_write(stale, "stale\n");
	fx.r.dry_run = true;
	fx_issue_ok();
	/* Staging account registered (certbot --dry-run uses staging),
	 * without --dry-run on register. */
	strvec_init(&a);
	fx_call(2, &a);
	ck_assert_str_eq(a.v[1], "register");
	ck_assert(strvec_contains(&a, "--test-cert"));
	ck_assert(!strvec_contains(&a, "--dry-run"));
	strvec_clear(&a);
	fx_call(-1, &a);
	ck_assert(strvec_contains(&a, "--dry-run"));
	ck_assert(!strvec_contains(&a, "--test-cert"));
	ck_assert(strvec_contains(&a, csr));	/* the fake found it there */
	strvec_clear(&a);
	ck_assert(!fx_exists(dry));		/* scratch removed */
	ck_assert(!fx_in_set("cert.pem"));		/* nothing stored */
	ck_assert_int_eq(fx.cleanups, 1);
	log = fx_cbot_log();
	ck_assert(strstr(log, "example.com/dns: dry run successful") != NULL);
	free(log);
	free(dry);
	free(csr);
	free(stale);
}
END_TEST

START_TEST(test_issue_eab_hidden)
{
	struct strvec a;
	char *acct, *log;

	fx_service("peb");
	fx_issue_ok();
	strvec_init(&a);
	fx_call(2, &a);
	ck_assert_str_eq(a.v[1], "register");
	ck_assert_str_eq(a.v[12], "--server");
	ck_assert_str_eq(a.v[13], "https://127.0.0.1:14000/dir");
	ck_assert_str_eq(a.v[14], "--eab-kid");
	ck_assert_str_eq(a.v[15], "kid-1");
	ck_assert_str_eq(a.v[16], "--eab-hmac-key");
	ck_assert_str_eq(a.v[17], FX_HMAC);	/* certbot gets it ... */
	ck_assert_str_eq(a.v[18], "--non-interactive");
	ck_assert(!strvec_contains(&a, "--test-cert"));
	strvec_clear(&a);
	log = fx_cbot_log();
	ck_assert_msg(strstr(log, "--eab-hmac-key *** --non-interactive") !=
	    NULL, "%s", log);
	ck_assert_msg(strstr(log, FX_HMAC) == NULL, "%s", log); /* ... no log */
	free(log);
	acct = fx_path(fx.cb, "accounts/127.0.0.1:14000/dir/newacct");
	ck_assert(fx_exists(acct));
	free(acct);
}
END_TEST

START_TEST(test_issue_server_reuses_account)
{
	fx_service("peb");
	fx_account("accounts/127.0.0.1:14000/dir", "pebacct");
	fx.r.test = true;		/* no separate staging folder */
	fx_issue_ok();
	ck_assert_int_eq(fx_n_calls(), 3);
}
END_TEST

START_TEST(test_issue_ca_account_picks)
{
	struct strvec a;

	fx_service("acct");
	fx_account(PROD, "id1");
	fx_account(PROD, "id2");
	fx_issue_ok();
	strvec_init(&a);
	fx_call(-1, &a);
	ck_assert_str_eq(a.v[a.n - 2], "id2");
	strvec_clear(&a);
}
END_TEST

START_TEST(test_issue_progress)
{
	setenv("FAKE_MODE", "progress", 1);
	fx_account(PROD, "abc");
	/* Stale lines of an earlier run are not relayed. */
	{
		char *p = fx_path(fx.cb, "auth-progress");

		fx_write(p, "old line\n");
		free(p);
	}
	fx_issue_ok();
	ck_assert_uint_eq(fx.progress.n, 2);
	ck_assert_str_eq(fx.progress.v[0], "dns wait example.com: 0/1 agree");
	ck_assert_str_eq(fx.progress.v[1], "dns wait example.com: all 1 agree");
}
END_TEST

START_TEST(test_issue_profile_warned_once)
{
	fx_service("prof");
	fx_account(PROD, "abc");
	ck_assert(!fx.caps.warned_profile);
	fx_issue_ok();
	ck_assert(fx.caps.warned_profile);
}
END_TEST

Suite *
suite_acme_issue(void)
{
	Suite *s = suite_create("acme issue");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup_dns, fx_teardown);
	tcase_add_checked_fixture(neg, setup_dns, fx_teardown);
	tcase_set_timeout(pos, 60);
	tcase_set_timeout(neg, 60);
	tcase_add_test(pos, test_issue_reuses_account);
	tcase_add_test(pos, test_issue_registers);
	tcase_add_test(pos, test_issue_registers_staging);
	tcase_add_test(pos, test_issue_dry_run);
	tcase_add_test(pos, test_issue_eab_hidden);
	tcase_add_test(pos, test_issue_server_reuses_account);
	tcase_add_test(pos, test_issue_ca_account_picks);
	tcase_add_test(pos, test_issue_progress);
	tcase_add_test(pos, test_issue_profile_warned_once);
	fx_add_issue_negative(neg);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
