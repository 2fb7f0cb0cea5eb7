/* Unit tests for deploy/: group TLSA copy, whole-group mirror, and the
 * mirror's refusals. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "deploy/deploy.h"
#include "test_deploy.h"

#define TS1 TD_TS1
#define G   TD_G
#define S   TD_S

START_TEST(group_tlsa_copy)
{
	struct sslm_err err;
	const char *src = td_path("top/certs/" G "/tlsa." G);
	ino_t ino;

	/* no source, no production dir: nothing, and nothing created */
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, false, &err), 0);
	ck_assert(!td_exists(PROD));
	ck_assert_int_eq(mkdir(td_path("top/certs/" G), 0750), 0);
	td_file(td_path("top/certs/" G "/tlsa." G),
	    "; header\n_25._tcp.mx 1 IN TLSA 3 1 1 ab\n",
	    0644, TD_MTIME);
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, false, &err), 0);
	src = td_path("top/certs/" G "/tlsa." G);
	td_assert_copy(src, td_path("prod/" G "/tlsa." G));
	ino = td_lstat(td_path("prod/" G "/tlsa." G)).st_ino;
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, false, &err), 0);
	ck_assert_uint_eq(td_lstat(td_path("prod/" G "/tlsa." G)).st_ino, ino);
	/* source gone: the production copy goes too (debug first: stays) */
	ck_assert_int_eq(unlink(td_path("top/certs/" G "/tlsa." G)), 0);
	td_capture_start(1);
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, true, &err), 0);
	free(td_capture_end(1));
	ck_assert(td_exists(td_path("prod/" G "/tlsa." G)));
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, false, &err), 0);
	ck_assert(!td_exists(td_path("prod/" G "/tlsa." G)));
}
END_TEST

START_TEST(group_mirror_continues_after_failure)
{
	struct sslm_err err;
	struct strvec svcs, failed;
	char *err_out;

	strvec_init(&svcs);
	strvec_init(&failed);
	td_dataset(G, "bad", TS1, 0);
	ck_assert_int_eq(mkdir(td_path("top/certs/" G "/bad/curr"), 0750), 0);
	td_service_curr_next();
	td_file(td_path("top/certs/" G "/tlsa." G), "x 1 IN TLSA 3 1 1 ab\n", 0644, 9);
	ck_assert_int_eq(strvec_push(&svcs, "bad"), 0);
	ck_assert_int_eq(strvec_push(&svcs, S), 0);
	td_capture_start(2);
	ck_assert_int_eq(deploy_prod_mirror_group(TOP, PROD, G, &svcs, false,
	    &failed, &err), -1);
	ck_assert_int_eq(deploy_prod_mirror_group(TOP, PROD, G, &svcs, false,
	    NULL, &err), -1);
	err_out = td_capture_end(2);
	ck_assert_ptr_nonnull(strstr(err_out, "error: "));
	ck_assert_ptr_nonnull(strstr(err_out, "curr is not a symlink"));
	free(err_out);
	ck_assert_ptr_nonnull(strstr(err.msg, "failed for: bad"));
	ck_assert_uint_eq(failed.n, 1);
	ck_assert_str_eq(failed.v[0], "bad");
	ck_assert(!td_exists(td_path("prod/" G "/bad")));
	td_assert_copy(td_path("top/certs/" G "/" S "/db/" TS1 "/bundle.pem"),
	    td_path("prod/" G "/" S "/curr/bundle.pem"));
	ck_assert(td_exists(td_path("prod/" G "/tlsa." G)));
	strvec_clear(&failed);
	/* a TLSA file that cannot be copied fails the group too */
	ck_assert_int_eq(unlink(td_path("top/certs/" G "/tlsa." G)), 0);
	ck_assert_int_eq(mkdir(td_path("top/certs/" G "/tlsa." G), 0750), 0);
	ck_assert_int_eq(strvec_push(&failed, "x"), 0);
	td_capture_start(2);
	ck_assert_int_eq(deploy_prod_mirror_group(TOP, PROD, G, &failed, false,
	    NULL, &err), -1);
	free(td_capture_end(2));
	ck_assert_ptr_nonnull(strstr(err.msg, "failed for: x, tlsa." G " ("));
	strvec_clear(&failed);
	ck_assert_int_eq(rmdir(td_path("top/certs/" G "/tlsa." G)), 0);
	strvec_clear(&svcs);
	ck_assert_int_eq(deploy_prod_mirror_group(TOP, PROD, G, &svcs, false,
	    NULL, &err), 0);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(prod_dirs_must_be_real)
{
	struct sslm_err err;

	td_service_curr_next();
	ck_assert_int_eq(mkdir(td_path("outside"), 0755), 0);
	ck_assert_int_eq(mkdir(PROD, 0750), 0);
	ck_assert_int_eq(symlink(td_path("outside"), td_path("prod/" G)), 0);
	ck_assert_int_eq(deploy_prod_mirror_service(TOP, PROD, G, S, false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a directory"));
	ck_assert(!td_exists(td_path("outside/" S)));
	/* no source tlsa.<g>: the removal does not reach through the link */
	td_file(td_path("outside/tlsa." G), "x", 0644, 1);
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, false, &err), 0);
	ck_assert(td_exists(td_path("outside/tlsa." G)));

	ck_assert_int_eq(unlink(td_path("prod/" G)), 0);
	ck_assert_int_eq(mkdir(td_path("prod/" G), 0755), 0);
	td_file(td_path("prod/" G "/" S), "file", 0644, 1);
	ck_assert_int_eq(deploy_prod_mirror_service(TOP, PROD, G, S, false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "move it away"));

	td_rmtree(PROD);
	td_file(PROD, "a file", 0644, 1);
	ck_assert_int_eq(deploy_prod_mirror_service(TOP, PROD, G, S, false, &err), -1);
}
END_TEST

START_TEST(bad_names_and_sources)
{
	struct sslm_err err;
	char sub[1024];
	int i;

	ck_assert_int_eq(deploy_prod_mirror_service(TOP, PROD, "..", S, false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a valid"));
	ck_assert_int_eq(deploy_prod_mirror_service(TOP, PROD, G, "a/b", false,
	    &err), -1);
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, "", false, &err), -1);
	/* tlsa.<g> that is not a file */
	ck_assert_int_eq(mkdir(td_path("top/certs/" G), 0750), 0);
	ck_assert_int_eq(mkdir(td_path("top/certs/" G "/tlsa." G), 0750), 0);
	ck_assert_int_eq(deploy_prod_copy_group_tlsa(TOP, PROD, G, false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	/* a source tree nested beyond the bound */
	td_service_curr_next();
	snprintf(sub, sizeof(sub), "top/certs/" G "/" S "/db/" TS1);
	for (i = 0; i < 10; i++) {
		strcat(sub, "/d");
		ck_assert_int_eq(mkdir(td_path("%s", sub), 0750), 0);
	}
	ck_assert_int_eq(deploy_prod_mirror_service(TOP, PROD, G, S, false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "nested deeper"));
}
END_TEST

Suite *
deploy_group_suite(void)
{
	Suite *s = suite_create("deploy_group");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, td_setup, td_teardown);
	tcase_add_checked_fixture(neg, td_setup, td_teardown);
	tcase_add_test(pos, group_tlsa_copy);
	tcase_add_test(pos, group_mirror_continues_after_failure);
	tcase_add_test(neg, prod_dirs_must_be_real);
	tcase_add_test(neg, bad_names_and_sources);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
