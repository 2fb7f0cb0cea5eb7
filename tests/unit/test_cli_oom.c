/*
 * Unit tests of src/cli/: every allocation failure is reported as "out of
 * memory" and leaks nothing. The test program is linked with
 * -Wl,--wrap=realloc,--wrap=strdup,--wrap=strndup (src/cli/local.mk), so
 * those calls from libsslm and the tests land in the wrappers below, which
 * fail the n-th call when armed.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "test_cli.h"

void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static int fail_in = -1;	/* calls left before the failing one; -1 off */

static bool
fail_now(void)
{
	if (fail_in < 0)
		return false;
	return fail_in-- == 0;
}

void *
__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

/* Fail each allocation of a parse in turn, until the parse needs no more. */
START_TEST(oom_parse)
{
	char *argv[] = { "sslm-mgr", "a:x,y", "b", "a:z", "c:ALL,w", "d:",
	    NULL };
	int n, rc;

	for (n = 0; n < 100; n++) {
		/* armed around cli_parse() only: Check's own calls (it may be
		 * linked statically) must not take the failure */
		fail_in = n;
		rc = cli_parse(6, argv, &req, &err);
		fail_in = -1;
		if (rc == 0)
			break;
		ck_assert_str_eq(err.msg, "out of memory");
		cli_request_clear(&req);
	}
	/* group strndup/strdup, sel realloc, service strndup, strvec realloc */
	ck_assert_int_ge(n, 5);
	ck_assert_int_lt(n, 100);
	ck_assert_uint_eq(req.n_sel, 4);
}
END_TEST

START_TEST(oom_warnings)
{
	struct strvec w;
	int n, rc;

	/* all four warnings of cli.md §5.1 at once */
	PARSE_OK("dev", "-renew", "-r", "-keys", "-cert", "-roll", "-ntoc");
	strvec_init(&w);
	for (n = 0; n < 100; n++) {
		fail_in = n;
		rc = cli_task_warnings(&req, &w);
		fail_in = -1;
		strvec_clear(&w);
		if (rc >= 0)
			break;
		ck_assert_int_eq(rc, -1);
	}
	ck_assert_int_eq(rc, 4);
	ck_assert_int_ge(n, 4);
}
END_TEST

void
test_cli_oom(Suite *neg)
{
	TCase *tc = test_cli_tcase(neg, "out of memory");

	tcase_add_test(tc, oom_parse);
	tcase_add_test(tc, oom_warnings);
}
