/*
 * What the status display knows about one service, gathered once and shown
 * as text or JSON (private to mgr/). Reads certificates only, never keys.
 */
#ifndef SSLM_MGR_STATUS_VIEW_H
#define SSLM_MGR_STATUS_VIEW_H

#include <stdbool.h>
#include <time.h>

#include "common/common.h"
#include "config/conf.h"
#include "crypto/crypto.h"
#include "mgr/group_dns.h"
#include "mgr/mgr.h"

struct cert_view {
	bool present;		/* the link exists and points at a data set */
	bool link_error;	/* the entry exists but is not a symlink */
	bool readable;		/* cert.pem parsed */
	char *db;		/* data-set name */
	char *dir;		/* data-set path */
	char *error;		/* why the cert could not be read */
	bool staging;
	bool has_tlsa_rr;
	time_t cert_mtime;
	struct crypto_cert_info ci;
};

enum gate_state {
	GATE_NOT_NEEDED,	/* no dane_tls */
	GATE_OK,		/* every authoritative server serves next */
	GATE_WAITS,		/* some do not: gate_missing says which */
	GATE_UNKNOWN,		/* could not be checked (reason in gate_missing) */
};

struct svc_view {
	const struct conf_service *svc;
	char *svc_dir;
	struct cert_view curr, next;

	/* renew (lifecycle.md §3.2); no random draw in a status run */
	bool renew_due;
	bool renew_known;	/* curr readable: d/T/A are meaningful */
	double days_to_renew;	/* left - T */
	double target;		/* T */
	double rand_adj;	/* A */

	/* roll (lifecycle.md §5.1), only when next is readable */
	bool roll_shown;
	bool roll_due;		/* a -roll would roll it now */
	long long age_mins;
	long long mins_left;	/* until old enough */
	bool roll_staging;	/* staging next and no -t */
	bool roll_no_tlsa;	/* dane_tls but next has no tlsa.rr */
	enum gate_state gate;
	struct strvec gate_missing;

	struct strvec warnings;
};

/*
 * The issuers read so far in one run (the "outlives its issuer" check):
 * the notAfter of chain.pem's first certificate, keyed by the bytes of
 * chain.pem. Every service signed by one CA has the same chain.pem, so a
 * status run parses each issuer once instead of once per service. A short
 * list (a tree has few CAs); past ISSUER_CACHE_MAX chains the rest are
 * parsed each time.
 */
#define ISSUER_CACHE_MAX 32

struct issuer_seen {
	char *chain;		/* chain.pem's bytes */
	size_t len;
	bool readable;		/* its first certificate parsed */
	time_t not_after;
};

struct issuer_cache {
	struct issuer_seen v[ISSUER_CACHE_MAX];
	size_t n;
};

void issuer_cache_init(struct issuer_cache *ic);
void issuer_cache_clear(struct issuer_cache *ic);

void svc_view_init(struct svc_view *v);
void svc_view_clear(struct svc_view *v);
/* Gather everything for one service. Never fails: problems become fields
 * (readable=false, error text, warnings). -1 only when out of memory.
 * issuers is the run's cache (NULL: read each issuer afresh). */
int svc_view_load(struct svc_view *v, const struct conf *c,
    const struct conf_service *svc, const struct mgr_opts *o, time_t now,
    struct group_dns *gd, struct issuer_cache *issuers);

#endif
