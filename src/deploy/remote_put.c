/*
 * Putting things on a remote host over SFTP: files through a temporary
 * name and a rename (the mirror's uploads and the http-01 tokens of
 * dns.md §5.2, §5.3), folders, symlinks, and the error texts of the SFTP
 * session. Nothing under a final name is ever half written.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "deploy/remote_int.h"
#include "deploy/ssh_int.h"
#include "store/store.h"

#define CHUNK 32768

const char *
remote_sftp_error(LIBSSH2_SFTP *sftp, LIBSSH2_SESSION *s)
{
	static _Thread_local char buf[48];
	unsigned long code;

	if (libssh2_session_last_errno(s) != LIBSSH2_ERROR_SFTP_PROTOCOL)
		return ssh_last_error(s);
	switch ((code = libssh2_sftp_last_error(sftp))) {
	case LIBSSH2_FX_NO_SUCH_FILE: return "no such file or folder";
	case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied";
	case LIBSSH2_FX_FAILURE: return "the server said: failure";
	case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM: return "no space left";
	case LIBSSH2_FX_QUOTA_EXCEEDED: return "quota exceeded";
	case LIBSSH2_FX_FILE_ALREADY_EXISTS: return "already exists";
	case LIBSSH2_FX_WRITE_PROTECT: return "read-only file system";
	case LIBSSH2_FX_NOT_A_DIRECTORY: return "not a folder";
	case LIBSSH2_FX_DIR_NOT_EMPTY: return "folder not empty";
	default:
		snprintf(buf, sizeof(buf), "SFTP status %lu", code);
		return buf;
	}
}

int
remote_fail(struct remote_walk *w, const char *what, const char *path)
{
	sslm_err_set(w->err, "%s %s: %s", what, path,
	    remote_sftp_error(w->sftp, w->c->session));
	return -1;
}

void
remote_say(struct remote_walk *w, const char *verb, const char *path)
{
	if (w->lines != NULL)
		(void)strvec_push_owned(w->lines, str_printf("%s%s %s",
		    w->debug ? "debug: " : "", verb, path));
}

bool
remote_expired(struct remote_walk *w)
{
	if (!ssh_conn_expired(w->c))
		return false;
	sslm_err_set(w->err, "%s: the copy did not finish within [ssh] "
	    "command_timeout (%d s)", w->host,
	    ssh_conn_target(w->c)->command_timeout);
	return true;
}

/* The last SFTP status was "no such file" (not a transport error). */
bool
remote_no_such_file(struct remote_walk *w)
{
	return libssh2_session_last_errno(w->c->session) ==
	    LIBSSH2_ERROR_SFTP_PROTOCOL &&
	    libssh2_sftp_last_error(w->sftp) == LIBSSH2_FX_NO_SUCH_FILE;
}

int
remote_mkdir_p(struct remote_walk *w, const char *dir)
{
	char *p = str_dup(dir);
	LIBSSH2_SFTP_ATTRIBUTES a;
	int rc = 0;

	if (p == NULL) {
		sslm_err_set(w->err, "out of memory");
		return -1;
	}
	for (char *s = p + 1; rc == 0; s++) {
		bool end = *s == '\0';

		if (*s != '/' && !end)
			continue;
		*s = '\0';
		if (libssh2_sftp_stat_ex(w->sftp, p, (unsigned)strlen(p),
		    LIBSSH2_SFTP_STAT, &a) != 0) {
			if (w->debug) {
				remote_say(w, "mkdir", p);
			} else if (libssh2_sftp_mkdir_ex(w->sftp, p, (unsigned)strlen(p),
			    0755) != 0) {
				rc = remote_fail(w, "cannot make the folder", p);
			} else {
				remote_say(w, "mkdir", p);
				w->st->dirs_made++;
			}
		} else if (!(a.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) ||
		    (a.permissions & LIBSSH2_SFTP_S_IFMT) != LIBSSH2_SFTP_S_IFDIR) {
			sslm_err_set(w->err, "%s exists on %s and is not a folder", p,
			    w->host);
			rc = -1;
		}
		if (end)
			break;
		*s = '/';
	}
	free(p);
	return rc;
}

/* "<dir>/.<name>.sslm-<16 hex>": the pattern the mirror removes when a
 * killed run leaves one behind. */
static char *
temp_name(const char *path)
{
	unsigned char r[8];
	const char *slash = strrchr(path, '/');
	char hex[17];

	if (slash == NULL || RAND_bytes(r, sizeof(r)) != 1)
		return NULL;
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	return str_printf("%.*s/.%s.sslm-%s", (int)(slash - path), path, slash + 1,
	    hex);
}

