/* crypto unit tests: certificate summaries, status formats, input files. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_crypto.h"

/* ---- positive: certificate summaries ----------------------------------- */

START_TEST(info_leaf_p256)
{
	struct crypto_cert_info ci;
	/* openssl: "IP Address:192.0.2.10, DNS:leaf.example.test,
	 * IP Address:2001:DB8:0:0:0:0:0:1, email:hostmaster@example.test,
	 * DNS:www.example.test, IP Address:2001:DB8:0:0:1:0:0:1,
	 * IP Address:0:0:0:0:0:FFFF:C633:6407" -> DNS first, then addresses
	 * in RFC 5952 form; the e-mail entry is not shown. */
	static const char *const sans[] = { "leaf.example.test",
	    "www.example.test", "192.0.2.10", "2001:db8::1",
	    "2001:db8::1:0:0:1", "::ffff:198.51.100.7", NULL };

	info_ok("leaf-p256.pem", &ci);
	ck_assert_int_eq(ci.not_before, 1796318056);   /* Dec  3 17:14:16 2026 GMT */
	ck_assert_int_eq(ci.not_after, 2111678056);    /* Nov 30 17:14:16 2036 GMT */
	ck_assert_int_eq(ci.lifetime_days, 3650);
	ck_assert_str_eq(ci.issuer_cn, "SSLM Test Root P-384");
	ck_assert_str_eq(ci.issuer_o, "SSLM Test");
	ck_assert_str_eq(ci.subject_cn, "leaf.example.test");
	ck_assert_str_eq(ci.key_desc, "secp256r1");     /* ASN1 OID: prime256v1 */
	ck_assert_str_eq(ci.sig_algo, "ecdsa-with-SHA384");
	ck_assert(!ci.is_ca);                          /* CA:FALSE */
	assert_sans(&ci, sans);
	crypto_cert_info_clear(&ci);
}
END_TEST

START_TEST(info_root_p384)
{
	struct crypto_cert_info ci;
	static const char *const none[] = { NULL };

	info_ok("root-p384.pem", &ci);
	ck_assert_int_eq(ci.not_before, 1796318056);
	/* Nov  9 17:14:16 2126 GMT: a GeneralizedTime past 2050 */
	ck_assert_int_eq(ci.not_after, 4949918056LL);
	ck_assert_int_eq(ci.lifetime_days, 36500);
	ck_assert_str_eq(ci.issuer_cn, "SSLM Test Root P-384");
	ck_assert_str_eq(ci.issuer_o, "SSLM Test");
	ck_assert_str_eq(ci.subject_cn, "SSLM Test Root P-384");
	ck_assert_str_eq(ci.key_desc, "secp384r1");
	ck_assert_str_eq(ci.sig_algo, "ecdsa-with-SHA384");
	ck_assert(ci.is_ca);
	assert_sans(&ci, none);                       /* no SAN extension */
	crypto_cert_info_clear(&ci);
}
END_TEST

START_TEST(info_rsa_2048)
{
	struct crypto_cert_info ci;
	static const char *const sans[] = { "rsa.example.test", NULL };

	info_ok("rsa-2048.pem", &ci);
	ck_assert_int_eq(ci.not_before, 1796318057);   /* Dec  3 17:14:17 2026 GMT */
	ck_assert_int_eq(ci.not_after, 1882718057);    /* Aug 29 17:14:17 2029 GMT */
	ck_assert_int_eq(ci.lifetime_days, 1000);
	ck_assert_str_eq(ci.issuer_cn, "rsa.example.test");
	ck_assert_ptr_null(ci.issuer_o);               /* Issuer: CN=... only */
	ck_assert_str_eq(ci.subject_cn, "rsa.example.test");
	ck_assert_str_eq(ci.key_desc, "rsa-2048");      /* Public-Key: (2048 bit) */
	ck_assert_str_eq(ci.sig_algo, "sha256WithRSAEncryption");
	ck_assert(!ci.is_ca);
	assert_sans(&ci, sans);
	crypto_cert_info_clear(&ci);
}
END_TEST

