/*
 * Shared helpers of the key/CSR/signing unit tests (test_crypto_gen*.c, one
 * runner). Cross-checks run the openssl CLI (fork/exec, no shell).
 */
#ifndef SSLM_TEST_CRYPTO_GEN_H
#define SSLM_TEST_CRYPTO_GEN_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"

/* RSA and chain tests take a while under sanitizers and valgrind. */
#define SLOW_TIMEOUT 120

/* tests/data/crypto/<name> under $SSLM_SRCDIR; the caller frees it. */
char *gdata(const char *name);
/* The whole data file, NUL-terminated; *len without the NUL. */
char *gslurp(const char *name, size_t *len);

/* A new private temp directory / remove it with its files and free dir. */
char *tmpdir_new(void);
void tmpdir_remove(char *dir);
/* Write data to dir/name; returns the path (caller frees). */
char *tmp_write(const char *dir, const char *name, const void *data,
    size_t len);
char *tmp_write_cert(const char *dir, const char *name, X509 *x);
char *tmp_write_csr(const char *dir, const char *name, X509_REQ *req);

/*
 * Run "openssl" with the NULL-terminated argument list; returns its stdout
 * followed by its stderr (caller frees) and sets *status to the exit code.
 */
char *openssl_run(int *status, const char *arg, ...);
/* text has a line that equals line once leading/trailing blanks are cut. */
bool has_line(const char *text, const char *line);
void assert_line(const char *text, const char *line);

void assert_queue_empty(void);
/* err must contain want. */
void assert_err(const struct sslm_err *err, const char *want);

/* SAN list entries. */
struct crypto_san san_dns(const char *name);
struct crypto_san san_ip(const char *text);

/* Fixtures that must succeed. */
EVP_PKEY *key_ok(enum crypto_key_type type, const char *curve, int bits);
EVP_PKEY *key_file_ok(const char *datafile);
/* A CSR with subject CN/O/C = cn, "SSLM Test", "GB" and SAN = cn. */
X509_REQ *csr_ok(EVP_PKEY *key, const char *cn, bool is_ca);
X509 *self_ok(X509_REQ *req, EVP_PKEY *key, int days, const char *digest);
X509 *by_ca_ok(X509_REQ *req, X509 *ca, EVP_PKEY *ca_key, int days,
    const char *digest);

/* Signing that must fail with want in the message, queue empty. */
void self_fails(X509_REQ *req, EVP_PKEY *k, int days, const char *digest,
    const char *want);
void by_ca_fails(X509_REQ *req, X509 *ca, EVP_PKEY *ck, int days,
    const char *digest, const char *want);

/* The DER value (contents of the OCTET STRING) of extension nid. */
const ASN1_OCTET_STRING *ext_data(const STACK_OF(X509_EXTENSION) *exts,
    int nid, int *crit);
/* The keyIdentifier of the certificate's AKI (must exist). */
ASN1_OCTET_STRING *aki_of(X509 *x);

/* The CSR's extensions (must exist) / free them. */
STACK_OF(X509_EXTENSION) *exts_of(X509_REQ *req);
void free_exts(STACK_OF(X509_EXTENSION) *exts);
/* The SAN extension value of a data-file CSR (a copy; crit may be NULL). */
ASN1_OCTET_STRING *case_san(const char *file, int *crit);
/* crypto_csr_build() that must succeed (a v1 CSR whose signature verifies)
 * or fail with want in the message and an empty OpenSSL queue. */
X509_REQ *build_ok(EVP_PKEY *key, const struct crypto_csr_spec *spec);
void build_fails(EVP_PKEY *key, const struct crypto_csr_spec *spec,
    const char *want);

/* Validity of the chain's certificates, in days. */
#define ROOT_DAYS 3650
#define INT_DAYS 1825
#define LEAF_DAYS 90

/* A root -> intermediate -> leaf chain (test_crypto_gen_chain.c). */
struct chain {
	EVP_PKEY *rk, *ik, *lk;         /* keys (owned) */
	X509_REQ *rreq, *ireq, *lreq;
	X509 *root, *inter, *leaf;
	time_t t0;                      /* just before the first signature */
};

/* Build root (self-signed CA), intermediate (CA) and leaf (SANs DNS + IP)
 * from three keys, which the chain takes; digest as for [CA] digest. */
void chain_build(struct chain *c, EVP_PKEY *rk, EVP_PKEY *ik, EVP_PKEY *lk,
    const char *digest);
void chain_free(struct chain *c);
/* `openssl verify -x509_strict -CAfile root.pem [-untrusted int.pem]
 * cert.pem` must say "<cert>: OK" (the known-answer cross-check). */
void openssl_verifies(X509 *root, X509 *inter, X509 *cert);
/* The certificate's SKI (must exist). */
const ASN1_OCTET_STRING *ski_of(X509 *x);

void add_key_tests(Suite *positive, Suite *negative);
void add_csr_tests(Suite *positive, Suite *negative);
void add_csr_err_tests(Suite *positive, Suite *negative);
void add_sign_tests(Suite *positive, Suite *negative);
void add_chain_tests(Suite *positive, Suite *negative);

#endif /* SSLM_TEST_CRYPTO_GEN_H */
