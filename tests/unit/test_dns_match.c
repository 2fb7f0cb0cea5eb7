/*
 * Answer matching without the network: TXT whole-value matching (field
 * case 04, values copied from ../shared/cases/04-txt-multistring.zone),
 * TLSA fields and hex, SOA serials, reasons, sanitising.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"
#include "tests/unit/test_dns.h"

#define OWNER	"_acme-challenge.example.test."
#define VALUE1	"gnnsATDD0BUUIA6jyVu4Zk6o7Fmq-D1ghLHrQ7tEkGM"
#define VALUE2	"4MZD1B6xYpTeZEdPSVFCKndiwXpMU1tsMcQQLTXnvdI"
#define NOTE50	"note-note-note-note-note-note-note-note-note-note-"
#define TLSA_HEX "dfa7326808c55dd482272b472b33f57af94f073239b35de8aaebf0c7438314be"

static ldns_pkt *
pkt_with(const char *const *rrs)
{
	ldns_pkt *p = ldns_pkt_new();

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; rrs[i] != NULL; i++) {
		ldns_rr *rr = NULL;

		ck_assert_msg(ldns_rr_new_frm_str(&rr, rrs[i], 60, NULL, NULL) ==
		    LDNS_STATUS_OK, "bad record %s", rrs[i]);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	return p;
}

static bool
has(const ldns_pkt *p, const char *owner, enum dns_rrtype t, const char *v)
{
	ldns_rdf *o = ldns_dname_new_frm_str(owner);
	bool r;

	ck_assert_ptr_nonnull(o);
	r = ns_answer_has(p, o, t, v);
	ldns_rdf_deep_free(o);
	return r;
}

/* The three records of case 04 at _acme-challenge, plus _persist. */
static ldns_pkt *
case04(void)
{
	static const char *const rrs[] = {
		OWNER " 60 IN TXT \"gnnsATDD0BUUIA6jyVu4Zk6o7Fmq\" \"-D1ghLHrQ7tEkGM\"",
		OWNER " 60 IN TXT \"x" VALUE2 "x\"",
		OWNER " 60 IN TXT \"" NOTE50 NOTE50 NOTE50 NOTE50 NOTE50
		    "note-\" \"tail-tail-tail-tail-tail-tail-tail-tail-tail-\"",
		"_persist.example.test. 60 IN TXT \"letsencrypt.org; accounturi="
		    "https://acme-staging-v02.api.letsencrypt.org/acme\" "
		    "\"/acct/1234567890; policy=wildcard\"",
		NULL
	};

	return pkt_with(rrs);
}

START_TEST(txt_joined_strings_match)
{
	ldns_pkt *p = case04();

	ck_assert(has(p, OWNER, DNS_RR_TXT, VALUE1));
	/* Owner names compare case-insensitively, values do not. */
	ck_assert(has(p, "_ACME-Challenge.Example.TEST.", DNS_RR_TXT, VALUE1));
	ck_assert(has(p, "_persist.example.test.", DNS_RR_TXT,
	    "letsencrypt.org; accounturi=https://acme-staging-v02.api."
	    "letsencrypt.org/acme/acct/1234567890; policy=wildcard"));
	ck_assert(has(p, OWNER, DNS_RR_TXT, NOTE50 NOTE50 NOTE50 NOTE50 NOTE50
	    "note-tail-tail-tail-tail-tail-tail-tail-tail-tail-"));
	ldns_pkt_free(p);
}
END_TEST

START_TEST(txt_substring_no_match)
{
	ldns_pkt *p = case04();

	/* Only contained in a longer value: absent (case 04 value 2). */
	ck_assert(!has(p, OWNER, DNS_RR_TXT, VALUE2));
	/* One string of a split record is not the value. */
	ck_assert(!has(p, OWNER, DNS_RR_TXT, "gnnsATDD0BUUIA6jyVu4Zk6o7Fmq"));
	ck_assert(!has(p, OWNER, DNS_RR_TXT, "-D1ghLHrQ7tEkGM"));
	/* The text form with quotes is not the value either. */
	ck_assert(!has(p, OWNER, DNS_RR_TXT,
	    "gnnsATDD0BUUIA6jyVu4Zk6o7Fmq\" \"-D1ghLHrQ7tEkGM"));
	ck_assert(!has(p, OWNER, DNS_RR_TXT, "gnnsatdd0buuia6jyvu4zk6o7fmq-"
	    "d1ghlhrq7tekgm"));
	ck_assert(!has(p, OWNER, DNS_RR_TXT, ""));
	/* A value at another owner does not count here. */
	ck_assert(!has(p, "www.example.test.", DNS_RR_TXT, VALUE1));
	ck_assert(!has(p, OWNER, DNS_RR_TLSA, VALUE1));
	ldns_pkt_free(p);
}
END_TEST

