/*
 * CSRs (crypto.md §3; field cases 14, 15, 16, 18). Subject order and
 * string types, the six requested extensions, SAN encoding; the openssl CLI
 * reads back what we wrote, and the SAN values are compared with the CSRs
 * the field cases made with `openssl req`.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "test_crypto_gen.h"

/* ---- helpers ------------------------------------------------------------ */

/* `openssl req -noout -text -verify` of req (status must be 0). */
static char *
req_text(X509_REQ *req)
{
	char *dir = tmpdir_new(), *path = tmp_write_csr(dir, "csr.pem", req);
	char *out;
	int st;

	out = openssl_run(&st, "req", "-noout", "-text", "-verify", "-in", path,
	    NULL);
	ck_assert_msg(st == 0, "%s", out);
	assert_line(out, "Certificate request self-signature verify OK");
	free(path);
	tmpdir_remove(dir);
	return out;
}

/* The leaf extension lines `openssl req -text` prints for our CSRs. */
static void
assert_leaf_ext_text(const char *text)
{
	assert_line(text, "X509v3 Basic Constraints: critical");
	assert_line(text, "CA:FALSE");
	assert_line(text, "X509v3 Key Usage:");         /* not critical */
	assert_line(text, "Digital Signature, Key Encipherment, Key Agreement");
	assert_line(text, "X509v3 Extended Key Usage:");
	assert_line(text, "TLS Web Server Authentication, TLS Web Client "
	    "Authentication, E-mail Protection, Code Signing, Time Stamping");
	assert_line(text, "X509v3 Subject Key Identifier:");
	assert_line(text, "X509v3 Authority Key Identifier:");
	assert_line(text, "X509v3 Subject Alternative Name:");
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(subject_order_types)
{
	static const int nids[] = { NID_commonName, NID_countryName,
		NID_stateOrProvinceName, NID_localityName,
		NID_organizationName, NID_organizationalUnitName,
		NID_pkcs9_emailAddress };
	static const int types[] = { V_ASN1_UTF8STRING, V_ASN1_PRINTABLESTRING,
		V_ASN1_UTF8STRING, V_ASN1_UTF8STRING, V_ASN1_UTF8STRING,
		V_ASN1_UTF8STRING, V_ASN1_IA5STRING };
	static const char *const vals[] = { "www.example.test", "GB",
		"Some State", "Town", "Example Org", "Unit",
		"hostmaster@example.test" };
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-384", 0);
	struct crypto_san san = san_dns("www.example.test");
	struct crypto_csr_spec spec = {
		.subject = { vals[0], vals[1], vals[2], vals[3], vals[4],
			vals[5], vals[6] },
		.sans = &san, .n_sans = 1,
	};
	X509_REQ *req = build_ok(k, &spec);
	const X509_NAME *name = X509_REQ_get_subject_name(req);
	char *text;

	ck_assert_int_eq(X509_NAME_entry_count(name), 7);
	for (int i = 0; i < 7; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		const ASN1_STRING *s = X509_NAME_ENTRY_get_data(e);

		ck_assert_int_eq(X509_NAME_ENTRY_set(e), i);    /* own RDN */
		ck_assert_int_eq(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)),
		    nids[i]);
		ck_assert_int_eq(ASN1_STRING_type(s), types[i]);
		ck_assert_int_eq(ASN1_STRING_length(s), (int)strlen(vals[i]));
		ck_assert(memcmp(ASN1_STRING_get0_data(s), vals[i],
		    strlen(vals[i])) == 0);
	}
	text = req_text(req);
	assert_line(text, "Version: 1 (0x0)");
	assert_line(text, "Subject: CN = www.example.test, C = GB, "
	    "ST = Some State, L = Town, O = Example Org, OU = Unit, "
	    "emailAddress = hostmaster@example.test");
	assert_line(text, "Signature Algorithm: ecdsa-with-SHA384");
	assert_leaf_ext_text(text);
	assert_line(text, "DNS:www.example.test");
	free(text);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(subject_omits_empty)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	struct crypto_san san = san_dns("a.example.test");
	const char *o = "SSLM Pr\xc3\xbc" "f";  /* UTF-8 is fine in O */
	struct crypto_csr_spec spec = {
		.subject = { .CN = "a.example.test", .C = "de", .ST = "",
			.O = o, .OU = "" },
		.sans = &san, .n_sans = 1,
	};
	X509_REQ *req = build_ok(k, &spec);
	const X509_NAME *name = X509_REQ_get_subject_name(req);
	const ASN1_STRING *s;

	ck_assert_int_eq(X509_NAME_entry_count(name), 3);
	ck_assert_int_eq(X509_NAME_get_index_by_NID(name, NID_countryName, -1), 1);
	ck_assert_int_eq(X509_NAME_get_index_by_NID(name, NID_organizationName,
	    -1), 2);
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, 2));
	ck_assert_int_eq(ASN1_STRING_type(s), V_ASN1_UTF8STRING);
	ck_assert_int_eq(ASN1_STRING_length(s), (int)strlen(o));
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

