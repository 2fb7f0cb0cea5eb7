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
 * src/crypto/key.c. */

enum crypto_key_type {
	CRYPTO_KEY_EC,
	CRYPTO_KEY_RSA,
	CRYPTO_KEY_ED25519,
};

struct crypto_key_spec {
	enum crypto_key_type type;
	const char *curve;	/* EC: "secp256r1", "secp384r1", "secp521r1"
				 * (aliases prime256v1, P-256, P-384, P-521;
				 * case-insensitive); NULL = secp384r1 */
	int rsa_bits;		/* RSA: 2048..16384, exponent 65537 */
};

/* A new key (named curve, uncompressed point for EC); fields the type does
 * not use are ignored. NULL with err set: "unknown EC curve 'x' (use
 * secp256r1, ...)", "RSA key length must be >= 2048 and <= 16384 bits (got
 * 1024)", "unknown key type 7 (...)". */
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
 * The first block whose label ends in "PRIVATE KEY" is taken (other blocks,
 * e.g. the certificates of a bundle.pem, are skipped); LF or CRLF.
 * An encrypted key is never decrypted and never prompts: the error reads
 * "<name>: encrypted private key (passphrase needed)". Other errors:
 * "<name>: no private key found (found CERTIFICATE instead)", "<name>: not a
 * valid private key: <OpenSSL reason>", "<path>: cannot open: ...". The
 * file buffer is wiped before it is freed. name NULL = "private key".
 * The key type is not checked here (crypto_csr_build and the signers do).
 */
EVP_PKEY *crypto_key_read(const char *path, struct sslm_err *err);
EVP_PKEY *crypto_key_from_pem(const char *buf, size_t len, const char *name,
    struct sslm_err *err);

/* True when the public halves of a and b are the same key; false for NULL
 * or keys of different types (nothing is left on the error queue). */
bool crypto_key_matches(EVP_PKEY *a, EVP_PKEY *b);

/* ---- CSR (crypto.md §3) ---------------------------------------------------
 * src/crypto/csr.c (extensions in ext.c). */

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

/*
 * A CSR signed with key (SHA-384; pure Ed25519 for Ed25519 keys) holding
 * the six extensions of crypto.md §3.3 in order. key must be EC, RSA or
 * Ed25519. The caller normalises names (config.md §5.3); this function
 * still refuses what must never reach a CSR, with err set:
 *   subject: control characters; CN and email not ASCII ("... write an IDN
 *   as its xn-- A-label"); C not two letters; longer than the X.520 bounds
 *   (CN, O, OU 64 characters, ST, L, email 128);
 *   SAN: an empty list ("no subject alternative names"), a DNS name that is
 *   empty, over 253 characters, not ASCII, or an IP address/CIDR (case 16:
 *   "SAN '192.0.2.10': an IP address given as a DNS name ..."), an IP entry
 *   not 4 or 16 bytes.
 * With an empty subject (no attribute given, case 14) the SAN extension is
 * critical (RFC 5280 §4.2.1.6); otherwise it is not.
 */
X509_REQ *crypto_csr_build(EVP_PKEY *key, const struct crypto_csr_spec *spec,
    struct sslm_err *err);
/* PEM "BEGIN CERTIFICATE REQUEST" in a new NUL-terminated heap buffer
 * (*len without the NUL); the caller frees it. */
int crypto_csr_to_pem(X509_REQ *req, char **pem, size_t *len,
    struct sslm_err *err);
/* The first CERTIFICATE REQUEST block of a PEM file (its signature is not
 * checked here; the signers do). "<path>: no certificate request found",
 * "<path>: not a valid certificate request: <OpenSSL reason>". */
X509_REQ *crypto_csr_read(const char *path, struct sslm_err *err);

/* ---- local signing (crypto.md §4) -----------------------------------------
 * src/crypto/sign.c. Both signers check that the CSR's signature verifies
 * (proof of possession) and then copy its subject, public key and every
 * extension in order and criticality, except: the authorityKeyIdentifier
 * becomes keyIdentifier = the issuer's key id at the same place (appended
 * when the CSR has none), and with an empty subject the SAN is made
 * critical. v3, random positive serial of at most 159 bits, notBefore =
 * not_before (whole seconds), notAfter = notBefore + days * 86400.
 * Errors: "unknown digest 'md5' (use sha224, sha256, ...)" (checked for
 * every signer), "validity of 0 days: must be at least 1", "signing key:
 * unsupported key type ED448 (...)", "CSR: its signature does not verify".
 * Note: OpenSSL 3.0 signs ECDSA with SHA-3 but cannot verify such
 * signatures ("unknown signature algorithm", openssl/openssl#21224), so an
 * EC CA with digest sha3_* issues certificates OpenSSL 3.0 clients reject;
 * RSA signers are fine. */

