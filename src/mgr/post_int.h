/*
 * The distribution part of the post phase (distribution.md §3-§8,
 * lifecycle.md §8.2, §12), private to mgr/: a plan of what each host needs
 * (a mirror of production, restarts of some server sections), run with
 * hosts in parallel, then the DNS refresh; and the pending-work file that
 * remembers what failed until a later run gets it done.
 *
 * The same plan serves the normal post phase and the retry of pending work
 * at the start of a run, so both follow one set of rules.
 */
#ifndef SSLM_MGR_POST_INT_H
#define SSLM_MGR_POST_INT_H

#include <stdbool.h>

#include "common/common.h"
#include "config/conf.h"
#include "mgr/run_ctx.h"

struct ssh_conn;		/* deploy/deploy.h */

enum post_result {
	POST_NOT_DUE,		/* nothing asked */
	POST_DUE,		/* asked, not done yet */
	POST_OK,
	POST_FAILED,
	POST_SKIPPED,		/* not attempted because something it needs failed */
};

/* One server entry ("host" or "user@host") and what it needs. */
struct post_host {
	char *name;
	bool local;
	struct ssh_conn *conn;		/* opened on first need, closed by the plan */
	char *conn_error;		/* why it could not be opened (said once) */
	/* Output kept while the host is worked on in a thread; printed in one
	 * block afterwards (the logger is not thread-safe, and one host's lines
	 * belong together, DO6). Each line starts with its log class. */
	struct strvec lines;
	enum post_result copy;
	char *copy_error;
	enum post_result restart[CONF_SERVER_N];
	char *restart_error[CONF_SERVER_N];
};

struct post_plan {
	const char *prod_dir;
	struct post_host *hosts;	/* in order of first mention */
	size_t n_hosts;
	size_t cap;
	bool post_copy;			/* run post_copy_cmd after the copies */
	enum post_result dns;
	struct strvec dns_domains;	/* arguments after --serial_bump */
	char *dns_error;
};

void post_plan_init(struct post_plan *p, const char *prod_dir);
void post_plan_clear(struct post_plan *p);	/* closes the connections */
/* The host entry of name, added when new; NULL on allocation failure. */
struct post_host *post_plan_host(struct post_plan *p, const char *name);

/*
 * The remote copies of the production step (distribution.md §3): hosts of
 * the server sections in the order smtp, imap, web, other, each once;
 * skip_prod_copy sections mark nothing; the local host needs no copy.
 */
int post_plan_add_copies(const struct conf *c, struct post_plan *p);
/* The restarts of section id on each of its servers. */
int post_plan_add_restarts(const struct conf *c, struct post_plan *p, int id);

/*
 * Run the plan: copies (hosts in parallel, at most [ssh] max_parallel at
 * once), post-copy commands when asked and every copy succeeded, restarts
 * (hosts in parallel; a host whose copy failed is not restarted), then the
 * DNS refresh, skipped when any copy or restart failed or was skipped.
 * Output of each host is printed as one block. Sets ctx->any_failed and
 * ctx->restart_failed as the results say. With -d nothing changes.
 */
void post_plan_execute(struct run_ctx *ctx, struct post_plan *p);

/* The DNS refresh command line for domains, run now (distribution.md §5);
 * true when every command succeeded (or -d). */
bool post_dns_refresh_run(struct run_ctx *ctx, const struct strvec *domains,
    char **error);

/* -s -v (lifecycle.md §11): one sentence per difference between local
 * production and each remote copy target, connection problems included.
 * Read-only: an unknown host key is reported, never accepted. */
void post_remote_compare(const struct conf *c, const char *prod_dir,
    struct strvec *diffs);

/* ---- pending work (post_pending.c) ---------------------------------------- */

/* Load TOP/.sslm-pending into ctx (warnings logged). */
void post_pending_load(struct run_ctx *ctx);
/* Retry what is pending (lifecycle.md §12), before the group phase. */
void post_pending_retry(struct run_ctx *ctx);
/* Write every due item of p as pending before the work starts, so that a
 * killed run leaves what it owed (not with -d). */
void post_pending_intent(struct run_ctx *ctx, const struct post_plan *p);
/* Write the copies' results as soon as they are known (before restarts). */
void post_pending_copies_settled(struct run_ctx *ctx, const struct post_plan *p);
/* Fold a plan's results into ctx's pending list: done work clears its
 * items, failed or skipped work adds them. */
void post_pending_update(struct run_ctx *ctx, const struct post_plan *p);
/* Record "copy local": the local production copy failed. */
void post_pending_local_copy_failed(struct run_ctx *ctx, const char *error);
/* The local production copy of this run succeeded: clear "copy local". */
void post_pending_local_copy_done(struct run_ctx *ctx);
/* Mark everything due in p as not done because of why. */
void post_plan_skip_all(struct post_plan *p, const char *why);
/* Write the list back (not with -d). */
void post_pending_save(struct run_ctx *ctx);

/* Read TOP/.sslm-pending for a status display; problems are warnings
 * (stderr and the log, never stdout). pl is initialised here. */
struct pending_list;
void post_pending_read(const struct conf *c, struct pending_list *pl);
/* The status display of pending work (cli.md §7.2) through the logger. */
void post_pending_print(const struct conf *c);

#endif /* SSLM_MGR_POST_INT_H */
