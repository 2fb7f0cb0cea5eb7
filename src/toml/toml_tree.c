/*
 * The value tree: allocation, the per-parse (table, key) index, and the
 * TOML 1.0 rules on what may be defined where:
 *
 *  - a key is defined once per table (quoted and bare spellings are equal);
 *  - a table is defined once, by a [header] or by dotted keys; a table
 *    that only exists as the parent of a header ([a] for [a.b]) may still
 *    get its own [a], once;
 *  - dotted keys may not enter a table defined by a header, and a header
 *    may not define a table made by dotted keys (its sub-tables are fine);
 *  - inline tables and arrays written as values are complete where written:
 *    nothing is added to them later;
 *  - [[a]] appends to an array of tables, never to a static array.
 *
 * How each table came to be is kept in toml_value.flags (toml_int.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml/toml_int.h"

/* Keys in messages are cut at this length; they only point the way. */
#define KEY_SHOW 256

struct toml_value *
toml_tv_new(struct toml_parser *p, enum toml_kind kind, struct toml_pos at)
{
	struct toml_value *v;

	if (p->n_values >= TOML_MAX_VALUES) {
		toml_perr(p, at, "too many values (the limit is %u per "
		    "document)", TOML_MAX_VALUES);
		return NULL;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		toml_perr_oom(p);
		return NULL;
	}
	p->n_values++;
	v->kind = kind;
	v->line = at.line;
	v->col = at.col;
	return v;
}

void
toml_tv_free(struct toml_value *v)
{
	/* Recursion is bounded by TOML_MAX_DEPTH, enforced while parsing. */
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n_items; i++)
		toml_tv_free(v->items[i]);
	for (size_t i = 0; i < v->n_entries; i++) {
		free(v->entries[i].key);
		toml_tv_free(v->entries[i].value);
	}
	free(v->items);
	free(v->entries);
	free(v->str);
	free(v);
}

/* ---- the (table, key) index ------------------------------------------ */

static uint64_t
key_hash(const struct toml_value *t, const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	/* Mix in the table so equal keys in different tables spread out. */
	h ^= (uint64_t)(uintptr_t)t * 0x9E3779B97F4A7C15ULL;
	h ^= h >> 31;
	return h * 0xBF58476D1CE4E5B9ULL;
}

struct toml_entry *
toml_tree_find(struct toml_parser *p, const struct toml_value *t,
    const char *key, size_t len)
{
	uint64_t h;
	size_t mask, i;

	if (p->n_slots == 0)
		return NULL;
	h = key_hash(t, key, len);
	mask = p->n_slots - 1;
	for (i = h & mask; p->slots[i].table != NULL; i = (i + 1) & mask) {
		const struct toml_slot *s = &p->slots[i];
		struct toml_entry *e;

		if (s->table != t || s->hash != h)
			continue;
		e = &t->entries[s->idx];
		if (e->key_len == len && memcmp(e->key, key, len) == 0)
			return e;
	}
	return NULL;
}

static void
slot_put(struct toml_slot *slots, size_t n_slots, const struct toml_slot *s)
{
	size_t mask = n_slots - 1, i;

	for (i = s->hash & mask; slots[i].table != NULL; i = (i + 1) & mask)
		;
	slots[i] = *s;
}

static int
index_add(struct toml_parser *p, const struct toml_value *t, size_t idx)
{
	struct toml_slot s;

	/* Keep the load under one half so probe runs stay short. */
	if ((p->n_used + 1) * 2 > p->n_slots) {
		size_t n = p->n_slots == 0 ? 64 : p->n_slots * 2;
		struct toml_slot *ns = calloc(n, sizeof(*ns));

		if (ns == NULL)
			return toml_perr_oom(p);
		for (size_t i = 0; i < p->n_slots; i++)
			if (p->slots[i].table != NULL)
				slot_put(ns, n, &p->slots[i]);
		free(p->slots);
		p->slots = ns;
		p->n_slots = n;
	}
	s.table = t;
	s.idx = idx;
	s.hash = key_hash(t, t->entries[idx].key, t->entries[idx].key_len);
	slot_put(p->slots, p->n_slots, &s);
	p->n_used++;
	return 0;
}

void
toml_tree_index_free(struct toml_parser *p)
{
	free(p->slots);
	p->slots = NULL;
	p->n_slots = p->n_used = 0;
}

/* ---- growing tables and arrays --------------------------------------- */

