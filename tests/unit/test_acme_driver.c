/*
 * Runner and fixture of the certbot driver tests (certbot-hooks.md §2-§6,
 * §11): a config tree with one service per CA flavour, loaded through
 * conf_load, and the fake certbot of test_acme_driver_fake.c, probed as
 * sslm-mgr would.
 */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_acme_driver.h"

struct fx fx;

/*
 * TEST DOUBLE, not part of the library: the real acme_cleanup (hook.c)
 * would publish an empty challenge file and run the DNS restart command.
 * Weak, and the driver is the only caller, so the archive member with the
 * real one is not linked into this program; the double counts the calls
 * that certbot-hooks.md §8.3 requires.
 */
__attribute__((weak)) int
acme_cleanup(const struct conf *c, const struct conf_service *svc, bool debug,
    struct sslm_err *err)
{
	(void)c;
	(void)svc;
	(void)debug;
	(void)err;
	fx.cleanups++;
	return 0;
}

static const char ca_info[] =
	"[le-dns]\n"
	"    ca_type = 'certbot'\n"
	"    ca_validation = 'dns-01'\n"
	"[le-http]\n"
	"    ca_type = 'certbot'\n"
	"    ca_validation = 'http-01'\n"
	"[le-chain]\n"
	"    ca_type = 'certbot'\n"
	"    ca_validation = 'dns-01'\n"
	"    ca_preferred_chain = 'ISRG Root X2'\n"
	"[le-prof]\n"
	"    ca_type = 'certbot'\n"
	"    ca_validation = 'dns-01'\n"
	"    ca_preferred_acme_profile = 'shortlived'\n"
	"[pebble]\n"
	"    ca_type = 'certbot'\n"
	"    ca_validation = 'dns-01'\n"
	"    ca_server = 'https://127.0.0.1:14000/dir'\n"
	"    ca_eab_kid = 'kid-1'\n"
	"    ca_eab_hmac_key = '" FX_HMAC "'\n";

/* name, signing CA, sans, extra top-level text, email */
static const char *const services[][5] = {
	{ "dns", "le-dns", "'example.com', 'mail.example.com'", "", "admin@example.com" },
	{ "http", "le-http", "'www.example.com', 'example.com'", "",
	    "admin@example.com" },
	{ "chain", "le-chain", "'example.com'", "", "admin@example.com" },
	{ "prof", "le-prof", "'example.com'", "", "admin@example.com" },
	{ "peb", "pebble", "'example.com'", "", "admin@example.com" },
	{ "acct", "le-dns", "'example.com'", "ca_account = 'id2'\n",
	    "admin@example.com" },
	{ "noemail", "le-dns", "'example.com'", "", "" },
};
#define N_SERVICES (sizeof(services) / sizeof(services[0]))

char *
fx_path(const char *dir, const char *file)
{
	char *p = NULL;

	ck_assert_int_ne(asprintf(&p, "%s/%s", dir, file), -1);
	return p;
}

