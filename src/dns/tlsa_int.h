/*
 * Private to the TLSA files of src/dns/ (tlsa_*.c): a growable text buffer
 * and the reader that splits a tlsa.rr / tlsa.<apex> text into records.
 */
#ifndef SSLM_DNS_TLSA_INT_H
#define SSLM_DNS_TLSA_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/dns.h"

/* Largest tlsa.rr or tlsa.<apex> read from disk. A record line is ~200
 * bytes; thousands of records fit, and a larger file is not ours. */
#define TLSA_FILE_MAX (4 * 1024 * 1024)

/* ---- text buffer ---------------------------------------------------------
 * Appends never fail silently: after an allocation failure the buffer is
 * marked failed, later appends do nothing, and the owner checks tb.failed
 * once at the end. */
struct tlsa_buf {
	char *s;		/* NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	bool failed;
};

void tlsa_buf_init(struct tlsa_buf *b);
void tlsa_buf_clear(struct tlsa_buf *b);
void tlsa_buf_add(struct tlsa_buf *b, const char *s, size_t n);
void tlsa_buf_str(struct tlsa_buf *b, const char *s);
void tlsa_buf_printf(struct tlsa_buf *b, const char *fmt, ...)
    SSLM_PRINTF(2, 3);
/* The text (never NULL unless failed: "" for an empty buffer) handed over
 * to the caller; the buffer is left empty. NULL after a failure. */
char *tlsa_buf_take(struct tlsa_buf *b);

/* ---- reading records -----------------------------------------------------
 * A text is read as a sequence of chunks: blank lines, comment lines (first
 * non-blank character ';'), and records. A record is one line, or, when a
 * '(' is left open on it, every line up to the one closing it (the wrapped
 * form of the originals, tlsa.md §5.3) or the end of the text. */

enum tlsa_kind {
	TLSA_BLANK,
	TLSA_COMMENT,
	TLSA_RECORD,
};

struct tlsa_chunk {
	enum tlsa_kind kind;
	const char *start;	/* first byte of the first line */
	size_t len;		/* to the end of the last line, without '\n' */
	int line;		/* 1-based number of the first line */
	int n_lines;
};

/* The chunk at *pos; *pos and *line move past it (and its final newline).
 * false at the end of the text. */
bool tlsa_next_chunk(const char **pos, int *line, struct tlsa_chunk *c);

/* A record's fields. owner and value are heap strings. */
struct tlsa_fields {
	char *owner;		/* lower case, as written (absolute if it
				 * ends in '.') */
	char *value;		/* "<usage> <selector> <match> <hex>", hex in
				 * lower case and joined from its pieces */
};

void tlsa_fields_clear(struct tlsa_fields *f);

/*
 * Parse a TLSA record chunk in any of the spellings of tlsa.md §5:
 * "<owner> [<ttl>] [IN] TLSA <u> <s> <m> <hex...>" (TTL and class in either
 * order), parentheses and ';' comments allowed. 0, or -1 with why (one
 * short phrase, e.g. "data is not hexadecimal") and f empty.
 */
int tlsa_parse_fields(const struct tlsa_chunk *c, struct tlsa_fields *f,
    char *why, size_t why_len);

#endif /* SSLM_DNS_TLSA_INT_H */
