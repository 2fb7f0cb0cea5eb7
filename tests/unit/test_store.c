/*
 * Runner for the store/ unit tests, shared helpers, and the link suite.
 * Other suites live in test_store_<topic>.c.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/unit/test_store.h"

/* ---- helpers ------------------------------------------------------------ */

const char *
ts_mkdtemp(void)
{
	static char dir[512];
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	ck_assert_int_lt(snprintf(dir, sizeof(dir), "%s/sslm-test-store.XXXXXX",
	    base), (int)sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_DNR)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

void
ts_rmtree(const char *path)
{
	if (path != NULL && *path != '\0')
		(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
ts_path(const char *a, const char *b)
{
	static char bufs[8][1024];
	static int i;

	i = (i + 1) % 8;
	ck_assert_int_lt(snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", a, b),
	    (int)sizeof(bufs[i]));
	return bufs[i];
}

void
ts_spit(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_msg(fp != NULL, "cannot write %s: %s", path, strerror(errno));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

const char *
ts_slurp(const char *path)
{
	static char buf[8192];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

int
ts_mode(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return -1;
	return (int)(st.st_mode & 07777);
}

const char *
ts_readlink(const char *path)
{
	static char buf[1024];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n == -1)
		return NULL;
	buf[n] = '\0';
	return buf;
}

bool
ts_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

const char *
ts_make_set(const char *svc, const char *name, bool complete)
{
	static char dir[1024];
	char db[1024];

	ck_assert_int_lt(snprintf(db, sizeof(db), "%s/db", svc), (int)sizeof(db));
	(void)mkdir(db, 0750);
	ck_assert_int_lt(snprintf(dir, sizeof(dir), "%s/%s", db, name),
	    (int)sizeof(dir));
	ck_assert_int_eq(mkdir(dir, 0750), 0);
	for (size_t i = 0; i < STORE_NREQUIRED; i++) {
		const char *f = store_required_files[i];

		if (complete || strcmp(f, "privkey.pem") == 0 ||
		    strcmp(f, "csr.pem") == 0)
			ts_spit(ts_path(dir, f), f);
	}
	return dir;
}

void
ts_set_mtime(const char *path, time_t sec, long nsec)
{
	struct timespec ts[2] = { { sec, nsec }, { sec, nsec } };

	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

int
ts_run_child(const char *crash_at, void (*fn)(void *), void *arg)
{
	int status = 0;
	pid_t pid = fork();

	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		if (crash_at != NULL)
			setenv("SSLM_CRASH_AT", crash_at, 1);
		else
			unsetenv("SSLM_CRASH_AT");
		fn(arg);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* ---- link suite: reading links the way both originals write them -------- */

static const char *svc;

static void
setup(void)
{
	svc = ts_mkdtemp();
	ck_assert_int_eq(mkdir(ts_path(svc, "db"), 0750), 0);
	ck_assert_int_eq(mkdir(ts_path(svc, "db/20260806-14:30:11"), 0750), 0);
}

static void
teardown(void)
{
	ts_rmtree(svc);
}

START_TEST(dbname_shape)
{
	ck_assert(store_is_dbname("20260806-14:30:11"));
	ck_assert(!store_is_dbname("20260806-14:30:1"));
	ck_assert(!store_is_dbname("2026080a-14:30:11"));
	ck_assert(!store_is_dbname("20260806_14:30:11"));
	ck_assert(!store_is_dbname(""));
}
END_TEST

START_TEST(relative_link)
{
	struct sslm_err err;
	char *name = NULL, *dir = NULL;

	ck_assert_int_eq(symlink("db/20260806-14:30:11", ts_path(svc, "curr")), 0);
	ck_assert_int_eq(store_link_resolve(svc, STORE_CURR, &name, &dir, &err), 1);
	ck_assert_str_eq(name, "20260806-14:30:11");
	ck_assert_str_eq(dir, ts_path(svc, "db/20260806-14:30:11"));
	free(name);
	free(dir);
}
END_TEST

START_TEST(absolute_link_uses_last_component)
{
	struct sslm_err err;
	char *name = NULL;

	/* The original only uses the last component of the target. */
	ck_assert_int_eq(symlink("/elsewhere/db/20260806-14:30:11/",
	    ts_path(svc, "next")), 0);
	ck_assert_int_eq(store_link_resolve(svc, STORE_NEXT, &name, NULL, &err), 1);
	ck_assert_str_eq(name, "20260806-14:30:11");
	free(name);
}
END_TEST

START_TEST(absent_and_dangling)
{
	struct sslm_err err;
	char *name = (char *)"x";

	ck_assert_int_eq(store_link_resolve(svc, STORE_PREV, &name, NULL, &err), 0);
	ck_assert_ptr_null(name);
	ck_assert_int_eq(symlink("db/20990101-00:00:00", ts_path(svc, "next")), 0);
	ck_assert_int_eq(store_link_resolve(svc, STORE_NEXT, &name, NULL, &err), 0);
}
END_TEST

START_TEST(not_a_symlink)
{
	struct sslm_err err;

	ck_assert_int_eq(mkdir(ts_path(svc, "curr"), 0750), 0);
	ck_assert_int_eq(store_link_resolve(svc, STORE_CURR, NULL, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "curr is not a symlink"));
}
END_TEST

START_TEST(staging_marker)
{
	const char *set = ts_path(svc, "db/20260806-14:30:11");

	ck_assert(!store_dataset_is_staging(set));
	ts_spit(ts_path(set, "info"), "# web-ec rolled to curr : 20260806-16:31:40\n");
	ck_assert(!store_dataset_is_staging(set));
	ts_spit(ts_path(set, "info"),
	    "# web-ec rolled to curr : 20260806-16:31:40\n# staging\n");
	ck_assert(store_dataset_is_staging(set));
	/* Only the exact line counts. */
	ts_spit(ts_path(set, "info"), "# staging cert\n");
	ck_assert(!store_dataset_is_staging(set));
}
END_TEST

Suite *
store_link_suite(void)
{
	Suite *s = suite_create("store-link");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, dbname_shape);
	tcase_add_test(pos, relative_link);
	tcase_add_test(pos, absolute_link_uses_last_component);
	tcase_add_test(pos, staging_marker);
	tcase_add_test(neg, absent_and_dangling);
	tcase_add_test(neg, not_a_symlink);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_link_suite());
	Suite *orig;
	int failed;

	srunner_add_suite(sr, store_set_suite());
	srunner_add_suite(sr, store_roll_suite());
	srunner_add_suite(sr, store_clean_suite());
	if ((orig = store_orig_suite()) != NULL)
		srunner_add_suite(sr, orig);
#ifdef SSLM_FAULT_INJECTION
	srunner_add_suite(sr, store_fault_suite());
#else
	printf("test_store: fault-injection suite not built (configure "
	    "--enable-fault-injection)\n");
#endif
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
