/*
 * conf.d/ca-info.conf (config.md §4): one table per certificate authority,
 * the table name being what service files write as signing_ca.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/internal.h"

static const char *const ca_keys[] = {
	"ca_desc", "ca_type", "ca_validation", "ca_preferred_chain",
	"ca_preferred_acme_profile", "ca_server", "ca_account", "ca_eab_kid",
	"ca_eab_hmac_key",
};

/* Keys that only mean something for an ACME CA. */
static const char *const acme_only[] = {
	"ca_validation", "ca_preferred_chain", "ca_preferred_acme_profile",
	"ca_server", "ca_account", "ca_eab_kid", "ca_eab_hmac_key",
};

static bool
is_base64url(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '='))
			return false;
	}
	return true;
}

/* A string key copied into *dst (NULL stays when absent); empty strings
 * are an error when nonempty. */
static void
str_key(const struct keyctx *kc, const char *key, bool nonempty,
    const char *what, char **dst)
{
	const char *s;
	int line = 0;

	if (get_string(kc, key, &s, &line) != 1)
		return;
	if (nonempty && s[0] == '\0') {
		kerr(kc, line, key, "required, got '' (%s)", what);
		return;
	}
	free(*dst);
	if ((*dst = strdup(s)) == NULL)
		diag_oom(kc->d);
}

static void
ca_type_load(const struct keyctx *kc, struct conf_ca *ca, bool *ok)
{
	const char *s;
	int line = 0, r = get_string(kc, "ca_type", &s, &line);

	*ok = false;
	if (r == 0)
		kerr(kc, 0, "ca_type", "required, missing (self, local, certbot "
		    "or letsencrypt)");
	if (r != 1)
		return;
	if (str_case_eq(s, "self") || str_case_eq(s, "local"))
		ca->type = CONF_CA_LOCAL;
	else if (str_case_eq(s, "certbot") || str_case_eq(s, "letsencrypt"))
		ca->type = CONF_CA_CERTBOT;
	else {
		kerr(kc, line, "ca_type", "unknown CA type '%s' (self, local, "
		    "certbot or letsencrypt)", s);
		return;
	}
	*ok = true;
}

static void
acme_load(const struct keyctx *kc, struct conf_ca *ca)
{
	const char *s;
	int line = 0, r;

	r = get_string(kc, "ca_validation", &s, &line);
	if (r == 0)
		kerr(kc, 0, "ca_validation", "required, missing (http-01 or "
		    "dns-01)");
	else if (r == 1) {
		/* matched by prefix, as the original does */
		if (strncasecmp(s, "http", 4) == 0)
			ca->validation = CONF_VALIDATION_HTTP01;
		else if (strncasecmp(s, "dns", 3) == 0)
			ca->validation = CONF_VALIDATION_DNS01;
		else
			kerr(kc, line, "ca_validation", "unknown validation '%s' "
			    "(http-01 or dns-01)", s);
	}
	str_key(kc, "ca_preferred_chain", true, "e.g. 'ISRG Root X2'",
	    &ca->preferred_chain);
	if (get_string(kc, "ca_server", &s, &line) == 1) {
		if (strncasecmp(s, "https://", 8) == 0 && s[8] != '\0')
			;
		else if (strncasecmp(s, "http://", 7) == 0 && s[7] != '\0')
			kwarn(kc, line, "ca_server", "plain http; use it only "
			    "for test servers");
		else {
			kerr(kc, line, "ca_server", "'%s' is not an ACME "
			    "directory URL (https://.../directory)", s);
			s = NULL;
		}
		if (s != NULL && (ca->server = strdup(s)) == NULL)
			diag_oom(kc->d);
	}
	/* Default profile only for Let's Encrypt; '' switches it off. */
	if (get_string(kc, "ca_preferred_acme_profile", &s, &line) == 1) {
		ca->acme_profile_explicit = true;
		if (s[0] != '\0' && (ca->acme_profile = strdup(s)) == NULL)
			diag_oom(kc->d);
	} else if (toml_table_get(kc->tbl, "ca_preferred_acme_profile") ==
	    NULL && ca->server == NULL &&
	    (ca->acme_profile = strdup("tlsserver")) == NULL)
		diag_oom(kc->d);
	if (get_string(kc, "ca_account", &s, &line) == 1) {
		if (!str_is_safe_name(s))
			kerr(kc, line, "ca_account", "'%s' is not an account id "
			    "(the folder name under the account directory)", s);
		else if ((ca->account = strdup(s)) == NULL)
			diag_oom(kc->d);
	}
	str_key(kc, "ca_eab_kid", true, "external account key id",
	    &ca->eab_kid);
	/* The HMAC key is a secret: never echo it. */
	if (get_string(kc, "ca_eab_hmac_key", &s, &line) == 1) {
		if (s[0] == '\0' || !is_base64url(s))
			kerr(kc, line, "ca_eab_hmac_key", "must be a base64url "
			    "key");
		else if ((ca->eab_hmac_key = strdup(s)) == NULL)
			diag_oom(kc->d);
	}
	if ((ca->eab_kid == NULL) != (ca->eab_hmac_key == NULL) &&
	    toml_table_get(kc->tbl, ca->eab_kid == NULL ? "ca_eab_kid" :
	    "ca_eab_hmac_key") == NULL)
		kerr(kc, 0, ca->eab_kid == NULL ? "ca_eab_kid" :
		    "ca_eab_hmac_key", "required when %s is set (set both "
		    "EAB keys or neither)", ca->eab_kid == NULL ?
		    "ca_eab_hmac_key" : "ca_eab_kid");
}

