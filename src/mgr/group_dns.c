/* The DNS look-ups of a group, done once per run (dns.md §3). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mgr/group_dns.h"

void
group_dns_init(struct group_dns *gd, const struct conf_group *grp)
{
	memset(gd, 0, sizeof(*gd));
	gd->grp = grp;
	dns_servers_init(&gd->primary);
	dns_servers_init(&gd->auth);
	strvec_init(&gd->mx);
}

void
group_dns_clear(struct group_dns *gd)
{
	dns_servers_clear(&gd->primary);
	dns_servers_clear(&gd->auth);
	strvec_clear(&gd->mx);
	free(gd->error);
	free(gd->mx_error);
	memset(gd, 0, sizeof(*gd));
}

bool
group_dns_needs_mx(const struct conf_service *svc)
{
	for (size_t i = 0; i < svc->n_dane; i++)
		if (svc->dane[i].subtype == CONF_DANE_MX)
			return true;
	return false;
}

static int
auth_port(void)
{
	const char *p = getenv("SSLM_TEST_AUTH_PORT");
	long v;
	char *end;

	if (p == NULL || *p == '\0')
		return 53;
	v = strtol(p, &end, 10);
	return (*end == '\0' && v > 0 && v < 65536) ? (int)v : 53;
}

int
group_dns_lookup(struct group_dns *gd)
{
	const struct conf_dns_primary *dp = gd->grp->dns_primary;
	struct strvec warnings;
	struct sslm_err err;
	char *apex = NULL;
	int rc = -1;

	if (gd->looked_up)
		return gd->error == NULL ? 0 : -1;
	gd->looked_up = true;
	strvec_init(&warnings);
	sslm_err_clear(&err);
	if (dp == NULL) {
		gd->error = str_printf("no [[dns_primary]] entry for group %s",
		    gd->grp->name);
		goto out;
	}
	if (dns_primary_servers(dp->server, dp->port, &gd->primary, &err) == -1 ||
	    dns_find_apex(&gd->primary, gd->grp->name, &apex, &err) == -1)
		goto fail;
	if (!str_case_eq(apex, gd->grp->name)) {
		gd->error = str_printf("%s is not a zone apex (zone is %s)",
		    gd->grp->name, apex);
		goto out;
	}
	/* Authoritative servers answer on port 53; test beds may move them. */
	if (dns_auth_servers(&gd->primary, gd->grp->name, auth_port(), &gd->auth,
	    &warnings, &err) == -1)
		goto fail;
	for (size_t i = 0; i < warnings.n; i++)
		log_warn("%s", warnings.v[i]);
	gd->have_auth = true;
	if (dns_mx_hosts(&gd->primary, gd->grp->name, &gd->mx, &err) == 0)
		gd->mx_ok = true;
	else
		gd->mx_error = str_printf("%s", err.msg);
	rc = 0;
	goto out;
 fail:
	gd->error = str_printf("%s", err.msg);
 out:
	if (gd->error == NULL && rc == -1)
		gd->error = str_printf("DNS look-up of %s failed", gd->grp->name);
	strvec_clear(&warnings);
	free(apex);
	return rc;
}
