/*
 * config/ — the typed model of the configuration tree (spec/config.md and
 * the decisions that override it): TOP/conf.d/ssl-mgr.conf, ca-info.conf
 * and every service file conf.d/<group>/<service>.
 *
 * The TOML is read once, every default is applied and every rule checked;
 * nobody above this folder touches TOML. Loading never creates or changes
 * anything on disk.
 *
 * Problems are collected, not thrown: conf_load() checks every file the run
 * will use and records every error and warning as one formatted line,
 * file by file in load order and by line within a file:
 *   TOML syntax:   conf.d/ssl-mgr.conf:4:12: problem
 *   model:         conf.d/example.com/mail-ec:14: [X509] C: required, got '' (two-letter country code)
 * File names are relative to TOP; the line is the offending value's, or the
 * table header's when a key is missing (1 for the top level).
 *
 * This header is the folder's front door; everything else in src/config/
 * is private.
 */
#ifndef SSLM_CONF_H
#define SSLM_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/common.h"

/* ---- top dir (config.md §1, decisions O1) ------------------------------ */

enum conf_topdir_source {
	CONF_TOPDIR_ENV,	/* $SSL_MGR_TOPDIR */
	CONF_TOPDIR_CWD,	/* ./ */
	CONF_TOPDIR_ETC,	/* /etc/ssl-mgr */
	CONF_TOPDIR_OPT,	/* /opt/Local/etc/ssl-mgr */
};

struct conf_topdir {
	char *path;			/* realpath of TOP (owned) */
	enum conf_topdir_source source;
};

/* One place to look; dir is used as spelled ("./", "/etc/ssl-mgr"). */
struct conf_topdir_candidate {
	enum conf_topdir_source source;
	const char *dir;
};

/*
 * Find TOP: $SSL_MGR_TOPDIR (when set and non-empty), ./, /etc/ssl-mgr,
 * /opt/Local/etc/ssl-mgr. A candidate D qualifies only when
 * D/conf.d/ssl-mgr.conf is a regular file. A set but unusable
 * SSL_MGR_TOPDIR is an error (no fall-through); when nothing qualifies the
 * error lists every path tried. td->path is absolute and canonical.
 */
int conf_find_topdir(struct conf_topdir *td, struct sslm_err *err);

/* The same with the environment value and the candidate list given (tests).
 * env_value NULL or "" means SSL_MGR_TOPDIR is not set. */
int conf_find_topdir_in(struct conf_topdir *td, const char *env_value,
    const struct conf_topdir_candidate *cands, size_t n_cands,
    struct sslm_err *err);

void conf_topdir_init(struct conf_topdir *td);
void conf_topdir_clear(struct conf_topdir *td);

/* "SSL_MGR_TOPDIR", "./", "/etc/ssl-mgr", "/opt/Local/etc/ssl-mgr". */
const char *conf_topdir_source_name(enum conf_topdir_source source);

/* ---- diagnostics -------------------------------------------------------- */

enum conf_diag_level {
	CONF_DIAG_ERROR,
	CONF_DIAG_WARNING,
};

struct conf_diag {
	enum conf_diag_level level;
	char *msg;			/* one line, no prefix, no newline */
	int line;			/* in its file, 0 when none */
};

struct conf_diags {
	struct conf_diag *v;		/* files in load order, lines in order */
	size_t n, cap;
	size_t n_errors, n_warnings;
	bool oom;			/* a message could not be stored */
};

void conf_diags_init(struct conf_diags *d);
void conf_diags_clear(struct conf_diags *d);

/*
 * Print "warning: <msg>" lines, then the error lines as they are, then
 * "N error(s) in configuration; nothing was changed" when there are errors.
 */
void conf_diags_print(const struct conf_diags *d, FILE *fp);

/* ---- the model ---------------------------------------------------------- */

/* One curve of [renew_info]: points (days of lifetime -> days), sorted by
 * lifetime (config.md §3.3; evaluated as in lifecycle.md §3.2). */
struct conf_renew_point {
	double days;			/* N: certificate lifetime in days */
	double value;			/* target days left, or random +- days */
};

struct conf_renew_curve {
	struct conf_renew_point *p;
	size_t n;
};

