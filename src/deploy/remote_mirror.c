/*
 * The remote mirror of production over SFTP (distribution.md §3.1, §8.2):
 * the same absolute path on the server, changed files only, every file
 * replaced through a temporary name and a rename (remote_put.c), modes and
 * times kept, owners by number when the login is root (DO2), everything
 * else removed, the CA group's private keys never sent (DO4). The same walk
 * describes the differences for sslm-mgr -s -v (remote_compare.c).
 *
 * Round trips matter (one host may be far away): one listing per remote
 * folder gives every entry's attributes, a folder that was just made is
 * not listed, and a folder's time is set only when it differs or when
 * something in it changed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deploy/remote_int.h"

static void
differs(struct remote_walk *w, const char *fmt, const char *path,
    const char *extra)
{
	w->n_diffs++;
	if (w->diffs != NULL)
		(void)strvec_push_owned(w->diffs, str_printf("%s: %s %s%s", w->host,
		    path, fmt, extra != NULL ? extra : ""));
}

/* Changes so far: each one also changed the time of its folder. */
static unsigned
changes(const struct remote_walk *w)
{
	return w->st->uploaded + w->st->removed + w->st->dirs_made +
	    w->st->links_made;
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
		if (remote_no_such_file(w))
			return 0;
		return remote_fail(w, "cannot list", dir);
	}
	for (;;) {
		LIBSSH2_SFTP_ATTRIBUTES a;
		int n = libssh2_sftp_readdir_ex(h, name, sizeof(name) - 1, NULL, 0, &a);

		if (n < 0) {
			libssh2_sftp_closedir(h);
			return remote_fail(w, "cannot list", dir);
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
		remote_say(w, "remove", path);
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

			if (p == NULL) {
				sslm_err_set(w->err, "out of memory");
				rc = -1;
			} else {
				rc = remote_remove(w, p, &l.v[i].a);
			}
			free(p);
		}
		rlist_clear(&l);
		if (rc == -1)
			return -1;
		if (libssh2_sftp_rmdir_ex(w->sftp, path, (unsigned)strlen(path)) != 0)
			return remote_fail(w, "cannot remove the folder", path);
	} else if (libssh2_sftp_unlink_ex(w->sftp, path, (unsigned)strlen(path)) != 0) {
		return remote_fail(w, "cannot remove", path);
	}
	remote_say(w, "remove", path);
	w->st->removed++;
	return 0;
}

/* Mode and owner of a remote folder when they differ (before its children
 * are written, so a too open folder is closed first). ra NULL: just made. */
static int
dir_attrs(struct remote_walk *w, const char *path, const struct stat *ls,
    const LIBSSH2_SFTP_ATTRIBUTES *ra)
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
	if (a.flags == 0 || w->debug)
		return 0;
	if (libssh2_sftp_setstat(w->sftp, path, &a) != 0)
		return remote_fail(w, "cannot set the mode of", path);
	return 0;
}

/* A folder's time, after its children (their changes moved it); after the
 * queued renames when some are below it (queued: they will move it). */
static int
dir_time(struct remote_walk *w, const char *path, const struct stat *ls,
    const LIBSSH2_SFTP_ATTRIBUTES *ra, bool changed, bool queued)
{
	LIBSSH2_SFTP_ATTRIBUTES a;

	if (!w->debug && queued)
		return remote_queue_time(w, path, (long)ls->st_mtime);
	if (w->debug || (ra != NULL && !changed &&
	    (ra->flags & LIBSSH2_SFTP_ATTR_ACMODTIME) &&
	    ra->mtime == (unsigned long)ls->st_mtime))
		return 0;
	memset(&a, 0, sizeof(a));
	a.flags = LIBSSH2_SFTP_ATTR_ACMODTIME;
	a.atime = (unsigned long)ls->st_mtime;
	a.mtime = (unsigned long)ls->st_mtime;
	if (libssh2_sftp_setstat(w->sftp, path, &a) != 0)
		return remote_fail(w, "cannot set the time of", path);
	return 0;
}

