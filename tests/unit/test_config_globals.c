/*
 * ssl-mgr.conf: [globals] and every default of the model, [renew_info]
 * with the legacy keys, TOP-relative paths.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_config_util.h"

#ifndef SSLM_HOOKDIR
#define SSLM_HOOKDIR "/usr/lib/ssl-mgr"
#endif

#define GROUPS \
	"[[groups]]\n" \
	"    domain = 'example.test'\n" \
	"    services = ['web']\n" \
	"    active = true\n"

#define DNSP \
	"[[dns_primary]]\n" \
	"    domain = 'default'\n" \
	"    server = '127.0.0.1'\n" \
	"    port = 53\n"

/* Fixture state: one tree, one model, one list per test. */
static struct tree t;
static struct conf c;
static struct conf_diags d;
static char *top;

static void
setup(void)
{
	tree_new(&t);
	conf_init(&c);
	conf_diags_init(&d);
	top = realpath(t.dir, NULL);
	unsetenv("SSLM_CERTBOT");
	setenv("HOME", "/home/tester", 1);
}

static void
teardown(void)
{
	conf_clear(&c);
	conf_diags_clear(&d);
	tree_free(&t);
	free(top);
}

/* The minimal service plus this ssl-mgr.conf; returns conf_load(). */
static int
load_main(const char *text)
{
	tree_minimal(&t, NULL);
	tree_write(&t, "conf.d/ssl-mgr.conf", text);
	return tree_load(&t, &c, &d);
}

static char *
at_top(const char *rel)
{
	char *p = NULL;

	ck_assert_int_ne(asprintf(&p, "%s/%s", top, rel), -1);
	return p;
}

#define ck_assert_top_path(got, rel) do { \
	char *want_ = at_top(rel); \
	ck_assert_str_eq((got), want_); \
	free(want_); \
} while (0)

static double
curve_at(const struct conf_renew_curve *cv, double days)
{
	for (size_t i = 0; i < cv->n; i++)
		if (fabs(cv->p[i].days - days) < 1e-9)
			return cv->p[i].value;
	ck_abort_msg("no point at %g", days);
	return -1;
}

/* ---- [globals] and defaults ---- */

