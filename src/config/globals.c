/*
 * [globals] of ssl-mgr.conf (config.md §3.2). Keys written at the top of
 * the file, before any table, count as [globals] keys; a key set in both
 * places is an error, because which one the user meant is a guess.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

#ifndef SSLM_HOOKDIR
#define SSLM_HOOKDIR "/usr/lib/ssl-mgr"
#endif

static const char *const globals_keys[] = {
	"verb", "sslm_auth_hook", "prod_cert_dir", "logdir", "clean_keep",
	"min_roll_mins", "renew_expire_days", "renew_expire_days_spread",
	"dns_check_delay", "dns_xtra_ns", "post_copy_cmd",
	"preferred_acme_profile", "certbot", "dns_check_max_wait",
	"dns_xtra_ns_max_wait", "dns_xtra_ns_strict",
};
#define N_GLOBALS_KEYS (sizeof(globals_keys) / sizeof(globals_keys[0]))

/* The tables of ssl-mgr.conf; anything else at the top level is either a
 * [globals] key or unknown. */
static const char *const main_tables[] = {
	"globals", "renew_info", "groups", "dns_primary", "dns", "smtp",
	"imap", "web", "other", "ssh",
};
#define N_MAIN_TABLES (sizeof(main_tables) / sizeof(main_tables[0]))

static const char *const default_xtra_ns[] = {
	"1.1.1.1", "8.8.8.8", "9.9.9.9", "208.67.222.222",
};

/* Where a [globals] key was found: the [globals] table or the top level. */
struct gctx {
	struct keyctx top;
	struct keyctx glob;
};

static const struct keyctx *
pick(const struct gctx *g, const char *key)
{
	const struct toml_value *vt = toml_table_get(g->top.tbl, key);
	const struct toml_value *vg = toml_table_get(g->glob.tbl, key);

	if (vt != NULL && vg != NULL)
		kerr(&g->glob, vg->line, key, "also set at the top level on "
		    "line %d; set it once", vt->line);
	return vg != NULL ? &g->glob : &g->top;
}

/* The sslm-auth-hook path reaches /bin/sh through certbot: keep it to
 * characters no shell treats specially. */
static bool
hook_chars_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || strchr("/._+-", ch) != NULL))
			return false;
	}
	return true;
}

static int
set_str(char **dst, char *val, struct conf_diags *d)
{
	if (val == NULL) {
		diag_oom(d);
		return -1;
	}
	free(*dst);
	*dst = val;
	return 0;
}

/* A path key: non-empty string, resolved against TOP. */
static void
path_key(const struct gctx *g, const char *top, const char *key,
    const char *what, char **dst, bool *written_abs, int *line_out)
{
	const struct keyctx *kc = pick(g, key);
	const char *s;
	int line = 0;

	if (get_string(kc, key, &s, &line) != 1)
		return;
	if (s[0] == '\0') {
		kerr(kc, line, key, "required, got '' (%s)", what);
		return;
	}
	if (written_abs != NULL)
		*written_abs = s[0] == '/' && !path_has_dotdot(s);
	if (line_out != NULL)
		*line_out = line;
	set_str(dst, path_resolve(top, s), kc->d);
}

static void
post_copy_load(struct conf *c, const struct keyctx *kc)
{
	const struct toml_value *v = toml_table_get(kc->tbl, "post_copy_cmd");
	struct conf_globals *g = &c->g;

	if (v == NULL)
		return;
	if (v->kind != TOML_ARRAY) {
		type_error(kc, "post_copy_cmd", v, "an array of [host, command] "
		    "pairs");
		return;
	}
	if ((g->post_copy = calloc(v->n_items + 1, sizeof(*g->post_copy))) ==
	    NULL) {
		diag_oom(kc->d);
		return;
	}
	for (size_t i = 0; i < v->n_items; i++) {
		const struct toml_value *it = v->items[i];
		const char *host, *cmd;
		char k[64];

		snprintf(k, sizeof(k), "post_copy_cmd[%zu]", i);
		if (it->kind != TOML_ARRAY) {
			type_error(kc, k, it, "a [host, command] pair");
			continue;
		}
		if (it->n_items != 2) {
			kerr(kc, it->line, k, "expected a [host, command] pair, "
			    "got %zu element%s", it->n_items,
			    it->n_items == 1 ? "" : "s");
			continue;
		}
		host = value_str(it->items[0]);
		cmd = value_str(it->items[1]);
		if (host == NULL || host[0] == '\0' || cmd == NULL ||
		    cmd[0] == '\0') {
			kerr(kc, it->line, k, "host and command must be "
			    "non-empty strings");
			continue;
		}
		g->post_copy[g->n_post_copy].host = strdup(host);
		g->post_copy[g->n_post_copy].cmd = prog_resolve(c->top, cmd);
		g->post_copy[g->n_post_copy].line = it->line;
		if (g->post_copy[g->n_post_copy].host == NULL ||
		    g->post_copy[g->n_post_copy].cmd == NULL)
			diag_oom(kc->d);
		g->n_post_copy++;
	}
}

