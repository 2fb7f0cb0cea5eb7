/*
 * Private keys: generation (crypto.md §1.1), unencrypted PKCS#8 PEM output
 * (§1.2) and reading of the PEM forms found in the field (§6, case 10).
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "crypto/gen_int.h"

#define RSA_BITS_MIN 2048
#define RSA_BITS_MAX 16384
#define LABEL_MAX 64

/* Accepted curve spellings (case-insensitive) and OpenSSL's group names. */
static const struct {
	const char *alias;
	const char *group;
} curves[] = {
	{ "secp256r1", "prime256v1" },
	{ "prime256v1", "prime256v1" },
	{ "P-256", "prime256v1" },
	{ "secp384r1", "secp384r1" },
	{ "P-384", "secp384r1" },
	{ "secp521r1", "secp521r1" },
	{ "P-521", "secp521r1" },
};

static const char *
curve_group(const char *name)
{
	if (name == NULL)
		return "secp384r1";     /* the documented default */
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (str_case_eq(name, curves[i].alias))
			return curves[i].group;
	return NULL;
}

EVP_PKEY *
crypto_key_generate(const struct crypto_key_spec *spec, struct sslm_err *err)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	OSSL_PARAM params[4], *p = params;
	const char *alg = NULL, *group = NULL;
	size_t bits = 0;
	unsigned int e = 65537;

	ERR_clear_error();
	switch (spec->type) {
	case CRYPTO_KEY_EC:
		if ((group = curve_group(spec->curve)) == NULL) {
			sslm_err_set(err, "unknown EC curve '%s' (use secp256r1, "
			    "secp384r1 or secp521r1; aliases prime256v1, P-256, "
			    "P-384, P-521)", spec->curve);
			goto out;
		}
		alg = "EC";
		*p++ = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0);
		/* OpenSSL's defaults, spelt out: the files must carry the curve
		 * OID and an uncompressed point (crypto.md §1.1). */
		*p++ = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_EC_ENCODING, (char *)"named_curve", 0);
		*p++ = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
		    (char *)"uncompressed", 0);
		break;
	case CRYPTO_KEY_RSA:
		if (spec->rsa_bits < RSA_BITS_MIN || spec->rsa_bits > RSA_BITS_MAX) {
			sslm_err_set(err, "RSA key length must be >= %d and <= %d "
			    "bits (got %d)", RSA_BITS_MIN, RSA_BITS_MAX,
			    spec->rsa_bits);
			goto out;
		}
		alg = "RSA";
		bits = (size_t)spec->rsa_bits;
		*p++ = OSSL_PARAM_construct_size_t(OSSL_PKEY_PARAM_RSA_BITS, &bits);
		*p++ = OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_E, &e);
		break;
	case CRYPTO_KEY_ED25519:
		alg = "ED25519";
		break;
	default:
		sslm_err_set(err, "unknown key type %d (use ec, rsa or ed25519)",
		    (int)spec->type);
		goto out;
	}
	*p = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) != 1 ||
	    (p != params && EVP_PKEY_CTX_set_params(ctx, params) != 1) ||
	    EVP_PKEY_generate(ctx, &key) != 1) {
		EVP_PKEY_free(key);
		key = NULL;
		crypto_err_ossl(err, "cannot generate %s key", alg);
		goto out;
	}
	ERR_clear_error();
 out:
	EVP_PKEY_CTX_free(ctx);
	return key;
}

int
crypto_key_to_pem(EVP_PKEY *key, char **pem, size_t *len,
    struct sslm_err *err)
{
	BIO *bio = NULL;
	int rc = -1;

	*pem = NULL;
	*len = 0;
	ERR_clear_error();
	/* secmem: the BIO's own buffer is wiped when it is freed or grown. */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PKCS8PrivateKey(bio, key, NULL, NULL, 0, NULL,
	    NULL) != 1) {
		crypto_err_ossl(err, "cannot encode the private key");
		goto out;
	}
	if (gen_bio_take(bio, pem, len) != 0) {
		sslm_err_set(err, "cannot encode the private key: out of memory");
		goto out;
	}
	rc = 0;
 out:
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

void
crypto_secret_free(char *buf, size_t len)
{
	if (buf == NULL)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}

/* Never asked: an encrypted key is an error, and no prompt may appear (cron,
 * no terminal; crypto.md §6). */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* What the scan of a PEM text found. */
struct key_block {
	const char *start;      /* the BEGIN line of the first key block */
	size_t len;             /* up to and including its END line */
	bool encrypted;
	char first[LABEL_MAX + 1];      /* label of the first block of any kind */
};

/* Next line of buf (without the line end and trailing blanks/CR). */
static bool
next_line(const char *buf, size_t len, size_t *pos, const char **line,
    size_t *llen)
{
	const char *s, *nl;
	size_t l;

	if (*pos >= len)
		return false;
	s = buf + *pos;
	nl = memchr(s, '\n', len - *pos);
	l = nl != NULL ? (size_t)(nl - s) : len - *pos;
	*pos += l + (nl != NULL ? 1 : 0);
	while (l > 0 && (s[l - 1] == '\r' || s[l - 1] == ' ' || s[l - 1] == '\t'))
		l--;
	*line = s;
	*llen = l;
	return true;
}

