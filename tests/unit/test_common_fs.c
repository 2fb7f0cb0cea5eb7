/* Unit tests for src/common/fs.c. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "tests/unit/test_common.h"

static char *tmp;
static mode_t old_umask;

static void
setup(void)
{
	tmp = tc_mkdtemp();
	/* The modes below assume the usual default umask. */
	old_umask = umask(022);
}

static void
teardown(void)
{
	umask(old_umask);
	tc_rmtree(tmp);
	free(tmp);
	tmp = NULL;
}

/* A path under the test's directory; freed by the caller. */
static char *
at(const char *rel)
{
	char *p = fs_path_join(tmp, rel);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(fs_write_atomic_modes)
{
	struct sslm_err err;
	char *secret = at("privkey.pem"), *plain = at("cert.pem"), *tmpname = NULL;
	char *data;
	size_t len;

	/* A secret is 0600 although the umask would allow 0644. */
	ck_assert_int_eq(fs_write_atomic(secret, "KEY\n", 4, 0600, &err), 0);
	ck_assert_int_eq(tc_mode(secret), 0600);
	ck_assert_int_eq(fs_write_atomic(plain, "CERT\n", 5, 0666, &err), 0);
	ck_assert_int_eq(tc_mode(plain), 0644);
	data = tc_slurp(secret, &len);
	ck_assert_str_eq(data, "KEY\n");
	ck_assert_uint_eq(len, 4);
	free(data);
	/* No temporary is left behind. */
	tmpname = str_printf("%s.tmp", secret);
	ck_assert_int_eq(access(tmpname, F_OK), -1);
	free(tmpname);
	free(secret);
	free(plain);
}
END_TEST

START_TEST(fs_write_atomic_replaces)
{
	struct sslm_err err;
	char *path = at("f"), *data;
	struct stat before, after;

	ck_assert_int_eq(fs_write_atomic(path, "old", 3, 0666, &err), 0);
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(fs_write_atomic(path, "new content", 11, 0666, &err), 0);
	ck_assert_int_eq(stat(path, &after), 0);
	/* Replaced by rename (new inode), not rewritten in place. */
	ck_assert(before.st_ino != after.st_ino);
	data = tc_slurp(path, NULL);
	ck_assert_str_eq(data, "new content");
	free(data);
	/* Zero bytes is a valid file. */
	ck_assert_int_eq(fs_write_atomic(path, "", 0, 0666, &err), 0);
	data = tc_slurp(path, NULL);
	ck_assert_str_eq(data, "");
	free(data);
	free(path);
}
END_TEST

START_TEST(fs_write_atomic_stale_tmp)
{
	struct sslm_err err;
	char *path = at("bundle.pem"), *stale = at("bundle.pem.tmp");
	char *victim = at("victim"), *data;

	/* A crash left a world-readable .tmp: it must not be reused. */
	tc_spit(stale, "leftover");
	ck_assert_int_eq(tc_mode(stale), 0644);
	ck_assert_int_eq(fs_write_atomic(path, "secret", 6, 0600, &err), 0);
	ck_assert_int_eq(tc_mode(path), 0600);
	ck_assert_int_eq(access(stale, F_OK), -1);

	/* A symlink planted at the .tmp name is removed, not followed. */
	tc_spit(victim, "untouched");
	ck_assert_int_eq(symlink(victim, stale), 0);
	ck_assert_int_eq(fs_write_atomic(path, "again", 5, 0600, &err), 0);
	data = tc_slurp(victim, NULL);
	ck_assert_str_eq(data, "untouched");
	free(data);
	data = tc_slurp(path, NULL);
	ck_assert_str_eq(data, "again");
	free(data);
	free(path);
	free(stale);
	free(victim);
}
END_TEST

START_TEST(fs_read_file_bounds)
{
	struct sslm_err err;
	char *path = at("r"), *data = NULL;
	size_t len = 99;

	tc_spit(path, "0123456789");
	ck_assert_int_eq(fs_read_file(path, 10, &data, &len, &err), 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_str_eq(data, "0123456789");
	free(data);
	tc_spit(path, "");
	ck_assert_int_eq(fs_read_file(path, 10, &data, &len, &err), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(data, "");
	free(data);
	free(path);
}
END_TEST

START_TEST(fs_mkdir_p_modes)
{
	struct sslm_err err;
	char *leaf = at("a/b/c"), *a = at("a"), *b = at("a/b"), *slash;

	ck_assert_int_eq(fs_mkdir_p(leaf, 0750, &err), 0);
	ck_assert_int_eq(tc_mode(leaf), 0750);
	ck_assert_int_eq(tc_mode(a), 0755);     /* parents: process default */
	ck_assert_int_eq(tc_mode(b), 0755);
	/* Existing: fine, and its mode is left alone. */
	ck_assert_int_eq(chmod(leaf, 0700), 0);
	ck_assert_int_eq(fs_mkdir_p(leaf, 0750, &err), 0);
	ck_assert_int_eq(tc_mode(leaf), 0700);
	/* Trailing and doubled slashes. */
	slash = str_printf("%s//x/y/", tmp);
	ck_assert_int_eq(fs_mkdir_p(slash, 0750, &err), 0);
	free(slash);
	slash = at("x/y");
	ck_assert_int_eq(tc_mode(slash), 0750);
	free(slash);
	free(leaf);
	free(a);
	free(b);
}
END_TEST

START_TEST(fs_mkdir_p_through_link)
{
	struct sslm_err err;
	char *real = at("real"), *link = at("link"), *sub = at("link/sub");

	ck_assert_int_eq(mkdir(real, 0755), 0);
	ck_assert_int_eq(symlink(real, link), 0);
	ck_assert_int_eq(fs_mkdir_p(link, 0750, &err), 0);
	ck_assert_int_eq(fs_mkdir_p(sub, 0750, &err), 0);
	ck_assert(fs_is_dir(sub));
	free(real);
	free(link);
	free(sub);
}
END_TEST

START_TEST(fs_symlink_swap_replaces)
{
	struct sslm_err err;
	char *link = at("curr"), buf[PATH_MAX], *tmpl;
	ssize_t n;

	ck_assert_int_eq(fs_symlink_swap("db/20260101-00:00:00", link, &err), 0);
	n = readlink(link, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "db/20260101-00:00:00");
	ck_assert_int_eq(fs_symlink_swap("db/20260202-00:00:00", link, &err), 0);
	n = readlink(link, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "db/20260202-00:00:00");
	tmpl = str_printf("%s.tmp-%ld", link, (long)getpid());
	ck_assert_int_eq(access(tmpl, F_OK), -1);
	free(tmpl);
	free(link);
}
END_TEST

START_TEST(fs_predicates_and_paths)
{
	struct sslm_err err;
	char *file = at("f"), *dir = at("d"), *link = at("l"), *p, *r, *rt;

	tc_spit(file, "x");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(symlink("d", link), 0);
	ck_assert(fs_is_file(file));
	ck_assert(!fs_is_dir(file));
	ck_assert(fs_is_dir(dir));
	ck_assert(!fs_is_file(dir));
	ck_assert(fs_is_dir(link));             /* follows links */
	ck_assert(!fs_is_dir("/nonexistent/sslm"));

	p = fs_path_join("a", "b");
	ck_assert_str_eq(p, "a/b");
	free(p);
	p = fs_path_join("a/", "/b");
	ck_assert_str_eq(p, "a/b");
	free(p);
	p = fs_path_join("/", "etc");
	ck_assert_str_eq(p, "/etc");
	free(p);
	p = fs_path_join("a", "");
	ck_assert_str_eq(p, "a");
	free(p);
	p = fs_path_join("", "b");
	ck_assert_str_eq(p, "b");
	free(p);

	rt = fs_realpath(tmp, &err);
	ck_assert_ptr_nonnull(rt);
	r = fs_realpath(link, &err);
	ck_assert_ptr_nonnull(r);
	p = fs_path_join(rt, "d");
	ck_assert_str_eq(r, p);
	free(p);
	free(r);
	free(rt);
	free(file);
	free(dir);
	free(link);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(fs_write_atomic_no_dir)
{
	struct sslm_err err;
	char *path = at("missing/f");

	sslm_err_clear(&err);
	ck_assert_int_eq(fs_write_atomic(path, "x", 1, 0600, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	ck_assert_ptr_nonnull(strstr(err.msg, "No such file or directory"));
	free(path);
}
END_TEST

START_TEST(fs_write_atomic_onto_dir)
{
	struct sslm_err err;
	char *path = at("d"), *tmpname = at("d.tmp");

	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(fs_write_atomic(path, "x", 1, 0666, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot rename"));
	ck_assert(fs_is_dir(path));
	ck_assert_int_eq(access(tmpname, F_OK), -1);    /* cleaned up */
	free(path);
	free(tmpname);
}
END_TEST

START_TEST(fs_read_file_errors)
{
	struct sslm_err err;
	char *path = at("big"), *missing = at("missing"), *fifo, *data = (char *)1;
	size_t len = 7;

	tc_spit(path, "01234567890");
	ck_assert_int_eq(fs_read_file(path, 10, &data, &len, &err), -1);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "11 bytes"));
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	ck_assert_int_eq(fs_read_file(missing, 10, &data, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, missing));
	ck_assert_int_eq(fs_read_file(tmp, 10, &data, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	/* A FIFO with no writer would block a plain open forever. */
	fifo = at("fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(fs_read_file(fifo, 10, &data, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	free(fifo);
	free(path);
	free(missing);
}
END_TEST

START_TEST(fs_mkdir_p_file_in_way)
{
	struct sslm_err err;
	char *file = at("f"), *under = at("f/sub");

	tc_spit(file, "x");
	ck_assert_int_eq(fs_mkdir_p(file, 0750, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a directory"));
	ck_assert_ptr_nonnull(strstr(err.msg, file));
	ck_assert_int_eq(fs_mkdir_p(under, 0750, &err), -1);
	ck_assert_int_eq(fs_mkdir_p("", 0750, &err), -1);
	free(file);
	free(under);
}
END_TEST

START_TEST(fs_symlink_swap_onto_dir)
{
	struct sslm_err err;
	char *dir = at("curr"), *inside = at("curr/keep"), *tmpl;

	ck_assert_int_eq(mkdir(dir, 0750), 0);
	tc_spit(inside, "x");
	ck_assert_int_eq(fs_symlink_swap("db/x", dir, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "real directory"));
	ck_assert(fs_is_file(inside));                  /* untouched */
	tmpl = str_printf("%s.tmp-%ld", dir, (long)getpid());
	ck_assert_int_eq(access(tmpl, F_OK), -1);
	free(tmpl);
	free(dir);
	free(inside);
}
END_TEST

START_TEST(fs_realpath_missing)
{
	struct sslm_err err;

	ck_assert_ptr_null(fs_realpath("/nonexistent/sslm-x", &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/sslm-x"));
}
END_TEST

Suite *
common_fs_suite(void)
{
	Suite *s = suite_create("common_fs");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, fs_write_atomic_modes);
	tcase_add_test(pos, fs_write_atomic_replaces);
	tcase_add_test(pos, fs_write_atomic_stale_tmp);
	tcase_add_test(pos, fs_read_file_bounds);
	tcase_add_test(pos, fs_mkdir_p_modes);
	tcase_add_test(pos, fs_mkdir_p_through_link);
	tcase_add_test(pos, fs_symlink_swap_replaces);
	tcase_add_test(pos, fs_predicates_and_paths);
	tcase_add_test(neg, fs_write_atomic_no_dir);
	tcase_add_test(neg, fs_write_atomic_onto_dir);
	tcase_add_test(neg, fs_read_file_errors);
	tcase_add_test(neg, fs_mkdir_p_file_in_way);
	tcase_add_test(neg, fs_symlink_swap_onto_dir);
	tcase_add_test(neg, fs_realpath_missing);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
