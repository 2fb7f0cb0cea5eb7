/*
 * Local signing (crypto.md §4): digests, dates, a CA without SKI, PEM
 * output, and the errors. The chains are in test_crypto_gen_chain.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "test_crypto_gen.h"

/* ---- positive ----------------------------------------------------------- */

/*
 * Every [CA] digest spelling picks its algorithm. OpenSSL 3.0 signs ECDSA
 * with SHA-3 but cannot verify it (openssl/openssl#21224), so SHA-3
 * signatures are verified here with the RSA key only.
 */
START_TEST(digests)
{
	static const struct {
		const char *name;
		int ec, rsa;
		bool sha3;
	} t[] = {
		{ NULL, NID_ecdsa_with_SHA384, NID_sha384WithRSAEncryption, false },
		{ "", NID_ecdsa_with_SHA384, NID_sha384WithRSAEncryption, false },
		{ "sha224", NID_ecdsa_with_SHA224, NID_sha224WithRSAEncryption,
		    false },
		{ "SHA256", NID_ecdsa_with_SHA256, NID_sha256WithRSAEncryption,
		    false },
		{ "Sha384", NID_ecdsa_with_SHA384, NID_sha384WithRSAEncryption,
		    false },
		{ "sha512", NID_ecdsa_with_SHA512, NID_sha512WithRSAEncryption,
		    false },
		{ "sha3_224", NID_ecdsa_with_SHA3_224, NID_RSA_SHA3_224, true },
		{ "SHA3-256", NID_ecdsa_with_SHA3_256, NID_RSA_SHA3_256, true },
		{ "sha3-384", NID_ecdsa_with_SHA3_384, NID_RSA_SHA3_384, true },
		{ "Sha3_512", NID_ecdsa_with_SHA3_512, NID_RSA_SHA3_512, true },
	};
	EVP_PKEY *ec = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	EVP_PKEY *rsa = key_file_ok("10-key-formats.rsa-pkcs8.pem");
	X509_REQ *ereq = csr_ok(ec, "d.example.test", false);
	X509_REQ *rreq = csr_ok(rsa, "r.example.test", false);

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		X509 *x = self_ok(ereq, ec, 30, t[i].name);
		X509 *y = self_ok(rreq, rsa, 30, t[i].name);

		ck_assert_msg(X509_get_signature_nid(x) == t[i].ec, "%s: %s",
		    t[i].name, OBJ_nid2sn(X509_get_signature_nid(x)));
		ck_assert_msg(X509_get_signature_nid(y) == t[i].rsa, "%s: %s",
		    t[i].name, OBJ_nid2sn(X509_get_signature_nid(y)));
		if (!t[i].sha3)
			ck_assert_int_eq(X509_verify(x, ec), 1);
		ck_assert_int_eq(X509_verify(y, rsa), 1);
		X509_free(y);
		X509_free(x);
	}
	ERR_clear_error();
	X509_REQ_free(rreq);
	X509_REQ_free(ereq);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}
END_TEST

/* A fixed notBefore; the dates were computed with
 * `date -u -d @1700000000` and `date -u -d @$((1700000000 + 86400))`. After
 * 2049 notAfter is a GeneralizedTime (RFC 5280 §4.1.2.5). */
