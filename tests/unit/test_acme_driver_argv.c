/*
 * Capability probe (certbot-hooks.md §2) and the exact certonly argv of
 * §4.1 (items 1-24), §4.2 and §4.3.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_acme_driver.h"

/* The paths of one expected command line. */
struct ex {
	char *logs, *work, *hook, *cert, *key, *chain, *full, *csr;
};

static void
ex_make(struct ex *e, const char *svc, const char *out)
{
	e->logs = fx_path(fx.cb, "logs");
	e->work = fx_path(fx.cb, "work");
	ck_assert_int_ne(asprintf(&e->hook, "%s example.com %s", fx.hook, svc),
	    -1);
	e->cert = fx_path(out, "cert.pem");
	e->key = fx_path(out, "key.pem");
	e->chain = fx_path(out, "chain.pem");
	e->full = fx_path(out, "fullchain.pem");
	e->csr = fx_path(out, "csr.pem");
}

static void
ex_free(struct ex *e)
{
	free(e->logs);
	free(e->work);
	free(e->hook);
	free(e->cert);
	free(e->key);
	free(e->chain);
	free(e->full);
	free(e->csr);
}

static void
argv_of(struct strvec *argv)
{
	struct sslm_err err;

	strvec_init(argv);
	if (acme_certonly_argv(&fx.r, NULL, argv, &err) != 0)
		ck_abort_msg("acme_certonly_argv: %s", err.msg);
}

static void setup_dns(void) { fx_setup("dns"); }

/* ---- probe ---- */

START_TEST(test_probe_old)
{
	ck_assert(fx.caps.probed);
	ck_assert(fx.caps.found);
	ck_assert_str_eq(fx.caps.path, fx.certbot);
	ck_assert_str_eq(fx.caps.version, "2.1.0");
	ck_assert(!fx.caps.preferred_profile);
	ck_assert(fx.caps.preferred_chain);
	/* --version and --help all, nothing else. */
	ck_assert_int_eq(fx_n_calls(), 2);
}
END_TEST

START_TEST(test_probe_new)
{
	struct sslm_err err;

	setenv("FAKE_VERSION", "4.1.0", 1);
	setenv("FAKE_PROFILE", "1", 1);
	ck_assert_int_eq(acme_probe(fx.certbot, &fx.caps, &err), 0);
	ck_assert_str_eq(fx.caps.version, "4.1.0");
	ck_assert(fx.caps.preferred_profile);
}
END_TEST

START_TEST(test_probe_new_version_without_flag)
{
	struct sslm_err err;

	/* The help text is what this build's parser accepts. */
	setenv("FAKE_VERSION", "4.1.0", 1);
	ck_assert_int_eq(acme_probe(fx.certbot, &fx.caps, &err), 0);
	ck_assert(!fx.caps.preferred_profile);
}
END_TEST

START_TEST(test_probe_old_version_with_flag)
{
	struct sslm_err err;

	setenv("FAKE_VERSION", "3.3", 1);
	setenv("FAKE_PROFILE", "1", 1);
	ck_assert_int_eq(acme_probe(fx.certbot, &fx.caps, &err), 0);
	ck_assert_str_eq(fx.caps.version, "3.3.0");
	ck_assert(!fx.caps.preferred_profile);
}
END_TEST

START_TEST(test_probe_missing)
{
	struct sslm_err err;
	char *p = fx_path(fx.dir, "no/certbot");

	ck_assert_int_eq(acme_probe(p, &fx.caps, &err), 0);
	ck_assert(fx.caps.probed);
	ck_assert(!fx.caps.found);
	free(p);
}
END_TEST

START_TEST(test_probe_broken)
{
	struct sslm_err err;
	char *p = fx_path(fx.dir, "bin/broken");

	fx_write(p, "#!/bin/sh\necho 'ImportError: no module acme' >&2\nexit 1\n");
	ck_assert_int_eq(chmod(p, 0755), 0);
	ck_assert_int_eq(acme_probe(p, &fx.caps, &err), -1);
	ck_assert_msg(strstr(err.msg, "does not work: '--version' exited with "
	    "status 1: ImportError: no module acme") != NULL, "%s", err.msg);
	free(p);
}
END_TEST

/* ---- certonly argv ---- */

START_TEST(test_argv_dns)
{
	struct strvec a;
	struct ex e;

	ex_make(&e, "dns", fx.set_dir);
	argv_of(&a);
	/* The default profile (tlsserver) is dropped silently by 2.1.0. */
	fx_assert_argv(&a, (const char *const[]){ fx.certbot, "certonly",
	    "--manual", "--logs-dir", e.logs, "--work-dir", e.work, "--quiet",
	    "--keep-until-expiring", "--cert-name", "example.com",
	    "--manual-auth-hook", e.hook, "--cert-path", e.cert, "--key-path",
	    e.key, "--chain-path", e.chain, "--fullchain-path", e.full,
	    "--config-dir", fx.cb, "--domains", "example.com,mail.example.com",
	    "--csr", e.csr, "--preferred-challenges=dns", "--non-interactive",
	    NULL });
	strvec_clear(&a);
	ex_free(&e);
}
END_TEST

