/* store/: service set-up, data-set creation, writes, copies, discard. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/unit/test_store.h"

static const char *top;
static char svc[1024];
static mode_t old_umask;

static void
setup(void)
{
	old_umask = umask(022);
	top = ts_mkdtemp();
	ck_assert_int_lt(snprintf(svc, sizeof(svc), "%s/svc", top), (int)sizeof(svc));
	ck_assert_int_eq(mkdir(svc, 0755), 0);
	ck_assert_int_eq(mkdir(ts_path(svc, "db"), 0750), 0);
}

static void
teardown(void)
{
	ts_rmtree(top);
	umask(old_umask);
}

/* Seconds since the epoch of a data-set name (local time). */
static time_t
stamp_time(const char *name)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	ck_assert_ptr_nonnull(strptime(name, "%Y%m%d-%H:%M:%S", &tm));
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(prepare_modes)
{
	struct sslm_err err;

	ck_assert_int_eq(store_service_prepare(top, "example.test", "web-ec", &err), 0);
	ck_assert_int_eq(ts_mode(ts_path(top, "certs")), 0755);
	ck_assert_int_eq(ts_mode(ts_path(top, "certs/example.test")), 0750);
	ck_assert_int_eq(ts_mode(ts_path(top, "certs/example.test/web-ec")), 0755);
	ck_assert_int_eq(ts_mode(ts_path(top, "certs/example.test/web-ec/db")), 0750);
	ck_assert_int_eq(ts_mode(ts_path(top, "certs/example.test/web-ec/cb")), 0750);
}
END_TEST

START_TEST(prepare_keeps_existing)
{
	struct sslm_err err;
	char *dir = store_service_dir(top, "g", "s");

	ck_assert_str_eq(dir, ts_path(top, "certs/g/s"));
	free(dir);
	ck_assert_int_eq(mkdir(ts_path(top, "certs"), 0700), 0);
	ck_assert_int_eq(mkdir(ts_path(top, "certs/g"), 0700), 0);
	ck_assert_int_eq(store_service_prepare(top, "g", "s", &err), 0);
	ck_assert_int_eq(store_service_prepare(top, "g", "s", &err), 0);
	ck_assert_int_eq(ts_mode(ts_path(top, "certs/g")), 0700);
	ck_assert_int_eq(ts_mode(ts_path(top, "certs/g/s/db")), 0750);
}
END_TEST

START_TEST(create_plain)
{
	struct sslm_err err;
	struct store_set set;
	time_t before = time(NULL), t;

	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert(store_is_dbname(set.name));
	ck_assert_str_eq(set.svc_dir, svc);
	ck_assert_str_eq(set.dir, ts_path(svc, ts_path("db", set.name)));
	t = stamp_time(set.name);
	ck_assert(t >= before - 1 && t <= time(NULL) + 1);
	ck_assert_int_eq(ts_mode(set.dir), 0750);
	ck_assert(!ts_exists(ts_path(set.dir, "info")));
	ck_assert(!ts_exists(ts_path(svc, "next")));
	ck_assert(!store_dataset_is_staging(set.dir));
	store_set_clear(&set);
	ck_assert_ptr_null(set.dir);
	store_set_clear(&set);
}
END_TEST

START_TEST(create_staging)
{
	struct sslm_err err;
	struct store_set set;

	ck_assert_int_eq(store_set_create(svc, true, &set, &err), 0);
	ck_assert_str_eq(ts_slurp(ts_path(set.dir, "info")), "# staging\n");
	ck_assert(store_dataset_is_staging(set.dir));
	store_set_clear(&set);
}
END_TEST

START_TEST(create_collision_waits)
{
	struct sslm_err err;
	struct store_set a, b;
	time_t ta, tb;

	ck_assert_int_eq(store_set_create(svc, false, &a, &err), 0);
	ck_assert_int_eq(store_set_create(svc, false, &b, &err), 0);
	ck_assert_str_ne(a.name, b.name);
	ta = stamp_time(a.name);
	tb = stamp_time(b.name);
	/* The second waited for the next second, no longer. */
	ck_assert_int_ge(tb - ta, 1);
	ck_assert_int_le(tb - ta, 2);
	store_set_clear(&a);
	store_set_clear(&b);
}
END_TEST

