/*
 * The tables of a service file: [KeyOpts] (config.md §5.2, crypto.md §1.1),
 * [CA] (§5.5), the subject of [X509] (§5.3; names are in sans.c) and the
 * dane_tls items (§5.6, tlsa.md §2).
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

static const char *const keyopts_keys[] = {
	"ktype", "ec_algo", "rsa_bits", "bits",
};
static const char *const ca_keys[] = { "sign_end_days", "digest" };

static const struct {
	const char *name, *canonical;
} curves[] = {
	{ "secp256r1", "secp256r1" }, { "prime256v1", "secp256r1" },
	{ "P-256", "secp256r1" },
	{ "secp384r1", "secp384r1" }, { "P-384", "secp384r1" },
	{ "secp521r1", "secp521r1" }, { "P-521", "secp521r1" },
};

static const char *const digests[] = { "sha256", "sha384", "sha512" };

/* rsa_bits (or its alias bits): an integer, or a string of digits. */
static void
rsa_bits_load(struct conf_service *s, const struct keyctx *kc, const char *key)
{
	const struct toml_value *v = toml_table_get(kc->tbl, key);
	long long bits;
	const char *p;

	if (v == NULL)
		return;
	if (v->kind == TOML_INTEGER)
		bits = v->u.i;
	else if (v->kind == TOML_STRING && value_str(v) != NULL &&
	    v->str[0] != '\0' && strlen(v->str) <= 9) {
		for (p = v->str; isdigit((unsigned char)*p); p++)
			;
		if (*p != '\0') {
			type_error(kc, key, v, "an integer");
			return;
		}
		bits = strtoll(v->str, NULL, 10);
	} else {
		type_error(kc, key, v, "an integer");
		return;
	}
	if (bits < 2048 || bits > 16384) {
		kerr(kc, v->line, key, "must be between 2048 and 16384, got %lld",
		    bits);
		return;
	}
	s->key.rsa_bits = (int)bits;
}

void
keyopts_load(struct conf_service *s, const struct keyctx *kc)
{
	const struct toml_entry *e;
	const char *str;
	int line = 0, r;

	s->key.ktype = CONF_KTYPE_EC;
	s->key.ec_curve = "secp384r1";
	s->key.rsa_bits = 4096;
	if (kc->tbl == NULL)
		return;
	s->key.line = tbl_line(kc);
	warn_unknown_keys(kc, keyopts_keys, sizeof(keyopts_keys) /
	    sizeof(keyopts_keys[0]), NULL, 0);
	if ((r = get_string(kc, "ktype", &str, &line)) == 1) {
		if (str[0] == '\0')
			kerr(kc, line, "ktype", "required, got '' (ec, rsa or "
			    "ed25519)");
		else if (str_case_eq(str, "ec"))
			s->key.ktype = CONF_KTYPE_EC;
		else if (str_case_eq(str, "rsa"))
			s->key.ktype = CONF_KTYPE_RSA;
		else if (str_case_eq(str, "ed25519"))
			s->key.ktype = CONF_KTYPE_ED25519;
		else
			kerr(kc, line, "ktype", "unknown key type '%s' (ec, rsa "
			    "or ed25519)", str);
	}
	if (get_string(kc, "ec_algo", &str, &line) == 1) {
		const char *canon = NULL;

		for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
			if (str_case_eq(str, curves[i].name))
				canon = curves[i].canonical;
		if (canon == NULL)
			kerr(kc, line, "ec_algo", "unknown curve '%s' (secp256r1, "
			    "secp384r1 or secp521r1)", str);
		else
			s->key.ec_curve = canon;
	}
	/* The original's examples write bits; it read rsa_bits (quirk Q7). */
	if ((e = toml_table_entry(kc->tbl, "bits")) != NULL) {
		if (toml_table_get(kc->tbl, "rsa_bits") != NULL)
			kwarn(kc, e->line, "bits", "ignored: rsa_bits is set");
		else {
			kwarn(kc, e->line, "bits", "read as rsa_bits (rename it "
			    "to rsa_bits)");
			rsa_bits_load(s, kc, "bits");
		}
	}
	rsa_bits_load(s, kc, "rsa_bits");
	if (s->key.ktype == CONF_KTYPE_ED25519)
		for (size_t i = 1; i < sizeof(keyopts_keys) /
		    sizeof(keyopts_keys[0]); i++)
			if ((e = toml_table_entry(kc->tbl, keyopts_keys[i])) !=
			    NULL)
				kwarn(kc, e->line, keyopts_keys[i], "ignored for "
				    "ed25519 keys");
}

