/* Unit tests for deploy/: the production integrity check. */
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

static struct strvec diffs;

/* Number of differences; their sentences are left in diffs. */
static int
check(const char *g, const char *s, enum deploy_check_mode mode)
{
	struct sslm_err err;
	int n;

	strvec_clear(&diffs);
	n = deploy_prod_check_service_mode(TOP, PROD, g, s, mode, &diffs, &err);
	ck_assert_msg(n >= 0, "%s", err.msg);
	ck_assert_uint_eq((size_t)n, diffs.n);
	return n;
}

static void
dump(void)
{
	size_t i;

	for (i = 0; i < diffs.n; i++)
		fprintf(stderr, "  diff: %s\n", diffs.v[i]);
}

/* Exactly this one difference, in both modes; then the mirror repairs it. */
static void
expect_one(const char *line)
{
	int m;

	for (m = DEPLOY_CHECK_REPAIR; m <= DEPLOY_CHECK_REPORT; m++) {
		if (check(G, S, (enum deploy_check_mode)m) != 1)
			dump();
		ck_assert_uint_eq(diffs.n, 1);
		ck_assert_str_eq(diffs.v[0], line);
	}
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 0);
}

static void
teardown(void)
{
	strvec_clear(&diffs);
	td_teardown();
}

START_TEST(fresh_mirror_in_sync)
{
	struct sslm_err err;
	struct strvec svcs;

	strvec_init(&svcs);
	td_service_curr_next();
	td_file(td_path("top/certs/" G "/tlsa." G), "a 1 IN TLSA 3 1 1 ab\n", 0644, 7);
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, false, &err), 0);
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 0);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPORT), 0);
	ck_assert_int_eq(strvec_push(&svcs, S), 0);
	ck_assert_int_eq(deploy_prod_check_group(TOP, PROD, G, &svcs,
	    DEPLOY_CHECK_REPAIR, NULL, &err), 0);
	/* the compatibility wrapper is the repair mode; diffs may be NULL */
	ck_assert_int_eq(deploy_prod_check_service(TOP, PROD, G, S, NULL, &err), 0);
	/* a service with nothing at all and no production copy */
	ck_assert_int_eq(mkdir(td_path("top/certs/" G "/empty"), 0755), 0);
	ck_assert_int_eq(check(G, "empty", DEPLOY_CHECK_REPAIR), 0);
	strvec_clear(&svcs);
}
END_TEST

START_TEST(presence_differences)
{
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	td_rmtree(td_path(SP "/curr"));
	expect_one(G "/" S ": curr/ is missing in production");
	td_rmtree(td_path(SP "/next"));
	expect_one(G "/" S ": next/ is missing in production");
	td_link(G, S, "next", NULL);
	expect_one(G "/" S ": next/ should not be in production (the service has "
	    "no next)");
	td_rmtree(td_path(SP "/curr"));
	ck_assert_int_eq(symlink(td_path("top"), td_path(SP "/curr")), 0);
	expect_one(G "/" S ": curr/ in production is not a directory");
}
END_TEST

START_TEST(file_differences)
{
	struct timespec t[2] = { { 0, UTIME_OMIT }, { 1, 0 } };

	td_service_curr_next();
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(unlink(td_path(SP "/curr/cert.pem")), 0);
	expect_one(G "/" S ": curr/cert.pem is missing in production");
	td_file(td_path(SP "/next/old.pem"), "old", 0644, 1);
	expect_one(G "/" S ": next/old.pem is in production but not in certs");
	ck_assert_int_eq(chmod(td_path(SP "/curr/privkey.pem"), 0644), 0);
	expect_one(G "/" S ": curr/privkey.pem differs (mode 0644 in production, "
	    "0600 in certs)");
	ck_assert_int_eq(utimensat(AT_FDCWD, td_path(SP "/curr/info"), t, 0), 0);
	expect_one(G "/" S ": curr/info differs (mtime)");
	td_file(td_path(SP "/curr/tlsa.rr"), "shorter\n", 0644, TD_MTIME + 2);
	expect_one(G "/" S ": curr/tlsa.rr differs (size)");
	ck_assert_int_eq(unlink(td_path(SP "/curr/chain.pem")), 0);
	ck_assert_int_eq(mkdir(td_path(SP "/curr/chain.pem"), 0750), 0);
	expect_one(G "/" S ": curr/chain.pem is a directory in production, a file "
	    "in certs");
}
END_TEST

