/*
 * Names in certificates (config.md §5.3, field cases 14-18): CN, sans
 * normalisation and the certbot limits.
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

/* Field cases 15/16: normalised, de-duplicated by value, first kept. */
START_TEST(test_sans_normalised)
{
	const struct conf_x509 *x;
	unsigned char v6[16];

	ck_assert_load(load_svc(HEAD "[X509]\n    CN = 'Example.TEST'\n"
	    "    O = 'E'\n    C = 'us'\n"
	    "    sans = ['EXAMPLE.test.', 'www.example.test', '10.1.1.10',\n"
	    "            '2001:db8::10', '2001:DB8:0:0:0:0:0:10',\n"
	    "            'WWW.example.test', '*.example.test', '_dmarc.x.test',\n"
	    "            '10.1.1.10']\n"), 0, &d);
	x = &s->x509;
	ck_assert_str_eq(x->CN, "Example.TEST");	/* subject as written */
	ck_assert_uint_eq(x->n_sans, 6);
	ck_assert_str_eq(x->sans[0].name, "example.test");
	ck_assert(!x->sans[0].is_ip);
	ck_assert_str_eq(x->sans[1].name, "www.example.test");
	ck_assert_str_eq(x->sans[2].name, "10.1.1.10");
	ck_assert(x->sans[2].is_ip);
	ck_assert_int_eq(x->sans[2].family, AF_INET);
	ck_assert_str_eq(x->sans[3].name, "2001:db8::10");
	ck_assert_int_eq(x->sans[3].family, AF_INET6);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::10", v6), 1);
	ck_assert_mem_eq(x->sans[3].addr, v6, 16);
	ck_assert_int_eq(x->sans[3].line, 9);
	ck_assert_str_eq(x->sans[4].name, "*.example.test");
	ck_assert_str_eq(x->sans[5].name, "_dmarc.x.test");
	ck_assert(x->cn_in_sans);
	ck_assert_uint_eq(x->n_names, 6);
	ck_assert_str_eq(x->names[0].name, "example.test");
}
END_TEST

/* With [CA] the CN need not be in sans: it goes first in names. */
START_TEST(test_names_cn_prepended)
{
	ck_assert_load(load_svc(HEAD "[X509]\n    CN = 'Host.Example.test'\n"
	    "    O = 'E'\n    C = 'US'\n    sans = ['example.test']\n"
	    "[CA]\n    sign_end_days = 0\n    digest = 'SHA512'\n"), 0, &d);
	ck_assert(!s->x509.cn_in_sans);
	ck_assert_uint_eq(s->x509.n_names, 2);
	ck_assert_str_eq(s->x509.names[0].name, "host.example.test");
	ck_assert_str_eq(s->x509.names[1].name, "example.test");
	ck_assert(s->ca_sec.present);
	ck_assert_int_eq(s->ca_sec.sign_end_days, 0);
	ck_assert_int_eq(s->ca_sec.validity_days, 1);	/* max(1, days) */
	ck_assert_str_eq(s->ca_sec.digest, "sha512");
	ck_assert(s->ca_sec.digest_set);
}
END_TEST

/* With ca_server (not Let's Encrypt) the 100-name limit does not apply. */
START_TEST(test_certbot_limit_other_ca)
{
	char *text = NULL, *sans = strdup("'example.test'"), *tmp;

	for (int i = 1; i <= 120; i++) {
		ck_assert_int_ne(asprintf(&tmp, "%s, 'h%03d.example.test'", sans,
		    i), -1);
		free(sans);
		sans = tmp;
	}
	ck_assert_int_ne(asprintf(&text, HEAD "signing_ca = 'pebble'\n[X509]\n"
	    "    CN = 'example.test'\n    O = 'E'\n    C = 'US'\n"
	    "    sans = [%s]\n", sans), -1);
	ck_assert_load(load_svc(text), 0, &d);
	ck_assert_uint_eq(s->x509.n_names, 121);
	free(text);
	free(sans);
}
END_TEST

/* Field case 18: entries that normalise to 100 names (spelling variants
 * and duplicates included) are accepted; CN + 100 SANs = 101 names are
 * refused with the count. */
