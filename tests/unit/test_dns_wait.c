/*
 * The agreement wait and the one-round check against the fake server:
 * success as soon as a late value appears, the exact lag reasons and
 * final error, progress on change only, extras after the authoritative
 * servers, the pre-check delay, and the DANE roll-gate lines.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"
#include "tests/unit/test_dns.h"

#define OWNER	"_acme-challenge.example.test."
#define V1	"gnnsATDD0BUUIA6jyVu4Zk6o7Fmq-D1ghLHrQ7tEkGM"
#define V2	"4MZD1B6xYpTeZEdPSVFCKndiwXpMU1tsMcQQLTXnvdI"
#define SOA(s)	"example.test. 300 IN SOA ns1.example.test. h.example.test. " \
		s " 3600 600 1209600 300"
#define FRESH	"2026120302"
#define STALE	"2026120301"
#define PRIMARY	"127.0.0.10"
#define EXTRA	"127.0.0.5"

static const char *const addrs[] = { "127.0.0.1", "127.0.0.2", "127.0.0.3",
    "127.0.0.4", "::1", "127.0.0.7", EXTRA, PRIMARY, NULL };
/* The authoritative servers: name per address, ns3 has two addresses. */
static const char *const ns_names[] = { "ns1.example.test.",
    "ns2.example.test.", "ns3.example.test.", "ns3.example.test.",
    "ns4.example.test.", "ns5.example.test." };

static struct fake *f;
static struct dns_servers prim, auth, extra;
static struct dns_expect exp1;
static struct strvec lines;
static struct dns_wait_opts opts;

static void
setup(void)
{
	static const char *const v[] = { V1, V2, NULL };

	td_fast_timing();
	f = fake_start(addrs);
	fake_add_at(f, NULL, "::1", 0, SOA(FRESH));
	fake_add_at(f, "::1", NULL, 0, SOA(STALE));
	dns_servers_init(&prim);
	dns_servers_init(&auth);
	dns_servers_init(&extra);
	td_server(&prim, PRIMARY, PRIMARY, fake_port(f), true, false);
	td_expect(&exp1, OWNER, DNS_RR_TXT, v);
	strvec_init(&lines);
	memset(&opts, 0, sizeof(opts));
	opts.max_wait = 5;
	opts.xtra_max_wait = 5;
	opts.progress = td_collect;
	opts.progress_arg = &lines;
}

static void
teardown(void)
{
	fake_stop(f);
	f = NULL;
	dns_servers_clear(&prim);
	dns_servers_clear(&auth);
	dns_servers_clear(&extra);
	dns_expect_clear(&exp1);
	dns_expect_clear(&exp1);
	strvec_clear(&lines);
	dnsq_set_timing(0, -1);
}

/* The first n authoritative addresses as servers. */
static void
use_auth(size_t n)
{
	for (size_t i = 0; i < n; i++)
		td_server(&auth, ns_names[i], addrs[i], fake_port(f), false, true);
}

static void
use_extra(void)
{
	td_server(&extra, EXTRA, EXTRA, fake_port(f), true, false);
}

/* Both values (and an unrelated TXT) everywhere except at `except`. */
static void
publish(const char *except)
{
	fake_add_at(f, NULL, except, 0, OWNER " 60 IN TXT \"" V1 "\"");
	fake_add_at(f, NULL, except, 0, OWNER " 60 IN TXT \"" V2 "\"");
	fake_add(f, OWNER " 60 IN TXT \"unrelated\"");
}

static int
wait(struct sslm_err *err)
{
	sslm_err_clear(err);
	return dns_wait_agree("example.test", &prim, &auth, &extra, &exp1, 1,
	    &opts, err);
}

static size_t
count_lines(const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < lines.n; i++)
		if (strstr(lines.v[i], needle) != NULL)
			n++;
	return n;
}

/* ---- success ---- */

