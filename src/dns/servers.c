/*
 * Server lists: the primary (dns.md §3.2), the extra servers (§3.4) and
 * the helpers that turn names into addresses through the system resolver.
 */
#include "config.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"

void
dns_servers_init(struct dns_servers *s)
{
	s->v = NULL;
	s->n = 0;
}

void
dns_servers_clear(struct dns_servers *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].key);
		free(s->v[i].name);
	}
	free(s->v);
	dns_servers_init(s);
}

int
ns_servers_add(struct dns_servers *s, const char *name,
    const struct sockaddr *sa, socklen_t len, bool rd, bool need_aa)
{
	struct dns_server *v, *d;
	char addr[NI_MAXHOST];
	char *clean = NULL;
	int rc = -1;

	if (len > sizeof(d->addr))
		return -1;
	if ((v = realloc(s->v, (s->n + 1) * sizeof(*v))) == NULL)
		return -1;
	s->v = v;
	d = &s->v[s->n];
	memset(d, 0, sizeof(*d));
	if (len > 0)
		dnsq_addr_text(sa, len, addr, sizeof(addr));
	else
		snprintf(addr, sizeof(addr), "no address");
	if ((clean = ns_sanitize(name)) == NULL ||
	    (d->key = str_printf("%s (%s)", clean, addr)) == NULL ||
	    (d->name = str_dup(name)) == NULL) {
		free(d->key);
		goto out;
	}
	if (len > 0)
		memcpy(&d->addr, sa, len);
	d->addrlen = len;
	d->rd = rd;
	d->need_aa = need_aa;
	s->n++;
	rc = 0;
 out:
	free(clean);
	return rc;
}

bool
ns_servers_have_host(const struct dns_servers *s, const struct sockaddr *sa)
{
	for (size_t i = 0; s != NULL && i < s->n; i++)
		if (s->v[i].addrlen > 0 &&
		    dnsq_host_eq((const struct sockaddr *)&s->v[i].addr, sa))
			return true;
	return false;
}

bool
ns_servers_have_host_of(const struct dns_servers *s, const char *name,
    const struct sockaddr *sa)
{
	for (size_t i = 0; s != NULL && i < s->n; i++)
		if (s->v[i].addrlen > 0 && str_eq(s->v[i].name, name) &&
		    dnsq_host_eq((const struct sockaddr *)&s->v[i].addr, sa))
			return true;
	return false;
}

static void
set_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

static bool
addrs_have(const struct ns_addrs *out, const struct sockaddr *sa)
{
	for (size_t i = 0; i < out->n; i++)
		if (dnsq_host_eq((const struct sockaddr *)&out->a[i], sa))
			return true;
	return false;
}

static void
addrs_take(struct ns_addrs *out, const struct addrinfo *res, int family,
    int port)
{
	size_t taken = 0;

	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		if ((family != AF_UNSPEC && ai->ai_family != family) ||
		    (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(out->a[0]) ||
		    addrs_have(out, ai->ai_addr))
			continue;
		if (taken >= NS_MAX_ADDRS || out->n >= 2 * NS_MAX_ADDRS)
			break;
		memset(&out->a[out->n], 0, sizeof(out->a[0]));
		memcpy(&out->a[out->n], ai->ai_addr, ai->ai_addrlen);
		out->len[out->n] = ai->ai_addrlen;
		set_port(&out->a[out->n], port);
		out->n++;
		taken++;
	}
}

int
ns_resolve(const char *host, int port, bool v4_first, struct ns_addrs *out,
    struct sslm_err *err)
{
	struct addrinfo hints, *res = NULL;
	char *clean = NULL;
	int r, rc = -1;

	out->n = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	/* An IP literal must not turn into a DNS look-up. */
	hints.ai_flags = AI_NUMERICHOST;
	if ((r = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		hints.ai_flags = 0;
		r = getaddrinfo(host, NULL, &hints, &res);
	}
	if (r != 0) {
		clean = ns_sanitize(host);
		sslm_err_set(err, "cannot resolve %s: %s", clean ? clean : "name",
		    gai_strerror(r));
		goto out;
	}
	if (v4_first) {
		addrs_take(out, res, AF_INET, port);
		addrs_take(out, res, AF_INET6, port);
	} else		/* the resolver's order (dns.md §3.2) */
		addrs_take(out, res, AF_UNSPEC, port);
	if (out->n == 0) {
		clean = ns_sanitize(host);
		sslm_err_set(err, "cannot resolve %s: no IPv4 or IPv6 address",
		    clean ? clean : "name");
		goto out;
	}
	rc = 0;
 out:
	if (res != NULL)
		freeaddrinfo(res);
	free(clean);
	return rc;
}

static bool
port_ok(int port)
{
	return port > 0 && port <= 65535;
}

int
dns_primary_servers(const char *server, int port, struct dns_servers *out,
    struct sslm_err *err)
{
	struct ns_addrs addrs;
	struct sslm_err why;
	char *clean = NULL;
	int rc = -1;

	if (server == NULL || *server == '\0') {
		sslm_err_set(err, "DNS primary: no server given (set server in "
		    "[[dns_primary]])");
		goto out;
	}
	if ((clean = ns_sanitize(server)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (!port_ok(port)) {
		sslm_err_set(err, "DNS primary %s: port %d is not in 1-65535",
		    clean, port);
		goto out;
	}
	if (ns_resolve(server, port, false, &addrs, &why) == -1) {
		sslm_err_set(err, "DNS primary: %s (check server in "
		    "[[dns_primary]])", why.msg);
		goto out;
	}
	for (size_t i = 0; i < addrs.n; i++) {
		if (ns_servers_add(out, server, (struct sockaddr *)&addrs.a[i],
		    addrs.len[i], true, false) == -1) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
	}
	rc = 0;
 out:
	free(clean);
	return rc;
}

int
dns_extra_servers(const struct strvec *entries, int port,
    const struct dns_servers *auth, struct dns_servers *out,
    struct sslm_err *err)
{
	struct ns_addrs addrs;
	struct sslm_err why;

	if (!port_ok(port)) {
		sslm_err_set(err, "extra name servers: port %d is not in 1-65535",
		    port);
		return -1;
	}
	for (size_t i = 0; entries != NULL && i < entries->n; i++) {
		const char *e = entries->v[i];

		/* Extras are advisory (decisions.md): one that cannot be
		 * resolved is reported and left out, not fatal. */
		if (ns_resolve(e, port, true, &addrs, &why) == -1) {
			log_warn("extra name server (dns_xtra_ns): %s; not "
			    "checked", why.msg);
			continue;
		}
		for (size_t j = 0; j < addrs.n; j++) {
			const struct sockaddr *sa =
			    (const struct sockaddr *)&addrs.a[j];

			if (ns_servers_have_host(auth, sa) ||
			    ns_servers_have_host(out, sa))
				continue;
			if (ns_servers_add(out, e, sa, addrs.len[j], true,
			    false) == -1) {
				sslm_err_set(err, "out of memory");
				return -1;
			}
		}
	}
	return 0;
}
