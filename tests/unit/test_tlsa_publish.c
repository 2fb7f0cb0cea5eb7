/*
 * dns_tlsa_publish (tlsa.md §7.3 step 1): copies into [dns] tlsa_dirs,
 * directories made, times kept, every directory tried.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_tlsa.h"

#define G "example.com"
#define T ((time_t)1780000300)
#define TEXT ";;\n;; TLSA example.com : phase = normal\n;;\n" \
	"_25._tcp.example.com. 1800 IN TLSA 3 1 1 " KEY1_311 "\n\n"

static void
source(void)
{
	tt_mkdirs(tt_path("top/certs/" G));
	tt_file(tt_path("top/certs/" G "/tlsa." G), TEXT, T);
}

static void
expect_copy(const char *dir)
{
	const char *path = tt_path("%s/tlsa.example.com", dir);
	struct stat st = tt_stat(path);
	char *text = tt_slurp(path);

	ck_assert_str_eq(text, TEXT);
	ck_assert_int_eq(st.st_mtim.tv_sec, T);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 0);
	ck_assert_int_eq(st.st_atim.tv_sec, T - 1000);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert(!tt_exists(tt_path("%s/tlsa.example.com.tmp", dir)));
	free(text);
}

START_TEST(publish_dirs)
{
	static const char *const rel[] = { "dns/a", "dns/b/c", NULL };
	struct strvec dirs;
	struct sslm_err err;

	source();
	tt_mkdirs(tt_path("dns/a"));
	tt_file(tt_path("dns/a/tlsa.example.com"), "old\n", T - 5);
	strvec_init(&dirs);
	for (int i = 0; rel[i] != NULL; i++)
		ck_assert_int_eq(strvec_push(&dirs, tt_path("%s", rel[i])), 0);
	sslm_err_clear(&err);
	ck_assert_msg(dns_tlsa_publish(TOP, G, &dirs, false, &err) == 0, "%s",
	    err.msg);
	expect_copy("dns/a");
	expect_copy("dns/b/c");
	strvec_clear(&dirs);
	/* nothing to publish into: nothing to do */
	ck_assert_int_eq(dns_tlsa_publish(TOP, G, &dirs, false, &err), 0);
}
END_TEST

START_TEST(publish_debug)
{
	struct strvec dirs;
	struct sslm_err err;

	source();
	strvec_init(&dirs);
	ck_assert_int_eq(strvec_push(&dirs, tt_path("dns/x")), 0);
	ck_assert_int_eq(dns_tlsa_publish(TOP, G, &dirs, true, &err), 0);
	ck_assert(!tt_exists(tt_path("dns/x")));
	strvec_clear(&dirs);
}
END_TEST

/* A broken destination is reported, the others are still served. */
START_TEST(publish_errors)
{
	struct strvec dirs;
	struct sslm_err err;

	strvec_init(&dirs);
	ck_assert_int_eq(strvec_push(&dirs, tt_path("dns/file")), 0);
	ck_assert_int_eq(strvec_push(&dirs, tt_path("dns/good")), 0);
	ck_assert_int_eq(strvec_push(&dirs, tt_path("dns/file/sub")), 0);
	/* no source */
	sslm_err_clear(&err);
	ck_assert_int_eq(dns_tlsa_publish(TOP, G, &dirs, false, &err), -1);
	ck_assert_msg(strstr(err.msg, "certs/example.com/tlsa.example.com") !=
	    NULL, "%s", err.msg);
	source();
	tt_mkdirs(tt_path("dns"));
	tt_file(tt_path("dns/file"), "not a directory\n", T);
	sslm_err_clear(&err);
	ck_assert_int_eq(dns_tlsa_publish(TOP, G, &dirs, false, &err), -1);
	ck_assert_msg(strstr(err.msg, "dns/file") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "(and 1 more tlsa_dirs failed)") != NULL,
	    "%s", err.msg);
	expect_copy("dns/good");
	strvec_clear(&dirs);
}
END_TEST

void
add_tlsa_publish_tests(Suite *pos, Suite *neg)
{
	TCase *tc = tcase_create("publish");

	tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
	tcase_add_test(tc, publish_dirs);
	tcase_add_test(tc, publish_debug);
	suite_add_tcase(pos, tc);
	tc = tcase_create("publish errors");
	tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
	tcase_add_test(tc, publish_errors);
	suite_add_tcase(neg, tc);
}
