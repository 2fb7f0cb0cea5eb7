/*
 * sslm-info's library side: PEM splitting of every block kind, the summary
 * fields (tools.md §2.3-§2.6) and the verbose dumps (§2.2).
 *
 * Dates: `openssl x509 -noout -dates`; remaining/elapsed times worked out
 * from them for TOOLS_NOW by the §2.3 formula (by hand, not by our code).
 * Names: `openssl x509 -noout -subject -issuer -nameopt RFC2253`, with
 * emailAddress written as its OID (tools.md §2.4). Keys, SANs, algorithms:
 * `openssl x509|req -noout -text`, `openssl pkey -noout -text`.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "crypto/info_int.h"
#include "test_crypto_tools.h"

/* The one "Key algo" line a key file must give. */
static void
expect_key(const char *file, const char *line)
{
	char *want = str_printf("%s\n%s\n\nKey algo : %s\n", DASHES, file, line);

	expect_info(file, CRYPTO_INFO_SUMMARY, 0, want);
	free(want);
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(summary_fullchain)
{
	expect_info("fullchain.pem", CRYPTO_INFO_SUMMARY, 0,
	    DASHES "\nfullchain.pem\n\n" LEAF_FIELDS
	    DASHES "\nfullchain.pem\n\n" INT_FIELDS);
	/* CRLF line ends change nothing */
	expect_info("fullchain-crlf.pem", CRYPTO_INFO_SUMMARY, 0,
	    DASHES "\nfullchain-crlf.pem\n\n" LEAF_FIELDS
	    DASHES "\nfullchain-crlf.pem\n\n" INT_FIELDS);
}
END_TEST

START_TEST(summary_fields_style)
{
	/* sslm-verify's layout: no header, an empty line after each block */
	expect_info("fullchain.pem", CRYPTO_INFO_FIELDS, 0,
	    LEAF_FIELDS "\n" INT_FIELDS "\n");
}
END_TEST

START_TEST(summary_bundle)
{
	/* bundle.pem = leaf.key (P-384, PKCS#8) + leaf + intermediate */
	expect_info("bundle.pem", CRYPTO_INFO_SUMMARY, 0,
	    DASHES "\nbundle.pem\n\nKey algo : prvkey-secp384r1\n"
	    DASHES "\nbundle.pem\n\n" LEAF_FIELDS
	    DASHES "\nbundle.pem\n\n" INT_FIELDS);
}
END_TEST

START_TEST(summary_root_and_self_signed)
{
	expect_info("root.pem", CRYPTO_INFO_FIELDS, 0,
	    "Expires  : 2036-11-30 17:43:58 UTC (3561d 01:43:58)\n"
	    "Issued   : 2026-12-03 17:43:58 UTC (  88d 22:16:02 ago) (3650 day cert)\n"
	    "Issuer   : 1.2.840.113549.1.9.1=hostmaster@example.test,O=SSLM Test Certs,C=US,CN=sslm-root\n"
	    "Subject  : 1.2.840.113549.1.9.1=hostmaster@example.test,O=SSLM Test Certs,C=US,CN=sslm-root\n"
	    "Pubkey   : pubkey-secp384r1\n"
	    "Sig algo : ecdsa-with-SHA384\n\n");
	expect_info("self-rsa.pem", CRYPTO_INFO_FIELDS, 0,
	    "Expires  : 2028-12-02 17:43:59 UTC ( 641d 01:43:59)\n"
	    "Issued   : 2026-12-03 17:43:59 UTC (  88d 22:16:01 ago) (730 day cert)\n"
	    "Issuer   : CN=self.example.test\n"
	    "Subject  : CN=self.example.test\n"
	    "Sans     : self.example.test, \n"
	    "Pubkey   : pubkey-rsa-2048\n"
	    "Sig algo : sha256WithRSAEncryption\n\n");
}
END_TEST

START_TEST(summary_expired)
{
	/* notAfter 2020-03-31 00:00:00: 2527 days and 16 hours before now */
	expect_info("expired.pem", CRYPTO_INFO_FIELDS, 0,
	    "Expires  : 2020-03-31 00:00:00 UTC (-2527d 16:00:00)\n"
	    "Issued   : 2020-01-01 00:00:00 UTC (2617d 16:00:00 ago) (90 day cert)\n"
	    "Issuer   : 1.2.840.113549.1.9.1=hostmaster@example.test,O=SSLM IT Certs,C=US,CN=SSLM-Int\n"
	    "Subject  : CN=expired.example.test\n"
	    "Pubkey   : pubkey-secp384r1\n"
	    "Sig algo : ecdsa-with-SHA384\n\n");
}
END_TEST

START_TEST(summary_escaped_names)
{
	/* openssl -nameopt RFC2253 prints the same except the order inside
	 * the multi-valued RDN (it reverses it; the original keeps the
	 * encoding order, CN before UID as `openssl asn1parse` shows). */
	static const char name[] =
	    "CN=multi+UID=42,L=a\\+b/c\\;d\\<e\\>f\\\"g\\\\h,ST=trail\\ ,"
	    "OU=\\ lead,OU=\\#hash,O=Let's Escape\\, Inc.,DC=example,DC=test";
	char *want = str_printf(
	    "Expires  : 2028-01-07 17:43:59 UTC ( 311d 01:43:59)\n"
	    "Issued   : 2026-12-03 17:43:59 UTC (  88d 22:16:01 ago) (400 day cert)\n"
	    "Issuer   : %s\nSubject  : %s\n"
	    "Pubkey   : pubkey-secp256r1\n"
	    "Sig algo : ecdsa-with-SHA256\n\n", name, name);

	expect_info("escapes.pem", CRYPTO_INFO_FIELDS, 0, want);
	free(want);
}
END_TEST

START_TEST(summary_csr)
{
	expect_info("csr-ec.pem", CRYPTO_INFO_FIELDS, 0,
	    "Subject  : 1.2.840.113549.1.9.1=hostmaster@example.test,O=Example IT Dept,CN=www.example.test\n"
	    "Sans     : www.example.test, example.test, 192.0.2.7, \n"
	    "Pubkey   : pubkey-secp256r1\n"
	    "Sig algo : ecdsa-with-SHA256\n\n");
	expect_info("csr-ed25519.pem", CRYPTO_INFO_FIELDS, 0,
	    "Subject  : CN=vpn.example.test\n"
	    "Sans     : vpn.example.test, \n"
	    "Pubkey   : pubkey-ed25519\n"
	    "Sig algo : ED25519\n\n");
}
END_TEST

START_TEST(summary_keys)
{
	expect_key("ec-p256.key", "prvkey-secp256r1");
	expect_key("ec-p256-trad.key", "prvkey-secp256r1");
	expect_key("ec-p256.pub", "pubkey-secp256r1");
	expect_key("rsa-2048.key", "prvkey-rsa-2048");
	expect_key("rsa-2048-pkcs1.pub", "pubkey-rsa-2048");
	expect_key("ed25519.key", "prvkey-ed25519");
	expect_key("dh-2048.key", "prvkey-dh-2048");
	/* X25519 is not in tools.md §2.6's list */
	expect_key("x25519.key", "key type unknown");
}
END_TEST

START_TEST(summary_case10_key_spellings)
{
	/* Field case 10: both plain spellings describe the same key; the
	 * encrypted ones are an item type, never a prompt or an error. */
	expect_key("10-key-formats.rsa-pkcs1.pem", "prvkey-rsa-2048");
	expect_key("10-key-formats.rsa-pkcs8.pem", "prvkey-rsa-2048");
	expect_key("10-key-formats.rsa-pkcs8-encrypted.pem",
	    "encrypted private key (passphrase needed)");
	expect_key("10-key-formats.rsa-pkcs1-encrypted.pem",
	    "encrypted private key (passphrase needed)");
}
END_TEST

START_TEST(encrypted_body_under_plain_label)
{
	/* An encrypted PKCS#8 body labelled PRIVATE KEY: OpenSSL asks for a
	 * passphrase, which is refused at once and reported as such. */
	char *text = relabel("10-key-formats.rsa-pkcs8-encrypted.pem",
	    "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----");
	char *s;
	int n;

	s = info_of_text(text, "t.pem", CRYPTO_INFO_FIELDS, &n);
	ck_assert_int_eq(n, 0);
	ck_assert_str_eq(s,
	    "Key algo : encrypted private key (passphrase needed)\n\n");
	free(s);
	free(text);
}
END_TEST

START_TEST(summary_case07_trusted)
{
	int n1, n2, n3;
	size_t l1, l2;
	char *t1 = tools_slurp("07-trusted-certificate.root-trusted.pem", &l1);
	char *t2 = tools_slurp("07-trusted-certificate.root-plain.pem", &l2);
	char *a = info_of_text(t1, "root.pem", CRYPTO_INFO_SUMMARY, &n1);
	char *b = info_of_text(t2, "root.pem", CRYPTO_INFO_SUMMARY, &n2);
	char *c = info_of("07-trusted-certificate.chain-with-trusted-root.pem",
	    CRYPTO_INFO_FIELDS, &n3);

	/* TRUSTED and plain copies of one root: identical */
	ck_assert_int_eq(n1, 0);
	ck_assert_int_eq(n2, 0);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a,
	    "Subject  : CN=Example Test Root R1,O=Example Test\n"));
	ck_assert_ptr_nonnull(strstr(a,
	    "Expires  : 2036-11-30 16:12:09 UTC (3561d 00:12:09)\n"));
	/* the chain: intermediate first, then the TRUSTED root */
	ck_assert_int_eq(n3, 0);
	ck_assert_ptr_nonnull(strstr(c, "Subject  : CN=Example Test Issuing E1,"
	    "O=Example Test\n"));
	ck_assert_ptr_nonnull(strstr(strstr(c, "Issuing E1,O=Example Test\n"),
	    "Subject  : CN=Example Test Root R1,O=Example Test\n"));
	free(a);
	free(b);
	free(c);
	free(t1);
	free(t2);
}
END_TEST

