/*
 * The cursor over the document: positions, error messages, whitespace,
 * comments and newlines, the one-pass UTF-8 / control-character check, and
 * the byte buffer strings are decoded into.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml/toml_int.h"

struct toml_pos
toml_scan_here(const struct toml_parser *p)
{
	struct toml_pos at;

	at.line = p->line;
	at.col = (int)(p->pos - p->line_start) + 1;
	return at;
}

int
toml_perr(struct toml_parser *p, struct toml_pos at, const char *fmt, ...)
{
	char msg[SSLM_ERR_MAX];
	va_list ap;

	/* The first error is the real one; later ones are only fallout. */
	if (p->failed)
		return -1;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sslm_err_set(p->err, "%s:%d:%d: %s", p->name, at.line, at.col, msg);
	return -1;
}

int
toml_perr_here(struct toml_parser *p, const char *fmt, ...)
{
	char msg[SSLM_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return toml_perr(p, toml_scan_here(p), "%s", msg);
}

int
toml_perr_oom(struct toml_parser *p)
{
	return toml_perr_here(p, "out of memory");
}

void
toml_scan_adv(struct toml_parser *p, size_t n)
{
	for (; n > 0 && p->pos < p->len; n--) {
		if (p->src[p->pos++] == '\n') {
			p->line++;
			p->line_start = p->pos;
		}
	}
}

bool
toml_scan_at_newline(const struct toml_parser *p)
{
	int c = toml_scan_peek(p, 0);

	return c == '\n' || (c == '\r' && toml_scan_peek(p, 1) == '\n');
}

void
toml_scan_newline(struct toml_parser *p)
{
	toml_scan_adv(p, toml_scan_peek(p, 0) == '\r' ? 2 : 1);
}

void
toml_scan_ws(struct toml_parser *p)
{
	int c;

	while ((c = toml_scan_peek(p, 0)) == ' ' || c == '\t')
		toml_scan_adv(p, 1);
}

void
toml_scan_comment(struct toml_parser *p)
{
	/* Control characters were refused by toml_scan_check_text()
	 * already, so a comment is simply everything up to the line end. */
	if (toml_scan_peek(p, 0) != '#')
		return;
	while (!toml_scan_eof(p) && !toml_scan_at_newline(p))
		toml_scan_adv(p, 1);
}

void
toml_scan_ws_comments_newlines(struct toml_parser *p)
{
	for (;;) {
		toml_scan_ws(p);
		toml_scan_comment(p);
		if (!toml_scan_at_newline(p))
			return;
		toml_scan_newline(p);
	}
}

const char *
toml_scan_describe(const struct toml_parser *p, char *buf, size_t size)
{
	int c = toml_scan_peek(p, 0);
	size_t n = 1;

	if (c < 0)
		return "end of file";
	if (c == '\n' || c == '\r')
		return "end of line";
	if (c >= 0x80) {
		/* Valid UTF-8 by now: quote the whole character. */
		n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (p->pos + n > p->len)
			n = p->len - p->pos;
	}
	snprintf(buf, size, "'%.*s'", (int)n, p->src + p->pos);
	return buf;
}

/*
 * Length of the UTF-8 sequence at s (at most `left` bytes), or 0 when it is
 * not well-formed: overlong forms, surrogates and code points past U+10FFFF
 * are refused, as RFC 3629 requires.
 */
static size_t
utf8_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t n;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;	/* overlong */
		else if (c == 0xED)
			hi = 0x9F;	/* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;	/* overlong */
		else if (c == 0xF4)
			hi = 0x8F;	/* past U+10FFFF */
	} else
		return 0;
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

int
toml_scan_check_text(struct toml_parser *p)
{
	const unsigned char *s = (const unsigned char *)p->src;
	struct toml_pos at = { 1, 1 };
	size_t i = 0, line_start = 0, n;

	while (i < p->len) {
		unsigned char c = s[i];

		at.col = (int)(i - line_start) + 1;
		if (c == '\n') {
			i++;
			at.line++;
			line_start = i;
			continue;
		}
		if (c == '\t' || (c >= 0x20 && c < 0x7F)) {
			i++;
			continue;
		}
		if (c == '\r') {
			if (i + 1 < p->len && s[i + 1] == '\n') {
				i++;
				continue;
			}
			return toml_perr(p, at, "carriage return not "
			    "followed by a line feed (TOML lines end in LF or "
			    "CRLF)");
		}
		if (c < 0x80)
			return toml_perr(p, at, "control character U+%04X is "
			    "not allowed in TOML (write it as an escape inside "
			    "a basic string)", c);
		if ((n = utf8_len(s + i, p->len - i)) == 0)
			return toml_perr(p, at, "invalid UTF-8 (byte 0x%02X); "
			    "TOML files must be UTF-8", c);
		i += n;
	}
	return 0;
}

/* ---- byte buffer ------------------------------------------------------ */

int
toml_buf_add(struct toml_parser *p, struct toml_buf *b, const void *data,
    size_t n)
{
	if (b->cap - b->n <= n) {
		size_t cap = b->cap == 0 ? 64 : b->cap;
		char *np;

		while (cap - b->n <= n)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL)
			return toml_perr_oom(p);
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

int
toml_buf_add_utf8(struct toml_parser *p, struct toml_buf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return toml_buf_add(p, b, u, n);
}

int
toml_buf_take(struct toml_parser *p, struct toml_buf *b, char **out,
    size_t *len)
{
	/* An empty string still needs its own allocation for the NUL. */
	if (b->p == NULL && toml_buf_add(p, b, "", 0) != 0)
		return -1;
	*out = b->p;
	*len = b->n;
	b->p = NULL;
	b->n = b->cap = 0;
	return 0;
}

void
toml_buf_clear(struct toml_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}
