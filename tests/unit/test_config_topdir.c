/* Top-dir lookup (config.md §1 "C", decisions O1 and "Review fixes"). */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_config_util.h"

static char *
real(const char *p)
{
	char *r = realpath(p, NULL);

	ck_assert_ptr_nonnull(r);
	return r;
}

START_TEST(test_env_wins)
{
	struct tree t, other;
	struct conf_topdir td;
	struct sslm_err err;
	struct conf_topdir_candidate cands[1];
	char *want;

	tree_new(&t);
	tree_new(&other);
	tree_minimal(&t, NULL);
	tree_minimal(&other, NULL);
	cands[0].source = CONF_TOPDIR_ETC;
	cands[0].dir = other.dir;
	conf_topdir_init(&td);
	ck_assert_int_eq(conf_find_topdir_in(&td, t.dir, cands, 1, &err), 0);
	want = real(t.dir);
	ck_assert_str_eq(td.path, want);
	ck_assert_int_eq(td.source, CONF_TOPDIR_ENV);
	ck_assert_str_eq(conf_topdir_source_name(td.source), "SSL_MGR_TOPDIR");
	free(want);
	conf_topdir_clear(&td);
	tree_free(&t);
	tree_free(&other);
}
END_TEST

START_TEST(test_env_from_environment)
{
	struct tree t;
	struct conf_topdir td;
	struct sslm_err err;
	char *want;

	tree_new(&t);
	tree_minimal(&t, NULL);
	setenv("SSL_MGR_TOPDIR", t.dir, 1);
	conf_topdir_init(&td);
	ck_assert_int_eq(conf_find_topdir(&td, &err), 0);
	unsetenv("SSL_MGR_TOPDIR");
	want = real(t.dir);
	ck_assert_str_eq(td.path, want);
	free(want);
	conf_topdir_clear(&td);
	tree_free(&t);
}
END_TEST

/* realpath: a path with "." and "//" and a symlink comes back canonical */
START_TEST(test_realpath)
{
	struct tree t;
	struct conf_topdir td;
	struct sslm_err err;
	char *spelled = NULL, *link = NULL, *want;

	tree_new(&t);
	tree_minimal(&t, "");
	tree_mkdir(&t, "sub");
	ck_assert_int_ne(asprintf(&link, "%s/sub/lnk", t.dir), -1);
	ck_assert_int_eq(symlink(t.dir, link), 0);
	ck_assert_int_ne(asprintf(&spelled, "%s/./sub//lnk/", t.dir), -1);
	conf_topdir_init(&td);
	ck_assert_int_eq(conf_find_topdir_in(&td, spelled, NULL, 0, &err), 0);
	want = real(t.dir);
	ck_assert_str_eq(td.path, want);
	free(want);
	free(spelled);
	free(link);
	conf_topdir_clear(&td);
	tree_free(&t);
}
END_TEST

/* ./ needs conf.d/ssl-mgr.conf; a bare conf.d is passed over */
START_TEST(test_cwd_without_main_conf_skipped)
{
	struct tree cwd, etc;
	struct conf_topdir td;
	struct sslm_err err;
	struct conf_topdir_candidate cands[] = {
		{ CONF_TOPDIR_CWD, "./" },
		{ CONF_TOPDIR_ETC, NULL },
	};
	char old[PATH_MAX], *want;

	tree_new(&cwd);
	tree_new(&etc);
	tree_mkdir(&cwd, "conf.d/example.test");
	tree_minimal(&etc, NULL);
	cands[1].dir = etc.dir;
	ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
	ck_assert_int_eq(chdir(cwd.dir), 0);
	conf_topdir_init(&td);
	ck_assert_int_eq(conf_find_topdir_in(&td, "", cands, 2, &err), 0);
	ck_assert_int_eq(chdir(old), 0);
	want = real(etc.dir);
	ck_assert_str_eq(td.path, want);
	ck_assert_int_eq(td.source, CONF_TOPDIR_ETC);
	free(want);
	conf_topdir_clear(&td);
	tree_free(&cwd);
	tree_free(&etc);
}
END_TEST

START_TEST(test_cwd_used)
{
	struct tree cwd;
	struct conf_topdir td;
	struct sslm_err err;
	struct conf_topdir_candidate cands[] = { { CONF_TOPDIR_CWD, "./" } };
	char old[PATH_MAX], *want;

	tree_new(&cwd);
	tree_minimal(&cwd, NULL);
	ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
	ck_assert_int_eq(chdir(cwd.dir), 0);
	conf_topdir_init(&td);
	ck_assert_int_eq(conf_find_topdir_in(&td, NULL, cands, 1, &err), 0);
	ck_assert_int_eq(chdir(old), 0);
	want = real(cwd.dir);
	ck_assert_str_eq(td.path, want);
	ck_assert_int_eq(td.source, CONF_TOPDIR_CWD);
	ck_assert_str_eq(conf_topdir_source_name(td.source), "./");
	free(want);
	conf_topdir_clear(&td);
	tree_free(&cwd);
}
END_TEST

START_TEST(test_source_names)
{
	ck_assert_str_eq(conf_topdir_source_name(CONF_TOPDIR_ENV),
	    "SSL_MGR_TOPDIR");
	ck_assert_str_eq(conf_topdir_source_name(CONF_TOPDIR_CWD), "./");
	ck_assert_str_eq(conf_topdir_source_name(CONF_TOPDIR_ETC),
	    "/etc/ssl-mgr");
	ck_assert_str_eq(conf_topdir_source_name(CONF_TOPDIR_OPT),
	    "/opt/Local/etc/ssl-mgr");
}
END_TEST

