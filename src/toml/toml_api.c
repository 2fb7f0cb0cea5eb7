/*
 * The public face of toml/: parse a buffer or a file, free the tree, look
 * keys up, name kinds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "toml/toml_int.h"

struct toml_value *
toml_parse(const char *text, size_t len, const char *name,
    struct sslm_err *err)
{
	struct toml_parser p;
	struct toml_pos origin = { 1, 1 };
	struct toml_value *root = NULL;

	memset(&p, 0, sizeof(p));
	p.src = text != NULL ? text : "";
	p.len = text != NULL ? len : 0;
	p.line = 1;
	p.name = name != NULL ? name : "<toml>";
	p.err = err;
	if (p.len > TOML_MAX_INPUT) {
		toml_perr(&p, origin, "document is larger than %u MiB",
		    TOML_MAX_INPUT >> 20);
		goto out;
	}
	if (toml_scan_check_text(&p) != 0)
		goto out;
	if (toml_parse_document(&p) == NULL)
		goto out;
	root = p.root;
	p.root = NULL;
 out:
	toml_tv_free(p.root);
	toml_tree_index_free(&p);
	return root;
}

/*
 * Read at most TOML_MAX_INPUT + 1 bytes: one more than allowed is enough
 * to know the file is too large, whatever kind of file it is (a pipe or
 * /dev/stdin has no useful size).
 */
static char *
read_bounded(const char *path, const char *name, size_t *len,
    struct sslm_err *err)
{
	char *buf = NULL, *ret = NULL;
	size_t n = 0, cap = 0;
	ssize_t r;
	int fd = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		sslm_err_errno(err, errno, "%s: cannot open", name);
		goto out;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap == 0 ? 8192 : cap * 2;
			char *nb;

			if (ncap > (size_t)TOML_MAX_INPUT + 1)
				ncap = (size_t)TOML_MAX_INPUT + 1;
			if (ncap == cap) {
				sslm_err_set(err, "%s: file is larger than %u "
				    "MiB", name, TOML_MAX_INPUT >> 20);
				goto out;
			}
			if ((nb = realloc(buf, ncap)) == NULL) {
				sslm_err_set(err, "%s: out of memory", name);
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		if ((r = read(fd, buf + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			sslm_err_errno(err, errno, "%s: cannot read", name);
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	ret = buf;
	buf = NULL;
 out:
	if (fd != -1)
		close(fd);
	free(buf);
	return ret;
}

struct toml_value *
toml_parse_file(const char *path, const char *name, struct sslm_err *err)
{
	struct toml_value *root = NULL;
	char *text = NULL;
	size_t len = 0;

	if (name == NULL)
		name = path;
	if ((text = read_bounded(path, name, &len, err)) == NULL)
		goto out;
	root = toml_parse(text, len, name, err);
 out:
	free(text);
	return root;
}

void
toml_free(struct toml_value *v)
{
	toml_tv_free(v);
}

const struct toml_entry *
toml_table_entry(const struct toml_value *t, const char *key)
{
	size_t len;

	if (t == NULL || key == NULL || t->kind != TOML_TABLE)
		return NULL;
	/* Callers' tables are small config sections: a linear scan is
	 * plenty (the parser has its own index for large documents). */
	len = strlen(key);
	for (size_t i = 0; i < t->n_entries; i++)
		if (t->entries[i].key_len == len &&
		    memcmp(t->entries[i].key, key, len) == 0)
			return &t->entries[i];
	return NULL;
}

const struct toml_value *
toml_table_get(const struct toml_value *t, const char *key)
{
	const struct toml_entry *e = toml_table_entry(t, key);

	return e != NULL ? e->value : NULL;
}

const char *
toml_kind_name(enum toml_kind kind)
{
	static const char *const names[] = {
		[TOML_TABLE] = "table",
		[TOML_ARRAY] = "array",
		[TOML_STRING] = "string",
		[TOML_INTEGER] = "integer",
		[TOML_FLOAT] = "float",
		[TOML_BOOL] = "boolean",
		[TOML_DATETIME] = "offset date-time",
		[TOML_DATETIME_LOCAL] = "local date-time",
		[TOML_DATE_LOCAL] = "local date",
		[TOML_TIME_LOCAL] = "local time",
	};

	if ((unsigned)kind >= sizeof(names) / sizeof(names[0]) ||
	    names[kind] == NULL)
		return "unknown";
	return names[kind];
}
