/*
 * Booleans, integers and floats. The number is first taken as one token
 * (every byte that could belong to a number), then checked against the
 * TOML grammar as a whole, so "1__0", "012" or "1e" fail with a message
 * about the number rather than about the bytes after it.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "toml/toml_int.h"

/* Shown in messages: long tokens are cut, they are only a reminder. */
#define TOK_SHOW 40

int
toml_num_parse_bool(struct toml_parser *p, struct toml_value *v)
{
	size_t n = 0;

	while (toml_key_is_bare_char(toml_scan_peek(p, n)))
		n++;
	if (n == 4 && memcmp(p->src + p->pos, "true", 4) == 0)
		v->u.b = true;
	else if (n == 5 && memcmp(p->src + p->pos, "false", 5) == 0)
		v->u.b = false;
	else
		return toml_perr_here(p, "invalid value '%.*s' (booleans "
		    "are true or false in lower case; strings need quotes)",
		    (int)(n < TOK_SHOW ? n : TOK_SHOW), p->src + p->pos);
	v->kind = TOML_BOOL;
	toml_scan_adv(p, n);
	return 0;
}

static bool
is_token_char(int c)
{
	return toml_key_is_bare_char(c) || c == '.' || c == '+';
}

static int
digit_value(int c, int radix)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < radix ? d : -1;
}

/*
 * A run of digits where each underscore sits between two digits. Returns
 * the end of the run; *bad is set when an underscore breaks the rule. The
 * run is empty (returns s) when s does not start with a digit.
 */
static const char *
digit_run(const char *s, const char *end, int radix, bool *bad)
{
	if (s == end || digit_value((unsigned char)*s, radix) < 0) {
		if (s != end && *s == '_')
			*bad = true;
		return s;
	}
	for (s++; s < end; s++) {
		if (*s == '_') {
			if (s + 1 == end ||
			    digit_value((unsigned char)s[1], radix) < 0) {
				*bad = true;
				return s;
			}
			s++;
		} else if (digit_value((unsigned char)*s, radix) < 0)
			break;
	}
	return s;
}

/* Value of a checked digit run (underscores skipped) as int64; -1 on
 * overflow. `neg` allows the one extra magnitude of INT64_MIN. */
static int
to_int64(const char *s, const char *end, int radix, bool neg, int64_t *out)
{
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t acc = 0;

	for (; s < end; s++) {
		int d = digit_value((unsigned char)*s, radix);

		if (d < 0)
			continue;	/* underscore */
		if (acc > (limit - (uint64_t)d) / (uint64_t)radix)
			return -1;
		acc = acc * (uint64_t)radix + (uint64_t)d;
	}
	if (neg)
		*out = acc > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)acc;
	else
		*out = (int64_t)acc;
	return 0;
}

/*
 * strtod() follows LC_NUMERIC; TOML always uses '.'. Copy the token without
 * underscores and with the locale's decimal point so the result does not
 * depend on what locale the program set.
 */
static int
to_double(struct toml_parser *p, const char *s, size_t n, double *out)
{
	const char *dp = localeconv()->decimal_point;
	int show = (int)(n < TOK_SHOW ? n : TOK_SHOW);
	char *copy, *w, *endp;
	size_t dpl;
	int rc = -1;

	if (dp == NULL || *dp == '\0')
		dp = ".";
	dpl = strlen(dp);
	if ((copy = malloc(n * dpl + 1)) == NULL)
		return toml_perr_oom(p);
	w = copy;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			memcpy(w, dp, dpl);
			w += dpl;
		} else if (s[i] != '_')
			*w++ = s[i];
	}
	*w = '\0';
	errno = 0;
	*out = strtod(copy, &endp);
	if (*endp != '\0') {
		toml_perr_here(p, "cannot convert float '%.*s'", show, s);
		goto out;
	}
	if (errno == ERANGE && isinf(*out)) {
		toml_perr_here(p, "float '%.*s' is too large for a 64-bit "
		    "float", show, s);
		goto out;
	}
	rc = 0;
 out:
	free(copy);
	return rc;
}

/* 0x.., 0o.., 0b..: no sign, lower-case prefix, digits with underscores. */
static int
radix_int(struct toml_parser *p, const char *tok, const char *end,
    struct toml_value *v)
{
	int radix = tok[1] == 'x' ? 16 : tok[1] == 'o' ? 8 : 2;
	const char *s = tok + 2, *e;
	int show = (int)(end - tok < TOK_SHOW ? end - tok : TOK_SHOW);
	bool bad = false;

