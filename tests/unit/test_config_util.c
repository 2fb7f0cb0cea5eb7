/* Temporary config trees and diagnostic assertions for the config tests. */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_config_util.h"

void
tree_new(struct tree *t)
{
	char tmpl[] = "/tmp/sslm-conf-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	t->dir = strdup(tmpl);
	ck_assert_ptr_nonnull(t->dir);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
tree_free(struct tree *t)
{
	if (t->dir != NULL)
		nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t->dir);
	t->dir = NULL;
}

void
tree_mkdir(const struct tree *t, const char *rel)
{
	char *path = NULL;

	ck_assert_int_ne(asprintf(&path, "%s/%s", t->dir, rel), -1);
	for (char *p = path + strlen(t->dir) + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	mkdir(path, 0755);
	free(path);
}

void
tree_write(const struct tree *t, const char *rel, const char *text)
{
	char *path = NULL, *dir;
	FILE *fp;

	ck_assert_int_ne(asprintf(&path, "%s/%s", t->dir, rel), -1);
	dir = strdup(rel);
	ck_assert_ptr_nonnull(dir);
	if (strrchr(dir, '/') != NULL) {
		*strrchr(dir, '/') = '\0';
		tree_mkdir(t, dir);
	}
	free(dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	free(path);
}

void
tree_minimal(const struct tree *t, const char *main_extra)
{
	char *text = NULL;

	ck_assert_int_ne(asprintf(&text,
	    "[[groups]]\n"
	    "    domain = 'example.test'\n"
	    "    services = ['web']\n"
	    "    active = true\n"
	    "%s", main_extra != NULL ? main_extra : ""), -1);
	tree_write(t, "conf.d/ssl-mgr.conf", text);
	free(text);
	tree_write(t, "conf.d/example.test/web",
	    "name = 'Web'\n"
	    "group = 'example.test'\n"
	    "service = 'web'\n"
	    "\n"
	    "[KeyOpts]\n"
	    "\n"
	    "[X509]\n"
	    "    CN = 'example.test'\n"
	    "    O = 'Example'\n"
	    "    C = 'US'\n"
	    "    sans = ['example.test']\n");
}

int
dir_load(const char *dir, struct conf *c, struct conf_diags *d)
{
	struct conf_topdir td;
	int rc;

	td.path = realpath(dir, NULL);
	td.source = CONF_TOPDIR_ENV;
	ck_assert_ptr_nonnull(td.path);
	rc = conf_load(c, &td, NULL, 0, false, d);
	conf_topdir_clear(&td);
	return rc;
}

int
tree_load(const struct tree *t, struct conf *c, struct conf_diags *d)
{
	return dir_load(t->dir, c, d);
}

int
tree_load_sel(const struct tree *t, const char *group,
    const char *const *services, size_t n, struct conf *c,
    struct conf_diags *d)
{
	struct conf_topdir td;
	struct conf_select sel;
	int rc;

	td.path = realpath(t->dir, NULL);
	td.source = CONF_TOPDIR_ENV;
	ck_assert_ptr_nonnull(td.path);
	sel.group = group;
	sel.services = services;
	sel.n_services = n;
	sel.all = n == 0;
	rc = conf_load(c, &td, &sel, 1, true, d);
	conf_topdir_clear(&td);
	return rc;
}

bool
diag_has(const struct conf_diags *d, enum conf_diag_level level,
    const char *msg)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == level && strcmp(d->v[i].msg, msg) == 0)
			return true;
	return false;
}

void
diag_dump(const struct conf_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  %s: %s\n", d->v[i].level == CONF_DIAG_ERROR ?
		    "error" : "warning", d->v[i].msg);
}

char *
data_path(const char *rel)
{
	const char *src = getenv("SSLM_SRCDIR");
	char *p = NULL;

	ck_assert_int_ne(asprintf(&p, "%s/tests/data/conf/%s",
	    src != NULL ? src : ".", rel), -1);
	return p;
}

/* ---- the service-file fixture shared by the ca, names and service suites */

static const char main_conf[] =
	"[[groups]]\n"
	"    domain = 'example.test'\n"
	"    services = ['svc']\n"
	"    active = true\n"
	"[[dns_primary]]\n"
	"    domain = 'default'\n"
	"    server = '127.0.0.1'\n"
	"    port = 53\n"
	"[dns]\n"
	"    restart_cmd = '/bin/true'\n"
	"    acme_dir = '/tmp/acme'\n"
	"[web]\n"
	"    servers = ['www']\n"
	"    server_dir = '/srv/www'\n";

static const char ca_info[] =
	"[le-dns]\n"					/* 1 */
	"    ca_type = 'certbot'\n"
	"    ca_validation = 'dns-01'\n"
	"[le-http]\n"					/* 4 */
	"    ca_type = 'letsencrypt'\n"
	"    ca_validation = 'HTTP-01'\n"
	"[my-int]\n"					/* 7 */
	"    ca_type = 'local'\n"
	"[my-root]\n"					/* 9 */
	"    ca_type = 'self'\n"
	"[pebble]\n"					/* 11 */
	"    ca_type = 'CertBot'\n"
	"    ca_validation = 'dns'\n"
	"    ca_server = 'https://localhost:14000/dir'\n"
	"    ca_account = 'abc123'\n"
	"    ca_eab_kid = 'kid-1'\n"
	"    ca_eab_hmac_key = 'c2VjcmV0_-'\n"
	"    ca_desc = 'test ACME'\n";

static const char my_int[] =
	"name = 'my-int'\n"
	"group = 'ca'\n"
	"service = 'my-int'\n"
	"signing_ca = 'my-root'\n"
	"[X509]\n"
	"    CN = 'My-Int'\n"
	"    O = 'Example Certs'\n"
	"    C = 'US'\n"
	"    sans = []\n"
	"[CA]\n"
	"    sign_end_days = 1825\n"
	"    digest = 'sha384'\n";

void
svc_fixture_write(const struct tree *t)
{
	tree_write(t, "conf.d/ssl-mgr.conf", main_conf);
	tree_write(t, "conf.d/ca-info.conf", ca_info);
	tree_write(t, "conf.d/ca/my-int", my_int);
}
