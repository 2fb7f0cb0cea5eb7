/*
 * From flags to tasks (cli.md §5.1, §7.1): which work a run asks for, and
 * whether it is a read-only status run.
 */
#include "config.h"

#include <string.h>

#include "cli/cli_int.h"

static bool
has_dev_action(const struct cli_request *req)
{
	return req->keys || req->csr || req->cert || req->copy || req->ntoc ||
	    req->certs_prod || req->fsr;
}

bool
cli_has_action(const struct cli_request *req)
{
	/* a given -clean-keep counts: it asks the cleaning step to run */
	return req->renew || req->roll || req->dns_refresh ||
	    req->clean_keep != -1 || req->clean_all || has_dev_action(req);
}

bool
cli_is_status_only(const struct cli_request *req)
{
	return req->status && !cli_has_action(req);
}

void
cli_tasks_derive(const struct cli_request *req, struct cli_tasks *t)
{
	memset(t, 0, sizeof(*t));
	t->status = req->status;
	t->reuse = req->reuse || req->copy;
	t->new_keys = req->keys || (req->renew && !t->reuse);
	/* C: dev -copy copies too; in the original it only made an empty
	 * next (quirk C3, cli.md §5.3) */
	t->copy_curr_to_next = (req->renew && t->reuse) || req->copy;
	t->new_csr = req->csr || req->renew;
	t->new_cert = req->cert || (req->renew && req->force);
	t->renew_cert = req->renew && !req->force;
	t->new_next = req->renew || t->new_keys || t->new_csr ||
	    t->new_cert || t->reuse;
	t->next_to_curr = req->ntoc || (req->roll && req->force);
	t->roll_next_to_curr = req->roll && !req->force;
	t->certs_prod = req->certs_prod;
	t->force_restarts = req->fsr;
}

int
cli_task_warnings(const struct cli_request *req, struct strvec *out)
{
	struct cli_tasks t;
	bool makes_cert;
	int n = 0;

	cli_tasks_derive(req, &t);
	makes_cert = t.renew_cert || t.new_cert;
	if (makes_cert && t.roll_next_to_curr) {
		if (strvec_push(out, "renew and roll in one run: a new next "
		    "is rolled only if min_roll_mins is 0 or there is no curr; "
		    "otherwise a later -roll does it") != 0)
			return -1;
		n++;
	}
	if (makes_cert && t.next_to_curr) {
		if (strvec_push(out, "renew and next-to-curr in one run: the "
		    "new cert becomes curr at once, before its TLSA records "
		    "can reach DNS caches") != 0)
			return -1;
		n++;
	}
	if (t.reuse && t.new_keys) {
		if (strvec_push(out, "reuse and new keys in one run: the new "
		    "key is replaced by curr's key (copied after it)") != 0)
			return -1;
		n++;
	}
	if (t.new_cert && t.renew_cert) {
		if (strvec_push(out, "new cert and renew in one run: -renew "
		    "already makes a cert when due; drop -cert, or use "
		    "-renew -f to force one") != 0)
			return -1;
		n++;
	}
	return n;
}
