/*
 * acme_issue failures (certbot-hooks.md §3, §6, §7.4, §11): each must name
 * its cause, and certbot must not run when the account check fails; the
 * cleanup follows every run that was started.
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

START_TEST(test_issue_several_accounts)
{
	char *dir = fx_path(fx.cb, PROD), *want = NULL, *half;

	fx_account(PROD, "b2");
	fx_account(PROD, "a1");
	half = fx_path(fx.cb, PROD "/half/meta.json");
	fx_write(half, "{}\n");		/* no private_key.json: no account */
	ck_assert_int_ne(asprintf(&want, "several ACME accounts in %s: a1, b2; "
	    "set ca_account = '<id>' in conf.d/example.com/dns or its "
	    "ca-info.conf entry", dir), -1);
	fx_issue_fails(want);
	ck_assert(!fx_certonly_ran());
	ck_assert_int_eq(fx.cleanups, 0);
	free(want);
	free(dir);
	free(half);
}
END_TEST

START_TEST(test_issue_missing_ca_account)
{
	fx_service("acct");
	fx_account(PROD, "id1");
	fx_issue_fails("ca_account 'id2' names no account in ");
	fx_issue_fails("(there: id1)");
	ck_assert(!fx_certonly_ran());
}
END_TEST

START_TEST(test_issue_no_email)
{
	fx_service("noemail");
	fx_issue_fails("[X509] email is empty in conf.d/example.com/noemail");
	ck_assert_int_eq(fx_n_calls(), 2);	/* the probe only */
}
END_TEST

START_TEST(test_issue_no_email_with_account)
{
	fx_service("noemail");
	fx_account(PROD, "abc");
	fx_issue_ok();			/* email only matters to register */
}
END_TEST

START_TEST(test_issue_register_fails)
{
	setenv("FAKE_REGISTER_FAIL", "1", 1);
	fx_issue_fails("error registering the ACME account: certbot "
	    "register exited with status 1: An unexpected error occurred: "
	    "registration refused");
	ck_assert(!fx_certonly_ran());
}
END_TEST

START_TEST(test_issue_certbot_fails)
{
	char *log;

	setenv("FAKE_MODE", "fail", 1);
	fx_account(PROD, "abc");
	fx_issue_fails("certbot certonly exited with status 1: An "
	    "unexpected error occurred: boom (see ");
	ck_assert_int_eq(fx.cleanups, 1);
	log = fx_cbot_log();
	ck_assert(strstr(log, "certbot stderr:\nSaving debug log to x\n") != NULL);
	free(log);
}
END_TEST

START_TEST(test_issue_timeout)
{
	char *p, *s, *log;
	time_t t0 = time(NULL);
	int sleep_pid, certbot_pid;

	setenv("FAKE_MODE", "sleep", 1);
	fx_account(PROD, "abc");
	fx.r.timeout = 1;
	fx_issue_fails("certbot timed out after 1 s and was stopped");
	ck_assert_int_lt(time(NULL) - t0, 10);
	ck_assert_int_eq(fx.cleanups, 1);
	p = fx_path(fx.rec, "certbot.pid");
	s = fx_read(p);
	certbot_pid = atoi(s);
	free(s);
	free(p);
	p = fx_path(fx.rec, "sleep.pid");
	s = fx_read(p);
	sleep_pid = atoi(s);
	free(s);
	free(p);
	ck_assert_int_gt(certbot_pid, 0);
	ck_assert_int_gt(sleep_pid, 0);
	ck_assert(kill(certbot_pid, 0) == -1 && errno == ESRCH);
	/* The grandchild went with its group (reaped by init shortly). */
	for (int i = 0; i < 50 && kill(sleep_pid, 0) == 0; i++)
		usleep(100000);
	ck_assert(kill(sleep_pid, 0) == -1 && errno == ESRCH);
	log = fx_cbot_log();
	ck_assert(strstr(log, "certbot timed out") != NULL);
	free(log);
}
END_TEST

START_TEST(test_issue_hook_failed)
{
	char *log;

	setenv("FAKE_MODE", "hookfail", 1);
	fx_account(PROD, "abc");
	fx_issue_fails("the certbot auth hook failed: name servers not "
	    "updated: ns1 lagging");
	ck_assert_int_eq(fx.cleanups, 1);
	log = fx_cbot_log();
	ck_assert(strstr(log, "auth-status: fail: name servers not updated") !=
	    NULL);
	free(log);
}
END_TEST

START_TEST(test_issue_bad_output)
{
	setenv("FAKE_MODE", "garbage", 1);
	fx_account(PROD, "abc");
	fx_issue_fails("certbot succeeded, but ");
	fx_issue_fails("cert.pem");
}
END_TEST

START_TEST(test_issue_not_found)
{
	fx.caps.found = false;
	fx_issue_fails("certbot not found at ");
	ck_assert_int_eq(fx.cleanups, 0);
}
END_TEST

START_TEST(test_issue_no_csr)
{
	char *p = fx_path(fx.set_dir, "csr.pem");

	fx_account(PROD, "abc");
	ck_assert_int_eq(unlink(p), 0);
	fx_issue_fails("no CSR for certbot: ");
	ck_assert(!fx_certonly_ran());
	free(p);
}
END_TEST

START_TEST(test_issue_exec_fails)
{
	fx_account(PROD, "abc");
	free(fx.caps.path);
	fx.caps.path = fx_path(fx.dir, "gone/certbot");
	fx_issue_fails("cannot run ");
	ck_assert_int_eq(fx.cleanups, 1);
}
END_TEST

void
fx_add_issue_negative(TCase *tc)
{
	tcase_add_test(tc, test_issue_several_accounts);
	tcase_add_test(tc, test_issue_missing_ca_account);
	tcase_add_test(tc, test_issue_no_email);
	tcase_add_test(tc, test_issue_no_email_with_account);
	tcase_add_test(tc, test_issue_register_fails);
	tcase_add_test(tc, test_issue_certbot_fails);
	tcase_add_test(tc, test_issue_timeout);
	tcase_add_test(tc, test_issue_hook_failed);
	tcase_add_test(tc, test_issue_bad_output);
	tcase_add_test(tc, test_issue_not_found);
	tcase_add_test(tc, test_issue_no_csr);
	tcase_add_test(tc, test_issue_exec_fails);
}
