/*
 * Key generation, PKCS#8 output and key reading (crypto.md §1, §6; field
 * case 10).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "test_crypto_gen.h"

#define PKCS8_HEAD "-----BEGIN PRIVATE KEY-----\n"

/* Case 10 (10-key-formats.md): SHA-256 of the SubjectPublicKeyInfo DER of
 * the RSA key in all four spellings, from
 * `openssl pkey -in 10-key-formats.rsa-pkcs8.pem -pubout -outform DER |
 * sha256sum`. */
#define CASE10_SPKI \
	"dd6b1cf9d3ce46915e1fcfc3647833fa01ce703897fa27e73dbc884fd77ab5ec"

static void
spki_sha256(EVP_PKEY *k, char hex[65])
{
	unsigned char *der = NULL, md[32];
	size_t n = 0;
	int len = i2d_PUBKEY(k, &der);

	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(EVP_Q_digest(NULL, "SHA256", NULL, der, (size_t)len,
	    md, &n), 1);
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	OPENSSL_free(der);
}

/* PEM of k must be unencrypted PKCS#8 and read back as the same key. */
static EVP_PKEY *
roundtrip(EVP_PKEY *k, char **pemp, size_t *lenp)
{
	struct sslm_err err = { "" };
	EVP_PKEY *back;
	char *pem;
	size_t len;

	ck_assert_msg(crypto_key_to_pem(k, &pem, &len, &err) == 0, "%s", err.msg);
	assert_queue_empty();
	ck_assert_uint_eq(strlen(pem), len);
	ck_assert_msg(strncmp(pem, PKCS8_HEAD, strlen(PKCS8_HEAD)) == 0,
	    "not PKCS#8: %.40s", pem);
	back = crypto_key_from_pem(pem, len, "k.pem", &err);
	ck_assert_msg(back != NULL, "%s", err.msg);
	assert_queue_empty();
	ck_assert(crypto_key_matches(k, back));
	if (pemp != NULL) {
		*pemp = pem;
		*lenp = len;
	} else
		crypto_secret_free(pem, len);
	return back;
}

/* `openssl pkey -noout -text` of the key's PEM. */
static char *
pkey_text(const char *pem, size_t len)
{
	char *dir = tmpdir_new(), *path = tmp_write(dir, "key.pem", pem, len);
	char *out;
	int st;

	out = openssl_run(&st, "pkey", "-noout", "-text", "-in", path, NULL);
	ck_assert_msg(st == 0, "%s", out);
	free(path);
	tmpdir_remove(dir);
	return out;
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(ec_curve_aliases)
{
	static const struct {
		const char *in, *group;
		int bits;
	} t[] = {
		{ "secp256r1", "prime256v1", 256 }, { "prime256v1", "prime256v1", 256 },
		{ "P-256", "prime256v1", 256 }, { "p-256", "prime256v1", 256 },
		{ "SECP384R1", "secp384r1", 384 }, { "P-384", "secp384r1", 384 },
		{ NULL, "secp384r1", 384 },     /* default */
		{ "secp521r1", "secp521r1", 521 }, { "p-521", "secp521r1", 521 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, t[i].in, 0), *back;
		char group[64], fmt[32], enc[32];

		ck_assert(EVP_PKEY_is_a(k, "EC"));
		ck_assert_int_eq(EVP_PKEY_get_bits(k), t[i].bits);
		back = roundtrip(k, NULL, NULL);
		/* what the file says, not what we asked for */
		ck_assert_int_eq(EVP_PKEY_get_utf8_string_param(back,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL), 1);
		ck_assert_str_eq(group, t[i].group);
		ck_assert_int_eq(EVP_PKEY_get_utf8_string_param(back,
		    OSSL_PKEY_PARAM_EC_ENCODING, enc, sizeof(enc), NULL), 1);
		ck_assert_str_eq(enc, "named_curve");
		ck_assert_int_eq(EVP_PKEY_get_utf8_string_param(back,
		    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, fmt, sizeof(fmt),
		    NULL), 1);
		ck_assert_str_eq(fmt, "uncompressed");
		EVP_PKEY_free(back);
		EVP_PKEY_free(k);
	}
}
END_TEST

/* The openssl CLI reads our EC file as a named-curve PKCS#8 key. */
START_TEST(ec_pem_openssl)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-384", 0), *back;
	char *pem, *text;
	size_t len;

	back = roundtrip(k, &pem, &len);
	text = pkey_text(pem, len);
	assert_line(text, "Private-Key: (384 bit)");
	assert_line(text, "ASN1 OID: secp384r1");       /* named, not explicit */
	assert_line(text, "NIST CURVE: P-384");
	free(text);
	crypto_secret_free(pem, len);
	EVP_PKEY_free(back);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(rsa_2048)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_RSA, NULL, 2048), *back;
	BIGNUM *e = NULL;
	char *pem, *text;
	size_t len;

	ck_assert(EVP_PKEY_is_a(k, "RSA"));
	ck_assert_int_eq(EVP_PKEY_get_bits(k), 2048);
	ck_assert_int_eq(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e), 1);
	ck_assert(BN_is_word(e, 65537));
	back = roundtrip(k, &pem, &len);
	text = pkey_text(pem, len);
	assert_line(text, "Private-Key: (2048 bit, 2 primes)");
	assert_line(text, "publicExponent: 65537 (0x10001)");
	free(text);
	crypto_secret_free(pem, len);
	BN_free(e);
	EVP_PKEY_free(back);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(ed25519)
{
	EVP_PKEY *k = key_ok(CRYPTO_KEY_ED25519, "ignored", 0), *back;
	char *pem, *text;
	size_t len;

	ck_assert(EVP_PKEY_is_a(k, "ED25519"));
	back = roundtrip(k, &pem, &len);
	text = pkey_text(pem, len);
	assert_line(text, "ED25519 Private-Key:");
	free(text);
	crypto_secret_free(pem, len);
	EVP_PKEY_free(back);
	EVP_PKEY_free(k);
}
END_TEST

