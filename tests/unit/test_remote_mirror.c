/*
 * The remote mirror against a real sshd host whose production path is the
 * bed folder SSLM_TEST_SSH_HOST_VIEW_1 (its own mount namespace): exact
 * copy, second run sends nothing, changes and removals, crash temporaries,
 * CA keys, refusals, debug, compare, single files, and a kill mid-upload.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
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
	    "touch -d '2026-01-02 03:04:05' \"$P/example.test/web/curr/cert.pem\"; "
	    /* folders' own times are carried too */
	    "touch -d '2025-03-03 03:03:03' \"$P/example.test/web/curr\" \"$P/dh\" \"$P\"",
	    p, remote_env("SSLM_TEST_SSH_HOST_VIEW_1")), 0);
}

/* Remote view == local tree, except the CA's secrets (DO4): names, kinds,
 * modes, link targets, sizes, mtimes in whole seconds (not of links: SFTP
 * cannot set a link's own time, and the local mirror does not either;
 * a folder's size is the file system's business). */
#define LIST_TREE "find . %s \\( -type l -printf '%%P l %%m %%l\\n' -o " \
	"-type d -printf '%%P d %%m %%T@\\n' -o " \
	"-printf '%%P %%y %%m %%s %%T@\\n' \\) | sed 's/\\.[0-9]*$//' | sort"

static int
same_tree(void)
{
	char *l = str_printf(LIST_TREE, "\\( -path './ca/*/privkey.pem' -o "
	    "-path './ca/*/bundle.pem' \\) -prune -o");
	char *r = str_printf(LIST_TREE, "");
	int rc = remote_sh("cd '%s' && %s >/tmp/sslm-l.$$ && cd '%s' && %s "
	    ">/tmp/sslm-r.$$; diff /tmp/sslm-l.$$ /tmp/sslm-r.$$ >&2; r=$?; "
	    "rm -f /tmp/sslm-l.$$ /tmp/sslm-r.$$; exit $r",
	    remote_env("SSLM_TEST_PROD"), l, remote_env("SSLM_TEST_SSH_HOST_VIEW_1"), r);

	free(l);
	free(r);
	return rc;
}

/* One of v's lines is exactly the formatted text. */
static void __attribute__((format(printf, 2, 3)))
has_line(const struct strvec *v, const char *fmt, ...)
{
	va_list ap;
	char *want = NULL;
	bool found = false;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&want, fmt, ap), 0);
	va_end(ap);
	for (size_t i = 0; i < v->n && !found; i++)
		found = strcmp(v->v[i], want) == 0;
	if (!found)
		for (size_t i = 0; i < v->n; i++)
			fprintf(stderr, "  line: %s\n", v->v[i]);
	ck_assert_msg(found, "no line '%s'", want);
	free(want);
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
	ck_assert_uint_eq(lines.n, 5);
	has_line(&lines, "mail.test: %s/example.test/web/curr/cert.pem differs "
	    "(size; mtime)", prod);
	has_line(&lines, "mail.test: %s/example.test/web/curr/privkey.pem differs "
	    "(mode)", prod);
	has_line(&lines, "mail.test: %s/example.test/web/curr/.cert.pem.sslm-"
	    "deadbeefdeadbeef should not be there", prod);
	has_line(&lines, "mail.test: %s/example.test/web/next should not be there",
	    prod);
	has_line(&lines, "mail.test: %s/stale.pem should not be there", prod);
	strvec_clear(&lines);
	/* debug: the plan, nothing changed */
	ck_assert_int_eq(deploy_remote_mirror(c, prod, true, &lines, &st, &err), 0);
	ck_assert_uint_gt(lines.n, 0);
	ck_assert_ptr_nonnull(strstr(lines.v[0], "debug: "));
	has_line(&lines, "debug: remove %s/stale.pem", prod);
	has_line(&lines, "debug: upload %s/example.test/web/curr/cert.pem", prod);
	ck_assert_int_eq(remote_sh("[ -e '%s/stale.pem' ] && [ -d '%s/example.test/web/next' ] "
	    "&& grep -qx cert '%s/example.test/web/curr/cert.pem'", view, view, view), 0);
	strvec_clear(&lines);
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, &lines, &st, &err), 0);
	ck_assert_uint_eq(lines.n, 6);
	has_line(&lines, "upload %s/example.test/web/curr/cert.pem", prod);
	has_line(&lines, "remove %s/stale.pem", prod);
	ck_assert_uint_eq(st.uploaded, 2);	/* cert.pem; privkey.pem's mode */
	ck_assert_uint_eq(st.removed, 4);	/* next/ and its file, stale.pem,
						 * the temporary */
	ck_assert_int_eq(same_tree(), 0);
	strvec_clear(&lines);
	ssh_conn_close(c);
}
END_TEST

/* Entries of another kind on the server, changed and new links, numeric
 * owners (DO2: the bed's login is root), a planted link never followed. */
