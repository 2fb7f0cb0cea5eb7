/*
 * The remote mirror of production over SFTP (distribution.md §3.1, §8.2):
 * the same absolute path on the server, changed files only, every file
 * replaced through a temporary name and a rename, modes and times kept,
 * owners by number when the login is root (DO2), everything else removed,
 * the CA group's private keys never sent (DO4). The same walk describes
 * the differences for sslm-mgr -s -v (remote_compare.c).
 */
#include "config.h"

#include <dirent.h>
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

static int
fail_at(struct remote_walk *w, const char *what, const char *path)
{
	sslm_err_set(w->err, "%s %s: %s", what, path,
	    remote_sftp_error(w->sftp, w->c->session));
	return -1;
}

static void
say(struct remote_walk *w, const char *verb, const char *path)
{
	if (w->lines != NULL)
		(void)strvec_push_owned(w->lines, str_printf("%s%s %s",
		    w->debug ? "debug: " : "", verb, path));
}

static void
differs(struct remote_walk *w, const char *fmt, const char *path,
    const char *extra)
{
	w->n_diffs++;
	if (w->diffs != NULL)
		(void)strvec_push_owned(w->diffs, str_printf("%s: %s %s%s", w->host,
		    path, fmt, extra != NULL ? extra : ""));
}

static bool
expired(struct remote_walk *w)
{
	if (!ssh_conn_expired(w->c))
		return false;
	sslm_err_set(w->err, "%s: the copy did not finish within [ssh] "
	    "command_timeout (%d s)", w->host, w->c->t.command_timeout);
	return true;
}

/* ---- remote listing ---------------------------------------------------- */

struct rentry {
	char *name;
	LIBSSH2_SFTP_ATTRIBUTES a;
	bool keep;			/* has a local counterpart */
};

struct rlist {
	struct rentry *v;
	size_t n, cap;
};

static void
rlist_clear(struct rlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* One readdir of the remote folder (attributes come with the names, so
 * no stat per entry). A missing folder is an empty list. */
static int
rlist_read(struct remote_walk *w, const char *dir, struct rlist *l)
{
	LIBSSH2_SFTP_HANDLE *h;
	char name[512];

	memset(l, 0, sizeof(*l));
	h = libssh2_sftp_open_ex(w->sftp, dir, (unsigned)strlen(dir), 0, 0,
	    LIBSSH2_SFTP_OPENDIR);
	if (h == NULL) {
		if (libssh2_session_last_errno(w->c->session) ==
		    LIBSSH2_ERROR_SFTP_PROTOCOL &&
		    libssh2_sftp_last_error(w->sftp) == LIBSSH2_FX_NO_SUCH_FILE)
			return 0;
		return fail_at(w, "cannot list", dir);
	}
	for (;;) {
		LIBSSH2_SFTP_ATTRIBUTES a;
		int n = libssh2_sftp_readdir_ex(h, name, sizeof(name) - 1, NULL, 0, &a);

		if (n < 0) {
			libssh2_sftp_closedir(h);
			return fail_at(w, "cannot list", dir);
		}
		if (n == 0)
			break;
		name[n] = '\0';
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap == 0 ? 16 : l->cap * 2;
			struct rentry *v = realloc(l->v, cap * sizeof(*v));

			if (v == NULL)
				goto oom;
			l->v = v;
			l->cap = cap;
		}
		l->v[l->n].a = a;
		l->v[l->n].keep = false;
		if ((l->v[l->n].name = str_dup(name)) == NULL)
			goto oom;
		l->n++;
	}
	libssh2_sftp_closedir(h);
	return 0;
 oom:
	libssh2_sftp_closedir(h);
	sslm_err_set(w->err, "out of memory");
	return -1;
}