/* Write len bytes (from fd when fd >= 0, else from data) to h. */
static int
write_all(struct remote_walk *w, LIBSSH2_SFTP_HANDLE *h, const char *tmp,
    int fd, const char *src, const void *data, size_t len)
{
	char *buf = NULL;
	size_t done = 0, half = len / 2;
	bool faulted = false;
	int rc = -1;

	if (fd >= 0 && (buf = malloc(CHUNK)) == NULL) {
		sslm_err_set(w->err, "out of memory");
		return -1;
	}
	while (done < len) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		const char *p = (const char *)data + done;
		ssize_t wr;

		if (fd >= 0) {
			ssize_t r = read(fd, buf, n);

			if (r <= 0) {
				sslm_err_errno(w->err, r == 0 ? EIO : errno,
				    "cannot read %s (changed while copied?)", src);
				goto out;
			}
			n = (size_t)r;
			p = buf;
		}
		/* blocking session: a short write is a partial success */
		for (size_t off = 0; off < n; off += (size_t)wr) {
			if ((wr = libssh2_sftp_write(h, p + off, n - off)) <= 0) {
				remote_fail(w, "cannot write", tmp);
				goto out;
			}
		}
		done += n;
		if (!faulted && half > 0 && done >= half) {
			faulted = true;
			fault_point("remote-upload");
		}
		if (remote_expired(w))
			goto out;
	}
	rc = 0;
 out:
	free(buf);
	return rc;
}

int
remote_upload(struct remote_walk *w, const char *path, const char *src,
    const void *data, size_t len, unsigned mode, long mtime, long uid, long gid,
    bool exists)
{
	LIBSSH2_SFTP_HANDLE *h = NULL;
	LIBSSH2_SFTP_ATTRIBUTES a;
	char *tmp = temp_name(path);
	int fd = -1, rc = -1;
	struct stat st;

	if (tmp == NULL) {
		sslm_err_set(w->err, "out of memory");
		goto out;
	}
	if (src != NULL) {
		if ((fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
		    fstat(fd, &st) == -1) {
			sslm_err_errno(w->err, errno, "cannot read %s", src);
			goto out;
		}
		len = (size_t)st.st_size;
	}
	/* 0600 until complete: a key is never readable half-written */
	h = libssh2_sftp_open_ex(w->sftp, tmp, (unsigned)strlen(tmp),
	    LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL, 0600,
	    LIBSSH2_SFTP_OPENFILE);
	if (h == NULL) {
		remote_fail(w, "cannot create", tmp);
		goto out;
	}
	if (write_all(w, h, tmp, fd, src, data, len) == -1)
		goto out;
	memset(&a, 0, sizeof(a));
	a.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS;
	a.permissions = mode & 07777;
	if (mtime > 0) {
		a.flags |= LIBSSH2_SFTP_ATTR_ACMODTIME;
		a.atime = (unsigned long)mtime;
		a.mtime = (unsigned long)mtime;
	}
	if (uid >= 0) {
		a.flags |= LIBSSH2_SFTP_ATTR_UIDGID;
		a.uid = (unsigned long)uid;
		a.gid = (unsigned long)gid;
	}
	if (libssh2_sftp_fsetstat(h, &a) != 0) {
		remote_fail(w, "cannot set mode and time of", tmp);
		goto out;
	}
	if (libssh2_sftp_close_handle(h) != 0) {
		h = NULL;
		remote_fail(w, "cannot finish", tmp);
		goto out;
	}
	h = NULL;
	if (remote_rename(w, &tmp, path, exists) == -1)
		goto out;
	rc = 0;
 out:
	if (h != NULL)
		libssh2_sftp_close_handle(h);
	if (rc == -1 && tmp != NULL)
		(void)libssh2_sftp_unlink_ex(w->sftp, tmp, (unsigned)strlen(tmp));
	if (fd != -1)
		close(fd);
	free(tmp);
	return rc;
}

/* ---- queued renames ------------------------------------------------------ */

/* libssh2 sends no packet above 40000 bytes (LIBSSH2_PACKET_MAXPAYLOAD),
 * and the exec request carries the whole command; measured: 120 kB fails. */
#define BATCH_MAX 30000

/* The length of remote_quote(s). */
static size_t
quoted_len(const char *s)
{
	size_t n = 2;

	for (; *s != '\0'; s++)
		n += *s == '\'' ? 4 : 1;
	return n;
}

int
remote_rename(struct remote_walk *w, char **tmp, const char *path, bool exists)
{
	size_t add;

	if (!w->batch || !exists)
		return ssh_conn_rename(w->c, *tmp, path, w->err);
	add = quoted_len(*tmp) + quoted_len(path) + sizeof(" && mv -f --  ");
	if (w->batch_bytes + add > BATCH_MAX && remote_flush(w) == -1)
		return -1;
	if (strvec_push_owned(&w->batch_renames, *tmp) == -1) {
		*tmp = NULL;
		sslm_err_set(w->err, "out of memory");
		return -1;
	}
	*tmp = NULL;
	if (strvec_push(&w->batch_renames, path) == -1) {
		sslm_err_set(w->err, "out of memory");
		return -1;
	}
	w->batch_bytes += add;
	w->batch_queued++;
	return 0;
}

int
remote_queue_time(struct remote_walk *w, const char *path, long mtime)
{
	if (strvec_push_owned(&w->batch_times, str_printf("%ld %s", mtime,
	    path)) == -1) {
		sslm_err_set(w->err, "out of memory");
		return -1;
	}
	return 0;
}

void
remote_discard(struct remote_walk *w)
{
	/* renamed ones are gone already: their unlink fails, as it should */
	for (size_t i = 0; i + 1 < w->batch_renames.n; i += 2)
		(void)libssh2_sftp_unlink_ex(w->sftp, w->batch_renames.v[i],
		    (unsigned)strlen(w->batch_renames.v[i]));
	strvec_clear(&w->batch_renames);
	strvec_clear(&w->batch_times);
	w->batch_bytes = 0;
}

/* "mv -f -- 'a' 'b' && mv -f -- 'c' 'd' ...": stops at the first failure. */
static char *
batch_command(const struct strvec *v)
{
	size_t cap = 1, len = 0;
	char *cmd = NULL;

	for (size_t i = 0; i < v->n; i++)
		cap += 4 * strlen(v->v[i]) + 16;
	if ((cmd = malloc(cap)) == NULL)
		return NULL;
	cmd[0] = '\0';
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		char *a = remote_quote(v->v[i]), *b = remote_quote(v->v[i + 1]);

		if (a == NULL || b == NULL) {
			free(a);
			free(b);
			free(cmd);
			return NULL;
		}
		len += (size_t)snprintf(cmd + len, cap - len, "%smv -f -- %s %s",
		    i > 0 ? " && " : "", a, b);
		free(a);
		free(b);
	}
	return cmd;
}