START_TEST(test_certbot_name_limit)
{
	char *text = NULL, *sans = strdup("'example.test'"), *tmp;

	for (int i = 1; i <= 99; i++) {
		ck_assert_int_ne(asprintf(&tmp, "%s, 'h%03d.example.test'", sans,
		    i), -1);
		free(sans);
		sans = tmp;
	}
	ck_assert_int_ne(asprintf(&text, "name = 'x'\ngroup = 'example.test'\n"
	    "service = 'svc'\nsigning_ca = 'le-dns'\n[X509]\n"
	    "    CN = 'Example.Test'\n    O = 'E'\n    C = 'US'\n"
	    "    sans = [%s, 'H050.example.test', 'h099.example.test.', "
	    "'EXAMPLE.TEST']\n", sans), -1);
	ck_assert_load(load_svc(text), 0, &d);
	ck_assert_uint_eq(s->x509.n_sans, 100);
	ck_assert_uint_eq(s->x509.n_names, 100);
	ck_assert(s->x509.cn_in_sans);
	free(text);
	free(sans);
	conf_clear(&c);
	conf_diags_clear(&d);

	sans = strdup("'h001.example.test'");
	for (int i = 2; i <= 100; i++) {
		ck_assert_int_ne(asprintf(&tmp, "%s, 'h%03d.example.test'", sans,
		    i), -1);
		free(sans);
		sans = tmp;
	}
	ck_assert_int_ne(asprintf(&text, "name = 'x'\ngroup = 'example.test'\n"
	    "service = 'svc'\nsigning_ca = 'le-dns'\n[X509]\n"
	    "    CN = 'example.test'\n    O = 'E'\n    C = 'US'\n"
	    "    sans = [%s]\n", sans), -1);
	ck_assert_load(load_svc(text), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:9: [X509] sans: 101 names "
	    "(CN + 100 SANs); Let's Encrypt allows at most 100");
	ck_assert_error(&d, "conf.d/example.test/svc:9: [X509] sans: must "
	    "contain CN 'example.test' (a service without [CA] lists its CN in "
	    "sans)");
	ck_assert_errors(&d, 2);
	free(text);
	free(sans);
}
END_TEST