/* "-----<kw><label>-----": copies the label; false for any other line.
 * Labels are printable ASCII: one may end up in a message on a terminal. */
static bool
pem_delim(const char *s, size_t l, const char *kw, char label[LABEL_MAX + 1])
{
	size_t kl = strlen(kw), ll;

	if (l <= 10 + kl || l - 10 - kl > LABEL_MAX ||
	    memcmp(s, "-----", 5) != 0 || memcmp(s + 5, kw, kl) != 0 ||
	    memcmp(s + l - 5, "-----", 5) != 0)
		return false;
	ll = l - 10 - kl;
	for (size_t i = 0; i < ll; i++)
		if (s[5 + kl + i] < 0x20 || s[5 + kl + i] > 0x7e)
			return false;
	memcpy(label, s + 5 + kl, ll);
	label[ll] = '\0';
	return true;
}

static bool
has_word(const char *s, size_t l, const char *w)
{
	size_t wl = strlen(w);

	for (size_t i = 0; i + wl <= l; i++)
		if (memcmp(s + i, w, wl) == 0)
			return true;
	return false;
}

/*
 * Find the first block whose label ends in "PRIVATE KEY" (the blocks
 * OpenSSL's private key reader takes) and tell whether it is encrypted:
 * PKCS#8 "ENCRYPTED PRIVATE KEY", or a traditional block with a
 * "Proc-Type: 4,ENCRYPTED" header. 0 found, 1 none, -1 no END line.
 */
static int
find_key_block(const char *buf, size_t len, struct key_block *kb)
{
	char label[LABEL_MAX + 1], end[LABEL_MAX + 1];
	const char *line, *begin = NULL;
	size_t pos = 0, l;

	memset(kb, 0, sizeof(*kb));
	while (next_line(buf, len, &pos, &line, &l)) {
		if (begin == NULL) {
			if (!pem_delim(line, l, "BEGIN ", label))
				continue;
			if (kb->first[0] == '\0')
				memcpy(kb->first, label, sizeof(kb->first));
			if (strlen(label) >= 11 &&
			    strcmp(label + strlen(label) - 11, "PRIVATE KEY") == 0) {
				begin = line;
				kb->encrypted =
				    strcmp(label, "ENCRYPTED PRIVATE KEY") == 0;
			}
			continue;
		}
		if (pem_delim(line, l, "END ", end) && strcmp(end, label) == 0) {
			kb->start = begin;
			kb->len = (size_t)(buf + pos - begin);
			return 0;
		}
		if (l >= 10 && strncmp(line, "Proc-Type:", 10) == 0 &&
		    has_word(line + 10, l - 10, "ENCRYPTED"))
			kb->encrypted = true;
	}
	return begin == NULL ? 1 : -1;
}

EVP_PKEY *
crypto_key_from_pem(const char *buf, size_t len, const char *name,
    struct sslm_err *err)
{
	struct key_block kb;
	EVP_PKEY *key = NULL;
	BIO *bio = NULL;
	int r;

	if (name == NULL)
		name = "private key";
	ERR_clear_error();
	if ((r = find_key_block(buf, len, &kb)) == 1) {
		if (kb.first[0] != '\0')
			sslm_err_set(err, "%s: no private key found (found %s "
			    "instead)", name, kb.first);
		else
			sslm_err_set(err, "%s: no private key found", name);
		goto out;
	}
	if (r == -1) {
		sslm_err_set(err, "%s: private key block has no END line", name);
		goto out;
	}
	if (kb.encrypted) {
		sslm_err_set(err, "%s: encrypted private key (passphrase needed)",
		    name);
		goto out;
	}
	if (kb.len > INT_MAX ||
	    (bio = BIO_new_mem_buf(kb.start, (int)kb.len)) == NULL) {
		crypto_err_ossl(err, "%s: cannot read the private key", name);
		goto out;
	}
	if ((key = PEM_read_bio_PrivateKey_ex(bio, NULL, no_passphrase, NULL,
	    NULL, NULL)) == NULL) {
		crypto_err_ossl(err, "%s: not a valid private key", name);
		goto out;
	}
	ERR_clear_error();
 out:
	BIO_free(bio);
	return key;
}

EVP_PKEY *
crypto_key_read(const char *path, struct sslm_err *err)
{
	EVP_PKEY *key = NULL;
	char *buf = NULL;
	size_t len = 0;

	if (crypto_read_file(path, CRYPTO_PEM_MAX, &buf, &len, err) != 0)
		return NULL;
	key = crypto_key_from_pem(buf, len, path, err);
	crypto_secret_free(buf, len);
	return key;
}

bool
crypto_key_matches(EVP_PKEY *a, EVP_PKEY *b)
{
	bool eq;

	if (a == NULL || b == NULL)
		return false;
	/* Different key types make EVP_PKEY_eq queue an error: keep it off
	 * the queue, as every function here does. */
	ERR_set_mark();
	eq = EVP_PKEY_eq(a, b) == 1;
	ERR_pop_to_mark();
	return eq;
}
