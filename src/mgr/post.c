/*
 * The post phase of a run (lifecycle.md §8, §10, §11): the production
 * integrity check, the local production copy, what is due (copies to
 * servers, restarts, the DNS refresh: run by post_hosts.c) and the
 * cleaning of old data sets.
 */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "deploy/deploy.h"
#include "mgr/post_int.h"
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
set_publishable(const char *svc_dir, enum store_link which, const char *prod_svc,
    char **why)
{
	struct crypto_cert_info ci;
	struct sslm_err err;
	struct strvec missing;
	char *dir = NULL, *cert = NULL, *prod = NULL;
	bool ok = false;
	int r;

	*why = NULL;
	crypto_cert_info_init(&ci);
	strvec_init(&missing);
	sslm_err_clear(&err);
	r = store_link_resolve(svc_dir, which, NULL, &dir, &err);
	if (r == -1) {
		*why = str_printf("%s", err.msg);
		goto out;
	}
	if (r == 0) {
		/* No source set: fine for next (its copy goes), but a missing
		 * curr must not delete the one servers use now. */
		prod = str_printf("%s/%s", prod_svc, store_link_name(which));
		if (which == STORE_CURR && prod != NULL && fs_is_dir(prod)) {
			*why = str_printf("certs has no usable curr but production "
			    "has one; production kept (check the curr link)");
			goto out;
		}
		ok = true;
		goto out;
	}
	if (store_set_missing(dir, &missing) > 0) {
		/* An unfinished next (dev tasks) harms no server: servers use
		 * curr. A curr must be whole. */
		if (which == STORE_NEXT) {
			ok = true;
			goto out;
		}
		*why = str_printf("%s is incomplete (%s missing)",
		    store_link_name(which), missing.v[0]);
		goto out;
	}
	if ((cert = fs_path_join(dir, "cert.pem")) == NULL ||
	    crypto_cert_info_read(cert, &ci, &err) == -1) {
		*why = str_printf("%s/cert.pem is not a certificate: %s",
		    store_link_name(which), err.msg);
		goto out;
	}
	ok = true;
 out:
	crypto_cert_info_clear(&ci);
	strvec_clear(&missing);
	free(dir);
	free(cert);
	free(prod);
	return ok;
}

static bool
anything_changed(const struct run_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_svcs; i++)
		if (svc_state_changed(&ctx->svcs[i]))
			return true;
	return false;
}

static bool
any_tlsa_changed(const struct run_ctx *ctx)
{
	for (size_t g = 0; g < ctx->c->n_groups; g++)
		if (ctx->tlsa_changed[g])
			return true;
	return false;
}

/* Does production need this run's copy (distribution.md §2)? */
static bool
production_due(const struct run_ctx *ctx)
{
	return anything_changed(ctx) || ctx->o->tasks.certs_prod ||
	    ctx->prod_resync || ctx->tlsa_rewritten || any_tlsa_changed(ctx);
}

/* The local production copy, group by group; 0, or -1 with *why set. */
static int
local_prod_copy(struct run_ctx *ctx, char **why_failed)
{
	const struct conf *c = ctx->c;
	struct sslm_err err;
	int rc = 0;

	log_msg("Certs to production: %s", ctx->prod_dir);
	for (size_t g = 0; g < c->n_groups && rc == 0; g++) {
		const struct conf_group *grp = &c->groups[g];
		struct strvec names;

		strvec_init(&names);
		for (size_t s = 0; s < grp->n_services; s++) {
			const struct conf_service *svc = grp->services[s];
			char *sdir = str_printf("%s/certs/%s/%s", c->top, grp->name,
			    svc->service);
			char *pdir = str_printf("%s/%s/%s", ctx->prod_dir, grp->name,
			    svc->service);
			char *why = NULL;

			if (sdir == NULL || pdir == NULL) {
				*why_failed = str_dup("out of memory");
				rc = -1;
			} else if (!set_publishable(sdir, STORE_CURR, pdir, &why) ||
			    (free(why), why = NULL,
			    !set_publishable(sdir, STORE_NEXT, pdir, &why))) {
				log_error("%s/%s: not copied to production: %s",
				    grp->name, svc->service, why != NULL ? why : "?");
				ctx->any_failed = true;
			} else if (strvec_push(&names, svc->service) == -1) {
				*why_failed = str_dup("out of memory");
				rc = -1;
			}
			free(why);
			free(sdir);
			free(pdir);
		}
		/* A failed group stops the copy of later groups (distribution.md §2). */
		if (rc == 0 && deploy_prod_mirror_group(c->top, ctx->prod_dir,
		    grp->name, &names, ctx->o->debug, NULL, &err) == -1) {
			log_error("production copy of %s: %s", grp->name, err.msg);
			*why_failed = str_printf("production copy of %s: %s",
			    grp->name, err.msg);
			rc = -1;
		}
		strvec_clear(&names);
	}
	return rc;
}

