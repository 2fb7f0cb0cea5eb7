/*
 * Runner for the common/ unit tests, shared helpers, and the string suite.
 * Suites live in test_common_<file>.c, one per source file of src/common/.
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
#include <unistd.h>

#include "common/common.h"
#include "tests/unit/test_common.h"

/* ---- helpers ------------------------------------------------------------ */

char *
tc_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	dir = str_printf("%s/sslm-test-common.XXXXXX", base);
	ck_assert_ptr_nonnull(dir);
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
tc_rmtree(const char *path)
{
	if (path != NULL)
		(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
tc_slurp(const char *path, size_t *len)
{
	char *data = NULL;
	size_t n = 0;

	if (fs_read_file(path, 64 * 1024 * 1024, &data, &n, NULL) == -1)
		return NULL;
	if (len != NULL)
		*len = n;
	return data;
}

void
tc_spit(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	ck_assert_msg(fd != -1, "cannot create %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

int
tc_mode(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return -1;
	return (int)(st.st_mode & 07777);
}

int
tc_redirect_fd(int fd, const char *path)
{
	int saved, f;

	fflush(fd == 1 ? stdout : stderr);
	saved = dup(fd);
	ck_assert_int_ne(saved, -1);
	f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ne(f, -1);
	ck_assert_int_ne(dup2(f, fd), -1);
	close(f);
	return saved;
}

void
tc_restore_fd(int fd, int saved)
{
	fflush(fd == 1 ? stdout : stderr);
	dup2(saved, fd);
	close(saved);
}

/* ---- str.c -------------------------------------------------------------- */

START_TEST(str_basics)
{
	struct strvec sv;
	char *s;

	ck_assert(str_eq("a", "a"));
	ck_assert(str_eq(NULL, NULL));
	ck_assert(!str_eq("a", NULL));
	ck_assert(str_case_eq("NginX", "nginx"));
	ck_assert(str_has_prefix("conf.d/x", "conf.d/"));
	ck_assert(str_has_suffix("cert.pem", ".pem"));
	s = str_printf("%s-%d", "a", 1);
	ck_assert_str_eq(s, "a-1");
	free(s);

	strvec_init(&sv);
	ck_assert_int_eq(strvec_push(&sv, "x"), 0);
	ck_assert_int_eq(strvec_push(&sv, "y"), 0);
	ck_assert_uint_eq(sv.n, 2);
	ck_assert_ptr_null(sv.v[2]);       /* usable as argv */
	ck_assert(strvec_contains(&sv, "y"));
	strvec_clear(&sv);
	ck_assert_uint_eq(sv.n, 0);
}
END_TEST

START_TEST(str_err_errno)
{
	struct sslm_err err;

	sslm_err_clear(&err);
	ck_assert_str_eq(err.msg, "");
	sslm_err_errno(&err, ENOENT, "cannot open %s", "/x");
	ck_assert_str_eq(err.msg, "cannot open /x: No such file or directory");
	sslm_err_set(NULL, "ignored");   /* NULL err is allowed */
}
END_TEST

START_TEST(str_names)
{
	ck_assert(str_is_safe_name("example.com"));
	ck_assert(str_is_safe_name("_mail-1"));
	ck_assert(!str_is_safe_name("-x"));
	ck_assert(!str_is_safe_name(".x"));
	ck_assert(!str_is_safe_name("a/b"));
	ck_assert(!str_is_safe_name(""));
}
END_TEST

Suite *
common_str_suite(void)
{
	Suite *s = suite_create("common_str");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_test(pos, str_basics);
	tcase_add_test(pos, str_err_errno);
	tcase_add_test(neg, str_names);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}

/* ---- runner ------------------------------------------------------------- */

int
main(void)
{
	SRunner *sr = srunner_create(common_str_suite());
	int failed;

	srunner_add_suite(sr, common_time_suite());
	srunner_add_suite(sr, common_fs_suite());
	srunner_add_suite(sr, common_log_suite());
	srunner_add_suite(sr, common_lock_suite());
	srunner_add_suite(sr, common_proc_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
