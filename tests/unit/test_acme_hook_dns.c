/*
 * dns-01 on the last call (dns.md §2.4) against the dns/ tests' fake
 * authoritative server on 127.0.0.1: field case 01 (apex + wildcard share
 * one owner; both values published, refresh once, stale state ignored),
 * the wait running out, a CNAME'd challenge name, no server at all, and
 * the cleanup.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme.h"
#include "dns/query.h"
#include "tests/unit/test_acme_hook.h"
#include "tests/unit/test_dns.h"

#define CB_WILD "certs/example.test/web-wild/cb"
#define INCLUDE "acme/acme-challenge.example.test"

/* dns.md §2.2 for case 01: both values at one owner, in call order. */
static const char case01_text[] =
    ";; acme-challenge for : example.test\n"
    ";; acme-challenge : example.test\n"
    "_acme-challenge.example.test. 60 IN TXT \"" V_APEX "\"\n"
    "_acme-challenge.example.test. 60 IN TXT \"" V_WILD "\"\n";

static const char empty_text[] =
    ";; acme-challenge for : example.test\n"
    ";; acme-challenge : example.test\n";

static struct fake *fk;

/* The zone of case 01's good.zone, without the challenge records. */
static void
zone_start(void)
{
	const char *addrs[] = { "127.0.0.1", NULL };

	fk = fake_start(addrs);
	fake_add(fk, "example.test. 300 IN SOA ns1.example.test. "
	    "hostmaster.example.test. 2026120302 3600 600 1209600 300");
	fake_add(fk, "example.test. 300 IN NS ns1.example.test.");
	fake_add(fk, "ns1.example.test. 300 IN A 127.0.0.1");
	th_tree(fake_port(fk), "");
}

static void
txt(const char *value)
{
	char rr[256];

	snprintf(rr, sizeof(rr), "_acme-challenge.example.test. 60 IN TXT \"%s\"",
	    value);
	fake_add(fk, rr);
}

static void
teardown(void)
{
	if (fk != NULL)
		fake_stop(fk);
	fk = NULL;
	th_teardown();
}

/* certbot's two calls of case 01 (drive-hook.sh) in one run; r[0], r[1]
 * (v2 NULL: call 1 alone, a certbot that died). */
static void
two_calls(const char *v1, const char *v2, struct th_run *r)
{
	static char e1[128], e2[128], port[64];
	static const char *c1[] = { "CERTBOT_DOMAIN=example.test", e1,
	    "CERTBOT_REMAINING_CHALLENGES=1",
	    "CERTBOT_ALL_DOMAINS=example.test,example.test", port, NULL };
	static const char *c2[] = { "CERTBOT_DOMAIN=example.test", e2,
	    "CERTBOT_REMAINING_CHALLENGES=0",
	    "CERTBOT_ALL_DOMAINS=example.test,example.test", port, NULL };
	const char *const *envs[2] = { c1, c2 };
	const char *argv[] = { "example.test", "web-wild", NULL };

	snprintf(e1, sizeof(e1), "CERTBOT_VALIDATION=%s", v1);
	snprintf(e2, sizeof(e2), "CERTBOT_VALIDATION=%s", v2 != NULL ? v2 : "");
	/* the authoritative servers of the test zone answer on this port */
	snprintf(port, sizeof(port), "SSLM_TEST_AUTH_PORT=%d",
	    fk != NULL ? fake_port(fk) : 9);
	th_certbot(false, argv, envs, v2 != NULL ? 2 : 1, true, r);
}

