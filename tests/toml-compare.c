/*
 * toml-compare: are two toml-test JSON documents equal in meaning?
 *
 *   toml-compare EXPECTED.json ACTUAL.json
 *
 * Exit 0 when equal, 1 when they differ (the first difference is printed
 * on stderr with its path), 2 on usage or read errors. Equality is the one
 * toml-test uses:
 *  - tagged values ({"type": ..., "value": ...}) need the same type;
 *  - integers and floats compare by value (nan equals nan, any sign);
 *  - date-times compare by value within their kind: 'T', 't' or ' ',
 *    'Z' or 'z' or +00:00, and trailing zeros in fractions do not matter;
 *    offset date-times compare as instants;
 *  - strings and booleans exactly; arrays element by element; tables by
 *    key set and member values.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_mini.h"

#define FILE_MAX ((size_t)64 * 1024 * 1024)

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = NULL;
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, r;

	if ((f = fopen(path, "rb")) == NULL)
		goto fail;
	do {
		if (n == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > FILE_MAX || (nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f))
		goto fail;
	fclose(f);
	*len = n;
	return buf;
 fail:
	if (f != NULL)
		fclose(f);
	free(buf);
	return NULL;
}

/* ---- date-times ------------------------------------------------------ */

struct dt {
	bool has_date, has_time, has_off;
	long year, month, day, hour, min, sec;
	long off_min;		/* minutes east of UTC */
	char frac[64];		/* fraction digits, trailing zeros dropped */
};

static bool
digits(const char *s, int n, long *out)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Parse RFC 3339 / TOML date-time text; false when it is none. */
static bool
dt_parse(const char *s, struct dt *d)
{
	size_t n;

	memset(d, 0, sizeof(*d));
	if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
		if (!digits(s, 4, &d->year) || !digits(s + 5, 2, &d->month) ||
		    !digits(s + 8, 2, &d->day))
			return false;
		d->has_date = true;
		s += 10;
		if (*s == '\0')
			return true;
		if (*s != 'T' && *s != 't' && *s != ' ')
			return false;
		s++;
	}
	if (!digits(s, 2, &d->hour) || s[2] != ':' || !digits(s + 3, 2, &d->min))
		return false;
	d->has_time = true;
	s += 5;
	if (*s == ':') {
		if (!digits(s + 1, 2, &d->sec))
			return false;
		s += 3;
	}
	if (*s == '.') {
		for (n = 0, s++; *s >= '0' && *s <= '9'; s++)
			if (n + 1 < sizeof(d->frac))
				d->frac[n++] = *s;
		while (n > 0 && d->frac[n - 1] == '0')
			d->frac[--n] = '\0';
	}
	if (*s == 'Z' || *s == 'z') {
		d->has_off = true;
		s++;
	} else if (*s == '+' || *s == '-') {
		long h, m;

		if (!digits(s + 1, 2, &h) || s[3] != ':' || !digits(s + 4, 2, &m))
			return false;
		d->has_off = true;
		d->off_min = (h * 60 + m) * (*s == '-' ? -1 : 1);
		s += 6;
	}
	return *s == '\0';
}

/* Days since 1970-01-01 of a proleptic Gregorian date (era arithmetic:
 * 400-year cycles of 146097 days, years counted from March). */
static long
days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
dt_equal(const char *type, const char *a, const char *b)
{
	struct dt x, y;

	if (!dt_parse(a, &x) || !dt_parse(b, &y))
		return strcmp(a, b) == 0;
	if (x.has_date != y.has_date || x.has_time != y.has_time ||
	    x.has_off != y.has_off || strcmp(x.frac, y.frac) != 0)
		return false;
	if (strcmp(type, "datetime") == 0 && x.has_off) {
		long long ix = (long long)days_from_civil(x.year, x.month, x.day) *
		    86400 + x.hour * 3600 + x.min * 60 + x.sec - x.off_min * 60;
		long long iy = (long long)days_from_civil(y.year, y.month, y.day) *
		    86400 + y.hour * 3600 + y.min * 60 + y.sec - y.off_min * 60;

		return ix == iy;
	}
	return x.year == y.year && x.month == y.month && x.day == y.day &&
	    x.hour == y.hour && x.min == y.min && x.sec == y.sec;
}

/* ---- scalars --------------------------------------------------------- */

static bool
int_equal(const char *a, const char *b)
{
	char *ea, *eb;
	long long x, y;
	int ex, ey;

	errno = 0;
	x = strtoll(a, &ea, 10);
	ex = errno;
	errno = 0;
	y = strtoll(b, &eb, 10);
	ey = errno;
	if (ex != 0 || ey != 0 || *ea != '\0' || *eb != '\0' || ea == a || eb == b)
		return strcmp(a, b) == 0;
	return x == y;
}