START_TEST(fixed_dates)
{
	struct crypto_sign_spec spec = { .days = 1, .not_before = 1700000000 };
	struct sslm_err err = { "" };
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	X509_REQ *req = csr_ok(k, "t.example.test", false);
	X509 *x = crypto_sign_self(req, k, &spec, &err);
	char *dir = tmpdir_new(), *path, *out;
	int st;

	ck_assert_msg(x != NULL, "%s", err.msg);
	path = tmp_write_cert(dir, "c.pem", x);
	out = openssl_run(&st, "x509", "-noout", "-dates", "-in", path, NULL);
	assert_line(out, "notBefore=Nov 14 22:13:20 2023 GMT");
	assert_line(out, "notAfter=Nov 15 22:13:20 2023 GMT");
	free(out);
	free(path);
	X509_free(x);

	spec.days = 36500;
	x = crypto_sign_self(req, k, &spec, &err);
	ck_assert_msg(x != NULL, "%s", err.msg);
	ck_assert_int_eq(ASN1_STRING_type(X509_get0_notBefore(x)), V_ASN1_UTCTIME);
	ck_assert_int_eq(ASN1_STRING_type(X509_get0_notAfter(x)),
	    V_ASN1_GENERALIZEDTIME);
	path = tmp_write_cert(dir, "c.pem", x);
	out = openssl_run(&st, "x509", "-noout", "-enddate", "-in", path, NULL);
	assert_line(out, "notAfter=Oct 21 22:13:20 2123 GMT");
	free(out);
	free(path);
	tmpdir_remove(dir);
	X509_free(x);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

/* A CA certificate without SKI: the AKI is the SHA-1 of its key, as
 * OpenSSL's X509_pubkey_digest computes it. */
START_TEST(ca_without_ski)
{
	EVP_PKEY *ck = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	EVP_PKEY *lk = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	X509 *ca = X509_new(), *leaf;
	X509_NAME *n = X509_NAME_new();
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
	X509_REQ *req;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const ASN1_OCTET_STRING *aki;

	bc->ca = 0xff;
	ck_assert_int_eq(X509_set_version(ca, X509_VERSION_3), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(ca), 7), 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"No SKI CA", -1, -1, 0), 1);
	ck_assert_int_eq(X509_set_subject_name(ca, n), 1);
	ck_assert_int_eq(X509_set_issuer_name(ca, n), 1);
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(ca), 0));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(ca), 86400));
	ck_assert_int_eq(X509_set_pubkey(ca, ck), 1);
	ck_assert_int_eq(X509_add1_ext_i2d(ca, NID_basic_constraints, bc, 1, 0), 1);
	ck_assert_int_gt(X509_sign(ca, ck, EVP_sha256()), 0);
	ck_assert_ptr_null(X509_get0_subject_key_id(ca));

	req = csr_ok(lk, "l.example.test", false);
	leaf = by_ca_ok(req, ca, ck, 10, "sha256");
	aki = aki_of(leaf);
	ck_assert_int_eq(X509_pubkey_digest(ca, EVP_sha1(), md, &mdlen), 1);
	ck_assert_int_eq(ASN1_STRING_length(aki), (int)mdlen);
	ck_assert(memcmp(ASN1_STRING_get0_data(aki), md, mdlen) == 0);
	assert_queue_empty();
	X509_free(leaf);
	X509_REQ_free(req);
	BASIC_CONSTRAINTS_free(bc);
	X509_NAME_free(n);
	X509_free(ca);
	EVP_PKEY_free(lk);
	EVP_PKEY_free(ck);
}
END_TEST

