/*
 * Private to src/cli/: the option table, shared by the parser and the help
 * text so that the two cannot disagree, and the helpers between the files.
 */
#ifndef SSLM_CLI_INT_H
#define SSLM_CLI_INT_H

#include <stddef.h>

#include "cli/cli.h"

/* The options in help-text order; every value of the enum has a row. */
enum cli_opt_id {
	OPT_HELP,
	OPT_VERB,
	OPT_FORCE,
	OPT_REUSE,
	OPT_DEBUG,
	OPT_TEST,
	OPT_DRY_RUN,
	OPT_STATUS,
	OPT_RENEW,
	OPT_ROLL,
	OPT_ROLL_MINS,
	OPT_DNS,
	OPT_CLEAN_KEEP,
	OPT_CLEAN_ALL,
	OPT_JSON,
	OPT_KEYS,
	OPT_CSR,
	OPT_CERT,
	OPT_COPY,
	OPT_NTOC,
	OPT_CERTS_PROD,
	OPT_FSR,
	OPT__COUNT
};

enum cli_opt_kind {
	CLI_FLAG,		/* sets a bool field */
	CLI_INT,		/* takes an integer value into an int field */
};

struct cli_opt {
	const char *short_name;	/* "-v", "-renew"; NULL when none (--json) */
	const char *long_name;	/* "--verb" */
	const char *value;	/* placeholder in the help; NULL for flags */
	const char *help;	/* one line, at most 46 characters */
	bool dev;		/* only after "dev" as the first argument */
	enum cli_opt_kind kind;
	size_t field;		/* offsetof() the field in struct cli_request */
};

extern const struct cli_opt cli_opts[OPT__COUNT];

/* Letters that may be bundled after one '-' (cli.md §2); not 'h'. */
#define CLI_BUNDLE_LETTERS "vfrdtns"

/* Add one positional GROUP[:SVC[,SVC...]] argument to req->sel. */
int cli_select_add(struct cli_request *req, const char *arg,
    struct sslm_err *err);

#define CLI_QUOTE_MAX 80	/* shown characters of a quoted argument */

/*
 * Copy at most len bytes of s into buf for an error message: control and
 * non-ASCII bytes become '?', and a text longer than CLI_QUOTE_MAX is cut
 * to CLI_QUOTE_MAX characters ending in "...", so that one message stays
 * one short line whatever the user typed.
 */
void cli_quote(char buf[CLI_QUOTE_MAX + 1], const char *s, size_t len);

#endif /* SSLM_CLI_INT_H */
