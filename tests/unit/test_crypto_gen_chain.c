/*
 * Chains root -> intermediate -> leaf made with our functions (crypto.md
 * §4): `openssl verify -x509_strict` must accept them, with the AKI fix of
 * §4.4, random serials, exact validity and the configured digest. RSA, EC,
 * Ed25519 and mixed chains; field cases 14 and 16 through the local CA.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "test_crypto_gen.h"


void
chain_build(struct chain *c, EVP_PKEY *rk, EVP_PKEY *ik, EVP_PKEY *lk,
    const char *digest)
{
	struct crypto_san sans[3] = { san_dns("leaf.example.test"),
		san_dns("int.example.test"), san_ip("10.1.1.10") };
	struct crypto_csr_spec spec = {
		.subject = { .CN = "leaf.example.test", .C = "GB",
			.O = "SSLM Test", .email = "hostmaster@example.test" },
		.sans = sans, .n_sans = 3,
	};
	struct sslm_err err = { "" };

	memset(c, 0, sizeof(*c));
	c->rk = rk;
	c->ik = ik;
	c->lk = lk;
	c->t0 = time(NULL);
	c->rreq = csr_ok(rk, "SSLM Gen Root", true);
	c->root = self_ok(c->rreq, rk, ROOT_DAYS, digest);
	c->ireq = csr_ok(ik, "SSLM Gen Int", true);
	c->inter = by_ca_ok(c->ireq, c->root, rk, INT_DAYS, digest);
	c->lreq = crypto_csr_build(lk, &spec, &err);
	ck_assert_msg(c->lreq != NULL, "%s", err.msg);
	c->leaf = by_ca_ok(c->lreq, c->inter, ik, LEAF_DAYS, digest);
}

void
chain_free(struct chain *c)
{
	X509_free(c->leaf);
	X509_free(c->inter);
	X509_free(c->root);
	X509_REQ_free(c->lreq);
	X509_REQ_free(c->ireq);
	X509_REQ_free(c->rreq);
	EVP_PKEY_free(c->lk);
	EVP_PKEY_free(c->ik);
	EVP_PKEY_free(c->rk);
}

void
openssl_verifies(X509 *root, X509 *inter, X509 *cert)
{
	char *dir = tmpdir_new();
	char *r = tmp_write_cert(dir, "root.pem", root);
	char *i = inter != NULL ? tmp_write_cert(dir, "int.pem", inter) : NULL;
	char *l = tmp_write_cert(dir, "leaf.pem", cert);
	char *out, *ok = str_printf("%s: OK", l);
	int st;

	if (i != NULL)
		out = openssl_run(&st, "verify", "-x509_strict", "-CAfile", r,
		    "-untrusted", i, l, NULL);
	else
		out = openssl_run(&st, "verify", "-x509_strict", "-CAfile", r, l,
		    NULL);
	ck_assert_msg(st == 0, "openssl verify: %s", out);
	assert_line(out, ok);
	free(out);
	free(ok);
	free(l);
	free(i);
	free(r);
	tmpdir_remove(dir);
}

const ASN1_OCTET_STRING *
ski_of(X509 *x)
{
	const ASN1_OCTET_STRING *id = X509_get0_subject_key_id(x);

	ck_assert_ptr_nonnull(id);
	return id;
}

/* Positive, at most 159 bits, and different from other. */
static void
assert_serial(X509 *x, X509 *other)
{
	BIGNUM *a = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	BIGNUM *b = ASN1_INTEGER_to_BN(X509_get0_serialNumber(other), NULL);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(!BN_is_negative(a) && !BN_is_zero(a));
	ck_assert_int_le(BN_num_bits(a), 159);
	ck_assert_int_ne(BN_cmp(a, b), 0);
	BN_free(b);
	BN_free(a);
}

