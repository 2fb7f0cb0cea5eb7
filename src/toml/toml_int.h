/*
 * toml/ private: the parser state and the helpers the toml_*.c files share.
 * Nothing outside src/toml/ includes this header.
 *
 * Layout of the reader:
 *   toml_scan.c      cursor, positions, errors, whitespace/comments, the
 *                    UTF-8 and control-character check, a byte buffer
 *   toml_string.c    the four string kinds and their escapes
 *   toml_key.c       bare, quoted and dotted keys
 *   toml_number.c    booleans, integers, floats
 *   toml_datetime.c  dates, times and date-times
 *   toml_tree.c      values, the per-parse key index, and the rules that
 *                    say when a key or table is defined twice
 *   toml_parse.c     the document: expressions, headers, arrays, inline tables
 *   toml_api.c       toml_parse*(), toml_free() and the accessors
 */
#ifndef SSLM_TOML_INT_H
#define SSLM_TOML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "toml/toml.h"

/*
 * Bounds on what one document may ask of us. Config files are small; these
 * only exist so that a hostile or broken file fails with a message instead
 * of exhausting the stack or the memory.
 */
#define TOML_MAX_INPUT	(16u * 1024 * 1024)	/* bytes */
/* nested tables and arrays, counted from the root */
#define TOML_MAX_DEPTH	128
/* values of all kinds in one document */
#define TOML_MAX_VALUES	(1u << 20)

/*
 * toml_value.flags. A table's flags record how it came to exist, because the
 * TOML 1.0 redefinition rules depend on exactly that:
 *  - a table created only as the parent in a header path ([a.b] creates a)
 *    is implicit (no TF_DEFINED) and may later get its own [a] header, once;
 *  - a table with TF_HEADER was defined by [header] (or is a [[header]]
 *    element): no second header, no dotted keys from outside may enter it;
 *  - a table with TF_DOTTED was defined by dotted keys: no header for it,
 *    but headers for its sub-tables are fine;
 *  - TF_FROZEN marks inline tables and static arrays: complete when closed.
 */
#define TF_DEFINED	0x01u
#define TF_HEADER	0x02u
#define TF_DOTTED	0x04u
#define TF_FROZEN	0x08u
#define TF_AOT		0x10u	/* array made by [[header]] (of tables) */

/* A position in the document: 1-based line, 1-based byte column. */
struct toml_pos {
	int line;
	int col;
};

/* A growable byte buffer used to build decoded strings. */
struct toml_buf {
	char *p;
	size_t n;
	size_t cap;
};

/* One component of a (possibly dotted) key, decoded, with its position. */
struct toml_keypart {
	char *s;		/* owned, NUL-terminated (may also hold NULs) */
	size_t len;
	struct toml_pos pos;
};

struct toml_key {
	struct toml_keypart *v;
	size_t n;
	size_t cap;
	struct toml_pos pos;	/* where the whole key starts */
};

/* The per-parse index: (table, key) -> entry slot, so that lookups stay
 * O(1) even for tables with a million keys. Open addressing. */
struct toml_slot {
	const struct toml_value *table;	/* NULL: empty slot */
	size_t idx;			/* index into table->entries */
	uint64_t hash;
};

struct toml_parser {
	const char *src;
	size_t len;
	size_t pos;		/* byte offset of the cursor */
	int line;		/* line of the cursor, 1-based */
	size_t line_start;	/* byte offset where the cursor's line starts */
	const char *name;	/* for messages */
	struct sslm_err *err;
	bool failed;		/* an error is already in err: keep the first */

	struct toml_value *root;
	struct toml_value *cur;	/* the table key/value lines go into */
	int cur_depth;		/* depth of cur below the root */
	size_t n_values;

	struct toml_slot *slots;
	size_t n_slots;		/* capacity, a power of two */
	size_t n_used;
};

/*
 * Every name below is extern only so the toml_*.c files can share it; the
 * toml_ prefix keeps it clear of other folders' names in libsslm.a.
 */

/* ---- toml_scan.c ---------------------------------------------------- */

struct toml_pos toml_scan_here(const struct toml_parser *p);
/* Record "name:line:col: message" (only the first error counts); return -1
 * so callers can write `return toml_perr(...)`. */
int toml_perr(struct toml_parser *p, struct toml_pos at, const char *fmt,
    ...) SSLM_PRINTF(3, 4);
/* The same, at the cursor. */
int toml_perr_here(struct toml_parser *p, const char *fmt, ...)
    SSLM_PRINTF(2, 3);
