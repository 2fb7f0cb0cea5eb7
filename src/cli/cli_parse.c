/*
 * sslm-mgr's argv to struct cli_request (cli.md §1-§2). Hand-written rather
 * than getopt_long: the original's single-dash long names (-renew,
 * -roll-mins) and its flag bundles (-sv) do not fit getopt, and the spec
 * forbids the prefix abbreviations getopt_long would accept.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

void
cli_request_init(struct cli_request *req)
{
	memset(req, 0, sizeof(*req));
	req->mode = CLI_REGULAR;
	req->roll_mins = -1;
	req->clean_keep = -1;
}

void
cli_request_clear(struct cli_request *req)
{
	for (size_t i = 0; i < req->n_sel; i++) {
		free(req->sel[i].group);
		strvec_clear(&req->sel[i].services);
	}
	free(req->sel);
	cli_request_init(req);
}

void
cli_quote(char buf[CLI_QUOTE_MAX + 1], const char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o == CLI_QUOTE_MAX) {
			/* cut: the last three characters become "..." */
			memcpy(buf + o - 3, "...", 3);
			break;
		}
		buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[o] = '\0';
}

/* Exact match only: "--stat" must not find "--status" (decision CO2). */
static bool
name_is(const char *want, const char *name, size_t len)
{
	return want != NULL && strlen(want) == len &&
	    strncmp(want, name, len) == 0;
}

/*
 * Find the option spelled name[0..len). A dev-only option in regular mode
 * is not found, but *dev_only tells the caller so it can say why.
 */
static const struct cli_opt *
find_opt(const char *name, size_t len, enum cli_mode mode, bool *dev_only)
{
	*dev_only = false;
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct cli_opt *o = &cli_opts[i];

		if (!name_is(o->short_name, name, len) &&
		    !name_is(o->long_name, name, len))
			continue;
		if (o->dev && mode != CLI_DEV) {
			*dev_only = true;
			return NULL;
		}
		return o;
	}
	return NULL;
}

/* "-sv": one dash, then only letters of single-letter flags (cli.md §2). */
static bool
is_bundle(const char *arg)
{
	if (arg[0] != '-' || arg[1] == '\0' || arg[1] == '-')
		return false;
	for (const char *p = arg + 1; *p != '\0'; p++)
		if (strchr(CLI_BUNDLE_LETTERS, *p) == NULL)
			return false;
	return true;
}

static void
set_flag(struct cli_request *req, const struct cli_opt *o)
{
	*(bool *)(void *)((char *)req + o->field) = true;
}

/* Set the flag of each letter (already checked by is_bundle()). */
static void
set_bundle(struct cli_request *req, const char *letters)
{
	for (const char *p = letters; *p != '\0'; p++)
		for (size_t i = 0; i < OPT__COUNT; i++) {
			const char *s = cli_opts[i].short_name;

			if (s != NULL && s[1] == *p && s[2] == '\0')
				set_flag(req, &cli_opts[i]);
		}
}

/*
 * Parse an option's integer value: optional sign and decimal digits only
 * (no blanks, no hex), within int. name is the spelling the user typed.
 */
static int
parse_int(const char *name, const char *val, int *out, struct sslm_err *err)
{
	char q[CLI_QUOTE_MAX + 1];
	const char *p = val;
	char *end = NULL;
	long v;

	cli_quote(q, val, strlen(val));
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9') {
		sslm_err_set(err, "%s: '%s' is not an integer", name, q);
		return -1;
	}
	errno = 0;
	v = strtol(val, &end, 10);
	if (*end != '\0') {
		sslm_err_set(err, "%s: '%s' is not an integer", name, q);
		return -1;
	}
	if (errno == ERANGE || v > INT_MAX || v < INT_MIN) {
		sslm_err_set(err, "%s: '%s' is out of range", name, q);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int
set_int(struct cli_request *req, const struct cli_opt *o, const char *name,
    const char *val, struct sslm_err *err)
{
	char q[CLI_QUOTE_MAX + 1];
	int v;

	if (parse_int(name, val, &v, err) != 0)
		return -1;
	if (o == &cli_opts[OPT_ROLL_MINS] && v < 0) {
		cli_quote(q, val, strlen(val));
		sslm_err_set(err, "%s: '%s' is negative (minutes must be 0 or "
		    "more)", name, q);
		return -1;
	}
	if (o == &cli_opts[OPT_CLEAN_KEEP]) {
		/* cli.md §2: raised, not refused; main() says so (info). */
		req->clean_keep_raised = v < 1;
		if (v < 1)
			v = 1;
	}
	*(int *)(void *)((char *)req + o->field) = v;
	return 0;
}

/* Rules that need the whole command line (decision CO5, CO1/--json). */
static int
check_combinations(const struct cli_request *req, struct sslm_err *err)
{
	/* -r alone would replace next with an empty dir (quirk C3) */
	if (req->reuse && !req->renew) {
		sslm_err_set(err, "-r/--reuse needs -renew");
		return -1;
	}
	if (req->json && !cli_is_status_only(req)) {
		sslm_err_set(err, "--json needs -s and no action");
		return -1;
	}
	return 0;
}

int
cli_parse(int argc, char *const argv[], struct cli_request *req,
    struct sslm_err *err)
{
	bool opts_done = false;
	int i = 1;

	/* Only the very first argument selects dev mode (cli.md §1). */
	if (argc > 1 && str_eq(argv[1], "dev")) {
		req->mode = CLI_DEV;
		i = 2;
	}
	for (; i < argc; i++) {
		const char *arg = argv[i], *eq, *val;
		const struct cli_opt *o;
		char name[CLI_QUOTE_MAX + 1];
		bool dev_only;
		size_t len;

		if (opts_done || arg[0] != '-') {
			if (cli_select_add(req, arg, err) != 0)
				return -1;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			opts_done = true;
			continue;
		}
		eq = strchr(arg, '=');
		len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		cli_quote(name, arg, len);
		o = find_opt(arg, len, req->mode, &dev_only);
		if (o == NULL && dev_only) {
			sslm_err_set(err, "unknown option '%s' (a dev option: "
			    "use 'sslm-mgr dev %s')", name, name);
			return -1;
		}
		if (o == NULL) {
			if (eq == NULL && is_bundle(arg)) {
				set_bundle(req, arg + 1);
				continue;
			}
			sslm_err_set(err, "unknown option '%s'", name);
			return -1;
		}
		if (o->kind == CLI_FLAG) {
			if (eq != NULL) {
				sslm_err_set(err, "option %s takes no value",
				    name);
				return -1;
			}
			set_flag(req, o);
			/* like argparse: help wins over whatever follows */
			if (o == &cli_opts[OPT_HELP])
				return 0;
			continue;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];	/* even when it starts with '-' */
		else {
			sslm_err_set(err, "option %s needs a value", name);
			return -1;
		}
		if (set_int(req, o, name, val, err) != 0)
			return -1;
	}
	return check_combinations(req, err);
}
