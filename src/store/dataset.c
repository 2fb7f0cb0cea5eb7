/*
 * Data sets db/<YYYYMMDD-HH:MM:SS>/: making a new one, writing and copying
 * files into it, checking it is complete, throwing away an unfinished one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"

/* PEM files of one service are a few KB; anything this big is not ours. */
#define STORE_FILE_MAX (1024 * 1024)
/* Names tried when a data-set name is taken (one per second, quirk L1). */
#define CREATE_TRIES 5
/* info of a set made by a -t run (decision CO5, layout.md §4.3). */
#define STAGING_INFO "# staging\n"

const char *const store_required_files[STORE_NREQUIRED] = {
	"privkey.pem", "cert.pem", "csr.pem", "chain.pem", "fullchain.pem",
	"bundle.pem",
};

void
store_set_init(struct store_set *set)
{
	memset(set, 0, sizeof(*set));
}

void
store_set_clear(struct store_set *set)
{
	if (set == NULL)
		return;
	free(set->svc_dir);
	free(set->name);
	free(set->dir);
	store_set_init(set);
}

bool
store_file_is_secret(const char *file)
{
	return str_eq(file, "privkey.pem") || str_eq(file, "bundle.pem");
}

/* A file name inside a data set: one plain component. */
static int
check_file_name(const char *file, struct sslm_err *err)
{
	if (file == NULL || *file == '\0' || strchr(file, '/') != NULL ||
	    strcmp(file, ".") == 0 || strcmp(file, "..") == 0) {
		sslm_err_set(err, "bad data-set file name \"%s\" (internal error)",
		    file != NULL ? file : "(null)");
		return -1;
	}
	return 0;
}

/* Sleep until the wall clock shows a second later than after. time(2) may
 * read a coarse clock, so the same clock as the stamp is used throughout. */
static void
wait_next_second(time_t after)
{
	struct timespec now, d;

	for (int i = 0; i < 50; i++) {
		if (clock_gettime(CLOCK_REALTIME, &now) == -1 || now.tv_sec > after)
			return;
		d.tv_sec = 0;
		d.tv_nsec = 1000000000L - now.tv_nsec + 1000000L;
		if (d.tv_nsec >= 1000000000L)
			d.tv_nsec = 999999999L;
		(void)nanosleep(&d, NULL);
	}
}

int
store_set_create(const char *svc_dir, bool staging, struct store_set *set,
    struct sslm_err *err)
{
	char stamp[TIME_DB_LEN];
	struct timespec now;
	int rc = -1;

	store_set_init(set);
	if ((set->svc_dir = strdup(svc_dir)) == NULL)
		goto oom;
	for (int i = 0; set->dir == NULL; i++) {
		char *dir;

		if (i == CREATE_TRIES) {
			sslm_err_set(err, "cannot create a new data set in %s/db: the "
			    "names for %d seconds in a row exist already (was the "
			    "clock set back?)", svc_dir, CREATE_TRIES);
			goto out;
		}
		if (clock_gettime(CLOCK_REALTIME, &now) == -1 ||
		    time_stamp_db(now.tv_sec, stamp) == -1) {
			sslm_err_set(err, "cannot create a new data set in %s/db: the "
			    "current time cannot be read", svc_dir);
			goto out;
		}
		if ((dir = str_printf("%s/db/%s", svc_dir, stamp)) == NULL)
			goto oom;
		if (mkdir(dir, 0750) == 0) {
			set->dir = dir;
			break;
		}
		if (errno != EEXIST) {
			sslm_err_errno(err, errno, "cannot create data set %s (was "
			    "the service set up?)", dir);
			free(dir);
			goto out;
		}
		/* Never mix two data sets in one directory (quirk L1). */
		free(dir);
		wait_next_second(now.tv_sec);
	}
	if ((set->name = strdup(stamp)) == NULL)
		goto oom;
	if (staging && store_set_write(set, "info", STAGING_INFO,
	    sizeof(STAGING_INFO) - 1, false, err) == -1)
		goto out;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory creating a data set in %s/db", svc_dir);
 out:
	if (rc == -1) {
		if (set->dir != NULL) {
			struct sslm_err e2;

			if (store_rmtree(set->dir, &e2) == -1)
				log_warn("%s", e2.msg);
		}
		store_set_clear(set);
	}
	return rc;
}

