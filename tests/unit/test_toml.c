/*
 * Unit tests for src/toml/: the accessors, positions of keys, values and
 * headers, every kind of value, every kind of error with its message, and
 * field case 19 (duplicate keys and redefined tables in ssl-mgr configs,
 * data in tests/data/cases/19/, expectations in
 * ../shared/cases/19-toml-duplicates.md).
 *
 * Suites: toml_positive (documents that must parse, and what they hold),
 * toml_negative (documents that must fail, and what the message says).
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml/toml.h"

/* ---- helpers ---------------------------------------------------------- */

static struct toml_value *
parse_ok(const char *doc)
{
	struct sslm_err err;
	struct toml_value *root;

	sslm_err_clear(&err);
	root = toml_parse(doc, strlen(doc), "t.toml", &err);
	ck_assert_msg(root != NULL, "parse failed: %s\n--- document:\n%s",
	    err.msg, doc);
	return root;
}

/* Parse must fail at line:col with a message containing `want`. */
static void
parse_fails(const char *doc, size_t len, int line, int col, const char *want)
{
	struct sslm_err err;
	struct toml_value *root;
	char prefix[64];

	sslm_err_clear(&err);
	root = toml_parse(doc, len, "t.toml", &err);
	ck_assert_msg(root == NULL, "parse succeeded, expected \"%s\"", want);
	snprintf(prefix, sizeof(prefix), "t.toml:%d:%d: ", line, col);
	ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0,
	    "message \"%s\" does not start with \"%s\"", err.msg, prefix);
	ck_assert_msg(strstr(err.msg, want) != NULL,
	    "message \"%s\" does not contain \"%s\"", err.msg, want);
}

/* Walk a dotted path of plain keys ("a.b.c") from t. */
static const struct toml_value *
get(const struct toml_value *t, const char *path)
{
	char buf[256], *part, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part != NULL && t != NULL;
	    part = strtok_r(NULL, ".", &save))
		t = toml_table_get(t, part);
	return t;
}

static const char *
srcdir(void)
{
	const char *d = getenv("SSLM_SRCDIR");

	return d != NULL && *d != '\0' ? d : ".";
}

/* ---- positive: accessors ---------------------------------------------- */

START_TEST(test_accessors)
{
	struct toml_value *root = parse_ok(
	    "title = \"x\"\n"
	    "[server]\n"
	    "port = 8080\n");
	const struct toml_value *server = toml_table_get(root, "server");
	const struct toml_entry *e;

	ck_assert_int_eq(root->kind, TOML_TABLE);
	ck_assert_uint_eq(root->n_entries, 2);
	ck_assert_str_eq(root->entries[0].key, "title");
	ck_assert_str_eq(root->entries[1].key, "server");
	ck_assert_ptr_nonnull(server);
	ck_assert_int_eq(server->kind, TOML_TABLE);
	e = toml_table_entry(server, "port");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->key, "port");
	ck_assert_uint_eq(e->key_len, 4);
	ck_assert_int_eq(e->value->kind, TOML_INTEGER);
	ck_assert_int_eq(e->value->u.i, 8080);
	/* absent, wrong kind, NULL: all NULL, never a crash */
	ck_assert_ptr_null(toml_table_get(root, "nope"));
	ck_assert_ptr_null(toml_table_get(root, "Title"));
	ck_assert_ptr_null(toml_table_get(toml_table_get(root, "title"), "x"));
	ck_assert_ptr_null(toml_table_get(NULL, "title"));
	ck_assert_ptr_null(toml_table_entry(root, NULL));
	toml_free(root);
	toml_free(NULL);
}
END_TEST

START_TEST(test_kind_names)
{
	ck_assert_str_eq(toml_kind_name(TOML_TABLE), "table");
	ck_assert_str_eq(toml_kind_name(TOML_ARRAY), "array");
	ck_assert_str_eq(toml_kind_name(TOML_STRING), "string");
	ck_assert_str_eq(toml_kind_name(TOML_INTEGER), "integer");
	ck_assert_str_eq(toml_kind_name(TOML_FLOAT), "float");
	ck_assert_str_eq(toml_kind_name(TOML_BOOL), "boolean");
	ck_assert_str_eq(toml_kind_name(TOML_DATETIME), "offset date-time");
	ck_assert_str_eq(toml_kind_name(TOML_DATETIME_LOCAL), "local date-time");
	ck_assert_str_eq(toml_kind_name(TOML_DATE_LOCAL), "local date");
	ck_assert_str_eq(toml_kind_name(TOML_TIME_LOCAL), "local time");
	ck_assert_str_eq(toml_kind_name((enum toml_kind)99), "unknown");
}
END_TEST

