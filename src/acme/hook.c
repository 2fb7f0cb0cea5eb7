/*
 * The certbot hooks (certbot-hooks.md §7, §8): sslm-auth-hook, run by
 * certbot once per challenge, and the cleanup used by sslm-mgr after
 * certbot and by sslm-cleanup-hook.
 *
 * certbot ignores a hook's exit status and would go on to ask the CA to
 * validate, spending a failed validation; so every fatal problem is written
 * to cb/auth-status for sslm-mgr and certbot is stopped with SIGTERM
 * (decisions.md "A failed auth hook must stop certbot").
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acme/acme.h"
#include "acme/hook_int.h"
#include "store/store.h"

#define EXIT_FATAL	1
#define EXIT_USAGE	2

static void
ctx_init(struct hook_ctx *h)
{
	memset(h, 0, sizeof(*h));
	conf_topdir_init(&h->td);
	conf_init(&h->c);
	conf_diags_init(&h->diags);
}

static void
ctx_clear(struct hook_ctx *h)
{
	log_close();
	conf_clear(&h->c);
	conf_diags_clear(&h->diags);
	conf_topdir_clear(&h->td);
	free(h->cb);
	free(h->warning);
}

static char *
cb_dir(const char *top, const char *group, const char *service)
{
	char *svc = store_service_dir(top, group, service);
	char *cb = svc != NULL ? fs_path_join(svc, "cb") : NULL;

	free(svc);
	return cb;
}

/*
 * The tree of <group> <service> loaded with only that service selected.
 * 0 ok; -1 fatal (err set); -2 a usage error (err set).
 */
static int
ctx_setup(struct hook_ctx *h, const char *prog, int argc, char *const argv[],
    struct sslm_err *err)
{
	const char *service[1];
	struct conf_select sel;

