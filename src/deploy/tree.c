/*
 * The mirror engine: make one production directory an exact copy of one
 * source directory (distribution.md §2 "Exact mirror").
 *
 * Every step works on directory descriptors opened with O_NOFOLLOW, so a
 * symlink planted in production is replaced or removed as a link and never
 * written or deleted through. Unchanged files (same size, mode, mtime, owner
 * when root, and bytes) are left alone, so a run with nothing new rewrites
 * nothing and the directories' mtimes and ctimes stay as they were.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deploy/deploy_int.h"

void
dp_mirror_init(struct dp_mirror *m, const char *group, bool debug,
    struct sslm_err *err)
{
	m->group = group;
	m->debug = debug;
	m->root = geteuid() == 0;
	m->changes = 0;
	m->err = err;
}

static bool
same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* The quick half of "unchanged": what a copy would set. */
static bool
meta_equal(const struct dp_mirror *m, const struct stat *s,
    const struct stat *d)
{
	if (s->st_size != d->st_size ||
	    (s->st_mode & 07777) != (d->st_mode & 07777))
		return false;
	if (!same_time(&s->st_mtim, &d->st_mtim))
		return false;
	return !m->root || (s->st_uid == d->st_uid && s->st_gid == d->st_gid);
}

int
dp_mirror_remove(struct dp_mirror *m, int dfd, const char *name,
    const char *path)
{
	m->changes++;
	if (m->debug) {
		log_msg("debug: remove %s", path);
		return 0;
	}
	log_verb("remove %s", path);
	return dp_remove_at(dfd, name, path, 0, m->err);
}

int
dp_mirror_file(struct dp_mirror *m, int sfd, const char *name,
    const struct stat *sst, const char *sp, int dfd, const char *dp)
{
	struct stat dst;
	bool same;
	int r;

	if (dfd != -1) {
		if ((r = dp_lstat_at(dfd, name, dp, &dst, m->err)) == -1)
			return -1;
		if (r == 1 && S_ISREG(dst.st_mode) && meta_equal(m, sst, &dst)) {
			/* Bytes too, so a damaged copy that the integrity
			 * check reports is really replaced. */
			if (dp_same_bytes_at(sfd, name, sp, dfd, name, dp, &same,
			    m->err) == -1)
				return -1;
			if (same)
				return 0;
		}
		/* rename() cannot put a file over a directory. */
		if (r == 1 && S_ISDIR(dst.st_mode) &&
		    dp_mirror_remove(m, dfd, name, dp) == -1)
			return -1;
	}
	m->changes++;
	if (m->debug) {
		log_msg("debug: copy %s -> %s", sp, dp);
		return 0;
	}
	log_verb("copy %s -> %s", sp, dp);
	return dp_copy_file_at(sfd, name, sp, dfd, dp, m->err);
}

