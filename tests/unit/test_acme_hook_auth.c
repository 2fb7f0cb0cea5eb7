/*
 * The auth hook's front door: arguments, the grammar of every CERTBOT_*
 * value (certbot-hooks.md §7.3) and the keying of cb/auth-data to one
 * certbot run. No DNS: every call here is a refusal or a non-last call.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acme/hook_int.h"
#include "tests/unit/test_acme_hook.h"

#define CB_WILD "certs/example.test/web-wild/cb"

static void setup(void) { th_tree(9, ""); }
static void teardown(void) { th_teardown(); }

/* ---- positive ------------------------------------------------------------ */

START_TEST(grammar_accepts)
{
	ck_assert(hook_domain_ok("example.test"));
	ck_assert(hook_domain_ok("*.example.test"));
	ck_assert(hook_domain_ok("xn--bcher-kva.example.test"));
	ck_assert(hook_domain_ok("a-b.c1"));
	ck_assert(hook_b64url_ok(V_APEX, 512));
	ck_assert(hook_b64url_ok("a_-Z", 512));
	ck_assert(hook_domain_in_group("example.test", "example.test"));
	ck_assert(hook_domain_in_group("*.example.test", "example.test"));
	ck_assert(hook_domain_in_group("www.Example.test", "example.test"));
}
END_TEST

