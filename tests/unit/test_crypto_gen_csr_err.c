/*
 * CSR errors (crypto.md §3; field cases 15 and 16): what the builder and
 * the reader refuse, each with the message the user sees.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "test_crypto_gen.h"

START_TEST(bad_subject)
{
	static const struct {
		struct crypto_name n;
		const char *want;
	} t[] = {
		{ { .CN = "x.test", .C = "GBR" }, "subject C 'GBR': must be a "
		    "two-letter country code" },
		{ { .CN = "x.test", .C = "G" }, "two-letter country code" },
		{ { .CN = "x.test", .C = "1A" }, "two-letter country code" },
		{ { .CN = "b\xc3\xbc" "cher.example.test" },
		    "subject CN 'b\xc3\xbc" "cher.example.test': must be ASCII "
		    "(write an IDN as its xn-- A-label)" },
		{ { .CN = "x.test", .O = "evil\x1b[31m" },
		    "subject O: control character 0x1b not allowed" },
		/* never quoted back, not even by a later check */
		{ { .CN = "x.test", .C = "GB\x1b[2J" },
		    "subject C: control character 0x1b not allowed" },
		{ { .CN = "\xc3\xbc\x1b]0;x\x07" },
		    "subject CN: control character 0x1b not allowed" },
		{ { .CN = "x.test", .email = "h\xc3\xb6st@example.test" },
		    "subject email 'h\xc3\xb6st@example.test': must be ASCII" },
		{ { .CN = "x.test", .O = "bad \xff utf-8" },
		    "subject O: must be 1 to 64 characters of UTF-8" },
	};
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	struct crypto_san san = san_dns("x.test");

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct crypto_csr_spec spec = { .subject = t[i].n, .sans = &san,
			.n_sans = 1 };

		build_fails(k, &spec, t[i].want);
	}
	EVP_PKEY_free(k);
}
END_TEST

/* X.520 upper bounds: CN 64, O and OU 64, ST and L 128, email 128. */
START_TEST(subject_lengths)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	struct crypto_san san = san_dns("x.test");
	struct crypto_csr_spec spec = { .sans = &san, .n_sans = 1 };
	char s64[65], s65[66], s129[130];
	X509_REQ *req;

	memset(s64, 'a', 64);
	s64[64] = '\0';
	memset(s65, 'a', 65);
	s65[65] = '\0';
	memset(s129, 'a', 129);
	s129[129] = '\0';
	spec.subject.CN = s64;
	req = build_ok(k, &spec);
	X509_REQ_free(req);
	spec.subject.CN = s65;
	build_fails(k, &spec, "subject CN: must be 1 to 64 characters of ASCII");
	spec.subject.CN = "x.test";
	spec.subject.OU = s65;
	build_fails(k, &spec, "subject OU: must be 1 to 64 characters");
	spec.subject.OU = NULL;
	spec.subject.L = s129;
	build_fails(k, &spec, "subject L: must be 1 to 128 characters");
	EVP_PKEY_free(k);
}
END_TEST

/* Case 15 (raw UTF-8 in a dNSName) and case 16 (an IP written as a DNS
 * name, as in csr-ip-as-dns-BAD.pem) are refused, as are broken entries. */
