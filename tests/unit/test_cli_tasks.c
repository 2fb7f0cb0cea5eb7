/*
 * Unit tests of src/cli/: status-only runs, actions, the task table and its
 * warnings (cli.md §5.1, §7.1).
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "test_cli.h"

START_TEST(status_only)
{
	PARSE_OK("-s");
	ck_assert(cli_is_status_only(&req));
	ck_assert(!cli_has_action(&req));
	cli_request_clear(&req);
	/* modifiers and -roll-mins are not actions */
	PARSE_OK("-svfdtn", "-roll-mins", "3", "g:a");
	ck_assert(cli_is_status_only(&req));
	cli_request_clear(&req);
	PARSE_OK("dev", "-s");
	ck_assert(cli_is_status_only(&req));
	cli_request_clear(&req);
	/* no -s: not a status run even without actions */
	PARSE_OK("-v");
	ck_assert(!cli_is_status_only(&req));
}
END_TEST

/* loop over the actions of cli.md §7.1, each with and without -s */
static const char *const actions[][3] = {
	{ "-renew", NULL }, { "--roll", NULL }, { "-dns", NULL },
	{ "-clean-keep", "5" }, { "--clean-keep=0", NULL },
	{ "-clean-all", NULL },
	{ "dev", "-keys" }, { "dev", "--new-csr" }, { "dev", "-cert" },
	{ "dev", "-copy" }, { "dev", "-ntoc" }, { "dev", "-certs-prod" },
	{ "dev", "--force-server-restarts" },
};
#define N_ACTIONS ((int)(sizeof(actions) / sizeof(actions[0])))

START_TEST(each_action)
{
	const char *const *a = actions[_i];

	if (str_eq(a[0], "dev"))
		PARSE_OK("dev", "-s", a[1]);
	else
		PARSE_OK("-s", a[0], a[1]);
	ck_assert(cli_has_action(&req));
	ck_assert(!cli_is_status_only(&req));
	cli_request_clear(&req);
	PARSE_OK(a[0], a[1]);
	ck_assert(cli_has_action(&req));
	ck_assert(!cli_is_status_only(&req));
}
END_TEST

enum {
	T_STATUS = 1 << 0, T_REUSE = 1 << 1, T_KEYS = 1 << 2,
	T_COPY = 1 << 3, T_CSR = 1 << 4, T_CERT = 1 << 5,
	T_RENEW = 1 << 6, T_NEXT = 1 << 7, T_NTOC = 1 << 8,
	T_ROLL = 1 << 9, T_PROD = 1 << 10, T_FSR = 1 << 11,
};

static unsigned
task_mask(const struct cli_tasks *t)
{
	return (t->status ? T_STATUS : 0) | (t->reuse ? T_REUSE : 0) |
	    (t->new_keys ? T_KEYS : 0) | (t->copy_curr_to_next ? T_COPY : 0) |
	    (t->new_csr ? T_CSR : 0) | (t->new_cert ? T_CERT : 0) |
	    (t->renew_cert ? T_RENEW : 0) | (t->new_next ? T_NEXT : 0) |
	    (t->next_to_curr ? T_NTOC : 0) | (t->roll_next_to_curr ? T_ROLL : 0) |
	    (t->certs_prod ? T_PROD : 0) | (t->force_restarts ? T_FSR : 0);
}

/* Rows of cli.md §5.1 (and §5.3's C rule for dev -copy). */
static const struct {
	const char *args[5];
	unsigned tasks;
} task_rows[] = {
	{ { NULL }, 0 },
	{ { "-s" }, T_STATUS },
	{ { "-renew" }, T_KEYS | T_CSR | T_RENEW | T_NEXT },
	{ { "-renew", "-r" }, T_REUSE | T_COPY | T_CSR | T_RENEW | T_NEXT },
	{ { "-renew", "-f" }, T_KEYS | T_CSR | T_CERT | T_NEXT },
	{ { "-renew", "-rf" }, T_REUSE | T_COPY | T_CSR | T_CERT | T_NEXT },
	{ { "-roll" }, T_ROLL },
	{ { "-roll", "-f" }, T_NTOC },
	{ { "-renew", "-roll", "-f" },
	    T_KEYS | T_CSR | T_CERT | T_NEXT | T_NTOC },
	{ { "dev", "-keys" }, T_KEYS | T_NEXT },
	{ { "dev", "-csr" }, T_CSR | T_NEXT },
	{ { "dev", "-cert" }, T_CERT | T_NEXT },
	{ { "dev", "-keys", "-csr", "-cert" },
	    T_KEYS | T_CSR | T_CERT | T_NEXT },
	{ { "dev", "-copy" }, T_REUSE | T_COPY | T_NEXT },
	{ { "dev", "-copy", "-csr", "-cert" },
	    T_REUSE | T_COPY | T_CSR | T_CERT | T_NEXT },
	{ { "dev", "-ntoc" }, T_NTOC },
	{ { "dev", "-certs-prod" }, T_PROD },
	{ { "dev", "-fsr" }, T_FSR },
	{ { "dev", "-renew", "-r", "-keys" },
	    T_REUSE | T_KEYS | T_COPY | T_CSR | T_RENEW | T_NEXT },
	{ { "-s", "-f", "-v" }, T_STATUS },
};
#define N_TASK_ROWS ((int)(sizeof(task_rows) / sizeof(task_rows[0])))

