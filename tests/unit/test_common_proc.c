/* Unit tests for src/common/proc.c. The runner never uses a shell; these
 * tests use sh only as a convenient child program. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "tests/unit/test_common.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run argv with opts, expecting proc_run to return want_rc. */
static void
run(const char *const argv[], const struct proc_opts *o, struct proc_result *r,
    int want_rc)
{
	struct sslm_err err;

	sslm_err_clear(&err);
	ck_assert_msg(proc_run(argv, o, r, &err) == want_rc, "%s: %s", argv[0],
	    err.msg);
}

/* Dead or a zombie waiting for init: either way no longer running. */
static bool
process_gone(pid_t pid)
{
	char path[64], *stat;
	bool gone;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((stat = tc_slurp(path, NULL)) == NULL)
		return true;
	gone = strstr(stat, ") Z ") != NULL;
	free(stat);
	return gone;
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(proc_echo_capture)
{
	const char *argv[] = { "echo", "hello", "world", NULL };
	struct proc_result r;
	char buf[64];

	run(argv, NULL, &r, 0);
	ck_assert_int_eq(r.status, PROC_EXITED);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert(proc_result_ok(&r));
	ck_assert_str_eq(r.out, "hello world\n");
	ck_assert_uint_eq(r.out_len, 12);
	ck_assert_str_eq(r.err_out, "");        /* never NULL when captured */
	ck_assert(!r.out_truncated);
	ck_assert_str_eq(proc_result_describe(&r, buf, sizeof(buf)),
	    "exited with status 0");
	proc_result_clear(&r);
	ck_assert_ptr_null(r.out);
	proc_result_clear(&r);                  /* twice is harmless */
}
END_TEST

START_TEST(proc_exit_code)
{
	const char *argv[] = { "sh", "-c", "exit 3", NULL };
	const char *own127[] = { "sh", "-c", "exit 127", NULL };
	struct proc_result r;
	char buf[64];

	run(argv, NULL, &r, 0);
	ck_assert_int_eq(r.status, PROC_EXITED);
	ck_assert_int_eq(r.exit_code, 3);
	ck_assert(!proc_result_ok(&r));
	ck_assert_str_eq(proc_result_describe(&r, buf, sizeof(buf)),
	    "exited with status 3");
	proc_result_clear(&r);
	/* A program's own 127 is not an exec failure. */
	run(own127, NULL, &r, 0);
	ck_assert_int_eq(r.status, PROC_EXITED);
	ck_assert_int_eq(r.exit_code, 127);
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_signalled)
{
	const char *argv[] = { "sh", "-c", "kill -9 $$", NULL };
	struct proc_result r;
	char buf[64];

	run(argv, NULL, &r, 0);
	ck_assert_int_eq(r.status, PROC_SIGNALLED);
	ck_assert_int_eq(r.signal, SIGKILL);
	ck_assert_ptr_nonnull(strstr(proc_result_describe(&r, buf, sizeof(buf)),
	    "killed by signal 9"));
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_stderr_captured)
{
	const char *argv[] = { "sh", "-c", "echo out; echo oops >&2; exit 1", NULL };
	struct proc_result r;

	run(argv, NULL, &r, 0);
	ck_assert_str_eq(r.out, "out\n");
	ck_assert_str_eq(r.err_out, "oops\n");
	ck_assert_uint_eq(r.err_len, 5);
	ck_assert_int_eq(r.exit_code, 1);
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_env_passed)
{
	const char *env[] = { "SSLM_TEST_NEW=hello", "SSLM_TEST_OLD=new", NULL };
	const char *argv[] = { "env", NULL };
	struct proc_opts o = { .env = env };
	struct proc_result r;

	ck_assert_int_eq(setenv("SSLM_TEST_OLD", "old", 1), 0);
	run(argv, &o, &r, 0);
	unsetenv("SSLM_TEST_OLD");
	ck_assert_ptr_nonnull(strstr(r.out, "SSLM_TEST_NEW=hello\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "SSLM_TEST_OLD=new\n"));
	ck_assert_ptr_null(strstr(r.out, "SSLM_TEST_OLD=old"));
	ck_assert_ptr_nonnull(strstr(r.out, "PATH="));  /* inherited */
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_cwd)
{
	const char *argv[] = { "pwd", NULL };
	struct proc_opts o = { 0 };
	struct proc_result r;
	char *dir = tc_mkdtemp(), *real, *want;

	o.cwd = dir;
	run(argv, &o, &r, 0);
	real = fs_realpath(dir, NULL);
	want = str_printf("%s\n", real);
	ck_assert_str_eq(r.out, want);
	proc_result_clear(&r);
	tc_rmtree(dir);
	free(want);
	free(real);
	free(dir);
}
END_TEST

START_TEST(proc_stdin_is_dev_null)
{
	const char *argv[] = { "cat", NULL };
	struct proc_opts o = { .timeout = 10 };
	struct proc_result r;

	/* cat would wait for input forever on an inherited terminal or pipe. */
	run(argv, &o, &r, 0);
	ck_assert_int_eq(r.status, PROC_EXITED);
	ck_assert_uint_eq(r.out_len, 0);
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_timeout_kills)
{
	const char *argv[] = { "sleep", "30", NULL };
	struct proc_opts o = { .timeout = 1 };
	struct proc_result r;
	double t0 = now_s(), dt;
	char buf[64];

	run(argv, &o, &r, 0);
	dt = now_s() - t0;
	ck_assert_int_eq(r.status, PROC_TIMEOUT);
	ck_assert_int_eq(r.signal, SIGTERM);
	ck_assert_msg(dt >= 0.9 && dt < 5, "took %.2f s", dt);
	ck_assert_str_eq(proc_result_describe(&r, buf, sizeof(buf)),
	    "timed out after 1 s and was killed");
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_timeout_sigkill_group)
{
	/* The shell ignores SIGTERM and so does its child; both must die by
	 * SIGKILL after the grace period, the grandchild included. */
	const char *argv[] = { "sh", "-c",
	    "trap '' TERM; sleep 60 & echo $!; wait; wait", NULL };
	struct proc_opts o = { .timeout = 1 };
	struct proc_result r;
	double t0 = now_s(), dt;
	long kid;

	run(argv, &o, &r, 0);
	dt = now_s() - t0;
	ck_assert_int_eq(r.status, PROC_TIMEOUT);
	ck_assert_int_eq(r.signal, SIGKILL);
	ck_assert_msg(dt >= 1 + PROC_KILL_GRACE - 0.2 && dt < 1 + PROC_KILL_GRACE + 3,
	    "took %.2f s", dt);
	ck_assert_int_eq(sscanf(r.out, "%ld", &kid), 1);
	for (int i = 0; i < 50 && !process_gone((pid_t)kid); i++)
		usleep(100000);
	ck_assert_msg(process_gone((pid_t)kid), "grandchild %ld survived", kid);
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_daemon_keeps_pipe)
{
	/* A program that leaves a background process holding its stdout is
	 * done when it exits; we must not wait for the background process. */
	const char *argv[] = { "sh", "-c", "sleep 30 & echo $!; echo done", NULL };
	struct proc_opts o = { .timeout = 20 };
	struct proc_result r;
	double t0 = now_s(), dt;
	long kid = 0;

	run(argv, &o, &r, 0);
	dt = now_s() - t0;
	ck_assert_int_eq(r.status, PROC_EXITED);
	ck_assert_msg(dt < 5, "took %.2f s", dt);
	ck_assert_int_eq(sscanf(r.out, "%ld", &kid), 1);
	ck_assert_ptr_nonnull(strstr(r.out, "done\n"));
	/* A normal exit leaves what the program started alone. */
	ck_assert(!process_gone((pid_t)kid));
	kill((pid_t)kid, SIGKILL);
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_large_output_truncated)
{
	const char *small[] = { "head", "-c", "300000", "/dev/zero", NULL };
	const char *both[] = { "sh", "-c",
	    "head -c 2000000 /dev/zero; head -c 1500000 /dev/zero >&2; echo end >&2",
	    NULL };
	struct proc_opts o = { .max_capture = 1000 };
	struct proc_result r;

	run(small, &o, &r, 0);
	ck_assert_int_eq(r.status, PROC_EXITED);    /* not blocked on a full pipe */
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_uint_eq(r.out_len, 1000);
	ck_assert(r.out_truncated);
	ck_assert_int_eq(r.out[1000], '\0');
	proc_result_clear(&r);

	run(both, NULL, &r, 0);                     /* default limit: 1 MiB each */
	ck_assert(proc_result_ok(&r));
	ck_assert_uint_eq(r.out_len, PROC_CAPTURE_MAX);
	ck_assert_uint_eq(r.err_len, PROC_CAPTURE_MAX);
	ck_assert(r.out_truncated && r.err_truncated);
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_inherit_output)
{
	const char *argv[] = { "true", NULL };
	struct proc_opts o = { .inherit_output = true };
	struct proc_result r;

	run(argv, &o, &r, 0);
	ck_assert(proc_result_ok(&r));
	ck_assert_ptr_null(r.out);
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_split)
{
	struct strvec sv;

	strvec_init(&sv);
	ck_assert_int_eq(proc_split_words("  systemctl  restart\tnginx \n", &sv), 0);
	ck_assert_uint_eq(sv.n, 3);
	ck_assert_str_eq(sv.v[0], "systemctl");
	ck_assert_str_eq(sv.v[1], "restart");
	ck_assert_str_eq(sv.v[2], "nginx");
	ck_assert_ptr_null(sv.v[3]);
	strvec_clear(&sv);
	/* No quoting: quotes are ordinary characters. */
	ck_assert_int_eq(proc_split_words("a 'b c'", &sv), 0);
	ck_assert_uint_eq(sv.n, 3);
	ck_assert_str_eq(sv.v[1], "'b");
	strvec_clear(&sv);
	ck_assert_int_eq(proc_split_words("", &sv), 0);
	ck_assert_int_eq(proc_split_words(" \t\n", &sv), 0);
	ck_assert_uint_eq(sv.n, 0);
	strvec_clear(&sv);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(proc_missing_program)
{
	const char *abs[] = { "/nonexistent/sslm-prog", "x", NULL };
	const char *bare[] = { "sslm-no-such-program-7f3a", NULL };
	struct sslm_err err;
	struct proc_result r;
	char buf[64];

	ck_assert_int_eq(proc_run(abs, NULL, &r, &err), -1);
	ck_assert_int_eq(r.status, PROC_EXEC_FAILED);
	ck_assert_int_eq(r.exit_code, 127);
	ck_assert_ptr_nonnull(strstr(err.msg,
	    "cannot run /nonexistent/sslm-prog: No such file or directory"));
	ck_assert_str_eq(proc_result_describe(&r, buf, sizeof(buf)),
	    "could not be started");
	proc_result_clear(&r);
	ck_assert_int_eq(proc_run(bare, NULL, &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot run sslm-no-such-program-7f3a: "));
	ck_assert_ptr_nonnull(strstr(err.msg, "PATH"));
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_not_executable)
{
	const char *argv[] = { NULL, NULL };
	struct sslm_err err;
	struct proc_result r;
	char *dir = tc_mkdtemp(), *file = fs_path_join(dir, "script");

	tc_spit(file, "#!/bin/sh\necho hi\n");     /* mode 0644: not executable */
	argv[0] = file;
	/* Even root cannot exec a file without any x bit. */
	ck_assert_int_eq(proc_run(argv, NULL, &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot run"));
	ck_assert_ptr_nonnull(strstr(err.msg, "Permission denied"));
	proc_result_clear(&r);
	tc_rmtree(dir);
	free(file);
	free(dir);
}
END_TEST

START_TEST(proc_bad_cwd)
{
	const char *argv[] = { "true", NULL };
	struct proc_opts o = { .cwd = "/nonexistent/sslm-dir" };
	struct sslm_err err;
	struct proc_result r;

	ck_assert_int_eq(proc_run(argv, &o, &r, &err), -1);
	ck_assert_int_eq(r.status, PROC_EXEC_FAILED);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot run true: cannot change "
	    "to directory /nonexistent/sslm-dir"));
	proc_result_clear(&r);
}
END_TEST

START_TEST(proc_bad_arguments)
{
	const char *empty[] = { NULL };
	const char *blank[] = { "", NULL };
	const char *env[] = { "NOEQUALS", NULL };
	const char *argv[] = { "true", NULL };
	struct proc_opts o = { .env = env };
	struct sslm_err err;
	struct proc_result r;

	ck_assert_int_eq(proc_run(empty, NULL, &r, &err), -1);
	ck_assert_int_eq(proc_run(blank, NULL, &r, &err), -1);
	ck_assert_int_eq(proc_run(NULL, NULL, &r, &err), -1);
	ck_assert_int_eq(proc_run(argv, &o, &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "NOEQUALS"));
	proc_result_clear(&r);
}
END_TEST

Suite *
common_proc_suite(void)
{
	Suite *s = suite_create("common_proc");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	/* Timeout tests wait for the SIGTERM grace period on purpose. */
	tcase_set_timeout(pos, 60);
	tcase_add_test(pos, proc_echo_capture);
	tcase_add_test(pos, proc_exit_code);
	tcase_add_test(pos, proc_signalled);
	tcase_add_test(pos, proc_stderr_captured);
	tcase_add_test(pos, proc_env_passed);
	tcase_add_test(pos, proc_cwd);
	tcase_add_test(pos, proc_stdin_is_dev_null);
	tcase_add_test(pos, proc_timeout_kills);
	tcase_add_test(pos, proc_timeout_sigkill_group);
	tcase_add_test(pos, proc_daemon_keeps_pipe);
	tcase_add_test(pos, proc_large_output_truncated);
	tcase_add_test(pos, proc_inherit_output);
	tcase_add_test(pos, proc_split);
	tcase_add_test(neg, proc_missing_program);
	tcase_add_test(neg, proc_not_executable);
	tcase_add_test(neg, proc_bad_cwd);
	tcase_add_test(neg, proc_bad_arguments);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