START_TEST(all_agree_at_once)
{
	struct sslm_err err;
	int64_t t0 = td_now_ms();

	use_auth(5);
	publish(NULL);
	fake_set_tc(f, "127.0.0.2", true);
	ck_assert_int_eq(wait(&err), 0);
	ck_assert_int_lt(td_now_ms() - t0, 1000);
	ck_assert_uint_eq(lines.n, 6);
	ck_assert_str_eq(lines.v[0], "dns wait example.test: ns1.example.test. "
	    "(127.0.0.1) ok (serial 2026120302)");
	ck_assert_str_eq(lines.v[4], "dns wait example.test: ns4.example.test. "
	    "(::1) ok (serial 2026120301)");
	ck_assert_str_eq(lines.v[5], "dns wait example.test: all 5 agree after "
	    "0m00s");
	ck_assert_int_ge(fake_tcp_queries(f, "127.0.0.2"), 2);
	ck_assert_int_eq(fake_last_rd(f, "127.0.0.1"), 0);
	ck_assert_int_eq(fake_last_edns(f, "::1"), 1232);
}
END_TEST

START_TEST(late_value_noticed_within_a_second)
{
	struct sslm_err err;
	int64_t t0, appear, done;

	use_auth(4);
	publish("127.0.0.3");
	t0 = td_now_ms();
	appear = t0 + 1500;
	fake_add_at(f, "127.0.0.3", NULL, 1500, OWNER " 60 IN TXT \"" V1 "\"");
	fake_add_at(f, "127.0.0.3", NULL, 1500, OWNER " 60 IN TXT \"" V2 "\"");
	ck_assert_int_eq(wait(&err), 0);
	done = td_now_ms();
	ck_assert_int_ge(done, appear);
	ck_assert_int_lt(done - appear, 1300);
	ck_assert_str_eq(lines.v[3], "dns wait example.test: 3/4 authoritative, "
	    "0/0 extra agree; lagging: ns3.example.test. (127.0.0.3) "
	    OWNER " missing " V1 ", " V2 "; 0m05s left");
	ck_assert_str_eq(lines.v[lines.n - 1], "dns wait example.test: all 4 "
	    "agree after 0m02s");
	ck_assert_uint_eq(count_lines("lagging:"), 1);
}
END_TEST

START_TEST(extras_after_authoritative)
{
	struct sslm_err err;
	int64_t appear;

	use_auth(2);
	use_extra();
	publish("127.0.0.2");
	appear = td_now_ms() + 1200;
	fake_add_at(f, "127.0.0.2", NULL, 1200, OWNER " 60 IN TXT \"" V1 "\"");
	fake_add_at(f, "127.0.0.2", NULL, 1200, OWNER " 60 IN TXT \"" V2 "\"");
	fake_set_no_aa(f, EXTRA, true);		/* a cache: no AA needed */
	ck_assert_int_eq(wait(&err), 0);
	/* Asked only once every authoritative server had the values. */
	ck_assert_int_ge(fake_first_ms(f, EXTRA), appear);
	ck_assert_int_eq(fake_last_rd(f, EXTRA), 1);
	ck_assert_int_eq(fake_last_rd(f, "127.0.0.2"), 0);
	ck_assert_str_eq(lines.v[lines.n - 2], "dns wait example.test: "
	    "127.0.0.5 (127.0.0.5) ok (serial 2026120302)");
	ck_assert_str_eq(lines.v[lines.n - 1], "dns wait example.test: all 3 "
	    "agree after 0m02s");
}
END_TEST

START_TEST(extras_advisory)
{
	struct sslm_err err;
	int64_t t0 = td_now_ms();

	use_auth(1);
	use_extra();
	publish(NULL);
	fake_set_mode(f, EXTRA, FAKE_REFUSED);
	opts.xtra_max_wait = 1;
	ck_assert_int_eq(wait(&err), 0);
	ck_assert_int_ge(td_now_ms() - t0, 1000);
	ck_assert_int_lt(td_now_ms() - t0, 2000);
	ck_assert_str_eq(lines.v[lines.n - 2], "dns wait example.test: warning: "
	    "extra servers do not agree after 0m01s: 127.0.0.5 (127.0.0.5) "
	    "refused");
	ck_assert_str_eq(lines.v[lines.n - 1], "dns wait example.test: all 1 "
	    "agree after 0m01s");
}
END_TEST

