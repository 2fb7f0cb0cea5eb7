/* crypto unit tests: the PEM certificate reader, good and damaged input. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "test_crypto.h"

/* ---- positive: PEM reader ----------------------------------------------- */

START_TEST(pem_layouts_same_der)
{
	static const char *const files[] = { "fullchain-crlf.pem",
	    "fullchain-crlf-noeol.pem", "fullchain-garbage.pem",
	    "chain-with-trusted.pem" };
	STACK_OF(X509) *ref = read_certs_ok("fullchain.pem", 2);

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		STACK_OF(X509) *c = read_certs_ok(files[i], 2);

		/* Same certificates, byte for byte (trust data gone). */
		for (int j = 0; j < 2; j++)
			ck_assert_msg(X509_cmp(sk_X509_value(c, j),
			    sk_X509_value(ref, j)) == 0, "%s: cert %d differs",
			    files[i], j + 1);
		crypto_certs_free(c);
	}
	crypto_certs_free(ref);
}
END_TEST

/* Fingerprints given in ../shared/cases/07-*.md and 08-*.md (made there with
 * openssl x509 -fingerprint -sha256). */
#define FP_08_LEAF "51:5C:70:21:22:9D:44:95:D0:69:1A:71:D4:ED:37:67:BF:18:FD:75:F2:DC:04:C3:E2:51:D4:20:EE:DB:AD:4C"
#define FP_07_INTERMEDIATE "D0:60:95:94:5F:16:D9:8A:A8:7F:3C:59:86:DD:F7:14:03:00:6E:C0:0F:96:37:E8:92:4C:4A:6C:78:A2:5B:E1"
#define FP_07_ROOT "85:7B:E7:E9:4B:0C:C3:82:2B:66:A0:E3:B5:E4:15:D0:34:AF:6F:E1:C9:30:7C:28:DE:FA:18:D0:88:35:72:C8"

START_TEST(pem_case08)
{
	static const char *const files[] = { "08-crlf-chain.fullchain-crlf.pem",
	    "08-crlf-chain.fullchain-crlf-noeol.pem",
	    "08-crlf-chain.fullchain-mixed.pem" };
	char fp[3 * EVP_MAX_MD_SIZE];
	STACK_OF(X509) *c;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		c = read_certs_ok(files[i], 2);    /* no phantom third cert */
		fingerprint(sk_X509_value(c, 0), fp);
		ck_assert_str_eq(fp, FP_08_LEAF);
		fingerprint(sk_X509_value(c, 1), fp);
		ck_assert_str_eq(fp, FP_07_INTERMEDIATE);
		crypto_certs_free(c);
	}
	c = read_certs_ok("08-crlf-chain.chain-leading-blank-crlf.pem", 1);
	fingerprint(sk_X509_value(c, 0), fp);
	ck_assert_str_eq(fp, FP_07_INTERMEDIATE);
	crypto_certs_free(c);
}
END_TEST

START_TEST(pem_case07)
{
	char fp[3 * EVP_MAX_MD_SIZE];
	STACK_OF(X509) *c;

	/* Fingerprint over the 480-byte certificate only, never all 528. */
	c = read_certs_ok("07-trusted-certificate.root-trusted.pem", 1);
	fingerprint(sk_X509_value(c, 0), fp);
	ck_assert_str_eq(fp, FP_07_ROOT);
	ck_assert_int_eq(i2d_X509(sk_X509_value(c, 0), NULL), 480);
	/* Trust data dropped: no alias, no trust settings. */
	ck_assert_ptr_null(X509_alias_get0(sk_X509_value(c, 0), NULL));
	crypto_certs_free(c);
	/* intermediate (plain) then root (TRUSTED), in file order */
	c = read_certs_ok("07-trusted-certificate.chain-with-trusted-root.pem", 2);
	fingerprint(sk_X509_value(c, 0), fp);
	ck_assert_str_eq(fp, FP_07_INTERMEDIATE);
	fingerprint(sk_X509_value(c, 1), fp);
	ck_assert_str_eq(fp, FP_07_ROOT);
	crypto_certs_free(c);
}
END_TEST

START_TEST(pem_labels_and_headers)
{
	struct sslm_err err = { "" };
	STACK_OF(X509) *c = NULL;
	size_t len;
	char *leaf = slurp("leaf-p256.pem", &len), *a, *b;

	/* The old "X509 CERTIFICATE" label */
	a = replace_first(leaf, "BEGIN CERTIFICATE", "BEGIN X509 CERTIFICATE");
	b = replace_first(a, "END CERTIFICATE", "END X509 CERTIFICATE");
	ck_assert_int_eq(crypto_pem_read_certs(b, strlen(b), "x", &c, &err), 1);
	crypto_certs_free(c);
	free(a);
	free(b);
	/* RFC 1421 headers and a blank line at the top of the block, blanks
	 * around lines, a '#' line inside the block */
	a = replace_first(leaf, "-----\n", "-----  \nProc-Type: 4,TEST\n"
	    "Comment: x\n\n# note\n");
	b = replace_first(a, "\n-----END", " \t\n-----END");
	ck_assert_int_eq(crypto_pem_read_certs(b, strlen(b), NULL, &c, &err), 1);
	crypto_certs_free(c);
	free(a);
	free(b);
	/* A stray END line outside any block is commentary too. */
	a = str_printf("-----END CERTIFICATE-----\n%s", leaf);
	ck_assert_int_eq(crypto_pem_read_certs(a, strlen(a), "x", &c, &err), 1);
	crypto_certs_free(c);
	free(a);
	free(leaf);
	assert_queue_empty();
}
END_TEST

