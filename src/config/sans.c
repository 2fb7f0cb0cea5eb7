/*
 * Certificate names (config.md §5.3 "C normalisation and limits", field
 * cases 14-18): ASCII only, DNS names lower-cased without a trailing dot,
 * IP literals compared by value, duplicates dropped (first kept), CIDRs
 * refused, and the certbot limits checked before any key is made.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config/internal.h"

#define LDH_RULE "LDH labels of at most 63 characters, 253 in all, an " \
	"optional leading '*.'"
#define ALABEL_HINT "write internationalised names as A-labels: xn--..."
#define LE_MAX_NAMES 100

bool
sans_is_dns_name(const char *name)
{
	size_t len = strlen(name);
	const char *p = name;

	if (len == 0 || len > 253)
		return false;
	if (str_has_prefix(p, "*.")) {
		p += 2;
		if (*p == '\0')
			return false;
	}
	while (*p != '\0') {
		size_t n = strcspn(p, ".");

		if (n == 0 || n > 63 || p[0] == '-' || p[n - 1] == '-')
			return false;
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)p[i];

			if (!isalnum(ch) && ch != '-' && ch != '_')
				return false;
		}
		p += n;
		if (*p == '.' && *++p == '\0')
			return false;	/* empty last label */
	}
	return true;
}

/* Parse an IP literal into san (canonical text); false when it is none. */
static bool
parse_ip(const char *s, struct conf_san *san)
{
	char buf[INET6_ADDRSTRLEN];

	memset(san->addr, 0, sizeof(san->addr));
	if (inet_pton(AF_INET, s, san->addr) == 1)
		san->family = AF_INET;
	else if (inet_pton(AF_INET6, s, san->addr) == 1)
		san->family = AF_INET6;
	else
		return false;
	if (inet_ntop(san->family, san->addr, buf, sizeof(buf)) == NULL)
		return false;
	san->is_ip = true;
	san->name = strdup(buf);
	return true;
}

static bool
is_cidr(const char *s)
{
	const char *slash = strchr(s, '/');
	struct conf_san tmp;
	char *addr;
	bool ip;

	if (slash == NULL || (addr = strndup(s, (size_t)(slash - s))) == NULL)
		return false;
	memset(&tmp, 0, sizeof(tmp));
	ip = parse_ip(addr, &tmp);
	free(tmp.name);
	free(addr);
	return ip;
}

