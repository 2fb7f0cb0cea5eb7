/*
 * Offset date-times, local date-times, local dates and local times (RFC
 * 3339 as TOML 1.0 restricts it: seconds required, 'T', 't' or one space
 * between date and time, 'Z', 'z' or +HH:MM offsets). The value keeps its
 * text exactly as written; only the ranges are checked here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "toml/toml_int.h"

#define TOK_SHOW 40

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Two digits at the cursor + off as a number, or -1. */
static int
two_digits(const struct toml_parser *p, size_t off)
{
	int a = toml_scan_peek(p, off), b = toml_scan_peek(p, off + 1);

	if (!is_digit(a) || !is_digit(b))
		return -1;
	return (a - '0') * 10 + (b - '0');
}

bool
toml_dt_starts_here(const struct toml_parser *p)
{
	if (two_digits(p, 0) < 0)
		return false;
	if (toml_scan_peek(p, 2) == ':')
		return true;
	return two_digits(p, 2) >= 0 && toml_scan_peek(p, 4) == '-';
}

static int
days_in_month(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

	return month == 2 && leap ? 29 : days[month - 1];
}

/* How much of the cursor's text looks like part of a date-time, for the
 * message when it is not one. */
static int
token_len(const struct toml_parser *p)
{
	size_t n = 0;
	int c;

	/* A space belongs to it when a time follows ("1979-05-27 07:32"). */
	for (; n < TOK_SHOW; n++) {
		c = toml_scan_peek(p, n);
		if (c == ' ' && n == 10 && is_digit(toml_scan_peek(p, n + 1)))
			continue;
		if (c < 0 || !(toml_key_is_bare_char(c) || c == ':' ||
		    c == '.' || c == '+'))
			break;
	}
	return (int)n;
}

/* YYYY-MM-DD at the cursor; returns its length (10) or -1. */
static int
date_part(struct toml_parser *p)
{
	int hi = two_digits(p, 0), lo = two_digits(p, 2), year, month, day;

	month = toml_scan_peek(p, 4) == '-' ? two_digits(p, 5) : -1;
	day = toml_scan_peek(p, 7) == '-' ? two_digits(p, 8) : -1;
	if (hi < 0 || lo < 0 || month < 0 || day < 0 ||
	    is_digit(toml_scan_peek(p, 10)))
		return toml_perr_here(p, "invalid date '%.*s': expected "
		    "YYYY-MM-DD", token_len(p), p->src + p->pos);
	year = hi * 100 + lo;
	if (month < 1 || month > 12)
		return toml_perr_here(p, "invalid date '%.10s': month %02d "
		    "does not exist", p->src + p->pos, month);
	if (day < 1 || day > days_in_month(year, month))
		return toml_perr_here(p, "invalid date '%.10s': %04d-%02d "
		    "has no day %02d", p->src + p->pos, year, month, day);
	return 10;
}

/* HH:MM:SS[.fraction] at the cursor + off; returns its length or -1. */
static int
time_part(struct toml_parser *p, size_t off)
{
	int hour = two_digits(p, off), min = -1, sec = -1;
	size_t n = 8;

	if (hour >= 0 && toml_scan_peek(p, off + 2) == ':')
		min = two_digits(p, off + 3);
	if (min >= 0 && toml_scan_peek(p, off + 5) == ':')
		sec = two_digits(p, off + 6);
	if (sec < 0 || is_digit(toml_scan_peek(p, off + 8)))
		return toml_perr_here(p, "invalid time in '%.*s': expected "
		    "HH:MM:SS (seconds are required)", token_len(p),
		    p->src + p->pos);
	if (hour > 23 || min > 59 || sec > 60)
		return toml_perr_here(p, "invalid time in '%.*s': %s out "
		    "of range", token_len(p), p->src + p->pos, hour > 23 ?
		    "hour" : min > 59 ? "minute" : "second");
	if (toml_scan_peek(p, off + n) == '.') {
		if (!is_digit(toml_scan_peek(p, off + n + 1)))
			return toml_perr_here(p, "invalid time in '%.*s': "
			    "a digit must follow the decimal point",
			    token_len(p), p->src + p->pos);
		for (n++; is_digit(toml_scan_peek(p, off + n)); n++)
			;
	}
	return (int)n;
}

/* Z, z or +HH:MM / -HH:MM at the cursor + off; 0 when none is there. */
static int
offset_part(struct toml_parser *p, size_t off)
{
	int c = toml_scan_peek(p, off), hour, min = -1;

	if (c == 'Z' || c == 'z')
		return 1;
	if (c != '+' && c != '-')
		return 0;
	hour = two_digits(p, off + 1);
	if (hour >= 0 && toml_scan_peek(p, off + 3) == ':')
		min = two_digits(p, off + 4);
	if (min < 0 || is_digit(toml_scan_peek(p, off + 6)))
		return toml_perr_here(p, "invalid offset in '%.*s': "
		    "expected Z or +HH:MM", token_len(p), p->src + p->pos);
	if (hour > 23 || min > 59)
		return toml_perr_here(p, "invalid offset in '%.*s': %s out "
		    "of range", token_len(p), p->src + p->pos, hour > 23 ?
		    "hour" : "minute");
	return 6;
}

int
toml_dt_parse(struct toml_parser *p, struct toml_value *v)
{
	size_t len = 0;
	int n, c;

	if (toml_scan_peek(p, 2) == ':') {
		if ((n = time_part(p, 0)) < 0)
			return -1;
		v->kind = TOML_TIME_LOCAL;
		len = (size_t)n;
	} else {
		if (date_part(p) < 0)
			return -1;
		len = 10;
		v->kind = TOML_DATE_LOCAL;
		c = toml_scan_peek(p, len);
		/* A space only separates date and time when a time follows;
		 * otherwise it simply ends the date. */
		if (c == 'T' || c == 't' ||
		    (c == ' ' && is_digit(toml_scan_peek(p, len + 1)))) {
			if ((n = time_part(p, len + 1)) < 0)
				return -1;
			len += 1 + (size_t)n;
			v->kind = TOML_DATETIME_LOCAL;
			if ((n = offset_part(p, len)) < 0)
				return -1;
			if (n > 0)
				v->kind = TOML_DATETIME;
			len += (size_t)n;
		}
	}
	c = toml_scan_peek(p, len);
	if (c >= 0 && (toml_key_is_bare_char(c) || c == ':' || c == '.' ||
	    c == '+'))
		return toml_perr_here(p, "invalid date/time '%.*s'",
		    token_len(p), p->src + p->pos);
	if ((v->str = malloc(len + 1)) == NULL)
		return toml_perr_oom(p);
	memcpy(v->str, p->src + p->pos, len);
	v->str[len] = '\0';
	v->str_len = len;
	toml_scan_adv(p, len);
	return 0;
}
