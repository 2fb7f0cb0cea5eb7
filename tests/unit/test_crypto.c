/*
 * Unit tests for src/crypto/: PEM certificate reading, certificate
 * summaries, status time formats. This file holds the shared helpers and the
 * runner; the tests are in test_crypto_info.c and test_crypto_pem.c.
 *
 * Expected values come from the openssl CLI (3.0.19), not from our code:
 * `openssl x509 -noout -text -in <file>` for names, keys, SANs and
 * algorithms, `date -u -d '<notBefore/notAfter>' +%s` for the Unix times,
 * `openssl x509 -noout -fingerprint -sha256` for fingerprints. The data files
 * and the commands that made them are in tests/data/crypto/README.md.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "test_crypto.h"

/* ---- helpers ------------------------------------------------------------ */

char *
data_path(const char *name)
{
	const char *src = getenv("SSLM_SRCDIR");
	char *p = str_printf("%s/tests/data/crypto/%s", src != NULL ? src : ".",
	    name);

	ck_assert_ptr_nonnull(p);
	return p;
}

char *
slurp(const char *name, size_t *len)
{
	char *path = data_path(name), *buf;
	FILE *f = fopen(path, "rb");
	long n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	free(path);
	*len = (size_t)n;
	return buf;
}

char *
replace_first(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);

	ck_assert_msg(p != NULL, "'%s' not in test input", from);
	return str_printf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

void
assert_queue_empty(void)
{
	ck_assert_msg(ERR_peek_error() == 0, "OpenSSL error queue not empty");
}

void
assert_info_empty(const struct crypto_cert_info *ci)
{
	ck_assert_ptr_null(ci->issuer_cn);
	ck_assert_ptr_null(ci->issuer_o);
	ck_assert_ptr_null(ci->subject_cn);
	ck_assert_ptr_null(ci->key_desc);
	ck_assert_ptr_null(ci->sig_algo);
	ck_assert_uint_eq(ci->sans.n, 0);
	ck_assert_int_eq(ci->lifetime_days, 0);
}

void
fingerprint(X509 *x, char out[3 * EVP_MAX_MD_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	ck_assert_int_eq(X509_digest(x, EVP_sha256(), md, &n), 1);
	out[0] = '\0';
	for (unsigned int i = 0, o = 0; i < n; i++)
		o += (unsigned int)sprintf(out + o, "%s%02X", i == 0 ? "" : ":",
		    md[i]);
}

STACK_OF(X509) *
read_certs_ok(const char *file, int want)
{
	struct sslm_err err = { "" };
	STACK_OF(X509) *certs = NULL;
	size_t len;
	char *buf = slurp(file, &len);
	int n = crypto_pem_read_certs(buf, len, file, &certs, &err);

	ck_assert_msg(n == want, "%s: got %d certificates, want %d (%s)", file,
	    n, want, err.msg);
	ck_assert_int_eq(sk_X509_num(certs), want);
	assert_queue_empty();
	free(buf);
	return certs;
}

void
pem_fails(const char *text, size_t len, const char *want)
{
	struct sslm_err err = { "" };
	struct crypto_cert_info ci;
	STACK_OF(X509) *certs = NULL;

	ck_assert_int_eq(crypto_pem_read_certs(text, len, "t.pem", &certs, &err), -1);
	ck_assert_ptr_null(certs);
	ck_assert_msg(strstr(err.msg, want) != NULL, "message '%s' lacks '%s'",
	    err.msg, want);
	ck_assert_msg(strncmp(err.msg, "t.pem: ", 7) == 0, "no name in '%s'",
	    err.msg);
	assert_queue_empty();
	/* cert_info reports the same when the first certificate is the bad one */
	crypto_cert_info_init(&ci);
	if (crypto_cert_info_from_pem(text, len, "t.pem", &ci, &err) == -1)
		assert_info_empty(&ci);
	crypto_cert_info_clear(&ci);
	assert_queue_empty();
}

void
file_fails(const char *path, const char *want)
{
	struct sslm_err err = { "" };
	struct crypto_cert_info ci;

	crypto_cert_info_init(&ci);
	ck_assert_int_eq(crypto_cert_info_read(path, &ci, &err), -1);
	ck_assert_msg(strstr(err.msg, want) != NULL, "message '%s' lacks '%s'",
	    err.msg, want);
	ck_assert_msg(strncmp(err.msg, path, strlen(path)) == 0,
	    "path missing in '%s'", err.msg);
	assert_info_empty(&ci);
	assert_queue_empty();
	crypto_cert_info_clear(&ci);
}

void
data_file_fails(const char *file, const char *want)
{
	char *path = data_path(file);

	file_fails(path, want);
	free(path);
}

void
info_ok(const char *file, struct crypto_cert_info *ci)
{
	struct sslm_err err = { "" };
	char *path = data_path(file);

	crypto_cert_info_init(ci);
	ck_assert_msg(crypto_cert_info_read(path, ci, &err) == 0, "%s", err.msg);
	assert_queue_empty();
	free(path);
}

void
assert_sans(const struct crypto_cert_info *ci, const char *const *want)
{
	size_t n = 0;

	for (; want[n] != NULL; n++) {
		ck_assert_uint_gt(ci->sans.n, n);
		ck_assert_str_eq(ci->sans.v[n], want[n]);
	}
	ck_assert_uint_eq(ci->sans.n, n);
}

/* ---- runner ------------------------------------------------------------- */

int
main(void)
{
	Suite *pos = suite_create("crypto positive");
	Suite *neg = suite_create("crypto negative");
	SRunner *sr;
	int failed;

	add_info_tests(pos, neg);
	add_pem_tests(pos, neg);
	sr = srunner_create(pos);
	srunner_add_suite(sr, neg);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