/* The six extensions by API: order, criticality, values. SKI is compared
 * with OpenSSL's own "subjectKeyIdentifier = hash" code. */
START_TEST(leaf_extensions)
{
	static const int order[] = { NID_basic_constraints, NID_key_usage,
		NID_ext_key_usage, NID_subject_key_identifier,
		NID_authority_key_identifier, NID_subject_alt_name };
	static const int eku_want[] = { NID_server_auth, NID_client_auth,
		NID_email_protect, NID_code_sign, NID_time_stamp };
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	X509_REQ *req = csr_ok(k, "leaf.example.test", false);
	STACK_OF(X509_EXTENSION) *exts = exts_of(req);
	BASIC_CONSTRAINTS *bc;
	ASN1_BIT_STRING *ku;
	EXTENDED_KEY_USAGE *eku;
	ASN1_OCTET_STRING *ski;
	AUTHORITY_KEYID *akid;
	X509_EXTENSION *ossl_ski;
	X509V3_CTX ctx;

	ck_assert_int_eq(sk_X509_EXTENSION_num(exts), 6);
	for (int i = 0; i < 6; i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);

		ck_assert_int_eq(OBJ_obj2nid(X509_EXTENSION_get_object(e)),
		    order[i]);
		ck_assert_int_eq(X509_EXTENSION_get_critical(e), i == 0);
	}
	bc = X509V3_get_d2i(exts, NID_basic_constraints, NULL, NULL);
	ck_assert_int_eq(bc->ca, 0);
	ck_assert_ptr_null(bc->pathlen);
	ku = X509V3_get_d2i(exts, NID_key_usage, NULL, NULL);
	/* digitalSignature (0), keyEncipherment (2), keyAgreement (4) */
	ck_assert_int_eq(ASN1_STRING_length(ku), 1);
	ck_assert_uint_eq(ASN1_STRING_get0_data(ku)[0], 0xa8);
	eku = X509V3_get_d2i(exts, NID_ext_key_usage, NULL, NULL);
	ck_assert_int_eq(sk_ASN1_OBJECT_num(eku), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)),
		    eku_want[i]);
	ski = X509V3_get_d2i(exts, NID_subject_key_identifier, NULL, NULL);
	akid = X509V3_get_d2i(exts, NID_authority_key_identifier, NULL, NULL);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(ski, akid->keyid), 0);
	ck_assert_ptr_null(akid->issuer);
	ck_assert_ptr_null(akid->serial);

	X509V3_set_ctx(&ctx, NULL, NULL, req, NULL, 0);
	ossl_ski = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_key_identifier,
	    "hash");
	ck_assert_ptr_nonnull(ossl_ski);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(X509_EXTENSION_get_data(ossl_ski),
	    ext_data(exts, NID_subject_key_identifier, NULL)), 0);
	assert_queue_empty();

	X509_EXTENSION_free(ossl_ski);
	AUTHORITY_KEYID_free(akid);
	ASN1_OCTET_STRING_free(ski);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	ASN1_BIT_STRING_free(ku);
	BASIC_CONSTRAINTS_free(bc);
	free_exts(exts);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(ca_extensions)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-384", 0);
	/* a CA's CN is free text and goes into the SAN list unchanged */
	X509_REQ *req = csr_ok(k, "Example Root CA, Inc.", true);
	STACK_OF(X509_EXTENSION) *exts = exts_of(req);
	int crit;
	char *text;

	ext_data(exts, NID_basic_constraints, &crit);
	ck_assert_int_eq(crit, 1);
	ext_data(exts, NID_key_usage, &crit);
	ck_assert_int_eq(crit, 1);
	text = req_text(req);
	assert_line(text, "X509v3 Basic Constraints: critical");
	assert_line(text, "CA:TRUE");
	assert_line(text, "X509v3 Key Usage: critical");
	assert_line(text, "Digital Signature, Key Encipherment, Key Agreement, "
	    "Certificate Sign, CRL Sign");
	assert_line(text, "DNS:Example Root CA, Inc.");
	free(text);
	free_exts(exts);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(ed25519_csr)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_ED25519, NULL, 0);
	X509_REQ *leaf = csr_ok(k, "vpn.example.test", false);
	X509_REQ *ca = csr_ok(k, "Ed Root", true);
	char *text;

	ck_assert_int_eq(X509_REQ_get_signature_nid(leaf), NID_ED25519);
	text = req_text(leaf);
	assert_line(text, "Signature Algorithm: ED25519");
	assert_line(text, "X509v3 Key Usage:");
	assert_line(text, "Digital Signature");
	free(text);
	text = req_text(ca);
	assert_line(text, "X509v3 Key Usage: critical");
	assert_line(text, "Digital Signature, Certificate Sign, CRL Sign");
	free(text);
	X509_REQ_free(ca);
	X509_REQ_free(leaf);
	EVP_PKEY_free(k);
}
END_TEST

