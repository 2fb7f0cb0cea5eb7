/*
 * store/: crash safety of the link switches, with the named crash points of
 * a --enable-fault-injection build (decisions.md "Fault injection"). A child
 * is SIGKILLed at the point; the parent checks what a crash there leaves.
 * Without fault injection this file compiles to nothing and its suite is
 * not run (and not counted).
 */
#include "config.h"

#ifdef SSLM_FAULT_INJECTION

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/unit/test_store.h"

static const char *svc;

static void
setup(void)
{
	svc = ts_mkdtemp();
	ts_make_set(svc, "20260101-00:00:00", true);
	ts_make_set(svc, "20260101-00:00:01", true);
	ts_make_set(svc, "20260101-00:00:02", true);
	ck_assert_int_eq(symlink("db/20260101-00:00:00", ts_path(svc, "prev")), 0);
	ck_assert_int_eq(symlink("db/20260101-00:00:01", ts_path(svc, "curr")), 0);
	ck_assert_int_eq(symlink("db/20260101-00:00:02", ts_path(svc, "next")), 0);
}

static void
teardown(void)
{
	ts_rmtree(svc);
}

static const char *
target(const char *which)
{
	const char *t = ts_readlink(ts_path(svc, which));

	return t != NULL ? t : "";
}

static void
do_roll(void *arg)
{
	struct sslm_err err;

	(void)arg;
	if (store_roll(svc, "web-ec", false, &err) != 0)
		_exit(3);
}

static void
do_link_next(void *arg)
{
	struct sslm_err err;

	if (store_set_link_next(arg, &err) != 0)
		_exit(3);
}

static void
assert_killed(int status)
{
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "child was not killed at the crash point (status %#x)", status);
}

START_TEST(crash_between_roll_links)
{
	struct sslm_err err;
	char *curr_dir = NULL;

	assert_killed(ts_run_child("roll-between-links", do_roll, NULL));
	/* curr is still there, whole, and still the old one. */
	ck_assert_int_eq(store_link_resolve(svc, STORE_CURR, NULL, &curr_dir,
	    &err), 1);
	ck_assert(store_set_is_complete(curr_dir));
	free(curr_dir);
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:01");
	ck_assert_str_eq(target("prev"), "db/20260101-00:00:01");
	ck_assert_str_eq(target("next"), "db/20260101-00:00:02");
	/* The next run simply rolls again. */
	ck_assert_int_eq(store_roll(svc, "web-ec", false, &err), 0);
	ck_assert_str_eq(target("prev"), "db/20260101-00:00:01");
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:02");
	ck_assert(!ts_exists(ts_path(svc, "next")));
	ck_assert_ptr_nonnull(strstr(ts_slurp(ts_path(svc, "curr/info")),
	    "# web-ec rolled to curr : "));
}
END_TEST

START_TEST(crash_before_link_next)
{
	struct sslm_err err;
	struct store_set set;

	ck_assert_int_eq(store_set_create(svc, false, &set, &err), 0);
	assert_killed(ts_run_child("before-link-next", do_link_next, &set));
	ck_assert_str_eq(target("next"), "db/20260101-00:00:02");
	ck_assert_int_eq(store_set_link_next(&set, &err), 0);
	ck_assert_str_eq(target("next"), ts_path("db", set.name));
	store_set_clear(&set);
}
END_TEST

START_TEST(other_point_does_not_crash)
{
	int status = ts_run_child("after-key", do_roll, NULL);

	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "status %#x", status);
	ck_assert_str_eq(target("curr"), "db/20260101-00:00:02");
	ck_assert(!ts_exists(ts_path(svc, "next")));
}
END_TEST

Suite *
store_fault_suite(void)
{
	Suite *s = suite_create("store-fault");
	TCase *tc = tcase_create("positive");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, crash_between_roll_links);
	tcase_add_test(tc, crash_before_link_next);
	tcase_add_test(tc, other_point_does_not_crash);
	suite_add_tcase(s, tc);
	return s;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int test_store_fault_unused;
#endif /* SSLM_FAULT_INJECTION */
