/*
 * The plan for one lineage (tools.md §9): apex, service name, CA entry,
 * service file text, and every existing path that would be in the way.
 * Nothing here writes anything.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/conf.h"
#include "crypto/crypto.h"
#include "dns/dns.h"
#include "import/import_int.h"
#include "toml/toml.h"

#define CA_TYPE_NAME "certbot"

/* ---- the site: TOP's configuration before the run ----------------------- */

void
import_site_init(struct import_site *s)
{
	memset(s, 0, sizeof(*s));
	strvec_init(&s->group_domains);
	strvec_init(&s->group_services);
	strvec_init(&s->cas_added);
	strvec_init(&s->groups_added);
	strvec_init(&s->services_taken);
}

void
import_site_clear(struct import_site *s)
{
	if (s == NULL)
		return;
	free(s->top);
	free(s->ca_info_path);
	free(s->main_conf_path);
	free(s->ca_info_text);
	free(s->main_conf_text);
	strvec_clear(&s->group_domains);
	strvec_clear(&s->group_services);
	strvec_clear(&s->cas_added);
	strvec_clear(&s->groups_added);
	strvec_clear(&s->services_taken);
	if (s->conf != NULL) {
		conf_clear(s->conf);
		free(s->conf);
	}
	import_site_init(s);
}

/* The [[groups]] entries as written (active or not: an inactive entry is
 * still the user's, and is never edited). */
static int
read_groups(struct import_site *s, struct sslm_err *err)
{
	struct toml_value *root;
	const struct toml_value *groups;
	int rc = -1;

	if ((root = toml_parse(s->main_conf_text, strlen(s->main_conf_text),
	    "conf.d/ssl-mgr.conf", err)) == NULL)
		return -1;
	groups = toml_table_get(root, "groups");
	for (size_t i = 0; groups != NULL && groups->kind == TOML_ARRAY &&
	    i < groups->n_items; i++) {
		const struct toml_value *d = toml_table_get(groups->items[i], "domain");
		const struct toml_value *sv = toml_table_get(groups->items[i], "services");
		char *pair;

		if (d == NULL || d->kind != TOML_STRING)
			continue;
		if (strvec_push(&s->group_domains, d->str) == -1)
			goto oom;
		if (sv != NULL && sv->kind == TOML_STRING) {
			if ((pair = str_printf("%s\t*", d->str)) == NULL ||
			    strvec_push_owned(&s->group_services, pair) == -1)
				goto oom;
		}
		for (size_t j = 0; sv != NULL && sv->kind == TOML_ARRAY &&
		    j < sv->n_items; j++) {
			if (sv->items[j]->kind != TOML_STRING)
				continue;
			if ((pair = str_printf("%s\t%s", d->str,
			    sv->items[j]->str)) == NULL ||
			    strvec_push_owned(&s->group_services, pair) == -1)
				goto oom;
		}
	}
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	toml_free(root);
	return rc;
}

int
import_site_load(struct import_site *s, const char *top, struct sslm_err *err)
{
	struct conf_topdir td;
	struct conf_diags d;
	struct conf *c = NULL;
	size_t len;
	int rc = -1;

	conf_topdir_init(&td);
	conf_diags_init(&d);
	if ((s->top = fs_realpath(top, err)) == NULL)
		goto out;
	if ((s->main_conf_path = fs_path_join(s->top, "conf.d/ssl-mgr.conf")) == NULL ||
	    (s->ca_info_path = fs_path_join(s->top, "conf.d/ca-info.conf")) == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL || (td.path = strdup(s->top)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (fs_read_file(s->main_conf_path, 16 * 1024 * 1024, &s->main_conf_text,
	    &len, err) == -1)
		goto out;
	if (fs_is_file(s->ca_info_path) && fs_read_file(s->ca_info_path,
	    16 * 1024 * 1024, &s->ca_info_text, &len, err) == -1)
		goto out;
	conf_init(c);
	s->conf = c;
	/* No service selected: ssl-mgr.conf and ca-info.conf only. */
	if (conf_load(c, &td, NULL, 0, true, &d) == -1) {
		for (size_t i = 0; i < d.n; i++)
			if (d.v[i].level == CONF_DIAG_ERROR) {
				sslm_err_set(err, "%s (fix the configuration in "
				    "%s first)", d.v[i].msg, s->top);
				break;
			}
		goto out;
	}
	if (read_groups(s, err) == -1)
		goto out;
	rc = 0;
 out:
	conf_diags_clear(&d);
	conf_topdir_clear(&td);
	if (s->conf == NULL)
		free(c);
	return rc;
}

/* ---- small text helpers ------------------------------------------------ */

char *
import_service_name(const char *lineage)
{
	char *s = strdup(lineage);

	if (s == NULL)
		return NULL;
	for (char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' ||
		    *c == '-'))
			*c = '_';
	if (*s == '.' || *s == '-')
		*s = '_';
	return s;
}

char *
import_toml_quote(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n * 6 + 3), *o;

	if (out == NULL)
		return NULL;
	o = out;
	*o++ = '"';
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			*o++ = '\\';
			*o++ = (char)*c;
		} else if (*c < 0x20 || *c == 0x7f) {
			o += sprintf(o, "\\u%04x", *c);
		} else
			*o++ = (char)*c;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* Text for a comment line: control characters become '?'. */
