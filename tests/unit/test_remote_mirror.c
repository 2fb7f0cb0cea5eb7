/*
 * The remote mirror against a real sshd host whose production path is the
 * bed folder SSLM_TEST_SSH_HOST_VIEW_1 (its own mount namespace): exact
 * copy, second run sends nothing, changes and removals, crash temporaries,
 * CA keys, refusals, debug, compare, single files, and a kill mid-upload.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "tests/unit/test_remote.h"

/* The local tree at SSLM_TEST_PROD (this namespace's production). */
static void
make_tree(void)
{
	const char *p = remote_env("SSLM_TEST_PROD");

	ck_assert_int_eq(remote_sh("set -e; P='%s'; rm -rf \"$P\"/* \"%s\"/*; "
	    "mkdir -p \"$P/example.test/web/curr\" \"$P/example.test/web/next\" "
	    "\"$P/ca/root/curr\" \"$P/dh\"; "
	    "echo cert >\"$P/example.test/web/curr/cert.pem\"; "
	    "echo key >\"$P/example.test/web/curr/privkey.pem\"; "
	    "chmod 600 \"$P/example.test/web/curr/privkey.pem\"; "
	    "echo chain >\"$P/example.test/web/next/chain.pem\"; chmod 640 \"$P/example.test/web/next/chain.pem\"; "
	    "echo ca >\"$P/ca/root/curr/cert.pem\"; echo secret >\"$P/ca/root/curr/privkey.pem\"; "
	    "echo secret >\"$P/ca/root/curr/bundle.pem\"; "
	    "echo dh >\"$P/dh/ffdhe4096.pem\"; ln -s ffdhe4096.pem \"$P/dh/dhparam.pem\"; "
	    "touch -d '2026-01-02 03:04:05' \"$P/example.test/web/curr/cert.pem\"",
	    p, remote_env("SSLM_TEST_SSH_HOST_VIEW_1")), 0);
}

/* Remote view == local tree, except the CA's secrets (DO4). */
static int
same_tree(void)
{
	return remote_sh("cd '%s' && find . ! -path './ca/*/privkey.pem' "
	    "! -path './ca/*/bundle.pem' -printf '%%P %%y %%m %%l %%s %%T@\\n' | "
	    "sed 's/\\.[0-9]*$//' | sort >/tmp/sslm-l.$$ && cd '%s' && "
	    "find . -printf '%%P %%y %%m %%l %%s %%T@\\n' | sed 's/\\.[0-9]*$//' | "
	    "sort >/tmp/sslm-r.$$; diff /tmp/sslm-l.$$ /tmp/sslm-r.$$ >&2; r=$?; "
	    "rm -f /tmp/sslm-l.$$ /tmp/sslm-r.$$; exit $r",
	    remote_env("SSLM_TEST_PROD"), remote_env("SSLM_TEST_SSH_HOST_VIEW_1"));
}

START_TEST(mirror_exact_then_nothing)
{
	struct ssh_conn *c = remote_test_connect("mail.test");
	const char *prod = remote_env("SSLM_TEST_PROD");
	const char *view = remote_env("SSLM_TEST_SSH_HOST_VIEW_1");
	struct remote_mirror_stats st;
	struct strvec lines;
	struct sslm_err err;

	make_tree();
	strvec_init(&lines);
	ck_assert_msg(deploy_remote_mirror(c, prod, false, &lines, &st, &err) == 0,
	    "%s", err.msg);
	ck_assert_int_eq(same_tree(), 0);
	ck_assert_int_eq(remote_sh("[ \"$(readlink '%s/dh/dhparam.pem')\" = ffdhe4096.pem ]",
	    view), 0);
	ck_assert_int_eq(remote_sh("[ ! -e '%s/ca/root/curr/privkey.pem' ] && "
	    "[ ! -e '%s/ca/root/curr/bundle.pem' ]", view, view), 0);
	ck_assert_int_eq(remote_sh("[ $(stat -c %%a '%s/example.test/web/curr/privkey.pem') = 600 ]",
	    view), 0);
	ck_assert_uint_eq(st.uploaded, 5);
	ck_assert_uint_eq(st.links_made, 1);
	strvec_clear(&lines);
	/* the second run changes nothing */
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, &lines, &st, &err), 0);
	ck_assert_uint_eq(st.uploaded, 0);
	ck_assert_uint_eq(st.removed, 0);
	ck_assert_uint_eq(st.skipped, 6);
	ck_assert_uint_eq(lines.n, 0);
	ck_assert_int_eq(deploy_remote_compare(c, prod, &lines, &err), 0);
	strvec_clear(&lines);
	ssh_conn_close(c);
}
END_TEST

