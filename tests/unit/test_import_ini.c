/*
 * renewal/<name>.conf through inih (src/import/renewal_ini.c): what
 * certbot 2.1 writes, and the edge cases of hand-edited files.
 * Static inputs are in tests/data/import/.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_int.h"
#include "tests/unit/test_import.h"

static struct renewal_conf rc;
static struct sslm_err err;

static void
setup(void)
{
	renewal_conf_init(&rc);
	sslm_err_clear(&err);
}

static void
teardown(void)
{
	renewal_conf_clear(&rc);
}

static int
parse(const char *text)
{
	return renewal_conf_parse(text, strlen(text), "t.conf", &rc, &err);
}

/* ---- positive ----------------------------------------------------------- */

START_TEST(certbot_21_file)
{
	ck_assert_msg(renewal_conf_read(ti_data("certbot-2.1.conf"), &rc, &err)
	    == 0, "%s", err.msg);
	ck_assert_str_eq(rc.version, "2.1.0");
	ck_assert_str_eq(rc.archive_dir, "/etc/letsencrypt/archive/example.com");
	ck_assert_str_eq(rc.cert, "/etc/letsencrypt/live/example.com/cert.pem");
	ck_assert_str_eq(rc.privkey, "/etc/letsencrypt/live/example.com/privkey.pem");
	ck_assert_str_eq(rc.chain, "/etc/letsencrypt/live/example.com/chain.pem");
	ck_assert_str_eq(rc.fullchain,
	    "/etc/letsencrypt/live/example.com/fullchain.pem");
	ck_assert_str_eq(rc.account, "0123456789abcdef0123456789abcdef");
	ck_assert_str_eq(rc.server, "https://acme-v02.api.letsencrypt.org/directory");
	ck_assert_str_eq(rc.authenticator, "webroot");
	ck_assert_str_eq(rc.webroot_path, "/var/www/html,");
	ck_assert_str_eq(rc.key_type, "ecdsa");
	ck_assert_str_eq(rc.elliptic_curve, "secp384r1");
	ck_assert_ptr_null(rc.pref_challs);
	ck_assert_ptr_null(rc.manual_auth_hook);
	ck_assert_ptr_null(rc.rsa_key_size);
	/* "[[webroot_map]]": inih names it "[webroot_map"; its keys land in
	 * the map, not in [renewalparams] */
	ck_assert_uint_eq(rc.webroot_map.n, 2);
	ck_assert_str_eq(rc.webroot_map.v[0], "example.com=/var/www/html");
	ck_assert_str_eq(rc.webroot_map.v[1], "www.example.com=/var/www/html");
	ck_assert_uint_eq(rc.warnings.n, 0);
}
END_TEST

START_TEST(bom_and_crlf)
{
	struct strvec v;

	ck_assert_msg(renewal_conf_read(ti_data("crlf.conf"), &rc, &err) == 0,
	    "%s", err.msg);
	ck_assert_str_eq(rc.version, "1.21.0");	/* BOM gone, no '\r' */
	ck_assert_str_eq(rc.cert, "/x/cert.pem");
	ck_assert_str_eq(rc.account, "aa11");
	ck_assert_str_eq(rc.server,
	    "https://acme-staging-v02.api.letsencrypt.org/directory");
	ck_assert_str_eq(rc.rsa_key_size, "4096");
	strvec_init(&v);
	ck_assert_int_eq(renewal_list_split(rc.pref_challs, &v), 0);
	ck_assert_uint_eq(v.n, 2);
	ck_assert_str_eq(v.v[0], "dns-01");
	ck_assert_str_eq(v.v[1], "http-01");
	strvec_clear(&v);
}
END_TEST

START_TEST(comments_quotes_spaces_unknown_sections)
{
	ck_assert_msg(renewal_conf_read(ti_data("comments.conf"), &rc, &err) == 0,
	    "%s", err.msg);
	ck_assert_str_eq(rc.version, "2.1.0");		/* "key=value" */
	ck_assert_str_eq(rc.cert, "/x/cert.pem");	/* blanks around '=' */
	ck_assert_str_eq(rc.privkey, "");		/* empty value */
	ck_assert_str_eq(rc.chain, "/x/chain.pem");	/* "quoted", indented */
	ck_assert_str_eq(rc.fullchain, "/x/fullchain.pem");	/* ' ' + # comment */
	ck_assert_str_eq(rc.account, "bb22");		/* ; inline comment */
	ck_assert_str_eq(rc.authenticator, "manual");
	ck_assert_str_eq(rc.manual_auth_hook, "/usr/local/bin/hook --flag");
	/* [unknown] is ignored: its cert and server change nothing */
	ck_assert_ptr_null(rc.server);
}
END_TEST

START_TEST(missing_keys_are_null)
{
	ck_assert_int_eq(parse("version = 0.40.0\n[renewalparams]\n"), 0);
	ck_assert_str_eq(rc.version, "0.40.0");
	ck_assert_ptr_null(rc.cert);
	ck_assert_ptr_null(rc.account);
	ck_assert_ptr_null(rc.server);
	ck_assert_uint_eq(rc.webroot_map.n, 0);
}
END_TEST