int
store_set_write(const struct store_set *set, const char *file,
    const void *data, size_t len, bool secret, struct sslm_err *err)
{
	char *path = NULL;
	int rc = -1;

	if (check_file_name(file, err) == -1)
		goto out;
	if ((path = fs_path_join(set->dir, file)) == NULL) {
		sslm_err_set(err, "out of memory writing %s/%s", set->dir, file);
		goto out;
	}
	if (fs_write_atomic(path, data, len, secret ? 0600 : 0666, err) == -1)
		goto out;
	rc = 0;
 out:
	free(path);
	return rc;
}

int
store_set_copy_file(const struct store_set *set, const char *src_dir,
    const char *file, struct sslm_err *err)
{
	char *src = NULL, *dst = NULL, *data = NULL;
	struct timespec ts[2];
	struct stat st;
	size_t len = 0;
	int rc = -1;

	if (check_file_name(file, err) == -1)
		goto out;
	if ((src = fs_path_join(src_dir, file)) == NULL ||
	    (dst = fs_path_join(set->dir, file)) == NULL) {
		sslm_err_set(err, "out of memory copying %s", file);
		goto out;
	}
	if (stat(src, &st) == -1) {
		if (errno == ENOENT) {
			rc = 1;
			goto out;
		}
		sslm_err_errno(err, errno, "cannot copy %s", src);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		sslm_err_set(err, "cannot copy %s: not a regular file", src);
		goto out;
	}
	if (fs_read_file(src, STORE_FILE_MAX, &data, &len, err) == -1)
		goto out;
	if (fs_write_atomic(dst, data, len,
	    store_file_is_secret(file) ? 0600 : 0666, err) == -1)
		goto out;
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	if (utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW) == -1) {
		sslm_err_errno(err, errno, "cannot set the times of %s", dst);
		goto out;
	}
	rc = 0;
 out:
	if (data != NULL) {
		/* It may be a private key. */
		explicit_bzero(data, len);
		free(data);
	}
	free(src);
	free(dst);
	return rc;
}

int
store_set_missing(const char *dir, struct strvec *missing)
{
	int n = 0;

	for (size_t i = 0; i < STORE_NREQUIRED; i++) {
		char *path = fs_path_join(dir, store_required_files[i]);
		bool have;

		if (path == NULL)
			return -1;
		have = fs_is_file(path);
		free(path);
		if (have)
			continue;
		if (strvec_push(missing, store_required_files[i]) == -1)
			return -1;
		n++;
	}
	return n;
}

bool
store_set_is_complete(const char *dir)
{
	struct strvec missing;
	int n;

	strvec_init(&missing);
	n = store_set_missing(dir, &missing);
	strvec_clear(&missing);
	return n == 0;
}

int
store_set_cert_mtime(const char *dir, time_t *mtime)
{
	char *path = fs_path_join(dir, "cert.pem");
	struct stat st;
	int r;

	if (path == NULL) {
		errno = ENOMEM;
		return -1;
	}
	r = stat(path, &st);
	free(path);
	if (r == -1)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	*mtime = st.st_mtime;
	return 0;
}

/* Whether curr, next or prev points at the set (by name, as they resolve). */
static bool
set_is_linked(const struct store_set *set)
{
	for (int w = STORE_CURR; w <= STORE_PREV; w++) {
		struct sslm_err e;
		char *name = NULL;
		bool same;

		if (store_link_resolve(set->svc_dir, (enum store_link)w, &name,
		    NULL, &e) != 1)
			continue;
		same = str_eq(name, set->name);
		free(name);
		if (same)
			return true;
	}
	return false;
}

void
store_set_discard(struct store_set *set)
{
	struct sslm_err err;

	if (set == NULL || set->dir == NULL)
		return;
	if (set->svc_dir != NULL && set->name != NULL && set_is_linked(set)) {
		log_warn("not removing data set %s: a link points at it", set->dir);
		return;
	}
	if (store_rmtree(set->dir, &err) == -1)
		log_warn("%s (remove it by hand)", err.msg);
}
