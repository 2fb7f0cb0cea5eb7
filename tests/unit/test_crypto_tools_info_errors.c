/*
 * sslm-info's library side, what must fail: damaged and odd PEM input,
 * unreadable files. Every problem is a line in the output and a count in
 * the return value; nothing stops the blocks that follow.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "test_crypto_tools.h"

START_TEST(garbage_blocks_reported)
{
	/* garbage.pem: text, a key, a CERTIFICATE with '!' in its base64,
	 * text, the intermediate, and a CERTIFICATE without END. */
	expect_info("garbage.pem", CRYPTO_INFO_FIELDS, 2,
	    "Key algo : prvkey-secp256r1\n\n"
	    "Error: cannot parse CERTIFICATE block 2 of garbage.pem\n\n"
	    INT_FIELDS "\n"
	    "Error: cannot parse CERTIFICATE block 4 of garbage.pem\n\n");
	expect_info("garbage.pem", CRYPTO_INFO_SUMMARY, 2,
	    DASHES "\ngarbage.pem\n\nKey algo : prvkey-secp256r1\n"
	    DASHES "\ngarbage.pem\n\n"
	    "Error: cannot parse CERTIFICATE block 2 of garbage.pem\n"
	    DASHES "\ngarbage.pem\n\n" INT_FIELDS
	    DASHES "\ngarbage.pem\n\n"
	    "Error: cannot parse CERTIFICATE block 4 of garbage.pem\n");
}
END_TEST

START_TEST(no_pem_blocks)
{
	expect_info("empty.pem", CRYPTO_INFO_SUMMARY, 1,
	    "Error: no PEM block found in empty.pem\n");
	expect_info("not-pem.txt", CRYPTO_INFO_VERBOSE, 1,
	    "Error: no PEM block found in not-pem.txt\n");
}
END_TEST

START_TEST(dh_parameters_not_a_certificate)
{
	/* tools.md §2.2: neither KEY nor REQUEST, so read as a certificate */
	expect_info("dhparam.pem", CRYPTO_INFO_SUMMARY, 1,
	    DASHES "\ndhparam.pem\n\n"
	    "Error: cannot parse DH PARAMETERS block 1 of dhparam.pem\n");
}
END_TEST