/* Case 10: PKCS#8 and PKCS#1 spellings are the same key, with the SPKI
 * hash the case gives, and match the case's certificate. */
START_TEST(read_case10_forms)
{
	EVP_PKEY *p8 = key_file_ok("10-key-formats.rsa-pkcs8.pem");
	EVP_PKEY *p1 = key_file_ok("10-key-formats.rsa-pkcs1.pem");
	struct sslm_err err = { "" };
	char *path = gdata("10-key-formats.cert.pem"), hex[65];
	X509 *cert = crypto_cert_read(path, &err);

	ck_assert_msg(cert != NULL, "%s", err.msg);
	ck_assert(EVP_PKEY_is_a(p8, "RSA"));
	ck_assert_int_eq(EVP_PKEY_get_bits(p8), 2048);
	ck_assert(crypto_key_matches(p8, p1));
	ck_assert(crypto_key_matches(p1, X509_get0_pubkey(cert)));
	spki_sha256(p8, hex);
	ck_assert_str_eq(hex, CASE10_SPKI);
	spki_sha256(p1, hex);
	ck_assert_str_eq(hex, CASE10_SPKI);
	assert_queue_empty();
	X509_free(cert);
	free(path);
	EVP_PKEY_free(p1);
	EVP_PKEY_free(p8);
}
END_TEST

/* CRLF line ends, a bundle (key first, then the certificate) and a
 * certificate before the key are all read. */
START_TEST(read_layouts)
{
	struct sslm_err err = { "" };
	EVP_PKEY *want = key_file_ok("10-key-formats.rsa-pkcs8.pem"), *k;
	size_t len, clen, n = 0;
	char *pem = gslurp("10-key-formats.rsa-pkcs8.pem", &len);
	char *cert = gslurp("10-key-formats.cert.pem", &clen);
	char *crlf = malloc(2 * len + 1), *both;

	ck_assert_ptr_nonnull(crlf);
	for (size_t i = 0; i < len; i++) {
		if (pem[i] == '\n')
			crlf[n++] = '\r';
		crlf[n++] = pem[i];
	}
	k = crypto_key_from_pem(crlf, n, "crlf.pem", &err);
	ck_assert_msg(k != NULL && crypto_key_matches(k, want), "%s", err.msg);
	EVP_PKEY_free(k);

	k = key_file_ok("bundle.pem");
	ck_assert(crypto_key_matches(k, want));
	EVP_PKEY_free(k);

	both = str_printf("%s%s", cert, pem);
	k = crypto_key_from_pem(both, strlen(both), "certfirst.pem", &err);
	ck_assert_msg(k != NULL && crypto_key_matches(k, want), "%s", err.msg);
	assert_queue_empty();
	EVP_PKEY_free(k);
	free(both);
	free(crlf);
	free(cert);
	free(pem);
	EVP_PKEY_free(want);
}
END_TEST

START_TEST(matches)
{
	EVP_PKEY *a = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	EVP_PKEY *b = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	EVP_PKEY *c = key_ok(CRYPTO_KEY_ED25519, NULL, 0);
	EVP_PKEY *r = key_file_ok("10-key-formats.rsa-pkcs8.pem");

	ck_assert(crypto_key_matches(a, a));
	ck_assert(!crypto_key_matches(a, b));
	ck_assert(!crypto_key_matches(a, c));   /* other type: no queued error */
	ck_assert(!crypto_key_matches(r, a));
	ck_assert(!crypto_key_matches(NULL, a));
	ck_assert(!crypto_key_matches(a, NULL));
	assert_queue_empty();
	crypto_secret_free(NULL, 0);
	EVP_PKEY_free(r);
	EVP_PKEY_free(c);
	EVP_PKEY_free(b);
	EVP_PKEY_free(a);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(bad_curve)
{
	static const char *const bad[] = { "secp256k1", "brainpoolP256r1", "",
		"P256", "secp384r1 " };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct crypto_key_spec spec = { .type = CRYPTO_KEY_EC,
			.curve = bad[i] };
		struct sslm_err err = { "" };

		ck_assert_ptr_null(crypto_key_generate(&spec, &err));
		assert_err(&err, "unknown EC curve");
		assert_err(&err, "secp256r1, secp384r1 or secp521r1");
	}
}
END_TEST

