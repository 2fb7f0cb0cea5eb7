/*
 * Whole trees: the broken trees of tests/data/conf/bad-* against their
 * "expected" lists, and the two trees the original left (fixtures).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_config_util.h"

/* ---- broken trees ---- */

/* Lines of a file, with every "@DIR@" replaced by dir (for trees whose
 * messages name absolute paths). */
static size_t
read_expected(const char *path, const char *dir, char ***out)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, **v = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	while ((len = getline(&line, &cap, fp)) != -1) {
		char *res = strdup(""), *p = line, *at, *tmp;

		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		while ((at = strstr(p, "@DIR@")) != NULL) {
			ck_assert_int_ne(asprintf(&tmp, "%s%.*s%s", res,
			    (int)(at - p), p, dir), -1);
			free(res);
			res = tmp;
			p = at + 5;
		}
		ck_assert_int_ne(asprintf(&tmp, "%s%s", res, p), -1);
		free(res);
		v = realloc(v, (n + 1) * sizeof(*v));
		ck_assert_ptr_nonnull(v);
		v[n++] = tmp;
	}
	free(line);
	fclose(fp);
	*out = v;
	return n;
}

/* Load one bad tree and compare its errors with its "expected" file. */
static void
check_bad_tree(const char *name)
{
	char *dir = data_path(name), *exp_path = NULL, *main_conf = NULL;
	char **want = NULL;
	size_t n_want, n_got = 0;
	struct conf c;
	struct conf_diags d;
	struct stat st;

	ck_assert_int_ne(asprintf(&exp_path, "%s/expected", dir), -1);
	ck_assert_int_ne(asprintf(&main_conf, "%s/conf.d/ssl-mgr.conf", dir),
	    -1);
	n_want = read_expected(exp_path, dir, &want);
	ck_assert_msg(n_want > 0, "%s: empty expected file", name);
	conf_init(&c);
	conf_diags_init(&d);
	if (stat(main_conf, &st) != 0) {
		/* no conf.d: the top-dir lookup itself fails */
		struct conf_topdir td;
		struct sslm_err err;

		char *full = NULL;

		/* The message starts with the tree's own path, which the
		 * expected file cannot know: it holds the rest, and the
		 * integration test greps for that. */
		conf_topdir_init(&td);
		ck_assert_int_eq(conf_find_topdir_in(&td, dir, NULL, 0, &err),
		    -1);
		ck_assert_uint_eq(n_want, 1);
		ck_assert_int_ne(asprintf(&full, "SSL_MGR_TOPDIR is set to '%s' "
		    "but %s%s", dir, dir, want[0]), -1);
		ck_assert_str_eq(err.msg, full);
		free(full);
	} else {
		ck_assert_int_eq(dir_load(dir, &c, &d), -1);
		for (size_t i = 0; i < d.n; i++) {
			if (d.v[i].level != CONF_DIAG_ERROR)
				continue;
			if (n_got >= n_want || strcmp(d.v[i].msg,
			    want[n_got]) != 0) {
				diag_dump(&d);
				ck_abort_msg("%s: error %zu is\n  %s\nexpected\n  %s",
				    name, n_got + 1, d.v[i].msg, n_got < n_want ?
				    want[n_got] : "(no more errors)");
			}
			n_got++;
		}
		ck_assert_msg(n_got == n_want, "%s: %zu errors, expected %zu",
		    name, n_got, n_want);
		ck_assert(!d.oom);
	}
	for (size_t i = 0; i < n_want; i++)
		free(want[i]);
	free(want);
	conf_clear(&c);
	conf_diags_clear(&d);
	free(dir);
	free(exp_path);
	free(main_conf);
}

static const char *const bad_trees[] = {
	"bad-ca", "bad-ca-cycle", "bad-dane", "bad-duplicate-key", "bad-ktype",
	"bad-missing-key", "bad-missing-service", "bad-nesting",
	"bad-no-confd", "bad-sans", "bad-syntax-middle", "bad-unsafe-name",
	"bad-wrong-type",
};

START_TEST(test_bad_tree)
{
	check_bad_tree(bad_trees[_i]);
}
END_TEST

