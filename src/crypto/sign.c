/*
 * Locally issued certificates (crypto.md §4): self-signed, or signed by a
 * local CA with the authority key identifier fixed (§4.4).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "crypto/gen_int.h"

#define SERIAL_BYTES 20
/* Longest accepted digest spelling ("sha3_512") plus room to notice more. */
#define DIGEST_NAME_MAX 16

/* [CA] digest names (crypto.md §4.3) and OpenSSL's names for them. */
static const struct {
	const char *name;
	const char *ossl;
} digests[] = {
	{ "sha224", "SHA2-224" },
	{ "sha256", "SHA2-256" },
	{ "sha384", "SHA2-384" },
	{ "sha512", "SHA2-512" },
	{ "sha3_224", "SHA3-224" },
	{ "sha3_256", "SHA3-256" },
	{ "sha3_384", "SHA3-384" },
	{ "sha3_512", "SHA3-512" },
};

/* Case-insensitive, '-' or '_' between the parts; NULL/"" = sha384. */
static int
digest_lookup(const char *in, const char **ossl, struct sslm_err *err)
{
	char norm[DIGEST_NAME_MAX];
	size_t n;

	if (in == NULL || *in == '\0')
		in = "sha384";
	for (n = 0; in[n] != '\0' && n < sizeof(norm) - 1; n++) {
		char c = in[n];

		norm[n] = c == '-' ? '_' : (c >= 'A' && c <= 'Z') ?
		    (char)(c - 'A' + 'a') : c;
	}
	norm[n] = '\0';
	if (in[n] == '\0')
		for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
			if (strcmp(norm, digests[i].name) == 0) {
				*ossl = digests[i].ossl;
				return 0;
			}
	sslm_err_set(err, "unknown digest '%s' (use sha224, sha256, sha384, "
	    "sha512, sha3_224, sha3_256, sha3_384 or sha3_512)", in);
	return -1;
}

/* Random positive serial of at most 159 bits, never zero (§4.2). */
static int
set_serial(X509 *x)
{
	unsigned char buf[SERIAL_BYTES];
	BIGNUM *bn = NULL;
	ASN1_INTEGER *ai = NULL;
	int rc = -1;

	do {
		if (RAND_bytes(buf, sizeof(buf)) != 1)
			goto out;
		buf[0] &= 0x7f;
		BN_free(bn);
		if ((bn = BN_bin2bn(buf, sizeof(buf), NULL)) == NULL)
			goto out;
	} while (BN_is_zero(bn));
	if ((ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    X509_set_serialNumber(x, ai) != 1)
		goto out;
	rc = 0;
 out:
	OPENSSL_cleanse(buf, sizeof(buf));
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return rc;
}

/*
 * Copy the CSR's extensions in order; the authorityKeyIdentifier becomes
 * keyIdentifier = aki at the same place (appended when the CSR has none:
 * RFC 5280 wants it in every certificate a CA issues). With an empty
 * subject the SAN is made critical (RFC 5280 §4.2.1.6), whatever a foreign
 * CSR asked for.
 */
static int
copy_extensions(X509 *x, X509_REQ *req, const unsigned char *aki, int aki_len,
    struct sslm_err *err)
{
	STACK_OF(X509_EXTENSION) *exts;
	X509_EXTENSION *own = NULL;
	bool empty_subject, done = false;
	int rc = -1;

	empty_subject = X509_NAME_entry_count(X509_REQ_get_subject_name(req)) == 0;
	exts = X509_REQ_get_extensions(req);
	if (exts == NULL && ERR_peek_error() != 0) {
		crypto_err_ossl(err, "CSR: cannot read its extensions");
		goto out;
	}
	for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *ext = sk_X509_EXTENSION_value(exts, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));

		if (nid == NID_authority_key_identifier) {
			if (done)
				continue;       /* never twice */
			if ((own = gen_ext_aki(aki, aki_len)) == NULL)
				goto fail;
			ext = own;
			done = true;
		} else if (nid == NID_subject_alt_name && empty_subject &&
		    X509_EXTENSION_set_critical(ext, 1) != 1)
			goto fail;
		if (X509_add_ext(x, ext, -1) != 1)
			goto fail;
		X509_EXTENSION_free(own);
		own = NULL;
	}
	if (!done && ((own = gen_ext_aki(aki, aki_len)) == NULL ||
	    X509_add_ext(x, own, -1) != 1))
		goto fail;
	rc = 0;
	goto out;
 fail:
	crypto_err_ossl(err, "cannot copy the CSR extensions");
 out:
	X509_EXTENSION_free(own);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return rc;
}

