/*
 * The document grammar: a sequence of lines, each empty, a comment, a
 * [table] or [[array of tables]] header, or key = value; values, arrays
 * and inline tables. Recursion (arrays and inline tables in values) is
 * bounded by TOML_MAX_DEPTH.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "toml/toml_int.h"

static int parse_value(struct toml_parser *p, int depth,
    struct toml_value **out);

static int
too_deep(struct toml_parser *p, struct toml_pos at)
{
	return toml_perr(p, at, "values nested more than %d levels deep",
	    TOML_MAX_DEPTH);
}

/* [ value, value, ... ] — line breaks, comments and a trailing comma are
 * all allowed. The array is complete when closed (TF_FROZEN). */
static int
parse_array(struct toml_parser *p, int depth, struct toml_value **out)
{
	struct toml_pos at = toml_scan_here(p);
	struct toml_value *arr = NULL, *item = NULL;
	char what[16];
	int rc = -1, c;

	if (depth > TOML_MAX_DEPTH)
		return too_deep(p, at);
	if ((arr = toml_tv_new(p, TOML_ARRAY, at)) == NULL)
		goto out;
	toml_scan_adv(p, 1);
	for (;;) {
		toml_scan_ws_comments_newlines(p);
		if ((c = toml_scan_peek(p, 0)) == ']')
			break;
		if (c >= 0) {
			if (parse_value(p, depth + 1, &item) != 0)
				goto out;
			if (toml_tree_push(p, arr, item) != 0)
				goto out;
			toml_scan_ws_comments_newlines(p);
			if ((c = toml_scan_peek(p, 0)) == ',') {
				toml_scan_adv(p, 1);
				continue;
			}
			if (c == ']')
				break;
		}
		if (c < 0)
			toml_perr(p, at, "unterminated array: end of file "
			    "before the closing ']'");
		else
			toml_perr_here(p, "expected ',' or ']' in array, "
			    "found %s", toml_scan_describe(p, what,
			    sizeof(what)));
		goto out;
	}
	toml_scan_adv(p, 1);
	arr->flags |= TF_FROZEN;
	*out = arr;
	arr = NULL;
	rc = 0;
 out:
	toml_tv_free(arr);
	return rc;
}

/* Inside braces or at a line start: key = value into table t. */
static int
parse_keyval(struct toml_parser *p, struct toml_value *t, int depth)
{
	struct toml_key k = { NULL, 0, 0, { 0, 0 } };
	struct toml_value *val = NULL;
	char what[16], name[128];
	int rc = -1;

	if (toml_key_parse(p, &k) != 0)
		goto out;
	if (toml_scan_peek(p, 0) != '=') {
		toml_perr_here(p, "expected '=' after key '%s', found %s",
		    toml_key_text(&k, k.n, name, sizeof(name)),
		    toml_scan_describe(p, what, sizeof(what)));
		goto out;
	}
	toml_scan_adv(p, 1);
	toml_scan_ws(p);
	if (depth + (int)k.n > TOML_MAX_DEPTH) {
		too_deep(p, k.pos);
		goto out;
	}
	if (parse_value(p, depth + (int)k.n, &val) != 0)
		goto out;
	if (toml_tree_assign(p, t, &k, val) != 0)
		goto out;
	rc = 0;
 out:
	toml_key_clear(&k);
	return rc;
}

/* { key = value, ... } — one line, no trailing comma; complete when closed
 * (TF_FROZEN), so neither headers nor dotted keys can add to it later. */
static int
parse_inline_table(struct toml_parser *p, int depth, struct toml_value **out)
{
	struct toml_pos at = toml_scan_here(p);
	struct toml_value *t = NULL;
	char what[16];
	int rc = -1, c;

	if (depth > TOML_MAX_DEPTH)
		return too_deep(p, at);
	if ((t = toml_tv_new(p, TOML_TABLE, at)) == NULL)
		goto out;
	toml_scan_adv(p, 1);
	toml_scan_ws(p);
	if (toml_scan_peek(p, 0) == '}')
		goto done;
	for (;;) {
		toml_scan_ws(p);
		c = toml_scan_peek(p, 0);
		if (toml_scan_at_newline(p) || c == '#') {
			toml_perr_here(p, "an inline table must stay on one "
			    "line (no line breaks or comments inside { })");
			goto out;
		}
		if (c == '}') {
			toml_perr_here(p, "trailing comma in inline table "
			    "(not allowed in TOML 1.0)");
			goto out;
		}
		if (parse_keyval(p, t, depth) != 0)
			goto out;
		toml_scan_ws(p);
		c = toml_scan_peek(p, 0);
		if (c == ',') {
			toml_scan_adv(p, 1);
			continue;
		}
		if (c == '}')
			break;
		if (c < 0)
			toml_perr(p, at, "unterminated inline table: end of "
			    "file before the closing '}'");
		else if (toml_scan_at_newline(p) || c == '#')
			toml_perr_here(p, "an inline table must stay on one "
			    "line (no line breaks or comments inside { })");
		else
			toml_perr_here(p, "expected ',' or '}' in inline "
			    "table, found %s", toml_scan_describe(p, what,
			    sizeof(what)));
		goto out;
	}
 done:
	toml_scan_adv(p, 1);
	t->flags |= TF_DEFINED | TF_FROZEN;
	*out = t;
	t = NULL;
	rc = 0;
 out:
	toml_tv_free(t);
	return rc;
}

