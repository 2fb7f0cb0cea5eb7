/*
 * The production integrity check (lifecycle.md §11, decisions R-O2/R-O5):
 * does <prod> still hold exactly what certs/ says it should?
 *
 * The 7.x check compares the six PEM files under a text normalisation and
 * stops at the first mismatch. Ours lists every difference and checks what
 * the mirror guarantees — file sets, kinds, modes, sizes, mtimes and bytes,
 * tlsa.rr and info included — so that each reported difference is one the
 * mirror repairs, and a status-only run (report mode, which may not open
 * private keys and so must rely on size/mtime/mode for them) agrees with a
 * repair run. A tree the original's rsync -a made passes: rsync keeps all
 * of these. Only tlsa.<g> keeps the normalised compare, because the C
 * group-TLSA writer spells records differently from 7.x without a change of
 * meaning.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deploy/deploy.h"
#include "deploy/deploy_int.h"
#include "store/store.h"

struct check {
	const char *who;                /* "<g>/<s>" or "<g>" */
	const char *group;
	enum deploy_check_mode mode;
	struct strvec *diffs;           /* may be NULL */
	int count;
	struct sslm_err *err;
};

static int add_diff(struct check *c, const char *fmt, ...) SSLM_PRINTF(2, 3);

static int
add_diff(struct check *c, const char *fmt, ...)
{
	char *what = NULL, *line = NULL;
	va_list ap;
	int rc = -1;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	if (what == NULL || (line = str_printf("%s: %s", c->who, what)) == NULL)
		goto oom;
	if (c->diffs != NULL && strvec_push_owned(c->diffs, line) == -1) {
		line = NULL;
		goto oom;
	}
	if (c->diffs == NULL)
		free(line);
	line = NULL;
	c->count++;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(c->err, "out of memory checking production for %s", c->who);
 out:
	free(what);
	free(line);
	return rc;
}

static const char *
kind_name(mode_t m)
{
	if (S_ISREG(m))
		return "file";
	if (S_ISDIR(m))
		return "directory";
	if (S_ISLNK(m))
		return "symlink";
	return "special file";
}

/* What the mirror copies: files, directories, symlinks. */
static bool
mirrored_kind(mode_t m)
{
	return S_ISREG(m) || S_ISDIR(m) || S_ISLNK(m);
}

static int compare_dir(struct check *c, int sfd, const char *spath, int dfd,
    const char *dpath, const char *rel, int depth);

static int
compare_files(struct check *c, int sfd, int dfd, const char *name,
    const char *sp, const char *dp, const char *rel, const struct stat *s,
    const struct stat *d)
{
	char what[128] = "";
	bool same;
	size_t n;

	if ((s->st_mode & 07777) != (d->st_mode & 07777))
		snprintf(what, sizeof(what), "; mode %04o in production, %04o "
		    "in certs", (unsigned)(d->st_mode & 07777),
		    (unsigned)(s->st_mode & 07777));
	n = strlen(what);
	if (s->st_size != d->st_size)
		snprintf(what + n, sizeof(what) - n, "; size");
	n = strlen(what);
	if (s->st_mtim.tv_sec != d->st_mtim.tv_sec)
		snprintf(what + n, sizeof(what) - n, "; mtime");
	n = strlen(what);
	/* Report mode never opens a private key (lifecycle.md §11). */
	if (s->st_size == d->st_size &&
	    !(c->mode == DEPLOY_CHECK_REPORT && dp_is_secret_name(name))) {
		if (dp_same_bytes_at(sfd, name, sp, dfd, name, dp, &same,
		    c->err) == -1)
			return -1;
		if (!same)
			snprintf(what + n, sizeof(what) - n, "; content");
	}
	if (what[0] == '\0')
		return 0;
	return add_diff(c, "%s/%s differs (%s)", rel, name, what + 2);
}