START_TEST(case01_both_values)
{
	struct th_run r[2];
	const char *inc, *exp, *p;

	zone_start();
	txt(V_APEX);
	txt(V_WILD);
	two_calls(V_APEX, V_WILD, r);
	ck_assert_int_eq(r[0].rc, 0);
	ck_assert_int_eq(r[1].rc, 0);
	ck_assert(!r[0].term && !r[1].term);
	inc = th_read(th_path(INCLUDE));
	ck_assert_ptr_nonnull(inc);
	ck_assert_str_eq(inc, case01_text);
	ck_assert_str_eq(th_read(th_path(CB_WILD "/acme-challenge.example.test")),
	    case01_text);
	/* every record line of the case's expected include, byte for byte */
	exp = th_read(th_data("01-wildcard-apex-txt.expected-include.txt"));
	ck_assert_ptr_nonnull(exp);
	for (p = exp; *p != '\0'; p = strchr(p, '\n') + 1) {
		char line[256];

		snprintf(line, sizeof(line), "%.*s\n", (int)strcspn(p, "\n"), p);
		if (line[0] != ';')
			ck_assert_msg(strstr(inc, line) != NULL, "missing %s", line);
	}
	ck_assert_ptr_null(strstr(inc, "*."));
	/* refreshed exactly once, after the last call */
	ck_assert_int_eq(th_lines(th_path("restart.log")), 1);
	ck_assert_str_eq(th_read(th_path("restart.log")),
	    "--serial_bump example.test\n");
	ck_assert_str_eq(th_read(th_path(CB_WILD "/auth-status")), "ok\n");
	ck_assert_ptr_nonnull(th_read(th_path(CB_WILD "/auth-progress")));
	ck_assert_ptr_null(th_read(th_path(CB_WILD "/auth-data")));
}
END_TEST

/* Case 01, stale state: call 1 of a dead run, then a fresh pair. */
START_TEST(case01_stale_run)
{
	struct th_run r[2];
	const char *inc;

	zone_start();
	txt(V_NEW1);
	txt(V_NEW2);
	two_calls(V_APEX, NULL, r);
	ck_assert_int_eq(r[0].rc, 0);
	two_calls(V_NEW1, V_NEW2, r);
	ck_assert_int_eq(r[0].rc, 0);
	ck_assert_int_eq(r[1].rc, 0);
	ck_assert(!r[1].term);
	inc = th_read(th_path(INCLUDE));
	ck_assert_ptr_nonnull(inc);
	ck_assert_ptr_null(strstr(inc, V_APEX));
	ck_assert_ptr_nonnull(strstr(inc, "\"" V_NEW1 "\"\n"));
	ck_assert_ptr_nonnull(strstr(inc, "\"" V_NEW2 "\"\n"));
	ck_assert_int_eq(th_lines(th_path(INCLUDE)), 4);
	ck_assert_int_eq(th_lines(th_path("restart.log")), 1);
	ck_assert_str_eq(th_read(th_path(CB_WILD "/auth-status")), "ok\n");
}
END_TEST

/* After issuance: the header only, one refresh, the run's data gone; as
 * certbot's cleanup hook only the last call (remaining 0) acts. */
START_TEST(cleanup_restores_header)
{
	const char *argv[] = { "example.test", "web-wild", NULL };
	const char *not_last[] = { "CERTBOT_REMAINING_CHALLENGES=1", NULL };
	const char *last[] = { "CERTBOT_REMAINING_CHALLENGES=0", NULL };
	struct conf_topdir td;
	struct conf c;
	struct conf_diags d;
	struct sslm_err err;
	const char *svcs[] = { "web-wild" };
	struct conf_select sel = { .group = "example.test", .services = svcs,
	    .n_services = 1 };
	struct th_run r[2];

	zone_start();
	txt(V_APEX);
	txt(V_WILD);
	two_calls(V_APEX, V_WILD, r);
	ck_assert_int_eq(r[1].rc, 0);
	th_write(th_path(CB_WILD "/auth-data"), "# run 1\n");

	th_run_hook(true, argv, not_last, true, r);
	ck_assert_int_eq(r[0].rc, 0);
	ck_assert_str_eq(th_read(th_path(INCLUDE)), case01_text);
	ck_assert_int_eq(th_lines(th_path("restart.log")), 1);

	th_run_hook(true, argv, last, true, r);
	ck_assert_int_eq(r[0].rc, 0);
	ck_assert(!r[0].term);
	ck_assert_str_eq(th_read(th_path(INCLUDE)), empty_text);
	ck_assert_str_eq(th_read(th_path(CB_WILD "/acme-challenge.example.test")),
	    empty_text);
	ck_assert_int_eq(th_lines(th_path("restart.log")), 2);
	ck_assert_ptr_null(th_read(th_path(CB_WILD "/auth-data")));

	/* the library call sslm-mgr makes after certbot */
	conf_topdir_init(&td);
	conf_init(&c);
	conf_diags_init(&d);
	setenv("SSL_MGR_TOPDIR", th_path("."), 1);
	ck_assert_int_eq(conf_find_topdir(&td, &err), 0);
	ck_assert_int_eq(conf_load(&c, &td, &sel, 1, true, &d), 0);
	th_write(th_path(INCLUDE), case01_text);
	ck_assert_int_eq(acme_cleanup(&c, conf_find_service(&c, "example.test",
	    "web-wild"), false, &err), 0);
	ck_assert_str_eq(th_read(th_path(INCLUDE)), empty_text);
	ck_assert_int_eq(th_lines(th_path("restart.log")), 3);
	/* debug: printed only */
	th_write(th_path(INCLUDE), case01_text);
	ck_assert_int_eq(acme_cleanup(&c, conf_find_service(&c, "example.test",
	    "web-wild"), true, &err), 0);
	ck_assert_str_eq(th_read(th_path(INCLUDE)), case01_text);
	ck_assert_int_eq(th_lines(th_path("restart.log")), 3);
	conf_clear(&c);
	conf_diags_clear(&d);
	conf_topdir_clear(&td);
}
END_TEST

