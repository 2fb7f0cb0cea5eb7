/*
 * The certbot driver's tests: a config tree in a temp dir, a fake certbot
 * shell script that records its argv and environment and acts out a
 * scenario chosen through FAKE_* environment variables.
 */
#ifndef TEST_ACME_DRIVER_H
#define TEST_ACME_DRIVER_H

#include <check.h>
#include <stdbool.h>

#include "acme/acme.h"
#include "config/conf.h"

#define FX_HMAC "c2VjcmV0LWhtYWMta2V5"	/* the EAB secret of [pebble] */
#define FX_SET  "20250301-14:30:00"
/* Account folders below cb/ (certbot-hooks.md §3.1). */
#define PROD	"accounts/acme-v02.api.letsencrypt.org/directory"
#define STAGING	"accounts/acme-staging-v02.api.letsencrypt.org/directory"

struct fx {
	char *dir;		/* temp root (removed afterwards) */
	char *top;		/* dir/top: TOP */
	char *certbot;		/* dir/bin/certbot, the fake */
	char *hook;		/* dir/bin/sslm-auth-hook (never run) */
	char *rec;		/* dir/rec: what the fake recorded */
	struct conf c;
	struct conf_diags d;
	struct conf_topdir td;
	struct acme_caps caps;
	struct acme_request r;
	char *cb;		/* certs/example.com/<svc>/cb */
	char *set_dir;		/* certs/example.com/<svc>/db/FX_SET */
	struct strvec progress;	/* lines relayed */
	int cleanups;		/* acme_cleanup calls seen */
};

extern struct fx fx;
extern const char fx_fake_certbot[];	/* test_acme_driver_fake.c */

/* Write the tree, load it, probe the fake, and point the request at
 * service svc (a data set with csr.pem, cb/ made). */
void fx_setup(const char *svc);
void fx_teardown(void);
/* Switch the request to another service of the tree. */
void fx_service(const char *svc);
/* An account folder under cb/ (rel: "accounts/<host>/<path>"). */
void fx_account(const char *rel, const char *id);
/* A file below TOP with text. */
void fx_write(const char *path, const char *text);
bool fx_exists(const char *path);
/* A whole file (heap); "" when missing. */
char *fx_read(const char *path);
/* The argv of the n-th recorded certbot call (0-based), or the last when
 * n < 0; n_calls gives how many there were. */
void fx_call(int n, struct strvec *out);
int fx_n_calls(void);
/* Compare argv with a NULL-terminated list; prints both when they differ. */
void fx_assert_argv(const struct strvec *got, const char *const *want);
/* "<dir>/<file>" (heap). */
char *fx_path(const char *dir, const char *file);

/* <logdir>/cbot (heap; "" when missing). */
char *fx_cbot_log(void);
/* A file of that name in the data set? */
bool fx_in_set(const char *file);
/* acme_issue(&fx.r) succeeds / fails with msg in its message. */
void fx_issue_ok(void);
void fx_issue_fails(const char *msg);
/* Did any recorded call run "certonly"? */
bool fx_certonly_ran(void);

Suite *suite_acme_argv(void);
Suite *suite_acme_issue(void);
/* The failure cases of acme_issue (test_acme_driver_fail.c). */
void fx_add_issue_negative(TCase *tc);

#endif /* TEST_ACME_DRIVER_H */
