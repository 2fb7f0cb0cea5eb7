/*
 * Gather the status of one service: its curr and next certificates, the
 * renew decision and whether a roll is due. Read-only: certificates and
 * link targets are read, private keys never are.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mgr/status_view.h"
#include "mgr/run_ctx.h"
#include "store/store.h"

void
issuer_cache_init(struct issuer_cache *ic)
{
	memset(ic, 0, sizeof(*ic));
}

void
issuer_cache_clear(struct issuer_cache *ic)
{
	if (ic == NULL)
		return;
	for (size_t i = 0; i < ic->n; i++)
		free(ic->v[i].chain);
	issuer_cache_init(ic);
}

void
svc_view_init(struct svc_view *v)
{
	memset(v, 0, sizeof(*v));
	crypto_cert_info_init(&v->curr.ci);
	crypto_cert_info_init(&v->next.ci);
	strvec_init(&v->warnings);
	strvec_init(&v->gate_missing);
}

static void
cert_view_clear(struct cert_view *cv)
{
	free(cv->db);
	free(cv->dir);
	free(cv->error);
	crypto_cert_info_clear(&cv->ci);
}

void
svc_view_clear(struct svc_view *v)
{
	free(v->svc_dir);
	cert_view_clear(&v->curr);
	cert_view_clear(&v->next);
	strvec_clear(&v->warnings);
	strvec_clear(&v->gate_missing);
	svc_view_init(v);
}

/* Resolve one link and read its cert.pem (layout.md §3, §4). */
static int
load_cert(struct cert_view *cv, const char *svc_dir, enum store_link which)
{
	struct sslm_err err;
	struct stat st;
	char *cert = NULL, *tlsa = NULL;
	int r, rc = -1;

	sslm_err_clear(&err);
	r = store_link_resolve(svc_dir, which, &cv->db, &cv->dir, &err);
	if (r == -1) {
		cv->link_error = true;
		if ((cv->error = strdup(err.msg)) == NULL)
			goto out;
		rc = 0;
		goto out;
	}
	if (r == 0) {
		rc = 0;
		goto out;
	}
	cv->present = true;
	cv->staging = store_dataset_is_staging(cv->dir);
	if ((cert = fs_path_join(cv->dir, "cert.pem")) == NULL ||
	    (tlsa = fs_path_join(cv->dir, "tlsa.rr")) == NULL)
		goto out;
	cv->has_tlsa_rr = fs_is_file(tlsa);
	if (stat(cert, &st) == 0)
		cv->cert_mtime = st.st_mtime;
	if (crypto_cert_info_read(cert, &cv->ci, &err) == 0)
		cv->readable = true;
	else if ((cv->error = strdup(err.msg)) == NULL)
		goto out;
	rc = 0;
 out:
	free(cert);
	free(tlsa);
	return rc;
}

/* Renew decision without a random draw (cli.md §7.2: a status run makes
 * none): due when left - T <= 0. */
static void
decide_renew(struct svc_view *v, time_t now)
{
	const struct crypto_cert_info *ci = &v->curr.ci;
	double lifetime, left;

	if (!v->curr.readable) {
		v->renew_due = true;
		return;
	}
	lifetime = (double)(ci->not_after - ci->not_before) / 86400.0;
	left = (double)(ci->not_after - now) / 86400.0;
	v->target = conf_renew_eval(&v->svc->renew.target, lifetime);
	v->rand_adj = conf_renew_eval(&v->svc->renew.rand_adj, lifetime);
	v->days_to_renew = left - v->target;
	v->renew_known = true;
	v->renew_due = v->days_to_renew <= 0;
}

/* Roll gates in the order of lifecycle.md §5.1: age, staging, tlsa.rr,
 * DANE gate. */
static void
decide_roll(struct svc_view *v, const struct mgr_opts *o, time_t now,
    struct group_dns *gd)
{
	const struct cert_view *nx = &v->next;
	time_t born;
	long long age;

