/*
 * deploy/ — getting certificates to where servers read them: the local
 * production tree (this header, for now), later remote mirrors over libssh2,
 * restarts and post-copy commands.
 *
 * Paths: top is the top dir (certs/ lives below it); prod_dir is the
 * production dir as the run uses it (with ".test" already appended for -t).
 * Group and service names must pass str_is_safe_name (they become paths).
 */
#ifndef SSLM_DEPLOY_H
#define SSLM_DEPLOY_H

#include <stdbool.h>

#include "common/common.h"

/* ---- local production copy (distribution.md §2, layout.md §5) ----------- */

/*
 * Mirror one service into the production tree (layout.md §5, 7.x mirror
 * semantics, decision L5): TOP/certs/<g>/<s>/curr/ and next/ become real
 * directories <prod>/<g>/<s>/curr/ and next/ with the same files, modes and
 * mtimes (owner/group too when run as root; symlinks recreated, never
 * followed); files no longer in the source are removed; next/ is removed
 * when the service has no next (a failed removal is only a warning). Group
 * "ca": privkey.pem and bundle.pem are never copied and are removed if
 * present (decision DO4). "*.tmp" files (crash leftovers) are neither copied
 * nor kept. Each file is replaced atomically (temp name + rename); files
 * whose size, mode, mtime, owner (root) and bytes already match are not
 * touched, so a repeated run changes nothing.
 * Creates <prod> (0750) if missing, <prod>/<g> (0777 & ~umask) and
 * <prod>/<g>/<s> (0750 & ~umask); <prod>/<g> and <prod>/<g>/<s> must be real
 * directories, not symlinks (error). A missing TOP/certs/<g>/<s>/, or a
 * curr/next in it that is not a symlink, is an error for the service and
 * nothing is changed.
 * debug: print "debug: <step> <path>" lines (log_msg) for what would change,
 * change nothing.
 * Returns 0, or -1 with err naming the path and what to do.
 */
int deploy_prod_mirror_service(const char *top, const char *prod_dir,
    const char *group, const char *service, bool debug, struct sslm_err *err);

/*
 * Copy TOP/certs/<g>/tlsa.<g> to <prod>/<g>/tlsa.<g> (mode and mtime kept,
 * skipped when unchanged). A missing source is not an error: nothing is
 * copied, and a <prod>/<g>/tlsa.<g> left from earlier is removed (otherwise
 * every integrity check would report it and no copy would ever repair it).
 */
int deploy_prod_copy_group_tlsa(const char *top, const char *prod_dir,
    const char *group, bool debug, struct sslm_err *err);

/*
 * The whole local step for one group (distribution.md §2 step 2): every
 * service in services (in that order), then the group's TLSA file. A failed
 * service does not stop the others; each failure is logged with log_error
 * as it happens and its name appended to failed (may be NULL). Returns 0, or
 * -1 when anything failed, err then naming the failed services (and
 * "tlsa.<g>" for the TLSA file) — the caller stops copying further groups.
 */
int deploy_prod_mirror_group(const char *top, const char *prod_dir,
    const char *group, const struct strvec *services, bool debug,
    struct strvec *failed, struct sslm_err *err);

/* ---- production integrity check (lifecycle.md §11) ---------------------- */

enum deploy_check_mode {
	/* Every run except status-only: all files are read and compared. */
	DEPLOY_CHECK_REPAIR,
	/* Status-only (-s): privkey.pem and bundle.pem are never opened; they
	 * are compared by lstat size, mtime and mode only. */
	DEPLOY_CHECK_REPORT,
};

/*
 * The production integrity check of one service: compare the source data
 * sets (through the curr/next links; a dangling or non-symlink link counts
 * as absent) with <prod>/<g>/<s>/curr/ and next/ and append one sentence
 * per difference to diffs (may be NULL: only count):
 *   "<g>/<s>: curr/ is missing in production"
 *   "<g>/<s>: next/ should not be in production (the service has no next)"
 *   "<g>/<s>: curr/cert.pem is missing in production"
 *   "<g>/<s>: curr/old.pem is in production but not in certs"
 *   "<g>/<s>: curr/cert.pem differs (mode 0644 in production, 0600 in
 *    certs; size; mtime; content)"   (only the parts that differ)
 *   "ca/<s>: curr/privkey.pem must not be in production (CA private keys
 *    stay on the signing host)"
 * Compared: the file sets, kind (file/dir/symlink, symlink target), mode,
 * size, mtime (whole seconds) and bytes; "*.tmp" files are ignored, owners
 * are not compared. Every difference is one the mirror repairs, so a
 * repaired tree checks clean. Returns the number of differences, or -1 with
 * err set. deploy_prod_check_service is the DEPLOY_CHECK_REPAIR mode.
 */
int deploy_prod_check_service(const char *top, const char *prod_dir,
    const char *group, const char *service, struct strvec *diffs,
    struct sslm_err *err);
int deploy_prod_check_service_mode(const char *top, const char *prod_dir,
    const char *group, const char *service, enum deploy_check_mode mode,
    struct strvec *diffs, struct sslm_err *err);

/*
 * The integrity check of one selected group, lifecycle.md §11 steps 1-4:
 * no TOP/certs/ at all → 0 (skipped: counts as in sync); <prod>/<g>/ must
 * be a real directory (else one difference, "<g>: <prod>/<g>/ is missing in
 * production", and its services are not looked at); tlsa.<g> in certs and
 * production must both be absent or equal after normalisation (lines
 * trimmed, empty and ';' lines ignored, white-space runs collapsed:
 * "<g>: tlsa.<g> differs"); then each of services as above. Returns the
 * number of differences, or -1 with err set.
 */
int deploy_prod_check_group(const char *top, const char *prod_dir,
    const char *group, const struct strvec *services,
    enum deploy_check_mode mode, struct strvec *diffs, struct sslm_err *err);

#endif /* SSLM_DEPLOY_H */
