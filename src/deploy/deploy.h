/*
 * deploy/ — getting certificates to where servers read them: the local
 * production tree (this header, for now), later remote mirrors over libssh2,
 * restarts and post-copy commands.
 */
#ifndef SSLM_DEPLOY_H
#define SSLM_DEPLOY_H

#include <stdbool.h>

#include "common/common.h"

/*
 * Mirror one service into the production tree (layout.md §5, 7.x mirror
 * semantics, decision L5): TOP/certs/<g>/<s>/curr/ and next/ become real
 * directories <prod>/<g>/<s>/curr/ and next/ with the same files, modes and
 * mtimes (owner/group too when run as root); files no longer in the source
 * are removed; next/ is removed when the service has no next. Group "ca":
 * privkey.pem and bundle.pem are never copied and are removed if present
 * (decision DO4). Each file is replaced atomically (temp name + rename).
 * debug: print "debug: ..." lines for what would change, change nothing.
 * Returns 0, or -1 with err naming the path and what to do.
 */
int deploy_prod_mirror_service(const char *top, const char *prod_dir,
    const char *group, const char *service, bool debug, struct sslm_err *err);

/* Copy TOP/certs/<g>/tlsa.<g> to <prod>/<g>/tlsa.<g> (mtime kept); a missing
 * source is not an error. */
int deploy_prod_copy_group_tlsa(const char *top, const char *prod_dir,
    const char *group, bool debug, struct sslm_err *err);

/*
 * The production integrity check of one service (lifecycle.md §11): compare
 * the source data sets with the production copies and append one sentence
 * per difference to diffs ("example.com/mail-ec: curr/cert.pem differs",
 * "... next/ should not exist", ...). Returns the number of differences, or
 * -1 with err set.
 */
int deploy_prod_check_service(const char *top, const char *prod_dir,
    const char *group, const char *service, struct strvec *diffs,
    struct sslm_err *err);

#endif /* SSLM_DEPLOY_H */
