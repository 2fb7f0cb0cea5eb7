/*
 * Shared helpers of the crypto unit tests (test_crypto*.c, one runner).
 * Expected values come from the openssl CLI; see tests/data/crypto/README.md.
 */
#ifndef SSLM_TEST_CRYPTO_H
#define SSLM_TEST_CRYPTO_H

#include <check.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"

/* tests/data/crypto/<name> under $SSLM_SRCDIR; the caller frees it. */
char *data_path(const char *name);
/* The whole data file, NUL-terminated; *len without the NUL. */
char *slurp(const char *name, size_t *len);
/* s with the first occurrence of from replaced by to (from must occur). */
char *replace_first(const char *s, const char *from, const char *to);
/* Every function must leave the OpenSSL error queue empty. */
void assert_queue_empty(void);
void assert_info_empty(const struct crypto_cert_info *ci);
/* SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it. */
void fingerprint(X509 *x, char out[3 * EVP_MAX_MD_SIZE]);
/* crypto_pem_read_certs() of a data file that must give want certificates. */
STACK_OF(X509) *read_certs_ok(const char *file, int want);
/* PEM text that must fail to read; the message must contain want. */
void pem_fails(const char *text, size_t len, const char *want);
/* crypto_cert_info_read() of path must fail with want in the message. */
void file_fails(const char *path, const char *want);
void data_file_fails(const char *file, const char *want);
/* crypto_cert_info_read() of a data file that must succeed. */
void info_ok(const char *file, struct crypto_cert_info *ci);
/* ci->sans must be exactly want (NULL-terminated). */
void assert_sans(const struct crypto_cert_info *ci, const char *const *want);

/* Each test file adds its test cases to the two suites of the runner. */
void add_info_tests(Suite *positive, Suite *negative);
void add_pem_tests(Suite *positive, Suite *negative);

#endif /* SSLM_TEST_CRYPTO_H */
