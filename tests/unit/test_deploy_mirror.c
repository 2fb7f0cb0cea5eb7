/* Unit tests for deploy/: the local production mirror. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "deploy/deploy.h"
#include "test_deploy.h"

#define TS1 TD_TS1
#define TS2 TD_TS2
#define G   TD_G
#define S   TD_S
#define SP  "prod/" G "/" S

static const char *const set_files[] = {
	"bundle.pem", "cert.pem", "chain.pem", "csr.pem", "fullchain.pem",
	"info", "privkey.pem", "tlsa.rr",
};

static void
assert_set_copied(const char *ts, const char *which)
{
	char src[1024];
	size_t i;

	for (i = 0; i < sizeof(set_files) / sizeof(set_files[0]); i++) {
		snprintf(src, sizeof(src), "%s",
		    td_path("top/certs/" G "/" S "/db/%s/%s", ts, set_files[i]));
		td_assert_copy(src, td_path("prod/" G "/" S "/%s/%s", which,
		    set_files[i]));
	}
}

START_TEST(mirror_curr_and_next)
{
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	assert_set_copied(TS1, "curr");
	assert_set_copied(TS2, "next");
	/* layout.md §12 modes, umask 022 */
	ck_assert_int_eq(td_lstat(PROD).st_mode & 07777, 0750);
	ck_assert_int_eq(td_lstat(td_path("prod/" G)).st_mode & 07777, 0755);
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S)).st_mode & 07777, 0750);
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/curr")).st_mode & 07777,
	    0750);
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/curr/privkey.pem")).st_mode
	    & 07777, 0600);
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/next/bundle.pem")).st_mode
	    & 07777, 0600);
	/* the data set directory's mtime travels too (rsync -a) */
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/next")).st_mtim.tv_sec,
	    TD_MTIME + 104);
}
END_TEST

START_TEST(secret_modes_under_wide_umask)
{
	/* umask 0 must not widen a key, umask 077 must not narrow a cert:
	 * copies carry the source's bits exactly. */
	td_service_curr_next();
	umask(0);
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/curr/privkey.pem")).st_mode
	    & 07777, 0600);
	td_rmtree(PROD);
	umask(077);
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/curr/cert.pem")).st_mode
	    & 07777, 0644);
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/curr/bundle.pem")).st_mode
	    & 07777, 0600);
}
END_TEST

START_TEST(rerun_changes_nothing)
{
	const char *names[] = { "curr", "next", "curr/cert.pem", "next/privkey.pem",
		"curr/info", "" };
	struct stat before[6], after;
	char *out;
	size_t i;

	td_service_curr_next();
	td_mirror_ok(G, S, false);
	for (i = 0; i < 6; i++)
		before[i] = td_lstat(td_path("prod/" G "/" S "/%s", names[i]));
	/* past the kernel's timestamp granularity, so any write would show */
	usleep(50000);
	td_capture_start(1);
	td_mirror_ok(G, S, true);
	out = td_capture_end(1);
	ck_assert_msg(out[0] == '\0', "debug run plans changes:\n%s", out);
	free(out);
	td_mirror_ok(G, S, false);
	for (i = 0; i < 6; i++) {
		after = td_lstat(td_path("prod/" G "/" S "/%s", names[i]));
		ck_assert_uint_eq(after.st_ino, before[i].st_ino);
		ck_assert_int_eq(after.st_ctim.tv_sec, before[i].st_ctim.tv_sec);
		ck_assert_int_eq(after.st_ctim.tv_nsec, before[i].st_ctim.tv_nsec);
		ck_assert_int_eq(after.st_mtim.tv_nsec, before[i].st_mtim.tv_nsec);
	}
}
END_TEST

