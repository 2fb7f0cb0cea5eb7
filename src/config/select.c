/*
 * Which groups and services this run uses (config.md §3.4, §6, cli.md §4):
 * the command-line selection when there is one, else the active
 * [[groups]]; then every selected service file is loaded, and the files
 * of the local CAs they name.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/internal.h"

#define MAIN_REL "conf.d/ssl-mgr.conf"
#define NAME_RULE "1-253 characters of A-Z a-z 0-9 . _ -, not starting " \
	"with '.' or '-'"

struct sel_group {
	char *name;
	struct strvec services;
	bool wildcard;
	bool from_cli;
	int line;		/* [[groups]] entry (config only) */
	int services_line;
	int domain_line;
};

static bool
is_wildcard(const char *s)
{
	return strcmp(s, "ALL") == 0 || strcmp(s, "*") == 0;
}

const struct disc_cache *
select_discover(struct loader *L, const char *group)
{
	struct disc_cache *dc;

	for (size_t i = 0; i < L->n_disc; i++)
		if (strcmp(L->disc[i].group, group) == 0)
			return &L->disc[i];
	if ((dc = realloc(L->disc, (L->n_disc + 1) * sizeof(*dc))) == NULL)
		return NULL;
	L->disc = dc;
	dc = &L->disc[L->n_disc];
	strvec_init(&dc->names);
	if ((dc->group = strdup(group)) == NULL)
		return NULL;
	L->n_disc++;
	dc->rc = discover_services(L->c, group, &dc->names, L->d);
	return dc;
}

