/*
 * The query engine against the fake server: UDP answers with EDNS and the
 * RD flag as asked, TCP after truncation, parallel timeouts, queueing past
 * the socket limit, and answers that must be ignored (wrong ID, question
 * or source).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"
#include "tests/unit/test_dns.h"

static const char *const addrs[] = { "127.0.0.1", "127.0.0.2", "::1", NULL };

static struct fake *f;
static struct dns_servers sv;	/* ns1 127.0.0.1, ns2 127.0.0.2, ns3 ::1 */

static void
setup(void)
{
	int port;

	td_fast_timing();
	f = fake_start(addrs);
	port = fake_port(f);
	fake_add(f, "example.test. 300 IN SOA ns1.example.test. h.example.test. "
	    "7 3600 600 1209600 300");
	fake_add(f, "www.example.test. 300 IN A 192.0.2.80");
	dns_servers_init(&sv);
	td_server(&sv, "ns1.example.test.", "127.0.0.1", port, false, true);
	td_server(&sv, "ns2.example.test.", "127.0.0.2", port, false, true);
	td_server(&sv, "ns3.example.test.", "::1", port, false, true);
}

static void
teardown(void)
{
	fake_stop(f);
	f = NULL;
	dns_servers_clear(&sv);
	dnsq_set_timing(0, -1);
}

static void
ask(struct dnsq *q, size_t i, const char *name, ldns_rr_type t, bool rd)
{
	dnsq_init(q, (struct sockaddr *)&sv.v[i].addr, sv.v[i].addrlen, name, t,
	    rd);
}

static size_t
answers(const struct dnsq *q)
{
	return ldns_rr_list_rr_count(ldns_pkt_answer(q->pkt));
}

START_TEST(udp_answer_edns_rd)
{
	struct sslm_err err;
	struct dnsq q[2];

	ask(&q[0], 0, "www.example.test", LDNS_RR_TYPE_A, false);
	ck_assert_int_eq(dnsq_run(q, 1, &err), 0);
	ck_assert_int_eq(q[0].outcome, DNSQ_ANSWER);
	ck_assert_int_eq(q[0].rcode, LDNS_RCODE_NOERROR);
	ck_assert(q[0].aa);
	ck_assert(!q[0].tcp);
	ck_assert_uint_eq(answers(&q[0]), 1);
	ck_assert_int_eq(fake_last_edns(f, "127.0.0.1"), 1232);
	ck_assert_int_eq(fake_last_rd(f, "127.0.0.1"), 0);
	dnsq_clear(&q[0]);
	ask(&q[1], 2, "www.example.test.", LDNS_RR_TYPE_A, true);
	ck_assert_int_eq(dnsq_run(&q[1], 1, &err), 0);
	ck_assert_int_eq(q[1].outcome, DNSQ_ANSWER);
	ck_assert_int_eq(fake_last_rd(f, "::1"), 1);
	ck_assert_int_eq(fake_last_edns(f, "::1"), 1232);
	dnsq_clear(&q[1]);
}
END_TEST

START_TEST(truncated_goes_tcp)
{
	struct sslm_err err;
	struct dnsq q;

	fake_set_tc(f, "127.0.0.2", true);
	ask(&q, 1, "www.example.test.", LDNS_RR_TYPE_A, false);
	ck_assert_int_eq(dnsq_run(&q, 1, &err), 0);
	ck_assert_int_eq(q.outcome, DNSQ_ANSWER);
	ck_assert(q.tcp);
	ck_assert_uint_eq(answers(&q), 1);
	ck_assert_int_eq(fake_tcp_queries(f, "127.0.0.2"), 1);
	dnsq_clear(&q);
}
END_TEST

START_TEST(big_answer_goes_tcp)
{
	struct sslm_err err;
	struct dnsq q;
	char rr[400];

	/* 12 records of 200 bytes: more than the 1232 we advertise. */
	for (int i = 0; i < 12; i++) {
		snprintf(rr, sizeof(rr), "big.example.test. 60 IN TXT \"%02d%0198d\"",
		    i, 0);
		fake_add(f, rr);
	}
	ask(&q, 2, "big.example.test.", LDNS_RR_TYPE_TXT, false);
	ck_assert_int_eq(dnsq_run(&q, 1, &err), 0);
	ck_assert_int_eq(q.outcome, DNSQ_ANSWER);
	ck_assert(q.tcp);
	ck_assert_uint_eq(answers(&q), 12);
	dnsq_clear(&q);
}
END_TEST

START_TEST(parallel_timeouts)
{
	struct sslm_err err;
	struct dnsq q[3];
	int64_t t0;

	for (size_t i = 0; i < 3; i++) {
		fake_set_mode(f, addrs[i], FAKE_SILENT);
		ask(&q[i], i, "www.example.test.", LDNS_RR_TYPE_A, false);
	}
	t0 = td_now_ms();
	ck_assert_int_eq(dnsq_run(q, 3, &err), 0);
	/* Two attempts of 250 ms, side by side: about 0.5 s, not 1.5 s. */
	ck_assert_int_ge(td_now_ms() - t0, 450);
	ck_assert_int_lt(td_now_ms() - t0, 1200);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(q[i].outcome, DNSQ_TIMEOUT);
		ck_assert_ptr_null(q[i].pkt);
		ck_assert_int_eq(fake_queries(f, addrs[i]), 2);
		dnsq_clear(&q[i]);
	}
}
END_TEST

