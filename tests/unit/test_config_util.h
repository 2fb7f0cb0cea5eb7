/*
 * Helpers shared by the config unit tests: throw-away config trees in a
 * temporary directory and assertions on the diagnostics.
 */
#ifndef TEST_CONFIG_UTIL_H
#define TEST_CONFIG_UTIL_H

#include <check.h>
#include <stdbool.h>

#include "config/conf.h"

/* A temporary top dir; tree_free() removes it with everything inside. */
struct tree {
	char *dir;
};

void tree_new(struct tree *t);
void tree_free(struct tree *t);
/* Write rel (e.g. "conf.d/ssl-mgr.conf") below the top dir, making the
 * folders on the way. */
void tree_write(const struct tree *t, const char *rel, const char *text);
void tree_mkdir(const struct tree *t, const char *rel);
/* A minimal valid tree: group example.test with service web (self-signed),
 * extra text appended to ssl-mgr.conf. */
void tree_minimal(const struct tree *t, const char *main_extra);

/* Load t with the active [[groups]]; returns conf_load()'s result. */
int tree_load(const struct tree *t, struct conf *c, struct conf_diags *d);
/* Load with a command-line selection of one group. */
int tree_load_sel(const struct tree *t, const char *group,
    const char *const *services, size_t n, struct conf *c,
    struct conf_diags *d);
int dir_load(const char *dir, struct conf *c, struct conf_diags *d);

/* Exact message present at that level? */
bool diag_has(const struct conf_diags *d, enum conf_diag_level level,
    const char *msg);
/* Print every diagnostic (for failing tests). */
void diag_dump(const struct conf_diags *d);

#define ck_assert_error(d, msg) do { \
	if (!diag_has((d), CONF_DIAG_ERROR, (msg))) { \
		diag_dump(d); \
		ck_abort_msg("missing error: %s", (msg)); \
	} \
} while (0)

#define ck_assert_warning(d, msg) do { \
	if (!diag_has((d), CONF_DIAG_WARNING, (msg))) { \
		diag_dump(d); \
		ck_abort_msg("missing warning: %s", (msg)); \
	} \
} while (0)

#define ck_assert_errors(d, n) do { \
	if ((d)->n_errors != (size_t)(n)) { \
		diag_dump(d); \
		ck_abort_msg("expected %d error(s), got %zu", (int)(n), \
		    (d)->n_errors); \
	} \
} while (0)

/* Run a load and compare its result, printing every diagnostic when it
 * differs. */
#define ck_assert_load(call, want, d) do { \
	int rc_ = (call); \
	if (rc_ != (want)) { \
		diag_dump(d); \
		ck_abort_msg("%s returned %d, expected %d", #call, rc_, \
		    (int)(want)); \
	} \
} while (0)

/* Path of a source-tree data file ($SSLM_SRCDIR/tests/data/conf/<rel>). */
char *data_path(const char *rel);

/* Suites, one builder per test file. */
Suite *suite_config_topdir(void);
Suite *suite_config_globals(void);
Suite *suite_config_sections(void);
Suite *suite_config_service(void);
Suite *suite_config_names(void);
Suite *suite_config_ca(void);
Suite *suite_config_select(void);
Suite *suite_config_trees(void);

/*
 * The fixture of the service-file suites: an ssl-mgr.conf with group
 * example.test (service 'svc'), DNS and web sections, a ca-info.conf with
 * every CA kind (le-dns, le-http, my-int, my-root, pebble) and the local
 * CA's service file conf.d/ca/my-int. Service files are then written with
 * HEAD (identity lines 1-3) followed by their own text.
 */
void svc_fixture_write(const struct tree *t);
/* A service file head: identity lines 1-3, then the text given. */
#define HEAD "name = 'Svc'\ngroup = 'example.test'\nservice = 'svc'\n"
#define X509_OK "[X509]\n    CN = 'example.test'\n    O = 'Example'\n" \
	"    C = 'US'\n    sans = ['example.test']\n"

#endif /* TEST_CONFIG_UTIL_H */
