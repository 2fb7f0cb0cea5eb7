/*
 * The process-wide logger (layout.md §7).
 *
 * sslm-mgr and the certbot hook processes may append to the same file at the
 * same time, so every record is one write() on an O_APPEND descriptor, and
 * rotation is done under an flock on the log file by whoever first sees the
 * file is full; the others notice (the path no longer names their inode) and
 * reopen instead of rotating a second time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fs_private.h"

/* Rounds of "someone else rotated, reopen and look again" before we give up
 * rotating and just append: a bound, not a number that should ever be hit. */
#define REOPEN_ROUNDS 8

static struct {
	int fd;
	char *path;
	bool verbose;
	off_t max_size;
	bool write_failed;      /* report a broken log once, not per record */
} logger = { .fd = -1, .max_size = LOG_MAX_SIZE };

static const char *const class_prefix[] = {
	[LOG_FILE] = "",
	[LOG_MSG] = "",
	[LOG_VERB] = "",
	[LOG_WARN] = "warning: ",
	[LOG_ERROR] = "error: ",
};

/*
 * Open the log for appending. 0666: the process default mode through the
 * umask (layout.md §7). A root process must not append to whatever a
 * planted symlink names, nor hang on a FIFO: O_NOFOLLOW and O_NONBLOCK, then
 * only a regular file is accepted (EINVAL otherwise).
 */
static int
open_log(const char *path)
{
	struct stat st;
	int fd, flags;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
	    O_NOFOLLOW | O_NONBLOCK, 0666);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

int
log_open(const char *logdir, const char *name, struct sslm_err *err)
{
	char *path = NULL;
	int fd = -1, rc = -1;

	log_close();
	if (fs_mkdir_p(logdir, 0750, err) == -1)
		goto out;
	if ((path = fs_path_join(logdir, name)) == NULL) {
		sslm_err_set(err, "out of memory opening the log in %s", logdir);
		goto out;
	}
	if ((fd = open_log(path)) == -1) {
		if (errno == EINVAL || errno == ELOOP)
			sslm_err_set(err, "cannot open log file %s: not a regular "
			    "file (a symlink, FIFO or device is in the way; move "
			    "it aside)", path);
		else
			sslm_err_errno(err, errno, "cannot open log file %s (check "
			    "logdir in ssl-mgr.conf and its permissions)", path);
		goto out;
	}
	logger.fd = fd;
	logger.path = path;
	logger.write_failed = false;
	fd = -1;
	path = NULL;
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	free(path);
	return rc;
}

void
log_close(void)
{
	if (logger.fd != -1)
		close(logger.fd);
	logger.fd = -1;
	free(logger.path);
	logger.path = NULL;
}

void
log_set_verbose(bool verbose)
{
	logger.verbose = verbose;
}

bool
log_is_verbose(void)
{
	return logger.verbose;
}

