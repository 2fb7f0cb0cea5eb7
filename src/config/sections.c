/*
 * [dns] and the server sections [smtp] [imap] [web] [other] of
 * ssl-mgr.conf (config.md §3.6-§3.8).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

static const char *const server_names[CONF_SERVER_N] = {
	[CONF_SERVER_SMTP] = "smtp",
	[CONF_SERVER_IMAP] = "imap",
	[CONF_SERVER_WEB] = "web",
	[CONF_SERVER_OTHER] = "other",
};

static const char *const dns_keys[] = {
	"restart_cmd", "acme_dir", "tlsa_dirs", "depends", "svc_depends",
	"skip_prod_copy",
};
static const char *const server_keys[] = {
	"servers", "restart_cmd", "depends", "svc_depends", "skip_prod_copy",
};
static const char *const web_keys[] = {
	"servers", "restart_cmd", "depends", "svc_depends", "skip_prod_copy",
	"server_dir", "user", "group",
};

const char *
conf_server_name(enum conf_server_id id)
{
	if ((size_t)id >= CONF_SERVER_N)
		return "?";
	return server_names[id];
}

/* One [domain, [service, ...]] pair. */
static int
svc_dep_pair(const struct keyctx *kc, const char *k,
    const struct toml_value *it, struct conf_svc_dep *dep)
{
	const struct toml_value *svcs;
	const char *domain;

	if (it->kind != TOML_ARRAY || it->n_items != 2 ||
	    (domain = value_str(it->items[0])) == NULL ||
	    it->items[1]->kind != TOML_ARRAY) {
		type_error(kc, k, it, "a [domain, [service, ...]] pair");
		return -1;
	}
	if (domain[0] == '\0') {
		kerr(kc, it->line, k, "empty domain (a group name, or '*', "
		    "'all', 'any')");
		return -1;
	}
	svcs = it->items[1];
	for (size_t j = 0; j < svcs->n_items; j++) {
		const char *s = value_str(svcs->items[j]);
		char kk[96];

		snprintf(kk, sizeof(kk), "%s[1][%zu]", k, j);
		if (s == NULL || s[0] == '\0') {
			type_error(kc, kk, svcs->items[j], "a service name");
			return -1;
		}
		if (strvec_push(&dep->services, s) != 0)
			goto oom;
	}
	if ((dep->domain = strdup(domain)) == NULL)
		goto oom;
	dep->any = strcmp(domain, "*") == 0 || str_case_eq(domain, "all") ||
	    str_case_eq(domain, "any");
	dep->line = it->line;
	return 0;
 oom:
	diag_oom(kc->d);
	return -1;
}

/*
 * svc_depends = [[domain, [svc, ...]], ...]. Every pair counts (quirk Q11
 * fixed). A single pair written without the outer brackets,
 * ['any', ['web-ec']], is taken as one pair.
 */
static void
svc_depends_load(const struct keyctx *kc, struct conf_svc_dep **out,
    size_t *n_out)
{
	const struct toml_value *v = toml_table_get(kc->tbl, "svc_depends");
	const struct toml_value *single[1];
	const struct toml_value *const *items;
	size_t n;

	if (v == NULL)
		return;
	if (v->kind != TOML_ARRAY) {
		type_error(kc, "svc_depends", v, "an array of [domain, "
		    "[service, ...]] pairs");
		return;
	}
	items = (const struct toml_value *const *)v->items;
	n = v->n_items;
	if (n > 0 && v->items[0]->kind == TOML_STRING) {
		single[0] = v;
		items = single;
		n = 1;
	}
	if ((*out = calloc(n + 1, sizeof(**out))) == NULL) {
		diag_oom(kc->d);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct conf_svc_dep *dep = &(*out)[*n_out];
		char k[64];

		snprintf(k, sizeof(k), "svc_depends[%zu]", i);
		strvec_init(&dep->services);
		if (svc_dep_pair(kc, k, items[i], dep) == 0)
			(*n_out)++;
		else {
			free(dep->domain);
			strvec_clear(&dep->services);
			memset(dep, 0, sizeof(*dep));
		}
	}
}

/* A section that must be a table; NULL (reported) when it is not. */
static const struct toml_value *
section(const struct toml_value *root, const char *name, const char *rel,
    struct conf_diags *d)
{
	const struct toml_value *v = toml_table_get(root, name);

