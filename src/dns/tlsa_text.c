/*
 * Text helpers of the TLSA files: a growable buffer, the chunk reader that
 * keeps a wrapped record (tlsa.md §5.3) together, and the record parser
 * shared by the aggregate's duplicate test and the roll gate's parser.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/tlsa_int.h"

/* More pieces than any spelling of one record has (the hex of a full
 * certificate wrapped at 72 characters is ~30 pieces). */
#define MAX_TOKENS 128

void
tlsa_buf_init(struct tlsa_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
tlsa_buf_clear(struct tlsa_buf *b)
{
	free(b->s);
	tlsa_buf_init(b);
}

void
tlsa_buf_add(struct tlsa_buf *b, const char *s, size_t n)
{
	char *p;
	size_t cap;

	if (b->failed)
		return;
	if (n >= SIZE_MAX / 2 - b->len) {
		b->failed = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap == 0 ? 256 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
tlsa_buf_str(struct tlsa_buf *b, const char *s)
{
	tlsa_buf_add(b, s, strlen(s));
}

void
tlsa_buf_printf(struct tlsa_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256], *s = small;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(small)) {
		if ((s = malloc((size_t)n + 1)) == NULL) {
			b->failed = true;
			return;
		}
		va_start(ap, fmt);
		n = vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (n < 0)
		b->failed = true;
	else
		tlsa_buf_add(b, s, (size_t)n);
	if (s != small)
		free(s);
}

char *
tlsa_buf_take(struct tlsa_buf *b)
{
	char *s;

	if (b->failed) {
		tlsa_buf_clear(b);
		return NULL;
	}
	s = b->s != NULL ? b->s : str_dup("");
	tlsa_buf_init(b);
	return s;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Net count of '(' minus ')' on [p, end), ignoring a ';' comment. */
static int
paren_balance(const char *p, const char *end)
{
	int d = 0;

	for (; p < end && *p != ';'; p++) {
		if (*p == '(')
			d++;
		else if (*p == ')')
			d--;
	}
	return d;
}

bool
tlsa_next_chunk(const char **pos, int *line, struct tlsa_chunk *c)
{
	const char *p = *pos, *eol, *q;
	int depth;

	if (p == NULL || *p == '\0')
		return false;
	memset(c, 0, sizeof(*c));
	c->start = p;
	c->line = *line;
	if ((eol = strchr(p, '\n')) == NULL)
		eol = p + strlen(p);
	for (q = p; q < eol && is_blank(*q); q++)
		;
	c->kind = q == eol ? TLSA_BLANK : *q == ';' ? TLSA_COMMENT : TLSA_RECORD;
	c->n_lines = 1;
	depth = c->kind == TLSA_RECORD ? paren_balance(p, eol) : 0;
	while (depth > 0 && *eol == '\n' && eol[1] != '\0') {
		p = eol + 1;
		if ((eol = strchr(p, '\n')) == NULL)
			eol = p + strlen(p);
		depth += paren_balance(p, eol);
		c->n_lines++;
	}
	c->len = (size_t)(eol - c->start);
	*pos = *eol == '\n' ? eol + 1 : eol;
	*line += c->n_lines;
	return true;
}

void
tlsa_fields_clear(struct tlsa_fields *f)
{
	free(f->owner);
	free(f->value);
	f->owner = f->value = NULL;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A decimal field of 0..255 (RFC 6698 §2.1: one octet each). */
static int
octet(const char *s, unsigned *v)
{
	if (!all_digits(s) || strlen(s) > 3 || atoi(s) > 255)
		return -1;
	*v = (unsigned)atoi(s);
	return 0;
}

/* Owner names in our files are LDH labels with '_' (and '*' in the
 * originals' wildcard SAN records, quirk T4); nothing else belongs there. */
static bool
owner_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.' || *s == '*'))
			return false;
	return true;
}

static bool
is_class(const char *s)
{
	return str_case_eq(s, "IN") || str_case_eq(s, "CH") ||
	    str_case_eq(s, "HS") || str_case_eq(s, "CS");
}

/* Tokens of the record: ';' comments dropped, parentheses and line ends
 * taken as spaces. buf is modified; returns the count, -1 if too many. */
static int
tokenize(char *buf, char **tok)
{
	bool comment = false;
	int n = 0;
	char *p = buf;

	for (char *q = buf; *q != '\0'; q++) {
		if (*q == '\n')
			comment = false;
		else if (*q == ';')
			comment = true;
		if (comment || *q == '(' || *q == ')' || *q == '\n' ||
		    is_blank(*q))
			*q = ' ';
	}
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
		if (*p == ' ')
			*p++ = '\0';
	}
	return n;
}

/* The hex pieces joined and lower-cased into a new string, or NULL with why. */
static char *
join_hex(char **tok, int n, unsigned match, char *why, size_t why_len)
{
	struct tlsa_buf b;
	char *hex;

	tlsa_buf_init(&b);
	for (int i = 0; i < n; i++)
		tlsa_buf_str(&b, tok[i]);
	if ((hex = tlsa_buf_take(&b)) == NULL) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	for (char *p = hex; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
		else if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) {
			snprintf(why, why_len, "data is not hexadecimal");
			goto bad;
		}
	}
	if (hex[0] == '\0' || strlen(hex) % 2 != 0) {
		snprintf(why, why_len, "data is empty or has an odd number of "
		    "hex digits");
		goto bad;
	}
	if ((match == 1 && strlen(hex) != 64) || (match == 2 && strlen(hex) != 128)) {
		snprintf(why, why_len, "%s data must be %d hex digits, not %zu",
		    match == 1 ? "SHA-256" : "SHA-512", match == 1 ? 64 : 128,
		    strlen(hex));
		goto bad;
	}
	return hex;
 bad:
	free(hex);
	return NULL;
}

int
tlsa_parse_fields(const struct tlsa_chunk *c, struct tlsa_fields *f,
    char *why, size_t why_len)
{
	char *buf = NULL, *tok[MAX_TOKENS], *hex = NULL;
	unsigned u, s, m;
	bool ttl = false, cls = false;
	int n, i = 1, rc = -1;

	f->owner = f->value = NULL;
	if ((buf = malloc(c->len + 1)) == NULL) {
		snprintf(why, why_len, "out of memory");
		goto out;
	}
	memcpy(buf, c->start, c->len);
	buf[c->len] = '\0';
	if ((n = tokenize(buf, tok)) < 0) {
		snprintf(why, why_len, "too many fields");
		goto out;
	}
	if (n < 1 || !owner_ok(tok[0])) {
		snprintf(why, why_len, "bad owner name");
		goto out;
	}
	/* TTL and class may come in either order (RFC 1035 §5.1). */
	for (; i < n && i < 3; i++) {
		if (!ttl && all_digits(tok[i]) && strlen(tok[i]) <= 10)
			ttl = true;
		else if (!cls && is_class(tok[i]))
			cls = true;
		else
			break;
	}
	if (i >= n || !str_case_eq(tok[i], "TLSA")) {
		snprintf(why, why_len, "not a TLSA record");
		goto out;
	}
	if (n - i < 5) {
		snprintf(why, why_len, "TLSA record has too few fields");
		goto out;
	}
	if (octet(tok[i + 1], &u) != 0 || octet(tok[i + 2], &s) != 0 ||
	    octet(tok[i + 3], &m) != 0) {
		snprintf(why, why_len, "usage, selector and matching type must "
		    "be numbers 0-255");
		goto out;
	}
	if ((hex = join_hex(tok + i + 4, n - i - 4, m, why, why_len)) == NULL)
		goto out;
	for (char *p = tok[0]; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if ((f->owner = str_dup(tok[0])) == NULL ||
	    (f->value = str_printf("%u %u %u %s", u, s, m, hex)) == NULL) {
		snprintf(why, why_len, "out of memory");
		tlsa_fields_clear(f);
		goto out;
	}
	rc = 0;
 out:
	free(hex);
	free(buf);
	return rc;
}
