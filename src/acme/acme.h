/*
 * acme/ — certificates from an ACME CA through certbot in manual mode
 * (spec/certbot-hooks.md): the driver used by sslm-mgr, and the logic of the
 * certbot hooks (sslm-auth-hook, sslm-cleanup-hook) that certbot starts.
 *
 * certbot is always exec'd with an explicit argv, its own --config-dir,
 * --work-dir and --logs-dir under the service's cb/ folder; the hooks get
 * the group and service as arguments and find the tree through
 * SSL_MGR_TOPDIR, which the driver exports.
 */
#ifndef SSLM_ACME_H
#define SSLM_ACME_H

#include <stdbool.h>

#include "common/common.h"
#include "config/conf.h"

/* ---- the driver (sslm-mgr side) ---------------------------------------- */

/* What the installed certbot can do (certbot-hooks.md §2); probed once per
 * run. */
struct acme_caps {
	bool probed;
	bool found;
	char *path;			/* the program run */
	char *version;			/* "2.1.0"; NULL when not found */
	bool preferred_profile;		/* --preferred-profile accepted */
	bool preferred_chain;		/* --preferred-chain accepted */
	/* Set by acme_issue: the "cannot pass it" warnings of §2 are given
	 * once per run, not once per service. */
	bool warned_profile;
	bool warned_chain;
};

void acme_caps_init(struct acme_caps *caps);
void acme_caps_clear(struct acme_caps *caps);
/* Run "<certbot> --version" and "--help all" (timeouts 300 s). 0 when the
 * program ran (caps->found), and also when there is no such program
 * (caps->probed, !caps->found: the caller reports it); -1 with err when it
 * exists but cannot be run or does not work. */
int acme_probe(const char *certbot, struct acme_caps *caps, struct sslm_err *err);

struct acme_request {
	const struct conf *c;
	const struct conf_topdir *td;	/* exported as SSL_MGR_TOPDIR */
	const struct conf_service *svc;	/* a certbot-signed service */
	struct acme_caps *caps;		/* from acme_probe; the warned_* flags
					 * are updated */
	const char *set_dir;		/* the new data set: csr.pem is there;
					 * cert.pem, chain.pem, fullchain.pem
					 * are written there */
	bool test;			/* -t: --test-cert (not with ca_server) */
	bool dry_run;			/* -n: --dry-run, in cb/dry-run/ */
	bool verbose;			/* --debug (as does config verb) */
	unsigned timeout;		/* certonly limit in seconds; 0 = the
					 * limit of §11 (tests set a small one) */
	/* Lines of cb/auth-progress are passed here while certbot runs
	 * (certbot swallows the hook's output); may be NULL. */
	void (*progress)(const char *line, void *arg);
	void *progress_arg;
};

/*
 * Get the certificate for r->svc's CSR: account check/registration in cb/
 * (certbot-hooks.md §3: never a second account; several → error listing
 * them), leftover outputs removed, certbot certonly --manual --csr run with
 * the argv of §4 (timeout per §11), its output into the cbot log, then the
 * challenge cleanup of §8.3 (also after failures). 0 when cert.pem,
 * chain.pem and fullchain.pem are in set_dir (dry run: when certbot
 * succeeded). -1 with err: certbot's failure, or the hook's reason from
 * cb/auth-status when the hook failed.
 */
int acme_issue(const struct acme_request *r, struct sslm_err *err);

/* The certbot command line of certbot-hooks.md §4.1 (tests, -d output):
 * appended to argv, the certbot program first. cb_dir NULL: the service's
 * TOP/certs/<group>/<service>/cb. */
int acme_certonly_argv(const struct acme_request *r, const char *cb_dir,
    struct strvec *argv, struct sslm_err *err);

/* ---- the hooks (certbot side) ------------------------------------------ */

/*
 * sslm-auth-hook <group> <service>: one call per challenge
 * (certbot-hooks.md §7). Validates every CERTBOT_* value, records the
 * challenge in cb/auth-data (keyed to this certbot run), and on the last one
 * publishes (dns-01: acme-challenge.<apex>, DNS refresh, agreement wait;
 * http-01: token files) — on failure writes cb/auth-status and sends SIGTERM
 * to certbot. Returns the exit status for main().
 */
int acme_auth_hook(int argc, char *const argv[]);

/* sslm-cleanup-hook <group> <service>: remove what the auth hook published
 * (certbot-hooks.md §8.2), for manual use. Returns the exit status. */
int acme_cleanup_hook(int argc, char *const argv[]);

/* The cleanup of §8.3 for one service, used by acme_issue after certbot
 * returns: challenge file back to its header, DNS refreshed, tokens removed. */
int acme_cleanup(const struct conf *c, const struct conf_service *svc,
    bool debug, struct sslm_err *err);

#endif /* SSLM_ACME_H */
