/*
 * The query engine: every query of a batch goes out at once over UDP from
 * one poll() loop; answers are matched on ID, question and source address;
 * a truncated answer moves that query to TCP (query_tcp.c).
 *
 * Spoofing defence is the usual one for a stub: a fresh random ID from the
 * kernel CSPRNG, a kernel-chosen random source port (connected UDP socket,
 * so the kernel drops datagrams from other peers), and the question must
 * come back unchanged.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "dns/query_int.h"

#define UDP_BUF		65536	/* largest datagram; we advertise 1232 */
#define UDP_READS	16	/* datagrams read per wake-up, per socket */

static int timing_timeout_ms = DNSQ_TIMEOUT_MS;
static int timing_retries = DNSQ_RETRIES;

void
dnsq_set_timing(int timeout_ms, int retries)
{
	timing_timeout_ms = timeout_ms > 0 ? timeout_ms : DNSQ_TIMEOUT_MS;
	timing_retries = retries >= 0 ? retries : DNSQ_RETRIES;
}

int64_t
dnsq_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
dnsq_init(struct dnsq *q, const struct sockaddr *addr, socklen_t addrlen,
    const char *qname, ldns_rr_type qtype, bool rd)
{
	memset(q, 0, sizeof(*q));
	q->addr = addr;
	q->addrlen = addrlen;
	q->qname = qname;
	q->qtype = qtype;
	q->rd = rd;
	q->outcome = DNSQ_PENDING;
}

void
dnsq_clear(struct dnsq *q)
{
	if (q == NULL)
		return;
	ldns_pkt_free(q->pkt);
	q->pkt = NULL;
}

bool
qs_errno_unreachable(int e)
{
	return e == ENETUNREACH || e == EHOSTUNREACH || e == EAFNOSUPPORT ||
	    e == EADDRNOTAVAIL || e == EPFNOSUPPORT;
}

int
qs_new_id(struct qstate *s)
{
	uint16_t id;
	ssize_t r;

	do
		r = getrandom(&id, sizeof(id), 0);
	while (r == -1 && errno == EINTR);
	if (r != (ssize_t)sizeof(id))
		return -1;
	s->id = id;
	ldns_pkt_set_id(s->query, id);
	if (s->wire != NULL && s->wire_len >= 2) {
		s->wire[0] = (uint8_t)(id >> 8);
		s->wire[1] = (uint8_t)(id & 0xff);
	}
	return 0;
}

void
qs_close(struct qstate *s)
{
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	free(s->io);
	s->io = NULL;
	s->io_len = s->io_off = s->len_off = 0;
}

void
qs_finish(struct qstate *s, enum dnsq_outcome outcome, int sys_errno)
{
	qs_close(s);
	s->st = ST_DONE;
	s->q->outcome = outcome;
	s->q->sys_errno = sys_errno;
}

static bool
same_question(const ldns_pkt *ans, const ldns_pkt *query)
{
	const ldns_rr_list *a = ldns_pkt_question(ans);
	const ldns_rr_list *q = ldns_pkt_question(query);
	const ldns_rr *ar, *qr;

	if (ldns_rr_list_rr_count(a) != 1 || ldns_rr_list_rr_count(q) != 1)
		return false;
	ar = ldns_rr_list_rr(a, 0);
	qr = ldns_rr_list_rr(q, 0);
	return ldns_rr_get_type(ar) == ldns_rr_get_type(qr) &&
	    ldns_rr_get_class(ar) == ldns_rr_get_class(qr) &&
	    ldns_dname_compare(ldns_rr_owner(ar), ldns_rr_owner(qr)) == 0;
}

static unsigned
wire_u16(const uint8_t *p)
{
	return ((unsigned)p[0] << 8) | p[1];
}

int
qs_take_answer(struct qstate *s, const uint8_t *buf, size_t len, bool tcp)
{
	ldns_pkt *pkt = NULL;
	bool tc;

	if (len < LDNS_HEADER_SIZE || len > LDNS_MAX_PACKETLEN)
		return 0;
	/* ID and QR first: cheap, and most stray datagrams stop here. */
	if (wire_u16(buf) != s->id || (buf[2] & 0x80) == 0)
		return 0;
	tc = (buf[2] & 0x02) != 0;
	if (wire_u16(buf + 4) != 1 || wire_u16(buf + 6) > DNSQ_MAX_RRS ||
	    wire_u16(buf + 8) > DNSQ_MAX_RRS || wire_u16(buf + 10) > DNSQ_MAX_RRS)
		return 0;
	if (ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK) {
		/* A truncated answer may end in the middle of a record; its
		 * ID (from our connected peer) is enough to move to TCP. */
		return (!tcp && tc) ? 2 : 0;
	}
	if (!same_question(pkt, s->query)) {
		ldns_pkt_free(pkt);
		return 0;
	}
	if (!tcp && tc) {
		ldns_pkt_free(pkt);
		return 2;
	}
	s->q->pkt = pkt;
	s->q->rcode = ldns_pkt_get_rcode(pkt);
	s->q->aa = ldns_pkt_aa(pkt);
	s->q->tcp = tcp;
	qs_finish(s, DNSQ_ANSWER, 0);
	return 1;
}