/* Lower case, one trailing dot removed. */
static char *
dns_normalise(const char *s)
{
	char *n = strdup(s);
	size_t len;

	if (n == NULL)
		return NULL;
	for (char *p = n; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	len = strlen(n);
	if (len > 1 && n[len - 1] == '.')
		n[len - 1] = '\0';
	return n;
}

static bool
san_equal(const struct conf_san *a, const struct conf_san *b)
{
	if (a->is_ip != b->is_ip)
		return false;
	if (a->is_ip)
		return a->family == b->family && memcmp(a->addr, b->addr,
		    a->family == AF_INET ? 4 : 16) == 0;
	return strcmp(a->name, b->name) == 0;
}

/*
 * One name (a sans entry, or CN when cn is set) into *out. Returns false
 * when it is refused (reported).
 */
static bool
name_load(const struct conf_service *s, const struct keyctx *kc,
    const char *k, const char *text, int line, bool cn, struct conf_san *out)
{
	memset(out, 0, sizeof(*out));
	out->line = line;
	if (text[0] == '\0') {
		kerr(kc, line, k, "empty name");
		return false;
	}
	if (!str_is_ascii(text)) {
		kerr(kc, line, k, "'%s' is not ASCII (" ALABEL_HINT ")", text);
		return false;
	}
	if (parse_ip(text, out)) {
		if (out->name == NULL)
			diag_oom(kc->d);
		if (cn && !s->is_ca_group) {
			kerr(kc, line, k, "'%s' is an IP address (use a DNS name "
			    "as CN and list the address in sans)", text);
			return false;
		}
		return out->name != NULL;
	}
	if (is_cidr(text)) {
		kerr(kc, line, k, "'%s' is a network (CIDR), not an address "
		    "(list single IP addresses)", text);
		return false;
	}
	if ((out->name = dns_normalise(text)) == NULL) {
		diag_oom(kc->d);
		return false;
	}
	/* In group ca the CN is free text (a CA's name), kept as written. */
	if (s->is_ca_group)
		return true;
	if (!sans_is_dns_name(out->name)) {
		kerr(kc, line, k, "'%s' is not a valid DNS name (" LDH_RULE ")",
		    text);
		free(out->name);
		out->name = NULL;
		return false;
	}
	return true;
}

void
sans_free_list(struct conf_san *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static int
san_copy(struct conf_san *dst, const struct conf_san *src)
{
	*dst = *src;
	dst->name = strdup(src->name);
	return dst->name == NULL ? -1 : 0;
}

/* names = CN (when not among sans) + sans. */
static int
build_names(struct conf_x509 *x, const struct conf_san *cn, bool have_cn,
    bool ca_group)
{
	size_t n = 0;

	if ((x->names = calloc(x->n_sans + 2, sizeof(*x->names))) == NULL)
		return -1;
	if (have_cn && !x->cn_in_sans) {
		if (san_copy(&x->names[n], cn) != 0)
			return -1;
		if (ca_group && !cn->is_ip) {
			/* group ca: the CN goes in unchanged (crypto.md §3.2) */
			free(x->names[n].name);
			if ((x->names[n].name = strdup(x->CN)) == NULL)
				return -1;
		}
		n++;
	}
	for (size_t i = 0; i < x->n_sans; i++, n++)
		if (san_copy(&x->names[n], &x->sans[i]) != 0)
			return -1;
	x->n_names = n;
	return 0;
}

void
sans_load(struct conf_service *s, const struct keyctx *kc,
    const struct toml_value *sans)
{
	struct conf_x509 *x = &s->x509;
	struct conf_san cn;
	const char *text = NULL;
	int cn_line = 0, r;
	bool have_cn = false, sans_bad = false;

	memset(&cn, 0, sizeof(cn));
	r = get_string(kc, "CN", &text, &cn_line);
	if (r == 0 || (r == 1 && text[0] == '\0'))
		kerr(kc, cn_line, "CN", "required, %s (the certificate's common "
		    "name)", r == 0 ? "missing" : "got ''");
	else if (r == 1 && strlen(text) > 64)
		kerr(kc, cn_line, "CN", "longer than 64 characters (%zu)",
		    strlen(text));
	else if (r == 1)
		have_cn = name_load(s, kc, "CN", text, cn_line, true, &cn);
	if ((x->CN = strdup(r == 1 ? text : "")) == NULL)
		goto oom;

	if (sans != NULL && sans->kind != TOML_ARRAY) {
		type_error(kc, "sans", sans, "an array of names");
		sans_bad = true;
		sans = NULL;
	}
	if ((x->sans = calloc((sans != NULL ? sans->n_items : 0) + 1,
	    sizeof(*x->sans))) == NULL)
		goto oom;
	for (size_t i = 0; sans != NULL && i < sans->n_items; i++) {
		const struct toml_value *it = sans->items[i];
		struct conf_san san;
		bool dup = false;
		char k[32];

		snprintf(k, sizeof(k), "sans[%zu]", i);
		if (value_str(it) == NULL) {
			type_error(kc, k, it, "a string");
			continue;
		}
		if (!name_load(s, kc, k, it->str, it->line, false, &san))
			continue;
		for (size_t j = 0; j < x->n_sans && !dup; j++)
			dup = san_equal(&x->sans[j], &san);
		if (dup) {
			free(san.name);
			continue;
		}
		x->sans[x->n_sans++] = san;
		if (have_cn && san_equal(&san, &cn))
			x->cn_in_sans = true;
	}

	/* 5.4's rule, which 7.x lost (quirk Q13): a leaf names its CN. */
	if (!s->ca_sec.present && !s->is_ca_group && !sans_bad) {
		if (sans == NULL || sans->n_items == 0)
			kerr(kc, sans != NULL ? sans->line : 0, "sans", "required "
			    "for a service without [CA], %s (list the "
			    "certificate's names, CN first)", sans == NULL ?
			    "missing" : "got []");
		else if (have_cn && !x->cn_in_sans)
			kerr(kc, sans->line, "sans", "must contain CN '%s' (a "
			    "service without [CA] lists its CN in sans)", x->CN);
	}
	if (build_names(x, &cn, have_cn, s->is_ca_group) != 0)
		goto oom;
	free(cn.name);
	return;
 oom:
	free(cn.name);
	diag_oom(kc->d);
}

void
sans_check_certbot(const struct conf_service *s, const struct keyctx *kc)
{
	const struct conf_x509 *x = &s->x509;
	const struct toml_value *cnv = toml_table_get(kc->tbl, "CN");

	if (x->CN[0] != '\0' && !str_case_eq(x->CN, s->group))
		kerr(kc, cnv != NULL ? cnv->line : 0, "CN", "'%s' must equal "
		    "the group '%s' for a certbot CA", x->CN, s->group);
	for (size_t i = 0; i < x->n_sans; i++) {
		if (x->sans[i].is_ip)
			kerr(kc, x->sans[i].line, "sans", "'%s' is an IP address; "
			    "certbot CAs cannot issue for IP addresses (use a "
			    "local CA)", x->sans[i].name);
		else if (s->signer == CONF_SIGNER_CERTBOT_HTTP01 &&
		    str_has_prefix(x->sans[i].name, "*."))
			kerr(kc, x->sans[i].line, "sans", "'%s' is a wildcard "
			    "name; http-01 cannot validate wildcards (use a "
			    "dns-01 CA)", x->sans[i].name);
	}
	if (s->ca != NULL && s->ca->server == NULL &&
	    x->n_names > LE_MAX_NAMES) {
		const struct toml_value *sv = toml_table_get(kc->tbl, "sans");

		if (x->cn_in_sans || x->n_names == x->n_sans)
			kerr(kc, sv != NULL ? sv->line : 0, "sans", "%zu names; "
			    "Let's Encrypt allows at most %d", x->n_names,
			    LE_MAX_NAMES);
		else
			kerr(kc, sv != NULL ? sv->line : 0, "sans", "%zu names "
			    "(CN + %zu SANs); Let's Encrypt allows at most %d",
			    x->n_names, x->n_sans, LE_MAX_NAMES);
	}
}
