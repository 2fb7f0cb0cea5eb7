/*
 * PEM certificate reader (crypto.md §6).
 *
 * We split the text into blocks ourselves instead of handing it to
 * PEM_read_bio_X509: that way CRLF, stray text and '#' lines are handled the
 * same everywhere, a '\r' never reaches the base64 decoder, and an error can
 * say which certificate and which line is damaged.
 */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include "crypto/crypto_int.h"

/* RFC 7468 labels are short ("ENCRYPTED PRIVATE KEY" is among the longest);
 * a longer "label" is prose that happens to sit between dashes. */
#define LABEL_MAX 64

struct line {
	const char *p;          /* without surrounding blanks and the CR */
	size_t len;
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Next '\n'-terminated line from buf at *pos; false at the end. The last
 * line needs no '\n' (files without a final newline). */
static bool
next_line(const char *buf, size_t len, size_t *pos, struct line *ln)
{
	const char *s, *nl;
	size_t l;

	if (*pos >= len)
		return false;
	s = buf + *pos;
	nl = memchr(s, '\n', len - *pos);
	l = nl != NULL ? (size_t)(nl - s) : len - *pos;
	*pos += l + (nl != NULL ? 1 : 0);
	while (l > 0 && is_blank(s[l - 1]))
		l--;
	while (l > 0 && is_blank(*s)) {
		s++;
		l--;
	}
	ln->p = s;
	ln->len = l;
	return true;
}

/* Is the line "-----<kw><label>-----"? kw is "BEGIN " or "END ". */
static bool
delimiter(const struct line *ln, const char *kw, const char **label,
    size_t *llen)
{
	size_t kl = strlen(kw), l;
	const char *s;

	if (ln->len < 5 + kl + 1 + 5 || memcmp(ln->p, "-----", 5) != 0 ||
	    memcmp(ln->p + 5, kw, kl) != 0 ||
	    memcmp(ln->p + ln->len - 5, "-----", 5) != 0)
		return false;
	s = ln->p + 5 + kl;
	l = ln->len - 10 - kl;
	if (l > LABEL_MAX || s[0] == ' ' || s[0] == '-' ||
	    s[l - 1] == ' ' || s[l - 1] == '-')
		return false;
	for (size_t i = 0; i < l; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	*label = s;
	*llen = l;
	return true;
}

static bool
label_is(const char *label, size_t llen, const char *want)
{
	return llen == strlen(want) && memcmp(label, want, llen) == 0;
}

/* Remember the label of a skipped block for the "found ... instead" hint. */
static void
note_other(char *others, size_t n, const char *label, size_t llen)
{
	char one[LABEL_MAX + 1];
	size_t used = strlen(others);

	memcpy(one, label, llen);
	one[llen] = '\0';
	/* Whole labels only: a cut-off one would mislead. */
	for (const char *p = others; (p = strstr(p, one)) != NULL; p += llen)
		if ((p == others || p[-1] == ' ') &&
		    (p[llen] == ',' || p[llen] == '\0'))
			return;
	if (used + llen + 3 > n)
		return;
	snprintf(others + used, n - used, "%s%s", used > 0 ? ", " : "", one);
}

static bool
is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/*
 * Turn the body of block number idx (the text between its BEGIN and END
 * lines, first_line being the line after BEGIN) into DER. On success *der is
 * a new buffer of *derlen bytes.
 */
static int
decode_body(const char *body, size_t n, unsigned long first_line,
    const char *name, size_t idx, unsigned char **der, size_t *derlen,
    struct sslm_err *err)
{
	unsigned char *b64 = NULL, *bin = NULL;
	size_t pos = 0, nb = 0, pads = 0;
	unsigned long lineno = first_line - 1;
	struct line ln;
	bool data_seen = false;
	int r, rc = -1;

	*der = NULL;
	*derlen = 0;
	if ((b64 = malloc(n + 1)) == NULL) {
		sslm_err_set(err, "%s: certificate %zu: out of memory", name, idx);
		goto out;
	}
	while (next_line(body, n, &pos, &ln)) {
		lineno++;
		if (ln.len == 0 || ln.p[0] == '#')
			continue;
		/* RFC 1421 headers ("Proc-Type: ...") may open a block; they are
		 * not base64 and must not reach the decoder. */
		if (!data_seen && memchr(ln.p, ':', ln.len) != NULL)
			continue;
		data_seen = true;
		for (size_t i = 0; i < ln.len; i++) {
			unsigned char c = (unsigned char)ln.p[i];

			if (c == ' ' || c == '\t')
				continue;
			if (c == '=') {
				pads++;
			} else if (!is_b64(c)) {
				if (c >= 0x21 && c <= 0x7e)
					sslm_err_set(err, "%s: certificate %zu: bad "
					    "base64 (character '%c' on line %lu)",
					    name, idx, c, lineno);
				else
					sslm_err_set(err, "%s: certificate %zu: bad "
					    "base64 (byte 0x%02x on line %lu)",
					    name, idx, c, lineno);
				goto out;
			} else if (pads > 0) {
				sslm_err_set(err, "%s: certificate %zu: bad base64 "
				    "(data after '=' padding on line %lu)",
				    name, idx, lineno);
				goto out;
			}
			b64[nb++] = c;
		}
	}
	if (nb == 0) {
		sslm_err_set(err, "%s: certificate %zu: empty block (BEGIN on "
		    "line %lu)", name, idx, first_line - 1);
		goto out;
	}
	if (nb % 4 != 0 || pads > 2) {
		sslm_err_set(err, "%s: certificate %zu: bad base64 (truncated or "
		    "damaged: %zu characters%s)", name, idx, nb,
		    pads > 2 ? ", too much '=' padding" : " is not a multiple of 4");
		goto out;
	}
	if (nb > INT_MAX) {
		sslm_err_set(err, "%s: certificate %zu: block too large", name, idx);
		goto out;
	}
	if ((bin = malloc(nb / 4 * 3 + 1)) == NULL) {
		sslm_err_set(err, "%s: certificate %zu: out of memory", name, idx);
		goto out;
	}
	/* EVP_DecodeBlock counts the bytes '=' stands in for; drop them. */
	if ((r = EVP_DecodeBlock(bin, b64, (int)nb)) < 0 || (size_t)r < pads) {
		crypto_err_ossl(err, "%s: certificate %zu: bad base64", name, idx);
		goto out;
	}
	*der = bin;
	*derlen = (size_t)r - pads;
	bin = NULL;
	rc = 0;
 out:
	free(b64);
	free(bin);
	return rc;
}

/*
 * The library context for certificates read only for their summary
 * (crypto_pem_read_certs_summary, i.e. crypto_cert_info_from_pem and
 * crypto_cert_info_read: the status display and its issuer check).
 *
 * OpenSSL 3.0's d2i_X509 decodes the public key eagerly through the
 * provider decoders, which look up and name-match every decoder of every
 * provider on each call: ~100 us of the ~110 us a certificate costs. A
 * summary needs only the key's type and size or curve, which
 * cert_info.c:key_desc reads from the algorithm identifier. Parsed in a
 * context that has only the "null" provider, d2i finds no decoder and
 * leaves the key undecoded; the rest of the certificate (names, times,
 * extensions, signature algorithm) is parsed exactly as before.
 *
 * The one piece of state in src/crypto/ that is not passed in: it holds
 * only OpenSSL's provider tables, no data of any caller. It is made once,
 * on first use (CRYPTO_THREAD_run_once), and kept for the life of the
 * process; an atexit handler frees it, registered after OpenSSL's own so
 * that it runs before OpenSSL's cleanup, and ASan and valgrind see no leak.
 * When it cannot be made, summaries use the default context (slower, same
 * result).
 */
static CRYPTO_ONCE summary_once = CRYPTO_ONCE_STATIC_INIT;
static OSSL_LIB_CTX *summary_ctx;
static OSSL_PROVIDER *summary_null;

static void
summary_ctx_free(void)
{
	OSSL_PROVIDER_unload(summary_null);
	summary_null = NULL;
	OSSL_LIB_CTX_free(summary_ctx);
	summary_ctx = NULL;
}

static void
summary_ctx_make(void)
{
	OSSL_LIB_CTX *ctx;
	OSSL_PROVIDER *prov;

	/* OpenSSL registers its atexit cleanup on its first full init;
	 * make sure that comes first, so ours runs before it. */
	if (OPENSSL_init_crypto(0, NULL) != 1 ||
	    (ctx = OSSL_LIB_CTX_new()) == NULL)
		goto out;
	if ((prov = OSSL_PROVIDER_load(ctx, "null")) == NULL) {
		OSSL_LIB_CTX_free(ctx);
		goto out;
	}
	summary_ctx = ctx;
	summary_null = prov;
	if (atexit(summary_ctx_free) != 0)
		summary_ctx_free();
 out:
	/* Whatever failed here only makes summaries slower. */
	ERR_clear_error();
}

/* The summary context, or NULL (the default context) when it cannot be
 * had. */
static OSSL_LIB_CTX *
summary_libctx(void)
{
	if (!CRYPTO_THREAD_run_once(&summary_once, summary_ctx_make))
		return NULL;
	return summary_ctx;
}

/*
 * DER -> X509. A TRUSTED CERTIFICATE is the certificate's DER followed by an
 * X509_CERT_AUX (trust settings, alias). We parse the certificate alone, so
 * the X509 carries no trust data and its encoding is the certificate's own,
 * then check that what follows is a well-formed trust structure and drop it.
 * This is what PEM_read_bio_X509_AUX reads, minus the trust data.
 *
 * With summary, the public key is not decoded (see summary_libctx): the
 * X509 is for crypto_cert_info_from_x509 only, never for signing,
 * verifying or hashing its key. ASN1_item_d2i_ex with no object passed in
 * is d2i_X509(NULL, ...) except that the key's decode is tried in ctx
 * (and finds no decoder there): the X509 itself keeps the default context,
 * and its extensions are cached later, on first use, as before.
 */
static X509 *
parse_der(const unsigned char *der, size_t derlen, bool trusted,
    bool summary, const char *name, size_t idx, struct sslm_err *err)
{
	const unsigned char *p = der, *end = der + derlen;
	OSSL_LIB_CTX *ctx = summary ? summary_libctx() : NULL;
	X509 *x = NULL, *ret = NULL;
	X509_CERT_AUX *aux = NULL;

	if (derlen <= LONG_MAX)
		x = ctx != NULL ? (X509 *)ASN1_item_d2i_ex(NULL, &p,
		    (long)derlen, ASN1_ITEM_rptr(X509), ctx, NULL) :
		    d2i_X509(NULL, &p, (long)derlen);
	if (x == NULL) {
		crypto_err_ossl(err, "%s: certificate %zu: not a valid "
		    "certificate", name, idx);
		goto out;
	}
	if (trusted && p < end &&
	    (aux = d2i_X509_CERT_AUX(NULL, &p, (long)(end - p))) == NULL) {
		crypto_err_ossl(err, "%s: certificate %zu: damaged trust data "
		    "after the certificate", name, idx);
		goto out;
	}
	if (p != end) {
		sslm_err_set(err, "%s: certificate %zu: %zu bytes of extra data "
		    "after the certificate%s", name, idx, (size_t)(end - p),
		    trusted ? "" : " (a TRUSTED CERTIFICATE labelled CERTIFICATE?)");
		goto out;
	}
	ret = x;
	x = NULL;
 out:
	X509_CERT_AUX_free(aux);
	X509_free(x);
	return ret;
}

static void
no_cert_message(const char *buf, size_t len, const char *name,
    const char *others, struct sslm_err *err)
{
	if (len == 0)
		sslm_err_set(err, "%s: no certificate found (it is empty)", name);
	else if (others[0] != '\0')
		sslm_err_set(err, "%s: no certificate found (found %s instead)",
		    name, others);
	else if ((unsigned char)buf[0] == 0x30)
		/* A DER SEQUENCE: someone saved the binary form. */
		sslm_err_set(err, "%s: no certificate found (not PEM; binary DER? "
		    "convert it with: openssl x509 -inform DER)", name);
	else
		sslm_err_set(err, "%s: no certificate found (no -----BEGIN "
		    "CERTIFICATE----- line)", name);
}

static int
read_certs(const char *buf, size_t len, const char *name, size_t max,
    bool summary, STACK_OF(X509) **out, struct sslm_err *err)
{
	STACK_OF(X509) *certs = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL;
	const char *label = NULL, *l2;
	char others[128] = "";
	size_t pos = 0, body = 0, llen = 0, l2len, derlen, ncert = 0;
	unsigned long lineno = 0, begin_line = 0;
	struct line ln;
	bool in_block = false;
	int rc = -1;

	*out = NULL;
	if (name == NULL)
		name = "PEM input";
	/* Whatever an earlier caller left must not show up in our messages. */
	ERR_clear_error();
	if ((certs = sk_X509_new_null()) == NULL) {
		crypto_err_ossl(err, "%s: out of memory", name);
		goto out;
	}
	while (max == 0 || ncert < max) {
		size_t start = pos;

		if (!next_line(buf, len, &pos, &ln))
			break;
		lineno++;
		if (ln.len > 0 && ln.p[0] == '#')
			continue;
		if (!in_block) {
			/* Everything outside blocks is commentary. */
			if (delimiter(&ln, "BEGIN ", &label, &llen)) {
				in_block = true;
				begin_line = lineno;
				body = pos;
			}
			continue;
		}
		if (delimiter(&ln, "BEGIN ", &l2, &l2len)) {
			sslm_err_set(err, "%s: line %lu: BEGIN %.*s inside the %.*s "
			    "block that starts on line %lu (missing END line?)",
			    name, lineno, (int)l2len, l2, (int)llen, label,
			    begin_line);
			goto out;
		}
		if (!delimiter(&ln, "END ", &l2, &l2len))
			continue;
		if (l2len != llen || memcmp(l2, label, llen) != 0) {
			sslm_err_set(err, "%s: line %lu: END %.*s does not match "
			    "BEGIN %.*s on line %lu", name, lineno, (int)l2len, l2,
			    (int)llen, label, begin_line);
			goto out;
		}
		in_block = false;
		if (!label_is(label, llen, "CERTIFICATE") &&
		    !label_is(label, llen, "X509 CERTIFICATE") &&
		    !label_is(label, llen, "TRUSTED CERTIFICATE")) {
			note_other(others, sizeof(others), label, llen);
			continue;
		}
		if (ncert >= INT_MAX) {
			sslm_err_set(err, "%s: too many certificates", name);
			goto out;
		}
		ncert++;
		if (decode_body(buf + body, start - body, begin_line + 1, name,
		    ncert, &der, &derlen, err) != 0)
			goto out;
		if ((x = parse_der(der, derlen,
		    label_is(label, llen, "TRUSTED CERTIFICATE"), summary, name,
		    ncert, err)) == NULL)
			goto out;
		free(der);
		der = NULL;
		if (sk_X509_push(certs, x) <= 0) {
			crypto_err_ossl(err, "%s: out of memory", name);
			goto out;
		}
		x = NULL;
	}
	if (in_block) {
		sslm_err_set(err, "%s: %.*s block starting on line %lu has no END "
		    "line", name, (int)llen, label, begin_line);
		goto out;
	}
	if (ncert == 0) {
		no_cert_message(buf, len, name, others, err);
		goto out;
	}
	*out = certs;
	certs = NULL;
	rc = (int)ncert;
 out:
	free(der);
	X509_free(x);
	crypto_certs_free(certs);
	return rc;
}

int
crypto_pem_read_certs_max(const char *buf, size_t len, const char *name,
    size_t max, STACK_OF(X509) **out, struct sslm_err *err)
{
	return read_certs(buf, len, name, max, false, out, err);
}

int
crypto_pem_read_certs_summary(const char *buf, size_t len, const char *name,
    size_t max, STACK_OF(X509) **out, struct sslm_err *err)
{
	return read_certs(buf, len, name, max, true, out, err);
}

int
crypto_pem_read_certs(const char *buf, size_t len, const char *name,
    STACK_OF(X509) **out, struct sslm_err *err)
{
	return read_certs(buf, len, name, 0, false, out, err);
}

void
crypto_certs_free(STACK_OF(X509) *certs)
{
	sk_X509_pop_free(certs, X509_free);
}