START_TEST(test_positions)
{
	struct toml_value *root = parse_ok(
	    "# comment\n"			/* 1 */
	    "a = 1\n"				/* 2 */
	    "  [srv]\n"				/* 3 */
	    "    name =   'x'\n"		/* 4 */
	    "[[grp]]\n"				/* 5 */
	    "[[grp]]\n"				/* 6 */
	    "  d.e.f = [ 1,\n"			/* 7 */
	    "   2 ]\n"				/* 8 */
	    "[up.down]\n"			/* 9 */
	    "[up]\n");				/* 10 */
	const struct toml_entry *e;
	const struct toml_value *v;

	ck_assert_int_eq(root->line, 1);
	ck_assert_int_eq(root->col, 1);
	e = toml_table_entry(root, "a");
	ck_assert_int_eq(e->line, 2);
	ck_assert_int_eq(e->col, 1);
	ck_assert_int_eq(e->value->line, 2);
	ck_assert_int_eq(e->value->col, 5);
	v = toml_table_get(root, "srv");
	ck_assert_int_eq(v->line, 3);		/* the header's '[' */
	ck_assert_int_eq(v->col, 3);
	e = toml_table_entry(v, "name");
	ck_assert_int_eq(e->line, 4);
	ck_assert_int_eq(e->col, 5);
	ck_assert_int_eq(e->value->col, 14);
	v = toml_table_get(root, "grp");
	ck_assert_int_eq(v->kind, TOML_ARRAY);
	ck_assert_uint_eq(v->n_items, 2);
	ck_assert_int_eq(v->line, 5);
	ck_assert_int_eq(v->items[0]->line, 5);
	ck_assert_int_eq(v->items[1]->line, 6);
	/* dotted keys: each part where it was written */
	e = toml_table_entry(v->items[1], "d");
	ck_assert_int_eq(e->line, 7);
	ck_assert_int_eq(e->col, 3);
	e = toml_table_entry(e->value, "e");
	ck_assert_int_eq(e->col, 5);
	e = toml_table_entry(e->value, "f");
	ck_assert_int_eq(e->col, 7);
	ck_assert_int_eq(e->value->line, 7);
	ck_assert_int_eq(e->value->col, 11);
	ck_assert_int_eq(e->value->items[1]->line, 8);
	ck_assert_int_eq(e->value->items[1]->col, 4);
	/* an implicit table defined later takes its own header's position */
	v = toml_table_get(root, "up");
	ck_assert_int_eq(v->line, 10);
	ck_assert_int_eq(toml_table_get(v, "down")->line, 9);
	toml_free(root);
}
END_TEST

/* ---- positive: values ------------------------------------------------- */

START_TEST(test_strings)
{
	struct toml_value *root = parse_ok(
	    "esc = \"\\b\\t\\n\\f\\r\\\"\\\\ \\u00e9 \\U0001F600\"\n"
	    "nul = \"a\\u0000b\"\n"
	    "lit = 'C:\\no\\escapes'\n"
	    "ml = \"\"\"\nline1\r\nline2\"\"\"\n"
	    "fold = \"\"\"\\\n    The quick \\   \n\n   fox\"\"\"\n"
	    "q = \"\"\"two \"\"quotes\"\"\"\"\"\n"
	    "mll = '''\n'raw' \\n'''''\n"
	    "empty = ''\n"
	    "\"\" = 'empty key'\n"
	    "\"a.b\" = 'one key with a dot'\n");
	const struct toml_value *v;

	ck_assert_str_eq(get(root, "esc")->str,
	    "\b\t\n\f\r\"\\ \xc3\xa9 \xf0\x9f\x98\x80");
	v = get(root, "nul");
	ck_assert_uint_eq(v->str_len, 3);
	ck_assert_int_eq(memcmp(v->str, "a\0b", 4), 0);
	ck_assert_str_eq(get(root, "lit")->str, "C:\\no\\escapes");
	ck_assert_str_eq(get(root, "ml")->str, "line1\nline2");
	ck_assert_str_eq(get(root, "fold")->str, "The quick fox");
	ck_assert_str_eq(get(root, "q")->str, "two \"\"quotes\"\"");
	ck_assert_str_eq(get(root, "mll")->str, "'raw' \\n''");
	ck_assert_str_eq(get(root, "empty")->str, "");
	ck_assert_uint_eq(get(root, "empty")->str_len, 0);
	ck_assert_str_eq(toml_table_get(root, "")->str, "empty key");
	ck_assert_str_eq(toml_table_get(root, "a.b")->str, "one key with a dot");
	toml_free(root);
}
END_TEST

