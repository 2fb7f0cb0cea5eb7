/*
 * Running other programs: fork + exec of an argv array, never a shell.
 *
 * The child gets its own process group so a timeout can kill everything it
 * started; its stdout and stderr are read through pipes in one poll() loop
 * (reading both at once, so a child filling one pipe while we wait on the
 * other cannot deadlock). A CLOEXEC pipe carries errno back from a failed
 * chdir or exec, which tells "could not start" apart from a program that
 * itself exits with 127.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"

extern char **environ;

#define READ_CHUNK  65536
#define TICK_MS     100     /* child-exit check interval without pidfd */

/* What the child reports before _exit(127). */
enum child_stage { STAGE_SETUP, STAGE_CHDIR, STAGE_EXEC };
struct child_report {
	int stage;
	int errnum;
};

struct capbuf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
	bool truncated;
};

void
proc_result_init(struct proc_result *res)
{
	memset(res, 0, sizeof(*res));
	res->status = PROC_EXEC_FAILED;
	res->exit_code = -1;
}

void
proc_result_clear(struct proc_result *res)
{
	free(res->out);
	free(res->err_out);
	proc_result_init(res);
}

bool
proc_result_ok(const struct proc_result *res)
{
	return res->status == PROC_EXITED && res->exit_code == 0;
}

const char *
proc_result_describe(const struct proc_result *res, char *buf, size_t len)
{
	switch (res->status) {
	case PROC_EXITED:
		snprintf(buf, len, "exited with status %d", res->exit_code);
		break;
	case PROC_SIGNALLED:
		snprintf(buf, len, "killed by signal %d (%s)", res->signal,
		    strsignal(res->signal));
		break;
	case PROC_TIMEOUT:
		snprintf(buf, len, "timed out after %u s and was killed",
		    res->timeout);
		break;
	case PROC_EXEC_FAILED:
	default:
		snprintf(buf, len, "could not be started");
		break;
	}
	return buf;
}

int
proc_split_words(const char *cmd, struct strvec *out)
{
	static const char ws[] = " \t\n\r\v\f";
	const char *p = cmd;

	for (;;) {
		size_t n;

		p += strspn(p, ws);
		if (*p == '\0')
			return 0;
		n = strcspn(p, ws);
		if (strvec_push_owned(out, strndup(p, n)) == -1)
			return -1;
		p += n;
	}
}

/* The inherited environment with opts' entries added or replacing; the
 * array is new, the strings are borrowed. Built before fork so the child
 * never allocates. */
static char **
build_env(const char *const *extra, struct sslm_err *err)
{
	size_t nenv = 0, nextra = 0, n = 0;
	char **envp;

	for (; environ != NULL && environ[nenv] != NULL; nenv++)
		;
	for (; extra != NULL && extra[nextra] != NULL; nextra++) {
		const char *eq = strchr(extra[nextra], '=');

		if (eq == NULL || eq == extra[nextra]) {
			sslm_err_set(err, "internal error: environment entry \"%s\" "
			    "is not NAME=value", extra[nextra]);
			return NULL;
		}
	}
	if ((envp = calloc(nenv + nextra + 1, sizeof(*envp))) == NULL) {
		sslm_err_set(err, "out of memory building a child's environment");
		return NULL;
	}
	for (size_t i = 0; i < nenv; i++) {
		bool replaced = false;

		for (size_t j = 0; j < nextra && !replaced; j++) {
			size_t klen = (size_t)(strchr(extra[j], '=') - extra[j]) + 1;

			replaced = strncmp(environ[i], extra[j], klen) == 0;
		}
		if (!replaced)
			envp[n++] = environ[i];
	}
	for (size_t j = 0; j < nextra; j++)
		envp[n++] = (char *)extra[j];
	envp[n] = NULL;
	return envp;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Only async-signal-safe calls from here to exec: the parent may have
 * threads, and their locks are frozen in the child. */
static void
child_report(int fd, int stage, int errnum)
{
	struct child_report r = { .stage = stage, .errnum = errnum };
	ssize_t n;

	do
		n = write(fd, &r, sizeof(r));
	while (n == -1 && errno == EINTR);
	_exit(127);
}

static void
run_child(const char *const argv[], char **envp, const struct proc_opts *o,
    int nullfd, int outw, int errw, int report)
{
	struct sigaction sa;
	sigset_t none;
	int fds[3] = { nullfd, outw, errw };

	(void)setpgid(0, 0);
	/* Move the sources above 2 first, so that dup2 onto 0..2 can neither
	 * clobber one of them nor keep a CLOEXEC flag (when src == target). */
	for (int i = 0; i < 3; i++)
		if (fds[i] != -1 && (fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3)) == -1)
			child_report(report, STAGE_SETUP, errno);
	for (int i = 0; i < 3; i++)
		if (fds[i] != -1 && dup2(fds[i], i) == -1)
			child_report(report, STAGE_SETUP, errno);
#ifdef CLOSE_RANGE_CLOEXEC
	/* Descriptors some library opened without CLOEXEC must not leak into
	 * daemons started by restart commands. */
	(void)close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
	/* Ignored signals stay ignored across exec; give the program the
	 * defaults it expects (e.g. SIGPIPE). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (o->cwd != NULL && chdir(o->cwd) == -1)
		child_report(report, STAGE_CHDIR, errno);
	execvpe(argv[0], (char *const *)argv, envp);
	child_report(report, STAGE_EXEC, errno);
}

static void
cap_append(struct capbuf *b, const char *data, size_t n)
{
	size_t room;

	if (b->len + n > b->max) {
		b->truncated = true;
		n = b->max - b->len;
	}
	if (n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap == 0 ? 4096 : b->cap;
		char *nd;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		if (ncap > b->max + 1)
			ncap = b->max + 1;
		if ((nd = realloc(b->data, ncap)) == NULL) {
			/* Keep what we have; the output is then incomplete. */
			b->truncated = true;
			return;
		}
		b->data = nd;
		b->cap = ncap;
	}
	room = b->cap - 1 - b->len;
	if (n > room)
		n = room;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Read what is available; close *fd at EOF or on error. Bytes beyond the
 * limit are read anyway (and dropped) so the child never blocks on a full
 * pipe. drain: keep reading until the pipe is empty. */