START_TEST(changes_removals_temporaries)
{
	struct ssh_conn *c = remote_test_connect("mail.test");
	const char *prod = remote_env("SSLM_TEST_PROD");
	const char *view = remote_env("SSLM_TEST_SSH_HOST_VIEW_1");
	struct remote_mirror_stats st;
	struct strvec lines;
	struct sslm_err err;

	make_tree();
	strvec_init(&lines);
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, NULL, &st, &err), 0);
	ck_assert_int_eq(remote_sh("echo new-cert >'%s/example.test/web/curr/cert.pem' && "
	    "rm -r '%s/example.test/web/next' && echo x >'%s/stale.pem' && "
	    "echo half >'%s/example.test/web/curr/.cert.pem.sslm-deadbeefdeadbeef' && "
	    "chmod 644 '%s/example.test/web/curr/privkey.pem'",
	    prod, prod, view, view, view), 0);
	ck_assert_int_eq(deploy_remote_compare(c, prod, &lines, &err), 5);
	ck_assert_ptr_nonnull(strstr(lines.v[0], "mail.test: "));
	strvec_clear(&lines);
	/* debug: the plan, nothing changed */
	ck_assert_int_eq(deploy_remote_mirror(c, prod, true, &lines, &st, &err), 0);
	ck_assert_uint_gt(lines.n, 0);
	ck_assert_ptr_nonnull(strstr(lines.v[0], "debug: "));
	ck_assert_int_eq(remote_sh("[ -e '%s/stale.pem' ]", view), 0);
	strvec_clear(&lines);
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, &lines, &st, &err), 0);
	ck_assert_uint_eq(st.uploaded, 2);	/* cert.pem; privkey.pem's mode */
	ck_assert_uint_eq(st.removed, 4);	/* next/ and its file, stale.pem,
						 * the temporary */
	ck_assert_int_eq(same_tree(), 0);
	strvec_clear(&lines);
	ssh_conn_close(c);
}
END_TEST

