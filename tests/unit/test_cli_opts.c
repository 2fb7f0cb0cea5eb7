/* Unit tests of src/cli/: every option spelling and value form (cli.md §2-§3). */
#include "config.h"

#include <check.h>
#include <string.h>

#include "test_cli.h"

/* All the bool fields of struct cli_request that options set. */
static const size_t all_bools[] = {
	F(help), F(verb), F(force), F(reuse), F(debug), F(test), F(dry_run),
	F(status), F(renew), F(roll), F(dns_refresh), F(clean_all), F(json),
	F(keys), F(csr), F(cert), F(copy), F(ntoc), F(certs_prod), F(fsr),
};
#define N_BOOLS (sizeof(all_bools) / sizeof(all_bools[0]))

static void
assert_only_flag(size_t field)
{
	for (size_t i = 0; i < N_BOOLS; i++)
		ck_assert_msg(BOOL_AT(all_bools[i]) == (all_bools[i] == field),
		    "field at offset %zu", all_bools[i]);
}

/* ------------------------------------------------------------------ */
/* positive: options                                                   */

START_TEST(defaults)
{
	PARSE_OK(NULL);
	ck_assert_int_eq(req.mode, CLI_REGULAR);
	assert_only_flag((size_t)-1);
	ck_assert_int_eq(req.roll_mins, -1);
	ck_assert_int_eq(req.clean_keep, -1);
	ck_assert(!req.clean_keep_raised);
	ck_assert(!req.has_selection);
	ck_assert_uint_eq(req.n_sel, 0);
	ck_assert(!cli_has_action(&req));
	ck_assert(!cli_is_status_only(&req));
}
END_TEST

/* loop: 2*i = first spelling of flags[i], 2*i+1 = the other one */
START_TEST(each_flag_spelling)
{
	const struct spelling *s = &flags[_i / 2];
	const char *arg = _i % 2 == 0 ? s->arg : s->other;

	if (s->dev)
		PARSE_OK("dev", arg);
	else
		PARSE_OK(arg);
	ck_assert_int_eq(req.mode, s->dev ? CLI_DEV : CLI_REGULAR);
	assert_only_flag(s->field);
}
END_TEST

/* every regular option also works in dev mode (cli.md §1) */
START_TEST(regular_flags_in_dev_mode)
{
	const struct spelling *s = &flags[_i / 2];
	const char *arg = _i % 2 == 0 ? s->arg : s->other;

	PARSE_OK("dev", arg);
	ck_assert_int_eq(req.mode, CLI_DEV);
	assert_only_flag(s->field);
}
END_TEST

START_TEST(reuse_spellings)
{
	PARSE_OK("-renew", "-r");
	ck_assert(req.reuse && req.renew);
	cli_request_clear(&req);
	PARSE_OK("--reuse", "--renew");
	ck_assert(req.reuse && req.renew);
}
END_TEST

START_TEST(json_spelling)
{
	PARSE_OK("-s", "--json");
	ck_assert(req.json && req.status);
	cli_request_clear(&req);
	PARSE_OK("--json", "--status", "-v", "-d", "-t", "-n", "-f",
	    "-roll-mins", "5");
	ck_assert(req.json);
	cli_request_clear(&req);
	PARSE_OK("-sv", "--json");
	ck_assert(req.json && req.verb);
	cli_request_clear(&req);
	PARSE_OK("dev", "-s", "--json");
	ck_assert(req.json);
}
END_TEST

START_TEST(int_values)
{
	static const char *const forms[][2] = {
		{ "-roll-mins", "30" }, { "--min-roll-mins", "30" },
		{ "-roll-mins=30", NULL }, { "--min-roll-mins=30", NULL },
	};
	static const char *const keep[][2] = {
		{ "-clean-keep", "4" }, { "--clean-keep", "4" },
		{ "-clean-keep=4", NULL }, { "--clean-keep=4", NULL },
	};

	for (size_t i = 0; i < 4; i++) {
		PARSE_OK(forms[i][0], forms[i][1]);
		ck_assert_int_eq(req.roll_mins, 30);
		ck_assert_int_eq(req.clean_keep, -1);
		cli_request_clear(&req);
		PARSE_OK(keep[i][0], keep[i][1]);
		ck_assert_int_eq(req.clean_keep, 4);
		ck_assert(!req.clean_keep_raised);
		ck_assert_int_eq(req.roll_mins, -1);
		cli_request_clear(&req);
	}
	PARSE_OK("-roll-mins", "0");
	ck_assert_int_eq(req.roll_mins, 0);
	cli_request_clear(&req);
	PARSE_OK("-roll-mins", "+7");
	ck_assert_int_eq(req.roll_mins, 7);
	cli_request_clear(&req);
	PARSE_OK("-roll-mins", "2147483647");
	ck_assert_int_eq(req.roll_mins, 2147483647);
	cli_request_clear(&req);
	/* repeated: the last one wins, as with argparse */
	PARSE_OK("-roll-mins", "5", "--min-roll-mins=6");
	ck_assert_int_eq(req.roll_mins, 6);
	cli_request_clear(&req);
	/* the value is not mistaken for a positional or an option */
	PARSE_OK("-clean-keep", "3", "g:a");
	ck_assert_int_eq(req.clean_keep, 3);
	ck_assert_uint_eq(req.n_sel, 1);
}
END_TEST

