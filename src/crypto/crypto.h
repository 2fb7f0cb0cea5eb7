/*
 * crypto/ — everything OpenSSL: reading PEM input, describing certificates
 * (and later keys, CSRs, local CA signing, verification, DH, TLSA hashes).
 *
 * This header is the folder's front door; nothing else in src/crypto/ is
 * included from outside it. Only OpenSSL 3 APIs are used (no deprecated
 * calls). Every function here leaves the OpenSSL error queue empty: errors
 * it finds there are copied into the struct sslm_err message.
 */
#ifndef SSLM_CRYPTO_H
#define SSLM_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/common.h"

/* Largest PEM file the readers accept from disk. Certificates, chains and
 * bundles are a few KiB; anything near this is not what we are looking for. */
#define CRYPTO_PEM_MAX (1024 * 1024)

/* ---- PEM certificates --------------------------------------------------- */

/*
 * Read every certificate of a PEM text (crypto.md §6), in file order.
 *
 * buf/len: the text (need not be NUL-terminated; may hold NUL bytes).
 * name:    how the input is named in messages (a path); NULL means "PEM input".
 * out:     on success a new stack the caller frees with crypto_certs_free().
 *
 * Tolerated: CRLF or LF line ends (also mixed), no final newline, blank
 * lines and any text outside blocks (e.g. "Bag Attributes", "subject=" lines),
 * lines starting with '#', leading/trailing blanks on a line, RFC 1421
 * header lines ("Name: value") at the top of a block.
 *
 * Certificate blocks are those labelled CERTIFICATE, X509 CERTIFICATE and
 * TRUSTED CERTIFICATE; other blocks (keys, CSRs, CRLs, parameters) are
 * skipped, so a bundle.pem (key first) yields its certificates. A TRUSTED
 * CERTIFICATE is read like PEM_read_bio_X509_AUX does (DER certificate
 * followed by OpenSSL's trust data) and the trust data is then dropped: the
 * X509 returned is a plain certificate, and its DER encoding is the
 * certificate only.
 *
 * Returns the number of certificates (>= 1), or -1 with err set, e.g.
 *   "<name>: no certificate found (found PRIVATE KEY instead)"
 *   "<name>: certificate 2: bad base64 (character '!' on line 35)"
 *   "<name>: certificate 1: not a valid certificate: <OpenSSL reason>"
 *   "<name>: certificate 1: 48 bytes of extra data after the certificate ..."
 *   "<name>: CERTIFICATE block starting on line 12 has no END line"
 * Finding no certificate at all is an error. Any damaged certificate block
 * fails the whole read (a chain with a hole in it is not a chain).
 */
int crypto_pem_read_certs(const char *buf, size_t len, const char *name,
    STACK_OF(X509) **out, struct sslm_err *err);

/* Free a stack from crypto_pem_read_certs() and its certificates; NULL-safe. */
void crypto_certs_free(STACK_OF(X509) *certs);

/* ---- certificate summary (status display, cli.md §7 / §7.3) ------------ */

/*
 * What the status display and sslm-info show of one certificate. The struct
 * owns its strings. Every string is safe to print: C0 control characters,
 * DEL and C1 controls are replaced by '?' (a CN holding ESC[31m cannot
 * colour a terminal or a log), and DNS names keep only ASCII.
 */
struct crypto_cert_info {
	time_t not_before, not_after;   /* UTC seconds since the epoch */
	/* (not_after - not_before) in days, rounded to the nearest whole day
	 * (half a day rounds away from zero): a 90-day ACME cert whose
	 * notAfter is notBefore + 90d - 1s reports 90. */
	long lifetime_days;
	/* First CN / first O of the name, UTF-8; NULL when the name has no such
	 * attribute (callers print "" for NULL). */
	char *issuer_cn, *issuer_o;
	char *subject_cn;
	/*
	 * Public key, without the "pubkey-" prefix the text layout adds:
	 *   EC: the curve's SEC name where one exists: "secp256r1" (OpenSSL
	 *       calls P-256 "prime256v1"; the spec and the original print the
	 *       SEC name), "secp384r1", "secp521r1"; other named curves as
	 *       OpenSSL's short name ("brainpoolP256r1").
	 *   RSA and RSA-PSS: "rsa-<modulus bits>"; DSA: "dsa-<bits>";
	 *   DH: "dh-<bits>"; "ed25519", "ed448", "x25519", "x448".
	 * NULL when the key type is not one of these or OpenSSL cannot decode
	 * it (callers print "key type unknown", tools.md §2.6).
	 */
	char *key_desc;
	/* SAN entries: every DNS name in certificate order, then every IP
	 * address in certificate order (IPv4 dotted quad; IPv6 RFC 5952:
	 * lower case, longest run of two or more zero groups as "::" (the first
	 * on a tie), "::ffff:a.b.c.d" for IPv4-mapped addresses). Other SAN
	 * types and IP entries that are not 4 or 16 bytes are left out. Empty
	 * when there is no SAN extension. */
	struct strvec sans;
	/* Signature algorithm, OpenSSL long name: "ecdsa-with-SHA384",
	 * "sha256WithRSAEncryption", "ED25519"; dotted OID when unknown. */
	char *sig_algo;
	bool is_ca;                     /* basicConstraints cA = TRUE */
};