static char *
comment_text(const char *s)
{
	char *t = strdup(s);

	for (char *c = t; c != NULL && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return t;
}

static size_t
label_count(const char *name)
{
	size_t n = 1;

	for (const char *c = name; *c; c++)
		if (*c == '.')
			n++;
	return n;
}

/* ---- apex --------------------------------------------------------------- */

/* The [[dns_primary]] for name: an entry for the name or one of its parent
 * domains (the longest), else the default one. */
static const struct conf_dns_primary *
primary_for(const struct conf *c, const char *name)
{
	const struct conf_dns_primary *best = NULL, *fallback = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < c->n_dns_primary; i++) {
		const struct conf_dns_primary *p = &c->dns_primary[i];
		size_t dl = strlen(p->domain), nl = strlen(name);

		if (str_case_eq(p->domain, "default") || strcmp(p->domain, "*") == 0) {
			fallback = p;
			continue;
		}
		if ((str_case_eq(p->domain, name) || (nl > dl + 1 &&
		    name[nl - dl - 1] == '.' && str_case_eq(name + nl - dl,
		    p->domain))) && dl > best_len) {
			best = p;
			best_len = dl;
		}
	}
	return best != NULL ? best : fallback;
}

static int
choose_apex(struct import_site *s, const struct import_opts *o,
    struct import_plan *p, struct sslm_err *err)
{
	const char *shortest = NULL;
	char *dns_apex = NULL, *w;
	struct dns_servers prim;
	struct sslm_err e;
	int rc = -1;

