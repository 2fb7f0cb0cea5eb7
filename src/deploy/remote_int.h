/*
 * Private parts of the remote mirror (remote_*.c): one walk of the local
 * production tree against the remote one, used to change the remote side
 * (mirror) or only to describe the differences (compare).
 */
#ifndef SSLM_DEPLOY_REMOTE_INT_H
#define SSLM_DEPLOY_REMOTE_INT_H

#include <stdbool.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "common/common.h"
#include "deploy/deploy.h"

struct remote_walk {
	struct ssh_conn *c;
	LIBSSH2_SFTP *sftp;
	const char *host;		/* the server entry, for messages */
	const char *root;		/* prod_dir */
	bool compare;			/* describe only */
	bool debug;			/* print what would change */
	bool set_owner;			/* remote user is root (DO2) */
	struct strvec *lines;		/* mirror: one line per change */
	struct strvec *diffs;		/* compare: one sentence per difference */
	struct remote_mirror_stats *st;
	struct sslm_err *err;
	unsigned n_diffs;
};

/* ---- remote_mirror.c ---- */

/* The walk over prod_dir (checks of deploy.h done first). */
int remote_walk_run(struct remote_walk *w, const char *prod_dir);

/* ---- remote_put.c ---- */

/* "permission denied" etc. for the SFTP session's last status. */
const char *remote_sftp_error(LIBSSH2_SFTP *sftp, LIBSSH2_SESSION *s);
/* err = "<what> <path>: <the SFTP status>"; returns -1. */
int remote_fail(struct remote_walk *w, const char *what, const char *path);
/* One line "<verb> <path>" (with "debug: " in debug runs) in w->lines. */
void remote_say(struct remote_walk *w, const char *verb, const char *path);
/* The last SFTP call failed with "no such file". */
bool remote_no_such_file(struct remote_walk *w);
/* The connection's deadline passed (err set then). */
bool remote_expired(struct remote_walk *w);

/* Create the missing folders of dir (each 0755) on the remote side. */
int remote_mkdir_p(struct remote_walk *w, const char *dir);

/* Upload the local file src (or, when src is NULL, len bytes of data) to
 * path through a temporary name in the same folder, with mode, mtime (when
 * mtime > 0) and owner (when uid >= 0), then rename it over path. */
int remote_upload(struct remote_walk *w, const char *path, const char *src,
    const void *data, size_t len, unsigned mode, long mtime, long uid, long gid);

/* Read the target text of the remote link path into buf; its length, or -1
 * when path is not a link. */
int remote_link_target(struct remote_walk *w, const char *path, char *buf,
    size_t size);
/* Make path a link to target (temporary name, checked, renamed over). */
int remote_symlink(struct remote_walk *w, const char *target, const char *path);

#endif /* SSLM_DEPLOY_REMOTE_INT_H */