/* Put ci in the empty state (all NULL / 0); needed before first use. */
void crypto_cert_info_init(struct crypto_cert_info *ci);
/* Free what ci holds and put it back in the empty state; NULL-safe. */
void crypto_cert_info_clear(struct crypto_cert_info *ci);

/*
 * Fill ci from the FIRST certificate of the PEM file at path (cert.pem,
 * fullchain.pem, bundle.pem). ci must have been initialised; any previous
 * content is freed first. Later blocks of the file are not examined. The file
 * must be a regular file of at most CRYPTO_PEM_MAX bytes (a FIFO is refused,
 * never waited on). 0 on success; -1 with err set ("<path>: cannot open: No
 * such file or directory", the crypto_pem_read_certs() messages, ...) and ci
 * empty on failure.
 */
int crypto_cert_info_read(const char *path, struct crypto_cert_info *ci,
    struct sslm_err *err);

/* The same from a PEM text in memory; name as for crypto_pem_read_certs(). */
int crypto_cert_info_from_pem(const char *pem, size_t len, const char *name,
    struct crypto_cert_info *ci, struct sslm_err *err);

/* The same from a certificate already parsed (e.g. each member of a chain);
 * name (NULL: "certificate") prefixes the messages. x is not const only
 * because OpenSSL caches its decoded extensions inside it. */
int crypto_cert_info_from_x509(X509 *x, const char *name,
    struct crypto_cert_info *ci, struct sslm_err *err);

/* ---- status formatting (cli.md §7, tools.md §2.3, §2.5) ----------------- */

/* Size that always fits crypto_fmt_remain(), crypto_fmt_date() and
 * crypto_fmt_ip() output (the longest IPv6 text is 39 characters). */
#define CRYPTO_FMT_MAX 48

/*
 * A duration in the 7.x status layout: "%4dd HH:MM:SS" = whole days
 * right-aligned in 4 columns, 'd', a space, then the rest of the day.
 * 3305703 s -> "  38d 06:15:03".
 * Negative durations (an expired certificate) are formatted from the
 * absolute value with a minus sign glued to the day count, inside the same
 * 4 columns: -273906 s -> "  -3d 04:05:06", -1 s -> "  -0d 00:00:01"
 * (tools.md §2.3; fixes the original's quirk cli.md C13 / tools.md I4).
 * Wider day counts simply widen the field. out is always NUL-terminated
 * (truncated if n is too small; CRYPTO_FMT_MAX is enough).
 */
void crypto_fmt_remain(long long seconds, char *out, size_t n);

/* "YYYY-MM-DD HH:MM:SS UTC" (7.x <DATE>); "" if t cannot be represented. */
void crypto_fmt_date(time_t t, char *out, size_t n);

/*
 * An IP address as the SAN list shows it: len 4 -> dotted quad; len 16 ->
 * RFC 5952 text (lower case, no leading zeros, the first longest run of two
 * or more zero groups as "::", a single zero group stays "0") with the
 * dotted quad kept for IPv4-mapped addresses ("::ffff:198.51.100.7", RFC
 * 5952 §5; openssl x509 -text prints 0:0:0:0:0:FFFF:C633:6407). 0, or -1
 * (out untouched) when len is neither 4 nor 16 or n is 0. out is always
 * NUL-terminated; CRYPTO_FMT_MAX is enough.
 */
int crypto_fmt_ip(const unsigned char *addr, size_t len, char *out, size_t n);