static void
globals_defaults(struct conf *c, struct conf_diags *d)
{
	struct conf_globals *g = &c->g;

	g->verb = false;
	g->sslm_auth_hook = strdup(SSLM_HOOKDIR "/sslm-auth-hook");
	g->prod_cert_dir = strdup("/etc/ssl-mgr/prod-certs");
	g->prod_cert_dir_absolute = true;
	g->logdir = strdup("/var/log/ssl-mgr");
	g->clean_keep = 10;
	g->min_roll_mins = 90;
	g->dns_check_delay = 240;
	for (size_t i = 0; i < sizeof(default_xtra_ns) /
	    sizeof(default_xtra_ns[0]); i++)
		if (strvec_push(&g->dns_xtra_ns, default_xtra_ns[i]) != 0)
			diag_oom(d);
	g->certbot = strdup("/usr/bin/certbot");
	g->certbot_source = CONF_CERTBOT_DEFAULT;
	g->dns_check_max_wait = 3600;
	g->dns_xtra_ns_max_wait = 600;
	g->dns_xtra_ns_strict = false;
	if (g->sslm_auth_hook == NULL || g->prod_cert_dir == NULL ||
	    g->logdir == NULL || g->certbot == NULL)
		diag_oom(d);
}

/* The environment wins over the file (decisions.md "certbot path"). */
static void
certbot_env(struct conf_globals *g, struct conf_diags *d)
{
	const char *env = getenv("SSLM_CERTBOT");

	if (env != NULL && env[0] != '\0' &&
	    set_str(&g->certbot, strdup(env), d) == 0)
		g->certbot_source = CONF_CERTBOT_ENV;
}

/* Top-level entries that are neither tables of ssl-mgr.conf nor known
 * [globals] keys. */
static void
warn_unknown_top(const struct keyctx *kc)
{
	const struct toml_value *t = kc->tbl;

	for (size_t i = 0; i < t->n_entries; i++) {
		const struct toml_entry *e = &t->entries[i];
		const struct toml_value *v = e->value;
		bool known = false;
		const char *hint;

		for (size_t j = 0; j < N_MAIN_TABLES && !known; j++)
			known = strcmp(e->key, main_tables[j]) == 0;
		for (size_t j = 0; j < N_GLOBALS_KEYS && !known; j++)
			known = strcmp(e->key, globals_keys[j]) == 0;
		if (known)
			continue;
		if (v->kind == TOML_TABLE || (v->kind == TOML_ARRAY &&
		    v->n_items > 0 && v->items[0]->kind == TOML_TABLE)) {
			hint = nearest(e->key, main_tables, N_MAIN_TABLES);
			diag_warn(kc->d, kc->rel, e->line, "%s%s%s: unknown "
			    "table, ignored%s%s%s",
			    v->kind == TOML_TABLE ? "[" : "[[", e->key,
			    v->kind == TOML_TABLE ? "]" : "]]",
			    hint != NULL ? " (did you mean '" : "",
			    hint != NULL ? hint : "",
			    hint != NULL ? "'?)" : "");
			continue;
		}
		hint = nearest(e->key, globals_keys, N_GLOBALS_KEYS);
		kwarn(kc, e->line, e->key, "unknown key, ignored%s%s%s",
		    hint != NULL ? " (did you mean '" : "",
		    hint != NULL ? hint : "", hint != NULL ? "'?)" : "");
	}
}

