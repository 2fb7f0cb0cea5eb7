/*
 * Checks across files, run once everything is read: what the selected
 * services need from ssl-mgr.conf (DNS server, [dns], [web]) and whether
 * prod_cert_dir can be mirrored to remote hosts. The original found these
 * mid-run, after keys were made; we refuse before anything is touched.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/internal.h"

#define MAIN_REL "conf.d/ssl-mgr.conf"

/* The look-up domain of group ca: the local host's domain, i.e. the last
 * two labels of the host name (config.md §3.5). */
static void
local_domain(char *buf, size_t len)
{
	char host[256];
	char *last, *prev = NULL;

	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	last = strrchr(host, '.');
	if (last != NULL) {
		*last = '\0';
		prev = strrchr(host, '.');
		*last = '.';
	}
	snprintf(buf, len, "%s", prev != NULL ? prev + 1 : host);
}

/*
 * One rule for every "is this server me?" question (distribution.md §1):
 * the short or full host name or its canonical name, ignoring case;
 * localhost, IP literals and user@host are remote.
 */
bool
conf_server_is_local(const char *server)
{
	struct addrinfo hints, *ai = NULL;
	unsigned char buf[16];
	char host[256], shorthost[256];
	bool local = false;

	if (strchr(server, '@') != NULL || str_case_eq(server, "localhost") ||
	    inet_pton(AF_INET, server, buf) == 1 ||
	    inet_pton(AF_INET6, server, buf) == 1)
		return false;
	if (gethostname(host, sizeof(host)) != 0)
		return false;
	host[sizeof(host) - 1] = '\0';
	snprintf(shorthost, sizeof(shorthost), "%.*s",
	    (int)strcspn(host, "."), host);
	if (str_case_eq(server, host) || str_case_eq(server, shorthost))
		return true;
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	hints.ai_family = AF_UNSPEC;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai != NULL &&
	    ai->ai_canonname != NULL)
		local = str_case_eq(server, ai->ai_canonname);
	if (ai != NULL)
		freeaddrinfo(ai);
	return local;
}

/* A remote mirror uses the same absolute path there (distribution.md
 * §3.1): a TOP-relative prod_cert_dir cannot be mirrored. */
/* Is path dir itself or inside it (both absolute, normalised)? */
static bool
path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* "/" and the folders of the system itself (FHS), which no tool may
 * treat as its own. */
static bool
system_dir(const char *path)
{
	static const char *const dirs[] = {
		"/", "/bin", "/boot", "/dev", "/etc", "/etc/ssl", "/etc/ssh",
		"/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc",
		"/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr",
		"/usr/local", "/var", "/var/lib", "/var/log", "/var/www",
	};
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strlen(dirs[i]) == n && strncmp(dirs[i], path, n) == 0)
			return true;
	return false;
}

static void
check_prod_cert_dir(struct loader *L)
{
	const struct conf *c = L->c;
	char *certs = str_printf("%s/certs", c->top);

	/* The mirror deletes what is not in the source: pointed at the
	 * database or the config it would destroy them. */
	if (certs != NULL && c->g.prod_cert_dir != NULL &&
	    (path_within(c->g.prod_cert_dir, certs) ||
	    path_within(c->g.prod_cert_dir, c->conf_dir) ||
	    strcmp(c->g.prod_cert_dir, c->top) == 0 ||
	    path_within(certs, c->g.prod_cert_dir)))
		diag_error(L->d, MAIN_REL, c->g.prod_cert_dir_line > 0 ?
		    c->g.prod_cert_dir_line : 1, "[globals] prod_cert_dir: '%s' "
		    "overlaps the top dir's certs/ or conf.d/ (production must "
		    "be a folder of its own, e.g. %s/prod-certs)",
		    c->g.prod_cert_dir, c->top);
	free(certs);
	/* The remote mirror makes the servers' folder an exact copy, deleting
	 * what is not in it: a system folder there would be wiped. */
	if (c->g.prod_cert_dir != NULL && system_dir(c->g.prod_cert_dir))
		diag_error(L->d, MAIN_REL, c->g.prod_cert_dir_line > 0 ?
		    c->g.prod_cert_dir_line : 1, "[globals] prod_cert_dir: '%s' "
		    "is a system folder; production must be a folder of its own "
		    "(e.g. /etc/ssl-mgr/prod-certs): it is mirrored exactly to "
		    "every server, deleting what else is there",
		    c->g.prod_cert_dir);
	if (c->g.prod_cert_dir_absolute)
		return;
	for (int i = 0; i < CONF_SERVER_N; i++) {
		const struct conf_server_section *s = &c->server[i];

		if (s->skip_prod_copy)
			continue;
		for (size_t j = 0; j < s->servers.n; j++) {
			if (conf_server_is_local(s->servers.v[j]))
				continue;
			diag_error(L->d, MAIN_REL, c->g.prod_cert_dir_line,
			    "[globals] prod_cert_dir: must be written as an "
			    "absolute path without '..' when [%s] copies to the "
			    "remote host '%s' (the mirror uses the same path "
			    "there)", conf_server_name((enum conf_server_id)i),
			    s->servers.v[j]);
			return;
		}
	}
}