START_TEST(bad_sans)
{
	struct crypto_san bad_len = san_ip("192.0.2.1");
	static const struct {
		const char *dns;
		const char *want;
	} t[] = {
		{ "b\xc3\xbc" "cher.example.test", "SAN 'b\xc3\xbc"
		    "cher.example.test': DNS names must be ASCII (write an IDN "
		    "as its xn-- A-label)" },
		{ "2001:db8::10", "SAN '2001:db8::10': an IP address given as "
		    "a DNS name" },
		{ "10.0.0.0/24", "an IP address given as a DNS name" },
		{ "", "SAN 1: DNS name empty" },
		{ "a\tb.test", "SAN 1: control character 0x09" },
		{ "\xc3\xbc\x1b[31m.test", "SAN 1: control character 0x1b" },
	};
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	ASN1_OCTET_STRING *bad = case_san("16-ip-san.csr-ip-as-dns-BAD.pem", NULL);
	const unsigned char *p = ASN1_STRING_get0_data(bad);
	GENERAL_NAMES *gens = d2i_GENERAL_NAMES(NULL, &p,
	    ASN1_STRING_length(bad));
	GENERAL_NAME *gn = sk_GENERAL_NAME_value(gens, 0);
	char bad_dns[32];
	struct crypto_san san;
	struct crypto_csr_spec spec = { .subject = { .CN = "x.test" },
		.sans = &san, .n_sans = 1 };

	/* the BAD sample's dNSName, "192.0.2.10" */
	ck_assert_int_eq(gn->type, GEN_DNS);
	snprintf(bad_dns, sizeof(bad_dns), "%.*s",
	    ASN1_STRING_length(gn->d.dNSName),
	    (const char *)ASN1_STRING_get0_data(gn->d.dNSName));
	ck_assert_str_eq(bad_dns, "192.0.2.10");
	san = san_dns(bad_dns);
	build_fails(k, &spec, "SAN '192.0.2.10': an IP address given as a DNS "
	    "name (it must be an IP entry)");

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		san = san_dns(t[i].dns);
		build_fails(k, &spec, t[i].want);
	}
	san = san_dns(NULL);
	build_fails(k, &spec, "SAN 1: DNS name empty");
	bad_len.addr_len = 5;
	spec.sans = &bad_len;
	build_fails(k, &spec, "SAN 1: IP address of 5 bytes (must be 4 or 16)");
	spec.n_sans = 0;
	build_fails(k, &spec, "no subject alternative names");
	GENERAL_NAMES_free(gens);
	ASN1_OCTET_STRING_free(bad);
	EVP_PKEY_free(k);
}
END_TEST

/* Keys ssl-mgr never makes and could not sign a sensible CSR with. */
START_TEST(unsupported_key)
{
	EVP_PKEY *ed448 = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	EVP_PKEY *x25519 = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	struct crypto_san san = san_dns("x.test");
	struct crypto_csr_spec spec = { .subject = { .CN = "x.test" },
		.sans = &san, .n_sans = 1 };

	ck_assert_ptr_nonnull(ed448);
	ck_assert_ptr_nonnull(x25519);
	build_fails(ed448, &spec, "CSR key: unsupported key type ED448 (ssl-mgr "
	    "signs with EC, RSA or Ed25519 keys)");
	build_fails(x25519, &spec, "unsupported key type X25519");
	build_fails(NULL, &spec, "CSR key: no key given");
	EVP_PKEY_free(x25519);
	EVP_PKEY_free(ed448);
}
END_TEST

START_TEST(read_errors)
{
	struct sslm_err err = { "" };
	char *cert = gdata("10-key-formats.cert.pem"), *dir = tmpdir_new();
	char *path, *want;
	size_t len;
	char *pem = gslurp("16-ip-san.csr-good.pem", &len);

	ck_assert_ptr_null(crypto_csr_read("/nonexistent/csr.pem", &err));
	assert_err(&err, "/nonexistent/csr.pem: cannot open");

	ck_assert_ptr_null(crypto_csr_read(cert, &err));
	want = str_printf("%s: no certificate request found", cert);
	ck_assert_str_eq(err.msg, want);
	assert_queue_empty();
	free(want);

	/* the outer SEQUENCE header, just after the BEGIN line */
	pem[37] = pem[37] == 'A' ? 'B' : 'A';
	pem[38] = pem[38] == 'A' ? 'B' : 'A';
	path = tmp_write(dir, "bad.pem", pem, len);
	ck_assert_ptr_null(crypto_csr_read(path, &err));
	assert_err(&err, ": not a valid certificate request");
	free(path);
	tmpdir_remove(dir);
	free(pem);
	free(cert);
}
END_TEST

void
add_csr_err_tests(Suite *pos, Suite *neg)
{
	TCase *n = tcase_create("csr errors");

	(void)pos;
	tcase_set_timeout(n, SLOW_TIMEOUT);
	tcase_add_test(n, bad_subject);
	tcase_add_test(n, subject_lengths);
	tcase_add_test(n, bad_sans);
	tcase_add_test(n, unsupported_key);
	tcase_add_test(n, read_errors);
	suite_add_tcase(neg, n);
}