void
log_set_max_size(off_t bytes)
{
	logger.max_size = bytes > 0 ? bytes : LOG_MAX_SIZE;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Replace our descriptor with a fresh one on the path (another process has
 * rotated, or the file was removed). Keeps the old one on failure. */
static int
reopen(void)
{
	int fd;

	if ((fd = open_log(logger.path)) == -1)
		return -1;
	close(logger.fd);
	logger.fd = fd;
	return 0;
}

/* name.3 -> name.4, ..., name -> name.1, new name. Called holding the flock
 * on the current file, after checking it is still the one at the path. */
static int
shift_files(void)
{
	char *from = NULL, *to = NULL;
	int rc = -1;

	for (int k = LOG_BACKUPS; k >= 1; k--) {
		free(from);
		free(to);
		from = k == 1 ? strdup(logger.path) :
		    str_printf("%s.%d", logger.path, k - 1);
		to = str_printf("%s.%d", logger.path, k);
		if (from == NULL || to == NULL)
			goto out;
		if (rename(from, to) == -1 && errno != ENOENT)
			goto out;
	}
	rc = 0;
 out:
	free(from);
	free(to);
	return rc;
}

/* Make sure our descriptor is the file at the path and that a record of
 * reclen bytes fits; rotate when it does not. Errors here only cost
 * rotation, never the record, so they are not reported. */
static void
prepare(size_t reclen)
{
	struct stat fst, pst;
	int locked_fd = -1;

	for (int round = 0; round < REOPEN_ROUNDS; round++) {
		if (fstat(logger.fd, &fst) == -1)
			break;
		if (stat(logger.path, &pst) == -1 || !same_file(&fst, &pst)) {
			/* Rotated (or removed) by someone else: follow the path. */
			if (locked_fd != -1) {
				flock(locked_fd, LOCK_UN);
				locked_fd = -1;
			}
			if (reopen() == -1)
				break;
			continue;
		}
		/* An empty file is never rotated, even for a giant record. */
		if (fst.st_size == 0 ||
		    (uintmax_t)fst.st_size + reclen <= (uintmax_t)logger.max_size)
			break;
		if (locked_fd == -1) {
			/* Take the lock, then look again: the answer may have
			 * changed while we waited for it. */
			if (flock(logger.fd, LOCK_EX) == -1)
				break;
			locked_fd = logger.fd;
			continue;
		}
		if (shift_files() == -1)
			break;
		/* The new file exists before the lock is dropped (closing the
		 * old descriptor drops it), so waiters find it at the path. */
		if (reopen() == 0)
			locked_fd = -1;
		break;
	}
	if (locked_fd != -1)
		flock(locked_fd, LOCK_UN);
}

/* "YYYY-MM-DD HH:MM:SS  " + prefix + message + "\n" as one buffer. */
static char *
make_record(const char *prefix, const char *msg, size_t msglen, size_t *reclen)
{
	char stamp[TIME_LOCAL_LEN];
	char *rec;
	size_t plen = strlen(prefix), slen, len;

	if (time_format_local(time(NULL), stamp) == -1)
		strcpy(stamp, "0000-00-00 00:00:00");
	slen = strlen(stamp);
	len = slen + 2 + plen + msglen + 1;
	if ((rec = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(rec, stamp, slen);
	memcpy(rec + slen, "  ", 2);
	memcpy(rec + slen + 2, prefix, plen);
	memcpy(rec + slen + 2 + plen, msg, msglen);
	rec[len - 1] = '\n';
	rec[len] = '\0';
	*reclen = len;
	return rec;
}

static void
write_file(const char *prefix, const char *msg, size_t msglen)
{
	char *rec;
	size_t reclen;

	if (logger.fd == -1)
		return;
	if ((rec = make_record(prefix, msg, msglen, &reclen)) == NULL)
		return;
	prepare(reclen);
	if (fs_write_all(logger.fd, rec, reclen) == -1 && !logger.write_failed) {
		logger.write_failed = true;
		fprintf(stderr, "error: cannot write log file %s: %s (check free "
		    "space and permissions)\n", logger.path, strerror(errno));
	}
	free(rec);
}

static void
write_terminal(FILE *fp, const char *prefix, const char *msg, size_t msglen)
{
	/* stdout and stderr are flushed per record so they interleave in
	 * order with each other and with the output of programs we run. */
	fflush(stdout);
	fputs(prefix, fp);
	fwrite(msg, 1, msglen, fp);
	fputc('\n', fp);
	fflush(fp);
}

void
log_vwrite(enum log_class cls, const char *fmt, va_list ap)
{
	char *msg = NULL;
	const char *prefix;
	size_t len;
	int saved = errno;      /* callers may log, then report errno */

	if ((unsigned)cls > LOG_ERROR)
		cls = LOG_ERROR;
	prefix = class_prefix[cls];
	if (vasprintf(&msg, fmt, ap) < 0) {
		msg = NULL;
		goto out;
	}
	len = strlen(msg);
	if (len > 0 && msg[len - 1] == '\n')
		len--;
	write_file(prefix, msg, len);
	switch (cls) {
	case LOG_FILE:
		break;
	case LOG_VERB:
		if (!logger.verbose)
			break;
		/* FALLTHROUGH */
	case LOG_MSG:
		write_terminal(stdout, prefix, msg, len);
		break;
	case LOG_WARN:
	case LOG_ERROR:
		write_terminal(stderr, prefix, msg, len);
		break;
	}
 out:
	free(msg);
	errno = saved;
}

void
log_write(enum log_class cls, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(cls, fmt, ap);
	va_end(ap);
}

#define LOG_WRAPPER(fn, cls)                    \
	void                                    \
	fn(const char *fmt, ...)                \
	{                                       \
		va_list ap;                     \
		va_start(ap, fmt);              \
		log_vwrite(cls, fmt, ap);       \
		va_end(ap);                     \
	}

LOG_WRAPPER(log_file, LOG_FILE)
LOG_WRAPPER(log_msg, LOG_MSG)
LOG_WRAPPER(log_verb, LOG_VERB)
LOG_WRAPPER(log_warn, LOG_WARN)
LOG_WRAPPER(log_error, LOG_ERROR)
