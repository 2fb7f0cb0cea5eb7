/*
 * ssl-mgr.conf: [[groups]], [[dns_primary]], [dns], the server sections,
 * [ssh] and the remote-mirror rule for prod_cert_dir.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_config_util.h"

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

/* ---- [[groups]] ---- */

START_TEST(test_groups_rules)
{
	ck_assert_load(load_main(
	    "[[groups]]\n"			/* 1 */
	    "    domain = 'example.test'\n"
	    "    services = ['old']\n"
	    "    active = true\n"
	    "[[groups]]\n"			/* 5: inactive */
	    "    domain = 'other.test'\n"
	    "    services = ['x']\n"
	    "[[groups]]\n"			/* 8: empty services */
	    "    domain = 'empty.test'\n"
	    "    services = []\n"
	    "    active = true\n"
	    "[[groups]]\n"			/* 12: no domain */
	    "    services = ['x']\n"
	    "    active = true\n"
	    "[[groups]]\n"			/* 15: replaces line 1 */
	    "    domain = 'example.test'\n"
	    "    services = ['web', 'web']\n"
	    "    active = true\n"), 0, &d);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:10: [[groups]] services: "
	    "missing or empty in an active entry, entry skipped");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:12: [[groups]] domain: "
	    "missing or empty in an active entry, entry skipped");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:17: [[groups]] services[1]: "
	    "'web' listed twice, ignored");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:15: [[groups]] domain: "
	    "'example.test' again; replaces the entry on line 1");
	ck_assert_uint_eq(c.n_groups, 1);
	ck_assert_uint_eq(c.groups[0].n_services, 1);
	ck_assert_str_eq(c.groups[0].services[0]->service, "web");
}
END_TEST

/* The replacing entry keeps the earlier entry's place in the order. */
START_TEST(test_groups_order)
{
	tree_minimal(&t, NULL);
	tree_write(&t, "conf.d/b.test/web", "name = 'b'\ngroup = 'b.test'\n"
	    "service = 'web'\n[KeyOpts]\n[X509]\nCN = 'b.test'\nO = 'B'\n"
	    "C = 'US'\nsans = ['b.test']\n");
	tree_write(&t, "conf.d/ssl-mgr.conf",
	    GROUPS
	    "[[groups]]\n    domain = 'b.test'\n    services = '*'\n"
	    "    active = true\n"
	    GROUPS);
	ck_assert_load(tree_load(&t, &c, &d), 0, &d);
	ck_assert_uint_eq(c.n_groups, 2);
	ck_assert_str_eq(c.groups[0].name, "example.test");
	ck_assert_str_eq(c.groups[1].name, "b.test");
	ck_assert_str_eq(c.groups[1].services[0]->service, "web");
	ck_assert_uint_eq(c.groups[1].configured.n, 1);
}
END_TEST

START_TEST(test_groups_errors)
{
	ck_assert_load(load_main(
	    "[[groups]]\n"
	    "    domain = '../etc'\n"
	    "    services = ['web']\n"
	    "    active = true\n"
	    "[[groups]]\n"
	    "    domain = 'example.test'\n"
	    "    services = ['web', 'a/b', 3]\n"
	    "    active = 'yes'\n"
	    "[[groups]]\n"
	    "    domain = 'example.test'\n"
	    "    services = 'web'\n"
	    "    active = true\n"
	    "    actve = true\n"), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:2: [[groups]] domain: '../etc' "
	    "is not a valid group name (1-253 characters of A-Z a-z 0-9 . _ -, "
	    "not starting with '.' or '-')");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:7: [[groups]] services[1]: "
	    "'a/b' is not a valid service name (1-253 characters of A-Z a-z "
	    "0-9 . _ -, not starting with '.' or '-')");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:7: [[groups]] services[2]: "
	    "expected a service name, got integer 3");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:8: [[groups]] active: expected "
	    "a boolean (true or false), got string 'yes'");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:11: [[groups]] services: "
	    "expected an array of service names, or '*' or 'ALL', got string "
	    "'web'");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:13: [[groups]] actve: "
	    "unknown key, ignored (did you mean 'active'?)");
	/* no "no active entry" on top: the entries' errors say it */
	ck_assert_errors(&d, 5);
}
END_TEST

START_TEST(test_groups_missing)
{
	ck_assert_load(load_main("clean_keep = 3\n"), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:1: [[groups]]: missing; no "
	    "group to run (add [[groups]] entries with active = true, or name "
	    "groups on the command line)");
	ck_assert_errors(&d, 1);
	/* [globals] still applied (quirk Q3 fixed) */
	ck_assert_int_eq(c.g.clean_keep, 3);
}
END_TEST