/* Number of non-overlapping occurrences of what in s. */
static int
count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

START_TEST(summary_case08_crlf)
{
	static const char *const two[] = {
		"08-crlf-chain.fullchain-crlf.pem",
		"08-crlf-chain.fullchain-crlf-noeol.pem",
		"08-crlf-chain.fullchain-mixed.pem",
	};
	char *first = NULL, *s;
	size_t len;
	int n;

	for (size_t i = 0; i < sizeof(two) / sizeof(two[0]); i++) {
		char *text = tools_slurp(two[i], &len);

		s = info_of_text(text, "f.pem", CRYPTO_INFO_FIELDS, &n);
		ck_assert_int_eq(n, 0);
		ck_assert_int_eq(count(s, "Expires  : "), 2);
		ck_assert_ptr_null(strchr(s, '\r'));
		ck_assert_ptr_nonnull(strstr(s, "Subject  : CN=mail.example.test\n"
		    "Sans     : mail.example.test, smtp.example.test, \n"));
		if (first == NULL)
			first = s;
		else {
			ck_assert_str_eq(s, first);
			free(s);
		}
		free(text);
	}
	free(first);
	s = info_of("08-crlf-chain.chain-leading-blank-crlf.pem",
	    CRYPTO_INFO_FIELDS, &n);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(count(s, "Expires  : "), 1);
	ck_assert_ptr_nonnull(strstr(s,
	    "Subject  : CN=Example Test Issuing E1,O=Example Test\n"));
	free(s);
}
END_TEST

