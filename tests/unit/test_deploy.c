/*
 * Runner for the deploy/ unit tests and the helpers they share: temp trees
 * of fake data sets (fixed PEM-looking text, no crypto), links, stdout
 * capture.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "deploy/deploy.h"
#include "test_deploy.h"

static char root[64];
static int saved_fd = -1;

const char *
td_path(const char *fmt, ...)
{
	static char bufs[8][1024];
	static int i;
	char rel[900];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(rel), "path too long");
	i = (i + 1) % 8;
	n = snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", root, rel);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(bufs[i]), "path too long");
	return bufs[i];
}

void
td_setup(void)
{
	umask(022);
	strcpy(root, "/tmp/sslm-deploy-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(mkdir(td_path("top"), 0755), 0);
	ck_assert_int_eq(mkdir(td_path("top/certs"), 0755), 0);
}

void
td_rmtree(const char *path)
{
	char *cmd[] = { "rm", "-rf", (char *)path, NULL };
	pid_t pid = fork();
	int st;

	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}

void
td_teardown(void)
{
	if (root[0] != '\0')
		td_rmtree(root);
}

void
td_file(const char *path, const char *text, mode_t mode, time_t mtime)
{
	struct timespec times[2];
	size_t len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
	ck_assert_msg(fd != -1, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	times[0].tv_sec = times[1].tv_sec = mtime;
	times[0].tv_nsec = times[1].tv_nsec = TD_NSEC;
	ck_assert_int_eq(futimens(fd, times), 0);
	ck_assert_int_eq(close(fd), 0);
}

static void
mkdir_ok(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == -1)
		ck_assert_msg(errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
}

void
td_dataset(const char *g, const char *s, const char *ts, int k)
{
	char key[256], cert[256], chain[256], both[512], text[1024];
	struct timespec times[2];
	const char *set;
	time_t t = TD_MTIME + k * 100;

	mkdir_ok(td_path("top/certs/%s", g), 0750);
	mkdir_ok(td_path("top/certs/%s/%s", g, s), 0755);
	mkdir_ok(td_path("top/certs/%s/%s/db", g, s), 0750);
	set = td_path("top/certs/%s/%s/db/%s", g, s, ts);
	mkdir_ok(set, 0750);
	snprintf(key, sizeof(key), "-----BEGIN PRIVATE KEY-----\n"
	    "FAKEKEY %s/%s %s\n-----END PRIVATE KEY-----\n", g, s, ts);
	snprintf(cert, sizeof(cert), "-----BEGIN CERTIFICATE-----\n"
	    "FAKECERT %s/%s %s\n-----END CERTIFICATE-----\n", g, s, ts);
	snprintf(chain, sizeof(chain), "-----BEGIN CERTIFICATE-----\n"
	    "FAKECHAIN %s\n-----END CERTIFICATE-----\n", ts);
	snprintf(both, sizeof(both), "%s%s", cert, chain);
	td_file(td_path("top/certs/%s/%s/db/%s/privkey.pem", g, s, ts), key, 0600, t);
	td_file(td_path("top/certs/%s/%s/db/%s/cert.pem", g, s, ts), cert, 0644, t + 1);
	td_file(td_path("top/certs/%s/%s/db/%s/chain.pem", g, s, ts), chain, 0644, t + 1);
	td_file(td_path("top/certs/%s/%s/db/%s/fullchain.pem", g, s, ts), both,
	    0644, t + 1);
	snprintf(text, sizeof(text), "-----BEGIN CERTIFICATE REQUEST-----\n"
	    "FAKECSR %s/%s %s\n-----END CERTIFICATE REQUEST-----\n", g, s, ts);
	td_file(td_path("top/certs/%s/%s/db/%s/csr.pem", g, s, ts), text, 0644, t);
	snprintf(text, sizeof(text), "%s%s", key, both);
	td_file(td_path("top/certs/%s/%s/db/%s/bundle.pem", g, s, ts), text, 0600, t + 2);
	snprintf(text, sizeof(text), "# %s rolled to curr : %s\n", s, ts);
	td_file(td_path("top/certs/%s/%s/db/%s/info", g, s, ts), text, 0644, t + 3);
	snprintf(text, sizeof(text), "_443._tcp.www.%s. 1800 IN TLSA 3 1 1 %s\n",
	    g, ts);
	td_file(td_path("top/certs/%s/%s/db/%s/tlsa.rr", g, s, ts), text, 0644, t + 2);
	set = td_path("top/certs/%s/%s/db/%s", g, s, ts);
	times[0].tv_sec = times[1].tv_sec = t + 4;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, set, times, 0), 0);
}

void
td_link(const char *g, const char *s, const char *which, const char *ts)
{
	char target[64];
	const char *link = td_path("top/certs/%s/%s/%s", g, s, which);

	if (unlink(link) == -1)
		ck_assert_int_eq(errno, ENOENT);
	if (ts == NULL)
		return;
	snprintf(target, sizeof(target), "db/%s", ts);
	ck_assert_int_eq(symlink(target, link), 0);
}

struct stat
td_lstat(const char *path)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "%s: %s", path, strerror(errno));
	return st;
}

bool
td_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

char *
td_slurp(const char *path)
{
	struct sslm_err err;
	char *data = NULL;
	size_t len;

	ck_assert_msg(fs_read_file(path, 1 << 20, &data, &len, &err) == 0, "%s",
	    err.msg);
	return data;
}

void
td_capture_start(int fd)
{
	int f;

	ck_assert(fd == 1 || fd == 2);
	fflush(fd == 1 ? stdout : stderr);
	saved_fd = dup(fd);
	ck_assert_int_ne(saved_fd, -1);
	f = open(td_path("captured.txt"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644);
	ck_assert_int_ne(f, -1);
	ck_assert_int_ne(dup2(f, fd), -1);
	close(f);
}

char *
td_capture_end(int fd)
{
	fflush(fd == 1 ? stdout : stderr);
	ck_assert_int_ne(dup2(saved_fd, fd), -1);
	close(saved_fd);
	saved_fd = -1;
	return td_slurp(td_path("captured.txt"));
}

void
td_service_curr_next(void)
{
	td_dataset(TD_G, TD_S, TD_TS1, 0);
	td_dataset(TD_G, TD_S, TD_TS2, 1);
	td_link(TD_G, TD_S, "curr", TD_TS1);
	td_link(TD_G, TD_S, "next", TD_TS2);
}

void
td_mirror_ok(const char *g, const char *s, bool debug)
{
	struct sslm_err err;

	sslm_err_clear(&err);
	ck_assert_msg(deploy_prod_mirror_service(TOP, PROD, g, s, debug, &err) == 0,
	    "%s", err.msg);
}

void
td_assert_copy(const char *src, const char *dst)
{
	char *a, *b;
	struct stat s = td_lstat(src), d = td_lstat(dst);

	ck_assert_msg(S_ISREG(d.st_mode), "%s is no regular file", dst);
	ck_assert_int_eq(s.st_mode & 07777, d.st_mode & 07777);
	ck_assert_int_eq(s.st_mtim.tv_sec, d.st_mtim.tv_sec);
	ck_assert_int_eq(s.st_mtim.tv_nsec, d.st_mtim.tv_nsec);
	ck_assert_int_eq(s.st_uid, d.st_uid);
	a = td_slurp(src);
	b = td_slurp(dst);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}

int
main(void)
{
	SRunner *sr = srunner_create(deploy_mirror_suite());
	int failed;

	srunner_add_suite(sr, deploy_group_suite());
	srunner_add_suite(sr, deploy_check_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
