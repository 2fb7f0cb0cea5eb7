/*
 * ca-info.conf (config.md §4), signing_ca and what each signer needs
 * (§5.4, §7, certbot-hooks.md §1).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_config_util.h"

static struct tree t;
static struct conf c;
static struct conf_diags d;
static const struct conf_service *s;

static void
setup(void)
{
	tree_new(&t);
	conf_init(&c);
	conf_diags_init(&d);
	s = NULL;
	svc_fixture_write(&t);
}

static void
teardown(void)
{
	conf_clear(&c);
	conf_diags_clear(&d);
	tree_free(&t);
}

static int
load_svc(const char *text)
{
	int rc;

	tree_write(&t, "conf.d/example.test/svc", text);
	rc = tree_load(&t, &c, &d);
	s = conf_find_service(&c, "example.test", "svc");
	return rc;
}

START_TEST(test_signers)
{
	const struct conf_service *ca;

	ck_assert_load(load_svc(HEAD "signing_ca = 'my-int'\n" X509_OK), 0, &d);
	ck_assert_int_eq(s->signer, CONF_SIGNER_LOCAL_CA);
	ck_assert_str_eq(conf_signer_name(s->signer), "local CA");
	ck_assert_ptr_eq(s->ca, conf_find_ca(&c, "my-int"));
	ca = conf_find_service(&c, "ca", "my-int");
	ck_assert_ptr_nonnull(ca);
	ck_assert_ptr_eq(s->ca_service, ca);
	ck_assert(!ca->selected);
	ck_assert(ca->is_ca_group);
	/* my-int names my-root, which is not loaded: only direct CAs are */
	ck_assert_ptr_null(ca->ca_service);
	ck_assert_ptr_null(conf_find_service(&c, "ca", "my-root"));
	ck_assert_int_eq(ca->ca_sec.validity_days, 1825);
	ck_assert_str_eq(ca->x509.names[0].name, "My-Int");
	/* files: main, ca-info, selected services, then referenced CAs */
	ck_assert_uint_eq(c.files.n, 4);
	ck_assert(strstr(c.files.v[1], "/conf.d/ca-info.conf") != NULL);
	ck_assert(strstr(c.files.v[2], "/conf.d/example.test/svc") != NULL);
	ck_assert(strstr(c.files.v[3], "/conf.d/ca/my-int") != NULL);
	ck_assert_uint_eq(c.groups[0].n_services, 1);
	conf_clear(&c);

	ck_assert_load(load_svc(HEAD "signing_ca = 'le-dns'\n" X509_OK), 0, &d);
	ck_assert_int_eq(s->signer, CONF_SIGNER_CERTBOT_DNS01);
	ck_assert(c.groups[0].needs_dns);
	ck_assert_ptr_nonnull(c.groups[0].dns_primary);
	conf_clear(&c);

	ck_assert_load(load_svc(HEAD "signing_ca = 'le-http'\n" X509_OK), 0, &d);
	ck_assert_int_eq(s->signer, CONF_SIGNER_CERTBOT_HTTP01);
	ck_assert_str_eq(conf_signer_name(s->signer), "certbot http-01");
	conf_clear(&c);

	ck_assert_load(load_svc(HEAD "signing_ca = 'SELF'\n" X509_OK), 0, &d);
	ck_assert_int_eq(s->signer, CONF_SIGNER_SELF);
}
END_TEST

START_TEST(test_ca_info_values)
{
	const struct conf_ca *ca;

	ck_assert_load(load_svc(HEAD X509_OK), 0, &d);
	ck_assert(c.have_ca_info);
	ck_assert_uint_eq(c.n_cas, 5);
	ca = conf_find_ca(&c, "le-dns");
	ck_assert_int_eq(ca->type, CONF_CA_CERTBOT);
	ck_assert_int_eq(ca->validation, CONF_VALIDATION_DNS01);
	ck_assert_str_eq(ca->desc, "");
	ck_assert_str_eq(ca->acme_profile, "tlsserver");
	ck_assert(!ca->acme_profile_explicit);
	ck_assert_ptr_null(ca->server);
	ck_assert_ptr_null(ca->preferred_chain);
	ck_assert_ptr_null(ca->account);
	ca = conf_find_ca(&c, "le-http");
	ck_assert_int_eq(ca->validation, CONF_VALIDATION_HTTP01);
	ca = conf_find_ca(&c, "my-root");
	ck_assert_int_eq(ca->type, CONF_CA_LOCAL);
	ck_assert_int_eq(ca->validation, CONF_VALIDATION_NONE);
	ca = conf_find_ca(&c, "pebble");
	ck_assert_int_eq(ca->line, 11);
	ck_assert_str_eq(ca->server, "https://localhost:14000/dir");
	ck_assert_ptr_null(ca->acme_profile);	/* none with ca_server */
	ck_assert_str_eq(ca->account, "abc123");
	ck_assert_str_eq(ca->eab_kid, "kid-1");
	ck_assert_str_eq(ca->eab_hmac_key, "c2VjcmV0_-");
	ck_assert_str_eq(ca->desc, "test ACME");
	ck_assert_ptr_null(conf_find_ca(&c, "nope"));
}
END_TEST