START_TEST(test_groups_missing_with_selection)
{
	const char *svc[] = { "web" };

	tree_minimal(&t, NULL);
	tree_write(&t, "conf.d/ssl-mgr.conf", "clean_keep = 3\n");
	ck_assert_load(tree_load_sel(&t, "example.test", svc, 1, &c, &d), 0, &d);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:1: [[groups]]: missing (the "
	    "groups named on the command line are used)");
	ck_assert_uint_eq(c.n_groups, 1);
	ck_assert(!c.groups[0].in_config);
	ck_assert_uint_eq(c.groups[0].configured.n, 0);
}
END_TEST

START_TEST(test_groups_bad_nesting)
{
	ck_assert_load(load_main("[groups]\n    domain = 'example.test'\n"
	    "[[globals]]\n    clean_keep = 1\n[[dns]]\n[ssh]\n"), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:1: [[groups]]: expected an "
	    "array of tables, got table (write [[groups]], not [...])");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:3: [globals]: expected a "
	    "table, got array (write [globals], not [[globals]])");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:5: [dns]: expected a table, "
	    "got array (write [dns], not [[...]])");
	ck_assert_errors(&d, 3);
}
END_TEST

/* ---- [[dns_primary]] ---- */

START_TEST(test_dns_primary_select)
{
	tree_minimal(&t, NULL);
	tree_write(&t, "conf.d/example.test/web",
	    "name = 'Web'\ngroup = 'example.test'\nservice = 'web'\n"
	    "dane_tls = [[443, 'tcp', 3, 1, 1]]\n"
	    "[X509]\nCN = 'example.test'\nO = 'E'\nC = 'US'\n"
	    "sans = ['example.test']\n");
	tree_write(&t, "conf.d/ssl-mgr.conf", GROUPS
	    "[[dns_primary]]\n    domain = '*'\n    server = '10.0.0.1'\n"
	    "    port = 53\n"
	    "[[dns_primary]]\n    domain = 'Example.TEST'\n"
	    "    server = '10.0.0.2'\n    port = 5353\n"
	    "[[dns_primary]]\n    domain = 'example.test'\n"
	    "    server = '10.0.0.3'\n    port = 53\n"
	    "[[dns_primary]]\n    domain = 'default'\n"
	    "    server = '10.0.0.4'\n    port = 53\n");
	ck_assert_load(tree_load(&t, &c, &d), 0, &d);
	ck_assert_uint_eq(c.n_dns_primary, 4);
	ck_assert(c.groups[0].needs_dns);
	ck_assert_ptr_nonnull(c.groups[0].dns_primary);
	/* first exact match, case-insensitive */
	ck_assert_str_eq(c.groups[0].dns_primary->server, "10.0.0.2");
	ck_assert_int_eq(c.groups[0].dns_primary->port, 5353);
}
END_TEST

START_TEST(test_dns_primary_fallback_last)
{
	ck_assert_load(load_main(GROUPS
	    "[[dns_primary]]\n    domain = '*'\n    server = '10.0.0.1'\n"
	    "    port = 53\n"
	    "[[dns_primary]]\n    domain = 'other.test'\n"
	    "    server = '10.0.0.2'\n    port = 53\n"
	    "[[dns_primary]]\n    domain = 'DEFAULT'\n"
	    "    server = '10.0.0.4'\n    port = 53\n"), 0, &d);
	ck_assert_str_eq(c.groups[0].dns_primary->server, "10.0.0.4");
	ck_assert(!c.groups[0].needs_dns);
}
END_TEST

START_TEST(test_dns_primary_errors)
{
	ck_assert_load(load_main(GROUPS
	    "[[dns_primary]]\n"			/* 5 */
	    "    domain = ''\n"
	    "    server = '10.0.0.1'\n"
	    "[[dns_primary]]\n"			/* 8 */
	    "    domain = 'default'\n"
	    "    port = '53'\n"
	    "[[dns_primary]]\n"			/* 11 */
	    "    domain = 'default'\n"
	    "    server = '10.0.0.1'\n"
	    "    port = 0\n"), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:6: [[dns_primary]] domain: "
	    "required, got '' (an apex domain, or 'default' / '*')");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:5: [[dns_primary]] port: "
	    "required, missing (1-65535)");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:8: [[dns_primary]] server: "
	    "required, missing (IP address or host name of the DNS server)");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:10: [[dns_primary]] port: "
	    "expected an integer, got string '53'");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:14: [[dns_primary]] port: must "
	    "be between 1 and 65535, got 0");
	ck_assert_errors(&d, 5);
	ck_assert_uint_eq(c.n_dns_primary, 0);
}
END_TEST