/* Every bad-* directory on disk is in the list above. */
START_TEST(test_bad_tree_list_complete)
{
	char *dir = data_path("");
	DIR *dp = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	ck_assert_ptr_nonnull(dp);
	while ((de = readdir(dp)) != NULL) {
		bool listed = false;

		if (strncmp(de->d_name, "bad-", 4) != 0)
			continue;
		for (size_t i = 0; i < sizeof(bad_trees) / sizeof(bad_trees[0]);
		    i++)
			listed |= strcmp(bad_trees[i], de->d_name) == 0;
		ck_assert_msg(listed, "%s is not tested", de->d_name);
		n++;
	}
	closedir(dp);
	free(dir);
	ck_assert_uint_eq(n, sizeof(bad_trees) / sizeof(bad_trees[0]));
}
END_TEST

/* ---- the original's trees ---- */

static const struct conf_service *
svc(const struct conf *c, const char *g, const char *s)
{
	const struct conf_service *p = conf_find_service(c, g, s);

	ck_assert_msg(p != NULL, "no service %s:%s", g, s);
	return p;
}

static double
point(const struct conf_renew_curve *cv, double days)
{
	for (size_t i = 0; i < cv->n; i++)
		if (cv->p[i].days == days)
			return cv->p[i].value;
	ck_abort_msg("no point at %g", days);
	return -1;
}

START_TEST(test_fixture_781)
{
	char *dir = data_path("fixture-7.8.1");
	const struct conf_service *s;
	struct conf c;
	struct conf_diags d;

	conf_init(&c);
	conf_diags_init(&d);
	if (dir_load(dir, &c, &d) != 0)
		diag_dump(&d);
	ck_assert_errors(&d, 0);
	ck_assert_int_eq(c.g.clean_keep, 5);
	ck_assert(c.g.verb);
	ck_assert_uint_eq(c.g.dns_xtra_ns.n, 0);
	ck_assert(point(&c.renew.target, 1825) == 1900);
	ck_assert(point(&c.renew.target, 3650) == 60);
	ck_assert(point(&c.renew.target, 90) == 30);
	ck_assert_uint_eq(c.n_groups, 3);
	ck_assert_str_eq(c.groups[0].name, "example.test");
	ck_assert_str_eq(c.groups[1].name, "example.net");
	ck_assert_str_eq(c.groups[2].name, "ca");
	ck_assert(c.groups[2].is_ca);
	ck_assert_uint_eq(c.groups[0].n_services, 3);
	ck_assert_str_eq(c.groups[0].services[0]->service, "web-ec");
	ck_assert(c.groups[0].needs_dns);
	ck_assert_str_eq(c.groups[0].dns_primary->server, "127.0.0.1");

	s = svc(&c, "example.test", "mail-ec");
	ck_assert_uint_eq(s->n_dane, 3);
	ck_assert_int_eq(s->dane[0].subtype, CONF_DANE_MX);
	ck_assert_int_eq(s->dane[1].subtype, CONF_DANE_MX);
	ck_assert_int_eq(s->dane[2].subtype, CONF_DANE_SANS);
	ck_assert_int_eq(s->dane_tls_ttl, 3600);
	ck_assert_int_eq(s->signer, CONF_SIGNER_LOCAL_CA);
	ck_assert_ptr_eq(s->ca_service, svc(&c, "ca", "my-int"));
	ck_assert_str_eq(s->x509.L, "Springfield");

	s = svc(&c, "example.test", "mail-rsa");
	ck_assert_int_eq(s->key.ktype, CONF_KTYPE_RSA);
	ck_assert_int_eq(s->key.rsa_bits, 3072);
	ck_assert_int_eq(s->dane_tls_ttl, 1800);

	s = svc(&c, "example.test", "web-ec");
	ck_assert_uint_eq(s->x509.n_sans, 5);
	ck_assert(s->x509.sans[3].is_ip);

	s = svc(&c, "example.net", "wild-ec");
	ck_assert_str_eq(s->key.ec_curve, "secp256r1");
	ck_assert_str_eq(s->x509.sans[1].name, "*.example.net");

	s = svc(&c, "ca", "my-root");
	ck_assert_int_eq(s->signer, CONF_SIGNER_SELF);
	ck_assert_int_eq(s->ca_sec.validity_days, 3650);
	ck_assert_str_eq(s->x509.names[0].name, "my-root");
	s = svc(&c, "ca", "my-int");
	ck_assert(s->selected);
	ck_assert_ptr_eq(s->ca_service, svc(&c, "ca", "my-root"));
	ck_assert_int_eq(s->ca_sec.validity_days, 1825);

	ck_assert_uint_eq(c.g.n_post_copy, 1);
	ck_assert(str_has_suffix(c.g.post_copy[0].cmd, "/hooks/record"));
	ck_assert(c.g.post_copy[0].cmd[0] == '/');
	ck_assert(str_has_suffix(c.g.prod_cert_dir,
	    "/fixture-7.8.1/prod-certs"));
	ck_assert_uint_eq(c.server[CONF_SERVER_SMTP].n_restart, 1);
	ck_assert(str_has_suffix(c.server[CONF_SERVER_SMTP].restart[0]
	    .local_prog, "/fixture-7.8.1/hooks/record"));
	ck_assert_uint_eq(c.server[CONF_SERVER_WEB].n_svc_depends, 1);
	ck_assert(c.server[CONF_SERVER_WEB].svc_depends[0].any);
	/* files in order: main, ca-info, then services as processed */
	ck_assert_uint_eq(c.files.n, 8);
	ck_assert(str_has_suffix(c.files.v[0], "/conf.d/ssl-mgr.conf"));
	ck_assert(str_has_suffix(c.files.v[1], "/conf.d/ca-info.conf"));
	ck_assert(str_has_suffix(c.files.v[2], "/conf.d/example.test/web-ec"));
	ck_assert(str_has_suffix(c.files.v[7], "/conf.d/ca/my-int"));
	conf_clear(&c);
	conf_diags_clear(&d);
	free(dir);
}
END_TEST

