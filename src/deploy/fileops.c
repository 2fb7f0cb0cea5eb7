/*
 * File operations for the production mirror: listing, comparing, copying
 * with mode/owner/times kept, and removal that never follows a symlink.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deploy/deploy_int.h"

#define COPY_BUF 16384

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The directory is read on the caller's descriptor with getdents64 (glibc
 * 2.30; this is a Linux tool): rewind, read, and the read that returns 0.
 * A DIR would cost a descriptor of its own (dup or openat), the fstat and
 * two fcntl of fdopendir, a rewind and a close for each directory listed.
 * The descriptor's offset is left at the end, as with the dup before.
 */
int
dp_list_dir(int dirfd, const char *path, struct strvec *names,
    struct sslm_err *err)
{
	union {
		struct dirent64 align;
		char b[8192];
	} buf;
	const struct dirent64 *de;
	ssize_t n;
	int rc = -1;

	if (lseek(dirfd, 0, SEEK_SET) == -1) {
		sslm_err_errno(err, errno, "cannot list directory %s", path);
		goto out;
	}
	for (;;) {
		if ((n = getdents64(dirfd, buf.b, sizeof(buf.b))) == -1) {
			if (errno == EINTR)
				continue;
			sslm_err_errno(err, errno, "cannot list directory %s", path);
			goto out;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n; off += de->d_reclen) {
			de = (const struct dirent64 *)(const void *)(buf.b + off);
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (strvec_push(names, de->d_name) == -1) {
				sslm_err_set(err, "out of memory listing %s", path);
				goto out;
			}
		}
	}
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(*names->v), cmp_names);
	rc = 0;
 out:
	return rc;
}

bool
dp_is_tmp_name(const char *name)
{
	return str_has_suffix(name, ".tmp");
}

bool
dp_is_secret_name(const char *name)
{
	return str_eq(name, "privkey.pem") || str_eq(name, "bundle.pem");
}

bool
dp_is_ca_key(const char *group, const char *name)
{
	return str_eq(group, "ca") && dp_is_secret_name(name);
}

int
dp_lstat_at(int dirfd, const char *name, const char *path, struct stat *st,
    struct sslm_err *err)
{
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	sslm_err_errno(err, errno, "cannot read %s", path);
	return -1;
}

/* O_NONBLOCK: a FIFO planted where a file should be must not hang the run
 * before the caller sees it is no regular file (no effect on files). */
