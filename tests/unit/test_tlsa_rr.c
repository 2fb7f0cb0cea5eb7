/*
 * tlsa.rr content (tlsa.md §3.3-§6): tlsa.md §9.3, field case 12, host
 * selection rules, usage 0/2, the TTL spellings, missing certificates.
 * Hash values: see test_tlsa.h (openssl CLI, checked with ldns-dane).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "test_tlsa.h"

#define S9_DB1 "20250101-10:00:00"

static const char *const s9_mx[] = { "mail.example.com.", "mx2.example.com.",
    NULL };
static const char *const c12_mx[] = { "mx1.example.test.", "mx2.example.test.",
    NULL };

/* The §9.1 service: example.com/mail-ec, [[25, 'tcp', 3, 1, 1]], TTL 1800. */
static void
s9_service(struct tt_svc *t)
{
	tt_svc_init(t, "example.com", "mail-ec");
	tt_svc_dane(t, 25, "tcp", 3, 1, 1, NULL);
	tt_svc_san(t, "example.com", false);
	tt_svc_san(t, "mail.example.com", false);
}

/* Case 12's service file: two items, SANs of all three leaves. */
static void
c12_service(struct tt_svc *t, int match)
{
	tt_svc_init(t, "example.test", "mail-ec");
	tt_svc_dane(t, 25, "tcp", 3, 1, match, "MX");
	tt_svc_dane(t, 443, "tcp", 3, 1, match, "SANS");
	tt_svc_san(t, "example.test", false);
	tt_svc_san(t, "mail.example.test", false);
	tt_svc_san(t, "mx1.example.test", false);
	tt_svc_san(t, "mx2.example.test", false);
}

START_TEST(section9_tlsa_rr)
{
	struct tt_svc t;
	struct strvec mx;
	char *text;

	tt_dataset("example.com", "mail-ec", S9_DB1, "s9-cert1.pem");
	s9_service(&t);
	tt_strvec(&mx, s9_mx);
	text = tt_build(&t, "example.com", S9_DB1,
	    tt_path("top/certs/example.com/mail-ec/db/" S9_DB1), &mx, NULL);
	ck_assert_str_eq(text,
	    ";;\n"
	    ";; tlsa example.com mail-ec 20250101-10:00:00\n"
	    ";;\n"
	    "_25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.mail.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.mx2.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n");
	free(text);
	/* dane_tls_ttl = 0: exactly the 5.4.0 spelling (§9.3 last note) */
	t.s.dane_tls_ttl = 0;
	text = tt_build(&t, "example.com", S9_DB1,
	    tt_path("top/certs/example.com/mail-ec/db/" S9_DB1), &mx, NULL);
	ck_assert_str_eq(text,
	    ";;\n"
	    ";; tlsa example.com mail-ec 20250101-10:00:00\n"
	    ";;\n"
	    "_25._tcp.example.com. IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.mail.example.com. IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.mx2.example.com. IN TLSA 3 1 1 " KEY1_311 "\n");
	free(text);
	strvec_clear(&mx);
}
END_TEST

/* Field case 12 for each leaf: the seven (owner, rdata) pairs it lists. */
START_TEST(case12_records)
{
	static const struct {
		const char *file, *hex;
	} leaves[] = {
		{ "12-tlsa-ec-key.cert-ec-p384.pem", P384_311 },
		{ "12-tlsa-ec-key.cert-rsa-2048.pem", RSA_311 },
		{ "12-tlsa-ec-key.cert-ed25519.pem", ED_311 },
	};
	struct tt_svc t;
	struct strvec mx;
	char *text, *want;
	const char *h = leaves[_i].hex;

	tt_dataset("example.test", "mail-ec", "s", leaves[_i].file);
	c12_service(&t, 1);
	tt_strvec(&mx, c12_mx);
	text = tt_build(&t, "example.test", "s",
	    tt_path("top/certs/example.test/mail-ec/db/s"), &mx, NULL);
	want = str_printf(";;\n;; tlsa example.test mail-ec s\n;;\n"
	    "_25._tcp.example.test. 1800 IN TLSA 3 1 1 %s\n"
	    "_25._tcp.mx1.example.test. 1800 IN TLSA 3 1 1 %s\n"
	    "_25._tcp.mx2.example.test. 1800 IN TLSA 3 1 1 %s\n"
	    "_443._tcp.example.test. 1800 IN TLSA 3 1 1 %s\n"
	    "_443._tcp.mail.example.test. 1800 IN TLSA 3 1 1 %s\n"
	    "_443._tcp.mx1.example.test. 1800 IN TLSA 3 1 1 %s\n"
	    "_443._tcp.mx2.example.test. 1800 IN TLSA 3 1 1 %s\n",
	    h, h, h, h, h, h, h);
	ck_assert_str_eq(text, want);
	ck_assert_ptr_null(strstr(text, EMPTY_SHA256));
	free(want);
	free(text);
	strvec_clear(&mx);
}
END_TEST