/* What a selected service needs from ssl-mgr.conf. */
static void
check_service(struct loader *L, struct conf_group *g,
    const struct conf_service *s)
{
	const struct conf *c = L->c;
	const struct conf_server_section *web = &c->server[CONF_SERVER_WEB];
	const char *ca = s->signing_ca;

	if (s->signer == CONF_SIGNER_CERTBOT_DNS01 &&
	    (c->dns.acme_dirs.n == 0 || c->dns.restart_cmd.n == 0))
		diag_error(L->d, s->relpath, s->signing_ca_line, "signing_ca: "
		    "'%s' uses dns-01, which needs [dns] acme_dir and "
		    "restart_cmd in " MAIN_REL, ca);
	if (s->signer == CONF_SIGNER_CERTBOT_HTTP01 &&
	    (web->server_dir == NULL || web->servers.n == 0))
		diag_error(L->d, s->relpath, s->signing_ca_line, "signing_ca: "
		    "'%s' uses http-01, which needs [web] server_dir and [web] "
		    "servers in " MAIN_REL, ca);
	/* A chain of local CAs must end in a self-signed root: a cycle
	 * (root signed by its own intermediate) could never issue anything. */
	if (s->signer == CONF_SIGNER_LOCAL_CA && s->ca_service != s &&
	    strcmp(ca, s->service) != 0) {	/* "cannot sign itself": reported */
		const struct conf_service *cur = s->ca_service;

		for (int hop = 0; cur != NULL && hop < 64; hop++) {
			if (cur == s) {
				diag_error(L->d, s->relpath, s->signing_ca_line,
				    "signing_ca: '%s' leads back to '%s' (a CA "
				    "cycle; the root needs signing_ca = 'self')",
				    ca, s->service);
				break;
			}
			if (cur->signer != CONF_SIGNER_LOCAL_CA)
				break;
			cur = cur->ca_service != NULL ? cur->ca_service :
			    conf_find_service(c, "ca", cur->signing_ca);
		}
	}
	if (g->dns_primary != NULL)
		return;
	if (s->signer == CONF_SIGNER_CERTBOT_DNS01)
		diag_error(L->d, s->relpath, s->signing_ca_line, "signing_ca: "
		    "'%s' uses dns-01, but no [[dns_primary]] entry matches "
		    "group '%s' (add one with domain = '%s' or 'default')", ca,
		    g->name, g->name);
	if (s->n_dane > 0)
		diag_error(L->d, s->relpath, s->dane_line, "dane_tls: no "
		    "[[dns_primary]] entry matches group '%s' (add one with "
		    "domain = '%s' or 'default')", g->name, g->name);
}

void
checks_run(struct loader *L)
{
	struct conf *c = L->c;
	char dom[256];

	for (size_t i = 0; i < c->n_groups; i++) {
		struct conf_group *g = &c->groups[i];

		for (size_t j = 0; j < g->n_services; j++)
			if (g->services[j]->n_dane > 0 || g->services[j]->signer
			    == CONF_SIGNER_CERTBOT_DNS01)
				g->needs_dns = true;
		if (g->is_ca)
			local_domain(dom, sizeof(dom));
		else
			snprintf(dom, sizeof(dom), "%s", g->name);
		g->dns_primary = dns_primary_select(c, dom);
		for (size_t j = 0; j < g->n_services; j++)
			check_service(L, g, g->services[j]);
	}
	if (L->main_ok)
		check_prod_cert_dir(L);
}
