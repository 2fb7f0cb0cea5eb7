/* The certificate summary the status display and sslm-info print. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/crypto_int.h"

void
crypto_cert_info_init(struct crypto_cert_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	strvec_init(&ci->sans);
}

void
crypto_cert_info_clear(struct crypto_cert_info *ci)
{
	if (ci == NULL)
		return;
	free(ci->issuer_cn);
	free(ci->issuer_o);
	free(ci->subject_cn);
	free(ci->key_desc);
	free(ci->sig_algo);
	strvec_clear(&ci->sans);
	crypto_cert_info_init(ci);
}

/*
 * Copy n bytes of UTF-8 (or, with ascii_only, IA5) text into a new string
 * that is safe to print: C0 controls, DEL and the two-byte UTF-8 forms of
 * C1 controls (U+0080-U+009F, which some terminals obey) become '?'; with
 * ascii_only every non-ASCII byte does.
 */
static char *
printable_copy(const unsigned char *s, size_t n, bool ascii_only)
{
	char *out, *o;

	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	o = out;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c == 0x7f || (ascii_only && c >= 0x80)) {
			*o++ = '?';
		} else if (c == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f) {
			*o++ = '?';
			i++;
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

/* Unix time of an ASN1_TIME (UTCTime or GeneralizedTime, always UTC). */
static int
asn1_time_unix(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;
	time_t r;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	errno = 0;
	r = timegm(&tm);
	/* -1 is also 1969-12-31 23:59:59; only EOVERFLOW says "failed". */
	if (r == (time_t)-1 && errno == EOVERFLOW)
		return -1;
	*out = r;
	return 0;
}

/* Nearest whole day; half a day rounds away from zero. */
static long
round_days(long long secs)
{
	if (secs >= 0)
		return (long)((secs + 43200) / 86400);
	return -(long)((-secs + 43200) / 86400);
}

/* First attribute nid of nm as printable UTF-8; *out stays NULL if absent. */
static int
name_attr(const X509_NAME *nm, int nid, char **out, const char *name,
    const char *what, struct sslm_err *err)
{
	const X509_NAME_ENTRY *ne;
	unsigned char *utf8 = NULL;
	int i, n, rc = -1;

	*out = NULL;
	if (nm == NULL || (i = X509_NAME_get_index_by_NID(nm, nid, -1)) < 0)
		return 0;
	if ((ne = X509_NAME_get_entry(nm, i)) == NULL ||
	    (n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(ne))) < 0) {
		crypto_err_ossl(err, "%s: cannot decode the %s", name, what);
		goto out;
	}
	if ((*out = printable_copy(utf8, (size_t)n, false)) == NULL) {
		sslm_err_set(err, "%s: out of memory", name);
		goto out;
	}
	rc = 0;
 out:
	OPENSSL_free(utf8);
	return rc;
}

static int
read_sans(X509 *x, const char *name, struct strvec *sans, struct sslm_err *err)
{
	GENERAL_NAMES *gens = NULL;
	int crit = -1, n, rc = -1;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	if (gens == NULL) {
		if (crit == -1)         /* no SAN extension */
			return 0;
		crypto_err_ossl(err, "%s: %s", name, crit == -2 ?
		    "more than one subjectAltName extension" :
		    "cannot decode the subjectAltName extension");
		return -1;
	}
	n = sk_GENERAL_NAME_num(gens);
	/* Two passes: DNS names first, then addresses (the original's order). */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gens, i);
			const ASN1_STRING *s;
			const unsigned char *d;
			char ip[CRYPTO_FMT_MAX], *v = NULL;
			int type, len;

			s = GENERAL_NAME_get0_value(gn, &type);
			if (type != (pass == 0 ? GEN_DNS : GEN_IPADD))
				continue;
			d = ASN1_STRING_get0_data(s);
			len = ASN1_STRING_length(s);
			if (pass == 0) {
				v = printable_copy(d, (size_t)len, true);
			} else if (crypto_fmt_ip(d, (size_t)len, ip,
			    sizeof(ip)) == 0) {
				v = strdup(ip);
			} else {
				continue;       /* not an address; not shown */
			}
			if (strvec_push_owned(sans, v) != 0) {
				sslm_err_set(err, "%s: out of memory", name);
				goto out;
			}
		}
	}
	rc = 0;
 out:
	GENERAL_NAMES_free(gens);
	return rc;
}

/*
 * For a certificate read for a summary (no decoded key, see pem.c): the key
 * of the common cases named from its SubjectPublicKeyInfo without decoding
 * it: EC on the three NIST curves, and the RFC 8410 keys. Each is named
 * only when the encoding has the form OpenSSL's decoder accepts (RFC 8410:
 * no parameters and the key's fixed length; EC: a named curve and a point
 * of that curve's length, compressed or not). Whether an EC point lies on
 * its curve is not checked (that takes ~20 us, the cost of a decode): such
 * a broken key is named by its curve here, where a decode would make it
 * "unknown"; signing and verifying decode the key and refuse it.
 * NULL: not one of these, decode the key.
 */
