/*
 * Runner for the import/ unit tests and their shared helpers: temp dirs,
 * and synthetic certbot config dirs made with the crypto module.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "crypto/crypto.h"
#include "tests/unit/test_import.h"

const char *
ti_mkdtemp(void)
{
	static char dir[512];
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	ck_assert_int_lt(snprintf(dir, sizeof(dir), "%s/sslm-test-import.XXXXXX",
	    base), (int)sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_DNR)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

void
ti_rmtree(const char *path)
{
	if (path != NULL && *path != '\0')
		(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
ti_path(const char *a, const char *b)
{
	static char bufs[8][1024];
	static int i;

	i = (i + 1) % 8;
	ck_assert_int_lt(snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", a, b),
	    (int)sizeof(bufs[i]));
	return bufs[i];
}

void
ti_spit(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_msg(fp != NULL, "cannot write %s: %s", path, strerror(errno));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

char *
ti_slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	struct sslm_err err;

	if (fs_read_file(path, 1024 * 1024, &buf, &n, &err) == -1)
		return NULL;
	if (len != NULL)
		*len = n;
	return buf;
}

const char *
ti_text(const char *path)
{
	static char bufs[2][65536];
	static int i;
	char *t = ti_slurp(path, NULL);

	i = (i + 1) % 2;
	snprintf(bufs[i], sizeof(bufs[i]), "%s", t != NULL ? t : "");
	free(t);
	return bufs[i];
}

int
ti_mode(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return -1;
	return (int)(st.st_mode & 07777);
}

bool
ti_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

const char *
ti_data(const char *name)
{
	static char buf[1024];
	const char *src = getenv("SSLM_SRCDIR");

	if (src == NULL || *src == '\0')
		src = ".";
	ck_assert_int_lt(snprintf(buf, sizeof(buf), "%s/tests/data/import/%s",
	    src, name), (int)sizeof(buf));
	return buf;
}

static void
mkdirs(const char *path)
{
	struct sslm_err err;

	ck_assert_msg(fs_mkdir_p(path, 0755, &err) == 0, "%s", err.msg);
}

static void
spit_pem(const char *path, const char *pem, size_t len, mode_t mode)
{
	struct sslm_err err;

	ck_assert_msg(fs_write_atomic(path, pem, len, mode, &err) == 0, "%s",
	    err.msg);
}

/* X509 certificate signed by ca_key (self-signed when ca_cert is NULL). */
static X509 *
issue(EVP_PKEY *key, const char *const *names, bool is_ca, X509 *ca_cert,
    EVP_PKEY *ca_key)
{
	struct crypto_san sans[8];
	struct crypto_csr_spec spec;
	struct crypto_sign_spec sign = { 60, NULL, 0 };
	struct sslm_err err;
	X509_REQ *req;
	X509 *x;
	size_t n = 0;

	memset(&spec, 0, sizeof(spec));
	memset(sans, 0, sizeof(sans));
	while (names[n] != NULL && n < 8) {
		sans[n].dns = names[n];
		n++;
	}
	spec.subject.CN = names[0];
	spec.sans = sans;
	spec.n_sans = n;
	spec.is_ca = is_ca;
	req = crypto_csr_build(key, &spec, &err);
	ck_assert_msg(req != NULL, "%s", err.msg);
	x = ca_cert == NULL ? crypto_sign_self(req, key, &sign, &err) :
	    crypto_sign_by_ca(req, ca_cert, ca_key, &sign, &err);
	ck_assert_msg(x != NULL, "%s", err.msg);
	X509_REQ_free(req);
	return x;
}

static void
make_ca(const char *cbdir, X509 **cert, EVP_PKEY **key)
{
	static const char *const names[] = { "test-ca.invalid", NULL };
	struct crypto_key_spec ks = { CRYPTO_KEY_EC, "secp256r1", 0 };
	struct sslm_err err;
	const char *cp = ti_path(cbdir, "test-ca.pem");
	const char *kp = ti_path(cbdir, "test-ca.key");
	char *pem = NULL;
	size_t len = 0;

	if (ti_exists(cp)) {
		*cert = crypto_cert_read(cp, &err);
		*key = crypto_key_read(kp, &err);
		ck_assert_ptr_nonnull(*cert);
		ck_assert_ptr_nonnull(*key);
		return;
	}
	*key = crypto_key_generate(&ks, &err);
	ck_assert_ptr_nonnull(*key);
	*cert = issue(*key, names, true, NULL, NULL);
	ck_assert_int_eq(crypto_cert_to_pem(*cert, &pem, &len, &err), 0);
	spit_pem(cp, pem, len, 0644);
	free(pem);
	ck_assert_int_eq(crypto_key_to_pem(*key, &pem, &len, &err), 0);
	spit_pem(kp, pem, len, 0600);
	crypto_secret_free(pem, len);
}

