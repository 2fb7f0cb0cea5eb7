/*
 * Look-ups at the primary against the fake server: primary and extra
 * server lists, the SOA walk to the apex, NS names with all their
 * addresses, MX hosts. Host names given to the system resolver are only
 * "localhost" (answered from /etc/hosts), so nothing leaves the host.
 */
#include "config.h"

#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"
#include "tests/unit/test_dns.h"

static const char *const addrs[] = { "127.0.0.1", "127.0.0.2", "::1", NULL };

static struct fake *f;
static struct dns_servers prim;	/* the fake at 127.0.0.1, RD=1 */

#define SOA_REST " h.example.test. 2026120302 3600 600 1209600 300"

static void
setup(void)
{
	static const char *const zone[] = {
		"example.test. 300 IN SOA ns1.example.test." SOA_REST,
		"example.test. 300 IN NS ns1.example.test.",
		"example.test. 300 IN NS NS2.Example.Test.",
		"example.test. 300 IN NS ns3.example.test.",
		"example.test. 300 IN NS ns1.example.test.",
		"ns1.example.test. 300 IN A 127.0.0.1",
		"ns2.example.test. 300 IN AAAA ::1",
		"ns2.example.test. 300 IN A 127.0.0.2",
		"ns3.example.test. 300 IN A 127.0.0.3",
		"ns3.example.test. 300 IN A 127.0.0.4",
		"ns3.example.test. 300 IN A 127.0.0.3",
		"www.example.test. 300 IN A 192.0.2.80",
		"alias.example.test. 300 IN CNAME www.example.test.",
		"example.test. 300 IN MX 20 mx2.example.test.",
		"example.test. 300 IN MX 10 MX1.Example.Test.",
		"example.test. 300 IN MX 10 mx0.example.test.",
		"example.test. 300 IN MX 30 mx1.example.test.",
		"sub.example.test. 300 IN SOA ns1.example.test." SOA_REST,
		"nomail.test. 300 IN SOA ns1.example.test." SOA_REST,
		"nomail.test. 300 IN NS ns_gone.nomail.test.",
		"nomail.test. 300 IN NS localhost.",
		"nomail.test. 300 IN MX 0 .",
		"lonely.test. 300 IN SOA ns1.example.test." SOA_REST,
		"lonely.test. 300 IN NS ns_gone.lonely.test.",
		"nons.test. 300 IN SOA ns1.example.test." SOA_REST,
		NULL
	};

	td_fast_timing();
	f = fake_start(addrs);
	for (size_t i = 0; zone[i] != NULL; i++)
		fake_add(f, zone[i]);
	dns_servers_init(&prim);
	td_server(&prim, "127.0.0.1", "127.0.0.1", fake_port(f), true, false);
}

static void
teardown(void)
{
	fake_stop(f);
	f = NULL;
	dns_servers_clear(&prim);
	dnsq_set_timing(0, -1);
}

static int
port_of(const struct dns_server *s)
{
	if (s->addr.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&s->addr)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&s->addr)->sin_port);
}

static void
apex_is(const char *name, const char *want)
{
	struct sslm_err err;
	char *apex = NULL;

	sslm_err_clear(&err);
	ck_assert_msg(dns_find_apex(&prim, name, &apex, &err) == 0, "%s: %s",
	    name, err.msg);
	ck_assert_str_eq(apex, want);
	free(apex);
}

/* ---- primary and extra servers ---- */