START_TEST(test_integers)
{
	struct toml_value *root = parse_ok(
	    "a = 42\nb = +17\nc = -0\nd = 1_000_000\n"
	    "e = 9223372036854775807\nf = -9223372036854775808\n"
	    "g = 0xDEAD_beef\nh = 0o755\ni = 0b1101\nj = 0x7FFFFFFFFFFFFFFF\n"
	    "k = 0x00ff\n");

	ck_assert_int_eq(get(root, "a")->u.i, 42);
	ck_assert_int_eq(get(root, "b")->u.i, 17);
	ck_assert_int_eq(get(root, "c")->u.i, 0);
	ck_assert_int_eq(get(root, "d")->u.i, 1000000);
	ck_assert(get(root, "e")->u.i == INT64_MAX);
	ck_assert(get(root, "f")->u.i == INT64_MIN);
	ck_assert_int_eq(get(root, "g")->u.i, 0xDEADBEEF);
	ck_assert_int_eq(get(root, "h")->u.i, 0755);
	ck_assert_int_eq(get(root, "i")->u.i, 13);
	ck_assert(get(root, "j")->u.i == INT64_MAX);
	ck_assert_int_eq(get(root, "k")->u.i, 255);
	ck_assert_int_eq(get(root, "k")->kind, TOML_INTEGER);
	toml_free(root);
}
END_TEST

START_TEST(test_floats)
{
	struct toml_value *root = parse_ok(
	    "a = 3.14\nb = -0.01\nc = 5e+22\nd = 1e06\ne = -2E-2\n"
	    "f = 6.626e-34\ng = 224_617.445_991\nh = inf\ni = -inf\n"
	    "j = nan\nk = -nan\nl = -0.0\nm = 1e-400\n");

	ck_assert_int_eq(get(root, "a")->kind, TOML_FLOAT);
	ck_assert(get(root, "a")->u.f == 3.14);
	ck_assert(get(root, "b")->u.f == -0.01);
	ck_assert(get(root, "c")->u.f == 5e22);
	ck_assert(get(root, "d")->u.f == 1e6);
	ck_assert(get(root, "e")->u.f == -2e-2);
	ck_assert(get(root, "f")->u.f == 6.626e-34);
	ck_assert(get(root, "g")->u.f == 224617.445991);
	ck_assert(isinf(get(root, "h")->u.f) && get(root, "h")->u.f > 0);
	ck_assert(isinf(get(root, "i")->u.f) && get(root, "i")->u.f < 0);
	ck_assert(isnan(get(root, "j")->u.f));
	ck_assert(isnan(get(root, "k")->u.f));
	ck_assert(get(root, "l")->u.f == 0 && signbit(get(root, "l")->u.f));
	ck_assert(get(root, "m")->u.f == 0);	/* underflow is not an error */
	toml_free(root);
}
END_TEST

START_TEST(test_bools_and_datetimes)
{
	struct toml_value *root = parse_ok(
	    "t = true\nf = false\n"
	    "odt = 1979-05-27T07:32:00Z\n"
	    "sp = 1979-05-27 07:32:00.999999-07:00\n"
	    "lz = 1979-05-27t07:32:00z\n"
	    "ldt = 1979-05-27T00:32:00.5\n"
	    "ld = 2024-02-29\n"
	    "lt = 23:59:60.25\n"
	    "ld2 = 2000-02-29 # a date, then a comment\n");
	const struct toml_value *v;

	ck_assert_int_eq(get(root, "t")->kind, TOML_BOOL);
	ck_assert(get(root, "t")->u.b);
	ck_assert(!get(root, "f")->u.b);
	v = get(root, "odt");
	ck_assert_int_eq(v->kind, TOML_DATETIME);
	ck_assert_str_eq(v->str, "1979-05-27T07:32:00Z");
	v = get(root, "sp");
	ck_assert_int_eq(v->kind, TOML_DATETIME);
	ck_assert_str_eq(v->str, "1979-05-27 07:32:00.999999-07:00");
	ck_assert_str_eq(get(root, "lz")->str, "1979-05-27t07:32:00z");
	ck_assert_int_eq(get(root, "ldt")->kind, TOML_DATETIME_LOCAL);
	ck_assert_str_eq(get(root, "ldt")->str, "1979-05-27T00:32:00.5");
	ck_assert_int_eq(get(root, "ld")->kind, TOML_DATE_LOCAL);
	ck_assert_str_eq(get(root, "ld")->str, "2024-02-29");
	ck_assert_uint_eq(get(root, "ld")->str_len, 10);
	ck_assert_int_eq(get(root, "lt")->kind, TOML_TIME_LOCAL);
	ck_assert_str_eq(get(root, "lt")->str, "23:59:60.25");
	ck_assert_str_eq(get(root, "ld2")->str, "2000-02-29");
	toml_free(root);
}
END_TEST