/* Case 12, 3 1 2: 128 hex digits on one line (§5.4: never wrapped). */
START_TEST(case12_sha512_single_line)
{
	const char *want = "_25._tcp.mx1.example.test. 1800 IN TLSA 3 1 2 "
	    "a61a41902c21954b4ed69b2d2bd2889ca1294fcf5b4f473583871468dbaed482"
	    "dcf016172df7967390e782c19136c3eff7032ddfc31d9099102d07ea1f6f1905\n";
	struct tt_svc t;
	struct strvec mx;
	char *text, *line;

	tt_dataset("example.test", "mail-ec", "s", "12-tlsa-ec-key.cert-ec-p384.pem");
	c12_service(&t, 2);
	tt_strvec(&mx, c12_mx);
	text = tt_build(&t, "example.test", "s",
	    tt_path("top/certs/example.test/mail-ec/db/s"), &mx, NULL);
	line = strstr(text, "_25._tcp.mx1.example.test. ");
	ck_assert_ptr_nonnull(line);
	ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "%s", line);
	ck_assert_ptr_null(strchr(text, '('));
	free(text);
	strvec_clear(&mx);
}
END_TEST

/* Usage 0 and 2 hash the first certificate of chain.pem, 1 and 3 the leaf. */
START_TEST(usage_picks_certificate)
{
	struct tt_svc t;
	char *text;

	tt_dataset("example.test", "mail-ec", "s", "12-tlsa-ec-key.cert-ec-p384.pem");
	tt_svc_init(&t, "example.test", "mail-ec");
	tt_svc_dane(&t, 443, "tcp", 2, 1, 1, NULL);
	tt_svc_dane(&t, 443, "tcp", 0, 1, 1, NULL);
	tt_svc_dane(&t, 443, "tcp", 1, 1, 1, NULL);
	tt_svc_dane(&t, 443, "tcp", 3, 1, 1, NULL);
	text = tt_build(&t, "example.test", "s",
	    tt_path("top/certs/example.test/mail-ec/db/s"), NULL, NULL);
	ck_assert_str_eq(text, ";;\n;; tlsa example.test mail-ec s\n;;\n"
	    "_443._tcp.example.test. 1800 IN TLSA 2 1 1 " CHAIN_311 "\n"
	    "_443._tcp.example.test. 1800 IN TLSA 0 1 1 " CHAIN_311 "\n"
	    "_443._tcp.example.test. 1800 IN TLSA 1 1 1 " P384_311 "\n"
	    "_443._tcp.example.test. 1800 IN TLSA 3 1 1 " P384_311 "\n");
	free(text);
}
END_TEST

/* decisions.md: an explicit subtype wins over the port-25 default. */
START_TEST(explicit_subtype_wins)
{
	static const char *const mx_list[] = { "mx1.example.test.", NULL };
	struct tt_svc t;
	struct strvec mx;
	char *text;

	tt_dataset("example.test", "m", "s", "p256.pem");
	tt_svc_init(&t, "example.test", "m");
	tt_svc_dane(&t, 25, "udp", 3, 1, 1, "SANS");
	tt_svc_dane(&t, 8443, "tcp", 3, 1, 1, "mx");
	tt_svc_san(&t, "web.example.test", false);
	tt_strvec(&mx, mx_list);
	text = tt_build(&t, "example.test", "s",
	    tt_path("top/certs/example.test/m/db/s"), &mx, NULL);
	ck_assert_str_eq(text, ";;\n;; tlsa example.test m s\n;;\n"
	    "_25._udp.example.test. 1800 IN TLSA 3 1 1 "
	    "95a9aa7128f944c60f22bea3fbd4cb5fa87ba77bd33742ea4ffe5818edc47af8\n"
	    "_25._udp.web.example.test. 1800 IN TLSA 3 1 1 "
	    "95a9aa7128f944c60f22bea3fbd4cb5fa87ba77bd33742ea4ffe5818edc47af8\n"
	    "_8443._tcp.example.test. 1800 IN TLSA 3 1 1 "
	    "95a9aa7128f944c60f22bea3fbd4cb5fa87ba77bd33742ea4ffe5818edc47af8\n"
	    "_8443._tcp.mx1.example.test. 1800 IN TLSA 3 1 1 "
	    "95a9aa7128f944c60f22bea3fbd4cb5fa87ba77bd33742ea4ffe5818edc47af8\n");
	free(text);
	strvec_clear(&mx);
}
END_TEST

#define P256_311 "95a9aa7128f944c60f22bea3fbd4cb5fa87ba77bd33742ea4ffe5818edc47af8"

/* SANs: IPs and wildcards left out, apex and repeats dropped, names
 * outside the apex skipped with a warning naming them (§3.3). */
