/*
 * One service file conf.d/<group>/<service> (config.md §5): identity keys
 * first (a file under the wrong name is the likeliest mistake), then the
 * signer, the tables and the checks that depend on the signer.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

static const char *const top_keys[] = {
	"name", "group", "service", "signing_ca", "renew_expire_days",
	"renew_expire_days_spread", "ca_account", "dane_tls", "dane_tls_ttl",
};
#define N_TOP_KEYS (sizeof(top_keys) / sizeof(top_keys[0]))

static const char *const signer_names[] = {
	[CONF_SIGNER_SELF] = "self-signed",
	[CONF_SIGNER_LOCAL_CA] = "local CA",
	[CONF_SIGNER_CERTBOT_DNS01] = "certbot dns-01",
	[CONF_SIGNER_CERTBOT_HTTP01] = "certbot http-01",
};

const char *
conf_signer_name(enum conf_signer signer)
{
	if ((size_t)signer >= sizeof(signer_names) / sizeof(signer_names[0]))
		return "?";
	return signer_names[signer];
}

void
service_free(struct conf_service *s)
{
	if (s == NULL)
		return;
	free(s->group);
	free(s->service);
	free(s->name);
	free(s->path);
	free(s->relpath);
	free(s->signing_ca);
	free(s->ca_account);
	free(s->x509.CN);
	free(s->x509.O);
	free(s->x509.OU);
	free(s->x509.L);
	free(s->x509.ST);
	free(s->x509.C);
	free(s->x509.email);
	sans_free_list(s->x509.sans, s->x509.n_sans);
	sans_free_list(s->x509.names, s->x509.n_names);
	free(s->dane);
	renew_clear(&s->renew);
	free(s);
}

/*
 * [KeyOpts], [X509], [CA]: section names match case-insensitively
 * (config.md §5.3). Two spellings of one section is an error, since
 * which one the user meant is a guess.
 */
static const struct toml_value *
find_section(const struct keyctx *top, const char *name, const char **written)
{
	const struct toml_value *root = top->tbl, *found = NULL;
	int found_line = 0;

	*written = NULL;
	for (size_t i = 0; i < root->n_entries; i++) {
		const struct toml_entry *e = &root->entries[i];

		if (!str_case_eq(e->key, name))
			continue;
		if (found != NULL) {
			diag_error(top->d, top->rel, e->line, "[%s]: defined "
			    "twice ([%s] on line %d); section names are "
			    "case-insensitive", e->key, *written, found_line);
			continue;
		}
		*written = e->key;
		found_line = e->line;
		if (e->value->kind != TOML_TABLE) {
			char got[128];

			diag_error(top->d, top->rel, e->line, "[%s]: expected a "
			    "table, got %s%s%s%s", e->key, describe_value(e->value,
			    got, sizeof(got)), e->value->kind == TOML_ARRAY ?
			    " (write [" : "", e->value->kind == TOML_ARRAY ?
			    e->key : "", e->value->kind == TOML_ARRAY ?
			    "], not [[...]])" : "");
			found = root;	/* remember it, but give no table */
			continue;
		}
		found = e->value;
	}
	return found == root ? NULL : found;
}

/* group = / service = must name this very file. */
static void
identity(const struct keyctx *kc, const char *key, const char *want,
    const char *what)
{
	const char *v;
	int line = 0, r = get_string(kc, key, &v, &line);

	if (r == 0)
		kerr(kc, 0, key, "required, missing (must be '%s')", want);
	else if (r == 1 && strcmp(v, want) != 0)
		kerr(kc, line, key, "'%s' does not match the %s '%s'", v, what,
		    want);
}

