/*
 * http-01 (dns.md §5): the token file under [web] server_dir for a web
 * server on this host, its list in cb/web-tokens, a remote server that
 * cannot be reached, and the cleanup. Delivery over SFTP to real sshd
 * hosts is proven by tests/e2e/deploy.sh.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "acme/acme.h"
#include "tests/unit/test_acme_hook.h"

#define CB_HTTP "certs/example.test/web-http/cb"
#define TOKEN	"evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"
#define THUMB	"9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"
#define TPATH	"www/example.test/.well-known/acme-challenge/" TOKEN

static const char *const http_env[] = { "CERTBOT_DOMAIN=www.example.test",
    "CERTBOT_VALIDATION=" TOKEN "." THUMB, "CERTBOT_TOKEN=" TOKEN,
    "CERTBOT_REMAINING_CHALLENGES=0", "CERTBOT_ALL_DOMAINS=www.example.test",
    NULL };

static void teardown(void) { th_teardown(); }

START_TEST(token_published)
{
	struct th_run r;
	struct stat st;
	char want[1200];

	th_tree(9, "");
	th_auth("web-http", http_env, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(!r.term);
	ck_assert_str_eq(th_read(th_path(TPATH)), TOKEN "." THUMB "\n");
	ck_assert_int_eq(stat(th_path(TPATH), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	snprintf(want, sizeof(want), "%s\n", th_path(TPATH));
	ck_assert_str_eq(th_read(th_path(CB_HTTP "/web-tokens")), want);
	ck_assert_str_eq(th_read(th_path(CB_HTTP "/auth-status")), "ok\n");
	/* no DNS for http-01 */
	ck_assert_int_eq(th_lines(th_path("restart.log")), 0);
}
END_TEST

START_TEST(cleanup_removes_tokens)
{
	const char *argv[] = { "example.test", "web-http", NULL };
	const char *cenv[] = { "CERTBOT_TOKEN=" TOKEN, NULL };
	struct th_run r;

	th_tree(9, "");
	th_auth("web-http", http_env, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(th_read(th_path(TPATH)));
	th_run_hook(true, argv, cenv, true, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_null(th_read(th_path(TPATH)));
	ck_assert_str_eq(th_read(th_path(CB_HTTP "/web-tokens")), "");
	/* a second cleanup finds nothing to do */
	th_run_hook(true, argv, cenv, true, &r);
	ck_assert_int_eq(r.rc, 0);
}
END_TEST

/* An address is always a remote server (distribution.md §1): the token
 * goes over SSH, and a server that cannot be reached stops certbot rather
 * than leaving it to fail a validation; nothing is written locally. The
 * port is one nothing listens on, so the refusal is immediate. */
START_TEST(remote_server_unreachable)
{
	struct th_run r;
	const char *st;

	th_tree(9, "root@127.0.0.1");
	char *conf;

	th_write(th_path("ssh_config"), "Host 127.0.0.1\n  Port 9\n");
	conf = str_printf("%s\n[ssh]\nconfig_file = '%s'\nconnect_timeout = 5\n",
	    th_read(th_path("conf.d/ssl-mgr.conf")), th_path("ssh_config"));
	ck_assert_ptr_nonnull(conf);
	th_write(th_path("conf.d/ssl-mgr.conf"), conf);
	free(conf);
	th_auth("web-http", http_env, &r);
	ck_assert_int_eq(r.rc, 1);
	ck_assert(r.term);
	st = th_read(th_path(CB_HTTP "/auth-status"));
	ck_assert_msg(strstr(st, "web server root@127.0.0.1") != NULL,
	    "auth-status: %s", st);
	ck_assert_ptr_null(th_read(th_path(TPATH)));
}
END_TEST

/* Tokens listed outside server_dir are never unlinked. */
START_TEST(cleanup_stays_in_server_dir)
{
	const char *argv[] = { "example.test", "web-http", NULL };
	const char *cenv[] = { "CERTBOT_TOKEN=" TOKEN, NULL };
	char list[1200];
	struct th_run r;

	th_tree(9, "");
	th_write(th_path("victim"), "keep\n");
	snprintf(list, sizeof(list), "%s\n%s/www/../victim\n",
	    th_path("victim"), th_path("."));
	th_write(th_path(CB_HTTP "/web-tokens"), list);
	th_run_hook(true, argv, cenv, true, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(th_read(th_path("victim")), "keep\n");
}
END_TEST

Suite *
hook_http_suite(void)
{
	Suite *s = suite_create("hook http");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, NULL, teardown);
	tcase_add_checked_fixture(neg, NULL, teardown);
	tcase_add_test(pos, token_published);
	tcase_add_test(pos, cleanup_removes_tokens);
	tcase_add_test(neg, remote_server_unreachable);
	tcase_add_test(neg, cleanup_stays_in_server_dir);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
