/* Private to src/import/ (and its unit tests). */
#ifndef SSLM_IMPORT_INT_H
#define SSLM_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/common.h"
#include "import/import.h"

/* Let's Encrypt's directories: certbot's default server and --staging. */
#define IMPORT_LE_PROD "https://acme-v02.api.letsencrypt.org/directory"
#define IMPORT_LE_STAGING "https://acme-staging-v02.api.letsencrypt.org/directory"
#define IMPORT_RENEWAL_MAX (64 * 1024)	/* a renewal conf is < 2 KiB */

/* ---- renewal_ini.c: renewal/<name>.conf --------------------------------
 * certbot writes it with configobj: top-level keys, [renewalparams] and its
 * sub-section [[webroot_map]]. Read with inih, whose section name for a
 * "[[webroot_map]]" line is "[webroot_map" (it stops at the first ']'), so
 * leading '[' are dropped. Indentation is not significant (configobj), so
 * lines are read with their leading blanks removed and inih's continuation
 * lines never happen. Every value is a heap string or NULL when absent;
 * quotes around a value and a " #" comment after it are removed. */
struct renewal_conf {
	char *version, *archive_dir, *cert, *privkey, *chain, *fullchain;
	/* [renewalparams] */
	char *account, *server, *authenticator, *key_type, *rsa_key_size;
	char *elliptic_curve, *pref_challs, *webroot_path, *manual_auth_hook;
	struct strvec webroot_map;	/* "<domain>=<path>" in file order */
	struct strvec warnings;		/* one sentence each */
};

void renewal_conf_init(struct renewal_conf *rc);
void renewal_conf_clear(struct renewal_conf *rc);
/*
 * Parse the text (need not end in a newline; a BOM and CRLF are fine).
 * name prefixes messages. Errors (-1, err set, rc keeps what was read):
 * a syntax error ("<name>:<line>: not a key = value line"), a key given
 * twice in one section (configobj, and so certbot, refuses those too), a
 * used key on a line too long for inih (200 bytes) or a NUL byte. A long
 * line of a key not used is only a warning.
 */
int renewal_conf_parse(const char *text, size_t len, const char *name,
    struct renewal_conf *rc, struct sslm_err *err);
int renewal_conf_read(const char *path, struct renewal_conf *rc,
    struct sslm_err *err);
/* A configobj list value ("dns-01, http-01," or "dns-01") split on ','
 * with blanks trimmed and empty items dropped, appended to out. */
int renewal_list_split(const char *value, struct strvec *out);

/* ---- lineage.c: one lineage and its account ----------------------------- */

enum import_key {
	IMPORT_KEY_EC,
	IMPORT_KEY_RSA,
};

struct lineage {
	char *name;			/* renewal/<name>.conf */
	char *conf_path;
	struct renewal_conf rc;
	/* the files the links point to (realpath) */
	char *cert_path, *key_path, *chain_path, *fullchain_path;
	struct strvec names;		/* DNS SANs in certificate order, lower case */
	char *subject_cn, *issuer;	/* may be NULL */
	time_t not_after;
	enum import_key key_type;
	char *curve;			/* EC: "secp256r1" ... */
	int rsa_bits;			/* RSA */
	char *server;			/* ACME directory URL (default LE) */
	bool staging;			/* the LE staging server */
	char *account_id;
	char *account_rel;		/* accounts/<host>/<path>/<id> */
	char *account_dir;		/* <certbot_dir>/<account_rel> */
	char *email;			/* from the registration, NULL if none */
	bool wants_dns;			/* pref_challs has dns-01, or a wildcard */
	struct strvec warnings;
};

void lineage_init(struct lineage *ln);
void lineage_clear(struct lineage *ln);
/* Read lineage name of certbot_dir: the renewal conf, the certificate and
 * key (which must match; EC P-256/384/521 or RSA 2048..16384), the account
 * (it must exist: an import never re-registers). -1 with err naming what is
 * wrong and where. */
int lineage_load(const char *certbot_dir, const char *name, struct lineage *ln,
    struct sslm_err *err);
