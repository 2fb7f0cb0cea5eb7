/*
 * Shared pieces of the dns/ unit tests (one runner: test_dns.c), above all
 * the fake authoritative server: a thread answering from a table with
 * ldns, bound to loopback addresses only (127.0.0.x and ::1), all on one
 * ephemeral port, UDP and TCP.
 */
#ifndef SSLM_TEST_DNS_H
#define SSLM_TEST_DNS_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "dns/dns.h"

Suite *dns_serial_suite(void);
Suite *dns_match_suite(void);
Suite *dns_query_suite(void);
Suite *dns_lookup_suite(void);
Suite *dns_wait_suite(void);

/* How one listening address behaves. */
enum fake_mode {
	FAKE_ANSWER,		/* answer from the table */
	FAKE_REFUSED,
	FAKE_SERVFAIL,
	FAKE_SILENT,		/* never answer */
	FAKE_WRONG_ID,		/* answer with another ID */
	FAKE_WRONG_QUESTION,	/* answer another question */
	FAKE_OTHER_SOURCE,	/* answer from another local address */
	FAKE_TCP_CLOSE,		/* UDP as FAKE_ANSWER; TCP closed unanswered */
};

struct fake;

/* Start the server on every address of addrs (NULL-terminated); fails the
 * test when it cannot. All share one port: fake_port(). */
struct fake *fake_start(const char *const *addrs);
void fake_stop(struct fake *f);
int fake_port(const struct fake *f);

/* Add a record (zone-file text, absolute names) served on every address. */
void fake_add(struct fake *f, const char *rr);
/* Add a record served only on `only` (NULL: all), never on `except` (NULL:
 * none), from after_ms milliseconds after this call on (0: at once). */
void fake_add_at(struct fake *f, const char *only, const char *except,
    int after_ms, const char *rr);

void fake_set_mode(struct fake *f, const char *addr, enum fake_mode m);
void fake_set_no_aa(struct fake *f, const char *addr, bool no_aa);
/* Every UDP answer is an empty one with TC: the client must use TCP. */
void fake_set_tc(struct fake *f, const char *addr, bool tc);
/* Negative answers carry no SOA (forces the apex walk up). */
void fake_set_no_soa(struct fake *f, const char *addr, bool no_soa);

/* What the address saw: queries (UDP+TCP), TCP queries, RD and EDNS size
 * of the last query, monotonic ms of the first query (0: none). */
int fake_queries(struct fake *f, const char *addr);
int fake_tcp_queries(struct fake *f, const char *addr);
int fake_last_rd(struct fake *f, const char *addr);
int fake_last_edns(struct fake *f, const char *addr);
int64_t fake_first_ms(struct fake *f, const char *addr);

/* A server list for tests: "<name> (<addr>)" keys, given port. */
void td_server(struct dns_servers *s, const char *name, const char *addr,
    int port, bool rd, bool need_aa);

/* A dns_wait_opts progress callback; arg is a struct strvec * that
 * collects the lines. */
void td_collect(const char *line, void *arg);

/* An expectation (owner, type) with values from a NULL-terminated list. */
void td_expect(struct dns_expect *e, const char *owner, enum dns_rrtype t,
    const char *const *values);

/* Short query timing for tests (ms per attempt, retries). */
void td_fast_timing(void);

int64_t td_now_ms(void);

#endif /* SSLM_TEST_DNS_H */
