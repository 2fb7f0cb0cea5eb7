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

/* The per-run tasks of cli.md §5.1, in mgr's terms. */
static void
make_tasks(const struct cli_request *req, struct mgr_tasks *mt)
{
	struct cli_tasks t;

	cli_tasks_derive(req, &t);
	mt->reuse = t.reuse;
	mt->new_keys = t.new_keys;
	mt->copy_curr_to_next = t.copy_curr_to_next;
	mt->new_csr = t.new_csr;
	mt->new_cert = t.new_cert;
	mt->renew_cert = t.renew_cert;
	mt->new_next = t.new_next;
	mt->next_to_curr = t.next_to_curr;
	mt->roll_next_to_curr = t.roll_next_to_curr;
	mt->certs_prod = t.certs_prod;
	mt->force_restarts = t.force_restarts;
}

/* The §5.1 warnings for odd but allowed combinations. */
static void
print_task_warnings(const struct cli_request *req)
{
	struct strvec w;

	strvec_init(&w);
	if (cli_task_warnings(req, &w) >= 0)
		for (size_t i = 0; i < w.n; i++)
			fprintf(stderr, "warning: %s\n", w.v[i]);
	strvec_clear(&w);
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

	if (sslm_version_asked(argc, argv))
		return sslm_print_version("sslm-mgr");
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
	/* -n: certbot --dry-run; everything else behaves as with -d. */
	opts.debug = req.debug || req.dry_run;
	opts.dry_run = req.dry_run;
	opts.force = req.force;
	opts.min_roll_mins = req.roll_mins >= 0 ? req.roll_mins : conf.g.min_roll_mins;
	opts.clean_keep = req.clean_keep >= 0 ? req.clean_keep : conf.g.clean_keep;
	opts.clean_all = req.clean_all;
	opts.dns_refresh = req.dns_refresh;
	opts.dev = req.mode == CLI_DEV;
	make_tasks(&req, &opts.tasks);
	opts.config_warnings = &diags;
	print_task_warnings(&req);
	if (req.clean_keep_raised)
		fprintf(stderr, "sslm-mgr: -clean-keep below 1 raised to 1\n");

	switch (mgr_run(&conf, &td, &opts)) {
	case MGR_OK:
		rc = EXIT_SUCCESS;
		break;
	case MGR_FAILED:
		rc = EXIT_FAILURE;
		break;
	case MGR_LOCKED:
		rc = EXIT_LOCKED;
		break;
	}
	/* Output that could not be written is a failure, not a silent loss. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "sslm-mgr: cannot write to standard output\n");
		if (rc == EXIT_SUCCESS)
			rc = EXIT_FAILURE;
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