static bool
float_equal(const char *a, const char *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (*ea != '\0' || *eb != '\0' || ea == a || eb == b)
		return strcmp(a, b) == 0;
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y);
	return x == y;
}

static bool
tagged(const struct json_value *v)
{
	const struct json_value *t = json_member(v, "type", 4);
	const struct json_value *val = json_member(v, "value", 5);

	return v->kind == JSON_OBJECT && v->n == 2 && t != NULL &&
	    t->kind == JSON_STRING && val != NULL && val->kind == JSON_STRING;
}

static bool
scalar_equal(const struct json_value *a, const struct json_value *b,
    const char *path)
{
	const struct json_value *ta = json_member(a, "type", 4);
	const struct json_value *tb = json_member(b, "type", 4);
	const struct json_value *va = json_member(a, "value", 5);
	const struct json_value *vb = json_member(b, "value", 5);
	bool eq;

	if (ta->len != tb->len || memcmp(ta->str, tb->str, ta->len) != 0) {
		fprintf(stderr, "%s: type %s, expected %s\n", path, tb->str,
		    ta->str);
		return false;
	}
	if (strcmp(ta->str, "integer") == 0)
		eq = int_equal(va->str, vb->str);
	else if (strcmp(ta->str, "float") == 0)
		eq = float_equal(va->str, vb->str);
	else if (strncmp(ta->str, "date", 4) == 0 || strcmp(ta->str, "time-local") == 0)
		eq = dt_equal(ta->str, va->str, vb->str);
	else
		eq = va->len == vb->len && memcmp(va->str, vb->str, va->len) == 0;
	if (!eq)
		fprintf(stderr, "%s: %s value \"%s\", expected \"%s\"\n", path,
		    ta->str, vb->str, va->str);
	return eq;
}

/* ---- trees ----------------------------------------------------------- */

static bool
equal(const struct json_value *a, const struct json_value *b,
    const char *path)
{
	char sub[4096];

	if (tagged(a) || tagged(b)) {
		if (!tagged(a) || !tagged(b)) {
			fprintf(stderr, "%s: a value and a table/array differ\n",
			    path);
			return false;
		}
		return scalar_equal(a, b, path);
	}
	if (a->kind != b->kind) {
		fprintf(stderr, "%s: different JSON kinds\n", path);
		return false;
	}
	switch (a->kind) {
	case JSON_ARRAY:
		if (a->n != b->n) {
			fprintf(stderr, "%s: array of %zu items, expected %zu\n",
			    path, b->n, a->n);
			return false;
		}
		for (size_t i = 0; i < a->n; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (!equal(a->items[i], b->items[i], sub))
				return false;
		}
		return true;
	case JSON_OBJECT:
		if (a->n != b->n) {
			fprintf(stderr, "%s: table of %zu keys, expected %zu\n",
			    path, b->n, a->n);
			return false;
		}
		for (size_t i = 0; i < a->n; i++) {
			const struct json_value *m = json_member(b, a->keys[i],
			    a->key_lens[i]);

			snprintf(sub, sizeof(sub), "%s.%s", path, a->keys[i]);
			if (m == NULL) {
				fprintf(stderr, "%s: missing\n", sub);
				return false;
			}
			if (!equal(a->items[i], m, sub))
				return false;
		}
		return true;
	case JSON_BOOL:
		return a->b == b->b;
	case JSON_NULL:
		return true;
	default:
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	}
}

int
main(int argc, char **argv)
{
	struct json_value *doc[2] = { NULL, NULL };
	char *text = NULL, err[512];
	size_t len;
	int rc = 2;

	if (argc != 3) {
		fprintf(stderr, "usage: toml-compare EXPECTED.json ACTUAL.json\n");
		return 2;
	}
	for (int i = 0; i < 2; i++) {
		if ((text = read_file(argv[i + 1], &len)) == NULL) {
			fprintf(stderr, "toml-compare: cannot read %s: %s\n",
			    argv[i + 1], strerror(errno));
			goto out;
		}
		doc[i] = json_parse(text, len, err, sizeof(err));
		free(text);
		text = NULL;
		if (doc[i] == NULL) {
			fprintf(stderr, "toml-compare: %s: %s\n", argv[i + 1], err);
			goto out;
		}
	}
	rc = equal(doc[0], doc[1], "$") ? 0 : 1;
 out:
	json_free(doc[0]);
	json_free(doc[1]);
	return rc;
}
