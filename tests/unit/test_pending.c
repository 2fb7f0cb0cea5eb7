/*
 * Unit tests of the pending-work file (src/mgr/pending.c, layout.md §10):
 * round trip, merge rules, sanitizing, bad lines, removal when empty, mode.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "mgr/pending.h"

static char *top;

static void
setup(void)
{
	const char *base = getenv("TMPDIR");

	top = str_printf("%s/sslm-test-pending.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert_ptr_nonnull(top);
	ck_assert_ptr_nonnull(mkdtemp(top));
}

static void
teardown(void)
{
	char *p = str_printf("%s/.sslm-pending", top);

	(void)unlink(p);
	(void)rmdir(top);
	free(p);
	free(top);
}

static char *
path_of(void)
{
	return str_printf("%s/.sslm-pending", top);
}

static void
write_file(const char *text)
{
	char *p = path_of();
	FILE *fp = fopen(p, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

static char *
read_back(void)
{
	char *p = path_of(), *data = NULL;
	size_t len;
	struct sslm_err err;

	ck_assert_int_eq(fs_read_file(p, 1 << 20, &data, &len, &err), 0);
	free(p);
	return data;
}

START_TEST(round_trip)
{
	struct pending_list a, b;
	struct sslm_err err;
	struct strvec w;
	struct stat st;
	char *p = path_of(), *text;

	pending_list_init(&a);
	pending_list_init(&b);
	strvec_init(&w);
	ck_assert_int_eq(pending_add(&a, 100, PENDING_COPY, "mail.test",
	    "/srv/prod", "connect: refused"), 0);
	ck_assert_int_eq(pending_add(&a, 101, PENDING_RESTART, "smtp:mail.test",
	    "", "not restarted: the copy failed"), 0);
	ck_assert_int_eq(pending_add(&a, 102, PENDING_DNS_REFRESH, "a.test,b.test",
	    "", "skipped"), 0);
	ck_assert_int_eq(pending_save(top, &a, &err), 0);
	ck_assert_int_eq(stat(p, &st), 0);
	{
		mode_t um = umask(022);

		umask(um);
		ck_assert_int_eq(st.st_mode & 0777, 0640 & ~um);
	}
	text = read_back();
	ck_assert_str_eq(text, "# sslm-mgr pending work v1\n"
	    "100\tcopy\tmail.test\t/srv/prod\tconnect: refused\n"
	    "101\trestart\tsmtp:mail.test\t\tnot restarted: the copy failed\n"
	    "102\tdns-refresh\ta.test,b.test\t\tskipped\n");
	free(text);
	ck_assert_int_eq(pending_load(top, &b, &w, &err), 0);
	ck_assert_uint_eq(w.n, 0);
	ck_assert_uint_eq(b.n, 3);
	ck_assert_int_eq(b.v[1].kind, PENDING_RESTART);
	ck_assert_str_eq(b.v[1].target, "smtp:mail.test");
	ck_assert_str_eq(b.v[1].detail, "");
	ck_assert_int_eq((int)b.v[2].time, 102);
	ck_assert_str_eq(b.v[0].error, "connect: refused");
	ck_assert_str_eq(pending_kind_name(b.v[2].kind), "dns-refresh");
	pending_list_clear(&a);
	pending_list_clear(&b);
	strvec_clear(&w);
	free(p);
}
END_TEST

START_TEST(merge_rules)
{
	struct pending_list pl;

	pending_list_init(&pl);
	ck_assert_int_eq(pending_add(&pl, 10, PENDING_COPY, "h", "/p", "old"), 0);
	ck_assert_int_eq(pending_add(&pl, 20, PENDING_COPY, "h", "/p", "new"), 0);
	/* another detail (a -t run's production) is another item */
	ck_assert_int_eq(pending_add(&pl, 20, PENDING_COPY, "h", "/p.test", "t"), 0);
	ck_assert_uint_eq(pl.n, 2);
	ck_assert_str_eq(pl.v[0].error, "new");
	ck_assert_int_eq((int)pl.v[0].time, 20);
	/* an older report does not replace a newer one */
	ck_assert_int_eq(pending_add(&pl, 5, PENDING_COPY, "h", "/p", "older"), 0);
	ck_assert_str_eq(pl.v[0].error, "new");
	/* every refresh merges into one, domains united in first-seen order */
	ck_assert_int_eq(pending_add(&pl, 30, PENDING_DNS_REFRESH, "b.test,a.test", "", "e1"), 0);
	ck_assert_int_eq(pending_add(&pl, 31, PENDING_DNS_REFRESH, "a.test,c.test,,c.test", "", "e2"), 0);
	ck_assert_int_eq(pending_add(&pl, 32, PENDING_DNS_REFRESH, "", "", "e3"), 0);
	ck_assert_uint_eq(pl.n, 3);
	ck_assert_str_eq(pl.v[2].target, "b.test,a.test,c.test");
	ck_assert_str_eq(pl.v[2].error, "e3");
	ck_assert_int_eq(pending_find(&pl, PENDING_COPY, "h", "/p.test"), 1);
	ck_assert_int_eq(pending_find(&pl, PENDING_COPY, "h", NULL), 0);
	ck_assert_int_eq(pending_find(&pl, PENDING_RESTART, "h", NULL), -1);
	pending_remove(&pl, 0);
	ck_assert_uint_eq(pl.n, 2);
	ck_assert_str_eq(pl.v[0].detail, "/p.test");
	pending_remove(&pl, 7);		/* out of range: nothing */
	ck_assert_uint_eq(pl.n, 2);
	pending_list_clear(&pl);
}
END_TEST