/* Case 10 step 3: a CSR from the reused PKCS#1 key carries the case's SPKI. */
START_TEST(rsa_csr_case10)
{
	EVP_PKEY *k = key_file_ok("10-key-formats.rsa-pkcs1.pem");
	X509_REQ *req = csr_ok(k, "imap.example.test", false);
	unsigned char *der = NULL, md[32];
	char hex[65], *text;
	size_t n = 0;
	int len;

	len = i2d_X509_PUBKEY(X509_REQ_get_X509_PUBKEY(req), &der);
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(EVP_Q_digest(NULL, "SHA256", NULL, der, (size_t)len, md,
	    &n), 1);
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	/* 10-key-formats.md, "SHA-256 of the SubjectPublicKeyInfo DER" */
	ck_assert_str_eq(hex,
	    "dd6b1cf9d3ce46915e1fcfc3647833fa01ce703897fa27e73dbc884fd77ab5ec");
	text = req_text(req);
	assert_line(text, "Signature Algorithm: sha384WithRSAEncryption");
	assert_leaf_ext_text(text);
	free(text);
	OPENSSL_free(der);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

/* Case 16: IPv4 and IPv6 as iPAddress. With the case's empty subject the
 * SAN value equals the one `openssl req` wrote into csr-good.pem, byte for
 * byte (and ours is critical: RFC 5280 §4.2.1.6). */
START_TEST(ip_sans_case16)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	struct crypto_san sans[3] = { san_dns("host.example.test"),
		san_ip("192.0.2.10"), san_ip("2001:db8::10") };
	struct crypto_csr_spec spec = { .sans = sans, .n_sans = 3 };
	static const unsigned char v4[] = { 0x87, 0x04, 0xc0, 0x00, 0x02, 0x0a };
	X509_REQ *req = build_ok(k, &spec), *named;
	STACK_OF(X509_EXTENSION) *exts = exts_of(req);
	ASN1_OCTET_STRING *want = case_san("16-ip-san.csr-good.pem", NULL);
	const ASN1_OCTET_STRING *got;
	int crit;
	char *text;

	got = ext_data(exts, NID_subject_alt_name, &crit);
	ck_assert_int_eq(crit, 1);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(got, want), 0);
	ck_assert_ptr_nonnull(memmem(ASN1_STRING_get0_data(got),
	    (size_t)ASN1_STRING_length(got), v4, sizeof(v4)));
	text = req_text(req);
	assert_line(text, "Subject:");
	assert_line(text, "X509v3 Subject Alternative Name: critical");
	assert_line(text, "DNS:host.example.test, IP Address:192.0.2.10, "
	    "IP Address:2001:DB8:0:0:0:0:0:10");
	free(text);
	free_exts(exts);

	/* with a subject the SAN stays non-critical (crypto.md §3.3) */
	spec.subject.CN = "host.example.test";
	named = build_ok(k, &spec);
	exts = exts_of(named);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(ext_data(exts,
	    NID_subject_alt_name, &crit), want), 0);
	ck_assert_int_eq(crit, 0);
	free_exts(exts);
	X509_REQ_free(named);
	ASN1_OCTET_STRING_free(want);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

/* Case 14: no CN at all (tlsserver profile): empty subject, the names only
 * in a critical SAN, the same list as the case's CSR. */