START_TEST(empty_file_and_no_final_newline)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_ptr_null(rc.version);
	ck_assert_int_eq(parse("[renewalparams]\naccount = x1"), 0);
	ck_assert_str_eq(rc.account, "x1");
}
END_TEST

START_TEST(indented_keys_are_not_continuations)
{
	/* inih would append an indented line to the previous value; for
	 * configobj indentation means nothing */
	ck_assert_int_eq(parse("[renewalparams]\n"
	    "account = a1\n"
	    "    server = https://x.example/dir\n"
	    "\t  [[webroot_map]]\n"
	    "  example.org = /srv\n"), 0);
	ck_assert_str_eq(rc.account, "a1");
	ck_assert_str_eq(rc.server, "https://x.example/dir");
	ck_assert_uint_eq(rc.webroot_map.n, 1);
	ck_assert_str_eq(rc.webroot_map.v[0], "example.org=/srv");
}
END_TEST

START_TEST(same_key_in_two_sections)
{
	ck_assert_int_eq(parse("account = top\n[renewalparams]\naccount = rp\n"), 0);
	ck_assert_str_eq(rc.account, "rp");
}
END_TEST

START_TEST(long_unused_line_is_a_warning)
{
	ck_assert_msg(renewal_conf_read(ti_data("longhook.conf"), &rc, &err) == 0,
	    "%s", err.msg);
	ck_assert_uint_eq(rc.warnings.n, 1);
	ck_assert_ptr_nonnull(strstr(rc.warnings.v[0], "manual_auth_hook"));
	/* the rest of the long line did not spill into the next key */
	ck_assert_str_eq(rc.account, "cc33");
	ck_assert_str_eq(rc.server, "https://acme-v02.api.letsencrypt.org/directory");
}
END_TEST

START_TEST(list_split)
{
	struct strvec v;

	strvec_init(&v);
	ck_assert_int_eq(renewal_list_split("dns-01,", &v), 0);
	ck_assert_int_eq(renewal_list_split(" http-01 ,, tls-alpn-01 ", &v), 0);
	ck_assert_int_eq(renewal_list_split(NULL, &v), 0);
	ck_assert_int_eq(renewal_list_split("", &v), 0);
	ck_assert_uint_eq(v.n, 3);
	ck_assert_str_eq(v.v[0], "dns-01");
	ck_assert_str_eq(v.v[1], "http-01");
	ck_assert_str_eq(v.v[2], "tls-alpn-01");
	strvec_clear(&v);
}
END_TEST

/* ---- negative ----------------------------------------------------------- */

START_TEST(duplicate_key_refused)
{
	ck_assert_int_eq(renewal_conf_read(ti_data("dup.conf"), &rc, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "dup.conf:5: key 'account' given "
	    "twice in [renewalparams]"));
}
END_TEST

START_TEST(duplicate_top_level_key_refused)
{
	ck_assert_int_eq(parse("cert = a\ncert = b\n"), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "t.conf:2: key 'cert' given twice "
	    "in the top level"));
}
END_TEST

START_TEST(syntax_error_names_line)
{
	ck_assert_int_eq(renewal_conf_read(ti_data("bad.conf"), &rc, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "bad.conf:3: not a 'key = value'"));
}
END_TEST

START_TEST(long_used_line_refused)
{
	ck_assert_int_eq(renewal_conf_read(ti_data("longserver.conf"), &rc, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "longserver.conf:3: the line of "
	    "'server' is longer than"));
}
END_TEST

START_TEST(nul_byte_refused)
{
	static const char text[] = "version = 1\0\n";

	ck_assert_int_eq(renewal_conf_parse(text, sizeof(text) - 1, "n.conf", &rc,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "n.conf: holds a NUL byte"));
}
END_TEST

START_TEST(missing_file)
{
	ck_assert_int_eq(renewal_conf_read(ti_data("no-such.conf"), &rc, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "no-such.conf"));
}
END_TEST

START_TEST(unclosed_section_refused)
{
	ck_assert_int_eq(parse("version = 1\n[renewalparams\naccount = a\n"), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "t.conf:2:"));
}
END_TEST

Suite *
import_ini_suite(void)
{
	Suite *s = suite_create("import renewal conf");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, certbot_21_file);
	tcase_add_test(pos, bom_and_crlf);
	tcase_add_test(pos, comments_quotes_spaces_unknown_sections);
	tcase_add_test(pos, missing_keys_are_null);
	tcase_add_test(pos, empty_file_and_no_final_newline);
	tcase_add_test(pos, indented_keys_are_not_continuations);
	tcase_add_test(pos, same_key_in_two_sections);
	tcase_add_test(pos, long_unused_line_is_a_warning);
	tcase_add_test(pos, list_split);
	tcase_add_test(neg, duplicate_key_refused);
	tcase_add_test(neg, duplicate_top_level_key_refused);
	tcase_add_test(neg, syntax_error_names_line);
	tcase_add_test(neg, long_used_line_refused);
	tcase_add_test(neg, nul_byte_refused);
	tcase_add_test(neg, missing_file);
	tcase_add_test(neg, unclosed_section_refused);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
