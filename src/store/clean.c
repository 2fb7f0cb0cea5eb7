/* Cleaning old data sets out of db/ (lifecycle.md §10). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store.h"
#include "store/store_int.h"

struct cand {
	char *name;
	struct timespec mtime;
};

/* Newest first; equal times fall back to the name (newer stamp first) so the
 * choice never depends on readdir order. */
static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
	return -strcmp(x->name, y->name);
}

/* Names curr, next and prev point at: a set a link names is never a
 * candidate. A link that is not a symlink is an error: then we cannot know
 * what is in use. (A dangling link names no directory of db/.) */
static int
linked_names(const char *svc_dir, struct strvec *names, struct sslm_err *err)
{
	for (int w = STORE_CURR; w <= STORE_PREV; w++) {
		char *name = NULL;
		struct sslm_err e;

		if (store_link_resolve(svc_dir, (enum store_link)w, &name, NULL,
		    &e) == -1) {
			sslm_err_set(err, "not cleaning %s: %s", svc_dir, e.msg);
			return -1;
		}
		if (name != NULL && strvec_push_owned(names, name) == -1) {
			sslm_err_set(err, "out of memory cleaning %s", svc_dir);
			return -1;
		}
	}
	return 0;
}

int
store_clean(const char *svc_dir, int keep, bool debug,
    struct strvec *removed, struct sslm_err *err)
{
	struct strvec linked;
	struct cand *cands = NULL;
	size_t ncand = 0, cap = 0;
	char *db = NULL, *path = NULL;
	DIR *d = NULL;
	struct dirent *de;
	int count = 0, rc = -1;

	strvec_init(&linked);
	if ((db = fs_path_join(svc_dir, "db")) == NULL)
		goto oom;
	if (linked_names(svc_dir, &linked, err) == -1)
		goto out;
	if ((d = opendir(db)) == NULL) {
		if (errno == ENOENT) {
			rc = 0;
			goto out;
		}
		sslm_err_errno(err, errno, "cannot read %s to clean it", db);
		goto out;
	}
	for (;;) {
		struct stat st;

		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				sslm_err_errno(err, errno, "cannot read %s to clean it",
				    db);
				goto out;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		free(path);
		if ((path = fs_path_join(db, de->d_name)) == NULL)
			goto oom;
		/* Files and symlinks in db/ are none of cleaning's business. */
		if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode))
			continue;
		if (!store_is_dbname(de->d_name)) {
			log_file("clean: unexpected entry %s kept", path);
			continue;
		}
		if (strvec_contains(&linked, de->d_name))
			continue;
		if (ncand == cap) {
			size_t ncap = cap == 0 ? 16 : cap * 2;
			struct cand *n = realloc(cands, ncap * sizeof(*n));

			if (n == NULL)
				goto oom;
			cands = n;
			cap = ncap;
		}
		if ((cands[ncand].name = strdup(de->d_name)) == NULL)
			goto oom;
		cands[ncand++].mtime = st.st_mtim;
	}
	if (keep < 0)
		keep = 0;
	if (ncand <= (size_t)keep) {
		rc = 0;
		goto out;
	}
	qsort(cands, ncand, sizeof(*cands), cand_cmp);
	for (size_t i = (size_t)keep; i < ncand; i++) {
		struct sslm_err e;

		free(path);
		if ((path = fs_path_join(db, cands[i].name)) == NULL)
			goto oom;
		if (debug) {
			log_msg("debug: clean %s", path);
		} else if (store_rmtree(path, &e) == -1) {
			log_warn("clean: %s", e.msg);
			continue;
		} else {
			log_file("clean: removed %s", path);
		}
		if (removed != NULL && strvec_push(removed, cands[i].name) == -1)
			goto oom;
		count++;
	}
	rc = count;
	goto out;
 oom:
	sslm_err_set(err, "out of memory cleaning %s", svc_dir);
	rc = -1;
 out:
	if (d != NULL)
		closedir(d);
	for (size_t i = 0; i < ncand; i++)
		free(cands[i].name);
	free(cands);
	free(path);
	free(db);
	strvec_clear(&linked);
	return rc;
}
