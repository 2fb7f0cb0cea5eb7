/*
 * Private to the certbot driver (driver*.c, probe.c, account.c, argv.c):
 * the folders of one request, the cbot log, and the certbot runner.
 * The hook programs (hook*.c) do not use this header.
 */
#ifndef SSLM_ACME_DRIVER_INT_H
#define SSLM_ACME_DRIVER_INT_H

#include <stdbool.h>

#include "acme/acme.h"
#include "common/common.h"
#include "config/conf.h"

/* Time limits of certbot-hooks.md §11, in seconds. */
#define ACME_T_SHORT	300	/* --version, --help all, register */
#define ACME_T_CERTBOT	1800	/* certbot and the CA, on top of the hook's
				 * own DNS wait for dns-01 */
#define ACME_KILL_GRACE	30	/* SIGTERM to SIGKILL */

/* The folders of one request, all absolute (certbot-hooks.md §1, §5). */
struct acme_paths {
	char *cb;		/* TOP/certs/<g>/<s>/cb: --config-dir */
	char *work;		/* cb/work: --work-dir */
	char *logs;		/* cb/logs: --logs-dir */
	char *out;		/* DBNEXT: set_dir, or cb/dry-run with -n */
};

/* cb_dir NULL: TOP/certs/<group>/<service>/cb. Nothing is created. */
int acme_paths_make(const struct acme_request *r, const char *cb_dir,
    struct acme_paths *p, struct sslm_err *err);
void acme_paths_clear(struct acme_paths *p);

/* ---- argv.c ---- */

/* Whether the CA's ACME profile goes on the command line (§2, §4.1). */
enum acme_profile_use {
	ACME_PROFILE_NONE,	/* none configured */
	ACME_PROFILE_PASS,	/* --preferred-profile P */
	ACME_PROFILE_DROP,	/* the default one, certbot cannot take it */
	ACME_PROFILE_WARN,	/* configured, certbot cannot take it */
};
enum acme_profile_use acme_profile_use(const struct acme_request *r);
/* --preferred-chain configured but not accepted by this certbot. */
bool acme_chain_dropped(const struct acme_request *r);

/* The program to run: caps->path when probed, else [globals] certbot. */
const char *acme_certbot_prog(const struct acme_request *r);

/* "<certbot> register ..." of §3.2 (C argument order), appended to argv. */
int acme_register_argv(const struct acme_request *r,
    const struct acme_paths *p, struct strvec *argv, struct sslm_err *err);

/* argv as one display line for logs: elements with blanks or quotes in
 * single quotes, the value after --eab-hmac-key as "***". Heap; NULL on
 * allocation failure. */
char *acme_argv_text(const struct strvec *argv);

/* ---- account.c (§3) ---- */

/* The account folder of §3.1 for this request; heap, NULL with err. */
char *acme_account_dir(const struct acme_request *r, const char *cb,
    struct sslm_err *err);
/* The valid accounts in dir (sub-folders, not symlinks, holding meta.json
 * and private_key.json), sorted; a missing dir is no account. */
int acme_account_list(const char *dir, struct strvec *ids,
    struct sslm_err *err);

struct acme_cblog;
/* Reuse the one account, check ca_account, or register when there is
 * none (never a second one). */
int acme_account_ensure(const struct acme_request *r,
    const struct acme_paths *p, struct acme_cblog *log, struct sslm_err *err);

/* ---- driver_log.c: the cbot log ----
 * The process-wide logger (common/) holds "sslm" in sslm-mgr, so the
 * driver appends its cbot records itself, in the same record format, one
 * write() per record on an O_APPEND descriptor (the hooks write the same
 * file at the same time). It does not rotate: the hook processes, which
 * open cbot through log_open(), do that. A log that cannot be opened costs
 * one warning, never the request.
 */
struct acme_cblog {
	int fd;
};

void acme_cblog_open(struct acme_cblog *l, const char *logdir);
void acme_cblog_close(struct acme_cblog *l);
void acme_cblog(struct acme_cblog *l, const char *fmt, ...) SSLM_PRINTF(2, 3);
/* "<label>:" then text as continuation lines, control characters other
 * than tab shown as '?'; nothing for empty text. */
void acme_cblog_text(struct acme_cblog *l, const char *label,
    const char *text);

/* ---- driver_run.c: running certbot ---- */

struct acme_run_opts {
	const char *topdir;		/* exported as SSL_MGR_TOPDIR */
	unsigned timeout;		/* seconds, > 0 */
	unsigned grace;			/* seconds from SIGTERM to SIGKILL */
	/* Relay new lines of this file while certbot runs (NULL: none). */
	const char *progress_path;
	void (*progress)(const char *line, void *arg);
	void *progress_arg;
};

/*
 * Run argv in its own process group, stdin /dev/null, stdout and stderr
 * captured (1 MiB each), SSL_MGR_TOPDIR and SSLM_CERTBOT_PID (the child's
 * own pid) in its environment. On timeout the group gets SIGTERM, then
 * SIGKILL after the grace. res as from proc_run(): 0 when it ran (any
 * status), -1 with err when it could not be started.
 */
int acme_run(const struct strvec *argv, const struct acme_run_opts *o,
    struct proc_result *res, struct sslm_err *err);

/* Log argv (masked), then the status and output after the run. */
void acme_cblog_result(struct acme_cblog *l, const char *what,
    const struct proc_result *res);
/* The last non-empty line of certbot's stderr (else stdout), cleaned and
 * cut to fit a message; "" when there is none. */
void acme_last_line(const struct proc_result *res, char *buf, size_t len);

#endif /* SSLM_ACME_DRIVER_INT_H */
