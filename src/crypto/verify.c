/*
 * "Is this certificate directly issued by that one?" (crypto.md §8) and
 * sslm-verify's report around it (tools.md §3).
 *
 * The outcomes follow the original, which asked Python cryptography's
 * verify_directly_issued_by() and mapped its three exceptions to messages;
 * the checks run in the same order so the same input gets the same message.
 */
#include "config.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "crypto/crypto_int.h"
#include "crypto/info_int.h"

static const char *const messages[] = {
	[CRYPTO_VERIFY_OK] = "Cert verified",
	[CRYPTO_VERIFY_BAD_NAME] =
	    "Cert bad: issuer name doesnt match issuer subject in chain\n"
	    "       or signature algorithm is unsupported",
	[CRYPTO_VERIFY_BAD_KEY_TYPE] =
	    "Cert bad: issuer doesnt have supported public key type",
	[CRYPTO_VERIFY_BAD_SIGNATURE] = "Cert bad: signature fails to verify",
	[CRYPTO_VERIFY_UNREADABLE] = "Failed to read cert or chain file",
};

const char *
crypto_verify_message(enum crypto_verify_result r)
{
	if ((size_t)r >= sizeof(messages) / sizeof(messages[0]) ||
	    messages[r] == NULL)
		return "Cert bad";
	return messages[r];
}

/* The key types that can sign certificates; the original's library knew
 * exactly these (X25519/X448/DH keys cannot sign). */
static bool
signing_key(EVP_PKEY *pk)
{
	return EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS") ||
	    EVP_PKEY_is_a(pk, "EC") || EVP_PKEY_is_a(pk, "DSA") ||
	    EVP_PKEY_is_a(pk, "ED25519") || EVP_PKEY_is_a(pk, "ED448");
}

/* Does the signature algorithm (by its public-key NID) fit the key? */
static bool
algo_fits_key(int pk_nid, EVP_PKEY *pk)
{
	switch (pk_nid) {
	case NID_rsaEncryption:
		return EVP_PKEY_is_a(pk, "RSA");
	case NID_rsassaPss:
		return EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS");
	case NID_X9_62_id_ecPublicKey:
		return EVP_PKEY_is_a(pk, "EC");
	case NID_dsa:
		return EVP_PKEY_is_a(pk, "DSA");
	case NID_ED25519:
		return EVP_PKEY_is_a(pk, "ED25519");
	case NID_ED448:
		return EVP_PKEY_is_a(pk, "ED448");
	default:
		return false;
	}
}

enum crypto_verify_result
crypto_verify_issued_by(X509 *cert, X509 *issuer)
{
	const X509_ALGOR *outer = NULL;
	EVP_PKEY *pk;
	enum crypto_verify_result r;
	int md_nid, pk_nid;

	ERR_clear_error();
	X509_get0_signature(NULL, &outer, cert);
	/* A certificate whose signed part names another algorithm than its
	 * signature is malformed; the original's library says "ValueError". */
	if (X509_ALGOR_cmp(outer, X509_get0_tbs_sigalg(cert)) != 0 ||
	    X509_NAME_cmp(X509_get_issuer_name(cert),
	    X509_get_subject_name(issuer)) != 0) {
		r = CRYPTO_VERIFY_BAD_NAME;
		goto out;
	}
	if ((pk = X509_get0_pubkey(issuer)) == NULL || !signing_key(pk)) {
		r = CRYPTO_VERIFY_BAD_KEY_TYPE;
		goto out;
	}
	if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid,
	    &pk_nid) != 1 || !algo_fits_key(pk_nid, pk)) {
		r = CRYPTO_VERIFY_BAD_NAME;
		goto out;
	}
	r = X509_verify(cert, pk) == 1 ? CRYPTO_VERIFY_OK :
	    CRYPTO_VERIFY_BAD_SIGNATURE;
 out:
	/* Why a check failed is in r; the queue must not outlive the call. */
	ERR_clear_error();
	return r;
}

/* The first certificate of a file. */
static X509 *
first_cert(const char *path, struct sslm_err *err)
{
	STACK_OF(X509) *certs = NULL;
	char *buf = NULL;
	size_t len = 0;
	X509 *x = NULL;

	if (crypto_read_file(path, CRYPTO_PEM_MAX, &buf, &len, err) == 0 &&
	    crypto_pem_read_certs_max(buf, len, path, 1, &certs, err) > 0)
		x = sk_X509_shift(certs);
	crypto_certs_free(certs);
	if (buf != NULL)
		OPENSSL_cleanse(buf, len);      /* a bundle holds a key */
	free(buf);
	return x;
}

enum crypto_verify_result
crypto_verify_files(const char *cert_path, const char *chain_path,
    struct sslm_err *err)
{
	X509 *cert = NULL, *issuer = NULL;
	enum crypto_verify_result r = CRYPTO_VERIFY_UNREADABLE;

	if ((cert = first_cert(cert_path, err)) == NULL ||
	    (issuer = first_cert(chain_path, err)) == NULL)
		goto out;
	r = crypto_verify_issued_by(cert, issuer);
 out:
	X509_free(cert);
	X509_free(issuer);
	return r;
}

int
crypto_verify_locate(const char *arg, char **dir, char **cert_path,
    char **chain_path)
{
	char *copy = NULL;
	int rc = -1;

	*dir = *cert_path = *chain_path = NULL;
	/* A file names its directory; anything else (a directory, or a path
	 * that does not exist) is taken as the directory itself. */
	if (!fs_is_dir(arg) && fs_is_file(arg)) {
		if ((copy = strdup(arg)) == NULL)
			goto out;
		*dir = strdup(dirname(copy));
	} else {
		*dir = strdup(arg);
	}
	if (*dir == NULL ||
	    (*cert_path = fs_path_join(*dir, "cert.pem")) == NULL ||
	    (*chain_path = fs_path_join(*dir, "chain.pem")) == NULL)
		goto out;
	if (fs_is_file(*cert_path) && fs_is_file(*chain_path))
		rc = 0;
 out:
	free(copy);
	if (rc != 0) {
		free(*cert_path);
		free(*chain_path);
		*cert_path = *chain_path = NULL;
	}
	return rc;
}

/* Every block of one file in the fields layout; an unreadable file is a
 * line in the report (the verification line already said it failed). */
static void
list_file(const char *path, time_t now, BIO *out)
{
	struct sslm_err err;

	sslm_err_clear(&err);
	if (crypto_info_file(path, CRYPTO_INFO_FIELDS, now, out, &err) < 0)
		BIO_puts(out, "\n");
}

enum crypto_verify_result
crypto_verify_report(const char *cert_path, const char *chain_path,
    time_t now, BIO *out, struct sslm_err *err)
{
	enum crypto_verify_result r;

	r = crypto_verify_files(cert_path, chain_path, err);
	BIO_puts(out, "-------------------\n");
	if (r == CRYPTO_VERIFY_OK)
		BIO_puts(out, "\tCertificate ** Verified **\n");
	else
		BIO_printf(out, "\tCertificate ** Failed **\n%s\n",
		    crypto_verify_message(r));
	BIO_puts(out, "Certificate Info:\n");
	list_file(cert_path, now, out);
	BIO_puts(out, "\n-------------------\nChain Info:\n");
	list_file(chain_path, now, out);
	return r;
}
