/*
 * The local production copy (distribution.md §2, layout.md §5): each
 * service's curr/ and next/ data sets become exact mirrors under
 * <prod>/<g>/<s>/ (tree.c does the copying), and certs/<g>/tlsa.<g> is
 * copied beside them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deploy/deploy.h"
#include "deploy/deploy_int.h"
#include "store/store.h"

/* <prod> itself may be a symlink (an admin's choice of volume); it is
 * created 0750 when missing. *fd is -1 in a debug run when it is missing. */
static int
open_prod(struct dp_mirror *m, const char *prod_dir, int *fd)
{
	*fd = -1;
	if (!fs_is_dir(prod_dir)) {
		if (m->debug) {
			log_msg("debug: mkdir %s", prod_dir);
			m->changes++;
			return 0;
		}
		if (fs_mkdir_p(prod_dir, 0750, m->err) == -1)
			return -1;
		m->changes++;
	}
	if ((*fd = open(prod_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		sslm_err_errno(m->err, errno, "cannot open %s", prod_dir);
		return -1;
	}
	return 0;
}

/* <prod>/<g> and <prod>/<g>/<s> must be real directories: following a link
 * there would spread our writes and removals to wherever it points. */
static int
open_child_dir(struct dp_mirror *m, int parent, const char *name,
    const char *path, mode_t mode, int *fd)
{
	struct stat st;
	int r;

	*fd = -1;
	r = parent == -1 ? 0 : dp_lstat_at(parent, name, path, &st, m->err);
	if (r == -1)
		return -1;
	if (r == 1 && !S_ISDIR(st.st_mode)) {
		sslm_err_set(m->err, "%s is not a directory (a symlink or file); "
		    "production needs a real directory there: move it away", path);
		return -1;
	}
	if (r == 0) {
		m->changes++;
		if (m->debug) {
			log_msg("debug: mkdir %s", path);
			return 0;
		}
		if (mkdirat(parent, name, mode) == -1 && errno != EEXIST) {
			sslm_err_errno(m->err, errno, "cannot create directory "
			    "%s", path);
			return -1;
		}
	}
	*fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd == -1) {
		sslm_err_errno(m->err, errno, "cannot open %s", path);
		return -1;
	}
	return 0;
}

static bool
names_ok(const char *group, const char *service, struct sslm_err *err)
{
	/* The config loader rejects these already; names become paths here. */
	if (!str_is_safe_name(group) || (service != NULL &&
	    !str_is_safe_name(service))) {
		sslm_err_set(err, "refusing to copy \"%s/%s\" to production: not "
		    "a valid group/service name", group != NULL ? group : "",
		    service != NULL ? service : "");
		return false;
	}
	return true;
}

int
deploy_prod_mirror_service(const char *top, const char *prod_dir,
    const char *group, const char *service, bool debug, struct sslm_err *err)
{
	static const enum store_link which[] = { STORE_CURR, STORE_NEXT };
	struct dp_mirror m;
	struct sslm_err werr;
	char *svc = NULL, *sets[2] = { NULL, NULL };
	char *gpath = NULL, *spath = NULL, *dpath = NULL;
	int pfd = -1, gfd = -1, sfd = -1, setfd = -1, rc = -1, r;
	struct stat st;
	size_t i;

	dp_mirror_init(&m, group, debug, err);
	if (!names_ok(group, service, err))
		goto out;
	if ((svc = str_printf("%s/certs/%s/%s", top, group, service)) == NULL)
		goto oom;
	/* Without the service's own folder (a wrong top dir, a service never
	 * set up) "no curr, no next" would empty its production copy. */
	if (!fs_is_dir(svc)) {
		sslm_err_set(err, "cannot copy %s/%s to production: %s is missing "
		    "or not a directory (is the top dir right?)", group, service,
		    svc);
		goto out;
	}
	/* Both links first: a broken service changes nothing in production. */
	for (i = 0; i < 2; i++)
		if (store_link_resolve(svc, which[i], NULL, &sets[i], err) == -1)
			goto out;
	if ((gpath = str_printf("%s/%s", prod_dir, group)) == NULL ||
	    (spath = str_printf("%s/%s", gpath, service)) == NULL)
		goto oom;
	if (open_prod(&m, prod_dir, &pfd) == -1 ||
	    open_child_dir(&m, pfd, group, gpath, 0777, &gfd) == -1 ||
	    open_child_dir(&m, gfd, service, spath, 0750, &sfd) == -1)
		goto out;
	for (i = 0; i < 2; i++) {
		const char *name = store_link_name(which[i]);

		free(dpath);
		if ((dpath = str_printf("%s/%s", spath, name)) == NULL)
			goto oom;
		if (sets[i] != NULL) {
			setfd = open(sets[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (setfd == -1) {
				sslm_err_errno(err, errno, "cannot open %s",
				    sets[i]);
				goto out;
			}
			if (dp_mirror_dir(&m, setfd, sets[i], sfd, name, dpath,
			    0) == -1)
				goto out;
			close(setfd);
			setfd = -1;
			continue;
		}
		/* No data set: its copy goes (7.x). A failed removal is only
		 * a warning (distribution.md §2); the integrity check of the
		 * next run sees it again. */
		sslm_err_clear(&werr);
		m.err = &werr;
		if (sfd != -1 && (r = dp_lstat_at(sfd, name, dpath, &st,
		    &werr)) != 0 && (r == -1 ||
		    dp_mirror_remove(&m, sfd, name, dpath) == -1))
			log_warn("%s", werr.msg);
		m.err = err;
	}
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory copying %s/%s to production", group,
	    service);
 out:
	if (setfd != -1)
		close(setfd);
	if (sfd != -1)
		close(sfd);
	if (gfd != -1)
		close(gfd);
	if (pfd != -1)
		close(pfd);
	free(svc);
	free(sets[0]);
	free(sets[1]);
	free(gpath);
	free(spath);
	free(dpath);
	return rc;
}

int
deploy_prod_copy_group_tlsa(const char *top, const char *prod_dir,
    const char *group, bool debug, struct sslm_err *err)
{
	struct dp_mirror m;
	char *name = NULL, *srcdir = NULL, *sp = NULL, *gpath = NULL, *dp = NULL;
	struct stat st;
	int cfd = -1, pfd = -1, gfd = -1, rc = -1, r = 0;

	dp_mirror_init(&m, group, debug, err);
	if (!names_ok(group, NULL, err))
		goto out;
	if ((name = str_printf("tlsa.%s", group)) == NULL ||
	    (srcdir = str_printf("%s/certs/%s", top, group)) == NULL ||
	    (sp = str_printf("%s/%s", srcdir, name)) == NULL ||
	    (gpath = str_printf("%s/%s", prod_dir, group)) == NULL ||
	    (dp = str_printf("%s/%s", gpath, name)) == NULL) {
		sslm_err_set(err, "out of memory copying tlsa.%s", group);
		goto out;
	}
	if ((cfd = open(srcdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1)
		r = dp_lstat_at(cfd, name, sp, &st, err);
	else if (errno != ENOENT) {
		sslm_err_errno(err, errno, "cannot open %s", srcdir);
		goto out;
	}
	if (r == -1)
		goto out;
	if (r == 0) {
		/* No source: nothing to copy, but a copy left in production
		 * would be reported by every integrity check and never
		 * repaired, so it goes. */
		if ((gfd = open(gpath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) != -1 && (r = dp_lstat_at(gfd, name, dp, &st,
		    err)) == 1)
			r = dp_mirror_remove(&m, gfd, name, dp);
		rc = r == -1 ? -1 : 0;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		sslm_err_set(err, "cannot copy %s to production: not a regular "
		    "file", sp);
		goto out;
	}
	if (open_prod(&m, prod_dir, &pfd) == -1 ||
	    open_child_dir(&m, pfd, group, gpath, 0777, &gfd) == -1 ||
	    dp_mirror_file(&m, cfd, name, &st, sp, gfd, dp) == -1)
		goto out;
	rc = 0;
 out:
	if (cfd != -1)
		close(cfd);
	if (pfd != -1)
		close(pfd);
	if (gfd != -1)
		close(gfd);
	free(name);
	free(srcdir);
	free(sp);
	free(gpath);
	free(dp);
	return rc;
}

int
deploy_prod_mirror_group(const char *top, const char *prod_dir,
    const char *group, const struct strvec *services, bool debug,
    struct strvec *failed, struct sslm_err *err)
{
	struct sslm_err e;
	struct strvec bad;
	char *list = NULL, *next;
	size_t i;
	int rc = -1;

	strvec_init(&bad);
	for (i = 0; services != NULL && i < services->n; i++) {
		sslm_err_clear(&e);
		if (deploy_prod_mirror_service(top, prod_dir, group,
		    services->v[i], debug, &e) == 0)
			continue;
		log_error("%s", e.msg);
		if (strvec_push(&bad, services->v[i]) == -1 || (failed != NULL &&
		    strvec_push(failed, services->v[i]) == -1))
			goto oom;
	}
	/* The group's TLSA file is copied even when a service failed
	 * (distribution.md §2 step 2 comes before the failure check). */
	sslm_err_clear(&e);
	if (deploy_prod_copy_group_tlsa(top, prod_dir, group, debug, &e) == -1) {
		log_error("%s", e.msg);
		if (strvec_push_owned(&bad, str_printf("tlsa.%s", group)) == -1)
			goto oom;
	}
	if (bad.n == 0) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < bad.n; i++) {
		next = str_printf("%s%s%s", list != NULL ? list : "",
		    i > 0 ? ", " : "", bad.v[i]);
		free(list);
		if ((list = next) == NULL)
			goto oom;
	}
	sslm_err_set(err, "production copy of group %s failed for: %s (see the "
	    "errors above)", group, list);
	goto out;
 oom:
	sslm_err_set(err, "out of memory copying group %s to production", group);
 out:
	free(list);
	strvec_clear(&bad);
	return rc;
}