int toml_perr_oom(struct toml_parser *p);

static inline bool
toml_scan_eof(const struct toml_parser *p)
{
	return p->pos >= p->len;
}

/* The byte at the cursor + off, or -1 past the end. */
static inline int
toml_scan_peek(const struct toml_parser *p, size_t off)
{
	return p->pos + off < p->len ?
	    (unsigned char)p->src[p->pos + off] : -1;
}

/* Move n bytes on, keeping line and column right. */
void toml_scan_adv(struct toml_parser *p, size_t n);
bool toml_scan_at_newline(const struct toml_parser *p);	/* LF or CRLF */
void toml_scan_newline(struct toml_parser *p);	/* consume one LF/CRLF */
void toml_scan_ws(struct toml_parser *p);	/* spaces and tabs */
void toml_scan_comment(struct toml_parser *p);	/* '#' to end of line */
/* Whitespace, comments and newlines, as allowed inside arrays. */
void toml_scan_ws_comments_newlines(struct toml_parser *p);
/* The byte at the cursor for a message: "'x'", "end of line", ... */
const char *toml_scan_describe(const struct toml_parser *p, char *buf,
    size_t size);
/* Whole-document check: valid UTF-8, no control characters but tab, LF and
 * CRLF. Runs before parsing so no later step has to think about it. */
int toml_scan_check_text(struct toml_parser *p);

int toml_buf_add(struct toml_parser *p, struct toml_buf *b,
    const void *data, size_t n);
int toml_buf_add_utf8(struct toml_parser *p, struct toml_buf *b,
    uint32_t cp);
/* Hand the bytes over as a NUL-terminated heap string (buffer emptied). */
int toml_buf_take(struct toml_parser *p, struct toml_buf *b, char **out,
    size_t *len);
void toml_buf_clear(struct toml_buf *b);

/* ---- toml_string.c -------------------------------------------------- */

/* At a quote: parse any of the four string kinds (single-line ones only
 * when !multiline_ok). *out is a NUL-terminated heap string. */
int toml_str_parse(struct toml_parser *p, bool multiline_ok, char **out,
    size_t *len);

/* ---- toml_key.c ----------------------------------------------------- */

int toml_key_parse(struct toml_parser *p, struct toml_key *k);
void toml_key_clear(struct toml_key *k);
/* "a.b.\"c d\"" for messages: the first n parts of k, quoted as needed. */
const char *toml_key_text(const struct toml_key *k, size_t n, char *buf,
    size_t size);
bool toml_key_is_bare_char(int c);

/* ---- toml_number.c -------------------------------------------------- */

int toml_num_parse_bool(struct toml_parser *p, struct toml_value *v);
/* Integers and floats, inf and nan included. */
int toml_num_parse(struct toml_parser *p, struct toml_value *v);

/* ---- toml_datetime.c ------------------------------------------------ */

/* Does the text at the cursor start a date ("1979-") or a time ("07:")? */
bool toml_dt_starts_here(const struct toml_parser *p);
int toml_dt_parse(struct toml_parser *p, struct toml_value *v);

/* ---- toml_tree.c ---------------------------------------------------- */

struct toml_value *toml_tv_new(struct toml_parser *p, enum toml_kind kind,
    struct toml_pos at);
void toml_tv_free(struct toml_value *v);
struct toml_entry *toml_tree_find(struct toml_parser *p,
    const struct toml_value *t, const char *key, size_t len);
/* Append v to array a (takes v, also on failure). */
int toml_tree_push(struct toml_parser *p, struct toml_value *a,
    struct toml_value *v);
/* [a.b] (aot false) or [[a.b]] (aot true): find or make the table the
 * following key/values go into, applying the redefinition rules. *depth
 * is that table's depth below the root. */
int toml_tree_header(struct toml_parser *p, const struct toml_key *k,
    bool aot, struct toml_pos at, struct toml_value **out, int *depth);
/* key = value inside table t: make the dotted parents, refuse duplicates.
 * Takes val, also on failure. */
int toml_tree_assign(struct toml_parser *p, struct toml_value *t,
    const struct toml_key *k, struct toml_value *val);
void toml_tree_index_free(struct toml_parser *p);

/* ---- toml_parse.c --------------------------------------------------- */

/* The root table (also left in p->root), or NULL with the error set. */
struct toml_value *toml_parse_document(struct toml_parser *p);

#endif /* SSLM_TOML_INT_H */