/* A set but unusable SSL_MGR_TOPDIR never falls through. */
START_TEST(test_env_unusable_no_fallthrough)
{
	struct tree t, other;
	struct conf_topdir td;
	struct sslm_err err;
	struct conf_topdir_candidate cands[1];
	char *want = NULL;

	tree_new(&t);
	tree_new(&other);
	tree_minimal(&other, NULL);
	cands[0].source = CONF_TOPDIR_ETC;
	cands[0].dir = other.dir;
	conf_topdir_init(&td);
	ck_assert_int_eq(conf_find_topdir_in(&td, t.dir, cands, 1, &err), -1);
	ck_assert_ptr_null(td.path);
	ck_assert_int_ne(asprintf(&want, "SSL_MGR_TOPDIR is set to '%s' but "
	    "%s/conf.d/ssl-mgr.conf is not a regular file (No such file or "
	    "directory); point it at a top dir holding conf.d/ssl-mgr.conf, "
	    "or unset it", t.dir, t.dir), -1);
	ck_assert_str_eq(err.msg, want);
	free(want);
	tree_free(&t);
	tree_free(&other);
}
END_TEST

START_TEST(test_env_main_conf_is_dir)
{
	struct tree t;
	struct conf_topdir td;
	struct sslm_err err;
	char *want = NULL;

	tree_new(&t);
	tree_mkdir(&t, "conf.d/ssl-mgr.conf");
	conf_topdir_init(&td);
	ck_assert_int_eq(conf_find_topdir_in(&td, t.dir, NULL, 0, &err), -1);
	ck_assert_int_ne(asprintf(&want, "SSL_MGR_TOPDIR is set to '%s' but "
	    "%s/conf.d/ssl-mgr.conf is not a regular file (not a file); point "
	    "it at a top dir holding conf.d/ssl-mgr.conf, or unset it", t.dir,
	    t.dir), -1);
	ck_assert_str_eq(err.msg, want);
	free(want);
	tree_free(&t);
}
END_TEST

START_TEST(test_none_lists_candidates)
{
	struct tree a, b;
	struct conf_topdir td;
	struct sslm_err err;
	struct conf_topdir_candidate cands[] = {
		{ CONF_TOPDIR_ETC, NULL },
		{ CONF_TOPDIR_OPT, NULL },
	};
	char *want = NULL;

	tree_new(&a);
	tree_new(&b);
	tree_mkdir(&b, "conf.d");
	cands[0].dir = a.dir;
	cands[1].dir = b.dir;
	conf_topdir_init(&td);
	ck_assert_int_eq(conf_find_topdir_in(&td, NULL, cands, 2, &err), -1);
	ck_assert_int_ne(asprintf(&want, "no configuration found: tried "
	    "%s/conf.d/ssl-mgr.conf, %s/conf.d/ssl-mgr.conf (set "
	    "SSL_MGR_TOPDIR or run from the top dir)", a.dir, b.dir), -1);
	ck_assert_str_eq(err.msg, want);
	free(want);
	tree_free(&a);
	tree_free(&b);
}
END_TEST

/* The built-in list, with the current directory empty. */
START_TEST(test_default_candidates_listed)
{
	struct tree cwd;
	struct conf_topdir td;
	struct sslm_err err;
	char old[PATH_MAX];
	int rc;

	if (access("/etc/ssl-mgr/conf.d/ssl-mgr.conf", F_OK) == 0 ||
	    access("/opt/Local/etc/ssl-mgr/conf.d/ssl-mgr.conf", F_OK) == 0)
		return;		/* an installed tree on this host would win */
	tree_new(&cwd);
	ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
	ck_assert_int_eq(chdir(cwd.dir), 0);
	unsetenv("SSL_MGR_TOPDIR");
	conf_topdir_init(&td);
	rc = conf_find_topdir(&td, &err);
	ck_assert_int_eq(chdir(old), 0);
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(err.msg, "no configuration found: tried "
	    "./conf.d/ssl-mgr.conf, /etc/ssl-mgr/conf.d/ssl-mgr.conf, "
	    "/opt/Local/etc/ssl-mgr/conf.d/ssl-mgr.conf (set SSL_MGR_TOPDIR "
	    "or run from the top dir)");
	tree_free(&cwd);
}
END_TEST

/* conf_load() given a top dir without conf.d (not found by the lookup). */
START_TEST(test_load_without_conf_d)
{
	struct tree t;
	struct conf c;
	struct conf_diags d;
	char *want = NULL, *top;

	tree_new(&t);
	conf_init(&c);
	conf_diags_init(&d);
	ck_assert_int_eq(tree_load(&t, &c, &d), -1);
	top = real(t.dir);
	ck_assert_int_ne(asprintf(&want, "%s/conf.d: not a directory (the top "
	    "dir %s has no conf.d)", top, top), -1);
	ck_assert_error(&d, want);
	ck_assert_errors(&d, 1);
	free(want);
	free(top);
	conf_clear(&c);
	conf_diags_clear(&d);
	tree_free(&t);
}
END_TEST

Suite *
suite_config_topdir(void)
{
	Suite *s = suite_create("config topdir");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_test(pos, test_env_wins);
	tcase_add_test(pos, test_env_from_environment);
	tcase_add_test(pos, test_realpath);
	tcase_add_test(pos, test_cwd_without_main_conf_skipped);
	tcase_add_test(pos, test_cwd_used);
	tcase_add_test(pos, test_source_names);
	tcase_add_test(neg, test_env_unusable_no_fallthrough);
	tcase_add_test(neg, test_env_main_conf_is_dir);
	tcase_add_test(neg, test_none_lists_candidates);
	tcase_add_test(neg, test_default_candidates_listed);
	tcase_add_test(neg, test_load_without_conf_d);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