START_TEST(test_ca_info_profile)
{
	tree_write(&t, "conf.d/ca-info.conf",
	    "[a]\n    ca_type = 'certbot'\n    ca_validation = 'dns-01'\n"
	    "    ca_preferred_acme_profile = ''\n"
	    "    ca_preferred_chain = 'ISRG Root X2'\n"
	    "[b]\n    ca_type = 'certbot'\n    ca_validation = 'dns-01'\n"
	    "    ca_server = 'http://127.0.0.1:4000/dir'\n"
	    "    ca_preferred_acme_profile = 'shortlived'\n");
	ck_assert_load(load_svc(HEAD X509_OK), 0, &d);
	ck_assert_ptr_null(conf_find_ca(&c, "a")->acme_profile);
	ck_assert(conf_find_ca(&c, "a")->acme_profile_explicit);
	ck_assert_str_eq(conf_find_ca(&c, "a")->preferred_chain, "ISRG Root X2");
	ck_assert_str_eq(conf_find_ca(&c, "b")->acme_profile, "shortlived");
	ck_assert_warning(&d, "conf.d/ca-info.conf:9: [b] ca_server: plain "
	    "http; use it only for test servers");
}
END_TEST

START_TEST(test_ca_account)
{
	ck_assert_load(load_svc(HEAD "signing_ca = 'pebble'\n" X509_OK), 0, &d);
	ck_assert_str_eq(s->ca_account, "abc123");	/* the CA entry's */
	conf_clear(&c);
	ck_assert_load(load_svc(HEAD "signing_ca = 'pebble'\n"
	    "ca_account = 'mine'\n" X509_OK), 0, &d);
	ck_assert_str_eq(s->ca_account, "mine");	/* the service wins */
}
END_TEST

START_TEST(test_signing_ca_errors)
{
	ck_assert_load(load_svc(HEAD "signing_ca = 'le-dsn'\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: signing_ca: unknown "
	    "signing CA 'le-dsn' (not in conf.d/ca-info.conf; did you mean "
	    "'le-dns'?)");
	ck_assert_errors(&d, 1);
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "signing_ca = 'zzzzzzzzzz'\n" X509_OK),
	    -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: signing_ca: unknown "
	    "signing CA 'zzzzzzzzzz' (not in conf.d/ca-info.conf)");
	conf_clear(&c);
	conf_diags_clear(&d);
	/* the local CA's service file is missing */
	ck_assert_load(load_svc(HEAD "signing_ca = 'my-root'\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: signing_ca: local CA "
	    "'my-root' has no service file conf.d/ca/my-root (no such service "
	    "file)");
	ck_assert_errors(&d, 1);
}
END_TEST

