/*
 * The content of the per-service file tlsa.rr (tlsa.md §3.3-§6): which
 * hosts get records, and the record lines.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "dns/tlsa_int.h"

/* A certificate read at most once per build; state -1 = unreadable. */
struct lazy_cert {
	const char *path;
	X509 *x;
	int state;
};

/* Lower case, trailing dots removed; NULL on allocation failure. */
static char *
host_norm(const char *name)
{
	char *h = str_dup(name);
	size_t n;

	if (h == NULL)
		return NULL;
	for (char *p = h; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	n = strlen(h);
	while (n > 0 && h[n - 1] == '.')
		h[--n] = '\0';
	return h;
}

/* LDH labels (and '_'), 1-63 characters each, at most 253 in all: the
 * names may come from DNS answers and are written into a zone file. */
static bool
host_ok(const char *h)
{
	size_t label = 0, n = strlen(h);

	if (n == 0 || n > 253)
		return false;
	for (; *h != '\0'; h++) {
		if (*h == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((*h >= 'a' && *h <= 'z') || (*h >= '0' && *h <= '9') ||
		    *h == '-' || *h == '_') || ++label > 63)
			return false;
	}
	return label > 0;
}

static bool
in_zone(const char *h, const char *apex)
{
	size_t hn = strlen(h), an = strlen(apex);

	return hn > an + 1 && h[hn - an - 1] == '.' &&
	    strcmp(h + hn - an, apex) == 0;
}

static int
warn_once(struct strvec *warnings, char *msg, struct sslm_err *err)
{
	int rc = 0;

	if (msg == NULL || (!strvec_contains(warnings, msg) &&
	    strvec_push(warnings, msg) != 0)) {
		sslm_err_set(err, "out of memory");
		rc = -1;
	}
	free(msg);
	return rc;
}

/*
 * Add one extra name (tlsa.md §3.3 steps 2-4): the null MX ".", the apex
 * and repeats are dropped quietly; a name outside the apex, or one that is
 * no host name, is dropped with a warning.
 */
static int
add_host(const char *apex, const char *raw,
    struct strvec *hosts, struct strvec *warnings, struct sslm_err *err)
{
	char *h = host_norm(raw);
	int rc = -1;

	if (h == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	rc = 0;
	if (h[0] == '\0' || strcmp(h, apex) == 0 || strvec_contains(hosts, h))
		goto out;
	if (!host_ok(h))
		rc = warn_once(warnings, str_printf("TLSA host '%s' is not a "
		    "valid host name; no record for it", raw), err);
	else if (!in_zone(h, apex))
		rc = warn_once(warnings, str_printf("TLSA host %s. is not in "
		    "zone %s; no record for it (it belongs in its own zone)",
		    h, apex), err);
	else if (strvec_push(hosts, h) != 0) {
		sslm_err_set(err, "out of memory");
		rc = -1;
	}
 out:
	free(h);
	return rc;
}

/* The extra names of one dane_tls item, in the order of tlsa.md §3.3. */
static int
extra_hosts(const struct conf_service *svc, const struct conf_dane *d,
    const char *apex, const struct strvec *mx_hosts, struct strvec *hosts,
    struct strvec *warnings, struct sslm_err *err)
{
	if (d->subtype == CONF_DANE_MX) {
		if (mx_hosts == NULL) {
			sslm_err_set(err, "%s: TLSA for port %d needs the MX hosts "
			    "of %s, but they were not looked up", svc->service,
			    d->port, apex);
			return -1;
		}
		size_t real = 0;

		for (size_t i = 0; i < mx_hosts->n; i++) {
			if (strcmp(mx_hosts->v[i], ".") != 0)
				real++;
			if (add_host(apex, mx_hosts->v[i], hosts,
			    warnings, err) != 0)
				return -1;
		}
		/* NODATA or only the null MX (RFC 7505). */
		if (real == 0)
			return warn_once(warnings, str_printf("%s has no MX "
			    "records; TLSA for port %d only at the apex", apex,
			    d->port), err);
		return 0;
	}
	for (size_t i = 0; i < svc->x509.n_sans; i++) {
		const struct conf_san *san = &svc->x509.sans[i];

		/* IP and wildcard SANs have no TLSA owner (quirk T4). */
		if (san->is_ip || str_has_prefix(san->name, "*."))
			continue;
		if (add_host(apex, san->name, hosts, warnings,
		    err) != 0)
			return -1;
	}
	return 0;
}

/* The certificate for a usage (tlsa.md §4): 0 and 2 name the issuing CA,
 * the first certificate of chain.pem; 1 and 3 the leaf of cert.pem. NULL
 * (with the warning of the originals added) when it cannot be read. */
static X509 *
cert_for(struct lazy_cert *lc, const char *apex, struct strvec *warnings,
    struct sslm_err *err, bool *oom)
{
	struct sslm_err rerr;

	*oom = false;
	if (lc->state == 0) {
		sslm_err_clear(&rerr);
		lc->x = lc->path != NULL ? crypto_cert_read(lc->path, &rerr) : NULL;
		lc->state = lc->x != NULL ? 1 : -1;
		if (lc->x == NULL && warn_once(warnings, str_printf("%s tlsa : bad "
		    "or missing cert - skipping (%s)", apex, lc->path != NULL ?
		    rerr.msg : "no file given"), err) != 0)
			*oom = true;
	}
	return lc->x;
}

static void
add_line(struct tlsa_buf *b, const struct conf_dane *d, const char *host,
    int ttl, const char *hex)
{
	tlsa_buf_printf(b, "_%d._%s.%s.", d->port, d->proto, host);
	if (ttl > 0)
		tlsa_buf_printf(b, " %d", ttl);
	tlsa_buf_printf(b, " IN TLSA %d %d %d %s\n", d->usage, d->selector,
	    d->match, hex);
}

int
dns_tlsa_rr_build(const struct conf_service *svc, const char *apex,
    const char *db_name, const char *cert_pem_path, const char *chain_pem_path,
    const struct strvec *mx_hosts, char **text, struct strvec *warnings,
    struct sslm_err *err)
{
	struct lazy_cert leaf = { cert_pem_path, NULL, 0 };
	struct lazy_cert issuer = { chain_pem_path, NULL, 0 };
	struct tlsa_buf b;
	struct strvec hosts;
	char *zone = NULL, *hex = NULL;
	size_t n_lines = 0;
	bool oom;
	int rc = -1;

	*text = NULL;
	tlsa_buf_init(&b);
	strvec_init(&hosts);
	if ((zone = host_norm(apex)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (!host_ok(zone)) {
		sslm_err_set(err, "TLSA: '%s' is not a valid apex domain", apex);
		goto out;
	}
	tlsa_buf_printf(&b, ";;\n;; tlsa %s %s %s\n;;\n", zone, svc->service,
	    db_name);
	for (size_t i = 0; i < svc->n_dane; i++) {
		const struct conf_dane *d = &svc->dane[i];
		bool ca = d->usage == 0 || d->usage == 2;
		X509 *x = cert_for(ca ? &issuer : &leaf, zone, warnings, err, &oom);

		if (oom)
			goto out;
		if (x == NULL)
			continue;
		free(hex);
		if (crypto_tlsa_data(x, d->selector, d->match, &hex, err) != 0)
			goto out;
		strvec_clear(&hosts);
		if (extra_hosts(svc, d, zone, mx_hosts, &hosts, warnings, err) != 0)
			goto out;
		add_line(&b, d, zone, svc->dane_tls_ttl, hex);
		for (size_t h = 0; h < hosts.n; h++)
			add_line(&b, d, hosts.v[h], svc->dane_tls_ttl, hex);
		n_lines += 1 + hosts.n;
	}
	/* tlsa.md §6: no record still gives the header and one empty line. */
	if (n_lines == 0)
		tlsa_buf_str(&b, "\n");
	if ((*text = tlsa_buf_take(&b)) == NULL) {
		sslm_err_set(err, "out of memory building tlsa.rr of %s",
		    svc->service);
		goto out;
	}
	rc = 0;
 out:
	X509_free(leaf.x);
	X509_free(issuer.x);
	tlsa_buf_clear(&b);
	strvec_clear(&hosts);
	free(hex);
	free(zone);
	return rc;
}
