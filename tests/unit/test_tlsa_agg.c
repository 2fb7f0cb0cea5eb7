/*
 * The per-apex aggregate (tlsa.md §7.1-§7.2): §9.3's merged file, the roll
 * sequence table of §8, header-only and no-file cases, duplicates (also
 * the originals' wrapped form, quirk T5), times, debug.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_tlsa.h"

#define G   "example.com"
#define S   "mail-ec"
#define DB1 "20250101-10:00:00"
#define DB2 "20250301-14:30:00"
#define T1  ((time_t)1780000100)
#define T2  ((time_t)1780000200)
#define AGG tt_path("top/certs/example.com/tlsa.example.com")

#define HDR_NORMAL ";;\n;; TLSA example.com : phase = normal\n;;\n"
#define HDR_ROLL   ";;\n;; TLSA example.com : phase = roll next to curr\n;;\n"
#define REC(host, hex) "_25._tcp." host "example.com. 1800 IN TLSA 3 1 1 " hex "\n"
#define RECS(hex) REC("", hex) REC("mail.", hex) REC("mx2.", hex)
#define DUPS(hex) ";; " REC("", hex) ";; " REC("mail.", hex) ";; " REC("mx2.", hex)

static const char *const s9_mx[] = { "mail.example.com.", "mx2.example.com.",
    NULL };

/* db/<ts> of mail-ec with the §9 service's tlsa.rr for cert_file, mtime t. */
static void
data_set(const char *ts, const char *cert_file, time_t t)
{
	struct tt_svc svc;
	struct strvec mx;
	char *text;

	tt_dataset(G, S, ts, cert_file);
	tt_svc_init(&svc, G, S);
	tt_svc_dane(&svc, 25, "tcp", 3, 1, 1, NULL);
	tt_strvec(&mx, s9_mx);
	text = tt_build(&svc, G, ts, tt_path("top/certs/" G "/" S "/db/%s", ts),
	    &mx, NULL);
	tt_file(tt_path("top/certs/" G "/" S "/db/%s/tlsa.rr", ts), text, t);
	free(text);
	strvec_clear(&mx);
}

/* dns_tlsa_aggregate over the NULL-terminated service names. */
static bool
aggregate(const char *const *names, bool roll, bool debug)
{
	struct strvec sv;
	struct sslm_err err;
	bool changed = !debug;

	tt_strvec(&sv, names);
	sslm_err_clear(&err);
	ck_assert_msg(dns_tlsa_aggregate(TOP, G, &sv, roll, debug, &changed,
	    &err) == 0, "%s", err.msg);
	strvec_clear(&sv);
	return changed;
}

static void
expect_agg(const char *want)
{
	char *got = tt_slurp(AGG);

	ck_assert_str_eq(got, want);
	free(got);
}

static const char *const mail_ec[] = { S, NULL };
static const char *const none[] = { NULL };

/* tlsa.md §9.3 and §8 rows 2 and 3: renew, then roll. */
START_TEST(section9_renew_then_roll)
{
	struct stat st;

	data_set(DB1, "s9-cert1.pem", T1);
	data_set(DB2, "s9-cert2.pem", T2);
	tt_link(G, S, "curr", DB1);
	tt_link(G, S, "next", DB2);
	ck_assert(aggregate(mail_ec, false, false));
	/* the times of the newest contributing tlsa.rr (next's); looked at
	 * before reading the file, which may move its atime */
	st = tt_stat(AGG);
	ck_assert_int_eq(st.st_mtim.tv_sec, T2);
	ck_assert_int_eq(st.st_atim.tv_sec, T2 - 1000);
	expect_agg(HDR_NORMAL
	    ";;\n;; mail-ec curr\n;;\n" RECS(KEY1_311)
	    ";;\n;; mail-ec next\n;;\n" RECS(KEY2_311)
	    "\n");
	/* the same run again: nothing changed */
	ck_assert(!aggregate(mail_ec, false, false));
	/* -roll: next became curr */
	tt_link(G, S, "curr", DB2);
	tt_link(G, S, "next", NULL);
	ck_assert(aggregate(mail_ec, true, false));
	expect_agg(HDR_ROLL ";;\n;; mail-ec curr\n;;\n" RECS(KEY2_311) "\n");
	ck_assert_int_eq(tt_stat(AGG).st_mtim.tv_sec, T2);
}
END_TEST

