/*
 * certbot's renewal/<name>.conf, read with inih. certbot writes it with
 * configobj, which differs from inih in a few ways handled here: sub-
 * sections "[[webroot_map]]", indentation without meaning, '#' comments
 * after a value, quoted values, and duplicate keys being an error.
 */
#include "config.h"

#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_int.h"

/* Where a value goes: section ("" = top level) and key. */
struct ini_key {
	const char *section;
	const char *key;
	size_t off;			/* offsetof the char * in renewal_conf */
};

#define RC_OFF(m) offsetof(struct renewal_conf, m)

static const struct ini_key known_keys[] = {
	{ "", "version", RC_OFF(version) },
	{ "", "archive_dir", RC_OFF(archive_dir) },
	{ "", "cert", RC_OFF(cert) },
	{ "", "privkey", RC_OFF(privkey) },
	{ "", "chain", RC_OFF(chain) },
	{ "", "fullchain", RC_OFF(fullchain) },
	{ "renewalparams", "account", RC_OFF(account) },
	{ "renewalparams", "server", RC_OFF(server) },
	{ "renewalparams", "authenticator", RC_OFF(authenticator) },
	{ "renewalparams", "key_type", RC_OFF(key_type) },
	{ "renewalparams", "rsa_key_size", RC_OFF(rsa_key_size) },
	{ "renewalparams", "elliptic_curve", RC_OFF(elliptic_curve) },
	{ "renewalparams", "pref_challs", RC_OFF(pref_challs) },
	{ "renewalparams", "webroot_path", RC_OFF(webroot_path) },
	{ "renewalparams", "manual_auth_hook", RC_OFF(manual_auth_hook) },
};

/* Keys whose value the import needs: a cut value would be a wrong one. */
static bool
key_is_used(const char *key)
{
	static const char *const used[] = { "cert", "privkey", "chain",
	    "fullchain", "account", "server", "pref_challs" };

	for (size_t i = 0; i < sizeof(used) / sizeof(used[0]); i++)
		if (strcmp(used[i], key) == 0)
			return true;
	return false;
}

/* The line source handed to inih, and what the handler keeps. */
struct reader {
	const char *p, *end;
	int line;			/* of the line last handed out */
	bool long_line;			/* that line was cut */
	struct renewal_conf *rc;
	const char *name;
	struct strvec seen;		/* "<section>\n<key>" */
	struct sslm_err *err;
	bool failed;
	bool oom;
};

/* fgets for inih over the buffer: leading blanks dropped (indentation means
 * nothing to configobj, and would make inih continue the previous value),
 * a line longer than inih's buffer cut and flagged. */
static char *
read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	const char *nl;
	size_t n, max;

	if (r->p >= r->end || num < 2)
		return NULL;
	r->line++;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	n = nl != NULL ? (size_t)(nl - r->p) + 1 : (size_t)(r->end - r->p);
	{
		const char *s = r->p;
		size_t k = n;

		while (k > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			k--;
		}
		max = (size_t)num - 2;	/* room for '\n' and NUL */
		r->long_line = k > max + 1;
		if (k > max + 1) {
			memcpy(str, s, max);
			str[max] = '\n';
			str[max + 1] = '\0';
		} else {
			memcpy(str, s, k);
			str[k] = '\0';
		}
	}
	r->p += n;
	return str;
}

/* Value without surrounding quotes or a trailing "  # comment". */
static char *
clean_value(const char *value)
{
	char *v, *hash;
	size_t n;

	if ((v = strdup(value)) == NULL)
		return NULL;
	for (hash = v; (hash = strchr(hash, '#')) != NULL; hash++)
		if (hash > v && (hash[-1] == ' ' || hash[-1] == '\t')) {
			*hash = '\0';
			break;
		}
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		v[--n] = '\0';
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
	return v;
}

static void fail(struct reader *r, const char *fmt, ...) SSLM_PRINTF(2, 3);

/* Keep the first problem only: later ones are often its echo. */
static void
fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->failed) {
		va_start(ap, fmt);
		sslm_err_vset(r->err, fmt, ap);
		va_end(ap);
	}
	r->failed = true;
}