	dns_servers_init(&prim);
	for (size_t i = 0; i < p->ln.names.n; i++) {
		const char *n = p->ln.names.v[i];

		if (str_has_prefix(n, "*."))
			n += 2;
		if (shortest == NULL || label_count(n) < label_count(shortest))
			shortest = n;
	}
	if (o->use_dns) {
		const struct conf_dns_primary *dp = primary_for(s->conf, shortest);

		sslm_err_clear(&e);
		if (dp == NULL)
			sslm_err_set(&e, "no [[dns_primary]] in ssl-mgr.conf");
		else if (s->dns_down)
			sslm_err_set(&e, "the primary did not answer before");
		else if (dns_primary_servers(dp->server, dp->port, &prim, &e) == 0 &&
		    dns_find_apex(&prim, shortest, &dns_apex, &e) == 0)
			e.msg[0] = '\0';
		/* one wait for a dead server is enough for the whole run */
		if (dns_apex == NULL && strstr(e.msg, "timeout") != NULL)
			s->dns_down = true;
		if (dns_apex == NULL && (w = str_printf("apex of %s not found in "
		    "DNS (%s)", shortest, e.msg)) != NULL)
			(void)strvec_push_owned(&p->warnings, w);
	}
	if (dns_apex != NULL) {
		if (o->apex != NULL && !str_case_eq(o->apex, dns_apex)) {
			p->refused = str_printf("DNS says the zone apex of %s is "
			    "%s, not --apex %s", shortest, dns_apex, o->apex);
			goto done;
		}
		p->apex = dns_apex;
		dns_apex = NULL;
		p->apex_source = "DNS SOA";
	} else if (o->apex != NULL) {
		p->apex = strdup(o->apex);
		p->apex_source = "--apex";
	} else {
		p->apex = strdup(shortest);
		p->apex_source = "fewest labels";
	}
	if (p->apex == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	for (char *c = p->apex; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (!str_is_safe_name(p->apex))
		p->refused = str_printf("apex '%s' is not a usable group name",
		    p->apex);
	else if (!strvec_contains(&p->ln.names, p->apex))
		p->refused = str_printf("the certificate's names do not include "
		    "the apex %s (ssl-mgr needs CN = group = apex; use --apex or "
		    "re-issue with it)", p->apex);
 done:
	rc = 0;
 out:
	free(dns_apex);
	dns_servers_clear(&prim);
	return rc;
}

/* ---- CA entry ----------------------------------------------------------- */

static int
choose_ca(struct import_site *s, struct import_plan *p, struct sslm_err *err)
{
	const char *kind = p->dns01 ? "dns" : "http";
	const char *server = NULL;	/* ca_server to write; NULL = LE default */
	const struct conf_ca *ca;
	char *host = NULL, *q = NULL, *desc = NULL, *dq = NULL;
	int rc = -1;

	if (strcmp(p->ln.server, IMPORT_LE_PROD) == 0)
		p->ca_name = str_printf("le-%s", kind);
	else if (p->ln.staging) {
		p->ca_name = str_printf("le-staging-%s", kind);
		server = p->ln.server;
	} else {
		char *slash;

		if ((host = import_server_folder(p->ln.server)) == NULL)
			goto oom;
		if ((slash = strchr(host, '/')) != NULL)
			*slash = '\0';
		for (char *c = host; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
			    (*c >= 'A' && *c <= 'Z')))
				*c = '-';
		p->ca_name = str_printf("acme-%s-%s", host, kind);
		server = p->ln.server;
	}
	if (p->ca_name == NULL)
		goto oom;
	if (strvec_contains(&s->cas_added, p->ca_name)) {
		rc = 0;		/* appended for an earlier lineage of this run */
		goto out;
	}
	if (strvec_contains(&((struct conf *)s->conf)->bad_cas, p->ca_name)) {
		p->refused = str_printf("ca-info.conf entry [%s] has errors",
		    p->ca_name);
		rc = 0;
		goto out;
	}
	if ((ca = conf_find_ca(s->conf, p->ca_name)) != NULL) {
		if (ca->type != CONF_CA_CERTBOT || ca->validation !=
		    (p->dns01 ? CONF_VALIDATION_DNS01 : CONF_VALIDATION_HTTP01) ||
		    !str_eq(ca->server, server))
			p->refused = str_printf("ca-info.conf already has an entry "
			    "[%s] with other settings (wanted ca_type certbot, "
			    "ca_validation %s-01, ca_server %s)", p->ca_name, kind,
			    server != NULL ? server : "unset");
		rc = 0;
		goto out;
	}
	p->ca_new = true;
	if ((desc = str_printf("ACME %s, %s-01 validation (imported from certbot)",
	    p->ln.staging ? "Let's Encrypt staging" : server == NULL ?
	    "Let's Encrypt" : server, kind)) == NULL ||
	    (dq = import_toml_quote(desc)) == NULL)
		goto oom;
	if (server != NULL && (q = import_toml_quote(server)) == NULL)
		goto oom;
	if ((p->ca_text = str_printf("\n# added by sslm-import-certbot\n"
	    "[%s]\n"
	    "    ca_desc = %s\n"
	    "    ca_type = '" CA_TYPE_NAME "'\n"
	    "    ca_validation = '%s-01'\n"
	    "%s%s%s",
	    p->ca_name, dq, kind, q != NULL ? "    ca_server = " : "",
	    q != NULL ? q : "", q != NULL ? "\n" : "")) == NULL)
		goto oom;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	free(host);
	free(q);
	free(desc);
	free(dq);
	return rc;
}

/* ---- the service file ------------------------------------------------- */

static int
service_text(const struct import_opts *o, struct import_plan *p,
    struct sslm_err *err)
{
	char *name = NULL, *org = NULL, *cc = NULL, *email = NULL, *sans = NULL;
	char *acct = NULL, *cmt = NULL, *keyopts = NULL, *t;
	int rc = -1;

