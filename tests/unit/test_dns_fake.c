/*
 * The fake authoritative server of the dns/ tests: one thread, a table of
 * records (each may be limited to some addresses and appear only after a
 * while), and per-address behaviour (REFUSED, SERVFAIL, silent, no AA,
 * truncation, wrong ID/question/source). It binds loopback addresses only,
 * so no test ever sends a packet off the host.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "tests/unit/test_dns.h"

#define FAKE_MAX_ADDRS	12
#define FAKE_MAX_RRS	64
#define ADDR_LEN	64

struct fake_view {
	char addr[ADDR_LEN];
	struct sockaddr_storage ss;
	socklen_t len;
	int udp, tcp;
	enum fake_mode mode;
	bool no_aa, tc, no_soa;
	int queries, tcp_queries, last_rd, last_edns;
	int64_t first_ms;
};

struct fake_rr {
	ldns_rr *rr;
	char only[ADDR_LEN], except[ADDR_LEN];
	int64_t from_ms;
};

struct fake {
	int port;
	pthread_t thr;
	int stop[2];
	pthread_mutex_t mu;
	struct fake_view v[FAKE_MAX_ADDRS];
	size_t nv;
	struct fake_rr rr[FAKE_MAX_RRS];
	size_t nrr;
};

int64_t
td_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
loopback_addr(const char *addr, int port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		/* Loopback only: tests must never reach another host. */
		if ((ntohl(s4->sin_addr.s_addr) >> 24) != 127)
			return false;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		return true;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr)) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return true;
	}
	return false;
}

static void
close_all(struct fake *f)
{
	for (size_t i = 0; i < f->nv; i++) {
		if (f->v[i].udp != -1)
			close(f->v[i].udp);
		if (f->v[i].tcp != -1)
			close(f->v[i].tcp);
		f->v[i].udp = f->v[i].tcp = -1;
	}
}

