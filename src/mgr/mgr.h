/*
 * mgr/ — orchestration: which groups and services, and when to renew, roll,
 * copy, restart and clean. The only folder that decides *when*; the folders
 * below it know *how*.
 */
#ifndef SSLM_MGR_H
#define SSLM_MGR_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "common/common.h"
#include "config/conf.h"

/* The per-run tasks (cli.md §5.1), in mgr's terms. */
struct mgr_tasks {
	bool reuse;		/* -r or dev -copy: keep curr's key (and CSR) */
	bool new_keys;		/* dev -keys, or -renew without reuse */
	bool copy_curr_to_next;	/* -renew with reuse, or dev -copy */
	bool new_csr;		/* dev -csr, or -renew */
	bool new_cert;		/* dev -cert, or -renew -f */
	bool renew_cert;	/* -renew without -f: only when due */
	bool new_next;		/* a fresh next data set is built */
	bool next_to_curr;	/* dev -ntoc, or -roll -f */
	bool roll_next_to_curr;	/* -roll without -f */
	bool certs_prod;	/* dev -certs-prod */
	bool force_restarts;	/* dev -fsr */
};

/* What the command line asked for, in mgr's terms (bin/ translates). */
struct mgr_opts {
	bool verbose;		/* -v or config verb */
	bool status;		/* -s */
	bool status_only;	/* -s and no action: read-only, no lock */
	bool json;		/* --json (status-only runs) */
	bool test;		/* -t */
	bool debug;		/* -d */
	bool dry_run;		/* -n: certbot --dry-run, nothing stored */
	bool force;		/* -f */
	int min_roll_mins;	/* effective: -roll-mins or config */
	int clean_keep;		/* effective: -clean-keep or config */
	bool clean_all;		/* -clean-all */
	bool dns_refresh;	/* -dns */
	bool dev;		/* dev mode: next switched even if incomplete */
	struct mgr_tasks tasks;
	/* Warnings of the config load: main printed them on stderr; the run
	 * also writes them to the log (cli.md §7.3). May be NULL. */
	const struct conf_diags *config_warnings;
};

void mgr_opts_init(struct mgr_opts *o);
void mgr_opts_clear(struct mgr_opts *o);

enum mgr_result {
	MGR_OK = 0,		/* exit 0 */
	MGR_FAILED = 1,		/* some work failed: exit 1 */
	MGR_LOCKED = 75,	/* another run holds the lock: exit 75 */
};

/*
 * One run on a loaded, valid configuration: open the log, take the lock
 * (not for status-only runs), then the status or the work the options ask
 * for.
 */
enum mgr_result mgr_run(const struct conf *c, const struct conf_topdir *td,
    const struct mgr_opts *o);

/* The status display (cli.md §7, §7.2), through the logger (stdout + log). */
int mgr_status_text(const struct conf *c, const struct conf_topdir *td,
    const struct mgr_opts *o, time_t now);

/* The JSON status document (cli.md §7.3) on fp. */
int mgr_status_json(const struct conf *c, const struct conf_topdir *td,
    const struct mgr_opts *o, time_t now, FILE *fp);

#endif /* SSLM_MGR_H */
