/*
 * http-01 (dns.md §5): the token file under [web] server_dir for a web
 * server on this host, its list in cb/web-tokens, a remote server that
 * cannot be reached, and the cleanup. Delivery over SFTP to real sshd
 * hosts is proven by tests/e2e/deploy.sh.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acme/acme.h"
#include "acme/hook_int.h"
#include "deploy/deploy.h"
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

/* A tree whose only [web] server is server, reached through a test ssh
 * config that sends ssh_host to 127.0.0.1 port 9 (discard: nothing
 * listens, so the refusal is immediate and no other address is used). */
static void
remote_tree(const char *server, const char *ssh_host)
{
	char *text;

	th_tree(9, server);
	text = str_printf("Host %s\n  HostName 127.0.0.1\n  Port 9\n", ssh_host);
	ck_assert_ptr_nonnull(text);
	th_write(th_path("ssh_config"), text);
	free(text);
	text = str_printf("%s\n[ssh]\nconfig_file = '%s'\nconnect_timeout = 5\n",
	    th_read(th_path("conf.d/ssl-mgr.conf")), th_path("ssh_config"));
	ck_assert_ptr_nonnull(text);
	th_write(th_path("conf.d/ssl-mgr.conf"), text);
	free(text);
}

/* An address is always a remote server (distribution.md §1): the token
 * goes over SSH, and a server that cannot be reached stops certbot rather
 * than leaving it to fail a validation; nothing is written locally. The
 * error names the server and the token's path. */
START_TEST(remote_server_unreachable)
{
	struct th_run r;
	const char *st;

	remote_tree("root@127.0.0.1", "127.0.0.1");
	th_auth("web-http", http_env, &r);
	ck_assert_int_eq(r.rc, 1);
	ck_assert(r.term);
	st = th_read(th_path(CB_HTTP "/auth-status"));
	ck_assert_msg(strstr(st, "web server root@127.0.0.1") != NULL,
	    "auth-status: %s", st);
	ck_assert_msg(strstr(st, "/.well-known/acme-challenge/" TOKEN " on web "
	    "server root@127.0.0.1: cannot connect") != NULL, "auth-status: %s",
	    st);
	ck_assert_ptr_null(th_read(th_path(TPATH)));
	ck_assert_ptr_null(th_read(th_path(CB_HTTP "/web-tokens")));
}
END_TEST

/* user@<this host> names this host's sshd, not the local file system: it is
 * remote like any user@host entry (the one rule of distribution.md §1). */
START_TEST(user_at_this_host_is_remote)
{
	char host[256], server[300];
	struct th_run r;
	const char *st;

	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	snprintf(server, sizeof(server), "web@%s", host);
	ck_assert(hook_host_is_local(host));
	ck_assert(!hook_host_is_local(server));
	remote_tree(server, host);
	th_auth("web-http", http_env, &r);
	ck_assert_int_eq(r.rc, 1);
	ck_assert(r.term);
	st = th_read(th_path(CB_HTTP "/auth-status"));
	ck_assert_msg(strstr(st, server) != NULL, "auth-status: %s", st);
	ck_assert_ptr_null(th_read(th_path(TPATH)));
}
END_TEST

/* The hook asks the transport's rule, so copies, restarts and tokens never
 * disagree about which entry is this host. */
START_TEST(local_rule_is_the_transports)
{
	char host[256], up[256], at[300];
	const char *names[] = { host, up, at, "localhost", "LOCALHOST",
	    "127.0.0.1", "::1", "127.0.0.5", "surely-not-this-host.invalid",
	    "" };

	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = '\0';
	for (size_t i = 0; i <= strlen(host); i++)
		up[i] = (char)(host[i] >= 'a' && host[i] <= 'z' ?
		    host[i] - 'a' + 'A' : host[i]);
	snprintf(at, sizeof(at), "root@%s", host);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(hook_host_is_local(names[i]) ==
		    deploy_host_is_local(names[i]), "%s", names[i]);
	ck_assert(hook_host_is_local(host));
	ck_assert(hook_host_is_local(up));	/* host names ignore case */
	ck_assert(!hook_host_is_local(at));
	ck_assert(!hook_host_is_local("localhost"));
	ck_assert(!hook_host_is_local("127.0.0.1"));
}
END_TEST

/* Cleanup with a remote server down: every token is reported (path and
 * server), the hook fails, and the list is still emptied (dns.md §5.3: a
 * leftover token is harmless, a stale list would be retried forever). */
