/*
 * dns_tlsa_parse (tlsa.md §5 spellings, for the roll gate §8.1) and the
 * change digest dns_tlsa_digest (tlsa.md §7.2).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "test_tlsa.h"

#define SHA512_SPKI1 \
	"8a37beba0d07cee5042b1ca25c8d539b75da8909574c2a16e3338bda0736bb81" \
	"a6f3e31e0f245f719a51dc652f408a200c3e5ed0b3fc9e9a42c3827eb29797b1"

static void
free_exp(struct dns_expect *exp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(exp[i].owner);
		strvec_clear(&exp[i].values);
	}
	free(exp);
}

static struct dns_expect *
parse_ok(const char *text, size_t *n)
{
	struct dns_expect *exp = NULL;
	struct sslm_err err;

	sslm_err_clear(&err);
	ck_assert_msg(dns_tlsa_parse(text, &exp, n, &err) == 0, "%s", err.msg);
	return exp;
}

static void
expect_one(const struct dns_expect *e, const char *owner, const char *value)
{
	ck_assert_str_eq(e->owner, owner);
	ck_assert_int_eq(e->type, DNS_RR_TLSA);
	ck_assert_uint_eq(e->values.n, 1);
	ck_assert_str_eq(e->values.v[0], value);
}

/* The C, 7.x (two spaces) and 5.4.0 (no TTL) single-line spellings, and
 * class/TTL in the other order, all read alike. */
START_TEST(parse_spellings)
{
	static const char *const lines[] = {
		"_25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n",
		"_25._tcp.example.com. 1800  IN TLSA 3 1 1 " KEY1_311 "\n",
		"_25._tcp.example.com. IN TLSA 3 1 1 " KEY1_311,
		"_25._tcp.Example.COM.\tIN\t1800\ttlsa\t3 1 1 " KEY1_311 "\r\n",
		"  _25._tcp.example.com. TLSA 3 1 1 253CF962429C4E6BC1716172DB63FEC4"
		    " 009AFCF41B9B9B4F6DA2FBDC7E99E246 ; a comment\n",
	};
	size_t n;
	struct dns_expect *exp;

	exp = parse_ok(lines[_i], &n);
	ck_assert_uint_eq(n, 1);
	expect_one(&exp[0], "_25._tcp.example.com.", "3 1 1 " KEY1_311);
	free_exp(exp, n);
}
END_TEST

/* §5.3: the originals' wrapped form (the example printed there). */
START_TEST(parse_wrapped)
{
	const char *text =
	    ";;\n;; tlsa example.com mail-ec 20250101-10:00:00\n;;\n"
	    "_25._tcp.example.com. IN TLSA ( 3 1 2\n"
	    "                    8a37beba0d07cee5042b1ca25c8d539b75da8909574c2a16e3338bda0736bb81a6f3e31e\n"
	    "                    0f245f719a51dc652f408a200c3e5ed0b3fc9e9a42c3827eb29797b1 )\n"
	    "_25._tcp.mail.example.com. 1800  IN TLSA ( 3 1 2\n"
	    "                    8a37beba0d07cee5042b1ca25c8d539b75da8909574c2a16e3338bda0736bb81a6f3e31e\n"
	    "                    0f245f719a51dc652f408a200c3e5ed0b3fc9e9a42c3827eb29797b1 )\n";
	size_t n;
	struct dns_expect *exp = parse_ok(text, &n);

	ck_assert_uint_eq(n, 2);
	expect_one(&exp[0], "_25._tcp.example.com.", "3 1 2 " SHA512_SPKI1);
	expect_one(&exp[1], "_25._tcp.mail.example.com.", "3 1 2 " SHA512_SPKI1);
	free_exp(exp, n);
}
END_TEST

/* An aggregate: grouped by owner in order of appearance, commented
 * duplicates and headers skipped, repeats within an owner dropped. */
START_TEST(parse_aggregate)
{
	const char *text =
	    ";;\n;; TLSA example.com : phase = normal\n;;\n"
	    ";;\n;; mail-ec curr\n;;\n"
	    "_25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.mx2.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    ";;\n;; mail-ec next\n;;\n"
	    "_25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY2_311 "\n"
	    ";; _25._tcp.mx2.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.example.com. 3600 IN TLSA 3 1 1 " KEY2_311 "\n"
	    "_25._tcp.mx2.example.com. 1800 IN TLSA 3 1 1 " KEY2_311 "\n"
	    "\n";
	size_t n;
	struct dns_expect *exp = parse_ok(text, &n);

	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(exp[0].owner, "_25._tcp.example.com.");
	ck_assert_uint_eq(exp[0].values.n, 2);
	ck_assert_str_eq(exp[0].values.v[0], "3 1 1 " KEY1_311);
	ck_assert_str_eq(exp[0].values.v[1], "3 1 1 " KEY2_311);
	ck_assert_str_eq(exp[1].owner, "_25._tcp.mx2.example.com.");
	ck_assert_uint_eq(exp[1].values.n, 2);
	free_exp(exp, n);
}
END_TEST

