/* Unit tests for src/common/lock.c (layout.md §9). SSLM_LOCK_DIR points
 * every test at its own lock directory (created by lock_acquire), so the
 * real /tmp/sslm-mgr-lck.<euid> is never touched. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "tests/unit/test_common.h"

/* Known answer, computed with the OpenSSL command line:
 *   printf '%s' '/etc/ssl-mgr/conf.d' | openssl dgst -sha3-224
 *   SHA3-224(stdin)= 8c8131592420ec1a63742e3caac2e0c95b7553ff09594b55ea84fddc
 * and cut to its first 32 hex characters (what the original names it). */
#define ETC_LOCK_NAME "8c8131592420ec1a63742e3caac2e0c9"

static char *tmp, *lockdir;
static mode_t old_umask;

static void
setup(void)
{
	old_umask = umask(022);
	tmp = tc_mkdtemp();
	lockdir = fs_path_join(tmp, "lock");
	ck_assert_int_eq(setenv("SSLM_LOCK_DIR", lockdir, 1), 0);
}

static void
teardown(void)
{
	unsetenv("SSLM_LOCK_DIR");
	umask(old_umask);
	tc_rmtree(tmp);
	free(lockdir);
	free(tmp);
}

static char *
lock_file_path(const char *top)
{
	char name[33];

	ck_assert_int_eq(lock_name(top, name), 0);
	return fs_path_join(lockdir, name);
}

/* A child that holds the lock for top until the parent closes *release.
 * with_pid: take it with lock_acquire (writes the PID) or with a bare
 * flock on an empty file, as flock(1) or the original ssl-mgr would. */
static pid_t
spawn_holder(const char *top, bool with_pid, int *release)
{
	int ready[2], hold[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(hold), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		struct sslm_err err;
		struct lock lk;

		close(ready[0]);
		close(hold[1]);
		lock_init(&lk);
		if (with_pid) {
			if (lock_acquire(top, &lk, NULL, &err) != 0)
				_exit(1);
		} else {
			char *path = lock_file_path(top);
			int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

			if (fd == -1 || flock(fd, LOCK_EX) == -1)
				_exit(1);
			free(path);
		}
		(void)!write(ready[1], "r", 1);
		(void)!read(hold[0], &c, 1);       /* until the parent lets go */
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	*release = hold[1];
	return pid;
}

static void
end_holder(pid_t pid, int release)
{
	int st;

	close(release);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(lock_name_known_answer)
{
	char name[33];

	ck_assert_int_eq(lock_name("/etc/ssl-mgr", name), 0);
	ck_assert_str_eq(name, ETC_LOCK_NAME);
	ck_assert_uint_eq(strlen(name), 32);
	ck_assert_int_eq(lock_name("/etc/ssl-mgr/", name), 0);
	ck_assert_str_ne(name, ETC_LOCK_NAME);  /* bytes, no normalisation */
}
END_TEST

START_TEST(lock_acquire_release)
{
	struct sslm_err err;
	struct lock lk;
	pid_t holder = 1234;
	char *path = lock_file_path("/srv/top"), *t, want[32];

	lock_init(&lk);
	ck_assert_msg(lock_acquire("/srv/top", &lk, &holder, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(holder, 0);
	ck_assert_int_ne(lk.fd, -1);
	ck_assert_int_eq(tc_mode(lockdir), 0700);
	ck_assert_int_eq(tc_mode(path), 0644);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	t = tc_slurp(path, NULL);
	ck_assert_str_eq(t, want);
	free(t);
	lock_release(&lk);
	ck_assert_int_eq(lk.fd, -1);
	lock_release(&lk);                      /* twice is harmless */
	ck_assert(fs_is_file(path));            /* never deleted */
	/* Free again after release. */
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, &holder, &err), 0);
	lock_release(&lk);
	free(path);
}
END_TEST

START_TEST(lock_held_by_child)
{
	struct sslm_err err;
	struct lock lk;
	pid_t holder = 0, kid;
	int release;

	kid = spawn_holder("/srv/top", true, &release);
	lock_init(&lk);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, &holder, &err), 1);
	ck_assert_int_eq(holder, kid);
	ck_assert_int_eq(lk.fd, -1);
	/* Another tree is a different lock. */
	ck_assert_int_eq(lock_acquire("/srv/other", &lk, NULL, &err), 0);
	lock_release(&lk);
	end_holder(kid, release);
	/* The holder is gone: the kernel dropped its lock. */
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, &holder, &err), 0);
	lock_release(&lk);
}
END_TEST

START_TEST(lock_held_without_pid)
{
	struct sslm_err err;
	struct lock lk;
	pid_t holder = 99, kid;
	int release;

	/* The lock dir must exist for the bare holder. */
	lock_init(&lk);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), 0);
	lock_release(&lk);
	kid = spawn_holder("/srv/top", false, &release);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, &holder, &err), 1);
	ck_assert_int_eq(holder, 0);            /* printed as "?" by sslm-mgr */
	end_holder(kid, release);
}
END_TEST