START_TEST(changed_file_replaced)
{
	const char *dst = td_path("prod/" G "/" S "/curr/cert.pem");
	char *text;

	td_service_curr_next();
	td_mirror_ok(G, S, false);
	/* same size and mtime, different bytes: still replaced */
	td_file(td_path("prod/" G "/" S "/curr/cert.pem"),
	    "-----BEGIN CERTIFICATE-----\n"
	    "FAKECERT example.com/mail-ec 20260806-14:30:1X\n"
	    "-----END CERTIFICATE-----\n", 0644, TD_MTIME + 1);
	td_mirror_ok(G, S, false);
	dst = td_path("prod/" G "/" S "/curr/cert.pem");
	text = td_slurp(dst);
	ck_assert_ptr_nonnull(strstr(text, TS1 "\n"));
	free(text);
	/* a stale temporary from a crash does not block the copy */
	td_file(td_path("prod/" G "/" S "/curr/cert.pem.tmp"), "junk", 0644, 1);
	td_file(td_path("prod/" G "/" S "/curr/cert.pem"), "old", 0644, 1);
	td_mirror_ok(G, S, false);
	td_assert_copy(td_path("top/certs/" G "/" S "/db/" TS1 "/cert.pem"),
	    td_path("prod/" G "/" S "/curr/cert.pem"));
	ck_assert(!td_exists(td_path("prod/" G "/" S "/curr/cert.pem.tmp")));
}
END_TEST

START_TEST(stale_entries_removed)
{
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	td_file(td_path("prod/" G "/" S "/curr/old.pem"), "old", 0644, 1);
	ck_assert_int_eq(mkdir(td_path("prod/" G "/" S "/curr/olddir"), 0755), 0);
	td_file(td_path("prod/" G "/" S "/curr/olddir/x"), "x", 0644, 1);
	/* crash leftovers in the source are not data */
	td_file(td_path("top/certs/" G "/" S "/db/" TS1 "/privkey.pem.tmp"), "k",
	    0600, 1);
	td_mirror_ok(G, S, false);
	ck_assert(!td_exists(td_path("prod/" G "/" S "/curr/old.pem")));
	ck_assert(!td_exists(td_path("prod/" G "/" S "/curr/olddir")));
	ck_assert(!td_exists(td_path("prod/" G "/" S "/curr/privkey.pem.tmp")));
	ck_assert(td_exists(td_path("prod/" G "/" S "/curr/privkey.pem")));
}
END_TEST

START_TEST(roll_removes_next)
{
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	/* the roll: curr -> prev, next -> curr, no next; TS2 has no tlsa.rr */
	ck_assert_int_eq(unlink(td_path("top/certs/" G "/" S "/db/" TS2 "/tlsa.rr")), 0);
	td_link(G, S, "prev", TS1);
	td_link(G, S, "curr", TS2);
	td_link(G, S, "next", NULL);
	td_mirror_ok(G, S, false);
	ck_assert(!td_exists(td_path("prod/" G "/" S "/next")));
	ck_assert(!td_exists(td_path("prod/" G "/" S "/prev")));
	ck_assert(!td_exists(td_path("prod/" G "/" S "/curr/tlsa.rr")));
	td_assert_copy(td_path("top/certs/" G "/" S "/db/" TS2 "/cert.pem"),
	    td_path("prod/" G "/" S "/curr/cert.pem"));
	/* a dangling next counts as absent too */
	ck_assert_int_eq(symlink("db/20990101-00:00:00",
	    td_path("top/certs/" G "/" S "/next")), 0);
	ck_assert_int_eq(mkdir(td_path("prod/" G "/" S "/next"), 0750), 0);
	td_mirror_ok(G, S, false);
	ck_assert(!td_exists(td_path("prod/" G "/" S "/next")));
}
END_TEST

START_TEST(ca_keys_never_copied)
{
	td_dataset("ca", "my-root", TS1, 0);
	td_link("ca", "my-root", "curr", TS1);
	/* an older run (the original) put the keys there */
	ck_assert_int_eq(mkdir(PROD, 0750), 0);
	ck_assert_int_eq(mkdir(td_path("prod/ca"), 0755), 0);
	ck_assert_int_eq(mkdir(td_path("prod/ca/my-root"), 0750), 0);
	ck_assert_int_eq(mkdir(td_path("prod/ca/my-root/curr"), 0750), 0);
	td_file(td_path("prod/ca/my-root/curr/privkey.pem"), "key", 0600, 1);
	td_file(td_path("prod/ca/my-root/curr/bundle.pem"), "key", 0600, 1);
	td_mirror_ok("ca", "my-root", false);
	ck_assert(!td_exists(td_path("prod/ca/my-root/curr/privkey.pem")));
	ck_assert(!td_exists(td_path("prod/ca/my-root/curr/bundle.pem")));
	td_assert_copy(td_path("top/certs/ca/my-root/db/" TS1 "/cert.pem"),
	    td_path("prod/ca/my-root/curr/cert.pem"));
	td_assert_copy(td_path("top/certs/ca/my-root/db/" TS1 "/fullchain.pem"),
	    td_path("prod/ca/my-root/curr/fullchain.pem"));
	/* only the group named "ca" */
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	ck_assert(td_exists(td_path("prod/" G "/" S "/curr/privkey.pem")));
}
END_TEST