/* One row per key type: file, key_desc, sig_algo, lifetime, SAN. */
static const struct {
	const char *file, *key, *sig;
	long days;
	const char *san;
} key_rows[] = {
	{ "ed25519.pem", "ed25519", "ED25519", 800, "ed25519.example.test" },
	{ "ed448.pem", "ed448", "ED448", 800, "ed448.example.test" },
	{ "dsa-2048.pem", "dsa-2048", "dsa_with_SHA256", 800, "dsa.example.test" },
	{ "x25519.pem", "x25519", "ecdsa-with-SHA384", 800, "x25519.example.test" },
	{ "rsa-2048.pem", "rsa-2048", "sha256WithRSAEncryption", 1000,
	    "rsa.example.test" },
	{ "nocn-p521.pem", "secp521r1", "ecdsa-with-SHA512", 500, NULL },
	{ "10-key-formats.cert.pem", "rsa-2048", "ecdsa-with-SHA256", 45,
	    "imap.example.test" },
	{ "07-trusted-certificate.leaf.pem", "secp256r1", "ecdsa-with-SHA256", 45,
	    "web.example.test" },
	{ "07-trusted-certificate.intermediate.pem", "secp384r1",
	    "ecdsa-with-SHA256", 1825, NULL },
};

START_TEST(info_key_types)
{
	struct crypto_cert_info ci;
	const char *const sans[] = { key_rows[_i].san, NULL };

	info_ok(key_rows[_i].file, &ci);
	ck_assert_str_eq(ci.key_desc, key_rows[_i].key);
	ck_assert_str_eq(ci.sig_algo, key_rows[_i].sig);
	ck_assert_int_eq(ci.lifetime_days, key_rows[_i].days);
	assert_sans(&ci, sans);
	crypto_cert_info_clear(&ci);
}
END_TEST

START_TEST(info_utf8_name)
{
	struct crypto_cert_info ci;

	info_ok("ed25519.pem", &ci);
	/* Issuer: O=SSLM Prüf (UTF8String, ü = C3 BC), CN=ed25519.example.test */
	ck_assert_str_eq(ci.issuer_o, "SSLM Pr\xc3\xbc" "f");
	ck_assert_str_eq(ci.issuer_cn, "ed25519.example.test");
	ck_assert_int_eq(ci.not_after, 1865438057);    /* Feb 10 17:14:17 2029 GMT */
	crypto_cert_info_clear(&ci);
}
END_TEST

START_TEST(info_no_cn)
{
	struct crypto_cert_info ci;

	info_ok("nocn-p521.pem", &ci);
	/* Subject and issuer: C=US, O=SSLM No CN */
	ck_assert_ptr_null(ci.issuer_cn);
	ck_assert_ptr_null(ci.subject_cn);
	ck_assert_str_eq(ci.issuer_o, "SSLM No CN");
	ck_assert_int_eq(ci.not_before, 1796318058);   /* Dec  3 17:14:18 2026 GMT */
	ck_assert_int_eq(ci.not_after, 1839518058);    /* Apr 16 17:14:18 2028 GMT */
	ck_assert_uint_eq(ci.sans.n, 0);
	crypto_cert_info_clear(&ci);
}
END_TEST

START_TEST(info_control_chars)
{
	struct crypto_cert_info ci;

	info_ok("ctrl-cn.pem", &ci);
	/* openssl shows CN=evil\1B[31m.example.test; ESC must not get through */
	ck_assert_str_eq(ci.subject_cn, "evil?[31m.example.test");
	ck_assert_str_eq(ci.issuer_cn, "evil?[31m.example.test");
	crypto_cert_info_clear(&ci);
}
END_TEST

/* The TRUSTED form must describe exactly what the plain form describes. */
static void
assert_same_info(const char *a, const char *b)
{
	struct crypto_cert_info x, y;

	info_ok(a, &x);
	info_ok(b, &y);
	ck_assert_int_eq(x.not_before, y.not_before);
	ck_assert_int_eq(x.not_after, y.not_after);
	ck_assert_int_eq(x.lifetime_days, y.lifetime_days);
	ck_assert_str_eq(x.issuer_cn, y.issuer_cn);
	ck_assert_str_eq(x.issuer_o, y.issuer_o);
	ck_assert_str_eq(x.subject_cn, y.subject_cn);
	ck_assert_str_eq(x.key_desc, y.key_desc);
	ck_assert_str_eq(x.sig_algo, y.sig_algo);
	ck_assert_int_eq(x.is_ca, y.is_ca);
	ck_assert_uint_eq(x.sans.n, y.sans.n);
	crypto_cert_info_clear(&x);
	crypto_cert_info_clear(&y);
}

