/*
 * The post phase of a run (lifecycle.md §8, §10, §11): the production
 * integrity check, the production copy, what would be restarted, and the
 * cleaning of old data sets.
 */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "deploy/deploy.h"
#include "mgr/run_ctx.h"
#include "store/store.h"

int
mgr_integrity_collect(const struct conf *c, const char *prod_dir, bool report,
    struct strvec *diffs)
{
	enum deploy_check_mode mode = report ? DEPLOY_CHECK_REPORT : DEPLOY_CHECK_REPAIR;
	struct sslm_err err;
	int rc = 0;

	for (size_t g = 0; g < c->n_groups; g++) {
		const struct conf_group *grp = &c->groups[g];
		struct strvec names;

		strvec_init(&names);
		for (size_t s = 0; s < grp->n_services; s++)
			if (strvec_push(&names, grp->services[s]->service) == -1)
				rc = -1;
		if (rc == 0 && deploy_prod_check_group(c->top, prod_dir, grp->name,
		    &names, mode, diffs, &err) == -1 &&
		    strvec_push_owned(diffs, str_printf("%s: %s", grp->name, err.msg)) == -1)
			rc = -1;
		strvec_clear(&names);
	}
	return rc;
}

/* Repair mode (every run that is not status-only): a difference forces the
 * production copy of this run (lifecycle.md §11). */
void
mgr_integrity_check(struct run_ctx *ctx)
{
	struct strvec diffs;

	strvec_init(&diffs);
	log_msg("Checking production directory is up to date.");
	mgr_integrity_collect(ctx->c, ctx->prod_dir, false, &diffs);
	if (diffs.n == 0) {
		log_msg("  All good.");
	} else {
		for (size_t i = 0; i < diffs.n; i++)
			log_msg("  Mismatch: %s", diffs.v[i]);
		log_msg("  Production resync - updating production now");
		ctx->prod_resync = true;
	}
	strvec_clear(&diffs);
}

static bool
anything_changed(const struct run_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_svcs; i++)
		if (svc_state_changed(&ctx->svcs[i]))
			return true;
	return false;
}

int
mgr_prod_copy(struct run_ctx *ctx)
{
	const struct conf *c = ctx->c;
	struct sslm_err err;
	int rc = 0;

	if (!anything_changed(ctx) && !ctx->o->tasks.certs_prod && !ctx->prod_resync) {
		log_msg("Certs to production: no changes");
		return 0;
	}
	log_msg("Certs to production: %s", ctx->prod_dir);
	for (size_t g = 0; g < c->n_groups && rc == 0; g++) {
		const struct conf_group *grp = &c->groups[g];
		struct strvec names;

		strvec_init(&names);
		for (size_t s = 0; s < grp->n_services; s++)
			if (strvec_push(&names, grp->services[s]->service) == -1)
				rc = -1;
		/* A failed group stops the copy of later groups (distribution.md §2). */
		if (rc == 0 && deploy_prod_mirror_group(c->top, ctx->prod_dir,
		    grp->name, &names, ctx->o->debug, NULL, &err) == -1) {
			log_error("production copy of %s: %s", grp->name, err.msg);
			rc = -1;
		}
		strvec_clear(&names);
	}
	if (rc == 0 && c->g.n_post_copy > 0)
		log_warn("post_copy_cmd: %zu command(s) not run: post-copy "
		    "commands are not available in this version", c->g.n_post_copy);
	return rc;
}

/* Does a section's svc_depends or depends match this run's changes
 * (lifecycle.md §8.2)? */
static bool
section_triggered(const struct run_ctx *ctx, const struct conf_svc_dep *deps,
    size_t n_deps, const struct strvec *depends)
{
	bool cert = false;

	for (size_t i = 0; i < ctx->n_svcs; i++) {
		const struct svc_state *st = &ctx->svcs[i];

		if (!svc_state_changed(st))
			continue;
		cert = true;
		for (size_t d = 0; d < n_deps; d++) {
			if (!deps[d].any && strcmp(deps[d].domain, st->svc->group) != 0)
				continue;
			if (strvec_contains(&deps[d].services, st->svc->service))
				return true;
		}
	}
	/* Tokens tlsa/dns need TLSA files, which this version does not make. */
	return cert && strvec_contains(depends, "cert");
}

/* Restarts and the DNS refresh come with the distribution work; until then
 * say exactly what was not done, never skip it silently. */
void
mgr_restarts(struct run_ctx *ctx)
{
	const struct conf *c = ctx->c;

	for (int id = 0; id < CONF_SERVER_N; id++) {
		const struct conf_server_section *sec = &c->server[id];
		bool due;

		if (!sec->present || sec->n_restart == 0)
			continue;
		due = ctx->o->tasks.force_restarts || ctx->prod_resync ||
		    section_triggered(ctx, sec->svc_depends, sec->n_svc_depends,
		    &sec->depends);
		if (due)
			log_warn("[%s] restart_cmd not run: restarts are not "
			    "available in this version; restart it by hand",
			    conf_server_name(id));
	}
	if (c->dns.present && c->dns.restart_cmd.n > 0 &&
	    (ctx->o->dns_refresh || ctx->o->tasks.force_restarts))
		log_warn("[dns] restart_cmd not run: the DNS refresh is not "
		    "available in this version");
}

static int
clean_one(struct run_ctx *ctx, const char *group, const char *service)
{
	struct strvec removed;
	struct sslm_err err;
	char *dir = str_printf("%s/certs/%s/%s", ctx->c->top, group, service);
	int rc = 0;

	strvec_init(&removed);
	if (dir == NULL)
		return -1;
	if (fs_is_dir(dir) && store_clean(dir, ctx->o->clean_keep, ctx->o->debug,
	    &removed, &err) == -1) {
		log_error("cleaning %s/%s: %s", group, service, err.msg);
		rc = -1;
	}
	strvec_clear(&removed);
	free(dir);
	return rc;
}

/* -clean-all: every certs/<g> that still has conf.d/<g>, every service dir. */
static int
clean_all(struct run_ctx *ctx)
{
	char *certs = str_printf("%s/certs", ctx->c->top);
	DIR *d, *sd;
	struct dirent *g, *s;
	int rc = 0;

	if (certs == NULL || (d = opendir(certs)) == NULL) {
		free(certs);
		return 0;
	}
	while ((g = readdir(d)) != NULL) {
		char *conf = NULL, *gdir = NULL;

		if (!str_is_safe_name(g->d_name))
			continue;
		conf = str_printf("%s/%s", ctx->c->conf_dir, g->d_name);
		gdir = str_printf("%s/%s", certs, g->d_name);
		if (conf != NULL && gdir != NULL && fs_is_dir(conf) &&
		    (sd = opendir(gdir)) != NULL) {
			while ((s = readdir(sd)) != NULL) {
				char *sdir = str_printf("%s/%s", gdir, s->d_name);

				if (str_is_safe_name(s->d_name) && sdir != NULL &&
				    fs_is_dir(sdir) && clean_one(ctx, g->d_name,
				    s->d_name) == -1)
					rc = -1;
				free(sdir);
			}
			closedir(sd);
		}
		free(conf);
		free(gdir);
	}
	closedir(d);
	free(certs);
	return rc;
}

int
mgr_clean(struct run_ctx *ctx)
{
	int rc = 0;

	if (ctx->o->clean_all)
		return clean_all(ctx);
	for (size_t i = 0; i < ctx->n_svcs; i++)
		if (clean_one(ctx, ctx->svcs[i].svc->group,
		    ctx->svcs[i].svc->service) == -1)
			rc = -1;
	return rc;
}