START_TEST(separators_never_leak)
{
	struct pending_list pl, back;
	struct sslm_err err;

	pending_list_init(&pl);
	pending_list_init(&back);
	ck_assert_int_eq(pending_add(&pl, 1, PENDING_RESTART, "smtp:h", "",
	    "line one\nline\ttwo\r"), 0);
	ck_assert_str_eq(pl.v[0].error, "line one line two ");
	ck_assert_int_eq(pending_save(top, &pl, &err), 0);
	ck_assert_int_eq(pending_load(top, &back, NULL, &err), 0);
	ck_assert_uint_eq(back.n, 1);
	ck_assert_str_eq(back.v[0].error, "line one line two ");
	pending_list_clear(&pl);
	pending_list_clear(&back);
}
END_TEST

START_TEST(bad_lines_are_named)
{
	struct pending_list pl;
	struct strvec w;
	struct sslm_err err;

	pending_list_init(&pl);
	strvec_init(&w);
	write_file("# sslm-mgr pending work v1\r\n"
	    "# a comment\n"
	    "\n"
	    "12\tcopy\thost\t/p\tok line with CRLF\r\n"
	    "nonsense\n"
	    "x\tcopy\th\t/p\te\n"
	    "1\treboot\th\t\te\n"
	    "1\trestart\t\t\te\n"
	    "1\tcopy\th\t/p\te\textra\n");
	ck_assert_int_eq(pending_load(top, &pl, &w, &err), 0);
	ck_assert_uint_eq(pl.n, 1);
	ck_assert_str_eq(pl.v[0].error, "ok line with CRLF");
	ck_assert_uint_eq(w.n, 5);
	ck_assert_ptr_nonnull(strstr(w.v[0], "/.sslm-pending:5: "));
	ck_assert_ptr_nonnull(strstr(w.v[1], ":6: the time"));
	ck_assert_ptr_nonnull(strstr(w.v[2], ":7: unknown kind"));
	ck_assert_ptr_nonnull(strstr(w.v[3], ":8: empty target"));
	ck_assert_ptr_nonnull(strstr(w.v[4], ":9: more than 5"));
	ck_assert_ptr_nonnull(strstr(w.v[4], "(kept, not retried"));
	ck_assert_ptr_nonnull(strstr(w.v[0], "'nonsense'"));
	/* what cannot be read is kept verbatim and written back */
	ck_assert_uint_eq(pl.unparsed.n, 5);
	ck_assert_str_eq(pl.unparsed.v[4], "1\tcopy\th\t/p\te\textra");
	pending_remove(&pl, 0);
	ck_assert_int_eq(pending_save(top, &pl, &err), 0);
	{
		char *text = read_back();

		ck_assert_str_eq(text, "# sslm-mgr pending work v1\nnonsense\n"
		    "x\tcopy\th\t/p\te\n1\treboot\th\t\te\n1\trestart\t\t\te\n"
		    "1\tcopy\th\t/p\te\textra\n");
		free(text);
	}
	pending_list_clear(&pl);
	strvec_clear(&w);
}
END_TEST

/* Another version's file is neither read nor overwritten nor removed: a
 * downgrade must not lose the work it records. */
