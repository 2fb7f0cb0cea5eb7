/*
 * Private to src/crypto/: helpers shared by the files of this folder.
 * Nothing outside src/crypto/ includes this header.
 */
#ifndef SSLM_CRYPTO_INT_H
#define SSLM_CRYPTO_INT_H

#include <stddef.h>

#include "common/common.h"
#include "crypto/crypto.h"

/*
 * Set err to the formatted text followed by ": <reason>; <reason>" taken
 * from the OpenSSL error queue (first few entries), and empty the queue.
 * With an empty queue only the formatted text is set. err may be NULL (the
 * queue is still emptied).
 */
void crypto_err_ossl(struct sslm_err *err, const char *fmt, ...) SSLM_PRINTF(2, 3);

/*
 * Read a whole regular file of at most max bytes into a new buffer (with a
 * NUL after the last byte, not counted in *len; the caller frees it).
 * Refuses non-regular files without blocking on them. 0 or -1 with err set
 * ("<path>: cannot open: <strerror>", "<path>: is not a regular file",
 * "<path>: too large (... bytes, at most ...)").
 */
int crypto_read_file(const char *path, size_t max, char **buf, size_t *len,
    struct sslm_err *err);

/*
 * crypto_pem_read_certs() that stops after max certificates (0 = no limit);
 * blocks after the last one taken are not looked at, so a damaged chain
 * member does not hide a good first certificate.
 */
int crypto_pem_read_certs_max(const char *buf, size_t len, const char *name,
    size_t max, STACK_OF(X509) **out, struct sslm_err *err);

/*
 * The same for a summary only (crypto_cert_info_from_pem): the public keys
 * are not decoded (OpenSSL 3.0 makes that the dearest part of parsing, see
 * pem.c), so X509_get0_pubkey() of these certificates is NULL. They must
 * not be used to sign, verify or hash a key, nor be given to
 * crypto_cert_info_from_x509() (which would call the key unknown):
 * crypto_cert_info_from_pem() names their keys from the algorithm
 * identifier.
 */
int crypto_pem_read_certs_summary(const char *buf, size_t len,
    const char *name, size_t max, STACK_OF(X509) **out, struct sslm_err *err);

#endif /* SSLM_CRYPTO_INT_H */
