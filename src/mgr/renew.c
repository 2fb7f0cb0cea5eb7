/*
 * Renew one service (lifecycle.md §3, §4): decide once, then build a new
 * data set — key (or curr's, with -r), CSR, certificate from the service's
 * signer, chain, fullchain, bundle — and only when it is complete switch
 * `next` to it. On any failure the unfinished set is removed and `next`
 * stays as it was.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/rand.h>

#include "acme/acme.h"
#include "crypto/crypto.h"
#include "mgr/run_ctx.h"
#include "store/store.h"

void
mgr_fmt_expiry(time_t not_after, time_t now, char *out, size_t n)
{
	char date[CRYPTO_FMT_MAX], remain[CRYPTO_FMT_MAX];

	crypto_fmt_date(not_after, date, sizeof(date));
	crypto_fmt_remain((long long)(not_after - now), remain, sizeof(remain));
	if (snprintf(out, n, "%s (%s)", date, remain) >= (int)n)
		out[n - 1] = '\0';
}

static bool
is_certbot(const struct conf_service *svc)
{
	return svc->signer == CONF_SIGNER_CERTBOT_DNS01 ||
	    svc->signer == CONF_SIGNER_CERTBOT_HTTP01;
}

/*
 * Print the steps instead of doing them: -d, and -n for everything but a
 * certbot service (which runs certbot --dry-run on a scratch data set that
 * is removed afterwards; cli.md §3.1).
 */
static bool
pretend(const struct run_ctx *ctx, const struct conf_service *svc)
{
	return ctx->o->debug && !(ctx->o->dry_run && is_certbot(svc));
}