START_TEST(no_cn_case14)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-384", 0);
	struct crypto_san sans[2] = { san_dns("mail.example.test"),
		san_dns("example.test") };
	struct crypto_csr_spec spec = { .sans = sans, .n_sans = 2 };
	X509_REQ *req = build_ok(k, &spec);
	STACK_OF(X509_EXTENSION) *exts = exts_of(req);
	ASN1_OCTET_STRING *want = case_san("14-no-cn-tlsserver.csr.pem", NULL);
	int crit;

	ck_assert_int_eq(X509_NAME_entry_count(X509_REQ_get_subject_name(req)), 0);
	ck_assert_int_eq(sk_X509_EXTENSION_num(exts), 6);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(ext_data(exts,
	    NID_subject_alt_name, &crit), want), 0);
	ck_assert_int_eq(crit, 1);
	ASN1_OCTET_STRING_free(want);
	free_exts(exts);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

/* Case 18: 100 names (CN among them, not added twice) give the SAN value
 * of the case's openssl-made CSR; 101 names are fine for a local CA. */
START_TEST(many_names_case18)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	struct crypto_san sans[101];
	char names[101][32];
	struct crypto_csr_spec spec = { .subject = { .CN = "h001.example.test" },
		.sans = sans, .n_sans = 100 };
	ASN1_OCTET_STRING *want = case_san("18-over-100-sans.csr-100.pem", NULL);
	X509_REQ *req;
	STACK_OF(X509_EXTENSION) *exts;
	GENERAL_NAMES *gens;

	for (int i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), "h%03d.example.test", i + 1);
		sans[i] = san_dns(names[i]);
	}
	req = build_ok(k, &spec);
	exts = exts_of(req);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(ext_data(exts,
	    NID_subject_alt_name, NULL), want), 0);
	free_exts(exts);
	X509_REQ_free(req);

	/* CN example.test in front of the 100: 101 names */
	memmove(sans + 1, sans, 100 * sizeof(sans[0]));
	sans[0] = san_dns("example.test");
	spec.subject.CN = "example.test";
	spec.n_sans = 101;
	req = build_ok(k, &spec);
	exts = exts_of(req);
	gens = X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL);
	ck_assert_int_eq(sk_GENERAL_NAME_num(gens), 101);
	GENERAL_NAMES_free(gens);
	free_exts(exts);
	X509_REQ_free(req);
	ASN1_OCTET_STRING_free(want);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(pem_roundtrip)
{
	struct sslm_err err = { "" };
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	X509_REQ *req = csr_ok(k, "rt.example.test", false), *back;
	char *dir = tmpdir_new(), *path, *pem;
	unsigned char *d1 = NULL, *d2 = NULL;
	size_t len;
	int l1, l2;

	ck_assert_int_eq(crypto_csr_to_pem(req, &pem, &len, &err), 0);
	ck_assert_uint_eq(strlen(pem), len);
	ck_assert(strncmp(pem, "-----BEGIN CERTIFICATE REQUEST-----\n", 36) == 0);
	path = tmp_write(dir, "csr.pem", pem, len);
	back = crypto_csr_read(path, &err);
	ck_assert_msg(back != NULL, "%s", err.msg);
	assert_queue_empty();
	l1 = i2d_X509_REQ(req, &d1);
	l2 = i2d_X509_REQ(back, &d2);
	ck_assert_int_eq(l1, l2);
	ck_assert(memcmp(d1, d2, (size_t)l1) == 0);
	OPENSSL_free(d2);
	OPENSSL_free(d1);
	X509_REQ_free(back);
	free(pem);
	free(path);
	tmpdir_remove(dir);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
}
END_TEST

void
add_csr_tests(Suite *pos, Suite *neg)
{
	TCase *p = tcase_create("csr");

	(void)neg;      /* the CSR errors are in test_crypto_gen_csr_err.c */

	tcase_set_timeout(p, SLOW_TIMEOUT);
	tcase_add_test(p, subject_order_types);
	tcase_add_test(p, subject_omits_empty);
	tcase_add_test(p, leaf_extensions);
	tcase_add_test(p, ca_extensions);
	tcase_add_test(p, ed25519_csr);
	tcase_add_test(p, rsa_csr_case10);
	tcase_add_test(p, ip_sans_case16);
	tcase_add_test(p, no_cn_case14);
	tcase_add_test(p, many_names_case18);
	tcase_add_test(p, pem_roundtrip);
	suite_add_tcase(pos, p);

}