struct conf_renew {
	struct conf_renew_curve target;		/* target_<N> */
	struct conf_renew_curve rand_adj;	/* rand_adj_<N> */
};

/*
 * f(curve, L) of lifecycle.md §3.2: 0 for an empty curve, y0 for L <= x0,
 * the last point's ratio extrapolated for L >= xn, linear interpolation in
 * between (every interval, the first one included).
 */
double conf_renew_eval(const struct conf_renew_curve *curve, double lifetime);

/* [globals] post_copy_cmd: run cmd locally with host as its one argument. */
struct conf_post_copy {
	char *host;
	char *cmd;		/* resolved against TOP when relative with a '/' */
	int line;
};

enum conf_certbot_source {
	CONF_CERTBOT_DEFAULT,	/* /usr/bin/certbot */
	CONF_CERTBOT_KEY,	/* [globals] certbot */
	CONF_CERTBOT_ENV,	/* $SSLM_CERTBOT */
};

struct conf_globals {
	bool verb;
	char *sslm_auth_hook;		/* resolved; checked charset */
	char *prod_cert_dir;		/* absolute (resolved against TOP) */
	bool prod_cert_dir_absolute;	/* written absolute, without ".." */
	int prod_cert_dir_line;		/* 0 when not set (default) */
	char *logdir;			/* absolute */
	int clean_keep;			/* >= 1 */
	int min_roll_mins;		/* >= 0 */
	int dns_check_delay;		/* seconds, 0 = no wait */
	struct strvec dns_xtra_ns;
	struct conf_post_copy *post_copy;
	size_t n_post_copy;
	char *certbot;			/* program: absolute, or a bare name for PATH */
	enum conf_certbot_source certbot_source;
	int dns_check_max_wait;		/* seconds >= 0 */
	int dns_xtra_ns_max_wait;	/* seconds, <= dns_check_max_wait */
	bool dns_xtra_ns_strict;
};

/* One command of a server section's restart_cmd. */
struct conf_cmd {
	char *text;		/* as written */
	struct strvec argv;	/* split on white space, as written (remote use) */
	char *local_prog;	/* argv[0] resolved against TOP when it is a
				 * relative path with a '/' (local use) */
};

/* svc_depends pair [domain, [service, ...]]; every pair counts. */
struct conf_svc_dep {
	char *domain;
	bool any;		/* '*', 'all' or 'any' (case-insensitive) */
	struct strvec services;
	int line;
};

struct conf_dns {
	bool present;
	int line;
	struct strvec restart_cmd;	/* programs, not split; resolved */
	struct strvec acme_dirs;	/* absolute */
	struct strvec tlsa_dirs;	/* absolute */
	struct strvec depends;
	struct conf_svc_dep *svc_depends;
	size_t n_svc_depends;
	bool skip_prod_copy;		/* accepted, no effect */
};

/* Server sections in their fixed order for copies and restarts. */
enum conf_server_id {
	CONF_SERVER_SMTP,
	CONF_SERVER_IMAP,
	CONF_SERVER_WEB,
	CONF_SERVER_OTHER,
	CONF_SERVER_N
};

struct conf_server_section {
	bool present;
	int line;
	struct strvec servers;
	struct conf_cmd *restart;	/* empty strings dropped */
	size_t n_restart;
	struct strvec depends;
	struct conf_svc_dep *svc_depends;
	size_t n_svc_depends;
	bool skip_prod_copy;
	/* [web] only */
	char *server_dir;		/* absolute, NULL when not set */
	char *user;			/* default "http" */
	char *group;			/* default "http" */
};

/* "smtp", "imap", "web", "other". */
const char *conf_server_name(enum conf_server_id id);

/* Is a "servers" entry this host (distribution.md §1)? Its short or full
 * host name or the canonical name, ignoring case; "localhost", addresses
 * and every "user@host" entry are remote. The one rule for the prod_cert_dir
 * check, copies, restarts and http-01 tokens. */
bool conf_server_is_local(const char *server);

enum conf_ssh_strict {
	CONF_SSH_STRICT_YES,
	CONF_SSH_STRICT_ACCEPT_NEW,
};

/*
 * [ssh] (config.md §3.10). A key wins over the ssh config file; the
 * has_* flags say which were written, the values hold the defaults
 * otherwise. Paths: a leading "~/" is $HOME, other relative paths are
 * resolved against TOP.
 */
