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

#include "acme/acme.h"
#include "common/common.h"
#include "config/conf.h"
#include "mgr/group_dns.h"
#include "mgr/mgr.h"
#include "mgr/pending.h"
#include "store/store.h"

struct issuer_cache;		/* status_view.h */

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

	struct acme_caps caps;		/* certbot, probed on first use */
	struct group_dns *gdns;		/* one per group of the run */
	bool *tlsa_changed;		/* per group: tlsa.<g> changed (§7.2) */
	bool tlsa_rewritten;		/* a tlsa.rr was regenerated: copy due */
	bool warned_no_tlsa_dirs;

	struct issuer_cache *issuers;	/* status blocks' issuers (run.c) */

	bool any_failed;
	bool prod_resync;		/* the integrity check found a difference */
	bool restart_failed;		/* a due restart failed or was not done */

	struct pending_list pending;	/* TOP/.sslm-pending (R-O1) */
	bool pending_loaded;
	bool pending_changed;		/* to be written back */
};

/* The group of a service, and its DNS facts (looked up on first use). */
struct group_dns *run_ctx_group_dns(struct run_ctx *ctx,
    const struct conf_service *svc);

/* tlsa.rr for a data set (tlsa.md §6): the text, or NULL with err set (a
 * failed MX look-up included). */
char *mgr_tlsa_rr_text(struct run_ctx *ctx, const struct conf_service *svc,
    const char *set_dir, const char *db_name, struct sslm_err *err);

/* The group TLSA step (lifecycle.md §6) after the group's services. */
void mgr_group_tlsa(struct run_ctx *ctx, size_t group_index);

/* The DANE roll gate (tlsa.md §8.1) for a next data set: 0 all served,
 * 1 waits (lines logged), -1 could not check (reason logged). */
int mgr_dane_gate(struct run_ctx *ctx, const struct conf_service *svc,
    const char *next_dir, struct strvec *missing);
/* The same for a group's DNS facts (gd may be NULL: cannot check). */
int mgr_dane_gate_check(struct group_dns *gd, const char *next_dir,
    struct strvec *missing);

int run_ctx_init(struct run_ctx *ctx, const struct conf *c,
    const struct conf_topdir *td, const struct mgr_opts *o);
void run_ctx_clear(struct run_ctx *ctx);

/* The local CA a service is signed by (NULL when none or not loaded). */
const struct local_ca *run_ctx_ca(const struct run_ctx *ctx,
    const struct conf_service *svc);

/* <svc_dir>/db/<set of the link>/<file>, or NULL when the link is absent,
 * dangling or not a link (layout.md §3). */
char *svc_set_file(const char *svc_dir, enum store_link which, const char *file);

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
/* Production copy, copies to servers, post-copy commands, restarts, DNS
 * refresh (post.c, post_hosts.c); failures become pending work. */
void mgr_post_phase(struct run_ctx *ctx);
int mgr_clean(struct run_ctx *ctx);

/* Status block of one service (status_text.c). issuers: the run's issuer
 * cache (status_view.h), or NULL. */
void mgr_status_print_service(const struct conf *c,
    const struct conf_service *svc, const struct mgr_opts *o, time_t now,
    struct group_dns *gd, struct issuer_cache *issuers);

/* Messages in the original's wording (cli.md §8). */
void mgr_fmt_expiry(time_t not_after, time_t now, char *out, size_t n);

#endif