/* DANE needs a DNS server for the group: error naming the service. */
START_TEST(test_dns_primary_needed)
{
	tree_minimal(&t, NULL);
	tree_write(&t, "conf.d/example.test/web",
	    "name = 'Web'\ngroup = 'example.test'\nservice = 'web'\n"
	    "dane_tls = [[443, 'tcp', 3, 1, 1]]\n"
	    "[X509]\nCN = 'example.test'\nO = 'E'\nC = 'US'\n"
	    "sans = ['example.test']\n");
	tree_write(&t, "conf.d/ssl-mgr.conf", GROUPS
	    "[[dns_primary]]\n    domain = 'other.test'\n"
	    "    server = '10.0.0.2'\n    port = 53\n");
	ck_assert_load(tree_load(&t, &c, &d), -1, &d);
	ck_assert_error(&d, "conf.d/example.test/web:4: dane_tls: no "
	    "[[dns_primary]] entry matches group 'example.test' (add one with "
	    "domain = 'example.test' or 'default')");
	ck_assert_errors(&d, 1);
}
END_TEST

/* ---- [dns], server sections, [ssh] ---- */

START_TEST(test_sections_values)
{
	ck_assert_load(load_main(GROUPS DNSP
	    "[dns]\n"
	    "    restart_cmd = ['./hooks/record', '/usr/bin/dns-restart', '']\n"
	    "    acme_dir = './dns/include-acme'\n"
	    "    tlsa_dirs = ['./dns/internal/include-tlsa', '/var/tlsa', ]\n"
	    "    depends = ['dns']\n"
	    "    svc_depends = [['example.test', ['web']]]\n"
	    "    skip_prod_copy = true\n"
	    "[smtp]\n"
	    "    servers = []\n"
	    "    restart_cmd = './hooks/record  smtp-reload'\n"
	    "    svc_depends = [['example.test', ['mail-ec', 'mail-rsa']],\n"
	    "                   ['ANY', ['wild-ec']]]\n"
	    "    depends = ['dns', 'cert']\n"
	    "[web]\n"
	    "    servers = []\n"
	    "    restart_cmd = ['systemctl reload nginx', '  ', '/bin/true']\n"
	    "    svc_depends = ['any', ['web-ec', 'wild-ec']]\n"
	    "    server_dir = 'www'\n"
	    "    user = 'nginx'\n"
	    "    group = 'www-data'\n"
	    "    skip_prod_copy = true\n"), 0, &d);
	ck_assert(c.dns.present);
	ck_assert_uint_eq(c.dns.restart_cmd.n, 2);
	ck_assert_top_path(c.dns.restart_cmd.v[0], "hooks/record");
	ck_assert_str_eq(c.dns.restart_cmd.v[1], "/usr/bin/dns-restart");
	ck_assert_uint_eq(c.dns.acme_dirs.n, 1);
	ck_assert_top_path(c.dns.acme_dirs.v[0], "dns/include-acme");
	ck_assert_uint_eq(c.dns.tlsa_dirs.n, 2);
	ck_assert_top_path(c.dns.tlsa_dirs.v[0], "dns/internal/include-tlsa");
	ck_assert_str_eq(c.dns.tlsa_dirs.v[1], "/var/tlsa");
	ck_assert_uint_eq(c.dns.depends.n, 1);
	ck_assert_uint_eq(c.dns.n_svc_depends, 1);
	ck_assert(c.dns.skip_prod_copy);

	ck_assert(c.server[CONF_SERVER_SMTP].present);
	ck_assert_uint_eq(c.server[CONF_SERVER_SMTP].n_restart, 1);
	ck_assert_str_eq(c.server[CONF_SERVER_SMTP].restart[0].text,
	    "./hooks/record  smtp-reload");
	ck_assert_uint_eq(c.server[CONF_SERVER_SMTP].restart[0].argv.n, 2);
	ck_assert_str_eq(c.server[CONF_SERVER_SMTP].restart[0].argv.v[0],
	    "./hooks/record");
	ck_assert_str_eq(c.server[CONF_SERVER_SMTP].restart[0].argv.v[1],
	    "smtp-reload");
	ck_assert_top_path(c.server[CONF_SERVER_SMTP].restart[0].local_prog,
	    "hooks/record");
	/* every pair counts (quirk Q11 fixed) */
	ck_assert_uint_eq(c.server[CONF_SERVER_SMTP].n_svc_depends, 2);
	ck_assert_str_eq(c.server[CONF_SERVER_SMTP].svc_depends[0].domain,
	    "example.test");
	ck_assert(!c.server[CONF_SERVER_SMTP].svc_depends[0].any);
	ck_assert_uint_eq(c.server[CONF_SERVER_SMTP].svc_depends[0].services.n,
	    2);
	ck_assert(c.server[CONF_SERVER_SMTP].svc_depends[1].any);
	ck_assert_uint_eq(c.server[CONF_SERVER_SMTP].depends.n, 2);

	ck_assert_uint_eq(c.server[CONF_SERVER_WEB].n_restart, 2);
	ck_assert_str_eq(c.server[CONF_SERVER_WEB].restart[0].local_prog,
	    "systemctl");
	ck_assert_uint_eq(c.server[CONF_SERVER_WEB].restart[0].argv.n, 3);
	ck_assert_str_eq(c.server[CONF_SERVER_WEB].restart[1].text, "/bin/true");
	/* a single pair without the outer brackets */
	ck_assert_uint_eq(c.server[CONF_SERVER_WEB].n_svc_depends, 1);
	ck_assert(c.server[CONF_SERVER_WEB].svc_depends[0].any);
	ck_assert_uint_eq(c.server[CONF_SERVER_WEB].svc_depends[0].services.n,
	    2);
	ck_assert_top_path(c.server[CONF_SERVER_WEB].server_dir, "www");
	ck_assert_str_eq(c.server[CONF_SERVER_WEB].user, "nginx");
	ck_assert_str_eq(c.server[CONF_SERVER_WEB].group, "www-data");
	ck_assert(c.server[CONF_SERVER_WEB].skip_prod_copy);
	ck_assert(!c.server[CONF_SERVER_IMAP].present);
	ck_assert_uint_eq(d.n_warnings, 0);
}
END_TEST