	if (v != NULL && v->kind != TOML_TABLE) {
		diag_error(d, rel, v->line, "[%s]: expected a table, got %s%s%s%s",
		    name, toml_kind_name(v->kind),
		    v->kind == TOML_ARRAY ? " (write [" : "",
		    v->kind == TOML_ARRAY ? name : "",
		    v->kind == TOML_ARRAY ? "], not [[...]])" : "");
		return NULL;
	}
	return v;
}

/* Program paths (not split): resolved against TOP when relative with '/'. */
static void
resolve_progs(struct strvec *sv, const char *top, struct conf_diags *d)
{
	for (size_t i = 0; i < sv->n; i++) {
		char *p = prog_resolve(top, sv->v[i]);

		if (p == NULL) {
			diag_oom(d);
			continue;
		}
		free(sv->v[i]);
		sv->v[i] = p;
	}
}

static void
resolve_paths(struct strvec *sv, const char *top, struct conf_diags *d)
{
	for (size_t i = 0; i < sv->n; i++) {
		char *p = path_resolve(top, sv->v[i]);

		if (p == NULL) {
			diag_oom(d);
			continue;
		}
		free(sv->v[i]);
		sv->v[i] = p;
	}
}

static void
dns_load(struct conf *c, const struct toml_value *t, const char *rel,
    struct conf_diags *d)
{
	struct keyctx kc = { d, rel, "[dns]", t };
	struct conf_dns *dns = &c->dns;
	bool b;

	if (t == NULL)
		return;
	dns->present = true;
	dns->line = t->line;
	warn_unknown_keys(&kc, dns_keys, sizeof(dns_keys) / sizeof(dns_keys[0]),
	    NULL, 0);
	if (get_string_or_strings(&kc, "restart_cmd", &dns->restart_cmd,
	    NULL) == 1)
		resolve_progs(&dns->restart_cmd, c->top, d);
	if (get_string_or_strings(&kc, "acme_dir", &dns->acme_dirs, NULL) == 1)
		resolve_paths(&dns->acme_dirs, c->top, d);
	if (get_strings(&kc, "tlsa_dirs", true, &dns->tlsa_dirs, NULL) == 1)
		resolve_paths(&dns->tlsa_dirs, c->top, d);
	get_strings(&kc, "depends", true, &dns->depends, NULL);
	svc_depends_load(&kc, &dns->svc_depends, &dns->n_svc_depends);
	if (get_bool(&kc, "skip_prod_copy", &b, NULL) == 1)
		dns->skip_prod_copy = b;
	if (dns->acme_dirs.n == 0)
		kwarn(&kc, 0, NULL, "no acme_dir; dns-01 validation cannot be "
		    "used");
}

/*
 * Server names end up in ssh connections, argv and log lines: one
 * [user@]host word — user of letters, digits, '.', '_', '-'; host of
 * those and ':' (IPv6) — with no leading '-' that a program could read as
 * an option. The SSH transport applies the same grammar; checking here
 * makes a bad entry a config error before anything runs.
 */
