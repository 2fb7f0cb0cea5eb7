/*
 * One PEM block as sslm-info and sslm-verify show it: the summary fields of
 * tools.md §2.3 or OpenSSL's own text dump (§2.2 verbose mode).
 *
 * Each description is first written to a memory BIO and copied to the
 * output only when complete, so a block that fails half-way never leaves
 * half a description behind its error line.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/info_int.h"

/* tools.md §2.2: what the label says the block is. */
enum kind {
	KIND_KEY,
	KIND_CSR,
	KIND_CERT,
};

static const char ENCRYPTED_TEXT[] =
    "encrypted private key (passphrase needed)";

static enum kind
block_kind(const char *label)
{
	if (strstr(label, "KEY") != NULL)
		return KIND_KEY;
	if (strstr(label, "REQUEST") != NULL)
		return KIND_CSR;
	return KIND_CERT;
}

/* ---- parsing ---------------------------------------------------------------
 * Every parser insists on using all of the block's bytes: trailing data
 * means the block is not what its label says. */

static X509 *
parse_cert(const struct info_block *b)
{
	const unsigned char *p = b->der;
	X509 *x;

	if (b->derlen > LONG_MAX)
		return NULL;
	/* The _AUX reader keeps a TRUSTED CERTIFICATE's trust settings aside
	 * (crypto.md §6) so the verbose dump can show them, as openssl does. */
	if (strcmp(b->label, "TRUSTED CERTIFICATE") == 0)
		x = d2i_X509_AUX(NULL, &p, (long)b->derlen);
	else
		x = d2i_X509(NULL, &p, (long)b->derlen);
	if (x != NULL && p != b->der + b->derlen) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static X509_REQ *
parse_csr(const struct info_block *b)
{
	const unsigned char *p = b->der;
	X509_REQ *req;

	if (b->derlen > LONG_MAX)
		return NULL;
	req = d2i_X509_REQ(NULL, &p, (long)b->derlen);
	if (req != NULL && p != b->der + b->derlen) {
		X509_REQ_free(req);
		req = NULL;
	}
	return req;
}

/* Passphrase callback: never ask (no prompt, no terminal, crypto.md §6);
 * note that one was wanted, which means the key is encrypted. */
static int
no_passphrase(char *pass, size_t size, size_t *len, const OSSL_PARAM params[],
    void *arg)
{
	(void)pass;
	(void)size;
	(void)params;
	*len = 0;
	*(bool *)arg = true;
	return 0;
}

static EVP_PKEY *
decode_key(const struct info_block *b, int selection, bool *wanted_pass)
{
	OSSL_DECODER_CTX *dctx = NULL;
	EVP_PKEY *pk = NULL;
	const unsigned char *p = b->der;
	size_t left = b->derlen;

	dctx = OSSL_DECODER_CTX_new_for_pkey(&pk, "DER", NULL, NULL, selection,
	    NULL, NULL);
	if (dctx == NULL ||
	    OSSL_DECODER_CTX_set_passphrase_cb(dctx, no_passphrase,
	    wanted_pass) != 1 ||
	    OSSL_DECODER_from_data(dctx, &p, &left) != 1 || left != 0) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	return pk;
}

/*
 * A key block: private first, then public (crypto.md §6). *encrypted is set
 * (and NULL returned) for an encrypted key, which is never decrypted.
 */
static EVP_PKEY *
parse_key(const struct info_block *b, bool *is_private, bool *encrypted)
{
	EVP_PKEY *pk;
	bool wanted_pass = false;

	*encrypted = false;
	if (strcmp(b->label, "ENCRYPTED PRIVATE KEY") == 0 || b->proc_encrypted) {
		*encrypted = true;
		return NULL;
	}
	*is_private = true;
	if ((pk = decode_key(b, OSSL_KEYMGMT_SELECT_PRIVATE_KEY,
	    &wanted_pass)) != NULL)
		return pk;
	/* An encrypted PKCS#8 body under a plain label. */
	if (wanted_pass) {
		*encrypted = true;
		return NULL;
	}
	*is_private = false;
	return decode_key(b, OSSL_KEYMGMT_SELECT_PUBLIC_KEY, &wanted_pass);
}

/* ---- summary fields (tools.md §2.3) ------------------------------------ */

static void
print_key_line(BIO *m, const char *field, const char *prefix, EVP_PKEY *pk,
    bool is_private)
{
	char desc[INFO_KEY_DESC_MAX];

	info_key_desc(pk, is_private, desc, sizeof(desc));
	if (desc[0] == '\0')
		BIO_printf(m, "%s: key type unknown\n", field);
	else
		BIO_printf(m, "%s: %s%s\n", field, prefix, desc);
}

static void
print_name_line(BIO *m, const char *field, const char *value)
{
	if (value[0] != '\0')
		BIO_printf(m, "%s: %s\n", field, value);
}

static int
cert_fields(BIO *m, X509 *x, time_t now)
{
	struct crypto_cert_info ci;
	char *issuer = NULL, *subject = NULL;
	char date[CRYPTO_FMT_MAX], span[CRYPTO_FMT_MAX];
	int rc = -1;

	crypto_cert_info_init(&ci);
	if (crypto_cert_info_from_x509(x, NULL, &ci, NULL) != 0 ||
	    (issuer = info_name_rfc4514(X509_get_issuer_name(x))) == NULL ||
	    (subject = info_name_rfc4514(X509_get_subject_name(x))) == NULL)
		goto out;
	crypto_fmt_date(ci.not_after, date, sizeof(date));
	crypto_fmt_remain((long long)ci.not_after - (long long)now, span,
	    sizeof(span));
	if (date[0] != '\0')
		BIO_printf(m, "Expires  : %s (%s)\n", date, span);
	crypto_fmt_date(ci.not_before, date, sizeof(date));
	crypto_fmt_remain((long long)now - (long long)ci.not_before, span,
	    sizeof(span));
	if (date[0] != '\0')
		BIO_printf(m, "Issued   : %s (%s ago) (%ld day cert)\n", date,
		    span, ci.lifetime_days);
	print_name_line(m, "Issuer   ", issuer);
	print_name_line(m, "Subject  ", subject);
	info_print_sans(m, &ci.sans);
	print_key_line(m, "Pubkey   ", "pubkey-", X509_get0_pubkey(x), false);
	print_name_line(m, "Sig algo ", ci.sig_algo);
	rc = 0;
 out:
	free(issuer);
	free(subject);
	crypto_cert_info_clear(&ci);
	return rc;
}

/* Long name of the CSR's signature algorithm, or its dotted OID. */
static void
csr_sig_algo(const X509_REQ *req, char *out, size_t n)
{
	const X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;

	out[0] = '\0';
	X509_REQ_get0_signature(req, NULL, &alg);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (obj != NULL && OBJ_obj2txt(out, (int)n, obj, 0) <= 0)
		out[0] = '\0';
}

static int
csr_fields(BIO *m, X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *exts = NULL;
	GENERAL_NAMES *gens = NULL;
	struct strvec sans;
	char *subject = NULL, sig[128];
	int crit = -1, rc = -1;

	strvec_init(&sans);
	if ((subject = info_name_rfc4514(X509_REQ_get_subject_name(req))) == NULL)
		goto out;
	/* No extension request at all is a plain "no SANs". */
	if ((exts = X509_REQ_get_extensions(req)) != NULL &&
	    (gens = X509V3_get_d2i(exts, NID_subject_alt_name, &crit,
	    NULL)) == NULL && crit != -1)
		goto out;       /* a damaged or doubled SAN extension */
	if (gens != NULL && info_sans_append(gens, &sans) != 0)
		goto out;
	csr_sig_algo(req, sig, sizeof(sig));
	print_name_line(m, "Subject  ", subject);
	info_print_sans(m, &sans);
	print_key_line(m, "Pubkey   ", "pubkey-", X509_REQ_get0_pubkey(req),
	    false);
	print_name_line(m, "Sig algo ", sig);
	rc = 0;
 out:
	GENERAL_NAMES_free(gens);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	strvec_clear(&sans);
	free(subject);
	return rc;
}

/* ---- one block ---------------------------------------------------------- */

static int
render_cert(BIO *m, const struct info_block *b, enum crypto_info_style style,
    time_t now)
{
	X509 *x;
	int rc = -1;

	if ((x = parse_cert(b)) == NULL)
		return -1;
	if (style == CRYPTO_INFO_VERBOSE)
		rc = X509_print_ex(m, x, XN_FLAG_COMPAT, X509_FLAG_COMPAT) == 1 ?
		    0 : -1;
	else
		rc = cert_fields(m, x, now);
	X509_free(x);
	return rc;
}

static int
render_csr(BIO *m, const struct info_block *b, enum crypto_info_style style)
{
	X509_REQ *req;
	int rc = -1;

	if ((req = parse_csr(b)) == NULL)
		return -1;
	if (style == CRYPTO_INFO_VERBOSE)
		rc = X509_REQ_print_ex(m, req, XN_FLAG_COMPAT,
		    X509_FLAG_COMPAT) == 1 ? 0 : -1;
	else
		rc = csr_fields(m, req);
	X509_REQ_free(req);
	return rc;
}

static int
render_key(BIO *m, const struct info_block *b, enum crypto_info_style style)
{
	EVP_PKEY *pk;
	bool is_private = false, encrypted = false;
	int rc = -1;

	if ((pk = parse_key(b, &is_private, &encrypted)) == NULL) {
		if (!encrypted)
			return -1;
		/* An item type, not an error (field case 10). */
		if (style == CRYPTO_INFO_VERBOSE)
			BIO_printf(m, "%s\n", ENCRYPTED_TEXT);
		else
			BIO_printf(m, "Key algo : %s\n", ENCRYPTED_TEXT);
		return 0;
	}
	if (style != CRYPTO_INFO_VERBOSE) {
		print_key_line(m, "Key algo ", is_private ? "prvkey-" : "pubkey-",
		    pk, is_private);
		rc = 0;
	} else if (is_private) {
		rc = EVP_PKEY_print_private(m, pk, 0, NULL) == 1 ? 0 : -1;
	} else {
		rc = EVP_PKEY_print_public(m, pk, 0, NULL) == 1 ? 0 : -1;
	}
	EVP_PKEY_free(pk);
	return rc;
}

int
info_describe_block(BIO *out, const struct info_block *b, const char *name,
    enum crypto_info_style style, time_t now)
{
	BIO *m = NULL;
	char *text = NULL;
	long n;
	int rc = -1;

	if (b->broken || (m = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	switch (block_kind(b->label)) {
	case KIND_KEY:
		rc = render_key(m, b, style);
		break;
	case KIND_CSR:
		rc = render_csr(m, b, style);
		break;
	case KIND_CERT:
		rc = render_cert(m, b, style, now);
		break;
	}
	if (rc != 0)
		goto out;
	/* The original printed openssl's output with print(), which adds a
	 * newline of its own: an empty line after each dump. In the fields
	 * layout of sslm-verify every block is followed by one. */
	if (style != CRYPTO_INFO_SUMMARY)
		BIO_puts(m, "\n");
	if ((n = BIO_get_mem_data(m, &text)) < 0)
		n = 0;
	BIO_write(out, text, (int)n);
 out:
	if (rc != 0) {
		BIO_printf(out, "Error: cannot parse %s block %zu of %s\n",
		    b->label, b->index, name);
		if (style == CRYPTO_INFO_FIELDS)
			BIO_puts(out, "\n");
	}
	/* The dump of a private key holds its secret numbers. */
	if (m != NULL && (n = BIO_get_mem_data(m, &text)) > 0)
		OPENSSL_cleanse(text, (size_t)n);
	BIO_free(m);
	ERR_clear_error();
	return rc;
}
