/*
 * mgr/expiry — what sslm-cert-expiry reports (tools.md §6): the expiry of
 * certificate files, whether each is due for renewal, and the one-line
 * nagios summary.
 *
 * "Due" follows the renew target of lifecycle.md §3.2 for the certificate's
 * own lifetime (no random adjustment) when a configuration is found:
 * the curve of the service the file belongs to (a file under
 * TOP/certs/<group>/<service>/ or <prod_cert_dir>/<group>/<service>/),
 * else the global [renew_info] curve. Without a configuration: the fixed
 * rule "fewer than 30 whole days left".
 */
#ifndef SSLM_MGR_EXPIRY_H
#define SSLM_MGR_EXPIRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "common/common.h"

/* The fixed threshold used without a configuration (whole days). */
#define EXPIRY_FIXED_DAYS 30

/* Where Renew= comes from; opaque. */
struct expiry_policy;

/*
 * Find and load the configuration as sslm-mgr does (config.md §1). No
 * candidate top dir: *out is the fixed 30-day policy and 0 is returned.
 * -1 with err set (one sentence, the first configuration error) when
 * SSL_MGR_TOPDIR is set but unusable, or the configuration found does not
 * load. Config warnings are not reported. *out is owned by the caller
 * (expiry_policy_free).
 */
int expiry_policy_open(struct expiry_policy **out, struct sslm_err *err);

/* The fixed 30-day policy, no configuration; NULL on allocation failure. */
struct expiry_policy *expiry_policy_fixed(void);

/* NULL-safe. */
void expiry_policy_free(struct expiry_policy *p);

/* The top dir whose configuration is used; NULL for the fixed rule. */
const char *expiry_policy_top(const struct expiry_policy *p);

enum expiry_state {
	EXPIRY_READ,		/* a certificate was read */
	EXPIRY_UNREADABLE,	/* missing, not a regular file, too large, ... */
	EXPIRY_NOT_CERT,	/* readable, but holds no certificate */
};

/* One file's result. */
struct expiry_cert {
	enum expiry_state state;
	time_t not_before, not_after;	/* of the first certificate */
	long days;		/* whole days left, truncated toward zero */
	double target;		/* renew when at most this many days are left
				 * (the config's T; EXPIRY_FIXED_DAYS without
				 * a config) */
	bool renew;
	bool expired;		/* not_after <= now */
	char *service;		/* "<group>/<service>" whose curve was used;
				 * NULL: global curve or fixed rule (owned) */
	struct sslm_err why;	/* UNREADABLE / NOT_CERT: one sentence */
};

void expiry_cert_init(struct expiry_cert *ec);
/* Free what ec holds and put it back in the empty state; NULL-safe. */
void expiry_cert_clear(struct expiry_cert *ec);

/*
 * Read the first certificate of path and fill ec (initialised; previous
 * content freed). Returns 0 when a certificate was read, -1 otherwise with
 * ec->state and ec->why saying why (also -1 on allocation failure, state
 * UNREADABLE).
 */
int expiry_check(const struct expiry_policy *p, const char *path,
    time_t now, struct expiry_cert *ec);

/*
 * Print the result line(s) for one file:
 *   <path> Expires=<YYYY-MM-DD HH:MM:SS UTC> (<days> days) -> Renew=<yes|no>
 *   Not a cert : <path>            (and an indented line saying why)
 *   Error reading <path>           (and an indented line saying why)
 */
void expiry_print(FILE *fp, const char *path, const struct expiry_cert *ec);

/* Nagios plugin states; the values are the exit codes. */
enum expiry_nagios {
	EXPIRY_NAGIOS_OK = 0,
	EXPIRY_NAGIOS_WARNING = 1,
	EXPIRY_NAGIOS_CRITICAL = 2,
	EXPIRY_NAGIOS_UNKNOWN = 3,
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *expiry_nagios_name(enum expiry_nagios st);

/*
 * The nagios state of n results (paths[i] belongs to ecs[i]): CRITICAL
 * when a certificate has expired or has fewer than crit_days left, else
 * UNKNOWN when a file was not read, else WARNING when a certificate has
 * fewer than warn_days left, else OK. Prints one line to fp:
 *   SSLM-CERT-EXPIRY <STATE> - <n> cert(s); soonest <file> in <days> days
 * where n counts the certificates read; a file not read is named after it:
 *   ...; not a certificate: <file>   or   ...; cannot read: <file>
 * (the first such file; "soonest ..." is left out when none was read).
 */
enum expiry_nagios expiry_nagios_report(FILE *fp, const char *const *paths,
    const struct expiry_cert *ecs, size_t n, long warn_days, long crit_days,
    time_t now);

#endif /* SSLM_MGR_EXPIRY_H */
