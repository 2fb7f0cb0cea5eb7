/*
 * The SSH transport against real sshd hosts (run by tests/e2e/remote.sh,
 * which starts the test bed and sets SSLM_TEST_*): commands, exit status,
 * stderr, timeouts, signals, host-key policy, authentication failure and
 * the rename over an existing file. Missing environment = failure, never a
 * skip.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "config/conf.h"
#include "tests/unit/test_remote.h"

static struct conf_ssh cs;

const char *
remote_env(const char *name)
{
	const char *v = getenv(name);

	ck_assert_msg(v != NULL && *v != '\0', "%s is not set (run me through "
	    "tests/e2e/remote.sh)", name);
	return v;
}

int
remote_sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd = NULL;
	int rc;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&cmd, fmt, ap), 0);
	va_end(ap);
	rc = system(cmd);
	free(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void
cs_init(const char *config)
{
	memset(&cs, 0, sizeof(cs));
	strvec_init(&cs.identity_files);
	strvec_init(&cs.known_hosts);
	cs.config_file = (char *)config;
	cs.port = 22;
	cs.connect_timeout = 10;
	cs.command_timeout = 30;
	cs.max_parallel = 8;
}

void
remote_test_target(const char *host, struct ssh_target *t)
{
	struct sslm_err err;

	cs_init(remote_env("SSLM_TEST_SSH_CONFIG"));
	ssh_target_init(t);
	ck_assert_msg(ssh_target_resolve(&cs, host, t, NULL, &err) == 0, "%s",
	    err.msg);
}

struct ssh_conn *
remote_test_connect(const char *host)
{
	struct ssh_target t;
	struct ssh_conn *c = NULL;
	struct sslm_err err;

	remote_test_target(host, &t);
	ck_assert_msg(ssh_conn_open(&t, &c, NULL, &err) == 0, "%s", err.msg);
	ssh_target_clear(&t);
	return c;
}

START_TEST(exec_status_output_timeout_signal)
{
	struct ssh_conn *c = remote_test_connect("mail.test");
	struct ssh_exec_result r;
	struct sslm_err err;

	ck_assert(ssh_conn_is_root(c));
	ck_assert_str_eq(ssh_conn_target(c)->name, "mail.test");
	ssh_exec_result_init(&r);
	ck_assert_int_eq(ssh_conn_exec(c, "id -u; echo to-stderr >&2", 0, &r, &err), 0);
	ck_assert(r.exited);
	ck_assert_int_eq(r.exit_status, 0);
	ck_assert_str_eq(r.out, "0\n");
	ck_assert_str_eq(r.err_out, "to-stderr\n");
	ck_assert_int_eq(ssh_conn_exec(c, "exit 3", 0, &r, &err), 0);
	ck_assert(r.exited);
	ck_assert_int_eq(r.exit_status, 3);
	/* much output on both streams at once: no deadlock */
	ck_assert_int_eq(ssh_conn_exec(c, "yes a | head -c 300000; "
	    "yes b | head -c 300000 >&2", 0, &r, &err), 0);
	ck_assert_uint_eq(strlen(r.out), 300000);
	ck_assert_uint_eq(strlen(r.err_out), 300000);
	ck_assert_int_eq(ssh_conn_exec(c, "sleep 10", 1, &r, &err), 0);
	ck_assert(r.timed_out);
	ck_assert(!r.exited);
	ck_assert_int_eq(ssh_conn_exec(c, "kill -TERM $$", 0, &r, &err), 0);
	ck_assert(!r.exited);
	ck_assert_str_eq(r.signal, "TERM");
	/* the connection is still good after all that */
	ck_assert_int_eq(ssh_conn_exec(c, "echo still", 0, &r, &err), 0);
	ck_assert_str_eq(r.out, "still\n");
	ssh_exec_result_clear(&r);
	ssh_conn_close(c);
}
END_TEST

static char *
config_with(const char *sed)
{
	char *path = str_printf("%s/ssh_config.%d", getenv("TMPDIR") != NULL ?
	    getenv("TMPDIR") : "/tmp", (int)getpid());

	ck_assert_int_eq(remote_sh("sed '%s' '%s' >'%s'", sed,
	    remote_env("SSLM_TEST_SSH_CONFIG"), path), 0);
	return path;
}

