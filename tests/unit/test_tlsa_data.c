/*
 * crypto_tlsa_data() known answers (tlsa.md §4) and the openssl cross-check
 * of sslm-tlsa-hash (tools.md §5).
 *
 * Expected values were computed once with OpenSSL 3.0.19's command line:
 *   selector 0: openssl x509 -in CERT -outform DER | openssl dgst -sha256 -r
 *               (-sha512 for match 2; `od -An -v -tx1 | tr -d ' \n'` for
 *               match 0, kept in tests/data/tlsa/<name>.der.hex)
 *   selector 1: openssl x509 -in CERT -noout -pubkey |
 *               openssl pkey -pubin -outform DER | openssl dgst -sha256 -r
 *               (-sha512, or od as above for match 0)
 * and every one of them checked with ldns 1.8.3:
 *   ldns-dane -n -c CERT create x 25 3 SELECTOR MATCH
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "test_tlsa.h"

struct kat {
	const char *file;
	const char *der_hex;	/* selector 0 match 0, a data file */
	const char *s0m1, *s0m2, *s1m0, *s1m1, *s1m2;
};

static const struct kat kats[] = {
	{
		"p256.pem", "p256.der.hex",
		"53670801492ca8f268b5231bbb23c020d0c6e3760de77a768f17d8c5a9b7f2bd",
		"549078d01ac10cd3d11517a38dc24aa5e34112e36688ddc60b62552113e88c5a"
		"df34bafb94a6ec68e61437a1dd8dde066205c7e35b6222d3e45cde7203f6734e",
		"3059301306072a8648ce3d020106082a8648ce3d030107034200049ca268c30e"
		"b08d5c40782718f73c7b421de58b77db8cc703d39b5d07e6252198452e1e823d"
		"370d9fb78d507e4e7fa0fb24759e949b879ca4ba0d074578dbcc49",
		"95a9aa7128f944c60f22bea3fbd4cb5fa87ba77bd33742ea4ffe5818edc47af8",
		"2954eedca9fb43f4a54871b691c22a19eb944c42051782a5ac785c97e551aa25"
		"66fc5eeac7b0ce042aa2d6a51e2cc2460bb2e9406f63ac20e73ea74ab4eaa1ff",
	},
	{
		"12-tlsa-ec-key.cert-ec-p384.pem", "cert-ec-p384.der.hex",
		"b676f91a525af3b8aad74d8812a0042bf77c59a43ffc1cccccb1e1dcd3b7329c",
		"fe5b900990ba12031a0f9f17c511f835ca2cfa28b64c15d8518d6aa038217881"
		"ce5fb4570c175da51970194482e00212d04838342fc42891e72d23e5b4c5f4c1",
		"3076301006072a8648ce3d020106052b81040022036200045357a2ebcaaf149d"
		"a31ca261836b0400f215f9fa1031ca622eac0d350d6c8f859d0b0483c63ee919"
		"e176734dbd5c7a1dd3248812a5d6b78c74d3fbed57ba41f776d14cc883c5d6c9"
		"72c91cb2d1929d8ae99181c7505f27286a64eab151ceda13",
		P384_311,
		"a61a41902c21954b4ed69b2d2bd2889ca1294fcf5b4f473583871468dbaed482"
		"dcf016172df7967390e782c19136c3eff7032ddfc31d9099102d07ea1f6f1905",
	},
	{
		"12-tlsa-ec-key.cert-rsa-2048.pem", "cert-rsa-2048.der.hex",
		"4da96fe49811052db607aaede7f3659e51e65f43adc935b7c20567fc7e6ebce6",
		"6ec74bb6598d0730718d9712c409859ba0ca2a3958167ea710b031486737ccd7"
		"414e57a0c5d1fbf0ff49c24028feec932932b662f2fc8b7e15160fdd49c164d2",
		"30820122300d06092a864886f70d01010105000382010f003082010a02820101"
		"00b9c56fd7ee7d7d6e2dff26257639444ee9c4fed89b88a8e0617731be355e01"
		"db16fe12cbf1b156485820b13f6efeca601dbf03859f55873b50babcd5f23b39"
		"80d690ec6cc6c0929f3eac9fc2338ca8bf19d72bba1ad2c185a450e09fed9bb4"
		"6f15868eaed5bc0d14d383664ead1ae93148aadd6c6c33487996fe77d15710e6"
		"02c114022214b531d6780c48758d228166fa4b5e23cdf9fb92e96e0204c31ce4"
		"3877920bd08a6668f46d8efd1de89d26642fcb66459ff92201616d2243415e3a"
		"613406ee0b90ea945c6795fa0ce68abc54690b052633c4afc39177500735436e"
		"c651b1a70611e7432d1aca0d746b0b02e2b262c616e5df95d492c8b3159490f8"
		"910203010001",
		RSA_311,
		"d1b12030a32f98ef60f0be26bcd8f16fbd9662ba3cc2fae60fc3c6f1c0f4ea7e"
		"a20da92ec4691079d2e948f9ef4d74996bf04da50db5c51f86c5dc11a4403732",
	},
	{
		"12-tlsa-ec-key.cert-ed25519.pem", "cert-ed25519.der.hex",
		"a124d580427995f3d7096203752b710d8f08ceadc2ab58e39a0b6000f2c19586",
		"842833cac63e193c8c3af1504fa709e0ca60a64bd56c4007d6ce52b62fe17096"
		"1802474d4b404ca7b744ed23bd2e9a2623de77a600c969f50778c885e45cb0a0",
		"302a300506032b6570032100a919e32fdc8fa6fa45e329898962b4633f07560d"
		"643bef61f497c7a7dc4d3043",
		ED_311,
		"6ca4f15b2630803f67b17434870ba96330091f2f98542af1a61fc1091db99d78"
		"be6a1b03bdb07dac1a6700fc34baf1c4823bc2338701f7af16cb64253ae02bf1",
	},
};