START_TEST(bad_rsa_bits)
{
	static const int bad[] = { 1024, 2047, 16385, 0, -2048 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct crypto_key_spec spec = { .type = CRYPTO_KEY_RSA,
			.rsa_bits = bad[i] };
		struct sslm_err err = { "" };

		ck_assert_ptr_null(crypto_key_generate(&spec, &err));
		assert_err(&err, "RSA key length must be >= 2048 and <= 16384");
	}
}
END_TEST

START_TEST(bad_type)
{
	struct crypto_key_spec spec = { .type = (enum crypto_key_type)42 };
	struct sslm_err err = { "" };

	ck_assert_ptr_null(crypto_key_generate(&spec, &err));
	assert_err(&err, "unknown key type 42");
}
END_TEST

/* Case 10: both encrypted spellings are named as such, never prompted for
 * (the key is never handed to OpenSSL's decryption at all). */
START_TEST(encrypted)
{
	static const char *const files[] = {
		"10-key-formats.rsa-pkcs8-encrypted.pem",
		"10-key-formats.rsa-pkcs1-encrypted.pem",
	};

	for (size_t i = 0; i < 2; i++) {
		struct sslm_err err = { "" };
		char *path = gdata(files[i]), *want;

		ck_assert_ptr_null(crypto_key_read(path, &err));
		want = str_printf("%s: encrypted private key (passphrase needed)",
		    path);
		ck_assert_str_eq(err.msg, want);
		assert_queue_empty();
		free(want);
		free(path);
	}
}
END_TEST

START_TEST(not_a_key)
{
	struct sslm_err err = { "" };
	EVP_PKEY *k = key_ok(CRYPTO_KEY_EC, "P-256", 0);
	char *path = gdata("10-key-formats.cert.pem"), *pub = NULL;
	BIO *bio = BIO_new(BIO_s_mem());
	long n;

	ck_assert_ptr_null(crypto_key_read(path, &err));
	assert_err(&err, "no private key found (found CERTIFICATE instead)");

	ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, k), 1);
	n = BIO_get_mem_data(bio, &pub);
	ck_assert_ptr_null(crypto_key_from_pem(pub, (size_t)n, "pub.pem", &err));
	ck_assert_str_eq(err.msg,
	    "pub.pem: no private key found (found PUBLIC KEY instead)");

	ck_assert_ptr_null(crypto_key_from_pem("", 0, NULL, &err));
	ck_assert_str_eq(err.msg, "private key: no private key found");
	assert_queue_empty();
	BIO_free(bio);
	free(path);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(damaged)
{
	struct sslm_err err = { "" };
	size_t len;
	char *pem = gslurp("10-key-formats.rsa-pkcs8.pem", &len), *end;

	/* a base64 body that decodes to something that is not a key */
	pem[40] = pem[40] == 'A' ? 'B' : 'A';
	pem[41] = pem[41] == 'A' ? 'B' : 'A';
	ck_assert_ptr_null(crypto_key_from_pem(pem, len, "bad.pem", &err));
	assert_err(&err, "bad.pem: not a valid private key");

	end = strstr(pem, "-----END");
	ck_assert_ptr_nonnull(end);
	ck_assert_ptr_null(crypto_key_from_pem(pem, (size_t)(end - pem),
	    "cut.pem", &err));
	ck_assert_str_eq(err.msg, "cut.pem: private key block has no END line");
	assert_queue_empty();
	free(pem);
}
END_TEST

START_TEST(missing_file)
{
	struct sslm_err err = { "" };

	ck_assert_ptr_null(crypto_key_read("/nonexistent/privkey.pem", &err));
	assert_err(&err, "/nonexistent/privkey.pem: cannot open");
}
END_TEST

void
add_key_tests(Suite *pos, Suite *neg)
{
	TCase *p = tcase_create("keys");
	TCase *n = tcase_create("keys");

	tcase_set_timeout(p, SLOW_TIMEOUT);
	tcase_add_test(p, ec_curve_aliases);
	tcase_add_test(p, ec_pem_openssl);
	tcase_add_test(p, rsa_2048);
	tcase_add_test(p, ed25519);
	tcase_add_test(p, read_case10_forms);
	tcase_add_test(p, read_layouts);
	tcase_add_test(p, matches);
	suite_add_tcase(pos, p);

	tcase_add_test(n, bad_curve);
	tcase_add_test(n, bad_rsa_bits);
	tcase_add_test(n, bad_type);
	tcase_add_test(n, encrypted);
	tcase_add_test(n, not_a_key);
	tcase_add_test(n, damaged);
	tcase_add_test(n, missing_file);
	suite_add_tcase(neg, n);
}
