/*
 * Asking the primary (dns.md §3.2: every address, first answer wins) and
 * the SOA walk to the zone apex (§3.3 step 0).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"

int
ns_ask_primary(const struct dns_servers *p, const char *const *names,
    const ldns_rr_type *types, size_t m, struct pans *out,
    struct sslm_err *err)
{
	struct dnsq *q = NULL;
	size_t n = p->n * m;
	int rc = -1;

	for (size_t i = 0; i < m; i++) {
		out[i].pkt = NULL;
		snprintf(out[i].why, sizeof(out[i].why), "no primary address");
	}
	if (n == 0)
		return 0;
	if ((q = calloc(n, sizeof(*q))) == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < m; i++)
		for (size_t a = 0; a < p->n; a++)
			dnsq_init(&q[i * p->n + a],
			    (const struct sockaddr *)&p->v[a].addr,
			    p->v[a].addrlen, names[i], types[i], p->v[a].rd);
	if (dnsq_run(q, n, err) == -1)
		goto out;
	for (size_t i = 0; i < m; i++) {
		for (size_t a = p->n; a-- > 0;) {
			struct dnsq *x = &q[i * p->n + a];
			enum ns_reason r = ns_query_reason(x, false);
			char word[32];

			if (r == NSR_OK || r == NSR_NXDOMAIN) {
				ldns_pkt_free(out[i].pkt);
				out[i].pkt = x->pkt;
				x->pkt = NULL;
				continue;
			}
			/* Walking backwards leaves the first address's reason. */
			ns_reason_text(r, x->rcode, word, sizeof(word));
			snprintf(out[i].why, sizeof(out[i].why), "%s %s",
			    p->v[a].key, word);
		}
	}
	rc = 0;
 out:
	for (size_t i = 0; i < n; i++)
		dnsq_clear(&q[i]);
	free(q);
	return rc;
}

static bool
is_root(const ldns_rdf *d)
{
	return ldns_rdf_size(d) == 1;
}

/* The apex named by an answer to SOA <qn>, or NULL (dns.md §3.3 step 0). */
static const ldns_rdf *
soa_apex(const ldns_pkt *pkt, const ldns_rdf *qn)
{
	const ldns_rr_list *l = ldns_pkt_answer(pkt);
	size_t n = ldns_rr_list_rr_count(l);
	bool cname = false;

	for (size_t i = 0; i < n && i < DNSQ_MAX_RRS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);

		if (ldns_dname_compare(ldns_rr_owner(rr), qn) != 0)
			continue;
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA)
			return ldns_rr_owner(rr);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME)
			cname = true;
	}
	/* An alias is never an apex, and the SOA after it is the target's. */
	if (cname)
		return NULL;
	l = ldns_pkt_authority(pkt);
	n = ldns_rr_list_rr_count(l);
	for (size_t i = 0; i < n && i < DNSQ_MAX_RRS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *o = ldns_rr_owner(rr);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA &&
		    (ldns_dname_compare(o, qn) == 0 ||
		    ldns_dname_is_subdomain(qn, o)))
			return o;
	}
	return NULL;
}

/* Lower case, without the trailing dot; NULL on OOM. */
static char *
apex_text(const ldns_rdf *d)
{
	char *t = ns_dname_text(d);
	size_t len;

	if (t != NULL && (len = strlen(t)) > 1 && t[len - 1] == '.')
		t[len - 1] = '\0';
	return t;
}

int
dns_find_apex(const struct dns_servers *primary, const char *name,
    char **apex, struct sslm_err *err)
{
	ldns_rdf *cur = NULL, *up;
	char *qtext = NULL, *clean = NULL;
	struct pans ans = { .pkt = NULL };
	const ldns_rdf *found;
	ldns_rr_type soa = LDNS_RR_TYPE_SOA;
	int rc = -1;

	*apex = NULL;
	if ((clean = ns_sanitize(name)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (name == NULL || *name == '\0' || strlen(name) > 253 ||
	    (cur = ldns_dname_new_frm_str(name)) == NULL || is_root(cur)) {
		sslm_err_set(err, "cannot find the zone of '%s': not a valid "
		    "domain name", clean);
		goto out;
	}
	for (int step = 0; step < NS_MAX_LABELS; step++) {
		free(qtext);
		if ((qtext = ldns_rdf2str(cur)) == NULL) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
		ldns_pkt_free(ans.pkt);
		ans.pkt = NULL;
		if (ns_ask_primary(primary, (const char *const *)&qtext, &soa, 1,
		    &ans, err) == -1)
			goto out;
		if (ans.pkt == NULL) {
			sslm_err_set(err, "cannot find the zone of %s: SOA query "
			    "at the primary failed (%s)", clean, ans.why);
			goto out;
		}
		if ((found = soa_apex(ans.pkt, cur)) != NULL) {
			if (is_root(found))
				break;
			if ((*apex = apex_text(found)) == NULL) {
				sslm_err_set(err, "out of memory");
				goto out;
			}
			rc = 0;
			goto out;
		}
		if (is_root(cur))
			break;
		if ((up = ldns_dname_left_chop(cur)) == NULL) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
		ldns_rdf_deep_free(cur);
		cur = up;
	}
	sslm_err_set(err, "cannot find the zone of %s: the primary names no "
	    "zone below the root for it", clean);
 out:
	ldns_pkt_free(ans.pkt);
	ldns_rdf_deep_free(cur);
	free(qtext);
	free(clean);
	return rc;
}
