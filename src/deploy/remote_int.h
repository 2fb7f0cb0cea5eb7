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
	/*
	 * Replacing an existing name costs an exec channel (ssh_conn_rename's
	 * mv fallback; SFTP v3 rename never replaces), about a quarter second
	 * each, so the mirror queues those renames and runs them together:
	 * batch_renames holds temporary, final, temporary, final...; after
	 * them, the folders in batch_times ("<mtime> <path>") get their times
	 * back (a rename moves its folder's time). batch: queue at all.
	 */
	bool batch;
	struct strvec batch_renames;
	struct strvec batch_times;
	size_t batch_bytes;		/* length of the mv command so far */
	unsigned batch_queued;		/* renames queued so far, all batches */
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
 * mtime > 0) and owner (when uid >= 0), then put it in place (remote_rename;
 * exists: path exists remotely). */
int remote_upload(struct remote_walk *w, const char *path, const char *src,
    const void *data, size_t len, unsigned mode, long mtime, long uid, long gid,
    bool exists);

/* Put the finished temporary tmp in place of path: at once when path does
 * not exist remotely (exists false) or batching is off, else queued (tmp
 * is then owned by the queue; *tmp set to NULL). */
int remote_rename(struct remote_walk *w, char **tmp, const char *path,
    bool exists);
/* Queue "set the time of folder path to mtime" for after the renames. */
int remote_queue_time(struct remote_walk *w, const char *path, long mtime);
/* Run the queued renames, then the queued folder times. */
int remote_flush(struct remote_walk *w);
/* Remove the queued temporaries (after an error) and empty the queues. */
void remote_discard(struct remote_walk *w);

/* Read the target text of the remote link path into buf; its length, or -1
 * when path is not a link. */
int remote_link_target(struct remote_walk *w, const char *path, char *buf,
    size_t size);
/* Make path a link to target (temporary name, checked, renamed over;
 * exists: something is at path, see remote_rename). */
int remote_symlink(struct remote_walk *w, const char *target, const char *path,
    bool exists);

#endif /* SSLM_DEPLOY_REMOTE_INT_H */
