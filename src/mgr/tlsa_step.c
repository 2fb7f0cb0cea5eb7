/*
 * DANE in the run (tlsa.md §6–§8): a new data set's tlsa.rr, the group TLSA
 * step after a group's services (regenerate tlsa.rr, aggregate, publish),
 * and the roll gate.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mgr/run_ctx.h"
#include "store/store.h"

char *
mgr_tlsa_rr_text(struct run_ctx *ctx, const struct conf_service *svc,
    const char *set_dir, const char *db_name, struct sslm_err *err)
{
	struct group_dns *gd = run_ctx_group_dns(ctx, svc);
	struct strvec warnings;
	char *cert = NULL, *chain = NULL, *text = NULL;
	const struct strvec *mx = NULL;

	strvec_init(&warnings);
	if (gd == NULL || group_dns_lookup(gd) == -1) {
		sslm_err_set(err, "dane_tls: %s", gd != NULL && gd->error != NULL ?
		    gd->error : "no DNS for the group");
		goto out;
	}
	if (group_dns_needs_mx(svc)) {
		if (!gd->mx_ok) {
			sslm_err_set(err, "dane_tls: MX look-up of %s failed: %s",
			    svc->group, gd->mx_error != NULL ? gd->mx_error : "?");
			goto out;
		}
		mx = &gd->mx;
	}
	if ((cert = fs_path_join(set_dir, "cert.pem")) == NULL ||
	    (chain = fs_path_join(set_dir, "chain.pem")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (dns_tlsa_rr_build(svc, svc->group, db_name, cert, chain, mx, &text,
	    &warnings, err) == -1) {
		free(text);
		text = NULL;
	}
	for (size_t i = 0; i < warnings.n; i++)
		log_warn("%s/%s: %s", svc->group, svc->service, warnings.v[i]);
 out:
	strvec_clear(&warnings);
	free(cert);
	free(chain);
	return text;
}

/* Rewrite one data set's tlsa.rr when its content changed (tlsa.md §6,
 * "tlsa.rr regeneration"); a failed look-up keeps the old file. */
static void
regenerate(struct run_ctx *ctx, const struct conf_service *svc,
    const char *svc_dir, enum store_link which)
{
	struct sslm_err err;
	char *name = NULL, *dir = NULL, *path = NULL, *text = NULL, *old = NULL;
	size_t old_len = 0;

	sslm_err_clear(&err);
	if (store_link_resolve(svc_dir, which, &name, &dir, &err) != 1)
		goto out;
	if ((path = fs_path_join(dir, "cert.pem")) == NULL || !fs_is_file(path))
		goto out;
	free(path);
	if ((path = fs_path_join(dir, "tlsa.rr")) == NULL)
		goto out;
	if ((text = mgr_tlsa_rr_text(ctx, svc, dir, name, &err)) == NULL) {
		log_warn("%s/%s: %s/tlsa.rr kept: %s", svc->group, svc->service,
		    store_link_name(which), err.msg);
		goto out;
	}
	if (fs_read_file(path, 1 << 20, &old, &old_len, &err) == 0 &&
	    old_len == strlen(text) && memcmp(old, text, old_len) == 0)
		goto out;		/* unchanged: keep its mtime */
	if (fs_write_atomic(path, text, strlen(text), 0666, &err) == -1) {
		log_error("%s/%s: %s", svc->group, svc->service, err.msg);
		goto out;
	}
	log_verb("    %s: %s/tlsa.rr regenerated", svc->service, store_link_name(which));
	ctx->tlsa_rewritten = true;
 out:
	free(name);
	free(dir);
	free(path);
	free(text);
	free(old);
}

