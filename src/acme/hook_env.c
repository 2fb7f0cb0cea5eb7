/*
 * The values certbot hands the auth hook (certbot-hooks.md §7.2) checked
 * against their grammars (§7.3) before any of them reaches a file, a path
 * or a log line: a newline, a quote or a '/' in one of them would let the
 * environment write zone records or files of its choosing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "acme/hook_int.h"

static bool
is_ldh(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-';
}

/* LDH labels of 1-63 characters, no hyphen at either end, at most 253
 * characters in all, no trailing dot; an optional leading "*.". */
bool
hook_domain_ok(const char *s)
{
	size_t len, label = 0;

	if (s == NULL)
		return false;
	if (strncmp(s, "*.", 2) == 0)
		s += 2;
	len = strlen(s);
	if (len == 0 || len > HOOK_DOMAIN_MAX)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_ldh((unsigned char)s[i]) || (label == 0 && s[i] == '-'))
			return false;
		label++;
	}
	return true;
}

bool
hook_b64url_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == n;
}

bool
hook_domain_in_group(const char *domain, const char *group)
{
	size_t dl, gl;

	if (strncmp(domain, "*.", 2) == 0)
		domain += 2;
	dl = strlen(domain);
	gl = strlen(group);
	if (dl == gl)
		return str_case_eq(domain, group);
	return dl > gl && domain[dl - gl - 1] == '.' &&
	    str_case_eq(domain + dl - gl, group);
}

/* Decimal digits only, at most 9 of them (no sign, no space). */
static int
parse_count(const char *s, unsigned long *out)
{
	size_t n = strlen(s);

	if (n == 0 || n > 9 || strspn(s, "0123456789") != n)
		return -1;
	*out = strtoul(s, NULL, 10);
	return 0;
}

/* "<token>.<thumbprint>", both base64url. */
static bool
key_auth_ok(const char *s)
{
	const char *dot = s != NULL ? strchr(s, '.') : NULL;
	char part[HOOK_VALUE_MAX + 1];
	size_t n;

	if (dot == NULL || (n = (size_t)(dot - s)) > HOOK_VALUE_MAX)
		return false;
	memcpy(part, s, n);
	part[n] = '\0';
	return hook_b64url_ok(part, HOOK_VALUE_MAX) &&
	    hook_b64url_ok(dot + 1, HOOK_VALUE_MAX);
}

/* A comma list of domains; *n gets the entry count. */
static bool
domain_list_ok(const char *s, size_t *n)
{
	char *copy = NULL, *p, *comma;
	bool ok = false;

	*n = 0;
	if (strlen(s) > HOOK_ALL_MAX || (copy = strdup(s)) == NULL)
		return false;
	for (p = copy;; p = comma + 1) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma = '\0';
		if (!hook_domain_ok(p))
			goto out;
		(*n)++;
		if (comma == NULL)
			break;
	}
	ok = true;
 out:
	free(copy);
	return ok;
}

char *
hook_sanitize(const char *s, size_t max)
{
	size_t n = strlen(s);
	char *out;

	if (n > max)
		n = max;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[n] = '\0';
	return out;
}

/* The error never repeats the bad value: it may hold anything. */
int
hook_env_read(struct hook_env *e, struct sslm_err *err)
{
	const char *rem = getenv("CERTBOT_REMAINING_CHALLENGES");
	const char *all = getenv("CERTBOT_ALL_DOMAINS");
	const char *tok = getenv("CERTBOT_TOKEN");

	memset(e, 0, sizeof(*e));
	e->domain = getenv("CERTBOT_DOMAIN");
	e->validation = getenv("CERTBOT_VALIDATION");
	e->proto = (tok != NULL && *tok != '\0') ? HOOK_HTTP : HOOK_DNS;
	e->token = e->proto == HOOK_HTTP ? tok : NULL;
	if (e->domain == NULL || *e->domain == '\0') {
		sslm_err_set(err, "CERTBOT_DOMAIN is not set (is this hook run "
		    "by certbot --manual?)");
		return -1;
	}
	if (!hook_domain_ok(e->domain)) {
		sslm_err_set(err, "CERTBOT_DOMAIN is not a domain name (LDH "
		    "labels, optional leading '*.')");
		return -1;
	}
	if (e->proto == HOOK_DNS ?
	    !hook_b64url_ok(e->validation, HOOK_VALUE_MAX) :
	    !key_auth_ok(e->validation)) {
		sslm_err_set(err, "CERTBOT_VALIDATION for %s is missing or not %s",
		    e->domain, e->proto == HOOK_DNS ? "base64url" :
		    "<token>.<thumbprint> in base64url");
		return -1;
	}
	if (e->proto == HOOK_HTTP && !hook_b64url_ok(e->token, HOOK_VALUE_MAX)) {
		sslm_err_set(err, "CERTBOT_TOKEN for %s is not base64url",
		    e->domain);
		return -1;
	}
	/* Missing or empty means this is the last call (§7.2). */
	if (rem != NULL && *rem != '\0' && parse_count(rem, &e->remaining) == -1) {
		sslm_err_set(err, "CERTBOT_REMAINING_CHALLENGES is not a decimal "
		    "count");
		return -1;
	}
	e->all_domains = all != NULL ? all : "";
	if (*e->all_domains != '\0' && !domain_list_ok(e->all_domains, &e->n_all)) {
		sslm_err_set(err, "CERTBOT_ALL_DOMAINS is not a comma-separated "
		    "list of domain names");
		return -1;
	}
	return 0;
}
