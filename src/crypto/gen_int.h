/*
 * Private to the key, CSR and signing files of src/crypto/ (key.c, csr.c,
 * ext.c, sign.c): extension builders and small shared helpers. Nothing
 * outside src/crypto/ includes this header.
 */
#ifndef SSLM_CRYPTO_GEN_INT_H
#define SSLM_CRYPTO_GEN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/crypto_int.h"

/* Key identifiers are SHA-1 values (RFC 5280 §4.2.1.2 method 1). */
#define GEN_KEYID_LEN 20

/*
 * Copy what was written to a memory BIO into a new heap buffer with a NUL
 * after the last byte (not counted in *len). The caller frees it (with
 * crypto_secret_free() when it holds a key). -1 when the BIO is empty or
 * memory runs out; nothing is put on the OpenSSL queue for that.
 */
int gen_bio_take(BIO *bio, char **out, size_t *len);

/* SHA-1 of the subjectPublicKey BIT STRING contents (no tag, length or
 * unused-bits octet): the same value as OpenSSL's subjectKeyIdentifier=hash.
 * 0 or -1. */
int gen_keyid(const X509_PUBKEY *pub, unsigned char id[GEN_KEYID_LEN]);

/* A non-critical authorityKeyIdentifier holding keyIdentifier only. NULL on
 * failure (OpenSSL error queued). */
X509_EXTENSION *gen_ext_aki(const unsigned char *id, int len);

/*
 * The six requested extensions of crypto.md §3.3, in order: basicConstraints
 * (critical), keyUsage (critical for a CA), extendedKeyUsage,
 * subjectKeyIdentifier of pub, authorityKeyIdentifier = that SKI,
 * subjectAltName from sans (critical when san_critical). The SAN entries must
 * already be checked (csr.c). NULL with err set.
 */
STACK_OF(X509_EXTENSION) *gen_csr_exts(const X509_PUBKEY *pub, bool is_ca,
    bool ed25519, bool san_critical, const struct crypto_san *sans,
    size_t n_sans, struct sslm_err *err);

/*
 * The key types ssl-mgr signs with: RSA (PKCS#1 v1.5), EC, Ed25519. *pure is
 * set for Ed25519 (signs without a separate digest). Anything else (RSA-PSS,
 * Ed448, DSA, X25519, ...) is refused: "<what>: unsupported key type X (...)".
 */
int gen_key_usable(EVP_PKEY *key, const char *what, bool *pure,
    struct sslm_err *err);

/* A signing context for key with the OpenSSL digest name md (NULL for pure
 * Ed25519). NULL on failure (OpenSSL error queued). */
EVP_MD_CTX *gen_sign_ctx(EVP_PKEY *key, const char *md);

#endif /* SSLM_CRYPTO_GEN_INT_H */
