/*
 * Plans and imports from synthetic certbot trees (src/import/plan.c,
 * apply.c): EC and RSA lineages, a wildcard, refusals of existing files,
 * the dry run, modes, the account copy, and the service file read back
 * through the config module.
 */
#include "config.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/conf.h"
#include "crypto/crypto.h"
#include "import/import_int.h"
#include "tests/unit/test_import.h"

#define PEBBLE "https://127.0.0.1:14000/dir"
#define PEBBLE_FOLDER "127.0.0.1:14000/dir"

static char tmp[512], top[600], cb[600];
static char *outbuf;
static size_t outlen;

static const char *const ec_sans[] = { "example.test", "*.example.test",
    "www.example.test", NULL };
static const char *const rsa_sans[] = { "www.example.test", "example.test",
    NULL };

static const struct ti_lineage ec_l = { "example.test", ec_sans, "secp384r1",
    0, PEBBLE, "acc0001", NULL };
static const struct ti_lineage rsa_l = { "rsa-site", rsa_sans, NULL, 2048,
    NULL, "acc0002", NULL };

static void
setup(void)
{
	snprintf(tmp, sizeof(tmp), "%s", ti_mkdtemp());
	snprintf(top, sizeof(top), "%s/top", tmp);
	snprintf(cb, sizeof(cb), "%s/letsencrypt", tmp);
	ti_make_top(top);
	ck_assert_int_eq(mkdir(cb, 0755), 0);
	outbuf = NULL;
	outlen = 0;
}

static void
teardown(void)
{
	ti_rmtree(tmp);
	free(outbuf);
}

/* import_run with defaults (no DNS); output in outbuf */
static enum import_result
run(bool dry, const char *apex, const char *only, struct sslm_err *err)
{
	struct import_opts o;
	const char *one[1] = { only };
	FILE *fp;
	enum import_result r;

	memset(&o, 0, sizeof(o));
	o.certbot_dir = cb;
	o.top = top;
	o.apex = apex;
	o.dry_run = dry;
	o.use_dns = false;
	if (only != NULL) {
		o.lineages = one;
		o.n_lineages = 1;
	}
	free(outbuf);
	outbuf = NULL;
	fp = open_memstream(&outbuf, &outlen);
	ck_assert_ptr_nonnull(fp);
	sslm_err_clear(err);
	r = import_run(&o, fp, err);
	fclose(fp);
	if (r == IMPORT_CONFIG_ERROR)
		fprintf(stderr, "import_run: %s\n", err->msg);
	return r;
}

static bool
same_file(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	char *x = ti_slurp(a, &la), *y = ti_slurp(b, &lb);
	bool same = x != NULL && y != NULL && la == lb && memcmp(x, y, la) == 0;

	free(x);
	free(y);
	return same;
}

static const char *
curr_file(const char *svc, const char *file)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s/certs/example.test/%s/curr/%s", top, svc,
	    file);
	return buf;
}

static int n_entries;

static int
count_one(const char *p, const struct stat *st, int f, struct FTW *w)
{
	(void)p; (void)st; (void)f; (void)w;
	n_entries++;
	return 0;
}

