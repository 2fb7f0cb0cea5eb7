/*
 * Unit test runner of src/cli/: sslm-mgr's command line (spec/cli.md §1-§5,
 * decisions CO2, CO5, O6). The tests live in test_cli_*.c by area.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_cli.h"

#define MAX_ARGS 64

struct cli_request req;
struct sslm_err err;

const struct spelling flags[] = {
	{ "-h", "--help", F(help), false },
	{ "-v", "--verb", F(verb), false },
	{ "-f", "--force", F(force), false },
	{ "-d", "--debug", F(debug), false },
	{ "-t", "--test", F(test), false },
	{ "-n", "--dry-run", F(dry_run), false },
	{ "-s", "--status", F(status), false },
	{ "-renew", "--renew", F(renew), false },
	{ "-roll", "--roll", F(roll), false },
	{ "-dns", "--dns-refresh", F(dns_refresh), false },
	{ "-clean-all", "--clean-all", F(clean_all), false },
	{ "-keys", "--new-keys", F(keys), true },
	{ "-csr", "--new-csr", F(csr), true },
	{ "-cert", "--new-cert", F(cert), true },
	{ "-copy", "--copy-csr", F(copy), true },
	{ "-ntoc", "--next-to-curr", F(ntoc), true },
	{ "-certs-prod", "--certs-to-prod", F(certs_prod), true },
	{ "-fsr", "--force-server-restarts", F(fsr), true },
};
const int n_flags = (int)(sizeof(flags) / sizeof(flags[0]));

void
test_cli_setup(void)
{
	cli_request_init(&req);
	sslm_err_clear(&err);
}

void
test_cli_teardown(void)
{
	cli_request_clear(&req);
}

int
test_cli_parse(const char *first, ...)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"sslm-mgr";
	va_start(ap, first);
	for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
		ck_assert_int_lt(argc, MAX_ARGS);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	return cli_parse(argc, argv, &req, &err);
}

TCase *
test_cli_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, test_cli_setup, test_cli_teardown);
	suite_add_tcase(s, tc);
	return tc;
}

int
main(void)
{
	Suite *pos = suite_create("positive"), *neg = suite_create("negative");
	SRunner *sr;
	int failed;

	/* the table's regular rows come first, as test_cli.h says */
	for (int i = 0; i < n_flags; i++)
		if (flags[i].dev != (i >= N_REGULAR_FLAGS)) {
			fprintf(stderr, "test_cli: flags[] out of order at "
			    "%s\n", flags[i].arg);
			return EXIT_FAILURE;
		}
	test_cli_opts(pos);
	test_cli_select(pos, neg);
	test_cli_tasks(pos);
	test_cli_help(pos);
	test_cli_errors(neg);
	test_cli_oom(neg);
	sr = srunner_create(pos);
	srunner_add_suite(sr, neg);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