void
ti_make_lineage(const char *cbdir, const struct ti_lineage *l)
{
	struct crypto_key_spec ks = { CRYPTO_KEY_EC, l->curve, 0 };
	struct sslm_err err;
	EVP_PKEY *ca_key = NULL, *key;
	X509 *ca_cert = NULL, *cert;
	char *cpem = NULL, *kpem = NULL, *capem = NULL, *full = NULL, *conf;
	char *folder = NULL, *acct, *arch, *live, *t;
	size_t clen = 0, klen = 0, calen = 0;
	const char *files[] = { "cert", "privkey", "chain", "fullchain" };
	const char *server = l->server != NULL ? l->server :
	    "https://acme-v02.api.letsencrypt.org/directory";

	if (l->rsa_bits > 0) {
		ks.type = CRYPTO_KEY_RSA;
		ks.rsa_bits = l->rsa_bits;
	}
	make_ca(cbdir, &ca_cert, &ca_key);
	key = crypto_key_generate(&ks, &err);
	ck_assert_msg(key != NULL, "%s", err.msg);
	cert = issue(key, l->sans, false, ca_cert, ca_key);
	ck_assert_int_eq(crypto_cert_to_pem(cert, &cpem, &clen, &err), 0);
	ck_assert_int_eq(crypto_key_to_pem(key, &kpem, &klen, &err), 0);
	ck_assert_int_eq(crypto_cert_to_pem(ca_cert, &capem, &calen, &err), 0);
	ck_assert_int_ne(asprintf(&full, "%s%s", cpem, capem), -1);

	ck_assert_int_ne(asprintf(&arch, "%s/archive/%s", cbdir, l->name), -1);
	ck_assert_int_ne(asprintf(&live, "%s/live/%s", cbdir, l->name), -1);
	mkdirs(arch);
	mkdirs(live);
	mkdirs(ti_path(cbdir, "renewal"));
	spit_pem(ti_path(arch, "cert1.pem"), cpem, clen, 0644);
	spit_pem(ti_path(arch, "privkey1.pem"), kpem, klen, 0600);
	spit_pem(ti_path(arch, "chain1.pem"), capem, calen, 0644);
	spit_pem(ti_path(arch, "fullchain1.pem"), full, strlen(full), 0644);
	for (size_t i = 0; i < 4; i++) {
		char *target, *lp;

		ck_assert_int_ne(asprintf(&target, "../../archive/%s/%s1.pem",
		    l->name, files[i]), -1);
		ck_assert_int_ne(asprintf(&lp, "%s/%s.pem", live, files[i]), -1);
		ck_assert_int_eq(symlink(target, lp), 0);
		free(target);
		free(lp);
	}

	/* accounts/<host>/<path>/<id>/ */
	t = strstr(server, "://");
	ck_assert_ptr_nonnull(t);
	folder = strdup(t + 3);
	ck_assert_int_ne(asprintf(&acct, "%s/accounts/%s/%s", cbdir, folder,
	    l->account), -1);
	mkdirs(acct);
	ti_spit(ti_path(acct, "meta.json"), "{\"creation_dt\": "
	    "\"2025-01-01T00:00:00Z\", \"creation_host\": \"test\"}");
	ti_spit(ti_path(acct, "private_key.json"), "{\"n\": \"not-a-real-key\", "
	    "\"kty\": \"RSA\"}");
	ck_assert_int_eq(chmod(ti_path(acct, "private_key.json"), 0400), 0);
	ti_spit(ti_path(acct, "regr.json"), "{\"body\": {\"contact\": "
	    "[\"mailto:hostmaster@example.test\"]}, \"uri\": \"x\"}");

	ck_assert_int_ne(asprintf(&conf,
	    "# renew_before_expiry = 30 days\n"
	    "version = 2.1.0\n"
	    "archive_dir = %s\n"
	    "cert = %s/cert.pem\n"
	    "privkey = %s/privkey.pem\n"
	    "chain = %s/chain.pem\n"
	    "fullchain = %s/fullchain.pem\n"
	    "\n"
	    "# Options used in the renewal process\n"
	    "[renewalparams]\n"
	    "account = %s\n"
	    "%s%s%s"
	    "%s%s%s"
	    "authenticator = manual\n"
	    "manual_auth_hook = /bin/true\n",
	    arch, live, live, live, live, l->account,
	    l->server != NULL ? "server = " : "",
	    l->server != NULL ? l->server : "", l->server != NULL ? "\n" : "",
	    l->pref_challs != NULL ? "pref_challs = " : "",
	    l->pref_challs != NULL ? l->pref_challs : "",
	    l->pref_challs != NULL ? "\n" : ""), -1);
	t = NULL;
	ck_assert_int_ne(asprintf(&t, "renewal/%s.conf", l->name), -1);
	ti_spit(ti_path(cbdir, t), conf);

	free(t);
	free(conf);
	free(acct);
	free(folder);
	free(arch);
	free(live);
	free(full);
	free(cpem);
	free(capem);
	crypto_secret_free(kpem, klen);
	X509_free(cert);
	EVP_PKEY_free(key);
	X509_free(ca_cert);
	EVP_PKEY_free(ca_key);
}

void
ti_make_top(const char *top)
{
	char *text;

	mkdirs(ti_path(top, "conf.d"));
	ck_assert_int_ne(asprintf(&text,
	    "[globals]\n"
	    "    logdir = '%s/log'\n"
	    "    sslm_auth_hook = '/bin/true'\n"
	    "    prod_cert_dir = '%s/prod'\n"
	    "\n"
	    "[[dns_primary]]\n"
	    "    domain = 'default'\n"
	    "    server = '127.0.0.1'\n"
	    "    port = 53\n"
	    "\n"
	    "[dns]\n"
	    "    restart_cmd = '/bin/true'\n"
	    "    acme_dir = '%s/acme'\n"
	    "\n"
	    "[web]\n"
	    "    servers = ['www.example.test']\n"
	    "    server_dir = '%s/www'\n", top, top, top, top), -1);
	ti_spit(ti_path(top, "conf.d/ssl-mgr.conf"), text);
	free(text);
}

int
main(void)
{
	SRunner *sr = srunner_create(import_ini_suite());
	int failed;

	srunner_add_suite(sr, import_plan_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
