/*
 * The list of configuration problems: every error and warning as one
 * formatted line, kept in the order found so the user reads them file by
 * file (decisions.md: list every error, not just the first).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

void
conf_diags_init(struct conf_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void
conf_diags_clear(struct conf_diags *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	conf_diags_init(d);
}

void
diag_oom(struct conf_diags *d)
{
	d->oom = true;
	d->n_errors++;
}

/* Takes msg (NULL means the allocation failed). */
static void
diag_push(struct conf_diags *d, enum conf_diag_level level, int line,
    char *msg)
{
	if (level == CONF_DIAG_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	if (msg == NULL)
		goto oom;
	if (d->n == d->cap) {
		size_t cap = d->cap == 0 ? 16 : d->cap * 2;
		struct conf_diag *v = realloc(d->v, cap * sizeof(*v));

		if (v == NULL)
			goto oom;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n].level = level;
	d->v[d->n].msg = msg;
	d->v[d->n].line = line > 0 ? line : 0;
	d->n++;
	return;
 oom:
	free(msg);
	/* An error we could not store still has to fail the load. */
	if (level == CONF_DIAG_ERROR)
		d->oom = true;
}

void
diag_add_raw(struct conf_diags *d, enum conf_diag_level level, const char *msg)
{
	diag_push(d, level, 0, strdup(msg));
}

static void
diag_vadd(struct conf_diags *d, enum conf_diag_level level, const char *rel,
    int line, const char *fmt, va_list ap)
{
	char *body = NULL, *msg = NULL;

	if (vasprintf(&body, fmt, ap) < 0) {
		diag_push(d, level, 0, NULL);
		return;
	}
	if (rel == NULL)
		msg = body;
	else {
		if (line > 0)
			msg = str_printf("%s:%d: %s", rel, line, body);
		else
			msg = str_printf("%s: %s", rel, body);
		free(body);
	}
	diag_push(d, level, rel != NULL ? line : 0, msg);
}

void
diag_error(struct conf_diags *d, const char *rel, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, CONF_DIAG_ERROR, rel, line, fmt, ap);
	va_end(ap);
}

void
diag_warn(struct conf_diags *d, const char *rel, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, CONF_DIAG_WARNING, rel, line, fmt, ap);
	va_end(ap);
}

void
diag_sort_from(struct conf_diags *d, size_t start)
{
	/* insertion sort: stable, and a file has few problems */
	for (size_t i = start + 1; i < d->n; i++) {
		struct conf_diag cur = d->v[i];
		size_t j = i;

		while (j > start && d->v[j - 1].line > cur.line) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = cur;
	}
}

void
conf_diags_print(const struct conf_diags *d, FILE *fp)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == CONF_DIAG_WARNING)
			fprintf(fp, "warning: %s\n", d->v[i].msg);
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == CONF_DIAG_ERROR)
			fprintf(fp, "%s\n", d->v[i].msg);
	if (d->oom)
		fprintf(fp, "out of memory while checking the configuration\n");
	if (d->n_errors > 0)
		fprintf(fp, "%zu error%s in configuration; nothing was changed\n",
		    d->n_errors, d->n_errors == 1 ? "" : "s");
}
