/*
 * The authoritative servers of an apex (dns.md §3.3 C): NS at the primary,
 * then A and AAAA of every NS name at the primary, every address a server.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"

/* Host-name syntax (letters, digits, hyphens); only such names go to the
 * system resolver, never raw bytes from an NS record. */
static bool
is_ldh(const char *s)
{
	size_t label = 0, total = 0;

	for (; *s; s++, total++) {
		if (*s == '.') {
			if (label == 0 && s[1] != '\0')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-')
			return false;
		if (++label > 63)
			return false;
	}
	return total > 0 && total <= 254;
}

/* Add every A / AAAA address of an answer as a server of name. */
static int
take_addrs(const ldns_pkt *pkt, ldns_rr_type t, const char *name, int port,
    struct dns_servers *out, size_t *added)
{
	const ldns_rr_list *l = pkt != NULL ? ldns_pkt_answer(pkt) : NULL;
	size_t n = ldns_rr_list_rr_count(l), taken = 0;

	for (size_t i = 0; i < n && i < DNSQ_MAX_RRS && taken < NS_MAX_ADDRS;
	    i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *a = ldns_rr_rdf(rr, 0);
		struct sockaddr_storage ss;
		socklen_t len;

		if (ldns_rr_get_type(rr) != t || a == NULL)
			continue;
		memset(&ss, 0, sizeof(ss));
		if (t == LDNS_RR_TYPE_A && ldns_rdf_size(a) == 4) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			memcpy(&s4->sin_addr, ldns_rdf_data(a), 4);
			len = sizeof(*s4);
		} else if (t == LDNS_RR_TYPE_AAAA && ldns_rdf_size(a) == 16) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			memcpy(&s6->sin6_addr, ldns_rdf_data(a), 16);
			len = sizeof(*s6);
		} else
			continue;
		if (ns_servers_have_host_of(out, name, (struct sockaddr *)&ss))
			continue;
		if (ns_servers_add(out, name, (struct sockaddr *)&ss, len,
		    false, true) == -1)
			return -1;
		taken++;
		(*added)++;
	}
	return 0;
}

/* The NS target names of apex in answer order, de-duplicated, bounded. */
static int
ns_names(const ldns_pkt *pkt, const ldns_rdf *apex, struct strvec *names)
{
	const ldns_rr_list *l = ldns_pkt_answer(pkt);
	size_t n = ldns_rr_list_rr_count(l);
	char *t;

	for (size_t i = 0; i < n && i < DNSQ_MAX_RRS &&
	    names->n < NS_MAX_NAMES; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
		    ldns_rr_rd_count(rr) < 1 ||
		    ldns_dname_compare(ldns_rr_owner(rr), apex) != 0)
			continue;
		if ((t = ns_dname_text(ldns_rr_rdf(rr, 0))) == NULL)
			return -1;
		if (strvec_contains(names, t)) {
			free(t);
			continue;
		}
		if (strvec_push_owned(names, t) == -1)
			return -1;
	}
	return 0;
}

/* No address at the primary: the system resolver (dns.md §3.3 step 2). */
static int
fallback(const char *name, int port, struct dns_servers *out,
    struct strvec *warnings)
{
	struct ns_addrs addrs;
	struct sslm_err why;
	char host[256], *w;
	size_t len = strlen(name);

	/* Without the root dot, as /etc/hosts spells names (glibc's files
	 * backend does not match "host."); with the default ndots:1 a name
	 * with a dot is still tried as it is before any search domain. */
	if (len > 1 && len < sizeof(host) && name[len - 1] == '.')
		len--;
	if (len < sizeof(host))
		snprintf(host, sizeof(host), "%.*s", (int)len, name);
	if (len < sizeof(host) && is_ldh(host) &&
	    ns_resolve(host, port, true, &addrs, &why) == 0) {
		for (size_t j = 0; j < addrs.n; j++)
			if (ns_servers_add(out, name,
			    (struct sockaddr *)&addrs.a[j], addrs.len[j], false,
			    true) == -1)
				return -1;
		return 0;
	}
	/* Kept as a server without address: it lags for ever (§3.3). */
	w = str_printf("name server %s has no address (no A or AAAA at the "
	    "primary, none from the system resolver); it can never agree",
	    name);
	if (w == NULL || (warnings != NULL && strvec_push_owned(warnings,
	    w) == -1))
		return -1;
	if (warnings == NULL)
		free(w);
	return ns_servers_add(out, name, NULL, 0, false, true);
}

