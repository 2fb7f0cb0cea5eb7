/* Shared pieces of the deploy/ unit tests (one runner: test_deploy.c). */
#ifndef SSLM_TEST_DEPLOY_H
#define SSLM_TEST_DEPLOY_H

#include <check.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

Suite *deploy_mirror_suite(void);
Suite *deploy_group_suite(void);
Suite *deploy_check_suite(void);

/* Every test gets a fresh temp dir holding top/ (certs/ below it) and the
 * production dir prod/ (not created). umask is 022 during the tests. */
void td_setup(void);
void td_teardown(void);

/* A path under the test's temp dir; a few rotating static buffers, so a
 * result stays valid across the next few calls only. */
const char *td_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define TOP  td_path("top")
#define PROD td_path("prod")

/* The data sets' fixed times: mtime TD_MTIME + k seconds and TD_NSEC ns. */
#define TD_MTIME ((time_t)1780000000)
#define TD_NSEC  123456789L

/* Write path (parents must exist) with exactly this mode and mtime. */
void td_file(const char *path, const char *text, mode_t mode, time_t mtime);
/* certs/<g>/<s>/db/<ts>/ with privkey.pem and bundle.pem (0600), cert.pem,
 * chain.pem, fullchain.pem, csr.pem, info, tlsa.rr (0644), fake PEM text
 * naming g/s/ts, mtimes from TD_MTIME + k. */
void td_dataset(const char *g, const char *s, const char *ts, int k);
/* certs/<g>/<s>/<which> -> db/<ts> (ts NULL: remove the link). */
void td_link(const char *g, const char *s, const char *which, const char *ts);

/* The service most tests use: example.com/mail-ec, curr -> TD_TS1 and
 * next -> TD_TS2, both full data sets. */
#define TD_TS1 "20260806-14:30:11"
#define TD_TS2 "20260901-08:00:00"
#define TD_G   "example.com"
#define TD_S   "mail-ec"
void td_service_curr_next(void);
/* deploy_prod_mirror_service into PROD; fails the test on error. */
void td_mirror_ok(const char *g, const char *s, bool debug);
/* dst is a byte, mode, mtime (to the ns) and owner copy of src. */
void td_assert_copy(const char *src, const char *dst);

struct stat td_lstat(const char *path);          /* fails the test if absent */
bool td_exists(const char *path);                /* lstat */
char *td_slurp(const char *path);                /* heap; fails if unreadable */
void td_rmtree(const char *path);                /* rm -rf, links not followed */

/* Collect what goes to fd 1 (stdout) or 2 (stderr) between the two calls;
 * the end returns it as a heap string. One capture at a time. */
void td_capture_start(int fd);
char *td_capture_end(int fd);

#endif /* SSLM_TEST_DEPLOY_H */