static int
qs_prepare(struct qstate *s, struct dnsq *q, struct sslm_err *err)
{
	ldns_rdf *name = NULL;
	char *abs = NULL;
	int rc = -1;

	s->q = q;
	ldns_pkt_free(q->pkt);
	q->pkt = NULL;
	q->outcome = DNSQ_PENDING;
	q->aa = q->tcp = false;
	q->rcode = LDNS_RCODE_NOERROR;
	q->sys_errno = 0;
	if (q->qname == NULL || strlen(q->qname) > LDNS_MAX_DOMAINLEN) {
		sslm_err_set(err, "DNS query: name missing or too long");
		goto out;
	}
	abs = ldns_dname_str_absolute(q->qname) ? str_dup(q->qname) :
	    str_printf("%s.", q->qname);
	if (abs == NULL) {
		sslm_err_set(err, "DNS query: out of memory");
		goto out;
	}
	if ((name = ldns_dname_new_frm_str(abs)) == NULL) {
		sslm_err_set(err, "DNS query: not a valid domain name");
		goto out;
	}
	s->query = ldns_pkt_query_new(name, q->qtype, LDNS_RR_CLASS_IN,
	    q->rd ? LDNS_RD : 0);
	name = NULL;		/* owned by the packet (or lost with it) */
	if (s->query == NULL) {
		sslm_err_set(err, "DNS query: out of memory");
		goto out;
	}
	ldns_pkt_set_edns_udp_size(s->query, DNSQ_EDNS_SIZE);
	if (qs_new_id(s) == -1) {
		sslm_err_errno(err, errno, "DNS query: no random query ID");
		goto out;
	}
	if (ldns_pkt2wire(&s->wire, s->query, &s->wire_len) != LDNS_STATUS_OK ||
	    s->wire_len > LDNS_MAX_PACKETLEN) {
		sslm_err_set(err, "DNS query: cannot encode the query");
		goto out;
	}
	rc = 0;
 out:
	ldns_rdf_deep_free(name);
	free(abs);
	return rc;
}

