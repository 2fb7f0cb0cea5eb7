/*
 * Unit tests of the SSH transport's offline parts (src/deploy/ssh_*.c,
 * host.c): the ssh config subset, target resolution, the local-host rule,
 * known_hosts verdicts and OpenSSH's fingerprint format. The connection
 * itself is tested against real sshd hosts by tests/e2e/remote.sh and
 * tests/e2e/deploy.sh.
 */
#include "config.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "tests/unit/test_ssh.h"

char *ts_dir;
static char pathbuf[4096];

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

void
ts_setup(void)
{
	const char *base = getenv("TMPDIR");

	ts_dir = str_printf("%s/sslm-test-ssh.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert_ptr_nonnull(ts_dir);
	ck_assert_ptr_nonnull(mkdtemp(ts_dir));
}

void
ts_teardown(void)
{
	nftw(ts_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(ts_dir);
	ts_dir = NULL;
}

const char *
ts_path(const char *name)
{
	snprintf(pathbuf, sizeof(pathbuf), "%s/%s", ts_dir, name);
	return pathbuf;
}

const char *
ts_write(const char *name, const char *text)
{
	const char *p = ts_path(name);
	FILE *fp = fopen(p, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

int
main(void)
{
	Suite *s = suite_create("ssh");
	SRunner *sr;
	int failed;

	suite_add_tcase(s, ssh_config_tcase());
	suite_add_tcase(s, ssh_target_tcase());
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