static struct rentry *
rlist_find(struct rlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

static unsigned long
rtype(const LIBSSH2_SFTP_ATTRIBUTES *a)
{
	return (a->flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) ?
	    a->permissions & LIBSSH2_SFTP_S_IFMT : 0;
}

/* ---- changes ------------------------------------------------------------- */

/* Remove a remote entry; folders recursively, links as links. */
static int
remote_remove(struct remote_walk *w, const char *path,
    const LIBSSH2_SFTP_ATTRIBUTES *a)
{
	if (w->debug) {
		say(w, "remove", path);
		w->st->removed++;
		return 0;
	}
	if (rtype(a) == LIBSSH2_SFTP_S_IFDIR) {
		struct rlist l;
		int rc = 0;

		if (rlist_read(w, path, &l) == -1)
			return -1;
		for (size_t i = 0; i < l.n && rc == 0; i++) {
			char *p = str_printf("%s/%s", path, l.v[i].name);

			rc = p == NULL ? -1 : remote_remove(w, p, &l.v[i].a);
			free(p);
		}
		rlist_clear(&l);
		if (rc == -1)
			return -1;
		if (libssh2_sftp_rmdir_ex(w->sftp, path, (unsigned)strlen(path)) != 0)
			return fail_at(w, "cannot remove the folder", path);
	} else if (libssh2_sftp_unlink_ex(w->sftp, path, (unsigned)strlen(path)) != 0) {
		return fail_at(w, "cannot remove", path);
	}
	say(w, "remove", path);
	w->st->removed++;
	return 0;
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
				say(w, "mkdir", p);
			} else if (libssh2_sftp_mkdir_ex(w->sftp, p, (unsigned)strlen(p),
			    0755) != 0) {
				rc = fail_at(w, "cannot make the folder", p);
			} else {
				say(w, "mkdir", p);
				w->st->dirs_made++;
			}
		} else if (rtype(&a) != LIBSSH2_SFTP_S_IFDIR) {
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

static char *
temp_name(const char *path)
{
	unsigned char r[8];
	const char *slash = strrchr(path, '/');
	char hex[17];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return NULL;
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	return str_printf("%.*s/.%s.sslm-%s", (int)(slash - path), path, slash + 1,
	    hex);
}

int
remote_upload(struct remote_walk *w, const char *path, const char *src,
    const void *data, size_t len, unsigned mode, long mtime, long uid, long gid)
{
	LIBSSH2_SFTP_HANDLE *h = NULL;
	LIBSSH2_SFTP_ATTRIBUTES a;
	char *tmp = temp_name(path), *buf = NULL;
	int fd = -1, rc = -1;
	size_t done = 0, half;
	bool faulted = false;
	struct stat st;

	if (tmp == NULL || (buf = malloc(CHUNK)) == NULL) {
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
	half = len / 2;
	/* 0600 until complete: a key is never readable half-written */
	h = libssh2_sftp_open_ex(w->sftp, tmp, (unsigned)strlen(tmp),
	    LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL, 0600,
	    LIBSSH2_SFTP_OPENFILE);
	if (h == NULL) {
		fail_at(w, "cannot create", tmp);
		goto out;
	}
	while (done < len) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		const char *p;
		ssize_t wr;

		if (src != NULL) {
			ssize_t r = read(fd, buf, n);

			if (r <= 0) {
				sslm_err_errno(w->err, r == 0 ? EIO : errno,
				    "cannot read %s", src);
				goto out;
			}
			n = (size_t)r;
			p = buf;
		} else {
			p = (const char *)data + done;
		}
		for (size_t off = 0; off < n; off += (size_t)wr) {
			wr = libssh2_sftp_write(h, p + off, n - off);
			if (wr <= 0) {
				fail_at(w, "cannot write", tmp);
				goto out;
			}
		}
		done += n;
		if (!faulted && done >= half && half > 0) {
			faulted = true;
			fault_point("remote-upload");
		}
		if (expired(w))
			goto out;
	}
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
		fail_at(w, "cannot set mode and time of", tmp);
		goto out;
	}
	if (libssh2_sftp_close_handle(h) != 0) {
		h = NULL;
		fail_at(w, "cannot finish", tmp);
		goto out;
	}
	h = NULL;
	if (ssh_conn_rename(w->c, tmp, path, w->err) == -1)
		goto out;
	rc = 0;
 out:
	if (h != NULL)
		libssh2_sftp_close_handle(h);
	if (rc == -1 && tmp != NULL)
		(void)libssh2_sftp_unlink_ex(w->sftp, tmp, (unsigned)strlen(tmp));
	if (fd != -1)
		close(fd);
	free(buf);
	free(tmp);
	return rc;
}

