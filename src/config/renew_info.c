/*
 * [renew_info] (config.md §3.3, decision O4): two curves over the
 * certificate lifetime, built from the built-in points, the file's
 * target_<N> / renew_target_<N> / rand_adj_<N> keys and the 5.4 legacy
 * keys mapped onto N = 90.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

/* Points closer than this are the same point (config.md §3.3). */
#define SAME_POINT 0.1

static const struct {
	double days, target, rand_adj;
} builtin[] = {
	{ 0, 0.25, 0 }, { 1, 0.5, 0 }, { 2, 1, 0 }, { 5, 2, 0 },
	{ 10, 5, 0 }, { 45, 10, 0 }, { 60, 20, 0 }, { 90, 30, 0 },
	{ 120, 45, 5 }, { 300, 60, 0 },
};

static bool
same_point(double a, double b)
{
	return fabs(a - b) < SAME_POINT + 1e-9;
}

bool
renew_curve_get(const struct conf_renew_curve *cv, double days, double *value)
{
	for (size_t i = 0; i < cv->n; i++)
		if (same_point(cv->p[i].days, days)) {
			*value = cv->p[i].value;
			return true;
		}
	return false;
}

int
renew_curve_set(struct conf_renew_curve *cv, double days, double value)
{
	struct conf_renew_point *p;
	size_t at = 0;

	for (size_t i = 0; i < cv->n; i++)
		if (same_point(cv->p[i].days, days)) {
			cv->p[i].value = value;
			return 0;
		}
	if ((p = realloc(cv->p, (cv->n + 1) * sizeof(*p))) == NULL)
		return -1;
	cv->p = p;
	while (at < cv->n && cv->p[at].days < days)
		at++;
	memmove(&cv->p[at + 1], &cv->p[at], (cv->n - at) * sizeof(*p));
	cv->p[at].days = days;
	cv->p[at].value = value;
	cv->n++;
	return 0;
}

void
renew_clear(struct conf_renew *r)
{
	free(r->target.p);
	free(r->rand_adj.p);
	memset(r, 0, sizeof(*r));
}

int
renew_builtin(struct conf_renew *r)
{
	renew_clear(r);
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (renew_curve_set(&r->target, builtin[i].days,
		    builtin[i].target) != 0 || renew_curve_set(&r->rand_adj,
		    builtin[i].days, builtin[i].rand_adj) != 0)
			return -1;
	return 0;
}

static int
curve_copy(struct conf_renew_curve *dst, const struct conf_renew_curve *src)
{
	dst->n = 0;
	dst->p = NULL;
	if (src->n == 0)
		return 0;
	if ((dst->p = malloc(src->n * sizeof(*dst->p))) == NULL)
		return -1;
	memcpy(dst->p, src->p, src->n * sizeof(*dst->p));
	dst->n = src->n;
	return 0;
}

int
renew_copy(struct conf_renew *dst, const struct conf_renew *src)
{
	memset(dst, 0, sizeof(*dst));
	if (curve_copy(&dst->target, &src->target) != 0 ||
	    curve_copy(&dst->rand_adj, &src->rand_adj) != 0) {
		renew_clear(dst);
		return -1;
	}
	return 0;
}

double
conf_renew_eval(const struct conf_renew_curve *cv, double lifetime)
{
	const struct conf_renew_point *a, *b;

	if (cv == NULL || cv->n == 0)
		return 0;
	if (lifetime <= cv->p[0].days)
		return cv->p[0].value;
	b = &cv->p[cv->n - 1];
	if (lifetime >= b->days)
		return b->days > 0 ? lifetime * b->value / b->days : b->value;
	for (size_t i = 0; i + 1 < cv->n; i++) {
		a = &cv->p[i];
		b = &cv->p[i + 1];
		if (lifetime >= a->days && lifetime < b->days)
			return a->value + (b->value - a->value) *
			    (lifetime - a->days) / (b->days - a->days);
	}
	return cv->p[cv->n - 1].value;	/* not reached */
}

/* One [renew_info] key as read. */
struct rkey {
	bool adj;		/* rand_adj_<N>, else target_<N> */
	bool renew_spelling;	/* renew_target_<N> / renew_rand_adj_<N> */
	double days;
	int line;
	const char *key;
};

/* Split "target_90" into kind and N. 1: ok, 0: not a point key,
 * -1: a point key whose N is not a number (reported). */
