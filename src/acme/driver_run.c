/*
 * Running certbot (certbot-hooks.md §5, §11). Not proc_run(): certbot must
 * learn its own pid (SSLM_CERTBOT_PID, set between fork and exec, so the
 * hook can stop it), the hook's progress file is relayed while certbot
 * runs, and the kill grace is 30 s.
 *
 * The child gets its own process group, so a timeout also reaches the hook
 * certbot started; stdout and stderr are read in one poll() loop; a CLOEXEC
 * pipe carries errno back from a failed exec.
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "acme/driver_int.h"

extern char **environ;

#define PID_VAR		"SSLM_CERTBOT_PID="
#define TOP_VAR		"SSL_MGR_TOPDIR="
#define PID_DIGITS	20
#define PROGRESS_MS	500	/* how often auth-progress is looked at */
#define TICK_MS		100	/* child-exit check without a pidfd */
#define LINE_MAX_LEN	1024	/* a longer progress line is cut */
#define PROGRESS_READ	65536	/* bytes per look, so a flood cannot stall us */

struct buf {
	char *data;
	size_t len, cap;
	bool truncated;
};

/* The reader of cb/auth-progress. */
struct relay {
	const char *path;
	off_t off;
	char line[LINE_MAX_LEN + 1];
	size_t len;
	void (*fn)(const char *line, void *arg);
	void *arg;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
buf_add(struct buf *b, const char *d, size_t n)
{
	if (b->len + n > PROC_CAPTURE_MAX) {
		b->truncated = true;
		n = PROC_CAPTURE_MAX - b->len;
	}
	if (n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 4096 : b->cap;
		char *nd;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((nd = realloc(b->data, cap)) == NULL) {
			b->truncated = true;
			return;
		}
		b->data = nd;
		b->cap = cap;
	}
	memcpy(b->data + b->len, d, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Read what is there; close *fd at EOF. */
static void
pipe_read(int *fd, struct buf *b)
{
	char chunk[16384];

	while (*fd != -1) {
		ssize_t n = read(*fd, chunk, sizeof(chunk));

		if (n > 0) {
			buf_add(b, chunk, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		close(*fd);
		*fd = -1;
	}
}

static void
relay_emit(struct relay *rl)
{
	rl->line[rl->len] = '\0';
	if (rl->len > 0)
		rl->fn(rl->line, rl->arg);
	rl->len = 0;
}

/* Pass on the complete lines added since the last look. The hook
 * truncates the file when its wait starts: a shorter file starts over. */
static void
relay_poll(struct relay *rl, bool final)
{
	char chunk[4096];
	struct stat st;
	size_t total = 0;
	int fd;

	if (rl->path == NULL || rl->fn == NULL)
		return;
	fd = open(rl->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		goto out;
	if (st.st_size < rl->off) {
		rl->off = 0;
		rl->len = 0;
	}
	while (total < PROGRESS_READ) {
		ssize_t n = pread(fd, chunk, sizeof(chunk), rl->off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rl->off += n;
		total += (size_t)n;
		for (ssize_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)chunk[i];

			if (c == '\n')
				relay_emit(rl);
			else if (rl->len < LINE_MAX_LEN)
				rl->line[rl->len++] = c >= 0x20 && c != 0x7f ?
				    (char)c : '?';
		}
	}
 out:
	close(fd);
	if (final)
		relay_emit(rl);	/* a last line without its newline */
}

/* The inherited environment without our two variables, then them. The
 * strings are borrowed except the two we add. Built before fork so the
 * child never allocates. */
static char **
make_env(const char *topdir, char **topvar, char **pidvar)
{
	size_t n = 0, k = 0;
	char **envp;

	for (; environ != NULL && environ[n] != NULL; n++)
		;
	if ((envp = calloc(n + 3, sizeof(*envp))) == NULL)
		return NULL;
	*topvar = str_printf("%s%s", TOP_VAR, topdir);
	*pidvar = str_printf("%s%*s", PID_VAR, PID_DIGITS, "");
	if (*topvar == NULL || *pidvar == NULL) {
		free(envp);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (!str_has_prefix(environ[i], TOP_VAR) &&
		    !str_has_prefix(environ[i], PID_VAR))
			envp[k++] = environ[i];
	envp[k++] = *topvar;
	envp[k++] = *pidvar;
	envp[k] = NULL;
	return envp;
}

/* From here to exec only async-signal-safe calls. */
static void
child_fail(int rep, int errnum)
{
	ssize_t n;

	do
		n = write(rep, &errnum, sizeof(errnum));
	while (n == -1 && errno == EINTR);
	_exit(127);
}

static void
run_child(char *const argv[], char **envp, char *pidvar, int nullfd,
    int outw, int errw, int rep)
{
	struct sigaction sa;
	sigset_t none;
	char digits[PID_DIGITS];
	char *p = pidvar + sizeof(PID_VAR) - 1;
	int fds[3] = { nullfd, outw, errw }, nd = 0;
	unsigned long pid = (unsigned long)getpid();

	(void)setpgid(0, 0);
	do
		digits[nd++] = (char)('0' + pid % 10);
	while ((pid /= 10) != 0 && nd < PID_DIGITS);
	while (nd > 0)
		*p++ = digits[--nd];
	*p = '\0';
	/* Above 2 first, so dup2 onto 0..2 clobbers none of them. */
	for (int i = 0; i < 3; i++)
		if ((fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3)) == -1)
			child_fail(rep, errno);
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) == -1)
			child_fail(rep, errno);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	execvpe(argv[0], argv, envp);
	child_fail(rep, errno);
}

/* Exited? Leaves it a zombie, so its pid (= its group) is not reused
 * before a timed-out group is killed. */
static bool
child_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
		return errno == ECHILD;
	return si.si_pid == pid;
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

static int
wait_ms(int64_t until, int cap)
{
	int64_t left = until - now_ms();

	if (left < 0)
		return 0;
	return left < cap ? (int)left : cap;
}

/* Collect output, relay progress, enforce the deadline. Returns whether
 * the deadline was hit. */
static bool
supervise(pid_t pid, const struct acme_run_opts *o, int *outfd, int *errfd,
    struct buf *out, struct buf *errb, struct relay *rl)
{
	enum { RUNNING, TERMINATED, KILLED } phase = RUNNING;
	int64_t deadline = now_ms() + (int64_t)o->timeout * 1000;
	int64_t next_look = now_ms();
	int pidfd = open_pidfd(pid);
	bool timed_out = false;

	for (;;) {
		struct pollfd pfd[3];
		int nfds = 0, ms = PROGRESS_MS;

		if (*outfd != -1)
			pfd[nfds++] = (struct pollfd){ .fd = *outfd, .events = POLLIN };
		if (*errfd != -1)
			pfd[nfds++] = (struct pollfd){ .fd = *errfd, .events = POLLIN };
		if (pidfd != -1)
			pfd[nfds++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		else
			ms = TICK_MS;
		if (phase != KILLED)
			ms = wait_ms(deadline, ms);
		ms = wait_ms(next_look, ms);
		if (poll(pfd, (nfds_t)nfds, ms) == -1 && errno != EINTR &&
		    phase != KILLED) {
			/* Cannot watch it any more: stop it rather than hang. */
			kill(-pid, SIGKILL);
			phase = KILLED;
		}
		pipe_read(outfd, out);
		pipe_read(errfd, errb);
		if (now_ms() >= next_look) {
			relay_poll(rl, false);
			next_look = now_ms() + PROGRESS_MS;
		}
		if (child_exited(pid)) {
			if (timed_out)	/* the hook too */
				kill(-pid, SIGKILL);
			break;
		}
		if (phase != KILLED && now_ms() >= deadline) {
			if (phase == RUNNING) {
				timed_out = true;
				kill(-pid, SIGTERM);
				phase = TERMINATED;
				deadline = now_ms() + (int64_t)o->grace * 1000;
			} else {
				kill(-pid, SIGKILL);
				phase = KILLED;
			}
		}
	}
	pipe_read(outfd, out);
	pipe_read(errfd, errb);
	relay_poll(rl, true);
	if (pidfd != -1)
		close(pidfd);
	return timed_out;
}

static char *
buf_take(struct buf *b)
{
	char *d = b->data != NULL ? b->data : calloc(1, 1);

	b->data = NULL;
	return d;
}

int
acme_run(const struct strvec *argv, const struct acme_run_opts *o,
    struct proc_result *res, struct sslm_err *err)
{
	struct buf out = { 0 }, errb = { 0 };
	struct relay rl;
	char **envp = NULL, *topvar = NULL, *pidvar = NULL;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, rep[2] = { -1, -1 };
	int nullfd = -1, status = 0, errnum = 0, rc = -1;
	bool timed_out;
	ssize_t n;
	pid_t pid;

	proc_result_init(res);
	res->timeout = o->timeout;
	memset(&rl, 0, sizeof(rl));
	rl.path = o->progress_path;
	rl.fn = o->progress;
	rl.arg = o->progress_arg;
	if (argv->n == 0) {
		sslm_err_set(err, "internal error: empty certbot command");
		goto out;
	}
	if ((envp = make_env(o->topdir, &topvar, &pidvar)) == NULL) {
		sslm_err_set(err, "out of memory starting certbot");
		goto out;
	}
	if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    pipe2(outp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1 ||
	    pipe2(rep, O_CLOEXEC) == -1) {
		sslm_err_errno(err, errno, "cannot run %s", argv->v[0]);
		goto out;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		sslm_err_errno(err, errno, "cannot run %s: fork failed",
		    argv->v[0]);
		goto out;
	}
	if (pid == 0)
		run_child(argv->v, envp, pidvar, nullfd, outp[1], errp[1], rep[1]);
	(void)setpgid(pid, pid);	/* the child does it too; either wins */
	close(outp[1]);
	close(errp[1]);
	close(rep[1]);
	outp[1] = errp[1] = rep[1] = -1;
	(void)fcntl(outp[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(errp[0], F_SETFL, O_NONBLOCK);
	/* EOF: exec succeeded (the CLOEXEC end closed). */
	do
		n = read(rep[0], &errnum, sizeof(errnum));
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof(errnum)) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		res->exit_code = 127;
		sslm_err_set(err, "cannot run %s: %s%s", argv->v[0],
		    strerror(errnum), errnum == ENOENT ? " (check [globals] "
		    "certbot, SSLM_CERTBOT and PATH)" : "");
		goto out;
	}
	timed_out = supervise(pid, o, &outp[0], &errp[0], &out, &errb, &rl);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (timed_out)
		res->status = PROC_TIMEOUT;
	else if (WIFSIGNALED(status))
		res->status = PROC_SIGNALLED;
	else
		res->status = PROC_EXITED;
	if (WIFEXITED(status))
		res->exit_code = WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		res->signal = WTERMSIG(status);
	res->out_truncated = out.truncated;
	res->err_truncated = errb.truncated;
	res->out_len = out.len;
	res->err_len = errb.len;
	res->out = buf_take(&out);
	res->err_out = buf_take(&errb);
	if (res->out == NULL || res->err_out == NULL) {
		sslm_err_set(err, "out of memory collecting certbot's output");
		goto out;
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
	free(topvar);
	free(pidvar);
	return rc;
}
