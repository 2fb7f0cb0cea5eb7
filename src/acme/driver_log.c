/*
 * The driver's records in <logdir>/cbot (certbot-hooks.md §9), in the
 * record format of common/log.c: "YYYY-MM-DD HH:MM:SS  <message>\n",
 * continuation lines without a timestamp, one write() per record on an
 * O_APPEND descriptor so records of the hook processes never interleave
 * with ours.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "acme/driver_int.h"

void
acme_cblog_open(struct acme_cblog *l, const char *logdir)
{
	struct sslm_err err;
	struct stat st;
	char *path = NULL;

	l->fd = -1;
	if (fs_mkdir_p(logdir, 0750, &err) == -1) {
		log_warn("cannot keep the certbot log: %s", err.msg);
		return;
	}
	if ((path = fs_path_join(logdir, "cbot")) == NULL)
		return;
	/* Like log_open(): no planted symlink, no FIFO to hang on. */
	l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY | O_NOFOLLOW | O_NONBLOCK, 0666);
	if (l->fd != -1 && (fstat(l->fd, &st) == -1 || !S_ISREG(st.st_mode))) {
		close(l->fd);
		l->fd = -1;
		errno = EINVAL;
	}
	if (l->fd == -1)
		log_warn("cannot open the certbot log %s: %s", path,
		    strerror(errno));
	free(path);
}

void
acme_cblog_close(struct acme_cblog *l)
{
	if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
}

static void
write_record(struct acme_cblog *l, const char *msg)
{
	char stamp[TIME_LOCAL_LEN];
	char *rec = NULL;
	size_t len, off = 0;

	if (l->fd == -1)
		return;
	if (time_format_local(time(NULL), stamp) == -1)
		strcpy(stamp, "0000-00-00 00:00:00");
	len = strlen(msg);
	if (len > 0 && msg[len - 1] == '\n')
		len--;
	if ((rec = str_printf("%s  %.*s\n", stamp, (int)len, msg)) == NULL)
		return;
	len = strlen(rec);
	while (off < len) {
		ssize_t n = write(l->fd, rec + off, len - off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* a full disk costs the log, not the run */
		off += (size_t)n;
	}
	free(rec);
}

void
acme_cblog(struct acme_cblog *l, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int n;

	if (l->fd == -1)
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	write_record(l, msg);
	free(msg);
}

void
acme_cblog_text(struct acme_cblog *l, const char *label, const char *text)
{
	char *msg;
	size_t i, j = 0, ll = strlen(label);

	if (l->fd == -1 || text == NULL || text[0] == '\0')
		return;
	/* label + ":\n" + text, bytes from outside made harmless. */
	if ((msg = malloc(ll + 2 + strlen(text) + 1)) == NULL)
		return;
	memcpy(msg, label, ll);
	j = ll;
	msg[j++] = ':';
	msg[j++] = '\n';
	for (i = 0; text[i] != '\0'; i++) {
		unsigned char c = (unsigned char)text[i];

		msg[j++] = c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f) ?
		    (char)c : '?';
	}
	msg[j] = '\0';
	write_record(l, msg);
	free(msg);
}

void
acme_cblog_result(struct acme_cblog *l, const char *what,
    const struct proc_result *res)
{
	char desc[128];

	if (!proc_result_ok(res))
		acme_cblog(l, "%s %s", what,
		    proc_result_describe(res, desc, sizeof(desc)));
	acme_cblog_text(l, "certbot stdout", res->out);
	acme_cblog_text(l, "certbot stderr", res->err_out);
}

/* Copy the last non-blank line of text, cleaned, into buf. */
static bool
last_line(const char *text, char *buf, size_t len)
{
	const char *end, *start;
	size_t n, j = 0;

	if (text == NULL)
		return false;
	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == text)
		return false;
	for (start = end; start > text && start[-1] != '\n'; start--)
		;
	n = (size_t)(end - start);
	for (size_t i = 0; i < n && j + 1 < len; i++) {
		unsigned char c = (unsigned char)start[i];

		buf[j++] = c >= 0x20 && c != 0x7f ? (char)c : '?';
	}
	buf[j] = '\0';
	return true;
}

void
acme_last_line(const struct proc_result *res, char *buf, size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (!last_line(res->err_out, buf, len))
		(void)last_line(res->out, buf, len);
}