	if (argc < 3 || !str_is_safe_name(argv[1]) ||
	    !str_is_safe_name(argv[2])) {
		sslm_err_set(err, "usage: %s <group> <service>", prog);
		return -2;
	}
	if (conf_find_topdir(&h->td, err) == -1)
		return -1;
	if ((h->cb = cb_dir(h->td.path, argv[1], argv[2])) == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	if (!fs_is_dir(h->cb)) {
		sslm_err_set(err, "%s: no such directory (is %s/%s a service "
		    "of %s?)", h->cb, argv[1], argv[2], h->td.path);
		free(h->cb);
		h->cb = NULL;
		return -2;
	}
	service[0] = argv[2];
	sel = (struct conf_select){ .group = argv[1], .services = service,
	    .n_services = 1 };
	h->conf_loaded = true;
	if (conf_load(&h->c, &h->td, &sel, 1, true, &h->diags) == -1) {
		const char *first = "see the messages above";

		conf_diags_print(&h->diags, stderr);
		for (size_t i = 0; i < h->diags.n; i++)
			if (h->diags.v[i].level == CONF_DIAG_ERROR) {
				first = h->diags.v[i].msg;
				break;
			}
		sslm_err_set(err, "configuration error: %s", first);
		return -1;
	}
	if (log_open(h->c.g.logdir, "cbot", err) == -1)
		fprintf(stderr, "warning: %s\n", err->msg);
	h->svc = conf_find_service(&h->c, argv[1], argv[2]);
	h->grp = conf_find_group(&h->c, argv[1]);
	if (h->svc == NULL || h->grp == NULL) {
		sslm_err_set(err, "%s/%s: not found in %s", argv[1], argv[2],
		    h->c.conf_dir);
		return -1;
	}
	if (h->svc->signer != CONF_SIGNER_CERTBOT_DNS01 &&
	    h->svc->signer != CONF_SIGNER_CERTBOT_HTTP01) {
		sslm_err_set(err, "%s/%s is %s, not signed through certbot",
		    argv[1], argv[2], conf_signer_name(h->svc->signer));
		return -1;
	}
	return 0;
}

/* Record the reason, stop certbot, and give main() its status. */
static int
fail(struct hook_ctx *h, const char *reason, int status)
{
	char *full = NULL;

	if (h->warning != NULL)
		full = str_printf("%s (after: %s)", reason, h->warning);
	if (full != NULL)
		reason = full;
	log_error("auth hook: %s", reason);
	if (h->cb != NULL)
		hook_status_write(h, reason);
	/* A usage error may be a person at a shell: only a known certbot
	 * is stopped then. */
	if (h->certbot > 1 && (status == EXIT_FATAL || h->pid_from_env)) {
		log_file("auth hook: stopping certbot (pid %ld)",
		    (long)h->certbot);
		if (kill(h->certbot, SIGTERM) == -1)
			log_error("cannot stop certbot (pid %ld): %s",
			    (long)h->certbot, strerror(errno));
	}
	free(full);
	return status;
}

int
acme_auth_hook(int argc, char *const argv[])
{
	struct hook_ctx h;
	struct hook_env e;
	struct hook_recs recs;
	struct sslm_err err;
	int rc, st;

	ctx_init(&h);
	hook_recs_init(&recs);
	sslm_err_clear(&err);
	hook_find_certbot(&h);
	if ((st = ctx_setup(&h, "sslm-auth-hook", argc, argv, &err)) != 0) {
		rc = fail(&h, err.msg, st == -2 ? EXIT_USAGE : EXIT_FATAL);
		goto out;
	}
	if (hook_env_read(&e, &err) == -1) {
		rc = fail(&h, err.msg, EXIT_FATAL);
		goto out;
	}
	if (!hook_domain_in_group(e.domain, h.grp->name)) {
		sslm_err_set(&err, "CERTBOT_DOMAIN %s is not %s or a name below "
		    "it", e.domain, h.grp->name);
		rc = fail(&h, err.msg, EXIT_FATAL);
		goto out;
	}
	log_file("auth hook %s/%s: %s %s %s%s%s remaining %lu (run %ld, all: %s)",
	    h.grp->name, h.svc->service, e.proto == HOOK_HTTP ? "http" : "dns",
	    e.domain, e.validation, e.token != NULL ? " token " : "",
	    e.token != NULL ? e.token : "", e.remaining, (long)h.certbot,
	    e.all_domains);
	if (hook_data_append(&h, &e, &err) == -1) {
		rc = fail(&h, err.msg, EXIT_FATAL);
		goto out;
	}
	if (e.remaining > 0) {
		rc = 0;
		goto out;
	}
	if (hook_data_take(&h, &recs, &err) == -1 ||
	    (e.proto == HOOK_DNS ? hook_dns_publish(&h, &recs, &err) :
	    hook_http_publish(&h, &recs, &err)) == -1) {
		rc = fail(&h, err.msg, EXIT_FATAL);
		goto out;
	}
	log_file("auth hook %s/%s: %zu challenge(s) published", h.grp->name,
	    h.svc->service, recs.n);
	rc = hook_status_write(&h, NULL) == 0 ? 0 :
	    fail(&h, "cannot write auth-status", EXIT_FATAL);
 out:
	hook_recs_clear(&recs);
	ctx_clear(&h);
	return rc;
}

static int
cleanup_cb(const struct conf *c, const struct conf_service *svc,
    const char *cb, bool http, bool debug, struct sslm_err *err)
{
	char *ad = NULL;
	int rc = 0;

	if (http) {
		if (hook_http_clean(c, cb, debug, err) == -1)
			rc = -1;
	} else if (hook_dns_clean(c, cb, svc->group, debug, err) == -1)
		rc = -1;
	/* The run's records are spent; .prev stays for a post-mortem. */
	if ((ad = fs_path_join(cb, "auth-data")) == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	if (!debug && unlink(ad) == -1 && errno != ENOENT) {
		if (rc == 0)
			sslm_err_errno(err, errno, "cannot remove %s", ad);
		rc = -1;
	}
	free(ad);
	return rc;
}

int
acme_cleanup(const struct conf *c, const struct conf_service *svc,
    bool debug, struct sslm_err *err)
{
	char *cb = NULL;
	int rc;

	if (svc->signer != CONF_SIGNER_CERTBOT_DNS01 &&
	    svc->signer != CONF_SIGNER_CERTBOT_HTTP01)
		return 0;
	if ((cb = cb_dir(c->top, svc->group, svc->service)) == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	rc = cleanup_cb(c, svc, cb, svc->signer == CONF_SIGNER_CERTBOT_HTTP01,
	    debug, err);
	free(cb);
	return rc;
}

int
acme_cleanup_hook(int argc, char *const argv[])
{
	const char *rem = getenv("CERTBOT_REMAINING_CHALLENGES");
	const char *tok = getenv("CERTBOT_TOKEN");
	struct hook_ctx h;
	struct sslm_err err;
	bool http;
	int rc = EXIT_FATAL, st;

	ctx_init(&h);
	sslm_err_clear(&err);
	if ((st = ctx_setup(&h, "sslm-cleanup-hook", argc, argv, &err)) != 0) {
		fprintf(stderr, "sslm-cleanup-hook: %s\n", err.msg);
		rc = st == -2 ? EXIT_USAGE : EXIT_FATAL;
		goto out;
	}
	/* As certbot's cleanup hook it is called once per challenge: only
	 * the last call (remaining 0) cleans, so the DNS is refreshed once
	 * (certbot-hooks.md §8.3). */
	if (rem != NULL && *rem != '\0' && strcmp(rem, "0") != 0) {
		rc = 0;
		goto out;
	}
	http = (tok != NULL && *tok != '\0') ||
	    h.svc->signer == CONF_SIGNER_CERTBOT_HTTP01;
	if (cleanup_cb(&h.c, h.svc, h.cb, http, false, &err) == -1) {
		log_error("cleanup %s/%s: %s", h.svc->group, h.svc->service,
		    err.msg);
		goto out;
	}
	log_file("cleanup %s/%s: done", h.svc->group, h.svc->service);
	rc = 0;
 out:
	ctx_clear(&h);
	return rc;
}
