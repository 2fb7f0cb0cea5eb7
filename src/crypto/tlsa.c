/*
 * DANE TLSA certificate association data (tlsa.md §4), computed in-process
 * and, for sslm-tlsa-hash's cross-check (tools.md §5), by the openssl
 * command-line program; and the SHA-256 hex digest the TLSA files use for
 * change detection (tlsa.md §7.2).
 *
 * Field case 12: a failed key extraction once published the SHA-256 of
 * nothing for every name. Every encoding and hashing step here is checked,
 * and a failure is an error, never an empty or partial result.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/crypto_int.h"

static const char hexdigits[] = "0123456789abcdef";

static char *
hex_of(const unsigned char *data, size_t len)
{
	char *s;

	if (len > (SIZE_MAX - 1) / 2 || (s = malloc(2 * len + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		s[2 * i] = hexdigits[data[i] >> 4];
		s[2 * i + 1] = hexdigits[data[i] & 0x0f];
	}
	s[2 * len] = '\0';
	return s;
}

int
crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_SHA256_HEX],
    struct sslm_err *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32) {
		crypto_err_ossl(err, "cannot compute a SHA-256 digest");
		return -1;
	}
	for (unsigned int i = 0; i < mdlen; i++) {
		out[2 * i] = hexdigits[md[i] >> 4];
		out[2 * i + 1] = hexdigits[md[i] & 0x0f];
	}
	out[2 * mdlen] = '\0';
	return 0;
}

/*
 * The DER bytes the selector names. Selector 1 re-encodes the certificate's
 * own SubjectPublicKeyInfo structure rather than a decoded EVP_PKEY, so the
 * bytes are those inside the certificate even for key types or encodings
 * OpenSSL would write differently (RFC 6698 §1.1.1 hashes the SPKI as
 * found in the certificate).
 */
static int
selected_der(X509 *cert, int selector, unsigned char **der, size_t *len,
    struct sslm_err *err)
{
	X509_PUBKEY *spki;
	int n = -1;