START_TEST(tlsa_match)
{
	static const char *const rrs[] = {
		"_25._tcp.mail.example.com. 3600 IN TLSA 3 1 1 " TLSA_HEX,
		"_25._tcp.mail.example.com. 3600 IN TXT \"3 1 1 00\"",
		NULL
	};
	ldns_pkt *p = pkt_with(rrs);
	char upper[80];

	for (size_t i = 0; i <= strlen(TLSA_HEX); i++)
		upper[i] = (char)(TLSA_HEX[i] >= 'a' && TLSA_HEX[i] <= 'f' ?
		    TLSA_HEX[i] - 32 : TLSA_HEX[i]);
	ck_assert(has(p, "_25._tcp.mail.example.com.", DNS_RR_TLSA,
	    "3 1 1 " TLSA_HEX));
	{
		char v[100];

		snprintf(v, sizeof(v), "3 1 1 %s", upper);
		ck_assert(has(p, "_25._tcp.mail.example.com.", DNS_RR_TLSA, v));
		snprintf(v, sizeof(v), "3  1\t1 %.32s %s", TLSA_HEX,
		    TLSA_HEX + 32);
		ck_assert(has(p, "_25._tcp.mail.example.com.", DNS_RR_TLSA, v));
	}
	ldns_pkt_free(p);
}
END_TEST

START_TEST(tlsa_no_match)
{
	static const char *const rrs[] = {
		"_25._tcp.mail.example.com. 3600 IN TLSA 3 1 1 " TLSA_HEX,
		NULL
	};
	ldns_pkt *p = pkt_with(rrs);
	const char *o = "_25._tcp.mail.example.com.";

	ck_assert(!has(p, o, DNS_RR_TLSA, "2 1 1 " TLSA_HEX));
	ck_assert(!has(p, o, DNS_RR_TLSA, "3 0 1 " TLSA_HEX));
	ck_assert(!has(p, o, DNS_RR_TLSA, "3 1 2 " TLSA_HEX));
	ck_assert(!has(p, o, DNS_RR_TLSA, "3 1 1 " TLSA_HEX "00"));
	ck_assert(!has(p, o, DNS_RR_TLSA, "3 1 1 " TLSA_HEX "0"));
	ck_assert(!has(p, o, DNS_RR_TLSA, "3 1 1 dfa7"));
	ck_assert(!has(p, o, DNS_RR_TLSA, "3 1 1 zz"));
	ck_assert(!has(p, o, DNS_RR_TLSA, "3 1 1"));
	ck_assert(!has(p, o, DNS_RR_TLSA, ""));
	ck_assert(!has(p, o, DNS_RR_TLSA, "256 1 1 " TLSA_HEX));
	ck_assert(!has(p, o, DNS_RR_TLSA, "x 1 1 " TLSA_HEX));
	ck_assert(!has(p, "_443._tcp.mail.example.com.", DNS_RR_TLSA,
	    "3 1 1 " TLSA_HEX));
	ldns_pkt_free(p);
}
END_TEST

START_TEST(soa_serial)
{
	static const char *const rrs[] = {
		"example.test. 300 IN SOA ns1.example.test. h.example.test. "
		    "2026120302 3600 600 1209600 300",
		NULL
	};
	ldns_pkt *p = pkt_with(rrs);
	ldns_rdf *apex = ldns_dname_new_frm_str("example.test.");
	ldns_rdf *other = ldns_dname_new_frm_str("other.test.");
	uint32_t s = 0;

	ck_assert(ns_answer_serial(p, apex, &s));
	ck_assert_uint_eq(s, 2026120302u);
	ck_assert(!ns_answer_serial(p, other, &s));
	ldns_rdf_deep_free(apex);
	ldns_rdf_deep_free(other);
	ldns_pkt_free(p);
}
END_TEST