START_TEST(info_trusted_equals_plain)
{
	struct crypto_cert_info ci;

	assert_same_info("root-p384-trusted.pem", "root-p384.pem");
	assert_same_info("07-trusted-certificate.root-trusted.pem",
	    "07-trusted-certificate.root-plain.pem");
	info_ok("07-trusted-certificate.root-trusted.pem", &ci);
	/* subject O=Example Test, CN=Example Test Root R1; notAfter
	 * Nov 30 16:12:09 2036 GMT (case 07) */
	ck_assert_str_eq(ci.subject_cn, "Example Test Root R1");
	ck_assert_str_eq(ci.issuer_o, "Example Test");
	ck_assert_int_eq(ci.not_after, 2111674329);
	ck_assert_int_eq(ci.lifetime_days, 3650);
	ck_assert(ci.is_ca);
	crypto_cert_info_clear(&ci);
}
END_TEST

START_TEST(info_first_of_bundle)
{
	struct crypto_cert_info ci;

	/* key block first (bundle.pem layout), then the case-10 cert */
	info_ok("bundle.pem", &ci);
	ck_assert_str_eq(ci.subject_cn, "imap.example.test");
	ck_assert_str_eq(ci.issuer_cn, "Example Test Issuing E1");
	ck_assert_str_eq(ci.key_desc, "rsa-2048");
	ck_assert_int_eq(ci.not_after, 1800202436);    /* Jan 17 16:13:56 2027 GMT */
	crypto_cert_info_clear(&ci);
}
END_TEST

/* Every fullchain layout gives the leaf as "first certificate". */
static const char *const leaf_layouts[] = {
	"leaf-p256.pem", "fullchain.pem", "fullchain-crlf.pem",
	"fullchain-crlf-noeol.pem", "fullchain-garbage.pem",
	"chain-with-trusted.pem",
};

START_TEST(info_layouts)
{
	struct crypto_cert_info ci;

	info_ok(leaf_layouts[_i], &ci);
	ck_assert_str_eq(ci.subject_cn, "leaf.example.test");
	ck_assert_int_eq(ci.not_after, 2111678056);
	ck_assert_uint_eq(ci.sans.n, 6);
	crypto_cert_info_clear(&ci);
}
END_TEST

START_TEST(info_case08_leaf)
{
	static const char *const files[] = { "08-crlf-chain.fullchain-crlf.pem",
	    "08-crlf-chain.fullchain-crlf-noeol.pem",
	    "08-crlf-chain.fullchain-mixed.pem" };
	static const char *const sans[] = { "mail.example.test",
	    "smtp.example.test", NULL };
	struct crypto_cert_info ci;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		info_ok(files[i], &ci);
		ck_assert_str_eq(ci.subject_cn, "mail.example.test");
		ck_assert_str_eq(ci.issuer_cn, "Example Test Issuing E1");
		ck_assert_int_eq(ci.not_after, 1800202386); /* Jan 17 16:13:06 2027 GMT */
		assert_sans(&ci, sans);
		crypto_cert_info_clear(&ci);
	}
}
END_TEST

START_TEST(info_reuse_and_from_x509)
{
	struct sslm_err err = { "" };
	struct crypto_cert_info ci;
	STACK_OF(X509) *certs = read_certs_ok("fullchain.pem", 2);
	char *path = data_path("rsa-2048.pem");

	crypto_cert_info_init(&ci);
	/* A filled ci is freed before being refilled (ASan/valgrind check). */
	ck_assert_int_eq(crypto_cert_info_read(path, &ci, &err), 0);
	ck_assert_int_eq(crypto_cert_info_from_x509(sk_X509_value(certs, 1),
	    "fullchain.pem", &ci, &err), 0);
	ck_assert_str_eq(ci.subject_cn, "SSLM Test Root P-384");
	ck_assert(ci.is_ca);
	crypto_cert_info_clear(&ci);
	crypto_cert_info_clear(&ci);                    /* twice is fine */
	crypto_cert_info_clear(NULL);
	crypto_certs_free(NULL);
	crypto_certs_free(certs);
	free(path);
	assert_queue_empty();
}
END_TEST

/* ---- positive: formatting ----------------------------------------------- */

static const struct {
	long long secs;
	const char *want;
} remain_rows[] = {
	{ 0, "   0d 00:00:00" },
	{ 59, "   0d 00:00:59" },
	{ 3305703, "  38d 06:15:03" },          /* 38*86400 + 6*3600 + 15*60 + 3 */
	{ 157588212, "1823d 22:30:12" },        /* tools.md §2.7 example */
	{ 86400LL * 12345 + 1, "12345d 00:00:01" }, /* wider than 4: widens */
	{ -1, "  -0d 00:00:01" },               /* one second past expiry */
	{ -273906, "  -3d 04:05:06" },          /* tools.md §2.3 example */
	{ -86400, "  -1d 00:00:00" },
	{ -86400LL * 1000 - 61, "-1000d 00:01:01" },
};