static int
parse_value(struct toml_parser *p, int depth, struct toml_value **out)
{
	struct toml_pos at = toml_scan_here(p);
	struct toml_value *v = NULL;
	int c = toml_scan_peek(p, 0), rc = -1;
	char what[16];

	if (c == '[')
		return parse_array(p, depth, out);
	if (c == '{')
		return parse_inline_table(p, depth, out);
	if (c < 0 || !(c == '"' || c == '\'' || c == '+' || c == '-' ||
	    c == 'i' || c == 'n' || c == 't' || c == 'f' ||
	    (c >= '0' && c <= '9')))
		return toml_perr(p, at, "expected a value, found %s%s",
		    toml_scan_describe(p, what, sizeof(what)),
		    toml_key_is_bare_char(c) ? " (strings need quotes)" : "");
	/* The kind is settled by the parser below; STRING is a placeholder. */
	if ((v = toml_tv_new(p, TOML_STRING, at)) == NULL)
		goto out;
	if (c == '"' || c == '\'')
		rc = toml_str_parse(p, true, &v->str, &v->str_len);
	else if (c == 't' || c == 'f')
		rc = toml_num_parse_bool(p, v);
	else if (toml_dt_starts_here(p))
		rc = toml_dt_parse(p, v);
	else
		rc = toml_num_parse(p, v);
	if (rc != 0)
		goto out;
	*out = v;
	v = NULL;
 out:
	toml_tv_free(v);
	return rc;
}

/* [a.b] or [[a.b]] at the cursor: p->cur becomes that table. */
static int
parse_header(struct toml_parser *p)
{
	struct toml_key k = { NULL, 0, 0, { 0, 0 } };
	struct toml_pos at = toml_scan_here(p);
	bool aot = toml_scan_peek(p, 1) == '[';
	char what[16];
	int rc = -1;

	toml_scan_adv(p, aot ? 2 : 1);
	toml_scan_ws(p);
	if (toml_key_parse(p, &k) != 0)
		goto out;
	if (toml_scan_peek(p, 0) != ']' ||
	    (aot && toml_scan_peek(p, 1) != ']')) {
		toml_perr_here(p, "expected '%s' to close the header, found "
		    "%s", aot ? "]]" : "]", toml_scan_describe(p, what,
		    sizeof(what)));
		goto out;
	}
	toml_scan_adv(p, aot ? 2 : 1);
	if (toml_tree_header(p, &k, aot, at, &p->cur, &p->cur_depth) != 0)
		goto out;
	rc = 0;
 out:
	toml_key_clear(&k);
	return rc;
}

struct toml_value *
toml_parse_document(struct toml_parser *p)
{
	struct toml_pos origin = { 1, 1 };
	char what[16];
	int c;

	if ((p->root = toml_tv_new(p, TOML_TABLE, origin)) == NULL)
		return NULL;
	p->root->flags = TF_DEFINED | TF_HEADER;
	p->cur = p->root;
	p->cur_depth = 0;
	/* A UTF-8 byte order mark is allowed at the very start only. */
	if (p->len >= 3 && memcmp(p->src, "\xEF\xBB\xBF", 3) == 0)
		toml_scan_adv(p, 3);
	while (!toml_scan_eof(p)) {
		toml_scan_ws(p);
		c = toml_scan_peek(p, 0);
		if (c == '[') {
			if (parse_header(p) != 0)
				return NULL;
		} else if (c >= 0 && c != '#' && !toml_scan_at_newline(p)) {
			if (parse_keyval(p, p->cur, p->cur_depth) != 0)
				return NULL;
		}
		toml_scan_ws(p);
		toml_scan_comment(p);
		if (toml_scan_eof(p))
			break;
		if (!toml_scan_at_newline(p)) {
			toml_perr_here(p, "expected the end of the line, "
			    "found %s", toml_scan_describe(p, what,
			    sizeof(what)));
			return NULL;
		}
		toml_scan_newline(p);
	}
	return p->root;
}
