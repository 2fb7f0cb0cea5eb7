/* Shared pieces of the common/ unit tests (one runner: test_common.c). */
#ifndef SSLM_TEST_COMMON_H
#define SSLM_TEST_COMMON_H

#include <check.h>
#include <stddef.h>
#include <sys/types.h>

Suite *common_str_suite(void);
Suite *common_time_suite(void);
Suite *common_fs_suite(void);
Suite *common_log_suite(void);
Suite *common_lock_suite(void);
Suite *common_proc_suite(void);

/* A fresh directory under $TMPDIR (or /tmp); the caller frees the name. */
char *tc_mkdtemp(void);
/* rm -rf; symlinks are removed, never followed. */
void tc_rmtree(const char *path);
/* Whole file as a NUL-terminated heap string (NULL if unreadable). */
char *tc_slurp(const char *path, size_t *len);
/* Write a small file (mode 0644 through the umask); fails the test on error. */
void tc_spit(const char *path, const char *text);
/* Permission bits of path (lstat), or -1. */
int tc_mode(const char *path);

/* Send fd (1 or 2) to a file until tc_restore_fd; returns the saved fd. */
int tc_redirect_fd(int fd, const char *path);
void tc_restore_fd(int fd, int saved);

#endif /* SSLM_TEST_COMMON_H */
