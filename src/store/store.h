/*
 * store/ — the certificate database of one service:
 * certs/<group>/<service>/{curr,next,prev} -> db/<YYYYMMDD-HH:MM:SS>/, cb/.
 * Reads and continues trees made by the original ssl-mgr unchanged.
 *
 * How mgr/ uses it for a renew (lifecycle.md §4, decisions "Atomic next"):
 *
 *	store_service_prepare(top, g, s, err)
 *	store_set_create(svc_dir, staging, &set, err)     new, unlinked db/<ts>
 *	store_set_write(&set, "privkey.pem", ..., true, err) / store_set_copy_file
 *	... csr, cert, chain, fullchain, bundle, tlsa.rr ...
 *	store_set_link_next(&set, err)                    only when complete
 *   out:
 *	if (failed) store_set_discard(&set);              nothing left behind
 *	store_set_clear(&set);
 *
 * and for a roll store_roll(); at the end of a good run store_clean().
 * None of these take the run lock: the caller holds it for the whole run.
 */
#ifndef SSLM_STORE_H
#define SSLM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/common.h"

enum store_link {
	STORE_CURR,
	STORE_NEXT,
	STORE_PREV,
};

/* "curr", "next", "prev". */
const char *store_link_name(enum store_link which);

/*
 * Resolve a service's link. Only the last component of the link target is
 * used and the data set is always db/<name> (layout.md §3).
 * Returns 1 with *dbname (heap) and *dir (heap, absolute data-set path) when
 * the link exists and its data set is a directory; 0 when the link is absent
 * or dangling; -1 when the entry exists but is not a symlink (err says so).
 * Either out pointer may be NULL.
 */
int store_link_resolve(const char *svc_dir, enum store_link which,
    char **dbname, char **dir, struct sslm_err *err);

/* True when the data set's info file has a line that is exactly "# staging"
 * (layout.md §4.3). A missing info file means a normal certificate. */
bool store_dataset_is_staging(const char *dataset_dir);

/* True when name is a data-set name: ^[0-9]{8}-[0-9]{2}:[0-9]{2}:[0-9]{2}$ */
bool store_is_dbname(const char *name);

/* ---- service directory (layout.md §2, §3, §12) ------------------------ */

/* "<top>/certs/<group>/<service>" on the heap; NULL on allocation failure. */
char *store_service_dir(const char *top, const char *group, const char *service);

/*
 * Create what is missing of certs/ (process default mode), certs/<group>
 * (0750), certs/<group>/<service>/ (default), its db/ and cb/ (0750); modes
 * are filtered by the umask and existing directories are left as they are.
 * top must exist. Group and service must be safe names (str_is_safe_name).
 * An entry that exists but is not a directory is an error naming it.
 * Not for status-only runs (cli.md §7.1): those create nothing.
 */
int store_service_prepare(const char *top, const char *group,
    const char *service, struct sslm_err *err);

/* ---- data sets (layout.md §4) ------------------------------------------ */

/* The six files a data set needs before it may become curr (layout.md §4.2). */
#define STORE_NREQUIRED 6
extern const char *const store_required_files[STORE_NREQUIRED];

/* A data set being built. All members are heap strings owned by the struct:
 * svc_dir as given, name "YYYYMMDD-HH:MM:SS", dir "<svc_dir>/db/<name>". */
struct store_set {
	char *svc_dir;
	char *name;
	char *dir;
};

/* A zeroed set: safe to store_set_discard and store_set_clear. */
void store_set_init(struct store_set *set);
/* Free the strings (the directory on disk is not touched); NULL-safe, and
 * the set is zeroed again afterwards. */
void store_set_clear(struct store_set *set);

/*
 * Make a new, empty data set db/<local time now> (0750) under svc_dir,
 * linked nowhere yet. If a directory of that name exists (two sets in one
 * second, quirk L1) wait for the next second and try again, a few times at
 * most. staging: write info "# staging\n" (decision CO5). set is
 * initialised here; on failure it holds nothing and nothing is left on
 * disk. db/ must exist (store_service_prepare).
 */
int store_set_create(const char *svc_dir, bool staging, struct store_set *set,
    struct sslm_err *err);

/* Atomically write file (a plain name, no '/') into the set: temp + fsync +
 * rename. secret: mode 0600 from creation (privkey.pem, bundle.pem);
 * otherwise the process default (0666 & ~umask). */
int store_set_write(const struct store_set *set, const char *file,
    const void *data, size_t len, bool secret, struct sslm_err *err);

/* True for privkey.pem and bundle.pem: the files that are always 0600. */
bool store_file_is_secret(const char *file);