START_TEST(san_selection)
{
	struct tt_svc t;
	struct strvec warnings;
	char *text;

	strvec_init(&warnings);
	tt_dataset("example.com", "web", "s", "p256.pem");
	tt_svc_init(&t, "example.com", "web");
	tt_svc_dane(&t, 443, "tcp", 3, 1, 1, NULL);
	tt_svc_san(&t, "www.example.com", false);
	tt_svc_san(&t, "10.1.1.10", true);
	tt_svc_san(&t, "2001:db8::1", true);
	tt_svc_san(&t, "*.example.com", false);
	tt_svc_san(&t, "example.com", false);
	tt_svc_san(&t, "WWW.Example.COM.", false);
	tt_svc_san(&t, "other.net", false);
	tt_svc_san(&t, "notexample.com", false);
	tt_svc_san(&t, "a.b.example.com", false);
	text = tt_build(&t, "Example.COM.", "s",
	    tt_path("top/certs/example.com/web/db/s"), NULL, &warnings);
	ck_assert_str_eq(text, ";;\n;; tlsa example.com web s\n;;\n"
	    "_443._tcp.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n"
	    "_443._tcp.www.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n"
	    "_443._tcp.a.b.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n");
	ck_assert_uint_eq(warnings.n, 2);
	ck_assert_str_eq(warnings.v[0], "TLSA host other.net. is not in zone "
	    "example.com; no record for it (it belongs in its own zone)");
	ck_assert_ptr_nonnull(strstr(warnings.v[1], "notexample.com."));
	free(text);
	strvec_clear(&warnings);
}
END_TEST

/* MX: null MX, case, repeats, apex, out-of-zone and junk names (§3.3). */
START_TEST(mx_selection)
{
	static const char *const list[] = { "MX1.example.com.", ".",
	    "example.com.", "mx1.example.com", "mail.other.org.",
	    "bad\\032name.example.com.", "mx0.example.com.", NULL };
	struct tt_svc t;
	struct strvec mx, warnings;
	char *text;

	strvec_init(&warnings);
	tt_dataset("example.com", "mail", "s", "p256.pem");
	tt_svc_init(&t, "example.com", "mail");
	tt_svc_dane(&t, 25, "tcp", 3, 1, 1, NULL);
	tt_svc_dane(&t, 465, "tcp", 3, 1, 1, "MX");
	tt_strvec(&mx, list);
	text = tt_build(&t, "example.com", "s",
	    tt_path("top/certs/example.com/mail/db/s"), &mx, &warnings);
	/* the caller's order (preference, name) is kept */
	ck_assert_str_eq(text, ";;\n;; tlsa example.com mail s\n;;\n"
	    "_25._tcp.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n"
	    "_25._tcp.mx1.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n"
	    "_25._tcp.mx0.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n"
	    "_465._tcp.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n"
	    "_465._tcp.mx1.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n"
	    "_465._tcp.mx0.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n");
	/* each warning once, although two items met the names */
	ck_assert_uint_eq(warnings.n, 2);
	ck_assert_ptr_nonnull(strstr(warnings.v[0], "mail.other.org."));
	ck_assert_ptr_nonnull(strstr(warnings.v[1], "is not a valid host name"));
	free(text);
	strvec_clear(&mx);
	strvec_clear(&warnings);
}
END_TEST

/* No MX records (or only the null MX): the apex record and a warning. */
START_TEST(mx_none)
{
	static const char *const null_mx[] = { ".", NULL };
	struct tt_svc t;
	struct strvec mx, warnings;
	char *text;

	strvec_init(&warnings);
	tt_dataset("example.com", "mail", "s", "p256.pem");
	tt_svc_init(&t, "example.com", "mail");
	tt_svc_dane(&t, 25, "tcp", 3, 1, 1, NULL);
	for (int round = 0; round < 2; round++) {
		tt_strvec(&mx, round == 0 ? NULL : null_mx);
		text = tt_build(&t, "example.com", "s",
		    tt_path("top/certs/example.com/mail/db/s"), &mx, &warnings);
		ck_assert_str_eq(text, ";;\n;; tlsa example.com mail s\n;;\n"
		    "_25._tcp.example.com. 1800 IN TLSA 3 1 1 " P256_311 "\n");
		ck_assert_uint_eq(warnings.n, 1);
		ck_assert_str_eq(warnings.v[0], "example.com has no MX records; "
		    "TLSA for port 25 only at the apex");
		free(text);
		strvec_clear(&mx);
		strvec_clear(&warnings);
	}
}
END_TEST

/* §4/§6: an unreadable cert skips its items; no record at all leaves the
 * header and one empty line. */
