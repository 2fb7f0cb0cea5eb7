/*
 * Runner for the certbot-hook unit tests and the helpers they share: the
 * temp config tree and the fake certbot (see test_acme_hook.h).
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acme/acme.h"
#include "common/common.h"
#include "tests/unit/test_acme_hook.h"

extern char **environ;

static char root[64];

const char *
th_path(const char *fmt, ...)
{
	static char bufs[8][1024];
	static int i;
	char rel[900];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(rel), "path too long");
	i = (i + 1) % 8;
	n = snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", root, rel);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(bufs[i]), "path too long");
	return bufs[i];
}

void
th_write(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_msg(fp != NULL, "cannot create %s", path);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
}

const char *
th_read(const char *path)
{
	static char bufs[4][65536];
	static int i;
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	i = (i + 1) % 4;
	n = fread(bufs[i], 1, sizeof(bufs[i]) - 1, fp);
	bufs[i][n] = '\0';
	fclose(fp);
	return bufs[i];
}

int
th_lines(const char *path)
{
	const char *t = th_read(path);
	int n = 0;

	for (; t != NULL && *t != '\0'; t++)
		n += *t == '\n';
	return n;
}

const char *
th_data(const char *name)
{
	static char buf[1024];
	const char *src = getenv("SSLM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/data/acme/%s",
	    src != NULL && *src != '\0' ? src : ".", name);
	return buf;
}

static void
mkdirs(const char *rel)
{
	char *cmd[] = { "mkdir", "-p", (char *)th_path("%s", rel), NULL };
	pid_t pid = fork();
	int st;

	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(st, 0);
}

void
th_tree(int port, const char *web_server)
{
	char host[256], *conf;
	const char *svc;

	umask(022);
	strcpy(root, "/tmp/sslm-hook-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	mkdirs("conf.d/example.test");
	mkdirs("certs/example.test/web-wild/cb");
	mkdirs("certs/example.test/web-http/cb");
	if (*web_server == '\0') {
		ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
		host[sizeof(host) - 1] = '\0';
		host[strcspn(host, ".")] = '\0';
		web_server = host;
	}
	conf = str_printf(
	    "[globals]\n"
	    "    logdir = '%s/log'\n"
	    "    dns_check_delay = 0\n"
	    "    dns_check_max_wait = 2\n"
	    "    dns_xtra_ns = []\n"
	    "    dns_xtra_ns_max_wait = 0\n"
	    "[[dns_primary]]\n"
	    "    domain = 'example.test'\n"
	    "    server = '127.0.0.1'\n"
	    "    port = %d\n"
	    "[dns]\n"
	    "    restart_cmd = '%s/restart.sh'\n"
	    "    acme_dir = '%s/acme'\n"
	    "[web]\n"
	    "    servers = ['%s']\n"
	    "    server_dir = '%s/www'\n",
	    root, port, root, root, web_server, root);
	ck_assert_ptr_nonnull(conf);
	th_write(th_path("conf.d/ssl-mgr.conf"), conf);
	free(conf);
	th_write(th_path("conf.d/ca-info.conf"),
	    "[le-dns]\n    ca_type = 'certbot'\n    ca_validation = 'dns-01'\n"
	    "[le-http]\n    ca_type = 'certbot'\n    ca_validation = 'http-01'\n");
	/* case 01's service file, as the field case gives it */
	svc = th_read(th_data("01-wildcard-apex-txt.service.toml"));
	ck_assert_ptr_nonnull(svc);
	th_write(th_path("conf.d/example.test/web-wild"), svc);
	th_write(th_path("conf.d/example.test/web-http"),
	    "name = 'Example http'\ngroup = 'example.test'\nservice = 'web-http'\n"
	    "signing_ca = 'le-http'\n[X509]\n    CN = 'example.test'\n"
	    "    O = 'Example Test'\n    C = 'US'\n"
	    "    sans = ['example.test', 'www.example.test']\n");
	conf = str_printf("#!/bin/sh\necho \"$*\" >> '%s/restart.log'\n", root);
	ck_assert_ptr_nonnull(conf);
	th_write(th_path("restart.sh"), conf);
	free(conf);
	ck_assert_int_eq(chmod(th_path("restart.sh"), 0755), 0);
}

