/*
 * File helpers: atomic writes, bounded reads, mkdir -p, link swaps.
 *
 * Everything the tool writes goes through a temporary name in the same
 * directory and a rename, so a crash leaves the old state or the new one,
 * never a mix (layout.md §11).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fs_private.h"

int
fs_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A rename is only durable once the directory holding the entry is synced. */
int
fs_fsync_parent(const char *path, struct sslm_err *err)
{
	char *dir = NULL;
	const char *slash;
	int fd = -1, rc = -1;

	if ((slash = strrchr(path, '/')) == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL) {
		sslm_err_set(err, "out of memory syncing the directory of %s", path);
		goto out;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		sslm_err_errno(err, errno, "cannot open directory %s to sync it", dir);
		goto out;
	}
	/* Some file systems cannot fsync a directory; that is no failure of ours. */
	if (fsync(fd) == -1 && errno != EINVAL && errno != EROFS) {
		sslm_err_errno(err, errno, "cannot sync directory %s (check the disk)", dir);
		goto out;
	}
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	free(dir);
	return rc;
}

int
fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    struct sslm_err *err)
{
	char *tmp = NULL;
	int fd = -1, rc = -1;

	if ((tmp = str_printf("%s.tmp", path)) == NULL) {
		sslm_err_set(err, "out of memory writing %s", path);
		goto out;
	}
	/* A .tmp left by a crash would make O_EXCL fail forever. */
	if (unlink(tmp) == -1 && errno != ENOENT) {
		sslm_err_errno(err, errno, "cannot remove stale temporary file %s "
		    "(remove it by hand)", tmp);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd == -1) {
		sslm_err_errno(err, errno, "cannot create %s (check that the "
		    "directory exists and is writable)", tmp);
		goto out;
	}
	if (fs_write_all(fd, data, len) == -1) {
		sslm_err_errno(err, errno, "cannot write %s (check free space)", tmp);
		goto out;
	}
	if (fsync(fd) == -1) {
		sslm_err_errno(err, errno, "cannot sync %s to disk (check the disk)", tmp);
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		sslm_err_errno(err, errno, "cannot write %s (check free space)", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		sslm_err_errno(err, errno, "cannot rename %s to %s", tmp, path);
		goto out;
	}
	if (fs_fsync_parent(path, err) == -1)
		goto out;
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	if (rc == -1 && tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	return rc;
}

int
fs_read_file(const char *path, size_t max_len, char **data, size_t *len,
    struct sslm_err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t cap, used = 0;
	int fd = -1, rc = -1;

	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO planted at path must not hang us before
	 * the regular-file check (it changes nothing for regular files). */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1) {
		sslm_err_errno(err, errno, "cannot open %s", path);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		sslm_err_errno(err, errno, "cannot stat %s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		sslm_err_set(err, "cannot read %s: not a regular file", path);
		goto out;
	}
	if ((uintmax_t)st.st_size > max_len) {
		sslm_err_set(err, "cannot read %s: it has %jd bytes, more than the "
		    "%zu allowed (is it the right file?)", path, (intmax_t)st.st_size,
		    max_len);
		goto out;
	}
	/* Size from fstat is a hint only: the file may grow while we read. */
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap + 1)) == NULL) {
		sslm_err_set(err, "out of memory reading %s", path);
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (used == cap) {
			size_t ncap = cap * 2;
			char *nbuf;

			if (ncap > max_len + 1)
				ncap = max_len + 1;
			if (ncap <= cap) {
				sslm_err_set(err, "cannot read %s: it grew beyond the "
				    "%zu bytes allowed", path, max_len);
				goto out;
			}
			if ((nbuf = realloc(buf, ncap + 1)) == NULL) {
				sslm_err_set(err, "out of memory reading %s", path);
				goto out;
			}
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + used, cap - used);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			sslm_err_errno(err, errno, "cannot read %s", path);
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max_len) {
		sslm_err_set(err, "cannot read %s: it grew beyond the %zu bytes "
		    "allowed", path, max_len);
		goto out;
	}
	buf[used] = '\0';
	*data = buf;
	*len = used;
	buf = NULL;
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	free(buf);
	return rc;
}

/* mkdir one component; an existing directory (or link to one) is fine. */
static int
mkdir_one(const char *path, mode_t mode, struct sslm_err *err)
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
		sslm_err_set(err, "cannot create directory %s: something that is not "
		    "a directory is in the way (move it away)", path);
		return -1;
	}
	return 0;
}

int
fs_mkdir_p(const char *path, mode_t mode, struct sslm_err *err)
{
	char *p = NULL;
	size_t n;
	int rc = -1;

	if (path == NULL || *path == '\0') {
		sslm_err_set(err, "cannot create a directory with an empty name");
		goto out;
	}
	if ((p = strdup(path)) == NULL) {
		sslm_err_set(err, "out of memory creating %s", path);
		goto out;
	}
	/* Trailing slashes would make the last component look empty. */
	for (n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
		p[n - 1] = '\0';
	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/' || s[-1] == '/')
			continue;
		*s = '\0';
		if (mkdir_one(p, 0777, err) == -1)
			goto out;
		*s = '/';
	}
	if (mkdir_one(p, mode, err) == -1)
		goto out;
	rc = 0;
 out:
	free(p);
	return rc;
}

int
fs_symlink_swap(const char *target, const char *linkpath, struct sslm_err *err)
{
	char *tmp = NULL;
	int rc = -1;

	if ((tmp = str_printf("%s.tmp-%ld", linkpath, (long)getpid())) == NULL) {
		sslm_err_set(err, "out of memory switching link %s", linkpath);
		goto out;
	}
	if (unlink(tmp) == -1 && errno != ENOENT) {
		sslm_err_errno(err, errno, "cannot remove stale temporary link %s "
		    "(remove it by hand)", tmp);
		goto out;
	}
	if (symlink(target, tmp) == -1) {
		sslm_err_errno(err, errno, "cannot create link %s -> %s", tmp, target);
		goto out;
	}
	if (rename(tmp, linkpath) == -1) {
		int e = errno;

		(void)unlink(tmp);
		if (e == EISDIR || e == ENOTEMPTY || e == EEXIST)
			sslm_err_set(err, "cannot point %s at %s: %s is a real "
			    "directory, not a link (move it away)", linkpath, target,
			    linkpath);
		else
			sslm_err_errno(err, e, "cannot point %s at %s", linkpath, target);
		goto out;
	}
	if (fs_fsync_parent(linkpath, err) == -1)
		goto out;
	rc = 0;
 out:
	free(tmp);
	return rc;
}

bool
fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
fs_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *
fs_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	while (*b == '/')
		b++;
	if (la == 0)
		return strdup(b);
	if (*b == '\0')
		return strdup(a);
	if (a[la - 1] == '/')
		return str_printf("%s%s", a, b);
	return str_printf("%s/%s", a, b);
}

char *
fs_realpath(const char *path, struct sslm_err *err)
{
	char *r;

	if ((r = realpath(path, NULL)) == NULL)
		sslm_err_errno(err, errno, "cannot resolve %s", path);
	return r;
}
