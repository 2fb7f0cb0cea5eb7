/*
 * sslm-mgr -s -v on remote servers (lifecycle.md §11): the mirror's walk,
 * describing instead of changing. Contents are not read: type, size, mtime,
 * mode and link targets decide, as in the mirror's skip rule.
 */
#include "config.h"

#include <string.h>

#include "deploy/remote_int.h"

int
deploy_remote_compare(struct ssh_conn *c, const char *prod_dir,
    struct strvec *diffs, struct sslm_err *err)
{
	struct remote_mirror_stats st;
	struct remote_walk w = { .c = c, .compare = true, .diffs = diffs,
	    .st = &st, .err = err };

	memset(&st, 0, sizeof(st));
	if (remote_walk_run(&w, prod_dir) == -1)
		return -1;
	return (int)w.n_diffs;
}