/* §8 row 1: steady state, curr records only; a header change alone (the
 * phase) is no change. */
START_TEST(steady_state)
{
	data_set(DB1, "s9-cert1.pem", T1);
	tt_link(G, S, "curr", DB1);
	ck_assert(aggregate(mail_ec, false, false));
	expect_agg(HDR_NORMAL ";;\n;; mail-ec curr\n;;\n" RECS(KEY1_311) "\n");
	ck_assert(!aggregate(mail_ec, true, false));
	expect_agg(HDR_ROLL ";;\n;; mail-ec curr\n;;\n" RECS(KEY1_311) "\n");
}
END_TEST

/* §8 row 5: -r reuses the key; with selector 1 next's records repeat
 * curr's and are commented out: no DNS change. */
START_TEST(reused_key_selector1)
{
	data_set(DB1, "s9-cert1.pem", T1);
	tt_link(G, S, "curr", DB1);
	ck_assert(aggregate(mail_ec, false, false));
	data_set(DB2, "s9-cert1.pem", T2);
	tt_link(G, S, "next", DB2);
	ck_assert(!aggregate(mail_ec, false, false));
	expect_agg(HDR_NORMAL
	    ";;\n;; mail-ec curr\n;;\n" RECS(KEY1_311)
	    ";;\n;; mail-ec next\n;;\n" DUPS(KEY1_311)
	    "\n");
}
END_TEST

/* §8 row 4: DANE switched on, before the first roll: next records only. */
START_TEST(dane_first_time)
{
	tt_dataset(G, S, DB1, "s9-cert1.pem");
	tt_link(G, S, "curr", DB1);		/* made before DANE: no tlsa.rr */
	data_set(DB2, "s9-cert2.pem", T2);
	tt_link(G, S, "next", DB2);
	ck_assert(aggregate(mail_ec, false, false));
	expect_agg(HDR_NORMAL ";;\n;; mail-ec next\n;;\n" RECS(KEY2_311) "\n");
}
END_TEST

/* decisions.md "Header-only aggregate": records removed from a file that
 * exists leave the header; a group that never had DANE gets no file. */
START_TEST(header_only_and_no_file)
{
	bool changed = true;
	struct strvec sv;
	struct sslm_err err;

	/* never had DANE: no file, no change (with or without services) */
	ck_assert(!aggregate(none, false, false));
	ck_assert(!tt_exists(AGG));
	tt_dataset(G, S, DB1, "s9-cert1.pem");
	tt_link(G, S, "curr", DB1);
	ck_assert(!aggregate(mail_ec, false, false));
	ck_assert(!tt_exists(AGG));
	/* DANE on, then off (the caller no longer lists the service) */
	data_set(DB1, "s9-cert1.pem", T1);
	ck_assert(aggregate(mail_ec, false, false));
	ck_assert(aggregate(none, false, false));
	expect_agg(HDR_NORMAL "\n");
	ck_assert(!aggregate(none, false, false));
	expect_agg(HDR_NORMAL "\n");
	/* a service whose tlsa.rr has no record: header only as well */
	tt_file(tt_path("top/certs/" G "/" S "/db/" DB1 "/tlsa.rr"),
	    ";;\n;; tlsa example.com mail-ec " DB1 "\n;;\n\n", T1);
	tt_strvec(&sv, mail_ec);
	ck_assert_int_eq(dns_tlsa_aggregate(TOP, G, &sv, true, false, &changed,
	    &err), 0);
	ck_assert(!changed);
	expect_agg(HDR_ROLL "\n");
	strvec_clear(&sv);
}
END_TEST

