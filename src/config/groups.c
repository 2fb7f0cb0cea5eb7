/*
 * [[groups]] (config.md §3.4) and [[dns_primary]] (§3.5) of ssl-mgr.conf.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

#define NAME_RULE "1-253 characters of A-Z a-z 0-9 . _ -, not starting " \
	"with '.' or '-'"

static const char *const group_keys[] = { "domain", "services", "active" };
static const char *const dnsp_keys[] = { "domain", "server", "port" };

static bool
is_wildcard(const char *s)
{
	return strcmp(s, "ALL") == 0 || strcmp(s, "*") == 0;
}

static void
cfg_group_free(struct cfg_group *g)
{
	free(g->domain);
	strvec_clear(&g->services);
	memset(g, 0, sizeof(*g));
}

void
cfg_groups_clear(struct cfg_groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		cfg_group_free(&g->v[i]);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

/* An array of tables, else report what was written instead. */
static bool
is_table_array(const struct toml_value *v, const char *name, const char *rel,
    struct conf_diags *d)
{
	bool ok = v->kind == TOML_ARRAY;

	for (size_t i = 0; ok && i < v->n_items; i++)
		ok = v->items[i]->kind == TOML_TABLE;
	if (!ok)
		diag_error(d, rel, v->line, "[[%s]]: expected an array of "
		    "tables, got %s%s%s%s", name, toml_kind_name(v->kind),
		    v->kind == TOML_TABLE ? " (write [[" : "",
		    v->kind == TOML_TABLE ? name : "",
		    v->kind == TOML_TABLE ? "]], not [...])" : "");
	return ok;
}

/* services = [...] or '*' / 'ALL'. Returns -1 on errors (reported). */
static int
group_services(const struct keyctx *kc, const struct toml_value *v,
    struct cfg_group *g)
{
	int rc = 0;

	if (v->kind == TOML_STRING && value_str(v) != NULL &&
	    is_wildcard(v->str)) {
		g->wildcard = true;
		return 0;
	}
	/* '' is "empty services": a warning for an active entry, like [] */
	if (v->kind == TOML_STRING && value_str(v) != NULL && v->str[0] == '\0')
		return 0;
	if (v->kind != TOML_ARRAY) {
		type_error(kc, "services", v, "an array of service names, or "
		    "'*' or 'ALL'");
		return -1;
	}
	for (size_t i = 0; i < v->n_items; i++) {
		const struct toml_value *it = v->items[i];
		const char *s = value_str(it);
		char k[64];

		snprintf(k, sizeof(k), "services[%zu]", i);
		if (s == NULL) {
			type_error(kc, k, it, "a service name");
			rc = -1;
		} else if (is_wildcard(s))
			g->wildcard = true;
		else if (!str_is_safe_name(s)) {
			kerr(kc, it->line, k, "'%s' is not a valid service name "
			    "(" NAME_RULE ")", s);
			rc = -1;
		} else if (strvec_contains(&g->services, s))
			kwarn(kc, it->line, k, "'%s' listed twice, ignored", s);
		else if (strvec_push(&g->services, s) != 0) {
			diag_oom(kc->d);
			rc = -1;
		}
	}
	return rc;
}

/* One [[groups]] entry; *keep says whether it joins the active list,
 * *bad whether it had errors. */
static void
group_entry(const struct keyctx *kc, struct cfg_group *g, bool *keep,
    bool *bad)
{
	const struct toml_value *sv = toml_table_get(kc->tbl, "services");
	const char *domain = NULL;
	bool active = false, ok = true;
	int line = 0;

	*keep = *bad = false;
	warn_unknown_keys(kc, group_keys, 3, NULL, 0);
	if (get_string(kc, "domain", &domain, &line) < 0)
		ok = false;
	if (get_bool(kc, "active", &active, NULL) < 0)
		ok = false;
	g->line = tbl_line(kc);
	g->domain_line = line;
	if (sv != NULL) {
		g->services_line = sv->line;
		if (group_services(kc, sv, g) != 0)
			ok = false;
	}
	*bad = !ok;
	if (!ok || !active)
		return;		/* inactive entries are skipped silently */
	if (domain == NULL || domain[0] == '\0') {
		kwarn(kc, line, "domain", "missing or empty in an active entry, "
		    "entry skipped");
		return;
	}
	if (!str_is_safe_name(domain)) {
		kerr(kc, line, "domain", "'%s' is not a valid group name ("
		    NAME_RULE ")", domain);
		*bad = true;
		return;
	}
	if (!g->wildcard && g->services.n == 0) {
		kwarn(kc, g->services_line, "services", "missing or empty in an "
		    "active entry, entry skipped");
		return;
	}
	if ((g->domain = strdup(domain)) == NULL) {
		diag_oom(kc->d);
		return;
	}
	*keep = true;
}

