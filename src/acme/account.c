/*
 * ACME accounts in a service's cb/ folder (certbot-hooks.md §3).
 *
 * Users migrating from the Python tool keep their cb/ trees, so an
 * existing account is always reused and a second one is never registered:
 * choosing the wrong one would lose cached authorizations, so several
 * accounts without ca_account is an error, not a guess.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acme/driver_int.h"

#define LE_PROD		"acme-v02.api.letsencrypt.org"
#define LE_STAGING	"acme-staging-v02.api.letsencrypt.org"
#define REGISTER_GRACE	2	/* seconds, as the original waits */

/* certbot keeps accounts under <netloc><path> of the directory URL. */
static char *
server_dir(const char *cb, const char *url, struct sslm_err *err)
{
	const char *host, *path, *end;
	char *rel = NULL, *dir = NULL;

	if ((host = strstr(url, "://")) == NULL)
		goto bad;
	host += 3;
	path = host + strcspn(host, "/?#");
	end = path + strcspn(path, "?#");
	if (path == host)
		goto bad;
	if ((rel = str_printf("%.*s", (int)(end - host), host)) == NULL) {
		sslm_err_set(err, "out of memory");
		return NULL;
	}
	/* The URL becomes a path under cb/: it must stay there. */
	for (const char *c = rel;; ) {
		size_t n = strcspn(c, "/");

		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' &&
		    c[1] == '.')) {
			free(rel);
			goto bad;
		}
		if (c[n] == '\0')
			break;
		c += n + 1;
	}
	if ((dir = str_printf("%s/accounts/%s", cb, rel)) == NULL)
		sslm_err_set(err, "out of memory");
	free(rel);
	return dir;
 bad:
	sslm_err_set(err, "ca_server '%s' is not a usable ACME directory URL "
	    "(https://host[:port]/path)", url);
	return NULL;
}

char *
acme_account_dir(const struct acme_request *r, const char *cb,
    struct sslm_err *err)
{
	const struct conf_ca *ca = r->svc->ca;
	char *dir;

	if (ca != NULL && ca->server != NULL)
		return server_dir(cb, ca->server, err);
	/* certbot --dry-run always talks to the staging server. */
	dir = str_printf("%s/accounts/%s/directory", cb,
	    r->test || r->dry_run ? LE_STAGING : LE_PROD);
	if (dir == NULL)
		sslm_err_set(err, "out of memory");
	return dir;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Both files present (contents are certbot's business). */
static bool
is_account(int dfd, const char *name)
{
	static const char *const files[] = { "meta.json", "private_key.json" };
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISDIR(st.st_mode))
		return false;
	for (size_t i = 0; i < 2; i++) {
		char *f = str_printf("%s/%s", name, files[i]);
		bool ok = f != NULL && fstatat(dfd, f, &st, 0) == 0;

		free(f);
		if (!ok)
			return false;
	}
	return true;
}

int
acme_account_list(const char *dir, struct strvec *ids, struct sslm_err *err)
{
	DIR *d;
	struct dirent *e;
	int rc = -1;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;	/* certbot has not been here yet */
		sslm_err_errno(err, errno, "cannot read the account folder %s",
		    dir);
		return -1;
	}
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (is_account(dirfd(d), e->d_name) &&
		    strvec_push(ids, e->d_name) == -1) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
	}
	if (errno != 0) {
		sslm_err_errno(err, errno, "cannot read the account folder %s",
		    dir);
		goto out;
	}
	if (ids->n > 1)
		qsort(ids->v, ids->n, sizeof(*ids->v), cmp_str);
	rc = 0;
 out:
	closedir(d);
	return rc;
}

/* "a, b, c" (heap; NULL on allocation failure). */
static char *
join_ids(const struct strvec *ids)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < ids->n; i++)
		len += strlen(ids->v[i]) + 2;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < ids->n; i++) {
		if (i > 0)
			strcat(s, ", ");
		strcat(s, ids->v[i]);
	}
	return s;
}