START_TEST(debug_changes_nothing)
{
	struct stat before;
	char want[2048], *out;

	td_service_curr_next();
	td_capture_start(1);
	td_mirror_ok(G, S, true);
	out = td_capture_end(1);
	ck_assert(!td_exists(PROD));
	ck_assert_ptr_nonnull(strstr(out, "debug: mkdir "));
	snprintf(want, sizeof(want), "debug: copy %s -> %s\n",
	    td_path("top/certs/" G "/" S "/db/" TS2 "/privkey.pem"),
	    td_path("prod/" G "/" S "/next/privkey.pem"));
	ck_assert_msg(strstr(out, want) != NULL, "no \"%s\" in:\n%s", want, out);
	free(out);

	td_mirror_ok(G, S, false);
	td_file(td_path("prod/" G "/" S "/curr/old.pem"), "old", 0644, 1);
	td_file(td_path("prod/" G "/" S "/curr/cert.pem"), "changed", 0644, 1);
	before = td_lstat(td_path("prod/" G "/" S "/curr/cert.pem"));
	td_link(G, S, "next", NULL);
	td_capture_start(1);
	td_mirror_ok(G, S, true);
	out = td_capture_end(1);
	ck_assert_ptr_nonnull(strstr(out, "debug: remove "));
	ck_assert_ptr_nonnull(strstr(out, "/curr/old.pem\n"));
	ck_assert_ptr_nonnull(strstr(out, "/curr/cert.pem\n"));
	ck_assert_ptr_nonnull(strstr(out, "/next\n"));
	free(out);
	ck_assert(td_exists(td_path("prod/" G "/" S "/curr/old.pem")));
	ck_assert(td_exists(td_path("prod/" G "/" S "/next/cert.pem")));
	ck_assert_uint_eq(td_lstat(td_path("prod/" G "/" S "/curr/cert.pem")).st_ino,
	    before.st_ino);
	out = td_slurp(td_path("prod/" G "/" S "/curr/cert.pem"));
	ck_assert_str_eq(out, "changed");
	free(out);	/* directory modes and owners are planned, not set */
	ck_assert_int_eq(chmod(td_path("prod/" G "/" S "/curr"), 0755), 0);
	if (geteuid() == 0)
		ck_assert_int_eq(lchown(td_path("prod/" G "/" S "/curr"), 1, 1), 0);
	td_capture_start(1);
	td_mirror_ok(G, S, true);
	out = td_capture_end(1);
	ck_assert_ptr_nonnull(strstr(out, "debug: chmod 0750 "));
	if (geteuid() == 0)
		ck_assert_ptr_nonnull(strstr(out, "debug: chown "));
	free(out);
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/curr")).st_mode & 07777,
	    0755);
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/curr")).st_mode & 07777,
	    0750);
}
END_TEST