/* ---- keys (crypto.md §1) -------------------------------------------------
 * To be implemented in src/crypto/key.c. */

enum crypto_key_type {
	CRYPTO_KEY_EC,
	CRYPTO_KEY_RSA,
	CRYPTO_KEY_ED25519,
};

struct crypto_key_spec {
	enum crypto_key_type type;
	const char *curve;	/* EC: "secp256r1", "secp384r1", "secp521r1"
				 * (aliases prime256v1, P-256, P-384, P-521) */
	int rsa_bits;		/* RSA: 2048..16384, exponent 65537 */
};

/* A new key (named curve, uncompressed point for EC). NULL with err set. */
EVP_PKEY *crypto_key_generate(const struct crypto_key_spec *spec,
    struct sslm_err *err);

/* The key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY") in a new heap
 * buffer; the caller wipes and frees it with crypto_secret_free(). */
int crypto_key_to_pem(EVP_PKEY *key, char **pem, size_t *len,
    struct sslm_err *err);

/* OPENSSL_cleanse then free; NULL-safe. For every buffer that held a key. */
void crypto_secret_free(char *buf, size_t len);

/*
 * Read a private key: PKCS#8 "PRIVATE KEY" or the traditional RSA/EC forms.
 * An encrypted key is never decrypted and never prompts: the error reads
 * "<name>: encrypted private key (passphrase needed)". The file buffer is
 * wiped before it is freed.
 */
EVP_PKEY *crypto_key_read(const char *path, struct sslm_err *err);
EVP_PKEY *crypto_key_from_pem(const char *buf, size_t len, const char *name,
    struct sslm_err *err);

/* True when the public halves of a and b are the same key. */
bool crypto_key_matches(EVP_PKEY *a, EVP_PKEY *b);

/* ---- CSR (crypto.md §3) ---------------------------------------------------
 * To be implemented in src/crypto/csr.c. */

/* Subject attributes; NULL or "" are omitted (C: no empty attributes). */
struct crypto_name {
	const char *CN, *C, *ST, *L, *O, *OU, *email;
};

struct crypto_san {
	bool is_ip;
	const char *dns;		/* DNS name (is_ip false) */
	unsigned char addr[16];		/* IP (is_ip true) */
	int addr_len;			/* 4 or 16 */
};

struct crypto_csr_spec {
	struct crypto_name subject;
	const struct crypto_san *sans;	/* already normalised and de-duplicated,
					 * CN first when it was not in sans */
	size_t n_sans;
	bool is_ca;			/* group "ca": CA:TRUE, keyCertSign... */
};

/* A CSR signed with key (SHA-384; pure Ed25519 for Ed25519 keys) holding
 * the six extensions of crypto.md §3.3 in order. */
X509_REQ *crypto_csr_build(EVP_PKEY *key, const struct crypto_csr_spec *spec,
    struct sslm_err *err);
int crypto_csr_to_pem(X509_REQ *req, char **pem, size_t *len,
    struct sslm_err *err);
X509_REQ *crypto_csr_read(const char *path, struct sslm_err *err);

/* ---- local signing (crypto.md §4) -----------------------------------------
 * To be implemented in src/crypto/sign.c. */

struct crypto_sign_spec {
	int days;			/* validity: max(1, sign_end_days) */
	const char *digest;		/* "sha256", "sha384", ... (ignored for
					 * Ed25519 signers); NULL = sha384 */
	time_t not_before;		/* 0 = now */
};

/* A self-signed certificate from req, signed by key (the CSR's own key).
 * AKI = its own SKI. */
X509 *crypto_sign_self(X509_REQ *req, EVP_PKEY *key,
    const struct crypto_sign_spec *spec, struct sslm_err *err);

/* A certificate for req issued by a local CA (ca_cert/ca_key): issuer = CA
 * subject, extensions copied from the CSR except AKI = the CA's SKI
 * (crypto.md §4.4, the original's AKI bug fixed), random 159-bit serial. */
X509 *crypto_sign_by_ca(X509_REQ *req, X509 *ca_cert, EVP_PKEY *ca_key,
    const struct crypto_sign_spec *spec, struct sslm_err *err);

int crypto_cert_to_pem(X509 *cert, char **pem, size_t *len,
    struct sslm_err *err);

/* The first certificate of a PEM file. */
X509 *crypto_cert_read(const char *path, struct sslm_err *err);

#endif /* SSLM_CRYPTO_H */
