/*
 * The four TOML string kinds: "basic", """multi-line basic""", 'literal'
 * and '''multi-line literal'''. Control characters and bad UTF-8 were
 * refused for the whole document by toml_scan_check_text(), so here only the
 * string grammar itself is checked.
 */
#include "config.h"

#include <string.h>

#include "toml/toml_int.h"

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX or \UXXXXXXXX at the cursor (on the backslash). */
static int
unicode_escape(struct toml_parser *p, struct toml_buf *b)
{
	struct toml_pos at = toml_scan_here(p);
	int ndig = toml_scan_peek(p, 1) == 'u' ? 4 : 8;
	uint32_t cp = 0;

	for (int i = 0; i < ndig; i++) {
		int h = hex_value(toml_scan_peek(p, 2 + (size_t)i));

		if (h < 0)
			return toml_perr(p, at, "escape \\%c needs exactly %d "
			    "hex digits", toml_scan_peek(p, 1), ndig);
		cp = cp * 16 + (uint32_t)h;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return toml_perr(p, at, "escape \\%c%.*s is a UTF-16 "
		    "surrogate, not a Unicode character", toml_scan_peek(p, 1),
		    ndig,
		    p->src + p->pos + 2);
	if (cp > 0x10FFFF)
		return toml_perr(p, at, "escape \\%c%.*s is beyond U+10FFFF, "
		    "the last Unicode character", toml_scan_peek(p, 1), ndig,
		    p->src + p->pos + 2);
	if (toml_buf_add_utf8(p, b, cp) != 0)
		return -1;
	toml_scan_adv(p, 2 + (size_t)ndig);
	return 0;
}

/*
 * In a multi-line basic string, a backslash that ends its line (spaces and
 * tabs may follow it) swallows the line end and all whitespace and line
 * ends after it. Returns 1 when that applied, 0 when the backslash is not a
 * line-ending one.
 */
static int
line_ending_backslash(struct toml_parser *p)
{
	size_t off = 1;
	int c;

	while ((c = toml_scan_peek(p, off)) == ' ' || c == '\t')
		off++;
	if (c != '\n' && !(c == '\r' && toml_scan_peek(p, off + 1) == '\n'))
		return 0;
	toml_scan_adv(p, off);
	toml_scan_newline(p);
	for (;;) {
		if ((c = toml_scan_peek(p, 0)) == ' ' || c == '\t')
			toml_scan_adv(p, 1);
		else if (toml_scan_at_newline(p))
			toml_scan_newline(p);
		else
			return 1;
	}
}

/* One escape sequence at the cursor (on the backslash). */
static int
escape(struct toml_parser *p, struct toml_buf *b, bool multiline)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	int c = toml_scan_peek(p, 1);
	const char *hit;

	if (c > 0 && (hit = strchr(from, c)) != NULL) {
		if (toml_buf_add(p, b, &to[hit - from], 1) != 0)
			return -1;
		toml_scan_adv(p, 2);
		return 0;
	}
	if (c == 'u' || c == 'U')
		return unicode_escape(p, b);
	if (multiline && line_ending_backslash(p) == 1)
		return 0;
	if (c == ' ' || c == '\t')
		return toml_perr_here(p, "invalid escape: a backslash "
		    "followed by whitespace may only end a line of a "
		    "multi-line string");
	if (c > ' ' && c < 0x7F)
		return toml_perr_here(p, "invalid escape \\%c (TOML knows "
		    "\\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)", c);
	return toml_perr_here(p, "invalid escape: a backslash before %s",
	    c < 0 ? "the end of the file" : c == '\n' || c == '\r' ?
	    "the end of the line (only multi-line strings may do that)" :
	    "a non-ASCII character");
}