START_TEST(delay_first)
{
	struct sslm_err err;
	int64_t t0 = td_now_ms();

	use_auth(1);
	publish(NULL);
	opts.delay = 1;
	ck_assert_int_eq(wait(&err), 0);
	ck_assert_int_ge(fake_first_ms(f, "127.0.0.1") - t0, 1000);
	ck_assert_int_lt(td_now_ms() - t0, 1500);
	/* The wait is timed from the end of the delay. */
	ck_assert_str_eq(lines.v[lines.n - 1], "dns wait example.test: all 1 "
	    "agree after 0m00s");
}
END_TEST

START_TEST(progress_on_change_only)
{
	static const char *const v[] = { V1, NULL };
	struct sslm_err err;
	struct dns_expect e;

	/* ns1 has the value, ns2 gets it after 1.5 s, ns3 never does. */
	use_auth(3);
	fake_add_at(f, "127.0.0.1", NULL, 0, OWNER " 60 IN TXT \"" V1 "\"");
	fake_add_at(f, "127.0.0.2", NULL, 1500, OWNER " 60 IN TXT \"" V1 "\"");
	fake_add(f, OWNER " 60 IN TXT \"other\"");
	td_expect(&e, OWNER, DNS_RR_TXT, v);
	opts.max_wait = 3;
	ck_assert_int_eq(dns_wait_agree("example.test", &prim, &auth, &extra,
	    &e, 1, &opts, &err), -1);
	dns_expect_clear(&e);
	/* Two states in 3 s, so two lines, not one per round (the 10 s
	 * repeat is not reached). */
	ck_assert_uint_eq(count_lines("lagging:"), 2);
	ck_assert_uint_eq(count_lines("1/3 authoritative, 0/0 extra agree; "
	    "lagging: ns2.example.test. (127.0.0.2) " OWNER " missing " V1
	    ", ns3.example.test. (127.0.0.3) " OWNER " missing " V1 "; 0m03s "
	    "left"), 1);
	ck_assert_uint_eq(count_lines("2/3 authoritative, 0/0 extra agree; "
	    "lagging: ns3.example.test. (127.0.0.3) " OWNER " missing " V1
	    "; 0m01s left"), 1);
	ck_assert_uint_eq(count_lines("ns2.example.test. (127.0.0.2) ok"), 1);
	ck_assert_str_eq(err.msg, "name servers not updated: ns3.example.test. "
	    "(127.0.0.3) " OWNER " missing " V1);
}
END_TEST

/* ---- failure ---- */

START_TEST(case04_whole_values)
{
	struct sslm_err err;
	int64_t t0;

	use_auth(1);
	fake_add(f, OWNER " 60 IN TXT \"gnnsATDD0BUUIA6jyVu4Zk6o7Fmq\" "
	    "\"-D1ghLHrQ7tEkGM\"");
	fake_add(f, OWNER " 60 IN TXT \"x" V2 "x\"");
	opts.max_wait = 1;
	t0 = td_now_ms();
	ck_assert_int_eq(wait(&err), -1);
	ck_assert_int_ge(td_now_ms() - t0, 1000);
	ck_assert_int_lt(td_now_ms() - t0, 1600);
	/* Value 1 (split in two strings) is found; value 2 is named. */
	ck_assert_str_eq(err.msg, "name servers not updated: ns1.example.test. "
	    "(127.0.0.1) " OWNER " missing " V2);
	/* The exact value appears: now it agrees, value 1 still split. */
	fake_add(f, OWNER " 60 IN TXT \"" V2 "\"");
	ck_assert_int_eq(wait(&err), 0);
}
END_TEST

