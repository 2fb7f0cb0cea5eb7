/*
 * http-01 (dns.md §5): token files under [web] server_dir on every [web]
 * server — written directly on this host, over SFTP (deploy/'s transport:
 * temp name + rename, missing folders created) on the others — their list
 * in cb/web-tokens, and their removal.
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
#include "deploy/deploy.h"

bool
hook_host_is_local(const char *host)
{
	/* One rule for copies, restarts and tokens (distribution.md §1). */
	return deploy_host_is_local(host);
}

/* One SSH connection per remote [web] server for the whole hook run; a
 * server that could not be reached is not tried again in the same run
 * (every token would wait for the same connect timeout). */
struct web_conns {
	struct ssh_conn **v;		/* per servers index; NULL = local/not yet */
	char **why;			/* per servers index: why it failed */
	size_t n;
	bool ssh_ready;
};

static int
web_conns_init(struct web_conns *wc, size_t n)
{
	wc->n = n;
	wc->ssh_ready = false;
	wc->v = calloc(n > 0 ? n : 1, sizeof(*wc->v));
	wc->why = calloc(n > 0 ? n : 1, sizeof(*wc->why));
	return wc->v == NULL || wc->why == NULL ? -1 : 0;
}

static void
web_conns_clear(struct web_conns *wc)
{
	for (size_t i = 0; i < wc->n && wc->v != NULL; i++)
		ssh_conn_close(wc->v[i]);
	for (size_t i = 0; i < wc->n && wc->why != NULL; i++)
		free(wc->why[i]);
	free(wc->v);
	free(wc->why);
	if (wc->ssh_ready)
		deploy_ssh_global_clear();
	memset(wc, 0, sizeof(*wc));
}

/* The connection to [web] servers[i], opened on first use; NULL with err
 * set to the transport's reason (the callers name server and path). */
static struct ssh_conn *
web_conn(const struct conf *c, struct web_conns *wc, size_t i,
    struct sslm_err *err)
{
	const char *server = c->server[CONF_SERVER_WEB].servers.v[i];
	struct ssh_target t;
	struct strvec notes;
	struct sslm_err e;

	if (wc->v[i] != NULL)
		return wc->v[i];
	if (wc->why[i] != NULL) {
		sslm_err_set(err, "%s", wc->why[i]);
		return NULL;
	}
	if (!wc->ssh_ready) {
		if (deploy_ssh_global_init(err) == -1)
			return NULL;
		wc->ssh_ready = true;
	}
	ssh_target_init(&t);
	strvec_init(&notes);
	sslm_err_clear(&e);
	if (ssh_target_resolve(&c->ssh, server, &t, &notes, &e) == -1 ||
	    ssh_conn_open(&t, &wc->v[i], &notes, &e) == -1) {
		wc->v[i] = NULL;
		sslm_err_set(err, "%s", e.msg);
		/* NULL (no memory) only means the next use tries again */
		wc->why[i] = str_dup(e.msg);
	}
	for (size_t k = 0; k < notes.n; k++)
		log_warn("web server %s: %s", server, notes.v[k]);
	strvec_clear(&notes);
	ssh_target_clear(&t);
	return wc->v[i];
}

/* "<what> <path> on web server <server>: <why>"; a "<server>: " the
 * transport put in front of its reason is not repeated. */
static void
token_err(struct sslm_err *err, const char *what, const char *path,
    const char *server, const char *why)
{
	size_t n = strlen(server);

	if (strncmp(why, server, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
		why += n + 2;
	sslm_err_set(err, "%s %s on web server %s: %s", what, path, server, why);
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
	struct web_conns wc = { 0 };
	struct strvec paths;
	struct sslm_err e;
	char *dir = NULL, *path = NULL, *body = NULL, *list = NULL, *tp = NULL;
	int rc = -1;

	strvec_init(&paths);
	if (web->server_dir == NULL || web->servers.n == 0) {
		sslm_err_set(err, "http-01 needs [web] servers and server_dir in "
		    "%s/conf.d/ssl-mgr.conf; the token cannot be published",
		    h->c.top);
		goto out;
	}
	if (web_conns_init(&wc, web->servers.n) == -1)
		goto oom;
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
		for (size_t s = 0; s < web->servers.n; s++) {
			const char *server = web->servers.v[s];
			struct ssh_conn *conn;

			if (hook_host_is_local(server)) {
				if (fs_mkdir_p(dir, 0755, err) == -1 ||
				    fs_write_atomic(path, body, strlen(body), 0644,
				    err) == -1)
					goto out;
				/* 0644 whatever the umask: the web server must
				 * read it. */
				if (chmod(path, 0644) == -1) {
					sslm_err_errno(err, errno, "cannot chmod %s",
					    path);
					goto out;
				}
				set_owner(web, path);
			} else {
				/* Mode 0644 is set by the upload itself; owners
				 * stay the remote login's (readable by all). */
				sslm_err_clear(&e);
				if ((conn = web_conn(&h->c, &wc, s, &e)) == NULL ||
				    deploy_remote_put_file(conn, path, body,
				    strlen(body), 0644, &e) == -1) {
					token_err(err, "http-01 token", path, server,
					    e.msg);
					goto out;
				}
			}
			log_file("http-01 token %s on %s", path, server);
		}
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
	web_conns_clear(&wc);
	strvec_clear(&paths);
	free(dir);
	free(path);
	free(body);
	free(list);
	free(tp);
	return rc;
}

/* A ".." component anywhere: the path could leave server_dir. */
static bool
has_dotdot(const char *p)
{
	for (const char *q = p; (q = strstr(q, "..")) != NULL; q += 2)
		if ((q == p || q[-1] == '/') && (q[2] == '\0' || q[2] == '/'))
			return true;
	return false;
}

/* dns.md §5.3: every path of web-tokens removed, then the list emptied.
 * Only paths under server_dir are touched: the list is a file on disk. */
int
hook_http_clean(const struct conf *c, const char *cb, bool debug,
    struct sslm_err *err)
{
	const struct conf_server_section *web = &c->server[CONF_SERVER_WEB];
	struct web_conns wc = { 0 };
	char *tp = NULL, *text = NULL, *p, *nl;
	size_t len, sdl;
	int rc = -1, bad = 0;

	if ((tp = fs_path_join(cb, "web-tokens")) == NULL ||
	    web_conns_init(&wc, web->servers.n) == -1) {
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
		    has_dotdot(p + sdl)) {
			log_warn("%s: %s is not under [web] server_dir; left alone",
			    tp, p);
			continue;
		}
		for (size_t s = 0; s < web->servers.n; s++) {
			struct ssh_conn *conn;
			struct sslm_err e;

			if (debug && !hook_host_is_local(web->servers.v[s])) {
				log_msg("debug: would remove %s on %s", p,
				    web->servers.v[s]);
			} else if (!hook_host_is_local(web->servers.v[s])) {
				sslm_err_clear(&e);
				if ((conn = web_conn(c, &wc, s, &e)) == NULL ||
				    deploy_remote_remove_file(conn, p, &e) == -1) {
					struct sslm_err m;

					token_err(&m, "cannot remove http-01 token",
					    p, web->servers.v[s], e.msg);
					log_error("%s", m.msg);
					bad++;
				}
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
	web_conns_clear(&wc);
	free(tp);
	free(text);
	return rc;
}