/* The DO4 exclusion: <prod>/ca/<svc>/.../{privkey,bundle}.pem. */
static bool
ca_secret(bool in_ca, const char *name)
{
	return in_ca && (strcmp(name, "privkey.pem") == 0 ||
	    strcmp(name, "bundle.pem") == 0);
}

static int walk_dir(struct remote_walk *w, const char *dir, bool in_ca,
    bool absent);

static int
walk_subdir(struct remote_walk *w, const char *path, const struct stat *ls,
    const LIBSSH2_SFTP_ATTRIBUTES *ra, bool in_ca)
{
	unsigned before, queued;

	if (ra != NULL && rtype(ra) != LIBSSH2_SFTP_S_IFDIR) {
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
			return remote_fail(w, "cannot make the folder", path);
		remote_say(w, "mkdir", path);
		w->st->dirs_made++;
	} else if (w->compare && (ra->permissions & 07777) !=
	    (ls->st_mode & 07777)) {
		differs(w, "differs", path, " (mode)");
	}
	if (!w->compare && dir_attrs(w, path, ls, ra) == -1)
		return -1;
	before = changes(w);
	queued = w->batch_queued;
	if (walk_dir(w, path, in_ca, ra == NULL) == -1)
		return -1;
	return w->compare ? 0 : dir_time(w, path, ls, ra, changes(w) != before,
	    w->batch_queued != queued);
}

/*
 * Make way for a rename over path: a folder goes first (nothing renames
 * over one), and so does a link to a folder, because the rename's mv(1)
 * fallback (ssh_conn_rename) would move the new entry into that folder.
 * Only a link costs a round trip here, to see what it points to.
 */
static int
make_way(struct remote_walk *w, const char *path,
    const LIBSSH2_SFTP_ATTRIBUTES **ra)
{
	LIBSSH2_SFTP_ATTRIBUTES a;
	unsigned long rt = *ra != NULL ? rtype(*ra) : 0;

	if (rt == LIBSSH2_SFTP_S_IFLNK && libssh2_sftp_stat_ex(w->sftp, path,
	    (unsigned)strlen(path), LIBSSH2_SFTP_STAT, &a) == 0 &&
	    rtype(&a) == LIBSSH2_SFTP_S_IFDIR)
		rt = LIBSSH2_SFTP_S_IFDIR;
	if (rt != LIBSSH2_SFTP_S_IFDIR)
		return 0;
	if (remote_remove(w, path, *ra) == -1)
		return -1;
	*ra = NULL;		/* the name is free now */
	return 0;
}

/* Skip rule: size, mtime (whole seconds), mode, and owner when root. */
static int
walk_file(struct remote_walk *w, const char *path, const struct stat *ls,
    const LIBSSH2_SFTP_ATTRIBUTES *ra)
{
	unsigned long rt = ra != NULL ? rtype(ra) : 0;
	char why[64] = "";

	if (ra != NULL && rt == LIBSSH2_SFTP_S_IFREG) {
		if (ra->filesize != (libssh2_uint64_t)ls->st_size)
			strcat(why, "size; ");
		if (ra->mtime != (unsigned long)ls->st_mtime)
			strcat(why, "mtime; ");
		if ((ra->permissions & 07777) != (ls->st_mode & 07777))
			strcat(why, "mode; ");
		if (w->set_owner && (ra->uid != ls->st_uid || ra->gid != ls->st_gid))
			strcat(why, "owner; ");
		if (why[0] == '\0') {
			w->st->skipped++;
			return 0;
		}
		why[strlen(why) - 2] = '\0';
	}
	if (w->compare) {
		if (ra == NULL) {
			differs(w, "is missing", path, NULL);
		} else if (rt != LIBSSH2_SFTP_S_IFREG) {
			differs(w, "should be a file", path, NULL);
		} else {
			char *extra = str_printf(" (%s)", why);

			differs(w, "differs", path, extra);
			free(extra);
		}
		return 0;
	}
	if (make_way(w, path, &ra) == -1)
		return -1;
	if (!w->debug && remote_upload(w, path, path, NULL, 0,
	    ls->st_mode & 07777, (long)ls->st_mtime,
	    w->set_owner ? (long)ls->st_uid : -1, (long)ls->st_gid,
	    ra != NULL) == -1)
		return -1;
	remote_say(w, "upload", path);
	w->st->uploaded++;
	return 0;
}