/* Add the plain bytes from the cursor up to the next byte in `stop`. */
static int
add_run(struct toml_parser *p, struct toml_buf *b, const char *stop)
{
	size_t end = p->pos;

	while (end < p->len && strchr(stop, p->src[end]) == NULL)
		end++;
	if (end == p->pos) {
		/* A byte of `stop` the caller does not handle: take it. */
		end++;
	}
	if (toml_buf_add(p, b, p->src + p->pos, end - p->pos) != 0)
		return -1;
	toml_scan_adv(p, end - p->pos);
	return 0;
}

/* "..." and '...': single line, closing quote required. */
static int
single_line(struct toml_parser *p, char quote, struct toml_buf *b)
{
	const char stop_basic[] = "\"\\\r\n", stop_lit[] = "'\r\n";
	struct toml_pos start = toml_scan_here(p);

	toml_scan_adv(p, 1);
	for (;;) {
		int c = toml_scan_peek(p, 0);

		if (c < 0 || c == '\n' || c == '\r')
			return toml_perr(p, start, "unterminated string: %s "
			    "before the closing %c (use %c%c%c for a string "
			    "over several lines)", c < 0 ? "end of file" :
			    "end of line", quote, quote, quote, quote);
		if (c == quote) {
			toml_scan_adv(p, 1);
			return 0;
		}
		if (quote == '"' && c == '\\') {
			if (escape(p, b, false) != 0)
				return -1;
			continue;
		}
		if (add_run(p, b, quote == '"' ? stop_basic : stop_lit) != 0)
			return -1;
	}
}

/* """...""" and '''...''': a line end right after the opening delimiter is
 * dropped; line ends inside are kept as "\n" (CRLF is normalised); one or
 * two quotes may stand right before the closing delimiter. */
static int
multi_line(struct toml_parser *p, char quote, struct toml_buf *b)
{
	const char stop_basic[] = "\"\\\r\n", stop_lit[] = "'\r\n";
	struct toml_pos start = toml_scan_here(p);

	toml_scan_adv(p, 3);
	if (toml_scan_at_newline(p))
		toml_scan_newline(p);
	for (;;) {
		int c = toml_scan_peek(p, 0);
		size_t q, kept;

		if (c < 0)
			return toml_perr(p, start, "unterminated multi-line "
			    "string: end of file before the closing %c%c%c",
			    quote, quote, quote);
		if (c == quote) {
			for (q = 0; toml_scan_peek(p, q) == quote; q++)
				;
			/* Three close the string; up to two more right
			 * before them are content. */
			if (q > 5) {
				toml_scan_adv(p, 5);
				return toml_perr_here(p, "too many quotes: "
				    "at most two %c may come right before the "
				    "closing %c%c%c", quote, quote, quote,
				    quote);
			}
			kept = q >= 3 ? q - 3 : q;
			if (toml_buf_add(p, b, p->src + p->pos, kept) != 0)
				return -1;
			toml_scan_adv(p, q);
			if (q >= 3)
				return 0;
			continue;
		}
		if (toml_scan_at_newline(p)) {
			if (toml_buf_add(p, b, "\n", 1) != 0)
				return -1;
			toml_scan_newline(p);
			continue;
		}
		if (quote == '"' && c == '\\') {
			if (escape(p, b, true) != 0)
				return -1;
			continue;
		}
		if (add_run(p, b, quote == '"' ? stop_basic : stop_lit) != 0)
			return -1;
	}
}

int
toml_str_parse(struct toml_parser *p, bool multiline_ok, char **out,
    size_t *len)
{
	struct toml_buf b = { NULL, 0, 0 };
	char quote = (char)toml_scan_peek(p, 0);
	int rc = -1;

	if (toml_scan_peek(p, 1) == quote && toml_scan_peek(p, 2) == quote) {
		if (!multiline_ok) {
			toml_perr_here(p, "a multi-line string cannot be "
			    "a key");
			goto out;
		}
		if (multi_line(p, quote, &b) != 0)
			goto out;
	} else if (single_line(p, quote, &b) != 0)
		goto out;
	if (toml_buf_take(p, &b, out, len) != 0)
		goto out;
	rc = 0;
 out:
	toml_buf_clear(&b);
	return rc;
}
