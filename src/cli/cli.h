/*
 * cli/ — sslm-mgr's command line (regular and dev mode, spec/cli.md) turned
 * into a request struct. Parsing only: no config is read here.
 */
#ifndef SSLM_CLI_H
#define SSLM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "common/common.h"

enum cli_mode {
	CLI_REGULAR,
	CLI_DEV,		/* first argument is exactly "dev" */
};

/* One positional GROUP[:SVC[,SVC...]] argument, merged per group. */
struct cli_selection {
	char *group;
	struct strvec services;	/* de-duplicated, command-line order */
	bool all;		/* ALL or * given, or no service list (O6) */
	/* (addition) When all is set, services still holds any names that were
	 * also given (all validated); the discovered list replaces them, as
	 * cli.md §4 says for a list containing ALL. */
};

struct cli_request {
	enum cli_mode mode;
	bool help;		/* -h/--help: print cli_usage(), exit 0 */

	/* regular options (cli.md §3.1) */
	bool verb, force, reuse, debug, test, dry_run, status;
	bool renew, roll, dns_refresh, clean_all, json;
	int roll_mins;		/* -1: not given */
	int clean_keep;		/* -1: not given; values < 1 raised to 1 */
	bool clean_keep_raised;	/* an info message is due */

	/* dev-only options (cli.md §3.2) */
	bool keys, csr, cert, copy, ntoc, certs_prod, fsr;

	/* positional selection; has_selection is true when at least one
	 * positional argument was given (then the config's [[groups]] list is
	 * not used, even when the result is empty). */
	struct cli_selection *sel;
	size_t n_sel;
	bool has_selection;
};

void cli_request_init(struct cli_request *req);
void cli_request_clear(struct cli_request *req);

/*
 * Parse argv (argv[0] is the program). Returns 0, or -1 on a usage error
 * with err holding one line such as "unknown option '--stat'" (main prints
 * it with the usage hint and exits 2).
 */
int cli_parse(int argc, char *const argv[], struct cli_request *req,
    struct sslm_err *err);
/*
 * (addition) More of cli_parse()'s contract:
 * - req must have been cli_request_init()ed; after a failure it may hold a
 *   partial result, so cli_request_clear() it either way.
 * - -h/--help stops parsing at once (like argparse): req->help is set, the
 *   mode is known, the arguments after it are not looked at, and the
 *   combination checks (-r needs -renew, --json) are skipped.
 * - Repeating an option is allowed; for -roll-mins/-clean-keep the last
 *   value wins.
 */

/* Help text for the mode (cli.md §3), as printed by -h. */
void cli_usage(FILE *fp, enum cli_mode mode);

/* A status-only run (cli.md §7.1): -s and no action flag. Read-only. */
bool cli_is_status_only(const struct cli_request *req);

/* Any action at all (renew, roll, dns, clean options, dev action)? */
bool cli_has_action(const struct cli_request *req);

/*
 * (addition) The per-run tasks derived from the flags (cli.md §5.1); the
 * same for every group and service. mgr/ runs them per service in the
 * fixed order of §5.2.
 */
struct cli_tasks {
	bool status;		/* -s */
	bool reuse;		/* -r or dev -copy: keep curr's key and CSR */
	bool new_keys;		/* dev -keys, or -renew without reuse */
	bool copy_curr_to_next;	/* -renew with reuse, or dev -copy */
	bool new_csr;		/* dev -csr, or -renew */
	bool new_cert;		/* dev -cert, or -renew -f (unconditional) */
	bool renew_cert;	/* -renew without -f: only when due */
	bool new_next;		/* a fresh next data set is built */
	bool next_to_curr;	/* dev -ntoc, or -roll -f (no age check) */
	bool roll_next_to_curr;	/* -roll without -f (age-checked) */
	bool certs_prod;	/* dev -certs-prod: production copy forced */
	bool force_restarts;	/* dev -fsr: every restart forced */
};

void cli_tasks_derive(const struct cli_request *req, struct cli_tasks *t);

/*
 * Append the §5.1 warnings for odd but allowed combinations (renew with
 * roll, renew with next-to-curr, reuse with new keys, new cert with renew
 * cert) to out, one sentence each, without a "warning:" prefix. The run
 * continues after printing them. Returns how many were added, or -1 when
 * out of memory (out may then hold some of them; the caller clears it).
 */
int cli_task_warnings(const struct cli_request *req, struct strvec *out);

#endif /* SSLM_CLI_H */
