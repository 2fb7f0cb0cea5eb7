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

/* Help text for the mode (cli.md §3), as printed by -h. */
void cli_usage(FILE *fp, enum cli_mode mode);

/* A status-only run (cli.md §7.1): -s and no action flag. Read-only. */
bool cli_is_status_only(const struct cli_request *req);

/* Any action at all (renew, roll, dns, clean options, dev action)? */
bool cli_has_action(const struct cli_request *req);

#endif /* SSLM_CLI_H */