static int
count_tree(const char *dir)
{
	n_entries = 0;
	ck_assert_int_eq(nftw(dir, count_one, 16, FTW_PHYS), 0);
	return n_entries;
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(ec_and_rsa_imported)
{
	struct sslm_err err;
	struct conf c;
	struct conf_topdir td;
	struct conf_diags d;
	struct conf_select sel = { "example.test", NULL, 0, true };
	const struct conf_service *ec, *rsa;
	char *ca_info, *main_conf, *bundle, *key, *full;
	size_t bl = 0, kl = 0, fl = 0;
	char acct[1024], src[1024];
	EVP_PKEY *pk;
	X509_REQ *req;

	ti_make_lineage(cb, &ec_l);
	ti_make_lineage(cb, &rsa_l);
	ck_assert_int_eq(run(false, NULL, NULL, &err), IMPORT_OK);
	ck_assert_ptr_nonnull(strstr(outbuf, "lineage example.test: example.test, "
	    "*.example.test, www.example.test (EC secp384r1"));
	ck_assert_ptr_nonnull(strstr(outbuf, "lineage rsa-site: www.example.test, "
	    "example.test (RSA 2048"));

	/* the data sets: curr, byte copies, modes */
	for (int i = 0; i < 2; i++) {
		const char *svc = i == 0 ? "example.test" : "rsa-site";
		char arch[1024];

		snprintf(arch, sizeof(arch), "%s/archive/%s", cb, svc);
		ck_assert(same_file(curr_file(svc, "cert.pem"), ti_path(arch, "cert1.pem")));
		ck_assert(same_file(curr_file(svc, "privkey.pem"),
		    ti_path(arch, "privkey1.pem")));
		ck_assert(same_file(curr_file(svc, "chain.pem"), ti_path(arch, "chain1.pem")));
		ck_assert(same_file(curr_file(svc, "fullchain.pem"),
		    ti_path(arch, "fullchain1.pem")));
		ck_assert_int_eq(ti_mode(curr_file(svc, "privkey.pem")), 0600);
		ck_assert_int_eq(ti_mode(curr_file(svc, "bundle.pem")), 0600);
		bundle = ti_slurp(curr_file(svc, "bundle.pem"), &bl);
		key = ti_slurp(curr_file(svc, "privkey.pem"), &kl);
		full = ti_slurp(curr_file(svc, "fullchain.pem"), &fl);
		ck_assert_uint_eq(bl, kl + fl);
		ck_assert(memcmp(bundle, key, kl) == 0);
		ck_assert(memcmp(bundle + kl, full, fl) == 0);
		free(bundle);
		free(key);
		free(full);
		/* csr.pem made from the imported key */
		req = crypto_csr_read(curr_file(svc, "csr.pem"), &err);
		ck_assert_msg(req != NULL, "%s", err.msg);
		pk = crypto_key_read(curr_file(svc, "privkey.pem"), &err);
		ck_assert_ptr_nonnull(pk);
		ck_assert(crypto_key_matches(pk, X509_REQ_get0_pubkey(req)));
		EVP_PKEY_free(pk);
		X509_REQ_free(req);
		ck_assert_ptr_nonnull(strstr(ti_text(curr_file(svc, "info")),
		    "rolled to curr"));
		snprintf(arch, sizeof(arch), "%s/certs/example.test/%s/curr", top, svc);
		ck_assert_int_eq(ti_mode(ti_path(arch, ".")), 0750);
		snprintf(arch, sizeof(arch), "%s/certs/example.test/%s/cb", top, svc);
		ck_assert_int_eq(ti_mode(arch), 0750);
	}
	ck_assert_int_eq(ti_mode(ti_path(top, "certs/example.test")), 0750);
	ck_assert(!ti_exists(ti_path(top, "certs/example.test/example.test/next")));

	/* the account, byte for byte, with its modes */
	snprintf(acct, sizeof(acct), "%s/certs/example.test/example.test/cb/"
	    "accounts/" PEBBLE_FOLDER "/acc0001", top);
	snprintf(src, sizeof(src), "%s/accounts/" PEBBLE_FOLDER "/acc0001", cb);
	ck_assert(same_file(ti_path(acct, "meta.json"), ti_path(src, "meta.json")));
	ck_assert(same_file(ti_path(acct, "regr.json"), ti_path(src, "regr.json")));
	ck_assert(same_file(ti_path(acct, "private_key.json"),
	    ti_path(src, "private_key.json")));
	ck_assert_int_eq(ti_mode(ti_path(acct, "private_key.json")), 0400);
	ck_assert_int_eq(ti_mode(acct), 0700);
	snprintf(acct, sizeof(acct), "%s/certs/example.test/rsa-site/cb/accounts/"
	    "acme-v02.api.letsencrypt.org/directory/acc0002/meta.json", top);
	ck_assert(ti_exists(acct));

	/* ca-info.conf and [[groups]] appended */
	ca_info = ti_slurp(ti_path(top, "conf.d/ca-info.conf"), NULL);
	ck_assert_ptr_nonnull(ca_info);
	ck_assert_ptr_nonnull(strstr(ca_info, "[acme-127-0-0-1-14000-dns]"));
	ck_assert_ptr_nonnull(strstr(ca_info, "ca_server = \"" PEBBLE "\""));
	ck_assert_ptr_nonnull(strstr(ca_info, "[le-http]"));
	free(ca_info);
	main_conf = ti_slurp(ti_path(top, "conf.d/ssl-mgr.conf"), NULL);
	ck_assert_ptr_nonnull(strstr(main_conf, "[[groups]]\n    domain = "
	    "'example.test'\n    services = [\"example.test\", \"rsa-site\"]\n"
	    "    active = true\n"));
	ck_assert_ptr_nonnull(strstr(main_conf, "[web]")); /* old text kept */
	free(main_conf);

	/* the service files read back by the config module */
	conf_topdir_init(&td);
	td.path = strdup(top);
	conf_init(&c);
	conf_diags_init(&d);
	if (conf_load(&c, &td, &sel, 1, true, &d) != 0)
		conf_diags_print(&d, stderr);
	ck_assert_uint_eq(d.n_errors, 0);
	ec = conf_find_service(&c, "example.test", "example.test");
	rsa = conf_find_service(&c, "example.test", "rsa-site");
	ck_assert_ptr_nonnull(ec);
	ck_assert_ptr_nonnull(rsa);
	ck_assert_str_eq(ec->x509.CN, "example.test");
	ck_assert_uint_eq(ec->x509.n_sans, 3);
	ck_assert_str_eq(ec->x509.sans[1].name, "*.example.test");
	ck_assert_int_eq(ec->key.ktype, CONF_KTYPE_EC);
	ck_assert_str_eq(ec->key.ec_curve, "secp384r1");
	ck_assert_int_eq(ec->signer, CONF_SIGNER_CERTBOT_DNS01); /* wildcard */
	ck_assert_str_eq(ec->ca->server, PEBBLE);
	ck_assert_str_eq(ec->ca_account, "acc0001");
	ck_assert_str_eq(ec->x509.email, "hostmaster@example.test");
	ck_assert_str_eq(ec->x509.C, "XX");
	ck_assert_str_eq(ec->x509.O, "example.test");
	ck_assert_int_eq(rsa->key.ktype, CONF_KTYPE_RSA);
	ck_assert_int_eq(rsa->key.rsa_bits, 2048);
	ck_assert_int_eq(rsa->signer, CONF_SIGNER_CERTBOT_HTTP01);
	ck_assert_ptr_null(rsa->ca->server);
	ck_assert_uint_eq(rsa->x509.n_sans, 2);
	ck_assert_str_eq(rsa->x509.sans[0].name, "www.example.test");
	conf_diags_clear(&d);
	conf_clear(&c);
	conf_topdir_clear(&td);
}
END_TEST

START_TEST(dry_run_writes_nothing)
{
	struct sslm_err err;
	char *before, *after;
	int n;

	ti_make_lineage(cb, &ec_l);
	ti_make_lineage(cb, &rsa_l);
	before = ti_slurp(ti_path(top, "conf.d/ssl-mgr.conf"), NULL);
	n = count_tree(top);
	ck_assert_int_eq(run(true, NULL, NULL, &err), IMPORT_OK);
	ck_assert_int_eq(count_tree(top), n);
	after = ti_slurp(ti_path(top, "conf.d/ssl-mgr.conf"), NULL);
	ck_assert_str_eq(before, after);
	ck_assert(!ti_exists(ti_path(top, "conf.d/ca-info.conf")));
	ck_assert_ptr_nonnull(strstr(outbuf, "dry run: nothing written"));
	ck_assert_ptr_nonnull(strstr(outbuf, "write conf.d/example.test/rsa-site"));
	ck_assert_ptr_nonnull(strstr(outbuf, "append [le-http] to "
	    "conf.d/ca-info.conf"));
	ck_assert_ptr_nonnull(strstr(outbuf, "would append [[groups]] domain = "
	    "'example.test' services = [\"example.test\", \"rsa-site\"]"));
	free(before);
	free(after);
}
END_TEST

START_TEST(staging_lineage)
{
	static const char *const sans[] = { "example.test", NULL };
	static const struct ti_lineage st = { "stage", sans, "secp256r1", 0,
	    IMPORT_LE_STAGING, "acc9", "dns-01," };
	struct sslm_err err;
	char *ca_info, *svc;

	ti_make_lineage(cb, &st);
	ck_assert_int_eq(run(false, NULL, NULL, &err), IMPORT_OK);
	ca_info = ti_slurp(ti_path(top, "conf.d/ca-info.conf"), NULL);
	ck_assert_ptr_nonnull(strstr(ca_info, "[le-staging-dns]"));
	ck_assert_ptr_nonnull(strstr(ca_info, "ca_server = \"" IMPORT_LE_STAGING));
	svc = ti_slurp(ti_path(top, "conf.d/example.test/stage"), NULL);
	ck_assert_ptr_nonnull(strstr(svc, "signing_ca = 'le-staging-dns'"));
	ck_assert_ptr_nonnull(strstr(svc, "ec_algo = 'secp256r1'"));
	ck_assert_ptr_nonnull(strstr(ti_text(curr_file("stage", "info")),
	    "# staging\n"));
	free(ca_info);
	free(svc);
}
END_TEST

/* A tree sslm-mgr would refuse is never made: without [dns] acme_dir and
 * restart_cmd a dns-01 group is added inactive, with what to add. */
START_TEST(group_inactive_without_dns_section)
{
	static const char *const sans[] = { "example.test", NULL };
	static const struct ti_lineage st = { "nodns", sans, "secp256r1", 0,
	    IMPORT_LE_STAGING, "acc8", "dns-01," };
	struct sslm_err err;
	char *conf = ti_slurp(ti_path(top, "conf.d/ssl-mgr.conf"), NULL), *cut;

	ck_assert_ptr_nonnull(cut = strstr(conf, "[dns]"));
	*cut = '\0';			/* no [dns], no [web] */
	ti_spit(ti_path(top, "conf.d/ssl-mgr.conf"), conf);
	free(conf);
	ti_make_lineage(cb, &st);
	ck_assert_int_eq(run(false, NULL, NULL, &err), IMPORT_OK);
	conf = ti_slurp(ti_path(top, "conf.d/ssl-mgr.conf"), NULL);
	ck_assert_ptr_nonnull(strstr(conf, "    active = false   # set true once "
	    "ssl-mgr.conf has [dns] acme_dir and restart_cmd (dns-01)\n"));
	free(conf);
}
END_TEST

START_TEST(existing_ca_entry_reused_and_group_hint)
{
	struct sslm_err err;
	char *ca_before, *ca_after, *main_conf;
	FILE *fp;

	ti_make_lineage(cb, &rsa_l);
	ti_spit(ti_path(top, "conf.d/ca-info.conf"), "[le-http]\n"
	    "    ca_type = 'letsencrypt'\n    ca_validation = 'http-01'\n");
	fp = fopen(ti_path(top, "conf.d/ssl-mgr.conf"), "a");
	fputs("[[groups]]\n    domain = 'example.test'\n    services = ['x']\n"
	    "    active = false\n", fp);
	fclose(fp);
	ca_before = ti_slurp(ti_path(top, "conf.d/ca-info.conf"), NULL);
	ck_assert_int_eq(run(false, NULL, NULL, &err), IMPORT_OK);
	ca_after = ti_slurp(ti_path(top, "conf.d/ca-info.conf"), NULL);
	ck_assert_str_eq(ca_before, ca_after);
	ck_assert_ptr_nonnull(strstr(outbuf, "use conf.d/ca-info.conf entry [le-http]"));
	ck_assert_ptr_nonnull(strstr(outbuf, "does not list 'rsa-site'"));
	main_conf = ti_slurp(ti_path(top, "conf.d/ssl-mgr.conf"), NULL);
	ck_assert_ptr_null(strstr(main_conf, "sslm-import-certbot"));
	free(ca_before);
	free(ca_after);
	free(main_conf);
}
END_TEST

START_TEST(helpers)
{
	char *s;

	s = import_server_folder("https://127.0.0.1:14000/dir");
	ck_assert_str_eq(s, "127.0.0.1:14000/dir");
	free(s);
	s = import_server_folder(IMPORT_LE_PROD);
	ck_assert_str_eq(s, "acme-v02.api.letsencrypt.org/directory");
	free(s);
	s = import_server_folder("https://acme.example/");
	ck_assert_str_eq(s, "acme.example");
	free(s);
	ck_assert_ptr_null(import_server_folder("ftp://x/dir"));
	ck_assert_ptr_null(import_server_folder("https:///dir"));
	ck_assert_ptr_null(import_server_folder("https://x/a/../../etc"));
	s = import_service_name("-odd name/.x");
	ck_assert_str_eq(s, "_odd_name_.x");
	free(s);
	s = import_toml_quote("a\"b\\c\n");
	ck_assert_str_eq(s, "\"a\\\"b\\\\c\\u000a\"");
	free(s);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(existing_files_refused_by_name)
{
	struct sslm_err err;

	ti_make_lineage(cb, &ec_l);
	ti_make_lineage(cb, &rsa_l);
	ck_assert_int_eq(mkdir(ti_path(top, "conf.d/example.test"), 0755), 0);
	ti_spit(ti_path(top, "conf.d/example.test/example.test"), "mine\n");
	ck_assert_int_eq(run(false, NULL, NULL, &err), IMPORT_SOME_FAILED);
	ck_assert_ptr_nonnull(strstr(outbuf, "refused: already exists, never "
	    "overwritten: "));
	ck_assert_ptr_nonnull(strstr(outbuf, "/conf.d/example.test/example.test"));
	/* nothing of the refused lineage was written, the file is untouched */
	ck_assert(!ti_exists(ti_path(top, "certs/example.test/example.test")));
	ck_assert_str_eq(ti_text(ti_path(top, "conf.d/example.test/example.test")),
	    "mine\n");
	/* the other lineage went ahead */
	ck_assert(ti_exists(curr_file("rsa-site", "cert.pem")));
	/* again: now every path of rsa-site is in the way and named */
	ck_assert_int_eq(run(false, NULL, "rsa-site", &err), IMPORT_SOME_FAILED);
	ck_assert_ptr_nonnull(strstr(outbuf, "/conf.d/example.test/rsa-site, "));
	ck_assert_ptr_nonnull(strstr(outbuf, "/certs/example.test/rsa-site"));
}
END_TEST

START_TEST(apex_not_in_names_refused)
{
	static const char *const sans[] = { "www.example.test", NULL };
	static const struct ti_lineage www = { "www", sans, "secp256r1", 0, NULL,
	    "acc3", NULL };
	struct sslm_err err;

	ti_make_lineage(cb, &www);
	ck_assert_int_eq(run(false, "example.test", NULL, &err), IMPORT_SOME_FAILED);
	ck_assert_ptr_nonnull(strstr(outbuf, "do not include the apex example.test"));
	ck_assert(!ti_exists(ti_path(top, "certs")));
}
END_TEST

START_TEST(missing_account_refused)
{
	struct sslm_err err;
	char path[1024];

	ti_make_lineage(cb, &ec_l);
	snprintf(path, sizeof(path), "%s/accounts/" PEBBLE_FOLDER "/acc0001", cb);
	ti_rmtree(path);
	ck_assert_int_eq(run(false, NULL, NULL, &err), IMPORT_SOME_FAILED);
	ck_assert_ptr_nonnull(strstr(outbuf, "account acc0001 not found"));
	ck_assert(!ti_exists(ti_path(top, "certs")));
}
END_TEST

START_TEST(key_not_matching_refused)
{
	static const char *const sans[] = { "other.test", NULL };
	static const struct ti_lineage other = { "other.test", sans, "secp384r1",
	    0, PEBBLE, "acc0001", NULL };
	struct sslm_err err;
	char a[1024], b[1024];

	ti_make_lineage(cb, &ec_l);
	ti_make_lineage(cb, &other);
	snprintf(a, sizeof(a), "%s/archive/other.test/privkey1.pem", cb);
	snprintf(b, sizeof(b), "%s/archive/example.test/privkey1.pem", cb);
	ck_assert_int_eq(rename(a, b), 0);
	ck_assert_int_eq(run(false, NULL, "example.test", &err), IMPORT_SOME_FAILED);
	ck_assert_ptr_nonnull(strstr(outbuf, "does not belong to the certificate"));
}
END_TEST

START_TEST(ca_entry_with_other_settings_refused)
{
	struct sslm_err err;

	ti_make_lineage(cb, &rsa_l);
	ti_spit(ti_path(top, "conf.d/ca-info.conf"), "[le-http]\n"
	    "    ca_type = 'certbot'\n    ca_validation = 'dns-01'\n");
	ck_assert_int_eq(run(false, NULL, NULL, &err), IMPORT_SOME_FAILED);
	ck_assert_ptr_nonnull(strstr(outbuf, "already has an entry [le-http] with "
	    "other settings"));
	ck_assert(!ti_exists(ti_path(top, "conf.d/example.test")));
}
END_TEST

START_TEST(unknown_lineage_and_no_renewal_dir)
{
	struct sslm_err err;

	ck_assert_int_eq(run(false, NULL, NULL, &err), IMPORT_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "renewal"));
	ti_make_lineage(cb, &rsa_l);
	ck_assert_int_eq(run(false, NULL, "nope", &err), IMPORT_SOME_FAILED);
	ck_assert_ptr_nonnull(strstr(outbuf, "lineage nope: error: "));
}
END_TEST

START_TEST(bad_options_and_config)
{
	struct import_opts o;
	struct sslm_err err;

	memset(&o, 0, sizeof(o));
	o.certbot_dir = cb;
	o.top = top;
	o.country = "GBR";
	ck_assert_int_eq(import_run(&o, stdout, &err), IMPORT_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "two-letter"));
	o.country = NULL;
	ti_spit(ti_path(top, "conf.d/ssl-mgr.conf"), "[globals\n");
	ck_assert_int_eq(import_run(&o, stdout, &err), IMPORT_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "ssl-mgr.conf"));
	o.top = ti_path(tmp, "nowhere");
	ck_assert_int_eq(import_run(&o, stdout, &err), IMPORT_CONFIG_ERROR);
}
END_TEST