START_TEST(test_sections_errors)
{
	ck_assert_load(load_main(GROUPS DNSP
	    "[dns]\n"				/* 9 */
	    "    restart_cmd = 5\n"
	    "    tlsa_dirs = 'x'\n"
	    "    svc_depends = [['a', 'b']]\n"
	    "[imap]\n"				/* 13 */
	    "    servers = ['mx1', '']\n"
	    "    skip_prod_copy = 'no'\n"
	    "    server_dir = '/x'\n"
	    "[web]\n"				/* 17 */
	    "    user = ''\n"
	    "    svc_depends = [['', ['x']], [['a'], ['x']], ['a', [1]]]\n"),
	    -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:10: [dns] restart_cmd: "
	    "expected a string or an array of strings, got integer 5");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:11: [dns] tlsa_dirs: expected "
	    "an array of strings, got string 'x'");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:12: [dns] svc_depends[0]: "
	    "expected a [domain, [service, ...]] pair, got array");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:9: [dns]: no acme_dir; "
	    "dns-01 validation cannot be used");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:14: [imap] servers[1]: empty "
	    "string");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:15: [imap] skip_prod_copy: "
	    "expected a boolean (true or false), got string 'no'");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:16: [imap] server_dir: "
	    "unknown key, ignored");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:18: [web] user: required, got "
	    "'' (owner of http-01 token files)");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:19: [web] svc_depends[0]: "
	    "empty domain (a group name, or '*', 'all', 'any')");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:19: [web] svc_depends[1]: "
	    "expected a [domain, [service, ...]] pair, got array");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:19: [web] svc_depends[2][1][0]: "
	    "expected a service name, got integer 1");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:17: [web]: no server_dir; "
	    "http-01 validation cannot be used");
	ck_assert_errors(&d, 9);
}
END_TEST

/* A TOP-relative prod_cert_dir cannot be mirrored to a remote host. */
START_TEST(test_prod_cert_dir_remote)
{
	ck_assert_load(load_main("prod_cert_dir = 'prod'\n" GROUPS
	    "[smtp]\n    servers = ['mx1.invalid']\n"), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:1: [globals] prod_cert_dir: "
	    "must be written as an absolute path without '..' when [smtp] "
	    "copies to the remote host 'mx1.invalid' (the mirror uses the same "
	    "path there)");
	ck_assert_errors(&d, 1);
}
END_TEST