/* notAfter - notBefore is exactly days, notBefore between t0 and now. */
static void
assert_validity(X509 *x, int days, time_t t0)
{
	ASN1_TIME *start = ASN1_TIME_set(NULL, t0);
	int d = -1, s = -1;

	ck_assert_int_eq(ASN1_TIME_diff(&d, &s, X509_get0_notBefore(x),
	    X509_get0_notAfter(x)), 1);
	ck_assert_int_eq(d, days);
	ck_assert_int_eq(s, 0);
	ck_assert_int_eq(ASN1_TIME_diff(&d, &s, start, X509_get0_notBefore(x)), 1);
	ck_assert_int_eq(d, 0);
	ck_assert(s >= 0 && s <= (int)(time(NULL) - t0));
	ASN1_TIME_free(start);
}

static bool
same_name_der(const X509_NAME *a, const X509_NAME *b)
{
	unsigned char *da = NULL, *db = NULL;
	int la = i2d_X509_NAME(a, &da), lb = i2d_X509_NAME(b, &db);
	bool eq = la > 0 && la == lb && memcmp(da, db, (size_t)la) == 0;

	OPENSSL_free(db);
	OPENSSL_free(da);
	return eq;
}

/* The certificate's extensions are the CSR's, same order and
 * criticality, values equal except the AKI. */
static void
assert_copied_exts(X509 *x, X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *rex = X509_REQ_get_extensions(req);

	ck_assert_int_eq(X509_get_ext_count(x), sk_X509_EXTENSION_num(rex));
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *a = X509_get_ext(x, i);
		X509_EXTENSION *b = sk_X509_EXTENSION_value(rex, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(a));

		ck_assert_int_eq(nid, OBJ_obj2nid(X509_EXTENSION_get_object(b)));
		ck_assert_int_eq(X509_EXTENSION_get_critical(a),
		    X509_EXTENSION_get_critical(b));
		if (nid != NID_authority_key_identifier)
			ck_assert_int_eq(ASN1_OCTET_STRING_cmp(
			    X509_EXTENSION_get_data(a),
			    X509_EXTENSION_get_data(b)), 0);
	}
	sk_X509_EXTENSION_pop_free(rex, X509_EXTENSION_free);
}

/* Everything §4.2/§4.4 says about a chain, then the openssl CLI. */
static void
check_chain(struct chain *c, int sig_nid)
{
	ck_assert_int_eq(X509_get_version(c->root), X509_VERSION_3);
	ck_assert_int_eq(X509_get_version(c->leaf), X509_VERSION_3);
	/* issuer = the CA's subject, exact encoding; subject from the CSR */
	ck_assert(same_name_der(X509_get_issuer_name(c->root),
	    X509_get_subject_name(c->root)));
	ck_assert(same_name_der(X509_get_issuer_name(c->inter),
	    X509_get_subject_name(c->root)));
	ck_assert(same_name_der(X509_get_issuer_name(c->leaf),
	    X509_get_subject_name(c->inter)));
	ck_assert(same_name_der(X509_get_subject_name(c->leaf),
	    X509_REQ_get_subject_name(c->lreq)));
	ck_assert(crypto_key_matches(X509_get0_pubkey(c->leaf), c->lk));
	/* §4.4: AKI = issuer's SKI (root: its own) */
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(aki_of(c->root), ski_of(c->root)), 0);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(aki_of(c->inter), ski_of(c->root)), 0);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(aki_of(c->leaf), ski_of(c->inter)), 0);
	ck_assert_int_ne(ASN1_OCTET_STRING_cmp(aki_of(c->leaf), ski_of(c->leaf)), 0);
	assert_copied_exts(c->root, c->rreq);
	assert_copied_exts(c->inter, c->ireq);
	assert_copied_exts(c->leaf, c->lreq);
	assert_serial(c->root, c->inter);
	assert_serial(c->inter, c->leaf);
	assert_serial(c->leaf, c->root);
	assert_validity(c->root, ROOT_DAYS, c->t0);
	assert_validity(c->inter, INT_DAYS, c->t0);
	assert_validity(c->leaf, LEAF_DAYS, c->t0);
	ck_assert_int_eq(X509_get_signature_nid(c->root), sig_nid);
	ck_assert_int_eq(X509_get_signature_nid(c->leaf), sig_nid);
	ck_assert_int_eq(X509_check_ca(c->inter), 1);
	ck_assert_int_eq(X509_check_ca(c->leaf), 0);
	assert_queue_empty();
	openssl_verifies(c->root, NULL, c->inter);
	openssl_verifies(c->root, c->inter, c->leaf);
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(chain_ec)
{
	struct chain c;
	char *dir = tmpdir_new(), *path, *out;
	int st;

	chain_build(&c, key_ok(CRYPTO_KEY_EC, "P-384", 0),
	    key_ok(CRYPTO_KEY_EC, "secp384r1", 0),
	    key_ok(CRYPTO_KEY_EC, "P-256", 0), NULL);
	check_chain(&c, NID_ecdsa_with_SHA384);
	/* crypto.md §4.5, as `openssl x509 -text` shows it */
	path = tmp_write_cert(dir, "leaf.pem", c.leaf);
	out = openssl_run(&st, "x509", "-noout", "-text", "-in", path, NULL);
	ck_assert_int_eq(st, 0);
	assert_line(out, "Version: 3 (0x2)");
	assert_line(out, "Issuer: CN = SSLM Gen Int, C = GB, O = SSLM Test");
	assert_line(out, "Subject: CN = leaf.example.test, C = GB, O = SSLM Test, "
	    "emailAddress = hostmaster@example.test");
	assert_line(out, "X509v3 Basic Constraints: critical");
	assert_line(out, "CA:FALSE");
	assert_line(out, "Digital Signature, Key Encipherment, Key Agreement");
	assert_line(out, "DNS:leaf.example.test, DNS:int.example.test, "
	    "IP Address:10.1.1.10");
	assert_line(out, "Signature Algorithm: ecdsa-with-SHA384");
	free(out);
	free(path);
	tmpdir_remove(dir);
	chain_free(&c);
}
END_TEST