/* The zone holds only the second value (case 01's overwritten-BAD zone):
 * the wait runs out at its 2 s deadline naming the missing value; the
 * reason reaches auth-status and certbot is stopped. */
START_TEST(wait_deadline)
{
	struct th_run r[2];
	const char *st;
	int64_t t0;

	zone_start();
	txt(V_WILD);
	t0 = td_now_ms();
	two_calls(V_APEX, V_WILD, r);
	ck_assert_int_eq(r[0].rc, 0);
	ck_assert_int_eq(r[1].rc, 1);
	ck_assert(r[1].term);
	ck_assert_int_lt(td_now_ms() - t0, 15000);
	st = th_read(th_path(CB_WILD "/auth-status"));
	ck_assert_ptr_nonnull(st);
	ck_assert_msg(strncmp(st, "fail: name servers not updated: ", 32) == 0,
	    "auth-status: %s", st);
	ck_assert_msg(strstr(st, "missing " V_APEX) != NULL, "auth-status: %s", st);
	ck_assert_int_ge(th_lines(th_path(CB_WILD "/auth-progress")), 1);
	/* published and refreshed: the wait is what failed */
	ck_assert_str_eq(th_read(th_path(INCLUDE)), case01_text);
	ck_assert_int_eq(th_lines(th_path("restart.log")), 1);
}
END_TEST

/* A CNAME'd challenge name (field case 03): refused before anything is
 * written or reloaded. */
START_TEST(cname_refused)
{
	struct th_run r[2];
	const char *st;

	zone_start();
	fake_add(fk, "_acme-challenge.example.test. 300 IN CNAME "
	    "example.test.acme.example.net.");
	two_calls(V_APEX, V_WILD, r);
	ck_assert_int_eq(r[1].rc, 1);
	ck_assert(r[1].term);
	st = th_read(th_path(CB_WILD "/auth-status"));
	ck_assert_msg(strstr(st, "is a CNAME to example.test.acme.example.net") !=
	    NULL, "auth-status: %s", st);
	ck_assert_ptr_null(th_read(th_path(INCLUDE)));
	ck_assert_int_eq(th_lines(th_path("restart.log")), 0);
}
END_TEST

/* No DNS server at all on the primary's port: nothing published. */
START_TEST(no_server)
{
	struct th_run r[2];
	const char *st;

	dnsq_set_timing(200, 1);
	th_tree(9, "");		/* discard port: nothing listens on loopback */
	two_calls(V_APEX, V_WILD, r);
	ck_assert_int_eq(r[0].rc, 0);
	ck_assert_int_eq(r[1].rc, 1);
	ck_assert(r[1].term);
	st = th_read(th_path(CB_WILD "/auth-status"));
	ck_assert_ptr_nonnull(st);
	ck_assert(strncmp(st, "fail: ", 6) == 0);
	ck_assert_ptr_null(th_read(th_path(INCLUDE)));
	ck_assert_int_eq(th_lines(th_path("restart.log")), 0);
}
END_TEST

Suite *
hook_dns_suite(void)
{
	Suite *s = suite_create("hook dns");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, NULL, teardown);
	tcase_add_checked_fixture(neg, NULL, teardown);
	tcase_set_timeout(pos, 30);
	tcase_set_timeout(neg, 30);
	tcase_add_test(pos, case01_both_values);
	tcase_add_test(pos, case01_stale_run);
	tcase_add_test(pos, cleanup_restores_header);
	tcase_add_test(neg, wait_deadline);
	tcase_add_test(neg, cname_refused);
	tcase_add_test(neg, no_server);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