/* Bind UDP and TCP on every address; the first UDP bind picks the port. */
static bool
bind_all(struct fake *f)
{
	int one = 1, port = 0;

	for (size_t i = 0; i < f->nv; i++) {
		struct fake_view *v = &f->v[i];

		ck_assert_msg(loopback_addr(v->addr, port, &v->ss, &v->len),
		    "not a loopback address: %s", v->addr);
		v->udp = socket(v->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		v->tcp = socket(v->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		ck_assert(v->udp != -1 && v->tcp != -1);
		setsockopt(v->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(v->udp, (struct sockaddr *)&v->ss, v->len) == -1)
			goto fail;
		if (i == 0) {
			socklen_t l = v->len;

			ck_assert(getsockname(v->udp, (struct sockaddr *)&v->ss,
			    &l) == 0);
			port = ntohs(((struct sockaddr_in *)&v->ss)->sin_port);
		}
		if (bind(v->tcp, (struct sockaddr *)&v->ss, v->len) == -1 ||
		    listen(v->tcp, 16) == -1)
			goto fail;
	}
	f->port = port;
	return true;
 fail:
	ck_assert_msg(errno == EADDRINUSE, "bind: %s", strerror(errno));
	close_all(f);
	return false;
}

static bool
visible(const struct fake_rr *r, const char *addr, int64_t now)
{
	return (r->only[0] == '\0' || strcmp(r->only, addr) == 0) &&
	    (r->except[0] == '\0' || strcmp(r->except, addr) != 0) &&
	    now >= r->from_ms;
}

static void
push(ldns_pkt *p, ldns_pkt_section sec, const ldns_rr *rr)
{
	ldns_pkt_push_rr(p, sec, ldns_rr_clone(rr));
}

/* The answer to q at v from the table; NULL: stay silent. Locked. */
static ldns_pkt *
answer(struct fake *f, const struct fake_view *v, const ldns_pkt *q,
    bool trunc)
{
	const ldns_rr *qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	const ldns_rdf *qn;
	const ldns_rr *soa = NULL;
	int64_t now = td_now_ms();
	bool exists = false, any = false;
	ldns_pkt *p;

	if (qrr == NULL || v->mode == FAKE_SILENT)
		return NULL;
	qn = ldns_rr_owner(qrr);
	p = ldns_pkt_new();
	ldns_pkt_set_id(p, ldns_pkt_id(q) ^ (v->mode == FAKE_WRONG_ID ? 0x5a5a : 0));
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rd(p, ldns_pkt_rd(q));
	ldns_pkt_set_aa(p, !v->no_aa);
	if (v->mode == FAKE_WRONG_QUESTION) {
		ldns_rr *w = ldns_rr_new();

		ldns_rr_set_owner(w, ldns_dname_new_frm_str("wrong.invalid."));
		ldns_rr_set_type(w, ldns_rr_get_type(qrr));
		ldns_rr_set_class(w, LDNS_RR_CLASS_IN);
		ldns_rr_set_question(w, true);
		ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, w);
	} else
		push(p, LDNS_SECTION_QUESTION, qrr);
	if (ldns_pkt_edns(q))
		ldns_pkt_set_edns_udp_size(p, 1232);
	if (v->mode == FAKE_REFUSED || v->mode == FAKE_SERVFAIL) {
		ldns_pkt_set_rcode(p, v->mode == FAKE_REFUSED ?
		    LDNS_RCODE_REFUSED : LDNS_RCODE_SERVFAIL);
		return p;
	}
	/* The zone: the deepest SOA at or above the name. */
	for (size_t i = 0; i < f->nrr; i++) {
		const ldns_rr *r = f->rr[i].rr;
		const ldns_rdf *o = ldns_rr_owner(r);

		if (ldns_rr_get_type(r) != LDNS_RR_TYPE_SOA ||
		    !visible(&f->rr[i], v->addr, now) ||
		    (ldns_dname_compare(o, qn) != 0 &&
		    !ldns_dname_is_subdomain(qn, o)))
			continue;
		if (soa == NULL || ldns_dname_label_count(o) >
		    ldns_dname_label_count(ldns_rr_owner(soa)))
			soa = r;
	}
	if (soa == NULL) {
		ldns_pkt_set_rcode(p, LDNS_RCODE_REFUSED);
		ldns_pkt_set_aa(p, false);
		return p;
	}
	for (size_t i = 0; i < f->nrr; i++) {
		const ldns_rr *r = f->rr[i].rr;
		const ldns_rdf *o = ldns_rr_owner(r);

		if (!visible(&f->rr[i], v->addr, now))
			continue;
		if (ldns_dname_is_subdomain(o, qn))
			exists = true;	/* an empty non-terminal exists too */
		if (ldns_dname_compare(o, qn) != 0)
			continue;
		exists = true;
		if (ldns_rr_get_type(r) == ldns_rr_get_type(qrr) ||
		    ldns_rr_get_type(r) == LDNS_RR_TYPE_CNAME) {
			any = true;
			if (!trunc)
				push(p, LDNS_SECTION_ANSWER, r);
		}
	}
	if (!any) {
		if (!exists)
			ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
		if (!v->no_soa && !trunc)
			push(p, LDNS_SECTION_AUTHORITY, soa);
	}
	if (trunc)
		ldns_pkt_set_tc(p, true);
	return p;
}

/* Wire answer for q (NULL: silent); UDP answers over the limit, or all of
 * them on a view with tc set, become empty with TC. */
static uint8_t *
respond(struct fake *f, struct fake_view *v, const ldns_pkt *q, bool tcp,
    size_t *len)
{
	size_t limit = ldns_pkt_edns(q) ? ldns_pkt_edns_udp_size(q) : 512;
	uint8_t *wire = NULL;
	ldns_pkt *p;

	pthread_mutex_lock(&f->mu);
	v->queries++;
	v->tcp_queries += tcp;
	v->last_rd = ldns_pkt_rd(q);
	v->last_edns = ldns_pkt_edns(q) ? ldns_pkt_edns_udp_size(q) : 0;
	if (v->first_ms == 0)
		v->first_ms = td_now_ms();
	p = (tcp && v->mode == FAKE_TCP_CLOSE) ? NULL :
	    answer(f, v, q, !tcp && v->tc);
	if (p != NULL && ldns_pkt2wire(&wire, p, len) == LDNS_STATUS_OK &&
	    !tcp && *len > limit) {
		free(wire);
		wire = NULL;
		ldns_pkt_free(p);
		p = answer(f, v, q, true);
		if (ldns_pkt2wire(&wire, p, len) != LDNS_STATUS_OK)
			wire = NULL;
	}
	pthread_mutex_unlock(&f->mu);
	ldns_pkt_free(p);
	return wire;
}

static void
on_udp(struct fake *f, size_t i)
{
	struct fake_view *v = &f->v[i];
	uint8_t buf[65536], *wire;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ldns_pkt *q = NULL;
	size_t len;
	ssize_t n;
	int out;

	n = recvfrom(v->udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0 || ldns_wire2pkt(&q, buf, (size_t)n) != LDNS_STATUS_OK)
		return;
	if ((wire = respond(f, v, q, false, &len)) != NULL) {
		/* The "other source" answer leaves from a sibling address of
		 * the same family. */
		out = v->udp;
		if (v->mode == FAKE_OTHER_SOURCE)
			for (size_t j = 0; j < f->nv; j++)
				if (j != i && f->v[j].ss.ss_family == v->ss.ss_family)
					out = f->v[j].udp;
		(void)sendto(out, wire, len, 0, (struct sockaddr *)&from, flen);
		free(wire);
	}
	ldns_pkt_free(q);
}

static bool
read_full(int fd, uint8_t *b, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t r = read(fd, b + off, n - off);

		if (r <= 0)
			return false;
		off += (size_t)r;
	}
	return true;
}