/* Field case 14: no CN is refused, naming CN. */
START_TEST(test_cn_missing)
{
	ck_assert_load(load_svc(HEAD "signing_ca = 'le-dns'\n[X509]\n"
	    "    O = 'E'\n    C = 'US'\n"
	    "    sans = ['mail.example.test', 'example.test']\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:5: [X509] CN: required, "
	    "missing (the certificate's common name)");
	ck_assert_errors(&d, 1);
	/* the name list never holds an empty name */
	ck_assert_uint_eq(s->x509.n_names, 2);
	ck_assert_str_eq(s->x509.names[0].name, "mail.example.test");
}
END_TEST

START_TEST(test_names_errors)
{
	ck_assert_load(load_svc(HEAD "[X509]\n"	/* 4 */
	    "    CN = 'b\xc3\xbc" "cher.example.test'\n"
	    "    O = 'E'\n    C = 'US'\n"
	    "    sans = ['10.0.0.0/24',\n"		/* 8 */
	    "            'foo bar.example.test',\n"
	    "            '',\n"
	    "            'x.-bad.test',\n"
	    "            'www.b\xc3\xbc" "cher.example.test',\n"
	    "            'a.*.test',\n"
	    "            2001]\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:5: [X509] CN: "
	    "'b\xc3\xbc" "cher.example.test' is not ASCII (write "
	    "internationalised names as A-labels: xn--...)");
	ck_assert_error(&d, "conf.d/example.test/svc:8: [X509] sans[0]: "
	    "'10.0.0.0/24' is a network (CIDR), not an address (list single IP "
	    "addresses)");
	ck_assert_error(&d, "conf.d/example.test/svc:9: [X509] sans[1]: 'foo "
	    "bar.example.test' is not a valid DNS name (LDH labels of at most 63 "
	    "characters, 253 in all, an optional leading '*.')");
	ck_assert_error(&d, "conf.d/example.test/svc:10: [X509] sans[2]: empty "
	    "name");
	ck_assert_error(&d, "conf.d/example.test/svc:11: [X509] sans[3]: "
	    "'x.-bad.test' is not a valid DNS name (LDH labels of at most 63 "
	    "characters, 253 in all, an optional leading '*.')");
	ck_assert_error(&d, "conf.d/example.test/svc:12: [X509] sans[4]: "
	    "'www.b\xc3\xbc" "cher.example.test' is not ASCII (write "
	    "internationalised names as A-labels: xn--...)");
	ck_assert_error(&d, "conf.d/example.test/svc:13: [X509] sans[5]: "
	    "'a.*.test' is not a valid DNS name (LDH labels of at most 63 "
	    "characters, 253 in all, an optional leading '*.')");
	ck_assert_error(&d, "conf.d/example.test/svc:14: [X509] sans[6]: "
	    "expected a string, got integer 2001");
	ck_assert_errors(&d, 8);
}
END_TEST

START_TEST(test_cn_rules)
{
	ck_assert_load(load_svc(HEAD "[X509]\n    CN = '192.0.2.10'\n"
	    "    O = 'E'\n    C = 'US'\n    sans = ['192.0.2.10']\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:5: [X509] CN: '192.0.2.10' "
	    "is an IP address (use a DNS name as CN and list the address in "
	    "sans)");
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "[X509]\n    CN = "
	    "'a12345678901234567890123456789012345678901234567890123456789012.x'\n"
	    "    O = 'E'\n    C = 'US'\n    sans = []\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:5: [X509] CN: longer than "
	    "64 characters (65)");
	ck_assert_error(&d, "conf.d/example.test/svc:8: [X509] sans: required "
	    "for a service without [CA], got [] (list the certificate's names, "
	    "CN first)");
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "[X509]\n    CN = 'example.test'\n"
	    "    O = 'E'\n    C = 'US'\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:4: [X509] sans: required "
	    "for a service without [CA], missing (list the certificate's names, "
	    "CN first)");
	ck_assert_errors(&d, 1);
}
END_TEST

START_TEST(test_certbot_rules)
{
	ck_assert_load(load_svc(HEAD "signing_ca = 'le-http'\n"
	    "[KeyOpts]\n    ktype = 'ed25519'\n"	/* 6 */
	    "[X509]\n    CN = 'www.example.test'\n"	/* 8 */
	    "    O = 'E'\n    C = 'US'\n"
	    "    sans = ['www.example.test', '10.1.1.10',\n"	/* 11 */
	    "            '*.example.test']\n"), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/svc:6: [KeyOpts] ktype: "
	    "ed25519 keys are only for self-signed and local-CA services (ACME "
	    "CAs do not issue for them)");
	ck_assert_error(&d, "conf.d/example.test/svc:8: [X509] CN: "
	    "'www.example.test' must equal the group 'example.test' for a "
	    "certbot CA");
	ck_assert_error(&d, "conf.d/example.test/svc:11: [X509] sans: "
	    "'10.1.1.10' is an IP address; certbot CAs cannot issue for IP "
	    "addresses (use a local CA)");
	ck_assert_error(&d, "conf.d/example.test/svc:12: [X509] sans: "
	    "'*.example.test' is a wildcard name; http-01 cannot validate "
	    "wildcards (use a dns-01 CA)");
	ck_assert_errors(&d, 4);
}
END_TEST

START_TEST(test_certbot_key_warnings)
{
	ck_assert_load(load_svc(HEAD "signing_ca = 'le-dns'\n"
	    "[KeyOpts]\n    ec_algo = 'secp521r1'\n" X509_OK), 0, &d);
	ck_assert_warning(&d, "conf.d/example.test/svc:5: [KeyOpts] ec_algo: "
	    "Let's Encrypt does not accept secp521r1 keys");
	conf_clear(&c);
	conf_diags_clear(&d);
	ck_assert_load(load_svc(HEAD "signing_ca = 'le-dns'\n"
	    "[KeyOpts]\n    ktype = 'rsa'\n    rsa_bits = 8192\n" X509_OK), 0, &d);
	ck_assert_warning(&d, "conf.d/example.test/svc:5: [KeyOpts] rsa_bits: "
	    "Let's Encrypt accepts at most 4096 bits");
}
END_TEST

Suite *
suite_config_names(void)
{
	Suite *su = suite_create("config names");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, test_sans_normalised);
	tcase_add_test(pos, test_names_cn_prepended);
	tcase_add_test(pos, test_certbot_limit_other_ca);
	tcase_add_test(neg, test_certbot_name_limit);
	tcase_add_test(neg, test_cn_missing);
	tcase_add_test(neg, test_names_errors);
	tcase_add_test(neg, test_cn_rules);
	tcase_add_test(neg, test_certbot_rules);
	tcase_add_test(neg, test_certbot_key_warnings);
	suite_add_tcase(su, pos);
	suite_add_tcase(su, neg);
	return su;
}