START_TEST(clean_keep_raised)
{
	/* a value starting with '-' is taken as the value (cli.md §2) */
	PARSE_OK("-clean-keep", "-3");
	ck_assert_int_eq(req.clean_keep, 1);
	ck_assert(req.clean_keep_raised);
	cli_request_clear(&req);
	PARSE_OK("--clean-keep=0");
	ck_assert_int_eq(req.clean_keep, 1);
	ck_assert(req.clean_keep_raised);
	cli_request_clear(&req);
	PARSE_OK("-clean-keep", "1");
	ck_assert_int_eq(req.clean_keep, 1);
	ck_assert(!req.clean_keep_raised);
	cli_request_clear(&req);
	/* a later valid value clears the note */
	PARSE_OK("-clean-keep", "0", "-clean-keep", "2");
	ck_assert_int_eq(req.clean_keep, 2);
	ck_assert(!req.clean_keep_raised);
}
END_TEST

START_TEST(bundles)
{
	PARSE_OK("-sv");
	ck_assert(req.status && req.verb && !req.force);
	cli_request_clear(&req);
	PARSE_OK("-renew", "-rf");
	ck_assert(req.reuse && req.force && req.renew);
	cli_request_clear(&req);
	PARSE_OK("-renew", "-vfrdtns");
	ck_assert(req.verb && req.force && req.reuse && req.debug &&
	    req.test && req.dry_run && req.status);
	cli_request_clear(&req);
	PARSE_OK("-ss");
	ck_assert(req.status);
	cli_request_clear(&req);
	/* "-dns" is an option name, not the bundle -d -n -s */
	PARSE_OK("-dns");
	assert_only_flag(F(dns_refresh));
	cli_request_clear(&req);
	PARSE_OK("-snd");
	ck_assert(req.status && req.dry_run && req.debug && !req.dns_refresh);
	cli_request_clear(&req);
	/* "-fsr" is a dev option name in dev mode, not -f -s -r */
	PARSE_OK("dev", "-fsr");
	assert_only_flag(F(fsr));
}
END_TEST

START_TEST(dev_mode_selection)
{
	PARSE_OK("dev");
	ck_assert_int_eq(req.mode, CLI_DEV);
	ck_assert(!req.has_selection);
	cli_request_clear(&req);
	/* "dev" elsewhere is a positional: the group "dev" (O6) */
	PARSE_OK("-s", "dev");
	ck_assert_int_eq(req.mode, CLI_REGULAR);
	ck_assert_uint_eq(req.n_sel, 1);
	ck_assert_str_eq(req.sel[0].group, "dev");
	ck_assert(req.sel[0].all);
	cli_request_clear(&req);
	PARSE_OK("dev", "dev");
	ck_assert_int_eq(req.mode, CLI_DEV);
	ck_assert_str_eq(req.sel[0].group, "dev");
	cli_request_clear(&req);
	/* only exactly "dev" */
	PARSE_OK("Dev");
	ck_assert_int_eq(req.mode, CLI_REGULAR);
	ck_assert_str_eq(req.sel[0].group, "Dev");
}
END_TEST

START_TEST(help)
{
	PARSE_OK("-h");
	ck_assert(req.help);
	ck_assert_int_eq(req.mode, CLI_REGULAR);
	cli_request_clear(&req);
	PARSE_OK("dev", "--help");
	ck_assert(req.help);
	ck_assert_int_eq(req.mode, CLI_DEV);
	cli_request_clear(&req);
	/* help stops parsing: what follows is not looked at */
	PARSE_OK("-s", "-h", "--bogus", "-r", "g:../x");
	ck_assert(req.help && req.status && !req.reuse);
	ck_assert(!req.has_selection);
	cli_request_clear(&req);
	/* and skips the combination rules */
	PARSE_OK("-r", "--json", "-h");
	ck_assert(req.help);
}
END_TEST

START_TEST(double_dash)
{
	PARSE_OK("-s", "--", "g:a");
	ck_assert(req.status);
	ck_assert_uint_eq(req.n_sel, 1);
	ck_assert_str_eq(req.sel[0].group, "g");
	cli_request_clear(&req);
	/* "--" as the last argument is fine */
	PARSE_OK("-s", "--");
	ck_assert(req.status && !req.has_selection);
	cli_request_clear(&req);
	/* "dev" after "--" is a positional */
	PARSE_OK("--", "dev");
	ck_assert_int_eq(req.mode, CLI_REGULAR);
	ck_assert_str_eq(req.sel[0].group, "dev");
	cli_request_clear(&req);
	/* an option value may be "--" only to be rejected; but "--" taken as
	 * the value of nothing: options after "--" are not options */
	PARSE_OK("dev", "--", "g");
	ck_assert_int_eq(req.mode, CLI_DEV);
	ck_assert_str_eq(req.sel[0].group, "g");
}
END_TEST

START_TEST(interleaved)
{
	PARSE_OK("a:x", "-s", "b", "-v", "--", "c:y,z");
	ck_assert(req.status && req.verb);
	ck_assert_uint_eq(req.n_sel, 3);
	ck_assert_str_eq(req.sel[0].group, "a");
	ck_assert_str_eq(req.sel[1].group, "b");
	ck_assert_str_eq(req.sel[2].group, "c");
	ck_assert_uint_eq(req.sel[2].services.n, 2);
}

void
test_cli_opts(Suite *pos)
{
	TCase *tc = test_cli_tcase(pos, "options");

	tcase_add_test(tc, defaults);
	tcase_add_loop_test(tc, each_flag_spelling, 0, 2 * n_flags);
	tcase_add_loop_test(tc, regular_flags_in_dev_mode, 0,
	    2 * N_REGULAR_FLAGS);
	tcase_add_test(tc, reuse_spellings);
	tcase_add_test(tc, json_spelling);
	tcase_add_test(tc, int_values);
	tcase_add_test(tc, clean_keep_raised);
	tcase_add_test(tc, bundles);
	tcase_add_test(tc, dev_mode_selection);
	tcase_add_test(tc, help);
	tcase_add_test(tc, double_dash);
	tcase_add_test(tc, interleaved);
}