/* Set mode (and owner) of a remote folder when they differ. */
static int
dir_attrs(struct remote_walk *w, const char *path, const struct stat *ls,
    const LIBSSH2_SFTP_ATTRIBUTES *ra, bool set_time)
{
	LIBSSH2_SFTP_ATTRIBUTES a;

	memset(&a, 0, sizeof(a));
	if (ra == NULL || (ra->permissions & 07777) != (ls->st_mode & 07777)) {
		a.flags |= LIBSSH2_SFTP_ATTR_PERMISSIONS;
		a.permissions = ls->st_mode & 07777;
	}
	if (w->set_owner && (ra == NULL || ra->uid != ls->st_uid ||
	    ra->gid != ls->st_gid)) {
		a.flags |= LIBSSH2_SFTP_ATTR_UIDGID;
		a.uid = ls->st_uid;
		a.gid = ls->st_gid;
	}
	if (set_time) {
		a.flags |= LIBSSH2_SFTP_ATTR_ACMODTIME;
		a.atime = (unsigned long)ls->st_mtime;
		a.mtime = (unsigned long)ls->st_mtime;
	}
	if (a.flags == 0 || w->debug)
		return 0;
	if (libssh2_sftp_setstat(w->sftp, path, &a) != 0)
		return fail_at(w, "cannot set the mode of", path);
	return 0;
}

/* The DO4 exclusion: <prod>/ca/<svc>/.../{privkey,bundle}.pem. */
static bool
ca_secret(bool in_ca, const char *name)
{
	return in_ca && (strcmp(name, "privkey.pem") == 0 ||
	    strcmp(name, "bundle.pem") == 0);
}

static int walk_dir(struct remote_walk *w, const char *path, bool in_ca);
static int remote_ln(struct remote_walk *w, const char *target, const char *path);

static int
walk_entry(struct remote_walk *w, const char *path, const char *name,
    const struct stat *ls, struct rentry *re, bool in_ca)
{
	const LIBSSH2_SFTP_ATTRIBUTES *ra = re != NULL ? &re->a : NULL;
	unsigned long rt = ra != NULL ? rtype(ra) : 0;
	char ltarget[4096], rtarget[4096];
	ssize_t ln;
	int rn;

	if (S_ISDIR(ls->st_mode)) {
		if (ra != NULL && rt != LIBSSH2_SFTP_S_IFDIR) {
			if (w->compare) {
				differs(w, "should be a folder", path, NULL);
				return 0;
			}
			if (remote_remove(w, path, ra) == -1)
				return -1;
			ra = NULL;
		}
		if (ra == NULL) {
			if (w->compare) {
				differs(w, "is missing", path, NULL);
				return 0;
			}
			if (!w->debug && libssh2_sftp_mkdir_ex(w->sftp, path,
			    (unsigned)strlen(path), ls->st_mode & 07777) != 0)
				return fail_at(w, "cannot make the folder", path);
			say(w, "mkdir", path);
			w->st->dirs_made++;
			if (w->debug)
				return 0;	/* nothing below it to compare */
		} else if (w->compare && (ra->permissions & 07777) !=
		    (ls->st_mode & 07777)) {
			differs(w, "differs", path, " (mode)");
		}
		if (!w->compare && dir_attrs(w, path, ls, ra, false) == -1)
			return -1;
		if (walk_dir(w, path, in_ca || (strcmp(name, "ca") == 0 &&
		    strlen(path) == strlen(w->root) + 3 &&
		    strncmp(path, w->root, strlen(w->root)) == 0)) == -1)
			return -1;
		return w->compare ? 0 : dir_attrs(w, path, ls, NULL, true);
	}
	if (S_ISREG(ls->st_mode)) {
		char why[64] = "";

		if (ra != NULL && rt == LIBSSH2_SFTP_S_IFREG) {
			if (ra->filesize != (libssh2_uint64_t)ls->st_size)
				strcat(why, "size; ");
			if (ra->mtime != (unsigned long)ls->st_mtime)
				strcat(why, "mtime; ");
			if ((ra->permissions & 07777) != (ls->st_mode & 07777))
				strcat(why, "mode; ");
			if (w->set_owner && (ra->uid != ls->st_uid ||
			    ra->gid != ls->st_gid))
				strcat(why, "owner; ");
			if (why[0] == '\0') {
				w->st->skipped++;
				return 0;
			}
			why[strlen(why) - 2] = '\0';
		}
		if (w->compare) {
			char *extra = str_printf(" (%s)", why);

			if (ra == NULL)
				differs(w, "is missing", path, NULL);
			else if (rt != LIBSSH2_SFTP_S_IFREG)
				differs(w, "should be a file", path, NULL);
			else
				differs(w, "differs", path, extra);
			free(extra);
			return 0;
		}
		if (ra != NULL && rt == LIBSSH2_SFTP_S_IFDIR &&
		    remote_remove(w, path, ra) == -1)
			return -1;
		if (!w->debug && remote_upload(w, path, path, NULL, 0,
		    ls->st_mode & 07777, (long)ls->st_mtime,
		    w->set_owner ? (long)ls->st_uid : -1, (long)ls->st_gid) == -1)
			return -1;
		say(w, "upload", path);
		w->st->uploaded++;
		return 0;
	}
	if (S_ISLNK(ls->st_mode)) {
		if ((ln = readlink(path, ltarget, sizeof(ltarget) - 1)) < 0) {
			sslm_err_errno(w->err, errno, "cannot read the link %s", path);
			return -1;
		}
		ltarget[ln] = '\0';
		if (ra != NULL && rt == LIBSSH2_SFTP_S_IFLNK) {
			rn = libssh2_sftp_symlink_ex(w->sftp, path, (unsigned)strlen(path),
			    rtarget, sizeof(rtarget) - 1, LIBSSH2_SFTP_READLINK);
			if (rn >= 0) {
				rtarget[rn] = '\0';
				if (strcmp(rtarget, ltarget) == 0) {
					w->st->skipped++;
					return 0;
				}
			}
		}
		if (w->compare) {
			if (ra == NULL)
				differs(w, "is missing", path, NULL);
			else
				differs(w, "should be a link to ", path, ltarget);
			return 0;
		}
		if (ra != NULL && remote_remove(w, path, ra) == -1)
			return -1;
		/*
		 * OpenSSH's sftp-server takes SSH_FXP_SYMLINK's arguments in
		 * the opposite order of the draft libssh2 follows: "path" is
		 * sent first and becomes the link's target there.
		 */
		if (!w->debug && libssh2_sftp_symlink_ex(w->sftp, ltarget,
		    (unsigned)strlen(ltarget), (char *)path, (unsigned)strlen(path),
		    LIBSSH2_SFTP_SYMLINK) != 0 && remote_ln(w, ltarget, path) == -1)
			return -1;
		say(w, "link", path);
		w->st->links_made++;
		return 0;
	}
	if (w->lines != NULL)
		(void)strvec_push_owned(w->lines, str_printf("warning: %s is not a "
		    "file, folder or link; not copied", path));
	return 0;
}