START_TEST(test_defaults)
{
	const struct conf_service *s;

	ck_assert_load(load_main(GROUPS), 0, &d);
	ck_assert_errors(&d, 0);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:1: [[dns_primary]]: "
	    "missing; DANE TLSA records and dns-01 validation cannot be used");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:1: [dns]: missing; TLSA and "
	    "ACME dns-01 are not supported");
	ck_assert_uint_eq(d.n_warnings, 2);

	ck_assert_str_eq(c.top, top);
	ck_assert_top_path(c.conf_dir, "conf.d");
	ck_assert(!c.g.verb);
	ck_assert_str_eq(c.g.sslm_auth_hook, SSLM_HOOKDIR "/sslm-auth-hook");
	ck_assert_str_eq(c.g.prod_cert_dir, "/etc/ssl-mgr/prod-certs");
	ck_assert(c.g.prod_cert_dir_absolute);
	ck_assert_str_eq(c.g.logdir, "/var/log/ssl-mgr");
	ck_assert_int_eq(c.g.clean_keep, 10);
	ck_assert_int_eq(c.g.min_roll_mins, 90);
	ck_assert_int_eq(c.g.dns_check_delay, 240);
	ck_assert_uint_eq(c.g.dns_xtra_ns.n, 4);
	ck_assert_str_eq(c.g.dns_xtra_ns.v[0], "1.1.1.1");
	ck_assert_str_eq(c.g.dns_xtra_ns.v[1], "8.8.8.8");
	ck_assert_str_eq(c.g.dns_xtra_ns.v[2], "9.9.9.9");
	ck_assert_str_eq(c.g.dns_xtra_ns.v[3], "208.67.222.222");
	ck_assert_uint_eq(c.g.n_post_copy, 0);
	ck_assert_str_eq(c.g.certbot, "/usr/bin/certbot");
	ck_assert_int_eq(c.g.certbot_source, CONF_CERTBOT_DEFAULT);
	ck_assert_int_eq(c.g.dns_check_max_wait, 3600);
	ck_assert_int_eq(c.g.dns_xtra_ns_max_wait, 600);
	ck_assert(!c.g.dns_xtra_ns_strict);

	/* built-in [renew_info] points */
	ck_assert_uint_eq(c.renew.target.n, 10);
	ck_assert_uint_eq(c.renew.rand_adj.n, 10);
	ck_assert(curve_at(&c.renew.target, 0) == 0.25);
	ck_assert(curve_at(&c.renew.target, 1) == 0.5);
	ck_assert(curve_at(&c.renew.target, 2) == 1);
	ck_assert(curve_at(&c.renew.target, 5) == 2);
	ck_assert(curve_at(&c.renew.target, 10) == 5);
	ck_assert(curve_at(&c.renew.target, 45) == 10);
	ck_assert(curve_at(&c.renew.target, 60) == 20);
	ck_assert(curve_at(&c.renew.target, 90) == 30);
	ck_assert(curve_at(&c.renew.target, 120) == 45);
	ck_assert(curve_at(&c.renew.target, 300) == 60);
	ck_assert(curve_at(&c.renew.rand_adj, 120) == 5);
	ck_assert(curve_at(&c.renew.rand_adj, 90) == 0);

	ck_assert(!c.dns.present);
	ck_assert_uint_eq(c.dns.restart_cmd.n, 0);
	ck_assert_uint_eq(c.dns.acme_dirs.n, 0);
	ck_assert_uint_eq(c.dns.tlsa_dirs.n, 0);
	for (int i = 0; i < CONF_SERVER_N; i++) {
		ck_assert(!c.server[i].present);
		ck_assert_uint_eq(c.server[i].servers.n, 0);
		ck_assert_uint_eq(c.server[i].n_restart, 0);
		ck_assert(!c.server[i].skip_prod_copy);
	}
	ck_assert_ptr_null(c.server[CONF_SERVER_WEB].server_dir);
	ck_assert_str_eq(c.server[CONF_SERVER_WEB].user, "http");
	ck_assert_str_eq(c.server[CONF_SERVER_WEB].group, "http");
	ck_assert_str_eq(conf_server_name(CONF_SERVER_SMTP), "smtp");
	ck_assert_str_eq(conf_server_name(CONF_SERVER_OTHER), "other");

	ck_assert(!c.ssh.present);
	ck_assert_str_eq(c.ssh.config_file, "/home/tester/.ssh/config");
	ck_assert_ptr_null(c.ssh.user);
	ck_assert_int_eq(c.ssh.port, 22);
	ck_assert(!c.ssh.has_port);
	ck_assert_uint_eq(c.ssh.identity_files.n, 3);
	ck_assert_str_eq(c.ssh.identity_files.v[0],
	    "/home/tester/.ssh/id_ed25519");
	ck_assert_str_eq(c.ssh.identity_files.v[1], "/home/tester/.ssh/id_ecdsa");
	ck_assert_str_eq(c.ssh.identity_files.v[2], "/home/tester/.ssh/id_rsa");
	ck_assert_uint_eq(c.ssh.known_hosts.n, 1);
	ck_assert_str_eq(c.ssh.known_hosts.v[0],
	    "/home/tester/.ssh/known_hosts");
	ck_assert_int_eq(c.ssh.strict, CONF_SSH_STRICT_YES);
	ck_assert_int_eq(c.ssh.connect_timeout, 30);
	ck_assert_int_eq(c.ssh.command_timeout, 300);
	ck_assert_int_eq(c.ssh.max_parallel, 8);

	ck_assert(!c.have_ca_info);
	ck_assert_uint_eq(c.n_cas, 0);
	ck_assert_uint_eq(c.n_dns_primary, 0);
	ck_assert_uint_eq(c.files.n, 2);
	ck_assert_top_path(c.files.v[0], "conf.d/ssl-mgr.conf");
	ck_assert_top_path(c.files.v[1], "conf.d/example.test/web");

	ck_assert_uint_eq(c.n_groups, 1);
	ck_assert_str_eq(c.groups[0].name, "example.test");
	ck_assert(!c.groups[0].is_ca);
	ck_assert(c.groups[0].in_config);
	ck_assert_uint_eq(c.groups[0].configured.n, 1);
	ck_assert_str_eq(c.groups[0].configured.v[0], "web");
	ck_assert(!c.groups[0].needs_dns);
	ck_assert_ptr_null(c.groups[0].dns_primary);
	ck_assert_uint_eq(c.groups[0].n_services, 1);

	s = c.groups[0].services[0];
	ck_assert_ptr_eq(s, conf_find_service(&c, "example.test", "web"));
	ck_assert_ptr_eq(&c.groups[0], conf_find_group(&c, "example.test"));
	ck_assert_str_eq(s->name, "Web");
	ck_assert_str_eq(s->relpath, "conf.d/example.test/web");
	ck_assert_top_path(s->path, "conf.d/example.test/web");
	ck_assert(s->selected);
	ck_assert(!s->is_ca_group);
	ck_assert_str_eq(s->signing_ca, "");
	ck_assert_int_eq(s->signer, CONF_SIGNER_SELF);
	ck_assert_str_eq(conf_signer_name(s->signer), "self-signed");
	ck_assert_ptr_null(s->ca);
	ck_assert_ptr_null(s->ca_service);
	ck_assert_ptr_null(s->ca_account);
	ck_assert_int_eq(s->key.ktype, CONF_KTYPE_EC);
	ck_assert_str_eq(s->key.ec_curve, "secp384r1");
	ck_assert_int_eq(s->key.rsa_bits, 4096);
	ck_assert_int_eq(s->key.line, 5);
	ck_assert_str_eq(s->x509.CN, "example.test");
	ck_assert_str_eq(s->x509.O, "Example");
	ck_assert_str_eq(s->x509.OU, "");
	ck_assert_str_eq(s->x509.L, "");
	ck_assert_str_eq(s->x509.ST, "");
	ck_assert_str_eq(s->x509.C, "US");
	ck_assert_str_eq(s->x509.email, "");
	ck_assert_int_eq(s->x509.line, 7);
	ck_assert_uint_eq(s->x509.n_sans, 1);
	ck_assert(s->x509.cn_in_sans);
	ck_assert_uint_eq(s->x509.n_names, 1);
	ck_assert_str_eq(s->x509.names[0].name, "example.test");
	ck_assert(!s->ca_sec.present);
	ck_assert_str_eq(s->ca_sec.digest, "sha384");
	ck_assert_uint_eq(s->n_dane, 0);
	ck_assert_int_eq(s->dane_tls_ttl, 1800);
	ck_assert(curve_at(&s->renew.target, 90) == 30);
	ck_assert_uint_eq(s->renew.target.n, 10);
}
END_TEST

