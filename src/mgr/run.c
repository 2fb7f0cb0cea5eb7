/*
 * One sslm-mgr run on a valid configuration: log, lock, status, and a clear
 * refusal of the actions this version cannot do yet (decisions.md "Actions
 * not built yet": no silent no-ops).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mgr/mgr.h"

#define DASHES "------------------------"

void
mgr_opts_init(struct mgr_opts *o)
{
	memset(o, 0, sizeof(*o));
	strvec_init(&o->unavailable);
}

void
mgr_opts_clear(struct mgr_opts *o)
{
	strvec_clear(&o->unavailable);
	mgr_opts_init(o);
}

/* A run without -s still lists what it works on (cli.md §5.3). */
static void
list_groups(const struct conf *c)
{
	log_msg(DASHES);
	log_msg("Start group/domain tasks :");
	for (size_t g = 0; g < c->n_groups; g++) {
		log_msg(DASHES);
		log_msg("%s", c->groups[g].name);
		for (size_t s = 0; s < c->groups[g].n_services; s++)
			log_msg("  %s", c->groups[g].services[s]->service);
	}
	log_msg("%s", "");
	log_msg("Done group tasks:");
	log_msg(DASHES);
	log_msg("%s", "");
}

enum mgr_result
mgr_run(const struct conf *c, const struct conf_topdir *td,
    const struct mgr_opts *o)
{
	struct sslm_err err;
	struct lock lk;
	enum mgr_result res = MGR_OK;
	time_t now = time(NULL);
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

	if (o->status && o->json) {
		if (mgr_status_json(c, td, o, now, stdout) == -1)
			res = MGR_FAILED;
		log_file("status written as JSON");
	} else if (o->status) {
		mgr_status_text(c, td, o, now);
	} else {
		list_groups(c);
	}

	for (size_t i = 0; i < o->unavailable.n; i++) {
		fprintf(stderr, "sslm-mgr: %s is not available in this version\n",
		    o->unavailable.v[i]);
		log_file("%s is not available in this version", o->unavailable.v[i]);
		res = MGR_UNAVAILABLE;
	}
	if (o->verbose && !o->json)
		log_verb("Cleanup and release lock");
 out:
	lock_release(&lk);
	log_close();
	return res;
}