struct conf_ssh {
	bool present;
	char *config_file;		/* "" = read none */
	bool has_config_file;
	char *user;			/* NULL = the effective user */
	int port;			/* 22 */
	bool has_port;
	struct strvec identity_files;
	bool has_identity_files;
	struct strvec known_hosts;
	bool has_known_hosts;
	enum conf_ssh_strict strict;
	bool has_strict;
	int connect_timeout;		/* 30 */
	bool has_connect_timeout;
	int command_timeout;		/* 300 */
	bool has_command_timeout;
	int max_parallel;		/* 8 */
};

struct conf_dns_primary {
	char *domain;			/* as written; "default" or "*" = fallback */
	char *server;
	int port;
	int line;
};

/* ---- ca-info.conf ---- */

enum conf_ca_type {
	CONF_CA_LOCAL,		/* 'self' or 'local': conf.d/ca/<name> signs */
	CONF_CA_CERTBOT,	/* 'certbot' or 'letsencrypt' */
};

enum conf_validation {
	CONF_VALIDATION_NONE,	/* local CAs */
	CONF_VALIDATION_HTTP01,
	CONF_VALIDATION_DNS01,
};

struct conf_ca {
	char *name;			/* the table name */
	int line;
	char *desc;			/* "" by default */
	enum conf_ca_type type;
	enum conf_validation validation;
	char *preferred_chain;		/* NULL = none */
	char *acme_profile;		/* NULL = none; "tlsserver" by default
					 * when there is no ca_server */
	bool acme_profile_explicit;	/* written in the file */
	char *server;			/* ACME directory URL, NULL = LE */
	char *account;			/* NULL = none */
	char *eab_kid;			/* both or neither */
	char *eab_hmac_key;		/* secret: never log it */
};

/* ---- service files ---- */

enum conf_signer {
	CONF_SIGNER_SELF,		/* signing_ca '' or 'self' */
	CONF_SIGNER_LOCAL_CA,		/* a local CA: conf.d/ca/<name> */
	CONF_SIGNER_CERTBOT_DNS01,
	CONF_SIGNER_CERTBOT_HTTP01,
};

/* "self-signed", "local CA", "certbot dns-01", "certbot http-01". */
const char *conf_signer_name(enum conf_signer signer);

enum conf_ktype {
	CONF_KTYPE_EC,
	CONF_KTYPE_RSA,
	CONF_KTYPE_ED25519,
};

struct conf_keyopts {
	enum conf_ktype ktype;		/* default ec */
	const char *ec_curve;		/* canonical: "secp256r1", "secp384r1"
					 * (default), "secp521r1"; static */
	int rsa_bits;			/* default 4096, 2048..16384 */
	int line;			/* of [KeyOpts], 0 when absent */
};

/* A normalised subject alternative name (config.md §5.3). */
struct conf_san {
	char *name;		/* DNS: lower case, no trailing dot;
				 * IP: canonical text (inet_ntop) */
	bool is_ip;
	int family;		/* AF_INET / AF_INET6 for IPs, 0 for names */
	unsigned char addr[16];	/* the address bytes for IPs */
	int line;		/* of the sans entry, or of CN */
};

struct conf_x509 {
	char *CN;		/* as configured (the subject keeps it) */
	char *O, *OU, *L, *ST, *C, *email;	/* "" when not set */
	struct conf_san *sans;	/* normalised, de-duplicated, config order */
	size_t n_sans;
	/* The name list for the CSR and certbot --domains: CN first when it is
	 * not among sans (normalised, or unchanged in group ca), then sans. */
	struct conf_san *names;
	size_t n_names;
	bool cn_in_sans;
	int line;		/* of [X509] */
};

/* [CA] of a service: what it signs (its own cert too when self-signed). */
struct conf_ca_section {
	bool present;
	int sign_end_days;	/* as written */
	int validity_days;	/* max(1, sign_end_days) */
	const char *digest;	/* "sha256", "sha384" (default) or "sha512"; static */
	bool digest_set;
	int line;
};

enum conf_dane_subtype {
	CONF_DANE_MX,
	CONF_DANE_SANS,
};