START_TEST(test_globals_values)
{
	ck_assert_load(load_main(
	    "[globals]\n"
	    "    verb = true\n"
	    "    sslm_auth_hook = './libexec/sslm-auth-hook'\n"
	    "    prod_cert_dir = './prod-certs'\n"
	    "    logdir = 'logs/'\n"
	    "    clean_keep = 5\n"
	    "    min_roll_mins = 0\n"
	    "    dns_check_delay = -5\n"
	    "    dns_xtra_ns = ['127.0.0.1', 'ns.example.test']\n"
	    "    post_copy_cmd = [['h1', './hooks/record'], ['h2', 'fixperms'],\n"
	    "                     ['h3', '/bin/true']]\n"
	    "    certbot = 'bin/certbot'\n"
	    "    dns_check_max_wait = 100\n"
	    "    dns_xtra_ns_max_wait = 200\n"
	    "    dns_xtra_ns_strict = true\n"
	    GROUPS), 0, &d);
	ck_assert(c.g.verb);
	ck_assert_top_path(c.g.sslm_auth_hook, "libexec/sslm-auth-hook");
	ck_assert_top_path(c.g.prod_cert_dir, "prod-certs");
	ck_assert(!c.g.prod_cert_dir_absolute);
	ck_assert_int_eq(c.g.prod_cert_dir_line, 4);
	ck_assert_top_path(c.g.logdir, "logs");
	ck_assert_int_eq(c.g.clean_keep, 5);
	ck_assert_int_eq(c.g.min_roll_mins, 0);
	ck_assert_int_eq(c.g.dns_check_delay, 0);
	ck_assert_uint_eq(c.g.dns_xtra_ns.n, 2);
	ck_assert_str_eq(c.g.dns_xtra_ns.v[1], "ns.example.test");
	ck_assert_uint_eq(c.g.n_post_copy, 3);
	ck_assert_str_eq(c.g.post_copy[0].host, "h1");
	ck_assert_top_path(c.g.post_copy[0].cmd, "hooks/record");
	ck_assert_str_eq(c.g.post_copy[1].cmd, "fixperms");	/* PATH */
	ck_assert_str_eq(c.g.post_copy[2].cmd, "/bin/true");
	ck_assert_int_eq(c.g.post_copy[2].line, 11);
	ck_assert_top_path(c.g.certbot, "bin/certbot");
	ck_assert_int_eq(c.g.certbot_source, CONF_CERTBOT_KEY);
	ck_assert_int_eq(c.g.dns_check_max_wait, 100);
	/* above dns_check_max_wait acts as dns_check_max_wait */
	ck_assert_int_eq(c.g.dns_xtra_ns_max_wait, 100);
	ck_assert(c.g.dns_xtra_ns_strict);
}
END_TEST

