/*
 * certbot command lines: certonly (certbot-hooks.md §4) and register
 * (§3.2), and their display form for the logs.
 *
 * Every value goes in as its own argv element; the only string certbot
 * hands to a shell is the hook command (§4.3), so that is built from
 * checked parts only.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "acme/driver_int.h"

void
acme_paths_clear(struct acme_paths *p)
{
	free(p->cb);
	free(p->work);
	free(p->logs);
	free(p->out);
	memset(p, 0, sizeof(*p));
}

/* path as given when absolute; else its canonical form (it must exist). */
static char *
absolute(const char *path, struct sslm_err *err)
{
	char *s;

	if (path[0] != '/')
		return fs_realpath(path, err);
	if ((s = strdup(path)) == NULL)
		sslm_err_set(err, "out of memory");
	return s;
}

int
acme_paths_make(const struct acme_request *r, const char *cb_dir,
    struct acme_paths *p, struct sslm_err *err)
{
	const struct conf_service *svc = r->svc;

	memset(p, 0, sizeof(*p));
	if (r->set_dir == NULL) {
		sslm_err_set(err, "internal error: certbot request without a "
		    "data set");
		goto fail;
	}
	if (cb_dir != NULL)
		p->cb = absolute(cb_dir, err);
	else if ((p->cb = str_printf("%s/certs/%s/%s/cb", r->c->top,
	    svc->group, svc->service)) == NULL)
		sslm_err_set(err, "out of memory");
	if (p->cb == NULL)
		goto fail;
	if ((p->work = fs_path_join(p->cb, "work")) == NULL ||
	    (p->logs = fs_path_join(p->cb, "logs")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto fail;
	}
	if (r->dry_run)
		p->out = fs_path_join(p->cb, "dry-run");
	else
		p->out = absolute(r->set_dir, err);
	if (p->out == NULL) {
		if (r->dry_run)
			sslm_err_set(err, "out of memory");
		goto fail;
	}
	return 0;
 fail:
	acme_paths_clear(p);
	return -1;
}

const char *
acme_certbot_prog(const struct acme_request *r)
{
	if (r->caps != NULL && r->caps->path != NULL)
		return r->caps->path;
	return r->c->g.certbot;
}

enum acme_profile_use
acme_profile_use(const struct acme_request *r)
{
	const struct conf_ca *ca = r->svc->ca;

	if (ca == NULL || ca->acme_profile == NULL || ca->acme_profile[0] == '\0')
		return ACME_PROFILE_NONE;
	if (r->caps != NULL && r->caps->preferred_profile)
		return ACME_PROFILE_PASS;
	/* A preferred profile falls back to the server's default anyway, so
	 * dropping it is safe; only a profile the user asked for is worth a
	 * word. */
	return ca->acme_profile_explicit ? ACME_PROFILE_WARN : ACME_PROFILE_DROP;
}

bool
acme_chain_dropped(const struct acme_request *r)
{
	const struct conf_ca *ca = r->svc->ca;

	/* Without a probe (-d output) the flag is shown as configured. */
	return ca != NULL && ca->preferred_chain != NULL &&
	    r->caps != NULL && r->caps->probed && !r->caps->preferred_chain;
}

/* Append the NULL-terminated list of strings. */
static int
push(struct strvec *argv, ...)
{
	va_list ap;
	const char *s;
	int rc = 0;

	va_start(ap, argv);
	while ((s = va_arg(ap, const char *)) != NULL)
		if (rc == 0 && strvec_push(argv, s) == -1)
			rc = -1;
	va_end(ap);
	return rc;
}

/* Append "<opt><dir>/<file>" as two elements. */
static int
push_path(struct strvec *argv, const char *opt, const char *dir,
    const char *file)
{
	char *path;

	if ((path = fs_path_join(dir, file)) == NULL)
		return -1;
	if (strvec_push(argv, opt) == -1) {
		free(path);
		return -1;
	}
	return strvec_push_owned(argv, path);
}

/* certbot runs the hook string through /bin/sh -c (§4.3). */
static bool
hook_path_ok(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789/._+-", *s) == NULL)
			return false;
	return true;
}

static char *
hook_command(const struct acme_request *r, struct sslm_err *err)
{
	const struct conf_service *svc = r->svc;
	char *s;

	if (!hook_path_ok(r->c->g.sslm_auth_hook)) {
		sslm_err_set(err, "sslm_auth_hook '%s' may only contain "
		    "A-Z a-z 0-9 / . _ + - (certbot runs it through a shell); "
		    "fix it in conf.d/ssl-mgr.conf", r->c->g.sslm_auth_hook ?
		    r->c->g.sslm_auth_hook : "");
		return NULL;
	}
	if (!str_is_safe_name(svc->group) || !str_is_safe_name(svc->service)) {
		sslm_err_set(err, "group '%s' or service '%s' is not a safe "
		    "name (A-Z a-z 0-9 . _ -); certbot would hand it to a shell",
		    svc->group, svc->service);
		return NULL;
	}
	if ((s = str_printf("%s %s %s", r->c->g.sslm_auth_hook, svc->group,
	    svc->service)) == NULL)
		sslm_err_set(err, "out of memory");
	return s;
}

/* §4.2: the normalised names, CN first; never an IP or an empty name. */
static char *
domain_list(const struct conf_service *svc, struct sslm_err *err)
{
	const struct conf_x509 *x = &svc->x509;
	size_t len = 1;
	char *s, *p;

	if (x->n_names == 0) {
		sslm_err_set(err, "%s has no names for the certificate",
		    svc->relpath);
		return NULL;
	}
	for (size_t i = 0; i < x->n_names; i++) {
		const char *n = x->names[i].name;

		if (x->names[i].is_ip || n[0] == '\0' || strchr(n, ',') != NULL) {
			sslm_err_set(err, "%s: '%s' cannot be requested through "
			    "certbot (DNS names only)", svc->relpath, n);
			return NULL;
		}
		len += strlen(n) + 1;
	}
	if ((s = p = malloc(len)) == NULL) {
		sslm_err_set(err, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < x->n_names; i++) {
		size_t n = strlen(x->names[i].name);

		if (i > 0)
			*p++ = ',';
		memcpy(p, x->names[i].name, n);
		p += n;
	}
	*p = '\0';
	return s;
}

/* Items 1-24 of §4.1, in that order. */
static int
certonly_items(const struct acme_request *r, const struct acme_paths *p,
    const char *hook, const char *domains, struct strvec *argv)
{
	const struct conf_service *svc = r->svc;
	const struct conf_ca *ca = svc->ca;
	bool dns = svc->signer == CONF_SIGNER_CERTBOT_DNS01;

	if (push(argv, acme_certbot_prog(r), "certonly", "--manual",
	    "--logs-dir", p->logs, "--work-dir", p->work, "--quiet",
	    "--keep-until-expiring", "--cert-name", svc->group,
	    "--manual-auth-hook", hook, (char *)NULL) == -1)
		return -1;
	if (acme_profile_use(r) == ACME_PROFILE_PASS &&
	    push(argv, "--preferred-profile", ca->acme_profile, (char *)NULL) == -1)
		return -1;
	if (push_path(argv, "--cert-path", p->out, "cert.pem") == -1 ||
	    push_path(argv, "--key-path", p->out, "key.pem") == -1 ||
	    push_path(argv, "--chain-path", p->out, "chain.pem") == -1 ||
	    push_path(argv, "--fullchain-path", p->out, "fullchain.pem") == -1)
		return -1;
	if (ca->preferred_chain != NULL && !acme_chain_dropped(r) &&
	    push(argv, "--preferred-chain", ca->preferred_chain, (char *)NULL) == -1)
		return -1;
	if ((r->verbose || r->c->g.verb) && push(argv, "--debug", (char *)NULL) == -1)
		return -1;
	if (r->test && ca->server == NULL &&
	    push(argv, "--test-cert", (char *)NULL) == -1)
		return -1;
	if (r->dry_run && push(argv, "--dry-run", (char *)NULL) == -1)
		return -1;
	if (push(argv, "--config-dir", p->cb, "--domains", domains,
	    (char *)NULL) == -1 ||
	    push_path(argv, "--csr", p->out, "csr.pem") == -1 ||
	    push(argv, dns ? "--preferred-challenges=dns" :
	    "--preferred-challenges=http", (char *)NULL) == -1)
		return -1;
	if (ca->server != NULL &&
	    push(argv, "--server", ca->server, (char *)NULL) == -1)
		return -1;
	if (svc->ca_account != NULL &&
	    push(argv, "--account", svc->ca_account, (char *)NULL) == -1)
		return -1;
	return push(argv, "--non-interactive", (char *)NULL);
}

int
acme_certonly_argv(const struct acme_request *r, const char *cb_dir,
    struct strvec *argv, struct sslm_err *err)
{
	struct acme_paths p;
	char *hook = NULL, *domains = NULL;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	if (r->svc->ca == NULL || (r->svc->signer != CONF_SIGNER_CERTBOT_DNS01 &&
	    r->svc->signer != CONF_SIGNER_CERTBOT_HTTP01)) {
		sslm_err_set(err, "%s is not signed through certbot",
		    r->svc->relpath);
		goto out;
	}
	if (acme_paths_make(r, cb_dir, &p, err) == -1 ||
	    (hook = hook_command(r, err)) == NULL ||
	    (domains = domain_list(r->svc, err)) == NULL)
		goto out;
	if (certonly_items(r, &p, hook, domains, argv) == -1) {
		sslm_err_set(err, "out of memory building the certbot command");
		goto out;
	}
	rc = 0;
 out:
	free(hook);
	free(domains);
	acme_paths_clear(&p);
	return rc;
}

int
acme_register_argv(const struct acme_request *r, const struct acme_paths *p,
    struct strvec *argv, struct sslm_err *err)
{
	const struct conf_service *svc = r->svc;
	const struct conf_ca *ca = svc->ca;
	int rc = -1;

	if (svc->x509.email == NULL || svc->x509.email[0] == '\0') {
		sslm_err_set(err, "no ACME account in %s and [X509] email is "
		    "empty in %s: certbot cannot register without an e-mail "
		    "address (set email there)", p->cb, svc->relpath);
		return -1;
	}
	if (push(argv, acme_certbot_prog(r), "register", "--config-dir", p->cb,
	    "--logs-dir", p->logs, "--work-dir", p->work, "--agree-tos",
	    "--no-eff-email", "--email", svc->x509.email, (char *)NULL) == -1)
		goto out;
	/* --dry-run talks to the staging server, so -n needs a staging
	 * account; register itself rejects --dry-run (quirk Q3). */
	if ((r->test || r->dry_run) && ca->server == NULL &&
	    push(argv, "--test-cert", (char *)NULL) == -1)
		goto out;
	if (ca->server != NULL &&
	    push(argv, "--server", ca->server, (char *)NULL) == -1)
		goto out;
	if (ca->eab_kid != NULL && ca->eab_hmac_key != NULL &&
	    push(argv, "--eab-kid", ca->eab_kid, "--eab-hmac-key",
	    ca->eab_hmac_key, (char *)NULL) == -1)
		goto out;
	if (push(argv, "--non-interactive", (char *)NULL) == -1)
		goto out;
	rc = 0;
 out:
	if (rc == -1)
		sslm_err_set(err, "out of memory building the certbot command");
	return rc;
}

/* Shown as written unless a shell reader would split or expand it. */
static bool
needs_quotes(const char *s)
{
	return s[0] == '\0' || strpbrk(s, " \t\n'\"\\$`*?[]{}()<>|&;#~") != NULL;
}

char *
acme_argv_text(const struct strvec *argv)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < argv->n; i++)
		len += 4 * strlen(argv->v[i]) + 3;	/* ' -> '\'' */
	if ((s = p = malloc(len)) == NULL)
		return NULL;
	for (size_t i = 0; i < argv->n; i++) {
		const char *a = argv->v[i];

		if (i > 0)
			*p++ = ' ';
		if (i > 0 && strcmp(argv->v[i - 1], "--eab-hmac-key") == 0) {
			p = stpcpy(p, "***");	/* a secret: never in a log */
			continue;
		}
		if (!needs_quotes(a)) {
			p = stpcpy(p, a);
			continue;
		}
		*p++ = '\'';
		for (; *a != '\0'; a++) {
			if (*a == '\'')
				p = stpcpy(p, "'\\''");
			else
				*p++ = *a;
		}
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}
