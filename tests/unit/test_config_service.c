/*
 * Service files (config.md §5): identity keys, [KeyOpts], [CA], dane_tls,
 * section names.
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

START_TEST(test_keyopts_values)
{
	ck_assert_load(load_svc(HEAD "[KeyOpts]\n    ktype = 'RSA'\n"
	    "    rsa_bits = '3072'\n" X509_OK), 0, &d);
	ck_assert_int_eq(s->key.ktype, CONF_KTYPE_RSA);
	ck_assert_int_eq(s->key.rsa_bits, 3072);
	ck_assert_uint_eq(d.n_warnings, 0);
}
END_TEST

START_TEST(test_keyopts_curves)
{
	ck_assert_load(load_svc(HEAD "[keyopts]\n    ec_algo = 'prime256v1'\n"
	    X509_OK), 0, &d);
	ck_assert_str_eq(s->key.ec_curve, "secp256r1");
	conf_clear(&c);
	ck_assert_load(load_svc(HEAD "[KeyOpts]\n    ec_algo = 'P-521'\n"
	    X509_OK), 0, &d);
	ck_assert_str_eq(s->key.ec_curve, "secp521r1");
	conf_clear(&c);
	ck_assert_load(load_svc(HEAD "[KeyOpts]\n    ec_algo = 'SECP256R1'\n"
	    X509_OK), 0, &d);
	ck_assert_str_eq(s->key.ec_curve, "secp256r1");
}
END_TEST

START_TEST(test_keyopts_bits_alias)
{
	ck_assert_load(load_svc(HEAD "[KeyOpts]\n    ktype = 'rsa'\n"
	    "    bits = 2048\n" X509_OK), 0, &d);
	ck_assert_int_eq(s->key.rsa_bits, 2048);
	ck_assert_warning(&d, "conf.d/example.test/svc:6: [KeyOpts] bits: read "
	    "as rsa_bits (rename it to rsa_bits)");
}
END_TEST

START_TEST(test_keyopts_ed25519_local)
{
	ck_assert_load(load_svc(HEAD "signing_ca = 'my-int'\n[KeyOpts]\n"
	    "    ktype = 'Ed25519'\n    ec_algo = 'secp384r1'\n" X509_OK), 0, &d);
	ck_assert_int_eq(s->key.ktype, CONF_KTYPE_ED25519);
	ck_assert_warning(&d, "conf.d/example.test/svc:7: [KeyOpts] ec_algo: "
	    "ignored for ed25519 keys");
}
END_TEST

START_TEST(test_dane_values)
{
	ck_assert_load(load_svc(HEAD "dane_tls_ttl = 3600\n"
	    "dane_tls = [[25, 'tcp', 3, 1, 1], [465, 'TCP', 3, 0, 1, 'mx'],\n"
	    "            [587, 'udp', 2, 1, 2, 'SANS'], [443, 'tcp', 0, 1, 0]]\n"
	    X509_OK), 0, &d);
	ck_assert_uint_eq(s->n_dane, 4);
	ck_assert_int_eq(s->dane_tls_ttl, 3600);
	ck_assert_int_eq(s->dane_line, 5);
	ck_assert_int_eq(s->dane[0].port, 25);
	ck_assert_str_eq(s->dane[0].proto, "tcp");
	ck_assert_int_eq(s->dane[0].subtype, CONF_DANE_MX);
	ck_assert(!s->dane[0].subtype_explicit);
	ck_assert_str_eq(s->dane[1].proto, "tcp");
	ck_assert_int_eq(s->dane[1].selector, 0);
	ck_assert_int_eq(s->dane[1].subtype, CONF_DANE_MX);
	ck_assert(s->dane[1].subtype_explicit);
	ck_assert_int_eq(s->dane[2].usage, 2);
	ck_assert_int_eq(s->dane[2].match, 2);
	ck_assert_int_eq(s->dane[2].subtype, CONF_DANE_SANS);
	ck_assert_int_eq(s->dane[2].line, 6);
	ck_assert_int_eq(s->dane[3].subtype, CONF_DANE_SANS);
	ck_assert_int_eq(s->dane[3].match, 0);
}
END_TEST

START_TEST(test_identity_errors)
{
	ck_assert_load(load_svc("group = 'example.com'\nservice = 'web'\n"
	    "name = ''\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:1: group: 'example.com' "
	    "does not match the directory 'example.test'");
	ck_assert_error(&d, "conf.d/example.test/svc:2: service: 'web' does not "
	    "match the file name 'svc'");
	ck_assert_error(&d, "conf.d/example.test/svc:3: name: required, got '' "
	    "(a descriptive name)");
	ck_assert_errors(&d, 3);
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc("name = 'x'\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:1: group: required, "
	    "missing (must be 'example.test')");
	ck_assert_error(&d, "conf.d/example.test/svc:1: service: required, "
	    "missing (must be 'svc')");
	ck_assert_errors(&d, 2);
}
END_TEST

START_TEST(test_keyopts_errors)
{
	ck_assert_load(load_svc(HEAD "[KeyOpts]\n"	/* 4 */
	    "    ktype = 'dsa'\n"
	    "    ec_algo = 'secp256k1'\n"
	    "    rsa_bits = 1024\n"
	    "    kype = 'ec'\n"
	    X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:5: [KeyOpts] ktype: "
	    "unknown key type 'dsa' (ec, rsa or ed25519)");
	ck_assert_error(&d, "conf.d/example.test/svc:6: [KeyOpts] ec_algo: "
	    "unknown curve 'secp256k1' (secp256r1, secp384r1 or secp521r1)");
	ck_assert_error(&d, "conf.d/example.test/svc:7: [KeyOpts] rsa_bits: "
	    "must be between 2048 and 16384, got 1024");
	ck_assert_warning(&d, "conf.d/example.test/svc:8: [KeyOpts] kype: "
	    "unknown key, ignored (did you mean 'ktype'?)");
	ck_assert_errors(&d, 3);
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "[KeyOpts]\n    ktype = ''\n"
	    "    rsa_bits = 'big'\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:5: [KeyOpts] ktype: "
	    "required, got '' (ec, rsa or ed25519)");
	ck_assert_error(&d, "conf.d/example.test/svc:6: [KeyOpts] rsa_bits: "
	    "expected an integer, got string 'big'");
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "[KeyOpts]\n    rsa_bits = 4096.0\n"
	    X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:5: [KeyOpts] rsa_bits: "
	    "expected an integer, got float 4096.0");
}
END_TEST