START_TEST(test_certbot_env_wins)
{
	setenv("SSLM_CERTBOT", "/opt/certbot/bin/certbot", 1);
	ck_assert_load(load_main("certbot = '/usr/local/bin/certbot'\n"
	    GROUPS), 0, &d);
	unsetenv("SSLM_CERTBOT");
	ck_assert_str_eq(c.g.certbot, "/opt/certbot/bin/certbot");
	ck_assert_int_eq(c.g.certbot_source, CONF_CERTBOT_ENV);
}
END_TEST

START_TEST(test_certbot_bare_name)
{
	ck_assert_load(load_main("certbot = 'certbot'\n" GROUPS), 0, &d);
	ck_assert_str_eq(c.g.certbot, "certbot");
}
END_TEST

/* Keys before any table behave as [globals] keys. */
START_TEST(test_top_level_keys)
{
	ck_assert_load(load_main(
	    "clean_keep = 3\n"
	    "logdir = '/srv/log'\n"
	    "[globals]\n"
	    "    min_roll_mins = 30\n"
	    GROUPS), 0, &d);
	ck_assert_int_eq(c.g.clean_keep, 3);
	ck_assert_int_eq(c.g.min_roll_mins, 30);
	ck_assert_str_eq(c.g.logdir, "/srv/log");
}
END_TEST

START_TEST(test_clean_keep_raised)
{
	ck_assert_load(load_main("[globals]\n    clean_keep = 0\n" GROUPS), 0, &d);
	ck_assert_int_eq(c.g.clean_keep, 1);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:2: [globals] clean_keep: 0 "
	    "is less than 1, using 1");
}
END_TEST

START_TEST(test_unknown_keys_and_tables)
{
	ck_assert_load(load_main(
	    "frobnicate = 1\n"
	    "[globals]\n"
	    "    clean_kep = 5\n"
	    "    top_dir = '/x'\n"
	    "[dnss]\n"
	    "    x = 1\n"
	    "[zzzzzz]\n"
	    "[[groupz]]\n"
	    GROUPS
	    "[smtp]\n"
	    "    servres = []\n"), 0, &d);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:1: frobnicate: unknown key, "
	    "ignored");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:3: [globals] clean_kep: "
	    "unknown key, ignored (did you mean 'clean_keep'?)");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:4: [globals] top_dir: "
	    "unknown key, ignored");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:5: [dnss]: unknown table, "
	    "ignored (did you mean 'dns'?)");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:7: [zzzzzz]: unknown table, "
	    "ignored");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:8: [[groupz]]: unknown "
	    "table, ignored (did you mean 'groups'?)");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:14: [smtp] servres: unknown "
	    "key, ignored (did you mean 'servers'?)");
	ck_assert_int_eq(c.g.clean_keep, 10);
}
END_TEST

