/*
 * Which services a run uses: wildcard discovery (config.md §6), the
 * command-line selection (cli.md §4), the printed diagnostics, and that
 * loading leaves the tree untouched.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_config_util.h"

/* ---- wildcard discovery ---- */

#define SVC_FILE(g, s) "name = 'x'\ngroup = '" g "'\nservice = '" s "'\n" \
	"[KeyOpts]\n[X509]\nCN = 'example.test'\nO = 'E'\nC = 'US'\n" \
	"sans = ['example.test']\n"

static struct tree t;
static struct conf c;
static struct conf_diags d;

static void
setup(void)
{
	tree_new(&t);
	conf_init(&c);
	conf_diags_init(&d);
}

static void
teardown(void)
{
	conf_clear(&c);
	conf_diags_clear(&d);
	tree_free(&t);
}

/* Index of the first diagnostic starting with prefix, or -1. */
static int
diag_index(const struct conf_diags *dd, const char *prefix)
{
	for (size_t i = 0; i < dd->n; i++)
		if (strncmp(dd->v[i].msg, prefix, strlen(prefix)) == 0)
			return (int)i;
	return -1;
}

static void
discovery_tree(const char *services)
{
	char *main_text = NULL, *p = NULL;

	ck_assert_int_ne(asprintf(&main_text, "[[groups]]\n"
	    "    domain = 'example.test'\n    services = %s\n"
	    "    active = true\n", services), -1);
	tree_write(&t, "conf.d/ssl-mgr.conf", main_text);
	free(main_text);
	tree_write(&t, "conf.d/example.test/b-svc", SVC_FILE("example.test",
	    "b-svc"));
	tree_write(&t, "conf.d/example.test/a-svc", SVC_FILE("example.test",
	    "a-svc"));
	tree_write(&t, "conf.d/example.test/a-svc~", SVC_FILE("example.test",
	    "a-svc"));
	tree_write(&t, "conf.d/example.test/a-svc.bak", SVC_FILE("example.test",
	    "a-svc"));
	tree_write(&t, "conf.d/example.test/a-svc.dpkg-old",
	    SVC_FILE("example.test", "a-svc"));
	tree_write(&t, "conf.d/example.test/.a-svc.swp",
	    SVC_FILE("example.test", "a-svc"));
	tree_write(&t, "conf.d/example.test/old", SVC_FILE("example.test",
	    "a-svc"));
	tree_write(&t, "conf.d/example.test/bad name", SVC_FILE("example.test",
	    "bad name"));
	tree_write(&t, "conf.d/example.test/README", "# not a service\n");
	tree_write(&t, "conf.d/example.test/sub/c-svc", SVC_FILE("example.test",
	    "c-svc"));
	ck_assert_int_ne(asprintf(&p, "%s/conf.d/example.test/lnk", t.dir), -1);
	unlink(p);	/* called twice on one tree */
	ck_assert_int_eq(symlink("a-svc", p), 0);
	free(p);
}

START_TEST(test_discovery)
{
	const struct conf_group *g;

	discovery_tree("'*'");
	ck_assert_load(tree_load(&t, &c, &d), 0, &d);
	g = conf_find_group(&c, "example.test");
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->n_services, 2);
	ck_assert_str_eq(g->services[0]->service, "a-svc");
	ck_assert_str_eq(g->services[1]->service, "b-svc");
	ck_assert_uint_eq(g->configured.n, 2);
	ck_assert_str_eq(g->configured.v[0], "a-svc");
	ck_assert_warning(&d, "conf.d/example.test/.a-svc.swp: skipped by "
	    "service discovery (hidden file)");
	ck_assert_warning(&d, "conf.d/example.test/a-svc.bak: skipped by "
	    "service discovery (editor backup or temporary file)");
	ck_assert_warning(&d, "conf.d/example.test/a-svc.dpkg-old: skipped by "
	    "service discovery (editor backup or temporary file)");
	ck_assert_warning(&d, "conf.d/example.test/a-svc~: skipped by service "
	    "discovery (editor backup or temporary file)");
	ck_assert_warning(&d, "conf.d/example.test/bad name: skipped by service "
	    "discovery (not a valid service name: 1-253 characters of A-Z a-z "
	    "0-9 . _ -, not starting with '.' or '-')");
	ck_assert_warning(&d, "conf.d/example.test/old: skipped by service "
	    "discovery (its service key is 'a-svc', not 'old')");
	/* sorted: the warnings come in byte order of the names */
	ck_assert_int_lt(diag_index(&d, "conf.d/example.test/.a-svc.swp"),
	    diag_index(&d, "conf.d/example.test/a-svc.bak"));
	ck_assert_int_lt(diag_index(&d, "conf.d/example.test/a-svc~"),
	    diag_index(&d, "conf.d/example.test/bad name"));
	ck_assert_int_lt(diag_index(&d, "conf.d/example.test/bad name"),
	    diag_index(&d, "conf.d/example.test/old"));
}
END_TEST