START_TEST(cert_pem_read)
{
	struct sslm_err err = { "" };
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	X509_REQ *req = csr_ok(k, "p.example.test", false);
	X509 *x = self_ok(req, k, 5, NULL), *back;
	char *pem, *dir = tmpdir_new(), *two, *path;
	size_t len, rlen;
	char *root = gslurp("root-p384.pem", &rlen);

	ck_assert_int_eq(crypto_cert_to_pem(x, &pem, &len, &err), 0);
	ck_assert_uint_eq(strlen(pem), len);
	ck_assert(strncmp(pem, "-----BEGIN CERTIFICATE-----\n", 28) == 0);
	/* the first certificate of a chain file */
	two = str_printf("%s%s", pem, root);
	path = tmp_write(dir, "fullchain.pem", two, strlen(two));
	back = crypto_cert_read(path, &err);
	ck_assert_msg(back != NULL, "%s", err.msg);
	ck_assert_int_eq(X509_cmp(x, back), 0);
	assert_queue_empty();
	X509_free(back);
	free(path);
	free(two);
	free(root);
	free(pem);
	tmpdir_remove(dir);
	X509_free(x);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(unknown_digest)
{
	static const char *const bad[] = { "md5", "sha1", "sha-256", "sha256 ",
		"blake2b512", "sha3_999", "sha384sha384sha384sha384" };
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	EVP_PKEY *ed = key_ok(CRYPTO_KEY_ED25519, NULL, 0);
	X509_REQ *req = csr_ok(k, "u.example.test", false);
	X509_REQ *edreq = csr_ok(ed, "e.example.test", true);
	X509 *edca = self_ok(edreq, ed, 10, NULL);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *want = str_printf("unknown digest '%s' (use sha224, sha256, "
		    "sha384, sha512, sha3_224, sha3_256, sha3_384 or sha3_512)",
		    bad[i]);

		self_fails(req, k, 10, bad[i], want);
		/* a configuration error even where the digest is not used */
		by_ca_fails(req, edca, ed, 10, bad[i], want);
		free(want);
	}
	X509_free(edca);
	X509_REQ_free(edreq);
	X509_REQ_free(req);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(bad_days)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	X509_REQ *req = csr_ok(k, "b.example.test", false);

	self_fails(req, k, 0, NULL, "validity of 0 days: must be at least 1");
	self_fails(req, k, -5, NULL, "validity of -5 days: must be at least 1");
	self_fails(req, k, 2147483647, NULL,
	    "validity of 2147483647 days cannot be represented");
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(bad_csr)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	EVP_PKEY *ed448 = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	X509_REQ *req = csr_ok(k, "c.example.test", false);
	X509_REQ *r448 = X509_REQ_new();
	X509_NAME *n = X509_NAME_new();

	self_fails(NULL, k, 10, NULL, "CSR: no usable public key");
	/* changed after signing: proof of possession fails */
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"evil.example.test", -1, -1, 0), 1);
	ck_assert_int_eq(X509_REQ_set_subject_name(req, n), 1);
	self_fails(req, k, 10, NULL, "CSR: its signature does not verify");
	/* a CSR of a key type ssl-mgr does not sign with */
	ck_assert_ptr_nonnull(ed448);
	ck_assert_int_eq(X509_REQ_set_subject_name(r448, n), 1);
	ck_assert_int_eq(X509_REQ_set_pubkey(r448, ed448), 1);
	ck_assert_int_gt(X509_REQ_sign(r448, ed448, NULL), 0);
	self_fails(r448, ed448, 10, NULL,
	    "signing key: unsupported key type ED448");
	X509_NAME_free(n);
	X509_REQ_free(r448);
	X509_REQ_free(req);
	EVP_PKEY_free(ed448);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(cert_read_errors)
{
	struct sslm_err err = { "" };
	char *key = gdata("10-key-formats.rsa-pkcs8.pem");

	ck_assert_ptr_null(crypto_cert_read("/nonexistent/cert.pem", &err));
	assert_err(&err, "/nonexistent/cert.pem: cannot open");
	ck_assert_ptr_null(crypto_cert_read(key, &err));
	assert_err(&err, "no certificate found (found PRIVATE KEY instead)");
	free(key);
}
END_TEST

void
add_sign_tests(Suite *pos, Suite *neg)
{
	TCase *p = tcase_create("sign");
	TCase *n = tcase_create("sign");

	tcase_set_timeout(p, SLOW_TIMEOUT);
	tcase_add_test(p, digests);
	tcase_add_test(p, fixed_dates);
	tcase_add_test(p, ca_without_ski);
	tcase_add_test(p, cert_pem_read);
	suite_add_tcase(pos, p);

	tcase_set_timeout(n, SLOW_TIMEOUT);
	tcase_add_test(n, unknown_digest);
	tcase_add_test(n, bad_days);
	tcase_add_test(n, bad_csr);
	tcase_add_test(n, cert_read_errors);
	suite_add_tcase(neg, n);
}