void
mgr_group_tlsa(struct run_ctx *ctx, size_t gi)
{
	const struct conf *c = ctx->c;
	const struct conf_group *grp = &c->groups[gi];
	struct strvec names;
	struct sslm_err err;
	bool changed = false, any_dane = false, roll;

	strvec_init(&names);
	/*
	 * Services considered (tlsa.md §7.1): the group's configured ones and
	 * this run's, but only those with dane_tls. A configured service not in
	 * this run was not loaded: its tlsa.rr files speak for it.
	 */
	for (size_t s = 0; s < grp->n_services; s++) {
		const struct conf_service *svc = grp->services[s];
		char *dir;

		if (svc->n_dane == 0)
			continue;
		any_dane = true;
		if (!strvec_contains(&names, svc->service))
			strvec_push(&names, svc->service);
		if (ctx->o->debug)
			continue;	/* -d: no tlsa.rr is rewritten */
		if ((dir = str_printf("%s/certs/%s/%s", c->top, grp->name,
		    svc->service)) == NULL)
			continue;
		regenerate(ctx, svc, dir, STORE_CURR);
		regenerate(ctx, svc, dir, STORE_NEXT);
		free(dir);
	}
	for (size_t i = 0; i < grp->configured.n; i++) {
		const char *name = grp->configured.v[i];
		bool in_run = false;

		for (size_t s = 0; s < grp->n_services; s++)
			if (strcmp(grp->services[s]->service, name) == 0)
				in_run = true;
		if (!in_run && !strvec_contains(&names, name))
			strvec_push(&names, name);
	}
	roll = ctx->o->tasks.roll_next_to_curr || ctx->o->tasks.next_to_curr;
	if (dns_tlsa_aggregate(c->top, grp->name, &names, roll, ctx->o->debug,
	    &changed, &err) == -1) {
		log_error("tlsa.%s: %s", grp->name, err.msg);
		ctx->any_failed = true;
		goto out;
	}
	if (!changed)
		goto out;
	ctx->tlsa_changed[gi] = true;
	log_msg("  tlsa.%s changed", grp->name);
	if (c->dns.tlsa_dirs.n == 0) {
		if (!ctx->warned_no_tlsa_dirs)
			log_warn("[dns] tlsa_dirs is empty: the TLSA records of %s "
			    "are not published anywhere", grp->name);
		ctx->warned_no_tlsa_dirs = true;
	} else if (dns_tlsa_publish(c->top, grp->name, &c->dns.tlsa_dirs,
	    ctx->o->debug, &err) == -1) {
		log_error("publishing tlsa.%s: %s", grp->name, err.msg);
		ctx->any_failed = true;
	}
	(void)any_dane;
 out:
	strvec_clear(&names);
}

int
mgr_dane_gate(struct run_ctx *ctx, const struct conf_service *svc,
    const char *next_dir, struct strvec *missing)
{
	return mgr_dane_gate_check(run_ctx_group_dns(ctx, svc), next_dir, missing);
}

int
mgr_dane_gate_check(struct group_dns *gd, const char *next_dir,
    struct strvec *missing)
{
	struct dns_expect *exp = NULL;
	struct sslm_err err;
	char *path = NULL, *text = NULL;
	size_t n_exp = 0, len;
	int rc = -1, r;

	sslm_err_clear(&err);
	if (gd == NULL || group_dns_lookup(gd) == -1) {
		strvec_push_owned(missing, str_printf("cannot ask the name "
		    "servers: %s", gd != NULL && gd->error != NULL ? gd->error :
		    "no DNS for the group"));
		goto out;
	}
	if ((path = fs_path_join(next_dir, "tlsa.rr")) == NULL ||
	    fs_read_file(path, 1 << 20, &text, &len, &err) == -1 ||
	    dns_tlsa_parse(text, &exp, &n_exp, &err) == -1) {
		strvec_push_owned(missing, str_printf("%s", err.msg));
		goto out;
	}
	if ((r = dns_check_once(&gd->auth, exp, n_exp, missing, &err)) == -1) {
		strvec_push_owned(missing, str_printf("%s", err.msg));
		goto out;
	}
	rc = r == 0 ? 0 : 1;
 out:
	for (size_t i = 0; i < n_exp; i++)
		dns_expect_clear(&exp[i]);
	free(exp);
	free(path);
	free(text);
	return rc;
}