/* s: the source entry's lstat, from source_has a moment ago. */
static int
compare_entry(struct check *c, int sfd, const char *spath, int dfd,
    const char *dpath, const char *name, const char *rel, int depth,
    const struct stat *s)
{
	char *sp = NULL, *dp = NULL, *sub = NULL;
	char st_buf[PATH_MAX], dt_buf[PATH_MAX];
	struct stat d;
	ssize_t sn, dn;
	int cs = -1, cd = -1, rc = -1;

	if ((sp = str_printf("%s/%s", spath, name)) == NULL ||
	    (dp = str_printf("%s/%s", dpath, name)) == NULL) {
		sslm_err_set(c->err, "out of memory checking %s", spath);
		goto out;
	}
	if (dp_lstat_at(dfd, name, dp, &d, c->err) != 1)
		goto out;       /* listed a moment ago: vanishing is an error */
	if ((s->st_mode & S_IFMT) != (d.st_mode & S_IFMT)) {
		rc = add_diff(c, "%s/%s is a %s in production, a %s in certs",
		    rel, name, kind_name(d.st_mode), kind_name(s->st_mode));
		goto out;
	}
	if (S_ISREG(s->st_mode)) {
		rc = compare_files(c, sfd, dfd, name, sp, dp, rel, s, &d);
		goto out;
	}
	if (S_ISLNK(s->st_mode)) {
		sn = readlinkat(sfd, name, st_buf, sizeof(st_buf));
		dn = readlinkat(dfd, name, dt_buf, sizeof(dt_buf));
		if (sn == -1 || dn == -1) {
			sslm_err_errno(c->err, errno, "cannot read link %s",
			    sn == -1 ? sp : dp);
			goto out;
		}
		rc = 0;
		if (sn != dn || memcmp(st_buf, dt_buf, (size_t)sn) != 0)
			rc = add_diff(c, "%s/%s points elsewhere in production",
			    rel, name);
		goto out;
	}
	if (depth + 1 > DP_MAX_DEPTH) {
		sslm_err_set(c->err, "cannot check %s: nested deeper than %d "
		    "levels", sp, DP_MAX_DEPTH);
		goto out;
	}
	cs = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cs == -1 || cd == -1) {
		sslm_err_errno(c->err, errno, "cannot open %s", cs == -1 ? sp : dp);
		goto out;
	}
	if ((sub = str_printf("%s/%s", rel, name)) == NULL) {
		sslm_err_set(c->err, "out of memory checking %s", spath);
		goto out;
	}
	rc = compare_dir(c, cs, sp, cd, dp, sub, depth + 1);
 out:
	if (cs != -1)
		close(cs);
	if (cd != -1)
		close(cd);
	free(sp);
	free(dp);
	free(sub);
	return rc;
}

/* Does the source offer name to the mirror? 1 yes (*st: its lstat, for
 * compare_entry), 0 no, -1 error. */
static int
source_has(struct check *c, int sfd, const char *spath, const char *name,
    int depth, struct stat *st)
{
	char *sp;
	int r;

	if (dp_is_tmp_name(name) || (depth == 0 && dp_is_ca_key(c->group, name)))
		return 0;
	if ((sp = str_printf("%s/%s", spath, name)) == NULL) {
		sslm_err_set(c->err, "out of memory checking %s", spath);
		return -1;
	}
	r = dp_lstat_at(sfd, name, sp, st, c->err);
	free(sp);
	return r == 1 ? mirrored_kind(st->st_mode) : r;
}

static int
compare_dir(struct check *c, int sfd, const char *spath, int dfd,
    const char *dpath, const char *rel, int depth)
{
	struct strvec src, dst;
	struct stat st;
	size_t i = 0, j = 0;
	int rc = -1, cmp, has, r;

	strvec_init(&src);
	strvec_init(&dst);
	if (dp_list_dir(sfd, spath, &src, c->err) == -1 ||
	    dp_list_dir(dfd, dpath, &dst, c->err) == -1)
		goto out;
	while (i < src.n || j < dst.n) {
		const char *name;

		if (i >= src.n)
			cmp = 1;
		else if (j >= dst.n)
			cmp = -1;
		else
			cmp = strcmp(src.v[i], dst.v[j]);
		name = cmp <= 0 ? src.v[i] : dst.v[j];
		if ((has = source_has(c, sfd, spath, name, depth, &st)) == -1)
			goto out;
		if (cmp < 0) {
			i++;
			r = has ? add_diff(c, "%s/%s is missing in production",
			    rel, name) : 0;
		} else {
			if (cmp == 0)
				i++;
			j++;
			if (dp_is_tmp_name(name))
				r = 0;
			else if (depth == 0 && dp_is_ca_key(c->group, name))
				r = add_diff(c, "%s/%s must not be in production "
				    "(CA private keys stay on the signing host)",
				    rel, name);
			else if (!has)
				r = add_diff(c, "%s/%s is in production but not "
				    "in certs", rel, name);
			else
				r = compare_entry(c, sfd, spath, dfd, dpath, name,
				    rel, depth, &st);
		}
		if (r == -1)
			goto out;
	}
	rc = 0;
 out:
	strvec_clear(&src);
	strvec_clear(&dst);
	return rc;
}