void
ca_section_load(struct conf_service *s, const struct keyctx *kc)
{
	const char *str;
	int line = 0, days, r;

	s->ca_sec.digest = "sha384";	/* what signing falls back to */
	if (kc->tbl == NULL)
		return;
	s->ca_sec.present = true;
	s->ca_sec.line = tbl_line(kc);
	warn_unknown_keys(kc, ca_keys, 2, NULL, 0);
	r = get_int(kc, "sign_end_days", INT_MIN, INT_MAX, &days, NULL);
	if (r == 0)
		kerr(kc, 0, "sign_end_days", "required, missing (validity in "
		    "days of the certificates this service signs)");
	else if (r == 1) {
		s->ca_sec.sign_end_days = days;
		s->ca_sec.validity_days = days > 1 ? days : 1;
	}
	if (get_string(kc, "digest", &str, &line) == 1) {
		const char *found = NULL;

		for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
			if (str_case_eq(str, digests[i]))
				found = digests[i];
		if (found == NULL)
			kerr(kc, line, "digest", "unknown digest '%s' (sha256, "
			    "sha384 or sha512)", str);
		else {
			s->ca_sec.digest = found;
			s->ca_sec.digest_set = true;
		}
	}
}

/* One element of a dane_tls item: an integer in [lo, hi]. */
static bool
dane_int(const struct keyctx *kc, const char *k, const struct toml_value *v,
    const char *what, int lo, int hi, int *out)
{
	char got[128];

	if (v->kind != TOML_INTEGER || v->u.i < lo || v->u.i > hi) {
		kerr(kc, v->line, k, "%s: expected an integer %d-%d, got %s",
		    what, lo, hi, describe_value(v, got, sizeof(got)));
		return false;
	}
	*out = (int)v->u.i;
	return true;
}

static bool
dane_item(const struct keyctx *kc, size_t i, const struct toml_value *it,
    struct conf_dane *o)
{
	const char *proto, *sub;
	char k[64], got[128];
	bool ok = true;

	snprintf(k, sizeof(k), "dane_tls[%zu]", i);
	if (it->kind != TOML_ARRAY) {
		type_error(kc, k, it, "an item [port, proto, usage, selector, "
		    "match] (write dane_tls = [[25, 'tcp', 3, 1, 1]])");
		return false;
	}
	if (it->n_items != 5 && it->n_items != 6) {
		kerr(kc, it->line, k, "expected 5 or 6 elements [port, proto, "
		    "usage, selector, match, subtype], got %zu", it->n_items);
		return false;
	}
	o->line = it->line;
	ok &= dane_int(kc, k, it->items[0], "port", 1, 65535, &o->port);
	proto = value_str(it->items[1]);
	if (proto != NULL && (str_case_eq(proto, "tcp") ||
	    str_case_eq(proto, "udp"))) {
		o->proto[0] = (char)tolower((unsigned char)proto[0]);
		o->proto[1] = (char)tolower((unsigned char)proto[1]);
		o->proto[2] = (char)tolower((unsigned char)proto[2]);
		o->proto[3] = '\0';
	} else {
		kerr(kc, it->items[1]->line, k, "proto: expected 'tcp' or "
		    "'udp', got %s", describe_value(it->items[1], got,
		    sizeof(got)));
		ok = false;
	}
	ok &= dane_int(kc, k, it->items[2], "usage", 0, 3, &o->usage);
	ok &= dane_int(kc, k, it->items[3], "selector", 0, 1, &o->selector);
	ok &= dane_int(kc, k, it->items[4], "match", 0, 2, &o->match);
	o->subtype = o->port == 25 ? CONF_DANE_MX : CONF_DANE_SANS;
	if (it->n_items == 6) {
		sub = value_str(it->items[5]);
		if (sub != NULL && str_case_eq(sub, "MX"))
			o->subtype = CONF_DANE_MX;
		else if (sub != NULL && str_case_eq(sub, "SANS"))
			o->subtype = CONF_DANE_SANS;
		else {
			kerr(kc, it->items[5]->line, k, "subtype: expected 'MX' "
			    "or 'SANS', got %s", describe_value(it->items[5],
			    got, sizeof(got)));
			ok = false;
		}
		o->subtype_explicit = true;
	}
	return ok;
}