/* Links are compared by target text only: SFTP cannot set a link's own
 * time or owner (setstat follows it), so neither is carried. */
static int
walk_link(struct remote_walk *w, const char *path,
    const LIBSSH2_SFTP_ATTRIBUTES *ra)
{
	unsigned long rt = ra != NULL ? rtype(ra) : 0;
	char ltarget[4096], rtarget[4096];
	ssize_t n;

	if ((n = readlink(path, ltarget, sizeof(ltarget) - 1)) < 0) {
		sslm_err_errno(w->err, errno, "cannot read the link %s", path);
		return -1;
	}
	ltarget[n] = '\0';
	if (rt == LIBSSH2_SFTP_S_IFLNK && remote_link_target(w, path, rtarget,
	    sizeof(rtarget)) >= 0 && strcmp(rtarget, ltarget) == 0) {
		w->st->skipped++;
		return 0;
	}
	if (w->compare) {
		if (ra == NULL)
			differs(w, "is missing", path, NULL);
		else
			differs(w, "should be a link to ", path, ltarget);
		return 0;
	}
	if (make_way(w, path, &ra) == -1)
		return -1;
	if (!w->debug && remote_symlink(w, ltarget, path, ra != NULL) == -1)
		return -1;
	remote_say(w, "link", path);
	w->st->links_made++;
	return 0;
}

struct lentry {
	char *name;
	struct stat st;
};

struct llist {
	struct lentry *v;
	size_t n, cap;
};

static void
llist_clear(struct llist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The local folder's entries (lstat), without the CA's secrets. Any
 * failure is an error: a missing entry would be deleted remotely. */
static int
llist_read(struct remote_walk *w, const char *dir, bool in_ca,
    struct llist *l)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	memset(l, 0, sizeof(*l));
	if ((d = opendir(dir)) == NULL) {
		sslm_err_errno(w->err, errno, "cannot read %s", dir);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    ca_secret(in_ca, de->d_name))
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap == 0 ? 16 : l->cap * 2;
			struct lentry *v = realloc(l->v, cap * sizeof(*v));

			if (v == NULL) {
				sslm_err_set(w->err, "out of memory");
				rc = -1;
				break;
			}
			l->v = v;
			l->cap = cap;
		}
		if ((p = str_printf("%s/%s", dir, de->d_name)) == NULL ||
		    (l->v[l->n].name = str_dup(de->d_name)) == NULL) {
			sslm_err_set(w->err, "out of memory");
			rc = -1;
		} else if (lstat(p, &l->v[l->n].st) == -1) {
			sslm_err_errno(w->err, errno, "cannot read %s", p);
			free(l->v[l->n].name);
			rc = -1;
		} else {
			l->n++;
		}
		free(p);
	}
	closedir(d);
	return rc;
}

/*
 * One folder: each local entry against the remote one, then whatever the
 * remote folder has beyond that (stale files, temporaries of a killed copy,
 * the CA keys) removed. absent: the remote folder was just made (or would
 * be, in debug runs), so it is empty and not listed.
 */
