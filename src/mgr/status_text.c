/*
 * The status display in the 7.x layout (cli.md §7) with the C additions of
 * §7.2, written through the logger: stdout and the sslm log.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mgr/post_int.h"
#include "mgr/run_ctx.h"
#include "mgr/status_view.h"

#define DASHES "------------------------"

/* "<9 spaces><label right-justified in 12> : " */
#define RLABEL "         %12s : "
/* "<9 spaces><label left-justified in 12> : " */
#define LLABEL "         %-12s : "

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

static void
print_sans(const struct crypto_cert_info *ci)
{
	size_t len = 3;
	char *line, *p;

	for (size_t i = 0; i < ci->sans.n; i++)
		len += strlen(ci->sans.v[i]) + 4;
	if ((line = malloc(len)) == NULL)
		return;
	p = line;
	*p++ = '[';
	for (size_t i = 0; i < ci->sans.n; i++)
		p += sprintf(p, "%s'%s'", i > 0 ? ", " : "", ci->sans.v[i]);
	*p++ = ']';
	*p = '\0';
	log_msg(RLABEL "%s", "sans", line);
	free(line);
}

static void
print_cert(const char *label, const struct cert_view *cv, time_t now, bool verbose)
{
	const struct crypto_cert_info *ci = &cv->ci;
	char date[CRYPTO_FMT_MAX], remain[CRYPTO_FMT_MAX];

	if (cv->link_error) {
		log_msg(LLABEL "%s", label, nz(cv->error));
		return;
	}
	if (!cv->present) {
		log_msg(LLABEL "no cert", label);
		return;
	}
	if (!cv->readable) {
		log_msg(LLABEL "Failed to read cert", label);
		log_verb(RLABEL "%s", "reason", nz(cv->error));
		return;
	}
	crypto_fmt_date(ci->not_after, date, sizeof(date));
	crypto_fmt_remain((long long)(ci->not_after - now), remain, sizeof(remain));
	log_msg(LLABEL "expires: %s (%s)", label, date, remain);
	crypto_fmt_date(ci->not_before, date, sizeof(date));
	crypto_fmt_remain((long long)(now - ci->not_before), remain, sizeof(remain));
	log_msg(LLABEL "issued : %s (%s ago) (%ld day cert)", "", date, remain,
	    ci->lifetime_days);
	log_msg(RLABEL "CN=%s O=%s", "issuer", nz(ci->issuer_cn), nz(ci->issuer_o));
	log_msg(RLABEL "CN=%s", "subject", nz(ci->subject_cn));
	if (ci->key_desc != NULL)
		log_msg(RLABEL "pubkey-%s", "pubkey", ci->key_desc);
	else
		log_msg(RLABEL "%s", "pubkey", "key type unknown");
	if (verbose) {
		print_sans(ci);
		log_msg(RLABEL "%s", "sig_algo", nz(ci->sig_algo));
	}
}

static void
print_renew(const struct svc_view *v)
{
	char adj[48] = "";

	if (!v->curr.readable) {
		log_msg(RLABEL "now (no curr cert)", "renew");
		return;
	}
	if (v->renew_due) {
		log_msg(RLABEL "now (target %.1f days left)", "renew", v->target);
		return;
	}
	if (v->rand_adj > 0)
		snprintf(adj, sizeof(adj), " ± %.1f", v->rand_adj);
	log_msg(RLABEL "in %.1f days%s (target %.1f days left)", "renew",
	    v->days_to_renew, adj, v->target);
}

static void
print_roll(const struct svc_view *v, const struct mgr_opts *o)
{
	if (!v->roll_shown)
		return;
	if (!v->roll_due)
		log_msg(RLABEL "in %lld mins", "roll", v->mins_left);
	else if (v->roll_staging)
		log_msg(RLABEL "staging cert, roll with -t", "roll");
	else if (v->roll_no_tlsa)
		log_msg(RLABEL "refused: next has no tlsa.rr; renew again", "roll");
	else if (v->gate == GATE_WAITS || v->gate == GATE_UNKNOWN)
		for (size_t i = 0; i < v->gate_missing.n; i++)
			log_msg(RLABEL "waits: %s", "roll", v->gate_missing.v[i]);
	else
		log_msg(RLABEL "now", "roll");
	(void)o;
}

void
mgr_status_print_service(const struct conf *c, const struct conf_service *svc,
    const struct mgr_opts *o, time_t now, struct group_dns *gd,
    struct issuer_cache *issuers)
{
	struct svc_view v;

