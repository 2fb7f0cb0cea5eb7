/* Helpers shared inside src/store/ only; not part of the public API. */
#ifndef SSLM_STORE_INT_H
#define SSLM_STORE_INT_H

#include <stdbool.h>

struct sslm_err;

/* Remove path and everything below it; symlinks are removed, never
 * followed, and other file systems are not entered. A missing path is
 * success. */
int store_rmtree(const char *path, struct sslm_err *err);

/* fsync a directory so the renames and creations in it are durable. */
int store_fsync_dir(const char *dir, struct sslm_err *err);

/* -1 with err naming svc_dir/<link> when that entry exists and is not a
 * symlink (layout.md §3: C reports it as an error), else 0. */
int store_link_check(const char *svc_dir, const char *link,
    struct sslm_err *err);

#endif /* SSLM_STORE_INT_H */
