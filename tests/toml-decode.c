/*
 * toml-decode: the toml-test "decoder" interface for src/toml/.
 *
 *   toml-decode [FILE] < doc.toml > doc.json
 *
 * Reads TOML (stdin, or FILE), writes the tagged JSON toml-test expects
 * ({"key": {"type": "integer", "value": "42"}}, arrays as JSON arrays,
 * tables as objects). On invalid TOML prints the error on stderr and exits
 * 1. Floats are printed with 17 significant digits so they compare by
 * value; inf and nan as "inf", "-inf", "nan".
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "toml/toml.h"

/* One more byte than toml_parse() accepts, so it can say "too large". */
#define READ_MAX ((size_t)16 * 1024 * 1024 + 1)

static void
put_string(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20 || c == 0x7F)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static const char *
type_tag(enum toml_kind kind)
{
	static const char *const tags[] = {
		[TOML_STRING] = "string",
		[TOML_INTEGER] = "integer",
		[TOML_FLOAT] = "float",
		[TOML_BOOL] = "bool",
		[TOML_DATETIME] = "datetime",
		[TOML_DATETIME_LOCAL] = "datetime-local",
		[TOML_DATE_LOCAL] = "date-local",
		[TOML_TIME_LOCAL] = "time-local",
	};

	return tags[kind];
}

/* RFC 3339 spelling for date-times: 'T' and 'Z' upper case, as toml-test
 * writes them; the rest of the text stays as written. */
static void
put_datetime(const struct toml_value *v)
{
	putchar('"');
	for (size_t i = 0; i < v->str_len; i++) {
		char c = v->str[i];

		if (i == 10 && v->kind != TOML_TIME_LOCAL)
			c = 'T';	/* 'T', 't' or ' ' as written */
		else if (c == 'z')
			c = 'Z';
		putchar(c);
	}
	putchar('"');
}

static void
put_value(const struct toml_value *v)
{
	char num[64];

	switch (v->kind) {
	case TOML_TABLE:
		putchar('{');
		for (size_t i = 0; i < v->n_entries; i++) {
			if (i > 0)
				putchar(',');
			put_string(v->entries[i].key, v->entries[i].key_len);
			putchar(':');
			put_value(v->entries[i].value);
		}
		putchar('}');
		return;
	case TOML_ARRAY:
		putchar('[');
		for (size_t i = 0; i < v->n_items; i++) {
			if (i > 0)
				putchar(',');
			put_value(v->items[i]);
		}
		putchar(']');
		return;
	default:
		break;
	}
	printf("{\"type\":\"%s\",\"value\":", type_tag(v->kind));
	switch (v->kind) {
	case TOML_STRING:
		put_string(v->str, v->str_len);
		break;
	case TOML_INTEGER:
		printf("\"%" PRId64 "\"", v->u.i);
		break;
	case TOML_FLOAT:
		if (isnan(v->u.f))
			snprintf(num, sizeof(num), "nan");
		else if (isinf(v->u.f))
			snprintf(num, sizeof(num), "%sinf", v->u.f < 0 ? "-" : "");
		else
			snprintf(num, sizeof(num), "%.17g", v->u.f);
		printf("\"%s\"", num);
		break;
	case TOML_BOOL:
		printf("\"%s\"", v->u.b ? "true" : "false");
		break;
	default:
		put_datetime(v);
		break;
	}
	putchar('}');
}

static char *
read_stdin(size_t *len)
{
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, r;

	do {
		if (n == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > READ_MAX)
				cap = READ_MAX;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, stdin);
		n += r;
	} while (r > 0 && n < READ_MAX);
	if (ferror(stdin)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	struct sslm_err err;
	struct toml_value *root = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc = 1;

	sslm_err_clear(&err);
	if (argc > 2) {
		fprintf(stderr, "usage: toml-decode [FILE] (TOML on stdin when "
		    "no FILE)\n");
		return 2;
	}
	if (argc == 2)
		root = toml_parse_file(argv[1], NULL, &err);
	else if ((text = read_stdin(&len)) == NULL)
		snprintf(err.msg, sizeof(err.msg), "stdin: cannot read");
	else
		root = toml_parse(text, len, "stdin", &err);
	if (root == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		goto out;
	}
	put_value(root);
	putchar('\n');
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "toml-decode: cannot write the output\n");
		goto out;
	}
	rc = 0;
 out:
	toml_free(root);
	free(text);
	return rc;
}
