/*
 * Unit tests for sslm-info / sslm-verify's library side (src/crypto/info_*.c,
 * src/crypto/verify.c). This file holds the shared helpers and the runner;
 * the tests are in test_crypto_tools_info*.c and test_crypto_tools_verify.c.
 *
 * Expected values come from the openssl CLI (3.0.19), not from our code:
 * `openssl x509 -noout -text` / `-dates` / `-subject -nameopt RFC2253` for
 * certificates, `openssl req -noout -text` for CSRs, `openssl pkey -text`
 * for keys; the verbose dumps are compared with files openssl wrote
 * (tests/data/tools/expected/, commands in tests/data/tools/README.md).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "test_crypto_tools.h"

char *
tools_path(const char *name)
{
	const char *src = getenv("SSLM_SRCDIR");
	char *p = str_printf("%s/tests/data/tools/%s", src != NULL ? src : ".",
	    name);

	ck_assert_ptr_nonnull(p);
	return p;
}

char *
tools_slurp(const char *name, size_t *len)
{
	char *path = tools_path(name), *buf;
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

void
tools_queue_empty(void)
{
	ck_assert_msg(ERR_peek_error() == 0, "OpenSSL error queue not empty");
}

char *
bio_text(BIO *b)
{
	char *data = NULL, *s;
	long n = BIO_get_mem_data(b, &data);

	ck_assert_int_ge(n, 0);
	s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	if (n > 0)
		memcpy(s, data, (size_t)n);
	s[n] = '\0';
	return s;
}

char *
info_of_text(const char *text, const char *name, enum crypto_info_style style,
    int *problems)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *s;

	ck_assert_ptr_nonnull(b);
	*problems = crypto_info_pem(text, strlen(text), name, style, TOOLS_NOW,
	    b);
	tools_queue_empty();
	s = bio_text(b);
	BIO_free(b);
	return s;
}

char *
info_of(const char *name, enum crypto_info_style style, int *problems)
{
	BIO *b = BIO_new(BIO_s_mem());
	size_t len;
	char *buf = tools_slurp(name, &len), *s;

	ck_assert_ptr_nonnull(b);
	*problems = crypto_info_pem(buf, len, name, style, TOOLS_NOW, b);
	tools_queue_empty();
	s = bio_text(b);
	BIO_free(b);
	free(buf);
	return s;
}

void
expect_info(const char *file, enum crypto_info_style style, int problems,
    const char *want)
{
	int n;
	char *got = info_of(file, style, &n);

	ck_assert_msg(n == problems, "%s: %d problems, want %d:\n%s", file, n,
	    problems, got);
	ck_assert_str_eq(got, want);
	free(got);
}

char *
relabel(const char *file, const char *begin, const char *end)
{
	size_t len;
	char *src = tools_slurp(file, &len);
	char *b = strchr(src, '\n') + 1, *e = strstr(b, "-----END ");
	char *t = str_printf("%s\n%.*s%s\n", begin, (int)(e - b), b, end);

	free(src);
	return t;
}

X509 *
tools_cert(const char *name)
{
	struct sslm_err err = { "" };
	STACK_OF(X509) *certs = NULL;
	size_t len;
	char *buf = tools_slurp(name, &len);
	X509 *x;

	ck_assert_msg(crypto_pem_read_certs(buf, len, name, &certs, &err) > 0,
	    "%s", err.msg);
	x = sk_X509_shift(certs);
	crypto_certs_free(certs);
	free(buf);
	return x;
}

int
main(void)
{
	Suite *pos = suite_create("tools positive");
	Suite *neg = suite_create("tools negative");
	SRunner *sr;
	int failed;

	add_tools_info_tests(pos);
	add_tools_info_error_tests(neg);
	add_tools_verify_tests(pos, neg);
	sr = srunner_create(pos);
	srunner_add_suite(sr, neg);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