START_TEST(pem_first_only)
{
	struct sslm_err err = { "" };
	struct crypto_cert_info ci;
	STACK_OF(X509) *c = NULL;
	size_t len;
	char *leaf = slurp("leaf-p256.pem", &len);
	char *text = str_printf("%s-----BEGIN CERTIFICATE-----\n!!!!\n", leaf);

	/* The summary reads the first certificate and stops there ... */
	crypto_cert_info_init(&ci);
	ck_assert_int_eq(crypto_cert_info_from_pem(text, strlen(text), "f.pem",
	    &ci, &err), 0);
	ck_assert_str_eq(ci.subject_cn, "leaf.example.test");
	crypto_cert_info_clear(&ci);
	/* ... while the chain reader rejects the damaged second block. */
	ck_assert_int_eq(crypto_pem_read_certs(text, strlen(text), "f.pem", &c,
	    &err), -1);
	ck_assert_ptr_null(c);
	assert_queue_empty();
	free(text);
	free(leaf);
}
END_TEST

START_TEST(pem_stale_queue_ignored)
{
	struct sslm_err err = { "" };
	STACK_OF(X509) *c = NULL;

	/* An error some earlier caller left behind is not ours to report. */
	ERR_raise(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE);
	ck_assert_int_eq(crypto_pem_read_certs("x", 1, "s.pem", &c, &err), -1);
	ck_assert_ptr_null(strstr(err.msg, "hash table"));
	assert_queue_empty();
}
END_TEST

/* ---- negative: damaged PEM ---------------------------------------------- */

START_TEST(neg_other_blocks_listed)
{
	const char *t = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
	    "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"
	    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";

	pem_fails(t, strlen(t),
	    "no certificate found (found PRIVATE KEY, X509 CRL instead)");
}
END_TEST


/* 1-based line number of offset off in s */
static unsigned long
line_of(const char *s, size_t off)
{
	unsigned long n = 1;

	for (size_t i = 0; i < off; i++)
		n += s[i] == '\n';
	return n;
}

START_TEST(neg_bad_base64_char)
{
	size_t len;
	char *t = slurp("fullchain.pem", &len), *want;
	/* third base64 line of the second certificate */
	char *p = strstr(t + 1, "-----BEGIN CERTIFICATE-----");

	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 3; i++)
		p = strchr(p, '\n') + 1;
	p[10] = '!';
	want = str_printf("certificate 2: bad base64 (character '!' on line %lu)",
	    line_of(t, (size_t)(p - t)));
	pem_fails(t, len, want);
	p[10] = '\x01';
	free(want);
	want = str_printf("certificate 2: bad base64 (byte 0x01 on line %lu)",
	    line_of(t, (size_t)(p - t)));
	pem_fails(t, len, want);
	free(want);
	free(t);
}
END_TEST

static const struct {
	const char *body, *want;
} shape_rows[] = {
	{ "AAAA\nAAA\n", "bad base64 (truncated or damaged: 7 characters is "
	    "not a multiple of 4)" },
	{ "AA==\nAAAA\n", "bad base64 (data after '=' padding on line 3)" },
	{ "A===\n", "too much '=' padding" },
	{ "", "certificate 1: empty block (BEGIN on line 1)" },
	{ "Proc-Type: 4,ENCRYPTED\n\n", "empty block" },
	/* valid base64, not DER: OpenSSL's reason is appended */
	{ "AAAA\n", "certificate 1: not a valid certificate: asn1" },
};

START_TEST(neg_base64_shape)
{
	char *t = str_printf("-----BEGIN CERTIFICATE-----\n%s"
	    "-----END CERTIFICATE-----\n", shape_rows[_i].body);

	pem_fails(t, strlen(t), shape_rows[_i].want);
	free(t);
}
END_TEST

START_TEST(neg_truncated_der)
{
	size_t len;
	char *t = slurp("leaf-p256.pem", &len);
	char *p = strchr(t, '\n') + 1, *q = strchr(p, '\n') + 1;

	/* Drop one whole 64-column line: still base64, no longer DER. */
	memmove(p, q, strlen(q) + 1);
	pem_fails(t, strlen(t), "certificate 1: not a valid certificate: ");
	free(t);
}
END_TEST