	e = digit_run(s, end, radix, &bad);
	if (bad)
		return toml_perr_here(p, "invalid integer '%.*s': an "
		    "underscore must stand between two digits", show, tok);
	if (e == s || e != end)
		return toml_perr_here(p, "invalid integer '%.*s': not a "
		    "valid %s number", show, tok, radix == 16 ? "hexadecimal" :
		    radix == 8 ? "octal" : "binary");
	if (to_int64(s, end, radix, false, &v->u.i) != 0)
		return toml_perr_here(p, "integer '%.*s' does not fit in a "
		    "signed 64-bit integer", show, tok);
	v->kind = TOML_INTEGER;
	return 0;
}

/* Decimal integers and floats (inf and nan included), sign allowed. */
static int
decimal(struct toml_parser *p, const char *tok, const char *end,
    struct toml_value *v)
{
	const char *s = tok, *int_start, *int_end;
	int show = (int)(end - tok < TOK_SHOW ? end - tok : TOK_SHOW);
	bool neg = false, bad = false, is_float = false;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (end - s == 3 && (memcmp(s, "inf", 3) == 0 ||
	    memcmp(s, "nan", 3) == 0)) {
		v->kind = TOML_FLOAT;
		/* The sign of a nan means nothing in TOML; keep it anyway. */
		v->u.f = s[0] == 'i' ? HUGE_VAL : (double)NAN;
		if (neg)
			v->u.f = -v->u.f;
		return 0;
	}
	int_start = s;
	if (s < end && *s == '0' && s + 1 < end && (s[1] == '_' ||
	    (s[1] >= '0' && s[1] <= '9')))
		return toml_perr_here(p, "invalid number '%.*s': leading "
		    "zeros are not allowed", show, tok);
	int_end = s = digit_run(s, end, 10, &bad);
	if (s == int_start && !bad)
		goto invalid;
	if (!bad && s < end && *s == '.') {
		const char *f = s + 1;

		is_float = true;
		if ((s = digit_run(f, end, 10, &bad)) == f && !bad)
			return toml_perr_here(p, "invalid float '%.*s': a "
			    "digit must follow the decimal point", show, tok);
	}
	if (!bad && s < end && (*s == 'e' || *s == 'E')) {
		const char *x = s + 1;

		is_float = true;
		if (x < end && (*x == '+' || *x == '-'))
			x++;
		if ((s = digit_run(x, end, 10, &bad)) == x && !bad)
			return toml_perr_here(p, "invalid float '%.*s': the "
			    "exponent needs digits", show, tok);
	}
	if (bad)
		return toml_perr_here(p, "invalid number '%.*s': an "
		    "underscore must stand between two digits", show, tok);
	if (s != end)
		goto invalid;
	if (is_float) {
		v->kind = TOML_FLOAT;
		return to_double(p, tok, (size_t)(end - tok), &v->u.f);
	}
	if (to_int64(int_start, int_end, 10, neg, &v->u.i) != 0)
		return toml_perr_here(p, "integer '%.*s' does not fit in a "
		    "signed 64-bit integer", show, tok);
	v->kind = TOML_INTEGER;
	return 0;
 invalid:
	return toml_perr_here(p, "invalid value '%.*s' (not a number; "
	    "strings need quotes)", show, tok);
}

int
toml_num_parse(struct toml_parser *p, struct toml_value *v)
{
	const char *tok = p->src + p->pos, *end;
	size_t n = 0;
	int rc;

	while (is_token_char(toml_scan_peek(p, n)))
		n++;
	end = tok + n;
	if (n > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'o' ||
	    tok[1] == 'b'))
		rc = radix_int(p, tok, end, v);
	else if (n > 2 && (tok[0] == '+' || tok[0] == '-') && tok[1] == '0' &&
	    (tok[2] == 'x' || tok[2] == 'o' || tok[2] == 'b'))
		rc = toml_perr_here(p, "a sign is not allowed on "
		    "hexadecimal, octal or binary integers");
	else
		rc = decimal(p, tok, end, v);
	if (rc == 0)
		toml_scan_adv(p, n);
	return rc;
}
