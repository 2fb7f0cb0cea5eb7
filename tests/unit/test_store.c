/* Unit tests for store/: link resolution and data-set names. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

static char tmpl[64];
static char *svc;

/* printf into one of a few static buffers: tests stay leak-free under ASan. */
static const char *
P(const char *dir, const char *name)
{
	static char bufs[4][1024];
	static int i;

	i = (i + 1) % 4;
	if (snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", dir, name) >= (int)sizeof(bufs[i]))
		ck_abort_msg("path too long");
	return bufs[i];
}

static void
setup(void)
{
	strcpy(tmpl, "/tmp/sslm-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	svc = tmpl;
	ck_assert_int_eq(mkdir(P(svc, "db"), 0750), 0);
	ck_assert_int_eq(mkdir(P(svc, "db/20260806-14:30:11"), 0750), 0);
}

static void
teardown(void)
{
	char *cmd[] = { "rm", "-rf", tmpl, NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
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

	ck_assert_int_eq(symlink("db/20260806-14:30:11", P(svc, "curr")), 0);
	ck_assert_int_eq(store_link_resolve(svc, STORE_CURR, &name, &dir, &err), 1);
	ck_assert_str_eq(name, "20260806-14:30:11");
	ck_assert_str_eq(dir, P(svc, "db/20260806-14:30:11"));
	free(name);
	free(dir);
}
END_TEST

START_TEST(absolute_link_uses_last_component)
{
	struct sslm_err err;
	char *name = NULL;

	/* The original only uses the last component of the target. */
	ck_assert_int_eq(symlink("/elsewhere/db/20260806-14:30:11/", P(svc, "next")), 0);
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
	ck_assert_int_eq(symlink("db/20990101-00:00:00", P(svc, "next")), 0);
	ck_assert_int_eq(store_link_resolve(svc, STORE_NEXT, &name, NULL, &err), 0);
}
END_TEST

START_TEST(not_a_symlink)
{
	struct sslm_err err;

	ck_assert_int_eq(mkdir(P(svc, "curr"), 0750), 0);
	ck_assert_int_eq(store_link_resolve(svc, STORE_CURR, NULL, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "curr is not a symlink"));
}
END_TEST

START_TEST(staging_marker)
{
	char set[1024];
	FILE *fp;

	ck_assert_int_lt(snprintf(set, sizeof(set), "%s/db/20260806-14:30:11", svc), (int)sizeof(set));

	ck_assert(!store_dataset_is_staging(set));
	fp = fopen(P(set, "info"), "w");
	fputs("# web-ec rolled to curr : 20260806-16:31:40\n", fp);
	fclose(fp);
	ck_assert(!store_dataset_is_staging(set));
	fp = fopen(P(set, "info"), "a");
	fputs("# staging\n", fp);
	fclose(fp);
	ck_assert(store_dataset_is_staging(set));
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
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
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