static int
parse_rkey(const struct keyctx *kc, const struct toml_entry *e, struct rkey *k)
{
	static const struct {
		const char *prefix;
		bool adj, renew;
	} prefixes[] = {
		{ "renew_target_", false, true },
		{ "renew_rand_adj_", true, true },
		{ "target_", false, false },
		{ "rand_adj_", true, false },
	};
	const char *n = NULL, *p;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (str_has_prefix(e->key, prefixes[i].prefix)) {
			n = e->key + strlen(prefixes[i].prefix);
			k->adj = prefixes[i].adj;
			k->renew_spelling = prefixes[i].renew;
			break;
		}
	if (n == NULL)
		return 0;
	/* A decimal number: digits, optionally '.' and more digits. */
	for (p = n; isdigit((unsigned char)*p); p++)
		;
	if (p > n && *p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (p == n || *p != '\0') {
		kerr(kc, e->line, e->key, "'%s' is not a number of days (write "
		    "%s<N>, e.g. %s90)", n, k->adj ? "rand_adj_" : "target_",
		    k->adj ? "rand_adj_" : "target_");
		return -1;
	}
	k->days = strtod(n, NULL);
	k->line = e->line;
	k->key = e->key;
	return 1;
}

/* The [globals] legacy key for N = 90: used unless [renew_info] set a
 * non-zero value for that point (precedence of config.md §3.3). */
static int
apply_legacy(struct conf_renew_curve *cv, const struct keyctx *gk,
    const char *key, int legacy, int line, bool ri_set, double ri_val,
    const char *point)
{
	if (legacy < 0)
		return 0;
	if (ri_set && ri_val != 0) {
		kwarn(gk, line, key, "deprecated and ignored: [renew_info] %s is "
		    "set", point);
		return 0;
	}
	kwarn(gk, line, key, "deprecated; used as [renew_info] %s = %d",
	    point, legacy);
	return renew_curve_set(cv, 90, legacy);
}

int
renew_info_load(struct conf *c, const struct toml_value *root, const char *rel,
    struct conf_diags *d, int legacy_red, int legacy_spread,
    int legacy_red_line, int legacy_spread_line)
{
	struct keyctx kc = { d, rel, "[renew_info]", NULL };
	struct keyctx gk = { d, rel, "[globals]", NULL };
	const struct toml_value *rt = toml_table_get(root, "renew_info");
	struct rkey *seen = NULL;
	size_t n_seen = 0;
	bool t90_set = false, a90_set = false;
	double t90 = 0, a90 = 0, val;
	int rc = -1;

	if (renew_builtin(&c->renew) != 0)
		goto oom;
	if (rt != NULL && rt->kind != TOML_TABLE) {
		diag_error(d, rel, rt->line, "[renew_info]: expected a table, "
		    "got %s", toml_kind_name(rt->kind));
		rt = NULL;
	}
	kc.tbl = rt;
	if (rt != NULL && (seen = calloc(rt->n_entries + 1, sizeof(*seen))) ==
	    NULL)
		goto oom;
	for (size_t i = 0; rt != NULL && i < rt->n_entries; i++) {
		const struct toml_entry *e = &rt->entries[i];
		struct rkey k;
		int r;

		if ((r = parse_rkey(&kc, e, &k)) == 0) {
			kwarn(&kc, e->line, e->key, "unknown key, ignored (keys "
			    "are target_<N> and rand_adj_<N>)");
			continue;
		}
		if (r < 0 || get_number(&kc, e->key, &val, NULL) != 1)
			continue;
		if (val < 0) {
			kerr(&kc, e->value->line, e->key, "must be 0 or more, "
			    "got %g", val);
			continue;
		}
		/* target_90 and renew_target_90 both: which one counts? */
		for (size_t j = 0; j < n_seen; j++)
			if (seen[j].adj == k.adj && same_point(seen[j].days,
			    k.days) && seen[j].renew_spelling !=
			    k.renew_spelling)
				kerr(&kc, e->line, e->key, "same point as %s on "
				    "line %d; keep one spelling", seen[j].key,
				    seen[j].line);
		seen[n_seen++] = k;
		if (renew_curve_set(k.adj ? &c->renew.rand_adj :
		    &c->renew.target, k.days, val) != 0)
			goto oom;
		if (same_point(k.days, 90)) {
			if (k.adj) {
				a90_set = true;
				a90 = val;
			} else {
				t90_set = true;
				t90 = val;
			}
		}
	}
	if (apply_legacy(&c->renew.target, &gk, "renew_expire_days", legacy_red,
	    legacy_red_line, t90_set, t90, "target_90") != 0 ||
	    apply_legacy(&c->renew.rand_adj, &gk, "renew_expire_days_spread",
	    legacy_spread, legacy_spread_line, a90_set, a90, "rand_adj_90") != 0)
		goto oom;
	rc = 0;
	goto out;
 oom:
	diag_oom(d);
 out:
	free(seen);
	return rc;
}
