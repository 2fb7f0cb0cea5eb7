/*
 * dns/ private, between query.c (batch, UDP, poll loop) and query_tcp.c
 * (the TCP retry after a truncated answer). Nobody else includes it.
 */
#ifndef SSLM_DNS_QUERY_INT_H
#define SSLM_DNS_QUERY_INT_H

#include "dns/query.h"

enum qstage {
	ST_QUEUED,		/* not started: waits for a free socket slot */
	ST_UDP,			/* UDP query sent, waiting for the answer */
	ST_TCP_CONNECT,		/* non-blocking connect in progress */
	ST_TCP_WRITE,		/* sending the length-prefixed query */
	ST_TCP_READ,		/* reading length, then message */
	ST_IDLE,		/* attempt failed early; next one at deadline */
	ST_DONE,
};

struct qstate {
	struct dnsq *q;
	ldns_pkt *query;	/* the question we match answers against */
	uint8_t *wire;		/* query in wire format; ID patched per TCP try */
	size_t wire_len;
	uint16_t id;
	enum qstage st;
	int fd;
	int attempts;		/* attempts started so far */
	bool use_tcp;		/* the server truncated: every later try is TCP */
	int64_t deadline;	/* end of the current attempt, dnsq_now_ms() */
	int last_err;		/* errno of the last failure, for the outcome */
	/* TCP transfer state */
	uint8_t *io;		/* outgoing: 2-byte length + wire; incoming body */
	size_t io_len;
	size_t io_off;
	uint8_t lenbuf[2];
	size_t len_off;
};

/* query.c */
int qs_new_id(struct qstate *s);
void qs_finish(struct qstate *s, enum dnsq_outcome outcome, int sys_errno);
void qs_close(struct qstate *s);
/* 1 accepted (q filled), 0 not ours or malformed (ignore), 2 truncated. */
int qs_take_answer(struct qstate *s, const uint8_t *buf, size_t len,
    bool tcp);
bool qs_errno_unreachable(int e);

/* query_tcp.c */
void tcp_start(struct qstate *s, int64_t now, int timeout_ms);
/* Handle poll events of a TCP stage; revents from poll(). */
void tcp_event(struct qstate *s, short revents);
/* The poll events a TCP stage waits for. */
short tcp_wanted(const struct qstate *s);

#endif /* SSLM_DNS_QUERY_INT_H */