int
remote_flush(struct remote_walk *w)
{
	struct ssh_exec_result r;
	char *cmd = NULL;
	int rc = -1;

	ssh_exec_result_init(&r);
	if (w->batch_renames.n > 0) {
		if ((cmd = batch_command(&w->batch_renames)) == NULL) {
			sslm_err_set(w->err, "out of memory");
			goto out;
		}
		if (ssh_conn_exec(w->c, cmd, 0, &r, w->err) == -1)
			goto out;
		if (!r.exited || r.exit_status != 0) {
			r.err_out[strcspn(r.err_out, "\n")] = '\0';
			sslm_err_set(w->err, "%s: cannot rename the uploaded files "
			    "into place: %s", w->host, *r.err_out != '\0' ?
			    r.err_out : r.timed_out ? "timed out" : "mv failed");
			goto out;
		}
		strvec_clear(&w->batch_renames);
		w->batch_bytes = 0;
	}
	for (size_t i = 0; i < w->batch_times.n; i++) {
		LIBSSH2_SFTP_ATTRIBUTES a;
		char *end;
		long t = strtol(w->batch_times.v[i], &end, 10);

		memset(&a, 0, sizeof(a));
		a.flags = LIBSSH2_SFTP_ATTR_ACMODTIME;
		a.atime = a.mtime = (unsigned long)t;
		end++;
		if (libssh2_sftp_setstat(w->sftp, end, &a) != 0) {
			remote_fail(w, "cannot set the time of", end);
			goto out;
		}
	}
	strvec_clear(&w->batch_times);
	rc = 0;
 out:
	ssh_exec_result_clear(&r);
	free(cmd);
	if (rc == -1)
		remote_discard(w);
	return rc;
}

/* ---- links ------------------------------------------------------------- */