/* Add key part kp = val to table t. Takes val, also on failure. */
static int
table_add(struct toml_parser *p, struct toml_value *t,
    const struct toml_keypart *kp, struct toml_value *val)
{
	struct toml_entry *e;
	char *key = NULL;

	if (t->n_entries == t->cap) {
		size_t cap = t->cap == 0 ? 8 : t->cap * 2;

		if ((e = realloc(t->entries, cap * sizeof(*e))) == NULL)
			goto oom;
		t->entries = e;
		t->cap = cap;
	}
	if ((key = malloc(kp->len + 1)) == NULL)
		goto oom;
	memcpy(key, kp->s, kp->len + 1);
	e = &t->entries[t->n_entries++];
	e->key = key;
	e->key_len = kp->len;
	e->line = kp->pos.line;
	e->col = kp->pos.col;
	e->value = val;
	return index_add(p, t, t->n_entries - 1);
 oom:
	toml_tv_free(val);
	return toml_perr_oom(p);
}

int
toml_tree_push(struct toml_parser *p, struct toml_value *a,
    struct toml_value *v)
{
	struct toml_value **items;

	if (a->n_items == a->cap) {
		size_t cap = a->cap == 0 ? 8 : a->cap * 2;

		if ((items = realloc(a->items, cap * sizeof(*items))) == NULL) {
			toml_tv_free(v);
			return toml_perr_oom(p);
		}
		a->items = items;
		a->cap = cap;
	}
	a->items[a->n_items++] = v;
	return 0;
}

/* Make table t[kp] with the given flags; *out is the new table. */
static int
new_table(struct toml_parser *p, struct toml_value *t,
    const struct toml_keypart *kp, unsigned flags, struct toml_pos at,
    struct toml_value **out)
{
	struct toml_value *nt;

	if ((nt = toml_tv_new(p, TOML_TABLE, at)) == NULL)
		return -1;
	nt->flags = flags;
	if (table_add(p, t, kp, nt) != 0)
		return -1;
	*out = nt;
	return 0;
}

/* "a string", "an inline table", ... for messages. */
static const char *
a_kind(const struct toml_value *v)
{
	switch (v->kind) {
	case TOML_TABLE:
		return v->flags & TF_FROZEN ? "an inline table" : "a table";
	case TOML_ARRAY:
		return v->flags & TF_AOT ? "an array of tables" : "an array";
	case TOML_STRING:
		return "a string";
	case TOML_INTEGER:
		return "an integer";
	case TOML_FLOAT:
		return "a float";
	case TOML_BOOL:
		return "a boolean";
	case TOML_DATETIME:
		return "an offset date-time";
	case TOML_DATETIME_LOCAL:
		return "a local date-time";
	case TOML_DATE_LOCAL:
		return "a local date";
	case TOML_TIME_LOCAL:
		return "a local time";
	}
	return "a value";
}

/* ---- [header] and [[header]] ----------------------------------------- */

/* Step from table t into the existing value of part i of a header path. */
static int
header_step(struct toml_parser *p, const struct toml_key *k, size_t i,
    const struct toml_entry *e, const char *hdr, struct toml_value **t,
    int *depth)
{
	struct toml_value *v = e->value;
	struct toml_pos at = k->v[i].pos;
	char part[KEY_SHOW];

	toml_key_text(k, i + 1, part, sizeof(part));
	if (v->kind == TOML_TABLE && (v->flags & TF_FROZEN))
		return toml_perr(p, at, "%s cannot extend '%s', an inline "
		    "table (line %d): inline tables are complete where they "
		    "are written", hdr, part, e->line);
	if (v->kind == TOML_TABLE) {
		*t = v;
		return 0;
	}
	if (v->kind == TOML_ARRAY && (v->flags & TF_AOT)) {
		/* [a.b] after [[a]] continues the last element of a. */
		*t = v->items[v->n_items - 1];
		(*depth)++;
		return 0;
	}
	if (v->kind == TOML_ARRAY)
		return toml_perr(p, at, "%s cannot extend '%s', an array "
		    "written as a value at line %d (only [[%s]] arrays can be "
		    "extended)", hdr, part, e->line, part);
	return toml_perr(p, at, "%s redefines '%s', already %s (line %d)",
	    hdr, part, a_kind(v), e->line);
}

int
toml_tree_header(struct toml_parser *p, const struct toml_key *k, bool aot,
    struct toml_pos at, struct toml_value **out, int *depth)
{
	struct toml_value *t = p->root, *v, *elem;
	const struct toml_keypart *last = &k->v[k->n - 1];
	struct toml_entry *e;
	char name[KEY_SHOW], hdr[KEY_SHOW + 8];

