/*
 * Private to the certbot hooks (src/acme/hook*.c): the state of one hook
 * call, the checked CERTBOT_* values and the auth-data records
 * (certbot-hooks.md §7, §8; dns.md §2, §5).
 */
#ifndef SSLM_ACME_HOOK_INT_H
#define SSLM_ACME_HOOK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/common.h"
#include "config/conf.h"

/* Bounds of certbot's values: well above anything an ACME CA sends, small
 * enough that a line of auth-data stays short. */
#define HOOK_VALUE_MAX	512		/* validation, token, each */
#define HOOK_DOMAIN_MAX	253
#define HOOK_ALL_MAX	65536		/* CERTBOT_ALL_DOMAINS */
#define HOOK_DATA_MAX	(1024 * 1024)	/* auth-data, web-tokens */
#define HOOK_REASON_MAX	1000		/* auth-status reason, bytes */

enum hook_proto {
	HOOK_DNS,
	HOOK_HTTP,
};

/* One challenge: a record line of auth-data. Strings owned. */
struct hook_rec {
	char *domain;			/* as certbot sent it, maybe "*.x" */
	char *validation;
	char *token;			/* http-01 only, else NULL */
};

struct hook_recs {
	struct hook_rec *v;
	size_t n, cap;
};

/* This call's CERTBOT_* values, all checked (pointers into environ). */
struct hook_env {
	enum hook_proto proto;
	const char *domain;
	const char *validation;
	const char *token;		/* NULL for dns-01 */
	unsigned long remaining;
	const char *all_domains;	/* "" when not given */
	size_t n_all;			/* entries of all_domains */
};

/* One hook process: the tree and the service it serves. */
struct hook_ctx {
	struct conf_topdir td;
	struct conf c;
	struct conf_diags diags;
	bool conf_loaded;
	const struct conf_service *svc;
	const struct conf_group *grp;
	char *cb;			/* TOP/certs/<group>/<service>/cb */
	pid_t certbot;			/* whom a failure stops; 0 = nobody */
	bool pid_from_env;		/* SSLM_CERTBOT_PID was usable */
	char *warning;			/* a failed DNS refresh, for auth-status */
};

/* hook_env.c: the grammars of certbot-hooks.md §7.3. */
bool hook_domain_ok(const char *s);
bool hook_b64url_ok(const char *s, size_t max);
int hook_env_read(struct hook_env *e, struct sslm_err *err);
/* Is domain (maybe "*.x") the group or a name below it? */
bool hook_domain_in_group(const char *domain, const char *group);
/* Copy of s fit for one line of a file: printable ASCII only, at most max
 * bytes (others become '?'). NULL on allocation failure. */
char *hook_sanitize(const char *s, size_t max);

/* hook_data.c: auth-data, auth-status, the certbot process. */
void hook_recs_init(struct hook_recs *r);
void hook_recs_clear(struct hook_recs *r);
/* Append this call's record, starting a new file when the one there
 * belongs to another run (the old one is kept as auth-data.prev). */
int hook_data_append(const struct hook_ctx *h, const struct hook_env *e,
    struct sslm_err *err);
/* Last call: read every record, move auth-data to auth-data.prev. */
int hook_data_take(const struct hook_ctx *h, struct hook_recs *out,
    struct sslm_err *err);
/* "ok" (reason NULL) or "fail: <reason>" into cb/auth-status. */
int hook_status_write(const struct hook_ctx *h, const char *reason);
/* Who certbot is: SSLM_CERTBOT_PID when set and alive, else our parent. */
void hook_find_certbot(struct hook_ctx *h);

/* hook_dns.c: dns-01 publication and its cleanup (dns.md §2). */
int hook_dns_publish(struct hook_ctx *h, const struct hook_recs *recs,
    struct sslm_err *err);
/* The "empty" file of dns.md §2.3 installed and the DNS refreshed. */
int hook_dns_clean(const struct conf *c, const char *cb, const char *apex,
    bool debug, struct sslm_err *err);

/* hook_http.c: http-01 tokens (dns.md §5). */
int hook_http_publish(struct hook_ctx *h, const struct hook_recs *recs,
    struct sslm_err *err);
int hook_http_clean(const struct conf *c, const char *cb, bool debug,
    struct sslm_err *err);
/* The local-host rule of decisions.md "Local host". */
bool hook_host_is_local(const char *host);

#endif /* SSLM_ACME_HOOK_INT_H */