static int
open_regular_at(int dirfd, const char *name, const char *path, struct stat *st,
    struct sslm_err *err)
{
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	if (fd == -1) {
		sslm_err_errno(err, errno, "cannot open %s", path);
		return -1;
	}
	if (fstat(fd, st) == -1) {
		sslm_err_errno(err, errno, "cannot read %s", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		sslm_err_set(err, "cannot read %s: not a regular file", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* read() that retries on EINTR and fills the buffer unless at end of file,
 * so two files can be compared chunk by chunk: a short count is the end.
 * left (NULL: not known) is what fstat said was still to come, counted
 * down: once that much has been read, a short read() is the end, without
 * one more read() to see 0 (a 2 KB file is one read, not two). */
static ssize_t
read_full(int fd, char *buf, size_t len, off_t *left)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (left != NULL) {
			*left = *left > n ? *left - n : 0;
			if (*left == 0)
				break;
		}
	}
	return (ssize_t)got;
}

static int
write_full(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
dp_same_bytes_at(int afd, const char *aname, const char *apath, int bfd,
    const char *bname, const char *bpath, bool *same, struct sslm_err *err)
{
	char *abuf = NULL, *bbuf = NULL;
	struct stat ast, bst;
	int a = -1, b = -1, rc = -1;
	ssize_t an, bn;

	*same = false;
	if ((a = open_regular_at(afd, aname, apath, &ast, err)) == -1 ||
	    (b = open_regular_at(bfd, bname, bpath, &bst, err)) == -1)
		goto out;
	if ((abuf = malloc(COPY_BUF)) == NULL ||
	    (bbuf = malloc(COPY_BUF)) == NULL) {
		sslm_err_set(err, "out of memory comparing %s", apath);
		goto out;
	}
	/* Chunk by chunk; equal chunks short of COPY_BUF are the end of
	 * both. The sizes from fstat spare the read() that would return 0. */
	for (;;) {
		if ((an = read_full(a, abuf, COPY_BUF, &ast.st_size)) == -1) {
			sslm_err_errno(err, errno, "cannot read %s", apath);
			goto out;
		}
		if ((bn = read_full(b, bbuf, COPY_BUF, &bst.st_size)) == -1) {
			sslm_err_errno(err, errno, "cannot read %s", bpath);
			goto out;
		}
		if (an != bn || memcmp(abuf, bbuf, (size_t)an) != 0)
			break;
		if (an < COPY_BUF) {
			*same = true;
			break;
		}
	}
	rc = 0;
 out:
	if (a != -1)
		close(a);
	if (b != -1)
		close(b);
	free(abuf);
	free(bbuf);
	return rc;
}

int
dp_copy_file_at(int sfd, const char *name, const char *spath, int dfd,
    const char *dpath, struct sslm_err *err)
{
	char *tmp = NULL, *tmppath = NULL, *buf = NULL;
	struct stat st;
	struct timespec times[2];
	int in = -1, out = -1, rc = -1;
	bool created = false;
	ssize_t n;

	if ((in = open_regular_at(sfd, name, spath, &st, err)) == -1)
		goto out;
	if ((tmp = str_printf("%s.tmp", name)) == NULL ||
	    (tmppath = str_printf("%s.tmp", dpath)) == NULL ||
	    (buf = malloc(COPY_BUF)) == NULL) {
		sslm_err_set(err, "out of memory copying %s", spath);
		goto out;
	}
	/* A .tmp left by a crash would make O_EXCL fail forever. */
	if (unlinkat(dfd, tmp, 0) == -1 && errno != ENOENT) {
		sslm_err_errno(err, errno, "cannot remove stale temporary file %s "
		    "(remove it by hand)", tmppath);
		goto out;
	}
	/* The source's permission bits from the first byte: the umask can
	 * only narrow them, fchmod below restores exactly the source's. */
	out = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, st.st_mode & 0777);
	if (out == -1) {
		sslm_err_errno(err, errno, "cannot create %s", tmppath);
		goto out;
	}
	created = true;
	/* chown before chmod: chown may clear set-id bits. Numeric ids, as
	 * rsync --numeric-ids would (decision DO2 keeps the same rule). */
	if (geteuid() == 0 && fchown(out, st.st_uid, st.st_gid) == -1) {
		sslm_err_errno(err, errno, "cannot set owner of %s", tmppath);
		goto out;
	}
	if (fchmod(out, st.st_mode & 07777) == -1) {
		sslm_err_errno(err, errno, "cannot set mode of %s", tmppath);
		goto out;
	}
	while ((n = read_full(in, buf, COPY_BUF, NULL)) > 0) {
		if (write_full(out, buf, (size_t)n) == -1) {
			sslm_err_errno(err, errno, "cannot write %s (check free "
			    "space)", tmppath);
			goto out;
		}
	}
	if (n == -1) {
		sslm_err_errno(err, errno, "cannot read %s", spath);
		goto out;
	}
	if (fsync(out) == -1) {
		sslm_err_errno(err, errno, "cannot sync %s to disk", tmppath);
		goto out;
	}
	/* Times last: writing would move mtime again. */
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	if (futimens(out, times) == -1) {
		sslm_err_errno(err, errno, "cannot set times of %s", tmppath);
		goto out;
	}
	if (close(out) == -1) {
		out = -1;
		sslm_err_errno(err, errno, "cannot write %s (check free space)",
		    tmppath);
		goto out;
	}
	out = -1;
	if (renameat(dfd, tmp, dfd, name) == -1) {
		sslm_err_errno(err, errno, "cannot rename %s to %s", tmppath,
		    dpath);
		goto out;
	}
	created = false;
	if (fsync(dfd) == -1 && errno != EINVAL && errno != EROFS) {
		sslm_err_errno(err, errno, "cannot sync the directory of %s",
		    dpath);
		goto out;
	}
	rc = 0;
 out:
	if (out != -1)
		close(out);
	if (created)
		(void)unlinkat(dfd, tmp, 0);
	if (in != -1)
		close(in);
	free(buf);
	free(tmp);
	free(tmppath);
	return rc;
}

static int
empty_dir_at(int dfd, const char *name, const char *path, int depth,
    struct sslm_err *err)
{
	struct strvec names;
	char *child = NULL;
	size_t i;
	int fd = -1, rc = -1;

	strvec_init(&names);
	if (depth > DP_MAX_DEPTH) {
		sslm_err_set(err, "cannot remove %s: nested deeper than %d "
		    "levels (remove it by hand)", path, DP_MAX_DEPTH);
		goto out;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		sslm_err_errno(err, errno, "cannot open %s", path);
		goto out;
	}
	if (dp_list_dir(fd, path, &names, err) == -1)
		goto out;
	for (i = 0; i < names.n; i++) {
		free(child);
		if ((child = str_printf("%s/%s", path, names.v[i])) == NULL) {
			sslm_err_set(err, "out of memory removing %s", path);
			goto out;
		}
		if (dp_remove_at(fd, names.v[i], child, depth + 1, err) == -1)
			goto out;
	}
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	free(child);
	strvec_clear(&names);
	return rc;
}

int
dp_remove_at(int dfd, const char *name, const char *path, int depth,
    struct sslm_err *err)
{
	struct stat st;
	int r;

	if ((r = dp_lstat_at(dfd, name, path, &st, err)) <= 0)
		return r;
	if (S_ISDIR(st.st_mode)) {
		if (empty_dir_at(dfd, name, path, depth, err) == -1)
			return -1;
		if (unlinkat(dfd, name, AT_REMOVEDIR) == -1) {
			sslm_err_errno(err, errno, "cannot remove directory %s",
			    path);
			return -1;
		}
		return 0;
	}
	if (unlinkat(dfd, name, 0) == -1 && errno != ENOENT) {
		sslm_err_errno(err, errno, "cannot remove %s", path);
		return -1;
	}
	return 0;
}

/* strchr(" \t", c) would also match the NUL a file may contain. */
static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The normalised text on the heap: one "\n"-terminated line per kept
 * line (at most len + 1 bytes plus the NUL). */
static char *
tlsa_normalise(const char *text, size_t len)
{
	char *out, *w;
	size_t i = 0;

	if ((out = malloc(len + 2)) == NULL)
		return NULL;
	w = out;
	while (i < len) {
		size_t end = i, a, b;

		while (end < len && text[end] != '\n')
			end++;
		a = i;
		b = end;
		while (a < b && is_blank(text[a]))
			a++;
		while (b > a && is_blank(text[b - 1]))
			b--;
		if (a < b && text[a] != ';') {
			bool space = false;

			for (; a < b; a++) {
				if (is_blank(text[a])) {
					space = true;
					continue;
				}
				if (space)
					*w++ = ' ';
				space = false;
				*w++ = text[a];
			}
			*w++ = '\n';
		}
		i = end + 1;
	}
	*w = '\0';
	return out;
}

int
dp_tlsa_equal(const char *a, size_t alen, const char *b, size_t blen,
    bool *equal)
{
	char *na = NULL, *nb = NULL;
	int rc = -1;

	if ((na = tlsa_normalise(a, alen)) == NULL ||
	    (nb = tlsa_normalise(b, blen)) == NULL)
		goto out;
	*equal = strcmp(na, nb) == 0;
	rc = 0;
 out:
	free(na);
	free(nb);
	return rc;
}
