/* Shared pieces of the store/ unit tests (one runner: test_store.c). */
#ifndef SSLM_TEST_STORE_H
#define SSLM_TEST_STORE_H

#include <check.h>
#include <stdbool.h>
#include <time.h>

Suite *store_link_suite(void);
Suite *store_set_suite(void);
Suite *store_roll_suite(void);
Suite *store_clean_suite(void);
/* NULL when the fixtures are missing outside CI (reported as skipped). */
Suite *store_orig_suite(void);
#ifdef SSLM_FAULT_INJECTION
Suite *store_fault_suite(void);
#endif

/* A fresh directory under $TMPDIR (or /tmp); static storage, one at a time. */
const char *ts_mkdtemp(void);
/* rm -rf; symlinks are removed, never followed. */
void ts_rmtree(const char *path);
/* "<a>/<b>" in one of a few rotating static buffers (tests stay leak-free). */
const char *ts_path(const char *a, const char *b);
/* Write a small file (0644 through the umask); fails the test on error. */
void ts_spit(const char *path, const char *text);
/* Whole file in a static buffer ("" when unreadable). */
const char *ts_slurp(const char *path);
/* Permission bits (lstat), or -1. */
int ts_mode(const char *path);
/* Link target in a static buffer, or NULL when path is no symlink. */
const char *ts_readlink(const char *path);
/* Whether path exists (lstat). */
bool ts_exists(const char *path);
/* Make db/<name>/ under svc (0750) holding the six required files when
 * complete, else privkey.pem and csr.pem only; returns the set's path. */
const char *ts_make_set(const char *svc, const char *name, bool complete);
/* Set a file's atime and mtime to sec.nsec. */
void ts_set_mtime(const char *path, time_t sec, long nsec);
/* Run a child that does nothing but fn(arg) with SSLM_CRASH_AT=crash_at
 * (NULL: unset); returns its wait status. */
int ts_run_child(const char *crash_at, void (*fn)(void *), void *arg);

#endif /* SSLM_TEST_STORE_H */
