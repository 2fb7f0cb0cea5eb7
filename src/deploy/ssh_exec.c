/*
 * Remote commands (distribution.md §8.4): one exec channel per command, no
 * PTY, no environment; stdout and stderr read together until EOF (reading
 * one to its end first could deadlock a command that fills the other),
 * then the exit status or signal; a timeout closes the channel.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "deploy/ssh_int.h"

void
ssh_exec_result_init(struct ssh_exec_result *r)
{
	memset(r, 0, sizeof(*r));
}

void
ssh_exec_result_clear(struct ssh_exec_result *r)
{
	free(r->signal);
	free(r->out);
	free(r->err_out);
	ssh_exec_result_init(r);
}

char *
ssh_join_argv(const struct strvec *argv)
{
	size_t n = 1;
	char *out, *o;

	for (size_t i = 0; i < argv->n; i++)
		n += strlen(argv->v[i]) + 1;
	if ((out = malloc(n)) == NULL)
		return NULL;
	o = out;
	for (size_t i = 0; i < argv->n; i++) {
		size_t l = strlen(argv->v[i]);

		if (i > 0)
			*o++ = ' ';
		memcpy(o, argv->v[i], l);
		o += l;
	}
	*o = '\0';
	return out;
}

struct capture {
	char *buf;
	size_t len, cap;
};

/* Keep at most PROC_CAPTURE_MAX bytes; the rest is read and dropped. */
static int
capture_add(struct capture *c, const char *data, size_t n)
{
	if (c->len + n > PROC_CAPTURE_MAX)
		n = PROC_CAPTURE_MAX - c->len;
	if (c->len + n + 1 > c->cap) {
		size_t cap = (c->len + n + 1) * 2;
		char *b = realloc(c->buf, cap);

		if (b == NULL)
			return -1;
		c->buf = b;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, data, n);
	c->len += n;
	c->buf[c->len] = '\0';
	return 0;
}

static char *
capture_take(struct capture *c)
{
	char *s = c->buf != NULL ? c->buf : str_dup("");

	c->buf = NULL;
	return s;
}

int
ssh_conn_exec(struct ssh_conn *c, const char *command, unsigned timeout,
    struct ssh_exec_result *r, struct sslm_err *err)
{
	LIBSSH2_CHANNEL *ch;
	struct capture out = { 0 }, errc = { 0 };
	double saved = c->deadline;
	char buf[16384];
	int rc = -1;

	ssh_exec_result_clear(r);
	c->deadline = ssh_now() + (timeout > 0 ? timeout :
	    (unsigned)c->t.command_timeout);
	if (saved > 0 && saved < c->deadline)
		c->deadline = saved;	/* never beyond the caller's deadline */
	libssh2_session_set_timeout(c->session, ssh_ms_left(c));
	if ((ch = libssh2_channel_open_session(c->session)) == NULL) {
		sslm_err_set(err, "%s (%s): cannot open a channel: %s", c->t.name,
		    c->addr, ssh_last_error(c->session));
		goto done;
	}
	if (libssh2_channel_exec(ch, command) != 0) {
		sslm_err_set(err, "%s (%s): cannot run a command: %s", c->t.name,
		    c->addr, ssh_last_error(c->session));
		libssh2_channel_free(ch);
		goto done;
	}
	libssh2_session_set_blocking(c->session, 0);
	for (;;) {
		ssize_t n1 = libssh2_channel_read(ch, buf, sizeof(buf));

		if (n1 > 0 && capture_add(&out, buf, (size_t)n1) == -1)
			break;
		ssize_t n2 = libssh2_channel_read_stderr(ch, buf, sizeof(buf));

		if (n2 > 0 && capture_add(&errc, buf, (size_t)n2) == -1)
			break;
		if (n1 > 0 || n2 > 0)
			continue;
		if ((n1 < 0 && n1 != LIBSSH2_ERROR_EAGAIN) ||
		    (n2 < 0 && n2 != LIBSSH2_ERROR_EAGAIN)) {
			sslm_err_set(err, "%s (%s): reading the command's output: %s",
			    c->t.name, c->addr, ssh_last_error(c->session));
			libssh2_session_set_blocking(c->session, 1);
			libssh2_channel_free(ch);
			goto done;
		}
		if (n1 == 0 && n2 == 0 && libssh2_channel_eof(ch))
			break;
		if (ssh_wait_socket(c) == -1) {
			r->timed_out = true;
			break;
		}
	}
	libssh2_session_set_blocking(c->session, 1);
	if (r->timed_out) {
		/* Do not wait for a command that does not end: close and go. */
		libssh2_session_set_timeout(c->session, 2000);
		(void)libssh2_channel_close(ch);
	} else {
		char *sig = NULL;
		size_t siglen = 0;

		libssh2_session_set_timeout(c->session, ssh_ms_left(c));
		(void)libssh2_channel_close(ch);
		(void)libssh2_channel_wait_closed(ch);
		r->exit_status = libssh2_channel_get_exit_status(ch);
		if (libssh2_channel_get_exit_signal(ch, &sig, &siglen, NULL, NULL,
		    NULL, NULL) == 0 && sig != NULL) {
			r->signal = str_printf("%.*s", (int)siglen, sig);
			libssh2_free(c->session, sig);
		}
		r->exited = r->signal == NULL;
	}
	libssh2_channel_free(ch);
	r->out = capture_take(&out);
	r->err_out = capture_take(&errc);
	if (r->out == NULL || r->err_out == NULL) {
		sslm_err_set(err, "out of memory");
		goto done;
	}
	rc = 0;
 done:
	free(out.buf);
	free(errc.buf);
	if (rc == -1)
		ssh_exec_result_clear(r);
	c->deadline = saved;
	if (c->session != NULL)
		libssh2_session_set_timeout(c->session, ssh_ms_left(c));
	return rc;
}
