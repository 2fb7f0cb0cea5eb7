/* Shared by the test_ssh suites (no network). */
#ifndef SSLM_TEST_SSH_H
#define SSLM_TEST_SSH_H

#include <check.h>

/* A fresh temp dir per test, removed by ts_teardown. */
extern char *ts_dir;
void ts_setup(void);
void ts_teardown(void);
/* Write text to <ts_dir>/name; returns the path (static storage per call
 * until the next ts_path/ts_write). */
const char *ts_write(const char *name, const char *text);
const char *ts_path(const char *name);

TCase *ssh_config_tcase(void);
TCase *ssh_target_tcase(void);

#endif