START_TEST(many_queued)
{
	enum { N = DNSQ_MAX_INFLIGHT * 2 + 10 };
	struct sslm_err err;
	struct dnsq *q = calloc(N, sizeof(*q));

	ck_assert_ptr_nonnull(q);
	for (size_t i = 0; i < N; i++)
		ask(&q[i], i % 3, "www.example.test.", LDNS_RR_TYPE_A, false);
	ck_assert_int_eq(dnsq_run(q, N, &err), 0);
	for (size_t i = 0; i < N; i++) {
		ck_assert_int_eq(q[i].outcome, DNSQ_ANSWER);
		dnsq_clear(&q[i]);
	}
	free(q);
}
END_TEST

START_TEST(rcode_refused)
{
	struct sslm_err err;
	struct dnsq q;

	fake_set_mode(f, "127.0.0.1", FAKE_REFUSED);
	ask(&q, 0, "www.example.test.", LDNS_RR_TYPE_A, false);
	ck_assert_int_eq(dnsq_run(&q, 1, &err), 0);
	ck_assert_int_eq(q.outcome, DNSQ_ANSWER);
	ck_assert_int_eq(q.rcode, LDNS_RCODE_REFUSED);
	ck_assert_int_eq(ns_query_reason(&q, true), NSR_REFUSED);
	dnsq_clear(&q);
}
END_TEST

/* Answers that are not for us are dropped; the query times out. */
static void
ignored(enum fake_mode m)
{
	struct sslm_err err;
	struct dnsq q;

	fake_set_mode(f, "127.0.0.1", m);
	ask(&q, 0, "www.example.test.", LDNS_RR_TYPE_A, false);
	ck_assert_int_eq(dnsq_run(&q, 1, &err), 0);
	ck_assert_int_eq(q.outcome, DNSQ_TIMEOUT);
	ck_assert_int_eq(fake_queries(f, "127.0.0.1"), 2);
	dnsq_clear(&q);
}

START_TEST(wrong_id_ignored)
{
	ignored(FAKE_WRONG_ID);
}
END_TEST

START_TEST(wrong_question_ignored)
{
	ignored(FAKE_WRONG_QUESTION);
}
END_TEST

START_TEST(wrong_source_ignored)
{
	ignored(FAKE_OTHER_SOURCE);
}
END_TEST

START_TEST(tcp_closed_times_out)
{
	struct sslm_err err;
	struct dnsq q;

	fake_set_mode(f, "127.0.0.2", FAKE_TCP_CLOSE);
	fake_set_tc(f, "127.0.0.2", true);
	ask(&q, 1, "www.example.test.", LDNS_RR_TYPE_A, false);
	ck_assert_int_eq(dnsq_run(&q, 1, &err), 0);
	ck_assert_int_eq(q.outcome, DNSQ_TIMEOUT);
	/* The free TCP try after TC, then the one retry, also over TCP. */
	ck_assert_int_eq(fake_tcp_queries(f, "127.0.0.2"), 2);
	ck_assert_int_eq(fake_queries(f, "127.0.0.2"), 3);
	dnsq_clear(&q);
}
END_TEST

START_TEST(no_address)
{
	struct sslm_err err;
	struct dnsq q;

	dnsq_init(&q, NULL, 0, "www.example.test.", LDNS_RR_TYPE_A, false);
	ck_assert_int_eq(dnsq_run(&q, 1, &err), 0);
	ck_assert_int_eq(q.outcome, DNSQ_NOADDR);
	ck_assert_int_eq(ns_query_reason(&q, true), NSR_NOADDR);
}
END_TEST

START_TEST(bad_batch)
{
	struct sslm_err err;
	struct dnsq q;

	ask(&q, 0, "a..b.example.test.", LDNS_RR_TYPE_A, false);
	ck_assert_int_eq(dnsq_run(&q, 1, &err), -1);
	ck_assert_str_eq(err.msg, "DNS query: not a valid domain name");
	dnsq_clear(&q);
	ck_assert_int_eq(dnsq_run(&q, DNSQ_MAX_BATCH + 1, &err), -1);
	ck_assert_str_eq(err.msg, "DNS query: 4097 queries in one batch (at "
	    "most 4096)");
	ck_assert_int_eq(dnsq_run(NULL, 0, &err), 0);
}
END_TEST

Suite *
dns_query_suite(void)
{
	Suite *s = suite_create("dns_query");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_set_timeout(pos, 20);
	tcase_set_timeout(neg, 20);
	tcase_add_test(pos, udp_answer_edns_rd);
	tcase_add_test(pos, truncated_goes_tcp);
	tcase_add_test(pos, big_answer_goes_tcp);
	tcase_add_test(pos, parallel_timeouts);
	tcase_add_test(pos, many_queued);
	tcase_add_test(neg, rcode_refused);
	tcase_add_test(neg, wrong_id_ignored);
	tcase_add_test(neg, wrong_question_ignored);
	tcase_add_test(neg, wrong_source_ignored);
	tcase_add_test(neg, tcp_closed_times_out);
	tcase_add_test(neg, no_address);
	tcase_add_test(neg, bad_batch);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