int
remote_link_target(struct remote_walk *w, const char *path, char *buf,
    size_t size)
{
	int n = libssh2_sftp_symlink_ex(w->sftp, path, (unsigned)strlen(path),
	    buf, (unsigned)size - 1, LIBSSH2_SFTP_READLINK);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* ln(1) over the exec channel, for servers other than OpenSSH's. */
static int
link_by_ln(struct remote_walk *w, const char *target, const char *path)
{
	struct ssh_exec_result r;
	char *qt = NULL, *qp = NULL, *cmd = NULL;
	int rc = -1;

	ssh_exec_result_init(&r);
	if ((qt = remote_quote(target)) == NULL || (qp = remote_quote(path)) == NULL ||
	    (cmd = str_printf("ln -sfn -- %s %s", qt, qp)) == NULL) {
		sslm_err_set(w->err, "out of memory");
		goto out;
	}
	if (ssh_conn_exec(w->c, cmd, 0, &r, w->err) == -1)
		goto out;
	if (!r.exited || r.exit_status != 0) {
		r.err_out[strcspn(r.err_out, "\n")] = '\0';
		sslm_err_set(w->err, "cannot make the link %s on %s: %s", path,
		    w->host, *r.err_out != '\0' ? r.err_out : "ln failed");
		goto out;
	}
	rc = 0;
 out:
	ssh_exec_result_clear(&r);
	free(qt);
	free(qp);
	free(cmd);
	return rc;
}

/*
 * Make the link under a temporary name, check its target text, rename it
 * over path (a link replaced that way never disappears for a moment).
 *
 * OpenSSH's sftp-server reads SSH_FXP_SYMLINK's two paths in the opposite
 * order of the draft libssh2 follows, so the target goes in libssh2's
 * "path" argument. libssh2 1.10 then misreads the OK status (it reports an
 * SFTP error whose "status" is the request id), so the call's result is not
 * trusted: reading the link back decides. Other servers get ln(1) over the
 * exec channel, as does anything the check does not accept.
 */
int
remote_symlink(struct remote_walk *w, const char *target, const char *path,
    bool exists)
{
	const char *banner = libssh2_session_banner_get(w->c->session);
	char *tmp = temp_name(path);
	char got[4096];
	int rc = -1;

	if (tmp == NULL) {
		sslm_err_set(w->err, "out of memory");
		return -1;
	}
	if (banner != NULL && strstr(banner, "OpenSSH") != NULL)
		(void)libssh2_sftp_symlink_ex(w->sftp, target,
		    (unsigned)strlen(target), tmp, (unsigned)strlen(tmp),
		    LIBSSH2_SFTP_SYMLINK);
	if (remote_link_target(w, tmp, got, sizeof(got)) < 0 || strcmp(got, target) != 0) {
		(void)libssh2_sftp_unlink_ex(w->sftp, tmp, (unsigned)strlen(tmp));
		if (link_by_ln(w, target, tmp) == -1)
			goto out;
	}
	if (remote_rename(w, &tmp, path, exists) == -1)
		goto out;
	rc = 0;
 out:
	if (rc == -1 && tmp != NULL)
		(void)libssh2_sftp_unlink_ex(w->sftp, tmp, (unsigned)strlen(tmp));
	free(tmp);
	return rc;
}

/* ---- single files (http-01 tokens) ------------------------------------- */

static bool
path_ok(const char *path, struct sslm_err *err)
{
	const char *slash = strrchr(path, '/');

	if (path[0] != '/' || strstr(path, "/../") != NULL ||
	    str_has_suffix(path, "/..") || slash == NULL || slash[1] == '\0') {
		sslm_err_set(err, "remote path '%s' must be an absolute file path "
		    "without '..'", path);
		return false;
	}
	return true;
}

int
deploy_remote_put_file(struct ssh_conn *c, const char *path, const void *data,
    size_t len, unsigned mode, struct sslm_err *err)
{
	struct remote_mirror_stats st;
	struct remote_walk w = { .c = c, .st = &st, .err = err };
	char *dir;
	int rc;

	memset(&st, 0, sizeof(st));
	if (!path_ok(path, err) || (w.sftp = ssh_conn_sftp(c, err)) == NULL)
		return -1;
	w.host = ssh_conn_target(c)->name;
	ssh_conn_set_deadline(c, 0);
	if ((dir = str_printf("%.*s", (int)(strrchr(path, '/') - path),
	    path)) == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	rc = (*dir == '\0' || remote_mkdir_p(&w, dir) == 0) &&
	    remote_upload(&w, path, NULL, data, len, mode, 0, -1, -1, true) == 0 ? 0 : -1;
	free(dir);
	return rc;
}

int
deploy_remote_remove_file(struct ssh_conn *c, const char *path,
    struct sslm_err *err)
{
	struct remote_walk w = { .c = c, .err = err };

	if (!path_ok(path, err) || (w.sftp = ssh_conn_sftp(c, err)) == NULL)
		return -1;
	w.host = ssh_conn_target(c)->name;
	ssh_conn_set_deadline(c, 0);
	if (libssh2_sftp_unlink_ex(w.sftp, path, (unsigned)strlen(path)) == 0 ||
	    remote_no_such_file(&w))
		return 0;
	sslm_err_set(err, "%s: cannot remove %s: %s", w.host, path,
	    remote_sftp_error(w.sftp, c->session));
	return -1;
}