/* The certificate for req: issuer name, signer and AKI decided by the
 * caller, everything else taken from the CSR and spec. */
static X509 *
issue(X509_REQ *req, const X509_NAME *issuer, EVP_PKEY *signer,
    const unsigned char *aki, int aki_len, const struct crypto_sign_spec *spec,
    struct sslm_err *err)
{
	X509 *x = NULL;
	EVP_PKEY *pub;
	EVP_MD_CTX *ctx = NULL;
	const char *md = NULL;
	time_t nb;
	bool pure, ok = false;

	if (digest_lookup(spec->digest, &md, err) != 0 ||
	    gen_key_usable(signer, "signing key", &pure, err) != 0)
		goto out;
	if (spec->days < 1) {
		sslm_err_set(err, "validity of %d days: must be at least 1",
		    spec->days);
		goto out;
	}
	nb = spec->not_before != 0 ? spec->not_before : time(NULL);
	if ((x = X509_new()) == NULL ||
	    X509_set_version(x, X509_VERSION_3) != 1 ||
	    set_serial(x) != 0 ||
	    X509_set_issuer_name(x, issuer) != 1 ||
	    X509_set_subject_name(x, X509_REQ_get_subject_name(req)) != 1 ||
	    (pub = X509_REQ_get0_pubkey(req)) == NULL ||
	    X509_set_pubkey(x, pub) != 1) {
		crypto_err_ossl(err, "cannot build the certificate");
		goto out;
	}
	/* Whole seconds, no back-dating; UTCTime up to 2049, then
	 * GeneralizedTime (RFC 5280 §4.1.2.5). */
	if (X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &nb) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), spec->days, 0, &nb) == NULL) {
		crypto_err_ossl(err, "validity of %d days cannot be represented",
		    spec->days);
		goto out;
	}
	if (copy_extensions(x, req, aki, aki_len, err) != 0)
		goto out;
	/* [CA] digest does not apply to Ed25519 signers (§4.2). */
	if ((ctx = gen_sign_ctx(signer, pure ? NULL : md)) == NULL ||
	    X509_sign_ctx(x, ctx) <= 0) {
		crypto_err_ossl(err, "cannot sign the certificate");
		goto out;
	}
	ok = true;
	ERR_clear_error();
 out:
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* The CSR must be intact and self-signed by the key it names (proof of
 * possession), whoever made it. */
static int
check_csr(X509_REQ *req, struct sslm_err *err)
{
	EVP_PKEY *pub;

	if (req == NULL || (pub = X509_REQ_get0_pubkey(req)) == NULL) {
		crypto_err_ossl(err, "CSR: no usable public key");
		return -1;
	}
	if (X509_REQ_verify(req, pub) != 1) {
		crypto_err_ossl(err, "CSR: its signature does not verify");
		return -1;
	}
	return 0;
}