START_TEST(test_x509_errors)
{
	ck_assert_load(load_svc(HEAD "[X509]\n"	/* 4 */
	    "    CN = 'example.test'\n"
	    "    C = 'USA'\n"
	    "    email = 'h\xc3\xb6stmaster@example.test'\n"
	    "    OU = 5\n"
	    "    sans = ['example.test']\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: [X509] O: required, "
	    "missing (organisation name)");
	ck_assert_error(&d, "conf.d/example.test/svc:6: [X509] C: expected a "
	    "two-letter country code, got 'USA'");
	ck_assert_error(&d, "conf.d/example.test/svc:7: [X509] email: "
	    "'h\xc3\xb6stmaster@example.test' is not ASCII");
	ck_assert_error(&d, "conf.d/example.test/svc:8: [X509] OU: expected a "
	    "string, got integer 5");
	ck_assert_errors(&d, 4);
	conf_clear(&c);
	conf_diags_clear(&d);
	/* the example of config.md §8 */
	ck_assert_load(load_svc(HEAD "[X509]\n    CN = 'example.test'\n"
	    "    O = 'E'\n    C = ''\n    sans = ['example.test']\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:7: [X509] C: required, "
	    "got '' (two-letter country code)");
}
END_TEST

START_TEST(test_dane_errors)
{
	ck_assert_load(load_svc(HEAD
	    "dane_tls = [25, [25, 'tcp', 3, 1],\n"			/* 4 */
	    "    [0, 'sctp', 4, '1', 3, 'A'],\n"			/* 5 */
	    "    [25, 'tcp', 3, 1, 1, 'MX', 1]]\n"			/* 6 */
	    "dane_tls_ttl = -1\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: dane_tls[0]: expected an "
	    "item [port, proto, usage, selector, match] (write dane_tls = [[25, "
	    "'tcp', 3, 1, 1]]), got integer 25");
	ck_assert_error(&d, "conf.d/example.test/svc:4: dane_tls[1]: expected 5 "
	    "or 6 elements [port, proto, usage, selector, match, subtype], got 4");
	ck_assert_error(&d, "conf.d/example.test/svc:5: dane_tls[2]: port: "
	    "expected an integer 1-65535, got integer 0");
	ck_assert_error(&d, "conf.d/example.test/svc:5: dane_tls[2]: proto: "
	    "expected 'tcp' or 'udp', got string 'sctp'");
	ck_assert_error(&d, "conf.d/example.test/svc:5: dane_tls[2]: usage: "
	    "expected an integer 0-3, got integer 4");
	ck_assert_error(&d, "conf.d/example.test/svc:5: dane_tls[2]: selector: "
	    "expected an integer 0-1, got string '1'");
	ck_assert_error(&d, "conf.d/example.test/svc:5: dane_tls[2]: match: "
	    "expected an integer 0-2, got integer 3");
	ck_assert_error(&d, "conf.d/example.test/svc:5: dane_tls[2]: subtype: "
	    "expected 'MX' or 'SANS', got string 'A'");
	ck_assert_error(&d, "conf.d/example.test/svc:6: dane_tls[3]: expected 5 "
	    "or 6 elements [port, proto, usage, selector, match, subtype], got 7");
	ck_assert_error(&d, "conf.d/example.test/svc:7: dane_tls_ttl: must be 0 "
	    "or more, got -1");
	ck_assert_errors(&d, 10);
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "dane_tls = 'x'\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: dane_tls: expected an "
	    "array of [port, proto, usage, selector, match] items, got string "
	    "'x'");
}
END_TEST

START_TEST(test_ca_section_errors)
{
	ck_assert_load(load_svc(HEAD X509_OK "[CA]\n    digest = 'md5'\n"
	    "    sign_days = 3\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:9: [CA] sign_end_days: "
	    "required, missing (validity in days of the certificates this "
	    "service signs)");
	ck_assert_error(&d, "conf.d/example.test/svc:10: [CA] digest: unknown "
	    "digest 'md5' (sha256, sha384 or sha512)");
	ck_assert_warning(&d, "conf.d/example.test/svc:11: [CA] sign_days: "
	    "unknown key, ignored");
	ck_assert_errors(&d, 2);
}
END_TEST

START_TEST(test_sections_case)
{
	ck_assert_load(load_svc(HEAD "[x509]\n    CN = 'example.test'\n"
	    "    O = 'E'\n    C = 'US'\n    sans = ['example.test']\n"
	    "[X509]\n    CN = 'other'\n[Extra]\n    a = 1\nsomething = 2\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:9: [X509]: defined twice "
	    "([x509] on line 4); section names are case-insensitive");
	ck_assert_warning(&d, "conf.d/example.test/svc:11: Extra: unknown "
	    "table, ignored");
	ck_assert_errors(&d, 1);
	ck_assert_str_eq(s->x509.CN, "example.test");	/* the first one */
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "X509 = 'x'\nsigning_ca = ''\n"
	    "servce = 'svc'\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: [X509]: expected a "
	    "table, got string 'x'");
	ck_assert_warning(&d, "conf.d/example.test/svc:6: servce: unknown key, "
	    "ignored (did you mean 'service'?)");
	ck_assert_errors(&d, 1);
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:1: [X509]: required "
	    "section missing (CN, O, C, sans)");
	ck_assert_errors(&d, 1);
	ck_assert_str_eq(s->x509.CN, "");
}
END_TEST

START_TEST(test_account_errors)
{
	ck_assert_load(load_svc(HEAD "ca_account = 'x'\n" X509_OK), 0, &d);
	ck_assert_warning(&d, "conf.d/example.test/svc:4: ca_account: ignored: "
	    "not signed by a certbot CA");
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "signing_ca = 'le-dns'\n"
	    "ca_account = 'a b'\n" X509_OK), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:5: ca_account: 'a b' is not "
	    "an account id (the folder name under the account directory)");
}
END_TEST

Suite *
suite_config_service(void)
{
	Suite *su = suite_create("config service files");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, test_keyopts_values);
	tcase_add_test(pos, test_keyopts_curves);
	tcase_add_test(pos, test_keyopts_bits_alias);
	tcase_add_test(pos, test_keyopts_ed25519_local);
	tcase_add_test(pos, test_dane_values);
	tcase_add_test(neg, test_identity_errors);
	tcase_add_test(neg, test_keyopts_errors);
	tcase_add_test(neg, test_x509_errors);
	tcase_add_test(neg, test_dane_errors);
	tcase_add_test(neg, test_ca_section_errors);
	tcase_add_test(neg, test_sections_case);
	tcase_add_test(neg, test_account_errors);
	suite_add_tcase(su, pos);
	suite_add_tcase(su, neg);
	return su;
}
