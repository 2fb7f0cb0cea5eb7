/*
 * Roll one service (lifecycle.md §5): when `next` is old enough (or -f /
 * dev -ntoc), make it `curr`. Gates after the age check, in order: staging
 * (only a -t run rolls a staging next), a DANE service's next must carry
 * tlsa.rr (R-O3), and the DANE gate.
 */
#include "config.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "crypto/crypto.h"
#include "mgr/run_ctx.h"
#include "store/store.h"

/* Does next's private key belong to its certificate? (true = mismatch or
 * unreadable, err says which). A pair that does not match must never
 * reach curr and production. */
static bool
key_mismatch(const char *dir, struct sslm_err *err)
{
	char *kp = fs_path_join(dir, "privkey.pem");
	char *cp = fs_path_join(dir, "cert.pem");
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	bool bad = true;

	if (kp == NULL || cp == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if ((key = crypto_key_read(kp, err)) == NULL ||
	    (cert = crypto_cert_read(cp, err)) == NULL)
		goto out;
	if (!crypto_key_matches(key, X509_get0_pubkey(cert))) {
		sslm_err_set(err, "next/privkey.pem does not belong to next/cert.pem");
		goto out;
	}
	bad = false;
 out:
	EVP_PKEY_free(key);
	X509_free(cert);
	free(kp);
	free(cp);
	return bad;
}

int
mgr_roll_service(struct run_ctx *ctx, struct svc_state *st)
{
	const struct conf_service *svc = st->svc;
	const struct mgr_opts *o = ctx->o;
	bool forced = o->tasks.next_to_curr;
	struct crypto_cert_info ci;
	struct sslm_err err;
	char *dir = NULL, *cert = NULL, *tlsa = NULL, *curr_cert = NULL;
	struct stat sb;
	time_t born;
	long long age, mins, okay_mins = 0;
	int r, rc = -1;

	crypto_cert_info_init(&ci);
	sslm_err_clear(&err);
	r = store_link_resolve(st->svc_dir, STORE_NEXT, NULL, &dir, &err);
	if (r == -1)
		goto fail;
	if (r == 0) {
		if (forced)
			log_msg("    Nothing to roll: no next cert");
		else
			log_verb("    Nothing to roll: no next cert");
		rc = 0;
		goto out;
	}
	/* A next whose cert cannot be read is broken, not absent. */
	if ((cert = fs_path_join(dir, "cert.pem")) == NULL)
		goto oom;
	if (crypto_cert_info_read(cert, &ci, &err) == -1) {
		char msg[SSLM_ERR_MAX];

		snprintf(msg, sizeof(msg), "%s", err.msg);
		sslm_err_set(&err, "cannot roll: %s; renew again", msg);
		goto fail;
	}
	curr_cert = svc_set_file(st->svc_dir, STORE_CURR, "cert.pem");
	if (!forced) {
		/* Age from the later of notBefore and the file time, so
		 * neither a backdated cert nor a copied mtime shortens the
		 * wait (lifecycle.md §5.1). */
		born = ci.not_before;
		if (stat(cert, &sb) == 0 && sb.st_mtime > born)
			born = sb.st_mtime;
		age = (long long)(ctx->now - born);
		mins = age / 60 < 1 ? 1 : age / 60;
		if (age < (long long)o->min_roll_mins * 60 && curr_cert != NULL &&
		    fs_is_file(curr_cert)) {
			log_msg("    Too soon to roll: cert is %lld mins old < %d mins",
			    mins, o->min_roll_mins);
			rc = 0;
			goto out;
		}
		okay_mins = mins;
	}
	if (store_dataset_is_staging(dir) && !o->test) {
		log_msg("    %s: next is a staging cert; roll it with -t", svc->service);
		rc = 0;
		goto out;
	}
	if (svc->n_dane > 0) {
		if ((tlsa = fs_path_join(dir, "tlsa.rr")) == NULL)
			goto oom;
		if (!fs_is_file(tlsa)) {
			sslm_err_set(&err, "next has no tlsa.rr; renew again");
			goto fail;
		}
		if (!forced) {
			struct strvec missing;

			strvec_init(&missing);
			r = mgr_dane_gate(ctx, svc, dir, &missing);
			for (size_t i = 0; i < missing.n; i++)
				log_msg("    %s: roll waits: %s", svc->service,
				    missing.v[i]);
			strvec_clear(&missing);
			if (r != 0) {
				rc = 0;	/* waiting is not a failure */
				goto out;
			}
			log_verb("    DANE gate: every name server serves the next records");
		}
	}
	if (key_mismatch(dir, &err)) {
		char msg[SSLM_ERR_MAX];

		snprintf(msg, sizeof(msg), "%s", err.msg);
		sslm_err_set(&err, "cannot roll: %s; renew again", msg);
		goto fail;
	}
	if (okay_mins > 0)
		log_msg("    Okay to roll: cert is %lld mins old", okay_mins);
	if (o->debug) {
		st->curr_changed = st->next_changed = true;	/* the plan */
		log_msg("debug: roll %s/%s: curr -> prev, next -> curr", svc->group,
		    svc->service);
		rc = 0;
		goto out;
	}
	if ((r = store_roll(st->svc_dir, svc->service, o->test, &err)) == -1)
		goto fail;
	if (r == 1) {
		log_msg("    %s", err.msg);
		rc = 0;
		goto out;
	}
	st->curr_changed = st->next_changed = true;
	log_msg("    rolled next to curr");
	rc = 0;
	goto out;
 oom:
	sslm_err_set(&err, "out of memory");
 fail:
	log_error("%s/%s: %s", svc->group, svc->service, err.msg);
	st->failed = true;
 out:
	crypto_cert_info_clear(&ci);
	free(dir);
	free(cert);
	free(tlsa);
	free(curr_cert);
	return rc;
}