static const char *
key_desc_from_spki(const X509_PUBKEY *xpk)
{
	static const struct {
		int nid;
		const char *desc;
		int len;        /* key bytes (RFC 8410), field bytes (EC) */
	} ecx[] = {
		{ NID_ED25519, "ed25519", 32 },
		{ NID_ED448, "ed448", 57 },
		{ NID_X25519, "x25519", 32 },
		{ NID_X448, "x448", 56 },
	}, curves[] = {
		/* The spec and the original call P-256 by its SEC name. */
		{ NID_X9_62_prime256v1, "secp256r1", 32 },
		{ NID_secp384r1, "secp384r1", 48 },
		{ NID_secp521r1, "secp521r1", 66 },
	};
	ASN1_OBJECT *alg = NULL;
	const ASN1_OBJECT *curve;
	const unsigned char *pk = NULL;
	const void *pval = NULL;
	X509_ALGOR *pa = NULL;
	int pklen = 0, ptype = V_ASN1_UNDEF, nid, cnid;

	if (xpk == NULL ||
	    X509_PUBKEY_get0_param(&alg, &pk, &pklen, &pa, xpk) != 1 ||
	    pk == NULL)
		return NULL;
	nid = OBJ_obj2nid(alg);
	if (pa != NULL)
		X509_ALGOR_get0(NULL, &ptype, &pval, pa);
	for (size_t i = 0; i < sizeof(ecx) / sizeof(ecx[0]); i++)
		if (nid == ecx[i].nid)
			return ptype == V_ASN1_UNDEF && pklen == ecx[i].len ?
			    ecx[i].desc : NULL;
	if (nid != NID_X9_62_id_ecPublicKey || ptype != V_ASN1_OBJECT)
		return NULL;
	curve = pval;
	cnid = OBJ_obj2nid(curve);
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
		int f = curves[i].len;

		if (cnid != curves[i].nid)
			continue;
		if ((pk[0] == 0x04 && pklen == 1 + 2 * f) ||
		    ((pk[0] == 0x02 || pk[0] == 0x03) && pklen == 1 + f))
			return curves[i].desc;
		return NULL;
	}
	return NULL;
}

/* The public key of x decoded: x's own; for a summary certificate, which
 * has none, a new one from its SubjectPublicKeyInfo in *own (the caller
 * frees it). NULL when OpenSSL cannot decode it. */
static EVP_PKEY *
decoded_key(const X509 *x, bool summary, EVP_PKEY **own)
{
	const X509_PUBKEY *xpk;
	unsigned char *der = NULL;
	const unsigned char *p;
	EVP_PKEY *pk;
	int n;

	*own = NULL;
	if ((pk = X509_get0_pubkey(x)) != NULL)
		return pk;
	ERR_clear_error();
	if (summary && (xpk = X509_get_X509_PUBKEY(x)) != NULL &&
	    (n = i2d_X509_PUBKEY(xpk, &der)) > 0) {
		p = der;
		*own = d2i_PUBKEY(NULL, &p, n);
	}
	OPENSSL_free(der);
	if (*own == NULL)
		ERR_clear_error();
	return *own;
}

/* key_desc as documented in crypto.h; *out stays NULL for "unknown". For a
 * summary certificate the common keys are named from their algorithm
 * identifier, and only the others (RSA, DSA and DH sizes, other curves,
 * anything rarer) are decoded; any other certificate has its key decoded
 * already. */
static int
key_desc(const X509 *x, bool summary, const char *name, char **out,
    struct sslm_err *err)
{
	EVP_PKEY *pk, *own = NULL;
	const char *desc;
	char group[80];
	size_t glen = 0;
	int nid, rc = -1;