static void
cap_read(int *fd, struct capbuf *b, bool drain)
{
	char chunk[READ_CHUNK];

	while (*fd != -1) {
		ssize_t n = read(*fd, chunk, sizeof(chunk));

		if (n > 0) {
			cap_append(b, chunk, (size_t)n);
			if (drain)
				continue;
			return;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		close(*fd);
		*fd = -1;
	}
}

static char *
cap_take(struct capbuf *b)
{
	char *d = b->data;

	if (d == NULL)
		d = calloc(1, 1);
	b->data = NULL;
	return d;
}

static int
open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* Has the child exited? Leaves it a zombie (WNOWAIT), so its PID, which is
 * also its process group ID, cannot be reused before we signal the group. */
static bool
child_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
		return errno == ECHILD;
	return si.si_pid == pid;
}

static void
reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		;
}

/* Wait for the child while collecting its output and enforcing the
 * deadline. Returns whether the deadline was hit. */
static bool
supervise(pid_t pid, const struct proc_opts *o, int *outfd, int *errfd,
    struct capbuf *out, struct capbuf *errb)
{
	enum { RUNNING, TERMINATED, KILLED } phase = RUNNING;
	int64_t deadline = o->timeout > 0 ? now_ms() + (int64_t)o->timeout * 1000 : -1;
	int pidfd = open_pidfd(pid);
	bool timed_out = false;

	for (;;) {
		struct pollfd pfd[3];
		int nfds = 0, wait_ms = -1, io = -1, ie = -1;

		if (*outfd != -1) {
			io = nfds;
			pfd[nfds++] = (struct pollfd){ .fd = *outfd, .events = POLLIN };
		}
		if (*errfd != -1) {
			ie = nfds;
			pfd[nfds++] = (struct pollfd){ .fd = *errfd, .events = POLLIN };
		}
		if (pidfd != -1)	/* readable once the child has exited */
			pfd[nfds++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			wait_ms = left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
		}
		if (pidfd == -1 && (wait_ms < 0 || wait_ms > TICK_MS))
			wait_ms = TICK_MS;
		if (poll(pfd, (nfds_t)nfds, wait_ms) == -1 && errno != EINTR) {
			/* Cannot watch it any more: stop it rather than hang. */
			kill(-pid, SIGKILL);
			phase = KILLED;
		}
		if (io != -1 && pfd[io].revents != 0)
			cap_read(outfd, out, false);
		if (ie != -1 && pfd[ie].revents != 0)
			cap_read(errfd, errb, false);
		if (child_exited(pid)) {
			/* A timed-out group loses its stragglers too; a normal
			 * exit leaves daemons the program started alone. */
			if (timed_out)
				kill(-pid, SIGKILL);
			break;
		}
		if (deadline >= 0 && now_ms() >= deadline) {
			if (phase == RUNNING) {
				timed_out = true;
				kill(-pid, SIGTERM);
				phase = TERMINATED;
				deadline = now_ms() + PROC_KILL_GRACE * 1000;
			} else if (phase == TERMINATED) {
				kill(-pid, SIGKILL);
				phase = KILLED;
				deadline = -1;
			}
		}
	}
	/* What the child wrote before exiting is in the pipes; anything a
	 * left-behind daemon writes later is not ours to wait for. */
	cap_read(outfd, out, true);
	cap_read(errfd, errb, true);
	if (pidfd != -1)
		close(pidfd);
	return timed_out;
}