	svc_view_init(&v);
	log_verb("    cert status");
	if (svc_view_load(&v, c, svc, o, now, gd, issuers) == -1) {
		log_error("%s:%s: out of memory reading its status", svc->group,
		    svc->service);
		goto out;
	}
	log_msg(RLABEL "%s (%s)", "ca",
	    svc->signer == CONF_SIGNER_SELF ? "self" : svc->signing_ca,
	    conf_signer_name(svc->signer));
	print_cert("curr", &v.curr, now, o->verbose);
	print_renew(&v);
	for (size_t i = 0; i < v.warnings.n; i++)
		log_msg(RLABEL "%s", "warning", v.warnings.v[i]);
	print_cert("next", &v.next, now, o->verbose);
	print_roll(&v, o);
 out:
	svc_view_clear(&v);
}

/* -v: where everything is (cli.md §7.2). */
static void
print_paths(const struct conf *c, const struct conf_topdir *td, const char *prod)
{
	log_msg("Top dir      : %s (from %s)", td->path,
	    conf_topdir_source_name(td->source));
	for (size_t i = 0; i < c->files.n; i++)
		log_msg("Config file  : %s", c->files.v[i]);
	log_msg("Prod dir     : %s", prod);
	log_msg("Log dir      : %s", c->g.logdir);
	for (size_t i = 0; i < c->dns.tlsa_dirs.n; i++)
		log_msg("TLSA dir     : %s", c->dns.tlsa_dirs.v[i]);
	for (size_t i = 0; i < c->dns.acme_dirs.n; i++)
		log_msg("ACME dir     : %s", c->dns.acme_dirs.v[i]);
}

/* When a certbot CA is in use: which certbot, and its version. */
static void
print_certbot(const struct conf *c)
{
	const char *argv[] = { c->g.certbot, "--version", NULL };
	struct proc_opts po = { .timeout = 60 };
	struct proc_result res;
	struct sslm_err err;
	bool used = false;
	char *v;

	for (size_t i = 0; i < c->n_services; i++)
		if (c->services[i]->signer == CONF_SIGNER_CERTBOT_DNS01 ||
		    c->services[i]->signer == CONF_SIGNER_CERTBOT_HTTP01)
			used = true;
	if (!used)
		return;
	proc_result_init(&res);
	if (proc_run(argv, &po, &res, &err) == -1 || !proc_result_ok(&res)) {
		log_msg("certbot      : %s (not found)", c->g.certbot);
	} else {
		/* "certbot 2.1.0" on stdout (older versions: stderr) */
		v = res.out_len > 0 ? res.out : res.err_out;
		v[strcspn(v, "\r\n")] = '\0';
		log_msg("certbot      : %s (%s)", c->g.certbot, v);
	}
	proc_result_clear(&res);
}

int
mgr_status_text(const struct conf *c, const struct conf_topdir *td,
    const struct mgr_opts *o, time_t now)
{
	struct issuer_cache issuers;
	struct strvec diffs;
	char *prod = str_printf("%s%s", c->g.prod_cert_dir, o->test ? ".test" : "");

	if (o->verbose)
		print_paths(c, td, prod != NULL ? prod : c->g.prod_cert_dir);
	if (o->verbose)
		print_certbot(c);
	/* Report mode: shows differences, repairs nothing, opens no key. */
	strvec_init(&diffs);
	log_msg("Checking production directory is up to date.");
	if (prod == NULL || mgr_integrity_collect(c, prod, true, &diffs) == -1) {
		log_msg("  Could not check: out of memory");
	} else {
		/* -v: the servers' copies too, one sentence per difference */
		if (o->verbose)
			post_remote_compare(c, prod, &diffs);
		if (diffs.n == 0)
			log_msg("  All good.");
	}
	for (size_t i = 0; i < diffs.n; i++)
		log_msg("  Mismatch: %s", diffs.v[i]);
	{
		bool repairable = false;

		/* a host that could not be checked is not repaired by a copy */
		for (size_t i = 0; i < diffs.n; i++)
			if (strstr(diffs.v[i], ": cannot check: ") == NULL)
				repairable = true;
		if (repairable)
			log_msg("  (sslm-mgr -roll or sslm-mgr dev -certs-prod repairs "
			    "production)");
	}
	strvec_clear(&diffs);
	free(prod);
	log_msg(DASHES);
	log_msg("Start group/domain tasks :");
	issuer_cache_init(&issuers);
	for (size_t g = 0; g < c->n_groups; g++) {
		const struct conf_group *grp = &c->groups[g];

		log_msg(DASHES);
		log_msg("%s", grp->name);
		struct group_dns gd;

		group_dns_init(&gd, grp);
		for (size_t s = 0; s < grp->n_services; s++) {
			log_msg("  %s", grp->services[s]->service);
			mgr_status_print_service(c, grp->services[s], o, now, &gd,
			    &issuers);
		}
		group_dns_clear(&gd);
	}
	issuer_cache_clear(&issuers);
	log_msg("%s", "");
	log_msg("Done group tasks:");
	log_msg(DASHES);
	log_msg("%s", "");
	post_pending_print(c);
	return 0;
}
