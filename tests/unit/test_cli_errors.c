/*
 * Unit tests of src/cli/: every usage error of the option parser, with its
 * message (cli.md §2, decisions CO2, CO5).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test_cli.h"

START_TEST(unknown_options)
{
	static const char *const bad[][2] = {
		/* no prefix abbreviations (CO2) */
		{ "--stat", "unknown option '--stat'" },
		{ "-ren", "unknown option '-ren'" },
		{ "--min-roll", "unknown option '--min-roll'" },
		{ "--verbose", "unknown option '--verbose'" },
		{ "--dns", "unknown option '--dns'" },
		{ "-json", "unknown option '-json'" },
		{ "--h", "unknown option '--h'" },
		{ "-Renew", "unknown option '-Renew'" },
		{ "-x", "unknown option '-x'" },
		/* -h is not bundled; other letters are not flags */
		{ "-sh", "unknown option '-sh'" },
		{ "-hv", "unknown option '-hv'" },
		{ "-svx", "unknown option '-svx'" },
		{ "-", "unknown option '-'" },
		{ "---", "unknown option '---'" },
		{ "--stat=1", "unknown option '--stat'" },
		{ "-sv=1", "unknown option '-sv'" },
		/* junk is shown safely */
		{ "-\x01\x7f\xc3\xa9", "unknown option '-\?\?\?\?'" },
	};
	char longopt[200], want[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE_FAILS(bad[i][1], bad[i][0]);
		cli_request_clear(&req);
		/* same in dev mode */
		PARSE_FAILS(bad[i][1], "dev", bad[i][0]);
		cli_request_clear(&req);
	}
	/* a long name is cut to 77 characters and "..." */
	memset(longopt, 'a', sizeof(longopt) - 1);
	longopt[0] = longopt[1] = '-';
	longopt[sizeof(longopt) - 1] = '\0';
	snprintf(want, sizeof(want), "unknown option '%.77s...'", longopt);
	PARSE_FAILS(want, longopt);
}
END_TEST

/* loop over the dev spellings: unknown without "dev" first */
START_TEST(dev_option_without_dev)
{
	const struct spelling *s = &flags[_i / 2];
	const char *arg = _i % 2 == 0 ? s->arg : s->other;
	char want[256];

	if (!s->dev)
		return;
	snprintf(want, sizeof(want), "unknown option '%s' (a dev option: use "
	    "'sslm-mgr dev %s')", arg, arg);
	PARSE_FAILS(want, arg);
	cli_request_clear(&req);
	/* "dev" not first is a positional, so still regular mode */
	PARSE_FAILS(want, "-s", "dev", arg);
}
END_TEST

START_TEST(missing_values)
{
	PARSE_FAILS("option -roll-mins needs a value", "-roll-mins");
	cli_request_clear(&req);
	PARSE_FAILS("option --min-roll-mins needs a value", "-s",
	    "--min-roll-mins");
	cli_request_clear(&req);
	PARSE_FAILS("option -clean-keep needs a value", "dev", "-clean-keep");
	cli_request_clear(&req);
	PARSE_FAILS("option --clean-keep needs a value", "--clean-keep");
}
END_TEST

START_TEST(bad_integers)
{
	static const char *const bad[] = {
		"abc", "", "3x", " 3", "3 ", "0x10", "3.5", "-", "+", "--",
		"-s", "1e3", "٣",
	};
	char want[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *shown = strcmp(bad[i], "٣") == 0 ? "??" : bad[i];

		snprintf(want, sizeof(want), "-roll-mins: '%s' is not an "
		    "integer", shown);
		PARSE_FAILS(want, "-roll-mins", bad[i]);
		cli_request_clear(&req);
		snprintf(want, sizeof(want), "--clean-keep: '%s' is not an "
		    "integer", shown);
		PARSE_FAILS(want, "--clean-keep", bad[i]);
		cli_request_clear(&req);
	}
	PARSE_FAILS("-roll-mins: 'abc' is not an integer", "-roll-mins=abc");
	cli_request_clear(&req);
	PARSE_FAILS("--min-roll-mins: '' is not an integer",
	    "--min-roll-mins=");
	cli_request_clear(&req);
	PARSE_FAILS("-clean-keep: '=5' is not an integer", "-clean-keep==5");
}
END_TEST

