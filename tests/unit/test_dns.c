/*
 * Runner for the dns/ unit tests (queries and the agreement wait), shared
 * helpers, and the suites that need no network: RFC 1982 serial arithmetic
 * and answer matching (field case 04). The fake server is in
 * test_dns_fake.c; the network suites in test_dns_{query,lookup,wait}.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"
#include "tests/unit/test_dns.h"

/* ---- helpers ------------------------------------------------------------ */

void
td_server(struct dns_servers *s, const char *name, const char *addr, int port,
    bool rd, bool need_aa)
{
	struct sockaddr_storage ss;
	socklen_t len;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		ck_assert(inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		ck_assert(inet_pton(AF_INET, addr, &s4->sin_addr) == 1);
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		len = sizeof(*s4);
	}
	ck_assert_int_eq(ns_servers_add(s, name, (struct sockaddr *)&ss, len, rd,
	    need_aa), 0);
}

void
td_collect(const char *line, void *arg)
{
	ck_assert_int_eq(strvec_push((struct strvec *)arg, line), 0);
}

void
td_expect(struct dns_expect *e, const char *owner, enum dns_rrtype t,
    const char *const *values)
{
	memset(e, 0, sizeof(*e));
	e->owner = str_dup(owner);
	e->type = t;
	strvec_init(&e->values);
	for (size_t i = 0; values[i] != NULL; i++)
		ck_assert_int_eq(strvec_push(&e->values, values[i]), 0);
}

void
td_fast_timing(void)
{
	/* 250 ms per attempt, one retry: a silent server costs 0.5 s. */
	dnsq_set_timing(250, 1);
}

/* ---- serial arithmetic (RFC 1982) --------------------------------------- */

START_TEST(serial_order)
{
	ck_assert_int_eq(dns_serial_cmp(5, 5), 0);
	ck_assert_int_lt(dns_serial_cmp(2026120301, 2026120302), 0);
	ck_assert_int_gt(dns_serial_cmp(2026120302, 2026120301), 0);
	/* RFC 1982 §3.2 / §5: adding up to 2^31-1 gives a newer serial. */
	ck_assert_int_lt(dns_serial_cmp(0, 0x7fffffffu), 0);
	ck_assert_int_gt(dns_serial_cmp(0x7fffffffu, 0), 0);
	ck_assert_int_gt(dns_serial_cmp(0, 0x80000001u), 0);
	ck_assert_int_lt(dns_serial_cmp(0x80000001u, 0), 0);
}
END_TEST

START_TEST(serial_wrap)
{
	/* Wrap-around: 0 follows 4294967295, 100 follows 4294967200. */
	ck_assert_int_lt(dns_serial_cmp(0xffffffffu, 0), 0);
	ck_assert_int_gt(dns_serial_cmp(0, 0xffffffffu), 0);
	ck_assert_int_lt(dns_serial_cmp(4294967200u, 100), 0);
	ck_assert_int_gt(dns_serial_cmp(100, 4294967200u), 0);
}
END_TEST

START_TEST(serial_undefined)
{
	/* Exactly 2^31 apart is undefined (RFC 1982 §3.2): never "older",
	 * so no lag is claimed on a guess. */
	ck_assert_int_gt(dns_serial_cmp(0, 0x80000000u), 0);
	ck_assert_int_gt(dns_serial_cmp(0x80000000u, 0), 0);
}
END_TEST

Suite *
dns_serial_suite(void)
{
	Suite *s = suite_create("dns_serial");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_test(pos, serial_order);
	tcase_add_test(pos, serial_wrap);
	tcase_add_test(neg, serial_undefined);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dns_serial_suite());
	int failed;

	srunner_add_suite(sr, dns_match_suite());
	srunner_add_suite(sr, dns_query_suite());
	srunner_add_suite(sr, dns_lookup_suite());
	srunner_add_suite(sr, dns_wait_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
