/*
 * Private to src/config/: the helpers the loader's files share. Nothing
 * outside this folder includes it.
 */
#ifndef SSLM_CONF_INTERNAL_H
#define SSLM_CONF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/common.h"
#include "config/conf.h"
#include "toml/toml.h"

/* ---- diags.c ---- */

/* Add one line; "rel:line: " is put in front when rel is set (no line when
 * line <= 0). An allocation failure sets d->oom and still counts. */
void diag_error(struct conf_diags *d, const char *rel, int line,
    const char *fmt, ...) SSLM_PRINTF(4, 5);
void diag_warn(struct conf_diags *d, const char *rel, int line,
    const char *fmt, ...) SSLM_PRINTF(4, 5);
/* A message already formatted (TOML syntax errors). */
void diag_add_raw(struct conf_diags *d, enum conf_diag_level level,
    const char *msg);
/* Put the problems found since index start (all of one file) in line
 * order; problems of the same line keep the order they were found in. */
void diag_sort_from(struct conf_diags *d, size_t start);
/* Record an allocation failure as an error. */
void diag_oom(struct conf_diags *d);

/* ---- value.c: typed access to one table ----
 *
 * A key context names where we are for messages: the file (relative to
 * TOP) and the table label ("[globals]", "[X509]", "[[groups]]", or NULL at
 * a file's top level). Messages come out as
 * "rel:line: [table] key: problem".
 */
struct keyctx {
	struct conf_diags *d;
	const char *rel;
	const char *label;		/* NULL at the top level */
	const struct toml_value *tbl;	/* may be NULL: every key absent */
};

/* Error / warning about one key of the table. */
void kerr(const struct keyctx *kc, int line, const char *key,
    const char *fmt, ...) SSLM_PRINTF(4, 5);
void kwarn(const struct keyctx *kc, int line, const char *key,
    const char *fmt, ...) SSLM_PRINTF(4, 5);
/* Line of the table header (1 for a file's top level). */
int tbl_line(const struct keyctx *kc);

/* "string 'x'", "integer 5", "float 90.0", "boolean true", "array", ...
 * into buf (always terminated). */
const char *describe_value(const struct toml_value *v, char *buf, size_t len);

/* Report "expected <what>, got <describe(v)>" for key (or "key[i]"). */
void type_error(const struct keyctx *kc, const char *key,
    const struct toml_value *v, const char *what);

/*
 * Getters: return 0 when the key is absent (out untouched), 1 when present
 * and valid, -1 when present but wrong (already reported). *line (may be
 * NULL) gets the value's line when present.
 */
int get_string(const struct keyctx *kc, const char *key, const char **out,
    int *line);
int get_bool(const struct keyctx *kc, const char *key, bool *out, int *line);
/* Integer in [lo, hi]. */
int get_int(const struct keyctx *kc, const char *key, long long lo,
    long long hi, int *out, int *line);
/* Integer or float (int accepted for float keys). */
int get_number(const struct keyctx *kc, const char *key, double *out,
    int *line);
/* Array of strings; each element non-empty when nonempty_items. */
int get_strings(const struct keyctx *kc, const char *key, bool nonempty_items,
    struct strvec *out, int *line);
/* A string or an array of strings; empty strings are dropped. */
int get_string_or_strings(const struct keyctx *kc, const char *key,
    struct strvec *out, int *line);

/* The string value of v when it is a string without NUL bytes. */
const char *value_str(const struct toml_value *v);
bool str_is_ascii(const char *s);

/*
 * Warn about every entry of kc->tbl whose key is not in known[] (n known
 * keys), with the nearest known key as a hint. Keys listed in skip[] are
 * passed over silently (handled elsewhere).
 */
void warn_unknown_keys(const struct keyctx *kc, const char *const *known,
    size_t n_known, const char *const *skip, size_t n_skip);
/* The nearest of cands[] to word, or NULL when none is close. */
const char *nearest(const char *word, const char *const *cands, size_t n);

/* ---- paths.c (decision O5) ---- */

/* TOP-relative resolution of a path: absolute paths are kept, relative
 * ones joined to top with "." components dropped. NULL on OOM. */
char *path_resolve(const char *top, const char *path);
/* A program: resolved like a path when it holds a '/', kept as a bare name
 * (PATH look-up) otherwise. */
char *prog_resolve(const char *top, const char *prog);
/* "~/x" -> $HOME/x, otherwise path_resolve(). */
char *path_resolve_home(const char *top, const char *path);
/* Does the path contain a ".." component? */
bool path_has_dotdot(const char *path);
char *path_join(const char *a, const char *b);

/* ---- globals.c ---- */
int globals_load(struct conf *c, const struct toml_value *root,
    const char *rel, struct conf_diags *d, int *legacy_red, int *legacy_spread,
    int *legacy_red_line, int *legacy_spread_line);

/* ---- renew_info.c ---- */
/* Built-in points. */
int renew_builtin(struct conf_renew *r);
void renew_clear(struct conf_renew *r);
int renew_copy(struct conf_renew *dst, const struct conf_renew *src);
/* Set (replace within 0.1, or insert sorted). */
int renew_curve_set(struct conf_renew_curve *cv, double days, double value);
/* Find the value at days (within 0.1); false when there is no such point. */
bool renew_curve_get(const struct conf_renew_curve *cv, double days,
    double *value);
