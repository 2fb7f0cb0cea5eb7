/*
 * One sslm-mgr run on a valid configuration (lifecycle.md §2): log, lock,
 * integrity check, the group phase (status, renew, roll per service), the
 * post phase (production copy, restarts, DNS refresh) and cleaning. What this
 * version cannot do yet is reported where it would be needed, never skipped
 * silently (decisions.md "Actions not built yet").
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mgr/mgr.h"
#include "mgr/post_int.h"
#include "mgr/run_ctx.h"
#include "mgr/status_view.h"

#define DASHES "------------------------"

void
mgr_opts_init(struct mgr_opts *o)
{
	memset(o, 0, sizeof(*o));
}

void
mgr_opts_clear(struct mgr_opts *o)
{
	mgr_opts_init(o);
}

/* The tasks of one service in the fixed order of cli.md §5.2. */
static void
service_tasks(struct run_ctx *ctx, struct svc_state *st)
{
	const struct mgr_tasks *t = &ctx->o->tasks;

	log_msg("  %s", st->svc->service);
	if (ctx->o->status)
		mgr_status_print_service(ctx->c, st->svc, ctx->o, ctx->now,
		    run_ctx_group_dns(ctx, st->svc), ctx->issuers);
	if (t->new_next || t->new_keys || t->new_csr || t->new_cert ||
	    t->copy_curr_to_next || t->renew_cert)
		mgr_renew_service(ctx, st);
	if (!st->failed && (t->next_to_curr || t->roll_next_to_curr))
		mgr_roll_service(ctx, st);
	svc_state_update_changes(st);
	if (st->failed)
		ctx->any_failed = true;
}

static void
group_phase(struct run_ctx *ctx)
{
	size_t i = 0;

	log_msg(DASHES);
	log_msg("Start group/domain tasks :");
	for (size_t g = 0; g < ctx->c->n_groups; g++) {
		log_msg(DASHES);
		log_msg("%s", ctx->c->groups[g].name);
		for (size_t s = 0; s < ctx->c->groups[g].n_services; s++)
			service_tasks(ctx, &ctx->svcs[i++]);
		mgr_group_tlsa(ctx, g);
	}
	log_msg("%s", "");
	log_msg("Done group tasks:");
	log_msg(DASHES);
	log_msg("%s", "");
}

/* Everything after the lock for a run that may change things. */
static enum mgr_result
work(const struct conf *c, const struct conf_topdir *td, const struct mgr_opts *o)
{
	struct run_ctx ctx;
	struct issuer_cache issuers;
	enum mgr_result res = MGR_OK;

	if (run_ctx_init(&ctx, c, td, o) == -1) {
		log_error("out of memory setting up the run");
		run_ctx_clear(&ctx);
		return MGR_FAILED;
	}
	issuer_cache_init(&issuers);
	ctx.issuers = &issuers;
	if (o->debug)
		log_msg("debug: nothing will be changed; every step is printed");
	mgr_integrity_check(&ctx);
	/* What earlier runs could not finish comes first (lifecycle.md §12);
	 * -d and -n change nothing, so they leave it for a real run. */
	post_pending_load(&ctx);
	if (!o->debug && !o->dry_run)
		post_pending_retry(&ctx);
	else
		for (size_t i = 0; i < ctx.pending.n; i++)
			log_msg("%s: pending %s %s is not retried by %s (a run "
			    "without -d/-n retries it)", o->debug ? "debug" : "note",
			    pending_kind_name(ctx.pending.v[i].kind),
			    ctx.pending.v[i].target, o->debug ? "-d" : "-n");
	group_phase(&ctx);
	/* Copy, restart, then DNS last: servers present the new cert before
	 * DNS stops publishing the old TLSA record (lifecycle.md §8.2). */
	mgr_post_phase(&ctx);
	post_pending_save(&ctx);
	/* Cleaning only after a run without failure (lifecycle.md §10). */
	if (!ctx.any_failed && mgr_clean(&ctx) == -1)
		ctx.any_failed = true;
	if (ctx.any_failed) {
		log_msg("Failed to perform required task(s)");
		res = MGR_FAILED;
	}
	run_ctx_clear(&ctx);
	issuer_cache_clear(&issuers);
	return res;
}

enum mgr_result
mgr_run(const struct conf *c, const struct conf_topdir *td,
    const struct mgr_opts *o)
{
	struct sslm_err err;
	struct lock lk;
	enum mgr_result res = MGR_OK;
	pid_t holder = 0;
	int r;

	lock_init(&lk);
	sslm_err_clear(&err);
	log_set_verbose(o->verbose);

	/*
	 * The log: a status-only run is read-only and must work for a user who
	 * cannot write the log dir, so there a failure is only a warning.
	 */
	if (log_open(c->g.logdir, "sslm", &err) == -1) {
		if (!o->status_only) {
			log_error("%s", err.msg);
			return MGR_FAILED;
		}
		if (!o->json)
			log_warn("%s (status shown without a log)", err.msg);
	}

	if (o->config_warnings != NULL)
		for (size_t i = 0; i < o->config_warnings->n; i++)
			if (o->config_warnings->v[i].level == CONF_DIAG_WARNING)
				log_file("warning: %s", o->config_warnings->v[i].msg);

	if (!o->status_only) {
		r = lock_acquire(td->path, &lk, &holder, &err);
		if (r == -1) {
			log_error("%s", err.msg);
			res = MGR_FAILED;
			goto out;
		}
		if (r == 1) {
			char pid[32] = "?";

			if (holder > 0)
				snprintf(pid, sizeof(pid), "%ld", (long)holder);
			fprintf(stderr, "sslm-mgr: %s is locked by pid %s; try "
			    "again later\n", td->path, pid);
			log_file("%s is locked by pid %s; not run", td->path, pid);
			res = MGR_LOCKED;
			goto out;
		}
	}

	if (o->status_only && o->json) {
		if (mgr_status_json(c, td, o, time(NULL), stdout) == -1)
			res = MGR_FAILED;
		log_file("status written as JSON");
	} else if (o->status_only) {
		mgr_status_text(c, td, o, time(NULL));
	} else {
		res = work(c, td, o);
	}
	if (o->verbose && !o->status_only)
		log_verb("Cleanup and release lock");
 out:
	lock_release(&lk);
	log_close();
	return res;
}