START_TEST(test_arrays_and_inline_tables)
{
	struct toml_value *root = parse_ok(
	    "a = [ [1, 2], ['x', 1.5], [], ]\n"
	    "b = [  # comment\n"
	    "  1,   # one\n"
	    "\n"
	    "  { x = 1, y.z = 'w' },\n"
	    "]\n"
	    "c = { p = { q = [1, {r = true}] }, s.t = 2 }\n"
	    "d = {}\n"
	    "e = { list = [\n 1,\n 2 ] }\n");
	const struct toml_value *v;

	v = get(root, "a");
	ck_assert_int_eq(v->kind, TOML_ARRAY);
	ck_assert_uint_eq(v->n_items, 3);
	ck_assert_uint_eq(v->items[0]->n_items, 2);
	ck_assert_int_eq(v->items[1]->items[0]->kind, TOML_STRING);
	ck_assert_int_eq(v->items[1]->items[1]->kind, TOML_FLOAT);
	ck_assert_uint_eq(v->items[2]->n_items, 0);
	v = get(root, "b");
	ck_assert_uint_eq(v->n_items, 2);
	ck_assert_str_eq(get(v->items[1], "y.z")->str, "w");
	v = get(root, "c.p.q");
	ck_assert(toml_table_get(v->items[1], "r")->u.b);
	ck_assert_int_eq(get(root, "c.s.t")->u.i, 2);
	ck_assert_uint_eq(get(root, "d")->n_entries, 0);
	ck_assert_uint_eq(get(root, "e.list")->n_items, 2);
	toml_free(root);
}
END_TEST

START_TEST(test_tables)
{
	struct toml_value *root = parse_ok(
	    "\xef\xbb\xbf"			/* a BOM at the very start is fine */
	    "[a.b.c]\r\n"
	    "x = 1\r\n"
	    "[a]\r\n"				/* implicit, then defined once */
	    "y = 2\r\n"
	    "b.w = 3\r\n"			/* implicit b, now defined by dotted keys */
	    "[fruit]\n"
	    "apple.color = 'red'\n"
	    "[fruit.apple.texture]\n"		/* sub-table of a dotted table */
	    "smooth = true\n"
	    "[[fruit.kinds]]\n"
	    "name = 'one'\n"
	    "[fruit.kinds.more]\n"
	    "n = 1\n"
	    "[[fruit.kinds]]\n"
	    "name = 'two'\n"
	    "[ 'quoted key' . \"and more\" ]\n"
	    "z = 0\n");
	const struct toml_value *v;

	ck_assert_int_eq(get(root, "a.b.c.x")->u.i, 1);
	ck_assert_int_eq(get(root, "a.y")->u.i, 2);
	ck_assert_int_eq(get(root, "a.b.w")->u.i, 3);
	ck_assert_str_eq(get(root, "fruit.apple.color")->str, "red");
	ck_assert(get(root, "fruit.apple.texture.smooth")->u.b);
	v = get(root, "fruit.kinds");
	ck_assert_uint_eq(v->n_items, 2);
	ck_assert_int_eq(get(v->items[0], "more.n")->u.i, 1);
	ck_assert_ptr_null(get(v->items[1], "more"));
	ck_assert_str_eq(get(v->items[1], "name")->str, "two");
	v = toml_table_get(toml_table_get(root, "quoted key"), "and more");
	ck_assert_int_eq(toml_table_get(v, "z")->u.i, 0);
	toml_free(root);
}
END_TEST

START_TEST(test_empty_and_comments)
{
	struct toml_value *root = parse_ok("");

	ck_assert_uint_eq(root->n_entries, 0);
	toml_free(root);
	root = parse_ok("# only a comment, no newline at the end");
	ck_assert_uint_eq(root->n_entries, 0);
	toml_free(root);
	root = toml_parse(NULL, 0, NULL, NULL);
	ck_assert_ptr_nonnull(root);
	toml_free(root);
}
END_TEST