static int
walk_dir(struct remote_walk *w, const char *dir, bool in_ca, bool absent)
{
	struct llist ll;
	struct rlist rl;
	int rc = -1;

	memset(&ll, 0, sizeof(ll));
	memset(&rl, 0, sizeof(rl));
	if (remote_expired(w) || llist_read(w, dir, in_ca, &ll) == -1)
		goto out;
	if (!absent && rlist_read(w, dir, &rl) == -1)
		goto out;
	for (size_t i = 0; i < ll.n; i++) {
		const struct stat *ls = &ll.v[i].st;
		struct rentry *re = rlist_find(&rl, ll.v[i].name);
		const LIBSSH2_SFTP_ATTRIBUTES *ra = re != NULL ? &re->a : NULL;
		char *p = str_printf("%s/%s", dir, ll.v[i].name);
		int r = 0;

		if (re != NULL)
			re->keep = true;
		if (p == NULL) {
			sslm_err_set(w->err, "out of memory");
			goto out;
		}
		if (S_ISDIR(ls->st_mode))
			r = walk_subdir(w, p, ls, ra, in_ca || (dir == w->root &&
			    strcmp(ll.v[i].name, "ca") == 0));
		else if (S_ISREG(ls->st_mode))
			r = walk_file(w, p, ls, ra);
		else if (S_ISLNK(ls->st_mode))
			r = walk_link(w, p, ra);
		else if (w->lines != NULL)
			(void)strvec_push_owned(w->lines, str_printf("warning: %s is "
			    "not a file, folder or link; not copied", p));
		free(p);
		if (r == -1)
			goto out;
	}
	for (size_t i = 0; i < rl.n; i++) {
		char *p;

		if (rl.v[i].keep)
			continue;
		if ((p = str_printf("%s/%s", dir, rl.v[i].name)) == NULL) {
			sslm_err_set(w->err, "out of memory");
			goto out;
		}
		if (w->compare) {
			differs(w, "should not be there", p, NULL);
		} else if (remote_remove(w, p, &rl.v[i].a) == -1) {
			free(p);
			goto out;
		}
		free(p);
	}
	rc = 0;
 out:
	rlist_clear(&rl);
	llist_clear(&ll);
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
	LIBSSH2_SFTP_ATTRIBUTES ra;
	struct stat ls;
	bool absent = false;
	unsigned before, queued;

	if (check_source(prod_dir, w->err) == -1)
		return -1;
	/* the root may be a link to another volume on either side */
	if (stat(prod_dir, &ls) == -1) {
		sslm_err_errno(w->err, errno, "cannot read %s", prod_dir);
		return -1;
	}
	if ((w->sftp = ssh_conn_sftp(w->c, w->err)) == NULL)
		return -1;
	w->host = ssh_conn_target(w->c)->name;
	w->root = prod_dir;
	w->set_owner = ssh_conn_is_root(w->c);
	if (libssh2_sftp_stat_ex(w->sftp, prod_dir, (unsigned)strlen(prod_dir),
	    LIBSSH2_SFTP_STAT, &ra) != 0) {
		if (!remote_no_such_file(w))
			return remote_fail(w, "cannot read", prod_dir);
		if (w->compare) {
			differs(w, "is missing", prod_dir, NULL);
			return 0;
		}
		if (remote_mkdir_p(w, prod_dir) == -1)
			return -1;
		absent = true;
	} else if (rtype(&ra) != LIBSSH2_SFTP_S_IFDIR) {
		sslm_err_set(w->err, "%s exists on %s and is not a folder; nothing "
		    "copied", prod_dir, w->host);
		return -1;
	}
	if (!w->compare && dir_attrs(w, prod_dir, &ls, absent ? NULL : &ra) == -1)
		return -1;
	before = changes(w);
	queued = w->batch_queued;
	if (walk_dir(w, prod_dir, false, absent) == -1)
		return -1;
	if (w->compare)
		return 0;
	if (dir_time(w, prod_dir, &ls, absent ? NULL : &ra, changes(w) != before,
	    w->batch_queued != queued) == -1)
		return -1;
	return remote_flush(w);
}

int
deploy_remote_mirror(struct ssh_conn *c, const char *prod_dir, bool debug,
    struct strvec *lines, struct remote_mirror_stats *stats,
    struct sslm_err *err)
{
	struct remote_mirror_stats st;
	struct remote_walk w = { .c = c, .debug = debug, .lines = lines,
	    .st = stats != NULL ? stats : &st, .err = err };
	int rc;

	memset(w.st, 0, sizeof(*w.st));
	strvec_init(&w.batch_renames);
	strvec_init(&w.batch_times);
	w.batch = true;
	if ((rc = remote_walk_run(&w, prod_dir)) == -1)
		remote_discard(&w);
	strvec_clear(&w.batch_renames);
	strvec_clear(&w.batch_times);
	return rc;
}
