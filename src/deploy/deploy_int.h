/*
 * Helpers shared inside src/deploy/ only; not part of the public API.
 *
 * Everything here works relative to directory descriptors and never follows
 * a symlink below them (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW), so a link planted
 * in the production tree cannot make us write or delete anywhere else.
 * Paths passed alongside the descriptors are for messages only.
 */
#ifndef SSLM_DEPLOY_INT_H
#define SSLM_DEPLOY_INT_H

#include <stdbool.h>
#include <sys/stat.h>

#include "common/common.h"

/* Deepest directory level below curr/ or next/ we follow (data sets are
 * flat; the bound only stops a pathological tree). */
#define DP_MAX_DEPTH 8

/* Largest tlsa.<g> the integrity check reads for its normalised compare. */
#define DP_TLSA_MAX (4 * 1024 * 1024)

/* Names of the directory's entries except "." and "..", sorted (strcmp). */
int dp_list_dir(int dirfd, const char *path, struct strvec *names,
    struct sslm_err *err);

/* Atomic-write temporaries ("*.tmp", layout.md §4.2) are never mirrored and
 * never compared: they are crash leftovers, not data. */
bool dp_is_tmp_name(const char *name);
/* privkey.pem or bundle.pem: the files report mode never opens. */
bool dp_is_secret_name(const char *name);
/* A file that must not reach production: privkey.pem/bundle.pem of the
 * group "ca" (decision DO4). */
bool dp_is_ca_key(const char *group, const char *name);

/* *same = byte-for-byte equal contents of two regular files (opened without
 * following links). */
int dp_same_bytes_at(int afd, const char *aname, const char *apath, int bfd,
    const char *bname, const char *bpath, bool *same, struct sslm_err *err);

/*
 * Replace dfd/name with a copy of the regular file sfd/name: "<name>.tmp"
 * is created O_EXCL|O_NOFOLLOW with the source's mode (a 0600 key is never
 * wider, even for a moment), owned like the source when we are root, filled,
 * fsynced, given the source's atime/mtime and renamed over name; then the
 * directory is fsynced. On failure the temporary is removed and name is
 * untouched.
 */
int dp_copy_file_at(int sfd, const char *name, const char *spath, int dfd,
    const char *dpath, struct sslm_err *err);

/* Remove dfd/name: a file or link is unlinked (a link is never followed), a
 * directory is emptied depth-first (bounded by DP_MAX_DEPTH) and removed. */
int dp_remove_at(int dfd, const char *name, const char *path, int depth,
    struct sslm_err *err);

/* fstatat without following; 1 found, 0 absent (ENOENT/ENOTDIR), -1 error. */
int dp_lstat_at(int dirfd, const char *name, const char *path, struct stat *st,
    struct sslm_err *err);

/* One mirror run (a service or a group's TLSA file). */
struct dp_mirror {
	const char *group;      /* "ca" drops privkey.pem/bundle.pem (DO4) */
	bool debug;             /* print "debug: ..." lines, change nothing */
	bool root;              /* keep owners (only root can) */
	unsigned changes;       /* entries changed (or that would be) */
	struct sslm_err *err;
};

void dp_mirror_init(struct dp_mirror *m, const char *group, bool debug,
    struct sslm_err *err);
/* Make dparent/dname (dpath) an exact mirror of the directory sfd (spath);
 * depth 0 is a data set's top (where the ca key rule applies). dparent is
 * -1 only in debug runs where the parent does not exist yet. */
int dp_mirror_dir(struct dp_mirror *m, int sfd, const char *spath,
    int dparent, const char *dname, const char *dpath, int depth);
/* Bring dfd/name up to date with the regular file sfd/name (sst its
 * lstat): skipped when size, mode, mtime, owner (root) and bytes match. */
int dp_mirror_file(struct dp_mirror *m, int sfd, const char *name,
    const struct stat *sst, const char *sp, int dfd, const char *dp);
/* Remove dfd/name (debug: only say so). */
int dp_mirror_remove(struct dp_mirror *m, int dfd, const char *name,
    const char *path);

/* Normalised equality for TLSA text (lifecycle.md §11, tlsa.md §7.2): lines
 * trimmed, empty lines and lines starting with ';' skipped, runs of white
 * space inside a line collapsed to one space. -1 only on allocation failure. */
int dp_tlsa_equal(const char *a, size_t alen, const char *b, size_t blen,
    bool *equal);

#endif /* SSLM_DEPLOY_INT_H */