/* Uniform in [-a, +a], rounded to 0.1 (lifecycle.md §3.2). */
static double
draw_adj(double a)
{
	uint32_t r;

	if (a <= 0 || RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		return 0.0;
	return round(((double)r / 4294967295.0 * 2.0 - 1.0) * a * 10.0) / 10.0;
}

/*
 * The renew decision, drawn once per service per run (decision O4).
 * Returns true when due; prints the original's expiry line either way.
 */
static bool
renew_due(struct run_ctx *ctx, struct svc_state *st)
{
	struct crypto_cert_info ci;
	struct sslm_err err;
	char *path = svc_set_file(st->svc_dir, STORE_CURR, "cert.pem");
	char exp[2 * CRYPTO_FMT_MAX];
	double lifetime, left, t, a, adj, d;
	bool due = true;

	crypto_cert_info_init(&ci);
	if (path == NULL || crypto_cert_info_read(path, &ci, &err) == -1) {
		log_msg("    No curr certs (first cert or missed roll?): "
		    "generating new cert");
		goto out;
	}
	lifetime = (double)(ci.not_after - ci.not_before) / 86400.0;
	left = (double)(ci.not_after - ctx->now) / 86400.0;
	t = conf_renew_eval(&st->svc->renew.target, lifetime);
	a = conf_renew_eval(&st->svc->renew.rand_adj, lifetime);
	adj = draw_adj(a);
	d = left - t;
	due = d <= adj;
	mgr_fmt_expiry(ci.not_after, ctx->now, exp, sizeof(exp));
	if (due) {
		log_msg("    ↪ Current cert expires: %s 🗘 Renew now", exp);
		log_msg("    Renewing cert");
	} else if (a > 0 && d > 0) {
		log_msg("    ↪ Current cert expires: %s 🗘 Renew in %10.1f ± %.1f days",
		    exp, d, a);
	} else if (a > 0) {
		log_msg("    ↪ Current cert expires: %s 🗘 Renew in 0 ± %.1f days",
		    exp, a);
	} else {
		log_msg("    ↪ Current cert expires: %s 🗘 Renew in %10.1f days",
		    exp, d);
	}
 out:
	crypto_cert_info_clear(&ci);
	free(path);
	return due;
}

static void
key_spec(const struct conf_service *svc, struct crypto_key_spec *ks)
{
	memset(ks, 0, sizeof(*ks));
	switch (svc->key.ktype) {
	case CONF_KTYPE_RSA:
		ks->type = CRYPTO_KEY_RSA;
		break;
	case CONF_KTYPE_ED25519:
		ks->type = CRYPTO_KEY_ED25519;
		break;
	default:
		ks->type = CRYPTO_KEY_EC;
	}
	ks->curve = svc->key.ec_curve;
	ks->rsa_bits = svc->key.rsa_bits;
}

static const char *
key_desc(const struct conf_service *svc, char *buf, size_t n)
{
	if (svc->key.ktype == CONF_KTYPE_RSA)
		snprintf(buf, n, "rsa-%d", svc->key.rsa_bits);
	else if (svc->key.ktype == CONF_KTYPE_ED25519)
		snprintf(buf, n, "ed25519");
	else
		snprintf(buf, n, "ec %s", svc->key.ec_curve);
	return buf;
}

/* The CSR request of crypto.md §3 from the service's [X509]. */
static int
csr_spec(const struct conf_service *svc, struct crypto_csr_spec *cs,
    struct crypto_san **sans)
{
	const struct conf_x509 *x = &svc->x509;

	memset(cs, 0, sizeof(*cs));
	*sans = NULL;
	if (x->n_names > 0 && (*sans = calloc(x->n_names, sizeof(**sans))) == NULL)
		return -1;
	for (size_t i = 0; i < x->n_names; i++) {
		(*sans)[i].is_ip = x->names[i].is_ip;
		(*sans)[i].dns = x->names[i].name;
		if (x->names[i].is_ip) {
			(*sans)[i].addr_len = x->names[i].family == AF_INET ? 4 : 16;
			memcpy((*sans)[i].addr, x->names[i].addr, 16);
		}
	}
	cs->subject.CN = x->CN;
	cs->subject.C = x->C;
	cs->subject.ST = x->ST;
	cs->subject.L = x->L;
	cs->subject.O = x->O;
	cs->subject.OU = x->OU;
	cs->subject.email = x->email;
	cs->sans = *sans;
	cs->n_sans = x->n_names;
	cs->is_ca = svc->is_ca_group;
	return 0;
}

/* Everything one build needs, freed in one place. */
struct build {
	struct store_set set;
	bool have_set;
	EVP_PKEY *key;
	X509_REQ *req;
	X509 *cert;
	char *key_pem, *csr_pem, *cert_pem, *chain, *full, *bundle;
	size_t key_len, csr_len, cert_len, chain_len, full_len, bundle_len;
	struct crypto_san *sans;
};

static void
build_clear(struct build *b, bool discard)
{
	if (b->have_set) {
		if (discard)
			store_set_discard(&b->set);
		store_set_clear(&b->set);
	}
	EVP_PKEY_free(b->key);
	X509_REQ_free(b->req);
	X509_free(b->cert);
	crypto_secret_free(b->key_pem, b->key_len);
	crypto_secret_free(b->bundle, b->bundle_len);
	free(b->csr_pem);
	free(b->cert_pem);
	free(b->chain);
	free(b->full);
	free(b->sans);
	memset(b, 0, sizeof(*b));
}

/* The key step: a new key, or curr's key and CSR copied (-r / dev -copy). */
static int
step_key(struct run_ctx *ctx, struct svc_state *st, struct build *b,
    struct sslm_err *err)
{
	const struct mgr_tasks *t = &ctx->o->tasks;
	struct crypto_key_spec ks;
	char *curr = NULL, *kp = NULL, desc[48];
	int rc = -1;

	if (t->copy_curr_to_next) {
		if (store_link_resolve(st->svc_dir, STORE_CURR, NULL, &curr,
		    NULL) != 1) {
			sslm_err_set(err, "no curr to reuse the key of (renew "
			    "without -r to make a new key)");
			goto out;
		}
		if (pretend(ctx, st->svc)) {
			log_msg("debug: copy %s/privkey.pem and csr.pem into the new data set", curr);
			rc = 0;
			goto out;
		}
		if (store_set_copy_file(&b->set, curr, "privkey.pem", err) == -1 ||
		    store_set_copy_file(&b->set, curr, "csr.pem", err) == -1)
			goto out;
		if ((kp = fs_path_join(b->set.dir, "privkey.pem")) == NULL ||
		    (b->key = crypto_key_read(kp, err)) == NULL)
			goto out;
	} else if (t->new_keys) {
		key_spec(st->svc, &ks);
		if (pretend(ctx, st->svc)) {
			log_msg("debug: new key %s", key_desc(st->svc, desc, sizeof(desc)));
			rc = 0;
			goto out;
		}
		if ((b->key = crypto_key_generate(&ks, err)) == NULL ||
		    crypto_key_to_pem(b->key, &b->key_pem, &b->key_len, err) == -1 ||
		    store_set_write(&b->set, "privkey.pem", b->key_pem, b->key_len,
		    true, err) == -1)
			goto out;
		log_verb("    new key %s", key_desc(st->svc, desc, sizeof(desc)));
	}
	fault_point("after-key");
	rc = 0;
 out:
	free(curr);
	free(kp);
	return rc;
}

static int
step_csr(struct run_ctx *ctx, struct svc_state *st, struct build *b,
    struct sslm_err *err)
{
	struct crypto_csr_spec cs;

	if (pretend(ctx, st->svc)) {
		log_msg("debug: new csr CN=%s, %zu names", st->svc->x509.CN,
		    st->svc->x509.n_names);
		return 0;
	}
	if (b->key == NULL) {
		sslm_err_set(err, "Make csr requires keys (add -keys, or -copy "
		    "to reuse curr's key)");
		return -1;
	}
	if (csr_spec(st->svc, &cs, &b->sans) == -1) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	if ((b->req = crypto_csr_build(b->key, &cs, err)) == NULL ||
	    crypto_csr_to_pem(b->req, &b->csr_pem, &b->csr_len, err) == -1 ||
	    store_set_write(&b->set, "csr.pem", b->csr_pem, b->csr_len, false,
	    err) == -1)
		return -1;
	log_verb("    new csr");
	fault_point("after-csr");
	return 0;
}

/* Concatenate two byte strings into a new buffer. */
static char *
concat(const char *a, size_t al, const char *b, size_t bl, size_t *len)
{
	char *p = malloc(al + bl + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, a, al);
	memcpy(p + al, b, bl);
	p[al + bl] = '\0';
	*len = al + bl;
	return p;
}

static void
relay_progress(const char *line, void *arg)
{
	(void)arg;
	log_msg("      %s", line);
}

/* bundle.pem = privkey.pem bytes + fullchain.pem bytes (crypto.md §5). */
static int
write_bundle(struct build *b, struct sslm_err *err)
{
	char *path = NULL;
	int rc = -1;

	if (b->full == NULL) {
		if ((path = fs_path_join(b->set.dir, "fullchain.pem")) == NULL ||
		    fs_read_file(path, CRYPTO_PEM_MAX, &b->full, &b->full_len,
		    err) == -1)
			goto out;
	}
	if (b->key_pem == NULL &&
	    crypto_key_to_pem(b->key, &b->key_pem, &b->key_len, err) == -1)
		goto out;
	if ((b->bundle = concat(b->key_pem, b->key_len, b->full, b->full_len,
	    &b->bundle_len)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	rc = store_set_write(&b->set, "bundle.pem", b->bundle, b->bundle_len,
	    true, err);
 out:
	free(path);
	return rc;
}

/* The certificate from an ACME CA through certbot (certbot-hooks.md). */
static int
step_acme(struct run_ctx *ctx, struct svc_state *st, struct build *b,
    struct sslm_err *err)
{
	struct acme_request r;
	struct sslm_err perr;
	char *cp = NULL;
	int rc = -1;

	if (pretend(ctx, st->svc)) {
		log_msg("debug: certbot certonly for %s/%s (%s)", st->svc->group,
		    st->svc->service, conf_signer_name(st->svc->signer));
		return 0;
	}
	if (!ctx->caps.probed && acme_probe(ctx->c->g.certbot, &ctx->caps,
	    &perr) == -1) {
		sslm_err_set(err, "%s", perr.msg);
		return -1;
	}
	if (!ctx->caps.found) {
		sslm_err_set(err, "certbot not found at %s (install certbot, or "
		    "set certbot = '...' in [globals] or SSLM_CERTBOT)",
		    ctx->c->g.certbot);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.c = ctx->c;
	r.td = ctx->td;
	r.svc = st->svc;
	r.caps = &ctx->caps;
	r.set_dir = b->set.dir;
	r.test = ctx->o->test;
	r.dry_run = ctx->o->dry_run;
	r.verbose = ctx->o->verbose;
	r.progress = relay_progress;
	if (acme_issue(&r, err) == -1)
		goto out;
	if (ctx->o->dry_run) {
		log_msg("    dry run: certbot succeeded; nothing stored");
		rc = 0;
		goto out;
	}
	if ((cp = fs_path_join(b->set.dir, "cert.pem")) == NULL ||
	    (b->cert = crypto_cert_read(cp, err)) == NULL)
		goto out;
	fault_point("after-cert");
	rc = write_bundle(b, err);
 out:
	free(cp);
	return rc;
}

/* The certificate step (crypto.md §4, §5): sign, then cert, chain,
 * fullchain and bundle in the original's write order. */
static int
step_cert(struct run_ctx *ctx, struct svc_state *st, struct build *b,
    struct sslm_err *err)
{
	const struct conf_service *svc = st->svc;
	const struct local_ca *ca = NULL;
	struct crypto_sign_spec ss;
	char *kp = NULL, *cp = NULL;
	int rc = -1;

	memset(&ss, 0, sizeof(ss));
	if (svc->signer == CONF_SIGNER_CERTBOT_DNS01 ||
	    svc->signer == CONF_SIGNER_CERTBOT_HTTP01) {
		rc = step_acme(ctx, st, b, err);
		goto out;
	}
	if (svc->signer == CONF_SIGNER_SELF) {
		if (!svc->ca_sec.present) {
			sslm_err_set(err, "%s: a self-signed service needs a [CA] "
			    "section with sign_end_days", svc->relpath);
			goto out;
		}
		ss.days = svc->ca_sec.validity_days;
		ss.digest = svc->ca_sec.digest;
	} else {
		ca = run_ctx_ca(ctx, svc);
		if (ca == NULL || ca->error != NULL) {
			sslm_err_set(err, "%s", ca != NULL ? ca->error :
			    "its local CA was not loaded");
			goto out;
		}
		ss.days = ca->svc->ca_sec.validity_days;
		ss.digest = ca->svc->ca_sec.digest;
	}
	if (pretend(ctx, st->svc)) {
		log_msg("debug: sign %s/%s by %s for %d days (%s)", svc->group,
		    svc->service, ca != NULL ? ca->svc->service : "itself",
		    ss.days, ss.digest);
		rc = 0;
		goto out;
	}
	/* With dev -cert alone the key and CSR come from this set's files. */
	if (b->key == NULL && ((kp = fs_path_join(b->set.dir, "privkey.pem")) == NULL ||
	    (b->key = crypto_key_read(kp, err)) == NULL)) {
		sslm_err_set(err, "Cert generation not ready - requires keys and csr");
		goto out;
	}
	if (b->req == NULL && ((cp = fs_path_join(b->set.dir, "csr.pem")) == NULL ||
	    (b->req = crypto_csr_read(cp, err)) == NULL)) {
		sslm_err_set(err, "Cert generation not ready - requires csr");
		goto out;
	}
	if (ca == NULL)
		b->cert = crypto_sign_self(b->req, b->key, &ss, err);
	else
		b->cert = crypto_sign_by_ca(b->req, ca->cert, ca->key, &ss, err);
	if (b->cert == NULL ||
	    crypto_cert_to_pem(b->cert, &b->cert_pem, &b->cert_len, err) == -1)
		goto out;
	if (ca == NULL) {
		/* Self-signed: chain and fullchain are the certificate itself. */
		b->chain = concat(b->cert_pem, b->cert_len, "", 0, &b->chain_len);
		b->full = concat(b->cert_pem, b->cert_len, "", 0, &b->full_len);
	} else {
		b->chain = concat(ca->fullchain, ca->fullchain_len, "", 0, &b->chain_len);
		b->full = concat(b->cert_pem, b->cert_len, ca->fullchain,
		    ca->fullchain_len, &b->full_len);
	}
	if (b->chain == NULL || b->full == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (store_set_write(&b->set, "cert.pem", b->cert_pem, b->cert_len, false, err) == -1 ||
	    store_set_write(&b->set, "chain.pem", b->chain, b->chain_len, false, err) == -1 ||
	    store_set_write(&b->set, "fullchain.pem", b->full, b->full_len, false, err) == -1)
		goto out;
	fault_point("after-cert");
	if (write_bundle(b, err) == -1)
		goto out;
	/* more than a day over, as the status counts it */
	if (ca != NULL && X509_cmp_time(X509_get0_notAfter(ca->cert),
	    &(time_t){ ctx->now + (time_t)ss.days * 86400 - 86400 }) < 0)
		log_warn("%s/%s: the new certificate outlives its issuer %s",
		    svc->group, svc->service, ca->svc->service);
	rc = 0;
 out:
	free(kp);
	free(cp);
	return rc;
}

/* The key type the config asks for, in crypto_cert_info's key_desc terms. */
static bool
key_as_configured(const struct conf_service *svc, const char *desc)
{
	char want[32];

	if (desc == NULL)
		return false;
	if (svc->key.ktype == CONF_KTYPE_RSA)
		snprintf(want, sizeof(want), "rsa-%d", svc->key.rsa_bits);
	else if (svc->key.ktype == CONF_KTYPE_ED25519)
		snprintf(want, sizeof(want), "ed25519");
	else
		snprintf(want, sizeof(want), "%s", svc->key.ec_curve);
	return strcmp(want, desc) == 0;
}

/*
 * A complete, unrolled next that still has more than its renew target left
 * and was made from the current key and name settings is kept (decisions.md
 * "Renew finds a complete, unrolled next"): replacing it every week would
 * restart the DANE gate and spend an ACME order each time. -f replaces it.
 */
static bool
keep_next(struct run_ctx *ctx, struct svc_state *st)
{
	const struct conf_service *svc = st->svc;
	struct crypto_cert_info ci;
	struct sslm_err err;
	char *dir = NULL, *cert = NULL, *curr = NULL, exp[2 * CRYPTO_FMT_MAX];
	bool keep = false, names_ok;
	double lifetime, left;

	crypto_cert_info_init(&ci);
	if (store_link_resolve(st->svc_dir, STORE_NEXT, NULL, &dir, &err) != 1 ||
	    !store_set_is_complete(dir) ||
	    store_dataset_is_staging(dir) != ctx->o->test)
		goto out;
	/* next == curr is an interrupted roll, not a new cert */
	if (store_link_resolve(st->svc_dir, STORE_CURR, NULL, &curr, &err) == 1 &&
	    strcmp(curr, dir) == 0)
		goto out;
	if ((cert = fs_path_join(dir, "cert.pem")) == NULL ||
	    crypto_cert_info_read(cert, &ci, &err) == -1)
		goto out;
	lifetime = (double)(ci.not_after - ci.not_before) / 86400.0;
	left = (double)(ci.not_after - ctx->now) / 86400.0;
	if (left - conf_renew_eval(&svc->renew.target, lifetime) <= 0)
		goto out;
	names_ok = ci.sans.n == svc->x509.n_names;
	for (size_t i = 0; names_ok && i < svc->x509.n_names; i++)
		names_ok = strvec_contains(&ci.sans, svc->x509.names[i].name) ||
		    svc->x509.names[i].is_ip;
	if (!names_ok || !key_as_configured(svc, ci.key_desc))
		goto out;
	mgr_fmt_expiry(ci.not_after, ctx->now, exp, sizeof(exp));
	log_msg("    Keeping next (expires %s): not yet rolled; renew with -f to "
	    "replace it", exp);
	keep = true;
 out:
	crypto_cert_info_clear(&ci);
	free(dir);
	free(cert);
	free(curr);
	return keep;
}

/* tlsa.rr of the new data set (tlsa.md §6): made before next is switched,
 * so a next without its TLSA records is never linked. */
static int
step_tlsa(struct run_ctx *ctx, struct svc_state *st, struct build *b,
    struct sslm_err *err)
{
	char *text;
	int rc;

	if (pretend(ctx, st->svc)) {
		log_msg("debug: tlsa.rr for %s/%s (%zu dane_tls item(s))",
		    st->svc->group, st->svc->service, st->svc->n_dane);
		return 0;
	}
	if ((text = mgr_tlsa_rr_text(ctx, st->svc, b->set.dir, b->set.name,
	    err)) == NULL)
		return -1;
	rc = store_set_write(&b->set, "tlsa.rr", text, strlen(text), false, err);
	free(text);
	return rc;
}

int
mgr_renew_service(struct run_ctx *ctx, struct svc_state *st)
{
	const struct mgr_tasks *t = &ctx->o->tasks;
	const struct conf_service *svc = st->svc;
	struct build b;
	struct sslm_err err;
	char stamp[TIME_DB_LEN], exp[2 * CRYPTO_FMT_MAX];
	bool sign = t->new_cert;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	sslm_err_clear(&err);
	if (t->renew_cert && !t->new_cert) {
		if (!renew_due(ctx, st))
			return 0;	/* not due: only the renew tasks are skipped */
		if (keep_next(ctx, st))
			return 0;
		sign = true;
	}
	if (pretend(ctx, st->svc)) {
		time_stamp_db(ctx->now, stamp);
		log_msg("debug: new next %s/%s db/%s", svc->group, svc->service, stamp);
	} else {
		if (store_service_prepare(ctx->c->top, svc->group, svc->service,
		    &err) == -1 ||
		    store_set_create(st->svc_dir, ctx->o->test, &b.set, &err) == -1)
			goto out;
		b.have_set = true;
		log_verb("    new next db/%s", b.set.name);
	}
	if ((t->new_keys || t->copy_curr_to_next) && step_key(ctx, st, &b, &err) == -1)
		goto out;
	if (t->new_csr && step_csr(ctx, st, &b, &err) == -1)
		goto out;
	if (sign && step_cert(ctx, st, &b, &err) == -1)
		goto out;
	if (sign && svc->n_dane > 0 && step_tlsa(ctx, st, &b, &err) == -1)
		goto out;
	if (pretend(ctx, st->svc)) {
		log_msg("debug: link next -> the new data set");
		rc = 0;
		goto out;
	}
	if (ctx->o->dry_run) {
		/* -n stores nothing: the set is removed, next stays. */
		store_set_discard(&b.set);
		rc = 0;
		goto out;
	}
	/* A renew links only a complete set; dev tasks link what was asked. */
	if (!ctx->o->dev && !store_set_is_complete(b.set.dir)) {
		sslm_err_set(&err, "the new data set is incomplete");
		goto out;
	}
	if (store_set_link_next(&b.set, &err) == -1)
		goto out;
	st->next_changed = true;
	if (b.cert != NULL) {
		struct crypto_cert_info ci;

		crypto_cert_info_init(&ci);
		if (crypto_cert_info_from_x509(b.cert, "cert.pem", &ci, &err) == 0) {
			mgr_fmt_expiry(ci.not_after, ctx->now, exp, sizeof(exp));
			log_msg("    ↪ Renewed cert expires: %s", exp);
		}
		crypto_cert_info_clear(&ci);
	}
	rc = 0;
 out:
	if (rc == -1) {
		log_error("%s/%s: %s", svc->group, svc->service, err.msg);
		st->failed = true;
	}
	build_clear(&b, rc == -1);
	return rc;
}