static char *
data_of(X509 *x, int selector, int match)
{
	struct sslm_err err;
	char *hex = NULL;

	sslm_err_clear(&err);
	ck_assert_msg(crypto_tlsa_data(x, selector, match, &hex, &err) == 0,
	    "%d %d: %s", selector, match, err.msg);
	tt_queue_empty();
	ck_assert_ptr_nonnull(hex);
	ck_assert_str_ne(hex, EMPTY_SHA256);
	return hex;
}

static void
expect_data(X509 *x, int selector, int match, const char *want)
{
	char *hex = data_of(x, selector, match);

	ck_assert_str_eq(hex, want);
	free(hex);
}

START_TEST(kat_all)
{
	const struct kat *k = &kats[_i];
	X509 *x = tt_cert(k->file);
	char *path = tt_data(k->der_hex), *der = tt_slurp(path);

	der[strcspn(der, "\n")] = '\0';
	expect_data(x, 0, 0, der);
	expect_data(x, 0, 1, k->s0m1);
	expect_data(x, 0, 2, k->s0m2);
	expect_data(x, 1, 0, k->s1m0);
	expect_data(x, 1, 1, k->s1m1);
	expect_data(x, 1, 2, k->s1m2);
	free(der);
	free(path);
	X509_free(x);
}
END_TEST

/* tlsa.md §9.2 (values printed there, re-run with the same commands). */
START_TEST(kat_section9)
{
	X509 *c1 = tt_cert("s9-cert1.pem"), *c2 = tt_cert("s9-cert2.pem");
	char *hex;

	expect_data(c1, 1, 1, KEY1_311);
	expect_data(c1, 0, 1,
	    "dfa7326808c55dd482272b472b33f57af94f073239b35de8aaebf0c7438314be");
	expect_data(c1, 1, 2,
	    "8a37beba0d07cee5042b1ca25c8d539b75da8909574c2a16e3338bda0736bb81"
	    "a6f3e31e0f245f719a51dc652f408a200c3e5ed0b3fc9e9a42c3827eb29797b1");
	expect_data(c1, 1, 0,
	    "3076301006072a8648ce3d020106052b81040022036200042b35a3d5e07badb0"
	    "aaac99288c3e97164474ecc19b4173d3695a0ba8e0679d60be35c4423d1ca7f1"
	    "ea4c6b6f9e0dc5794397a48d18da0e7453a570750c7fe44a361d1ce8308317a1"
	    "8fbb534d2d8464be58cf79582d94c6ca52d384588bfb7be0");
	/* "240 hex characters for a P-384 SPKI with match 0" (§4). */
	hex = data_of(c1, 1, 0);
	ck_assert_uint_eq(strlen(hex), 240);
	free(hex);
	expect_data(c2, 1, 1, KEY2_311);
	X509_free(c1);
	X509_free(c2);
}
END_TEST

/* Case 12: the intermediate a usage-2 record must name. */
START_TEST(kat_case12_issuer)
{
	X509 *x = tt_cert("12-tlsa-ec-key.chain.pem");

	expect_data(x, 1, 1, CHAIN_311);
	expect_data(x, 0, 1,
	    "d06095945f16d98aa87f3c5986ddf71403006ec00f9637e8924c4a6c78a25be1");
	X509_free(x);
}
END_TEST

