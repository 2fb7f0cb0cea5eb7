/*
 * One round of agreement queries (dns.md §4.7 steps 3-5): every active
 * server gets one query per expected owner and one SOA, the primary one
 * SOA, all in a single batch; then each server is judged.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"

/* Longest "missing" text kept per server; the rest becomes ", ...". */
#define MISSING_MAX	1500

void
ns_srv_init(struct ns_srv *s, const struct dns_server *srv, bool extra)
{
	memset(s, 0, sizeof(*s));
	s->srv = srv;
	s->extra = extra;
	strvec_init(&s->lacks);
}

void
ns_srv_clear(struct ns_srv *s)
{
	free(s->missing);
	s->missing = NULL;
	strvec_clear(&s->lacks);
}

/* Append "<sep><piece>" to *text, bounded; -1 on OOM. */
static int
text_add(char **text, const char *sep, const char *piece)
{
	char *n;

	if (*text != NULL && strlen(*text) > MISSING_MAX) {
		if (!str_has_suffix(*text, ", ...")) {
			n = str_printf("%s, ...", *text);
			if (n == NULL)
				return -1;
			free(*text);
			*text = n;
		}
		return 0;
	}
	n = str_printf("%s%s%s", *text ? *text : "", *text ? sep : "", piece);
	if (n == NULL)
		return -1;
	free(*text);
	*text = n;
	return 0;
}

/* Note every value of exp the answer lacks; -1 on OOM. */
static int
judge_values(struct ns_srv *s, const struct dns_expect *e,
    const ldns_rdf *owner, const ldns_pkt *pkt)
{
	char *co = NULL, *cv = NULL, *line = NULL;
	bool first = true;
	int rc = -1;

	if ((co = ns_sanitize(e->owner)) == NULL)
		goto out;
	for (size_t v = 0; v < e->values.n; v++) {
		if (ns_answer_has(pkt, owner, e->type, e->values.v[v]))
			continue;
		free(cv);
		if ((cv = ns_sanitize(e->values.v[v])) == NULL)
			goto out;
		free(line);
		if ((line = str_printf("%s %s %s", co, ns_type_name(e->type),
		    cv)) == NULL || strvec_push(&s->lacks, line) == -1)
			goto out;
		free(line);
		if ((line = first ? str_printf("%s missing %s", co, cv) :
		    str_dup(cv)) == NULL ||
		    text_add(&s->missing, ", ", line) == -1)
			goto out;
		first = false;
	}
	rc = 0;
 out:
	free(co);
	free(cv);
	free(line);
	return rc;
}

static int
judge(struct ns_srv *s, const struct ns_round *r, const struct dnsq *q,
    ldns_rdf *const *owners, const ldns_rdf *apex)
{
	enum ns_reason worst = NSR_OK, x;

	free(s->missing);
	s->missing = NULL;
	strvec_clear(&s->lacks);
	s->asked = true;
	s->rcode = 0;
	s->have_serial = false;
	for (size_t e = 0; e < r->n_exp; e++) {
		x = ns_query_reason(&q[e], s->srv->need_aa);
		if (x != NSR_OK) {
			if (worst == NSR_OK || x < worst) {
				worst = x;
				s->rcode = q[e].rcode;
			}
			continue;
		}
		if (judge_values(s, &r->exp[e], owners[e], q[e].pkt) == -1)
			return -1;
	}
	if (worst == NSR_OK && s->lacks.n > 0)
		worst = NSR_MISSING;
	s->reason = worst;
	s->agreed = worst == NSR_OK;
	if (apex != NULL && q[r->n_exp].outcome == DNSQ_ANSWER &&
	    q[r->n_exp].rcode == LDNS_RCODE_NOERROR)
		s->have_serial = ns_answer_serial(q[r->n_exp].pkt, apex,
		    &s->serial);
	return 0;
}

int
ns_round_run(struct ns_round *r, struct ns_srv *sv, size_t n,
    struct sslm_err *err)
{
	size_t per = r->n_exp + (r->apex != NULL ? 1 : 0), np, active = 0, k = 0;
	size_t nq = 0;
	struct dnsq *q = NULL;
	ldns_rdf **owners = NULL, *apex = NULL;
	char *apex_q = NULL;
	int rc = -1;