/* 'ALL' anywhere in the list means the whole discovered list. */
START_TEST(test_discovery_all_in_list)
{
	discovery_tree("['b-svc', 'ALL']");
	ck_assert_load(tree_load(&t, &c, &d), 0, &d);
	ck_assert_uint_eq(c.groups[0].n_services, 2);
	ck_assert_str_eq(c.groups[0].services[0]->service, "a-svc");
}
END_TEST

/* 'all' is not a wildcard: it is a (missing) service name. */
START_TEST(test_discovery_lowercase_all)
{
	discovery_tree("'all'");
	ck_assert_load(tree_load(&t, &c, &d), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:3: [[groups]] services: "
	    "expected an array of service names, or '*' or 'ALL', got string "
	    "'all'");
}
END_TEST

/* Named explicitly, the same files are checked strictly. */
START_TEST(test_explicit_names_strict)
{
	discovery_tree("['old', 'a-svc~']");
	ck_assert_load(tree_load(&t, &c, &d), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:3: [[groups]] services[1]: "
	    "'a-svc~' is not a valid service name (1-253 characters of A-Z a-z "
	    "0-9 . _ -, not starting with '.' or '-')");
	ck_assert_errors(&d, 1);
	conf_clear(&c);
	conf_diags_clear(&d);
	discovery_tree("['old']");
	ck_assert_load(tree_load(&t, &c, &d), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/old:3: service: 'a-svc' does "
	    "not match the file name 'old'");
	ck_assert_errors(&d, 1);
}
END_TEST

/* ---- command-line selection ---- */

static void
two_groups(void)
{
	tree_write(&t, "conf.d/ssl-mgr.conf",
	    "[[groups]]\n    domain = 'example.test'\n"
	    "    services = ['a-svc']\n    active = true\n"
	    "[[groups]]\n    domain = 'other.test'\n"
	    "    services = ['*']\n    active = false\n");
	tree_write(&t, "conf.d/example.test/a-svc", SVC_FILE("example.test",
	    "a-svc"));
	tree_write(&t, "conf.d/example.test/b-svc", SVC_FILE("example.test",
	    "b-svc"));
	tree_write(&t, "conf.d/other.test/x", SVC_FILE("other.test", "x"));
}

/* A group that is not active runs when named on the command line. */
START_TEST(test_select_inactive_group)
{
	two_groups();
	ck_assert_load(tree_load_sel(&t, "other.test", NULL, 0, &c, &d), 0, &d);
	ck_assert_uint_eq(c.n_groups, 1);
	ck_assert_str_eq(c.groups[0].name, "other.test");
	ck_assert_uint_eq(c.groups[0].n_services, 1);
	ck_assert(!c.groups[0].in_config);	/* inactive entries do not count */
	ck_assert_uint_eq(c.n_services, 1);
}
END_TEST

/* Only the named service is loaded; the configured list is still known. */
START_TEST(test_select_one_service)
{
	const char *svcs[] = { "b-svc", "b-svc" };

	two_groups();
	ck_assert_load(tree_load_sel(&t, "example.test", svcs, 2, &c, &d), 0, &d);
	ck_assert_uint_eq(c.n_groups, 1);
	ck_assert_uint_eq(c.groups[0].n_services, 1);
	ck_assert_str_eq(c.groups[0].services[0]->service, "b-svc");
	ck_assert(c.groups[0].in_config);
	ck_assert_uint_eq(c.groups[0].configured.n, 1);
	ck_assert_str_eq(c.groups[0].configured.v[0], "a-svc");
	ck_assert_ptr_null(conf_find_service(&c, "example.test", "a-svc"));
	ck_assert_uint_eq(c.files.n, 2);
}
END_TEST

START_TEST(test_select_all_token)
{
	const char *svcs[] = { "ALL" };

	two_groups();
	ck_assert_load(tree_load_sel(&t, "example.test", svcs, 1, &c, &d), 0, &d);
	ck_assert_uint_eq(c.groups[0].n_services, 2);
}
END_TEST

