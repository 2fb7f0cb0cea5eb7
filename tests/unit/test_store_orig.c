/*
 * store/ on trees the original ssl-mgr left (../shared/fixtures): a renew
 * and a roll must continue them as if the original had gone on.
 * Runs whenever the fixtures are there; missing under CI=true is a failure,
 * missing elsewhere is reported as skipped (decisions.md "Test data").
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/unit/test_store.h"

static const char *const fixtures[] = {
	"original-7.8.1", "original-5.4.0",
};

static char fixdir[1024];
static const char *work;
static char top[1024];

/* ../shared/fixtures, from SSLM_SHARED or SSLM_SRCDIR; false if absent. */
static bool
find_fixtures(void)
{
	const char *shared = getenv("SSLM_SHARED");
	const char *src = getenv("SSLM_SRCDIR");
	int n;

	if (shared != NULL && *shared != '\0')
		n = snprintf(fixdir, sizeof(fixdir), "%s/fixtures", shared);
	else if (src != NULL && *src != '\0')
		n = snprintf(fixdir, sizeof(fixdir), "%s/../shared/fixtures", src);
	else
		return false;
	if (n < 0 || (size_t)n >= sizeof(fixdir))
		return false;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char tgz[1200];
		struct stat st;

		snprintf(tgz, sizeof(tgz), "%s/%s.tar.gz", fixdir, fixtures[i]);
		if (stat(tgz, &st) == -1)
			return false;
	}
	return true;
}

/* Extract fixture i into a fresh directory; top is its top dir. */
static void
extract(int i)
{
	char tgz[1200];
	int status = 0;
	pid_t pid;

	work = ts_mkdtemp();
	snprintf(tgz, sizeof(tgz), "%s/%s.tar.gz", fixdir, fixtures[i]);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		execlp("tar", "tar", "-xzf", tgz, "-C", work, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "tar -xzf %s failed", tgz);
	ck_assert_int_lt(snprintf(top, sizeof(top), "%s/%s", work, fixtures[i]),
	    (int)sizeof(top));
}

static void
teardown(void)
{
	ts_rmtree(work);
	work = NULL;
}

static char *
resolve(const char *svc, enum store_link which)
{
	struct sslm_err err;
	char *name = NULL;

	ck_assert_int_ge(store_link_resolve(svc, which, &name, NULL, &err), 0);
	return name;
}

/* A renew with key reuse and a roll on web-ec, as a C run would do it. */
START_TEST(continue_renew_and_roll)
{
	static const char *const copied[] = {
		"privkey.pem", "csr.pem", "cert.pem", "chain.pem", "fullchain.pem",
	};
	struct sslm_err err;
	struct store_set set;
	char *svc, *old_curr, *name;
	char curr[1200], want[256], stamp[TIME_DB_LEN];
	struct stat src_st, dst_st;
	time_t before;

	extract(_i);
	ck_assert_ptr_nonnull(svc = store_service_dir(top, "example.test", "web-ec"));
	ck_assert_int_eq(store_service_prepare(top, "example.test", "web-ec", &err), 0);
	ck_assert_ptr_nonnull(old_curr = resolve(svc, STORE_CURR));
	snprintf(curr, sizeof(curr), "%s/curr", svc);
	ck_assert(store_set_is_complete(curr));

	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		ck_assert_int_eq(store_set_copy_file(&set, curr, copied[i], &err), 0);
	ck_assert_int_eq(stat(ts_path(curr, "privkey.pem"), &src_st), 0);
	ck_assert_int_eq(stat(ts_path(set.dir, "privkey.pem"), &dst_st), 0);
	ck_assert_int_eq(dst_st.st_mtim.tv_sec, src_st.st_mtim.tv_sec);
	ck_assert_int_eq(dst_st.st_mode & 07777, 0600);
	ck_assert_int_eq(store_set_write(&set, "bundle.pem", "bundle\n", 7, true,
	    &err), 0);
	ck_assert_int_eq(store_set_link_next(&set, &err), 0);
	ck_assert_str_eq(ts_readlink(ts_path(svc, "next")), ts_path("db", set.name));

	before = time(NULL);
	ck_assert_int_eq(store_roll(svc, "web-ec", false, &err), 0);
	ck_assert_str_eq(ts_readlink(ts_path(svc, "prev")), ts_path("db", old_curr));
	ck_assert_str_eq(ts_readlink(ts_path(svc, "curr")), ts_path("db", set.name));
	ck_assert(!ts_exists(ts_path(svc, "next")));
	name = resolve(svc, STORE_CURR);
	ck_assert_str_eq(name, set.name);
	free(name);
	ck_assert_int_eq(time_stamp_db(before, stamp), 0);
	snprintf(want, sizeof(want), "# web-ec rolled to curr : %s\n", stamp);
	if (strcmp(ts_slurp(ts_path(curr, "info")), want) != 0) {
		ck_assert_int_eq(time_stamp_db(before + 1, stamp), 0);
		snprintf(want, sizeof(want), "# web-ec rolled to curr : %s\n", stamp);
		ck_assert_str_eq(ts_slurp(ts_path(curr, "info")), want);
	}
	/* The old prev is now the only unreferenced set. */
	ck_assert_int_eq(store_clean(svc, 0, false, NULL, &err), 1);
	ck_assert(store_set_is_complete(ts_path(svc, "prev")));
	ck_assert(store_set_is_complete(curr));
	store_set_clear(&set);
	free(old_curr);
	free(svc);
}
END_TEST