START_TEST(write_new_never_replaces)
{
	struct sslm_err err;
	const char *p = ti_path(tmp, "f");

	ck_assert_int_eq(import_write_new(p, "one", 3, 0600, &err), 0);
	ck_assert_int_eq(ti_mode(p), 0600);
	ck_assert_int_eq(import_write_new(p, "two", 3, 0600, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not replaced"));
	ck_assert_str_eq(ti_text(p), "one");
	ck_assert(!ti_exists(ti_path(tmp, "f.import-tmp")));
}
END_TEST

Suite *
import_plan_suite(void)
{
	Suite *s = suite_create("import plan");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_set_timeout(pos, 60);
	tcase_set_timeout(neg, 60);
	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, ec_and_rsa_imported);
	tcase_add_test(pos, dry_run_writes_nothing);
	tcase_add_test(pos, staging_lineage);
	tcase_add_test(pos, group_inactive_without_dns_section);
	tcase_add_test(pos, existing_ca_entry_reused_and_group_hint);
	tcase_add_test(pos, helpers);
	tcase_add_test(neg, existing_files_refused_by_name);
	tcase_add_test(neg, apex_not_in_names_refused);
	tcase_add_test(neg, missing_account_refused);
	tcase_add_test(neg, key_not_matching_refused);
	tcase_add_test(neg, ca_entry_with_other_settings_refused);
	tcase_add_test(neg, unknown_lineage_and_no_renewal_dir);
	tcase_add_test(neg, bad_options_and_config);
	tcase_add_test(neg, write_new_never_replaces);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