START_TEST(missing_cert)
{
	struct tt_svc t;
	struct strvec warnings;
	char *text;

	strvec_init(&warnings);
	tt_dataset("example.com", "web", "s", NULL);
	tt_svc_init(&t, "example.com", "web");
	tt_svc_dane(&t, 443, "tcp", 3, 1, 1, NULL);
	tt_svc_dane(&t, 443, "tcp", 3, 0, 1, NULL);
	text = tt_build(&t, "example.com", "s",
	    tt_path("top/certs/example.com/web/db/s"), NULL, &warnings);
	ck_assert_str_eq(text, ";;\n;; tlsa example.com web s\n;;\n\n");
	ck_assert_uint_eq(warnings.n, 1);
	ck_assert_msg(str_has_prefix(warnings.v[0], "example.com tlsa : bad or "
	    "missing cert - skipping ("), "%s", warnings.v[0]);
	ck_assert_ptr_nonnull(strstr(warnings.v[0], "cert.pem"));
	free(text);
	strvec_clear(&warnings);
	/* chain.pem is still there: the usage-2 item is made */
	tt_svc_dane(&t, 443, "tcp", 2, 1, 1, NULL);
	text = tt_build(&t, "example.com", "s",
	    tt_path("top/certs/example.com/web/db/s"), NULL, &warnings);
	ck_assert_str_eq(text, ";;\n;; tlsa example.com web s\n;;\n"
	    "_443._tcp.example.com. 1800 IN TLSA 2 1 1 " CHAIN_311 "\n");
	free(text);
	strvec_clear(&warnings);
}
END_TEST

START_TEST(no_items)
{
	struct tt_svc t;
	char *text;

	tt_dataset("example.com", "web", "s", "p256.pem");
	tt_svc_init(&t, "example.com", "web");
	text = tt_build(&t, "example.com", "s",
	    tt_path("top/certs/example.com/web/db/s"), NULL, NULL);
	ck_assert_str_eq(text, ";;\n;; tlsa example.com web s\n;;\n\n");
	free(text);
}
END_TEST

static void
expect_build_error(const struct tt_svc *t, const char *apex,
    const struct strvec *mx, const char *want)
{
	struct strvec warnings;
	struct sslm_err err;
	char *cert = str_printf("%s/cert.pem", tt_path("top/certs/example.com/w/db/s"));
	char *chain = str_printf("%s/chain.pem", tt_path("top/certs/example.com/w/db/s"));
	char *text = (char *)"x";

	strvec_init(&warnings);
	sslm_err_clear(&err);
	ck_assert_int_eq(dns_tlsa_rr_build(&t->s, apex, "s", cert, chain, mx,
	    &text, &warnings, &err), -1);
	ck_assert_ptr_null(text);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
	tt_queue_empty();
	strvec_clear(&warnings);
	free(cert);
	free(chain);
}

START_TEST(build_errors)
{
	struct tt_svc t;

	tt_dataset("example.com", "w", "s", "p256.pem");
	/* an MX item without the MX look-up is a caller bug */
	tt_svc_init(&t, "example.com", "w");
	tt_svc_dane(&t, 25, "tcp", 3, 1, 1, NULL);
	expect_build_error(&t, "example.com", NULL, "were not looked up");
	/* selector/match config/ would have refused */
	tt_svc_init(&t, "example.com", "w");
	tt_svc_dane(&t, 443, "tcp", 3, 1, 7, NULL);
	expect_build_error(&t, "example.com", NULL, "matching type 7");
	tt_svc_init(&t, "example.com", "w");
	tt_svc_dane(&t, 443, "tcp", 3, 4, 1, NULL);
	expect_build_error(&t, "example.com", NULL, "selector 4");
	/* the apex goes into every owner */
	tt_svc_init(&t, "example.com", "w");
	tt_svc_dane(&t, 443, "tcp", 3, 1, 1, NULL);
	expect_build_error(&t, "", NULL, "not a valid apex");
	expect_build_error(&t, "exa mple.com", NULL, "not a valid apex");
	expect_build_error(&t, "a..b", NULL, "not a valid apex");
}
END_TEST

void
add_tlsa_rr_tests(Suite *pos, Suite *neg)
{
	TCase *tc = tcase_create("tlsa.rr");

	tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
	tcase_add_test(tc, section9_tlsa_rr);
	tcase_add_loop_test(tc, case12_records, 0, 3);
	tcase_add_test(tc, case12_sha512_single_line);
	tcase_add_test(tc, usage_picks_certificate);
	tcase_add_test(tc, explicit_subtype_wins);
	tcase_add_test(tc, san_selection);
	tcase_add_test(tc, mx_selection);
	tcase_add_test(tc, mx_none);
	tcase_add_test(tc, missing_cert);
	tcase_add_test(tc, no_items);
	suite_add_tcase(pos, tc);
	tc = tcase_create("tlsa.rr errors");
	tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
	tcase_add_test(tc, build_errors);
	suite_add_tcase(neg, tc);
}
