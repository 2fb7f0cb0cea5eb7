/*
 * Unit tests for key generation, CSRs and local signing in src/crypto/
 * (key.c, csr.c, ext.c, sign.c). This file holds the shared helpers and the
 * runner; the tests are in test_crypto_gen_{key,csr,sign}.c.
 *
 * Known answers come from the openssl CLI (3.0), either run by the test
 * itself on what our code wrote (`openssl req -text`, `openssl verify
 * -x509_strict`, `openssl pkey -text`) or computed once and kept in the test
 * with a comment saying how.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "test_crypto_gen.h"

/* ---- files -------------------------------------------------------------- */

char *
gdata(const char *name)
{
	const char *src = getenv("SSLM_SRCDIR");
	char *p = str_printf("%s/tests/data/crypto/%s", src != NULL ? src : ".",
	    name);

	ck_assert_ptr_nonnull(p);
	return p;
}

char *
gslurp(const char *name, size_t *len)
{
	struct sslm_err err = { "" };
	char *path = gdata(name), *buf = NULL;

	ck_assert_msg(fs_read_file(path, 1 << 20, &buf, len, &err) == 0, "%s",
	    err.msg);
	free(path);
	return buf;
}

char *
tmpdir_new(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = str_printf("%s/sslm-gen-XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");

	ck_assert_ptr_nonnull(dir);
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	return dir;
}

void
tmpdir_remove(char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = fs_path_join(dir, de->d_name);
		ck_assert_int_eq(unlink(p), 0);
		free(p);
	}
	closedir(d);
	ck_assert_int_eq(rmdir(dir), 0);
	free(dir);
}