START_TEST(unreadable_files)
{
	struct sslm_err err = { "" };
	char *dir = tools_path("expected"), *missing = tools_path("nope.pem");
	char *s, *want;
	BIO *b = BIO_new(BIO_s_mem());

	ck_assert_int_eq(crypto_info_file(missing, CRYPTO_INFO_SUMMARY,
	    TOOLS_NOW, b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot open"));
	ck_assert_int_eq(crypto_info_file(dir, CRYPTO_INFO_SUMMARY,
	    TOOLS_NOW, b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	s = bio_text(b);
	want = str_printf("Error reading %s\nError reading %s\n", missing, dir);
	ck_assert_str_eq(s, want);
	tools_queue_empty();
	free(s);
	free(want);
	free(dir);
	free(missing);
	BIO_free(b);
}
END_TEST

static void
expect_broken(char *text, const char *want)
{
	int n;
	char *s = info_of_text(text, "t.pem", CRYPTO_INFO_FIELDS, &n);

	ck_assert_msg(n >= 1, "no problem found in:\n%s", text);
	ck_assert_msg(strstr(s, want) != NULL, "'%s' not in:\n%s", want, s);
	free(s);
	free(text);
}

START_TEST(damaged_blocks)
{
	/* END of another label */
	expect_broken(relabel("leaf.pem", "-----BEGIN CERTIFICATE-----",
	    "-----END X509 CRL-----"),
	    "Error: cannot parse CERTIFICATE block 1 of t.pem");
	/* a TRUSTED body under a plain label: extra data after the cert */
	expect_broken(relabel("07-trusted-certificate.root-trusted.pem",
	    "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"),
	    "Error: cannot parse CERTIFICATE block 1 of t.pem");
	/* a certificate under key and CSR labels */
	expect_broken(relabel("leaf.pem", "-----BEGIN PRIVATE KEY-----",
	    "-----END PRIVATE KEY-----"),
	    "Error: cannot parse PRIVATE KEY block 1 of t.pem");
	expect_broken(relabel("leaf.pem", "-----BEGIN CERTIFICATE REQUEST-----",
	    "-----END CERTIFICATE REQUEST-----"),
	    "Error: cannot parse CERTIFICATE REQUEST block 1 of t.pem");
	/* a key under a CSR label, and the start of an OpenSSH key (a
	 * format OpenSSL cannot read) */
	expect_broken(relabel("ec-p256.key", "-----BEGIN NEW CERTIFICATE REQUEST-----",
	    "-----END NEW CERTIFICATE REQUEST-----"),
	    "Error: cannot parse NEW CERTIFICATE REQUEST block 1 of t.pem");
	/* base64 of "openssh-key-v1" NUL 00 00 00 04 "none" */
	expect_broken(strdup("-----BEGIN OPENSSH PRIVATE KEY-----\n"
	    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n"
	    "-----END OPENSSH PRIVATE KEY-----\n"),
	    "Error: cannot parse OPENSSH PRIVATE KEY block 1 of t.pem");
	/* bad base64: padding in the middle, length not a multiple of 4,
	 * nothing at all */
	expect_broken(strdup("-----BEGIN CERTIFICATE-----\nMII=B\n"
	    "-----END CERTIFICATE-----\n"), "block 1 of t.pem");
	expect_broken(strdup("-----BEGIN CERTIFICATE-----\nMIIBB\n"
	    "-----END CERTIFICATE-----\n"), "block 1 of t.pem");
	expect_broken(strdup("-----BEGIN CERTIFICATE-----\n\n"
	    "-----END CERTIFICATE-----\n"), "block 1 of t.pem");
	expect_broken(strdup("-----BEGIN CERTIFICATE-----\nMIIB\xff\n"
	    "-----END CERTIFICATE-----\n"), "block 1 of t.pem");
}
END_TEST

START_TEST(begin_inside_block)
{
	/* A block that lost its END line is reported; the BEGIN that follows
	 * still opens a good block of its own. */
	size_t len;
	char *leaf = tools_slurp("leaf.pem", &len);
	char *text = str_printf("-----BEGIN PRIVATE KEY-----\nMIIB\n%s", leaf);
	char *s;
	int n;

	s = info_of_text(text, "t.pem", CRYPTO_INFO_FIELDS, &n);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(s, "Error: cannot parse PRIVATE KEY block 1 of t.pem\n\n"
	    LEAF_FIELDS "\n");
	free(s);
	free(text);
	free(leaf);
}
END_TEST

START_TEST(damaged_der_inside_cert)
{
	/* The signature algorithm OID of leaf.pem (ecdsa-with-SHA384,
	 * 06 08 2A 86 48 CE 3D 04 03 03) made into an invalid encoding:
	 * the DER parser must refuse it, not the summary show half of it. */
	X509 *x = tools_cert("leaf.pem");
	unsigned char *der = NULL, *p;
	static const unsigned char oid[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x04, 0x03, 0x03 };
	char *b64, *text, *s;
	int len = i2d_X509(x, &der), n;

	ck_assert_int_gt(len, 0);
	p = memmem(der, (size_t)len, oid, sizeof(oid));
	ck_assert_ptr_nonnull(p);
	p[1] = 0x7f;            /* length beyond the enclosing SEQUENCE */
	b64 = malloc((size_t)len * 2 + 4);
	ck_assert_ptr_nonnull(b64);
	EVP_EncodeBlock((unsigned char *)b64, der, len);
	text = str_printf("-----BEGIN CERTIFICATE-----\n%s\n"
	    "-----END CERTIFICATE-----\n", b64);
	s = info_of_text(text, "t.pem", CRYPTO_INFO_SUMMARY, &n);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(s, DASHES "\nt.pem\n\n"
	    "Error: cannot parse CERTIFICATE block 1 of t.pem\n");
	free(s);
	free(text);
	free(b64);
	OPENSSL_free(der);
	X509_free(x);
}
END_TEST

void
add_tools_info_error_tests(Suite *neg)
{
	TCase *tn = tcase_create("info errors");

	tcase_add_test(tn, garbage_blocks_reported);
	tcase_add_test(tn, no_pem_blocks);
	tcase_add_test(tn, dh_parameters_not_a_certificate);
	tcase_add_test(tn, unreadable_files);
	tcase_add_test(tn, damaged_blocks);
	tcase_add_test(tn, begin_inside_block);
	tcase_add_test(tn, damaged_der_inside_cert);
	suite_add_tcase(neg, tn);
}
