/*
 * The state of one sslm-mgr run that changes things (private to mgr/):
 * per-service change tracking (lifecycle.md §7), the local CAs loaded at
 * start (lifecycle.md §13 (d)) and the failures so far.
 */
#ifndef SSLM_MGR_RUN_CTX_H
#define SSLM_MGR_RUN_CTX_H

#include <stdbool.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/common.h"
#include "config/conf.h"
#include "mgr/mgr.h"

/* One selected service of the run. */
struct svc_state {
	const struct conf_service *svc;
	char *svc_dir;			/* TOP/certs/<g>/<s> */
	bool curr_had, next_had;	/* cert.pem existed at start */
	time_t curr_mtime0, next_mtime0;
	bool curr_changed, next_changed;
	bool failed;
};

/* A local CA's curr, loaded once at start: what it signs in this run. */
struct local_ca {
	const struct conf_service *svc;	/* the CA's service (group ca) */
	EVP_PKEY *key;
	X509 *cert;
	char *fullchain;		/* X's fullchain.pem bytes = a leaf's chain */
	size_t fullchain_len;
	char *error;			/* why it could not be loaded */
};

struct run_ctx {
	const struct conf *c;
	const struct conf_topdir *td;
	const struct mgr_opts *o;
	time_t now;
	char *prod_dir;			/* prod_cert_dir, ".test" with -t */

	struct svc_state *svcs;		/* every selected service, run order */
	size_t n_svcs;
	struct local_ca *cas;
	size_t n_cas;

	bool any_failed;
	bool prod_resync;		/* the integrity check found a difference */
};

int run_ctx_init(struct run_ctx *ctx, const struct conf *c,
    const struct conf_topdir *td, const struct mgr_opts *o);
void run_ctx_clear(struct run_ctx *ctx);

/* The local CA a service is signed by (NULL when none or not loaded). */
const struct local_ca *run_ctx_ca(const struct run_ctx *ctx,
    const struct conf_service *svc);

/* Change tracking from the files (lifecycle.md §7.1). */
void svc_state_update_changes(struct svc_state *st);
bool svc_state_changed(const struct svc_state *st);

/* The per-service steps. Each returns 0, or -1 when the service failed
 * (the message has been logged; nothing half-done is left). */
int mgr_renew_service(struct run_ctx *ctx, struct svc_state *st);
int mgr_roll_service(struct run_ctx *ctx, struct svc_state *st);

/* The post phase (lifecycle.md §8, §10, §11). */
/* Differences between certs/ and production for the run's groups; report
 * mode never opens private keys (status-only runs). */
int mgr_integrity_collect(const struct conf *c, const char *prod_dir,
    bool report, struct strvec *diffs);
void mgr_integrity_check(struct run_ctx *ctx);
int mgr_prod_copy(struct run_ctx *ctx);
void mgr_restarts(struct run_ctx *ctx);
int mgr_clean(struct run_ctx *ctx);

/* Status block of one service (status_text.c). */
void mgr_status_print_service(const struct conf *c,
    const struct conf_service *svc, const struct mgr_opts *o, time_t now);

/* Messages in the original's wording (cli.md §8). */
void mgr_fmt_expiry(time_t not_after, time_t now, char *out, size_t n);

#endif