int
groups_load(struct cfg_groups *out, const struct toml_value *root,
    const char *rel, struct conf_diags *d)
{
	const struct toml_value *v = toml_table_get(root, "groups");

	memset(out, 0, sizeof(*out));
	if (v == NULL) {
		out->missing = true;
		return 0;
	}
	if (!is_table_array(v, "groups", rel, d)) {
		out->bad = true;
		return -1;
	}
	if ((out->v = calloc(v->n_items + 1, sizeof(*out->v))) == NULL) {
		diag_oom(d);
		return -1;
	}
	for (size_t i = 0; i < v->n_items; i++) {
		struct keyctx kc = { d, rel, "[[groups]]", v->items[i] };
		struct cfg_group g;
		bool keep, bad, replaced = false;

		memset(&g, 0, sizeof(g));
		strvec_init(&g.services);
		group_entry(&kc, &g, &keep, &bad);
		out->entry_errors |= bad;
		if (!keep) {
			cfg_group_free(&g);
			continue;
		}
		/* A later entry for the same domain replaces the earlier one,
		 * in its place (the original keeps them in a dict). */
		for (size_t j = 0; j < out->n && !replaced; j++) {
			if (strcmp(out->v[j].domain, g.domain) != 0)
				continue;
			kwarn(&kc, g.line, "domain", "'%s' again; replaces the "
			    "entry on line %d", g.domain, out->v[j].line);
			cfg_group_free(&out->v[j]);
			out->v[j] = g;
			replaced = true;
		}
		if (!replaced)
			out->v[out->n++] = g;
	}
	return 0;
}

int
dns_primary_load(struct conf *c, const struct toml_value *root,
    const char *rel, struct conf_diags *d)
{
	const struct toml_value *v = toml_table_get(root, "dns_primary");

	if (v == NULL) {
		diag_warn(d, rel, 1, "[[dns_primary]]: missing; DANE TLSA "
		    "records and dns-01 validation cannot be used");
		return 0;
	}
	if (!is_table_array(v, "dns_primary", rel, d))
		return -1;
	if ((c->dns_primary = calloc(v->n_items + 1, sizeof(*c->dns_primary)))
	    == NULL) {
		diag_oom(d);
		return -1;
	}
	for (size_t i = 0; i < v->n_items; i++) {
		struct keyctx kc = { d, rel, "[[dns_primary]]", v->items[i] };
		struct conf_dns_primary *p = &c->dns_primary[c->n_dns_primary];
		const char *domain = NULL, *server = NULL;
		int port = 0, line = 0, r;
		bool ok = true;

		warn_unknown_keys(&kc, dnsp_keys, 3, NULL, 0);
		if ((r = get_string(&kc, "domain", &domain, &line)) == 0 ||
		    (r == 1 && domain[0] == '\0')) {
			kerr(&kc, line, "domain", "required, %s (an apex domain, "
			    "or 'default' / '*')", r == 0 ? "missing" :
			    "got ''");
			ok = false;
		} else if (r < 0)
			ok = false;
		line = 0;
		if ((r = get_string(&kc, "server", &server, &line)) == 0 ||
		    (r == 1 && server[0] == '\0')) {
			kerr(&kc, line, "server", "required, %s (IP address or "
			    "host name of the DNS server)", r == 0 ? "missing" :
			    "got ''");
			ok = false;
		} else if (r < 0)
			ok = false;
		if ((r = get_int(&kc, "port", 1, 65535, &port, NULL)) == 0) {
			kerr(&kc, 0, "port", "required, missing (1-65535)");
			ok = false;
		} else if (r < 0)
			ok = false;
		if (!ok)
			continue;
		p->domain = strdup(domain);
		p->server = strdup(server);
		p->port = port;
		p->line = tbl_line(&kc);
		if (p->domain == NULL || p->server == NULL)
			diag_oom(d);
		c->n_dns_primary++;
	}
	return 0;
}

const struct conf_dns_primary *
dns_primary_select(const struct conf *c, const char *domain)
{
	const struct conf_dns_primary *fallback = NULL;

	for (size_t i = 0; i < c->n_dns_primary; i++) {
		const struct conf_dns_primary *p = &c->dns_primary[i];

		if (str_case_eq(p->domain, domain))
			return p;
		if (str_case_eq(p->domain, "default") ||
		    strcmp(p->domain, "*") == 0)
			fallback = p;	/* the last one counts */
	}
	return fallback;
}