	*der = NULL;
	*len = 0;
	if (selector == 0) {
		n = i2d_X509(cert, der);
	} else {
		if ((spki = X509_get_X509_PUBKEY(cert)) == NULL) {
			crypto_err_ossl(err, "certificate has no public key");
			return -1;
		}
		n = i2d_X509_PUBKEY(spki, der);
	}
	if (n <= 0 || *der == NULL) {
		OPENSSL_free(*der);
		*der = NULL;
		crypto_err_ossl(err, "cannot DER-encode the certificate%s",
		    selector == 0 ? "" : "'s public key");
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

int
crypto_tlsa_data(X509 *cert, int selector, int match, char **hex,
    struct sslm_err *err)
{
	unsigned char md[EVP_MAX_MD_SIZE], *der = NULL;
	unsigned int mdlen = 0;
	size_t len = 0;
	int rc = -1;

	*hex = NULL;
	if (cert == NULL) {
		sslm_err_set(err, "TLSA data: no certificate given");
		goto out;
	}
	if (selector != 0 && selector != 1) {
		sslm_err_set(err, "TLSA selector %d is not supported (use 0 for "
		    "the whole certificate or 1 for its public key)", selector);
		goto out;
	}
	if (match < 0 || match > 2) {
		sslm_err_set(err, "TLSA matching type %d is not supported (use "
		    "0 for the full data, 1 for SHA-256 or 2 for SHA-512)", match);
		goto out;
	}
	if (selected_der(cert, selector, &der, &len, err) != 0)
		goto out;
	if (match == 0) {
		*hex = hex_of(der, len);
	} else {
		if (EVP_Digest(der, len, md, &mdlen,
		    match == 1 ? EVP_sha256() : EVP_sha512(), NULL) != 1 ||
		    mdlen != (match == 1 ? 32u : 64u)) {
			crypto_err_ossl(err, "cannot compute the TLSA %s digest",
			    match == 1 ? "SHA-256" : "SHA-512");
			goto out;
		}
		*hex = hex_of(md, mdlen);
	}
	if (*hex == NULL) {
		sslm_err_set(err, "out of memory formatting TLSA data");
		goto out;
	}
	rc = 0;
 out:
	OPENSSL_free(der);
	return rc;
}

/* ---- the openssl command-line cross-check -------------------------------- */

/* Each openssl stage reads a few KiB; a minute means it hangs. */
#define OPENSSL_TIMEOUT 60
/* A temp dir path longer than this in $TMPDIR is not used. */
#define TMPDIR_MAX 1024

/* Run one openssl stage. On failure err says which stage and how it ended,
 * and *diag gets what it wrote to stderr (the caller frees it). */
static int
run_stage(const char *const argv[], struct proc_result *res, char **diag,
    struct sslm_err *err)
{
	struct proc_opts opts = { .timeout = OPENSSL_TIMEOUT };
	char how[128];

	proc_result_clear(res);
	if (proc_run(argv, &opts, res, err) != 0)
		return -1;
	if (proc_result_ok(res))
		return 0;
	sslm_err_set(err, "%s %s %s", argv[0], argv[1],
	    proc_result_describe(res, how, sizeof(how)));
	if (res->err_out != NULL && res->err_out[0] != '\0' &&
	    (*diag = str_dup(res->err_out)) == NULL)
		sslm_err_set(err, "out of memory");
	return -1;
}

/* A private directory for the stages' files: openssl is run without a
 * shell, so the pipeline of tools.md §5 passes its data through files. */
static char *
make_tmpdir(struct sslm_err *err)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (base == NULL || base[0] != '/' || strlen(base) > TMPDIR_MAX)
		base = "/tmp";
	if ((dir = str_printf("%s/sslm-tlsa-hash.XXXXXX", base)) == NULL) {
		sslm_err_set(err, "out of memory");
		return NULL;
	}
	if (mkdtemp(dir) == NULL) {
		sslm_err_errno(err, errno, "cannot create a temporary directory "
		    "in %s (set TMPDIR to a writable directory)", base);
		free(dir);
		return NULL;
	}
	return dir;
}

/* The digest text after the last '=' of "SHA2-256(<file>)= <hex>", trimmed;
 * "" when there is none (the caller reports a mismatch then). */
static char *
after_equals(const char *out)
{
	const char *s = strrchr(out, '=');
	size_t n;

	s = s != NULL ? s + 1 : out + strlen(out);
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return str_printf("%.*s", (int)n, s);
}

int
crypto_tlsa_openssl(const char *openssl, const char *cert_path, int selector,
    int match, char **hex, char **diag, struct sslm_err *err)
{
	struct proc_result res;
	char *dir = NULL, *pub = NULL, *der = NULL, *data = NULL;
	size_t len = 0;
	int rc = -1;

	*hex = NULL;
	*diag = NULL;
	proc_result_init(&res);
	if (openssl == NULL)
		openssl = "openssl";
	if (selector < 0 || selector > 1 || match < 0 || match > 2) {
		sslm_err_set(err, "TLSA selector %d / matching type %d not "
		    "supported", selector, match);
		goto out;
	}
	if ((dir = make_tmpdir(err)) == NULL)
		goto out;
	if ((pub = fs_path_join(dir, "pubkey.pem")) == NULL ||
	    (der = fs_path_join(dir, "data.der")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (selector == 0) {
		const char *a[] = { openssl, "x509", "-in", cert_path,
		    "-outform", "der", "-out", der, NULL };

		if (run_stage(a, &res, diag, err) != 0)
			goto out;
	} else {
		const char *a[] = { openssl, "x509", "-in", cert_path,
		    "-pubkey", "-noout", "-out", pub, NULL };
		const char *b[] = { openssl, "pkey", "-pubin", "-in", pub,
		    "-outform", "der", "-out", der, NULL };

		if (run_stage(a, &res, diag, err) != 0 ||
		    run_stage(b, &res, diag, err) != 0)
			goto out;
	}
	if (match == 0) {
		/* tools.md §5: for full data the tool itself turns the DER
		 * bytes into hex. */
		if (fs_read_file(der, CRYPTO_PEM_MAX, &data, &len, err) != 0)
			goto out;
		*hex = hex_of((unsigned char *)data, len);
	} else {
		const char *a[] = { openssl, "dgst",
		    match == 1 ? "-sha256" : "-sha512", der, NULL };

		if (run_stage(a, &res, diag, err) != 0)
			goto out;
		*hex = after_equals(res.out != NULL ? res.out : "");
	}
	if (*hex == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	rc = 0;
 out:
	proc_result_clear(&res);
	if (pub != NULL)
		(void)unlink(pub);
	if (der != NULL)
		(void)unlink(der);
	if (dir != NULL)
		(void)rmdir(dir);
	free(data);
	free(pub);
	free(der);
	free(dir);
	return rc;
}