void
th_teardown(void)
{
	char *cmd[] = { "rm", "-rf", root, NULL };
	pid_t pid;
	int st;

	if (root[0] == '\0')
		return;
	if ((pid = fork()) == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	root[0] = '\0';
}

/* The hook, in the fake certbot's child. */
static void
hook_child(bool cleanup, const char *const *argv, const char *const *env,
    bool pid_env)
{
	char *args[8];
	sigset_t none;
	size_t n = 0;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* A clean certbot environment, whatever the test process has. */
	for (char **e = environ; e != NULL && *e != NULL;) {
		if (strncmp(*e, "CERTBOT_", 8) == 0 ||
		    strncmp(*e, "SSLM_CERTBOT_PID=", 17) == 0) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s",
			    (int)strcspn(*e, "="), *e);
			unsetenv(name);
			e = environ;
		} else
			e++;
	}
	setenv("SSL_MGR_TOPDIR", root, 1);
	for (size_t i = 0; env != NULL && env[i] != NULL; i++)
		putenv((char *)env[i]);
	if (pid_env) {
		char pid[32];

		snprintf(pid, sizeof(pid), "%ld", (long)getppid());
		setenv("SSLM_CERTBOT_PID", pid, 1);
	}
	/* The hook's messages go to a file a failing test can show. */
	if ((fd = open(th_path("hook.err"), O_WRONLY | O_CREAT | O_APPEND,
	    0644)) != -1) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	args[n++] = cleanup ? "sslm-cleanup-hook" : "sslm-auth-hook";
	for (size_t i = 0; argv[i] != NULL && n < 7; i++)
		args[n++] = (char *)argv[i];
	args[n] = NULL;
	_exit(cleanup ? acme_cleanup_hook((int)n, args) :
	    acme_auth_hook((int)n, args));
}

void
th_certbot(bool cleanup, const char *const *argv,
    const char *const *const *envs, size_t n, bool pid_env, struct th_run *out)
{
	pid_t certbot;
	int st, fds[2];

	fflush(NULL);
	ck_assert_int_eq(pipe(fds), 0);
	certbot = fork();
	ck_assert_int_ne(certbot, -1);
	if (certbot == 0) {
		sigset_t term, pending;

		/* Blocked, so a SIGTERM from the hook stays pending and can
		 * be seen after the hook has ended. */
		close(fds[0]);
		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
		sigprocmask(SIG_BLOCK, &term, NULL);
		for (size_t i = 0; i < n; i++) {
			int res[2], hst;
			pid_t hook = fork();

			if (hook == 0)
				hook_child(cleanup, argv, envs[i], pid_env);
			if (hook == -1 || waitpid(hook, &hst, 0) != hook)
				_exit(1);
			sigpending(&pending);
			res[0] = WIFEXITED(hst) ? WEXITSTATUS(hst) : -1;
			res[1] = sigismember(&pending, SIGTERM);
			if (write(fds[1], res, sizeof(res)) != sizeof(res))
				_exit(1);
			/* a real certbot ends here */
			if (res[1])
				break;
		}
		_exit(0);
	}
	close(fds[1]);
	for (size_t i = 0; i < n; i++) {
		int res[2];

		out[i].certbot_pid = (long)certbot;
		if (read(fds[0], res, sizeof(res)) != sizeof(res)) {
			out[i].rc = -2;		/* never run: certbot stopped */
			out[i].term = false;
			continue;
		}
		out[i].rc = res[0];
		out[i].term = res[1] != 0;
	}
	close(fds[0]);
	ck_assert_int_eq(waitpid(certbot, &st, 0), certbot);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "fake certbot failed");
}

void
th_run_hook(bool cleanup, const char *const *argv, const char *const *env,
    bool pid_env, struct th_run *out)
{
	const char *const *envs[1] = { env };

	th_certbot(cleanup, argv, envs, 1, pid_env, out);
}

void
th_auth(const char *service, const char *const *env, struct th_run *out)
{
	const char *argv[] = { "example.test", service, NULL };

	th_run_hook(false, argv, env, true, out);
}

int
main(void)
{
	SRunner *sr = srunner_create(hook_auth_suite());
	int failed;

	srunner_add_suite(sr, hook_dns_suite());
	srunner_add_suite(sr, hook_http_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
