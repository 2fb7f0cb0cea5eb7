/*
 * Typed access to the keys of one TOML table, with the error wording every
 * part of the loader shares: "rel:line: [table] key: expected an integer,
 * got string '5'". Anything of the wrong type is an error (config.md §8);
 * the only coercion here is int -> float for number keys.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

/* Longest piece of a value quoted back in a message. */
#define QUOTE_MAX 60

int
tbl_line(const struct keyctx *kc)
{
	return kc->tbl != NULL && kc->tbl->line > 0 ? kc->tbl->line : 1;
}

static void
kvadd(const struct keyctx *kc, enum conf_diag_level level, int line,
    const char *key, const char *fmt, va_list ap)
{
	char *body = NULL;

	if (vasprintf(&body, fmt, ap) < 0) {
		diag_oom(kc->d);
		return;
	}
	if (line <= 0)
		line = tbl_line(kc);
	/* "[X509] C: ...", "[X509]: ..." (no key), "name: ..." (top level) */
	if (level == CONF_DIAG_ERROR)
		diag_error(kc->d, kc->rel, line, "%s%s%s: %s",
		    kc->label != NULL ? kc->label : "",
		    kc->label != NULL && key != NULL ? " " : "",
		    key != NULL ? key : "", body);
	else
		diag_warn(kc->d, kc->rel, line, "%s%s%s: %s",
		    kc->label != NULL ? kc->label : "",
		    kc->label != NULL && key != NULL ? " " : "",
		    key != NULL ? key : "", body);
	free(body);
}

void
kerr(const struct keyctx *kc, int line, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvadd(kc, CONF_DIAG_ERROR, line, key, fmt, ap);
	va_end(ap);
}

void
kwarn(const struct keyctx *kc, int line, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvadd(kc, CONF_DIAG_WARNING, line, key, fmt, ap);
	va_end(ap);
}

/* Quote s for a message: printable ASCII as is, the rest as \xNN, cut. */
static void
quote(const char *s, size_t len, char *buf, size_t bufsz)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 8 < bufsz; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (i >= QUOTE_MAX) {
			o += (size_t)snprintf(buf + o, bufsz - o, "...");
			break;
		}
		if (ch >= 0x20 && ch < 0x7f)
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x", ch);
	}
	buf[o] = '\0';
}

const char *
describe_value(const struct toml_value *v, char *buf, size_t len)
{
	char q[QUOTE_MAX * 4 + 8];

	switch (v->kind) {
	case TOML_STRING:
		quote(v->str, v->str_len, q, sizeof(q));
		snprintf(buf, len, "string '%s'", q);
		break;
	case TOML_INTEGER:
		snprintf(buf, len, "integer %lld", (long long)v->u.i);
		break;
	case TOML_FLOAT:
		if (isfinite(v->u.f) && v->u.f == floor(v->u.f) &&
		    fabs(v->u.f) < 1e15)
			snprintf(buf, len, "float %.1f", v->u.f);
		else
			snprintf(buf, len, "float %g", v->u.f);
		break;
	case TOML_BOOL:
		snprintf(buf, len, "boolean %s", v->u.b ? "true" : "false");
		break;
	case TOML_ARRAY:
		snprintf(buf, len, "array");
		break;
	case TOML_TABLE:
		snprintf(buf, len, "table");
		break;
	default:	/* dates and times: their text as written */
		quote(v->str != NULL ? v->str : "", v->str != NULL ?
		    strlen(v->str) : 0, q, sizeof(q));
		snprintf(buf, len, "%s %s", toml_kind_name(v->kind), q);
		break;
	}
	return buf;
}

void
type_error(const struct keyctx *kc, const char *key, const struct toml_value *v,
    const char *what)
{
	char got[QUOTE_MAX * 4 + 64];

	kerr(kc, v->line, key, "expected %s, got %s", what,
	    describe_value(v, got, sizeof(got)));
}

const char *
value_str(const struct toml_value *v)
{
	if (v == NULL || v->kind != TOML_STRING || v->str == NULL)
		return NULL;
	if (strlen(v->str) != v->str_len)
		return NULL;	/* an embedded U+0000 is never a valid value */
	return v->str;
}

bool
str_is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static const struct toml_value *
lookup(const struct keyctx *kc, const char *key, int *line)
{
	const struct toml_value *v = toml_table_get(kc->tbl, key);

	if (v != NULL && line != NULL)
		*line = v->line;
	return v;
}

int
get_string(const struct keyctx *kc, const char *key, const char **out, int *line)
{
	const struct toml_value *v = lookup(kc, key, line);

	if (v == NULL)
		return 0;
	if (v->kind == TOML_STRING && value_str(v) == NULL) {
		kerr(kc, v->line, key, "contains a NUL character");
		return -1;
	}
	if (v->kind != TOML_STRING) {
		type_error(kc, key, v, "a string");
		return -1;
	}
	*out = v->str;
	return 1;
}

int
get_bool(const struct keyctx *kc, const char *key, bool *out, int *line)
{
	const struct toml_value *v = lookup(kc, key, line);

	if (v == NULL)
		return 0;
	if (v->kind != TOML_BOOL) {
		type_error(kc, key, v, "a boolean (true or false)");
		return -1;
	}
	*out = v->u.b;
	return 1;
}