START_TEST(test_parse_file)
{
	struct sslm_err err;
	struct toml_value *root;
	char path[4096];

	snprintf(path, sizeof(path), "%s/tests/data/cases/19/"
	    "19-toml-duplicates.ok-case-sensitive-keys.conf", srcdir());
	root = toml_parse_file(path, "ssl-mgr.conf", &err);
	ck_assert_msg(root != NULL, "%s", err.msg);
	toml_free(root);
	/* name NULL: the path names the file in messages */
	sslm_err_clear(&err);
	ck_assert_ptr_null(toml_parse_file("/nonexistent/x.toml", NULL, &err));
	ck_assert_msg(strstr(err.msg, "/nonexistent/x.toml: cannot open") != NULL,
	    "%s", err.msg);
	ck_assert_ptr_null(toml_parse_file("/nonexistent/x.toml", "conf.d/x",
	    &err));
	ck_assert_msg(strncmp(err.msg, "conf.d/x: ", 10) == 0, "%s", err.msg);
}
END_TEST

/* Field case 19: the two controls parse, with keys kept apart. */
START_TEST(test_case19_controls)
{
	struct sslm_err err;
	struct toml_value *root;
	const struct toml_value *g;
	char path[4096];

	snprintf(path, sizeof(path), "%s/tests/data/cases/19/"
	    "19-toml-duplicates.ok-case-sensitive-keys.conf", srcdir());
	root = toml_parse_file(path, NULL, &err);
	ck_assert_msg(root != NULL, "%s", err.msg);
	g = toml_table_get(root, "globals");
	ck_assert_uint_eq(g->n_entries, 2);
	ck_assert(toml_table_get(g, "verb")->u.b == true);
	ck_assert(toml_table_get(g, "Verb")->u.b == false);
	toml_free(root);

	snprintf(path, sizeof(path), "%s/tests/data/cases/19/"
	    "19-toml-duplicates.ok-aot-with-subtables.conf", srcdir());
	root = toml_parse_file(path, NULL, &err);
	ck_assert_msg(root != NULL, "%s", err.msg);
	g = toml_table_get(root, "groups");
	ck_assert_int_eq(g->kind, TOML_ARRAY);
	ck_assert_uint_eq(g->n_items, 2);
	ck_assert_str_eq(get(g->items[0], "domain")->str, "example.test");
	ck_assert_str_eq(get(g->items[0], "opts.note")->str,
	    "belongs to the first group");
	ck_assert_str_eq(get(g->items[1], "domain")->str, "example.net");
	ck_assert_str_eq(get(g->items[1], "opts.note")->str,
	    "belongs to the second group");
	toml_free(root);
}
END_TEST

/* A large flat table stays fast (the parser indexes keys). */
START_TEST(test_many_keys)
{
	size_t n = 100000, len = 0;
	char *doc = malloc(n * 16);
	struct toml_value *root;

	ck_assert_ptr_nonnull(doc);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(doc + len, "k%zu = %zu\n", i, i);
	root = parse_ok(doc);
	ck_assert_uint_eq(root->n_entries, n);
	ck_assert_int_eq(toml_table_get(root, "k99999")->u.i, 99999);
	toml_free(root);
	free(doc);
}
END_TEST

/* ---- negative: one row per error kind --------------------------------- */

struct bad {
	const char *doc;
	int line, col;
	const char *want;
};