	if (!nx->readable)
		return;
	v->roll_shown = true;
	born = nx->ci.not_before > nx->cert_mtime ? nx->ci.not_before : nx->cert_mtime;
	/* A notBefore in the future makes age negative: the wait includes
	 * the time until the cert becomes valid. */
	age = (long long)(now - born);
	v->age_mins = age / 60 < 1 ? 1 : age / 60;
	v->roll_due = age >= (long long)o->min_roll_mins * 60 || !v->curr.readable;
	if (!v->roll_due)
		v->mins_left = ((long long)o->min_roll_mins * 60 - age + 59) / 60;
	v->roll_staging = nx->staging && !o->test;
	v->roll_no_tlsa = v->svc->n_dane > 0 && !nx->has_tlsa_rr;
	v->gate = GATE_NOT_NEEDED;
	/* The DANE gate is asked only for services with dane_tls, and only
	 * when it is the last thing in the way (tlsa.md §8.1). */
	if (v->svc->n_dane > 0 && v->roll_due && !v->roll_staging && !v->roll_no_tlsa) {
		switch (mgr_dane_gate_check(gd, nx->dir, &v->gate_missing)) {
		case 0:
			v->gate = GATE_OK;
			break;
		case 1:
			v->gate = GATE_WAITS;
			break;
		default:
			v->gate = GATE_UNKNOWN;
		}
	}
}

/*
 * notAfter of the issuer in the chain.pem at path: its first certificate
 * (layout.md §4.2). false when the file cannot be read or parsed (no
 * warning then, as before). A chain.pem with the same bytes as one seen
 * earlier in the run (ic) is not parsed again.
 */
static bool
issuer_not_after(struct issuer_cache *ic, const char *path, time_t *not_after)
{
	struct crypto_cert_info issuer;
	struct issuer_seen *seen;
	struct sslm_err err;
	char *buf = NULL;
	size_t len = 0;
	bool ok = false;

	if (fs_read_file(path, CRYPTO_PEM_MAX, &buf, &len, &err) == -1)
		return false;
	for (size_t i = 0; ic != NULL && i < ic->n; i++) {
		seen = &ic->v[i];
		if (seen->len == len && memcmp(seen->chain, buf, len) == 0) {
			free(buf);
			*not_after = seen->not_after;
			return seen->readable;
		}
	}
	crypto_cert_info_init(&issuer);
	if (crypto_cert_info_from_pem(buf, len, path, &issuer, &err) == 0) {
		ok = true;
		*not_after = issuer.not_after;
	}
	crypto_cert_info_clear(&issuer);
	if (ic != NULL && ic->n < ISSUER_CACHE_MAX) {
		seen = &ic->v[ic->n++];
		seen->chain = buf;
		seen->len = len;
		seen->readable = ok;
		seen->not_after = ok ? *not_after : 0;
		buf = NULL;
	}
	free(buf);
	return ok;
}

static int
check_issuer_outlived(struct svc_view *v, const struct cert_view *cv,
    const char *label, struct issuer_cache *ic)
{
	char *chain = NULL, date[CRYPTO_FMT_MAX];
	time_t not_after = 0;
	int rc = 0;

	if (!cv->readable || v->svc->signer == CONF_SIGNER_SELF)
		return 0;
	if ((chain = fs_path_join(cv->dir, "chain.pem")) == NULL)
		return -1;
	/* A CA and what it signs first are made seconds apart with the same
	 * validity: only an overhang of more than a day is worth a warning. */
	if (issuer_not_after(ic, chain, &not_after) &&
	    not_after + 86400 < cv->ci.not_after) {
		crypto_fmt_date(not_after, date, sizeof(date));
		rc = strvec_push_owned(&v->warnings, str_printf(
		    "%s certificate outlives its issuer (issuer expires %s)",
		    label, date));
	}
	free(chain);
	return rc;
}

int
svc_view_load(struct svc_view *v, const struct conf *c,
    const struct conf_service *svc, const struct mgr_opts *o, time_t now,
    struct group_dns *gd, struct issuer_cache *issuers)
{
	v->svc = svc;
	v->svc_dir = str_printf("%s/certs/%s/%s", c->top, svc->group, svc->service);
	if (v->svc_dir == NULL)
		return -1;
	if (load_cert(&v->curr, v->svc_dir, STORE_CURR) == -1 ||
	    load_cert(&v->next, v->svc_dir, STORE_NEXT) == -1)
		return -1;
	decide_renew(v, now);
	decide_roll(v, o, now, gd);
	if (check_issuer_outlived(v, &v->curr, "curr", issuers) == -1 ||
	    check_issuer_outlived(v, &v->next, "next", issuers) == -1)
		return -1;
	return 0;
}