START_TEST(task_table)
{
	const char *const *a = task_rows[_i].args;
	struct cli_tasks t;

	PARSE_OK(a[0], a[1], a[2], a[3], a[4]);
	cli_tasks_derive(&req, &t);
	ck_assert_msg(task_mask(&t) == task_rows[_i].tasks,
	    "row %d: got 0x%x want 0x%x", _i, task_mask(&t),
	    task_rows[_i].tasks);
}
END_TEST

static void
assert_warnings(const char *want_prefix)
{
	struct strvec w;
	int n;

	strvec_init(&w);
	n = cli_task_warnings(&req, &w);
	if (want_prefix == NULL) {
		ck_assert_int_eq(n, 0);
		ck_assert_uint_eq(w.n, 0);
	} else {
		ck_assert_int_eq(n, 1);
		ck_assert_uint_eq(w.n, 1);
		ck_assert_msg(str_has_prefix(w.v[0], want_prefix), "got '%s'",
		    w.v[0]);
	}
	strvec_clear(&w);
}

START_TEST(task_warnings)
{
	PARSE_OK("-renew", "-roll");
	assert_warnings("renew and roll in one run");
	cli_request_clear(&req);
	PARSE_OK("-renew", "-roll", "-f");
	assert_warnings("renew and next-to-curr in one run");
	cli_request_clear(&req);
	PARSE_OK("dev", "-renew", "-ntoc");
	assert_warnings("renew and next-to-curr in one run");
	cli_request_clear(&req);
	PARSE_OK("dev", "-renew", "-r", "-keys");
	assert_warnings("reuse and new keys in one run");
	cli_request_clear(&req);
	PARSE_OK("dev", "-copy", "-keys");
	assert_warnings("reuse and new keys in one run");
	cli_request_clear(&req);
	PARSE_OK("dev", "-renew", "-cert");
	assert_warnings("new cert and renew in one run");
	cli_request_clear(&req);
	/* ordinary runs: nothing */
	PARSE_OK("-renew");
	assert_warnings(NULL);
	cli_request_clear(&req);
	PARSE_OK("-roll", "-f");
	assert_warnings(NULL);
	cli_request_clear(&req);
	PARSE_OK("dev", "-keys", "-csr", "-cert");
	assert_warnings(NULL);
}
END_TEST

START_TEST(task_warnings_many)
{
	struct strvec w;

	/* warnings are appended after what out already holds */
	strvec_init(&w);
	ck_assert_int_eq(strvec_push(&w, "earlier"), 0);
	PARSE_OK("dev", "-renew", "-r", "-keys", "-cert", "-roll");
	ck_assert_int_eq(cli_task_warnings(&req, &w), 3);
	ck_assert_uint_eq(w.n, 4);
	ck_assert_str_eq(w.v[0], "earlier");
	ck_assert(str_has_prefix(w.v[1], "renew and roll"));
	ck_assert(str_has_prefix(w.v[2], "reuse and new keys"));
	ck_assert(str_has_prefix(w.v[3], "new cert and renew"));
	strvec_clear(&w);
}

void
test_cli_tasks(Suite *pos)
{
	TCase *tc = test_cli_tcase(pos, "tasks");

	tcase_add_test(tc, status_only);
	tcase_add_loop_test(tc, each_action, 0, N_ACTIONS);
	tcase_add_loop_test(tc, task_table, 0, N_TASK_ROWS);
	tcase_add_test(tc, task_warnings);
	tcase_add_test(tc, task_warnings_many);
}
