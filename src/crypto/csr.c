/*
 * Certificate signing requests (crypto.md §3): subject in a fixed order with
 * fixed string types, the six requested extensions, SHA-384 (or pure
 * Ed25519) self-signature.
 */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "crypto/gen_int.h"

/* Longest DNS name (RFC 1035); a CA's free-text CN is shorter anyway. */
#define DNS_NAME_MAX 253

enum charset { CS_UTF8, CS_ASCII, CS_LETTERS };

/* One subject attribute: the order of this table is the order in the
 * name (crypto.md §3.1); sizes are OpenSSL's X.520 upper bounds. */
struct attr {
	const char *label;
	int nid;
	int type;               /* ASN.1 string type written */
	unsigned long mask;     /* what ASN1_mbstring_ncopy must accept */
	long min, max;          /* characters */
	enum charset cs;
};

static const struct attr attrs[] = {
	/* CN is a host name (or a CA's ASCII name) that also goes into the
	 * SAN list: ASCII only (config.md §5.3, case 15). */
	{ "CN", NID_commonName, V_ASN1_UTF8STRING, B_ASN1_UTF8STRING, 1, 64,
	    CS_ASCII },
	{ "C", NID_countryName, V_ASN1_PRINTABLESTRING, B_ASN1_PRINTABLESTRING,
	    2, 2, CS_LETTERS },
	{ "ST", NID_stateOrProvinceName, V_ASN1_UTF8STRING, B_ASN1_UTF8STRING,
	    1, 128, CS_UTF8 },
	{ "L", NID_localityName, V_ASN1_UTF8STRING, B_ASN1_UTF8STRING, 1, 128,
	    CS_UTF8 },
	{ "O", NID_organizationName, V_ASN1_UTF8STRING, B_ASN1_UTF8STRING, 1,
	    64, CS_UTF8 },
	{ "OU", NID_organizationalUnitName, V_ASN1_UTF8STRING,
	    B_ASN1_UTF8STRING, 1, 64, CS_UTF8 },
	{ "email", NID_pkcs9_emailAddress, V_ASN1_IA5STRING, B_ASN1_IA5STRING,
	    1, 128, CS_ASCII },
};

static const char *
attr_value(const struct crypto_name *n, size_t i)
{
	const char *v[] = { n->CN, n->C, n->ST, n->L, n->O, n->OU, n->email };

	return v[i];
}

/* The first C0 control character or DEL of s, 0 when there is none.
 * Names with one are refused before any message quotes them: a CN holding
 * ESC would reach terminals and logs. */
static int
control_char(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return *p;
	return 0;
}

static int
check_chars(const struct attr *a, const char *v, struct sslm_err *err)
{
	int c;

	if ((c = control_char(v)) != 0) {
		sslm_err_set(err, "subject %s: control character 0x%02x not "
		    "allowed", a->label, c);
		return -1;
	}
	if (a->cs == CS_LETTERS && strlen(v) != 2) {
		sslm_err_set(err, "subject %s '%s': must be a two-letter country "
		    "code", a->label, v);
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (a->cs != CS_UTF8 && *p >= 0x80) {
			sslm_err_set(err, "subject %s '%s': must be ASCII%s",
			    a->label, v, a->nid == NID_commonName ?
			    " (write an IDN as its xn-- A-label)" : "");
			return -1;
		}
		if (a->cs == CS_LETTERS && !((*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z'))) {
			sslm_err_set(err, "subject %s '%s': must be a two-letter "
			    "country code", a->label, v);
			return -1;
		}
	}
	return 0;
}

static X509_NAME *
build_subject(const struct crypto_name *n, struct sslm_err *err)
{
	X509_NAME *name;

	if ((name = X509_NAME_new()) == NULL) {
		crypto_err_ossl(err, "cannot build the subject");
		return NULL;
	}
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const struct attr *a = &attrs[i];
		const char *v = attr_value(n, i);

		if (v == NULL || *v == '\0')
			continue;       /* empty attributes are omitted (§3.1) */
		if (check_chars(a, v, err) != 0)
			goto fail;
		/* Checks UTF-8 and the length in characters; out NULL: only
		 * check. The entry is then added with its type spelt out, so
		 * the global string mask cannot change it. */
		if (ASN1_mbstring_ncopy(NULL, (const unsigned char *)v, -1,
		    MBSTRING_UTF8, a->mask, a->min, a->max) < 0) {
			crypto_err_ossl(err, "subject %s: must be %ld to %ld "
			    "characters of %s", a->label, a->min, a->max,
			    a->cs == CS_UTF8 ? "UTF-8" : "ASCII");
			goto fail;
		}
		if (X509_NAME_add_entry_by_NID(name, a->nid, a->type,
		    (const unsigned char *)v, -1, -1, 0) != 1) {
			crypto_err_ossl(err, "subject %s: cannot add", a->label);
			goto fail;
		}
	}
	return name;
 fail:
	X509_NAME_free(name);
	return NULL;
}

/* True when s (or s up to a '/', a CIDR) parses as an IP address. */
static bool
looks_like_ip(const char *s)
{
	unsigned char buf[16];
	char tmp[64];
	size_t n = strcspn(s, "/");

	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET, tmp, buf) == 1 ||
	    inet_pton(AF_INET6, tmp, buf) == 1;
}

