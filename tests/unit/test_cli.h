/*
 * Shared by the unit tests of src/cli/ (tests/unit/test_cli*.c): one
 * runner, one file per area. The spellings are typed out from spec/cli.md,
 * not taken from the parser's table, so a typo in the table fails here.
 */
#ifndef SSLM_TEST_CLI_H
#define SSLM_TEST_CLI_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"

/* The request and error of the running test; reset by the fixture. */
extern struct cli_request req;
extern struct sslm_err err;

void test_cli_setup(void);
void test_cli_teardown(void);
/* Parse "sslm-mgr" followed by the NULL-terminated arguments. */
int test_cli_parse(const char *first, ...);

#define PARSE_OK(...) do { \
	int rc_ = test_cli_parse(__VA_ARGS__, (const char *)NULL); \
	ck_assert_msg(rc_ == 0, "unexpected error: %s", err.msg); \
} while (0)

#define PARSE_FAILS(expect, ...) do { \
	ck_assert_int_eq(test_cli_parse(__VA_ARGS__, (const char *)NULL), -1); \
	ck_assert_str_eq(err.msg, (expect)); \
} while (0)

#define F(f) offsetof(struct cli_request, f)
#define BOOL_AT(off) (*(const bool *)(const void *)((const char *)&req + (off)))

/* Every flag with both spellings (cli.md §3.1, §3.2): the first
 * N_REGULAR_FLAGS rows are regular options, the rest dev-only. */
struct spelling {
	const char *arg;
	const char *other;	/* the other spelling of the same option */
	size_t field;
	bool dev;
};
extern const struct spelling flags[];
extern const int n_flags;
#define N_REGULAR_FLAGS 11

/* A new TCase of the suite, with the fixture. */
TCase *test_cli_tcase(Suite *s, const char *name);

/* Each file adds its tests to the "positive" and "negative" suites. */
void test_cli_opts(Suite *pos);
void test_cli_errors(Suite *neg);
void test_cli_select(Suite *pos, Suite *neg);
void test_cli_tasks(Suite *pos);
void test_cli_help(Suite *pos);
void test_cli_oom(Suite *neg);

#endif /* SSLM_TEST_CLI_H */