struct conf_dane {
	int port;		/* 1..65535 */
	char proto[4];		/* "tcp" or "udp" */
	int usage;		/* 0..3 */
	int selector;		/* 0..1 */
	int match;		/* 0..2 */
	enum conf_dane_subtype subtype;	/* default MX for port 25, else SANS */
	bool subtype_explicit;
	int line;
};

struct conf_service {
	char *group;
	char *service;
	char *name;			/* descriptive */
	char *path;			/* absolute */
	char *relpath;			/* "conf.d/<group>/<service>" */
	bool selected;			/* false: loaded only as a CA */
	bool is_ca_group;		/* group is exactly "ca" */

	char *signing_ca;		/* as written, "" = self-signed */
	int signing_ca_line;
	enum conf_signer signer;
	const struct conf_ca *ca;	/* ca-info entry, NULL when self-signed */
	const struct conf_service *ca_service;	/* local CA's service file;
					 * NULL for a CA loaded only as a
					 * reference (its signer is not read) */
	char *ca_account;		/* service's, else the CA entry's; NULL */

	struct conf_keyopts key;
	struct conf_x509 x509;
	struct conf_ca_section ca_sec;

	struct conf_dane *dane;
	size_t n_dane;
	int dane_line;			/* of dane_tls, 0 when absent */
	int dane_tls_ttl;		/* default 1800 */

	struct conf_renew renew;	/* global table + this service's
					 * legacy renew_expire_days(_spread) */
};

/* A group of this run, in processing order. */
struct conf_group {
	char *name;
	bool is_ca;			/* exactly "ca" */
	struct conf_service **services;	/* selected, in order (not owned) */
	size_t n_services;
	/* The group's services in the active [[groups]] entry (wildcards
	 * expanded), for TLSA aggregation; empty when not configured. */
	struct strvec configured;
	bool in_config;
	bool needs_dns;			/* some service has dane_tls or dns-01 */
	const struct conf_dns_primary *dns_primary;	/* NULL: none matches */
};

struct conf {
	char *top;			/* absolute */
	char *conf_dir;			/* TOP/conf.d */
	struct strvec files;		/* every config file read, absolute, in
					 * order: ssl-mgr.conf, ca-info.conf,
					 * service files as processed */
	struct conf_globals g;
	struct conf_renew renew;	/* global table */
	struct conf_dns_primary *dns_primary;
	size_t n_dns_primary;
	struct conf_dns dns;
	struct conf_server_section server[CONF_SERVER_N];
	struct conf_ssh ssh;

	bool have_ca_info;		/* conf.d/ca-info.conf exists */
	bool ca_info_failed;		/* ... but did not parse (reported) */
	struct conf_ca *cas;
	size_t n_cas;
	struct strvec bad_cas;		/* entries with errors (reported) */

	struct conf_service **services;	/* every service loaded: the
					 * selected ones, then referenced CAs */
	size_t n_services;
	struct conf_group *groups;	/* this run's groups, in order */
	size_t n_groups;
};

/* The command-line selection (cli.md §4); config knows nothing of argv. */
struct conf_select {
	const char *group;
	const char *const *services;
	size_t n_services;
	bool all;		/* ALL / '*' / no list: every discovered service */
};

void conf_init(struct conf *c);
void conf_clear(struct conf *c);

/*
 * Load and check everything the run will use: ssl-mgr.conf, ca-info.conf,
 * every selected service file and the service files of the local CAs they
 * name. have_sel false: the run's groups are the active [[groups]];
 * otherwise exactly sel[0..n_sel) (groups need not be active).
 * c must come fresh from conf_init(); d may already hold diagnostics
 * (new ones are appended). Reads $SSLM_CERTBOT and $HOME. Returns 0 when
 * this load added no error (warnings allowed), -1 otherwise; c is filled
 * as far as it could be either way and must be cleared with conf_clear().
 */
int conf_load(struct conf *c, const struct conf_topdir *td,
    const struct conf_select *sel, size_t n_sel, bool have_sel,
    struct conf_diags *d);

/* Look-ups in a loaded model; NULL when absent. */
const struct conf_group *conf_find_group(const struct conf *c,
    const char *group);
const struct conf_service *conf_find_service(const struct conf *c,
    const char *group, const char *service);
const struct conf_ca *conf_find_ca(const struct conf *c, const char *name);

#endif /* SSLM_CONF_H */