START_TEST(create_skips_taken_names)
{
	struct sslm_err err;
	struct store_set set;
	char stamp[TIME_DB_LEN];
	time_t now = time(NULL);

	/* The names of this second and the next two are taken already. */
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(time_stamp_db(now + i, stamp), 0);
		ck_assert_int_eq(mkdir(ts_path(svc, ts_path("db", stamp)), 0750), 0);
	}
	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_ge(stamp_time(set.name), now + 3);
	ck_assert(!ts_exists(ts_path(ts_path(svc, "db"), ts_path(set.name, "info"))));
	store_set_clear(&set);
}
END_TEST

START_TEST(write_modes)
{
	struct sslm_err err;
	struct store_set set;

	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_eq(store_set_write(&set, "privkey.pem", "KEY\n", 4, true, &err), 0);
	ck_assert_int_eq(ts_mode(ts_path(set.dir, "privkey.pem")), 0600);
	ck_assert_str_eq(ts_slurp(ts_path(set.dir, "privkey.pem")), "KEY\n");
	ck_assert_int_eq(store_set_write(&set, "cert.pem", "CERT\n", 5, false, &err), 0);
	ck_assert_int_eq(ts_mode(ts_path(set.dir, "cert.pem")), 0644);
	/* A secret replacing a readable file is 0600 too (new inode). */
	ts_spit(ts_path(set.dir, "bundle.pem"), "old");
	ck_assert_int_eq(ts_mode(ts_path(set.dir, "bundle.pem")), 0644);
	ck_assert_int_eq(store_set_write(&set, "bundle.pem", "B", 1, true, &err), 0);
	ck_assert_int_eq(ts_mode(ts_path(set.dir, "bundle.pem")), 0600);
	/* umask 0: default files 0666, secrets still 0600. */
	umask(0);
	ck_assert_int_eq(store_set_write(&set, "chain.pem", "C", 1, false, &err), 0);
	ck_assert_int_eq(ts_mode(ts_path(set.dir, "chain.pem")), 0666);
	ck_assert_int_eq(store_set_write(&set, "privkey.pem", "K", 1, true, &err), 0);
	ck_assert_int_eq(ts_mode(ts_path(set.dir, "privkey.pem")), 0600);
	ck_assert(!ts_exists(ts_path(set.dir, "privkey.pem.tmp")));
	ck_assert(store_file_is_secret("privkey.pem"));
	ck_assert(store_file_is_secret("bundle.pem"));
	ck_assert(!store_file_is_secret("csr.pem"));
	store_set_clear(&set);
}
END_TEST

START_TEST(copy_keeps_times)
{
	struct sslm_err err;
	struct store_set set;
	const char *src = ts_make_set(svc, "20260101-00:00:00", true);
	struct stat st;

	ck_assert_int_eq(chmod(ts_path(src, "privkey.pem"), 0644), 0);
	ts_set_mtime(ts_path(src, "privkey.pem"), 1700000000, 123456789);
	ts_set_mtime(ts_path(src, "csr.pem"), 1700000100, 5);
	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_eq(store_set_copy_file(&set, src, "privkey.pem", &err), 0);
	ck_assert_int_eq(store_set_copy_file(&set, src, "csr.pem", &err), 0);
	/* Quirk L2 fixed: the copied key is 0600 whatever the source had. */
	ck_assert_int_eq(ts_mode(ts_path(set.dir, "privkey.pem")), 0600);
	ck_assert_int_eq(ts_mode(ts_path(set.dir, "csr.pem")), 0644);
	/* Checked before anything reads the copy (reading moves atime). */
	ck_assert_int_eq(stat(ts_path(set.dir, "privkey.pem"), &st), 0);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1700000000);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 123456789);
	ck_assert_int_eq(st.st_atim.tv_sec, 1700000000);
	ck_assert_str_eq(ts_slurp(ts_path(set.dir, "privkey.pem")), "privkey.pem");
	ck_assert_int_eq(stat(ts_path(set.dir, "csr.pem"), &st), 0);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1700000100);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 5);
	store_set_clear(&set);
}
END_TEST