START_TEST(parse_empty)
{
	size_t n = 7;
	struct dns_expect *exp = parse_ok(";;\n;; tlsa a b c\n;;\n\n", &n);

	ck_assert_ptr_null(exp);
	ck_assert_uint_eq(n, 0);
	exp = parse_ok("", &n);
	ck_assert_ptr_null(exp);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(parse_errors)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "_25._tcp.example.com. 1800 IN A 192.0.2.1\n", "line 1: not a TLSA record" },
		{ ";;\n_25._tcp.example.com. 1800 IN TLSA 3 1 1 xyz\n", "line 2: data is not hexadecimal" },
		{ "_25._tcp.example.com. IN TLSA 3 1 1 abc\n", "odd number" },
		{ "_25._tcp.example.com. IN TLSA 3 1 1 abcd\n", "SHA-256 data must be 64 hex digits, not 4" },
		{ "_25._tcp.example.com. IN TLSA 3 1 2 " KEY1_311 "\n", "SHA-512 data must be 128" },
		{ "_25._tcp.example.com IN TLSA 3 1 1 " KEY1_311 "\n", "does not end in a dot" },
		{ "_25._tcp.example.com. IN TLSA 3 1\n", "too few fields" },
		{ "_25._tcp.example.com. IN TLSA 256 1 1 " KEY1_311 "\n", "numbers 0-255" },
		{ "_25._tcp.example.com. IN TLSA x 1 1 " KEY1_311 "\n", "numbers 0-255" },
		{ "_25._tcp.ex\"ample.com. IN TLSA 3 1 1 " KEY1_311 "\n", "bad owner name" },
		{ "$ORIGIN example.com.\n", "bad owner name" },
		{ "_25._tcp.example.com. IN TLSA ( 3 1 2\n  abcd\n", "SHA-512 data must be 128" },
	};
	struct dns_expect *exp = (struct dns_expect *)1;
	struct sslm_err err;
	size_t n = 9;

	sslm_err_clear(&err);
	ck_assert_int_eq(dns_tlsa_parse(bad[_i].text, &exp, &n, &err), -1);
	ck_assert_ptr_null(exp);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(err.msg, bad[_i].want) != NULL, "%s", err.msg);
}
END_TEST

/* An error after good records frees what was built (ASan/valgrind). */
START_TEST(parse_error_after_records)
{
	struct dns_expect *exp = NULL;
	struct sslm_err err;
	size_t n = 0;

	ck_assert_int_eq(dns_tlsa_parse(
	    "_25._tcp.example.com. IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.mx.example.com. IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.example.com. IN TLSA 3 1 1 " KEY2_311 "\n"
	    "junk\n", &exp, &n, &err), -1);
	ck_assert_ptr_null(exp);
	ck_assert_str_eq(err.msg, "TLSA record on line 4: not a TLSA record");
}
END_TEST

/*
 * The digest of the §9.3 aggregate, computed once with
 *   grep -v '^;' tlsa.example.com | grep -v '^$' | sha256sum
 * (its lines have no extra white space, so that is the §7.2 input).
 */
#define S93_AGG_DIGEST \
	"8819254e69ca6b5253364f357268f0976525c0e6b20d96e7ea1df61f96d93191"

START_TEST(digest_rules)
{
	const char *c_form =
	    ";;\n;; TLSA example.com : phase = normal\n;;\n"
	    "_25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n\n";
	const char *x7_form =
	    "_25._tcp.example.com. 1800  IN TLSA 3 1 1 " KEY1_311 "\n";
	const char *spaced =
	    "\n  ; other comment\n\t_25._tcp.example.com.\t1800   IN TLSA 3 1 1 "
	    KEY1_311 "  \r\n;; _25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY2_311
	    "\n;;\n;; TLSA example.com : phase = roll next to curr\n";
	char a[65], b[65], c[65], d[65];

	ck_assert_int_eq(dns_tlsa_digest(c_form, a), 0);
	ck_assert_int_eq(dns_tlsa_digest(x7_form, b), 0);
	ck_assert_int_eq(dns_tlsa_digest(spaced, c), 0);
	ck_assert_uint_eq(strlen(a), 64);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, c);
	/* another record: another digest */
	ck_assert_int_eq(dns_tlsa_digest(
	    "_25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY2_311 "\n", d), 0);
	ck_assert_str_ne(a, d);
	/* the same record with another TTL counts as a change */
	ck_assert_int_eq(dns_tlsa_digest(
	    "_25._tcp.example.com. IN TLSA 3 1 1 " KEY1_311 "\n", d), 0);
	ck_assert_str_ne(a, d);
	/* only comments / nothing: no digest */
	ck_assert_int_eq(dns_tlsa_digest(";;\n;; TLSA x : phase = normal\n;;\n\n",
	    d), 0);
	ck_assert_str_eq(d, "");
	ck_assert_int_eq(dns_tlsa_digest("", d), 0);
	ck_assert_str_eq(d, "");
	/* a known value: SHA-256 of the record line and its newline */
	ck_assert_int_eq(dns_tlsa_digest(
	    ";;\n;; TLSA example.com : phase = normal\n;;\n;;\n;; mail-ec curr\n;;\n"
	    "_25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.mail.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    "_25._tcp.mx2.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n"
	    ";;\n;; mail-ec next\n;;\n"
	    "_25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY2_311 "\n"
	    "_25._tcp.mail.example.com. 1800 IN TLSA 3 1 1 " KEY2_311 "\n"
	    "_25._tcp.mx2.example.com. 1800 IN TLSA 3 1 1 " KEY2_311 "\n\n", d), 0);
	ck_assert_str_eq(d, S93_AGG_DIGEST);
}
END_TEST

void
add_tlsa_parse_tests(Suite *pos, Suite *neg)
{
	TCase *tc = tcase_create("parse and digest");

	tcase_add_loop_test(tc, parse_spellings, 0, 5);
	tcase_add_test(tc, parse_wrapped);
	tcase_add_test(tc, parse_aggregate);
	tcase_add_test(tc, parse_empty);
	tcase_add_test(tc, digest_rules);
	suite_add_tcase(pos, tc);
	tc = tcase_create("parse errors");
	tcase_add_loop_test(tc, parse_errors, 0, 12);
	tcase_add_test(tc, parse_error_after_records);
	suite_add_tcase(neg, tc);
}