static void
on_tcp(struct fake *f, size_t i)
{
	struct timeval tv = { .tv_sec = 2 };
	uint8_t lb[2], *buf = NULL, *wire = NULL;
	ldns_pkt *q = NULL;
	size_t len, qlen;
	int c;

	if ((c = accept(f->v[i].tcp, NULL, NULL)) == -1)
		return;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!read_full(c, lb, 2))
		goto out;
	qlen = ((size_t)lb[0] << 8) | lb[1];
	if ((buf = malloc(qlen + 1)) == NULL || !read_full(c, buf, qlen) ||
	    ldns_wire2pkt(&q, buf, qlen) != LDNS_STATUS_OK)
		goto out;
	if ((wire = respond(f, &f->v[i], q, true, &len)) != NULL) {
		lb[0] = (uint8_t)(len >> 8);
		lb[1] = (uint8_t)len;
		(void)send(c, lb, 2, MSG_NOSIGNAL);
		(void)send(c, wire, len, MSG_NOSIGNAL);
	}
 out:
	ldns_pkt_free(q);
	free(buf);
	free(wire);
	close(c);
}

static void *
serve(void *arg)
{
	struct fake *f = arg;
	struct pollfd p[2 * FAKE_MAX_ADDRS + 1];
	size_t n;

	for (;;) {
		n = 0;
		p[n].fd = f->stop[0];
		p[n++].events = POLLIN;
		for (size_t i = 0; i < f->nv; i++) {
			p[n].fd = f->v[i].udp;
			p[n++].events = POLLIN;
			p[n].fd = f->v[i].tcp;
			p[n++].events = POLLIN;
		}
		if (poll(p, n, -1) == -1)
			continue;
		if (p[0].revents != 0)
			return NULL;
		for (size_t i = 0; i < f->nv; i++) {
			if (p[1 + 2 * i].revents & POLLIN)
				on_udp(f, i);
			if (p[2 + 2 * i].revents & POLLIN)
				on_tcp(f, i);
		}
	}
}