/* signing_ca: '' or 'self' signs itself, else a ca-info.conf entry. */
static bool
signer_load(const struct conf *c, struct conf_service *s,
    const struct keyctx *kc)
{
	const char *v = "", *hint;
	const char **names;
	int line = 0;
	bool ok = get_string(kc, "signing_ca", &v, &line) >= 0;

	/* a wrong type is reported; the model still gets a string */
	if ((s->signing_ca = strdup(ok ? v : "")) == NULL) {
		diag_oom(kc->d);
		return false;
	}
	if (!ok)
		return false;
	s->signing_ca_line = line;
	if (v[0] == '\0' || str_case_eq(v, "self")) {
		s->signer = CONF_SIGNER_SELF;
		return true;
	}
	if ((s->ca = conf_find_ca(c, v)) == NULL) {
		if (c->ca_info_failed || strvec_contains(&c->bad_cas, v))
			return false;	/* already reported */
		if (!c->have_ca_info) {
			kerr(kc, line, "signing_ca", "unknown signing CA '%s' "
			    "(conf.d/ca-info.conf is missing)", v);
			return false;
		}
		names = calloc(c->n_cas + 1, sizeof(*names));
		for (size_t i = 0; names != NULL && i < c->n_cas; i++)
			names[i] = c->cas[i].name;
		hint = names != NULL ? nearest(v, names, c->n_cas) : NULL;
		kerr(kc, line, "signing_ca", "unknown signing CA '%s' (not in "
		    "conf.d/ca-info.conf%s%s%s)", v,
		    hint != NULL ? "; did you mean '" : "",
		    hint != NULL ? hint : "", hint != NULL ? "'?" : "");
		free(names);
		return false;
	}
	if (s->ca->type == CONF_CA_LOCAL) {
		s->signer = CONF_SIGNER_LOCAL_CA;
		if (s->is_ca_group && strcmp(v, s->service) == 0) {
			kerr(kc, line, "signing_ca", "'%s' cannot sign itself "
			    "(write signing_ca = 'self' for a root CA)", v);
			return false;
		}
		return true;
	}
	if (s->ca->validation == CONF_VALIDATION_NONE)
		return false;	/* reported with the ca-info entry */
	s->signer = s->ca->validation == CONF_VALIDATION_HTTP01 ?
	    CONF_SIGNER_CERTBOT_HTTP01 : CONF_SIGNER_CERTBOT_DNS01;
	return true;
}

/* 5.4's per-service renew_expire_days(_spread) -> this service's N = 90
 * point (decision O4: they win over everything). */
static void
renew_load(const struct conf *c, struct conf_service *s,
    const struct keyctx *kc)
{
	int v, line = 0;

	if (renew_copy(&s->renew, &c->renew) != 0) {
		diag_oom(kc->d);
		return;
	}
	if (get_int(kc, "renew_expire_days", 0, INT_MAX, &v, &line) == 1) {
		kwarn(kc, line, "renew_expire_days", "deprecated; used as "
		    "target_90 = %d for this service", v);
		if (renew_curve_set(&s->renew.target, 90, v) != 0)
			diag_oom(kc->d);
	}
	if (get_int(kc, "renew_expire_days_spread", 0, INT_MAX, &v, &line) ==
	    1) {
		kwarn(kc, line, "renew_expire_days_spread", "deprecated; used "
		    "as rand_adj_90 = %d for this service", v);
		if (renew_curve_set(&s->renew.rand_adj, 90, v) != 0)
			diag_oom(kc->d);
	}
}

static void
account_load(struct conf_service *s, const struct keyctx *kc)
{
	const char *v;
	int line = 0;

	if (get_string(kc, "ca_account", &v, &line) == 1) {
		if (!str_is_safe_name(v))
			kerr(kc, line, "ca_account", "'%s' is not an account id "
			    "(the folder name under the account directory)", v);
		else if (s->ca == NULL || s->ca->type != CONF_CA_CERTBOT)
			kwarn(kc, line, "ca_account", "ignored: not signed by a "
			    "certbot CA");
		else if ((s->ca_account = strdup(v)) == NULL)
			diag_oom(kc->d);
		return;
	}
	if (s->ca != NULL && s->ca->account != NULL &&
	    (s->ca_account = strdup(s->ca->account)) == NULL)
		diag_oom(kc->d);
}

/* Users of the model may rely on the subject strings being set. */
static int
x509_fill_empty(struct conf_x509 *x)
{
	char **f[] = { &x->CN, &x->O, &x->OU, &x->L, &x->ST, &x->C, &x->email };

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (*f[i] == NULL && (*f[i] = strdup("")) == NULL)
			return -1;
	return 0;
}