	*out = NULL;
	if (summary &&
	    (desc = key_desc_from_spki(X509_get_X509_PUBKEY(x))) != NULL) {
		*out = strdup(desc);
		goto done;
	}
	if ((pk = decoded_key(x, summary, &own)) == NULL) {
		/* A key type this OpenSSL cannot decode is "key type unknown"
		 * for the display, not a reason to fail. */
		return 0;
	}
	if (EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS"))
		*out = str_printf("rsa-%d", EVP_PKEY_get_bits(pk));
	else if (EVP_PKEY_is_a(pk, "DSA"))
		*out = str_printf("dsa-%d", EVP_PKEY_get_bits(pk));
	else if (EVP_PKEY_is_a(pk, "DH") || EVP_PKEY_is_a(pk, "DHX"))
		*out = str_printf("dh-%d", EVP_PKEY_get_bits(pk));
	else if (EVP_PKEY_is_a(pk, "ED25519"))
		*out = strdup("ed25519");
	else if (EVP_PKEY_is_a(pk, "ED448"))
		*out = strdup("ed448");
	else if (EVP_PKEY_is_a(pk, "X25519"))
		*out = strdup("x25519");
	else if (EVP_PKEY_is_a(pk, "X448"))
		*out = strdup("x448");
	else if (EVP_PKEY_is_a(pk, "EC")) {
		/* Explicit curve parameters have no name: "unknown". */
		if (EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen) != 1) {
			ERR_clear_error();
			rc = 0;
			goto out;
		}
		if ((nid = OBJ_sn2nid(group)) == NID_undef)
			nid = EC_curve_nist2nid(group);
		/* The spec and the original call P-256 by its SEC name. */
		if (nid == NID_X9_62_prime256v1)
			*out = strdup("secp256r1");
		else
			*out = strdup(nid != NID_undef ? OBJ_nid2sn(nid) : group);
	} else {
		rc = 0;
		goto out;
	}
 done:
	if (*out == NULL) {
		sslm_err_set(err, "%s: out of memory", name);
		goto out;
	}
	rc = 0;
 out:
	EVP_PKEY_free(own);
	return rc;
}

/* Long name of the signature algorithm, or its dotted OID. */
static char *
sig_algo(const X509 *x)
{
	const X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;
	char *s;
	int n;

	X509_get0_signature(NULL, &alg, x);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (obj == NULL || (n = OBJ_obj2txt(NULL, 0, obj, 0)) <= 0)
		return strdup("");
	if ((s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	OBJ_obj2txt(s, n + 1, obj, 0);
	return s;
}

/* crypto_cert_info_from_x509; summary: x comes from
 * crypto_pem_read_certs_summary (its key is not decoded). */
static int
info_from_x509(X509 *x, bool summary, const char *name,
    struct crypto_cert_info *ci, struct sslm_err *err)
{
	int rc = -1;

	if (name == NULL)
		name = "certificate";
	crypto_cert_info_clear(ci);
	ERR_clear_error();
	if (asn1_time_unix(X509_get0_notBefore(x), &ci->not_before) != 0) {
		crypto_err_ossl(err, "%s: notBefore is not a valid time", name);
		goto out;
	}
	if (asn1_time_unix(X509_get0_notAfter(x), &ci->not_after) != 0) {
		crypto_err_ossl(err, "%s: notAfter is not a valid time", name);
		goto out;
	}
	ci->lifetime_days = round_days((long long)ci->not_after -
	    (long long)ci->not_before);
	if (name_attr(X509_get_issuer_name(x), NID_commonName, &ci->issuer_cn,
	    name, "issuer CN", err) != 0 ||
	    name_attr(X509_get_issuer_name(x), NID_organizationName,
	    &ci->issuer_o, name, "issuer O", err) != 0 ||
	    name_attr(X509_get_subject_name(x), NID_commonName, &ci->subject_cn,
	    name, "subject CN", err) != 0)
		goto out;
	if (key_desc(x, summary, name, &ci->key_desc, err) != 0 ||
	    read_sans(x, name, &ci->sans, err) != 0)
		goto out;
	if ((ci->sig_algo = sig_algo(x)) == NULL) {
		sslm_err_set(err, "%s: out of memory", name);
		goto out;
	}
	ci->is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
	/* Caching the extensions reports other, unrelated extension defects on
	 * the queue; they do not matter for a summary. */
	ERR_clear_error();
	rc = 0;
 out:
	if (rc != 0)
		crypto_cert_info_clear(ci);
	return rc;
}

int
crypto_cert_info_from_x509(X509 *x, const char *name,
    struct crypto_cert_info *ci, struct sslm_err *err)
{
	return info_from_x509(x, false, name, ci, err);
}

int
crypto_cert_info_from_pem(const char *pem, size_t len, const char *name,
    struct crypto_cert_info *ci, struct sslm_err *err)
{
	STACK_OF(X509) *certs = NULL;
	int rc = -1;

	if (name == NULL)
		name = "PEM input";
	crypto_cert_info_clear(ci);
	if (crypto_pem_read_certs_summary(pem, len, name, 1, &certs, err) < 0)
		goto out;
	if (info_from_x509(sk_X509_value(certs, 0), true, name, ci, err) != 0)
		goto out;
	rc = 0;
 out:
	crypto_certs_free(certs);
	return rc;
}

int
crypto_cert_info_read(const char *path, struct crypto_cert_info *ci,
    struct sslm_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	crypto_cert_info_clear(ci);
	if (crypto_read_file(path, CRYPTO_PEM_MAX, &buf, &len, err) != 0)
		goto out;
	if (crypto_cert_info_from_pem(buf, len, path, ci, err) != 0)
		goto out;
	rc = 0;
 out:
	free(buf);
	return rc;
}