START_TEST(copy_missing_source_is_no_error)
{
	struct sslm_err err;
	struct store_set set;

	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_eq(store_set_copy_file(&set, ts_path(svc, "curr"),
	    "privkey.pem", &err), 1);
	ck_assert(!ts_exists(ts_path(set.dir, "privkey.pem")));
	store_set_clear(&set);
}
END_TEST

START_TEST(complete_and_missing)
{
	struct strvec miss;
	char part[1024], full[1024];
	time_t mt = 0;

	/* ts_make_set returns a static buffer: keep copies. */
	snprintf(part, sizeof(part), "%s", ts_make_set(svc, "20260101-00:00:00", false));
	snprintf(full, sizeof(full), "%s", ts_make_set(svc, "20260101-00:00:01", true));

	strvec_init(&miss);
	ck_assert(store_set_is_complete(full));
	ck_assert(!store_set_is_complete(part));
	ck_assert_int_eq(store_set_missing(part, &miss), 4);
	ck_assert_str_eq(miss.v[0], "cert.pem");
	ck_assert_str_eq(miss.v[1], "chain.pem");
	ck_assert_str_eq(miss.v[2], "fullchain.pem");
	ck_assert_str_eq(miss.v[3], "bundle.pem");
	strvec_clear(&miss);
	ts_set_mtime(ts_path(full, "cert.pem"), 1700000000, 0);
	ck_assert_int_eq(store_set_cert_mtime(full, &mt), 0);
	ck_assert_int_eq(mt, 1700000000);
}
END_TEST