/* Symlinks are recreated with the same target text, never followed. */
static int
sync_link(struct dp_mirror *m, int sfd, const char *name,
    const struct stat *sst, const char *sp, int dfd, const char *dp)
{
	char target[PATH_MAX], cur[PATH_MAX], *tmp = NULL;
	struct stat dst;
	ssize_t n;
	int r, rc = -1;

	if ((n = readlinkat(sfd, name, target, sizeof(target) - 1)) == -1) {
		sslm_err_errno(m->err, errno, "cannot read link %s", sp);
		goto out;
	}
	target[n] = '\0';
	if (dfd != -1) {
		if ((r = dp_lstat_at(dfd, name, dp, &dst, m->err)) == -1)
			goto out;
		if (r == 1 && S_ISLNK(dst.st_mode) &&
		    readlinkat(dfd, name, cur, sizeof(cur) - 1) == n &&
		    memcmp(cur, target, (size_t)n) == 0 && (!m->root ||
		    (sst->st_uid == dst.st_uid && sst->st_gid == dst.st_gid))) {
			rc = 0;
			goto out;
		}
		if (r == 1 && S_ISDIR(dst.st_mode) &&
		    dp_mirror_remove(m, dfd, name, dp) == -1)
			goto out;
	}
	m->changes++;
	if (m->debug) {
		log_msg("debug: symlink %s -> %s", dp, target);
		rc = 0;
		goto out;
	}
	log_verb("symlink %s -> %s", dp, target);
	if ((tmp = str_printf("%s.tmp", name)) == NULL) {
		sslm_err_set(m->err, "out of memory copying %s", sp);
		goto out;
	}
	if ((unlinkat(dfd, tmp, 0) == -1 && errno != ENOENT) ||
	    symlinkat(target, dfd, tmp) == -1) {
		sslm_err_errno(m->err, errno, "cannot create link %s.tmp", dp);
		goto out;
	}
	if ((m->root && fchownat(dfd, tmp, sst->st_uid, sst->st_gid,
	    AT_SYMLINK_NOFOLLOW) == -1) || renameat(dfd, tmp, dfd, name) == -1) {
		sslm_err_errno(m->err, errno, "cannot put link %s in place", dp);
		(void)unlinkat(dfd, tmp, 0);
		goto out;
	}
	if (fsync(dfd) == -1 && errno != EINVAL && errno != EROFS) {
		sslm_err_errno(m->err, errno, "cannot sync the directory of %s",
		    dp);
		goto out;
	}
	rc = 0;
 out:
	free(tmp);
	return rc;
}

/* 1 when name was mirrored (keep it in the destination), 0 when it is
 * skipped (a FIFO, socket or device: rsync -a without -D skips those too). */
static int
sync_entry(struct dp_mirror *m, int sfd, const char *name, const char *sp,
    int dfd, const char *dp, int depth)
{
	struct stat st;
	int r, cfd;

	if ((r = dp_lstat_at(sfd, name, sp, &st, m->err)) <= 0)
		return r;
	if (S_ISREG(st.st_mode))
		return dp_mirror_file(m, sfd, name, &st, sp, dfd, dp) == -1 ?
		    -1 : 1;
	if (S_ISLNK(st.st_mode))
		return sync_link(m, sfd, name, &st, sp, dfd, dp) == -1 ? -1 : 1;
	if (!S_ISDIR(st.st_mode)) {
		log_warn("%s is not a regular file, directory or symlink; it is "
		    "not copied to production", sp);
		return 0;
	}
	if (depth + 1 > DP_MAX_DEPTH) {
		sslm_err_set(m->err, "cannot copy %s: nested deeper than %d levels",
		    sp, DP_MAX_DEPTH);
		return -1;
	}
	cfd = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd == -1) {
		sslm_err_errno(m->err, errno, "cannot open %s", sp);
		return -1;
	}
	r = dp_mirror_dir(m, cfd, sp, dfd, name, dp, depth + 1);
	close(cfd);
	return r == -1 ? -1 : 1;
}

/* Owner, mode and mtime of a mirrored directory, set after its entries
 * (adding them moved the mtime). touched: entries inside were changed. */
static int
sync_dir_meta(struct dp_mirror *m, int dfd, const char *dpath,
    const struct stat *sst, bool touched)
{
	struct timespec times[2];
	struct stat cur;
	bool changed = false;

	if (fstat(dfd, &cur) == -1) {
		sslm_err_errno(m->err, errno, "cannot read %s", dpath);
		return -1;
	}
	if (m->root && (cur.st_uid != sst->st_uid || cur.st_gid != sst->st_gid)) {
		changed = true;
		if (m->debug)
			log_msg("debug: chown %ju:%ju %s", (uintmax_t)sst->st_uid,
			    (uintmax_t)sst->st_gid, dpath);
		else if (fchown(dfd, sst->st_uid, sst->st_gid) == -1) {
			sslm_err_errno(m->err, errno, "cannot set owner of %s",
			    dpath);
			return -1;
		}
	}
	if ((cur.st_mode & 07777) != (sst->st_mode & 07777)) {
		changed = true;
		if (m->debug)
			log_msg("debug: chmod %04o %s",
			    (unsigned)(sst->st_mode & 07777), dpath);
		else if (fchmod(dfd, sst->st_mode & 07777) == -1) {
			sslm_err_errno(m->err, errno, "cannot set mode of %s",
			    dpath);
			return -1;
		}
	}
	if (touched || !same_time(&cur.st_mtim, &sst->st_mtim)) {
		changed = true;
		times[0].tv_sec = 0;
		times[0].tv_nsec = UTIME_OMIT;  /* reading the source moves atime */
		times[1] = sst->st_mtim;
		if (m->debug)
			log_msg("debug: set mtime of %s", dpath);
		else if (futimens(dfd, times) == -1) {
			sslm_err_errno(m->err, errno, "cannot set times of %s",
			    dpath);
			return -1;
		}
	}
	if (changed && !touched)
		m->changes++;
	return 0;
}