static const struct bad bad_docs[] = {
	/* duplicates and redefinitions */
	{ "a = 1\na = 2\n", 2, 1, "duplicate key 'a' (first defined at line 1)" },
	{ "[g]\nclean_keep = 10\nx = 1\nclean_keep = 5\n", 4, 1,
	  "duplicate key 'clean_keep' (first defined at line 2)" },
	{ "verb = 1\n\"verb\" = 2\n", 2, 1, "duplicate key 'verb'" },
	{ "a.b = 1\na.b = 2\n", 2, 3, "duplicate key 'a.b' (first defined at line 1)" },
	{ "a = 1\na.b = 2\n", 2, 1, "duplicate key 'a' (first defined at line 1 as an integer" },
	{ "[globals]\n[x]\n[globals]\n", 3, 1,
	  "table [globals] defined twice (first at line 1)" },
	{ "[a.b]\n[a]\n[a]\n", 3, 1, "table [a] defined twice (first at line 2)" },
	{ "[s]\nr.cmd = 1\n[s.r]\n", 3, 1,
	  "table [s.r] defined twice (first by dotted keys at line 2)" },
	{ "[[g]]\n[g]\n", 2, 1, "table [g] defined twice (first as array of tables" },
	{ "g = [1]\n[[g]]\n", 2, 1, "[[g]] redefines 'g', a static array (line 1)" },
	{ "[g]\n[[g]]\n", 2, 1, "[[g]] redefines 'g', already a table (line 1)" },
	{ "d = 's'\n[d]\n", 2, 1, "table [d] redefines 'd', already a string (line 1)" },
	{ "d = 's'\n[d.e]\n", 2, 2, "[d.e] redefines 'd', already a string (line 1)" },
	{ "t = {a = 1}\n[t]\n", 2, 1, "table [t] redefines 't', already an inline table" },
	{ "t = {a = 1}\n[t.b]\n", 2, 2, "[t.b] cannot extend 't', an inline table (line 1)" },
	{ "t = {a = 1}\nt.b = 2\n", 2, 1, "key 't.b' cannot extend 't', an inline table" },
	{ "t = {a = {}, a.b = 1}\n", 1, 14, "cannot extend 'a', an inline table" },
	{ "a = [{}]\n[a.b]\n", 2, 2, "[a.b] cannot extend 'a', an array written as a value" },
	{ "[a.b]\n[a]\nb.c = 1\n", 3, 1, "dotted key 'b.c' redefines table [b]" },
	{ "d = {x = 1, x = 2}\n", 1, 13, "duplicate key 'x' (first defined at line 1)" },
	/* strings */
	{ "s = \"abc\n", 1, 5, "unterminated string: end of line" },
	{ "s = 'abc", 1, 5, "unterminated string: end of file" },
	{ "s = \"\"\"abc\n", 1, 5, "unterminated multi-line string" },
	{ "s = \"\\q\"\n", 1, 6, "invalid escape \\q" },
	{ "s = \"\\ \"\n", 1, 6, "a backslash followed by whitespace" },
	{ "s = \"\\uD800\"\n", 1, 6, "surrogate" },
	{ "s = \"\\U00110000\"\n", 1, 6, "beyond U+10FFFF" },
	{ "s = \"\\u12\"\n", 1, 6, "needs exactly 4 hex digits" },
	{ "s = '''a''''''\n", 1, 14, "too many quotes" },
	{ "\"\"\"k\"\"\" = 1\n", 1, 1, "a multi-line string cannot be a key" },
	/* encoding and control characters */
	{ "s = \"a\x01\"\n", 1, 7, "control character U+0001" },
	{ "a = 1\rb = 2\n", 1, 6, "carriage return not followed by a line feed" },
	{ "# \xc3\x28\n", 1, 3, "invalid UTF-8 (byte 0xC3)" },
	{ "s = '\xc0\xaf'\n", 1, 6, "invalid UTF-8" },		/* overlong '/' */
	{ "s = '\xed\xa0\x80'\n", 1, 6, "invalid UTF-8" },	/* surrogate */
	{ "s = '\xf4\x90\x80\x80'\n", 1, 6, "invalid UTF-8" },	/* > U+10FFFF */
	{ "# \x7f\n", 1, 3, "control character U+007F" },
	{ "a = \xef\xbb\xbf" "1\n", 1, 5, "expected a value" },	/* BOM later */
	/* numbers */
	{ "n = 012\n", 1, 5, "leading zeros are not allowed" },
	{ "n = 1__2\n", 1, 5, "underscore must stand between two digits" },
	{ "n = _1\n", 1, 5, "expected a value, found '_'" },
	{ "n = 9223372036854775808\n", 1, 5, "does not fit in a signed 64-bit" },
	{ "n = -9223372036854775809\n", 1, 5, "does not fit in a signed 64-bit" },
	{ "n = 0x8000000000000000\n", 1, 5, "does not fit in a signed 64-bit" },
	{ "n = -0x1\n", 1, 5, "a sign is not allowed" },
	{ "n = 0o8\n", 1, 5, "not a valid octal number" },
	{ "n = 0X1\n", 1, 5, "invalid value '0X1'" },
	{ "n = 1.\n", 1, 5, "a digit must follow the decimal point" },
	{ "n = 1e\n", 1, 5, "the exponent needs digits" },
	{ "n = 1e400\n", 1, 5, "too large for a 64-bit float" },
	{ "n = Inf\n", 1, 5, "expected a value, found 'I'" },
	{ "b = True\n", 1, 5, "expected a value, found 'T'" },
	{ "b = tru\n", 1, 5, "invalid value 'tru'" },
	/* dates and times */
	{ "d = 2023-02-29\n", 1, 5, "2023-02 has no day 29" },
	{ "d = 1900-02-29\n", 1, 5, "1900-02 has no day 29" },
	{ "d = 2023-04-31\n", 1, 5, "2023-04 has no day 31" },
	{ "d = 2023-13-01\n", 1, 5, "month 13 does not exist" },
	{ "d = 2023-1-01\n", 1, 5, "expected YYYY-MM-DD" },
	{ "d = 24:00:00\n", 1, 5, "hour out of range" },
	{ "d = 12:60:00\n", 1, 5, "minute out of range" },
	{ "d = 12:00:61\n", 1, 5, "second out of range" },
	{ "d = 12:00\n", 1, 5, "seconds are required" },
	{ "d = 12:00:00.\n", 1, 5, "a digit must follow the decimal point" },
	{ "d = 2023-01-01T12:00:00+24:00\n", 1, 5, "invalid offset" },
	{ "d = 2023-01-01T12:00:00+1:00\n", 1, 5, "expected Z or +HH:MM" },
	{ "d = 12:00:00Z\n", 1, 5, "invalid date/time '12:00:00Z'" },
	/* structure */
	{ "a = [1 2]\n", 1, 8, "expected ',' or ']' in array, found '2'" },
	{ "a = [1,\n", 1, 5, "unterminated array" },
	{ "a = [,]\n", 1, 6, "expected a value, found ','" },
	{ "a = {x = 1,}\n", 1, 12, "trailing comma in inline table" },
	{ "a = {x = 1\n}\n", 1, 11, "an inline table must stay on one line" },
	{ "a = {x = 1 y = 2}\n", 1, 12, "expected ',' or '}' in inline table" },
	{ "a = {x = 1", 1, 5, "unterminated inline table" },
	{ "[a\n", 1, 3, "expected ']' to close the header" },
	{ "[[a]\n", 1, 4, "expected ']]' to close the header" },
	{ "[]\n", 1, 2, "expected a key, found ']'" },
	{ "a b = 1\n", 1, 3, "expected '=' after key 'a', found 'b'" },
	{ "a =\n", 1, 4, "expected a value, found end of line" },
	{ "a = hello\n", 1, 5, "strings need quotes" },
	{ "a = 1 2\n", 1, 7, "expected the end of the line, found '2'" },
	{ "[a] b = 1\n", 1, 5, "expected the end of the line, found 'b'" },
	{ "= 1\n", 1, 1, "expected a key, found '='" },
};