START_TEST(lock_same_process_twice)
{
	struct sslm_err err;
	struct lock a, b;
	pid_t holder = 0;

	/* flock is per open file: a second open in this process conflicts,
	 * which is what a second run would see. */
	lock_init(&a);
	lock_init(&b);
	ck_assert_int_eq(lock_acquire("/srv/top", &a, NULL, &err), 0);
	ck_assert_int_eq(lock_acquire("/srv/top", &b, &holder, &err), 1);
	ck_assert_int_eq(holder, getpid());
	lock_release(&a);
	lock_release(&b);
}
END_TEST

START_TEST(lock_default_dir)
{
	struct sslm_err err;
	struct lock lk;
	char name[33], *top, *path;

	/* Unset (or empty) SSLM_LOCK_DIR means the real place; a top dir that
	 * exists nowhere keeps this from meeting a real run's lock, and only
	 * our own file is removed afterwards. */
	setenv("SSLM_LOCK_DIR", "", 1);
	top = str_printf("/nonexistent/sslm-unit-test-%ld", (long)getpid());
	ck_assert_int_eq(lock_name(top, name), 0);
	path = str_printf("/tmp/sslm-mgr-lck.%lu/%s", (unsigned long)geteuid(), name);
	lock_init(&lk);
	ck_assert_msg(lock_acquire(top, &lk, NULL, &err) == 0, "%s", err.msg);
	ck_assert(fs_is_file(path));
	lock_release(&lk);
	ck_assert_int_eq(unlink(path), 0);
	free(path);
	free(top);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(lock_dir_group_writable)
{
	struct sslm_err err;
	struct lock lk;

	ck_assert_int_eq(mkdir(lockdir, 0700), 0);
	ck_assert_int_eq(chmod(lockdir, 0777), 0);
	lock_init(&lk);
	sslm_err_clear(&err);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, lockdir));
	ck_assert_ptr_nonnull(strstr(err.msg, "writable by group or others"));
	ck_assert_ptr_nonnull(strstr(err.msg, "chmod 700"));
	ck_assert_int_eq(lk.fd, -1);
	ck_assert_int_eq(chmod(lockdir, 0720), 0);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), -1);
}
END_TEST

START_TEST(lock_dir_symlink)
{
	struct sslm_err err;
	struct lock lk;
	char *real = fs_path_join(tmp, "elsewhere");

	ck_assert_int_eq(mkdir(real, 0700), 0);
	ck_assert_int_eq(symlink(real, lockdir), 0);
	lock_init(&lk);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, lockdir));
	ck_assert_ptr_nonnull(strstr(err.msg, "not a directory"));
	free(real);
}
END_TEST

START_TEST(lock_dir_wrong_owner)
{
	struct sslm_err err;
	struct lock lk;

	if (geteuid() != 0)
		return;         /* only root can give a directory away */
	ck_assert_int_eq(mkdir(lockdir, 0700), 0);
	ck_assert_int_eq(chown(lockdir, 1, 1), 0);
	lock_init(&lk);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "owned by uid 1"));
}
END_TEST

START_TEST(lock_file_is_symlink)
{
	struct sslm_err err;
	struct lock lk;
	char *path, *victim = fs_path_join(tmp, "victim");

	lock_init(&lk);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), 0);
	lock_release(&lk);
	path = lock_file_path("/srv/top");
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	ck_assert(!fs_is_file(victim));         /* not created through the link */
	free(path);
	free(victim);
}
END_TEST

START_TEST(lock_relative_base)
{
	struct sslm_err err;
	struct lock lk;

	setenv("SSLM_LOCK_DIR", "relative/dir", 1);
	lock_init(&lk);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "SSLM_LOCK_DIR"));
}
END_TEST

START_TEST(lock_already_held_struct)
{
	struct sslm_err err;
	struct lock lk;

	lock_init(&lk);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), 0);
	ck_assert_int_eq(lock_acquire("/srv/top", &lk, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "already held"));
	lock_release(&lk);
}
END_TEST

Suite *
common_lock_suite(void)
{
	Suite *s = suite_create("common_lock");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, lock_name_known_answer);
	tcase_add_test(pos, lock_acquire_release);
	tcase_add_test(pos, lock_held_by_child);
	tcase_add_test(pos, lock_held_without_pid);
	tcase_add_test(pos, lock_same_process_twice);
	tcase_add_test(pos, lock_default_dir);
	tcase_add_test(neg, lock_dir_group_writable);
	tcase_add_test(neg, lock_dir_symlink);
	tcase_add_test(neg, lock_dir_wrong_owner);
	tcase_add_test(neg, lock_file_is_symlink);
	tcase_add_test(neg, lock_relative_base);
	tcase_add_test(neg, lock_already_held_struct);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