START_TEST(test_prod_cert_dir_dotdot_remote)
{
	ck_assert_load(load_main("prod_cert_dir = '/srv/../prod'\n" GROUPS
	    "[other]\n    servers = ['localhost']\n"), -1, &d);
	ck_assert_errors(&d, 1);
}
END_TEST

START_TEST(test_prod_cert_dir_local_ok)
{
	char host[256], *text = NULL;

	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert_int_ne(asprintf(&text, "prod_cert_dir = 'prod'\n" GROUPS
	    "[smtp]\n    servers = ['%s']\n[imap]\n    servers = ['mx1']\n"
	    "    skip_prod_copy = true\n", host), -1);
	ck_assert_load(load_main(text), 0, &d);
	free(text);
}
END_TEST

START_TEST(test_ssh_values)
{
	ck_assert_load(load_main(GROUPS
	    "[ssh]\n"
	    "    config_file = ''\n"
	    "    user = 'deploy'\n"
	    "    port = 2222\n"
	    "    identity_files = ['~/.ssh/deploy', 'keys/id']\n"
	    "    known_hosts = ['/etc/known']\n"
	    "    strict_host_key_checking = 'accept-new'\n"
	    "    connect_timeout = 5\n"
	    "    command_timeout = 60\n"
	    "    max_parallel = 1\n"), 0, &d);
	ck_assert(c.ssh.present);
	ck_assert_str_eq(c.ssh.config_file, "");
	ck_assert(c.ssh.has_config_file);
	ck_assert_str_eq(c.ssh.user, "deploy");
	ck_assert_int_eq(c.ssh.port, 2222);
	ck_assert(c.ssh.has_port);
	ck_assert_uint_eq(c.ssh.identity_files.n, 2);
	ck_assert_str_eq(c.ssh.identity_files.v[0], "/home/tester/.ssh/deploy");
	ck_assert_top_path(c.ssh.identity_files.v[1], "keys/id");
	ck_assert_str_eq(c.ssh.known_hosts.v[0], "/etc/known");
	ck_assert_int_eq(c.ssh.strict, CONF_SSH_STRICT_ACCEPT_NEW);
	ck_assert_int_eq(c.ssh.connect_timeout, 5);
	ck_assert_int_eq(c.ssh.command_timeout, 60);
	ck_assert_int_eq(c.ssh.max_parallel, 1);
}
END_TEST

START_TEST(test_ssh_errors)
{
	ck_assert_load(load_main(GROUPS
	    "[ssh]\n"				/* 5 */
	    "    port = 70000\n"
	    "    strict_host_key_checking = 'maybe'\n"
	    "    connect_timeout = 0\n"
	    "    max_paralel = 2\n"), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:6: [ssh] port: must be between "
	    "1 and 65535, got 70000");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:7: [ssh] "
	    "strict_host_key_checking: unknown value 'maybe' (yes or "
	    "accept-new)");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:8: [ssh] connect_timeout: must "
	    "be 1 or more, got 0");
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:9: [ssh] max_paralel: "
	    "unknown key, ignored (did you mean 'max_parallel'?)");
	ck_assert_errors(&d, 3);
}
END_TEST

START_TEST(test_ssh_strict_no)
{
	ck_assert_load(load_main(GROUPS "[ssh]\n"
	    "    strict_host_key_checking = 'no'\n"), 0, &d);
	ck_assert_int_eq(c.ssh.strict, CONF_SSH_STRICT_YES);
	ck_assert_warning(&d, "conf.d/ssl-mgr.conf:6: [ssh] "
	    "strict_host_key_checking: 'no' is treated as 'yes'");
}
END_TEST

/* Server names reach ssh and argv: one [user@]host word, the grammar of
 * the SSH transport, so a bad entry fails before anything runs. */
#define NOT_HOST "is not a host name ([user@]host: letters, digits, '.', " \
	"'_', '-'; no brackets, spaces or leading '-')"
START_TEST(test_servers_host_names)
{
	ck_assert_load(load_main(GROUPS
	    "[other]\n"				/* 5 */
	    "    servers = ['root@mx1', '-oProxyCommand=x', 'a b', 'root@', "
	    "'[::1]', 'mx1:2222', 'fe80::1', 'x;y']\n"), -1, &d);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:6: [other] servers[1]: "
	    "'-oProxyCommand=x' " NOT_HOST);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:6: [other] servers[2]: 'a b' "
	    NOT_HOST);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:6: [other] servers[3]: 'root@' "
	    NOT_HOST);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:6: [other] servers[4]: '[::1]' "
	    NOT_HOST);
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:6: [other] servers[5]: "
	    "'mx1:2222': a port cannot be given here; set Port in a Host block "
	    "of the ssh config or [ssh] port");
	ck_assert_error(&d, "conf.d/ssl-mgr.conf:6: [other] servers[7]: 'x;y' "
	    NOT_HOST);
	ck_assert_errors(&d, 6);
}
END_TEST