	toml_key_text(k, k->n, name, sizeof(name));
	snprintf(hdr, sizeof(hdr), aot ? "[[%s]]" : "[%s]", name);
	*depth = 0;
	for (size_t i = 0; i + 1 < k->n; i++) {
		(*depth)++;
		e = toml_tree_find(p, t, k->v[i].s, k->v[i].len);
		if (e == NULL) {
			/* Implicit: no TF_DEFINED, so [a] may still come. */
			if (new_table(p, t, &k->v[i], 0, at, &t) != 0)
				return -1;
		} else if (header_step(p, k, i, e, hdr, &t, depth) != 0)
			return -1;
	}
	*depth += aot ? 2 : 1;
	if (*depth > TOML_MAX_DEPTH)
		return toml_perr(p, at, "%s: tables nested more than %d "
		    "levels deep", hdr, TOML_MAX_DEPTH);
	e = toml_tree_find(p, t, last->s, last->len);
	if (aot) {
		if (e == NULL) {
			if ((v = toml_tv_new(p, TOML_ARRAY, at)) == NULL)
				return -1;
			v->flags = TF_AOT;
			if (table_add(p, t, last, v) != 0)
				return -1;
		} else if ((v = e->value)->kind != TOML_ARRAY) {
			return toml_perr(p, at, "%s redefines '%s', already "
			    "%s (line %d)", hdr, name, a_kind(v), e->line);
		} else if (!(v->flags & TF_AOT)) {
			return toml_perr(p, at, "%s redefines '%s', a static "
			    "array (line %d): only arrays made by [[%s]] can "
			    "be extended", hdr, name, e->line, name);
		}
		if ((elem = toml_tv_new(p, TOML_TABLE, at)) == NULL)
			return -1;
		elem->flags = TF_DEFINED | TF_HEADER;
		if (toml_tree_push(p, v, elem) != 0)
			return -1;
		*out = elem;
		return 0;
	}
	if (e == NULL)
		return new_table(p, t, last, TF_DEFINED | TF_HEADER, at, out);
	v = e->value;
	if (v->kind == TOML_ARRAY && (v->flags & TF_AOT))
		return toml_perr(p, at, "table %s defined twice (first as "
		    "array of tables [[%s]] at line %d)", hdr, name, e->line);
	if (v->kind != TOML_TABLE || (v->flags & TF_FROZEN))
		return toml_perr(p, at, "table %s redefines '%s', already %s "
		    "(line %d)", hdr, name, a_kind(v), e->line);
	if (v->flags & TF_DOTTED)
		return toml_perr(p, at, "table %s defined twice (first by "
		    "dotted keys at line %d)", hdr, v->line);
	if (v->flags & TF_DEFINED)
		return toml_perr(p, at, "table %s defined twice (first at "
		    "line %d)", hdr, v->line);
	/* An implicit table gets its one explicit definition. */
	v->flags |= TF_DEFINED | TF_HEADER;
	v->line = at.line;
	v->col = at.col;
	*out = v;
	return 0;
}

/* ---- key = value ----------------------------------------------------- */

/* Step from table *t into part i of a dotted key (i < k->n - 1). */
static int
dotted_step(struct toml_parser *p, const struct toml_key *k, size_t i,
    struct toml_value **t)
{
	const struct toml_keypart *kp = &k->v[i];
	struct toml_entry *e = toml_tree_find(p, *t, kp->s, kp->len);
	char full[KEY_SHOW], part[KEY_SHOW];
	struct toml_value *v;

	if (e == NULL)
		return new_table(p, *t, kp, TF_DEFINED | TF_DOTTED, kp->pos, t);
	v = e->value;
	toml_key_text(k, k->n, full, sizeof(full));
	toml_key_text(k, i + 1, part, sizeof(part));
	if (v->kind != TOML_TABLE)
		return toml_perr(p, kp->pos, "duplicate key '%s' (first "
		    "defined at line %d as %s; '%s' needs it to be a table)",
		    part, e->line, a_kind(v), full);
	if (v->flags & TF_FROZEN)
		return toml_perr(p, kp->pos, "key '%s' cannot extend '%s', an "
		    "inline table (line %d): inline tables are complete where "
		    "they are written", full, part, e->line);
	if (v->flags & TF_HEADER)
		return toml_perr(p, kp->pos, "dotted key '%s' redefines table "
		    "[%s] (defined at line %d)", full, part, v->line);
	if (!(v->flags & TF_DEFINED)) {
		/* Only a header's parent so far: dotted keys define it now. */
		v->flags |= TF_DEFINED | TF_DOTTED;
		v->line = kp->pos.line;
		v->col = kp->pos.col;
	}
	*t = v;
	return 0;
}

int
toml_tree_assign(struct toml_parser *p, struct toml_value *t,
    const struct toml_key *k, struct toml_value *val)
{
	const struct toml_keypart *last = &k->v[k->n - 1];
	struct toml_entry *e;
	char full[KEY_SHOW];

	for (size_t i = 0; i + 1 < k->n; i++) {
		if (dotted_step(p, k, i, &t) != 0) {
			toml_tv_free(val);
			return -1;
		}
	}
	if ((e = toml_tree_find(p, t, last->s, last->len)) != NULL) {
		toml_tv_free(val);
		return toml_perr(p, last->pos, "duplicate key '%s' (first "
		    "defined at line %d)", toml_key_text(k, k->n, full,
		    sizeof(full)), e->line);
	}
	return table_add(p, t, last, val);
}