START_TEST(fmt_remain)
{
	char out[CRYPTO_FMT_MAX];

	crypto_fmt_remain(remain_rows[_i].secs, out, sizeof(out));
	ck_assert_str_eq(out, remain_rows[_i].want);
}
END_TEST

START_TEST(fmt_remain_edges)
{
	char out[CRYPTO_FMT_MAX], small[6] = "xxxxx";

	/* LLONG_MIN has no positive counterpart; it still formats. */
	crypto_fmt_remain(LLONG_MIN, out, sizeof(out));
	ck_assert_str_eq(out, "-106751991167300d 15:30:08");
	crypto_fmt_remain(LLONG_MAX, out, sizeof(out));
	ck_assert_str_eq(out, "106751991167300d 15:30:07");
	crypto_fmt_remain(3305703, small, sizeof(small));
	ck_assert_str_eq(small, "  38d");                /* truncated, terminated */
	crypto_fmt_remain(1, small, 0);                  /* n == 0: untouched */
	ck_assert_str_eq(small, "  38d");
}
END_TEST

START_TEST(fmt_date)
{
	char out[CRYPTO_FMT_MAX];

	crypto_fmt_date(0, out, sizeof(out));
	ck_assert_str_eq(out, "1970-01-01 00:00:00 UTC");
	crypto_fmt_date(2111678056, out, sizeof(out));  /* leaf notAfter */
	ck_assert_str_eq(out, "2036-11-30 17:14:16 UTC");
	crypto_fmt_date(4949918056LL, out, sizeof(out)); /* root notAfter */
	ck_assert_str_eq(out, "2126-11-09 17:14:16 UTC");
	crypto_fmt_date(0, out, 5);                       /* too small: "" */
	ck_assert_str_eq(out, "");
}
END_TEST

/* Expected text from Python 3.11 ipaddress.IPv6Address(...).compressed,
 * except the IPv4-mapped row (RFC 5952 §5 mixed form; Python 3.11 prints
 * ::ffff:102:304 there). */