START_TEST(test_preferred_acme_profile_warns)
{
	ck_assert_load(load_main("[globals]\n    preferred_acme_profile = "
	    "'tlsserver'\n" GROUPS), 0, &d);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:2: [globals] "
	    "preferred_acme_profile: ignored; use ca_preferred_acme_profile "
	    "in conf.d/ca-info.conf");
}
END_TEST

START_TEST(test_globals_type_errors)
{
	ck_assert_load(load_main(
	    "[globals]\n"
	    "    clean_keep = '5'\n"
	    "    min_roll_mins = 90.0\n"
	    "    verb = 'yes'\n"
	    "    logdir = 1979-05-27\n"
	    "    dns_check_delay = -1\n"
	    "    dns_check_max_wait = -1\n"
	    "    dns_xtra_ns = '1.1.1.1'\n"
	    "    prod_cert_dir = ''\n"
	    "    sslm_auth_hook = '/usr/lib/ssl mgr/hook'\n"
	    "    dns_xtra_ns_strict = 1\n"
	    "    certbot = ['certbot']\n"
	    GROUPS), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:2: [globals] clean_keep: "
	    "expected an integer, got string '5'");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:3: [globals] min_roll_mins: "
	    "expected an integer, got float 90.0");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:4: [globals] verb: expected a "
	    "boolean (true or false), got string 'yes'");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:5: [globals] logdir: expected "
	    "a string, got local date 1979-05-27");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:7: [globals] "
	    "dns_check_max_wait: must be 0 or more, got -1");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:8: [globals] dns_xtra_ns: "
	    "expected an array of strings, got string '1.1.1.1'");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:9: [globals] prod_cert_dir: "
	    "required, got '' (production directory)");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:10: [globals] sslm_auth_hook: "
	    "'/usr/lib/ssl mgr/hook' may only contain A-Z a-z 0-9 / . _ + - "
	    "(certbot runs it through /bin/sh)");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:11: [globals] "
	    "dns_xtra_ns_strict: expected a boolean (true or false), got "
	    "integer 1");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:12: [globals] certbot: "
	    "expected a string, got array");
	ck_assert_errors(&d, 10);
}
END_TEST

START_TEST(test_top_and_globals_twice)
{
	ck_assert_load(load_main("clean_keep = 3\n[globals]\n"
	    "    clean_keep = 4\n" GROUPS), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:3: [globals] clean_keep: also "
	    "set at the top level on line 1; set it once");
}
END_TEST

START_TEST(test_post_copy_errors)
{
	ck_assert_load(load_main(
	    "[globals]\n"
	    "    post_copy_cmd = [['h'], ['h', ''], 'x', ['a', 'b', 'c'],\n"
	    "                     [1, 'cmd'], ['ok', 'cmd']]\n"
	    GROUPS), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:2: [globals] post_copy_cmd[0]: "
	    "expected a [host, command] pair, got 1 element");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:2: [globals] post_copy_cmd[1]: "
	    "host and command must be non-empty strings");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:2: [globals] post_copy_cmd[2]: "
	    "expected a [host, command] pair, got string 'x'");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:2: [globals] post_copy_cmd[3]: "
	    "expected a [host, command] pair, got 3 elements");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:3: [globals] post_copy_cmd[4]: "
	    "host and command must be non-empty strings");
	ck_assert_errors(&d, 5);
	ck_assert_uint_eq(c.g.n_post_copy, 1);
}
END_TEST

START_TEST(test_post_copy_not_array)
{
	ck_assert_load(load_main("post_copy_cmd = 'x'\n" GROUPS), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:1: post_copy_cmd: expected an "
	    "array of [host, command] pairs, got string 'x'");
}
END_TEST

START_TEST(test_syntax_error_main)
{
	ck_assert_load(load_main(GROUPS "clean_keep = = 4\n"), -1, &d);
	ck_assert_uint_eq(d.n_errors, 1);
	/* the reader's own "file:line:column: problem" */
	ck_assert(strncmp(d.v[0].msg, "conf.d/ssl-mgr.conf:5:", 22) == 0);
	/* defaults in place anyway */
	ck_assert_int_eq(c.g.clean_keep, 10);
	ck_assert_str_eq(c.server[CONF_SERVER_WEB].user, "http");
}
END_TEST

