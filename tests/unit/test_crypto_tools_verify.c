/*
 * crypto.md §8 (direct-issuer verification) and sslm-verify's report and
 * argument handling (tools.md §3).
 *
 * The good pairs were checked with the openssl CLI:
 * `openssl verify -partial_chain -no_check_time -trusted <issuer> <cert>`
 * says OK for leaf/int, int/root, root/root, expired/int and self-rsa/self-
 * rsa, and finds no issuer ("unable to get local issuer certificate") for
 * leaf/int-otherkey and leaf/int-x25519 (same subject as int.pem, another
 * key: its key identifier no longer matches).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "test_crypto_tools.h"

static void
expect_pair(const char *cert, const char *issuer,
    enum crypto_verify_result want)
{
	X509 *c = tools_cert(cert), *i = tools_cert(issuer);
	enum crypto_verify_result r = crypto_verify_issued_by(c, i);

	ck_assert_msg(r == want, "%s by %s: %d, want %d", cert, issuer, r, want);
	tools_queue_empty();
	X509_free(c);
	X509_free(i);
}

/* Data files through crypto_verify_files(). */
static void
expect_files(const char *cert, const char *chain,
    enum crypto_verify_result want, const char *msg_part)
{
	struct sslm_err err = { "" };
	char *c = tools_path(cert), *ch = tools_path(chain);
	enum crypto_verify_result r = crypto_verify_files(c, ch, &err);

