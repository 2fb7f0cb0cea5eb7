/* Shared by the test_remote suites: they run against the test bed's sshd
 * hosts (tests/e2e/remote.sh sets the SSLM_TEST_* environment). */
#ifndef SSLM_TEST_REMOTE_H
#define SSLM_TEST_REMOTE_H

#include <check.h>

#include "deploy/deploy.h"

/* An environment value the program cannot run without (fails the test). */
const char *remote_env(const char *name);
/* Resolve host ("mail.test") with the test ssh config. */
void remote_test_target(const char *host, struct ssh_target *t);
/* An open connection to host; fails the test if it cannot connect. */
struct ssh_conn *remote_test_connect(const char *host);
/* Run a shell command here; its exit status. */
int remote_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

TCase *remote_mirror_tcase(void);

#endif