START_TEST(test_fixture_540)
{
	char *dir = data_path("fixture-5.4.0");
	const struct conf_service *s;
	struct conf c;
	struct conf_diags d;

	conf_init(&c);
	conf_diags_init(&d);
	if (dir_load(dir, &c, &d) != 0)
		diag_dump(&d);
	ck_assert_errors(&d, 0);
	/* [globals] renew_expire_days = 30 is the 90-day target */
	ck_assert(point(&c.renew.target, 90) == 30);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:9: [globals] "
	    "renew_expire_days: deprecated; used as [renew_info] target_90 = 30");
	/* web-ec's own renew_expire_days = 2000 maps to its target_90 */
	s = svc(&c, "example.test", "web-ec");
	ck_assert(point(&s->renew.target, 90) == 2000);
	ck_assert(point(&svc(&c, "example.test", "mail-ec")->renew.target, 90)
	    == 30);
	s = svc(&c, "example.test", "mail-ec");
	ck_assert_uint_eq(s->n_dane, 3);
	ck_assert_int_eq(s->dane[0].subtype, CONF_DANE_MX);
	ck_assert_int_eq(s->dane[1].subtype, CONF_DANE_SANS);
	ck_assert_int_eq(s->dane_tls_ttl, 1800);
	/* ca_type 'self' for the intermediate, signing_ca '' for the root */
	ck_assert_int_eq(svc(&c, "ca", "my-int")->signer, CONF_SIGNER_LOCAL_CA);
	ck_assert_int_eq(svc(&c, "ca", "my-root")->signer, CONF_SIGNER_SELF);
	ck_assert_str_eq(c.g.dns_xtra_ns.n == 0 ? "none" : "some", "none");
	conf_clear(&c);
	conf_diags_clear(&d);
	free(dir);
}
END_TEST

Suite *
suite_config_trees(void)
{
	Suite *s = suite_create("config trees");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_test(pos, test_fixture_781);
	tcase_add_test(pos, test_fixture_540);
	tcase_add_loop_test(neg, test_bad_tree, 0,
	    (int)(sizeof(bad_trees) / sizeof(bad_trees[0])));
	tcase_add_test(neg, test_bad_tree_list_complete);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