START_TEST(newer_version_is_left_alone)
{
	static const char v2[] = "# sslm-mgr pending work v2\n"
	    "1\tcopy\th\t/p\te\textra\tfields\n";
	struct pending_list pl;
	struct strvec w;
	struct sslm_err err;
	char *text;

	pending_list_init(&pl);
	strvec_init(&w);
	write_file(v2);
	ck_assert_int_eq(pending_load(top, &pl, &w, &err), 0);
	ck_assert_uint_eq(pl.n, 0);
	ck_assert_uint_eq(pl.unparsed.n, 0);
	ck_assert_uint_eq(w.n, 1);
	ck_assert_ptr_nonnull(strstr(w.v[0], "/.sslm-pending:1: "));
	ck_assert_ptr_nonnull(strstr(w.v[0], "another version"));
	ck_assert_ptr_nonnull(strstr(w.v[0], "\"# sslm-mgr pending work v2\""));
	/* nothing owed by this run: the file stays, no error */
	ck_assert_int_eq(pending_save(top, &pl, &err), 0);
	text = read_back();
	ck_assert_str_eq(text, v2);
	free(text);
	/* work owed by this run: refused with the reason, file unchanged */
	ck_assert_int_eq(pending_add(&pl, 5, PENDING_COPY, "h", "/p", "e"), 0);
	sslm_err_clear(&err);
	ck_assert_int_eq(pending_save(top, &pl, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, ".sslm-pending was written by "
	    "another version"));
	ck_assert_ptr_nonnull(strstr(err.msg, "not overwritten"));
	text = read_back();
	ck_assert_str_eq(text, v2);
	free(text);
	/* a header of ours with CRLF, or no header at all, is read */
	write_file("# sslm-mgr pending work v1\r\n3\tcopy\th\t/p\te\n");
	pending_list_clear(&pl);
	ck_assert_int_eq(pending_load(top, &pl, NULL, &err), 0);
	ck_assert_uint_eq(pl.n, 1);
	write_file("4\trestart\tweb:h\t\te\n");
	pending_list_clear(&pl);
	ck_assert_int_eq(pending_load(top, &pl, NULL, &err), 0);
	ck_assert_uint_eq(pl.n, 1);
	ck_assert_int_eq(pl.v[0].kind, PENDING_RESTART);
	pending_list_clear(&pl);
	strvec_clear(&w);
}
END_TEST

/* A file that only has the header (or nothing) is an empty list; bad
 * lines are found without a warnings vector too; repeated lines merge. */
START_TEST(empty_files_and_no_warnings)
{
	struct pending_list pl;
	struct sslm_err err;

	pending_list_init(&pl);
	write_file("");
	ck_assert_int_eq(pending_load(top, &pl, NULL, &err), 0);
	ck_assert_uint_eq(pl.n + pl.unparsed.n, 0);
	write_file("# sslm-mgr pending work v1\n# only comments\n\n");
	ck_assert_int_eq(pending_load(top, &pl, NULL, &err), 0);
	ck_assert_uint_eq(pl.n + pl.unparsed.n, 0);
	write_file("# sslm-mgr pending work v1\n-1\tcopy\th\t/p\te\n"
	    "2\tcopy\th\t/p\te");		/* no final newline */
	ck_assert_int_eq(pending_load(top, &pl, NULL, &err), 0);
	ck_assert_uint_eq(pl.n, 1);
	ck_assert_int_eq((int)pl.v[0].time, 2);
	ck_assert_uint_eq(pl.unparsed.n, 1);
	ck_assert_str_eq(pl.unparsed.v[0], "-1\tcopy\th\t/p\te");
	pending_list_clear(&pl);
	/* repeated items in the file merge as pending_add does */
	write_file("# sslm-mgr pending work v1\n9\tcopy\th\t/p\tnew\n"
	    "3\tcopy\th\t/p\told\n1\tdns-refresh\ta,b\t\tx\n"
	    "2\tdns-refresh\tc,a\t\ty\n");
	ck_assert_int_eq(pending_load(top, &pl, NULL, &err), 0);
	ck_assert_uint_eq(pl.n, 2);
	ck_assert_str_eq(pl.v[0].error, "new");
	ck_assert_int_eq((int)pl.v[0].time, 9);
	ck_assert_str_eq(pl.v[1].target, "a,b,c");
	ck_assert_str_eq(pl.v[1].error, "y");
	pending_list_clear(&pl);
}
END_TEST

START_TEST(missing_empty_and_unreadable)
{
	struct pending_list pl;
	struct sslm_err err;
	char *p = path_of(), *sub;

	pending_list_init(&pl);
	ck_assert_int_eq(pending_load(top, &pl, NULL, &err), 0);
	ck_assert_uint_eq(pl.n, 0);
	/* an empty list removes the file; removing a missing one is fine */
	write_file("# sslm-mgr pending work v1\n");
	ck_assert_int_eq(pending_save(top, &pl, &err), 0);
	ck_assert_int_ne(access(p, F_OK), 0);
	ck_assert_int_eq(pending_save(top, &pl, &err), 0);
	/* a directory in its place cannot be read: an error naming it */
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(pending_load(top, &pl, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, ".sslm-pending"));
	ck_assert_int_eq(rmdir(p), 0);
	/* a top dir that does not exist: nothing pending */
	sub = str_printf("%s/none", top);
	ck_assert_int_eq(pending_load(sub, &pl, NULL, &err), 0);
	free(sub);
	free(p);
	pending_list_clear(&pl);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pending");
	TCase *tc = tcase_create("file");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, merge_rules);
	tcase_add_test(tc, separators_never_leak);
	tcase_add_test(tc, bad_lines_are_named);
	tcase_add_test(tc, newer_version_is_left_alone);
	tcase_add_test(tc, empty_files_and_no_warnings);
	tcase_add_test(tc, missing_empty_and_unreadable);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
