/* Streaming JSON writer: just enough for the status document. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "mgr/json_writer.h"

void
jw_init(struct jw *w, FILE *fp)
{
	memset(w, 0, sizeof(*w));
	w->fp = fp;
	w->first[0] = true;
}

static void
indent(struct jw *w)
{
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->fp);
}

static void
put_string(struct jw *w, const char *s)
{
	fputc('"', w->fp);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", w->fp); break;
		case '\\': fputs("\\\\", w->fp); break;
		case '\n': fputs("\\n", w->fp); break;
		case '\r': fputs("\\r", w->fp); break;
		case '\t': fputs("\\t", w->fp); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(w->fp, "\\u%04x", *p);
			else
				fputc(*p, w->fp);
		}
	}
	fputc('"', w->fp);
}

/* Separator, newline, indent and "key": before each member. */
static void
member(struct jw *w, const char *key)
{
	if (w->depth > 0) {
		fputs(w->first[w->depth] ? "\n" : ",\n", w->fp);
		indent(w);
	}
	w->first[w->depth] = false;
	if (key != NULL) {
		put_string(w, key);
		fputs(": ", w->fp);
	}
}

static void
open_container(struct jw *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->fp);
	if (w->depth + 1 < JW_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void
close_container(struct jw *w, char c)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (!empty) {
		fputc('\n', w->fp);
		indent(w);
	}
	fputc(c, w->fp);
}

void jw_obj_begin(struct jw *w, const char *key) { open_container(w, key, '{'); }
void jw_obj_end(struct jw *w) { close_container(w, '}'); }
void jw_arr_begin(struct jw *w, const char *key) { open_container(w, key, '['); }
void jw_arr_end(struct jw *w) { close_container(w, ']'); }

void
jw_str(struct jw *w, const char *key, const char *s)
{
	member(w, key);
	if (s == NULL)
		fputs("null", w->fp);
	else
		put_string(w, s);
}

void
jw_int(struct jw *w, const char *key, long long v)
{
	member(w, key);
	fprintf(w->fp, "%lld", v);
}

void
jw_num(struct jw *w, const char *key, double v)
{
	char buf[64];
	size_t len;

	member(w, key);
	if (!isfinite(v)) {
		fputs("null", w->fp);
		return;
	}
	snprintf(buf, sizeof(buf), "%.3f", v);
	/* 12.500 -> 12.5, 3.000 -> 3 */
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == '0')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '.')
		buf[--len] = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	fputs(buf, w->fp);
}

void
jw_bool(struct jw *w, const char *key, bool v)
{
	member(w, key);
	fputs(v ? "true" : "false", w->fp);
}

void
jw_null(struct jw *w, const char *key)
{
	member(w, key);
	fputs("null", w->fp);
}

void
jw_time(struct jw *w, const char *key, time_t t)
{
	struct tm tm;
	char buf[32];

	if (gmtime_r(&t, &tm) == NULL) {
		jw_null(w, key);
		return;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	jw_str(w, key, buf);
}

void
jw_end(struct jw *w)
{
	fputc('\n', w->fp);
	fflush(w->fp);
}