/* FIPS 180-2 appendix B.1 and the empty input. */
START_TEST(sha256_hex)
{
	char out[CRYPTO_SHA256_HEX];

	ck_assert_int_eq(crypto_sha256_hex("abc", 3, out, NULL), 0);
	ck_assert_str_eq(out,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(crypto_sha256_hex("", 0, out, NULL), 0);
	ck_assert_str_eq(out, EMPTY_SHA256);
}
END_TEST

START_TEST(bad_selector_match)
{
	static const int bad[][2] = { { 2, 1 }, { -1, 1 }, { 1, 3 }, { 0, -1 },
	    { 255, 255 } };
	X509 *x = tt_cert("p256.pem");
	struct sslm_err err;
	char *hex = (char *)"x";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sslm_err_clear(&err);
		ck_assert_int_eq(crypto_tlsa_data(x, bad[i][0], bad[i][1], &hex,
		    &err), -1);
		ck_assert_ptr_null(hex);
		ck_assert_msg(strstr(err.msg, "not supported") != NULL, "%s",
		    err.msg);
	}
	sslm_err_clear(&err);
	ck_assert_int_eq(crypto_tlsa_data(NULL, 1, 1, &hex, &err), -1);
	ck_assert_ptr_null(hex);
	ck_assert_str_eq(err.msg, "TLSA data: no certificate given");
	tt_queue_empty();
	X509_free(x);
}
END_TEST

/* The openssl program agrees with us for every selector and match. */
START_TEST(openssl_agrees)
{
	const struct kat *k = &kats[_i];
	struct sslm_err err;
	char *path = tt_data(k->file), *hex, *diag, *ours;
	X509 *x = tt_cert(k->file);

	for (int s = 0; s <= 1; s++)
		for (int m = 0; m <= 2; m++) {
			sslm_err_clear(&err);
			ck_assert_msg(crypto_tlsa_openssl(NULL, path, s, m, &hex,
			    &diag, &err) == 0, "%s %d %d: %s", k->file, s, m,
			    err.msg);
			ck_assert_ptr_null(diag);
			ours = data_of(x, s, m);
			ck_assert_str_eq(hex, ours);
			free(hex);
			free(ours);
		}
	free(path);
	X509_free(x);
}
END_TEST

START_TEST(openssl_fails)
{
	struct sslm_err err;
	char *path = tt_data("12-tlsa-ec-key.md"), *hex, *diag;

	/* not a certificate: openssl says why on stderr */
	sslm_err_clear(&err);
	ck_assert_int_eq(crypto_tlsa_openssl(NULL, path, 1, 1, &hex, &diag,
	    &err), -1);
	ck_assert_ptr_null(hex);
	ck_assert_msg(strstr(err.msg, "openssl x509 exited with status") != NULL,
	    "%s", err.msg);
	ck_assert_ptr_nonnull(diag);
	ck_assert_msg(strstr(diag, "certificate") != NULL, "%s", diag);
	free(diag);
	/* no such program */
	sslm_err_clear(&err);
	ck_assert_int_eq(crypto_tlsa_openssl("/nonexistent/openssl", path, 0, 2,
	    &hex, &diag, &err), -1);
	ck_assert_ptr_null(hex);
	ck_assert_ptr_null(diag);
	ck_assert_msg(strstr(err.msg, "/nonexistent/openssl") != NULL, "%s",
	    err.msg);
	/* out of range */
	sslm_err_clear(&err);
	ck_assert_int_eq(crypto_tlsa_openssl(NULL, path, 2, 1, &hex, &diag,
	    &err), -1);
	ck_assert_msg(strstr(err.msg, "not supported") != NULL, "%s", err.msg);
	free(path);
}
END_TEST

void
add_tlsa_data_tests(Suite *pos, Suite *neg)
{
	TCase *tc = tcase_create("data");
	int n = (int)(sizeof(kats) / sizeof(kats[0]));

	tcase_add_loop_test(tc, kat_all, 0, n);
	tcase_add_test(tc, kat_section9);
	tcase_add_test(tc, kat_case12_issuer);
	tcase_add_test(tc, sha256_hex);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, openssl_agrees, 0, n);
	suite_add_tcase(pos, tc);
	tc = tcase_create("data errors");
	tcase_add_test(tc, bad_selector_match);
	tcase_add_test(tc, openssl_fails);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(neg, tc);
}