static int
on_value(void *user, const char *section, const char *key, const char *value)
{
	struct reader *r = user;
	char *v = NULL, *seen = NULL, *pair = NULL;

	while (*section == '[')		/* "[[webroot_map]]" comes as "[webroot_map" */
		section++;
	if ((seen = str_printf("%s\n%s", section, key)) == NULL)
		goto oom;
	if (strvec_contains(&r->seen, seen)) {
		fail(r, "%s:%d: key '%s' given twice in %s%s%s (certbot "
		    "refuses such a file too)", r->name, r->line, key,
		    *section ? "[" : "", *section ? section : "the top level",
		    *section ? "]" : "");
		free(seen);
		return 1;
	}
	if (strvec_push_owned(&r->seen, seen) == -1)
		goto oom;
	if (r->long_line) {
		if (key_is_used(key) && strcmp(section, "webroot_map") != 0) {
			fail(r, "%s:%d: the line of '%s' is longer than inih's "
			    "%d bytes", r->name, r->line, key, INI_MAX_LINE - 1);
			return 1;
		}
		if ((pair = str_printf("%s:%d: value of '%s' cut at %d bytes "
		    "(not used by the import)", r->name, r->line, key,
		    INI_MAX_LINE - 1)) == NULL ||
		    strvec_push_owned(&r->rc->warnings, pair) == -1)
			goto oom;
	}
	if ((v = clean_value(value)) == NULL)
		goto oom;
	if (strcmp(section, "webroot_map") == 0) {
		if ((pair = str_printf("%s=%s", key, v)) == NULL ||
		    strvec_push_owned(&r->rc->webroot_map, pair) == -1)
			goto oom;
		free(v);
		return 1;
	}
	for (size_t i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++) {
		const struct ini_key *k = &known_keys[i];

		if (strcmp(k->section, section) == 0 && strcmp(k->key, key) == 0) {
			char **slot = (char **)(void *)((char *)r->rc + k->off);

			free(*slot);
			*slot = v;
			return 1;
		}
	}
	free(v);		/* other keys and sections are not needed */
	return 1;
 oom:
	free(v);
	r->oom = true;
	return 0;
}

void
renewal_conf_init(struct renewal_conf *rc)
{
	memset(rc, 0, sizeof(*rc));
	strvec_init(&rc->webroot_map);
	strvec_init(&rc->warnings);
}

void
renewal_conf_clear(struct renewal_conf *rc)
{
	if (rc == NULL)
		return;
	for (size_t i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
		free(*(char **)(void *)((char *)rc + known_keys[i].off));
	strvec_clear(&rc->webroot_map);
	strvec_clear(&rc->warnings);
	renewal_conf_init(rc);
}

int
renewal_conf_parse(const char *text, size_t len, const char *name,
    struct renewal_conf *rc, struct sslm_err *err)
{
	struct reader r;
	int res;

	if (name == NULL)
		name = "renewal conf";
	if (memchr(text, '\0', len) != NULL) {
		sslm_err_set(err, "%s: holds a NUL byte: not a certbot renewal "
		    "file", name);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.p = text;
	r.end = text + len;
	r.rc = rc;
	r.name = name;
	r.err = err;
	strvec_init(&r.seen);
	res = ini_parse_stream(read_line, &r, on_value, &r);
	strvec_clear(&r.seen);
	if (r.oom) {
		sslm_err_set(err, "%s: out of memory", name);
		return -1;
	}
	if (r.failed)
		return -1;
	if (res > 0) {
		sslm_err_set(err, "%s:%d: not a 'key = value' line nor a "
		    "[section]", name, res);
		return -1;
	}
	if (res != 0) {
		sslm_err_set(err, "%s: cannot be parsed", name);
		return -1;
	}
	return 0;
}

int
renewal_conf_read(const char *path, struct renewal_conf *rc,
    struct sslm_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc_ = -1;

	if (fs_read_file(path, IMPORT_RENEWAL_MAX, &buf, &len, err) == -1)
		goto out;
	rc_ = renewal_conf_parse(buf, len, path, rc, err);
 out:
	free(buf);
	return rc_;
}

int
renewal_list_split(const char *value, struct strvec *out)
{
	const char *p = value;

	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, ',');
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
		const char *s = p;
		char *item;

		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n > 0) {
			if ((item = strndup(s, n)) == NULL ||
			    strvec_push_owned(out, item) == -1)
				return -1;
		}
		p = e != NULL ? e + 1 : NULL;
	}
	return 0;
}
