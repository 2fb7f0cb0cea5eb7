/* DH parameters: sslm-dhparm's request items and their PEM text
 * (crypto.md §7.1). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include "crypto/crypto_int.h"

/* RFC 7919 groups; OpenSSL knows them by these names. */
static const char *const named_groups[] = {
	"ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
};

static bool
is_named_group(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(named_groups) / sizeof(named_groups[0]); i++)
		if (strcmp(s, named_groups[i]) == 0)
			return true;
	return false;
}

/* One item of the -k list (s, len bytes, not NUL-terminated) into it. */
static int
parse_item(const char *s, size_t len, struct crypto_dh_item *it,
    struct sslm_err *err)
{
	char word[sizeof(it->name)];
	unsigned long bits = 0;
	size_t i;
	bool digits = true;

	memset(it, 0, sizeof(*it));
	if (len == 0) {
		sslm_err_set(err, "empty item in the key list (use e.g. "
		    "ffdhe4096,4096)");
		return -1;
	}
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			digits = false;
	if (digits) {
		/* Bounded before it can overflow: at most 5 significant
		 * digits fit the range. */
		for (i = 0; i < len; i++) {
			bits = bits * 10 + (unsigned long)(s[i] - '0');
			if (bits > CRYPTO_DH_MAX_BITS)
				break;
		}
		if (bits < CRYPTO_DH_MIN_BITS || bits > CRYPTO_DH_MAX_BITS) {
			sslm_err_set(err, "bit size %.*s out of range (%d to %d)",
			    (int)(len > 32 ? 32 : len), s, CRYPTO_DH_MIN_BITS,
			    CRYPTO_DH_MAX_BITS);
			return -1;
		}
		it->bits = (unsigned)bits;
		snprintf(it->name, sizeof(it->name), "%u", it->bits);
		snprintf(it->file, sizeof(it->file), "dh%u.pem", it->bits);
		return 0;
	}
	if (len >= sizeof(word)) {
		sslm_err_set(err, "unknown DH group '%.*s' (known: ffdhe2048, "
		    "ffdhe3072, ffdhe4096, ffdhe6144, ffdhe8192, or a bit size)",
		    (int)(len > 32 ? 32 : len), s);
		return -1;
	}
	memcpy(word, s, len);
	word[len] = '\0';
	if (!is_named_group(word)) {
		sslm_err_set(err, "unknown DH group '%s' (known: ffdhe2048, "
		    "ffdhe3072, ffdhe4096, ffdhe6144, ffdhe8192, or a bit size)",
		    word);
		return -1;
	}
	memcpy(it->name, word, len + 1);
	snprintf(it->file, sizeof(it->file), "dh-%s.pem", word);
	return 0;
}

int
crypto_dh_parse_keys(const char *list, struct crypto_dh_item **items,
    size_t *n, struct sslm_err *err)
{
	struct crypto_dh_item *v = NULL, it;
	const char *p, *comma;
	size_t count = 0, cap = 1, i;
	int rc = -1;
	bool dup;

	*items = NULL;
	*n = 0;
	if (list == NULL || *list == '\0') {
		sslm_err_set(err, "empty key list (use e.g. ffdhe4096,4096)");
		goto out;
	}
	for (p = list; *p != '\0'; p++)
		if (*p == ',')
			cap++;
	if ((v = calloc(cap, sizeof(*v))) == NULL) {
		sslm_err_set(err, "out of memory reading the key list");
		goto out;
	}
	for (p = list;; p = comma + 1) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		if (parse_item(p, (size_t)(comma - p), &it, err) != 0)
			goto out;
		for (dup = false, i = 0; i < count; i++)
			if (strcmp(v[i].name, it.name) == 0)
				dup = true;
		if (!dup)
			v[count++] = it;
		if (*comma == '\0')
			break;
	}
	*items = v;
	*n = count;
	v = NULL;
	rc = 0;
 out:
	free(v);
	return rc;
}

/* ---- generation ---------------------------------------------------------- */

struct progress {
	BIO *bio;
	unsigned secs;
	unsigned bits;
	struct timespec start, last;
};

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* OpenSSL calls this for every prime candidate (often); a line is only
 * written when progress_secs have passed since the last one. */