int
ca_info_load(struct conf *c, const struct toml_value *root, const char *rel,
    struct conf_diags *d)
{
	c->have_ca_info = true;
	if ((c->cas = calloc(root->n_entries + 1, sizeof(*c->cas))) == NULL) {
		diag_oom(d);
		return -1;
	}
	for (size_t i = 0; i < root->n_entries; i++) {
		const struct toml_entry *e = &root->entries[i];
		char label[300];
		struct keyctx kc = { d, rel, label, e->value };
		struct conf_ca *ca = &c->cas[c->n_cas];
		bool ok;

		if (e->value->kind != TOML_TABLE) {
			diag_warn(d, rel, e->line, "%s: not a CA table, ignored "
			    "(write [<ca name>] before the CA's keys)", e->key);
			continue;
		}
		snprintf(label, sizeof(label), "[%s]", e->key);
		warn_unknown_keys(&kc, ca_keys, sizeof(ca_keys) /
		    sizeof(ca_keys[0]), NULL, 0);
		if ((ca->name = strdup(e->key)) == NULL ||
		    (ca->desc = strdup("")) == NULL) {
			diag_oom(d);
			continue;
		}
		ca->line = e->value->line;
		str_key(&kc, "ca_desc", false, NULL, &ca->desc);
		ca_type_load(&kc, ca, &ok);
		if (!ok) {
			/* Remembered so services naming it get no second,
			 * misleading "unknown signing CA" error. */
			if (strvec_push(&c->bad_cas, ca->name) != 0)
				diag_oom(d);
			free(ca->name);
			free(ca->desc);
			memset(ca, 0, sizeof(*ca));
			continue;
		}
		if (ca->type == CONF_CA_CERTBOT)
			acme_load(&kc, ca);
		else {
			ca->validation = CONF_VALIDATION_NONE;
			/* a local CA is a service of group ca */
			if (!str_is_safe_name(ca->name))
				diag_error(d, rel, ca->line, "[%s]: not a valid "
				    "name for a local CA (it names the service "
				    "conf.d/ca/<name>)", ca->name);
			for (size_t j = 0; j < sizeof(acme_only) /
			    sizeof(acme_only[0]); j++) {
				const struct toml_entry *ke =
				    toml_table_entry(e->value, acme_only[j]);

				if (ke != NULL)
					kwarn(&kc, ke->line, acme_only[j],
					    "ignored for a local CA");
			}
		}
		c->n_cas++;
	}
	return 0;
}
