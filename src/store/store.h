/*
 * store/ — the certificate database of one service:
 * certs/<group>/<service>/{curr,next,prev} -> db/<YYYYMMDD-HH:MM:SS>/.
 * Reads trees made by the original ssl-mgr unchanged.
 */
#ifndef SSLM_STORE_H
#define SSLM_STORE_H

#include <stdbool.h>

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

#endif /* SSLM_STORE_H */
