/* Shared pieces of the import/ unit tests (one runner: test_import.c). */
#ifndef SSLM_TEST_IMPORT_H
#define SSLM_TEST_IMPORT_H

#include <check.h>
#include <stdbool.h>

Suite *import_ini_suite(void);
Suite *import_plan_suite(void);

/* A fresh directory under $TMPDIR (or /tmp); static storage, one at a time. */
const char *ti_mkdtemp(void);
/* rm -rf; symlinks are removed, never followed. */
void ti_rmtree(const char *path);
/* "<a>/<b>" in one of a few rotating static buffers. */
const char *ti_path(const char *a, const char *b);
/* Write a small file; fails the test on error. */
void ti_spit(const char *path, const char *text);
/* Whole file on the heap (NULL when unreadable); *len its length. */
char *ti_slurp(const char *path, size_t *len);
/* Whole text file in one of two static buffers ("" when unreadable). */
const char *ti_text(const char *path);
/* Permission bits (lstat), or -1. */
int ti_mode(const char *path);
bool ti_exists(const char *path);
/* tests/data/import/<name> (static buffer). */
const char *ti_data(const char *name);

/* A lineage in a synthetic certbot config dir, made with the crypto module:
 * a local CA (made once per dir) issues the leaf; live/<name>/ links point
 * at archive/<name>/<file>1.pem; renewal/<name>.conf names server and account;
 * the account folder has meta.json, private_key.json (0400) and regr.json
 * with a mailto: contact. rsa_bits 0 = EC with curve. */
struct ti_lineage {
	const char *name;
	const char *const *sans;	/* NULL-terminated */
	const char *curve;		/* EC */
	int rsa_bits;			/* RSA when > 0 */
	const char *server;		/* NULL: no server key (LE default) */
	const char *account;		/* the id */
	const char *pref_challs;	/* NULL: none */
};
void ti_make_lineage(const char *cbdir, const struct ti_lineage *l);
/* conf.d/ssl-mgr.conf (good for certbot dns-01/http-01 services). */
void ti_make_top(const char *top);

#endif /* SSLM_TEST_IMPORT_H */
