/*
 * acme_issue: one certificate through certbot certonly --manual --csr
 * (certbot-hooks.md §3-§6, §8.3, §11).
 *
 * Order: folders, account, scratch/leftovers, run (progress relayed),
 * then always the challenge cleanup, the hook's verdict from auth-status,
 * and the output check. The hook's reason beats certbot's own message
 * because certbot only knows it was told to stop.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acme/driver_int.h"
#include "crypto/crypto.h"

#define STATUS_MAX	4096	/* auth-status is one short line */
#define REASON_MAX	512

/* Files the hook keeps in cb/ that belong to one certbot run (§6 step 1). */
static const char *const hook_files[] = {
	"auth-data", "auth-status", "auth-progress",
};

/* What certbot writes with --csr and what we derive from it: certbot
 * creates its files exclusively and fails on a leftover (quirk Q7). */
static const char *const out_files[] = {
	"cert.pem", "chain.pem", "fullchain.pem", "bundle.pem",
};

static int
remove_file(const char *dir, const char *name, struct acme_cblog *log,
    struct sslm_err *err)
{
	char *path = fs_path_join(dir, name);
	int rc = -1;

	if (path == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	if (unlink(path) == 0)
		acme_cblog(log, "removed leftover %s", path);
	else if (errno != ENOENT) {
		sslm_err_errno(err, errno, "cannot remove the leftover %s", path);
		goto out;
	}
	rc = 0;
 out:
	free(path);
	return rc;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

/* FTW_PHYS: a symlink in there is removed, never followed. */
static int
rm_tree(const char *path, struct sslm_err *err)
{
	struct stat st;

	if (lstat(path, &st) == -1 && errno == ENOENT)
		return 0;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == -1) {
		sslm_err_errno(err, errno, "cannot remove %s", path);
		return -1;
	}
	return 0;
}

/* §1: certbot's work and log folders are kept "restrictive". */
static int
restrict_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D)
		(void)chmod(path, 0750);
	else if (flag == FTW_F && S_ISREG(st->st_mode))
		(void)chmod(path, st->st_mode & 0111 ? 0750 : 0640);
	return 0;
}

static void
restrict_dirs(const struct acme_paths *p)
{
	(void)nftw(p->work, restrict_one, 16, FTW_PHYS);
	(void)nftw(p->logs, restrict_one, 16, FTW_PHYS);
}

static int
prepare_dirs(const struct acme_paths *p, struct sslm_err *err)
{
	if (!fs_is_dir(p->cb)) {
		sslm_err_set(err, "%s is missing (the service folder is not set "
		    "up)", p->cb);
		return -1;
	}
	if (fs_mkdir_p(p->work, 0750, err) == -1 ||
	    fs_mkdir_p(p->logs, 0750, err) == -1)
		return -1;
	return 0;
}

/* DBNEXT ready for certbot: the -n scratch folder afresh with the CSR,
 * or the data set without leftovers; no hook file of an earlier run. */
static int
prepare_out(const struct acme_request *r, const struct acme_paths *p,
    struct acme_cblog *log, struct sslm_err *err)
{
	char *src = NULL, *dst = NULL, *csr = NULL;
	size_t len = 0;
	int rc = -1;