/*
 * libssh2 1.10 sometimes misreads the reply to SSH_FXP_SYMLINK sent right
 * after uploads (a bogus status, seen against OpenSSH 9.2): the link is
 * then made by ln(1) over the exec channel.
 */
static int
remote_ln(struct remote_walk *w, const char *target, const char *path)
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
		sslm_err_set(w->err, "cannot make the link %s: %s", path,
		    *r.err_out != '\0' ? r.err_out : "ln failed");
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

struct lentry {
	char *name;
	struct stat st;
};

static int
lentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lentry *)a)->name,
	    ((const struct lentry *)b)->name);
}

static int
walk_dir(struct remote_walk *w, const char *dir, bool in_ca)
{
	struct rlist rl;
	struct lentry *lv = NULL;
	size_t ln = 0, lcap = 0;
	DIR *d;
	struct dirent *de;
	int rc = -1;

	if (expired(w))
		return -1;
	if ((d = opendir(dir)) == NULL) {
		sslm_err_errno(w->err, errno, "cannot read %s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    ca_secret(in_ca, de->d_name))
			continue;
		if (ln == lcap) {
			size_t cap = lcap == 0 ? 16 : lcap * 2;
			struct lentry *v = realloc(lv, cap * sizeof(*v));

			if (v == NULL)
				break;
			lv = v;
			lcap = cap;
		}
		p = str_printf("%s/%s", dir, de->d_name);
		if (p == NULL || lstat(p, &lv[ln].st) == -1 ||
		    (lv[ln].name = str_dup(de->d_name)) == NULL) {
			free(p);
			continue;
		}
		free(p);
		ln++;
	}
	closedir(d);
	qsort(lv, ln, sizeof(*lv), lentry_cmp);
	if (rlist_read(w, dir, &rl) == -1)
		goto out;
	for (size_t i = 0; i < ln; i++) {
		struct rentry *re = rlist_find(&rl, lv[i].name);
		char *p = str_printf("%s/%s", dir, lv[i].name);

		if (re != NULL)
			re->keep = true;
		if (p == NULL || walk_entry(w, p, lv[i].name, &lv[i].st, re,
		    in_ca) == -1) {
			free(p);
			goto out_rl;
		}
		free(p);
	}
	/* What production does not have goes: stale files, temporaries of a
	 * killed copy, the CA keys (DO4). */
	for (size_t i = 0; i < rl.n; i++) {
		char *p;

		if (rl.v[i].keep)
			continue;
		if ((p = str_printf("%s/%s", dir, rl.v[i].name)) == NULL)
			goto out_rl;
		if (w->compare) {
			differs(w, "should not be there", p, NULL);
		} else if (remote_remove(w, p, &rl.v[i].a) == -1) {
			free(p);
			goto out_rl;
		}
		free(p);
	}
	rc = 0;
 out_rl:
	rlist_clear(&rl);
 out:
	for (size_t i = 0; i < ln; i++)
		free(lv[i].name);
	free(lv);
	return rc;
}

/* distribution.md §8.2.7: never a deleting mirror from a doubtful source. */
static int
check_source(const char *prod_dir, struct sslm_err *err)
{
	DIR *d;
	struct dirent *de;
	bool group = false;

	if (prod_dir == NULL || prod_dir[0] != '/') {
		sslm_err_set(err, "prod_cert_dir '%s' is not an absolute path; "
		    "nothing copied", prod_dir != NULL ? prod_dir : "");
		return -1;
	}
	if (strstr(prod_dir, "/../") != NULL || str_has_suffix(prod_dir, "/..")) {
		sslm_err_set(err, "prod_cert_dir '%s' contains '..'; nothing "
		    "copied", prod_dir);
		return -1;
	}
	if ((d = opendir(prod_dir)) == NULL) {
		sslm_err_errno(err, errno, "production %s cannot be read; nothing "
		    "copied (a mirror of it would empty the server)", prod_dir);
		return -1;
	}
	while (!group && (de = readdir(d)) != NULL) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = str_printf("%s/%s", prod_dir, de->d_name);
		group = p != NULL && fs_is_dir(p);
		free(p);
	}
	closedir(d);
	if (!group) {
		sslm_err_set(err, "production %s holds no group folder; nothing "
		    "copied (a mirror of it would empty the server)", prod_dir);
		return -1;
	}
	return 0;
}

