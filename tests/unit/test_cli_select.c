/* Unit tests of src/cli/: GROUP[:SVC,...] selection (cli.md §4, decision O6). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test_cli.h"

static void
assert_sel(size_t i, const char *group, bool all, const char *svcs)
{
	char buf[256] = "";

	ck_assert_uint_lt(i, req.n_sel);
	ck_assert_str_eq(req.sel[i].group, group);
	ck_assert_msg(req.sel[i].all == all, "group %s all", group);
	for (size_t k = 0; k < req.sel[i].services.n; k++) {
		if (k > 0)
			strcat(buf, ",");
		strcat(buf, req.sel[i].services.v[k]);
	}
	ck_assert_str_eq(buf, svcs);
}

START_TEST(sel_forms)
{
	PARSE_OK("g");
	ck_assert(req.has_selection);
	ck_assert_uint_eq(req.n_sel, 1);
	assert_sel(0, "g", true, "");
	cli_request_clear(&req);
	PARSE_OK("g:");
	assert_sel(0, "g", true, "");
	cli_request_clear(&req);
	PARSE_OK("example.com:mail-ec,web_rsa");
	assert_sel(0, "example.com", false, "mail-ec,web_rsa");
	cli_request_clear(&req);
	PARSE_OK("g:ALL");
	assert_sel(0, "g", true, "");
	cli_request_clear(&req);
	PARSE_OK("g:*");
	assert_sel(0, "g", true, "");
	cli_request_clear(&req);
	/* ALL anywhere in the list means all; named ones are kept, checked */
	PARSE_OK("g:a,ALL,b");
	assert_sel(0, "g", true, "a,b");
	cli_request_clear(&req);
	/* case-sensitive: "all" is a service name */
	PARSE_OK("g:all");
	assert_sel(0, "g", false, "all");
	cli_request_clear(&req);
	/* split at the first ':' only: "ca" group */
	PARSE_OK("ca:my-root,my-int");
	assert_sel(0, "ca", false, "my-root,my-int");
	cli_request_clear(&req);
	/* names may contain '.', '-', '_' after the first character */
	PARSE_OK("_g.x-1:s_.-2,9");
	assert_sel(0, "_g.x-1", false, "s_.-2,9");
}
END_TEST

START_TEST(sel_merge)
{
	PARSE_OK("a:x", "a:y");
	ck_assert_uint_eq(req.n_sel, 1);
	assert_sel(0, "a", false, "x,y");
	cli_request_clear(&req);
	/* de-duplicated, first occurrence kept */
	PARSE_OK("a:x,y,x", "a:y,z,x");
	assert_sel(0, "a", false, "x,y,z");
	cli_request_clear(&req);
	/* group order = first appearance */
	PARSE_OK("b:x", "a:y", "b:z", "c", "a");
	ck_assert_uint_eq(req.n_sel, 3);
	assert_sel(0, "b", false, "x,z");
	assert_sel(1, "a", true, "y");
	assert_sel(2, "c", true, "");
	cli_request_clear(&req);
	/* a later ALL turns the whole group to all */
	PARSE_OK("a:x", "a:*");
	ck_assert_uint_eq(req.n_sel, 1);
	assert_sel(0, "a", true, "x");
	cli_request_clear(&req);
	/* group names are case-sensitive, as directory names are */
	PARSE_OK("a:x", "A:x");
	ck_assert_uint_eq(req.n_sel, 2);
}

/* negative */

START_TEST(bad_names)
{
#define RULE " (names use A-Z a-z 0-9 . _ -, not starting with . or -)"
	static const char *const bad[][2] = {
		{ "g:../x", "bad service name '../x' in 'g:../x'" RULE },
		{ "g:.hidden", "bad service name '.hidden' in 'g:.hidden'" RULE },
		{ "g:-x", "bad service name '-x' in 'g:-x'" RULE },
		{ "g:a/b", "bad service name 'a/b' in 'g:a/b'" RULE },
		{ "g:a b", "bad service name 'a b' in 'g:a b'" RULE },
		{ "g:a:b", "bad service name 'a:b' in 'g:a:b'" RULE },
		{ "g:ok,*x", "bad service name '*x' in 'g:ok,*x'" RULE },
		{ "g:a\nb", "bad service name 'a?b' in 'g:a?b'" RULE },
		{ "../g:a", "bad group name '../g' in '../g:a'" RULE },
		{ ".g", "bad group name '.g' in '.g'" RULE },
		{ "g/x:a", "bad group name 'g/x' in 'g/x:a'" RULE },
		{ "*:a", "bad group name '*' in '*:a'" RULE },
		{ "g:a,,b", "empty service name in 'g:a,,b'" },
		{ "g:a,", "empty service name in 'g:a,'" },
		{ "g:,a", "empty service name in 'g:,a'" },
		{ "g:,", "empty service name in 'g:,'" },
		{ ":a", "missing group name in ':a'" },
		{ ":", "missing group name in ':'" },
		{ "", "missing group name in ''" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE_FAILS(bad[i][1], "-s", bad[i][0]);
		ck_assert(req.has_selection);
		cli_request_clear(&req);
	}
	/* after "--" an argument starting with '-' is a (bad) group name */
	PARSE_FAILS("bad group name '-x' in '-x'" RULE, "--", "-x");
	cli_request_clear(&req);
	PARSE_FAILS("bad group name '--' in '--'" RULE, "--", "--");
	cli_request_clear(&req);
	PARSE_FAILS("bad group name '-s' in '-s:a'" RULE, "--", "-s:a");
#undef RULE
}
END_TEST

START_TEST(name_too_long)
{
	char arg[300], want[256];

	memset(arg, 'a', 254);
	arg[254] = '\0';
	snprintf(want, sizeof(want), "group name in '%.77s...' is longer "
	    "than 253 characters", arg);
	PARSE_FAILS(want, arg);
	cli_request_clear(&req);
	/* 253 is fine */
	arg[253] = '\0';
	PARSE_OK(arg);
	ck_assert_uint_eq(strlen(req.sel[0].group), 253);
	cli_request_clear(&req);
	/* a long service name */
	memcpy(arg, "g:", 2);
	memset(arg + 2, 'b', 254);
	arg[256] = '\0';
	snprintf(want, sizeof(want), "service name in '%.77s...' is longer "
	    "than 253 characters", arg);
	PARSE_FAILS(want, arg);
}

void
test_cli_select(Suite *pos, Suite *neg)
{
	TCase *tc = test_cli_tcase(pos, "selection");

	tcase_add_test(tc, sel_forms);
	tcase_add_test(tc, sel_merge);
	tc = test_cli_tcase(neg, "selection");
	tcase_add_test(tc, bad_names);
	tcase_add_test(tc, name_too_long);
}