START_TEST(chain_rsa)
{
	struct chain c;

	/* RSA 2048 only (speed); the root is the case-10 key */
	chain_build(&c, key_file_ok("10-key-formats.rsa-pkcs8.pem"),
	    key_ok(CRYPTO_KEY_RSA, NULL, 2048),
	    key_ok(CRYPTO_KEY_RSA, NULL, 2048), "sha256");
	check_chain(&c, NID_sha256WithRSAEncryption);
	chain_free(&c);
}
END_TEST

START_TEST(chain_ed25519)
{
	struct chain c;

	/* [CA] digest is ignored for Ed25519 signers */
	chain_build(&c, key_ok(CRYPTO_KEY_ED25519, NULL, 0),
	    key_ok(CRYPTO_KEY_ED25519, NULL, 0),
	    key_ok(CRYPTO_KEY_ED25519, NULL, 0), "sha512");
	check_chain(&c, NID_ED25519);
	chain_free(&c);
}
END_TEST

/* EC root over an RSA intermediate over an Ed25519 leaf. */
START_TEST(chain_mixed)
{
	struct chain c;

	chain_build(&c, key_ok(CRYPTO_KEY_EC, "P-521", 0),
	    key_file_ok("10-key-formats.rsa-pkcs1.pem"),
	    key_ok(CRYPTO_KEY_ED25519, NULL, 0), "sha512");
	ck_assert_int_eq(X509_get_signature_nid(c.root), NID_ecdsa_with_SHA512);
	ck_assert_int_eq(X509_get_signature_nid(c.inter), NID_ecdsa_with_SHA512);
	ck_assert_int_eq(X509_get_signature_nid(c.leaf), NID_sha512WithRSAEncryption);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(aki_of(c.leaf), ski_of(c.inter)), 0);
	openssl_verifies(c.root, c.inter, c.leaf);
	chain_free(&c);
}
END_TEST

/*
 * Field cases 14 and 16 through the local CA: our no-CN CSR, and the case's
 * own openssl-made csr-good.pem (empty subject, non-critical SAN, no AKI).
 * The result carries a critical SAN and an AKI, and verifies strictly.
 * Expected SAN text from 16-ip-san.md, "How to try it", step 2.
 */
