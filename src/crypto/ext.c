/*
 * X.509v3 extensions of the CSR (crypto.md §3.3) and small helpers shared by
 * key.c, csr.c and sign.c.
 *
 * The extensions are built from OpenSSL's structures, never from
 * X509V3_EXT_conf strings: a CA's free-text CN goes into the SAN list as it
 * is, and a comma or colon in it must not be read as config syntax.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "crypto/gen_int.h"

int
gen_bio_take(BIO *bio, char **out, size_t *len)
{
	char *data = NULL, *buf;
	long n;

	*out = NULL;
	*len = 0;
	n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || data == NULL)
		return -1;
	if ((buf = malloc((size_t)n + 1)) == NULL)
		return -1;
	memcpy(buf, data, (size_t)n);
	buf[n] = '\0';
	*out = buf;
	*len = (size_t)n;
	return 0;
}

int
gen_keyid(const X509_PUBKEY *pub, unsigned char id[GEN_KEYID_LEN])
{
	const unsigned char *pk = NULL;
	int pklen = 0;
	size_t n = 0;

	if (pub == NULL ||
	    X509_PUBKEY_get0_param(NULL, &pk, &pklen, NULL, pub) != 1 ||
	    pk == NULL || pklen <= 0)
		return -1;
	if (EVP_Q_digest(NULL, "SHA1", NULL, pk, (size_t)pklen, id, &n) != 1 ||
	    n != GEN_KEYID_LEN)
		return -1;
	return 0;
}

X509_EXTENSION *
gen_ext_aki(const unsigned char *id, int len)
{
	AUTHORITY_KEYID *akid = NULL;
	X509_EXTENSION *ext = NULL;

	if ((akid = AUTHORITY_KEYID_new()) == NULL ||
	    (akid->keyid = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(akid->keyid, id, len) != 1)
		goto out;
	ext = X509V3_EXT_i2d(NID_authority_key_identifier, 0, akid);
 out:
	AUTHORITY_KEYID_free(akid);
	return ext;
}

/* Encode value as extension nid and append it; value stays the caller's. */
static int
push_ext(STACK_OF(X509_EXTENSION) *exts, int nid, int crit, void *value)
{
	X509_EXTENSION *ext;

	if (value == NULL || (ext = X509V3_EXT_i2d(nid, crit, value)) == NULL)
		return -1;
	if (sk_X509_EXTENSION_push(exts, ext) <= 0) {
		X509_EXTENSION_free(ext);
		return -1;
	}
	return 0;
}

static int
push_basic_constraints(STACK_OF(X509_EXTENSION) *exts, bool is_ca)
{
	BASIC_CONSTRAINTS *bc;
	int rc = -1;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL)
		return -1;
	/* cA is DEFAULT FALSE: FALSE is encoded by leaving it out (DER), no
	 * pathLenConstraint (crypto.md §3.3). */
	bc->ca = is_ca ? 0xff : 0;
	rc = push_ext(exts, NID_basic_constraints, 1, bc);
	BASIC_CONSTRAINTS_free(bc);
	return rc;
}

static int
push_key_usage(STACK_OF(X509_EXTENSION) *exts, bool is_ca, bool ed25519)
{
	/* RFC 5280 bit numbers */
	enum { DIGITAL_SIGNATURE = 0, KEY_ENCIPHERMENT = 2, KEY_AGREEMENT = 4,
		KEY_CERT_SIGN = 5, CRL_SIGN = 6 };
	ASN1_BIT_STRING *ku;
	int rc = -1;

	if ((ku = ASN1_BIT_STRING_new()) == NULL)
		goto out;
	if (ASN1_BIT_STRING_set_bit(ku, DIGITAL_SIGNATURE, 1) != 1)
		goto out;
	/* An Ed25519 key can only sign: no encipherment, no agreement. */
	if (!ed25519 && (ASN1_BIT_STRING_set_bit(ku, KEY_ENCIPHERMENT, 1) != 1 ||
	    ASN1_BIT_STRING_set_bit(ku, KEY_AGREEMENT, 1) != 1))
		goto out;
	if (is_ca && (ASN1_BIT_STRING_set_bit(ku, KEY_CERT_SIGN, 1) != 1 ||
	    ASN1_BIT_STRING_set_bit(ku, CRL_SIGN, 1) != 1))
		goto out;
	/* Critical for CAs (RFC 5280, decisions.md "CA keyUsage"). */
	rc = push_ext(exts, NID_key_usage, is_ca ? 1 : 0, ku);
 out:
	ASN1_BIT_STRING_free(ku);
	return rc;
}

static int
push_ext_key_usage(STACK_OF(X509_EXTENSION) *exts)
{
	static const int nids[] = { NID_server_auth, NID_client_auth,
		NID_email_protect, NID_code_sign, NID_time_stamp };
	EXTENDED_KEY_USAGE *eku;
	int rc = -1;

	if ((eku = sk_ASN1_OBJECT_new_null()) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(nids) / sizeof(nids[0]); i++) {
		ASN1_OBJECT *o = OBJ_nid2obj(nids[i]);

		if (o == NULL || sk_ASN1_OBJECT_push(eku, o) <= 0)
			goto out;
	}
	rc = push_ext(exts, NID_ext_key_usage, 0, eku);
 out:
	/* OBJ_nid2obj objects are static; freeing them is a no-op */
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	return rc;
}