	if ((t = str_printf("certbot lineage %s", p->ln.name)) == NULL)
		goto oom;
	name = import_toml_quote(t);
	free(t);
	if (name == NULL ||
	    (org = import_toml_quote(o->org != NULL ? o->org : p->apex)) == NULL ||
	    (cc = import_toml_quote(o->country != NULL ? o->country : "XX")) == NULL ||
	    (email = import_toml_quote(p->ln.email != NULL ? p->ln.email : "")) == NULL ||
	    (acct = import_toml_quote(p->ln.account_id)) == NULL ||
	    (cmt = comment_text(p->ln.conf_path)) == NULL ||
	    (sans = strdup("")) == NULL)
		goto oom;
	for (size_t i = 0; i < p->ln.names.n; i++) {
		char *q = import_toml_quote(p->ln.names.v[i]);

		t = q == NULL ? NULL : str_printf("%s%s%s", sans, i ? ", " : "", q);
		free(q);
		if (t == NULL)
			goto oom;
		free(sans);
		sans = t;
	}
	if (p->ln.key_type == IMPORT_KEY_EC)
		keyopts = str_printf("    ktype = 'ec'\n    ec_algo = '%s'\n",
		    p->ln.curve);
	else
		keyopts = str_printf("    ktype = 'rsa'\n    rsa_bits = %d\n",
		    p->ln.rsa_bits);
	if (keyopts == NULL)
		goto oom;
	if ((p->svc_text = str_printf(
	    "# Imported by sslm-import-certbot from the certbot lineage in\n"
	    "# %s\n"
	    "name = %s\n"
	    "group = '%s'\n"
	    "service = '%s'\n"
	    "signing_ca = '%s'\n"
	    "ca_account = %s\n"
	    "\n[KeyOpts]\n%s"
	    "\n[X509]\n"
	    "    CN = '%s'\n"
	    "    O = %s\n"
	    "    C = %s\n"
	    "    email = %s\n"
	    "    sans = [%s]\n",
	    cmt, name, p->apex, p->service, p->ca_name, acct, keyopts, p->apex,
	    org, cc, email, sans)) == NULL)
		goto oom;
	if (p->ln.email == NULL && (t = str_printf("no e-mail in the account's "
	    "registration: [X509] email left empty (only needed to register a "
	    "new account)")) != NULL)
		(void)strvec_push_owned(&p->warnings, t);
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	free(name);
	free(org);
	free(cc);
	free(email);
	free(acct);
	free(cmt);
	free(sans);
	free(keyopts);
	return rc;
}

/* ---- [[groups]] ------------------------------------------------------- */

static int
choose_group(struct import_site *s, struct import_plan *p, struct sslm_err *err)
{
	char *pair = NULL, *wild = NULL;
	int rc = -1;

	if (!strvec_contains(&s->group_domains, p->apex)) {
		p->group_new = true;
		rc = 0;
		goto out;
	}
	if ((pair = str_printf("%s\t%s", p->apex, p->service)) == NULL ||
	    (wild = str_printf("%s\t*", p->apex)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (!strvec_contains(&s->group_services, pair) &&
	    !strvec_contains(&s->group_services, wild) &&
	    (p->group_hint = str_printf("ssl-mgr.conf: the [[groups]] entry of "
	    "%s does not list '%s': add it to its services (not edited)",
	    p->apex, p->service)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	rc = 0;
 out:
	free(pair);
	free(wild);
	return rc;
}

/* ---- conflicts ---------------------------------------------------------- */

static int
add_if_exists(struct import_plan *p, const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 || errno != ENOENT)
		return strvec_push(&p->conflicts, path);
	return 0;
}

static int
find_conflicts(struct import_site *s, struct import_plan *p)
{
	char *apex_dir = fs_path_join(s->top, "conf.d");
	char *t = NULL;
	int rc = -1;

	if (apex_dir == NULL || (t = fs_path_join(apex_dir, p->apex)) == NULL)
		goto out;
	if (!fs_is_dir(t) && add_if_exists(p, t) == -1)
		goto out;
	if (add_if_exists(p, p->svc_path) == -1 ||
	    add_if_exists(p, p->data_dir) == -1)
		goto out;
	free(t);
	if ((t = str_printf("%s/%s", p->apex, p->service)) == NULL)
		goto out;
	if (strvec_contains(&s->services_taken, t) &&
	    strvec_push(&p->conflicts, p->svc_path) == -1)
		goto out;
	rc = 0;
 out:
	free(apex_dir);
	free(t);
	return rc;
}

/* ---- the plan --------------------------------------------------------- */

void
import_plan_init(struct import_plan *p)
{
	memset(p, 0, sizeof(*p));
	lineage_init(&p->ln);
	strvec_init(&p->conflicts);
	strvec_init(&p->warnings);
}

void
import_plan_clear(struct import_plan *p)
{
	if (p == NULL)
		return;
	lineage_clear(&p->ln);
	free(p->apex);
	free(p->service);
	free(p->ca_name);
	free(p->ca_text);
	free(p->group_text);
	free(p->group_hint);
	free(p->svc_rel);
	free(p->svc_path);
	free(p->svc_text);
	free(p->data_dir);
	free(p->cb_account_dir);
	strvec_clear(&p->conflicts);
	strvec_clear(&p->warnings);
	free(p->refused);
	import_plan_init(p);
}

int
import_plan_make(struct import_site *s, const struct import_opts *o,
    const char *name, struct import_plan *p, struct sslm_err *err)
{
	const char *dir = o->certbot_dir != NULL ? o->certbot_dir : "/etc/letsencrypt";

	if (lineage_load(dir, name, &p->ln, err) == -1)
		return -1;
	for (size_t i = 0; i < p->ln.warnings.n; i++)
		if (strvec_push(&p->warnings, p->ln.warnings.v[i]) == -1)
			goto oom;
	p->dns01 = p->ln.wants_dns;
	if ((p->service = import_service_name(name)) == NULL)
		goto oom;
	if (!str_is_safe_name(p->service)) {
		p->refused = str_printf("service name '%s' breaks the name rule",
		    p->service);
		return p->refused == NULL ? (sslm_err_set(err, "out of memory"), -1) : 0;
	}
	if (strcmp(p->service, name) != 0) {
		char *w = str_printf("lineage name '%s' is used as service '%s'",
		    name, p->service);

		if (w == NULL || strvec_push_owned(&p->warnings, w) == -1)
			goto oom;
	}
	if (choose_apex(s, o, p, err) == -1)
		return -1;
	if (p->refused != NULL)
		return 0;
	if ((p->svc_rel = str_printf("conf.d/%s/%s", p->apex, p->service)) == NULL ||
	    (p->svc_path = fs_path_join(s->top, p->svc_rel)) == NULL ||
	    (p->data_dir = str_printf("%s/certs/%s/%s", s->top, p->apex,
	    p->service)) == NULL ||
	    (p->cb_account_dir = str_printf("%s/cb/%s", p->data_dir,
	    p->ln.account_rel)) == NULL)
		goto oom;
	if (choose_ca(s, p, err) == -1 || service_text(o, p, err) == -1 ||
	    choose_group(s, p, err) == -1)
		return -1;
	if (find_conflicts(s, p) == -1)
		goto oom;
	if (p->refused == NULL && p->conflicts.n > 0) {
		char *list = strdup(""), *t;

		for (size_t i = 0; list != NULL && i < p->conflicts.n; i++) {
			t = str_printf("%s%s%s", list, i ? ", " : "", p->conflicts.v[i]);
			free(list);
			list = t;
		}
		if (list == NULL)
			goto oom;
		p->refused = str_printf("already exists, never overwritten: %s",
		    list);
		free(list);
	}
	if (p->refused == NULL) {
		char *t = str_printf("%s/%s", p->apex, p->service);

		if (t == NULL || strvec_push_owned(&s->services_taken, t) == -1)
			goto oom;
	}
	return 0;
 oom:
	sslm_err_set(err, "out of memory");
	return -1;
}

void
import_plan_print(const struct import_plan *p, FILE *out)
{
	const struct lineage *ln = &p->ln;
	char date[TIME_UTC_LEN];

	fprintf(out, "lineage %s: ", ln->name);
	for (size_t i = 0; i < ln->names.n; i++)
		fprintf(out, "%s%s", i ? ", " : "", ln->names.v[i]);
	if (time_format_utc(ln->not_after, date) != 0)
		strcpy(date, "?");
	if (ln->key_type == IMPORT_KEY_EC)
		fprintf(out, " (EC %s", ln->curve);
	else
		fprintf(out, " (RSA %d", ln->rsa_bits);
	fprintf(out, ", expires %s)\n", date);
	for (size_t i = 0; i < p->warnings.n; i++)
		fprintf(out, "  warning: %s\n", p->warnings.v[i]);
	if (p->apex == NULL)
		return;
	fprintf(out, "  apex %s (%s), service %s, %s-01 by %s\n", p->apex,
	    p->apex_source, p->service != NULL ? p->service : "?",
	    p->dns01 ? "dns" : "http", ln->server);
	if (p->refused != NULL)
		return;
	fprintf(out, "  write %s\n", p->svc_rel);
	if (p->ca_new)
		fprintf(out, "  append [%s] to conf.d/ca-info.conf\n", p->ca_name);
	else
		fprintf(out, "  use conf.d/ca-info.conf entry [%s]\n", p->ca_name);
	if (p->group_new)
		fprintf(out, "  append [[groups]] domain = '%s' to "
		    "conf.d/ssl-mgr.conf\n", p->apex);
	else if (p->group_hint != NULL)
		fprintf(out, "  note: %s\n", p->group_hint);
	fprintf(out, "  write certs/%s/%s/db/<now>/ privkey.pem (0600) cert.pem "
	    "chain.pem fullchain.pem bundle.pem (0600) csr.pem info, curr -> it\n",
	    p->apex, p->service);
	fprintf(out, "  copy %s/ to certs/%s/%s/cb/%s/\n", ln->account_dir,
	    p->apex, p->service, ln->account_rel);
}