START_TEST(test_select_two_groups_merged)
{
	struct conf_topdir td;
	const char *s1[] = { "b-svc" }, *s2[] = { "a-svc" };
	struct conf_select sel[3] = {
		{ "example.test", s1, 1, false },
		{ "other.test", NULL, 0, true },
		{ "example.test", s2, 1, false },
	};

	two_groups();
	td.path = realpath(t.dir, NULL);
	td.source = CONF_TOPDIR_ENV;
	ck_assert_load(conf_load(&c, &td, sel, 3, true, &d), 0, &d);
	conf_topdir_clear(&td);
	ck_assert_uint_eq(c.n_groups, 2);
	ck_assert_str_eq(c.groups[0].name, "example.test");
	ck_assert_uint_eq(c.groups[0].n_services, 2);
	ck_assert_str_eq(c.groups[0].services[0]->service, "b-svc");
	ck_assert_str_eq(c.groups[0].services[1]->service, "a-svc");
	ck_assert_str_eq(c.groups[1].name, "other.test");
}
END_TEST

START_TEST(test_select_errors)
{
	struct conf_topdir td;
	const char *s1[] = { "nope", "-x" };
	struct conf_select sel[3] = {
		{ "example.test", s1, 2, false },
		{ "missing.test", NULL, 0, true },
		{ "../x", NULL, 0, true },
	};

	two_groups();
	td.path = realpath(t.dir, NULL);
	td.source = CONF_TOPDIR_ENV;
	ck_assert_load(conf_load(&c, &td, sel, 3, true, &d), -1, &d);
	conf_topdir_clear(&td);
	ck_assert_error(&d, "service 'example.test:-x' (command line): not a "
	    "valid service name (1-253 characters of A-Z a-z 0-9 . _ -, not "
	    "starting with '.' or '-')");
	ck_assert_error(&d, "group '../x' (command line): not a valid group "
	    "name (1-253 characters of A-Z a-z 0-9 . _ -, not starting with "
	    "'.' or '-')");
	ck_assert_error(&d, "service 'example.test:nope' (command line): "
	    "conf.d/example.test/nope: no such service file");
	ck_assert_error(&d, "group 'missing.test' (command line): "
	    "conf.d/missing.test is not a directory");
	ck_assert_errors(&d, 4);
}
END_TEST

/* The model is complete and printable: the summary line and formats. */
START_TEST(test_diags_print)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	two_groups();
	tree_write(&t, "conf.d/example.test/a-svc", "name = 'x'\n"
	    "group = 'example.test'\nservice = 'a-svc'\nfoo = 1\n");
	ck_assert_load(tree_load(&t, &c, &d), -1, &d);
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	conf_diags_print(&d, fp);
	fclose(fp);
	ck_assert_str_eq(buf,
	    "warning: conf.d/ssl-mgr.conf:1: [[dns_primary]]: missing; DANE "
	    "TLSA records and dns-01 validation cannot be used\n"
	    "warning: conf.d/ssl-mgr.conf:1: [dns]: missing; TLSA and ACME "
	    "dns-01 are not supported\n"
	    "warning: conf.d/example.test/a-svc:4: foo: unknown key, ignored\n"
	    "conf.d/example.test/a-svc:1: [X509]: required section missing (CN, "
	    "O, C, sans)\n"
	    "1 error in configuration; nothing was changed\n");
	free(buf);
}
END_TEST

/* Every path, size and mtime below dir, sorted. */
static char *
listing(const char *dir)
{
	char *cmd = NULL, *buf = NULL;
	size_t len = 0;
	char chunk[512];
	FILE *p, *mem = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(mem);
	ck_assert_int_ne(asprintf(&cmd, "find '%s' -printf '%%p %%s %%T@\\n' "
	    "| sort", dir), -1);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(chunk, sizeof(chunk), p) != NULL)
		fputs(chunk, mem);
	ck_assert_int_eq(pclose(p), 0);
	fclose(mem);
	free(cmd);
	return buf;
}

/* Loading changes nothing on disk (no certs/, no logs/, no lock). */
START_TEST(test_load_writes_nothing)
{
	char *before, *after;

	two_groups();
	before = listing(t.dir);
	ck_assert_load(tree_load(&t, &c, &d), 0, &d);
	after = listing(t.dir);
	ck_assert_str_eq(before, after);
	ck_assert(strstr(before, "/conf.d/other.test/x ") != NULL);
	free(before);
	free(after);
}
END_TEST

Suite *
suite_config_select(void)
{
	Suite *s = suite_create("config selection");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, test_discovery);
	tcase_add_test(pos, test_discovery_all_in_list);
	tcase_add_test(pos, test_select_inactive_group);
	tcase_add_test(pos, test_select_one_service);
	tcase_add_test(pos, test_select_all_token);
	tcase_add_test(pos, test_select_two_groups_merged);
	tcase_add_test(pos, test_load_writes_nothing);
	tcase_add_test(neg, test_discovery_lowercase_all);
	tcase_add_test(neg, test_explicit_names_strict);
	tcase_add_test(neg, test_select_errors);
	tcase_add_test(neg, test_diags_print);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