START_TEST(discard_removes_all)
{
	struct sslm_err err;
	struct store_set set;
	const char *outside = ts_path(top, "outside");

	ts_spit(outside, "keep me");
	ck_assert_int_eq(store_set_create(svc, true, &set, &err), 0);
	ck_assert_int_eq(store_set_write(&set, "privkey.pem", "K", 1, true, &err), 0);
	ck_assert_int_eq(symlink(outside, ts_path(set.dir, "link")), 0);
	ck_assert_int_eq(mkdir(ts_path(set.dir, "sub"), 0700), 0);
	ts_spit(ts_path(set.dir, "sub/x.tmp"), "x");
	store_set_discard(&set);
	ck_assert(!ts_exists(set.dir));
	/* The link was removed, not followed. */
	ck_assert_str_eq(ts_slurp(outside), "keep me");
	store_set_discard(&set);        /* already gone: fine */
	store_set_clear(&set);
	store_set_discard(&set);        /* cleared: fine */
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(prepare_not_a_directory)
{
	struct sslm_err err;

	ck_assert_int_eq(mkdir(ts_path(top, "certs"), 0755), 0);
	ts_spit(ts_path(top, "certs/g"), "file");
	ck_assert_int_eq(store_service_prepare(top, "g", "s", &err), -1);
	ck_assert_msg(strstr(err.msg, "certs/g exists but is not a directory") != NULL,
	    "%s", err.msg);
	ck_assert_int_eq(mkdir(ts_path(top, "certs/h"), 0750), 0);
	ck_assert_int_eq(mkdir(ts_path(top, "certs/h/s"), 0755), 0);
	ts_spit(ts_path(top, "certs/h/s/cb"), "file");
	ck_assert_int_eq(store_service_prepare(top, "h", "s", &err), -1);
	ck_assert_msg(strstr(err.msg, "certs/h/s/cb exists but is not") != NULL,
	    "%s", err.msg);
}
END_TEST

START_TEST(prepare_bad_names_and_top)
{
	struct sslm_err err;

	ck_assert_int_eq(store_service_prepare(top, "..", "s", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "A-Za-z0-9._-"));
	ck_assert_int_eq(store_service_prepare(top, "g", "a/b", &err), -1);
	ck_assert(!ts_exists(ts_path(top, "certs")));
	ck_assert_int_eq(store_service_prepare(ts_path(top, "nope"), "g", "s",
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "does not exist"));
}
END_TEST

START_TEST(create_without_db)
{
	struct sslm_err err;
	struct store_set set;

	ck_assert_int_eq(rmdir(ts_path(svc, "db")), 0);
	ck_assert_int_eq(store_set_create(svc, false, &set, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "was the service set up?"));
	ck_assert_ptr_null(set.dir);
	ck_assert_ptr_null(set.name);
	store_set_clear(&set);
}
END_TEST

START_TEST(create_gives_up)
{
	struct sslm_err err;
	struct store_set set;
	char stamp[TIME_DB_LEN];
	time_t now = time(NULL);

	/* A clock set back onto a run of existing names: bounded, then an error. */
	for (int i = 0; i < 12; i++) {
		ck_assert_int_eq(time_stamp_db(now + i, stamp), 0);
		ck_assert_int_eq(mkdir(ts_path(svc, ts_path("db", stamp)), 0750), 0);
	}
	ck_assert_int_eq(store_set_create(svc, false, &set, &err), -1);
	ck_assert_msg(strstr(err.msg, "was the clock set back?") != NULL, "%s",
	    err.msg);
	ck_assert_ptr_null(set.dir);
}
END_TEST

START_TEST(write_bad_name)
{
	struct sslm_err err;
	struct store_set set;

	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_eq(store_set_write(&set, "../x", "x", 1, false, &err), -1);
	ck_assert_int_eq(store_set_write(&set, "", "x", 1, false, &err), -1);
	ck_assert_int_eq(store_set_copy_file(&set, svc, "..", &err), -1);
	ck_assert(!ts_exists(ts_path(svc, "db/x")));
	store_set_clear(&set);
}
END_TEST

START_TEST(copy_source_not_a_file)
{
	struct sslm_err err;
	struct store_set set;
	const char *src = ts_make_set(svc, "20260101-00:00:00", false);

	ck_assert_int_eq(mkdir(ts_path(src, "cert.pem"), 0700), 0);
	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_eq(store_set_copy_file(&set, src, "cert.pem", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	ck_assert(!ts_exists(ts_path(set.dir, "cert.pem")));
	store_set_clear(&set);
}
END_TEST

START_TEST(cert_mtime_absent)
{
	time_t mt = 42;
	const char *part = ts_make_set(svc, "20260101-00:00:00", false);

	ck_assert_int_eq(store_set_cert_mtime(part, &mt), -1);
	ck_assert_int_eq(mt, 42);
}
END_TEST

START_TEST(discard_refuses_linked)
{
	struct sslm_err err;
	struct store_set set;

	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	ck_assert_int_eq(store_set_link_next(&set, &err), 0);
	store_set_discard(&set);
	ck_assert(ts_exists(set.dir));
	store_set_clear(&set);
}
END_TEST

Suite *
store_set_suite(void)
{
	Suite *s = suite_create("store-set");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	/* Collision tests wait for the clock, up to the bounded retries. */
	tcase_set_timeout(pos, 30);
	tcase_set_timeout(neg, 30);
	tcase_add_test(pos, prepare_modes);
	tcase_add_test(pos, prepare_keeps_existing);
	tcase_add_test(pos, create_plain);
	tcase_add_test(pos, create_staging);
	tcase_add_test(pos, create_collision_waits);
	tcase_add_test(pos, create_skips_taken_names);
	tcase_add_test(pos, write_modes);
	tcase_add_test(pos, copy_keeps_times);
	tcase_add_test(pos, copy_missing_source_is_no_error);
	tcase_add_test(pos, complete_and_missing);
	tcase_add_test(pos, discard_removes_all);
	tcase_add_test(neg, prepare_not_a_directory);
	tcase_add_test(neg, prepare_bad_names_and_top);
	tcase_add_test(neg, create_without_db);
	tcase_add_test(neg, create_gives_up);
	tcase_add_test(neg, write_bad_name);
	tcase_add_test(neg, copy_source_not_a_file);
	tcase_add_test(neg, cert_mtime_absent);
	tcase_add_test(neg, discard_refuses_linked);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