static int
register_account(const struct acme_request *r, const struct acme_paths *p,
    struct acme_cblog *log, struct sslm_err *err)
{
	struct acme_run_opts o;
	struct proc_result res;
	struct strvec argv;
	char *text = NULL, desc[128], line[256];
	int rc = -1;

	strvec_init(&argv);
	proc_result_init(&res);
	if (acme_register_argv(r, p, &argv, err) == -1)
		goto out;
	if ((text = acme_argv_text(&argv)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	log_verb("    registering an ACME account in %s", p->cb);
	acme_cblog(log, "%s/%s: certbot command: %s", r->svc->group,
	    r->svc->service, text);
	memset(&o, 0, sizeof(o));
	o.topdir = r->td->path;
	o.timeout = ACME_T_SHORT;
	o.grace = ACME_KILL_GRACE;
	if (acme_run(&argv, &o, &res, err) == -1) {
		acme_cblog(log, "error registering account %s/%s: %s",
		    r->svc->group, r->svc->service, err->msg);
		goto out;
	}
	acme_cblog_result(log, "certbot register", &res);
	if (!proc_result_ok(&res)) {
		acme_last_line(&res, line, sizeof(line));
		acme_cblog(log, "error registering account %s/%s",
		    r->svc->group, r->svc->service);
		sslm_err_set(err, "error registering the ACME account: certbot "
		    "register %s%s%s (see %s/letsencrypt.log)",
		    proc_result_describe(&res, desc, sizeof(desc)),
		    line[0] != '\0' ? ": " : "", line, p->logs);
		goto out;
	}
	/* The original's grace before the new account is used. */
	sleep(REGISTER_GRACE);
	rc = 0;
 out:
	free(text);
	proc_result_clear(&res);
	strvec_clear(&argv);
	return rc;
}

int
acme_account_ensure(const struct acme_request *r, const struct acme_paths *p,
    struct acme_cblog *log, struct sslm_err *err)
{
	const struct conf_service *svc = r->svc;
	struct strvec ids;
	char *dir = NULL, *list = NULL;
	int rc = -1;

	strvec_init(&ids);
	if ((dir = acme_account_dir(r, p->cb, err)) == NULL ||
	    acme_account_list(dir, &ids, err) == -1)
		goto out;
	if (svc->ca_account != NULL) {
		if (strvec_contains(&ids, svc->ca_account)) {
			acme_cblog(log, "%s/%s: using account %s in %s",
			    svc->group, svc->service, svc->ca_account, dir);
			rc = 0;
			goto out;
		}
		list = join_ids(&ids);
		sslm_err_set(err, "ca_account '%s' names no account in %s "
		    "(there: %s); fix ca_account in %s or its ca-info.conf "
		    "entry", svc->ca_account, dir, ids.n == 0 ? "none" :
		    list != NULL ? list : "?", svc->relpath);
		goto out;
	}
	if (ids.n == 1) {
		acme_cblog(log, "%s/%s: using account %s in %s", svc->group,
		    svc->service, ids.v[0], dir);
		rc = 0;
		goto out;
	}
	if (ids.n > 1) {
		list = join_ids(&ids);
		sslm_err_set(err, "several ACME accounts in %s: %s; set "
		    "ca_account = '<id>' in %s or its ca-info.conf entry",
		    dir, list != NULL ? list : "?", svc->relpath);
		goto out;
	}
	if (register_account(r, p, log, err) == -1)
		goto out;
	if (acme_account_list(dir, &ids, err) == -1)
		goto out;
	if (ids.n == 0) {
		sslm_err_set(err, "certbot register succeeded but no account "
		    "appeared in %s (see %s/letsencrypt.log)", dir, p->logs);
		goto out;
	}
	acme_cblog(log, "%s/%s: registered account %s in %s", svc->group,
	    svc->service, ids.v[0], dir);
	rc = 0;
 out:
	free(list);
	free(dir);
	strvec_clear(&ids);
	return rc;
}