struct crypto_sign_spec {
	int days;			/* validity: max(1, sign_end_days) */
	const char *digest;		/* "sha224" ... "sha512", "sha3_224" ...
					 * "sha3_512", case-insensitive, '-' or '_';
					 * ignored for Ed25519 signers (but must be
					 * valid); NULL or "" = sha384 */
	time_t not_before;		/* 0 = now */
};

/* A self-signed certificate from req, signed by key, which must be the
 * CSR's own key ("the signing key does not match the CSR's public key").
 * Issuer = subject; AKI = its own SKI (the CSR's). */
X509 *crypto_sign_self(X509_REQ *req, EVP_PKEY *key,
    const struct crypto_sign_spec *spec, struct sslm_err *err);

/* A certificate for req issued by a local CA (ca_cert/ca_key): issuer = CA
 * subject (exact encoding), extensions copied from the CSR except AKI = the
 * CA's SKI, or SHA-1 of its key when the CA cert has none (crypto.md §4.4,
 * the original's AKI bug fixed). Errors: "CA key does not match the CA
 * certificate", "CA certificate is not a CA certificate (...)". Whether the
 * result outlives the CA is the caller's check (a warning, §4.3). */
X509 *crypto_sign_by_ca(X509_REQ *req, X509 *ca_cert, EVP_PKEY *ca_key,
    const struct crypto_sign_spec *spec, struct sslm_err *err);

/* PEM "BEGIN CERTIFICATE" in a new NUL-terminated heap buffer (*len
 * without the NUL); the caller frees it. */
int crypto_cert_to_pem(X509 *cert, char **pem, size_t *len,
    struct sslm_err *err);

/* The first certificate of a PEM file (cert.pem, fullchain.pem), read as
 * crypto_pem_read_certs() does; later blocks are not parsed. */
X509 *crypto_cert_read(const char *path, struct sslm_err *err);

/* ---- sslm-info and sslm-verify (tools.md §2-§3, crypto.md §6, §8) -------
 * In src/crypto/info_*.c and src/crypto/verify.c. Output goes to a BIO the
 * caller owns (the programs wrap stdout with BIO_new_fp). "now" is the time
 * remaining and elapsed times are counted from (the programs pass
 * time(NULL); tests a fixed value). */

/* How each PEM block is laid out. */
enum crypto_info_style {
	/* sslm-info: 70 dashes, the input name, an empty line, the summary
	 * fields of tools.md §2.3. */
	CRYPTO_INFO_SUMMARY,
	/* sslm-info -v: 70 dashes, OpenSSL's text dump (what `openssl x509|req|
	 * pkey -text -noout -nameopt compat` prints, trust settings of a
	 * TRUSTED CERTIFICATE included), an empty line. */
	CRYPTO_INFO_VERBOSE,
	/* sslm-verify: the summary fields, then an empty line (§3.2). */
	CRYPTO_INFO_FIELDS,
};

/*
 * Describe every PEM block of a text (crypto.md §6 splitting: CRLF, text
 * outside blocks, '#' lines and RFC 1421 headers tolerated) on out. The
 * label picks the parser: containing "KEY" a key (private, else public;
 * an encrypted key is never decrypted and never prompts, it is described
 * as "encrypted private key (passphrase needed)"), containing "REQUEST" a
 * CSR, anything else a certificate (TRUSTED CERTIFICATE included).
 * name: how the input is called in the output (a path, or "stdin").
 * Returns the number of problems, each already reported on out: blocks
 * that cannot be parsed ("Error: cannot parse <label> block <n> of
 * <name>"), or 1 for a text without any PEM block ("Error: no PEM block
 * found in <name>"). 0 means everything was described.
 */
int crypto_info_pem(const char *buf, size_t len, const char *name,
    enum crypto_info_style style, time_t now, BIO *out);

/*
 * The same for the file at path (a regular file of at most CRYPTO_PEM_MAX
 * bytes), or standard input when path is NULL (named "stdin", read up to
 * the same bound). When the input cannot be read, writes
 * "Error reading <path>" on out and returns -1 with err saying why. The
 * input buffer is wiped before it is freed (it may hold private keys).
 */