START_TEST(kinds_links_owners)
{
	struct ssh_conn *c = remote_test_connect("mail.test");
	const char *prod = remote_env("SSLM_TEST_PROD");
	const char *view = remote_env("SSLM_TEST_SSH_HOST_VIEW_1");
	struct remote_mirror_stats st;
	struct strvec lines;
	struct sslm_err err;
	char outside[64];

	make_tree();
	strvec_init(&lines);
	snprintf(outside, sizeof(outside), "/tmp/sslm-outside.%d", (int)getpid());
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, NULL, &st, &err), 0);
	ck_assert_int_eq(remote_sh("set -e; P='%s'; V='%s'; O='%s'; "
	    "ln -sfn ffdhe2048.pem \"$P/dh/dhparam.pem\"; "
	    "ln -s cert.pem \"$P/example.test/web/curr/fullchain.pem\"; "
	    "echo file >\"$V/example.test/web/curr/fullchain.pem\"; "
	    "rm \"$V/dh/ffdhe4096.pem\"; mkdir -p \"$V/dh/ffdhe4096.pem/sub\"; "
	    "rm -r \"$V/example.test/web/next\"; echo f >\"$V/example.test/web/next\"; "
	    "chown 1234:2345 \"$P/example.test/web/next/chain.pem\"; "
	    "mkdir -p \"$O\"; echo keep >\"$O/keep\"; ln -s \"$O\" \"$V/example.test/planted\"; "
	    "ln -s \"$O/keep\" \"$V/example.test/planted-file\"; "
	    /* links to folders where a file or link goes: replaced, never
	     * entered (the rename's mv fallback would move into them) */
	    "rm \"$V/example.test/web/curr/privkey.pem\"; "
	    "ln -s \"$O\" \"$V/example.test/web/curr/privkey.pem\"",
	    prod, view, outside), 0);
	ck_assert_int_eq(deploy_remote_compare(c, prod, &lines, &err), 7);
	has_line(&lines, "mail.test: %s/dh/dhparam.pem should be a link to "
	    "ffdhe2048.pem", prod);
	has_line(&lines, "mail.test: %s/dh/ffdhe4096.pem should be a file", prod);
	has_line(&lines, "mail.test: %s/example.test/web/next should be a folder",
	    prod);
	has_line(&lines, "mail.test: %s/example.test/planted should not be there",
	    prod);
	has_line(&lines, "mail.test: %s/example.test/web/curr/privkey.pem should "
	    "be a file", prod);
	strvec_clear(&lines);
	ck_assert_msg(deploy_remote_mirror(c, prod, false, &lines, &st, &err) == 0,
	    "%s", err.msg);
	ck_assert_int_eq(same_tree(), 0);
	ck_assert_int_eq(remote_sh("[ \"$(readlink '%s/dh/dhparam.pem')\" = "
	    "ffdhe2048.pem ]", view), 0);
	ck_assert_int_eq(remote_sh("[ \"$(readlink '%s/example.test/web/curr/"
	    "fullchain.pem')\" = cert.pem ]", view), 0);
	ck_assert_int_eq(remote_sh("[ $(stat -c %%u:%%g '%s/example.test/web/next/"
	    "chain.pem') = 1234:2345 ]", view), 0);
	ck_assert_int_eq(remote_sh("[ \"$(ls -A '%s')\" = keep ]", outside), 0);
	ck_assert_int_eq(remote_sh("! find '%s' -name '.*.sslm-*' | grep .", view), 0);
	ck_assert_uint_eq(st.links_made, 2);
	strvec_clear(&lines);
	/* nothing left to do, links included */
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, &lines, &st, &err), 0);
	ck_assert_uint_eq(lines.n, 0);
	ck_assert_uint_eq(st.uploaded + st.removed + st.links_made + st.dirs_made, 0);
	/* debug below a folder the server lacks: every file it would send */
	ck_assert_int_eq(remote_sh("rm -r '%s/example.test'", view), 0);
	ck_assert_int_eq(deploy_remote_mirror(c, prod, true, &lines, &st, &err), 0);
	has_line(&lines, "debug: mkdir %s/example.test/web/curr", prod);
	has_line(&lines, "debug: upload %s/example.test/web/curr/cert.pem", prod);
	has_line(&lines, "debug: link %s/example.test/web/curr/fullchain.pem", prod);
	ck_assert_int_eq(remote_sh("[ ! -e '%s/example.test' ]", view), 0);
	strvec_clear(&lines);
	remote_sh("rm -rf '%s'", outside);
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

/* Replacing many files: the renames over existing names go in batches
 * (one command line each, below libssh2's packet limit), and the folders'
 * times come back after them. */
START_TEST(many_replacements)
{
	struct ssh_conn *c = remote_test_connect("mail.test");
	const char *prod = remote_env("SSLM_TEST_PROD");
	const char *view = remote_env("SSLM_TEST_SSH_HOST_VIEW_1");
	struct remote_mirror_stats st;
	struct sslm_err err;

	make_tree();
	ck_assert_int_eq(remote_sh("set -e; mkdir '%s/many'; cd '%s/many'; "
	    "for i in $(seq 1 600); do echo $i >file-with-a-longer-name-$i.pem; done",
	    prod, prod), 0);
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, NULL, &st, &err), 0);
	ck_assert_uint_eq(st.uploaded, 605);
	ck_assert_int_eq(remote_sh("touch -d '2025-06-06 06:06:06' '%s'/many/* && "
	    "touch -d '2025-01-01 01:01:01' '%s/many'", prod, prod), 0);
	ck_assert_msg(deploy_remote_mirror(c, prod, false, NULL, &st, &err) == 0,
	    "%s", err.msg);
	ck_assert_uint_eq(st.uploaded, 600);
	ck_assert_int_eq(same_tree(), 0);
	ck_assert_int_eq(remote_sh("! find '%s' -name '.*.sslm-*' | grep .", view), 0);
	ck_assert_int_eq(deploy_remote_mirror(c, prod, false, NULL, &st, &err), 0);
	ck_assert_uint_eq(st.uploaded + st.removed, 0);
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
	tcase_add_test(tc, kinds_links_owners);
	tcase_add_test(tc, refusals_touch_nothing);
	tcase_add_test(tc, single_files);
	tcase_add_test(tc, kill_mid_upload);
	tcase_add_test(tc, many_replacements);
	return tc;
}
