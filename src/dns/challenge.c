/*
 * Is a challenge name an ordinary name of its zone? (decisions.md
 * "Delegated challenges", field case 03.) A `_acme-challenge` name that is
 * a CNAME (or DNAME target) elsewhere, or that sits in a delegated child
 * zone, must not get TXT records in the apex zone's include file: the zone
 * would not load, or the records would never be seen by the CA.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"

/* Is child at or below parent (both absolute names)? */
static bool
at_or_below(const ldns_rdf *child, const ldns_rdf *parent)
{
	return ldns_dname_compare(child, parent) == 0 ||
	    ldns_dname_is_subdomain(child, parent);
}

int
dns_challenge_check(const struct dns_servers *primary, const char *apex,
    const char *owner, struct sslm_err *err)
{
	const char *names[1] = { owner };
	const ldns_rr_type types[1] = { LDNS_RR_TYPE_TXT };
	ldns_rdf *own = NULL, *zone = NULL;
	struct pans ans;
	char *shown = NULL, *target = NULL;
	int rc = -1;

	memset(&ans, 0, sizeof(ans));
	if (ldns_str2rdf_dname(&own, owner) != LDNS_STATUS_OK ||
	    ldns_str2rdf_dname(&zone, apex) != LDNS_STATUS_OK) {
		sslm_err_set(err, "bad name '%s' or '%s'", owner, apex);
		goto out;
	}
	ldns_dname2canonical(own);
	ldns_dname2canonical(zone);
	if ((shown = ns_sanitize(owner)) == NULL)
		goto oom;
	if (ns_ask_primary(primary, names, types, 1, &ans, err) == -1)
		goto out;
	if (ans.pkt == NULL) {
		sslm_err_set(err, "cannot ask the primary about %s: %s", shown, ans.why);
		goto out;
	}
	/* A CNAME or DNAME on the way to the name. */
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(ans.pkt)) &&
	    i < DNSQ_MAX_RRS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(ans.pkt), i);
		ldns_rr_type t = ldns_rr_get_type(rr);

		if ((t != LDNS_RR_TYPE_CNAME && t != LDNS_RR_TYPE_DNAME) ||
		    ldns_rr_rd_count(rr) < 1)
			continue;
		if ((target = ns_dname_text(ldns_rr_rdf(rr, 0))) == NULL)
			goto oom;
		sslm_err_set(err, "%s is a %s to %s; challenge records must go "
		    "there, which this version does not do (remove the %s, or "
		    "use http-01)", shown, t == LDNS_RR_TYPE_CNAME ? "CNAME" :
		    "DNAME", target, t == LDNS_RR_TYPE_CNAME ? "CNAME" : "DNAME");
		goto out;
	}
	/* A referral: NS records for a child zone between apex and name. */
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_authority(ans.pkt)) &&
	    i < DNSQ_MAX_RRS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_authority(ans.pkt), i);
		ldns_rdf *o = ldns_rr_owner(rr);

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
		    ldns_dname_compare(o, zone) == 0 ||
		    !ldns_dname_is_subdomain(o, zone) || !at_or_below(own, o))
			continue;
		if ((target = ns_dname_text(o)) == NULL)
			goto oom;
		sslm_err_set(err, "%s is in the delegated zone %s; challenge "
		    "records must be published there, which this version does "
		    "not do", shown, target);
		goto out;
	}
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	ldns_pkt_free(ans.pkt);
	ldns_rdf_deep_free(own);
	ldns_rdf_deep_free(zone);
	free(shown);
	free(target);
	return rc;
}