static int
push_ski(STACK_OF(X509_EXTENSION) *exts, const unsigned char *id)
{
	ASN1_OCTET_STRING *ski;
	int rc = -1;

	if ((ski = ASN1_OCTET_STRING_new()) == NULL)
		return -1;
	if (ASN1_OCTET_STRING_set(ski, id, GEN_KEYID_LEN) == 1)
		rc = push_ext(exts, NID_subject_key_identifier, 0, ski);
	ASN1_OCTET_STRING_free(ski);
	return rc;
}

static int
push_aki(STACK_OF(X509_EXTENSION) *exts, const unsigned char *id)
{
	X509_EXTENSION *ext;

	if ((ext = gen_ext_aki(id, GEN_KEYID_LEN)) == NULL)
		return -1;
	if (sk_X509_EXTENSION_push(exts, ext) <= 0) {
		X509_EXTENSION_free(ext);
		return -1;
	}
	return 0;
}

/* One GENERAL_NAME: dNSName (IA5String) or iPAddress (4/16 octets). */
static GENERAL_NAME *
general_name(const struct crypto_san *san)
{
	GENERAL_NAME *gn = NULL;
	ASN1_STRING *s = NULL;

	if (san->is_ip) {
		if ((s = ASN1_OCTET_STRING_new()) == NULL ||
		    ASN1_OCTET_STRING_set(s, san->addr, san->addr_len) != 1)
			goto fail;
	} else {
		size_t n = strlen(san->dns);

		if (n > INT_MAX || (s = ASN1_IA5STRING_new()) == NULL ||
		    ASN1_STRING_set(s, san->dns, (int)n) != 1)
			goto fail;
	}
	if ((gn = GENERAL_NAME_new()) == NULL)
		goto fail;
	GENERAL_NAME_set0_value(gn, san->is_ip ? GEN_IPADD : GEN_DNS, s);
	return gn;
 fail:
	ASN1_STRING_free(s);
	return NULL;
}

static int
push_san(STACK_OF(X509_EXTENSION) *exts, bool critical,
    const struct crypto_san *sans, size_t n)
{
	GENERAL_NAMES *gens;
	GENERAL_NAME *gn;
	int rc = -1;

	if ((gens = GENERAL_NAMES_new()) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if ((gn = general_name(&sans[i])) == NULL)
			goto out;
		if (sk_GENERAL_NAME_push(gens, gn) <= 0) {
			GENERAL_NAME_free(gn);
			goto out;
		}
	}
	rc = push_ext(exts, NID_subject_alt_name, critical ? 1 : 0, gens);
 out:
	GENERAL_NAMES_free(gens);
	return rc;
}

STACK_OF(X509_EXTENSION) *
gen_csr_exts(const X509_PUBKEY *pub, bool is_ca, bool ed25519,
    bool san_critical, const struct crypto_san *sans, size_t n_sans,
    struct sslm_err *err)
{
	STACK_OF(X509_EXTENSION) *exts = NULL;
	unsigned char id[GEN_KEYID_LEN];

	if (gen_keyid(pub, id) != 0) {
		crypto_err_ossl(err, "cannot compute the subject key identifier");
		return NULL;
	}
	if ((exts = sk_X509_EXTENSION_new_null()) == NULL ||
	    push_basic_constraints(exts, is_ca) != 0 ||
	    push_key_usage(exts, is_ca, ed25519) != 0 ||
	    push_ext_key_usage(exts) != 0 ||
	    push_ski(exts, id) != 0 ||
	    push_aki(exts, id) != 0 ||
	    push_san(exts, san_critical, sans, n_sans) != 0) {
		crypto_err_ossl(err, "cannot build the CSR extensions");
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		return NULL;
	}
	return exts;
}

int
gen_key_usable(EVP_PKEY *key, const char *what, bool *pure,
    struct sslm_err *err)
{
	const char *type;

	*pure = false;
	if (key == NULL) {
		sslm_err_set(err, "%s: no key given", what);
		return -1;
	}
	if (EVP_PKEY_is_a(key, "ED25519")) {
		*pure = true;
		return 0;
	}
	/* "RSA" is not true for RSA-PSS keys, which would sign with PSS. */
	if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "EC"))
		return 0;
	type = EVP_PKEY_get0_type_name(key);
	sslm_err_set(err, "%s: unsupported key type %s (ssl-mgr signs with EC, "
	    "RSA or Ed25519 keys)", what, type != NULL ? type : "(unknown)");
	return -1;
}

EVP_MD_CTX *
gen_sign_ctx(EVP_PKEY *key, const char *md)
{
	EVP_MD_CTX *ctx;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	/* RSA keeps OpenSSL's default PKCS#1 v1.5 padding (crypto.md §3.4). */
	if (EVP_DigestSignInit_ex(ctx, NULL, md, NULL, NULL, key, NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}