/* Rules that need the signer, the key and the names together. */
static void
signer_checks(struct conf_service *s, const struct keyctx *kk,
    const struct keyctx *kx)
{
	bool certbot = s->signer == CONF_SIGNER_CERTBOT_DNS01 ||
	    s->signer == CONF_SIGNER_CERTBOT_HTTP01;

	if (!certbot)
		return;
	if (s->key.ktype == CONF_KTYPE_ED25519)
		kerr(kk, toml_table_get(kk->tbl, "ktype")->line, "ktype",
		    "ed25519 keys are only for self-signed and local-CA "
		    "services (ACME CAs do not issue for them)");
	else if (s->key.ktype == CONF_KTYPE_EC &&
	    strcmp(s->key.ec_curve, "secp521r1") == 0)
		kwarn(kk, 0, "ec_algo", "Let's Encrypt does not accept "
		    "secp521r1 keys");
	else if (s->key.ktype == CONF_KTYPE_RSA && s->key.rsa_bits > 4096)
		kwarn(kk, 0, "rsa_bits", "Let's Encrypt accepts at most 4096 "
		    "bits");
	if (kx->tbl != NULL)
		sans_check_certbot(s, kx);
}

struct conf_service *
service_load(const struct conf *c, const char *group, const char *service,
    bool selected, struct conf_diags *d)
{
	struct conf_service *s = NULL;
	struct toml_value *root = NULL;
	struct sslm_err err;
	struct keyctx top, kk, kx, kca;
	const char *skip[3], *w;
	const char *name;
	size_t n_skip = 0;
	int line = 0, r;
	bool signer_ok;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->group = strdup(group)) == NULL ||
	    (s->service = strdup(service)) == NULL ||
	    (s->relpath = str_printf("conf.d/%s/%s", group, service)) == NULL ||
	    (s->path = str_printf("%s/%s/%s", c->conf_dir, group, service)) ==
	    NULL)
		goto oom;
	s->selected = selected;
	s->is_ca_group = strcmp(group, "ca") == 0;
	sslm_err_clear(&err);
	if ((root = toml_parse_file(s->path, s->relpath, &err)) == NULL) {
		diag_add_raw(d, CONF_DIAG_ERROR, err.msg);
		service_free(s);
		return NULL;
	}
	top = (struct keyctx){ d, s->relpath, NULL, root };

	identity(&top, "group", group, "directory");
	identity(&top, "service", service, "file name");
	r = get_string(&top, "name", &name, &line);
	if (r == 0 || (r == 1 && name[0] == '\0'))
		kerr(&top, line, "name", "required, %s (a descriptive name)",
		    r == 0 ? "missing" : "got ''");
	if ((s->name = strdup(r == 1 ? name : "")) == NULL)
		goto oom;
	signer_ok = signer_load(c, s, &top);
	account_load(s, &top);
	renew_load(c, s, &top);
	dane_load(s, &top);

	kk = (struct keyctx){ d, s->relpath, "[KeyOpts]",
	    find_section(&top, "KeyOpts", &w) };
	if (w != NULL)
		skip[n_skip++] = w;
	kca = (struct keyctx){ d, s->relpath, "[CA]",
	    find_section(&top, "CA", &w) };
	if (w != NULL)
		skip[n_skip++] = w;
	kx = (struct keyctx){ d, s->relpath, "[X509]",
	    find_section(&top, "X509", &w) };
	if (w != NULL)
		skip[n_skip++] = w;
	warn_unknown_keys(&top, top_keys, N_TOP_KEYS, skip, n_skip);

	keyopts_load(s, &kk);
	ca_section_load(s, &kca);	/* before X509: [CA] changes its rules */
	if (kx.tbl != NULL)
		x509_load(s, &kx);
	else if (w == NULL)
		diag_error(d, s->relpath, 1, "[X509]: required section missing "
		    "(CN, O, C, sans)");
	/* a CA without validity would sign for one day (quirk Q18) */
	if (s->is_ca_group && !s->ca_sec.present && kca.tbl == NULL)
		diag_error(d, s->relpath, 1, "[CA]: required in group 'ca' "
		    "(sign_end_days, digest)");
	if (signer_ok)
		signer_checks(s, &kk, &kx);
	if (x509_fill_empty(&s->x509) != 0)
		goto oom;
	toml_free(root);
	return s;
 oom:
	diag_oom(d);
	toml_free(root);
	service_free(s);
	return NULL;
}