int
remote_walk_run(struct remote_walk *w, const char *prod_dir)
{
	struct remote_mirror_stats dummy;

	if (w->st == NULL) {
		memset(&dummy, 0, sizeof(dummy));
		w->st = &dummy;
	}
	if (check_source(prod_dir, w->err) == -1)
		return -1;
	if ((w->sftp = ssh_conn_sftp(w->c, w->err)) == NULL)
		return -1;
	w->host = w->c->t.name;
	w->root = prod_dir;
	w->set_owner = ssh_conn_is_root(w->c);
	if (!w->compare && remote_mkdir_p(w, prod_dir) == -1)
		return -1;
	if (w->compare) {
		LIBSSH2_SFTP_ATTRIBUTES a;

		if (libssh2_sftp_stat_ex(w->sftp, prod_dir, (unsigned)strlen(prod_dir),
		    LIBSSH2_SFTP_STAT, &a) != 0) {
			differs(w, "is missing", prod_dir, NULL);
			return 0;
		}
	}
	if (walk_dir(w, prod_dir, false) == -1)
		return -1;
	if (!w->compare) {
		struct stat ls;

		/* the root's own mode and time too, after its children moved */
		if (lstat(prod_dir, &ls) == -1) {
			sslm_err_errno(w->err, errno, "cannot read %s", prod_dir);
			return -1;
		}
		return dir_attrs(w, prod_dir, &ls, NULL, true);
	}
	return 0;
}

int
deploy_remote_mirror(struct ssh_conn *c, const char *prod_dir, bool debug,
    struct strvec *lines, struct remote_mirror_stats *stats,
    struct sslm_err *err)
{
	struct remote_mirror_stats st;
	struct remote_walk w = { .c = c, .debug = debug, .lines = lines,
	    .st = stats != NULL ? stats : &st, .err = err };

	memset(w.st, 0, sizeof(*w.st));
	return remote_walk_run(&w, prod_dir);
}