START_TEST(content_difference)
{
	struct stat st;
	char *text;
	int fd;

	td_service_curr_next();
	td_mirror_ok(G, S, false);
	/* one byte flipped, size and mtime kept */
	text = td_slurp(td_path(SP "/next/cert.pem"));
	text[30] ^= 1;
	st = td_lstat(td_path(SP "/next/cert.pem"));
	td_file(td_path(SP "/next/cert.pem"), text, 0644, st.st_mtim.tv_sec);
	free(text);
	expect_one(G "/" S ": next/cert.pem differs (content)");
	/* the same on a key: report mode does not open keys, so it cannot see
	 * it (lifecycle.md §11); a repair run does and repairs it */
	text = td_slurp(td_path(SP "/curr/privkey.pem"));
	text[30] ^= 1;
	td_file(td_path(SP "/curr/privkey.pem"), text, 0600, TD_MTIME);
	free(text);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPORT), 0);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 1);
	ck_assert_str_eq(diffs.v[0], G "/" S ": curr/privkey.pem differs (content)");
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 0);
	/* several at once: one sentence per file, all parts named */
	fd = open(td_path(SP "/curr/csr.pem"), O_WRONLY | O_APPEND);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ck_assert_int_eq(chmod(td_path(SP "/curr/csr.pem"), 0640), 0);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 1);
	ck_assert_str_eq(diffs.v[0], G "/" S ": curr/csr.pem differs (mode 0640 in "
	    "production, 0644 in certs; size; mtime)");
}
END_TEST

START_TEST(links_and_kinds)
{
	const char *set = "top/certs/" G "/" S "/db/" TS1;

	td_service_curr_next();
	ck_assert_int_eq(symlink("cert.pem", td_path("%s/leaf.pem", set)), 0);
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 0);
	ck_assert_int_eq(unlink(td_path(SP "/curr/leaf.pem")), 0);
	ck_assert_int_eq(symlink("chain.pem", td_path(SP "/curr/leaf.pem")), 0);
	expect_one(G "/" S ": curr/leaf.pem points elsewhere in production");
	ck_assert_int_eq(unlink(td_path(SP "/curr/info")), 0);
	ck_assert_int_eq(mkfifo(td_path(SP "/curr/info"), 0644), 0);
	expect_one(G "/" S ": curr/info is a special file in production, a file "
	    "in certs");
}
END_TEST

START_TEST(ca_keys_in_production)
{
	int m;

	td_dataset("ca", "my-int", TS1, 0);
	td_link("ca", "my-int", "curr", TS1);
	td_mirror_ok("ca", "my-int", false);
	ck_assert_int_eq(check("ca", "my-int", DEPLOY_CHECK_REPAIR), 0);
	td_file(td_path("prod/ca/my-int/curr/privkey.pem"), "key", 0600, 1);
	for (m = DEPLOY_CHECK_REPAIR; m <= DEPLOY_CHECK_REPORT; m++) {
		ck_assert_int_eq(check("ca", "my-int", (enum deploy_check_mode)m), 1);
		ck_assert_str_eq(diffs.v[0], "ca/my-int: curr/privkey.pem must not be "
		    "in production (CA private keys stay on the signing host)");
	}
	td_mirror_ok("ca", "my-int", false);
	ck_assert_int_eq(check("ca", "my-int", DEPLOY_CHECK_REPAIR), 0);
}
END_TEST

START_TEST(ignored_entries)
{
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	/* temporaries on either side, specials in the source, prev/ */
	td_file(td_path(SP "/curr/cert.pem.tmp"), "t", 0644, 1);
	td_file(td_path("top/certs/" G "/" S "/db/" TS1 "/bundle.pem.tmp"), "t", 0600, 1);
	ck_assert_int_eq(mkfifo(td_path("top/certs/" G "/" S "/db/" TS2 "/fifo"),
	    0644), 0);
	td_link(G, S, "prev", TS1);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 0);
	/* a dest entry shadowing a skipped source special is extra */
	td_file(td_path(SP "/next/fifo"), "f", 0644, 1);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 1);
	ck_assert_str_eq(diffs.v[0], G "/" S ": next/fifo is in production but not "
	    "in certs");
}
END_TEST