/* ---- [renew_info] ---- */

START_TEST(test_renew_info_table)
{
	ck_assert_load(load_main(
	    "[renew_info]\n"
	    "    target_90 = 25.0\n"
	    "    target_1825 = 1900\n"
	    "    renew_target_45 = 12\n"
	    "    \"target_300.05\" = 70\n"
	    "    rand_adj_100 = 2\n"
	    "    renew_rand_adj_90 = 1.5\n"
	    GROUPS), 0, &d);
	ck_assert_uint_eq(c.renew.target.n, 11);
	ck_assert(curve_at(&c.renew.target, 90) == 25);
	ck_assert(curve_at(&c.renew.target, 45) == 12);
	ck_assert(curve_at(&c.renew.target, 300) == 70);
	ck_assert(curve_at(&c.renew.target, 1825) == 1900);
	/* sorted */
	for (size_t i = 1; i < c.renew.target.n; i++)
		ck_assert(c.renew.target.p[i - 1].days < c.renew.target.p[i].days);
	ck_assert_uint_eq(c.renew.rand_adj.n, 11);
	ck_assert(curve_at(&c.renew.rand_adj, 100) == 2);
	ck_assert(curve_at(&c.renew.rand_adj, 90) == 1.5);
	ck_assert(c.renew.rand_adj.p[8].days == 100);
}
END_TEST

START_TEST(test_renew_info_errors)
{
	ck_assert_load(load_main(
	    "[renew_info]\n"
	    "    target_90 = 25\n"
	    "    renew_target_90 = 26\n"
	    "    target_abc = 1\n"
	    "    target_60 = -1\n"
	    "    target_45 = '10'\n"
	    "    rand_adj_x = 1\n"
	    "    renew_days = 3\n"
	    GROUPS), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:3: [renew_info] renew_target_90: "
	    "same point as target_90 on line 2; keep one spelling");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:4: [renew_info] target_abc: "
	    "'abc' is not a number of days (write target_<N>, e.g. target_90)");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:5: [renew_info] target_60: "
	    "must be 0 or more, got -1");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:6: [renew_info] target_45: "
	    "expected a number, got string '10'");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:7: [renew_info] rand_adj_x: "
	    "'x' is not a number of days (write rand_adj_<N>, e.g. rand_adj_90)");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:8: [renew_info] renew_days: "
	    "unknown key, ignored (keys are target_<N> and rand_adj_<N>)");
	ck_assert_errors(&d, 5);
}
END_TEST

START_TEST(test_renew_legacy_global)
{
	ck_assert_load(load_main("[globals]\n    renew_expire_days = 20\n"
	    "    renew_expire_days_spread = 3\n" GROUPS), 0, &d);
	ck_assert(curve_at(&c.renew.target, 90) == 20);
	ck_assert(curve_at(&c.renew.rand_adj, 90) == 3);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:2: [globals] "
	    "renew_expire_days: deprecated; used as [renew_info] target_90 = 20");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:3: [globals] "
	    "renew_expire_days_spread: deprecated; used as [renew_info] "
	    "rand_adj_90 = 3");
	/* the service inherits the global table */
	ck_assert(curve_at(&c.services[0]->renew.target, 90) == 20);
}
END_TEST

/* A non-zero [renew_info] value beats the [globals] legacy key; a zero one
 * does not (config.md §3.3 precedence). */
START_TEST(test_renew_legacy_precedence)
{
	ck_assert_load(load_main("[globals]\n    renew_expire_days = 20\n"
	    "    renew_expire_days_spread = 3\n"
	    "[renew_info]\n    target_90 = 25\n    rand_adj_90 = 0\n" GROUPS),
	    0, &d);
	ck_assert(curve_at(&c.renew.target, 90) == 25);
	ck_assert(curve_at(&c.renew.rand_adj, 90) == 3);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:2: [globals] "
	    "renew_expire_days: deprecated and ignored: [renew_info] target_90 "
	    "is set");
}
END_TEST