/* ca-info.conf missing: an error only for services that name a CA. */
START_TEST(test_ca_info_missing)
{
	char *p = NULL;

	ck_assert_int_ne(asprintf(&p, "%s/conf.d/ca-info.conf", t.dir), -1);
	ck_assert_int_eq(unlink(p), 0);
	free(p);
	ck_assert_load(load_svc(HEAD X509_OK), 0, &d);
	ck_assert(!c.have_ca_info);
	ck_assert_uint_eq(c.files.n, 2);
	conf_clear(&c);
	ck_assert_load(load_svc(HEAD "signing_ca = 'my-int'\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: signing_ca: unknown "
	    "signing CA 'my-int' (conf.d/ca-info.conf is missing)");
	ck_assert_errors(&d, 1);
}
END_TEST

START_TEST(test_ca_info_errors)
{
	tree_write(&t, "conf.d/ca-info.conf",
	    "stray = 1\n"					/* 1 */
	    "[a]\n    ca_desc = 'no type'\n"			/* 2 */
	    "[b]\n    ca_type = 'acme'\n"			/* 4 */
	    "[c]\n    ca_type = 'certbot'\n"			/* 6 */
	    "[d]\n    ca_type = 'certbot'\n    ca_validation = 'tls-alpn-01'\n"
	    "    ca_server = 'ftp://x'\n    ca_eab_kid = 'k'\n"	/* 8 */
	    "[e]\n    ca_type = 'local'\n    ca_validation = 'dns-01'\n"
	    "    ca_tpye = 'x'\n"				/* 14 */
	    "[f]\n    ca_type = 'certbot'\n    ca_validation = 'dns-01'\n"
	    "    ca_eab_hmac_key = 'not base64!'\n"		/* 18 */
	    "    ca_account = '../x'\n");
	ck_assert_load(load_svc(HEAD "signing_ca = 'b'\n" X509_OK), -1, &d);
	ck_assert_warning(&d, "conf.d/ca-info.conf:1: stray: not a CA table, "
	    "ignored (write [<ca name>] before the CA's keys)");
	ck_assert_error(&d, "conf.d/ca-info.conf:2: [a] ca_type: required, "
	    "missing (self, local, certbot or letsencrypt)");
	ck_assert_error(&d, "conf.d/ca-info.conf:5: [b] ca_type: unknown CA "
	    "type 'acme' (self, local, certbot or letsencrypt)");
	ck_assert_error(&d, "conf.d/ca-info.conf:6: [c] ca_validation: "
	    "required, missing (http-01 or dns-01)");
	ck_assert_error(&d, "conf.d/ca-info.conf:10: [d] ca_validation: unknown "
	    "validation 'tls-alpn-01' (http-01 or dns-01)");
	ck_assert_error(&d, "conf.d/ca-info.conf:11: [d] ca_server: 'ftp://x' is "
	    "not an ACME directory URL (https://.../directory)");
	ck_assert_error(&d, "conf.d/ca-info.conf:8: [d] ca_eab_hmac_key: "
	    "required when ca_eab_kid is set (set both EAB keys or neither)");
	ck_assert_warning(&d, "conf.d/ca-info.conf:15: [e] ca_validation: "
	    "ignored for a local CA");
	ck_assert_warning(&d, "conf.d/ca-info.conf:16: [e] ca_tpye: unknown "
	    "key, ignored (did you mean 'ca_type'?)");
	ck_assert_error(&d, "conf.d/ca-info.conf:20: [f] ca_eab_hmac_key: must "
	    "be a base64url key");
	ck_assert_error(&d, "conf.d/ca-info.conf:21: [f] ca_account: '../x' is "
	    "not an account id (the folder name under the account directory)");
	/* the service naming the broken entry gets no second error */
	ck_assert_errors(&d, 8);
}
END_TEST

START_TEST(test_dns01_needs_dns)
{
	tree_write(&t, "conf.d/ssl-mgr.conf",
	    "[[groups]]\n    domain = 'example.test'\n    services = ['svc']\n"
	    "    active = true\n");
	ck_assert_load(load_svc(HEAD "signing_ca = 'le-dns'\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: signing_ca: 'le-dns' "
	    "uses dns-01, which needs [dns] acme_dir and restart_cmd in "
	    "conf.d/ssl-mgr.conf");
	ck_assert_error(&d, "conf.d/example.test/svc:4: signing_ca: 'le-dns' "
	    "uses dns-01, but no [[dns_primary]] entry matches group "
	    "'example.test' (add one with domain = 'example.test' or "
	    "'default')");
	ck_assert_errors(&d, 2);
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "signing_ca = 'le-http'\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: signing_ca: 'le-http' "
	    "uses http-01, which needs [web] server_dir and [web] servers in "
	    "conf.d/ssl-mgr.conf");
	ck_assert_errors(&d, 1);
}
END_TEST

START_TEST(test_ca_group_rules)
{
	tree_write(&t, "conf.d/ssl-mgr.conf",
	    "[[groups]]\n    domain = 'ca'\n    services = ['root']\n"
	    "    active = true\n");
	tree_write(&t, "conf.d/ca/root", "name = 'root'\ngroup = 'ca'\n"
	    "service = 'root'\nsigning_ca = 'root'\n"
	    "[X509]\n    CN = 'Root CA 1'\n    O = 'E'\n    C = 'US'\n");
	ck_assert_load(tree_load(&t, &c, &d), -1, &d);
	ck_assert_error(&d, "conf.d/ca/root:1: [CA]: required in group 'ca' "
	    "(sign_end_days, digest)");
	ck_assert_error(&d, "conf.d/ca/root:4: signing_ca: unknown signing CA "
	    "'root' (not in conf.d/ca-info.conf)");
	ck_assert_errors(&d, 2);
	conf_clear(&c);
	conf_diags_clear(&d);
	tree_write(&t, "conf.d/ca-info.conf", "[root]\n    ca_type = 'self'\n");
	ck_assert_load(tree_load(&t, &c, &d), -1, &d);
	ck_assert_error(&d, "conf.d/ca/root:4: signing_ca: 'root' cannot sign "
	    "itself (write signing_ca = 'self' for a root CA)");
	ck_assert_errors(&d, 2);
	/* free-text CN in group ca, copied unchanged */
	s = conf_find_service(&c, "ca", "root");
	ck_assert_uint_eq(s->x509.n_names, 1);
	ck_assert_str_eq(s->x509.names[0].name, "Root CA 1");
}
END_TEST

Suite *
suite_config_ca(void)
{
	Suite *su = suite_create("config CAs");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, test_signers);
	tcase_add_test(pos, test_ca_info_values);
	tcase_add_test(pos, test_ca_info_profile);
	tcase_add_test(pos, test_ca_account);
	tcase_add_test(neg, test_signing_ca_errors);
	tcase_add_test(neg, test_ca_info_missing);
	tcase_add_test(neg, test_ca_info_errors);
	tcase_add_test(neg, test_dns01_needs_dns);
	tcase_add_test(neg, test_ca_group_rules);
	suite_add_tcase(su, pos);
	suite_add_tcase(su, neg);
	return su;
}
