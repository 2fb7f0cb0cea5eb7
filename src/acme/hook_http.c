/*
 * http-01 (dns.md §5): token files under [web] server_dir for a web server
 * on this host, their list in cb/web-tokens, and their removal. Remote
 * delivery needs the SSH transport of a later version: a remote server is
 * refused before anything is written, so certbot is stopped instead of
 * failing a validation.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acme/hook_int.h"

bool
hook_host_is_local(const char *host)
{
	char name[256];
	size_t n;

	/* decisions.md "Local host": short or full host name, any case;
	 * "localhost" names no particular machine and stays remote. */
	if (str_case_eq(host, "localhost") || gethostname(name, sizeof(name)) != 0)
		return false;
	name[sizeof(name) - 1] = '\0';
	if (str_case_eq(host, name))
		return true;
	n = strcspn(name, ".");
	return strlen(host) == n && strncasecmp(host, name, n) == 0;
}

/* Owner per [web] user/group when root; a missing account only warns. */
static void
set_owner(const struct conf_server_section *web, const char *path)
{
	static bool told;
	struct passwd *pw;
	struct group *gr;

	if (geteuid() != 0) {
		if (!told)
			log_file("http push needs root to change file owner/group");
		told = true;
		return;
	}
	pw = getpwnam(web->user != NULL ? web->user : "http");
	gr = getgrnam(web->group != NULL ? web->group : "http");
	if (pw == NULL || gr == NULL) {
		log_warn("[web] user/group %s/%s: no such %s here; %s keeps the "
		    "running user's owner", web->user, web->group,
		    pw == NULL ? "user" : "group", path);
		return;
	}
	if (chown(path, pw->pw_uid, gr->gr_gid) == -1)
		log_warn("cannot chown %s: %s", path, strerror(errno));
}

static int
token_path(const struct conf_server_section *web, const char *apex,
    const char *token, char **dir, char **path)
{
	*dir = str_printf("%s/%s/.well-known/acme-challenge", web->server_dir,
	    apex);
	*path = *dir != NULL ? fs_path_join(*dir, token) : NULL;
	return *path == NULL ? -1 : 0;
}

int
hook_http_publish(struct hook_ctx *h, const struct hook_recs *recs,
    struct sslm_err *err)
{
	const struct conf_server_section *web = &h->c.server[CONF_SERVER_WEB];
	struct strvec paths;
	char *dir = NULL, *path = NULL, *body = NULL, *list = NULL, *tp = NULL;
	int rc = -1;

	strvec_init(&paths);
	if (web->server_dir == NULL || web->servers.n == 0) {
		sslm_err_set(err, "http-01 needs [web] servers and server_dir in "
		    "%s/conf.d/ssl-mgr.conf; the token cannot be published",
		    h->c.top);
		goto out;
	}
	for (size_t s = 0; s < web->servers.n; s++)
		if (!hook_host_is_local(web->servers.v[s])) {
			sslm_err_set(err, "http-01 token for web server %s: remote "
			    "delivery is not available in this version (list "
			    "only this host in [web] servers, or use dns-01)",
			    web->servers.v[s]);
			goto out;
		}
	for (size_t i = 0; i < recs->n; i++) {
		if (recs->v[i].token == NULL) {
			sslm_err_set(err, "auth-data mixes dns-01 and http-01 "
			    "records (%s)", recs->v[i].domain);
			goto out;
		}
		free(dir);
		free(path);
		free(body);
		if (token_path(web, h->grp->name, recs->v[i].token, &dir,
		    &path) == -1 ||
		    (body = str_printf("%s\n", recs->v[i].validation)) == NULL) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
		if (fs_mkdir_p(dir, 0755, err) == -1 ||
		    fs_write_atomic(path, body, strlen(body), 0644, err) == -1)
			goto out;
		/* 0644 whatever the umask: the web server must read it. */
		if (chmod(path, 0644) == -1) {
			sslm_err_errno(err, errno, "cannot chmod %s", path);
			goto out;
		}
		set_owner(web, path);
		log_file("http-01 token %s", path);
		if (!strvec_contains(&paths, path) &&
		    strvec_push(&paths, path) == -1) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
	}
	if ((list = str_dup("")) == NULL ||
	    (tp = fs_path_join(h->cb, "web-tokens")) == NULL)
		goto oom;
	for (size_t i = 0; i < paths.n && list != NULL; i++) {
		char *l = str_printf("%s%s\n", list, paths.v[i]);

		free(list);
		list = l;
	}
	if (list == NULL)
		goto oom;
	if (fs_write_atomic(tp, list, strlen(list), 0666, err) == -1)
		goto out;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	strvec_clear(&paths);
	free(dir);
	free(path);
	free(body);
	free(list);
	free(tp);
	return rc;
}

/* dns.md §5.3: every path of web-tokens removed, then the list emptied.
 * Only paths under server_dir are touched: the list is a file on disk. */
int
hook_http_clean(const struct conf *c, const char *cb, bool debug,
    struct sslm_err *err)
{
	const struct conf_server_section *web = &c->server[CONF_SERVER_WEB];
	char *tp = NULL, *text = NULL, *p, *nl;
	size_t len, sdl;
	int rc = -1, bad = 0;

	if ((tp = fs_path_join(cb, "web-tokens")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (access(tp, F_OK) == -1 || web->server_dir == NULL) {
		rc = 0;
		goto out;
	}
	if (fs_read_file(tp, HOOK_DATA_MAX, &text, &len, err) == -1)
		goto out;
	sdl = strlen(web->server_dir);
	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		else
			*nl = '\0';
		if (*p == '\0')
			continue;
		if (strncmp(p, web->server_dir, sdl) != 0 || p[sdl] != '/' ||
		    strstr(p, "/../") != NULL) {
			log_warn("%s: %s is not under [web] server_dir; left alone",
			    tp, p);
			continue;
		}
		for (size_t s = 0; s < web->servers.n; s++) {
			if (!hook_host_is_local(web->servers.v[s])) {
				log_error("http-01 token %s on %s: remote hosts "
				    "are not available in this version; remove it "
				    "by hand", p, web->servers.v[s]);
				bad++;
			} else if (debug) {
				log_msg("debug: would remove %s", p);
			} else if (unlink(p) == -1 && errno != ENOENT) {
				log_error("cannot remove %s: %s", p,
				    strerror(errno));
				bad++;
			}
		}
	}
	if (!debug && truncate(tp, 0) == -1) {
		sslm_err_errno(err, errno, "cannot empty %s", tp);
		goto out;
	}
	if (bad > 0) {
		sslm_err_set(err, "%d http-01 token file(s) could not be removed "
		    "(see the log)", bad);
		goto out;
	}
	rc = 0;
 out:
	free(tp);
	free(text);
	return rc;
}