int
dp_mirror_dir(struct dp_mirror *m, int sfd, const char *spath, int dparent,
    const char *dname, const char *dpath, int depth)
{
	struct strvec src, dst, keep;
	struct stat sst, dst_st;
	char *sp = NULL, *dp = NULL;
	unsigned before = m->changes;
	bool exists = false;
	size_t i;
	int dfd = -1, rc = -1, r;

	strvec_init(&src);
	strvec_init(&dst);
	strvec_init(&keep);
	if (fstat(sfd, &sst) == -1) {
		sslm_err_errno(m->err, errno, "cannot read %s", spath);
		goto out;
	}
	if (dparent != -1) {
		if ((r = dp_lstat_at(dparent, dname, dpath, &dst_st, m->err)) == -1)
			goto out;
		/* A link or file where our directory belongs is replaced
		 * itself; what a link points at is never touched. */
		if (r == 1 && !S_ISDIR(dst_st.st_mode) &&
		    dp_mirror_remove(m, dparent, dname, dpath) == -1)
			goto out;
		exists = r == 1 && S_ISDIR(dst_st.st_mode);
	}
	if (!exists) {
		m->changes++;
		if (m->debug)
			log_msg("debug: mkdir %s", dpath);
		else if (mkdirat(dparent, dname, 0700) == -1) {
			/* 0700 while it fills; its real mode comes last. */
			sslm_err_errno(m->err, errno, "cannot create directory %s",
			    dpath);
			goto out;
		}
	}
	if (!m->debug || exists) {
		dfd = openat(dparent, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (dfd == -1) {
			sslm_err_errno(m->err, errno, "cannot open %s", dpath);
			goto out;
		}
	}
	if (dp_list_dir(sfd, spath, &src, m->err) == -1)
		goto out;
	for (i = 0; i < src.n; i++) {
		const char *name = src.v[i];

		if (dp_is_tmp_name(name) ||
		    (depth == 0 && dp_is_ca_key(m->group, name)))
			continue;
		free(sp);
		free(dp);
		sp = str_printf("%s/%s", spath, name);
		dp = str_printf("%s/%s", dpath, name);
		if (sp == NULL || dp == NULL)
			goto oom;
		if ((r = sync_entry(m, sfd, name, sp, dfd, dp, depth)) == -1)
			goto out;
		if (r == 1 && strvec_push(&keep, name) == -1)
			goto oom;
	}
	if (dfd != -1) {
		if (dp_list_dir(dfd, dpath, &dst, m->err) == -1)
			goto out;
		for (i = 0; i < dst.n; i++) {
			if (strvec_contains(&keep, dst.v[i]))
				continue;
			free(dp);
			if ((dp = str_printf("%s/%s", dpath, dst.v[i])) == NULL)
				goto oom;
			if (dp_mirror_remove(m, dfd, dst.v[i], dp) == -1)
				goto out;
		}
		if (sync_dir_meta(m, dfd, dpath, &sst, m->changes != before) == -1)
			goto out;
	}
	rc = 0;
	goto out;
 oom:
	sslm_err_set(m->err, "out of memory copying %s", spath);
 out:
	if (dfd != -1)
		close(dfd);
	free(sp);
	free(dp);
	strvec_clear(&src);
	strvec_clear(&dst);
	strvec_clear(&keep);
	return rc;
}