START_TEST(test_bad_docs)
{
	const struct bad *b = &bad_docs[_i];

	parse_fails(b->doc, strlen(b->doc), b->line, b->col, b->want);
}
END_TEST

/* A raw NUL byte is refused where it is, not taken as the end. */
START_TEST(test_nul_byte)
{
	parse_fails("a = 1\n\0b = 2\n", 13, 2, 1, "control character U+0000");
}
END_TEST

START_TEST(test_error_names_the_document)
{
	struct sslm_err err;

	ck_assert_ptr_null(toml_parse("a =", 3, NULL, &err));
	ck_assert_msg(strncmp(err.msg, "<toml>:1:4: ", 12) == 0, "%s", err.msg);
	/* err may be NULL: failure is still reported by the NULL result */
	ck_assert_ptr_null(toml_parse("a =", 3, "x", NULL));
}
END_TEST

START_TEST(test_depth_limits)
{
	size_t n = 1000;
	char *doc = malloc(n * 4 + 16);
	size_t len;

	ck_assert_ptr_nonnull(doc);
	/* arrays in arrays */
	len = (size_t)sprintf(doc, "a = ");
	memset(doc + len, '[', n);
	memset(doc + len + n, ']', n);
	len += 2 * n;
	parse_fails(doc, len, 1, 5 + 128, "nested more than 128 levels deep");
	/* inline tables in inline tables */
	len = (size_t)sprintf(doc, "a = ");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(doc + len, "{b=");
	/* the key inside the 128th table would be one level too deep */
	parse_fails(doc, len, 1, 5 + 3 * 128 - 2,
	    "nested more than 128 levels deep");
	/* dotted keys and headers */
	len = 0;
	for (size_t i = 0; i < 200; i++)
		len += (size_t)sprintf(doc + len, "k.");
	len += (size_t)sprintf(doc + len, "k = 1\n");
	parse_fails(doc, len, 1, 257, "more than 128 dotted parts");
	len = (size_t)sprintf(doc, "[[a]]\n[");
	for (size_t i = 0; i < 127; i++)
		len += (size_t)sprintf(doc + len, "a.");
	len += (size_t)sprintf(doc + len, "a]\n");
	parse_fails(doc, len, 2, 1, "tables nested more than 128 levels deep");
	free(doc);
}
END_TEST