START_TEST(test_renew_legacy_service)
{
	tree_minimal(&t, "[globals]\n    renew_expire_days = 20\n");
	tree_write(&t, "conf.d/example.test/web",
	    "name = 'Web'\ngroup = 'example.test'\nservice = 'web'\n"
	    "renew_expire_days = 2000\nrenew_expire_days_spread = 4\n"
	    "[X509]\nCN = 'example.test'\nO = 'E'\nC = 'US'\n"
	    "sans = ['example.test']\n");
	ck_assert_load(tree_load(&t, &c, &d), 0, &d);
	ck_assert(curve_at(&c.renew.target, 90) == 20);
	ck_assert(curve_at(&c.services[0]->renew.target, 90) == 2000);
	ck_assert(curve_at(&c.services[0]->renew.rand_adj, 90) == 4);
	ck_assert(curve_at(&c.services[0]->renew.target, 120) == 45);
	ck_assert_warning(&d, "conf.d/example.test/web:4: renew_expire_days: "
	    "deprecated; used as target_90 = 2000 for this service");
	ck_assert_warning(&d, "conf.d/example.test/web:5: "
	    "renew_expire_days_spread: deprecated; used as rand_adj_90 = 4 for "
	    "this service");
}
END_TEST

START_TEST(test_renew_eval)
{
	struct conf_renew r;
	struct conf_renew_curve empty = { NULL, 0 };

	memset(&r, 0, sizeof(r));
	ck_assert_load(load_main(GROUPS), 0, &d);
	r = c.renew;
	/* lifecycle.md §3.2 worked values */
	ck_assert(fabs(conf_renew_eval(&r.target, 90) - 30) < 1e-9);
	ck_assert(fabs(conf_renew_eval(&r.target, 45) - 10) < 1e-9);
	ck_assert(fabs(conf_renew_eval(&r.target, 60) - 20) < 1e-9);
	ck_assert(fabs(conf_renew_eval(&r.target, 6) - 2.6) < 1e-9);
	ck_assert(fabs(conf_renew_eval(&r.target, 100) - 35) < 1e-9);
	ck_assert(fabs(conf_renew_eval(&r.rand_adj, 100) - 5.0 / 3) < 1e-9);
	ck_assert(fabs(conf_renew_eval(&r.target, 1825) - 365) < 1e-9);
	ck_assert(fabs(conf_renew_eval(&r.target, 3650) - 730) < 1e-9);
	/* the first interval is interpolated too (quirk R1 fixed) */
	ck_assert(fabs(conf_renew_eval(&r.target, 0.5) - 0.375) < 1e-9);
	ck_assert(fabs(conf_renew_eval(&r.target, -1) - 0.25) < 1e-9);
	ck_assert(conf_renew_eval(&empty, 90) == 0);
}
END_TEST

Suite *
suite_config_globals(void)
{
	Suite *s = suite_create("config ssl-mgr.conf [globals]");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, test_defaults);
	tcase_add_test(pos, test_globals_values);
	tcase_add_test(pos, test_certbot_env_wins);
	tcase_add_test(pos, test_certbot_bare_name);
	tcase_add_test(pos, test_top_level_keys);
	tcase_add_test(pos, test_clean_keep_raised);
	tcase_add_test(pos, test_unknown_keys_and_tables);
	tcase_add_test(pos, test_preferred_acme_profile_warns);
	tcase_add_test(pos, test_renew_info_table);
	tcase_add_test(pos, test_renew_legacy_global);
	tcase_add_test(pos, test_renew_legacy_precedence);
	tcase_add_test(pos, test_renew_legacy_service);
	tcase_add_test(pos, test_renew_eval);
	tcase_add_test(neg, test_globals_type_errors);
	tcase_add_test(neg, test_top_and_globals_twice);
	tcase_add_test(neg, test_post_copy_errors);
	tcase_add_test(neg, test_post_copy_not_array);
	tcase_add_test(neg, test_syntax_error_main);
	tcase_add_test(neg, test_renew_info_errors);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
