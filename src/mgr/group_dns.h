/*
 * The DNS facts of one group for this run (private to mgr/): its primary,
 * its authoritative servers and its MX hosts, looked up once and only when
 * a service of the group needs them (dane_tls).
 */
#ifndef SSLM_MGR_GROUP_DNS_H
#define SSLM_MGR_GROUP_DNS_H

#include <stdbool.h>

#include "config/conf.h"
#include "dns/dns.h"

struct group_dns {
	const struct conf_group *grp;
	bool looked_up;
	char *error;			/* why the look-up failed (NULL: fine) */
	struct dns_servers primary;
	struct dns_servers auth;
	bool have_auth;
	struct strvec mx;		/* MX hosts, for MX subtype items */
	bool mx_ok;
	char *mx_error;
};

void group_dns_init(struct group_dns *gd, const struct conf_group *grp);
void group_dns_clear(struct group_dns *gd);

/* Look up primary, apex check, auth servers and MX (once). 0 when the
 * primary and the auth servers are known; -1 with gd->error set. MX failures
 * are kept apart (gd->mx_ok false, gd->mx_error). */
int group_dns_lookup(struct group_dns *gd);

/* Does any item of the service need the MX hosts? */
bool group_dns_needs_mx(const struct conf_service *svc);

#endif