/* Group ca looks up DNS with the local host's domain (config.md §3.5). */
START_TEST(test_dns_primary_ca_group)
{
	char host[256], *dom, *last, *text = NULL;

	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = '\0';
	dom = host;
	if ((last = strrchr(host, '.')) != NULL) {
		*last = '\0';
		dom = strrchr(host, '.') != NULL ? strrchr(host, '.') + 1 : host;
		*last = '.';
	}
	tree_write(&t, "conf.d/ca/root", "name = 'root'\ngroup = 'ca'\n"
	    "service = 'root'\ndane_tls = [[443, 'tcp', 3, 1, 1]]\n"
	    "[X509]\nCN = 'Root'\nO = 'E'\nC = 'US'\n"
	    "[CA]\nsign_end_days = 10\n");
	ck_assert_int_ne(asprintf(&text, "[[groups]]\n    domain = 'ca'\n"
	    "    services = ['root']\n    active = true\n"
	    "[[dns_primary]]\n    domain = 'ca'\n    server = '10.0.0.9'\n"
	    "    port = 53\n"
	    "[[dns_primary]]\n    domain = '%s'\n    server = '10.0.0.1'\n"
	    "    port = 53\n", dom), -1);
	tree_write(&t, "conf.d/ssl-mgr.conf", text);
	free(text);
	ck_assert_load(tree_load(&t, &c, &d), 0, &d);
	ck_assert(c.groups[0].needs_dns);
	ck_assert_str_eq(c.groups[0].dns_primary->server, "10.0.0.1");
}
END_TEST

/* $SSLM_CERTBOT counts even when ssl-mgr.conf does not parse. */
START_TEST(test_certbot_env_broken_main)
{
	setenv("SSLM_CERTBOT", "/opt/certbot", 1);
	ck_assert_load(load_main("[[groups]\n"), -1, &d);
	unsetenv("SSLM_CERTBOT");
	ck_assert_str_eq(c.g.certbot, "/opt/certbot");
	ck_assert_uint_eq(d.n_errors, 1);
}
END_TEST

/* A list that already holds errors: the result is about this load. */
START_TEST(test_diags_appended)
{
	struct conf c2;

	ck_assert_load(load_main("clean_keep = 'x'\n" GROUPS), -1, &d);
	conf_init(&c2);
	tree_write(&t, "conf.d/ssl-mgr.conf", GROUPS);
	ck_assert_load(tree_load(&t, &c2, &d), 0, &d);
	ck_assert_uint_eq(d.n_errors, 1);
	conf_clear(&c2);
}
END_TEST

Suite *
suite_config_sections(void)
{
	Suite *s = suite_create("config ssl-mgr.conf sections");
	TCase *pos = tcase_create("positive"), *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, setup, teardown);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_add_test(pos, test_dns_primary_ca_group);
	tcase_add_test(pos, test_diags_appended);
	tcase_add_test(pos, test_groups_rules);
	tcase_add_test(pos, test_groups_order);
	tcase_add_test(pos, test_groups_missing_with_selection);
	tcase_add_test(pos, test_dns_primary_select);
	tcase_add_test(pos, test_dns_primary_fallback_last);
	tcase_add_test(pos, test_sections_values);
	tcase_add_test(pos, test_prod_cert_dir_local_ok);
	tcase_add_test(pos, test_ssh_values);
	tcase_add_test(pos, test_ssh_strict_no);
	tcase_add_test(neg, test_servers_host_names);
	tcase_add_test(neg, test_certbot_env_broken_main);
	tcase_add_test(neg, test_groups_errors);
	tcase_add_test(neg, test_groups_missing);
	tcase_add_test(neg, test_groups_bad_nesting);
	tcase_add_test(neg, test_dns_primary_errors);
	tcase_add_test(neg, test_dns_primary_needed);
	tcase_add_test(neg, test_sections_errors);
	tcase_add_test(neg, test_prod_cert_dir_remote);
	tcase_add_test(neg, test_prod_cert_dir_dotdot_remote);
	tcase_add_test(neg, test_ssh_errors);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