int
proc_run(const char *const argv[], const struct proc_opts *opts,
    struct proc_result *res, struct sslm_err *err)
{
	static const struct proc_opts defaults;
	const struct proc_opts *o = opts != NULL ? opts : &defaults;
	struct capbuf out = { 0 }, errb = { 0 };
	struct child_report report;
	char **envp = NULL;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, rep[2] = { -1, -1 };
	int nullfd = -1, status = 0, rc = -1;
	bool timed_out;
	ssize_t n;
	pid_t pid;

	proc_result_init(res);
	res->timeout = o->timeout;
	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0') {
		sslm_err_set(err, "internal error: cannot run an empty command");
		goto out;
	}
	out.max = errb.max = o->max_capture > 0 ? o->max_capture : PROC_CAPTURE_MAX;
	if ((envp = build_env(o->env, err)) == NULL)
		goto out;
	if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		sslm_err_errno(err, errno, "cannot run %s: cannot open /dev/null",
		    argv[0]);
		goto out;
	}
	if (pipe2(rep, O_CLOEXEC) == -1 ||
	    (!o->inherit_output && (pipe2(outp, O_CLOEXEC) == -1 ||
	    pipe2(errp, O_CLOEXEC) == -1))) {
		sslm_err_errno(err, errno, "cannot run %s: cannot create a pipe",
		    argv[0]);
		goto out;
	}
	/* Our buffered output must come before the child's. */
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		sslm_err_errno(err, errno, "cannot run %s: fork failed", argv[0]);
		goto out;
	}
	if (pid == 0)
		run_child(argv, envp, o, nullfd, outp[1], errp[1], rep[1]);
	(void)setpgid(pid, pid);        /* the child does it too; either wins */
	close(rep[1]);
	rep[1] = -1;
	if (outp[1] != -1) {
		close(outp[1]);
		outp[1] = -1;
		close(errp[1]);
		errp[1] = -1;
		/* Non-blocking, so the final drain cannot hang on a pipe a
		 * daemon of the child still holds open. */
		(void)fcntl(outp[0], F_SETFL, O_NONBLOCK);
		(void)fcntl(errp[0], F_SETFL, O_NONBLOCK);
	}

	/* EOF here means exec succeeded (the CLOEXEC end closed). */
	do
		n = read(rep[0], &report, sizeof(report));
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof(report)) {
		reap(pid, &status);
		res->exit_code = 127;
		if (report.stage == STAGE_CHDIR)
			sslm_err_set(err, "cannot run %s: cannot change to directory "
			    "%s: %s", argv[0], o->cwd, strerror(report.errnum));
		else if (report.stage == STAGE_EXEC)
			sslm_err_set(err, "cannot run %s: %s%s", argv[0],
			    strerror(report.errnum), report.errnum == ENOENT ?
			    " (check the program name and PATH)" : "");
		else
			sslm_err_set(err, "cannot run %s: setting up its standard "
			    "input and output failed: %s", argv[0],
			    strerror(report.errnum));
		goto out;
	}

	timed_out = supervise(pid, o, &outp[0], &errp[0], &out, &errb);
	reap(pid, &status);
	if (timed_out) {
		res->status = PROC_TIMEOUT;
	} else if (WIFSIGNALED(status)) {
		res->status = PROC_SIGNALLED;
	} else {
		res->status = PROC_EXITED;
	}
	if (WIFEXITED(status))
		res->exit_code = WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		res->signal = WTERMSIG(status);
	if (!o->inherit_output) {
		res->out_truncated = out.truncated;
		res->err_truncated = errb.truncated;
		res->out_len = out.len;
		res->err_len = errb.len;
		res->out = cap_take(&out);
		res->err_out = cap_take(&errb);
		if (res->out == NULL || res->err_out == NULL) {
			sslm_err_set(err, "out of memory collecting the output of %s",
			    argv[0]);
			goto out;
		}
	}
	rc = 0;
 out:
	for (int i = 0; i < 2; i++) {
		if (outp[i] != -1)
			close(outp[i]);
		if (errp[i] != -1)
			close(errp[i]);
		if (rep[i] != -1)
			close(rep[i]);
	}
	if (nullfd != -1)
		close(nullfd);
	free(out.data);
	free(errb.data);
	free(envp);
	return rc;
}
