/*
 * The pending-work file TOP/.sslm-pending (layout.md §10, lifecycle.md §12,
 * decision R-O1): post-phase work that failed (or that a failure prevented)
 * and is retried first by the next run. Private to mgr/.
 *
 * A file whose first line names another version ("# sslm-mgr pending work
 * v2") is never read, overwritten or removed: a downgrade must not lose
 * the newer version's work (pending_load warns, pending_save refuses when
 * it has items to write).
 *
 * Format: first line "# sslm-mgr pending work v1", then one item per line,
 * "<unix-seconds>\t<kind>\t<target>\t<detail>\t<last error>"; lines
 * starting with '#' are comments. Mode 0640, written atomically
 * (fs_write_atomic), removed when the list is empty.
 */
#ifndef SSLM_MGR_PENDING_H
#define SSLM_MGR_PENDING_H

#include <stdbool.h>
#include <time.h>

#include "common/common.h"

enum pending_kind {
	PENDING_COPY,		/* target "local" or a host; detail = prod dir */
	PENDING_RESTART,	/* target "<section>:<host>"; detail "" */
	PENDING_DNS_REFRESH,	/* target = domains joined by ','; detail "" */
};

struct pending_item {
	time_t time;
	enum pending_kind kind;
	char *target;
	char *detail;
	char *error;
};

struct pending_list {
	struct pending_item *v;
	size_t n;
	size_t cap;
	/* Lines that did not parse, kept verbatim and written back: what
	 * cannot be read is still owed to somebody (warned at every load). */
	struct strvec unparsed;
};

void pending_list_init(struct pending_list *pl);
void pending_list_clear(struct pending_list *pl);

/* "copy", "restart", "dns-refresh". */
const char *pending_kind_name(enum pending_kind kind);

/*
 * Read TOP/.sslm-pending. A missing file is an empty list (0). A line that
 * does not parse is kept in pl->unparsed (written back by pending_save)
 * and described in warnings (may be NULL) as "<path>:<line>: <problem>:
 * '<line>' (kept, not retried; fix or delete it)". -1 with err only when
 * the file exists but cannot be read.
 */
int pending_load(const char *top, struct pending_list *pl,
    struct strvec *warnings, struct sslm_err *err);

/*
 * Write the list (and the unparsed lines) to TOP/.sslm-pending atomically
 * (mode 0640), or remove the file when both are empty. TAB and newline in any value are replaced by
 * spaces.
 */
int pending_save(const char *top, const struct pending_list *pl,
    struct sslm_err *err);

/*
 * Add an item, merging (layout.md §10): an item of the same kind, target
 * and detail is replaced by the newer time and error; all dns-refresh items
 * merge into one whose target is the union of the domains (in first-seen
 * order, no duplicates). domains for dns-refresh are given as target
 * ("a.example,b.example" or ""). -1 only on allocation failure.
 */
int pending_add(struct pending_list *pl, time_t when, enum pending_kind kind,
    const char *target, const char *detail, const char *error);

/* Remove the item at index i (order of the others kept). */
void pending_remove(struct pending_list *pl, size_t i);

/* Find an item (detail NULL = any detail); index or -1. */
long pending_find(const struct pending_list *pl, enum pending_kind kind,
    const char *target, const char *detail);

#endif /* SSLM_MGR_PENDING_H */