int
globals_load(struct conf *c, const struct toml_value *root, const char *rel,
    struct conf_diags *d, int *legacy_red, int *legacy_spread,
    int *legacy_red_line, int *legacy_spread_line)
{
	struct conf_globals *g = &c->g;
	const struct toml_value *gt = NULL;
	const struct keyctx *kc;
	struct gctx gc;
	const char *s;
	int line = 0, ival;
	bool b;

	globals_defaults(c, d);
	*legacy_red = *legacy_spread = -1;
	*legacy_red_line = *legacy_spread_line = 0;
	if (root == NULL) {
		certbot_env(g, d);
		return 0;
	}

	gc.top = (struct keyctx){ d, rel, NULL, root };
	gc.glob = (struct keyctx){ d, rel, "[globals]", NULL };
	if ((gt = toml_table_get(root, "globals")) != NULL) {
		if (gt->kind == TOML_TABLE)
			gc.glob.tbl = gt;
		else
			diag_error(d, rel, gt->line, "[globals]: expected a "
			    "table, got %s%s", toml_kind_name(gt->kind),
			    gt->kind == TOML_ARRAY ? " (write [globals], not "
			    "[[globals]])" : "");
	}
	warn_unknown_top(&gc.top);
	warn_unknown_keys(&gc.glob, globals_keys, N_GLOBALS_KEYS, NULL, 0);

	kc = pick(&gc, "verb");
	if (get_bool(kc, "verb", &b, NULL) == 1)
		g->verb = b;

	kc = pick(&gc, "sslm_auth_hook");
	if (get_string(kc, "sslm_auth_hook", &s, &line) == 1) {
		if (s[0] == '\0')
			kerr(kc, line, "sslm_auth_hook", "required, got '' "
			    "(path of the sslm-auth-hook program)");
		else if (set_str(&g->sslm_auth_hook, prog_resolve(c->top, s),
		    d) == 0 && !hook_chars_ok(g->sslm_auth_hook))
			kerr(kc, line, "sslm_auth_hook", "'%s' may only contain "
			    "A-Z a-z 0-9 / . _ + - (certbot runs it through "
			    "/bin/sh)", g->sslm_auth_hook);
	}

	path_key(&gc, c->top, "prod_cert_dir", "production directory",
	    &g->prod_cert_dir, &g->prod_cert_dir_absolute,
	    &g->prod_cert_dir_line);
	path_key(&gc, c->top, "logdir", "log directory", &g->logdir, NULL,
	    NULL);

	kc = pick(&gc, "clean_keep");
	if (get_int(kc, "clean_keep", INT_MIN, INT_MAX, &ival, &line) == 1) {
		if (ival < 1) {
			kwarn(kc, line, "clean_keep", "%d is less than 1, using 1",
			    ival);
			ival = 1;
		}
		g->clean_keep = ival;
	}
	kc = pick(&gc, "min_roll_mins");
	if (get_int(kc, "min_roll_mins", 0, INT_MAX, &ival, NULL) == 1)
		g->min_roll_mins = ival;
	kc = pick(&gc, "renew_expire_days");
	if (get_int(kc, "renew_expire_days", 0, INT_MAX, &ival, &line) == 1) {
		*legacy_red = ival;
		*legacy_red_line = line;
	}
	kc = pick(&gc, "renew_expire_days_spread");
	if (get_int(kc, "renew_expire_days_spread", 0, INT_MAX, &ival,
	    &line) == 1) {
		*legacy_spread = ival;
		*legacy_spread_line = line;
	}
	kc = pick(&gc, "dns_check_delay");
	if (get_int(kc, "dns_check_delay", INT_MIN, INT_MAX, &ival, NULL) == 1)
		g->dns_check_delay = ival > 0 ? ival : 0;	/* <= 0: no wait */

	kc = pick(&gc, "dns_xtra_ns");
	if (toml_table_get(kc->tbl, "dns_xtra_ns") != NULL) {
		struct strvec sv;

		strvec_init(&sv);
		if (get_strings(kc, "dns_xtra_ns", true, &sv, NULL) == 1) {
			strvec_clear(&g->dns_xtra_ns);
			g->dns_xtra_ns = sv;
		} else
			strvec_clear(&sv);
	}

	post_copy_load(c, pick(&gc, "post_copy_cmd"));

	kc = pick(&gc, "preferred_acme_profile");
	if (get_string(kc, "preferred_acme_profile", &s, &line) == 1)
		kwarn(kc, line, "preferred_acme_profile", "ignored; use "
		    "ca_preferred_acme_profile in conf.d/ca-info.conf");

	kc = pick(&gc, "certbot");
	if (get_string(kc, "certbot", &s, &line) == 1) {
		if (s[0] == '\0')
			kerr(kc, line, "certbot", "required, got '' (path of "
			    "the certbot program)");
		else if (set_str(&g->certbot, prog_resolve(c->top, s), d) == 0)
			g->certbot_source = CONF_CERTBOT_KEY;
	}
	certbot_env(g, d);

	kc = pick(&gc, "dns_check_max_wait");
	if (get_int(kc, "dns_check_max_wait", 0, INT_MAX, &ival, NULL) == 1)
		g->dns_check_max_wait = ival;
	kc = pick(&gc, "dns_xtra_ns_max_wait");
	if (get_int(kc, "dns_xtra_ns_max_wait", 0, INT_MAX, &ival, NULL) == 1)
		g->dns_xtra_ns_max_wait = ival;
	if (g->dns_xtra_ns_max_wait > g->dns_check_max_wait)
		g->dns_xtra_ns_max_wait = g->dns_check_max_wait;
	kc = pick(&gc, "dns_xtra_ns_strict");
	if (get_bool(kc, "dns_xtra_ns_strict", &b, NULL) == 1)
		g->dns_xtra_ns_strict = b;
	return 0;
}
