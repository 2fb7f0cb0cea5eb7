/* store/: switching next, and the roll next -> curr. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/unit/test_store.h"

static const char *svc;
static mode_t old_umask;

static void
setup(void)
{
	old_umask = umask(022);
	svc = ts_mkdtemp();
	ck_assert_int_eq(mkdir(ts_path(svc, "db"), 0750), 0);
}

static void
teardown(void)
{
	ts_rmtree(svc);
	umask(old_umask);
}

static void
link_to(const char *which, const char *name)
{
	ck_assert_int_eq(symlink(ts_path("db", name), ts_path(svc, which)), 0);
}

/* The link's target, "" when there is no such symlink. */
static const char *
target(const char *which)
{
	const char *t = ts_readlink(ts_path(svc, which));

	return t != NULL ? t : "";
}

/* No temporary links are left beside the real ones. */
static void
assert_no_temp_links(void)
{
	DIR *d = opendir(svc);
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		ck_assert_msg(strstr(de->d_name, ".tmp") == NULL, "left: %s",
		    de->d_name);
	closedir(d);
}

/* info is the roll line with a stamp of this test's time, then extra. */
static void
assert_info(const char *set_name, const char *service, time_t before,
    const char *extra)
{
	char want[256], stamp[TIME_DB_LEN];
	const char *info = ts_slurp(ts_path(ts_path(svc, "db"),
	    ts_path(set_name, "info")));
	bool ok = false;

	for (time_t t = before; t <= time(NULL) && !ok; t++) {
		ck_assert_int_eq(time_stamp_db(t, stamp), 0);
		snprintf(want, sizeof(want), "# %s rolled to curr : %s\n%s", service,
		    stamp, extra);
		ok = strcmp(info, want) == 0;
	}
	ck_assert_msg(ok, "info is \"%s\"", info);
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(link_next_new)
{
	struct sslm_err err;
	struct store_set set;

	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_eq(store_set_link_next(&set, &err), 0);
	ck_assert_str_eq(target("next"), ts_path("db", set.name));
	/* Linking again to the same set changes nothing. */
	ck_assert_int_eq(store_set_link_next(&set, &err), 0);
	ck_assert_str_eq(target("next"), ts_path("db", set.name));
	assert_no_temp_links();
	store_set_clear(&set);
}
END_TEST

START_TEST(link_next_replaces)
{
	struct sslm_err err;
	struct store_set set;
	struct stat before, after;

	ts_make_set(svc, "20260101-00:00:00", true);
	link_to("next", "20260101-00:00:00");
	ck_assert_int_eq(lstat(ts_path(svc, "next"), &before), 0);
	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_eq(store_set_link_next(&set, &err), 0);
	ck_assert_str_eq(target("next"), ts_path("db", set.name));
	/* A new link renamed over the old one, not the old one edited. */
	ck_assert_int_eq(lstat(ts_path(svc, "next"), &after), 0);
	ck_assert(before.st_ino != after.st_ino);
	/* The old target stays for cleaning to decide. */
	ck_assert(ts_exists(ts_path(svc, "db/20260101-00:00:00/cert.pem")));
	assert_no_temp_links();
	store_set_clear(&set);
}
END_TEST

START_TEST(roll_first_cert)
{
	struct sslm_err err;
	time_t before = time(NULL);

	ts_make_set(svc, "20260101-00:00:00", true);
	link_to("next", "20260101-00:00:00");
	ck_assert_int_eq(store_roll(svc, "web-ec", false, &err), 0);
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:00");
	ck_assert(!ts_exists(ts_path(svc, "next")));
	ck_assert(!ts_exists(ts_path(svc, "prev")));
	assert_info("20260101-00:00:00", "web-ec", before, "");
	assert_no_temp_links();
}
END_TEST

START_TEST(roll_moves_links)
{
	struct sslm_err err;
	time_t before = time(NULL);
	const char *old_info = "# web-ec rolled to curr : 20260101-00:00:05\n";

	ts_make_set(svc, "20260101-00:00:00", true);
	ts_make_set(svc, "20260101-00:00:01", true);
	ts_make_set(svc, "20260101-00:00:02", true);
	ts_spit(ts_path(svc, "db/20260101-00:00:01/info"), old_info);
	link_to("prev", "20260101-00:00:00");
	link_to("curr", "20260101-00:00:01");
	link_to("next", "20260101-00:00:02");
	ck_assert_int_eq(store_roll(svc, "web-ec", false, &err), 0);
	ck_assert_str_eq(target("prev"), "db/20260101-00:00:01");
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:02");
	ck_assert(!ts_exists(ts_path(svc, "next")));
	assert_info("20260101-00:00:02", "web-ec", before, "");
	ck_assert_str_eq(ts_slurp(ts_path(svc, "db/20260101-00:00:01/info")), old_info);
	ck_assert_int_eq(ts_mode(ts_path(svc, "db/20260101-00:00:02/info")), 0644);
	/* Nothing is deleted by a roll. */
	ck_assert(ts_exists(ts_path(svc, "db/20260101-00:00:00")));
	assert_no_temp_links();
}
END_TEST

START_TEST(roll_absolute_links)
{
	struct sslm_err err;

	/* Links written some other way are read by their last component and
	 * rewritten relative. */
	ts_make_set(svc, "20260101-00:00:01", true);
	ts_make_set(svc, "20260101-00:00:02", true);
	ck_assert_int_eq(symlink(ts_path(svc, "db/20260101-00:00:01"),
	    ts_path(svc, "curr")), 0);
	ck_assert_int_eq(symlink(ts_path(svc, "db/20260101-00:00:02/"),
	    ts_path(svc, "next")), 0);
	ck_assert_int_eq(store_roll(svc, "s", false, &err), 0);
	ck_assert_str_eq(target("prev"), "db/20260101-00:00:01");
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:02");
}
END_TEST

START_TEST(roll_staging)
{
	struct sslm_err err;
	time_t before = time(NULL);

	ts_make_set(svc, "20260101-00:00:01", true);
	ts_make_set(svc, "20260101-00:00:02", true);
	ts_spit(ts_path(svc, "db/20260101-00:00:02/info"), "# staging\n");
	link_to("curr", "20260101-00:00:01");
	link_to("next", "20260101-00:00:02");
	/* Without -t: not rolled, not an error. */
	ck_assert_int_eq(store_roll(svc, "mail-ec", false, &err), 1);
	ck_assert_str_eq(err.msg, "mail-ec: next is a staging cert; roll it with -t");
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:01");
	ck_assert_str_eq(target("next"), "db/20260101-00:00:02");
	ck_assert(!ts_exists(ts_path(svc, "prev")));
	ck_assert_str_eq(ts_slurp(ts_path(svc, "db/20260101-00:00:02/info")),
	    "# staging\n");
	/* With -t: rolled, and the set stays marked. */
	ck_assert_int_eq(store_roll(svc, "mail-ec", true, &err), 0);
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:02");
	assert_info("20260101-00:00:02", "mail-ec", before, "# staging\n");
	ck_assert(store_dataset_is_staging(ts_path(svc, "curr")));
}
END_TEST

START_TEST(roll_nothing)
{
	struct sslm_err err;

	ck_assert_int_eq(store_roll(svc, "s", false, &err), 1);
	ck_assert_str_eq(err.msg, "s: nothing to roll: no next");
	/* Dangling next counts as absent. */
	link_to("next", "20990101-00:00:00");
	ck_assert_int_eq(store_roll(svc, "s", false, &err), 1);
	ck_assert(!ts_exists(ts_path(svc, "curr")));
}
END_TEST

START_TEST(roll_finishes_interrupted)
{
	struct sslm_err err;

	/* A crash after the curr switch left next == curr. */
	ts_make_set(svc, "20260101-00:00:01", true);
	ts_make_set(svc, "20260101-00:00:02", true);
	link_to("prev", "20260101-00:00:01");
	link_to("curr", "20260101-00:00:02");
	link_to("next", "20260101-00:00:02");
	ck_assert_int_eq(store_roll(svc, "s", false, &err), 0);
	ck_assert_str_eq(target("prev"), "db/20260101-00:00:01");
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:02");
	ck_assert(!ts_exists(ts_path(svc, "next")));
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(link_next_not_a_symlink)
{
	struct sslm_err err;
	struct store_set set;

	ts_spit(ts_path(svc, "next"), "precious");
	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_eq(store_set_link_next(&set, &err), -1);
	ck_assert_msg(strstr(err.msg, "/next is not a symlink") != NULL, "%s", err.msg);
	ck_assert_str_eq(ts_slurp(ts_path(svc, "next")), "precious");
	ck_assert_int_eq(unlink(ts_path(svc, "next")), 0);
	ck_assert_int_eq(mkdir(ts_path(svc, "next"), 0750), 0);
	ck_assert_int_eq(store_set_link_next(&set, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "/next is not a symlink"));
	assert_no_temp_links();
	store_set_clear(&set);
}
END_TEST

START_TEST(link_next_discarded)
{
	struct sslm_err err;
	struct store_set set;

	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	store_set_discard(&set);
	ck_assert_int_eq(store_set_link_next(&set, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "the data set is gone"));
	ck_assert(!ts_exists(ts_path(svc, "next")));
	store_set_clear(&set);
	ck_assert_int_eq(store_set_link_next(&set, &err), -1);
}
END_TEST

START_TEST(roll_incomplete)
{
	struct sslm_err err;
	const char *next;

	ts_make_set(svc, "20260101-00:00:01", true);
	next = ts_make_set(svc, "20260101-00:00:02", true);
	ck_assert_int_eq(unlink(ts_path(next, "cert.pem")), 0);
	ck_assert_int_eq(unlink(ts_path(next, "bundle.pem")), 0);
	link_to("curr", "20260101-00:00:01");
	link_to("next", "20260101-00:00:02");
	ck_assert_int_eq(store_roll(svc, "web-ec", false, &err), -1);
	ck_assert_str_eq(err.msg, "web-ec: cannot roll: next (db/20260101-00:00:02) "
	    "is missing cert.pem, bundle.pem; renew again");
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:01");
	ck_assert_str_eq(target("next"), "db/20260101-00:00:02");
	ck_assert(!ts_exists(ts_path(svc, "prev")));
	ck_assert(!ts_exists(ts_path(next, "info")));
}
END_TEST

START_TEST(roll_link_not_a_symlink)
{
	struct sslm_err err;

	ts_make_set(svc, "20260101-00:00:02", true);
	link_to("next", "20260101-00:00:02");
	ck_assert_int_eq(mkdir(ts_path(svc, "curr"), 0750), 0);
	ck_assert_int_eq(store_roll(svc, "s", false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "/curr is not a symlink"));
	ck_assert_int_eq(rmdir(ts_path(svc, "curr")), 0);
	ts_spit(ts_path(svc, "prev"), "x");
	ck_assert_int_eq(store_roll(svc, "s", false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "/prev is not a symlink"));
	/* Nothing changed. */
	ck_assert_str_eq(target("next"), "db/20260101-00:00:02");
	ck_assert(!ts_exists(ts_path(svc, "curr")));
	ck_assert(!ts_exists(ts_path(svc, "db/20260101-00:00:02/info")));
}
END_TEST

Suite *
store_roll_suite(void)
{
	Suite *s = suite_create("store-roll");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, link_next_new);
	tcase_add_test(pos, link_next_replaces);
	tcase_add_test(pos, roll_first_cert);
	tcase_add_test(pos, roll_moves_links);
	tcase_add_test(pos, roll_absolute_links);
	tcase_add_test(pos, roll_staging);
	tcase_add_test(pos, roll_nothing);
	tcase_add_test(pos, roll_finishes_interrupted);
	tcase_add_test(neg, link_next_not_a_symlink);
	tcase_add_test(neg, link_next_discarded);
	tcase_add_test(neg, roll_incomplete);
	tcase_add_test(neg, roll_link_not_a_symlink);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