START_TEST(cleanup_remote_unreachable)
{
	const char *argv[] = { "example.test", "web-http", NULL };
	const char *cenv[] = { "CERTBOT_TOKEN=" TOKEN, NULL };
	char list[2400];
	struct th_run r;
	const char *log;

	remote_tree("root@127.0.0.1", "127.0.0.1");
	snprintf(list, sizeof(list), "%s\n%s\n", th_path(TPATH),
	    th_path("www/example.test/.well-known/acme-challenge/other"));
	th_write(th_path(CB_HTTP "/web-tokens"), list);
	th_run_hook(true, argv, cenv, true, &r);
	ck_assert_int_ne(r.rc, 0);
	ck_assert(!r.term);		/* certbot is done: nothing to stop */
	ck_assert_str_eq(th_read(th_path(CB_HTTP "/web-tokens")), "");
	log = th_read(th_path("hook.err"));
	ck_assert_ptr_nonnull(log);
	ck_assert_msg(strstr(log, "acme-challenge/" TOKEN " on web server "
	    "root@127.0.0.1: cannot connect") != NULL, "hook.err: %s", log);
	ck_assert_msg(strstr(log, "acme-challenge/other on web server "
	    "root@127.0.0.1: cannot connect") != NULL, "hook.err: %s", log);
	ck_assert_msg(strstr(log, "2 http-01 token file(s) could not be "
	    "removed") != NULL, "hook.err: %s", log);
}
END_TEST

/* A loopback TCP server in a child that closes every connection at once
 * and reports each one as a byte on a pipe: how often the hook dialled. */
struct dialled {
	pid_t pid;
	int port;
	int count_fd;
};

static void
dialled_start(struct dialled *d)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int ls, fds[2];

	ls = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(ls, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(ls, 16), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&a, &al), 0);
	d->port = ntohs(a.sin_port);
	ck_assert_int_eq(pipe(fds), 0);
	fflush(NULL);
	d->pid = fork();
	ck_assert_int_ne(d->pid, -1);
	if (d->pid == 0) {
		/* Check's handler would pass the signal on to the test */
		signal(SIGTERM, SIG_DFL);
		close(fds[0]);
		for (;;) {
			int s = accept(ls, NULL, NULL);

			if (s == -1)
				_exit(0);
			close(s);
			if (write(fds[1], "c", 1) != 1)
				_exit(1);
		}
	}
	close(ls);
	close(fds[1]);
	d->count_fd = fds[0];
}

static int
dialled_stop(struct dialled *d)
{
	char buf[64];
	ssize_t n;
	int count = 0, st;

	ck_assert_int_eq(kill(d->pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(d->pid, &st, 0), d->pid);
	while ((n = read(d->count_fd, buf, sizeof(buf))) > 0)
		count += (int)n;
	close(d->count_fd);
	return count;
}

/* One connection per server per hook run: a server that failed is not
 * dialled again for the next token (each would wait for the timeout). */
START_TEST(cleanup_dials_each_server_once)
{
	const char *argv[] = { "example.test", "web-http", NULL };
	const char *cenv[] = { "CERTBOT_TOKEN=" TOKEN, NULL };
	char list[4000], *text;
	struct dialled d;
	struct th_run r;

	dialled_start(&d);
	remote_tree("root@127.0.0.1", "127.0.0.1");
	text = str_printf("Host 127.0.0.1\n  Port %d\n", d.port);
	ck_assert_ptr_nonnull(text);
	th_write(th_path("ssh_config"), text);
	free(text);
	snprintf(list, sizeof(list), "%s\n%s\n%s\n", th_path(TPATH),
	    th_path("www/example.test/.well-known/acme-challenge/b"),
	    th_path("www/example.test/.well-known/acme-challenge/c"));
	th_write(th_path(CB_HTTP "/web-tokens"), list);
	th_run_hook(true, argv, cenv, true, &r);
	ck_assert_int_eq(dialled_stop(&d), 1);
	ck_assert_int_ne(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(th_read(th_path("hook.err")),
	    "3 http-01 token file(s) could not be removed"));
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
	/* outside; "..": in the middle, at the end; a name that only
	 * contains dots is fine */
	snprintf(list, sizeof(list), "%s\n%s/../victim\n%s/..\n%s\n",
	    th_path("victim"), th_path("www"), th_path("www"),
	    th_path("www/a..b"));
	th_write(th_path(CB_HTTP "/web-tokens"), list);
	th_run_hook(true, argv, cenv, true, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(th_read(th_path("victim")), "keep\n");
	ck_assert_ptr_nonnull(strstr(th_read(th_path("hook.err")),
	    "/www/../victim is not under [web] server_dir"));
	ck_assert_ptr_nonnull(strstr(th_read(th_path("hook.err")),
	    "/www/.. is not under [web] server_dir"));
	ck_assert_ptr_null(strstr(th_read(th_path("hook.err")),
	    "a..b is not under"));
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
	tcase_add_test(neg, user_at_this_host_is_remote);
	tcase_add_test(neg, cleanup_remote_unreachable);
	tcase_add_test(neg, cleanup_dials_each_server_once);
	tcase_add_test(pos, local_rule_is_the_transports);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