/* One of curr/next: presence on both sides, then the contents. */
static int
check_link(struct check *c, const char *svc, const char *pdir,
    enum store_link which)
{
	const char *name = store_link_name(which);
	struct sslm_err lerr;
	char *set = NULL, *dpath = NULL;
	struct stat st;
	int r, rc = -1, sfd = -1, dfd = -1;
	bool dst = false;

	sslm_err_clear(&lerr);
	/* -1 (not a symlink) counts as absent here; the service's own step
	 * reports it as its error. */
	r = store_link_resolve(svc, which, NULL, &set, &lerr);
	if ((dpath = str_printf("%s/%s", pdir, name)) == NULL) {
		sslm_err_set(c->err, "out of memory checking %s", pdir);
		goto out;
	}
	if (lstat(dpath, &st) == 0)
		dst = true;
	else if (errno != ENOENT && errno != ENOTDIR) {
		sslm_err_errno(c->err, errno, "cannot read %s", dpath);
		goto out;
	}
	if (r == 1 && dst && S_ISDIR(st.st_mode)) {
		if ((sfd = open(set, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
		    (dfd = open(dpath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1) {
			sslm_err_errno(c->err, errno, "cannot open %s",
			    sfd == -1 ? set : dpath);
			goto out;
		}
		rc = compare_dir(c, sfd, set, dfd, dpath, name, 0);
	} else if (r == 1)
		rc = add_diff(c, dst ? "%s/ in production is not a directory" :
		    "%s/ is missing in production", name);
	else if (dst && r == -1)
		rc = add_diff(c, "%s/ should not be in production (%s)", name,
		    lerr.msg);
	else if (dst)
		rc = add_diff(c, "%s/ should not be in production (the service "
		    "has no %s)", name, name);
	else
		rc = 0;
 out:
	if (sfd != -1)
		close(sfd);
	if (dfd != -1)
		close(dfd);
	free(set);
	free(dpath);
	return rc;
}

/* 1 real directory, 0 absent; a link or file there adds a difference and
 * returns 2; -1 error. */
static int
prod_dir_state(struct check *c, const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		sslm_err_errno(c->err, errno, "cannot read %s", path);
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return 1;
	return add_diff(c, "%s is not a real directory (a %s)", path,
	    kind_name(st.st_mode)) == -1 ? -1 : 2;
}

int
deploy_prod_check_service_mode(const char *top, const char *prod_dir,
    const char *group, const char *service, enum deploy_check_mode mode,
    struct strvec *diffs, struct sslm_err *err)
{
	struct check c = { NULL, group, mode, diffs, 0, err };
	char *who = NULL, *svc = NULL, *gpath = NULL, *spath = NULL;
	int rc = -1, r;

	if (!str_is_safe_name(group) || !str_is_safe_name(service)) {
		sslm_err_set(err, "cannot check \"%s/%s\": not a valid "
		    "group/service name", group != NULL ? group : "",
		    service != NULL ? service : "");
		goto out;
	}
	if ((who = str_printf("%s/%s", group, service)) == NULL ||
	    (svc = str_printf("%s/certs/%s/%s", top, group, service)) == NULL ||
	    (gpath = str_printf("%s/%s", prod_dir, group)) == NULL ||
	    (spath = str_printf("%s/%s", gpath, service)) == NULL) {
		sslm_err_set(err, "out of memory checking %s/%s", group, service);
		goto out;
	}
	c.who = who;
	/* A link at <prod>/<g> or <prod>/<g>/<s> would make the lstat calls
	 * below look somewhere else; the mirror refuses such a tree. */
	if ((r = prod_dir_state(&c, gpath)) == 1)
		r = prod_dir_state(&c, spath);
	if (r == -1)
		goto out;
	if (r != 2 && (check_link(&c, svc, spath, STORE_CURR) == -1 ||
	    check_link(&c, svc, spath, STORE_NEXT) == -1))
		goto out;
	rc = c.count;
 out:
	free(who);
	free(svc);
	free(gpath);
	free(spath);
	return rc;
}

int
deploy_prod_check_service(const char *top, const char *prod_dir,
    const char *group, const char *service, struct strvec *diffs,
    struct sslm_err *err)
{
	return deploy_prod_check_service_mode(top, prod_dir, group, service,
	    DEPLOY_CHECK_REPAIR, diffs, err);
}

/* tlsa.<g>: both absent, or equal after normalisation (lifecycle.md §11). */
static int
check_group_tlsa(struct check *c, const char *top, const char *gpath)
{
	char *name = NULL, *sp = NULL, *dp = NULL, *sdata = NULL, *ddata = NULL;
	size_t slen, dlen;
	struct stat sst, dst;
	bool shas, dhas, equal;
	int rc = -1;

	if ((name = str_printf("tlsa.%s", c->group)) == NULL ||
	    (sp = str_printf("%s/certs/%s/%s", top, c->group, name)) == NULL ||
	    (dp = str_printf("%s/%s", gpath, name)) == NULL) {
		sslm_err_set(c->err, "out of memory checking %s", c->group);
		goto out;
	}
	shas = lstat(sp, &sst) == 0;
	if (!shas && errno != ENOENT && errno != ENOTDIR) {
		sslm_err_errno(c->err, errno, "cannot read %s", sp);
		goto out;
	}
	dhas = lstat(dp, &dst) == 0;
	if (!dhas && errno != ENOENT && errno != ENOTDIR) {
		sslm_err_errno(c->err, errno, "cannot read %s", dp);
		goto out;
	}
	if (!shas || !dhas) {
		rc = shas == dhas ? 0 : add_diff(c, shas ?
		    "%s is missing in production" :
		    "%s is in production but not in certs", name);
		goto out;
	}
	if (!S_ISREG(dst.st_mode)) {
		rc = add_diff(c, "%s in production is a %s, not a file", name,
		    kind_name(dst.st_mode));
		goto out;
	}
	if (fs_read_file(sp, DP_TLSA_MAX, &sdata, &slen, c->err) == -1 ||
	    fs_read_file(dp, DP_TLSA_MAX, &ddata, &dlen, c->err) == -1)
		goto out;
	if (dp_tlsa_equal(sdata, slen, ddata, dlen, &equal) == -1) {
		sslm_err_set(c->err, "out of memory comparing %s", sp);
		goto out;
	}
	rc = equal ? 0 : add_diff(c, "%s differs", name);
 out:
	free(name);
	free(sp);
	free(dp);
	free(sdata);
	free(ddata);
	return rc;
}

int
deploy_prod_check_group(const char *top, const char *prod_dir,
    const char *group, const struct strvec *services,
    enum deploy_check_mode mode, struct strvec *diffs, struct sslm_err *err)
{
	struct check c = { group, group, mode, diffs, 0, err };
	char *certs = NULL, *gpath = NULL;
	size_t i;
	int rc = -1, r;

	if (!str_is_safe_name(group)) {
		sslm_err_set(err, "cannot check \"%s\": not a valid group name",
		    group != NULL ? group : "");
		goto out;
	}
	if ((certs = str_printf("%s/certs", top)) == NULL ||
	    (gpath = str_printf("%s/%s", prod_dir, group)) == NULL) {
		sslm_err_set(err, "out of memory checking %s", group);
		goto out;
	}
	/* 7.x step 1: nothing made yet, nothing to compare. */
	if (!fs_is_dir(certs)) {
		rc = 0;
		goto out;
	}
	if ((r = prod_dir_state(&c, gpath)) == -1)
		goto out;
	if (r == 0 && add_diff(&c, "%s/ is missing in production", gpath) == -1)
		goto out;
	if (r != 1) {
		rc = c.count;   /* a new group: one resync covers all of it */
		goto out;
	}
	if (check_group_tlsa(&c, top, gpath) == -1)
		goto out;
	for (i = 0; services != NULL && i < services->n; i++) {
		if ((r = deploy_prod_check_service_mode(top, prod_dir, group,
		    services->v[i], mode, diffs, err)) == -1)
			goto out;
		c.count += r;
	}
	rc = c.count;
 out:
	free(certs);
	free(gpath);
	return rc;
}
