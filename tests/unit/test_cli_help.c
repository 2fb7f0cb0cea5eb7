/* Unit tests of src/cli/: -h text and man page agree with the parser. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_cli.h"

static char *
usage_text(enum cli_mode mode)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	cli_usage(fp, mode);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

static void
assert_lines_fit(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		ck_assert_msg(len <= 79, "line too long: %.*s", (int)len, p);
		p += len + (nl != NULL);
	}
}

START_TEST(usage_lists_options)
{
	char *reg = usage_text(CLI_REGULAR), *dev = usage_text(CLI_DEV);
	char label[80];

	for (int i = 0; i < n_flags; i++) {
		snprintf(label, sizeof(label), "%s, %s", flags[i].arg,
		    flags[i].other);
		ck_assert_msg(strstr(dev, label) != NULL, "dev: %s", label);
		ck_assert_msg((strstr(reg, label) != NULL) == !flags[i].dev,
		    "regular: %s", label);
	}
	ck_assert_ptr_nonnull(strstr(reg, "-r, --reuse"));
	ck_assert_ptr_nonnull(strstr(reg, "-roll-mins, --min-roll-mins MINS"));
	ck_assert_ptr_nonnull(strstr(reg, "-clean-keep, --clean-keep N"));
	ck_assert_ptr_nonnull(strstr(reg, "    --json "));
	ck_assert_ptr_nonnull(strstr(reg, "usage: sslm-mgr [options]"));
	ck_assert_ptr_nonnull(strstr(dev, "usage: sslm-mgr dev [options]"));
	ck_assert_ptr_nonnull(strstr(reg, "GROUP:SVC[,SVC...]"));
	ck_assert_ptr_nonnull(strstr(reg, "  75  "));
	ck_assert_ptr_nonnull(strstr(dev, "  75  "));
	assert_lines_fit(reg);
	assert_lines_fit(dev);
	free(reg);
	free(dev);
}
END_TEST

/* Every spelling appears in docs/sslm-mgr.8 (roff writes '-' as '\-'). */
START_TEST(man_page_lists_options)
{
	const char *srcdir = getenv("SSLM_SRCDIR");
	char *path = NULL, *text = NULL, want[80];
	size_t len = 0;
	FILE *fp;

	if (srcdir == NULL)
		srcdir = ".";
	path = str_printf("%s/docs/sslm-mgr.8", srcdir);
	ck_assert_ptr_nonnull(path);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	text = calloc(1, 1 << 16);
	ck_assert_ptr_nonnull(text);
	len = fread(text, 1, (1 << 16) - 1, fp);
	ck_assert_uint_gt(len, 0);
	fclose(fp);
	for (int i = 0; i < n_flags; i++) {
		const char *names[2] = { flags[i].arg, flags[i].other };

		for (int k = 0; k < 2; k++) {
			size_t o = 0;

			for (const char *p = names[k]; *p != '\0'; p++) {
				if (*p == '-')
					want[o++] = '\\';
				want[o++] = *p;
			}
			snprintf(want + o, sizeof(want) - o, "\\fR");
			ck_assert_msg(strstr(text, want) != NULL,
			    "%s lacks %s", path, want);
		}
	}
	ck_assert_ptr_nonnull(strstr(text, "\\-\\-json\\fR"));
	ck_assert_ptr_nonnull(strstr(text, "\\-r\\fR"));
	ck_assert_ptr_nonnull(strstr(text, "\\-\\-min\\-roll\\-mins"));
	ck_assert_ptr_nonnull(strstr(text, "\\-\\-clean\\-keep"));
	free(text);
	free(path);
}

void
test_cli_help(Suite *pos)
{
	TCase *tc = test_cli_tcase(pos, "help");

	tcase_add_test(tc, usage_lists_options);
	tcase_add_test(tc, man_page_lists_options);
}