START_TEST(test_size_limit)
{
	size_t len = 16u * 1024 * 1024 + 1;
	char *doc = malloc(len);
	struct toml_value *root;
	struct sslm_err err;

	ck_assert_ptr_nonnull(doc);
	memset(doc, '\n', len);
	parse_fails(doc, len, 1, 1, "larger than 16 MiB");
	/* exactly the limit is fine */
	root = toml_parse(doc, len - 1, "t.toml", &err);
	ck_assert_msg(root != NULL, "%s", err.msg);
	toml_free(root);
	free(doc);
}
END_TEST

/* Field case 19: each fault file is refused, naming the file, the line
 * (within one of what tomllib reports) and the cause. */
static const struct {
	const char *file;
	int line;
} case19[] = {
	{ "19-toml-duplicates.a-dup-key.conf", 5 },
	{ "19-toml-duplicates.b-table-twice.conf", 7 },
	{ "19-toml-duplicates.c-aot-then-table.conf", 6 },
	{ "19-toml-duplicates.d-static-array-then-aot.conf", 3 },
	{ "19-toml-duplicates.e-inline-dup.conf", 9 },
	{ "19-toml-duplicates.f-string-then-table.conf", 5 },
	{ "19-toml-duplicates.g-subtable-first-then-twice.conf", 7 },
	{ "19-toml-duplicates.h-quoted-equals-bare.conf", 3 },
	{ "19-toml-duplicates.i-x509-twice.service", 13 },
	{ "19-toml-duplicates.j-dotted-vs-table.conf", 4 },
};

START_TEST(test_case19_faults)
{
	struct sslm_err err;
	char path[4096];
	const char *rest;
	long line;

	snprintf(path, sizeof(path), "%s/tests/data/cases/19/%s", srcdir(),
	    case19[_i].file);
	sslm_err_clear(&err);
	ck_assert_msg(toml_parse_file(path, NULL, &err) == NULL,
	    "%s was accepted", case19[_i].file);
	/* "path:line:col: problem" */
	ck_assert_msg(strncmp(err.msg, path, strlen(path)) == 0 &&
	    err.msg[strlen(path)] == ':', "no file name in \"%s\"", err.msg);
	ck_assert_msg(strstr(err.msg, case19[_i].file) != NULL, "%s", err.msg);
	rest = err.msg + strlen(path) + 1;
	line = strtol(rest, NULL, 10);
	ck_assert_msg(line >= case19[_i].line - 1 && line <= case19[_i].line + 1,
	    "line %ld, expected %d: \"%s\"", line, case19[_i].line, err.msg);
	ck_assert_msg(strstr(err.msg, "duplicate") != NULL ||
	    strstr(err.msg, "twice") != NULL || strstr(err.msg, "redefin") != NULL,
	    "cause not said: \"%s\"", err.msg);
}
END_TEST

/* ---- runner ----------------------------------------------------------- */

static Suite *
toml_positive_suite(void)
{
	Suite *s = suite_create("toml_positive");
	TCase *tc = tcase_create("positive");

	tcase_add_test(tc, test_accessors);
	tcase_add_test(tc, test_kind_names);
	tcase_add_test(tc, test_positions);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_integers);
	tcase_add_test(tc, test_floats);
	tcase_add_test(tc, test_bools_and_datetimes);
	tcase_add_test(tc, test_arrays_and_inline_tables);
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_empty_and_comments);
	tcase_add_test(tc, test_parse_file);
	tcase_add_test(tc, test_case19_controls);
	tcase_add_test(tc, test_many_keys);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *
toml_negative_suite(void)
{
	Suite *s = suite_create("toml_negative");
	TCase *tc = tcase_create("negative");

	tcase_add_loop_test(tc, test_bad_docs, 0,
	    (int)(sizeof(bad_docs) / sizeof(bad_docs[0])));
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_error_names_the_document);
	tcase_add_test(tc, test_depth_limits);
	tcase_add_test(tc, test_size_limit);
	tcase_add_loop_test(tc, test_case19_faults, 0,
	    (int)(sizeof(case19) / sizeof(case19[0])));
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(toml_positive_suite());
	int failed;

	srunner_add_suite(sr, toml_negative_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