/* A call with more to come records and returns; nothing is published. */
START_TEST(first_call_records)
{
	const char *env[] = { "CERTBOT_DOMAIN=example.test",
	    "CERTBOT_VALIDATION=" V_APEX, "CERTBOT_REMAINING_CHALLENGES=1",
	    "CERTBOT_ALL_DOMAINS=example.test,example.test", NULL };
	struct th_run r;
	char want[512];

	th_auth("web-wild", env, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(!r.term);
	snprintf(want, sizeof(want), "# example.test dns\n"
	    "# Domains = example.test,example.test\n# run %ld\n"
	    "example.test " V_APEX "\n", r.certbot_pid);
	ck_assert_str_eq(th_read(th_path(CB_WILD "/auth-data")), want);
	ck_assert_ptr_null(th_read(th_path(CB_WILD "/auth-status")));
	ck_assert_int_eq(th_lines(th_path("restart.log")), 0);
}
END_TEST

/* A file of another certbot run is set aside, never added to. */
START_TEST(stale_run_truncated)
{
	const char *env[] = { "CERTBOT_DOMAIN=example.test",
	    "CERTBOT_VALIDATION=" V_NEW1, "CERTBOT_REMAINING_CHALLENGES=1",
	    "CERTBOT_ALL_DOMAINS=example.test,example.test", NULL };
	const char *old = "# example.test dns\n# Domains = example.test\n"
	    "# run 1\nexample.test " V_APEX "\n";
	struct th_run r;
	const char *data;

	th_write(th_path(CB_WILD "/auth-data"), old);
	th_auth("web-wild", env, &r);
	ck_assert_int_eq(r.rc, 0);
	data = th_read(th_path(CB_WILD "/auth-data"));
	ck_assert_ptr_nonnull(strstr(data, "example.test " V_NEW1 "\n"));
	ck_assert_ptr_null(strstr(data, V_APEX));
	ck_assert_str_eq(th_read(th_path(CB_WILD "/auth-data.prev")), old);
}
END_TEST

/* ---- negative ------------------------------------------------------------ */

START_TEST(grammar_refuses)
{
	ck_assert(!hook_domain_ok(""));
	ck_assert(!hook_domain_ok("exa mple.test"));
	ck_assert(!hook_domain_ok("example.test."));
	ck_assert(!hook_domain_ok("-a.example.test"));
	ck_assert(!hook_domain_ok("a-.example.test"));
	ck_assert(!hook_domain_ok("a..test"));
	ck_assert(!hook_domain_ok("*.*.test"));
	ck_assert(!hook_domain_ok("a*.test"));
	ck_assert(!hook_domain_ok("ex\"ample.test"));
	ck_assert(!hook_domain_ok("a/b.test"));
	ck_assert(!hook_domain_ok("a_b.test"));
	ck_assert(!hook_b64url_ok("", 512));
	ck_assert(!hook_b64url_ok("abc=", 512));
	ck_assert(!hook_b64url_ok("ab+/", 512));
	ck_assert(!hook_b64url_ok("abcd", 3));
	ck_assert(!hook_domain_in_group("example.org", "example.test"));
	ck_assert(!hook_domain_in_group("badexample.test", "example.test"));
	ck_assert(!hook_domain_in_group("test", "example.test"));
}
END_TEST

START_TEST(usage_errors)
{
	const char *none[] = { NULL };
	const char *one[] = { "example.test", NULL };
	const char *unsafe[] = { "example.test", "../web-wild", NULL };
	const char *nodir[] = { "example.test", "no-such", NULL };
	struct th_run r;

	th_run_hook(false, none, NULL, false, &r);
	ck_assert_int_eq(r.rc, 2);
	ck_assert(!r.term);
	th_run_hook(false, one, NULL, false, &r);
	ck_assert_int_eq(r.rc, 2);
	th_run_hook(false, unsafe, NULL, false, &r);
	ck_assert_int_eq(r.rc, 2);
	th_run_hook(false, nodir, NULL, false, &r);
	ck_assert_int_eq(r.rc, 2);
	ck_assert(!r.term);
	/* under a known certbot even a usage error stops it */
	th_run_hook(false, nodir, NULL, true, &r);
	ck_assert_int_eq(r.rc, 2);
	ck_assert(r.term);
}
END_TEST

/* Each bad environment: exit 1, certbot stopped, the reason in
 * auth-status, and nothing recorded. */
static const struct {
	const char *domain, *validation, *token, *remaining, *all, *why;
} bad_env[] = {
	{ "example.test", V_APEX "\nexample.test x", NULL, "0", NULL,
	  "fail: CERTBOT_VALIDATION" },
	{ "example.test", V_APEX "\"", NULL, "0", NULL, "fail: CERTBOT_VALIDATION" },
	{ "example.test", "abc def", NULL, "0", NULL, "fail: CERTBOT_VALIDATION" },
	{ "example.test", "", NULL, "0", NULL, "fail: CERTBOT_VALIDATION" },
	{ "exa mple.test", V_APEX, NULL, "0", NULL, "fail: CERTBOT_DOMAIN is not" },
	{ "example.test\n", V_APEX, NULL, "0", NULL, "fail: CERTBOT_DOMAIN is not" },
	{ "ex\"ample.test", V_APEX, NULL, "0", NULL, "fail: CERTBOT_DOMAIN is not" },
	{ "", V_APEX, NULL, "0", NULL, "fail: CERTBOT_DOMAIN is not set" },
	{ "example.org", V_APEX, NULL, "0", NULL,
	  "fail: CERTBOT_DOMAIN example.org is not example.test or a name below it" },
	{ "notexample.test", V_APEX, NULL, "0", NULL, "fail: CERTBOT_DOMAIN notexample" },
	{ "example.test", V_APEX, NULL, "1x", NULL, "fail: CERTBOT_REMAINING" },
	{ "example.test", V_APEX, NULL, "-1", NULL, "fail: CERTBOT_REMAINING" },
	{ "example.test", V_APEX, NULL, "0", "example.test,,x.test",
	  "fail: CERTBOT_ALL_DOMAINS" },
	{ "example.test", V_APEX, NULL, "0", "example.test\n", "fail: CERTBOT_ALL_DOMAINS" },
	{ "example.test", "tok.thumb", "../../etc", "0", NULL, "fail: CERTBOT_TOKEN" },
	{ "example.test", "tok thumb", "tok", "0", NULL, "fail: CERTBOT_VALIDATION" },
	{ "example.test", "tokthumb", "tok", "0", NULL, "fail: CERTBOT_VALIDATION" },
};

START_TEST(bad_certbot_values)
{
	char d[128], v[128], t[128], rem[64], all[128];
	const char *env[6];
	size_t n = 0;
	struct th_run r;
	const char *st;

	snprintf(d, sizeof(d), "CERTBOT_DOMAIN=%s", bad_env[_i].domain);
	snprintf(v, sizeof(v), "CERTBOT_VALIDATION=%s", bad_env[_i].validation);
	snprintf(rem, sizeof(rem), "CERTBOT_REMAINING_CHALLENGES=%s",
	    bad_env[_i].remaining);
	env[n++] = d;
	env[n++] = v;
	env[n++] = rem;
	if (bad_env[_i].token != NULL) {
		snprintf(t, sizeof(t), "CERTBOT_TOKEN=%s", bad_env[_i].token);
		env[n++] = t;
	}
	if (bad_env[_i].all != NULL) {
		snprintf(all, sizeof(all), "CERTBOT_ALL_DOMAINS=%s", bad_env[_i].all);
		env[n++] = all;
	}
	env[n] = NULL;
	th_auth(bad_env[_i].token != NULL ? "web-http" : "web-wild", env, &r);
	ck_assert_int_eq(r.rc, 1);
	ck_assert(r.term);
	st = th_read(th_path("certs/example.test/%s/cb/auth-status",
	    bad_env[_i].token != NULL ? "web-http" : "web-wild"));
	ck_assert_ptr_nonnull(st);
	ck_assert_msg(strncmp(st, bad_env[_i].why, strlen(bad_env[_i].why)) == 0,
	    "auth-status: %s", st);
	/* one line: nothing of the bad value gets through */
	ck_assert_ptr_eq(strchr(st, '\n'), st + strlen(st) - 1);
	ck_assert_ptr_null(strchr(st, '"'));
	ck_assert_ptr_null(th_read(th_path(CB_WILD "/auth-data")));
	ck_assert_int_eq(th_lines(th_path("restart.log")), 0);
}
END_TEST

/* A tree whose config does not load stops certbot with the reason. */
START_TEST(bad_config)
{
	const char *env[] = { "CERTBOT_DOMAIN=example.test",
	    "CERTBOT_VALIDATION=" V_APEX, NULL };
	struct th_run r;

	th_write(th_path("conf.d/ssl-mgr.conf"), "[globals]\nverb = 'maybe'\n");
	th_auth("web-wild", env, &r);
	ck_assert_int_eq(r.rc, 1);
	ck_assert(r.term);
	ck_assert(strncmp(th_read(th_path(CB_WILD "/auth-status")),
	    "fail: configuration error: ", 27) == 0);
}
END_TEST

Suite *
hook_auth_suite(void)
{
	Suite *s = suite_create("hook auth");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, grammar_accepts);
	tcase_add_test(pos, first_call_records);
	tcase_add_test(pos, stale_run_truncated);
	tcase_add_test(neg, grammar_refuses);
	tcase_add_test(neg, usage_errors);
	tcase_add_loop_test(neg, bad_certbot_values, 0,
	    (int)(sizeof(bad_env) / sizeof(bad_env[0])));
	tcase_add_test(neg, bad_config);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