START_TEST(lag_reasons)
{
	static const char *want = "ns1.example.test. (127.0.0.1) refused, "
	    "ns2.example.test. (127.0.0.2) servfail, "
	    "ns3.example.test. (127.0.0.3) timeout, "
	    "ns3.example.test. (127.0.0.4) not authoritative, "
	    "ns4.example.test. (::1) " OWNER " missing " V1 ", " V2
	    ", serial 2026120301 < 2026120302, "
	    "ns5.example.test. (127.0.0.7) nxdomain";
	struct sslm_err err;
	char *line;

	use_auth(6);
	/* 127.0.0.4 has the values but no AA; ::1 an old record and an
	 * old serial; 127.0.0.7 nothing at the owner. */
	fake_add_at(f, "127.0.0.4", NULL, 0, OWNER " 60 IN TXT \"" V1 "\"");
	fake_add_at(f, "127.0.0.4", NULL, 0, OWNER " 60 IN TXT \"" V2 "\"");
	fake_add_at(f, "::1", NULL, 0, OWNER " 60 IN TXT \"old\"");
	fake_set_mode(f, "127.0.0.1", FAKE_REFUSED);
	fake_set_mode(f, "127.0.0.2", FAKE_SERVFAIL);
	fake_set_mode(f, "127.0.0.3", FAKE_SILENT);
	fake_set_no_aa(f, "127.0.0.4", true);
	opts.max_wait = 1;
	ck_assert_int_eq(wait(&err), -1);
	line = str_printf("name servers not updated: %s", want);
	ck_assert_str_eq(err.msg, line);
	free(line);
	line = str_printf("dns wait example.test: 0/6 authoritative, 0/0 extra "
	    "agree; lagging: %s; 0m01s left", want);
	ck_assert_str_eq(lines.v[0], line);
	free(line);
	ck_assert_uint_eq(count_lines("lagging:"), 1);
}
END_TEST

START_TEST(extras_strict)
{
	struct sslm_err err;

	use_auth(1);
	use_extra();
	publish(NULL);
	fake_set_mode(f, EXTRA, FAKE_REFUSED);
	opts.max_wait = 1;
	opts.xtra_strict = true;
	ck_assert_int_eq(wait(&err), -1);
	ck_assert_str_eq(err.msg, "name servers not updated: 127.0.0.5 "
	    "(127.0.0.5) refused");
}
END_TEST

START_TEST(extras_never_asked_while_lagging)
{
	struct sslm_err err;

	use_auth(2);
	use_extra();
	publish("127.0.0.2");
	opts.max_wait = 1;
	ck_assert_int_eq(wait(&err), -1);
	ck_assert_int_eq(fake_queries(f, EXTRA), 0);
	ck_assert_str_eq(err.msg, "name servers not updated: ns2.example.test. "
	    "(127.0.0.2) " OWNER " missing " V1 ", " V2);
}
END_TEST

START_TEST(no_address_fails_at_once)
{
	struct sslm_err err;
	int64_t t0 = td_now_ms();

	use_auth(1);
	publish(NULL);
	ck_assert_int_eq(ns_servers_add(&auth, "ns9.example.test.", NULL, 0,
	    false, true), 0);
	opts.max_wait = 60;
	ck_assert_int_eq(wait(&err), -1);
	ck_assert_int_lt(td_now_ms() - t0, 1000);
	ck_assert_str_eq(err.msg, "name servers not updated: ns9.example.test. "
	    "(no address) no address");
}
END_TEST

START_TEST(bad_arguments)
{
	struct sslm_err err;
	struct dns_servers none;

	dns_servers_init(&none);
	ck_assert_int_eq(dns_wait_agree("example.test", NULL, &none, NULL,
	    &exp1, 1, &opts, &err), -1);
	ck_assert_str_eq(err.msg, "name servers not updated: no authoritative "
	    "name server for example.test");
	ck_assert_int_eq(dns_wait_agree(NULL, NULL, &auth, NULL, &exp1, 1,
	    &opts, &err), -1);
	ck_assert_str_eq(err.msg, "dns wait: nothing to wait for");
	use_auth(1);
	ck_assert_int_eq(dns_wait_agree("bad..apex", NULL, &auth, NULL, &exp1,
	    1, &opts, &err), -1);
	ck_assert_str_eq(err.msg, "not a valid zone name to check");
	ck_assert_uint_eq(lines.n, 0);
}
END_TEST