/* "<host[:port]>/<path>" of an ACME directory URL, the folder certbot keeps
 * its accounts for that server in (certbot-hooks.md §3.1); NULL when url
 * is no http(s) URL with a host. */
char *import_server_folder(const char *url);
/* List the renewal/<name>.conf names of certbot_dir, sorted. */
int import_list_lineages(const char *certbot_dir, struct strvec *out,
    struct sslm_err *err);

/* ---- plan.c: what an import will write ----------------------------------- */

/* ca-info.conf entries and [[groups]] as they are before the run. */
struct import_site {
	char *top;
	char *ca_info_path, *main_conf_path;
	char *ca_info_text;		/* NULL when the file does not exist */
	char *main_conf_text;
	struct strvec group_domains;	/* [[groups]] domain values */
	struct strvec group_services;	/* "<domain>\t<service>" and
					 * "<domain>\t*" for wildcards */
	struct strvec cas_added;	/* entry names appended in this run */
	struct strvec groups_added;	/* domains appended in this run */
	struct strvec services_taken;	/* "<apex>/<service>" of this run */
	void *conf;			/* struct conf * (ca-info, dns_primary) */
	bool dns_down;			/* a look-up timed out: ask no more */
};

struct import_plan {
	struct lineage ln;
	char *apex;
	const char *apex_source;	/* "DNS SOA", "--apex", "fewest labels" */
	char *service;
	char *ca_name;
	bool dns01;
	bool ca_new;			/* append ca_text to ca-info.conf */
	char *ca_text;
	bool group_new;			/* append group_text to ssl-mgr.conf */
	char *group_text;
	char *group_hint;		/* an existing entry lacks the service */
	char *svc_rel;			/* conf.d/<apex>/<service> */
	char *svc_path;
	char *svc_text;			/* the service file */
	char *data_dir;			/* certs/<apex>/<service> (absolute) */
	char *cb_account_dir;		/* .../cb/<account_rel> */
	struct strvec conflicts;	/* existing paths: refused */
	struct strvec warnings;
	char *refused;			/* why (NULL: can go ahead) */
};

void import_site_init(struct import_site *s);
void import_site_clear(struct import_site *s);
/* Read TOP's ssl-mgr.conf (through the config module) and ca-info.conf. */
int import_site_load(struct import_site *s, const char *top,
    struct sslm_err *err);

void import_plan_init(struct import_plan *p);
void import_plan_clear(struct import_plan *p);
/* Plan lineage name. -1 only for what stops the lineage before a plan
 * exists (err: it could not be read); a plan that must be refused returns
 * 0 with p->refused set. */
int import_plan_make(struct import_site *s, const struct import_opts *o,
    const char *name, struct import_plan *p, struct sslm_err *err);
/* The plan as the dry run and the real run print it. */
void import_plan_print(const struct import_plan *p, FILE *out);
/* "The lineage name sanitized": characters outside A-Za-z0-9._- become
 * '_', and a leading '.' or '-' too. NULL on allocation failure. */
char *import_service_name(const char *lineage);
/* A TOML basic string with quotes, escaping what must be escaped. */
char *import_toml_quote(const char *s);

/* ---- apply.c: writing it ---------------------------------------------- */

/* Write a plan that is not refused: data set (curr), account copy, service
 * file, ca-info.conf append; on failure what it made is removed again. Nothing existing is ever
 * replaced; new files are created next to their final name and linked
 * into place (link(2) fails when the name exists). */
int import_apply(struct import_site *s, struct import_plan *p,
    const struct import_opts *o, struct sslm_err *err);
/* After the lineages: one [[groups]] entry appended to ssl-mgr.conf per
 * apex that has none, listing the services imported for it (pairs
 * "<apex>\t<service>"); dry_run only prints it. */
int import_groups_finish(struct import_site *s, const struct strvec *done,
    bool dry_run, FILE *out, struct sslm_err *err);
/* Create path with data only when it does not exist (mode from creation;
 * umask applies). -1 with EEXIST named when it does. */
int import_write_new(const char *path, const void *data, size_t len,
    mode_t mode, struct sslm_err *err);

#endif /* SSLM_IMPORT_INT_H */