START_TEST(primary_literals)
{
	struct dns_servers s;
	struct sslm_err err;

	dns_servers_init(&s);
	ck_assert_int_eq(dns_primary_servers("127.0.0.1", 5353, &s, &err), 0);
	ck_assert_int_eq(dns_primary_servers("::1", 53, &s, &err), 0);
	ck_assert_int_eq(dns_primary_servers("localhost", 54, &s, &err), 0);
	ck_assert_uint_ge(s.n, 3);
	ck_assert_str_eq(s.v[0].key, "127.0.0.1 (127.0.0.1)");
	ck_assert_str_eq(s.v[0].name, "127.0.0.1");
	ck_assert(s.v[0].rd && !s.v[0].need_aa);
	ck_assert_int_eq(port_of(&s.v[0]), 5353);
	ck_assert_str_eq(s.v[1].key, "::1 (::1)");
	ck_assert_int_eq(port_of(&s.v[1]), 53);
	ck_assert_str_eq(s.v[2].key, "localhost (127.0.0.1)");
	ck_assert_int_eq(port_of(&s.v[2]), 54);
	dns_servers_clear(&s);
	ck_assert_uint_eq(s.n, 0);
	dns_servers_clear(&s);
}
END_TEST

START_TEST(primary_bad)
{
	struct dns_servers s;
	struct sslm_err err;

	dns_servers_init(&s);
	ck_assert_int_eq(dns_primary_servers("127.0.0.1", 0, &s, &err), -1);
	ck_assert_str_eq(err.msg, "DNS primary 127.0.0.1: port 0 is not in "
	    "1-65535");
	ck_assert_int_eq(dns_primary_servers("", 53, &s, &err), -1);
	ck_assert_str_eq(err.msg, "DNS primary: no server given (set server in "
	    "[[dns_primary]])");
	ck_assert_int_eq(dns_primary_servers(NULL, 53, &s, &err), -1);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(extra_dedup)
{
	static const char *const in[] = { "127.0.0.1", "127.0.0.5", "::1",
	    "127.0.0.5", "::0001", NULL };
	struct dns_servers auth, x;
	struct strvec e;
	struct sslm_err err;

	dns_servers_init(&auth);
	dns_servers_init(&x);
	strvec_init(&e);
	for (size_t i = 0; in[i] != NULL; i++)
		strvec_push(&e, in[i]);
	td_server(&auth, "ns1.example.test.", "127.0.0.1", 53, false, true);
	ck_assert_int_eq(dns_extra_servers(&e, 5300, &auth, &x, &err), 0);
	ck_assert_uint_eq(x.n, 2);
	ck_assert_str_eq(x.v[0].key, "127.0.0.5 (127.0.0.5)");
	ck_assert_str_eq(x.v[1].key, "::1 (::1)");
	ck_assert(x.v[0].rd && !x.v[0].need_aa);
	ck_assert_int_eq(port_of(&x.v[1]), 5300);
	ck_assert_int_eq(dns_extra_servers(&e, 70000, &auth, &x, &err), -1);
	ck_assert_str_eq(err.msg, "extra name servers: port 70000 is not in "
	    "1-65535");
	dns_servers_clear(&auth);
	dns_servers_clear(&x);
	strvec_clear(&e);
}
END_TEST

/* ---- the apex ---- */

START_TEST(apex_found)
{
	apex_is("example.test", "example.test");		/* SOA answer */
	apex_is("Example.TEST.", "example.test");		/* lower case */
	apex_is("ns1.example.test", "example.test");		/* NODATA */
	apex_is("no.such.example.test", "example.test");	/* NXDOMAIN */
	apex_is("x.sub.example.test", "sub.example.test");	/* child zone */
	apex_is("alias.example.test", "example.test");		/* CNAME */
}
END_TEST

START_TEST(apex_walk_up)
{
	/* Negative answers without SOA: the walk drops labels until the
	 * SOA comes in the answer. */
	fake_set_no_soa(f, "127.0.0.1", true);
	apex_is("a.b.www.example.test", "example.test");
	ck_assert_int_eq(fake_queries(f, "127.0.0.1"), 4);
}
END_TEST

START_TEST(apex_primary_second_address)
{
	struct dns_servers two;
	char *apex = NULL;
	struct sslm_err err;

	/* The first address is silent; the second answers. */
	dns_servers_init(&two);
	td_server(&two, "p", "127.0.0.2", fake_port(f), true, false);
	td_server(&two, "p", "127.0.0.1", fake_port(f), true, false);
	fake_set_mode(f, "127.0.0.2", FAKE_SILENT);
	ck_assert_int_eq(dns_find_apex(&two, "www.example.test", &apex, &err), 0);
	ck_assert_str_eq(apex, "example.test");
	free(apex);
	dns_servers_clear(&two);
}
END_TEST

START_TEST(apex_errors)
{
	struct sslm_err err;
	char *apex = NULL;

	ck_assert_int_eq(dns_find_apex(&prim, "foo.other", &apex, &err), -1);
	ck_assert_ptr_null(apex);
	ck_assert_str_eq(err.msg, "cannot find the zone of foo.other: SOA query "
	    "at the primary failed (127.0.0.1 (127.0.0.1) refused)");
	ck_assert_int_eq(dns_find_apex(&prim, "", &apex, &err), -1);
	ck_assert_str_eq(err.msg, "cannot find the zone of '': not a valid "
	    "domain name");
	ck_assert_int_eq(dns_find_apex(&prim, "a..b", &apex, &err), -1);
	fake_set_mode(f, "127.0.0.1", FAKE_SILENT);
	ck_assert_int_eq(dns_find_apex(&prim, "example.test", &apex, &err), -1);
	ck_assert_str_eq(err.msg, "cannot find the zone of example.test: SOA "
	    "query at the primary failed (127.0.0.1 (127.0.0.1) timeout)");
}
END_TEST

/* ---- authoritative servers ---- */

START_TEST(auth_all_addresses)
{
	static const char *const keys[] = {
		"ns1.example.test. (127.0.0.1)",
		"ns2.example.test. (127.0.0.2)",
		"ns2.example.test. (::1)",
		"ns3.example.test. (127.0.0.3)",
		"ns3.example.test. (127.0.0.4)",
	};
	struct dns_servers s;
	struct strvec w;
	struct sslm_err err;

	dns_servers_init(&s);
	strvec_init(&w);
	ck_assert_int_eq(dns_auth_servers(&prim, "example.test", fake_port(f),
	    &s, &w, &err), 0);
	ck_assert_uint_eq(s.n, 5);
	for (size_t i = 0; i < s.n; i++) {
		ck_assert_str_eq(s.v[i].key, keys[i]);
		ck_assert(!s.v[i].rd && s.v[i].need_aa);
		ck_assert_int_eq(port_of(&s.v[i]), fake_port(f));
	}
	ck_assert_str_eq(s.v[1].name, "ns2.example.test.");
	ck_assert_uint_eq(w.n, 0);
	dns_servers_clear(&s);
	strvec_clear(&w);
}
END_TEST

START_TEST(auth_no_address_and_fallback)
{
	struct dns_servers s;
	struct strvec w;
	struct sslm_err err;

	dns_servers_init(&s);
	strvec_init(&w);
	ck_assert_int_eq(dns_auth_servers(&prim, "nomail.test", 5301, &s, &w,
	    &err), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.v[0].key, "ns_gone.nomail.test. (no address)");
	ck_assert_int_eq(s.v[0].addrlen, 0);
	/* "localhost." is not in the fake's zones: /etc/hosts answers. */
	ck_assert_str_eq(s.v[1].key, "localhost. (127.0.0.1)");
	ck_assert_int_eq(port_of(&s.v[1]), 5301);
	ck_assert_uint_eq(w.n, 1);
	ck_assert_str_eq(w.v[0], "name server ns_gone.nomail.test. has no "
	    "address (no A or AAAA at the primary, none from the system "
	    "resolver); it can never agree");
	dns_servers_clear(&s);
	strvec_clear(&w);
}
END_TEST

START_TEST(auth_errors)
{
	struct dns_servers s;
	struct strvec w;
	struct sslm_err err;

	dns_servers_init(&s);
	strvec_init(&w);
	ck_assert_int_eq(dns_auth_servers(&prim, "lonely.test", 53, &s, &w,
	    &err), -1);
	ck_assert_str_eq(err.msg, "no authoritative name server of lonely.test "
	    "has an address");
	ck_assert_uint_eq(s.n, 0);
	ck_assert_int_eq(dns_auth_servers(&prim, "nons.test", 53, &s, &w,
	    &err), -1);
	ck_assert_str_eq(err.msg, "unable to get authoritative name servers for "
	    "nons.test: no NS records at the primary");
	ck_assert_int_eq(dns_auth_servers(&prim, "gone.example.test", 53, &s,
	    &w, &err), -1);
	ck_assert_str_eq(err.msg, "unable to get authoritative name servers for "
	    "gone.example.test: the primary says it does not exist (nxdomain)");
	fake_set_mode(f, "127.0.0.1", FAKE_REFUSED);
	ck_assert_int_eq(dns_auth_servers(&prim, "example.test", 53, &s, &w,
	    &err), -1);
	ck_assert_str_eq(err.msg, "unable to get authoritative name servers for "
	    "example.test: 127.0.0.1 (127.0.0.1) refused");
	ck_assert_int_eq(dns_auth_servers(&prim, "example.test", 0, &s, &w,
	    &err), -1);
	ck_assert_uint_eq(s.n, 0);
	dns_servers_clear(&s);
	strvec_clear(&w);
}
END_TEST

/* ---- MX ---- */

START_TEST(mx_sorted)
{
	struct strvec h;
	struct sslm_err err;

	strvec_init(&h);
	ck_assert_int_eq(dns_mx_hosts(&prim, "example.test", &h, &err), 0);
	ck_assert_uint_eq(h.n, 3);
	ck_assert_str_eq(h.v[0], "mx0.example.test.");
	ck_assert_str_eq(h.v[1], "mx1.example.test.");
	ck_assert_str_eq(h.v[2], "mx2.example.test.");
	strvec_clear(&h);
	/* Null MX and no MX at all: empty, not an error. */
	ck_assert_int_eq(dns_mx_hosts(&prim, "nomail.test", &h, &err), 0);
	ck_assert_uint_eq(h.n, 0);
	ck_assert_int_eq(dns_mx_hosts(&prim, "lonely.test.", &h, &err), 0);
	ck_assert_uint_eq(h.n, 0);
	strvec_clear(&h);
}
END_TEST

START_TEST(mx_failed)
{
	struct strvec h;
	struct sslm_err err;

	strvec_init(&h);
	ck_assert_int_eq(dns_mx_hosts(&prim, "gone.example.test", &h, &err), -1);
	ck_assert_str_eq(err.msg, "MX look-up of gone.example.test at the "
	    "primary failed: nxdomain");
	fake_set_mode(f, "127.0.0.1", FAKE_SERVFAIL);
	ck_assert_int_eq(dns_mx_hosts(&prim, "example.test", &h, &err), -1);
	ck_assert_str_eq(err.msg, "MX look-up of example.test at the primary "
	    "failed: 127.0.0.1 (127.0.0.1) servfail");
	ck_assert_uint_eq(h.n, 0);
	strvec_clear(&h);
}
END_TEST

Suite *
dns_lookup_suite(void)
{
	Suite *s = suite_create("dns_lookup");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_set_timeout(pos, 20);
	tcase_set_timeout(neg, 20);
	tcase_add_test(pos, primary_literals);
	tcase_add_test(pos, extra_dedup);
	tcase_add_test(pos, apex_found);
	tcase_add_test(pos, apex_walk_up);
	tcase_add_test(pos, apex_primary_second_address);
	tcase_add_test(pos, auth_all_addresses);
	tcase_add_test(pos, auth_no_address_and_fallback);
	tcase_add_test(pos, mx_sorted);
	tcase_add_test(neg, primary_bad);
	tcase_add_test(neg, apex_errors);
	tcase_add_test(neg, auth_errors);
	tcase_add_test(neg, mx_failed);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