START_TEST(source_link_not_a_symlink)
{
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	td_link(G, S, "next", NULL);
	ck_assert_int_eq(mkdir(td_path("top/certs/" G "/" S "/next"), 0750), 0);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 1);
	ck_assert_ptr_nonnull(strstr(diffs.v[0], G "/" S ": next/ should not be in "
	    "production ("));
	ck_assert_ptr_nonnull(strstr(diffs.v[0], "next is not a symlink"));
}
END_TEST

START_TEST(group_level)
{
	struct sslm_err err;
	struct strvec svcs;
	const char *tl = "top/certs/" G "/tlsa." G;
	int n;

	strvec_init(&svcs);
	ck_assert_int_eq(strvec_push(&svcs, S), 0);
	td_service_curr_next();
	/* a new group: one difference for all of it */
	n = deploy_prod_check_group(TOP, PROD, G, &svcs, DEPLOY_CHECK_REPAIR,
	    &diffs, &err);
	ck_assert_int_eq(n, 1);
	ck_assert_ptr_nonnull(strstr(diffs.v[0], "/prod/" G "/ is missing in "
	    "production"));
	td_mirror_ok(G, S, false);
	td_file(td_path("%s", tl), "; phase 1\n_25._tcp.mx  1800 IN TLSA 3 1 1 ab\n",
	    0644, 5);
	strvec_clear(&diffs);
	ck_assert_int_eq(deploy_prod_check_group(TOP, PROD, G, &svcs,
	    DEPLOY_CHECK_REPAIR, &diffs, &err), 1);
	ck_assert_str_eq(diffs.v[0], G ": tlsa." G " is missing in production");
	/* comments, blank lines and spacing do not count */
	td_file(td_path("prod/" G "/tlsa." G), "; phase 2\n\n  _25._tcp.mx 1800\tIN "
	    "TLSA 3 1 1 ab  \r\n", 0644, 6);
	ck_assert_int_eq(deploy_prod_check_group(TOP, PROD, G, &svcs,
	    DEPLOY_CHECK_REPAIR, NULL, &err), 0);
	td_file(td_path("prod/" G "/tlsa." G), "_25._tcp.mx 1800 IN TLSA 3 1 1 ac\n",
	    0644, 6);
	strvec_clear(&diffs);
	ck_assert_int_eq(deploy_prod_check_group(TOP, PROD, G, &svcs,
	    DEPLOY_CHECK_REPAIR, &diffs, &err), 1);
	ck_assert_str_eq(diffs.v[0], G ": tlsa." G " differs");
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, false, &err), 0);
	ck_assert_int_eq(unlink(td_path("%s", tl)), 0);
	strvec_clear(&diffs);
	ck_assert_int_eq(deploy_prod_check_group(TOP, PROD, G, &svcs,
	    DEPLOY_CHECK_REPAIR, &diffs, &err), 1);
	ck_assert_str_eq(diffs.v[0], G ": tlsa." G " is in production but not in "
	    "certs");
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, false, &err), 0);
	/* group and service differences add up */
	ck_assert_int_eq(unlink(td_path(SP "/curr/info")), 0);
	ck_assert_int_eq(deploy_prod_check_group(TOP, PROD, G, &svcs,
	    DEPLOY_CHECK_REPORT, NULL, &err), 1);
	/* no certs/ at all: skipped, in sync (7.x step 1) */
	td_rmtree(td_path("top/certs"));
	ck_assert_int_eq(deploy_prod_check_group(TOP, PROD, G, &svcs,
	    DEPLOY_CHECK_REPAIR, NULL, &err), 0);
	strvec_clear(&svcs);
}
END_TEST

