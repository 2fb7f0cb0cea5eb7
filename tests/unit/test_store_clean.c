/* store/: cleaning old data sets (lifecycle.md §10). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/unit/test_store.h"

static const char *svc;

/* Sets 00..07 with mtimes in name order (00 oldest); curr/next/prev point
 * at the three oldest, so age alone would pick them first. db/ also holds
 * a directory with another name, a file and a symlink with data-set names. */
static void
setup(void)
{
	char name[32];

	svc = ts_mkdtemp();
	for (int i = 0; i < 8; i++) {
		const char *dir;

		snprintf(name, sizeof(name), "20260101-00:00:%02d", i);
		dir = ts_make_set(svc, name, true);
		ts_set_mtime(dir, 1700000000 + i * 60, 0);
	}
	ck_assert_int_eq(symlink("db/20260101-00:00:00", ts_path(svc, "prev")), 0);
	ck_assert_int_eq(symlink("db/20260101-00:00:01", ts_path(svc, "curr")), 0);
	/* next written the absolute way: the last component protects it. */
	ck_assert_int_eq(symlink(ts_path(svc, "db/20260101-00:00:02"),
	    ts_path(svc, "next")), 0);
	ck_assert_int_eq(mkdir(ts_path(svc, "db/old-backup"), 0750), 0);
	ts_set_mtime(ts_path(svc, "db/old-backup"), 1000000000, 0);
	ts_spit(ts_path(svc, "db/20250101-00:00:00"), "a file");
	ck_assert_int_eq(symlink("20260101-00:00:03",
	    ts_path(svc, "db/20250101-00:00:01")), 0);
}

static void
teardown(void)
{
	ts_rmtree(svc);
}

static bool
have(const char *name)
{
	return ts_exists(ts_path(ts_path(svc, "db"), name));
}

static void
assert_untouchables(void)
{
	ck_assert(have("20260101-00:00:00"));
	ck_assert(have("20260101-00:00:01"));
	ck_assert(have("20260101-00:00:02"));
	ck_assert(have("old-backup"));
	ck_assert(have("20250101-00:00:00"));
	ck_assert(have("20250101-00:00:01"));
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(keeps_newest_unreferenced)
{
	struct sslm_err err;
	struct strvec rm;

	strvec_init(&rm);
	/* Candidates 03..07; keep the two newest (07, 06). */
	ck_assert_int_eq(store_clean(svc, 2, false, &rm, &err), 3);
	ck_assert_int_eq(rm.n, 3);
	ck_assert_str_eq(rm.v[0], "20260101-00:00:05");
	ck_assert_str_eq(rm.v[1], "20260101-00:00:04");
	ck_assert_str_eq(rm.v[2], "20260101-00:00:03");
	ck_assert(have("20260101-00:00:07"));
	ck_assert(have("20260101-00:00:06"));
	ck_assert(!have("20260101-00:00:05"));
	ck_assert(!have("20260101-00:00:04"));
	ck_assert(!have("20260101-00:00:03"));
	assert_untouchables();
	/* Again: nothing more to do. */
	ck_assert_int_eq(store_clean(svc, 2, false, NULL, &err), 0);
	strvec_clear(&rm);
}
END_TEST

START_TEST(order_is_mtime_not_name)
{
	struct sslm_err err;
	struct strvec rm;

	/* The oldest name has the newest mtime, so it survives keep = 1. */
	ts_set_mtime(ts_path(svc, "db/20260101-00:00:03"), 1800000000, 0);
	strvec_init(&rm);
	ck_assert_int_eq(store_clean(svc, 1, false, &rm, &err), 4);
	ck_assert(have("20260101-00:00:03"));
	ck_assert(!have("20260101-00:00:07"));
	strvec_clear(&rm);
}
END_TEST

START_TEST(keep_zero_and_large)
{
	struct sslm_err err;

	ck_assert_int_eq(store_clean(svc, 10, false, NULL, &err), 0);
	ck_assert(have("20260101-00:00:03"));
	ck_assert_int_eq(store_clean(svc, 0, false, NULL, &err), 5);
	for (int i = 3; i < 8; i++) {
		char name[32];

		snprintf(name, sizeof(name), "20260101-00:00:%02d", i);
		ck_assert(!have(name));
	}
	assert_untouchables();
	/* A negative keep counts as 0. */
	ck_assert_int_eq(store_clean(svc, -3, false, NULL, &err), 0);
}
END_TEST

START_TEST(debug_removes_nothing)
{
	struct sslm_err err;
	struct strvec rm;

	strvec_init(&rm);
	ck_assert_int_eq(store_clean(svc, 3, true, &rm, &err), 2);
	ck_assert_int_eq(rm.n, 2);
	ck_assert_str_eq(rm.v[0], "20260101-00:00:04");
	ck_assert_str_eq(rm.v[1], "20260101-00:00:03");
	for (int i = 0; i < 8; i++) {
		char name[32];

		snprintf(name, sizeof(name), "20260101-00:00:%02d", i);
		ck_assert(have(name));
	}
	strvec_clear(&rm);
}
END_TEST

START_TEST(removal_does_not_follow_links)
{
	struct sslm_err err;
	const char *outside = ts_path(svc, "outside");

	ck_assert_int_eq(mkdir(outside, 0700), 0);
	ts_spit(ts_path(outside, "keep"), "keep me");
	ck_assert_int_eq(symlink(outside, ts_path(svc, "db/20260101-00:00:03/dir")), 0);
	ck_assert_int_eq(store_clean(svc, 0, false, NULL, &err), 5);
	ck_assert_str_eq(ts_slurp(ts_path(outside, "keep")), "keep me");
}
END_TEST

START_TEST(no_db_nothing_to_clean)
{
	struct sslm_err err;
	const char *empty = ts_path(svc, "db/old-backup");

	ck_assert_int_eq(store_clean(empty, 0, false, NULL, &err), 0);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(link_not_a_symlink)
{
	struct sslm_err err;

	ck_assert_int_eq(unlink(ts_path(svc, "curr")), 0);
	ck_assert_int_eq(mkdir(ts_path(svc, "curr"), 0750), 0);
	ck_assert_int_eq(store_clean(svc, 0, false, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "not cleaning") != NULL &&
	    strstr(err.msg, "/curr is not a symlink") != NULL, "%s", err.msg);
	for (int i = 0; i < 8; i++) {
		char name[32];

		snprintf(name, sizeof(name), "20260101-00:00:%02d", i);
		ck_assert(have(name));
	}
}
END_TEST

START_TEST(db_not_a_directory)
{
	struct sslm_err err;
	const char *other = ts_path(svc, "db/old-backup");

	ts_spit(ts_path(other, "db"), "file");
	ck_assert_int_eq(store_clean(other, 0, false, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "to clean it"));
}
END_TEST

Suite *
store_clean_suite(void)
{
	Suite *s = suite_create("store-clean");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, keeps_newest_unreferenced);
	tcase_add_test(pos, order_is_mtime_not_name);
	tcase_add_test(pos, keep_zero_and_large);
	tcase_add_test(pos, debug_removes_nothing);
	tcase_add_test(pos, removal_does_not_follow_links);
	tcase_add_test(pos, no_db_nothing_to_clean);
	tcase_add_test(neg, link_not_a_symlink);
	tcase_add_test(neg, db_not_a_directory);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