static const struct {
	const char *hex, *want;
} ip_rows[] = {
	{ "c000020a", "192.0.2.10" },
	{ "00000000000000000000000000000000", "::" },
	{ "00000000000000000000000000000001", "::1" },
	{ "00010000000000000000000000000000", "1::" },
	{ "20010db8000000000000000000000001", "2001:db8::1" },
	{ "20010db8000000000001000000000001", "2001:db8::1:0:0:1" },
	{ "00010000000100000001000000010000", "1:0:1:0:1:0:1:0" },
	{ "20010db8000000010001000100010001", "2001:db8:0:1:1:1:1:1" },
	{ "fe80000000000000abcdef0123456789", "fe80::abcd:ef01:2345:6789" },
	{ "00000000000100000000000000010000", "0:0:1::1:0" },
	{ "00000000000000000000ffff01020304", "::ffff:1.2.3.4" },
	{ "00000000000000000000000001020304", "::102:304" },
	{ "ffffffffffffffffffffffffffffffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
};

START_TEST(fmt_ip)
{
	unsigned char a[16];
	char out[CRYPTO_FMT_MAX];
	size_t n = strlen(ip_rows[_i].hex) / 2;

	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(sscanf(ip_rows[_i].hex + 2 * i, "%2hhx", &a[i]), 1);
	ck_assert_int_eq(crypto_fmt_ip(a, n, out, sizeof(out)), 0);
	ck_assert_str_eq(out, ip_rows[_i].want);
}
END_TEST

START_TEST(fmt_ip_bad_length)
{
	static const unsigned char a[32];
	char out[CRYPTO_FMT_MAX] = "keep";

	/* 8 and 32 bytes are name-constraint address/mask pairs, not SANs */
	ck_assert_int_eq(crypto_fmt_ip(a, 8, out, sizeof(out)), -1);
	ck_assert_int_eq(crypto_fmt_ip(a, 32, out, sizeof(out)), -1);
	ck_assert_int_eq(crypto_fmt_ip(a, 0, out, sizeof(out)), -1);
	ck_assert_int_eq(crypto_fmt_ip(a, 4, out, 0), -1);
	ck_assert_str_eq(out, "keep");
	ck_assert_int_eq(crypto_fmt_ip(a, 16, out, 2), 0);   /* truncated */
	ck_assert_str_eq(out, ":");
}
END_TEST

/* ---- negative: files ---------------------------------------------------- */

START_TEST(neg_missing_file)
{
	data_file_fails("no-such-file.pem", ": cannot open: No such file or directory");
}
END_TEST

START_TEST(neg_empty_file)
{
	data_file_fails("empty.pem", ": no certificate found (it is empty)");
}
END_TEST

START_TEST(neg_not_pem)
{
	data_file_fails("not-pem.txt",
	    ": no certificate found (no -----BEGIN CERTIFICATE----- line)");
}
END_TEST

START_TEST(neg_der_file)
{
	data_file_fails("leaf-p256.der", ": no certificate found (not PEM; binary DER?");
}
END_TEST

START_TEST(neg_key_as_cert)
{
	data_file_fails("10-key-formats.rsa-pkcs8.pem",
	    ": no certificate found (found PRIVATE KEY instead)");
	/* Encrypted keys: named, never decrypted, never a prompt. */
	data_file_fails("10-key-formats.rsa-pkcs8-encrypted.pem",
	    ": no certificate found (found ENCRYPTED PRIVATE KEY instead)");
	data_file_fails("10-key-formats.rsa-pkcs1-encrypted.pem",
	    ": no certificate found (found RSA PRIVATE KEY instead)");
}
END_TEST

/* One DER byte of leaf-p256 changed (README.md); the PEM and the X509 parse,
 * the summary cannot be made. */
START_TEST(neg_damaged_fields)
{
	/* openssl x509 -text: the GeneralName does not decode */
	data_file_fails("bad-san.pem", ": cannot decode the subjectAltName "
	    "extension: asn1 encoding routines: no matching choice type");
	/* openssl x509 -text: two "X509v3 Subject Alternative Name" */
	data_file_fails("dup-san.pem", ": more than one subjectAltName extension");
	/* openssl x509 -text: "Not Before: Bad time value" */
	data_file_fails("bad-time.pem", ": notBefore is not a valid time");
}
END_TEST

START_TEST(neg_directory_fifo_big)
{
	char dir[] = "/tmp/test_crypto.XXXXXX";
	char *fifo, *big;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	file_fails(dir, ": is not a regular file");
	/* A FIFO must be refused at once, not waited on. */
	fifo = str_printf("%s/cert.pem", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	file_fails(fifo, ": is not a regular file");
	big = str_printf("%s/big.pem", dir);
	ck_assert_ptr_nonnull(f = fopen(big, "w"));
	for (size_t i = 0; i < CRYPTO_PEM_MAX + 1; i++)
		fputc('\n', f);
	fclose(f);
	file_fails(big, ": too large (1048577 bytes, at most 1048576)");
	unlink(big);
	unlink(fifo);
	rmdir(dir);
	free(big);
	free(fifo);
}
END_TEST

void
add_info_tests(Suite *pos, Suite *neg)
{
	TCase *tc = tcase_create("cert info");

	tcase_add_test(tc, info_leaf_p256);
	tcase_add_test(tc, info_root_p384);
	tcase_add_test(tc, info_rsa_2048);
	tcase_add_loop_test(tc, info_key_types, 0,
	    sizeof(key_rows) / sizeof(key_rows[0]));
	tcase_add_test(tc, info_utf8_name);
	tcase_add_test(tc, info_no_cn);
	tcase_add_test(tc, info_control_chars);
	tcase_add_test(tc, info_trusted_equals_plain);
	tcase_add_test(tc, info_first_of_bundle);
	tcase_add_loop_test(tc, info_layouts, 0,
	    sizeof(leaf_layouts) / sizeof(leaf_layouts[0]));
	tcase_add_test(tc, info_case08_leaf);
	tcase_add_test(tc, info_reuse_and_from_x509);
	suite_add_tcase(pos, tc);

	tc = tcase_create("format");
	tcase_add_loop_test(tc, fmt_remain, 0,
	    sizeof(remain_rows) / sizeof(remain_rows[0]));
	tcase_add_test(tc, fmt_remain_edges);
	tcase_add_test(tc, fmt_date);
	tcase_add_loop_test(tc, fmt_ip, 0, sizeof(ip_rows) / sizeof(ip_rows[0]));
	suite_add_tcase(pos, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, neg_missing_file);
	tcase_add_test(tc, neg_empty_file);
	tcase_add_test(tc, neg_not_pem);
	tcase_add_test(tc, neg_der_file);
	tcase_add_test(tc, neg_key_as_cert);
	tcase_add_test(tc, neg_damaged_fields);
	tcase_add_test(tc, neg_directory_fifo_big);
	suite_add_tcase(neg, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, fmt_ip_bad_length);
	suite_add_tcase(neg, tc);
}