START_TEST(neg_structure)
{
	size_t len;
	char *leaf = slurp("leaf-p256.pem", &len), *root = slurp("root-p384.pem", &len);
	char *a, *b;

	a = replace_first(leaf, "-----END CERTIFICATE-----\n", "");
	pem_fails(a, strlen(a), "t.pem: CERTIFICATE block starting on line 1 has "
	    "no END line");
	b = str_printf("%s%s", a, root);        /* leaf is 16 lines, END gone */
	pem_fails(b, strlen(b), "t.pem: line 16: BEGIN CERTIFICATE inside the "
	    "CERTIFICATE block that starts on line 1 (missing END line?)");
	free(a);
	free(b);
	a = replace_first(leaf, "END CERTIFICATE", "END PRIVATE KEY");
	pem_fails(a, strlen(a), "t.pem: line 16: END PRIVATE KEY does not match "
	    "BEGIN CERTIFICATE on line 1");
	free(a);
	free(leaf);
	free(root);
}
END_TEST

START_TEST(neg_trusted_mislabelled)
{
	size_t len;
	char *t = slurp("07-trusted-certificate.root-trusted.pem", &len), *a, *b;

	/* 528-byte payload = 480-byte certificate + 48 bytes of trust data */
	a = replace_first(t, "BEGIN TRUSTED CERTIFICATE", "BEGIN CERTIFICATE");
	b = replace_first(a, "END TRUSTED CERTIFICATE", "END CERTIFICATE");
	pem_fails(b, strlen(b), "certificate 1: 48 bytes of extra data after the "
	    "certificate (a TRUSTED CERTIFICATE labelled CERTIFICATE?)");
	free(a);
	free(b);
	free(t);
}
END_TEST

/* A TRUSTED block whose payload is the plain root DER + extra bytes. */
static char *
trusted_with(const unsigned char *extra, size_t extra_len)
{
	STACK_OF(X509) *c = read_certs_ok("root-p384.pem", 1);
	unsigned char *der = NULL, *b64;
	int n = i2d_X509(sk_X509_value(c, 0), &der);
	size_t total;
	char *pem;

	ck_assert_int_gt(n, 0);
	total = (size_t)n + extra_len;
	der = OPENSSL_realloc(der, total);
	ck_assert_ptr_nonnull(der);
	memcpy(der + n, extra, extra_len);
	b64 = malloc(total / 3 * 4 + 8);
	ck_assert_ptr_nonnull(b64);
	EVP_EncodeBlock(b64, der, (int)total);          /* one long line: fine */
	pem = str_printf("-----BEGIN TRUSTED CERTIFICATE-----\n%s\n"
	    "-----END TRUSTED CERTIFICATE-----\n", b64);
	free(b64);
	OPENSSL_free(der);
	crypto_certs_free(c);
	return pem;
}

START_TEST(neg_trusted_damaged)
{
	/* OCTET STRING where the trust SEQUENCE should be */
	static const unsigned char bad[] = { 0x04, 0x01, 0x00 };
	/* an empty trust SEQUENCE (valid) followed by a stray byte */
	static const unsigned char tail[] = { 0x30, 0x00, 0xff };
	/* only the empty trust SEQUENCE: fine */
	static const unsigned char ok[] = { 0x30, 0x00 };
	struct sslm_err err = { "" };
	STACK_OF(X509) *c = NULL;
	char *t;

	t = trusted_with(bad, sizeof(bad));
	pem_fails(t, strlen(t), "certificate 1: damaged trust data after the "
	    "certificate: ");
	free(t);
	t = trusted_with(tail, sizeof(tail));
	pem_fails(t, strlen(t), "certificate 1: 1 bytes of extra data after the "
	    "certificate");
	free(t);
	t = trusted_with(ok, sizeof(ok));
	ck_assert_int_eq(crypto_pem_read_certs(t, strlen(t), "t", &c, &err), 1);
	crypto_certs_free(c);
	free(t);
	assert_queue_empty();
}
END_TEST

void
add_pem_tests(Suite *pos, Suite *neg)
{
	TCase *tc = tcase_create("pem");

	tcase_add_test(tc, pem_layouts_same_der);
	tcase_add_test(tc, pem_case08);
	tcase_add_test(tc, pem_case07);
	tcase_add_test(tc, pem_labels_and_headers);
	tcase_add_test(tc, pem_first_only);
	tcase_add_test(tc, pem_stale_queue_ignored);
	suite_add_tcase(pos, tc);

	tc = tcase_create("damaged pem");
	tcase_add_test(tc, neg_other_blocks_listed);
	tcase_add_test(tc, neg_bad_base64_char);
	tcase_add_loop_test(tc, neg_base64_shape, 0,
	    sizeof(shape_rows) / sizeof(shape_rows[0]));
	tcase_add_test(tc, neg_truncated_der);
	tcase_add_test(tc, neg_structure);
	tcase_add_test(tc, neg_trusted_mislabelled);
	tcase_add_test(tc, neg_trusted_damaged);
	suite_add_tcase(neg, tc);
}