	np = (r->apex != NULL && r->primary != NULL) ? r->primary->n : 0;
	for (size_t i = 0; i < n; i++)
		if (sv[i].active)
			active++;
	if (active > (DNSQ_MAX_BATCH - np) / (per > 0 ? per : 1)) {
		sslm_err_set(err, "too many name servers and names to ask at "
		    "once (%zu servers x %zu names)", active, per);
		goto out;
	}
	nq = active * per + np;
	if ((q = calloc(nq > 0 ? nq : 1, sizeof(*q))) == NULL ||
	    (owners = calloc(r->n_exp > 0 ? r->n_exp : 1,
	    sizeof(*owners))) == NULL)
		goto oom;
	for (size_t e = 0; e < r->n_exp; e++) {
		if (r->exp[e].owner == NULL ||
		    (owners[e] = ldns_dname_new_frm_str(r->exp[e].owner)) == NULL) {
			sslm_err_set(err, "not a valid owner name in the records "
			    "to check");
			goto out;
		}
	}
	if (r->apex != NULL) {
		if ((apex = ldns_dname_new_frm_str(r->apex)) == NULL) {
			sslm_err_set(err, "not a valid zone name to check");
			goto out;
		}
		if ((apex_q = ldns_rdf2str(apex)) == NULL)
			goto oom;
	}
	for (size_t i = 0; i < n; i++) {
		const struct dns_server *d = sv[i].srv;

		if (!sv[i].active)
			continue;
		for (size_t e = 0; e < r->n_exp; e++)
			dnsq_init(&q[k++], (const struct sockaddr *)&d->addr,
			    d->addrlen, r->exp[e].owner, r->exp[e].type ==
			    DNS_RR_TLSA ? LDNS_RR_TYPE_TLSA : LDNS_RR_TYPE_TXT,
			    d->rd);
		if (apex != NULL)
			dnsq_init(&q[k++], (const struct sockaddr *)&d->addr,
			    d->addrlen, apex_q, LDNS_RR_TYPE_SOA, d->rd);
	}
	for (size_t a = 0; a < np; a++)
		dnsq_init(&q[k++], (const struct sockaddr *)&r->primary->v[a].addr,
		    r->primary->v[a].addrlen, apex_q, LDNS_RR_TYPE_SOA,
		    r->primary->v[a].rd);
	if (dnsq_run(q, nq, err) == -1)
		goto out;
	/* The reference: first primary address with an SOA answer. */
	r->have_ref = false;
	for (size_t a = 0; a < np && !r->have_ref; a++) {
		struct dnsq *x = &q[active * per + a];

		if (x->outcome == DNSQ_ANSWER && x->rcode == LDNS_RCODE_NOERROR)
			r->have_ref = ns_answer_serial(x->pkt, apex, &r->ref);
	}
	k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!sv[i].active)
			continue;
		if (judge(&sv[i], r, &q[k], owners, apex) == -1)
			goto oom;
		k += per;
	}
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	for (size_t i = 0; q != NULL && i < nq; i++)
		dnsq_clear(&q[i]);
	free(q);
	for (size_t e = 0; owners != NULL && e < r->n_exp; e++)
		ldns_rdf_deep_free(owners[e]);
	free(owners);
	ldns_rdf_deep_free(apex);
	free(apex_q);
	return rc;
}

size_t
ns_drop_unreachable(struct ns_srv *sv, size_t n)
{
	size_t dropped = 0;

	for (size_t i = 0; i < n; i++) {
		bool others = false;

		if (sv[i].reason != NSR_UNREACHABLE || sv[i].dropped)
			continue;
		for (size_t j = 0; j < n && !others; j++)
			others = j != i && !sv[j].dropped &&
			    str_eq(sv[j].srv->name, sv[i].srv->name);
		if (others) {
			sv[i].dropped = true;
			dropped++;
		}
	}
	return dropped;
}

char *
ns_srv_lag_text(const struct ns_srv *s, const struct ns_round *r)
{
	char word[32], serial[64] = "";

	ns_reason_text(s->reason, s->rcode, word, sizeof(word));
	if (s->have_serial && r->have_ref && dns_serial_cmp(s->serial,
	    r->ref) < 0)
		snprintf(serial, sizeof(serial), ", serial %u < %u",
		    (unsigned)s->serial, (unsigned)r->ref);
	if (!s->asked)
		return str_printf("%s not asked", s->srv->key);
	return str_printf("%s %s%s", s->srv->key,
	    s->reason == NSR_MISSING && s->missing ? s->missing : word, serial);
}
