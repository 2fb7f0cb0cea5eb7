/* Unit tests for src/common/log.c (record format: layout.md §7). */
#include "config.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "tests/unit/test_common.h"

#define STAMP "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"

static char *tmp, *logdir, *logpath;
static mode_t old_umask;

static void
setup(void)
{
	old_umask = umask(022);
	tmp = tc_mkdtemp();
	logdir = fs_path_join(tmp, "var/log/ssl-mgr");   /* does not exist yet */
	logpath = fs_path_join(logdir, "sslm");
}

static void
teardown(void)
{
	/* The logger is global: leave it as found for the next test when
	 * tests run in one process (CK_FORK=no, valgrind). */
	log_close();
	log_set_verbose(false);
	log_set_max_size(0);
	umask(old_umask);
	tc_rmtree(tmp);
	free(logpath);
	free(logdir);
	free(tmp);
}

static void
open_log(void)
{
	struct sslm_err err;

	ck_assert_msg(log_open(logdir, "sslm", &err) == 0, "%s", err.msg);
}

/* text matches the extended regular expression re (anchored by the caller). */
static bool
matches(const char *text, const char *re)
{
	regex_t rx;
	bool ok;

	ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ok = regexec(&rx, text, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

static char *
log_text(const char *path)
{
	char *t = tc_slurp(path, NULL);

	ck_assert_msg(t != NULL, "cannot read %s", path);
	return t;
}

static off_t
size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(log_record_format)
{
	char *t;

	open_log();
	ck_assert_int_eq(tc_mode(logdir), 0750);
	log_file("hello %d", 42);
	log_file("%s", "");                     /* an empty record is allowed */
	log_file("trailing newline dropped\n");
	t = log_text(logpath);
	ck_assert_msg(matches(t, "^" STAMP "  hello 42\n" STAMP "  \n"
	    STAMP "  trailing newline dropped\n$"), "got: %s", t);
	free(t);
	ck_assert_int_eq(tc_mode(logpath), 0644);
}
END_TEST

START_TEST(log_multiline_one_record)
{
	char *t;

	open_log();
	log_file("first\nsecond\n  third");
	t = log_text(logpath);
	/* Continuation lines carry no timestamp. */
	ck_assert_msg(matches(t, "^" STAMP "  first\nsecond\n  third\n$"),
	    "got: %s", t);
	free(t);
}
END_TEST

START_TEST(log_appends_across_opens)
{
	char *t;

	open_log();
	log_file("one");
	log_close();
	log_close();                            /* twice is harmless */
	open_log();
	open_log();                             /* reopen closes the first */
	log_file("two");
	t = log_text(logpath);
	ck_assert_msg(matches(t, "^" STAMP "  one\n" STAMP "  two\n$"), "got: %s", t);
	free(t);
}
END_TEST

START_TEST(log_classes)
{
	char *out = fs_path_join(tmp, "stdout"), *errp = fs_path_join(tmp, "stderr");
	char *t;
	int so, se;

	open_log();
	so = tc_redirect_fd(1, out);
	se = tc_redirect_fd(2, errp);
	log_file("file only");
	log_msg("to stdout %s", "too");
	log_verb("quiet verbose");
	log_set_verbose(true);
	ck_assert(log_is_verbose());
	log_verb("loud verbose");
	log_warn("careful\nsecond line");
	log_error("broken");
	log_write(LOG_MSG, "via %s", "log_write");
	tc_restore_fd(2, se);
	tc_restore_fd(1, so);

	t = log_text(out);
	ck_assert_str_eq(t, "to stdout too\nloud verbose\nvia log_write\n");
	free(t);
	t = log_text(errp);
	ck_assert_str_eq(t, "warning: careful\nsecond line\nerror: broken\n");
	free(t);
	t = log_text(logpath);
	ck_assert_msg(matches(t, "^" STAMP "  file only\n"
	    STAMP "  to stdout too\n"
	    STAMP "  quiet verbose\n"
	    STAMP "  loud verbose\n"
	    STAMP "  warning: careful\nsecond line\n"
	    STAMP "  error: broken\n"
	    STAMP "  via log_write\n$"), "got: %s", t);
	free(t);
	free(out);
	free(errp);
}
END_TEST

START_TEST(log_without_file)
{
	char *out = fs_path_join(tmp, "stdout"), *errp = fs_path_join(tmp, "stderr");
	char *t;
	int so, se;

	so = tc_redirect_fd(1, out);
	se = tc_redirect_fd(2, errp);
	log_file("dropped");
	log_msg("still shown");
	log_error("still reported");
	tc_restore_fd(2, se);
	tc_restore_fd(1, so);
	t = log_text(out);
	ck_assert_str_eq(t, "still shown\n");
	free(t);
	t = log_text(errp);
	ck_assert_str_eq(t, "error: still reported\n");
	free(t);
	ck_assert(!fs_is_dir(logdir));
	free(out);
	free(errp);
}
END_TEST

/* Record n is "STAMP  record NNN xxxxxxxxxxxxxxxxxxxxxxxxxx" = 19+2+28+1 = 50
 * bytes, so with a 300-byte limit six records fill a file exactly. */
#define REC_LEN 50

static void
write_records(int first, int count)
{
	for (int i = first; i < first + count; i++)
		log_file("record %03d xxxxxxxxxxxxxxxxx", i);
}

START_TEST(log_rotation)
{
	char *path, *all = NULL, *t;
	int expect;

	log_set_max_size(300);
	open_log();
	write_records(0, 6);
	ck_assert_int_eq(size_of(logpath), 300);        /* exactly full: no rotation */
	path = str_printf("%s.1", logpath);
	ck_assert_int_eq(size_of(path), -1);
	write_records(6, 1);                            /* would exceed: rotate first */
	ck_assert_int_eq(size_of(path), 300);
	ck_assert_int_eq(size_of(logpath), REC_LEN);
	free(path);

	/* Many more: only LOG_BACKUPS old files survive, in order. */
	write_records(7, 60);
	for (int k = 1; k <= LOG_BACKUPS + 1; k++) {
		path = str_printf("%s.%d", logpath, k);
		if (k <= LOG_BACKUPS)
			ck_assert_int_eq(size_of(path), 300);
		else
			ck_assert_int_eq(size_of(path), -1);
		free(path);
	}
	ck_assert_int_le(size_of(logpath), 300);
	/* Oldest to newest: .4 .3 .2 .1 current holds consecutive records
	 * ending with the last one written. */
	all = strdup("");
	for (int k = LOG_BACKUPS; k >= 0; k--) {
		char *joined;

		path = k == 0 ? strdup(logpath) : str_printf("%s.%d", logpath, k);
		t = log_text(path);
		joined = str_printf("%s%s", all, t);
		free(all);
		free(t);
		free(path);
		all = joined;
	}
	expect = 66 - (int)(strlen(all) / REC_LEN) + 1;
	for (char *line = all; *line != '\0'; expect++) {
		char want[32];

		snprintf(want, sizeof(want), "record %03d ", expect);
		ck_assert_msg(strncmp(line + 21, want, strlen(want)) == 0,
		    "expected %s at: %.40s", want, line);
		line = strchr(line, '\n') + 1;
	}
	ck_assert_int_eq(expect, 67);
	free(all);
}
END_TEST

START_TEST(log_rotation_giant_record)
{
	char *big, *path;

	/* A record larger than the limit goes into an empty file whole,
	 * rather than rotating empty files. */
	log_set_max_size(100);
	open_log();
	big = malloc(500);
	memset(big, 'z', 499);
	big[499] = '\0';
	log_file("%s", big);
	ck_assert_int_eq(size_of(logpath), 19 + 2 + 499 + 1);
	path = str_printf("%s.1", logpath);
	ck_assert_int_eq(size_of(path), -1);
	log_file("next");
	ck_assert_int_eq(size_of(path), 19 + 2 + 499 + 1);
	free(path);
	free(big);
}
END_TEST

/* Four processes (as sslm-mgr and certbot hooks would) append to the same
 * file with rotation on: no record may be lost, duplicated or torn, and no
 * file may be rotated twice (a twice-rotated file would be short). */
#define WRITERS 4
#define PER_WRITER 50
#define CONC_MAX 3000

START_TEST(log_rotation_concurrent)
{
	pid_t kids[WRITERS];
	int seen[WRITERS][PER_WRITER];
	char *path;

	memset(seen, 0, sizeof(seen));
	for (int w = 0; w < WRITERS; w++) {
		kids[w] = fork();
		ck_assert_int_ne(kids[w], -1);
		if (kids[w] == 0) {
			struct sslm_err err;

			/* Each writer opens the file itself, like a separate program. */
			log_set_max_size(CONC_MAX);
			if (log_open(logdir, "sslm", &err) == -1)
				_exit(1);
			for (int i = 0; i < PER_WRITER; i++)
				log_file("writer %d record %03d yyyyyyyyyyyyyyyy", w, i);
			log_close();
			_exit(0);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		int st;

		ck_assert_int_eq(waitpid(kids[w], &st, 0), kids[w]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	for (int k = 0; k <= LOG_BACKUPS + 1; k++) {
		char *t, *line;

		path = k == 0 ? strdup(logpath) : str_printf("%s.%d", logpath, k);
		if (k == LOG_BACKUPS + 1) {
			ck_assert_int_eq(size_of(path), -1);
			free(path);
			break;
		}
		if (size_of(path) == -1) {
			free(path);
			continue;
		}
		/* Rotated files were full: no second rotation emptied one. */
		if (k > 0)
			ck_assert_int_gt(size_of(path), CONC_MAX - 60);
		t = log_text(path);
		for (line = t; *line != '\0'; line = strchr(line, '\n') + 1) {
			int w, i;

			ck_assert_msg(sscanf(line + 21, "writer %d record %d", &w, &i) == 2,
			    "torn record: %.60s", line);
			ck_assert(w >= 0 && w < WRITERS && i >= 0 && i < PER_WRITER);
			seen[w][i]++;
		}
		free(t);
		free(path);
	}
	for (int w = 0; w < WRITERS; w++)
		for (int i = 0; i < PER_WRITER; i++)
			ck_assert_msg(seen[w][i] == 1, "writer %d record %d seen %d times",
			    w, i, seen[w][i]);
}
END_TEST

START_TEST(log_follows_rotation_by_other)
{
	char *moved = str_printf("%s.1", logpath), *t;

	open_log();
	log_file("before");
	/* Another process rotated and already started the new file: our
	 * next record goes to the new file, not to the one we had open. */
	ck_assert_int_eq(rename(logpath, moved), 0);
	tc_spit(logpath, "");
	log_file("after");
	t = log_text(logpath);
	ck_assert_msg(matches(t, "^" STAMP "  after\n$"), "got: %s", t);
	free(t);
	t = log_text(moved);
	ck_assert_msg(matches(t, "^" STAMP "  before\n$"), "got: %s", t);
	free(t);
	/* Removed altogether: recreated. */
	ck_assert_int_eq(unlink(logpath), 0);
	log_file("again");
	t = log_text(logpath);
	ck_assert_msg(matches(t, "^" STAMP "  again\n$"), "got: %s", t);
	free(t);
	free(moved);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(log_open_dir_is_file)
{
	struct sslm_err err;
	char *file = fs_path_join(tmp, "notadir");

	tc_spit(file, "x");
	ck_assert_int_eq(log_open(file, "sslm", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, file));
	free(file);
}
END_TEST

START_TEST(log_open_name_is_dir)
{
	struct sslm_err err;

	ck_assert_int_eq(fs_mkdir_p(logpath, 0755, &err), 0);
	ck_assert_int_eq(log_open(logdir, "sslm", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, logpath));
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot open log file"));
}
END_TEST

Suite *
common_log_suite(void)
{
	Suite *s = suite_create("common_log");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_set_timeout(pos, 30);
	tcase_add_test(pos, log_record_format);
	tcase_add_test(pos, log_multiline_one_record);
	tcase_add_test(pos, log_appends_across_opens);
	tcase_add_test(pos, log_classes);
	tcase_add_test(pos, log_without_file);
	tcase_add_test(pos, log_rotation);
	tcase_add_test(pos, log_rotation_giant_record);
	tcase_add_test(pos, log_rotation_concurrent);
	tcase_add_test(pos, log_follows_rotation_by_other);
	tcase_add_test(neg, log_open_dir_is_file);
	tcase_add_test(neg, log_open_name_is_dir);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
