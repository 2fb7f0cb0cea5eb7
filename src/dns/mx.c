/*
 * The MX hosts of an apex (for DANE, tlsa.md §3.3) and RFC 1982 serial
 * arithmetic.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"

struct mx {
	unsigned pref;
	char *name;
};

static int
mx_cmp(const void *a, const void *b)
{
	const struct mx *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->name, y->name);
}

int
dns_mx_hosts(const struct dns_servers *primary, const char *apex,
    struct strvec *hosts, struct sslm_err *err)
{
	struct pans ans = { .pkt = NULL };
	struct mx *mx = NULL;
	ldns_rdf *ardf = NULL;
	ldns_rr_type t = LDNS_RR_TYPE_MX;
	const ldns_rr_list *l;
	char *clean = NULL, *qtext = NULL;
	size_t n, k = 0;
	int rc = -1;

	if ((clean = ns_sanitize(apex)) == NULL)
		goto oom;
	if (apex == NULL || (ardf = ldns_dname_new_frm_str(apex)) == NULL) {
		sslm_err_set(err, "MX look-up of %s: not a domain name", clean);
		goto out;
	}
	if ((qtext = ldns_rdf2str(ardf)) == NULL)
		goto oom;
	if (ns_ask_primary(primary, (const char *const *)&qtext, &t, 1, &ans,
	    err) == -1)
		goto out;
	/* NXDOMAIN for an apex is as wrong as a timeout: keep old records. */
	if (ans.pkt == NULL || ldns_pkt_get_rcode(ans.pkt) != LDNS_RCODE_NOERROR) {
		sslm_err_set(err, "MX look-up of %s at the primary failed: %s",
		    clean, ans.pkt == NULL ? ans.why : "nxdomain");
		goto out;
	}
	l = ldns_pkt_answer(ans.pkt);
	n = ldns_rr_list_rr_count(l);
	if (n > NS_MAX_MX)
		n = NS_MAX_MX;
	if (n > 0 && (mx = calloc(n, sizeof(*mx))) == NULL)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *pref, *host;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX ||
		    ldns_rr_rd_count(rr) != 2 ||
		    ldns_dname_compare(ldns_rr_owner(rr), ardf) != 0)
			continue;
		pref = ldns_rr_rdf(rr, 0);
		host = ldns_rr_rdf(rr, 1);
		/* Null MX (RFC 7505): the domain takes no mail. */
		if (ldns_rdf_size(pref) != 2 || ldns_rdf_size(host) <= 1)
			continue;
		if ((mx[k].name = ns_dname_text(host)) == NULL)
			goto oom;
		mx[k++].pref = ldns_rdf2native_int16(pref);
	}
	if (k > 0)
		qsort(mx, k, sizeof(*mx), mx_cmp);
	for (size_t i = 0; i < k; i++)
		if (!strvec_contains(hosts, mx[i].name) &&
		    strvec_push(hosts, mx[i].name) == -1)
			goto oom;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	for (size_t i = 0; i < k; i++)
		free(mx[i].name);
	free(mx);
	ldns_pkt_free(ans.pkt);
	ldns_rdf_deep_free(ardf);
	free(qtext);
	free(clean);
	return rc;
}

int
dns_serial_cmp(uint32_t a, uint32_t b)
{
	/* RFC 1982 §3.2: a < b when the distance from a up to b, modulo
	 * 2^32, is below 2^31. At exactly 2^31 the order is undefined; we
	 * call it "not older" so no lag is claimed on a guess. */
	uint32_t up = b - a;

	if (up == 0)
		return 0;
	return (up < 0x80000000u) ? -1 : 1;
}