START_TEST(refusals_touch_nothing)
{
	struct ssh_conn *c = remote_test_connect("mail.test");
	const char *prod = remote_env("SSLM_TEST_PROD");
	const char *view = remote_env("SSLM_TEST_SSH_HOST_VIEW_1");
	struct remote_mirror_stats st;
	struct sslm_err err;
	char *dotdot = str_printf("%s/../x", prod);
	char *empty = str_printf("/tmp/sslm-empty.%d", (int)getpid());

	make_tree();
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, NULL, &st, &err), 0);
	ck_assert_int_eq(deploy_remote_mirror(c, "relative/prod", false, NULL, &st,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not an absolute path"));
	ck_assert_int_eq(deploy_remote_mirror(c, dotdot, false, NULL, &st, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "'..'"));
	ck_assert_int_eq(remote_sh("mkdir -p '%s'", empty), 0);
	ck_assert_int_eq(deploy_remote_mirror(c, empty, false, NULL, &st, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "no group folder"));
	ck_assert_int_eq(remote_sh("rmdir '%s'", empty), 0);
	ck_assert_int_eq(same_tree(), 0);
	(void)view;
	ssh_conn_close(c);
	free(dotdot);
	free(empty);
}
END_TEST

START_TEST(single_files)
{
	struct ssh_conn *c = remote_test_connect("web.test");
	const char *prod = remote_env("SSLM_TEST_PROD");
	const char *view = remote_env("SSLM_TEST_SSH_HOST_VIEW_2");
	struct sslm_err err;
	char *path = str_printf("%s/www/example.test/.well-known/acme-challenge/tok", prod);

	ck_assert_msg(deploy_remote_put_file(c, path, "tok.thumb\n", 10, 0644, &err) == 0,
	    "%s", err.msg);
	ck_assert_int_eq(remote_sh("grep -qx tok.thumb '%s/www/example.test/.well-known/"
	    "acme-challenge/tok' && [ $(stat -c %%a '%s/www/example.test/.well-known/"
	    "acme-challenge/tok') = 644 ]", view, view), 0);
	ck_assert_int_eq(deploy_remote_remove_file(c, path, &err), 0);
	ck_assert_int_eq(deploy_remote_remove_file(c, path, &err), 0);	/* missing: ok */
	ck_assert_int_eq(deploy_remote_put_file(c, "relative", "x", 1, 0644, &err), -1);
	remote_sh("rm -rf '%s/www'", view);
	ssh_conn_close(c);
	free(path);
}
END_TEST

/* A kill in the middle of an upload leaves the old file; the next mirror
 * completes and removes the temporary (needs --enable-fault-injection). */
START_TEST(kill_mid_upload)
{
	const char *prod = remote_env("SSLM_TEST_PROD");
	const char *view = remote_env("SSLM_TEST_SSH_HOST_VIEW_1");
	struct remote_mirror_stats st;
	struct sslm_err err;
	struct ssh_conn *c;
	pid_t pid;
	int status;

	make_tree();
	c = remote_test_connect("mail.test");
	ck_assert_int_eq(remote_sh("head -c 1048576 /dev/urandom >'%s/example.test/big.pem'",
	    prod), 0);
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, NULL, &st, &err), 0);
	ssh_conn_close(c);
	ck_assert_int_eq(remote_sh("cp '%s/example.test/big.pem' /tmp/sslm-old.%d && "
	    "head -c 1048576 /dev/urandom >'%s/example.test/big.pem' && "
	    "touch -d '2025-05-05 05:05:05' '%s/example.test/big.pem'", prod,
	    (int)getpid(), prod, prod), 0);
	if ((pid = fork()) == 0) {
		setenv("SSLM_CRASH_AT", "remote-upload", 1);
		c = remote_test_connect("mail.test");
		deploy_remote_mirror(c, prod, false, NULL, &st, &err);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "the upload was not killed (build with --enable-fault-injection)");
	ck_assert_int_eq(remote_sh("cmp -s /tmp/sslm-old.%d '%s/example.test/big.pem'",
	    (int)getpid(), view), 0);
	ck_assert_int_eq(remote_sh("ls -a '%s/example.test' | grep -q '^\\.big\\.pem\\.sslm-'",
	    view), 0);
	c = remote_test_connect("mail.test");
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, NULL, &st, &err), 0);
	ck_assert_int_eq(same_tree(), 0);
	ck_assert_int_eq(remote_sh("cmp -s '%s/example.test/big.pem' '%s/example.test/big.pem'",
	    prod, view), 0);
	remote_sh("rm -f /tmp/sslm-old.%d", (int)getpid());
	ssh_conn_close(c);
}
END_TEST

TCase *
remote_mirror_tcase(void)
{
	TCase *tc = tcase_create("mirror");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, mirror_exact_then_nothing);
	tcase_add_test(tc, changes_removals_temporaries);
	tcase_add_test(tc, refusals_touch_nothing);
	tcase_add_test(tc, single_files);
	tcase_add_test(tc, kill_mid_upload);
	return tc;
}
