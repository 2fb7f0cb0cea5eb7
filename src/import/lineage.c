/*
 * One certbot lineage: renewal/<name>.conf, the certificate files its
 * live/<name>/ links point at (archive/<name>/{cert,privkey,chain,
 * fullchain}N.pem), and the ACME account it renews with.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509.h>

#include "crypto/crypto.h"
#include "import/import_int.h"

#define REGR_MAX (256 * 1024)

void
lineage_init(struct lineage *ln)
{
	memset(ln, 0, sizeof(*ln));
	renewal_conf_init(&ln->rc);
	strvec_init(&ln->names);
	strvec_init(&ln->warnings);
}

void
lineage_clear(struct lineage *ln)
{
	if (ln == NULL)
		return;
	free(ln->name);
	free(ln->conf_path);
	renewal_conf_clear(&ln->rc);
	free(ln->cert_path);
	free(ln->key_path);
	free(ln->chain_path);
	free(ln->fullchain_path);
	strvec_clear(&ln->names);
	free(ln->subject_cn);
	free(ln->issuer);
	free(ln->curve);
	free(ln->server);
	free(ln->account_id);
	free(ln->account_rel);
	free(ln->account_dir);
	free(ln->email);
	strvec_clear(&ln->warnings);
	lineage_init(ln);
}

char *
import_server_folder(const char *url)
{
	const char *p, *slash;
	size_t hostlen;

	if (url == NULL)
		return NULL;
	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return NULL;
	slash = strchr(p, '/');
	hostlen = slash != NULL ? (size_t)(slash - p) : strlen(p);
	if (hostlen == 0)
		return NULL;
	for (size_t i = 0; i < hostlen; i++)
		if (p[i] == '@' || p[i] == '?' || p[i] == '#' || p[i] == '\\')
			return NULL;
	/* certbot: <netloc>/<path without the leading '/'> */
	if (slash == NULL || slash[1] == '\0')
		return strndup(p, hostlen);
	if (strstr(slash, "/../") != NULL || strstr(slash, "/./") != NULL ||
	    str_has_suffix(slash, "/..") || strstr(slash, "//") != NULL)
		return NULL;
	return str_printf("%.*s/%s", (int)hostlen, p, slash + 1);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
import_list_lineages(const char *certbot_dir, struct strvec *out,
    struct sslm_err *err)
{
	char *dir = NULL;
	DIR *d = NULL;
	struct dirent *de;
	int rc = -1;

