/*
 * The auth hook's state between calls (certbot-hooks.md §7.3): cb/auth-data
 * collects one record per challenge of one certbot run, cb/auth-status
 * tells sslm-mgr how the hook ended (§7.4).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acme/hook_int.h"

void
hook_recs_init(struct hook_recs *r)
{
	memset(r, 0, sizeof(*r));
}

void
hook_recs_clear(struct hook_recs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].domain);
		free(r->v[i].validation);
		free(r->v[i].token);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void
hook_find_certbot(struct hook_ctx *h)
{
	const char *s = getenv("SSLM_CERTBOT_PID");
	size_t n = s != NULL ? strlen(s) : 0;
	long pid;

	h->certbot = 0;
	h->pid_from_env = false;
	if (n > 0 && n <= 9 && strspn(s, "0123456789") == n &&
	    (pid = strtol(s, NULL, 10)) > 1 && pid != (long)getpid() &&
	    (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
		h->certbot = (pid_t)pid;
		h->pid_from_env = true;
		return;
	}
	/* certbot runs its hooks through "sh -c", which execs a lone command,
	 * so the parent is certbot itself (never init: we were orphaned). */
	if (getppid() > 1)
		h->certbot = getppid();
}

/* The pid of the "# run <pid>" header line, 0 when there is none. */
static long
run_of(const char *text)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, "# run ", 6) == 0)
			return strtol(p + 6, NULL, 10);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int
hook_data_append(const struct hook_ctx *h, const struct hook_env *e,
    struct sslm_err *err)
{
	char *path = NULL, *prev = NULL, *old = NULL, *line = NULL;
	size_t len = 0;
	bool fresh, have;
	long run = 0;
	int fd = -1, rc = -1;

	if ((path = fs_path_join(h->cb, "auth-data")) == NULL ||
	    (prev = fs_path_join(h->cb, "auth-data.prev")) == NULL)
		goto oom;
	have = access(path, F_OK) == 0;
	if (have && fs_read_file(path, HOOK_DATA_MAX, &old, &len, err) == -1)
		goto out;
	if (have)
		run = run_of(old);
	fresh = !have || run != (long)h->certbot;
	/* Started by hand (no SSLM_CERTBOT_PID): every call shares the
	 * shell as parent, so the first call of a run is known by its
	 * count instead (§7.3). */
	if (!h->pid_from_env && e->n_all > 0 && e->remaining == e->n_all - 1)
		fresh = true;
	if (have && fresh) {
		log_file("auth hook: auth-data of run %ld is stale; kept as "
		    "auth-data.prev", run);
		if (rename(path, prev) == -1) {
			sslm_err_errno(err, errno, "cannot move %s aside", path);
			goto out;
		}
	}
	if (fresh)
		line = str_printf("# %s %s\n# Domains = %s\n# run %ld\n%s %s%s%s\n",
		    e->domain, e->proto == HOOK_HTTP ? "http" : "dns",
		    e->all_domains, (long)h->certbot, e->domain, e->validation,
		    e->token != NULL ? " " : "", e->token != NULL ? e->token : "");
	else
		line = str_printf("%s %s%s%s\n", e->domain, e->validation,
		    e->token != NULL ? " " : "", e->token != NULL ? e->token : "");
	if (line == NULL)
		goto oom;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    (fresh ? O_EXCL : 0), 0600);
	if (fd == -1) {
		sslm_err_errno(err, errno, "cannot open %s", path);
		goto out;
	}
	/* One write per record: O_APPEND keeps records whole. */
	if (write_all(fd, line, strlen(line)) == -1 || close(fd) == -1) {
		fd = -1;
		sslm_err_errno(err, errno, "cannot write %s", path);
		goto out;
	}
	fd = -1;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	if (fd != -1)
		close(fd);
	free(path);
	free(prev);
	free(old);
	free(line);
	return rc;
}

static int
rec_push(struct hook_recs *r, const char *d, const char *v, const char *t)
{
	struct hook_rec *nv;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;

		if ((nv = realloc(r->v, cap * sizeof(*nv))) == NULL)
			return -1;
		r->v = nv;
		r->cap = cap;
	}
	nv = &r->v[r->n];
	nv->domain = strdup(d);
	nv->validation = strdup(v);
	nv->token = t != NULL ? strdup(t) : NULL;
	r->n++;	/* counted first, so a partial record is freed by clear */
	if (nv->domain == NULL || nv->validation == NULL ||
	    (t != NULL && nv->token == NULL))
		return -1;
	return 0;
}

int
hook_data_take(const struct hook_ctx *h, struct hook_recs *out,
    struct sslm_err *err)
{
	char *path = NULL, *prev = NULL, *text = NULL, *p, *nl;
	char *f[4];
	size_t len, lineno = 0;
	int rc = -1;

	if ((path = fs_path_join(h->cb, "auth-data")) == NULL ||
	    (prev = fs_path_join(h->cb, "auth-data.prev")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (fs_read_file(path, HOOK_DATA_MAX, &text, &len, err) == -1)
		goto out;
	/* Gone before publishing, so a later run never sees these. */
	if (rename(path, prev) == -1) {
		sslm_err_errno(err, errno, "cannot move %s to %s", path, prev);
		goto out;
	}
	for (p = text; *p != '\0'; p = nl + 1) {
		size_t nf = 0;

		lineno++;
		if ((nl = strchr(p, '\n')) == NULL) {
			sslm_err_set(err, "%s: line %zu is cut short", prev, lineno);
			goto out;
		}
		*nl = '\0';
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		for (char *s = p; nf < 4; nf++) {
			f[nf] = s;
			if ((s = strchr(s, ' ')) == NULL) {
				nf++;
				break;
			}
			*s++ = '\0';
		}
		/* The file is ours, but it is read back as if it were not. */
		if (nf < 2 || nf > 3 || !hook_domain_ok(f[0]) ||
		    !hook_domain_in_group(f[0], h->grp->name) ||
		    strchr(f[1], '"') != NULL || strlen(f[1]) > 2 * HOOK_VALUE_MAX + 1 ||
		    (nf == 2 && !hook_b64url_ok(f[1], HOOK_VALUE_MAX)) ||
		    (nf == 3 && !hook_b64url_ok(f[2], HOOK_VALUE_MAX))) {
			sslm_err_set(err, "%s: line %zu is not a challenge record",
			    prev, lineno);
			goto out;
		}
		if (rec_push(out, f[0], f[1], nf == 3 ? f[2] : NULL) == -1) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
	}
	rc = 0;
 out:
	free(path);
	free(prev);
	free(text);
	return rc;
}

int
hook_status_write(const struct hook_ctx *h, const char *reason)
{
	struct sslm_err err;
	char *path = NULL, *clean = NULL, *text = NULL;
	int rc = -1;

	if ((path = fs_path_join(h->cb, "auth-status")) == NULL)
		goto out;
	if (reason == NULL)
		text = str_dup("ok\n");
	else if ((clean = hook_sanitize(reason, HOOK_REASON_MAX)) != NULL)
		text = str_printf("fail: %s\n", clean);
	if (text == NULL)
		goto out;
	if (fs_write_atomic(path, text, strlen(text), 0666, &err) == -1) {
		log_error("auth hook: %s", err.msg);
		goto out;
	}
	rc = 0;
 out:
	free(path);
	free(clean);
	free(text);
	return rc;
}