START_TEST(test_argv_http_staging_verbose)
{
	struct strvec a;
	struct ex e;

	fx_service("http");
	fx.r.test = true;
	fx.r.verbose = true;
	ex_make(&e, "http", fx.set_dir);
	argv_of(&a);
	/* sans in config order; CN is among them, so not prepended. */
	fx_assert_argv(&a, (const char *const[]){ fx.certbot, "certonly",
	    "--manual", "--logs-dir", e.logs, "--work-dir", e.work, "--quiet",
	    "--keep-until-expiring", "--cert-name", "example.com",
	    "--manual-auth-hook", e.hook, "--cert-path", e.cert, "--key-path",
	    e.key, "--chain-path", e.chain, "--fullchain-path", e.full,
	    "--debug", "--test-cert", "--config-dir", fx.cb, "--domains",
	    "www.example.com,example.com", "--csr", e.csr,
	    "--preferred-challenges=http", "--non-interactive", NULL });
	strvec_clear(&a);
	ex_free(&e);
}
END_TEST

START_TEST(test_argv_dry_run)
{
	struct strvec a;
	struct ex e;
	char *dry = fx_path(fx.cb, "dry-run");

	fx.r.dry_run = true;
	ex_make(&e, "dns", dry);
	argv_of(&a);
	fx_assert_argv(&a, (const char *const[]){ fx.certbot, "certonly",
	    "--manual", "--logs-dir", e.logs, "--work-dir", e.work, "--quiet",
	    "--keep-until-expiring", "--cert-name", "example.com",
	    "--manual-auth-hook", e.hook, "--cert-path", e.cert, "--key-path",
	    e.key, "--chain-path", e.chain, "--fullchain-path", e.full,
	    "--dry-run", "--config-dir", fx.cb, "--domains",
	    "example.com,mail.example.com", "--csr", e.csr,
	    "--preferred-challenges=dns", "--non-interactive", NULL });
	strvec_clear(&a);
	ex_free(&e);
	free(dry);
}
END_TEST

START_TEST(test_argv_chain)
{
	struct strvec a;
	struct ex e;

	fx_service("chain");
	ex_make(&e, "chain", fx.set_dir);
	argv_of(&a);
	fx_assert_argv(&a, (const char *const[]){ fx.certbot, "certonly",
	    "--manual", "--logs-dir", e.logs, "--work-dir", e.work, "--quiet",
	    "--keep-until-expiring", "--cert-name", "example.com",
	    "--manual-auth-hook", e.hook, "--cert-path", e.cert, "--key-path",
	    e.key, "--chain-path", e.chain, "--fullchain-path", e.full,
	    "--preferred-chain", "ISRG Root X2", "--config-dir", fx.cb,
	    "--domains", "example.com", "--csr", e.csr,
	    "--preferred-challenges=dns", "--non-interactive", NULL });
	strvec_clear(&a);
	ex_free(&e);
}
END_TEST

START_TEST(test_argv_profile_passed)
{
	struct strvec a;
	struct ex e;

	fx.caps.preferred_profile = true;	/* as a certbot >= 4.0 */
	fx_service("prof");
	ex_make(&e, "prof", fx.set_dir);
	argv_of(&a);
	fx_assert_argv(&a, (const char *const[]){ fx.certbot, "certonly",
	    "--manual", "--logs-dir", e.logs, "--work-dir", e.work, "--quiet",
	    "--keep-until-expiring", "--cert-name", "example.com",
	    "--manual-auth-hook", e.hook, "--preferred-profile", "shortlived",
	    "--cert-path", e.cert, "--key-path", e.key, "--chain-path", e.chain,
	    "--fullchain-path", e.full, "--config-dir", fx.cb, "--domains",
	    "example.com", "--csr", e.csr, "--preferred-challenges=dns",
	    "--non-interactive", NULL });
	strvec_clear(&a);
	ex_free(&e);
	/* The Let's Encrypt default is passed too when certbot can. */
	fx_service("dns");
	argv_of(&a);
	ck_assert_str_eq(a.v[13], "--preferred-profile");
	ck_assert_str_eq(a.v[14], "tlsserver");
	strvec_clear(&a);
}
END_TEST

START_TEST(test_argv_profile_dropped)
{
	struct strvec a;

	fx_service("prof");
	argv_of(&a);
	ck_assert(!strvec_contains(&a, "--preferred-profile"));
	ck_assert(!strvec_contains(&a, "shortlived"));
	strvec_clear(&a);
}
END_TEST

