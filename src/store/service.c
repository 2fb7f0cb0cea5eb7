/* Setting up certs/<group>/<service>/ with the modes layout.md §12 asks. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "store/store.h"

char *
store_service_dir(const char *top, const char *group, const char *service)
{
	return str_printf("%s/certs/%s/%s", top, group, service);
}

/* One component: created with mode when missing, otherwise it must already
 * be a directory (a symlink to one counts: admins move certs/ elsewhere).
 * The mode of an existing directory is not changed. */
static int
ensure_dir(const char *path, mode_t mode, struct sslm_err *err)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST) {
		sslm_err_errno(err, errno, "cannot create directory %s (check the "
		    "permissions of its parent)", path);
		return -1;
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		sslm_err_set(err, "%s exists but is not a directory (move it away)",
		    path);
		return -1;
	}
	return 0;
}

int
store_service_prepare(const char *top, const char *group,
    const char *service, struct sslm_err *err)
{
	char *certs = NULL, *gdir = NULL, *sdir = NULL, *db = NULL, *cb = NULL;
	int rc = -1;

	/* The names become path components: never let one climb out. */
	if (!str_is_safe_name(group) || !str_is_safe_name(service)) {
		sslm_err_set(err, "cannot set up service %s:%s: group and service "
		    "names may only use A-Za-z0-9._- and must not start with "
		    "'.' or '-'", group, service);
		goto out;
	}
	if (!fs_is_dir(top)) {
		sslm_err_set(err, "cannot set up service %s:%s: top directory %s "
		    "does not exist", group, service, top);
		goto out;
	}
	if ((certs = fs_path_join(top, "certs")) == NULL ||
	    (gdir = fs_path_join(certs, group)) == NULL ||
	    (sdir = fs_path_join(gdir, service)) == NULL ||
	    (db = fs_path_join(sdir, "db")) == NULL ||
	    (cb = fs_path_join(sdir, "cb")) == NULL) {
		sslm_err_set(err, "out of memory setting up %s:%s", group, service);
		goto out;
	}
	if (ensure_dir(certs, 0777, err) == -1 ||
	    ensure_dir(gdir, 0750, err) == -1 ||
	    ensure_dir(sdir, 0777, err) == -1 ||
	    ensure_dir(db, 0750, err) == -1 ||
	    ensure_dir(cb, 0750, err) == -1)
		goto out;
	rc = 0;
 out:
	free(certs);
	free(gdir);
	free(sdir);
	free(db);
	free(cb);
	return rc;
}