int crypto_info_file(const char *path, enum crypto_info_style style,
    time_t now, BIO *out, struct sslm_err *err);

/* Outcomes of the direct-issuer check (crypto.md §8). */
enum crypto_verify_result {
	CRYPTO_VERIFY_OK,               /* "Cert verified" */
	/* Issuer name differs from the issuer's subject, or the signature
	 * algorithm is unknown, does not fit the issuer's key type, or differs
	 * between the signed part and the outer signature. */
	CRYPTO_VERIFY_BAD_NAME,
	CRYPTO_VERIFY_BAD_KEY_TYPE,     /* issuer key cannot verify signatures */
	CRYPTO_VERIFY_BAD_SIGNATURE,    /* signature does not verify */
	CRYPTO_VERIFY_UNREADABLE,       /* cert or chain file has no usable cert */
};

/* The crypto.md §8 message of r: one or two lines ("\n" between them), no
 * final newline; a static string. */
const char *crypto_verify_message(enum crypto_verify_result r);

/*
 * Is cert directly issued by issuer? Issuer name = issuer's subject
 * (X509_NAME_cmp) and the signature verifies with the issuer's public key;
 * no dates, key usage, AKI or path checks. Never UNREADABLE. Leaves the
 * OpenSSL error queue empty. (Not const: OpenSSL caches decoded data
 * inside the certificates.)
 */
enum crypto_verify_result crypto_verify_issued_by(X509 *cert, X509 *issuer);

/*
 * The first certificate of cert_path checked against the first certificate
 * of chain_path. CRYPTO_VERIFY_UNREADABLE with err set when either file
 * cannot be read or holds no readable certificate.
 */
enum crypto_verify_result crypto_verify_files(const char *cert_path,
    const char *chain_path, struct sslm_err *err);

/*
 * sslm-verify's argument (tools.md §3.1): a directory, or a regular file
 * whose directory is meant ("cert.pem" alone means "."). *dir is set to the
 * directory (a new string, also on failure, for the "Failed to find"
 * message; NULL only when out of memory). 0 when <dir>/cert.pem and
 * <dir>/chain.pem are both regular files (symlinks followed), with
 * *cert_path and *chain_path set to new strings; -1 otherwise. The caller
 * frees all three.
 */
int crypto_verify_locate(const char *arg, char **dir, char **cert_path,
    char **chain_path);

/*
 * sslm-verify's report (tools.md §3.2) on out: the verification line (and
 * the crypto.md §8 message when it failed), "Certificate Info:" with every
 * block of cert_path, "Chain Info:" with every block of chain_path
 * (CRYPTO_INFO_FIELDS layout). Returns the verification result; when it is
 * UNREADABLE, err says which file and why.
 */
enum crypto_verify_result crypto_verify_report(const char *cert_path,
    const char *chain_path, time_t now, BIO *out, struct sslm_err *err);

/* ---- DANE TLSA (tlsa.md §4, tools.md §5) ----------------------------------
 * src/crypto/tlsa.c. */

/* Size of a SHA-256 digest as lower-case hex plus the NUL. */
#define CRYPTO_SHA256_HEX 65

/* SHA-256 of len bytes as 64 lower-case hex digits; -1 (out "") only when
 * OpenSSL fails. Used for the TLSA change digest (tlsa.md §7.2). */
int crypto_sha256_hex(const void *data, size_t len,
    char out[CRYPTO_SHA256_HEX], struct sslm_err *err);

/*
 * The TLSA certificate association data of cert: selector 0 = DER of the
 * whole certificate, 1 = DER of its SubjectPublicKeyInfo (as encoded in
 * the certificate); match 0 = those bytes, 1 = SHA-256, 2 = SHA-512.
 * *hex = a new lower-case hex string without separators (64, 128 or twice
 * the DER length characters); the caller frees it. Any other selector or
 * match, or an encoding/hash failure, is -1 with err set and *hex NULL:
 * never an empty or partial value (field case 12). Which certificate to
 * pass for a usage (leaf or issuer) is the caller's choice.
 */
int crypto_tlsa_data(X509 *cert, int selector, int match, char **hex,
    struct sslm_err *err);