struct fake *
fake_start(const char *const *addrs)
{
	struct fake *f = calloc(1, sizeof(*f));
	int tries = 0;

	ck_assert_ptr_nonnull(f);
	for (; addrs[f->nv] != NULL; f->nv++) {
		ck_assert(f->nv < FAKE_MAX_ADDRS);
		snprintf(f->v[f->nv].addr, ADDR_LEN, "%s", addrs[f->nv]);
		f->v[f->nv].udp = f->v[f->nv].tcp = -1;
	}
	/* The ephemeral port of the first address may be taken elsewhere. */
	while (!bind_all(f))
		ck_assert_msg(++tries < 50, "no common free port");
	ck_assert(pipe(f->stop) == 0);
	pthread_mutex_init(&f->mu, NULL);
	ck_assert(pthread_create(&f->thr, NULL, serve, f) == 0);
	return f;
}

void
fake_stop(struct fake *f)
{
	if (f == NULL)
		return;
	(void)write(f->stop[1], "x", 1);
	pthread_join(f->thr, NULL);
	close(f->stop[0]);
	close(f->stop[1]);
	close_all(f);
	for (size_t i = 0; i < f->nrr; i++)
		ldns_rr_free(f->rr[i].rr);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

int
fake_port(const struct fake *f)
{
	return f->port;
}

void
fake_add_at(struct fake *f, const char *only, const char *except,
    int after_ms, const char *text)
{
	ldns_rr *rr = NULL;
	ldns_status st = ldns_rr_new_frm_str(&rr, text, 3600, NULL, NULL);

	ck_assert_msg(st == LDNS_STATUS_OK, "bad test record: %s", text);
	pthread_mutex_lock(&f->mu);
	ck_assert(f->nrr < FAKE_MAX_RRS);
	f->rr[f->nrr].rr = rr;
	snprintf(f->rr[f->nrr].only, ADDR_LEN, "%s", only ? only : "");
	snprintf(f->rr[f->nrr].except, ADDR_LEN, "%s", except ? except : "");
	f->rr[f->nrr].from_ms = after_ms > 0 ? td_now_ms() + after_ms : 0;
	f->nrr++;
	pthread_mutex_unlock(&f->mu);
}

void
fake_add(struct fake *f, const char *rr)
{
	fake_add_at(f, NULL, NULL, 0, rr);
}

static struct fake_view *
view(struct fake *f, const char *addr)
{
	for (size_t i = 0; i < f->nv; i++)
		if (strcmp(f->v[i].addr, addr) == 0)
			return &f->v[i];
	ck_abort_msg("fake server has no address %s", addr);
	return NULL;
}

#define SETTER(fn, type, field)						\
void									\
fn(struct fake *f, const char *addr, type val)				\
{									\
	pthread_mutex_lock(&f->mu);					\
	view(f, addr)->field = val;					\
	pthread_mutex_unlock(&f->mu);					\
}
SETTER(fake_set_mode, enum fake_mode, mode)
SETTER(fake_set_no_aa, bool, no_aa)
SETTER(fake_set_tc, bool, tc)
SETTER(fake_set_no_soa, bool, no_soa)

#define GETTER(fn, type, field)						\
type									\
fn(struct fake *f, const char *addr)					\
{									\
	type val;							\
									\
	pthread_mutex_lock(&f->mu);					\
	val = view(f, addr)->field;					\
	pthread_mutex_unlock(&f->mu);					\
	return val;							\
}
GETTER(fake_queries, int, queries)
GETTER(fake_tcp_queries, int, tcp_queries)
GETTER(fake_last_rd, int, last_rd)
GETTER(fake_last_edns, int, last_edns)
GETTER(fake_first_ms, int64_t, first_ms)