static int
progress_cb(EVP_PKEY_CTX *ctx)
{
	struct progress *pr = EVP_PKEY_CTX_get_app_data(ctx);
	struct timespec now;

	if (pr == NULL || pr->bio == NULL || pr->secs == 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (elapsed(&pr->last, &now) < (double)pr->secs)
		return 1;
	pr->last = now;
	BIO_printf(pr->bio, "             ... still generating %u-bit DH "
	    "parameters (%.0f s so far)\n", pr->bits,
	    elapsed(&pr->start, &now));
	(void)BIO_flush(pr->bio);
	return 1;
}

static EVP_PKEY *
generate_named(const char *name, struct sslm_err *err)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[2];

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)name, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL)) == NULL ||
	    EVP_PKEY_paramgen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_params(ctx, params) <= 0 ||
	    EVP_PKEY_paramgen(ctx, &pkey) <= 0) {
		crypto_err_ossl(err, "cannot make the DH parameters of group %s",
		    name);
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* Safe prime, generator 2. The safe-prime method is the default of the
 * "DH" type; EVP_PKEY_CTX_set_dh_paramgen_type is left alone on purpose
 * (crypto.md §7.1: it crashed against OpenSSL 3.0.22). */
static EVP_PKEY *
generate_classic(unsigned bits, BIO *progress, unsigned progress_secs,
    struct sslm_err *err)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	struct progress pr;

	memset(&pr, 0, sizeof(pr));
	pr.bio = progress;
	pr.secs = progress_secs;
	pr.bits = bits;
	clock_gettime(CLOCK_MONOTONIC, &pr.start);
	pr.last = pr.start;
	if (progress != NULL) {
		BIO_printf(progress, "             generating %u-bit DH "
		    "parameters (this can take minutes)\n", bits);
		(void)BIO_flush(progress);
	}
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL)) == NULL ||
	    EVP_PKEY_paramgen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_dh_paramgen_prime_len(ctx, (int)bits) <= 0 ||
	    EVP_PKEY_CTX_set_dh_paramgen_generator(ctx, 2) <= 0) {
		crypto_err_ossl(err, "cannot set up %u-bit DH parameter "
		    "generation", bits);
		goto out;
	}
	EVP_PKEY_CTX_set_app_data(ctx, &pr);
	EVP_PKEY_CTX_set_cb(ctx, progress_cb);
	if (EVP_PKEY_paramgen(ctx, &pkey) <= 0) {
		crypto_err_ossl(err, "cannot generate %u-bit DH parameters",
		    bits);
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
 out:
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

int
crypto_dh_generate(const struct crypto_dh_item *item, BIO *progress,
    unsigned progress_secs, char **pem, size_t *len, struct sslm_err *err)
{
	EVP_PKEY *pkey = NULL;
	BIO *mem = NULL;
	BUF_MEM *bm = NULL;
	char *buf = NULL;
	int rc = -1;

	*pem = NULL;
	*len = 0;
	if (item->bits == 0) {
		if (!is_named_group(item->name)) {
			sslm_err_set(err, "unknown DH group '%s'", item->name);
			goto out;
		}
		pkey = generate_named(item->name, err);
	} else if (item->bits < CRYPTO_DH_MIN_BITS ||
	    item->bits > CRYPTO_DH_MAX_BITS) {
		sslm_err_set(err, "bit size %u out of range (%d to %d)",
		    item->bits, CRYPTO_DH_MIN_BITS, CRYPTO_DH_MAX_BITS);
		goto out;
	} else
		pkey = generate_classic(item->bits, progress, progress_secs,
		    err);
	if (pkey == NULL)
		goto out;
	if ((mem = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_Parameters(mem, pkey) != 1) {
		crypto_err_ossl(err, "cannot write the DH parameters %s as PEM",
		    item->name);
		goto out;
	}
	BIO_get_mem_ptr(mem, &bm);
	if (bm == NULL || bm->length == 0 ||
	    (buf = malloc(bm->length + 1)) == NULL) {
		crypto_err_ossl(err, "out of memory writing the DH parameters %s",
		    item->name);
		goto out;
	}
	memcpy(buf, bm->data, bm->length);
	buf[bm->length] = '\0';
	*pem = buf;
	*len = bm->length;
	buf = NULL;
	rc = 0;
 out:
	free(buf);
	BIO_free(mem);
	EVP_PKEY_free(pkey);
	return rc;
}