void
dane_load(struct conf_service *s, const struct keyctx *kc)
{
	const struct toml_value *v = toml_table_get(kc->tbl, "dane_tls");
	int ttl;

	s->dane_tls_ttl = 1800;
	if (get_int(kc, "dane_tls_ttl", 0, INT_MAX, &ttl, NULL) == 1)
		s->dane_tls_ttl = ttl;
	if (v == NULL)
		return;
	s->dane_line = v->line;
	if (v->kind != TOML_ARRAY) {
		type_error(kc, "dane_tls", v, "an array of [port, proto, usage, "
		    "selector, match] items");
		return;
	}
	if ((s->dane = calloc(v->n_items + 1, sizeof(*s->dane))) == NULL) {
		diag_oom(kc->d);
		return;
	}
	for (size_t i = 0; i < v->n_items; i++)
		if (dane_item(kc, i, v->items[i], &s->dane[s->n_dane]))
			s->n_dane++;
}

/* A subject attribute; "" when absent. */
static char *
subject_attr(const struct keyctx *kc, const char *key, bool required,
    const char *what)
{
	const char *str = NULL;
	int line = 0, r = get_string(kc, key, &str, &line);

	if (required && (r == 0 || (r == 1 && str[0] == '\0')))
		kerr(kc, line, key, "required, %s (%s)", r == 0 ? "missing" :
		    "got ''", what);
	return strdup(r == 1 ? str : "");
}

static const char *const x509_keys[] = {
	"CN", "O", "OU", "L", "ST", "C", "email", "sans",
};

void
x509_load(struct conf_service *s, const struct keyctx *kc)
{
	struct conf_x509 *x = &s->x509;
	const struct toml_value *sans;

	x->line = tbl_line(kc);
	warn_unknown_keys(kc, x509_keys, sizeof(x509_keys) /
	    sizeof(x509_keys[0]), NULL, 0);
	x->O = subject_attr(kc, "O", true, "organisation name");
	x->OU = subject_attr(kc, "OU", false, NULL);
	x->L = subject_attr(kc, "L", false, NULL);
	x->ST = subject_attr(kc, "ST", false, NULL);
	x->C = subject_attr(kc, "C", true, "two-letter country code");
	x->email = subject_attr(kc, "email", false, NULL);
	if (x->O == NULL || x->OU == NULL || x->L == NULL || x->ST == NULL ||
	    x->C == NULL || x->email == NULL) {
		diag_oom(kc->d);
		return;
	}
	if (x->C[0] != '\0' && !(strlen(x->C) == 2 &&
	    isalpha((unsigned char)x->C[0]) && isalpha((unsigned char)x->C[1])))
		kerr(kc, toml_table_get(kc->tbl, "C")->line, "C", "expected a "
		    "two-letter country code, got '%s'", x->C);
	if (!str_is_ascii(x->email))
		kerr(kc, toml_table_get(kc->tbl, "email")->line, "email",
		    "'%s' is not ASCII", x->email);
	sans = toml_table_get(kc->tbl, "sans");
	sans_load(s, kc, sans);
}