START_TEST(host_key_policy)
{
	char *cfg, *kh = str_printf("/tmp/sslm-kh.%d", (int)getpid()), *sed;
	struct ssh_target t;
	struct ssh_conn *c = NULL;
	struct strvec notes;
	struct sslm_err err;

	/* unknown: refused, with the fingerprint and how to accept it */
	unlink(kh);
	sed = str_printf("s|UserKnownHostsFile .*|UserKnownHostsFile %s|", kh);
	cfg = config_with(sed);
	cs_init(cfg);
	ssh_target_init(&t);
	ck_assert_int_eq(ssh_target_resolve(&cs, "mail.test", &t, NULL, &err), 0);
	ck_assert_int_eq(ssh_conn_open(&t, &c, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not known"));
	ck_assert_ptr_nonnull(strstr(err.msg, "SHA256:"));
	ck_assert_ptr_nonnull(strstr(err.msg, "ssh-keyscan -p"));
	ck_assert_int_ne(access(kh, F_OK), 0);
	/* accept-new: connects and remembers; the next connection matches */
	t.accept_new = true;
	strvec_init(&notes);
	ck_assert_msg(ssh_conn_open(&t, &c, &notes, &err) == 0, "%s", err.msg);
	ssh_conn_close(c);
	ck_assert_uint_eq(notes.n, 1);
	ck_assert_ptr_nonnull(strstr(notes.v[0], "added to"));
	t.accept_new = false;
	ck_assert_msg(ssh_conn_open(&t, &c, NULL, &err) == 0, "%s", err.msg);
	ssh_conn_close(c);
	/* changed: another host's key under this name is refused */
	ck_assert_int_eq(remote_sh("grep '%s' '%s' | sed 's/^[^ ]*/[mail.test]:%s/' >'%s'",
	    remote_env("SSLM_TEST_SSH_ADDR_2"), remote_env("SSLM_TEST_SSH_KNOWN_HOSTS"),
	    remote_env("SSLM_TEST_SSH_PORT"), kh), 0);
	ck_assert_int_eq(ssh_conn_open(&t, &c, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "CHANGED"));
	ck_assert_ptr_nonnull(strstr(err.msg, "ssh-keygen -R"));
	strvec_clear(&notes);
	ssh_target_clear(&t);
	unlink(cfg);
	unlink(kh);
	free(cfg);
	free(sed);
	free(kh);
}
END_TEST

START_TEST(auth_failure_says_why)
{
	char *key = str_printf("/tmp/sslm-key.%d", (int)getpid()), *sed, *cfg;
	struct ssh_target t;
	struct ssh_conn *c = NULL;
	struct sslm_err err;

	ck_assert_int_eq(remote_sh("rm -f %s %s.pub; ssh-keygen -q -t ed25519 -N '' "
	    "-f %s >/dev/null", key, key, key), 0);
	sed = str_printf("s|IdentityFile .*|IdentityFile %s|", key);
	cfg = config_with(sed);
	cs_init(cfg);
	ssh_target_init(&t);
	ck_assert_int_eq(ssh_target_resolve(&cs, "web.test", &t, NULL, &err), 0);
	unsetenv("SSH_AUTH_SOCK");
	ck_assert_int_eq(ssh_conn_open(&t, &c, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "refused for every key"));
	ck_assert_ptr_nonnull(strstr(err.msg, key));
	ssh_target_clear(&t);
	remote_sh("rm -f %s %s.pub %s", key, key, cfg);
	free(key);
	free(sed);
	free(cfg);
}
END_TEST

START_TEST(connect_refused_names_address)
{
	struct ssh_target t;
	struct ssh_conn *c = NULL;
	struct sslm_err err;

	remote_test_target("mail.test", &t);
	t.port = 9;	/* nothing listens there */
	ck_assert_int_eq(ssh_conn_open(&t, &c, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot connect"));
	ck_assert_ptr_nonnull(strstr(err.msg, ":9"));
	ssh_target_clear(&t);
}
END_TEST

START_TEST(rename_replaces_atomically)
{
	struct ssh_conn *c = remote_test_connect("mail.test");
	const char *prod = remote_env("SSLM_TEST_PROD");
	const char *view = remote_env("SSLM_TEST_SSH_HOST_VIEW_1");
	struct sslm_err err;
	char *a = str_printf("%s/rename-a", prod), *b = str_printf("%s/rename-b", prod);

	ck_assert_int_eq(remote_sh("mkdir -p '%s' && echo new >'%s/rename-a' && "
	    "echo old >'%s/rename-b'", view, view, view), 0);
	ck_assert_msg(ssh_conn_rename(c, a, b, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(remote_sh("[ ! -e '%s/rename-a' ] && grep -qx new '%s/rename-b'",
	    view, view), 0);
	ck_assert_int_eq(ssh_conn_rename(c, a, b, &err), -1);	/* gone now */
	remote_sh("rm -f '%s/rename-b'", view);
	ssh_conn_close(c);
	free(a);
	free(b);
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc;
	SRunner *sr;
	struct sslm_err err;
	int failed;

	/* checked before anything is allocated: a missing environment fails
	 * at once, without leak reports hiding the message */
	if (getenv("SSLM_TEST_SSH_CONFIG") == NULL) {
		fprintf(stderr, "test_remote: SSLM_TEST_SSH_CONFIG is not set; run "
		    "me through tests/e2e/remote.sh\n");
		return 1;
	}
	s = suite_create("remote");
	tc = tcase_create("transport");
	if (deploy_ssh_global_init(&err) == -1)
		return 1;
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, exec_status_output_timeout_signal);
	tcase_add_test(tc, host_key_policy);
	tcase_add_test(tc, auth_failure_says_why);
	tcase_add_test(tc, connect_refused_names_address);
	tcase_add_test(tc, rename_replaces_atomically);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, remote_mirror_tcase());
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	deploy_ssh_global_clear();
	return failed == 0 ? 0 : 1;
}