/* [renew_info] + the [globals] legacy keys (-1 when absent) -> c->renew. */
int renew_info_load(struct conf *c, const struct toml_value *root,
    const char *rel, struct conf_diags *d, int legacy_red, int legacy_spread,
    int legacy_red_line, int legacy_spread_line);

/* ---- groups.c ---- */
struct cfg_group {		/* one active [[groups]] entry */
	char *domain;
	struct strvec services;
	bool wildcard;
	int line;		/* of the entry's header */
	int domain_line;	/* of its domain value (0: absent) */
	int services_line;
};

struct cfg_groups {
	struct cfg_group *v;
	size_t n;
	bool missing;		/* no [[groups]] at all */
	bool bad;		/* present but not an array of tables */
	bool entry_errors;	/* some entry had errors (reported) */
};

void cfg_groups_clear(struct cfg_groups *g);
int groups_load(struct cfg_groups *out, const struct toml_value *root,
    const char *rel, struct conf_diags *d);
int dns_primary_load(struct conf *c, const struct toml_value *root,
    const char *rel, struct conf_diags *d);
/* The [[dns_primary]] entry for a look-up domain, NULL when none matches. */
const struct conf_dns_primary *dns_primary_select(const struct conf *c,
    const char *domain);

/* ---- sections.c ---- */
int sections_load(struct conf *c, const struct toml_value *root,
    const char *rel, struct conf_diags *d);
int ssh_load(struct conf *c, const struct toml_value *root, const char *rel,
    struct conf_diags *d);

/* ---- ca_info.c ---- */
int ca_info_load(struct conf *c, const struct toml_value *root,
    const char *rel, struct conf_diags *d);

/* ---- service.c ---- */
/*
 * Parse and check one service file. ca_names: how a local CA reference is
 * resolved later: the service records ca_service_name (the CA's name) and
 * the loader links ca_service after loading. Returns the service (also on
 * errors, as far as it was read) or NULL when the file could not be parsed.
 */
struct conf_service *service_load(const struct conf *c, const char *group,
    const char *service, bool selected, struct conf_diags *d);
void service_free(struct conf_service *s);

/* ---- service_sections.c ---- */
void keyopts_load(struct conf_service *s, const struct keyctx *kc);
void ca_section_load(struct conf_service *s, const struct keyctx *kc);
void dane_load(struct conf_service *s, const struct keyctx *kc);
void x509_load(struct conf_service *s, const struct keyctx *kc);

/* ---- sans.c ---- */
/* Normalise CN and sans (config.md §5.3) into s->x509; checks that do not
 * depend on the signer. */
void sans_load(struct conf_service *s, const struct keyctx *kc,
    const struct toml_value *sans);
/* The certbot limits: no IPs, at most 100 names without ca_server, no
 * wildcard with http-01, CN = group. */
void sans_check_certbot(const struct conf_service *s, const struct keyctx *kc);
void sans_free_list(struct conf_san *v, size_t n);
/* Is text a DNS name of LDH labels ('_' allowed, optional "*." first)? */
bool sans_is_dns_name(const char *name);

/* ---- discover.c (config.md §6) ---- */
/* Service files of conf.d/<group>, sorted, with warnings for what is
 * skipped. Returns 0, -1 when the directory cannot be read (reported). */
int discover_services(const struct conf *c, const char *group,
    struct strvec *out, struct conf_diags *d);
/* Does the file look like a service file (the five markers)? */
bool discover_looks_like_service(const char *path);

/* ---- load.c / select.c / checks.c: the loader's state ---- */

/* A discovered (wildcard) service list, kept so a group is listed once. */
struct disc_cache {
	char *group;
	struct strvec names;
	int rc;
};

struct loader {
	struct conf *c;
	struct conf_diags *d;
	bool main_ok;			/* ssl-mgr.conf parsed */
	struct cfg_groups cg;		/* active [[groups]] */
	struct strvec tried;		/* "group/service" files already read */
	struct disc_cache *disc;
	size_t n_disc;
};

/* Build c->groups from the selection (or the active [[groups]]) and load
 * every selected service file. */
void select_groups(struct loader *L, const struct conf_select *sel,
    size_t n_sel, bool have_sel);
/* Load the service files of the local CAs the loaded services name. */
void select_ca_refs(struct loader *L);
/* Each group's configured service list (TLSA aggregation). */
void select_configured(struct loader *L);
/* A (cached) discovery of conf.d/<group>; NULL on OOM. */
const struct disc_cache *select_discover(struct loader *L, const char *group);

/* Cross-checks over the whole model (DNS, web, prod_cert_dir). */
void checks_run(struct loader *L);

/* ---- model.c ---- */
void conf_globals_clear(struct conf_globals *g);
void conf_cmd_clear(struct conf_cmd *cmd);
void conf_svc_deps_free(struct conf_svc_dep *v, size_t n);

#endif /* SSLM_CONF_INTERNAL_H */
