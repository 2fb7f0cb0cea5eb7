/*
 * Shared helpers of the sslm-info / sslm-verify unit tests
 * (test_crypto_tools*.c, one runner). Data: tests/data/tools, made with the
 * commands in its README.md; expected values come from the openssl CLI.
 */
#ifndef SSLM_TEST_CRYPTO_TOOLS_H
#define SSLM_TEST_CRYPTO_TOOLS_H

#include <check.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "crypto/crypto.h"

/*
 * The fixed "now" of the expected outputs: 2027-03-02 16:00:00 UTC
 * (`date -u -d '2027-03-02 16:00:00' +%s`).
 */
#define TOOLS_NOW ((time_t)1804003200)

/* 70 dashes: the block header of sslm-info. */
#define DASHES \
	"----------------------------------------------------------------------"

/* The summary fields of leaf.pem and int.pem at TOOLS_NOW (values from
 * openssl x509 -noout -text / -dates / -nameopt RFC2253). */
#define LEAF_FIELDS \
	"Expires  : 2027-12-03 17:43:58 UTC ( 276d 01:43:58)\n" \
	"Issued   : 2026-12-03 17:43:58 UTC (  88d 22:16:02 ago) (365 day cert)\n" \
	"Issuer   : 1.2.840.113549.1.9.1=hostmaster@example.test,O=SSLM IT Certs,C=US,CN=SSLM-Int\n" \
	"Subject  : 1.2.840.113549.1.9.1=hostmaster@example.test,OU=IT web,O=Example IT Dept,C=US,CN=example.test\n" \
	"Sans     : example.test, smtp.example.test, imap.example.test, \n" \
	"           mail.example.test, www.example.test, 10.1.1.10, 2001:db8::1, \n" \
	"Pubkey   : pubkey-secp384r1\n" \
	"Sig algo : ecdsa-with-SHA384\n"
#define INT_FIELDS \
	"Expires  : 2031-12-02 17:43:58 UTC (1736d 01:43:58)\n" \
	"Issued   : 2026-12-03 17:43:58 UTC (  88d 22:16:02 ago) (1825 day cert)\n" \
	"Issuer   : 1.2.840.113549.1.9.1=hostmaster@example.test,O=SSLM Test Certs,C=US,CN=sslm-root\n" \
	"Subject  : 1.2.840.113549.1.9.1=hostmaster@example.test,O=SSLM IT Certs,C=US,CN=SSLM-Int\n" \
	"Sans     : SSLM-Int, \n" \
	"Pubkey   : pubkey-secp384r1\n" \
	"Sig algo : ecdsa-with-SHA384\n"

/* tests/data/tools/<name> under $SSLM_SRCDIR; the caller frees it. */
char *tools_path(const char *name);
/* The whole data file, NUL-terminated; *len without the NUL. */
char *tools_slurp(const char *name, size_t *len);
/* Every library call must leave the OpenSSL error queue empty. */
void tools_queue_empty(void);
/* The text written to a memory BIO, as a new string. */
char *bio_text(BIO *b);
/* crypto_info_pem() of a data file into a string, the input named by its
 * bare file name; *problems gets the return value. */
char *info_of(const char *name, enum crypto_info_style style, int *problems);
/* crypto_info_pem() of a text into a string. */
char *info_of_text(const char *text, const char *name,
    enum crypto_info_style style, int *problems);
/* info_of() in the given style must report problems and print want. */
void expect_info(const char *file, enum crypto_info_style style, int problems,
    const char *want);
/* One block: begin line, the body of a data file's first block, end line. */
char *relabel(const char *file, const char *begin, const char *end);
/* The first certificate of a data file. */
X509 *tools_cert(const char *name);

void add_tools_info_tests(Suite *positive);
void add_tools_info_error_tests(Suite *negative);
void add_tools_verify_tests(Suite *positive, Suite *negative);

#endif /* SSLM_TEST_CRYPTO_TOOLS_H */