/* Do depends tokens meet this run's changes (lifecycle.md §7.2, §8.2)? */
static bool
tokens_match(const struct run_ctx *ctx, const struct strvec *depends)
{
	if (anything_changed(ctx) && strvec_contains(depends, "cert"))
		return true;
	return any_tlsa_changed(ctx) && (strvec_contains(depends, "tlsa") ||
	    strvec_contains(depends, "dns"));
}

/* svc_depends pairs against the services changed in this run; a pair
 * whose domain is "any"/"all"/"*" matches every group (config parses it
 * into .any). The original's 6.x/7.x check is inverted (quirk); this is
 * what it meant. */
static bool
svc_depends_match(const struct run_ctx *ctx, const struct conf_svc_dep *deps,
    size_t n_deps)
{
	for (size_t i = 0; i < ctx->n_svcs; i++) {
		const struct svc_state *st = &ctx->svcs[i];

		if (!svc_state_changed(st))
			continue;
		for (size_t d = 0; d < n_deps; d++) {
			if (!deps[d].any && strcmp(deps[d].domain, st->svc->group) != 0)
				continue;
			if (strvec_contains(&deps[d].services, st->svc->service))
				return true;
		}
	}
	return false;
}

/* lifecycle.md §8.2, non-DNS sections. */
static bool
restart_due(const struct run_ctx *ctx, int id)
{
	const struct conf_server_section *sec = &ctx->c->server[id];

	if (!sec->present || sec->n_restart == 0 || sec->servers.n == 0)
		return false;
	return ctx->o->tasks.force_restarts || ctx->prod_resync ||
	    svc_depends_match(ctx, sec->svc_depends, sec->n_svc_depends) ||
	    tokens_match(ctx, &sec->depends);
}

/* lifecycle.md §8.2, DNS: due, and the domains for --serial_bump. */
static bool
dns_due(const struct run_ctx *ctx, struct strvec *domains)
{
	const struct conf *c = ctx->c;

	if (!c->dns.present || c->dns.restart_cmd.n == 0) {
		if (ctx->o->dns_refresh)
			log_warn("-dns: no [dns] restart_cmd in %s/conf.d/ssl-mgr.conf; "
			    "nothing to refresh", c->top);
		return false;
	}
	if (!(ctx->o->dns_refresh || ctx->o->tasks.force_restarts ||
	    ctx->prod_resync || tokens_match(ctx, &c->dns.depends)))
		return false;
	for (size_t g = 0; g < c->n_groups; g++) {
		const char *name = c->groups[g].name;

		if (ctx->tlsa_changed[g] || (ctx->o->dns_refresh && !c->groups[g].is_ca))
			if (!strvec_contains(domains, name))
				(void)strvec_push(domains, name);
	}
	return true;
}

/*
 * The post phase after the group phase (lifecycle.md §8): local production
 * copy, remote mirrors, post-copy commands, restarts, DNS refresh — each
 * only when due; what fails (or cannot happen because of it) becomes
 * pending work for the next run.
 */
void
mgr_post_phase(struct run_ctx *ctx)
{
	const struct conf *c = ctx->c;
	struct post_plan p;
	bool due = production_due(ctx);
	char *why = NULL;

	post_plan_init(&p, ctx->prod_dir);
	if (due && post_plan_add_copies(c, &p) == -1)
		goto oom;
	for (int id = 0; id < CONF_SERVER_N; id++)
		if (restart_due(ctx, id) && post_plan_add_restarts(c, &p, id) == -1)
			goto oom;
	if (dns_due(ctx, &p.dns_domains))
		p.dns = POST_DUE;
	p.post_copy = due;

	if (!due) {
		log_msg("Certs to production: no changes");
	} else if (local_prod_copy(ctx, &why) == -1) {
		/* Servers must not restart onto a half-written production
		 * tree; all of it waits for the next run. */
		ctx->any_failed = true;
		post_pending_local_copy_failed(ctx, why);
		post_plan_skip_all(&p, "not done: the local production copy failed");
		post_pending_update(ctx, &p);
		goto out;
	} else {
		post_pending_local_copy_done(ctx);
	}
	post_pending_intent(ctx, &p);
	post_plan_execute(ctx, &p);
	post_pending_update(ctx, &p);
	goto out;
 oom:
	log_error("out of memory planning the copies and restarts");
	ctx->any_failed = true;
 out:
	free(why);
	post_plan_clear(&p);
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
