/*
 * import/ — moving a plain certbot install (/etc/letsencrypt) into an
 * ssl-mgr top dir without re-issuing or re-registering (tools.md §9,
 * sslm-import-certbot(8)).
 *
 * Per lineage: read renewal/<name>.conf (inih) and the files live/<name>/
 * points at, find the ACME account, make a plan (service file, ca-info.conf
 * entry, [[groups]] entry, data set linked as curr, account copy into cb/),
 * refuse it when any file it would create already exists, else write it.
 *
 * This header is the folder's front door; nothing else in src/import/ is
 * included from outside it (the unit tests excepted).
 */
#ifndef SSLM_IMPORT_H
#define SSLM_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/common.h"

/* What one sslm-import-certbot run does. Strings are the caller's. */
struct import_opts {
	const char *certbot_dir;	/* certbot --config-dir; NULL = /etc/letsencrypt */
	const char *top;		/* TOP (must hold conf.d/ssl-mgr.conf) */
	const char *apex;		/* --apex, NULL = none */
	const char *org;		/* [X509] O; NULL = the apex */
	const char *country;		/* [X509] C; NULL = "XX" */
	const char *const *lineages;	/* names to import; none = every
					 * renewal/<name>.conf */
	size_t n_lineages;
	bool dry_run;			/* print the plan, change nothing */
	bool use_dns;			/* ask [[dns_primary]] for the apex */
};

enum import_result {
	IMPORT_OK = 0,			/* every lineage imported (or planned) */
	IMPORT_SOME_FAILED = 1,		/* some refused or failed, reported */
	IMPORT_CONFIG_ERROR = 2,	/* nothing done: err says why */
};

/*
 * Import the lineages, reporting the plan and each result on out (one
 * block per lineage; refusals and failures also as "error: ..." lines).
 * A problem with one lineage does not stop the others. IMPORT_CONFIG_ERROR
 * (err set) when nothing could be started: TOP without a readable
 * conf.d/ssl-mgr.conf or ca-info.conf, no certbot renewal/ folder, a bad
 * option value, or no lineage at all.
 */
enum import_result import_run(const struct import_opts *opts, FILE *out,
    struct sslm_err *err);

#endif /* SSLM_IMPORT_H */
