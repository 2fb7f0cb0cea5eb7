/*
 * sslm-mgr: parse the command line, find and check the configuration, hand
 * the run to mgr/ and turn its result into the exit status (cli.md §9):
 * 0 ok, 1 some work failed, 2 usage or configuration error, 75 locked.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/conf.h"
#include "mgr/mgr.h"

#define EXIT_USAGE	2
#define EXIT_LOCKED	75

/* Actions of cli.md §3 that this version cannot perform yet, by name. */
static int
note_unavailable(const struct cli_request *req, struct strvec *out)
{
	const struct {
		bool on;
		const char *name;
	} acts[] = {
		{ req->renew, "renew" },
		{ req->roll, "roll" },
		{ req->dns_refresh, "dns-refresh" },
		{ req->clean_keep >= 0, "clean-keep" },
		{ req->clean_all, "clean-all" },
		{ req->keys, "new-keys" },
		{ req->csr, "new-csr" },
		{ req->cert, "new-cert" },
		{ req->copy, "copy-csr" },
		{ req->ntoc, "next-to-curr" },
		{ req->certs_prod, "certs-to-prod" },
		{ req->fsr, "force-server-restarts" },
	};

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (acts[i].on && strvec_push(out, acts[i].name) == -1)
			return -1;
	/* A run with neither -s nor an action cleans old data sets. */
	if (!req->status && !cli_has_action(req) && strvec_push(out, "clean") == -1)
		return -1;
	return 0;
}

/* The positional selection in config's terms (config knows nothing of argv). */
static struct conf_select *
make_selection(const struct cli_request *req)
{
	struct conf_select *sel = calloc(req->n_sel + 1, sizeof(*sel));

	if (sel == NULL)
		return NULL;
	for (size_t i = 0; i < req->n_sel; i++) {
		sel[i].group = req->sel[i].group;
		sel[i].services = (const char *const *)req->sel[i].services.v;
		sel[i].n_services = req->sel[i].services.n;
		sel[i].all = req->sel[i].all;
	}
	return sel;
}

int
main(int argc, char *argv[])
{
	struct cli_request req;
	struct conf_topdir td;
	struct conf_diags diags;
	struct conf conf;
	struct mgr_opts opts;
	struct conf_select *sel = NULL;
	struct sslm_err err;
	int rc = EXIT_USAGE;

	cli_request_init(&req);
	conf_topdir_init(&td);
	conf_diags_init(&diags);
	conf_init(&conf);
	mgr_opts_init(&opts);
	sslm_err_clear(&err);

	if (cli_parse(argc, argv, &req, &err) == -1) {
		fprintf(stderr, "sslm-mgr: %s\nTry 'sslm-mgr -h' for help.\n", err.msg);
		goto out;
	}
	if (req.help) {
		cli_usage(stdout, req.mode);
		rc = EXIT_SUCCESS;
		goto out;
	}
	if (conf_find_topdir(&td, &err) == -1) {
		fprintf(stderr, "sslm-mgr: %s\n", err.msg);
		goto out;
	}
	if ((sel = make_selection(&req)) == NULL)
		goto oom;
	if (conf_load(&conf, &td, sel, req.n_sel, req.has_selection, &diags) == -1) {
		conf_diags_print(&diags, stderr);
		goto out;
	}
	/* Warnings go to stderr so a --json stdout stays one document. */
	conf_diags_print(&diags, stderr);

	opts.verbose = req.verb || conf.g.verb;
	opts.status = req.status;
	opts.status_only = cli_is_status_only(&req);
	opts.json = req.json;
	opts.test = req.test;
	opts.debug = req.debug;
	opts.force = req.force;
	opts.min_roll_mins = req.roll_mins >= 0 ? req.roll_mins : conf.g.min_roll_mins;
	opts.clean_keep = req.clean_keep >= 0 ? req.clean_keep : conf.g.clean_keep;
	if (note_unavailable(&req, &opts.unavailable) == -1)
		goto oom;

	switch (mgr_run(&conf, &td, &opts)) {
	case MGR_OK:
		rc = EXIT_SUCCESS;
		break;
	case MGR_FAILED:
		rc = EXIT_FAILURE;
		break;
	case MGR_UNAVAILABLE:
		rc = EXIT_USAGE;
		break;
	case MGR_LOCKED:
		rc = EXIT_LOCKED;
		break;
	}
	goto out;
 oom:
	fprintf(stderr, "sslm-mgr: out of memory\n");
	rc = EXIT_FAILURE;
 out:
	free(sel);
	mgr_opts_clear(&opts);
	conf_clear(&conf);
	conf_diags_clear(&diags);
	conf_topdir_clear(&td);
	cli_request_clear(&req);
	return rc;
}