static int
push_service(struct conf *c, struct conf_service *s)
{
	struct conf_service **v = realloc(c->services,
	    (c->n_services + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	c->services = v;
	c->services[c->n_services++] = s;
	return 0;
}

/* The loaded service group/name, reading its file on first use; NULL when
 * it could not be read (reported). */
static struct conf_service *
load_service(struct loader *L, const char *group, const char *name,
    bool selected)
{
	struct conf_service *s;
	char *key = NULL;
	size_t start;

	s = (struct conf_service *)conf_find_service(L->c, group, name);
	if (s != NULL) {
		s->selected |= selected;
		return s;
	}
	if ((key = str_printf("%s/%s", group, name)) == NULL)
		goto oom;
	if (strvec_contains(&L->tried, key)) {
		free(key);
		return NULL;
	}
	if (strvec_push_owned(&L->tried, key) != 0 ||
	    strvec_push_owned(&L->c->files, str_printf("%s/%s/%s",
	    L->c->conf_dir, group, name)) != 0)
		goto oom;
	start = L->d->n;
	s = service_load(L->c, group, name, selected, L->d);
	diag_sort_from(L->d, start);
	if (s == NULL)
		return NULL;
	if (push_service(L->c, s) != 0) {
		service_free(s);
		goto oom;
	}
	return s;
 oom:
	diag_oom(L->d);
	return NULL;
}

/* "no such service file" / "not a regular file"; NULL when it is one. */
static const char *
file_problem(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? "no such service file" :
		    strerror(errno);
	return S_ISREG(st.st_mode) ? NULL : "not a regular file";
}

static void
group_error(struct loader *L, const struct sel_group *sg, bool services_key,
    const char *msg)
{
	if (sg->from_cli)
		diag_error(L->d, NULL, 0, "group '%s' (command line): %s",
		    sg->name, msg);
	else
		diag_error(L->d, MAIN_REL, services_key ? sg->services_line :
		    sg->domain_line, "[[groups]] %s: %s", services_key ? "services" :
		    "domain", msg);
}

static void
process_group(struct loader *L, const struct sel_group *sg)
{
	struct conf *c = L->c;
	const struct strvec *names = &sg->services;
	struct conf_group *g;
	struct stat st;
	char *path = NULL, *msg = NULL;

	if ((path = str_printf("%s/%s", c->conf_dir, sg->name)) == NULL)
		goto oom;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		if ((msg = str_printf("conf.d/%s is not a directory", sg->name))
		    == NULL)
			goto oom;
		group_error(L, sg, false, msg);
		goto out;
	}
	if (sg->wildcard) {
		const struct disc_cache *dc = select_discover(L, sg->name);

		if (dc == NULL)
			goto oom;
		if (dc->rc != 0)
			goto out;
		names = &dc->names;
		if (names->n == 0) {
			if ((msg = str_printf("no service files found in "
			    "conf.d/%s", sg->name)) == NULL)
				goto oom;
			group_error(L, sg, true, msg);
			goto out;
		}
	}
	if ((g = realloc(c->groups, (c->n_groups + 1) * sizeof(*g))) == NULL)
		goto oom;
	c->groups = g;
	g = &c->groups[c->n_groups];
	memset(g, 0, sizeof(*g));
	strvec_init(&g->configured);
	if ((g->name = strdup(sg->name)) == NULL ||
	    (g->services = calloc(names->n + 1, sizeof(*g->services))) == NULL) {
		free(g->name);
		goto oom;
	}
	g->is_ca = strcmp(sg->name, "ca") == 0;
	c->n_groups++;
	for (size_t i = 0; i < names->n; i++) {
		const char *why;
		struct conf_service *s;

		free(path);
		if ((path = str_printf("%s/%s/%s", c->conf_dir, sg->name,
		    names->v[i])) == NULL)
			goto oom;
		if ((why = file_problem(path)) != NULL) {
			if (sg->from_cli)
				diag_error(L->d, NULL, 0, "service '%s:%s' "
				    "(command line): conf.d/%s/%s: %s",
				    sg->name, names->v[i], sg->name,
				    names->v[i], why);
			else
				diag_error(L->d, MAIN_REL, sg->services_line,
				    "[[groups]] services: conf.d/%s/%s: %s",
				    sg->name, names->v[i], why);
			continue;
		}
		s = load_service(L, sg->name, names->v[i], true);
		if (s != NULL)
			g->services[g->n_services++] = s;
	}
	goto out;
 oom:
	diag_oom(L->d);
 out:
	free(path);
	free(msg);
}

/* The command line's groups, merged by name (cli.md §4). */
static struct sel_group *
from_cli(struct loader *L, const struct conf_select *sel, size_t n_sel,
    size_t *n_out)
{
	struct sel_group *sg = calloc(n_sel + 1, sizeof(*sg));
	size_t n = 0;

	if (sg == NULL)
		return NULL;
	for (size_t i = 0; i < n_sel; i++) {
		struct sel_group *g = NULL;

		if (!str_is_safe_name(sel[i].group)) {
			diag_error(L->d, NULL, 0, "group '%s' (command line): "
			    "not a valid group name (" NAME_RULE ")",
			    sel[i].group);
			continue;
		}
		for (size_t j = 0; j < n && g == NULL; j++)
			if (strcmp(sg[j].name, sel[i].group) == 0)
				g = &sg[j];
		if (g == NULL) {
			g = &sg[n++];
			strvec_init(&g->services);
			g->from_cli = true;
			if ((g->name = strdup(sel[i].group)) == NULL)
				diag_oom(L->d);
		}
		/* decision O6: a group alone means all its services */
		if (sel[i].all || sel[i].n_services == 0)
			g->wildcard = true;
		for (size_t k = 0; k < sel[i].n_services; k++) {
			const char *s = sel[i].services[k];

			if (is_wildcard(s))
				g->wildcard = true;
			else if (!str_is_safe_name(s))
				diag_error(L->d, NULL, 0, "service '%s:%s' "
				    "(command line): not a valid service name ("
				    NAME_RULE ")", sel[i].group, s);
			else if (!strvec_contains(&g->services, s) &&
			    strvec_push(&g->services, s) != 0)
				diag_oom(L->d);
		}
	}
	*n_out = n;
	return sg;
}

static struct sel_group *
from_config(struct loader *L, size_t *n_out)
{
	struct sel_group *sg = calloc(L->cg.n + 1, sizeof(*sg));

	if (sg == NULL)
		return NULL;
	for (size_t i = 0; i < L->cg.n; i++) {
		const struct cfg_group *cg = &L->cg.v[i];

		/* borrowed from L->cg; from_config lists are not freed */
		sg[i].name = cg->domain;
		sg[i].services = cg->services;
		sg[i].wildcard = cg->wildcard;
		sg[i].line = cg->line;
		sg[i].domain_line = cg->domain_line > 0 ? cg->domain_line : cg->line;
		sg[i].services_line = cg->services_line > 0 ?
		    cg->services_line : cg->line;
	}
	*n_out = L->cg.n;
	return sg;
}

void
select_groups(struct loader *L, const struct conf_select *sel, size_t n_sel,
    bool have_sel)
{
	struct sel_group *sg = NULL;
	size_t n = 0;

	if (have_sel) {
		if (L->main_ok && L->cg.missing)
			diag_warn(L->d, MAIN_REL, 1, "[[groups]]: missing (the "
			    "groups named on the command line are used)");
		else if (L->main_ok && !L->cg.bad && !L->cg.entry_errors &&
		    L->cg.n == 0)
			diag_warn(L->d, MAIN_REL, 1, "[[groups]]: no active "
			    "entry (the groups named on the command line are "
			    "used)");
		sg = from_cli(L, sel, n_sel, &n);
	} else {
		if (!L->main_ok || L->cg.bad)
			return;		/* reported */
		if (L->cg.missing) {
			diag_error(L->d, MAIN_REL, 1, "[[groups]]: missing; no "
			    "group to run (add [[groups]] entries with active "
			    "= true, or name groups on the command line)");
			return;
		}
		if (L->cg.n == 0 && L->cg.entry_errors)
			return;		/* the entries' errors say it */
		if (L->cg.n == 0) {
			diag_error(L->d, MAIN_REL, 1, "[[groups]]: no active "
			    "entry; no group to run (set active = true, or name "
			    "groups on the command line)");
			return;
		}
		sg = from_config(L, &n);
	}
	if (sg == NULL) {
		diag_oom(L->d);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (sg[i].name != NULL)
			process_group(L, &sg[i]);
	if (have_sel)
		for (size_t i = 0; i < n; i++) {
			free(sg[i].name);
			strvec_clear(&sg[i].services);
		}
	free(sg);
}

void
select_ca_refs(struct loader *L)
{
	struct conf *c = L->c;
	size_t n0 = c->n_services;

	for (size_t i = 0; i < n0; i++) {
		struct conf_service *s = c->services[i];
		const char *why;
		char *path;

		if (s->signer != CONF_SIGNER_LOCAL_CA || s->ca == NULL ||
		    conf_find_service(c, "ca", s->ca->name) != NULL)
			continue;
		if ((path = str_printf("%s/ca/%s", c->conf_dir, s->ca->name)) ==
		    NULL) {
			diag_oom(L->d);
			continue;
		}
		if ((why = file_problem(path)) != NULL)
			diag_error(L->d, s->relpath, s->signing_ca_line,
			    "signing_ca: local CA '%s' has no service file "
			    "conf.d/ca/%s (%s)", s->ca->name, s->ca->name, why);
		else
			load_service(L, "ca", s->ca->name, false);
		free(path);
	}
	/* every pointer once all files are in */
	for (size_t i = 0; i < c->n_services; i++) {
		struct conf_service *s = c->services[i];

		if (s->signer == CONF_SIGNER_LOCAL_CA && s->ca != NULL)
			s->ca_service = conf_find_service(c, "ca", s->ca->name);
	}
}

void
select_configured(struct loader *L)
{
	struct conf *c = L->c;

	for (size_t i = 0; i < c->n_groups; i++) {
		struct conf_group *g = &c->groups[i];
		const struct strvec *names = NULL;

		for (size_t j = 0; j < L->cg.n && names == NULL; j++) {
			const struct cfg_group *cg = &L->cg.v[j];

			if (strcmp(cg->domain, g->name) != 0)
				continue;
			names = &cg->services;
			if (cg->wildcard) {
				const struct disc_cache *dc =
				    select_discover(L, g->name);

				if (dc == NULL) {
					diag_oom(L->d);
					return;
				}
				names = &dc->names;
			}
		}
		if (names == NULL)
			continue;
		g->in_config = true;
		for (size_t j = 0; j < names->n; j++)
			if (strvec_push(&g->configured, names->v[j]) != 0)
				diag_oom(L->d);
	}
}