static void
servers_truncate(struct dns_servers *s, size_t n)
{
	while (s->n > n) {
		s->n--;
		free(s->v[s->n].key);
		free(s->v[s->n].name);
	}
}

int
dns_auth_servers(const struct dns_servers *primary, const char *apex,
    int port, struct dns_servers *out, struct strvec *warnings,
    struct sslm_err *err)
{
	struct pans ns = { .pkt = NULL }, *ad = NULL;
	struct strvec names;
	ldns_rdf *ardf = NULL;
	const char **qn = NULL;
	ldns_rr_type *qt = NULL, nst = LDNS_RR_TYPE_NS;
	char *clean = NULL, *qtext = NULL;
	size_t n0 = out->n, m = 0, with_addr = 0;
	int rc = -1;

	strvec_init(&names);
	if ((clean = ns_sanitize(apex)) == NULL)
		goto oom;
	if (port <= 0 || port > 65535 || apex == NULL ||
	    (ardf = ldns_dname_new_frm_str(apex)) == NULL) {
		sslm_err_set(err, "unable to get authoritative name servers for "
		    "%s: bad name or port %d", clean, port);
		goto out;
	}
	if ((qtext = ldns_rdf2str(ardf)) == NULL)
		goto oom;
	if (ns_ask_primary(primary, (const char *const *)&qtext, &nst, 1, &ns,
	    err) == -1)
		goto out;
	if (ns.pkt == NULL || ldns_pkt_get_rcode(ns.pkt) != LDNS_RCODE_NOERROR) {
		sslm_err_set(err, "unable to get authoritative name servers for "
		    "%s: %s", clean, ns.pkt == NULL ? ns.why :
		    "the primary says it does not exist (nxdomain)");
		goto out;
	}
	if (ns_names(ns.pkt, ardf, &names) == -1)
		goto oom;
	if (names.n == 0) {
		sslm_err_set(err, "unable to get authoritative name servers for "
		    "%s: no NS records at the primary", clean);
		goto out;
	}
	m = 2 * names.n;
	if ((qn = calloc(m, sizeof(*qn))) == NULL ||
	    (qt = calloc(m, sizeof(*qt))) == NULL ||
	    (ad = calloc(m, sizeof(*ad))) == NULL)
		goto oom;
	for (size_t i = 0; i < names.n; i++) {
		qn[2 * i] = qn[2 * i + 1] = names.v[i];
		qt[2 * i] = LDNS_RR_TYPE_A;
		qt[2 * i + 1] = LDNS_RR_TYPE_AAAA;
	}
	if (ns_ask_primary(primary, qn, qt, m, ad, err) == -1)
		goto out;
	for (size_t i = 0; i < names.n; i++) {
		size_t added = 0;

		/* IPv4 first, then IPv6, per name (dns.md §3.3 step 2). */
		if (take_addrs(ad[2 * i].pkt, LDNS_RR_TYPE_A, names.v[i], port,
		    out, &added) == -1 ||
		    take_addrs(ad[2 * i + 1].pkt, LDNS_RR_TYPE_AAAA, names.v[i],
		    port, out, &added) == -1)
			goto oom;
		if (added == 0 && fallback(names.v[i], port, out,
		    warnings) == -1)
			goto oom;
	}
	for (size_t i = n0; i < out->n; i++)
		if (out->v[i].addrlen > 0)
			with_addr++;
	if (with_addr == 0) {
		sslm_err_set(err, "no authoritative name server of %s has an "
		    "address", clean);
		goto out;
	}
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	if (rc == -1)
		servers_truncate(out, n0);
	for (size_t i = 0; ad != NULL && i < m; i++)
		ldns_pkt_free(ad[i].pkt);
	free(ad);
	free(qn);
	free(qt);
	ldns_pkt_free(ns.pkt);
	ldns_rdf_deep_free(ardf);
	strvec_clear(&names);
	free(qtext);
	free(clean);
	return rc;
}
