/* Private helpers of store/: tree removal, directory sync, link checks. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"

/* Data sets are flat; the bound only stops a runaway on a strange tree. */
#define RM_MAX_DEPTH 32

static int rm_entry(int dirfd, const char *name, const char *shown, dev_t dev,
    int depth, struct sslm_err *err);

/* Remove everything inside the open directory fd (which this takes over). */
static int
rm_children(int fd, const char *shown, dev_t dev, int depth,
    struct sslm_err *err)
{
	DIR *d = NULL;
	struct dirent *de;
	char *child = NULL;
	int rc = -1;

	if ((d = fdopendir(fd)) == NULL) {
		sslm_err_errno(err, errno, "cannot read directory %s", shown);
		close(fd);
		goto out;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				sslm_err_errno(err, errno, "cannot read directory %s",
				    shown);
				goto out;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		free(child);
		if ((child = str_printf("%s/%s", shown, de->d_name)) == NULL) {
			sslm_err_set(err, "out of memory removing %s", shown);
			goto out;
		}
		if (rm_entry(dirfd(d), de->d_name, child, dev, depth + 1, err) == -1)
			goto out;
	}
	rc = 0;
 out:
	if (d != NULL)
		closedir(d);
	free(child);
	return rc;
}

/* Remove name (relative to dirfd; shown is its full path for messages).
 * lstat-style look-ups and O_NOFOLLOW make sure a symlink is only ever
 * unlinked, so a link inside a data set cannot lead us elsewhere. */
static int
rm_entry(int dirfd, const char *name, const char *shown, dev_t dev, int depth,
    struct sslm_err *err)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		sslm_err_errno(err, errno, "cannot remove %s", shown);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) == -1 && errno != ENOENT) {
			sslm_err_errno(err, errno, "cannot remove %s", shown);
			return -1;
		}
		return 0;
	}
	if (st.st_dev != dev) {
		sslm_err_set(err, "not removing %s: it is on another file system "
		    "(unmount it first)", shown);
		return -1;
	}
	if (depth > RM_MAX_DEPTH) {
		sslm_err_set(err, "not removing %s: nested deeper than %d levels "
		    "(remove it by hand)", shown, RM_MAX_DEPTH);
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		sslm_err_errno(err, errno, "cannot open directory %s to remove it",
		    shown);
		return -1;
	}
	if (rm_children(fd, shown, dev, depth, err) == -1)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT) {
		sslm_err_errno(err, errno, "cannot remove directory %s", shown);
		return -1;
	}
	return 0;
}

int
store_rmtree(const char *path, struct sslm_err *err)
{
	struct stat st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		sslm_err_errno(err, errno, "cannot remove %s", path);
		return -1;
	}
	return rm_entry(AT_FDCWD, path, path, st.st_dev, 0, err);
}

int
store_fsync_dir(const char *dir, struct sslm_err *err)
{
	int fd, rc = -1;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		sslm_err_errno(err, errno, "cannot open directory %s to sync it", dir);
		return -1;
	}
	/* Some file systems cannot fsync a directory; that is no failure of ours. */
	if (fsync(fd) == -1 && errno != EINVAL && errno != EROFS)
		sslm_err_errno(err, errno, "cannot sync directory %s (check the disk)",
		    dir);
	else
		rc = 0;
	close(fd);
	return rc;
}

int
store_link_check(const char *svc_dir, const char *link, struct sslm_err *err)
{
	struct stat st;
	char *path = NULL;
	int rc = -1;

	if ((path = fs_path_join(svc_dir, link)) == NULL) {
		sslm_err_set(err, "out of memory checking %s/%s", svc_dir, link);
		goto out;
	}
	if (lstat(path, &st) == -1) {
		if (errno != ENOENT) {
			sslm_err_errno(err, errno, "cannot read %s", path);
			goto out;
		}
	} else if (!S_ISLNK(st.st_mode)) {
		sslm_err_set(err, "%s is not a symlink; move it away so a link to "
		    "db/<timestamp> can take its place", path);
		goto out;
	}
	rc = 0;
 out:
	free(path);
	return rc;
}
