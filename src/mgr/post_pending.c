/*
 * Pending post-phase work (decision R-O1, lifecycle.md §12): what failed —
 * or could not happen because something before it failed — is recorded in
 * TOP/.sslm-pending, retried at the start of the next run that may change
 * things, and shown by -s.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deploy/deploy.h"
#include "mgr/pending.h"
#include "mgr/post_int.h"

void
post_pending_load(struct run_ctx *ctx)
{
	struct strvec warnings;
	struct sslm_err err;

	strvec_init(&warnings);
	sslm_err_clear(&err);
	if (pending_load(ctx->c->top, &ctx->pending, &warnings, &err) == -1)
		log_error("%s (pending work not retried)", err.msg);
	for (size_t i = 0; i < warnings.n; i++)
		log_warn("%s", warnings.v[i]);
	strvec_clear(&warnings);
	ctx->pending_loaded = true;
}

/* Is host still a remote copy target of some section? */
static bool
copy_configured(const struct conf *c, const char *host)
{
	for (int id = 0; id < CONF_SERVER_N; id++) {
		const struct conf_server_section *sec = &c->server[id];

		if (sec->present && !sec->skip_prod_copy &&
		    strvec_contains(&sec->servers, host))
			return !deploy_host_is_local(host);
	}
	return false;
}

/* "<section>:<host>" → section id, or -1 when that restart is no longer
 * configured. */
static int
restart_configured(const struct conf *c, const char *target, const char **host)
{
	const char *colon = strchr(target, ':');

	if (colon == NULL)
		return -1;
	for (int id = 0; id < CONF_SERVER_N; id++) {
		const char *name = conf_server_name((enum conf_server_id)id);
		const struct conf_server_section *sec = &c->server[id];

		if (strlen(name) == (size_t)(colon - target) &&
		    strncmp(name, target, (size_t)(colon - target)) == 0) {
			*host = colon + 1;
			if (sec->present && sec->n_restart > 0 &&
			    strvec_contains(&sec->servers, colon + 1))
				return id;
			return -1;
		}
	}
	return -1;
}