START_TEST(prod_links_above_service)
{
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	ck_assert_int_eq(rename(td_path(SP), td_path("elsewhere")), 0);
	ck_assert_int_eq(symlink(td_path("elsewhere"), td_path(SP)), 0);
	ck_assert_int_eq(check(G, S, DEPLOY_CHECK_REPAIR), 1);
	ck_assert_ptr_nonnull(strstr(diffs.v[0], "is not a real directory (a "
	    "symlink)"));
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(check_errors)
{
	struct sslm_err err;
	char sub[1024];
	int fd, i;

	ck_assert_int_eq(deploy_prod_check_service(TOP, PROD, "..", S, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a valid"));
	ck_assert_int_eq(deploy_prod_check_group(TOP, PROD, "a/b", NULL,
	    DEPLOY_CHECK_REPAIR, NULL, &err), -1);
	/* a production tlsa.<g> beyond the read bound (sparse, 5 MiB) */
	td_service_curr_next();
	td_mirror_ok(G, S, false);
	td_file(td_path("top/certs/" G "/tlsa." G), "a 1 IN TLSA 3 1 1 ab\n", 0644, 7);
	fd = open(td_path("prod/" G "/tlsa." G), O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(ftruncate(fd, 5 * 1024 * 1024), 0);
	close(fd);
	ck_assert_int_eq(deploy_prod_check_group(TOP, PROD, G, NULL,
	    DEPLOY_CHECK_REPAIR, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "tlsa." G));
	/* both sides nested beyond the bound */
	snprintf(sub, sizeof(sub), "top/certs/" G "/" S "/db/" TS1);
	for (i = 0; i < 10; i++) {
		strcat(sub, "/d");
		ck_assert_int_eq(mkdir(td_path("%s", sub), 0750), 0);
	}
	snprintf(sub, sizeof(sub), SP "/curr");
	for (i = 0; i < 10; i++) {
		strcat(sub, "/d");
		ck_assert_int_eq(mkdir(td_path("%s", sub), 0750), 0);
	}
	ck_assert_int_eq(deploy_prod_check_service(TOP, PROD, G, S, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "nested deeper"));
}
END_TEST

/* ---- a tree the original 7.8.1 left ------------------------------------- */

struct fx_group {
	const char *name;
	const char *services[4];
};

static const struct fx_group fx_groups[] = {
	{ "ca", { "my-root", "my-int", NULL } },
	{ "example.test", { "web-ec", "mail-ec", "mail-rsa", NULL } },
	{ "example.net", { "wild-ec", NULL } },
};

#define FX_TOP  td_path("original-7.8.1")
#define FX_PROD td_path("original-7.8.1/prod-certs")

/* All groups of the fixture; the differences land in diffs. */
static int
fx_check(enum deploy_check_mode mode)
{
	struct sslm_err err;
	struct strvec svcs;
	size_t g, s;
	int n, total = 0;

	strvec_clear(&diffs);
	for (g = 0; g < sizeof(fx_groups) / sizeof(fx_groups[0]); g++) {
		strvec_init(&svcs);
		for (s = 0; fx_groups[g].services[s] != NULL; s++)
			ck_assert_int_eq(strvec_push(&svcs, fx_groups[g].services[s]), 0);
		n = deploy_prod_check_group(FX_TOP, FX_PROD, fx_groups[g].name,
		    &svcs, mode, &diffs, &err);
		ck_assert_msg(n >= 0, "%s", err.msg);
		total += n;
		strvec_clear(&svcs);
	}
	return total;
}

/*
 * What the fixture holds (inspected with tar -tv and cmp): every curr/ and
 * next/ in prod-certs/ is a byte, mode and mtime copy of its data set
 * (rsync -a), including wild-ec's next, an empty data set with an empty
 * next/ copy, and mail-ec's 0644 privkey.pem (quirk L2) on both sides;
 * tlsa.example.test is identical. The one difference is decision DO4: the
 * original copied the CA keys (privkey.pem, bundle.pem of ca/my-root and
 * ca/my-int) into production. A mirror removes those four files and
 * rewrites nothing else.
 */
START_TEST(fixture_original_7_8_1)
{
	static const char *const want[] = {
		"ca/my-root: curr/bundle.pem must not be in production (CA private "
		    "keys stay on the signing host)",
		"ca/my-root: curr/privkey.pem must not be in production (CA private "
		    "keys stay on the signing host)",
		"ca/my-int: curr/bundle.pem must not be in production (CA private "
		    "keys stay on the signing host)",
		"ca/my-int: curr/privkey.pem must not be in production (CA private "
		    "keys stay on the signing host)",
	};
	const char *src = getenv("SSLM_SRCDIR"), *ci = getenv("CI");
	const char *argv[] = { "tar", "-xzf", NULL, "-C", NULL, NULL };
	struct proc_result res;
	struct sslm_err err;
	struct strvec svcs;
	char *tarball;
	ino_t ino;
	size_t g, s;
	int m;

	tarball = str_printf("%s/../shared/fixtures/original-7.8.1.tar.gz",
	    src != NULL && *src != '\0' ? src : ".");
	ck_assert_ptr_nonnull(tarball);
	if (access(tarball, R_OK) != 0) {
		ck_assert_msg(!str_eq(ci, "true"), "CI=true but %s is missing",
		    tarball);
		printf("SKIP: fixture_original_7_8_1 (%s not found)\n", tarball);
		free(tarball);
		return;
	}
	argv[2] = tarball;
	argv[4] = td_path(".");
	ck_assert_msg(proc_run(argv, NULL, &res, &err) == 0, "%s", err.msg);
	ck_assert_msg(proc_result_ok(&res), "tar: %s", res.err_out);
	proc_result_clear(&res);
	free(tarball);

	for (m = DEPLOY_CHECK_REPAIR; m <= DEPLOY_CHECK_REPORT; m++) {
		if (fx_check((enum deploy_check_mode)m) != 4)
			dump();
		ck_assert_uint_eq(diffs.n, 4);
		for (s = 0; s < 4; s++)
			ck_assert_str_eq(diffs.v[s], want[s]);
	}

	ino = td_lstat(td_path("original-7.8.1/prod-certs/example.test/mail-ec/"
	    "curr/cert.pem")).st_ino;
	for (g = 0; g < sizeof(fx_groups) / sizeof(fx_groups[0]); g++) {
		strvec_init(&svcs);
		for (s = 0; fx_groups[g].services[s] != NULL; s++)
			ck_assert_int_eq(strvec_push(&svcs, fx_groups[g].services[s]), 0);
		ck_assert_msg(deploy_prod_mirror_group(FX_TOP, FX_PROD,
		    fx_groups[g].name, &svcs, false, NULL, &err) == 0, "%s", err.msg);
		strvec_clear(&svcs);
	}
	ck_assert_int_eq(fx_check(DEPLOY_CHECK_REPAIR), 0);
	ck_assert(!td_exists(td_path("original-7.8.1/prod-certs/ca/my-root/curr/"
	    "privkey.pem")));
	ck_assert(td_exists(td_path("original-7.8.1/prod-certs/ca/my-root/curr/"
	    "cert.pem")));
	ck_assert_uint_eq(td_lstat(td_path("original-7.8.1/prod-certs/example.test/"
	    "mail-ec/curr/cert.pem")).st_ino, ino);
	/* not ours: dh/ is left alone */
	ck_assert(td_exists(td_path("original-7.8.1/prod-certs/example.net/dh/"
	    "dh-ffdhe8192.pem")));
	ck_assert(td_exists(td_path("original-7.8.1/prod-certs/example.net/"
	    "wild-ec/next")));
}
END_TEST

Suite *
deploy_check_suite(void)
{
	Suite *s = suite_create("deploy_check");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");
	TCase *fx = tcase_create("fixture");

	tcase_add_checked_fixture(pos, td_setup, teardown);
	tcase_add_checked_fixture(neg, td_setup, teardown);
	tcase_add_checked_fixture(fx, td_setup, teardown);
	tcase_add_test(pos, fresh_mirror_in_sync);
	tcase_add_test(pos, presence_differences);
	tcase_add_test(pos, file_differences);
	tcase_add_test(pos, content_difference);
	tcase_add_test(pos, links_and_kinds);
	tcase_add_test(pos, ca_keys_in_production);
	tcase_add_test(pos, ignored_entries);
	tcase_add_test(pos, source_link_not_a_symlink);
	tcase_add_test(pos, group_level);
	tcase_add_test(pos, prod_links_above_service);
	tcase_add_test(neg, check_errors);
	tcase_add_test(fx, fixture_original_7_8_1);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	suite_add_tcase(s, fx);
	return s;
}