	ck_assert_msg(r == want, "%s by %s: %d, want %d (%s)", cert, chain, r,
	    want, err.msg);
	if (msg_part != NULL)
		ck_assert_msg(strstr(err.msg, msg_part) != NULL,
		    "'%s' not in '%s'", msg_part, err.msg);
	tools_queue_empty();
	free(c);
	free(ch);
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(verified_pairs)
{
	expect_pair("leaf.pem", "int.pem", CRYPTO_VERIFY_OK);
	expect_pair("int.pem", "root.pem", CRYPTO_VERIFY_OK);
	expect_pair("root.pem", "root.pem", CRYPTO_VERIFY_OK);
	expect_pair("self-rsa.pem", "self-rsa.pem", CRYPTO_VERIFY_OK);
	/* no date checks: an expired leaf still was issued by int.pem */
	expect_pair("expired.pem", "int.pem", CRYPTO_VERIFY_OK);
	expect_files("leaf.pem", "int.pem", CRYPTO_VERIFY_OK, NULL);
	expect_files("bundle.pem", "int.pem", CRYPTO_VERIFY_OK, NULL);
}
END_TEST

START_TEST(verified_field_cases)
{
	/* case 07: the chain's first block is the intermediate, then the
	 * TRUSTED root; case 10's cert has the same issuer */
	expect_files("07-trusted-certificate.leaf.pem",
	    "07-trusted-certificate.chain-with-trusted-root.pem",
	    CRYPTO_VERIFY_OK, NULL);
	expect_files("10-key-formats.cert.pem",
	    "07-trusted-certificate.chain-with-trusted-root.pem",
	    CRYPTO_VERIFY_OK, NULL);
	/* a TRUSTED root verifies itself */
	expect_files("07-trusted-certificate.root-trusted.pem",
	    "07-trusted-certificate.root-trusted.pem", CRYPTO_VERIFY_OK, NULL);
	/* case 08: CRLF, no final newline, a leading blank CRLF line */
	expect_files("08-crlf-chain.fullchain-crlf.pem",
	    "08-crlf-chain.chain-leading-blank-crlf.pem", CRYPTO_VERIFY_OK, NULL);
	expect_files("08-crlf-chain.fullchain-crlf-noeol.pem",
	    "08-crlf-chain.chain-leading-blank-crlf.pem", CRYPTO_VERIFY_OK, NULL);
	expect_files("08-crlf-chain.fullchain-mixed.pem",
	    "08-crlf-chain.chain-leading-blank-crlf.pem", CRYPTO_VERIFY_OK, NULL);
}
END_TEST

START_TEST(messages)
{
	ck_assert_str_eq(crypto_verify_message(CRYPTO_VERIFY_OK), "Cert verified");
	ck_assert_str_eq(crypto_verify_message(CRYPTO_VERIFY_BAD_NAME),
	    "Cert bad: issuer name doesnt match issuer subject in chain\n"
	    "       or signature algorithm is unsupported");
	ck_assert_str_eq(crypto_verify_message(CRYPTO_VERIFY_BAD_KEY_TYPE),
	    "Cert bad: issuer doesnt have supported public key type");
	ck_assert_str_eq(crypto_verify_message(CRYPTO_VERIFY_BAD_SIGNATURE),
	    "Cert bad: signature fails to verify");
	ck_assert_str_eq(crypto_verify_message(CRYPTO_VERIFY_UNREADABLE),
	    "Failed to read cert or chain file");
	ck_assert_str_eq(crypto_verify_message((enum crypto_verify_result)99),
	    "Cert bad");
}
END_TEST

static char *
report(const char *cert, const char *chain, enum crypto_verify_result want)
{
	struct sslm_err err = { "" };
	char *c = tools_path(cert), *ch = tools_path(chain), *s;
	BIO *b = BIO_new(BIO_s_mem());

	ck_assert_int_eq(crypto_verify_report(c, ch, TOOLS_NOW, b, &err), want);
	tools_queue_empty();
	s = bio_text(b);
	BIO_free(b);
	free(c);
	free(ch);
	return s;
}

START_TEST(report_verified)
{
	char *s = report("leaf.pem", "int.pem", CRYPTO_VERIFY_OK);

	ck_assert_str_eq(s, "-------------------\n"
	    "\tCertificate ** Verified **\n"
	    "Certificate Info:\n" LEAF_FIELDS "\n"
	    "\n-------------------\n"
	    "Chain Info:\n" INT_FIELDS "\n");
	free(s);
}
END_TEST

START_TEST(locate)
{
	char tmpl[] = "/tmp/sslm-tools-XXXXXX", *dir, *cert, *chain, *p;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	for (int i = 0; i < 2; i++) {
		p = str_printf("%s/%s", tmpl, i == 0 ? "cert.pem" : "chain.pem");
		ck_assert_ptr_nonnull(f = fopen(p, "w"));
		fclose(f);
		free(p);
	}
	/* the directory itself */
	ck_assert_int_eq(crypto_verify_locate(tmpl, &dir, &cert, &chain), 0);
	ck_assert_str_eq(dir, tmpl);
	p = str_printf("%s/cert.pem", tmpl);
	ck_assert_str_eq(cert, p);
	free(p);
	p = str_printf("%s/chain.pem", tmpl);
	ck_assert_str_eq(chain, p);
	free(dir);
	free(cert);
	free(chain);
	/* a file in it names the directory */
	ck_assert_int_eq(crypto_verify_locate(p, &dir, &cert, &chain), 0);
	ck_assert_str_eq(dir, tmpl);
	free(dir);
	free(cert);
	free(chain);
	free(p);
	/* a bare file name means "." (forked test: chdir is ours alone) */
	ck_assert_int_eq(chdir(tmpl), 0);
	ck_assert_int_eq(crypto_verify_locate("cert.pem", &dir, &cert, &chain), 0);
	ck_assert_str_eq(dir, ".");
	ck_assert_str_eq(cert, "./cert.pem");
	free(dir);
	free(cert);
	free(chain);
	unlink("cert.pem");
	unlink("chain.pem");
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(rmdir(tmpl), 0);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(failed_pairs)
{
	expect_pair("leaf.pem", "int-othername.pem", CRYPTO_VERIFY_BAD_NAME);
	expect_pair("leaf.pem", "root.pem", CRYPTO_VERIFY_BAD_NAME);
	expect_pair("int.pem", "leaf.pem", CRYPTO_VERIFY_BAD_NAME);
	expect_pair("leaf.pem", "int-otherkey.pem", CRYPTO_VERIFY_BAD_SIGNATURE);
	expect_pair("leaf.pem", "int-x25519.pem", CRYPTO_VERIFY_BAD_KEY_TYPE);
	expect_pair("int.pem", "self-rsa.pem", CRYPTO_VERIFY_BAD_NAME);
	/* only the first certificate of the chain file is the issuer */
	expect_files("leaf.pem", "fullchain.pem", CRYPTO_VERIFY_BAD_NAME, NULL);
}
END_TEST

START_TEST(algorithm_does_not_fit_key)
{
	/* An issuer with leaf.pem's issuer name but an RSA key: the ECDSA
	 * signature algorithm cannot belong to it ("unsupported"). */
	X509 *leaf = tools_cert("leaf.pem"), *rsa = tools_cert("self-rsa.pem");
	X509 *fake = X509_new();

	ck_assert_ptr_nonnull(fake);
	ck_assert_int_eq(X509_set_subject_name(fake,
	    X509_get_issuer_name(leaf)), 1);
	ck_assert_int_eq(X509_set_pubkey(fake, X509_get0_pubkey(rsa)), 1);
	ck_assert_int_eq(crypto_verify_issued_by(leaf, fake),
	    CRYPTO_VERIFY_BAD_NAME);
	/* no key at all */
	X509_free(fake);
	fake = X509_new();
	ck_assert_int_eq(X509_set_subject_name(fake,
	    X509_get_issuer_name(leaf)), 1);
	ck_assert_int_eq(crypto_verify_issued_by(leaf, fake),
	    CRYPTO_VERIFY_BAD_KEY_TYPE);
	tools_queue_empty();
	X509_free(fake);
	X509_free(rsa);
	X509_free(leaf);
}
END_TEST

/*
 * leaf.pem with its signature algorithm OID (ecdsa-with-SHA384,
 * 06 08 2A 86 48 CE 3D 04 03 03) changed in the first (signed part) and/or
 * second (outer) place to last byte `to`.
 */
static X509 *
patched_leaf(bool inner, bool outer, unsigned char to)
{
	static const unsigned char oid[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x04, 0x03, 0x03 };
	X509 *x = tools_cert("leaf.pem"), *y;
	unsigned char *der = NULL, *p;
	const unsigned char *q;
	int len = i2d_X509(x, &der);

	ck_assert_int_gt(len, 0);
	p = memmem(der, (size_t)len, oid, sizeof(oid));
	ck_assert_ptr_nonnull(p);
	if (inner)
		p[sizeof(oid) - 1] = to;
	p = memmem(p + 1, (size_t)len - (size_t)(p + 1 - der), oid, sizeof(oid));
	ck_assert_ptr_nonnull(p);
	if (outer)
		p[sizeof(oid) - 1] = to;
	q = der;
	ck_assert_ptr_nonnull(y = d2i_X509(NULL, &q, len));
	OPENSSL_free(der);
	X509_free(x);
	return y;
}

START_TEST(signature_algorithm_odd)
{
	X509 *issuer = tools_cert("int.pem"), *x;

	/* 1.2.840.10045.4.3.9 is no signature algorithm */
	x = patched_leaf(true, true, 0x09);
	ck_assert_int_eq(crypto_verify_issued_by(x, issuer),
	    CRYPTO_VERIFY_BAD_NAME);
	X509_free(x);
	/* inner and outer algorithms differ */
	x = patched_leaf(false, true, 0x02);
	ck_assert_int_eq(crypto_verify_issued_by(x, issuer),
	    CRYPTO_VERIFY_BAD_NAME);
	X509_free(x);
	/* both say ecdsa-with-SHA256: known and fitting, but the signature
	 * no longer matches */
	x = patched_leaf(true, true, 0x02);
	ck_assert_int_eq(crypto_verify_issued_by(x, issuer),
	    CRYPTO_VERIFY_BAD_SIGNATURE);
	X509_free(x);
	tools_queue_empty();
	X509_free(issuer);
}
END_TEST

START_TEST(unreadable_inputs)
{
	expect_files("not-pem.txt", "int.pem", CRYPTO_VERIFY_UNREADABLE,
	    "no certificate found");
	expect_files("leaf.pem", "ec-p256.key", CRYPTO_VERIFY_UNREADABLE,
	    "found PRIVATE KEY instead");
	expect_files("leaf.pem", "nope.pem", CRYPTO_VERIFY_UNREADABLE,
	    "cannot open");
	expect_files("empty.pem", "int.pem", CRYPTO_VERIFY_UNREADABLE, "empty");
	/* a damaged first certificate is unreadable, not "bad signature" */
	expect_files("garbage.pem", "int.pem", CRYPTO_VERIFY_UNREADABLE,
	    "bad base64");
}
END_TEST

START_TEST(report_failed)
{
	char *s = report("leaf.pem", "int-othername.pem", CRYPTO_VERIFY_BAD_NAME);

	ck_assert_ptr_nonnull(strstr(s, "-------------------\n"
	    "\tCertificate ** Failed **\n"
	    "Cert bad: issuer name doesnt match issuer subject in chain\n"
	    "       or signature algorithm is unsupported\n"
	    "Certificate Info:\n" LEAF_FIELDS "\n\n-------------------\n"
	    "Chain Info:\nExpires  : "));
	ck_assert_ptr_nonnull(strstr(s, "Subject  : O=SSLM IT Certs,CN=SSLM-Other\n"));
	free(s);
	/* unreadable cert.pem: still listed, its problem as a line */
	s = report("not-pem.txt", "int.pem", CRYPTO_VERIFY_UNREADABLE);
	ck_assert_ptr_nonnull(strstr(s, "-------------------\n"
	    "\tCertificate ** Failed **\n"
	    "Failed to read cert or chain file\n"
	    "Certificate Info:\n"
	    "Error: no PEM block found in "));
	ck_assert_ptr_nonnull(strstr(s, "not-pem.txt\n\n"
	    "\n-------------------\nChain Info:\n" INT_FIELDS "\n"));
	free(s);
}
END_TEST

START_TEST(locate_missing)
{
	char tmpl[] = "/tmp/sslm-tools-XXXXXX", *dir, *cert, *chain, *p;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	/* nothing there */
	ck_assert_int_eq(crypto_verify_locate(tmpl, &dir, &cert, &chain), -1);
	ck_assert_str_eq(dir, tmpl);
	ck_assert_ptr_null(cert);
	ck_assert_ptr_null(chain);
	free(dir);
	/* cert.pem only */
	p = str_printf("%s/cert.pem", tmpl);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fclose(f);
	ck_assert_int_eq(crypto_verify_locate(p, &dir, &cert, &chain), -1);
	ck_assert_str_eq(dir, tmpl);
	free(dir);
	/* chain.pem a directory */
	free(p);
	p = str_printf("%s/chain.pem", tmpl);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(crypto_verify_locate(tmpl, &dir, &cert, &chain), -1);
	free(dir);
	ck_assert_int_eq(rmdir(p), 0);
	free(p);
	/* a path that does not exist is taken as the directory */
	p = str_printf("%s/nope", tmpl);
	ck_assert_int_eq(crypto_verify_locate(p, &dir, &cert, &chain), -1);
	ck_assert_str_eq(dir, p);
	free(dir);
	free(p);
	p = str_printf("%s/cert.pem", tmpl);
	unlink(p);
	free(p);
	ck_assert_int_eq(rmdir(tmpl), 0);
}
END_TEST

void
add_tools_verify_tests(Suite *pos, Suite *neg)
{
	TCase *tp = tcase_create("verify");
	TCase *tn = tcase_create("verify errors");

	tcase_add_test(tp, verified_pairs);
	tcase_add_test(tp, verified_field_cases);
	tcase_add_test(tp, messages);
	tcase_add_test(tp, report_verified);
	tcase_add_test(tp, locate);
	suite_add_tcase(pos, tp);
	tcase_add_test(tn, failed_pairs);
	tcase_add_test(tn, algorithm_does_not_fit_key);
	tcase_add_test(tn, signature_algorithm_odd);
	tcase_add_test(tn, unreadable_inputs);
	tcase_add_test(tn, report_failed);
	tcase_add_test(tn, locate_missing);
	suite_add_tcase(neg, tn);
}