START_TEST(out_of_range)
{
	PARSE_FAILS("-roll-mins: '2147483648' is out of range", "-roll-mins",
	    "2147483648");
	cli_request_clear(&req);
	PARSE_FAILS("-roll-mins: '99999999999999999999999' is out of range",
	    "-roll-mins", "99999999999999999999999");
	cli_request_clear(&req);
	PARSE_FAILS("-clean-keep: '-99999999999' is out of range",
	    "-clean-keep", "-99999999999");
}
END_TEST

START_TEST(negative_roll_mins)
{
	PARSE_FAILS("-roll-mins: '-5' is negative (minutes must be 0 or more)",
	    "-roll-mins", "-5");
	cli_request_clear(&req);
	PARSE_FAILS("--min-roll-mins: '-1' is negative (minutes must be 0 or "
	    "more)", "--min-roll-mins=-1");
}
END_TEST

START_TEST(flag_with_value)
{
	PARSE_FAILS("option --verb takes no value", "--verb=1");
	cli_request_clear(&req);
	PARSE_FAILS("option -s takes no value", "-s=");
	cli_request_clear(&req);
	PARSE_FAILS("option -renew takes no value", "-renew=yes");
	cli_request_clear(&req);
	PARSE_FAILS("option -h takes no value", "-h=1");
	cli_request_clear(&req);
	PARSE_FAILS("option --json takes no value", "-s", "--json=1");
	cli_request_clear(&req);
	PARSE_FAILS("option -keys takes no value", "dev", "-keys=1");
}
END_TEST

START_TEST(reuse_needs_renew)
{
	PARSE_FAILS("-r/--reuse needs -renew", "-r");
	cli_request_clear(&req);
	PARSE_FAILS("-r/--reuse needs -renew", "--reuse", "-roll");
	cli_request_clear(&req);
	PARSE_FAILS("-r/--reuse needs -renew", "-rs");
	cli_request_clear(&req);
	PARSE_FAILS("-r/--reuse needs -renew", "dev", "-r", "-keys");
	cli_request_clear(&req);
	PARSE_FAILS("-r/--reuse needs -renew", "dev", "-copy", "-r");
	cli_request_clear(&req);
	/* dev -copy alone sets reuse but is fine (cli.md §5.3) */
	PARSE_OK("dev", "-copy");
	ck_assert(req.copy && !req.reuse);
}
END_TEST

START_TEST(json_rules)
{
	static const char *const bad[][4] = {
		{ "--json" },
		{ "--json", "-v" },
		{ "-s", "--json", "-renew" },
		{ "--json", "-roll", "-s" },
		{ "-s", "--json", "-dns" },
		{ "-s", "--json", "-clean-keep", "3" },
		{ "-s", "--json", "-clean-all" },
		{ "dev", "-s", "--json", "-fsr" },
		{ "dev", "-s", "--json", "-ntoc" },
		{ "dev", "--json", "-certs-prod" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE_FAILS("--json needs -s and no action", bad[i][0],
		    bad[i][1], bad[i][2], bad[i][3]);
		cli_request_clear(&req);
	}
}

/* The first error wins; later arguments are not looked at. */
START_TEST(first_error_wins)
{
	PARSE_FAILS("unknown option '--bogus'", "--bogus", "g:../x", "-r");
	cli_request_clear(&req);
	PARSE_FAILS("empty service name in 'g:a,,b'", "g:a,,b", "--bogus");
	cli_request_clear(&req);
	/* the combination rules come after every argument parsed */
	PARSE_FAILS("unknown option '--bogus'", "-r", "--bogus");
}
END_TEST

void
test_cli_errors(Suite *neg)
{
	TCase *tc = test_cli_tcase(neg, "options");

	tcase_add_test(tc, unknown_options);
	tcase_add_loop_test(tc, dev_option_without_dev, 0, 2 * n_flags);
	tcase_add_test(tc, missing_values);
	tcase_add_test(tc, bad_integers);
	tcase_add_test(tc, out_of_range);
	tcase_add_test(tc, negative_roll_mins);
	tcase_add_test(tc, flag_with_value);
	tcase_add_test(tc, reuse_needs_renew);
	tcase_add_test(tc, json_rules);
	tcase_add_test(tc, first_error_wins);
}