static void
udp_start(struct qstate *s)
{
	const struct sockaddr *sa = s->q->addr;

	if (s->fd == -1) {
		s->fd = socket(sa->sa_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		/* connect() picks a random ephemeral port and makes the
		 * kernel drop datagrams from any other source. */
		if (s->fd == -1 || connect(s->fd, sa, s->q->addrlen) == -1) {
			int e = errno;

			qs_finish(s, qs_errno_unreachable(e) ?
			    DNSQ_UNREACHABLE : DNSQ_NETERR, e);
			return;
		}
	}
	s->st = ST_UDP;
	if (send(s->fd, s->wire, s->wire_len, 0) == -1) {
		int e = errno;

		if (qs_errno_unreachable(e))
			qs_finish(s, DNSQ_UNREACHABLE, e);
		else		/* lost like a dropped packet: retry later */
			s->last_err = e;
	}
}

/* Start the next attempt, or end the query when none is left. */
static void
start_attempt(struct qstate *s, int64_t now)
{
	if (s->q->addrlen == 0) {
		qs_finish(s, DNSQ_NOADDR, 0);
		return;
	}
	if (s->q->addr->sa_family != AF_INET &&
	    s->q->addr->sa_family != AF_INET6) {
		qs_finish(s, DNSQ_NETERR, EAFNOSUPPORT);
		return;
	}
	if (s->attempts > timing_retries) {
		qs_finish(s, DNSQ_TIMEOUT, s->last_err);
		return;
	}
	s->attempts++;
	if (s->use_tcp) {
		tcp_start(s, now, timing_timeout_ms);
		return;
	}
	s->deadline = now + timing_timeout_ms;
	udp_start(s);
}

static void
udp_read(struct qstate *s, uint8_t *buf)
{
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t n;

	for (int i = 0; i < UDP_READS && s->st == ST_UDP; i++) {
		flen = sizeof(from);
		n = recvfrom(s->fd, buf, UDP_BUF, 0, (struct sockaddr *)&from,
		    &flen);
		if (n == -1) {
			/* ICMP errors land here; the attempt just times out. */
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				s->last_err = errno;
			return;
		}
		if (!dnsq_addr_eq((struct sockaddr *)&from, flen, s->q->addr,
		    s->q->addrlen))
			continue;
		/* A truncated answer: the TCP try is part of this attempt. */
		if (qs_take_answer(s, buf, (size_t)n, false) == 2)
			tcp_start(s, dnsq_now_ms(), timing_timeout_ms);
	}
}

/* Fire deadlines and start queued queries; fill the poll set. Returns the
 * number of queries not done; *k the poll entries, *wake the next deadline. */
static size_t
step(struct qstate *st, size_t n, size_t *next, struct pollfd *pfd,
    size_t *map, size_t *k, int64_t *wake)
{
	int64_t now = dnsq_now_ms();
	size_t open = 0, left = 0;

	*k = 0;
	*wake = INT64_MAX;
	for (size_t i = 0; i < *next; i++)
		if (st[i].st != ST_DONE && now >= st[i].deadline)
			start_attempt(&st[i], now);
	for (size_t i = 0; i < *next; i++)
		if (st[i].fd != -1)
			open++;
	for (; *next < n && open < DNSQ_MAX_INFLIGHT; (*next)++) {
		start_attempt(&st[*next], now);
		if (st[*next].fd != -1)
			open++;
	}
	for (size_t i = 0; i < n; i++) {
		struct qstate *s = &st[i];

		if (s->st == ST_DONE)
			continue;
		left++;
		if (s->st == ST_QUEUED)
			continue;
		if (s->deadline < *wake)
			*wake = s->deadline;
		if (s->fd == -1)
			continue;
		pfd[*k].fd = s->fd;
		pfd[*k].events = s->st == ST_UDP ? POLLIN : tcp_wanted(s);
		pfd[*k].revents = 0;
		map[(*k)++] = i;
	}
	return left;
}

int
dnsq_run(struct dnsq *q, size_t n, struct sslm_err *err)
{
	struct qstate *st = NULL;
	struct pollfd *pfd = NULL;
	size_t *map = NULL, next = 0, k;
	uint8_t *buf = NULL;
	int64_t wake, wait;
	int rc = -1, r;

	if (n > DNSQ_MAX_BATCH) {
		sslm_err_set(err, "DNS query: %zu queries in one batch (at most "
		    "%d)", n, DNSQ_MAX_BATCH);
		return -1;
	}
	if (n == 0)
		return 0;
	if ((st = calloc(n, sizeof(*st))) == NULL ||
	    (pfd = calloc(DNSQ_MAX_INFLIGHT, sizeof(*pfd))) == NULL ||
	    (map = calloc(DNSQ_MAX_INFLIGHT, sizeof(*map))) == NULL ||
	    (buf = malloc(UDP_BUF)) == NULL) {
		sslm_err_set(err, "DNS query: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		st[i].fd = -1;
	for (size_t i = 0; i < n; i++)
		if (qs_prepare(&st[i], &q[i], err) == -1)
			goto out;
	/* Bounded by time: every attempt has a deadline, attempts a count. */
	while (step(st, n, &next, pfd, map, &k, &wake) > 0) {
		wait = wake == INT64_MAX ? 0 : wake - dnsq_now_ms();
		if (wait < 0)
			wait = 0;
		if (wait > INT_MAX)
			wait = INT_MAX;
		if ((r = poll(pfd, k, (int)wait)) == -1) {
			if (errno == EINTR)
				continue;
			sslm_err_errno(err, errno, "DNS query: poll");
			goto out;
		}
		for (size_t j = 0; j < k && r > 0; j++) {
			struct qstate *s = &st[map[j]];

			if (pfd[j].revents == 0 || s->fd != pfd[j].fd)
				continue;
			if (s->st == ST_UDP)
				udp_read(s, buf);
			else
				tcp_event(s, pfd[j].revents);
		}
	}
	rc = 0;
 out:
	for (size_t i = 0; st != NULL && i < n; i++) {
		qs_close(&st[i]);
		free(st[i].wire);
		ldns_pkt_free(st[i].query);
	}
	free(st);
	free(pfd);
	free(map);
	free(buf);
	return rc;
}

void
dnsq_addr_text(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t size)
{
	if (size == 0)
		return;
	if (sa == NULL || len == 0 || getnameinfo(sa, len, buf, (socklen_t)size,
	    NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(buf, size, "?");
}

bool
dnsq_host_eq(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr,
		    sizeof(struct in_addr)) == 0;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr,
		    sizeof(struct in6_addr)) == 0;
	return false;
}

bool
dnsq_addr_eq(const struct sockaddr *a, socklen_t alen,
    const struct sockaddr *b, socklen_t blen)
{
	if (alen == 0 || blen == 0 || !dnsq_host_eq(a, b))
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_port ==
		    ((const struct sockaddr_in *)b)->sin_port;
	return ((const struct sockaddr_in6 *)a)->sin6_port ==
	    ((const struct sockaddr_in6 *)b)->sin6_port;
}