START_TEST(test_argv_server_eab)
{
	struct strvec a;
	struct ex e;

	fx_service("peb");
	fx.r.test = true;		/* no --test-cert with ca_server */
	fx.caps.preferred_profile = true;	/* no default profile either */
	ex_make(&e, "peb", fx.set_dir);
	argv_of(&a);
	fx_assert_argv(&a, (const char *const[]){ fx.certbot, "certonly",
	    "--manual", "--logs-dir", e.logs, "--work-dir", e.work, "--quiet",
	    "--keep-until-expiring", "--cert-name", "example.com",
	    "--manual-auth-hook", e.hook, "--cert-path", e.cert, "--key-path",
	    e.key, "--chain-path", e.chain, "--fullchain-path", e.full,
	    "--config-dir", fx.cb, "--domains", "example.com", "--csr", e.csr,
	    "--preferred-challenges=dns", "--server",
	    "https://127.0.0.1:14000/dir", "--non-interactive", NULL });
	/* EAB goes to register only. */
	ck_assert(!strvec_contains(&a, FX_HMAC));
	strvec_clear(&a);
	ex_free(&e);
}
END_TEST

START_TEST(test_argv_account)
{
	struct strvec a;

	fx_service("acct");
	argv_of(&a);
	ck_assert_uint_ge(a.n, 3);
	ck_assert_str_eq(a.v[a.n - 3], "--account");
	ck_assert_str_eq(a.v[a.n - 2], "id2");
	ck_assert_str_eq(a.v[a.n - 1], "--non-interactive");
	strvec_clear(&a);
}
END_TEST

START_TEST(test_argv_given_cb_dir)
{
	struct strvec a;
	struct sslm_err err;

	strvec_init(&a);
	ck_assert_int_eq(acme_certonly_argv(&fx.r, "/elsewhere/cb", &a, &err), 0);
	ck_assert_str_eq(a.v[4], "/elsewhere/cb/logs");
	ck_assert_str_eq(a.v[6], "/elsewhere/cb/work");
	ck_assert(strvec_contains(&a, "/elsewhere/cb"));
	strvec_clear(&a);
}
END_TEST

/* ---- negative ---- */

START_TEST(test_argv_bad_hook)
{
	struct strvec a;
	struct sslm_err err;

	free(fx.c.g.sslm_auth_hook);
	fx.c.g.sslm_auth_hook = strdup("/usr/lib/my hook");
	strvec_init(&a);
	ck_assert_int_eq(acme_certonly_argv(&fx.r, NULL, &a, &err), -1);
	ck_assert_str_eq(err.msg, "sslm_auth_hook '/usr/lib/my hook' may only "
	    "contain A-Z a-z 0-9 / . _ + - (certbot runs it through a shell); "
	    "fix it in conf.d/ssl-mgr.conf");
	strvec_clear(&a);
}
END_TEST

START_TEST(test_argv_unsafe_name)
{
	struct conf_service s = *fx.r.svc;
	struct strvec a;
	struct sslm_err err;

	s.service = (char *)"web;rm";
	fx.r.svc = &s;
	strvec_init(&a);
	ck_assert_int_eq(acme_certonly_argv(&fx.r, NULL, &a, &err), -1);
	ck_assert_msg(strstr(err.msg, "'web;rm' is not a safe name") != NULL,
	    "%s", err.msg);
	strvec_clear(&a);
}
END_TEST

START_TEST(test_argv_not_certbot)
{
	struct conf_service s = *fx.r.svc;
	struct strvec a;
	struct sslm_err err;

	s.signer = CONF_SIGNER_SELF;
	fx.r.svc = &s;
	strvec_init(&a);
	ck_assert_int_eq(acme_certonly_argv(&fx.r, NULL, &a, &err), -1);
	ck_assert_str_eq(err.msg, "conf.d/example.com/dns is not signed "
	    "through certbot");
	ck_assert_uint_eq(a.n, 0);
	strvec_clear(&a);
}
END_TEST

Suite *
suite_acme_argv(void)
{
	Suite *s = suite_create("acme argv");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup_dns, fx_teardown);
	tcase_add_checked_fixture(neg, setup_dns, fx_teardown);
	tcase_set_timeout(pos, 30);
	tcase_set_timeout(neg, 30);
	tcase_add_test(pos, test_probe_old);
	tcase_add_test(pos, test_probe_new);
	tcase_add_test(pos, test_probe_new_version_without_flag);
	tcase_add_test(pos, test_probe_old_version_with_flag);
	tcase_add_test(pos, test_probe_missing);
	tcase_add_test(pos, test_argv_dns);
	tcase_add_test(pos, test_argv_http_staging_verbose);
	tcase_add_test(pos, test_argv_dry_run);
	tcase_add_test(pos, test_argv_chain);
	tcase_add_test(pos, test_argv_profile_passed);
	tcase_add_test(pos, test_argv_profile_dropped);
	tcase_add_test(pos, test_argv_server_eab);
	tcase_add_test(pos, test_argv_account);
	tcase_add_test(pos, test_argv_given_cb_dir);
	tcase_add_test(neg, test_probe_broken);
	tcase_add_test(neg, test_argv_bad_hook);
	tcase_add_test(neg, test_argv_unsafe_name);
	tcase_add_test(neg, test_argv_not_certbot);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
