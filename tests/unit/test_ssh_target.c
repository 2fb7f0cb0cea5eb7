/* Target resolution (ssh_target.c), the local-host rule (host.c), the
 * remote command line (ssh_exec.c). */
#include "config.h"

#include <check.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/conf.h"
#include "deploy/ssh_int.h"
#include "tests/unit/test_ssh.h"

/* [ssh] as the config loader leaves it when nothing is written. */
static void
cs_defaults(struct conf_ssh *cs, const char *config_file)
{
	memset(cs, 0, sizeof(*cs));
	strvec_init(&cs->identity_files);
	strvec_init(&cs->known_hosts);
	cs->config_file = (char *)config_file;
	cs->port = 22;
	cs->connect_timeout = 30;
	cs->command_timeout = 300;
	cs->max_parallel = 8;
	strvec_push(&cs->identity_files, "/home/u/.ssh/id_ed25519");
	strvec_push(&cs->known_hosts, "/home/u/.ssh/known_hosts");
}

static void
cs_clear(struct conf_ssh *cs)
{
	strvec_clear(&cs->identity_files);
	strvec_clear(&cs->known_hosts);
}

static const char *cfg_text =
    "Host mail.test\n"
    "  HostName 127.0.0.4\n"
    "  Port 2222\n"
    "  User cfguser\n"
    "  IdentityFile /keys/%h\n"
    "  UserKnownHostsFile /kh/%h\n"
    "  StrictHostKeyChecking accept-new\n"
    "  ConnectTimeout 9\n";

START_TEST(config_file_then_defaults)
{
	struct conf_ssh cs;
	struct ssh_target t;
	struct sslm_err err;
	struct passwd *pw = getpwuid(geteuid());

	cs_defaults(&cs, ts_write("config", cfg_text));
	ssh_target_init(&t);
	ck_assert_int_eq(ssh_target_resolve(&cs, "mail.test", &t, NULL, &err), 0);
	ck_assert_str_eq(t.name, "mail.test");
	ck_assert_str_eq(t.host, "mail.test");
	ck_assert_str_eq(t.hostname, "127.0.0.4");
	ck_assert_str_eq(t.user, "cfguser");
	ck_assert_int_eq(t.port, 2222);
	ck_assert_str_eq(t.identity_files.v[0], "/keys/127.0.0.4");
	ck_assert_str_eq(t.known_hosts.v[0], "/kh/127.0.0.4");
	ck_assert(t.accept_new);
	ck_assert_int_eq(t.connect_timeout, 9);
	ck_assert_int_eq(t.command_timeout, 300);
	/* a host the file does not name: the defaults */
	ck_assert_int_eq(ssh_target_resolve(&cs, "web.test", &t, NULL, &err), 0);
	ck_assert_str_eq(t.hostname, "web.test");
	ck_assert_str_eq(t.user, pw->pw_name);
	ck_assert_int_eq(t.port, 22);
	ck_assert_str_eq(t.identity_files.v[0], "/home/u/.ssh/id_ed25519");
	ck_assert(!t.accept_new);
	ck_assert_int_eq(t.connect_timeout, 30);
	ssh_target_clear(&t);
	cs_clear(&cs);
}
END_TEST