X509 *
crypto_sign_self(X509_REQ *req, EVP_PKEY *key,
    const struct crypto_sign_spec *spec, struct sslm_err *err)
{
	STACK_OF(X509_EXTENSION) *exts = NULL;
	ASN1_OCTET_STRING *ski = NULL;
	unsigned char id[GEN_KEYID_LEN];
	const unsigned char *aki = id;
	int aki_len = GEN_KEYID_LEN;
	X509 *x = NULL;

	ERR_clear_error();
	if (check_csr(req, err) != 0)
		goto out;
	if (!crypto_key_matches(key, X509_REQ_get0_pubkey(req))) {
		sslm_err_set(err, "the signing key does not match the CSR's "
		    "public key");
		goto out;
	}
	/* AKI = the certificate's own SKI: the CSR's value when it has one. */
	exts = X509_REQ_get_extensions(req);
	ski = exts != NULL ? X509V3_get_d2i(exts, NID_subject_key_identifier,
	    NULL, NULL) : NULL;
	ERR_clear_error();
	if (ski != NULL) {
		aki = ASN1_STRING_get0_data(ski);
		aki_len = ASN1_STRING_length(ski);
	} else if (gen_keyid(X509_REQ_get_X509_PUBKEY(req), id) != 0) {
		crypto_err_ossl(err, "cannot compute the subject key identifier");
		goto out;
	}
	x = issue(req, X509_REQ_get_subject_name(req), key, aki, aki_len, spec,
	    err);
 out:
	ASN1_OCTET_STRING_free(ski);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return x;
}

X509 *
crypto_sign_by_ca(X509_REQ *req, X509 *ca_cert, EVP_PKEY *ca_key,
    const struct crypto_sign_spec *spec, struct sslm_err *err)
{
	const ASN1_OCTET_STRING *ski;
	unsigned char id[GEN_KEYID_LEN];
	const unsigned char *aki = id;
	int aki_len = GEN_KEYID_LEN;
	X509 *x = NULL;

	ERR_clear_error();
	if (check_csr(req, err) != 0)
		goto out;
	if (ca_cert == NULL || !crypto_key_matches(ca_key, X509_get0_pubkey(ca_cert))) {
		sslm_err_set(err, "CA key does not match the CA certificate");
		goto out;
	}
	if (X509_check_ca(ca_cert) == 0) {
		crypto_err_ossl(err, "CA certificate is not a CA certificate "
		    "(basicConstraints CA:FALSE or missing)");
		goto out;
	}
	/* §4.4: the issuer's key identifier, not the subject's (the
	 * original's bug C1); SHA-1 of the CA key when its cert has no SKI. */
	if ((ski = X509_get0_subject_key_id(ca_cert)) != NULL) {
		aki = ASN1_STRING_get0_data(ski);
		aki_len = ASN1_STRING_length(ski);
	} else if (gen_keyid(X509_get_X509_PUBKEY(ca_cert), id) != 0) {
		crypto_err_ossl(err, "cannot compute the CA key identifier");
		goto out;
	}
	x = issue(req, X509_get_subject_name(ca_cert), ca_key, aki, aki_len, spec,
	    err);
 out:
	ERR_clear_error();
	return x;
}

int
crypto_cert_to_pem(X509 *cert, char **pem, size_t *len, struct sslm_err *err)
{
	BIO *bio = NULL;
	int rc = -1;

	*pem = NULL;
	*len = 0;
	ERR_clear_error();
	if ((bio = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_X509(bio, cert) != 1) {
		crypto_err_ossl(err, "cannot encode the certificate");
		goto out;
	}
	if (gen_bio_take(bio, pem, len) != 0) {
		sslm_err_set(err, "cannot encode the certificate: out of memory");
		goto out;
	}
	rc = 0;
 out:
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

X509 *
crypto_cert_read(const char *path, struct sslm_err *err)
{
	STACK_OF(X509) *certs = NULL;
	X509 *x = NULL;
	char *buf = NULL;
	size_t len = 0;

	if (crypto_read_file(path, CRYPTO_PEM_MAX, &buf, &len, err) != 0)
		goto out;
	/* Only the first certificate is parsed: a damaged later chain member
	 * must not hide it (crypto.md §6). */
	if (crypto_pem_read_certs_max(buf, len, path, 1, &certs, err) < 1)
		goto out;
	x = sk_X509_shift(certs);
 out:
	crypto_certs_free(certs);
	free(buf);
	return x;
}