	if ((dir = fs_path_join(certbot_dir, "renewal")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if ((d = opendir(dir)) == NULL) {
		sslm_err_errno(err, errno, "%s: cannot read the certbot renewal "
		    "folder (use --config-dir)", dir);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		char *name;

		if (de->d_name[0] == '.' || n <= 5 ||
		    !str_has_suffix(de->d_name, ".conf"))
			continue;
		if ((name = strndup(de->d_name, n - 5)) == NULL ||
		    strvec_push_owned(out, name) == -1) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_str);
	rc = 0;
 out:
	if (d != NULL)
		closedir(d);
	free(dir);
	return rc;
}

/* The file for one of cert/privkey/chain/fullchain: the renewal conf's path
 * when it exists, else live/<name>/<what>.pem (a tree copied away from
 * /etc/letsencrypt keeps the old absolute paths in its conf). */
static char *
lineage_file(const char *certbot_dir, struct lineage *ln, const char *conf_val,
    const char *what, struct sslm_err *err)
{
	char *live = NULL, *real = NULL, *w;
	const char *use;

	if ((live = str_printf("%s/live/%s/%s.pem", certbot_dir, ln->name,
	    what)) == NULL) {
		sslm_err_set(err, "out of memory");
		return NULL;
	}
	use = live;
	if (conf_val != NULL && *conf_val != '\0') {
		if (fs_is_file(conf_val))
			use = conf_val;
		else if (fs_is_file(live)) {
			if ((w = str_printf("%s: %s = %s does not exist; using %s",
			    ln->conf_path, what, conf_val, live)) != NULL)
				(void)strvec_push_owned(&ln->warnings, w);
		} else
			use = conf_val;
	}
	if (!fs_is_file(use)) {
		sslm_err_set(err, "%s: %s file %s is missing or not a regular "
		    "file", ln->conf_path, what, use);
		goto out;
	}
	real = fs_realpath(use, err);
 out:
	free(live);
	return real;
}

static bool
is_ip_text(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Names, dates and key type from the certificate; the key must match it. */
static int
read_cert_and_key(struct lineage *ln, struct sslm_err *err)
{
	struct crypto_cert_info ci;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL, *chain = NULL;
	const char *kd;
	int rc = -1;

	crypto_cert_info_init(&ci);
	if (crypto_cert_info_read(ln->cert_path, &ci, err) == -1)
		goto out;
	ln->not_after = ci.not_after;
	if ((ci.subject_cn != NULL && (ln->subject_cn = strdup(ci.subject_cn)) == NULL) ||
	    (ci.issuer_cn != NULL && (ln->issuer = strdup(ci.issuer_cn)) == NULL)) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ci.sans.n; i++) {
		char *n = ci.sans.v[i];

		if (is_ip_text(n)) {
			sslm_err_set(err, "%s: IP address %s in the certificate: "
			    "certbot services cannot have IP names", ln->cert_path, n);
			goto out;
		}
		for (char *c = n; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (!strvec_contains(&ln->names, n) &&
		    strvec_push(&ln->names, n) == -1) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
	}
	if (ln->names.n == 0) {
		sslm_err_set(err, "%s: the certificate has no DNS names",
		    ln->cert_path);
		goto out;
	}
	kd = ci.key_desc != NULL ? ci.key_desc : "";
	if (strcmp(kd, "secp256r1") == 0 || strcmp(kd, "secp384r1") == 0 ||
	    strcmp(kd, "secp521r1") == 0) {
		ln->key_type = IMPORT_KEY_EC;
		if ((ln->curve = strdup(kd)) == NULL) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
	} else if (strncmp(kd, "rsa-", 4) == 0 && (ln->rsa_bits = atoi(kd + 4)) >= 2048 &&
	    ln->rsa_bits <= 16384) {
		ln->key_type = IMPORT_KEY_RSA;
	} else {
		sslm_err_set(err, "%s: key type %s is not one ssl-mgr requests "
		    "ACME certificates with (EC secp256r1/secp384r1/secp521r1 or "
		    "RSA 2048-16384 bits)",
		    ln->cert_path, *kd ? kd : "unknown");
		goto out;
	}
	if ((key = crypto_key_read(ln->key_path, err)) == NULL ||
	    (cert = crypto_cert_read(ln->cert_path, err)) == NULL)
		goto out;
	if (!crypto_key_matches(key, X509_get0_pubkey(cert))) {
		sslm_err_set(err, "%s does not belong to the certificate %s",
		    ln->key_path, ln->cert_path);
		goto out;
	}
	if ((chain = crypto_cert_read(ln->chain_path, err)) == NULL)
		goto out;
	X509_free(cert);
	if ((cert = crypto_cert_read(ln->fullchain_path, err)) == NULL)
		goto out;
	rc = 0;
 out:
	EVP_PKEY_free(key);
	X509_free(cert);
	X509_free(chain);
	crypto_cert_info_clear(&ci);
	return rc;
}

/* The registration's e-mail: the first "mailto:" contact of regr.json (or
 * meta.json); NULL when there is none. Only plain address characters are
 * taken, so nothing odd ever reaches the service file. */
static char *
account_email(const char *account_dir)
{
	static const char *const files[] = { "regr.json", "meta.json" };

	for (size_t i = 0; i < 2; i++) {
		char *path = fs_path_join(account_dir, files[i]);
		char *buf = NULL, *m, *email = NULL;
		size_t len = 0, n = 0;
		struct sslm_err e;

		if (path == NULL)
			return NULL;
		if (fs_read_file(path, REGR_MAX, &buf, &len, &e) == 0 &&
		    (m = strstr(buf, "\"mailto:")) != NULL) {
			m += 8;
			while (m[n] != '\0' && m[n] != '"' &&
			    strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789.-_+@", m[n]) != NULL)
				n++;
			if (m[n] == '"' && n > 2 && n < 254 && memchr(m, '@', n) != NULL)
				email = strndup(m, n);
		}
		free(buf);
		free(path);
		if (email != NULL)
			return email;
	}
	return NULL;
}

static bool
is_account_id(const char *id)
{
	if (*id == '\0' || strlen(id) > 128)
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			return false;
	return true;
}

static int
find_account(const char *certbot_dir, struct lineage *ln, struct sslm_err *err)
{
	char *folder = NULL, *meta = NULL, *pk = NULL;
	int rc = -1;

	if ((folder = import_server_folder(ln->server)) == NULL) {
		sslm_err_set(err, "%s: server = %s is not an http(s) URL",
		    ln->conf_path, ln->server);
		goto out;
	}
	if (ln->rc.account == NULL || !is_account_id(ln->rc.account)) {
		sslm_err_set(err, "%s: [renewalparams] account is %s; the import "
		    "needs the account to copy (it never registers a new one)",
		    ln->conf_path, ln->rc.account == NULL ? "missing" : "not an "
		    "account id");
		goto out;
	}
	if ((ln->account_id = strdup(ln->rc.account)) == NULL ||
	    (ln->account_rel = str_printf("accounts/%s/%s", folder,
	    ln->account_id)) == NULL ||
	    (ln->account_dir = fs_path_join(certbot_dir, ln->account_rel)) == NULL ||
	    (meta = fs_path_join(ln->account_dir, "meta.json")) == NULL ||
	    (pk = fs_path_join(ln->account_dir, "private_key.json")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (!fs_is_file(meta) || !fs_is_file(pk)) {
		sslm_err_set(err, "%s: account %s not found: %s needs meta.json "
		    "and private_key.json", ln->conf_path, ln->account_id,
		    ln->account_dir);
		goto out;
	}
	ln->email = account_email(ln->account_dir);
	rc = 0;
 out:
	free(folder);
	free(meta);
	free(pk);
	return rc;
}

int
lineage_load(const char *certbot_dir, const char *name, struct lineage *ln,
    struct sslm_err *err)
{
	struct strvec challs;
	int rc = -1;

	strvec_init(&challs);
	if (*name == '\0' || *name == '.' || strchr(name, '/') != NULL) {
		sslm_err_set(err, "'%s' is not a certbot lineage name", name);
		goto out;
	}
	if ((ln->name = strdup(name)) == NULL ||
	    (ln->conf_path = str_printf("%s/renewal/%s.conf", certbot_dir,
	    name)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (renewal_conf_read(ln->conf_path, &ln->rc, err) == -1)
		goto out;
	for (size_t i = 0; i < ln->rc.warnings.n; i++)
		if (strvec_push(&ln->warnings, ln->rc.warnings.v[i]) == -1)
			goto oom;
	if ((ln->cert_path = lineage_file(certbot_dir, ln, ln->rc.cert, "cert",
	    err)) == NULL ||
	    (ln->key_path = lineage_file(certbot_dir, ln, ln->rc.privkey,
	    "privkey", err)) == NULL ||
	    (ln->chain_path = lineage_file(certbot_dir, ln, ln->rc.chain,
	    "chain", err)) == NULL ||
	    (ln->fullchain_path = lineage_file(certbot_dir, ln, ln->rc.fullchain,
	    "fullchain", err)) == NULL)
		goto out;
	if (read_cert_and_key(ln, err) == -1)
		goto out;
	if ((ln->server = strdup(ln->rc.server != NULL && *ln->rc.server != '\0' ?
	    ln->rc.server : IMPORT_LE_PROD)) == NULL)
		goto oom;
	ln->staging = strcmp(ln->server, IMPORT_LE_STAGING) == 0;
	if (find_account(certbot_dir, ln, err) == -1)
		goto out;
	if (renewal_list_split(ln->rc.pref_challs, &challs) == -1)
		goto oom;
	ln->wants_dns = strvec_contains(&challs, "dns-01") ||
	    strvec_contains(&challs, "dns") ||
	    (ln->rc.authenticator != NULL &&
	    str_has_prefix(ln->rc.authenticator, "dns"));
	for (size_t i = 0; i < ln->names.n; i++)
		if (str_has_prefix(ln->names.v[i], "*."))
			ln->wants_dns = true;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	strvec_clear(&challs);
	return rc;
}