START_TEST(dest_symlinks_not_followed)
{
	char *text;

	td_service_curr_next();
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(mkdir(td_path("outside"), 0755), 0);
	td_file(td_path("outside/victim"), "victim", 0644, 1);
	/* a link where a file belongs, an extra link to a directory, a link
	 * at the temporary name, a link where next/ belongs */
	ck_assert_int_eq(unlink(td_path("prod/" G "/" S "/curr/cert.pem")), 0);
	ck_assert_int_eq(symlink(td_path("outside/victim"),
	    td_path("prod/" G "/" S "/curr/cert.pem")), 0);
	ck_assert_int_eq(symlink(td_path("outside"),
	    td_path("prod/" G "/" S "/curr/extra")), 0);
	ck_assert_int_eq(symlink(td_path("outside/victim"),
	    td_path("prod/" G "/" S "/curr/privkey.pem.tmp")), 0);
	td_file(td_path("prod/" G "/" S "/curr/privkey.pem"), "x", 0644, 1);
	td_rmtree(td_path("prod/" G "/" S "/next"));
	ck_assert_int_eq(symlink(td_path("outside"),
	    td_path("prod/" G "/" S "/next")), 0);
	td_link(G, S, "next", NULL);
	td_mirror_ok(G, S, false);

	td_assert_copy(td_path("top/certs/" G "/" S "/db/" TS1 "/cert.pem"),
	    td_path("prod/" G "/" S "/curr/cert.pem"));
	td_assert_copy(td_path("top/certs/" G "/" S "/db/" TS1 "/privkey.pem"),
	    td_path("prod/" G "/" S "/curr/privkey.pem"));
	ck_assert(!td_exists(td_path("prod/" G "/" S "/curr/extra")));
	ck_assert(!td_exists(td_path("prod/" G "/" S "/next")));
	text = td_slurp(td_path("outside/victim"));
	ck_assert_str_eq(text, "victim");
	free(text);
	ck_assert_int_eq(td_lstat(td_path("outside/victim")).st_mode & 07777, 0644);

	/* curr/ itself a link to a directory: the link goes, not its files */
	td_rmtree(td_path("prod/" G "/" S "/curr"));
	ck_assert_int_eq(symlink(td_path("outside"),
	    td_path("prod/" G "/" S "/curr")), 0);
	td_mirror_ok(G, S, false);
	ck_assert(S_ISDIR(td_lstat(td_path("prod/" G "/" S "/curr")).st_mode));
	ck_assert(td_exists(td_path("outside/victim")));
	ck_assert(!td_exists(td_path("outside/cert.pem")));
}
END_TEST

START_TEST(source_links_and_subdirs)
{
	char target[64], *out;
	ssize_t n;
	ino_t ino;

	td_service_curr_next();
	ck_assert_int_eq(symlink("cert.pem",
	    td_path("top/certs/" G "/" S "/db/" TS1 "/leaf.pem")), 0);
	ck_assert_int_eq(mkdir(td_path("top/certs/" G "/" S "/db/" TS1 "/sub"), 0700), 0);
	td_file(td_path("top/certs/" G "/" S "/db/" TS1 "/sub/x"), "x", 0640, 5);
	td_mirror_ok(G, S, false);
	n = readlink(td_path("prod/" G "/" S "/curr/leaf.pem"), target,
	    sizeof(target) - 1);
	ck_assert_int_eq(n, 8);
	target[n] = '\0';
	ck_assert_str_eq(target, "cert.pem");
	ck_assert_int_eq(td_lstat(td_path("prod/" G "/" S "/curr/sub")).st_mode & 07777,
	    0700);
	td_assert_copy(td_path("top/certs/" G "/" S "/db/" TS1 "/sub/x"),
	    td_path("prod/" G "/" S "/curr/sub/x"));
	/* a changed link target is put right */
	ck_assert_int_eq(unlink(td_path("top/certs/" G "/" S "/db/" TS1 "/leaf.pem")), 0);
	ck_assert_int_eq(symlink("chain.pem",
	    td_path("top/certs/" G "/" S "/db/" TS1 "/leaf.pem")), 0);
	td_mirror_ok(G, S, false);
	n = readlink(td_path("prod/" G "/" S "/curr/leaf.pem"), target,
	    sizeof(target) - 1);
	ck_assert_int_eq(n, 9);
	/* an unchanged link is left alone; debug names a link it would make */
	ino = td_lstat(td_path("prod/" G "/" S "/curr/leaf.pem")).st_ino;
	td_mirror_ok(G, S, false);
	ck_assert_uint_eq(td_lstat(td_path("prod/" G "/" S "/curr/leaf.pem")).st_ino,
	    ino);
	ck_assert_int_eq(unlink(td_path("prod/" G "/" S "/curr/leaf.pem")), 0);
	td_capture_start(1);
	td_mirror_ok(G, S, true);
	out = td_capture_end(1);
	ck_assert_ptr_nonnull(strstr(out, "/curr/leaf.pem -> chain.pem\n"));
	free(out);
}
END_TEST

