/*
 * Finding TOP (config.md §1 "C", decisions O1 and "Review fixes"): a
 * candidate counts only when it holds conf.d/ssl-mgr.conf, and a set
 * SSL_MGR_TOPDIR that does not is an error of its own: an explicit choice
 * must never silently run on another tree.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/internal.h"

#define MAIN_CONF "conf.d/ssl-mgr.conf"

static const char *const source_names[] = {
	[CONF_TOPDIR_ENV] = "SSL_MGR_TOPDIR",
	[CONF_TOPDIR_CWD] = "./",
	[CONF_TOPDIR_ETC] = "/etc/ssl-mgr",
	[CONF_TOPDIR_OPT] = "/opt/Local/etc/ssl-mgr",
};

static const struct conf_topdir_candidate default_cands[] = {
	{ CONF_TOPDIR_CWD, "./" },
	{ CONF_TOPDIR_ETC, "/etc/ssl-mgr" },
	{ CONF_TOPDIR_OPT, "/opt/Local/etc/ssl-mgr" },
};

const char *
conf_topdir_source_name(enum conf_topdir_source source)
{
	if ((size_t)source >= sizeof(source_names) / sizeof(source_names[0]))
		return "?";
	return source_names[source];
}

void
conf_topdir_init(struct conf_topdir *td)
{
	td->path = NULL;
	td->source = CONF_TOPDIR_CWD;
}

void
conf_topdir_clear(struct conf_topdir *td)
{
	if (td == NULL)
		return;
	free(td->path);
	conf_topdir_init(td);
}

/* "D/conf.d/ssl-mgr.conf" as the user would read it ("./conf.d/..."). */
static char *
main_conf_path(const char *dir)
{
	if (strcmp(dir, "./") == 0 || strcmp(dir, ".") == 0)
		return strdup("./" MAIN_CONF);
	return path_join(dir, MAIN_CONF);
}

/* 0: qualifies; otherwise an errno (ENOENT, EISDIR for "not a regular
 * file", ...) explaining why not. */
static int
qualifies(const char *conf_path)
{
	struct stat st;

	if (stat(conf_path, &st) != 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return EISDIR;
	return 0;
}

static int
take(struct conf_topdir *td, const char *dir, enum conf_topdir_source src,
    struct sslm_err *err)
{
	char *real = realpath(dir, NULL);

	if (real == NULL) {
		sslm_err_errno(err, errno, "cannot resolve top dir %s", dir);
		return -1;
	}
	free(td->path);
	td->path = real;
	td->source = src;
	return 0;
}

int
conf_find_topdir_in(struct conf_topdir *td, const char *env_value,
    const struct conf_topdir_candidate *cands, size_t n_cands,
    struct sslm_err *err)
{
	char *path = NULL, *tried = NULL;
	int rc = -1, why;

	if (env_value != NULL && env_value[0] != '\0') {
		if ((path = main_conf_path(env_value)) == NULL)
			goto oom;
		if ((why = qualifies(path)) != 0) {
			sslm_err_set(err, "SSL_MGR_TOPDIR is set to '%s' but %s "
			    "is not a regular file (%s); point it at a top dir "
			    "holding " MAIN_CONF ", or unset it", env_value, path,
			    why == EISDIR ? "not a file" : strerror(why));
			goto out;
		}
		rc = take(td, env_value, CONF_TOPDIR_ENV, err);
		goto out;
	}
	for (size_t i = 0; i < n_cands; i++) {
		char *t;

		free(path);
		if ((path = main_conf_path(cands[i].dir)) == NULL)
			goto oom;
		if (qualifies(path) == 0) {
			rc = take(td, cands[i].dir, cands[i].source, err);
			goto out;
		}
		t = tried == NULL ? strdup(path) :
		    str_printf("%s, %s", tried, path);
		free(tried);
		if ((tried = t) == NULL)
			goto oom;
	}
	sslm_err_set(err, "no configuration found: tried %s (set "
	    "SSL_MGR_TOPDIR or run from the top dir)",
	    tried != NULL ? tried : "nothing");
	goto out;
 oom:
	sslm_err_set(err, "out of memory while looking for the top dir");
 out:
	free(path);
	free(tried);
	return rc;
}

int
conf_find_topdir(struct conf_topdir *td, struct sslm_err *err)
{
	return conf_find_topdir_in(td, getenv("SSL_MGR_TOPDIR"), default_cands,
	    sizeof(default_cands) / sizeof(default_cands[0]), err);
}