static int
check_sans(const struct crypto_san *sans, size_t n, struct sslm_err *err)
{
	if (n == 0 || sans == NULL) {
		sslm_err_set(err, "no subject alternative names (the list must "
		    "hold at least the CN)");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct crypto_san *s = &sans[i];
		const unsigned char *p;
		size_t len;
		int c;

		if (s->is_ip) {
			if (s->addr_len != 4 && s->addr_len != 16) {
				sslm_err_set(err, "SAN %zu: IP address of %d "
				    "bytes (must be 4 or 16)", i + 1, s->addr_len);
				return -1;
			}
			continue;
		}
		if (s->dns == NULL || (len = strlen(s->dns)) == 0 ||
		    len > DNS_NAME_MAX) {
			sslm_err_set(err, "SAN %zu: DNS name empty or longer than "
			    "%d characters", i + 1, DNS_NAME_MAX);
			return -1;
		}
		if ((c = control_char(s->dns)) != 0) {
			sslm_err_set(err, "SAN %zu: control character 0x%02x in "
			    "a DNS name", i + 1, c);
			return -1;
		}
		for (p = (const unsigned char *)s->dns; *p; p++)
			if (*p >= 0x80) {
				sslm_err_set(err, "SAN '%s': DNS names must be "
				    "ASCII (write an IDN as its xn-- A-label)",
				    s->dns);
				return -1;
			}
		/* The acme.sh defect of case 16: an address in a dNSName
		 * matches no connection to that address. */
		if (looks_like_ip(s->dns)) {
			sslm_err_set(err, "SAN '%s': an IP address given as a DNS "
			    "name (it must be an IP entry)", s->dns);
			return -1;
		}
	}
	return 0;
}

X509_REQ *
crypto_csr_build(EVP_PKEY *key, const struct crypto_csr_spec *spec,
    struct sslm_err *err)
{
	X509_REQ *req = NULL;
	X509_NAME *name = NULL;
	STACK_OF(X509_EXTENSION) *exts = NULL;
	EVP_MD_CTX *ctx = NULL;
	bool pure, ok = false;

	ERR_clear_error();
	if (gen_key_usable(key, "CSR key", &pure, err) != 0 ||
	    check_sans(spec->sans, spec->n_sans, err) != 0 ||
	    (name = build_subject(&spec->subject, err)) == NULL)
		goto out;
	if ((req = X509_REQ_new()) == NULL ||
	    X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    X509_REQ_set_subject_name(req, name) != 1 ||
	    X509_REQ_set_pubkey(req, key) != 1) {
		crypto_err_ossl(err, "cannot build the CSR");
		goto out;
	}
	/* RFC 5280 §4.2.1.6: with an empty subject the names live only in
	 * the SAN, which must then be critical (case 14, tlsserver profile). */
	if ((exts = gen_csr_exts(X509_REQ_get_X509_PUBKEY(req), spec->is_ca,
	    pure, X509_NAME_entry_count(name) == 0, spec->sans, spec->n_sans,
	    err)) == NULL)
		goto out;
	if (X509_REQ_add_extensions(req, exts) != 1) {
		crypto_err_ossl(err, "cannot add the CSR extensions");
		goto out;
	}
	/* SHA-384 whatever the config says (§3.4); Ed25519 has no digest. */
	if ((ctx = gen_sign_ctx(key, pure ? NULL : "SHA2-384")) == NULL ||
	    X509_REQ_sign_ctx(req, ctx) <= 0) {
		crypto_err_ossl(err, "cannot sign the CSR");
		goto out;
	}
	ok = true;
	ERR_clear_error();
 out:
	EVP_MD_CTX_free(ctx);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_NAME_free(name);
	if (!ok) {
		X509_REQ_free(req);
		req = NULL;
	}
	return req;
}

int
crypto_csr_to_pem(X509_REQ *req, char **pem, size_t *len,
    struct sslm_err *err)
{
	BIO *bio = NULL;
	int rc = -1;

	*pem = NULL;
	*len = 0;
	ERR_clear_error();
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509_REQ(bio, req) != 1) {
		crypto_err_ossl(err, "cannot encode the CSR");
		goto out;
	}
	if (gen_bio_take(bio, pem, len) != 0) {
		sslm_err_set(err, "cannot encode the CSR: out of memory");
		goto out;
	}
	rc = 0;
 out:
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

/* A CSR block never carries encryption headers; should one appear, fail
 * instead of prompting on a terminal. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

X509_REQ *
crypto_csr_read(const char *path, struct sslm_err *err)
{
	X509_REQ *req = NULL;
	BIO *bio = NULL;
	char *buf = NULL;
	size_t len = 0;
	unsigned long e;

	ERR_clear_error();
	if (crypto_read_file(path, CRYPTO_PEM_MAX, &buf, &len, err) != 0)
		goto out;
	if (len > INT_MAX || (bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		crypto_err_ossl(err, "%s: cannot read", path);
		goto out;
	}
	/* Takes the first "CERTIFICATE REQUEST" (or "NEW CERTIFICATE
	 * REQUEST") block, skipping any other blocks before it. */
	if ((req = PEM_read_bio_X509_REQ(bio, NULL, no_passphrase, NULL)) == NULL) {
		e = ERR_peek_last_error();
		if (ERR_GET_LIB(e) == ERR_LIB_PEM &&
		    ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
			ERR_clear_error();
			sslm_err_set(err, "%s: no certificate request found", path);
		} else
			crypto_err_ossl(err, "%s: not a valid certificate "
			    "request", path);
		goto out;
	}
	ERR_clear_error();
 out:
	BIO_free(bio);
	free(buf);
	return req;
}
