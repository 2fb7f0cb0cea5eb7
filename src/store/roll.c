/*
 * Switching links: next to a finished data set, and the roll next -> curr.
 *
 * Every switch is a new link renamed over the old one (fs_symlink_swap), and
 * the roll orders its switches so that curr never disappears: a crash leaves
 * either the old state, a state the next roll simply repeats, or one it
 * finishes (lifecycle.md §5.2).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"

/* Whether linkpath is a symlink whose target is exactly target. */
static bool
link_is(const char *linkpath, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(linkpath, buf, sizeof(buf) - 1);

	if (n == -1)
		return false;
	buf[n] = '\0';
	return strcmp(buf, target) == 0;
}

int
store_set_link_next(const struct store_set *set, struct sslm_err *err)
{
	char *target = NULL, *linkpath = NULL, *db = NULL;
	int rc = -1;

	fault_point("before-link-next");
	if (set->dir == NULL || set->name == NULL) {
		sslm_err_set(err, "cannot link next: no data set (internal error)");
		goto out;
	}
	if ((target = str_printf("db/%s", set->name)) == NULL ||
	    (linkpath = fs_path_join(set->svc_dir, "next")) == NULL ||
	    (db = fs_path_join(set->svc_dir, "db")) == NULL) {
		sslm_err_set(err, "out of memory linking next in %s", set->svc_dir);
		goto out;
	}
	if (store_link_check(set->svc_dir, "next", err) == -1)
		goto out;
	/* A discarded set must never be linked. */
	if (!fs_is_dir(set->dir)) {
		sslm_err_set(err, "cannot point %s at %s: the data set is gone",
		    linkpath, target);
		goto out;
	}
	if (link_is(linkpath, target)) {
		rc = 0;
		goto out;
	}
	/* The set's own entry in db/ must be on disk before a link names it. */
	if (store_fsync_dir(db, err) == -1)
		goto out;
	if (fs_symlink_swap(target, linkpath, err) == -1)
		goto out;
	rc = 0;
 out:
	free(target);
	free(linkpath);
	free(db);
	return rc;
}

/* info of the set about to become curr; a failure only warns (layout §4.3). */
static void
write_info(const char *set_dir, const char *service)
{
	char stamp[TIME_DB_LEN];
	char *path = NULL, *text = NULL;
	struct sslm_err err;

	if ((path = fs_path_join(set_dir, "info")) == NULL)
		goto oom;
	if (time_stamp_db(time(NULL), stamp) == -1) {
		log_warn("cannot write %s: the current time cannot be read", path);
		goto out;
	}
	if ((text = str_printf("# %s rolled to curr : %s\n%s", service, stamp,
	    store_dataset_is_staging(set_dir) ? "# staging\n" : "")) == NULL)
		goto oom;
	if (fs_write_atomic(path, text, strlen(text), 0666, &err) == -1)
		log_warn("%s", err.msg);
	goto out;
 oom:
	log_warn("out of memory writing the info file of %s", set_dir);
 out:
	free(path);
	free(text);
}

/* Remove next after curr took its target; then sync the service directory
 * so the roll as a whole is durable. */
static int
drop_next(const char *svc_dir, const char *next_path, struct sslm_err *err)
{
	if (unlink(next_path) == -1 && errno != ENOENT) {
		sslm_err_errno(err, errno, "cannot remove %s after the roll "
		    "(remove it by hand)", next_path);
		return -1;
	}
	return store_fsync_dir(svc_dir, err);
}

int
store_roll(const char *svc_dir, const char *service, bool allow_staging,
    struct sslm_err *err)
{
	char *next_name = NULL, *next_dir = NULL, *curr_name = NULL;
	char *next_path = NULL, *curr_path = NULL, *prev_path = NULL;
	char *target = NULL, *list = NULL;
	struct strvec missing;
	int r, rc = -1;

	strvec_init(&missing);
	if ((next_path = fs_path_join(svc_dir, "next")) == NULL ||
	    (curr_path = fs_path_join(svc_dir, "curr")) == NULL ||
	    (prev_path = fs_path_join(svc_dir, "prev")) == NULL)
		goto oom;
	/* Every check comes before the first change. */
	if (store_link_check(svc_dir, "prev", err) == -1)
		goto out;
	if ((r = store_link_resolve(svc_dir, STORE_NEXT, &next_name, &next_dir,
	    err)) == -1)
		goto out;
	if (r == 0) {
		sslm_err_set(err, "%s: nothing to roll: no next", service);
		rc = 1;
		goto out;
	}
	if ((r = store_link_resolve(svc_dir, STORE_CURR, &curr_name, NULL,
	    err)) == -1)
		goto out;
	if (r == 1 && strcmp(curr_name, next_name) == 0) {
		/* A roll that crashed after its curr switch: only next is left. */
		log_verb("%s: next equals curr (an interrupted roll); removing next",
		    service);
		if (drop_next(svc_dir, next_path, err) == -1)
			goto out;
		rc = 0;
		goto out;
	}
	if ((r = store_set_missing(next_dir, &missing)) == -1)
		goto oom;
	if (r > 0) {
		size_t len = 1;

		for (size_t i = 0; i < missing.n; i++)
			len += strlen(missing.v[i]) + 2;
		if ((list = calloc(1, len)) == NULL)
			goto oom;
		for (size_t i = 0; i < missing.n; i++) {
			if (i > 0)
				strcat(list, ", ");
			strcat(list, missing.v[i]);
		}
		sslm_err_set(err, "%s: cannot roll: next (db/%s) is missing %s; "
		    "renew again", service, next_name, list);
		goto out;
	}
	if (!allow_staging && store_dataset_is_staging(next_dir)) {
		sslm_err_set(err, "%s: next is a staging cert; roll it with -t",
		    service);
		rc = 1;
		goto out;
	}

	/* The info goes in before the switch, so curr never lacks it. */
	write_info(next_dir, service);
	if (curr_name != NULL) {
		if ((target = str_printf("db/%s", curr_name)) == NULL)
			goto oom;
		if (fs_symlink_swap(target, prev_path, err) == -1)
			goto out;
		free(target);
		target = NULL;
	}
	/* prev == curr here: a crash now leaves next pending, rolled again. */
	fault_point("roll-between-links");
	if ((target = str_printf("db/%s", next_name)) == NULL)
		goto oom;
	if (fs_symlink_swap(target, curr_path, err) == -1)
		goto out;
	if (drop_next(svc_dir, next_path, err) == -1)
		goto out;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory rolling %s", svc_dir);
 out:
	strvec_clear(&missing);
	free(next_name);
	free(next_dir);
	free(curr_name);
	free(next_path);
	free(curr_path);
	free(prev_path);
	free(target);
	free(list);
	return rc;
}