/* The verbose dump must be what the openssl CLI printed for the file. */
static void
expect_verbose(const char *file, const char *expected_file)
{
	size_t len;
	char *dump = tools_slurp(expected_file, &len);
	char *want = str_printf("%s\n%s\n", DASHES, dump);

	expect_info(file, CRYPTO_INFO_VERBOSE, 0, want);
	free(want);
	free(dump);
}

START_TEST(verbose_matches_openssl)
{
	expect_verbose("leaf.pem", "expected/leaf.x509.txt");
	/* trust settings included, as openssl x509 -text shows them */
	expect_verbose("07-trusted-certificate.root-trusted.pem",
	    "expected/root-trusted.x509.txt");
	expect_verbose("csr-ec.pem", "expected/csr-ec.req.txt");
	expect_verbose("ec-p256.key", "expected/ec-p256.pkey.txt");
	expect_verbose("ec-p256-trad.key", "expected/ec-p256.pkey.txt");
	expect_verbose("ec-p256.pub", "expected/ec-p256.pub.txt");
	/* RSA keys work too (the original's `openssl ec` failed: quirk I2) */
	expect_verbose("10-key-formats.rsa-pkcs1.pem", "expected/rsa-pkcs1.pkey.txt");
	expect_verbose("10-key-formats.rsa-pkcs8.pem", "expected/rsa-pkcs1.pkey.txt");
	expect_verbose("ed25519.key", "expected/ed25519.pkey.txt");
	expect_info("10-key-formats.rsa-pkcs8-encrypted.pem", CRYPTO_INFO_VERBOSE,
	    0, DASHES "\nencrypted private key (passphrase needed)\n\n");
}
END_TEST

START_TEST(text_outside_blocks)
{
	/* Proc-Type without ENCRYPTED, other headers, '#' lines, blanks with
	 * CR and text around blocks are all ignored. */
	size_t len;
	char *leaf = tools_slurp("leaf.pem", &len);
	char *body = strstr(leaf, "\n") + 1;
	char *text = str_printf("subject=x\r\n# -----BEGIN CERTIFICATE-----\n"
	    "  -----BEGIN CERTIFICATE-----  \r\nProc-Type: 4,MIC-ONLY\n"
	    "Comment: x\n\r\n%s trailing words\n", body);
	char *s;
	int n;

	s = info_of_text(text, "t.pem", CRYPTO_INFO_FIELDS, &n);
	ck_assert_int_eq(n, 0);
	ck_assert_str_eq(s, LEAF_FIELDS "\n");
	free(s);
	free(text);
	free(leaf);
}
END_TEST