/* ---- one round: the DANE roll gate ---- */

#define TOWNER	"_25._tcp.mail.example.test."
#define HEXA	"dfa7326808c55dd482272b472b33f57af94f073239b35de8aaebf0c7438314be"
#define HEXA_UC	"DFA7326808C55DD482272B472B33F57AF94F073239B35DE8AAEBF0C7438314BE"
#define HEXB	"b7101a0367e1a7c1f1f9ee0d2e4d1b6c7b0c8c1f2b5d1b8a7c6d5e4f3a2b0a03"

START_TEST(check_once_lines)
{
	static const char *const v[] = { "3 1 1 " HEXA_UC, "3 1 1 " HEXB, NULL };
	struct dns_expect e;
	struct strvec miss;
	struct sslm_err err;

	use_auth(3);
	fake_add_at(f, NULL, "127.0.0.2", 0, TOWNER " 300 IN TLSA 3 1 1 " HEXA);
	fake_add(f, TOWNER " 300 IN TLSA 3 1 1 " HEXB);
	fake_add(f, TOWNER " 300 IN TLSA 2 1 1 " HEXA);
	fake_set_mode(f, "127.0.0.3", FAKE_REFUSED);
	td_expect(&e, TOWNER, DNS_RR_TLSA, v);
	strvec_init(&miss);
	ck_assert_int_eq(dns_check_once(&auth, &e, 1, &miss, &err), 2);
	ck_assert_uint_eq(miss.n, 2);
	ck_assert_str_eq(miss.v[0], "ns2.example.test. (127.0.0.2) lacks "
	    TOWNER " TLSA 3 1 1 " HEXA_UC);
	ck_assert_str_eq(miss.v[1], "ns3.example.test. (127.0.0.3) refused");
	ck_assert_int_eq(fake_last_rd(f, "127.0.0.1"), 0);
	/* One TLSA query per server, no SOA. */
	ck_assert_int_eq(fake_queries(f, "127.0.0.1"), 1);
	strvec_clear(&miss);
	strvec_init(&miss);
	dns_servers_clear(&auth);
	use_auth(1);
	ck_assert_int_eq(dns_check_once(&auth, &e, 1, &miss, &err), 0);
	ck_assert_uint_eq(miss.n, 0);
	dns_expect_clear(&e);
	strvec_clear(&miss);
}
END_TEST

START_TEST(check_once_errors)
{
	struct dns_servers none;
	struct strvec miss;
	struct sslm_err err;

	dns_servers_init(&none);
	strvec_init(&miss);
	ck_assert_int_eq(dns_check_once(&none, &exp1, 1, &miss, &err), -1);
	ck_assert_str_eq(err.msg, "no authoritative name servers to check");
	use_auth(1);
	free(exp1.owner);
	exp1.owner = str_dup("bad..name.");
	ck_assert_int_eq(dns_check_once(&auth, &exp1, 1, &miss, &err), -1);
	ck_assert_str_eq(err.msg, "not a valid owner name in the records to "
	    "check");
	ck_assert_uint_eq(miss.n, 0);
	strvec_clear(&miss);
}
END_TEST

Suite *
dns_wait_suite(void)
{
	Suite *s = suite_create("dns_wait");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_set_timeout(pos, 30);
	tcase_set_timeout(neg, 30);
	tcase_add_test(pos, all_agree_at_once);
	tcase_add_test(pos, late_value_noticed_within_a_second);
	tcase_add_test(pos, extras_after_authoritative);
	tcase_add_test(pos, extras_advisory);
	tcase_add_test(pos, delay_first);
	tcase_add_test(pos, check_once_lines);
	tcase_add_test(neg, progress_on_change_only);
	tcase_add_test(neg, case04_whole_values);
	tcase_add_test(neg, lag_reasons);
	tcase_add_test(neg, extras_strict);
	tcase_add_test(neg, extras_never_asked_while_lagging);
	tcase_add_test(neg, no_address_fails_at_once);
	tcase_add_test(neg, bad_arguments);
	tcase_add_test(neg, check_once_errors);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