static void
mkdirs(const char *path)
{
	char *p = strdup(path);

	ck_assert_ptr_nonnull(p);
	for (char *s = p + 1; *s != '\0'; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
	free(p);
}

void
fx_write(const char *path, const char *text)
{
	char *dir = strdup(path);
	FILE *fp;

	ck_assert_ptr_nonnull(dir);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	free(dir);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

bool
fx_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

char *
fx_read(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *s = NULL;
	size_t n = 0;

	if (fp == NULL)
		return strdup("");
	ck_assert_int_ne(getdelim(&s, &n, '\0', fp), -1);
	fclose(fp);
	return s;
}

static void
write_tree(void)
{
	char *text = NULL, *p;
	const char *src = getenv("SSLM_SRCDIR");

	ck_assert_int_ne(asprintf(&text,
	    "[globals]\n"
	    "    logdir = '%s/log'\n"
	    "    certbot = '%s'\n"
	    "    sslm_auth_hook = '%s'\n"
	    "    dns_check_delay = 0\n"
	    "    dns_check_max_wait = 0\n"
	    "[[groups]]\n"
	    "    domain = 'example.com'\n"
	    "    services = ['dns', 'http', 'chain', 'prof', 'peb', 'acct', "
	    "'noemail']\n"
	    "    active = true\n"
	    "[[dns_primary]]\n"
	    "    domain = 'default'\n"
	    "    server = '127.0.0.1'\n"
	    "    port = 53\n"
	    "[dns]\n"
	    "    restart_cmd = '/bin/true'\n"
	    "    acme_dir = '%s/acme'\n"
	    "[web]\n"
	    "    servers = ['www']\n"
	    "    server_dir = '%s/www'\n", fx.top, fx.certbot, fx.hook,
	    fx.top, fx.top), -1);
	p = fx_path(fx.top, "conf.d/ssl-mgr.conf");
	fx_write(p, text);
	free(p);
	free(text);
	p = fx_path(fx.top, "conf.d/ca-info.conf");
	fx_write(p, ca_info);
	free(p);
	for (size_t i = 0; i < N_SERVICES; i++) {
		char *rel = NULL;

		ck_assert_int_ne(asprintf(&text,
		    "name = '%s'\ngroup = 'example.com'\nservice = '%s'\n"
		    "signing_ca = '%s'\n%s"
		    "[X509]\n    CN = 'example.com'\n    O = 'Example'\n"
		    "    C = 'US'\n    email = '%s'\n    sans = [%s]\n",
		    services[i][0], services[i][0], services[i][1],
		    services[i][3], services[i][4], services[i][2]), -1);
		ck_assert_int_ne(asprintf(&rel, "conf.d/example.com/%s",
		    services[i][0]), -1);
		p = fx_path(fx.top, rel);
		fx_write(p, text);
		free(p);
		free(rel);
		free(text);
	}
	p = fx_path(fx.dir, "bin/sslm-auth-hook");
	fx_write(p, "#!/bin/sh\nexit 0\n");
	ck_assert_int_eq(chmod(p, 0755), 0);
	free(p);
	fx_write(fx.certbot, fx_fake_certbot);
	ck_assert_int_eq(chmod(fx.certbot, 0755), 0);
	mkdirs(fx.rec);
	/* The fake's scenario and the certificates it hands out. */
	ck_assert_int_eq(setenv("FAKE_REC", fx.rec, 1), 0);
	ck_assert_int_ne(asprintf(&p, "%s/tests/data/tlsa/s9-cert1.pem",
	    src != NULL ? src : "."), -1);
	ck_assert_int_eq(setenv("FAKE_CERT", p, 1), 0);
	free(p);
	ck_assert_int_ne(asprintf(&p, "%s/tests/data/tlsa/s9-cert2.pem",
	    src != NULL ? src : "."), -1);
	ck_assert_int_eq(setenv("FAKE_CHAIN", p, 1), 0);
	free(p);
}

static void
collect_progress(const char *line, void *arg)
{
	(void)arg;
	ck_assert_int_eq(strvec_push(&fx.progress, line), 0);
}

void
fx_service(const char *name)
{
	const struct conf_service *svc;
	char *rel = NULL, *p;

	svc = conf_find_service(&fx.c, "example.com", name);
	ck_assert_msg(svc != NULL, "no service %s", name);
	free(fx.cb);
	free(fx.set_dir);
	ck_assert_int_ne(asprintf(&rel, "certs/example.com/%s/cb", name), -1);
	fx.cb = fx_path(fx.top, rel);
	free(rel);
	ck_assert_int_ne(asprintf(&rel, "certs/example.com/%s/db/" FX_SET,
	    name), -1);
	fx.set_dir = fx_path(fx.top, rel);
	free(rel);
	mkdirs(fx.cb);
	p = fx_path(fx.set_dir, "csr.pem");
	fx_write(p, "-----BEGIN CERTIFICATE REQUEST-----\n"
	    "(the fake does not read it)\n"
	    "-----END CERTIFICATE REQUEST-----\n");
	free(p);
	memset(&fx.r, 0, sizeof(fx.r));
	fx.r.c = &fx.c;
	fx.r.td = &fx.td;
	fx.r.svc = svc;
	fx.r.caps = &fx.caps;
	fx.r.set_dir = fx.set_dir;
	fx.r.progress = collect_progress;
}

void
fx_setup(const char *svc)
{
	char tmpl[] = "/tmp/sslm-acme-XXXXXX";
	struct sslm_err err;

	memset(&fx, 0, sizeof(fx));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	/* Canonical, as TOP is in the config model. */
	fx.dir = realpath(tmpl, NULL);
	ck_assert_ptr_nonnull(fx.dir);
	fx.top = fx_path(fx.dir, "top");
	fx.certbot = fx_path(fx.dir, "bin/certbot");
	fx.hook = fx_path(fx.dir, "bin/sslm-auth-hook");
	fx.rec = fx_path(fx.dir, "rec");
	strvec_init(&fx.progress);
	unsetenv("SSLM_CERTBOT");
	unsetenv("FAKE_MODE");
	unsetenv("FAKE_PROFILE");
	unsetenv("FAKE_VERSION");
	unsetenv("FAKE_REGISTER_FAIL");
	write_tree();
	conf_init(&fx.c);
	conf_diags_init(&fx.d);
	conf_topdir_init(&fx.td);
	fx.td.path = realpath(fx.top, NULL);
	ck_assert_ptr_nonnull(fx.td.path);
	fx.td.source = CONF_TOPDIR_ENV;
	if (conf_load(&fx.c, &fx.td, NULL, 0, false, &fx.d) != 0) {
		conf_diags_print(&fx.d, stderr);
		ck_abort_msg("the test tree does not load");
	}
	acme_caps_init(&fx.caps);
	ck_assert_int_eq(acme_probe(fx.c.g.certbot, &fx.caps, &err), 0);
	fx_service(svc);
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
fx_teardown(void)
{
	if (fx.dir != NULL)
		nftw(fx.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	acme_caps_clear(&fx.caps);
	conf_clear(&fx.c);
	conf_diags_clear(&fx.d);
	conf_topdir_clear(&fx.td);
	strvec_clear(&fx.progress);
	free(fx.dir);
	free(fx.top);
	free(fx.certbot);
	free(fx.hook);
	free(fx.rec);
	free(fx.cb);
	free(fx.set_dir);
	memset(&fx, 0, sizeof(fx));
}

void
fx_account(const char *rel, const char *id)
{
	char *d = NULL, *p;

	ck_assert_int_ne(asprintf(&d, "%s/%s/%s", fx.cb, rel, id), -1);
	p = fx_path(d, "meta.json");
	fx_write(p, "{}\n");
	free(p);
	p = fx_path(d, "private_key.json");
	fx_write(p, "{}\n");
	free(p);
	free(d);
}

/* Calls are "=== call" blocks in rec/argv. */
static void
calls(int want, struct strvec *out, int *count)
{
	char *path = fx_path(fx.rec, "argv");
	char *text = fx_read(path), *save = NULL, *line;
	int n = -1;

	*count = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "=== call") == 0) {
			n++;
			(*count)++;
			if (out != NULL && want < 0)
				strvec_clear(out);
			continue;
		}
		if (out != NULL && (want < 0 || n == want))
			ck_assert_int_eq(strvec_push(out, line), 0);
	}
	free(text);
	free(path);
}

void
fx_call(int n, struct strvec *out)
{
	int count;

	calls(n, out, &count);
}

int
fx_n_calls(void)
{
	int count;

	calls(0, NULL, &count);
	return count;
}

void
fx_assert_argv(const struct strvec *got, const char *const *want)
{
	size_t n = 0;
	bool same;

	while (want[n] != NULL)
		n++;
	same = n == got->n;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(want[i], got->v[i]) == 0;
	if (!same) {
		for (size_t i = 0; i < got->n || i < n; i++)
			fprintf(stderr, "  %2zu got %-40s want %s\n", i,
			    i < got->n ? got->v[i] : "-", i < n ? want[i] : "-");
		ck_abort_msg("argv differs");
	}
}

char *
fx_cbot_log(void)
{
	char *p = fx_path(fx.top, "log/cbot");
	char *s = fx_read(p);

	free(p);
	return s;
}

bool
fx_in_set(const char *file)
{
	char *p = fx_path(fx.set_dir, file);
	bool b = fx_exists(p);

	free(p);
	return b;
}

static int
fx_issue(struct sslm_err *err)
{
	sslm_err_clear(err);
	return acme_issue(&fx.r, err);
}

void
fx_issue_ok(void)
{
	struct sslm_err err;

	if (fx_issue(&err) != 0)
		ck_abort_msg("acme_issue: %s", err.msg);
}

void
fx_issue_fails(const char *msg)
{
	struct sslm_err err;

	ck_assert_int_eq(fx_issue(&err), -1);
	ck_assert_msg(strstr(err.msg, msg) != NULL, "got: %s\nwant: %s",
	    err.msg, msg);
}

/* Is "certonly" the first argument of any recorded call? */
bool
fx_certonly_ran(void)
{
	int n = fx_n_calls();

	for (int i = 0; i < n; i++) {
		struct strvec a;
		bool yes;

		strvec_init(&a);
		fx_call(i, &a);
		yes = a.n > 1 && strcmp(a.v[1], "certonly") == 0;
		strvec_clear(&a);
		if (yes)
			return true;
	}
	return false;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite_acme_argv());
	int failed;

	srunner_add_suite(sr, suite_acme_issue());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