START_TEST(read_file_and_stdin)
{
	struct sslm_err err = { "" };
	char *path = tools_path("leaf.pem"), *s, *want;
	BIO *b = BIO_new(BIO_s_mem());
	int fd;

	ck_assert_int_eq(crypto_info_file(path, CRYPTO_INFO_SUMMARY, TOOLS_NOW,
	    b, &err), 0);
	s = bio_text(b);
	want = str_printf("%s\n%s\n\n%s", DASHES, path, LEAF_FIELDS);
	ck_assert_str_eq(s, want);
	free(s);
	free(want);
	/* path NULL: standard input, named "stdin" (forked test: the runner
	 * gets its stdin back when this process ends) */
	ck_assert_int_ge(fd = open(path, O_RDONLY), 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	(void)BIO_reset(b);
	ck_assert_int_eq(crypto_info_file(NULL, CRYPTO_INFO_SUMMARY, TOOLS_NOW,
	    b, &err), 0);
	s = bio_text(b);
	ck_assert_str_eq(s, DASHES "\nstdin\n\n" LEAF_FIELDS);
	free(s);
	tools_queue_empty();
	BIO_free(b);
	free(path);
}
END_TEST

START_TEST(rfc4514_control_and_edges)
{
	X509_NAME *nm = X509_NAME_new();
	char *s;

	ck_assert_ptr_nonnull(nm);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC,
	    (const unsigned char *)"US", -1, -1, 0), 1);
	/* NUL, ESC and a C1 control (U+009B, CSI) become hex pairs */
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_UTF8,
	    (const unsigned char *)"a\0b\x1b[31m\xc2\x9b", 10, -1, 0), 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "OU", MBSTRING_ASC,
	    (const unsigned char *)" ", -1, -1, 0), 1);
	/* an empty value (as the original wrote them) needs an explicit
	 * string type: OpenSSL's own checks refuse it */
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "OU", V_ASN1_UTF8STRING,
	    (const unsigned char *)"", 0, -1, 0), 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "street", MBSTRING_ASC,
	    (const unsigned char *)"1 Main St", -1, -1, 0), 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "serialNumber",
	    V_ASN1_UTF8STRING, (const unsigned char *)"#42", -1, -1, 0), 1);
	/* UTF-8 outside ASCII stays as it is */
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"Pr\xc3\xbc" "f", -1, -1, 0), 1);
	s = info_name_rfc4514(nm);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "CN=Pr\xc3\xbc" "f,2.5.4.5=\\#42,STREET=1 Main St,OU=,"
	    "OU=\\ ,O=a\\00b\\1B[31m\\C2\\9B,C=US");
	free(s);
	X509_NAME_free(nm);
	/* the empty name */
	nm = X509_NAME_new();
	s = info_name_rfc4514(nm);
	ck_assert_str_eq(s, "");
	free(s);
	X509_NAME_free(nm);
	tools_queue_empty();
}
END_TEST

START_TEST(sans_wrapping)
{
	/* tools.md §2.7's list: 11+16+16+16 = 59, then 74 > 60 wraps */
	static const char *const names[] = { "example.com", "smtp.example.com",
	    "imap.example.com", "mail.example.com", "www.example.com",
	    "10.1.1.10" };
	struct strvec sv;
	BIO *b = BIO_new(BIO_s_mem());
	char *s;

	strvec_init(&sv);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_int_eq(strvec_push(&sv, names[i]), 0);
	info_print_sans(b, &sv);
	s = bio_text(b);
	ck_assert_str_eq(s, "Sans     : example.com, smtp.example.com, "
	    "imap.example.com, mail.example.com, \n"
	    "           www.example.com, 10.1.1.10, \n");
	free(s);
	strvec_clear(&sv);
	(void)BIO_reset(b);
	info_print_sans(b, &sv);        /* no entries: no line */
	s = bio_text(b);
	ck_assert_str_eq(s, "");
	free(s);
	BIO_free(b);
}
END_TEST

void
add_tools_info_tests(Suite *pos)
{
	TCase *tp = tcase_create("info");

	tcase_add_test(tp, summary_fullchain);
	tcase_add_test(tp, summary_fields_style);
	tcase_add_test(tp, summary_bundle);
	tcase_add_test(tp, summary_root_and_self_signed);
	tcase_add_test(tp, summary_expired);
	tcase_add_test(tp, summary_escaped_names);
	tcase_add_test(tp, summary_csr);
	tcase_add_test(tp, summary_keys);
	tcase_add_test(tp, summary_case10_key_spellings);
	tcase_add_test(tp, encrypted_body_under_plain_label);
	tcase_add_test(tp, summary_case07_trusted);
	tcase_add_test(tp, summary_case08_crlf);
	tcase_add_test(tp, verbose_matches_openssl);
	tcase_add_test(tp, text_outside_blocks);
	tcase_add_test(tp, read_file_and_stdin);
	tcase_add_test(tp, rfc4514_control_and_edges);
	tcase_add_test(tp, sans_wrapping);
	suite_add_tcase(pos, tp);
}