	if ((src = fs_path_join(r->set_dir, "csr.pem")) == NULL ||
	    (dst = fs_path_join(p->out, "csr.pem")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (!fs_is_file(src)) {
		sslm_err_set(err, "no CSR for certbot: %s is missing", src);
		goto out;
	}
	if (r->dry_run) {
		if (rm_tree(p->out, err) == -1 ||
		    fs_mkdir_p(p->out, 0750, err) == -1 ||
		    fs_read_file(src, CRYPTO_PEM_MAX, &csr, &len, err) == -1 ||
		    fs_write_atomic(dst, csr, len, 0666, err) == -1)
			goto out;
	} else {
		for (size_t i = 0; i < sizeof(out_files) / sizeof(out_files[0]); i++)
			if (remove_file(p->out, out_files[i], log, err) == -1)
				goto out;
	}
	for (size_t i = 0; i < sizeof(hook_files) / sizeof(hook_files[0]); i++)
		if (remove_file(p->cb, hook_files[i], log, err) == -1)
			goto out;
	rc = 0;
 out:
	free(src);
	free(dst);
	free(csr);
	return rc;
}

/* §2: a flag this certbot cannot take is dropped, with one warning per run
 * when the user asked for it. */
static void
warn_dropped(const struct acme_request *r, struct acme_cblog *log)
{
	const struct conf_ca *ca = r->svc->ca;
	const char *ver = r->caps->version != NULL ? r->caps->version :
	    "(version unknown)";

	if (acme_profile_use(r) == ACME_PROFILE_WARN) {
		acme_cblog(log, "certbot %s too old for ACME profiles, profile "
		    "%s ignored", ver, ca->acme_profile);
		if (!r->caps->warned_profile)
			log_warn("certbot %s too old for ACME profiles, profile "
			    "%s ignored", ver, ca->acme_profile);
		r->caps->warned_profile = true;
	}
	if (acme_chain_dropped(r)) {
		acme_cblog(log, "certbot %s does not take --preferred-chain, "
		    "'%s' ignored", ver, ca->preferred_chain);
		if (!r->caps->warned_chain)
			log_warn("certbot %s does not take --preferred-chain, "
			    "'%s' ignored", ver, ca->preferred_chain);
		r->caps->warned_chain = true;
	}
}

/* §11: the hook's whole DNS wait plus 30 minutes for certbot and the CA. */
static unsigned
certonly_timeout(const struct acme_request *r)
{
	const struct conf_globals *g = &r->c->g;
	long t = ACME_T_CERTBOT;

	if (r->timeout > 0)
		return r->timeout;
	if (r->svc->signer == CONF_SIGNER_CERTBOT_DNS01)
		t += (g->dns_check_delay > 0 ? g->dns_check_delay : 0) +
		    (g->dns_check_max_wait > 0 ? g->dns_check_max_wait : 0);
	return (unsigned)t;
}

/* cb/auth-status (§7.4): "ok" or "fail: <reason>"; the reason (heap) when
 * the hook failed, else NULL. */
static char *
hook_verdict(const struct acme_paths *p, struct acme_cblog *log)
{
	struct sslm_err e;
	char *path = NULL, *data = NULL, *reason = NULL;
	size_t len = 0, n;

	if ((path = fs_path_join(p->cb, "auth-status")) == NULL ||
	    !fs_is_file(path) ||
	    fs_read_file(path, STATUS_MAX, &data, &len, &e) == -1)
		goto out;
	n = strcspn(data, "\r\n");
	if (n > REASON_MAX)
		n = REASON_MAX;
	data[n] = '\0';
	for (char *c = data; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	acme_cblog(log, "auth-status: %s", data);
	if (strncmp(data, "fail", 4) == 0) {
		const char *why = data + 4;

		why += strspn(why, ": ");
		reason = strdup(why[0] != '\0' ? why : "no reason given");
	}
 out:
	free(path);
	free(data);
	return reason;
}

/* cert.pem and chain.pem must hold certificates, fullchain.pem exist. */
static int
check_outputs(const struct acme_paths *p, struct sslm_err *err)
{
	static const char *const names[] = { "cert.pem", "chain.pem" };
	char *path = NULL, *data = NULL;
	STACK_OF(X509) *certs = NULL;
	size_t len = 0;
	int rc = -1;

	for (size_t i = 0; i < 2; i++) {
		free(path);
		free(data);
		crypto_certs_free(certs);
		data = NULL;
		certs = NULL;
		if ((path = fs_path_join(p->out, names[i])) == NULL) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
		if (fs_read_file(path, CRYPTO_PEM_MAX, &data, &len, err) == -1 ||
		    crypto_pem_read_certs(data, len, path, &certs, err) == -1)
			goto out;
	}
	free(path);
	if ((path = fs_path_join(p->out, "fullchain.pem")) == NULL ||
	    !fs_is_file(path)) {
		sslm_err_set(err, "certbot did not write %s",
		    path != NULL ? path : "fullchain.pem");
		goto out;
	}
	rc = 0;
 out:
	free(path);
	free(data);
	crypto_certs_free(certs);
	return rc;
}

/* The outcome: the hook's reason first, then certbot's, then the files. */
static int
judge(const struct acme_request *r, const struct acme_paths *p,
    const struct proc_result *res, const char *reason,
    struct acme_cblog *log, struct sslm_err *err)
{
	char desc[128], line[256];

	if (reason != NULL) {
		sslm_err_set(err, "the certbot auth hook failed: %s", reason);
		return -1;
	}
	if (res->status == PROC_TIMEOUT) {
		acme_cblog(log, "certbot timed out");
		sslm_err_set(err, "certbot timed out after %u s and was stopped "
		    "(see %s/letsencrypt.log)", res->timeout, p->logs);
		return -1;
	}
	if (!proc_result_ok(res)) {
		acme_last_line(res, line, sizeof(line));
		sslm_err_set(err, "certbot certonly %s%s%s (see "
		    "%s/letsencrypt.log)", proc_result_describe(res, desc,
		    sizeof(desc)), line[0] != '\0' ? ": " : "", line, p->logs);
		return -1;
	}
	if (r->dry_run)
		return 0;
	if (check_outputs(p, err) == -1) {
		char *m = strdup(err->msg);

		sslm_err_set(err, "certbot succeeded, but %s", m != NULL ? m :
		    "its output is unusable");
		free(m);
		return -1;
	}
	return 0;
}

static int
preconditions(const struct acme_request *r, struct sslm_err *err)
{
	const struct conf_service *svc = r->svc;

	if (svc->ca == NULL || (svc->signer != CONF_SIGNER_CERTBOT_DNS01 &&
	    svc->signer != CONF_SIGNER_CERTBOT_HTTP01)) {
		sslm_err_set(err, "%s is not signed through certbot",
		    svc->relpath);
		return -1;
	}
	if (r->caps == NULL || !r->caps->probed || !r->caps->found) {
		sslm_err_set(err, "certbot not found at %s (install certbot, or "
		    "set certbot = '...' in [globals] or SSLM_CERTBOT)",
		    r->c->g.certbot);
		return -1;
	}
	return 0;
}

int
acme_issue(const struct acme_request *r, struct sslm_err *err)
{
	const struct conf_service *svc = r->svc;
	struct acme_paths p;
	struct acme_cblog log;
	struct acme_run_opts o;
	struct proc_result res;
	struct strvec argv;
	struct sslm_err cerr;
	char *text = NULL, *reason = NULL, *progress = NULL;
	bool ran = false, have_paths = false;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	strvec_init(&argv);
	proc_result_init(&res);
	acme_cblog_open(&log, r->c->g.logdir);
	if (preconditions(r, err) == -1 ||
	    acme_paths_make(r, NULL, &p, err) == -1)
		goto out;
	have_paths = true;
	if (prepare_dirs(&p, err) == -1 ||
	    acme_account_ensure(r, &p, &log, err) == -1 ||
	    prepare_out(r, &p, &log, err) == -1)
		goto out;
	warn_dropped(r, &log);
	if (acme_certonly_argv(r, p.cb, &argv, err) == -1)
		goto out;
	if ((text = acme_argv_text(&argv)) == NULL ||
	    (progress = fs_path_join(p.cb, "auth-progress")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	acme_cblog(&log, "%s/%s: certbot command: %s", svc->group,
	    svc->service, text);
	memset(&o, 0, sizeof(o));
	o.topdir = r->td->path;
	o.timeout = certonly_timeout(r);
	o.grace = ACME_KILL_GRACE;
	o.progress_path = progress;
	o.progress = r->progress;
	o.progress_arg = r->progress_arg;
	log_verb("    certbot certonly for %s/%s (up to %u s)", svc->group,
	    svc->service, o.timeout);
	ran = true;
	if (acme_run(&argv, &o, &res, err) == -1) {
		acme_cblog(&log, "%s/%s: %s", svc->group, svc->service, err->msg);
		goto out;
	}
	acme_cblog_result(&log, "certbot certonly", &res);
	reason = hook_verdict(&p, &log);
	rc = judge(r, &p, &res, reason, &log, err);
	if (r->dry_run)
		acme_cblog(&log, "%s/%s: dry run %s", svc->group, svc->service,
		    rc == 0 ? "successful" : "failed");
 out:
	/* §8.3: after every certonly, whatever it did. */
	if (ran && acme_cleanup(r->c, svc, false, &cerr) == -1) {
		acme_cblog(&log, "%s/%s: challenge cleanup failed: %s",
		    svc->group, svc->service, cerr.msg);
		log_warn("%s/%s: challenge cleanup failed: %s", svc->group,
		    svc->service, cerr.msg);
	}
	if (have_paths) {
		if (r->dry_run && rm_tree(p.out, &cerr) == -1)
			log_warn("%s", cerr.msg);
		restrict_dirs(&p);
	}
	if (rc == -1)
		acme_cblog(&log, "%s/%s: %s", svc->group, svc->service, err->msg);
	free(text);
	free(reason);
	free(progress);
	proc_result_clear(&res);
	strvec_clear(&argv);
	acme_paths_clear(&p);
	acme_cblog_close(&log);
	return rc;
}