/* -d: nothing is written, the change is still reported. */
START_TEST(debug_writes_nothing)
{
	data_set(DB1, "s9-cert1.pem", T1);
	tt_link(G, S, "curr", DB1);
	ck_assert(aggregate(mail_ec, false, true));
	ck_assert(!tt_exists(AGG));
	ck_assert(aggregate(mail_ec, false, false));
	data_set(DB2, "s9-cert2.pem", T2);
	tt_link(G, S, "next", DB2);
	ck_assert(aggregate(mail_ec, false, true));
	expect_agg(HDR_NORMAL ";;\n;; mail-ec curr\n;;\n" RECS(KEY1_311) "\n");
}
END_TEST

/* Services in byte order, each once; a record of one service repeated by
 * another is commented out; empty tlsa.rr are skipped; CRLF lines come
 * out as LF lines; other ';' comments stay. */
START_TEST(services_sorted_and_merged)
{
	static const char *const names[] = { "web", "mail-ec", "Zeta", "web",
	    NULL };

	data_set(DB1, "s9-cert1.pem", T1);
	tt_link(G, S, "curr", DB1);
	tt_mkdirs(tt_path("top/certs/" G "/web/db/w1"));
	tt_file(tt_path("top/certs/" G "/web/db/w1/tlsa.rr"),
	    ";;\r\n;; tlsa example.com web w1\r\n;;\r\n"
	    "; kept\r\n"
	    "_25._tcp.example.com.  1800 IN TLSA 3 1 1 " KEY1_311 "  \r\n"
	    "_443._tcp.www.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\r\n", T1);
	tt_link(G, "web", "curr", "w1");
	tt_mkdirs(tt_path("top/certs/" G "/Zeta/db/z1"));
	tt_file(tt_path("top/certs/" G "/Zeta/db/z1/tlsa.rr"), "", T2);
	tt_link(G, "Zeta", "next", "z1");
	ck_assert(aggregate(names, false, false));
	expect_agg(HDR_NORMAL
	    ";;\n;; mail-ec curr\n;;\n" RECS(KEY1_311)
	    ";;\n;; web curr\n;;\n"
	    "; kept\n"
	    ";; _25._tcp.example.com.  1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_443._tcp.www.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    "\n");
	/* the empty file contributed no times */
	ck_assert_int_eq(tt_stat(AGG).st_mtim.tv_sec, T1);
}
END_TEST

/* Quirk T5: a wrapped record repeated is commented out on every line, so
 * no unbalanced parenthesis is left in the zone. */
START_TEST(wrapped_duplicate)
{
	const char *wrapped =
	    ";;\n;; tlsa example.com mail-ec x\n;;\n"
	    "_25._tcp.example.com. IN TLSA ( 3 1 2\n"
	    "                    8a37beba0d07cee5042b1ca25c8d539b75da8909574c2a16e3338bda0736bb81a6f3e31e\n"
	    "                    0f245f719a51dc652f408a200c3e5ed0b3fc9e9a42c3827eb29797b1 )\n";

	tt_mkdirs(tt_path("top/certs/" G "/" S "/db/" DB1));
	tt_mkdirs(tt_path("top/certs/" G "/" S "/db/" DB2));
	tt_file(tt_path("top/certs/" G "/" S "/db/" DB1 "/tlsa.rr"), wrapped, T1);
	tt_file(tt_path("top/certs/" G "/" S "/db/" DB2 "/tlsa.rr"),
	    ";;\n;; tlsa example.com mail-ec y\n;;\n"
	    "_25._tcp.example.com. IN TLSA 3 1 2 8A37BEBA0D07CEE5042B1CA25C8D539B"
	    "75da8909574c2a16e3338bda0736bb81a6f3e31e0f245f719a51dc652f408a200c3e5e"
	    "d0b3fc9e9a42c3827eb29797b1\n"
	    "_25._tcp.example.com. IN TLSA ( 3 1 2\n"
	    "                    8a37beba0d07cee5042b1ca25c8d539b75da8909574c2a16e3338bda0736bb81a6f3e31e\n"
	    "                    0f245f719a51dc652f408a200c3e5ed0b3fc9e9a42c3827eb29797b1 )\n", T2);
	tt_link(G, S, "curr", DB1);
	tt_link(G, S, "next", DB2);
	ck_assert(aggregate(mail_ec, false, false));
	expect_agg(HDR_NORMAL
	    ";;\n;; mail-ec curr\n;;\n"
	    "_25._tcp.example.com. IN TLSA ( 3 1 2\n"
	    "                    8a37beba0d07cee5042b1ca25c8d539b75da8909574c2a16e3338bda0736bb81a6f3e31e\n"
	    "                    0f245f719a51dc652f408a200c3e5ed0b3fc9e9a42c3827eb29797b1 )\n"
	    ";;\n;; mail-ec next\n;;\n"
	    ";; _25._tcp.example.com. IN TLSA 3 1 2 8A37BEBA0D07CEE5042B1CA25C8D539B"
	    "75da8909574c2a16e3338bda0736bb81a6f3e31e0f245f719a51dc652f408a200c3e5e"
	    "d0b3fc9e9a42c3827eb29797b1\n"
	    ";; _25._tcp.example.com. IN TLSA ( 3 1 2\n"
	    ";;                     8a37beba0d07cee5042b1ca25c8d539b75da8909574c2a16e3338bda0736bb81a6f3e31e\n"
	    ";;                     0f245f719a51dc652f408a200c3e5ed0b3fc9e9a42c3827eb29797b1 )\n"
	    "\n");
}
END_TEST

/* Same bytes: the file is not rewritten (same inode), times still follow
 * the newest source. */
START_TEST(unchanged_not_rewritten)
{
	struct stat a, b;
	char *rr;

	data_set(DB1, "s9-cert1.pem", T1);
	tt_link(G, S, "curr", DB1);
	ck_assert(aggregate(mail_ec, false, false));
	a = tt_stat(AGG);
	rr = tt_slurp(tt_path("top/certs/" G "/" S "/db/" DB1 "/tlsa.rr"));
	tt_file(tt_path("top/certs/" G "/" S "/db/" DB1 "/tlsa.rr"), rr, T2);
	free(rr);
	ck_assert(!aggregate(mail_ec, false, false));
	b = tt_stat(AGG);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	ck_assert_int_eq(b.st_mtim.tv_sec, T2);
}
END_TEST

START_TEST(aggregate_errors)
{
	struct strvec sv;
	struct sslm_err err;
	bool changed = true;

	tt_strvec(&sv, mail_ec);
	/* an unreadable tlsa.rr must not silently drop its records */
	tt_mkdirs(tt_path("top/certs/" G "/" S "/db/" DB1 "/tlsa.rr"));
	tt_link(G, S, "curr", DB1);
	sslm_err_clear(&err);
	ck_assert_int_eq(dns_tlsa_aggregate(TOP, G, &sv, false, false, &changed,
	    &err), -1);
	ck_assert(!changed);
	ck_assert_msg(strstr(err.msg, DB1 "/tlsa.rr") != NULL ||
	    strstr(err.msg, "curr/tlsa.rr") != NULL, "%s", err.msg);
	ck_assert(!tt_exists(AGG));
	/* an old aggregate that cannot be read */
	tt_link(G, S, "curr", NULL);
	tt_mkdirs(AGG);
	sslm_err_clear(&err);
	ck_assert_int_eq(dns_tlsa_aggregate(TOP, G, &sv, false, false, &changed,
	    &err), -1);
	ck_assert_msg(strstr(err.msg, "tlsa.example.com") != NULL, "%s", err.msg);
	strvec_clear(&sv);
}
END_TEST

void
add_tlsa_agg_tests(Suite *pos, Suite *neg)
{
	TCase *tc = tcase_create("aggregate");

	tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
	tcase_add_test(tc, section9_renew_then_roll);
	tcase_add_test(tc, steady_state);
	tcase_add_test(tc, reused_key_selector1);
	tcase_add_test(tc, dane_first_time);
	tcase_add_test(tc, header_only_and_no_file);
	tcase_add_test(tc, debug_writes_nothing);
	tcase_add_test(tc, services_sorted_and_merged);
	tcase_add_test(tc, wrapped_duplicate);
	tcase_add_test(tc, unchanged_not_rewritten);
	suite_add_tcase(pos, tc);
	tc = tcase_create("aggregate errors");
	tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
	tcase_add_test(tc, aggregate_errors);
	suite_add_tcase(neg, tc);
}