static int
split_domains(const char *list, struct strvec *out)
{
	const char *s = list;

	while (*s != '\0') {
		size_t n = strcspn(s, ",");

		if (n > 0) {
			char *d = str_printf("%.*s", (int)n, s);

			if (d == NULL)
				return -1;
			if (strvec_contains(out, d))
				free(d);
			else if (strvec_push_owned(out, d) == -1)
				return -1;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

void
post_pending_retry(struct run_ctx *ctx)
{
	const struct conf *c = ctx->c;
	struct post_plan p;
	bool any = false;

	if (!ctx->pending_loaded)
		post_pending_load(ctx);
	if (ctx->pending.n == 0)
		return;
	post_plan_init(&p, ctx->prod_dir);
	log_msg("Retrying pending work from earlier runs:");
	for (size_t i = 0; i < ctx->pending.n;) {
		const struct pending_item *it = &ctx->pending.v[i];
		const char *kind = pending_kind_name(it->kind);
		const char *host = NULL;
		struct post_host *h;
		bool drop = false;
		int id;

		switch (it->kind) {
		case PENDING_COPY:
			if (strcmp(it->detail, ctx->prod_dir) != 0) {
				/* e.g. a -t run's production.test: its own runs
				 * retry it */
				log_file("pending %s %s for %s kept (this run uses %s)",
				    kind, it->target, it->detail, ctx->prod_dir);
				break;
			}
			if (strcmp(it->target, "local") == 0) {
				/* The production step of this run does it, with
				 * the restarts a repaired production implies. */
				log_msg("  copy local: production is rewritten by this run");
				ctx->prod_resync = true;
				break;
			}
			if (!copy_configured(c, it->target)) {
				drop = true;
				break;
			}
			if ((h = post_plan_host(&p, it->target)) != NULL) {
				h->copy = POST_DUE;
				p.post_copy = true;
				any = true;
			}
			break;
		case PENDING_RESTART:
			if ((id = restart_configured(c, it->target, &host)) == -1) {
				drop = true;
				break;
			}
			if ((h = post_plan_host(&p, host)) != NULL) {
				h->restart[id] = POST_DUE;
				any = true;
			}
			break;
		case PENDING_DNS_REFRESH:
			if (!c->dns.present || c->dns.restart_cmd.n == 0) {
				drop = true;
				break;
			}
			if (split_domains(it->target, &p.dns_domains) == 0) {
				p.dns = POST_DUE;
				any = true;
			}
			break;
		}
		if (drop) {
			log_warn("pending %s %s dropped: it is no longer in the "
			    "configuration", kind, it->target);
			pending_remove(&ctx->pending, i);
			ctx->pending_changed = true;
			continue;
		}
		i++;
	}
	if (any) {
		post_pending_intent(ctx, &p);
		post_plan_execute(ctx, &p);
		post_pending_update(ctx, &p);
	}
	post_plan_clear(&p);
	post_pending_save(ctx);
}

static void
record(struct run_ctx *ctx, enum post_result r, enum pending_kind kind,
    const char *target, const char *detail, const char *error)
{
	long i;

	if (r == POST_OK) {
		if ((i = pending_find(&ctx->pending, kind, target, detail)) >= 0) {
			pending_remove(&ctx->pending, (size_t)i);
			ctx->pending_changed = true;
		}
	} else if (r == POST_FAILED || r == POST_SKIPPED) {
		if (pending_add(&ctx->pending, time(NULL), kind, target, detail,
		    error != NULL ? error : "failed") == -1)
			log_error("out of memory recording pending work");
		ctx->pending_changed = true;
	}
}

/* "a,b,c" for the pending file; NULL on allocation failure. */
static char *
join_domains(const struct strvec *domains)
{
	char *joined = str_dup("");

	for (size_t k = 0; joined != NULL && k < domains->n; k++) {
		char *j = str_printf("%s%s%s", joined, *joined ? "," : "",
		    domains->v[k]);

		free(joined);
		joined = j;
	}
	return joined;
}

/* A successful refresh of these domains: what is left of the pending one. */
static void
dns_done(struct run_ctx *ctx, const struct strvec *done)
{
	long i = -1;
	struct strvec was, left;
	char *joined = NULL;

	for (size_t k = 0; i < 0 && k < ctx->pending.n; k++)
		if (ctx->pending.v[k].kind == PENDING_DNS_REFRESH)
			i = (long)k;
	if (i < 0)
		return;
	strvec_init(&was);
	strvec_init(&left);
	(void)split_domains(ctx->pending.v[i].target, &was);
	for (size_t k = 0; k < was.n; k++)
		if (!strvec_contains(done, was.v[k]))
			(void)strvec_push(&left, was.v[k]);
	if (left.n == 0) {
		pending_remove(&ctx->pending, (size_t)i);
	} else {
		for (size_t k = 0; k < left.n; k++) {
			char *j = str_printf("%s%s%s", joined != NULL ? joined : "",
			    joined != NULL ? "," : "", left.v[k]);

			free(joined);
			joined = j;
		}
		if (joined != NULL) {
			free(ctx->pending.v[i].target);
			ctx->pending.v[i].target = joined;
		}
	}
	ctx->pending_changed = true;
	strvec_clear(&was);
	strvec_clear(&left);
}

void
post_pending_update(struct run_ctx *ctx, const struct post_plan *p)
{
	if (ctx->o->debug)
		return;
	for (size_t i = 0; i < p->n_hosts; i++) {
		const struct post_host *h = &p->hosts[i];

		if (!h->local)
			record(ctx, h->copy, PENDING_COPY, h->name, p->prod_dir,
			    h->copy_error);
		for (int id = 0; id < CONF_SERVER_N; id++) {
			char *target;

			if (h->restart[id] == POST_NOT_DUE)
				continue;
			target = str_printf("%s:%s",
			    conf_server_name((enum conf_server_id)id), h->name);
			if (target != NULL)
				record(ctx, h->restart[id], PENDING_RESTART, target,
				    "", h->restart_error[id]);
			free(target);
		}
	}
	if (p->dns == POST_OK) {
		dns_done(ctx, &p->dns_domains);
	} else if (p->dns == POST_FAILED || p->dns == POST_SKIPPED) {
		char *joined = join_domains(&p->dns_domains);

		if (joined != NULL)
			record(ctx, p->dns, PENDING_DNS_REFRESH, joined, "",
			    p->dns_error);
		free(joined);
	}
}

/*
 * Before the work starts, every due item is written as pending ("not
 * finished"): a run killed half-way (power, OOM, a kill during an upload)
 * leaves the list of what it owed, and the next run does it. The results
 * replace these items afterwards.
 */
void
post_pending_intent(struct run_ctx *ctx, const struct post_plan *p)
{
	const char *why = "started but not finished (the run was interrupted)";
	enum post_result saved_dns = p->dns;

	if (ctx->o->debug)
		return;
	/* the same walk as the update, with every due item "failed" */
	for (size_t i = 0; i < p->n_hosts; i++) {
		const struct post_host *h = &p->hosts[i];

		if (!h->local && h->copy == POST_DUE)
			record(ctx, POST_FAILED, PENDING_COPY, h->name, p->prod_dir,
			    why);
		for (int id = 0; id < CONF_SERVER_N; id++) {
			char *target;

			if (h->restart[id] != POST_DUE)
				continue;
			target = str_printf("%s:%s",
			    conf_server_name((enum conf_server_id)id), h->name);
			if (target != NULL)
				record(ctx, POST_FAILED, PENDING_RESTART, target, "",
				    why);
			free(target);
		}
	}
	if (saved_dns == POST_DUE) {
		char *joined = join_domains(&p->dns_domains);

		if (joined != NULL)
			record(ctx, POST_FAILED, PENDING_DNS_REFRESH, joined, "", why);
		free(joined);
	}
	post_pending_save(ctx);
}

/*
 * The copies are settled before the restarts start: written now, so that a
 * run killed during the restarts leaves the truth (copies done, restarts
 * owed) rather than the "not finished" of the intent.
 */
void
post_pending_copies_settled(struct run_ctx *ctx, const struct post_plan *p)
{
	if (ctx->o->debug)
		return;
	for (size_t i = 0; i < p->n_hosts; i++) {
		const struct post_host *h = &p->hosts[i];

		if (!h->local && (h->copy == POST_OK || h->copy == POST_FAILED))
			record(ctx, h->copy, PENDING_COPY, h->name, p->prod_dir,
			    h->copy_error);
	}
	post_pending_save(ctx);
}

void
post_pending_local_copy_failed(struct run_ctx *ctx, const char *error)
{
	if (ctx->o->debug)
		return;
	record(ctx, POST_FAILED, PENDING_COPY, "local", ctx->prod_dir, error);
}

/* The production step of this run copied locally: a pending "copy local"
 * is done. */
void
post_pending_local_copy_done(struct run_ctx *ctx)
{
	if (!ctx->o->debug)
		record(ctx, POST_OK, PENDING_COPY, "local", ctx->prod_dir, NULL);
}

void
post_pending_save(struct run_ctx *ctx)
{
	struct sslm_err err;

	if (ctx->o->debug || !ctx->pending_changed)
		return;
	sslm_err_clear(&err);
	if (pending_save(ctx->c->top, &ctx->pending, &err) == -1) {
		log_error("%s", err.msg);
		ctx->any_failed = true;
		return;
	}
	ctx->pending_changed = false;
}

void
post_pending_read(const struct conf *c, struct pending_list *pl)
{
	struct strvec warnings;
	struct sslm_err err;

	pending_list_init(pl);
	strvec_init(&warnings);
	sslm_err_clear(&err);
	if (pending_load(c->top, pl, &warnings, &err) == -1)
		log_warn("%s", err.msg);
	for (size_t i = 0; i < warnings.n; i++)
		log_warn("%s", warnings.v[i]);
	strvec_clear(&warnings);
}

void
post_pending_print(const struct conf *c)
{
	struct pending_list pl;

	post_pending_read(c, &pl);
	if (pl.n > 0) {
		log_msg("Pending work from earlier runs:");
		for (size_t i = 0; i < pl.n; i++) {
			const struct pending_item *it = &pl.v[i];
			char when[32] = "?";
			struct tm tm;

			if (gmtime_r(&it->time, &tm) != NULL)
				strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
			log_msg("  %s %s %s : %s", when, pending_kind_name(it->kind),
			    it->target, it->error);
		}
	}
	pending_list_clear(&pl);
}
