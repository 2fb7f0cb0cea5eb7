/*
 * The run lock (layout.md §9, decisions.md "Lock").
 *
 * An flock on a file named after the top dir, in a per-user directory under
 * /tmp. The name matches the original ssl-mgr's for /etc/ssl-mgr, so an
 * original and a C run on that tree exclude each other; flock (not fcntl)
 * lets admins and tests hold it with flock(1). The file is never deleted:
 * unlinking a locked file lets the next process lock a new inode while the
 * old holder still runs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "common/common.h"

#define LOCK_BASE     "/tmp"         /* fixed; TMPDIR is deliberately ignored */
#define LOCK_ATTEMPTS 3              /* layout.md §9: "at most 3 times" */

void
lock_init(struct lock *lk)
{
	lk->fd = -1;
}

int
lock_name(const char *topdir_real, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *conf = NULL;
	int rc = -1;

	out[0] = '\0';
	if ((conf = str_printf("%s/conf.d", topdir_real)) == NULL)
		goto out;
	if (EVP_Digest(conf, strlen(conf), md, &mdlen, EVP_sha3_224(), NULL) != 1 ||
	    mdlen < 16) {
		ERR_clear_error();      /* never left for an unrelated later call */
		goto out;
	}
	/* 32 hex characters = the first 16 bytes of the digest. */
	for (size_t i = 0; i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[32] = '\0';
	rc = 0;
 out:
	free(conf);
	return rc;
}

/* /tmp/sslm-mgr-lck.<euid>, or $SSLM_LOCK_DIR as a whole when set (tests
 * point it at a private directory so they never meet a real run's lock). */
static char *
lock_dir_path(struct sslm_err *err)
{
	const char *env = getenv("SSLM_LOCK_DIR");
	char *dir;

	if (env != NULL && *env != '\0') {
		if (env[0] != '/') {
			sslm_err_set(err, "SSLM_LOCK_DIR must be an absolute path, "
			    "not \"%s\" (unset it to use %s/sslm-mgr-lck.%lu)", env,
			    LOCK_BASE, (unsigned long)geteuid());
			return NULL;
		}
		dir = strdup(env);
	} else {
		dir = str_printf("%s/sslm-mgr-lck.%lu", LOCK_BASE,
		    (unsigned long)geteuid());
	}
	if (dir == NULL)
		sslm_err_set(err, "out of memory building the lock directory name");
	return dir;
}

/* Create (0700) or open the lock directory and check that nobody else can
 * swap the lock file under us. Returns a directory descriptor or -1. */
static int
open_lock_dir(const char *dir, struct sslm_err *err)
{
	struct stat st;
	int fd = -1;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		sslm_err_errno(err, errno, "cannot create lock directory %s", dir);
		goto fail;
	}
	/* O_NOFOLLOW: a symlink planted in /tmp must not redirect the lock. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP || errno == ENOTDIR)
			sslm_err_set(err, "lock directory %s is not a directory (a "
			    "symlink or file is in its place); remove it so it can "
			    "be recreated", dir);
		else
			sslm_err_errno(err, errno, "cannot open lock directory %s", dir);
		goto fail;
	}
	if (fstat(fd, &st) == -1) {
		sslm_err_errno(err, errno, "cannot stat lock directory %s", dir);
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		sslm_err_set(err, "lock directory %s is owned by uid %lu, not by "
		    "uid %lu; remove it so it can be recreated", dir,
		    (unsigned long)st.st_uid, (unsigned long)geteuid());
		goto fail;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		sslm_err_set(err, "lock directory %s is writable by group or others "
		    "(mode %04o); run chmod 700 %s", dir,
		    (unsigned)(st.st_mode & 07777), dir);
		goto fail;
	}
	return fd;
 fail:
	if (fd != -1)
		close(fd);
	return -1;
}

/* The PID the holder wrote; 0 when the file holds none (e.g. flock(1) or the
 * original ssl-mgr, which leaves it empty). */
static pid_t
read_holder(int fd)
{
	char buf[24];
	ssize_t n;
	long v = 0;

	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return 0;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' && i > 0)
			break;
		if (buf[i] < '0' || buf[i] > '9' || v > 99999999)
			return 0;
		v = v * 10 + (buf[i] - '0');
	}
	return (pid_t)v;
}

int
lock_acquire(const char *topdir_real, struct lock *lk, pid_t *holder,
    struct sslm_err *err)
{
	char name[33], pidline[32];
	char *dir = NULL;
	struct stat fst, pst;
	int dirfd = -1, fd = -1, rc = -1, len;

	if (holder != NULL)
		*holder = 0;
	if (lk->fd != -1) {
		sslm_err_set(err, "internal error: the lock for %s is already held "
		    "by this process", topdir_real);
		goto out;
	}
	if (lock_name(topdir_real, name) == -1) {
		sslm_err_set(err, "cannot compute the lock name for %s: SHA3-224 "
		    "is not available from OpenSSL", topdir_real);
		goto out;
	}
	if ((dir = lock_dir_path(err)) == NULL)
		goto out;
	if ((dirfd = open_lock_dir(dir, err)) == -1)
		goto out;
	for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
		fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
		    O_NONBLOCK, 0644);
		if (fd == -1) {
			sslm_err_errno(err, errno, "cannot open lock file %s/%s", dir,
			    name);
			goto out;
		}
		if (fstat(fd, &fst) == -1) {
			sslm_err_errno(err, errno, "cannot stat lock file %s/%s", dir,
			    name);
			goto out;
		}
		if (!S_ISREG(fst.st_mode)) {
			sslm_err_set(err, "lock file %s/%s is not a regular file; "
			    "remove it", dir, name);
			goto out;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno == EWOULDBLOCK) {
				if (holder != NULL)
					*holder = read_holder(fd);
				rc = 1;
			} else {
				sslm_err_errno(err, errno, "cannot lock %s/%s", dir,
				    name);
			}
			goto out;
		}
		/* Between open and flock the file may have been replaced; a lock
		 * on an inode no longer at the path excludes nobody. */
		if (fstatat(dirfd, name, &pst, AT_SYMLINK_NOFOLLOW) == 0 &&
		    pst.st_dev == fst.st_dev && pst.st_ino == fst.st_ino)
			break;
		close(fd);
		fd = -1;
	}
	if (fd == -1) {
		sslm_err_set(err, "lock file %s/%s was replaced %d times while "
		    "locking it; find what removes files in %s", dir, name,
		    LOCK_ATTEMPTS, dir);
		goto out;
	}
	/* The PID is informational (the message for a second run names it). */
	len = snprintf(pidline, sizeof(pidline), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, pidline, (size_t)len, 0) != (ssize_t)len) {
		sslm_err_errno(err, errno, "cannot write the PID into lock file "
		    "%s/%s (check free space in %s)", dir, name, dir);
		goto out;
	}
	lk->fd = fd;
	fd = -1;
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	if (dirfd != -1)
		close(dirfd);
	free(dir);
	return rc;
}

void
lock_release(struct lock *lk)
{
	/* Closing the only descriptor drops the flock; the file stays. */
	if (lk->fd != -1)
		close(lk->fd);
	lk->fd = -1;
}
