/* Reading curr/next/prev links the way both originals write them. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

static const char *const link_names[] = {
	[STORE_CURR] = "curr",
	[STORE_NEXT] = "next",
	[STORE_PREV] = "prev",
};

const char *
store_link_name(enum store_link which)
{
	return link_names[which];
}

bool
store_is_dbname(const char *name)
{
	return time_is_stamp_db(name);
}

int
store_link_resolve(const char *svc_dir, enum store_link which, char **dbname,
    char **dir, struct sslm_err *err)
{
	char target[PATH_MAX];
	char *linkpath = NULL, *setdir = NULL, *base = NULL;
	const char *slash;
	struct stat st;
	ssize_t n;
	int rc = -1;

	if (dbname != NULL)
		*dbname = NULL;
	if (dir != NULL)
		*dir = NULL;
	if ((linkpath = str_printf("%s/%s", svc_dir, link_names[which])) == NULL)
		goto oom;
	if (lstat(linkpath, &st) == -1) {
		if (errno == ENOENT) {
			rc = 0;
			goto out;
		}
		sslm_err_errno(err, errno, "cannot read %s", linkpath);
		goto out;
	}
	if (!S_ISLNK(st.st_mode)) {
		sslm_err_set(err, "%s is not a symlink; move it away so a "
		    "link to db/<timestamp> can take its place", linkpath);
		goto out;
	}
	if ((n = readlink(linkpath, target, sizeof(target) - 1)) == -1) {
		sslm_err_errno(err, errno, "cannot read link %s", linkpath);
		goto out;
	}
	target[n] = '\0';
	/* Only the last component counts; trailing slashes are tolerated. */
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	slash = strrchr(target, '/');
	if ((base = strdup(slash != NULL ? slash + 1 : target)) == NULL)
		goto oom;
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		rc = 0;		/* points nowhere useful: treat as absent */
		goto out;
	}
	if ((setdir = str_printf("%s/db/%s", svc_dir, base)) == NULL)
		goto oom;
	if (stat(setdir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		rc = 0;		/* dangling */
		goto out;
	}
	if (dbname != NULL) {
		*dbname = base;
		base = NULL;
	}
	if (dir != NULL) {
		*dir = setdir;
		setdir = NULL;
	}
	rc = 1;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	free(linkpath);
	free(setdir);
	free(base);
	return rc;
}

bool
store_dataset_is_staging(const char *dataset_dir)
{
	char *path = str_printf("%s/info", dataset_dir);
	char line[256];
	bool staging = false;
	FILE *fp;

	if (path == NULL)
		return false;
	if ((fp = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			if (strcmp(line, "# staging") == 0) {
				staging = true;
				break;
			}
		}
		fclose(fp);
	}
	free(path);
	return staging;
}