START_TEST(cases_14_16_by_ca)
{
	struct chain c;
	struct crypto_san sans[2] = { san_dns("mail.example.test"),
		san_dns("example.test") };
	struct crypto_csr_spec spec = { .sans = sans, .n_sans = 2 };
	struct sslm_err err = { "" };
	char *csr16 = gdata("16-ip-san.csr-good.pem"), *dir = tmpdir_new();
	X509_REQ *r14, *r16;
	X509 *x14, *x16;
	char *path, *out;
	int st, crit = -1;

	chain_build(&c, key_ok(CRYPTO_KEY_EC, "P-256", 0),
	    key_ok(CRYPTO_KEY_EC, "P-256", 0), key_ok(CRYPTO_KEY_EC, "P-256", 0),
	    "sha256");
	r14 = crypto_csr_build(c.lk, &spec, &err);
	ck_assert_msg(r14 != NULL, "%s", err.msg);
	x14 = by_ca_ok(r14, c.inter, c.ik, 45, "sha256");
	ck_assert_int_eq(X509_NAME_entry_count(X509_get_subject_name(x14)), 0);
	openssl_verifies(c.root, c.inter, x14);

	r16 = crypto_csr_read(csr16, &err);
	ck_assert_msg(r16 != NULL, "%s", err.msg);
	x16 = by_ca_ok(r16, c.inter, c.ik, 90, "sha256");
	ck_assert_int_eq(X509_get_ext_count(x16), 2);
	ck_assert_int_eq(X509_get_ext_by_NID(x16, NID_subject_alt_name, -1), 0);
	ck_assert_int_eq(X509_get_ext_by_NID(x16, NID_authority_key_identifier,
	    -1), 1);
	GENERAL_NAMES_free(X509_get_ext_d2i(x16, NID_subject_alt_name, &crit,
	    NULL));
	ck_assert_int_eq(crit, 1);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(aki_of(x16), ski_of(c.inter)), 0);
	openssl_verifies(c.root, c.inter, x16);
	path = tmp_write_cert(dir, "x16.pem", x16);
	out = openssl_run(&st, "x509", "-noout", "-ext", "subjectAltName", "-in",
	    path, NULL);
	assert_line(out, "DNS:host.example.test, IP Address:192.0.2.10, "
	    "IP Address:2001:DB8:0:0:0:0:0:10");
	free(out);
	free(path);
	tmpdir_remove(dir);
	X509_free(x16);
	X509_REQ_free(r16);
	X509_free(x14);
	X509_REQ_free(r14);
	free(csr16);
	chain_free(&c);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

/* crypto_key_matches() guards both signing paths. */
START_TEST(wrong_keys)
{
	struct chain c;
	EVP_PKEY *other = key_ok(CRYPTO_KEY_EC, "P-256", 0);

	chain_build(&c, key_ok(CRYPTO_KEY_EC, "P-256", 0),
	    key_ok(CRYPTO_KEY_EC, "P-256", 0), key_ok(CRYPTO_KEY_EC, "P-256", 0),
	    NULL);
	self_fails(c.lreq, other, 10, NULL,
	    "the signing key does not match the CSR's public key");
	by_ca_fails(c.lreq, c.inter, c.rk, 10, NULL,
	    "CA key does not match the CA certificate");
	by_ca_fails(c.lreq, c.inter, other, 10, NULL,
	    "CA key does not match the CA certificate");
	by_ca_fails(c.lreq, NULL, c.ik, 10, NULL,
	    "CA key does not match the CA certificate");
	/* a leaf is no CA, even with its own key */
	by_ca_fails(c.ireq, c.leaf, c.lk, 10, NULL,
	    "CA certificate is not a CA certificate");
	EVP_PKEY_free(other);
	chain_free(&c);
}
END_TEST

void
add_chain_tests(Suite *pos, Suite *neg)
{
	TCase *p = tcase_create("chain");
	TCase *n = tcase_create("chain");

	tcase_set_timeout(p, SLOW_TIMEOUT);
	tcase_add_test(p, chain_ec);
	tcase_add_test(p, chain_rsa);
	tcase_add_test(p, chain_ed25519);
	tcase_add_test(p, chain_mixed);
	tcase_add_test(p, cases_14_16_by_ca);
	suite_add_tcase(pos, p);

	tcase_set_timeout(n, SLOW_TIMEOUT);
	tcase_add_test(n, wrong_keys);
	suite_add_tcase(neg, n);
}
