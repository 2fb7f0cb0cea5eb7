/*
 * toml/ — a TOML 1.0 reader that keeps line and column of every key and
 * value, so config errors can say exactly where they are.
 *
 * No C TOML library is packaged for Debian, so this one is ours. It reads the
 * whole TOML 1.0 grammar and rejects every invalid document (duplicate keys,
 * redefined tables, bad escapes, ...) with "name:line:column: problem".
 *
 * The tree is read-only for callers: walk it with the accessors below or
 * read the public fields directly. Whoever gets a tree from toml_parse*()
 * frees it with toml_free().
 */
#ifndef SSLM_TOML_H
#define SSLM_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

enum toml_kind {
	TOML_TABLE,
	TOML_ARRAY,
	TOML_STRING,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_DATETIME,		/* offset date-time  1979-05-27T07:32:00Z */
	TOML_DATETIME_LOCAL,	/* local date-time   1979-05-27T07:32:00 */
	TOML_DATE_LOCAL,	/* local date        1979-05-27 */
	TOML_TIME_LOCAL,	/* local time        07:32:00 */
};

struct toml_entry;

struct toml_value {
	enum toml_kind kind;
	int line;		/* 1-based position where the value starts; */
	int col;		/* for tables: their header (root: 1:1) */
	union {
		int64_t i;	/* TOML_INTEGER */
		double f;	/* TOML_FLOAT (inf and nan included) */
		bool b;		/* TOML_BOOL */
	} u;
	/*
	 * TOML_STRING: the decoded bytes, NUL-terminated; str_len is the
	 * length (a string may hold U+0000). Date/time kinds: the text as
	 * written, with a space separator kept as written.
	 */
	char *str;
	size_t str_len;
	struct toml_value **items;	/* TOML_ARRAY, in order */
	size_t n_items;
	struct toml_entry *entries;	/* TOML_TABLE, in definition order */
	size_t n_entries;
	size_t cap;			/* private: allocated slots */
	unsigned flags;			/* private: parser bookkeeping */
};

struct toml_entry {
	char *key;			/* decoded key (one component) */
	size_t key_len;
	int line;			/* where the key was written */
	int col;
	struct toml_value *value;
};

/*
 * Parse a document. `name` is used in error messages (usually the file name
 * relative to the top dir). Returns the root table, or NULL with err set to
 * "name:line:column: problem".
 */
struct toml_value *toml_parse(const char *text, size_t len, const char *name,
    struct sslm_err *err);

/* Read and parse a file (at most 16 MiB). `name` as for toml_parse(); when
 * NULL the path is used. */
struct toml_value *toml_parse_file(const char *path, const char *name,
    struct sslm_err *err);

void toml_free(struct toml_value *v);		/* NULL is fine */

/* The entry / value for key in table t (exact, case-sensitive); NULL when
 * absent or t is not a table. */
const struct toml_entry *toml_table_entry(const struct toml_value *t,
    const char *key);
const struct toml_value *toml_table_get(const struct toml_value *t,
    const char *key);

/* "table", "array", "string", "integer", "float", "boolean",
 * "offset date-time", "local date-time", "local date", "local time". */
const char *toml_kind_name(enum toml_kind kind);

#endif /* SSLM_TOML_H */