START_TEST(owner_kept_when_root)
{
	if (geteuid() != 0) {
		printf("SKIP: owner_kept_when_root (needs root)\n");
		return;
	}
	td_service_curr_next();
	ck_assert_int_eq(lchown(td_path("top/certs/" G "/" S "/db/" TS1 "/cert.pem"),
	    1234, 5678), 0);
	ck_assert_int_eq(lchown(td_path("top/certs/" G "/" S "/db/" TS1), 4321, 8765), 0);
	td_mirror_ok(G, S, false);
	ck_assert_uint_eq(td_lstat(td_path(SP "/curr/cert.pem")).st_uid, 1234);
	ck_assert_uint_eq(td_lstat(td_path(SP "/curr/cert.pem")).st_gid, 5678);
	ck_assert_uint_eq(td_lstat(td_path("prod/" G "/" S "/curr")).st_uid, 4321);
	ck_assert_uint_eq(td_lstat(td_path("prod/" G "/" S "/curr")).st_gid, 8765);
	/* an owner change alone is repaired */
	ck_assert_int_eq(lchown(td_path("prod/" G "/" S "/curr/cert.pem"), 0, 0), 0);
	td_mirror_ok(G, S, false);
	ck_assert_uint_eq(td_lstat(td_path(SP "/curr/cert.pem")).st_uid, 1234);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(source_not_a_symlink)
{
	struct sslm_err err;

	td_dataset(G, S, TS1, 0);
	ck_assert_int_eq(mkdir(td_path("top/certs/" G "/" S "/next"), 0750), 0);
	td_link(G, S, "curr", TS1);
	ck_assert_int_eq(deploy_prod_mirror_service(TOP, PROD, G, S, false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "next is not a symlink"));
	ck_assert(!td_exists(PROD));    /* nothing touched */
	/* no service folder at all (a wrong top dir): production is kept */
	ck_assert_int_eq(rmdir(td_path("top/certs/" G "/" S "/next")), 0);
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(deploy_prod_mirror_service(td_path("elsewhere"), PROD, G,
	    S, false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is the top dir right?"));
	ck_assert(td_exists(td_path("prod/" G "/" S "/curr/cert.pem")));
}
END_TEST

START_TEST(special_source_files_skipped)
{
	char *out;

	td_service_curr_next();
	ck_assert_int_eq(mkfifo(td_path("top/certs/" G "/" S "/db/" TS1 "/fifo"),
	    0644), 0);
	td_capture_start(2);
	td_mirror_ok(G, S, false);
	out = td_capture_end(2);
	ck_assert_ptr_nonnull(strstr(out, "warning: "));
	ck_assert_ptr_nonnull(strstr(out, "/fifo is not a regular file"));
	free(out);
	ck_assert(!td_exists(td_path("prod/" G "/" S "/curr/fifo")));
	ck_assert(td_exists(td_path("prod/" G "/" S "/curr/cert.pem")));
}
END_TEST

Suite *
deploy_mirror_suite(void)
{
	Suite *s = suite_create("deploy_mirror");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, td_setup, td_teardown);
	tcase_add_checked_fixture(neg, td_setup, td_teardown);
	tcase_add_test(pos, mirror_curr_and_next);
	tcase_add_test(pos, secret_modes_under_wide_umask);
	tcase_add_test(pos, rerun_changes_nothing);
	tcase_add_test(pos, changed_file_replaced);
	tcase_add_test(pos, stale_entries_removed);
	tcase_add_test(pos, roll_removes_next);
	tcase_add_test(pos, ca_keys_never_copied);
	tcase_add_test(pos, debug_changes_nothing);
	tcase_add_test(pos, dest_symlinks_not_followed);
	tcase_add_test(pos, source_links_and_subdirs);
	tcase_add_test(pos, owner_kept_when_root);
	tcase_add_test(neg, source_not_a_symlink);
	tcase_add_test(neg, special_source_files_skipped);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