START_TEST(reason_words)
{
	char b[32];
	struct dnsq q;

	ns_reason_text(NSR_RCODE, LDNS_RCODE_FORMERR, b, sizeof(b));
	ck_assert_str_eq(b, "formerr");
	ns_reason_text(NSR_NOTAUTH, 0, b, sizeof(b));
	ck_assert_str_eq(b, "not authoritative");
	ns_reason_text(NSR_RCODE, 15, b, sizeof(b));
	ck_assert_str_eq(b, "rcode 15");
	dnsq_init(&q, NULL, 0, "x.", LDNS_RR_TYPE_TXT, false);
	q.outcome = DNSQ_ANSWER;
	q.rcode = LDNS_RCODE_NOERROR;
	ck_assert_int_eq(ns_query_reason(&q, true), NSR_NOTAUTH);
	ck_assert_int_eq(ns_query_reason(&q, false), NSR_OK);
	q.rcode = LDNS_RCODE_NXDOMAIN;
	ck_assert_int_eq(ns_query_reason(&q, true), NSR_NXDOMAIN);
	q.outcome = DNSQ_UNREACHABLE;
	ck_assert_int_eq(ns_query_reason(&q, true), NSR_UNREACHABLE);
	q.outcome = DNSQ_NETERR;
	ck_assert_int_eq(ns_query_reason(&q, true), NSR_NETERR);
}
END_TEST

START_TEST(sanitize_escapes)
{
	char *s = ns_sanitize("ns1.\x01\x1b[31mevil\\\xff.");

	ck_assert_str_eq(s, "ns1.\\x01\\x1b[31mevil\\x5c\\xff.");
	free(s);
	s = ns_sanitize(NULL);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(drop_unreachable_keeps_last)
{
	struct dns_servers d;
	struct ns_srv sv[4];
	struct ns_round r = { .have_ref = true, .ref = 10 };
	char *t;

	/* ns1 has two addresses, both unreachable: one stays. ns2's only
	 * address stays too. ns1's reachable third address is untouched. */
	dns_servers_init(&d);
	td_server(&d, "ns1.", "127.0.0.1", 53, false, true);
	td_server(&d, "ns1.", "127.0.0.2", 53, false, true);
	td_server(&d, "ns2.", "127.0.0.3", 53, false, true);
	td_server(&d, "ns1.", "::1", 53, false, true);
	for (size_t i = 0; i < 4; i++) {
		ns_srv_init(&sv[i], &d.v[i], false);
		sv[i].reason = i < 3 ? NSR_UNREACHABLE : NSR_TIMEOUT;
		sv[i].asked = true;
	}
	ck_assert_uint_eq(ns_drop_unreachable(sv, 4), 2);
	ck_assert(sv[0].dropped && sv[1].dropped);
	ck_assert(!sv[2].dropped && !sv[3].dropped);
	ck_assert_uint_eq(ns_drop_unreachable(sv, 4), 0);
	t = ns_srv_lag_text(&sv[2], &r);
	ck_assert_str_eq(t, "ns2. (127.0.0.3) unreachable");
	free(t);
	/* An older serial is added; an equal or newer one is not. */
	sv[3].have_serial = true;
	sv[3].serial = 0xfffffff0u;
	t = ns_srv_lag_text(&sv[3], &r);
	ck_assert_str_eq(t, "ns1. (::1) timeout, serial 4294967280 < 10");
	free(t);
	sv[3].serial = 11;
	t = ns_srv_lag_text(&sv[3], &r);
	ck_assert_str_eq(t, "ns1. (::1) timeout");
	free(t);
	sv[3].asked = false;
	t = ns_srv_lag_text(&sv[3], &r);
	ck_assert_str_eq(t, "ns1. (::1) not asked");
	free(t);
	for (size_t i = 0; i < 4; i++)
		ns_srv_clear(&sv[i]);
	dns_servers_clear(&d);
}
END_TEST

Suite *
dns_match_suite(void)
{
	Suite *s = suite_create("dns_match");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_test(pos, txt_joined_strings_match);
	tcase_add_test(pos, tlsa_match);
	tcase_add_test(pos, soa_serial);
	tcase_add_test(pos, reason_words);
	tcase_add_test(neg, txt_substring_no_match);
	tcase_add_test(neg, tlsa_no_match);
	tcase_add_test(neg, sanitize_escapes);
	tcase_add_test(neg, drop_unreachable_keeps_last);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
