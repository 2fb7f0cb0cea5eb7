/* DH parameter files on disk: which to (re)generate, the dhparam.pem link
 * and sslm-dhparm's walk over its directories (crypto.md §7.2-§7.3,
 * tools.md §4.2). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>

#include "crypto/crypto_int.h"

#define FILE_MODE 0644
#define DH_DIR_MODE 0750

static void
say(const struct crypto_dh_opts *opts, const char *fmt, ...) SSLM_PRINTF(2, 3);

/* One report line on opts->out, flushed so that it comes before any
 * progress line on the other stream. */
static void
say(const struct crypto_dh_opts *opts, const char *fmt, ...)
{
	va_list ap;

	if (opts->out == NULL)
		return;
	va_start(ap, fmt);
	BIO_vprintf(opts->out, fmt, ap);
	va_end(ap);
	(void)BIO_flush(opts->out);
}

/* Does the file of it in dh need to be (re)made (crypto.md §7.3)? */
static bool
needs_generation(const char *path, const struct crypto_dh_item *it,
    const struct crypto_dh_opts *opts)
{
	struct stat st;

	/* Missing, unreadable or not a file: writing will tell. */
	if (opts->force || stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return true;
	if (it->bits == 0)
		return false;   /* named groups never age */
	return opts->now - st.st_mtime > (time_t)opts->age_days * 86400;
}

/* Make and write one file; 0 or -1 (reported). */
static int
generate_one(const char *dh, const struct crypto_dh_item *it,
    const struct crypto_dh_opts *opts)
{
	struct sslm_err err;
	char *path = NULL, *pem = NULL;
	size_t len = 0;
	int rc = -1;

	sslm_err_clear(&err);
	say(opts, "           - %s\n", it->name);
	if ((path = fs_path_join(dh, it->file)) == NULL) {
		sslm_err_set(&err, "out of memory");
		goto out;
	}
	if (crypto_dh_generate(it, opts->progress, opts->progress_secs, &pem,
	    &len, &err) != 0)
		goto out;
	if (fs_write_atomic(path, pem, len, FILE_MODE, &err) != 0)
		goto out;
	rc = 0;
 out:
	if (rc != 0)
		say(opts, "Error : %s\n", err.msg);
	free(pem);
	free(path);
	return rc;
}

/* Point dh/dhparam.pem at file (relative), unless it already does or is
 * not a link at all. 0 done or left alone (or its file is missing, a
 * failure counted already), -1 failed (reported). */
static int
update_link(const char *dh, const char *file,
    const struct crypto_dh_opts *opts)
{
	struct sslm_err err;
	struct stat st;
	char *link = NULL, *target = NULL, cur[256];
	ssize_t n;
	int rc = -1;

	sslm_err_clear(&err);
	if ((link = fs_path_join(dh, CRYPTO_DH_LINK)) == NULL ||
	    (target = fs_path_join(dh, file)) == NULL) {
		say(opts, "Error : out of memory linking %s/%s\n", dh,
		    CRYPTO_DH_LINK);
		goto out;
	}
	if (!fs_is_file(target)) {
		/* Its generation failed (reported and counted there): no
		 * dangling link. */
		say(opts, "Error : %s not changed: %s is missing\n", link,
		    target);
		rc = 0;
		goto out;
	}
	if (lstat(link, &st) == 0) {
		if (!S_ISLNK(st.st_mode)) {
			say(opts, "Warning : %s is not a symbolic link - "
			    "not replaced\n", link);
			rc = 0;
			goto out;
		}
		n = readlink(link, cur, sizeof(cur) - 1);
		if (n >= 0) {
			cur[n] = '\0';
			if (strcmp(cur, file) == 0)
				goto done;
		}
	} else if (errno != ENOENT) {
		say(opts, "Error : cannot look at %s: %s\n", link,
		    strerror(errno));
		goto out;
	}
	if (fs_symlink_swap(file, link, &err) != 0) {
		say(opts, "Error : %s\n", err.msg);
		goto out;
	}
 done:
	say(opts, "             default %s -> %s\n", link, file);
	rc = 0;
 out:
	free(target);
	free(link);
	return rc;
}

int
crypto_dh_target(const char *target, const struct crypto_dh_opts *opts)
{
	struct sslm_err err;
	char *dh = NULL, *path = NULL;
	size_t i;
	int pass, failed = 0, made = 0;

	sslm_err_clear(&err);
	if ((dh = fs_path_join(target, "dh")) == NULL) {
		say(opts, "Error : out of memory\n");
		failed++;
		goto out;
	}
	say(opts, "         : %s\n", dh);
	if (fs_mkdir_p(dh, DH_DIR_MODE, &err) != 0) {
		say(opts, "Error : %s\n", err.msg);
		failed++;
		goto out;
	}
	/* Named groups first (quick), then bit sizes, each in list order. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < opts->n_items; i++) {
			const struct crypto_dh_item *it = &opts->items[i];

			if ((pass == 0) != (it->bits == 0))
				continue;
			free(path);
			if ((path = fs_path_join(dh, it->file)) == NULL) {
				say(opts, "Error : out of memory\n");
				failed++;
				goto out;
			}
			if (!needs_generation(path, it, opts))
				continue;
			if (generate_one(dh, it, opts) == 0)
				made++;
			else
				failed++;
		}
	}
	if (made > 0 && opts->n_items > 0 &&
	    update_link(dh, opts->items[0].file, opts) != 0)
		failed++;
 out:
	free(path);
	free(dh);
	return failed;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sub-directories of parent that are targets, sorted; 0 or -1
 * (reported). */
static int
list_subdirs(const char *parent, struct strvec *out,
    const struct crypto_dh_opts *opts)
{
	DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	char *path = NULL;
	int rc = -1;

	if ((d = opendir(parent)) == NULL) {
		say(opts, "Error : cannot read directory %s: %s\n", parent,
		    strerror(errno));
		goto out;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    str_case_eq(de->d_name, "ca"))
			continue;
		free(path);
		if ((path = fs_path_join(parent, de->d_name)) == NULL) {
			say(opts, "Error : out of memory\n");
			goto out;
		}
		/* lstat: a symlinked directory is not a target. */
		if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if (strvec_push(out, path) != 0) {
			say(opts, "Error : out of memory\n");
			goto out;
		}
	}
	if (errno != 0) {
		say(opts, "Error : cannot read directory %s: %s\n", parent,
		    strerror(errno));
		goto out;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_str);
	rc = 0;
 out:
	free(path);
	if (d != NULL)
		closedir(d);
	return rc;
}

enum crypto_dh_result
crypto_dh_run(char *const dirs[], size_t n, bool subdirs,
    const struct crypto_dh_opts *opts)
{
	struct strvec targets;
	size_t i, j, usable = 0;
	bool *ok = NULL;
	int failed = 0;

	strvec_init(&targets);
	if (n > 0 && (ok = calloc(n, sizeof(*ok))) == NULL) {
		say(opts, "Error : out of memory\n");
		return CRYPTO_DH_FAILED;
	}
	for (i = 0; i < n; i++) {
		if ((ok[i] = fs_is_dir(dirs[i])))
			usable++;
		else
			say(opts, "Warning : no such directory: %s - ignoring\n",
			    dirs[i]);
	}
	if (usable == 0) {
		say(opts, "No usable directories\n");
		free(ok);
		return CRYPTO_DH_NO_DIRS;
	}
	for (i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		say(opts, " dhparam : %s\n", dirs[i]);
		if (!subdirs) {
			failed += crypto_dh_target(dirs[i], opts);
			continue;
		}
		strvec_clear(&targets);
		if (list_subdirs(dirs[i], &targets, opts) != 0) {
			failed++;
			continue;
		}
		if (targets.n == 0)
			say(opts, "No domain subdirs found in %s\n", dirs[i]);
		for (j = 0; j < targets.n; j++)
			failed += crypto_dh_target(targets.v[j], opts);
	}
	strvec_clear(&targets);
	free(ok);
	return failed == 0 ? CRYPTO_DH_OK : CRYPTO_DH_FAILED;
}