char *
tmp_write(const char *dir, const char *name, const void *data, size_t len)
{
	char *p = fs_path_join(dir, name);
	FILE *f;

	ck_assert_ptr_nonnull(p);
	f = fopen(p, "wb");
	ck_assert_msg(f != NULL, "%s: %s", p, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

char *
tmp_write_cert(const char *dir, const char *name, X509 *x)
{
	struct sslm_err err = { "" };
	char *pem, *p;
	size_t len;

	ck_assert_msg(crypto_cert_to_pem(x, &pem, &len, &err) == 0, "%s", err.msg);
	p = tmp_write(dir, name, pem, len);
	free(pem);
	return p;
}

char *
tmp_write_csr(const char *dir, const char *name, X509_REQ *req)
{
	struct sslm_err err = { "" };
	char *pem, *p;
	size_t len;

	ck_assert_msg(crypto_csr_to_pem(req, &pem, &len, &err) == 0, "%s", err.msg);
	p = tmp_write(dir, name, pem, len);
	free(pem);
	return p;
}

/* ---- the openssl CLI ---------------------------------------------------- */

#define OPENSSL_ARGS_MAX 24

char *
openssl_run(int *status, const char *arg, ...)
{
	const char *argv[OPENSSL_ARGS_MAX + 2];
	struct sslm_err err = { "" };
	struct proc_opts opts = { .timeout = 60 };
	struct proc_result res;
	va_list ap;
	size_t n = 0;
	char *text;

	argv[n++] = "openssl";
	va_start(ap, arg);
	for (const char *a = arg; a != NULL; a = va_arg(ap, const char *)) {
		ck_assert_uint_lt(n, OPENSSL_ARGS_MAX);
		argv[n++] = a;
	}
	va_end(ap);
	argv[n] = NULL;
	ck_assert_msg(proc_run(argv, &opts, &res, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(res.status, PROC_EXITED);
	*status = res.exit_code;
	text = str_printf("%s%s", res.out, res.err_out);
	ck_assert_ptr_nonnull(text);
	proc_result_clear(&res);
	return text;
}

bool
has_line(const char *text, const char *line)
{
	size_t want = strlen(line);

	for (const char *p = text; *p != '\0';) {
		const char *e = strchr(p, '\n'), *s = p;
		size_t l;

		if (e == NULL)
			e = p + strlen(p);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		l = (size_t)(e - s);
		while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t' ||
		    s[l - 1] == '\r'))
			l--;
		if (l == want && memcmp(s, line, want) == 0)
			return true;
		p = *e == '\n' ? e + 1 : e;
	}
	return false;
}

void
assert_line(const char *text, const char *line)
{
	ck_assert_msg(has_line(text, line), "no line '%s' in:\n%s", line, text);
}

/* ---- assertions and fixtures ------------------------------------------- */

void
assert_queue_empty(void)
{
	ck_assert_msg(ERR_peek_error() == 0, "OpenSSL error queue not empty");
}

void
assert_err(const struct sslm_err *err, const char *want)
{
	ck_assert_msg(strstr(err->msg, want) != NULL, "message '%s' lacks '%s'",
	    err->msg, want);
	assert_queue_empty();
}

struct crypto_san
san_dns(const char *name)
{
	struct crypto_san s;

	memset(&s, 0, sizeof(s));
	s.dns = name;
	return s;
}

struct crypto_san
san_ip(const char *text)
{
	struct crypto_san s;

	memset(&s, 0, sizeof(s));
	s.is_ip = true;
	if (inet_pton(AF_INET, text, s.addr) == 1)
		s.addr_len = 4;
	else {
		ck_assert_int_eq(inet_pton(AF_INET6, text, s.addr), 1);
		s.addr_len = 16;
	}
	return s;
}

EVP_PKEY *
key_ok(enum crypto_key_type type, const char *curve, int bits)
{
	struct crypto_key_spec spec = { .type = type, .curve = curve,
		.rsa_bits = bits };
	struct sslm_err err = { "" };
	EVP_PKEY *k = crypto_key_generate(&spec, &err);

	ck_assert_msg(k != NULL, "%s", err.msg);
	assert_queue_empty();
	return k;
}

EVP_PKEY *
key_file_ok(const char *datafile)
{
	struct sslm_err err = { "" };
	char *path = gdata(datafile);
	EVP_PKEY *k = crypto_key_read(path, &err);

	ck_assert_msg(k != NULL, "%s", err.msg);
	assert_queue_empty();
	free(path);
	return k;
}

X509_REQ *
csr_ok(EVP_PKEY *key, const char *cn, bool is_ca)
{
	struct crypto_san san = san_dns(cn);
	struct crypto_csr_spec spec = {
		.subject = { .CN = cn, .C = "GB", .O = "SSLM Test" },
		.sans = &san, .n_sans = 1, .is_ca = is_ca,
	};
	struct sslm_err err = { "" };
	X509_REQ *req = crypto_csr_build(key, &spec, &err);

	ck_assert_msg(req != NULL, "%s", err.msg);
	assert_queue_empty();
	return req;
}

X509 *
self_ok(X509_REQ *req, EVP_PKEY *key, int days, const char *digest)
{
	struct crypto_sign_spec spec = { .days = days, .digest = digest };
	struct sslm_err err = { "" };
	X509 *x = crypto_sign_self(req, key, &spec, &err);

	ck_assert_msg(x != NULL, "%s", err.msg);
	assert_queue_empty();
	return x;
}

X509 *
by_ca_ok(X509_REQ *req, X509 *ca, EVP_PKEY *ca_key, int days,
    const char *digest)
{
	struct crypto_sign_spec spec = { .days = days, .digest = digest };
	struct sslm_err err = { "" };
	X509 *x = crypto_sign_by_ca(req, ca, ca_key, &spec, &err);

	ck_assert_msg(x != NULL, "%s", err.msg);
	assert_queue_empty();
	return x;
}

const ASN1_OCTET_STRING *
ext_data(const STACK_OF(X509_EXTENSION) *exts, int nid, int *crit)
{
	int i = X509v3_get_ext_by_NID(exts, nid, -1);
	X509_EXTENSION *ext;

	ck_assert_msg(i >= 0, "no extension %s", OBJ_nid2sn(nid));
	ext = X509v3_get_ext(exts, i);
	if (crit != NULL)
		*crit = X509_EXTENSION_get_critical(ext);
	return X509_EXTENSION_get_data(ext);
}

ASN1_OCTET_STRING *
aki_of(X509 *x)
{
	const ASN1_OCTET_STRING *id = X509_get0_authority_key_id(x);

	ck_assert_ptr_nonnull(id);
	return (ASN1_OCTET_STRING *)id;
}

/* ---- CSR helpers -------------------------------------------------------- */

STACK_OF(X509_EXTENSION) *
exts_of(X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);

	ck_assert_ptr_nonnull(exts);
	return exts;
}

void
free_exts(STACK_OF(X509_EXTENSION) *exts)
{
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}

ASN1_OCTET_STRING *
case_san(const char *file, int *crit)
{
	struct sslm_err err = { "" };
	char *path = gdata(file);
	X509_REQ *req = crypto_csr_read(path, &err);
	STACK_OF(X509_EXTENSION) *exts;
	ASN1_OCTET_STRING *v;

	ck_assert_msg(req != NULL, "%s", err.msg);
	exts = exts_of(req);
	v = ASN1_OCTET_STRING_dup(ext_data(exts, NID_subject_alt_name, crit));
	ck_assert_ptr_nonnull(v);
	free_exts(exts);
	X509_REQ_free(req);
	free(path);
	return v;
}

X509_REQ *
build_ok(EVP_PKEY *key, const struct crypto_csr_spec *spec)
{
	struct sslm_err err = { "" };
	X509_REQ *req = crypto_csr_build(key, spec, &err);

	ck_assert_msg(req != NULL, "%s", err.msg);
	assert_queue_empty();
	ck_assert_int_eq(X509_REQ_get_version(req), X509_REQ_VERSION_1);
	ck_assert_int_eq(X509_REQ_verify(req, X509_REQ_get0_pubkey(req)), 1);
	return req;
}

void
build_fails(EVP_PKEY *key, const struct crypto_csr_spec *spec,
    const char *want)
{
	struct sslm_err err = { "" };

	ck_assert_ptr_null(crypto_csr_build(key, spec, &err));
	assert_err(&err, want);
}

void
self_fails(X509_REQ *req, EVP_PKEY *k, int days, const char *digest,
    const char *want)
{
	struct crypto_sign_spec spec = { .days = days, .digest = digest };
	struct sslm_err err = { "" };

	ck_assert_ptr_null(crypto_sign_self(req, k, &spec, &err));
	assert_err(&err, want);
}

void
by_ca_fails(X509_REQ *req, X509 *ca, EVP_PKEY *ck, int days,
    const char *digest, const char *want)
{
	struct crypto_sign_spec spec = { .days = days, .digest = digest };
	struct sslm_err err = { "" };

	ck_assert_ptr_null(crypto_sign_by_ca(req, ca, ck, &spec, &err));
	assert_err(&err, want);
}

/* ---- runner ------------------------------------------------------------- */

int
main(void)
{
	Suite *pos = suite_create("crypto gen positive");
	Suite *neg = suite_create("crypto gen negative");
	SRunner *sr;
	int failed;

	add_key_tests(pos, neg);
	add_csr_tests(pos, neg);
	add_csr_err_tests(pos, neg);
	add_sign_tests(pos, neg);
	add_chain_tests(pos, neg);
	sr = srunner_create(pos);
	srunner_add_suite(sr, neg);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