/* 7.8.1's wild-ec was left with next -> an empty set (a failed renew) and
 * two more orphans: the roll refuses, cleaning keeps what links name. */
START_TEST(wild_ec_failed_renew)
{
	struct sslm_err err;
	struct strvec rm;
	char *svc, *n, *c, *p;

	extract(0);
	strvec_init(&rm);
	ck_assert_ptr_nonnull(svc = store_service_dir(top, "example.net", "wild-ec"));
	ck_assert_ptr_nonnull(n = resolve(svc, STORE_NEXT));
	ck_assert_ptr_nonnull(c = resolve(svc, STORE_CURR));
	ck_assert_ptr_nonnull(p = resolve(svc, STORE_PREV));
	ck_assert_int_eq(store_roll(svc, "wild-ec", false, &err), -1);
	ck_assert_msg(strstr(err.msg, "is missing privkey.pem, cert.pem, csr.pem, "
	    "chain.pem, fullchain.pem, bundle.pem") != NULL, "%s", err.msg);
	ck_assert_str_eq(ts_readlink(ts_path(svc, "curr")), ts_path("db", c));
	ck_assert_int_eq(store_clean(svc, 0, false, &rm, &err), 2);
	ck_assert(!strvec_contains(&rm, n) && !strvec_contains(&rm, c) &&
	    !strvec_contains(&rm, p));
	ck_assert(fs_is_dir(ts_path(ts_path(svc, "db"), n)));
	ck_assert(fs_is_dir(ts_path(ts_path(svc, "db"), c)));
	ck_assert(fs_is_dir(ts_path(ts_path(svc, "db"), p)));
	strvec_clear(&rm);
	free(n);
	free(c);
	free(p);
	free(svc);
}
END_TEST

START_TEST(fixtures_required_in_ci)
{
	ck_abort_msg("fixtures not found at %s (SSLM_SRCDIR/../shared/fixtures); "
	    "required under CI=true", fixdir[0] != '\0' ? fixdir : "(unset)");
}
END_TEST

Suite *
store_orig_suite(void)
{
	Suite *s;
	TCase *tc;
	const char *ci = getenv("CI");

	if (!find_fixtures() && (ci == NULL || strcmp(ci, "true") != 0)) {
		printf("test_store: SKIPPED store-original (continue_renew_and_roll, "
		    "wild_ec_failed_renew): ../shared/fixtures not found\n");
		return NULL;
	}
	s = suite_create("store-original");
	tc = tcase_create("positive");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, NULL, teardown);
	if (fixdir[0] == '\0' || !find_fixtures()) {
		tcase_add_test(tc, fixtures_required_in_ci);
	} else {
		tcase_add_loop_test(tc, continue_renew_and_roll, 0,
		    (int)(sizeof(fixtures) / sizeof(fixtures[0])));
		tcase_add_test(tc, wild_ec_failed_renew);
	}
	suite_add_tcase(s, tc);
	return s;
}