int
get_int(const struct keyctx *kc, const char *key, long long lo, long long hi,
    int *out, int *line)
{
	const struct toml_value *v = lookup(kc, key, line);

	if (v == NULL)
		return 0;
	if (v->kind != TOML_INTEGER) {
		type_error(kc, key, v, "an integer");
		return -1;
	}
	if (v->u.i < lo || v->u.i > hi) {
		if (hi >= INT_MAX)
			kerr(kc, v->line, key, "must be %lld or more, got %lld",
			    lo, (long long)v->u.i);
		else
			kerr(kc, v->line, key, "must be between %lld and %lld, "
			    "got %lld", lo, hi, (long long)v->u.i);
		return -1;
	}
	*out = (int)v->u.i;
	return 1;
}

int
get_number(const struct keyctx *kc, const char *key, double *out, int *line)
{
	const struct toml_value *v = lookup(kc, key, line);

	if (v == NULL)
		return 0;
	if (v->kind == TOML_INTEGER)
		*out = (double)v->u.i;
	else if (v->kind == TOML_FLOAT && isfinite(v->u.f))
		*out = v->u.f;
	else {
		type_error(kc, key, v, "a number");
		return -1;
	}
	return 1;
}

int
get_strings(const struct keyctx *kc, const char *key, bool nonempty_items,
    struct strvec *out, int *line)
{
	const struct toml_value *v = lookup(kc, key, line);
	int rc = 1;

	if (v == NULL)
		return 0;
	if (v->kind != TOML_ARRAY) {
		type_error(kc, key, v, "an array of strings");
		return -1;
	}
	for (size_t i = 0; i < v->n_items; i++) {
		const struct toml_value *it = v->items[i];
		char k[128];

		snprintf(k, sizeof(k), "%s[%zu]", key, i);
		if (it->kind != TOML_STRING) {
			type_error(kc, k, it, "a string");
			rc = -1;
		} else if (value_str(it) == NULL) {
			kerr(kc, it->line, k, "contains a NUL character");
			rc = -1;
		} else if (nonempty_items && it->str[0] == '\0') {
			kerr(kc, it->line, k, "empty string");
			rc = -1;
		} else if (rc == 1 && strvec_push(out, it->str) != 0) {
			diag_oom(kc->d);
			rc = -1;
		}
	}
	return rc;
}

int
get_string_or_strings(const struct keyctx *kc, const char *key,
    struct strvec *out, int *line)
{
	const struct toml_value *v = lookup(kc, key, line);
	int rc = 1;

	if (v == NULL)
		return 0;
	if (v->kind == TOML_STRING) {
		if (value_str(v) == NULL) {
			kerr(kc, v->line, key, "contains a NUL character");
			return -1;
		}
		if (v->str[0] != '\0' && strvec_push(out, v->str) != 0) {
			diag_oom(kc->d);
			return -1;
		}
		return 1;
	}
	if (v->kind != TOML_ARRAY) {
		type_error(kc, key, v, "a string or an array of strings");
		return -1;
	}
	for (size_t i = 0; i < v->n_items; i++) {
		const struct toml_value *it = v->items[i];
		char k[128];

		snprintf(k, sizeof(k), "%s[%zu]", key, i);
		if (it->kind != TOML_STRING) {
			type_error(kc, k, it, "a string");
			rc = -1;
		} else if (value_str(it) == NULL) {
			kerr(kc, it->line, k, "contains a NUL character");
			rc = -1;
		} else if (rc == 1 && it->str[0] != '\0' &&
		    strvec_push(out, it->str) != 0) {
			diag_oom(kc->d);
			rc = -1;
		}
	}
	return rc;
}

const char *
nearest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, wlen = strlen(word);

	for (size_t i = 0; i < n; i++) {
		size_t dist = str_edit_distance(word, cands[i]);

		if (dist < best_d) {
			best_d = dist;
			best = cands[i];
		}
	}
	/* Close enough to be a typo: two edits, or a third of the word. */
	if (best != NULL && (best_d <= 2 || best_d * 3 <= wlen))
		return best;
	return NULL;
}

void
warn_unknown_keys(const struct keyctx *kc, const char *const *known,
    size_t n_known, const char *const *skip, size_t n_skip)
{
	const struct toml_value *t = kc->tbl;

	if (t == NULL || t->kind != TOML_TABLE)
		return;
	for (size_t i = 0; i < t->n_entries; i++) {
		const struct toml_entry *e = &t->entries[i];
		const char *hint;
		bool found = false;

		for (size_t j = 0; j < n_known && !found; j++)
			found = strcmp(e->key, known[j]) == 0;
		for (size_t j = 0; j < n_skip && !found; j++)
			found = strcmp(e->key, skip[j]) == 0;
		if (found)
			continue;
		hint = nearest(e->key, known, n_known);
		kwarn(kc, e->line, e->key, "unknown %s, ignored%s%s%s",
		    e->value->kind == TOML_TABLE ? "table" : "key",
		    hint != NULL ? " (did you mean '" : "",
		    hint != NULL ? hint : "", hint != NULL ? "'?)" : "");
	}
}
