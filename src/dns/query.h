/*
 * dns/ private: the query engine. Every query of a batch is sent at once
 * from one poll() loop over non-blocking sockets (ARCHITECTURE.md "DNS
 * without waiting in line"); dnsq_run returns when each one has an answer
 * or has used up its attempts. Not for use outside src/dns/ (tests aside).
 */
#ifndef SSLM_DNS_QUERY_H
#define SSLM_DNS_QUERY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "common/common.h"

/* EDNS0 payload size we advertise (DNS flag day 2020: no IP fragments). */
#define DNSQ_EDNS_SIZE		1232
/* Per attempt, and retries after the first attempt (dns.md §4.7 step 3). */
#define DNSQ_TIMEOUT_MS		3000
#define DNSQ_RETRIES		2
/* Bounds on one batch and on what we accept from the network. */
#define DNSQ_MAX_BATCH		4096
#define DNSQ_MAX_INFLIGHT	256	/* open sockets at once; rest queue */
#define DNSQ_MAX_RRS		1024	/* records per section we look at */

enum dnsq_outcome {
	DNSQ_PENDING,		/* internal: not finished (never returned) */
	DNSQ_ANSWER,		/* rcode, aa and pkt are valid */
	DNSQ_TIMEOUT,		/* no matching answer within the attempts */
	DNSQ_UNREACHABLE,	/* no route / address family unsupported */
	DNSQ_NETERR,		/* other local failure; sys_errno says which */
	DNSQ_NOADDR,		/* the server has no address (addrlen 0) */
};

struct dnsq {
	/* Filled by the caller; borrowed, must outlive dnsq_run. */
	const struct sockaddr *addr;	/* address and port */
	socklen_t addrlen;		/* 0: no address, DNSQ_NOADDR */
	const char *qname;		/* relative names are made absolute */
	ldns_rr_type qtype;
	bool rd;
	/* Filled by dnsq_run. */
	enum dnsq_outcome outcome;
	ldns_pkt_rcode rcode;
	bool aa;
	bool tcp;			/* the answer came over TCP */
	int sys_errno;			/* for DNSQ_UNREACHABLE / DNSQ_NETERR */
	ldns_pkt *pkt;			/* owned; freed by dnsq_clear */
};

/* Ready a query (outcome PENDING, nothing owned). */
void dnsq_init(struct dnsq *q, const struct sockaddr *addr, socklen_t addrlen,
    const char *qname, ldns_rr_type qtype, bool rd);
void dnsq_clear(struct dnsq *q);

/*
 * Send all n queries at once and wait for them. Returns 0 when every query
 * has an outcome (an answer, a timeout... each query says which), -1 only
 * when the batch could not be run at all (bad name, out of memory, n too
 * large); outcomes are then undefined but dnsq_clear stays safe.
 */
int dnsq_run(struct dnsq *q, size_t n, struct sslm_err *err);

/*
 * Tests only: per-attempt timeout (ms) and retries for every later batch;
 * (0, -1) restores DNSQ_TIMEOUT_MS and DNSQ_RETRIES. Kept out of dns.h so
 * production callers cannot shorten the spec's timing.
 */
void dnsq_set_timing(int timeout_ms, int retries);

/* Monotonic clock in milliseconds. */
int64_t dnsq_now_ms(void);

/* Numeric text of an address ("192.0.2.1", "2001:db8::1"); "?" on error. */
void dnsq_addr_text(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t size);
/* Same family, address and port. */
bool dnsq_addr_eq(const struct sockaddr *a, socklen_t alen,
    const struct sockaddr *b, socklen_t blen);
/* Same family and address; ports ignored. */
bool dnsq_host_eq(const struct sockaddr *a, const struct sockaddr *b);

#endif /* SSLM_DNS_QUERY_H */