/*
 * Byte copy of src_dir/file into the set, keeping the source's atime and
 * mtime (the readiness rules compare mtimes; layout.md §4.2). Written
 * atomically; privkey.pem and bundle.pem get 0600 whatever the source's mode
 * (quirk L2 fixed). Returns 0 when copied, 1 when the source does not exist
 * (not an error: nothing is copied, layout.md §11), -1 on error.
 */
int store_set_copy_file(const struct store_set *set, const char *src_dir,
    const char *file, struct sslm_err *err);

/* All six required files are present as regular files in dir. */
bool store_set_is_complete(const char *dir);
/* Append the names of the required files missing from dir to missing
 * (in store_required_files order). Returns how many, -1 on allocation
 * failure. */
int store_set_missing(const char *dir, struct strvec *missing);

/* mtime of dir/cert.pem (roll age input, lifecycle.md §5.1). -1 when there is
 * no such regular file (errno as stat(2) left it), else 0. */
int store_set_cert_mtime(const char *dir, time_t *mtime);

/*
 * Remove the unfinished set from disk (its files and its directory; links
 * inside are removed, never followed). For the failure path of a renew, so
 * a half-built set never stays behind. Refuses (warning only) to remove a
 * set that curr, next or prev points at. Does not free: call
 * store_set_clear afterwards. Safe on an initialised or cleared set and
 * when the directory is already gone. Problems are logged as warnings.
 */
void store_set_discard(struct store_set *set);

/* ---- links (layout.md §3, lifecycle.md §5.2) --------------------------- */

/*
 * Point next at the set: target "db/<name>" (relative), a new link renamed
 * over next, so next is at every moment the old link or the new one. A
 * next already pointing there is left alone. A next that exists but is not
 * a symlink is an error naming it (nothing is changed). Crash point
 * "before-link-next".
 */
int store_set_link_next(const struct store_set *set, struct sslm_err *err);

/*
 * next -> curr for one service. Refuses (-1, nothing changed) when next is
 * missing its required files (err lists them) or curr/next/prev exists but
 * is not a symlink. Otherwise, in this order, each step one rename(2):
 *   info in the next data set := "# <service> rolled to curr : <now>\n"
 *       plus "# staging\n" when that set is staging (failure: warning only);
 *   prev := curr's target (only when curr exists);   crash point
 *       "roll-between-links";
 *   curr := next's target;  next removed.
 * So curr exists at every moment once it existed. A next equal to curr (a
 * roll interrupted after its curr switch) is finished by removing next.
 * allow_staging: whether this run may roll a staging next (a -t run).
 * Returns 0 when rolled (curr changed), 1 when not rolled and that is no
 * error — no next, or a staging next without allow_staging — with the
 * reason in err; -1 on error.
 */
int store_roll(const char *svc_dir, const char *service, bool allow_staging,
    struct sslm_err *err);

/* ---- cleaning (lifecycle.md §10) --------------------------------------- */

/*
 * Remove old data sets of a service. Candidates are the directories in db/
 * whose name is a data-set name and which curr, next and prev do not point
 * at; other names are logged (file only) as unexpected and kept, files and
 * symlinks are ignored. The keep newest candidates by directory mtime
 * survive (keep < 0 counts as 0; equal mtimes: the newer name first);
 * the rest are removed recursively without following symlinks, each removal
 * logged (file only); a failed removal is a warning and cleaning goes on.
 * debug: remove nothing, print "debug: clean <path>" for each instead.
 * removed (may be NULL) gets the names (not paths) removed or, with debug,
 * that would be. A service without db/ has nothing to clean. Returns the
 * number of names put in removed, -1 on error (db/ unreadable, or a link
 * that is not a symlink: then the protected sets are unknown and nothing is
 * removed).
 */
int store_clean(const char *svc_dir, int keep, bool debug,
    struct strvec *removed, struct sslm_err *err);

/* ---- fault injection (decisions.md "Fault injection") ------------------
 * Built with --enable-fault-injection: when SSLM_CRASH_AT equals name the
 * process kills itself with SIGKILL right there (tests of crash safety).
 * Release builds: an empty inline function, no crash points at all
 * (config.h, included first by every .c, decides which).
 * Names used: "before-link-next", "roll-between-links" (store/); "after-key",
 * "after-csr", "after-cert" (mgr/).
 */
#ifdef SSLM_FAULT_INJECTION
void fault_point(const char *name);
#else
static inline void
fault_point(const char *name)
{
	(void)name;
}
#endif

#endif /* SSLM_STORE_H */