START_TEST(ssh_section_wins_user_at_host_wins_all)
{
	struct conf_ssh cs;
	struct ssh_target t;
	struct sslm_err err;

	cs_defaults(&cs, ts_write("config", cfg_text));
	cs.user = "sectionuser";
	cs.port = 2022;
	cs.has_port = true;
	cs.strict = CONF_SSH_STRICT_YES;
	cs.has_strict = true;
	cs.connect_timeout = 3;
	cs.has_connect_timeout = true;
	cs.has_identity_files = true;
	cs.has_known_hosts = true;
	ssh_target_init(&t);
	ck_assert_int_eq(ssh_target_resolve(&cs, "mail.test", &t, NULL, &err), 0);
	ck_assert_str_eq(t.user, "sectionuser");
	ck_assert_int_eq(t.port, 2022);
	ck_assert(!t.accept_new);
	ck_assert_int_eq(t.connect_timeout, 3);
	ck_assert_str_eq(t.identity_files.v[0], "/home/u/.ssh/id_ed25519");
	ck_assert_str_eq(t.known_hosts.v[0], "/home/u/.ssh/known_hosts");
	ck_assert_str_eq(t.hostname, "127.0.0.4");	/* not an [ssh] key */
	ck_assert_int_eq(ssh_target_resolve(&cs, "admin@mail.test", &t, NULL,
	    &err), 0);
	ck_assert_str_eq(t.user, "admin");
	ck_assert_str_eq(t.host, "mail.test");
	ck_assert_str_eq(t.name, "admin@mail.test");
	ssh_target_clear(&t);
	cs_clear(&cs);
}
END_TEST

START_TEST(bad_server_entries)
{
	static const char *const bad[] = { "", "-oProxyCommand=x", "user@-x",
	    "a b", "host;rm", "@host", "us er@host", "host/x", "h\tx" };
	struct conf_ssh cs;
	struct ssh_target t;
	struct sslm_err err;

	cs_defaults(&cs, "");
	ssh_target_init(&t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(ssh_target_resolve(&cs, bad[i], &t, NULL, &err) == -1,
		    "'%s' accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "server entry"));
		ck_assert_ptr_null(t.name);
	}
	/* a config file with a bad value: the error names it */
	cs.config_file = (char *)ts_write("config", "Host *\n  Port x\n");
	ck_assert_int_eq(ssh_target_resolve(&cs, "ok.test", &t, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "config:2: Port 'x'"));
	cs_clear(&cs);
}
END_TEST

START_TEST(local_host_rule)
{
	char name[256], shortname[256], *up, *at;

	ck_assert_int_eq(gethostname(name, sizeof(name)), 0);
	snprintf(shortname, sizeof(shortname), "%.*s", (int)strcspn(name, "."), name);
	ck_assert(deploy_host_is_local(name));
	ck_assert(deploy_host_is_local(shortname));
	up = str_dup(name);
	for (char *p = up; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	ck_assert(deploy_host_is_local(up));
	at = str_printf("root@%s", name);
	ck_assert(!deploy_host_is_local(at));	/* user@host: always remote */
	ck_assert(!deploy_host_is_local("localhost"));
	ck_assert(!deploy_host_is_local("127.0.0.1"));
	ck_assert(!deploy_host_is_local("::1"));
	ck_assert(!deploy_host_is_local("surely-not-this-host.invalid"));
	free(up);
	free(at);
}
END_TEST

START_TEST(remote_command_line)
{
	struct strvec argv;
	char *s;

	strvec_init(&argv);
	strvec_push(&argv, "/usr/bin/systemctl");
	strvec_push(&argv, "reload");
	strvec_push(&argv, "postfix");
	s = ssh_join_argv(&argv);
	ck_assert_str_eq(s, "/usr/bin/systemctl reload postfix");
	free(s);
	strvec_clear(&argv);
	s = ssh_join_argv(&argv);
	ck_assert_str_eq(s, "");
	free(s);
	s = remote_quote("it's /a b");
	ck_assert_str_eq(s, "'it'\\''s /a b'");
	free(s);
}
END_TEST

TCase *
ssh_target_tcase(void)
{
	TCase *tc = tcase_create("targets");

	tcase_add_checked_fixture(tc, ts_setup, ts_teardown);
	tcase_add_test(tc, config_file_then_defaults);
	tcase_add_test(tc, ssh_section_wins_user_at_host_wins_all);
	tcase_add_test(tc, bad_server_entries);
	tcase_add_test(tc, local_host_rule);
	tcase_add_test(tc, remote_command_line);
	return tc;
}