static bool
name_chars(const char *p, const char *end, bool host)
{
	for (; p < end; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-' || (host && *p == ':')))
			return false;
	return true;
}

static void
check_hosts(const struct keyctx *kc, const struct toml_value *t,
    const struct strvec *servers)
{
	const struct toml_value *v = toml_table_get(t, "servers");

	for (size_t i = 0; i < servers->n; i++) {
		const char *h = servers->v[i];
		const char *at = strrchr(h, '@');
		const char *host = at != NULL ? at + 1 : h;
		const char *colon = strchr(host, ':');
		char k[64];

		snprintf(k, sizeof(k), "servers[%zu]", i);
		if (*h == '\0' || *h == '-' || *host == '\0' || *host == '-' ||
		    at == h || !name_chars(h, at != NULL ? at : h, false) ||
		    !name_chars(host, host + strlen(host), true))
			kerr(kc, v->items[i]->line, k, "'%s' is not a host name "
			    "([user@]host: letters, digits, '.', '_', '-'; no "
			    "brackets, spaces or leading '-')", h);
		else if (colon != NULL && strchr(colon + 1, ':') == NULL)
			kerr(kc, v->items[i]->line, k, "'%s': a port cannot be "
			    "given here; set Port in a Host block of the ssh "
			    "config or [ssh] port", h);
	}
}

/* restart_cmd: each string split on white space (no shell, no quotes). */
static void
restart_load(struct conf *c, const struct keyctx *kc,
    struct conf_server_section *s)
{
	struct strvec cmds;

	strvec_init(&cmds);
	if (get_string_or_strings(kc, "restart_cmd", &cmds, NULL) != 1)
		goto out;
	if ((s->restart = calloc(cmds.n + 1, sizeof(*s->restart))) == NULL)
		goto oom;
	for (size_t i = 0; i < cmds.n; i++) {
		struct conf_cmd *cmd = &s->restart[s->n_restart];
		const char *p = cmds.v[i];

		strvec_init(&cmd->argv);
		while (*p != '\0') {
			size_t skip = strspn(p, " \t\r\n\v\f"), n;

			p += skip;
			if ((n = strcspn(p, " \t\r\n\v\f")) == 0)
				break;
			if (strvec_push_owned(&cmd->argv, strndup(p, n)) != 0)
				goto oom;
			p += n;
		}
		if (cmd->argv.n == 0) {		/* only white space */
			strvec_clear(&cmd->argv);
			continue;
		}
		s->n_restart++;
		if ((cmd->text = strdup(cmds.v[i])) == NULL ||
		    (cmd->local_prog = prog_resolve(c->top, cmd->argv.v[0])) ==
		    NULL)
			goto oom;
	}
	goto out;
 oom:
	diag_oom(kc->d);
 out:
	strvec_clear(&cmds);
}

static void
server_load(struct conf *c, enum conf_server_id id, const struct toml_value *t,
    const char *rel, struct conf_diags *d)
{
	char label[16];
	struct keyctx kc = { d, rel, label, t };
	struct conf_server_section *s = &c->server[id];
	const char *str;
	int line = 0;
	bool b;

	snprintf(label, sizeof(label), "[%s]", server_names[id]);
	if (id == CONF_SERVER_WEB &&
	    ((s->user = strdup("http")) == NULL ||
	    (s->group = strdup("http")) == NULL))
		diag_oom(d);
	if (t == NULL)
		return;
	s->present = true;
	s->line = t->line;
	if (id == CONF_SERVER_WEB)
		warn_unknown_keys(&kc, web_keys, sizeof(web_keys) /
		    sizeof(web_keys[0]), NULL, 0);
	else
		warn_unknown_keys(&kc, server_keys, sizeof(server_keys) /
		    sizeof(server_keys[0]), NULL, 0);
	if (get_strings(&kc, "servers", true, &s->servers, NULL) == 1)
		check_hosts(&kc, t, &s->servers);
	restart_load(c, &kc, s);
	get_strings(&kc, "depends", true, &s->depends, NULL);
	svc_depends_load(&kc, &s->svc_depends, &s->n_svc_depends);
	if (get_bool(&kc, "skip_prod_copy", &b, NULL) == 1)
		s->skip_prod_copy = b;
	if (id != CONF_SERVER_WEB)
		return;
	if (get_string(&kc, "server_dir", &str, &line) == 1) {
		if (str[0] == '\0')
			kerr(&kc, line, "server_dir", "empty path (document "
			    "root for http-01 tokens)");
		else if ((s->server_dir = path_resolve(c->top, str)) == NULL)
			diag_oom(d);
	} else if (toml_table_get(t, "server_dir") == NULL)
		kwarn(&kc, 0, NULL, "no server_dir; http-01 validation cannot "
		    "be used");
	if (get_string(&kc, "user", &str, &line) == 1) {
		if (str[0] == '\0')
			kerr(&kc, line, "user", "required, got '' (owner of "
			    "http-01 token files)");
		else {
			free(s->user);
			if ((s->user = strdup(str)) == NULL)
				diag_oom(d);
		}
	}
	if (get_string(&kc, "group", &str, &line) == 1) {
		if (str[0] == '\0')
			kerr(&kc, line, "group", "required, got '' (group of "
			    "http-01 token files)");
		else {
			free(s->group);
			if ((s->group = strdup(str)) == NULL)
				diag_oom(d);
		}
	}
}

int
sections_load(struct conf *c, const struct toml_value *root, const char *rel,
    struct conf_diags *d)
{
	const struct toml_value *t = section(root, "dns", rel, d);

	if (t == NULL && toml_table_get(root, "dns") == NULL)
		diag_warn(d, rel, 1, "[dns]: missing; TLSA and ACME dns-01 "
		    "are not supported");
	dns_load(c, t, rel, d);
	for (int id = 0; id < CONF_SERVER_N; id++)
		server_load(c, (enum conf_server_id)id,
		    section(root, server_names[id], rel, d), rel, d);
	return 0;
}