/*
 * The same data computed by the openssl program (sslm-tlsa-hash's
 * cross-check, tools.md §5), run without a shell through files in a private
 * temporary directory ($TMPDIR or /tmp): `openssl x509 -outform der`
 * (selector 0) or `openssl x509 -pubkey -noout` then `openssl pkey -pubin
 * -outform der` (selector 1), then `openssl dgst -sha256|-sha512` whose
 * text after the last '=' is taken, trimmed (possibly ""), or for match 0
 * the DER bytes in hex. openssl NULL = "openssl" from PATH.
 * 0 with *hex set; -1 with err set ("<openssl> pkey exited with status 1",
 * "cannot run ...") and *diag = the failing stage's stderr or NULL.
 * The caller frees *hex and *diag.
 */
int crypto_tlsa_openssl(const char *openssl, const char *cert_path,
    int selector, int match, char **hex, char **diag, struct sslm_err *err);

/* ---- DH parameter files (crypto.md §7, tools.md §4) ---------------------
 * src/crypto/dh_gen.c (request items, generation) and src/crypto/dh_dir.c
 * (the files, the dhparam.pem link, sslm-dhparm's walk over directories). */

#define CRYPTO_DH_DEFAULT_KEYS \
	"ffdhe8192,ffdhe6144,ffdhe4096,ffdhe3072,ffdhe2048"
#define CRYPTO_DH_DEFAULT_AGE_DAYS 120
#define CRYPTO_DH_MIN_BITS 512        /* what OpenSSL 3 generates at least */
#define CRYPTO_DH_MAX_BITS 10000      /* OPENSSL_DH_MAX_MODULUS_BITS */
#define CRYPTO_DH_LINK "dhparam.pem"

/* One request item: an RFC 7919 group or a bit size. */
struct crypto_dh_item {
	char name[16];          /* "ffdhe2048", or the bit size "4096" */
	char file[24];          /* "dh-ffdhe2048.pem", or "dh4096.pem" */
	unsigned bits;          /* 0 for a named group */
};

/*
 * Parse a -k list (tools.md §4.1): comma-separated items, all digits = a
 * bit size in [CRYPTO_DH_MIN_BITS, CRYPTO_DH_MAX_BITS] (leading zeros
 * dropped), anything else one of the five ffdhe names. A repeated item is
 * kept once (first place). *items = a new array of *n >= 1 entries in list
 * order, the caller frees it. -1 with err set (and *items NULL) for an
 * empty list or item, an unknown group, a size out of range.
 */
int crypto_dh_parse_keys(const char *list, struct crypto_dh_item **items,
    size_t *n, struct sslm_err *err);

/*
 * The PEM "DH PARAMETERS" (PKCS#3) text of item: the fixed group, or new
 * safe-prime parameters with generator 2 (slow: minutes for 4096 bits).
 * While those are made, progress (may be NULL) gets a line when the work
 * starts and one every progress_secs seconds (0 = only the first).
 * *pem = a new NUL-terminated buffer (*len without the NUL), caller frees.
 */
int crypto_dh_generate(const struct crypto_dh_item *item, BIO *progress,
    unsigned progress_secs, char **pem, size_t *len, struct sslm_err *err);

/* What one sslm-dhparm run does. The BIOs are the caller's. */
struct crypto_dh_opts {
	const struct crypto_dh_item *items;     /* from crypto_dh_parse_keys */
	size_t n_items;
	bool force;                             /* -f: regenerate everything */
	unsigned age_days;                      /* -a: bit-size files */
	time_t now;                             /* the age is counted to now */
	BIO *out;                               /* report lines (stdout) */
	BIO *progress;                          /* NULL = no progress lines */
	unsigned progress_secs;
};

/*
 * One target directory T (tools.md §4.2 step 3): create T/dh (0750),
 * write the missing or aged files atomically (0644), and when at least one
 * was written point T/dh/dhparam.pem at the first item's file (a regular
 * file of that name is left alone with a warning). Everything is reported
 * on opts->out. Returns the number of things that failed (0 = all done).
 */
int crypto_dh_target(const char *target, const struct crypto_dh_opts *opts);

enum crypto_dh_result {
	CRYPTO_DH_OK,           /* everything done, or nothing to do */
	CRYPTO_DH_FAILED,       /* some file, directory or link failed */
	CRYPTO_DH_NO_DIRS,      /* none of dirs is a directory */
};

/*
 * sslm-dhparm's whole run (tools.md §4.2) over dirs[0..n-1]; with subdirs
 * each is a parent whose immediate sub-directories (symlinks excluded, any
 * named "ca" in any case skipped) are the targets, sorted by name.
 */
enum crypto_dh_result crypto_dh_run(char *const dirs[], size_t n,
    bool subdirs, const struct crypto_dh_opts *opts);

#endif /* SSLM_CRYPTO_H */
