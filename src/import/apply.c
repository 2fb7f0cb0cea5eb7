/*
 * Writing an import plan, and the run over all lineages. Nothing that
 * exists is replaced: new files are linked into place (link(2) refuses an
 * existing name), the data set goes through store/, and the only files
 * changed are ca-info.conf and ssl-mgr.conf, which only get text appended
 * (written whole to a temporary and renamed, so a crash leaves the old or
 * the new file).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/conf.h"
#include "crypto/crypto.h"
#include "import/import_int.h"
#include "store/store.h"

#define FILE_MAX (1024 * 1024)

int
import_write_new(const char *path, const void *data, size_t len, mode_t mode,
    struct sslm_err *err)
{
	char *tmp = NULL;
	const char *p = data;
	int fd = -1, rc = -1;

	if ((tmp = str_printf("%s.import-tmp", path)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	(void)unlink(tmp);	/* a crash's leftover: ours by name */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode)) == -1) {
		sslm_err_errno(err, errno, "cannot create %s", tmp);
		goto out;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sslm_err_errno(err, errno, "cannot write %s", tmp);
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) == -1) {
		sslm_err_errno(err, errno, "cannot write %s", tmp);
		goto out;
	}
	if (link(tmp, path) == -1) {
		sslm_err_errno(err, errno, "cannot create %s%s", path,
		    errno == EEXIST ? " (it appeared meanwhile; not replaced)" : "");
		goto out;
	}
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	return rc;
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

/* Undo: only for paths this run created (they did not exist before). */
static void
rm_tree(const char *path)
{
	if (path != NULL)
		(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the data set ----------------------------------------------------- */

static int
read_file(const char *path, char **buf, size_t *len, struct sslm_err *err)
{
	return fs_read_file(path, FILE_MAX, buf, len, err);
}

static int
write_csr(const struct store_set *set, const struct import_plan *p,
    const struct import_opts *o, const char *key_pem, size_t key_len,
    struct sslm_err *err)
{
	struct crypto_csr_spec spec;
	struct crypto_san *sans = NULL;
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	char *pem = NULL;
	size_t len = 0;
	int rc = -1;

	memset(&spec, 0, sizeof(spec));
	if ((sans = calloc(p->ln.names.n, sizeof(*sans))) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < p->ln.names.n; i++)
		sans[i].dns = p->ln.names.v[i];
	spec.subject.CN = p->apex;
	spec.subject.O = o->org != NULL ? o->org : p->apex;
	spec.subject.C = o->country != NULL ? o->country : "XX";
	spec.subject.email = p->ln.email;
	spec.sans = sans;
	spec.n_sans = p->ln.names.n;
	if ((key = crypto_key_from_pem(key_pem, key_len, p->ln.key_path, err)) == NULL ||
	    (req = crypto_csr_build(key, &spec, err)) == NULL ||
	    crypto_csr_to_pem(req, &pem, &len, err) == -1 ||
	    store_set_write(set, "csr.pem", pem, len, false, err) == -1)
		goto out;
	rc = 0;
 out:
	free(pem);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	free(sans);
	return rc;
}

/* db/<now>/ with the lineage's files, then next -> it, rolled to curr. */
static int
make_dataset(const struct import_plan *p, const struct import_opts *o,
    const char *top, struct sslm_err *err)
{
	struct store_set set;
	char *key = NULL, *cert = NULL, *chain = NULL, *full = NULL, *bundle = NULL;
	size_t key_len = 0, cert_len = 0, chain_len = 0, full_len = 0;
	int rc = -1;

	store_set_init(&set);
	if (read_file(p->ln.key_path, &key, &key_len, err) == -1 ||
	    read_file(p->ln.cert_path, &cert, &cert_len, err) == -1 ||
	    read_file(p->ln.chain_path, &chain, &chain_len, err) == -1 ||
	    read_file(p->ln.fullchain_path, &full, &full_len, err) == -1)
		goto out;
	if (store_service_prepare(top, p->apex, p->service, err) == -1 ||
	    store_set_create(p->data_dir, p->ln.staging, &set, err) == -1)
		goto out;
	if ((bundle = malloc(key_len + full_len + 1)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	memcpy(bundle, key, key_len);
	memcpy(bundle + key_len, full, full_len);
	if (store_set_write(&set, "privkey.pem", key, key_len, true, err) == -1 ||
	    write_csr(&set, p, o, key, key_len, err) == -1 ||
	    store_set_write(&set, "cert.pem", cert, cert_len, false, err) == -1 ||
	    store_set_write(&set, "chain.pem", chain, chain_len, false, err) == -1 ||
	    store_set_write(&set, "fullchain.pem", full, full_len, false, err) == -1 ||
	    store_set_write(&set, "bundle.pem", bundle, key_len + full_len, true,
	    err) == -1)
		goto out;
	if (store_set_link_next(&set, err) == -1 ||
	    store_roll(p->data_dir, p->service, true, err) != 0)
		goto out;
	rc = 0;
 out:
	if (key != NULL)
		crypto_secret_free(key, key_len);
	if (bundle != NULL)
		crypto_secret_free(bundle, key_len + full_len);
	free(cert);
	free(chain);
	free(full);
	store_set_clear(&set);
	return rc;
}

/* ---- the account -------------------------------------------------------- */

/* Every regular file of the account folder, byte for byte with its mode
 * (private_key.json is 0400 at certbot: never wider, even for a moment). */
static int
copy_account(const struct import_plan *p, struct sslm_err *err)
{
	DIR *d = NULL;
	struct dirent *de;
	char *src = NULL, *dst = NULL, *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (fs_mkdir_p(p->cb_account_dir, 0700, err) == -1)
		goto out;
	if ((d = opendir(p->ln.account_dir)) == NULL) {
		sslm_err_errno(err, errno, "cannot read %s", p->ln.account_dir);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		free(src);
		free(dst);
		dst = NULL;
		if (buf != NULL)
			crypto_secret_free(buf, len);
		buf = NULL;
		if ((src = fs_path_join(p->ln.account_dir, de->d_name)) == NULL) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
		if (lstat(src, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if ((dst = fs_path_join(p->cb_account_dir, de->d_name)) == NULL) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
		if (fs_read_file(src, FILE_MAX, &buf, &len, err) == -1 ||
		    import_write_new(dst, buf, len, st.st_mode & 0700, err) == -1)
			goto out;
		if (chmod(dst, st.st_mode & 07777) == -1) {
			sslm_err_errno(err, errno, "cannot set the mode of %s", dst);
			goto out;
		}
	}
	rc = 0;
 out:
	if (d != NULL)
		closedir(d);
	if (buf != NULL)
		crypto_secret_free(buf, len);
	free(src);
	free(dst);
	return rc;
}

/* ---- appends -------------------------------------------------------------- */

/* *text (may be NULL: a new file) + add, written in one step. */
static int
append_file(const char *path, char **text, const char *add, struct sslm_err *err)
{
	struct stat st;
	char *n;
	size_t ol = *text != NULL ? strlen(*text) : 0;

	if (*text == NULL) {
		if (import_write_new(path, add, strlen(add), 0666, err) == -1)
			return -1;
		*text = strdup(add);	/* NULL only costs a later append */
		return 0;
	}
	if ((n = str_printf("%s%s%s", *text, ol > 0 && (*text)[ol - 1] != '\n' ?
	    "\n" : "", add)) == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	if (stat(path, &st) == -1) {
		sslm_err_errno(err, errno, "cannot stat %s", path);
		free(n);
		return -1;
	}
	if (fs_write_atomic(path, n, strlen(n), st.st_mode & 07777, err) == -1) {
		free(n);
		return -1;
	}
	free(*text);
	*text = n;
	return 0;
}

int
import_apply(struct import_site *s, struct import_plan *p,
    const struct import_opts *o, struct sslm_err *err)
{
	char *apex_dir = NULL;
	bool made_apex_dir = false, wrote_svc = false;
	int rc = -1;

	if (make_dataset(p, o, s->top, err) == -1 || copy_account(p, err) == -1)
		goto out;
	if ((apex_dir = str_printf("%s/conf.d/%s", s->top, p->apex)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (!fs_is_dir(apex_dir)) {
		if (fs_mkdir_p(apex_dir, 0777, err) == -1)
			goto out;
		made_apex_dir = true;
	}
	if (import_write_new(p->svc_path, p->svc_text, strlen(p->svc_text), 0666,
	    err) == -1)
		goto out;
	wrote_svc = true;
	if (p->ca_new && !strvec_contains(&s->cas_added, p->ca_name)) {
		if (append_file(s->ca_info_path, &s->ca_info_text, p->ca_text,
		    err) == -1)
			goto out;
		if (strvec_push(&s->cas_added, p->ca_name) == -1) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
	}
	rc = 0;
 out:
	if (rc == -1) {
		/* All of these were absent before (the plan checked): leave
		 * nothing half-imported behind. */
		if (wrote_svc)
			(void)unlink(p->svc_path);
		if (made_apex_dir)
			(void)rmdir(apex_dir);
		if (p->data_dir != NULL)
			rm_tree(p->data_dir);
	}
	free(apex_dir);
	return rc;
}

int
import_groups_finish(struct import_site *s, const struct strvec *done,
    bool dry_run, FILE *out, struct sslm_err *err)
{
	struct strvec apexes;
	char *add = NULL, *list = NULL, *t;
	int rc = -1;

	strvec_init(&apexes);
	for (size_t i = 0; i < done->n; i++) {
		char *tab = strchr(done->v[i], '\t');
		char *apex = tab != NULL ? strndup(done->v[i],
		    (size_t)(tab - done->v[i])) : NULL;

		if (apex == NULL)
			goto oom;
		if (strvec_contains(&s->group_domains, apex) ||
		    strvec_contains(&apexes, apex)) {
			free(apex);
			continue;
		}
		if (strvec_push_owned(&apexes, apex) == -1)
			goto oom;
	}
	if ((add = strdup("")) == NULL)
		goto oom;
	for (size_t a = 0; a < apexes.n; a++) {
		size_t plen = strlen(apexes.v[a]);
		const struct conf *c = s->conf;
		bool need_dns = false, need_web = false, ready;
		const char *missing;

		free(list);
		if ((list = strdup("")) == NULL)
			goto oom;
		for (size_t i = 0; i < done->n; i++) {
			const char *svc = done->v[i] + plen + 1;
			const char *tab2 = strchr(svc, '\t');
			char *name, *q;

			if (strncmp(done->v[i], apexes.v[a], plen) != 0 ||
			    done->v[i][plen] != '\t' || tab2 == NULL)
				continue;
			if (tab2[1] == 'd')
				need_dns = true;
			else
				need_web = true;
			if ((name = strndup(svc, (size_t)(tab2 - svc))) == NULL)
				goto oom;
			q = import_toml_quote(name);
			free(name);
			if (q == NULL)
				goto oom;
			t = str_printf("%s%s%s", list, *list ? ", " : "", q);
			free(q);
			if (t == NULL)
				goto oom;
			free(list);
			list = t;
		}
		/*
		 * sslm-mgr refuses a whole tree whose active services lack what
		 * their challenge needs (config.md §3.6): a group it cannot run
		 * yet is added inactive, with what to add, so cron keeps working.
		 */
		missing = need_dns && (c == NULL || c->dns.acme_dirs.n == 0 ||
		    c->dns.restart_cmd.n == 0) ? "[dns] acme_dir and restart_cmd "
		    "(dns-01)" : need_web && (c == NULL ||
		    c->server[CONF_SERVER_WEB].server_dir == NULL ||
		    c->server[CONF_SERVER_WEB].servers.n == 0) ?
		    "[web] server_dir and servers (http-01)" : NULL;
		ready = missing == NULL;
		if ((t = str_printf("%s\n# added by sslm-import-certbot\n"
		    "[[groups]]\n    domain = '%s'\n    services = [%s]\n"
		    "    active = %s%s%s\n", add, apexes.v[a], list,
		    ready ? "true" : "false", ready ? "" : "   # set true once "
		    "ssl-mgr.conf has ", ready ? "" : missing)) == NULL)
			goto oom;
		free(add);
		add = t;
		fprintf(out, "%s [[groups]] domain = '%s' services = [%s] %s "
		    "conf.d/ssl-mgr.conf\n", dry_run ? "would append" : "appended",
		    apexes.v[a], list, dry_run ? "to" : "to");
		if (!ready)
			fprintf(out, "warning: group %s added with active = false: "
			    "conf.d/ssl-mgr.conf has no %s, without which sslm-mgr "
			    "refuses the tree; add it, then set active = true\n",
			    apexes.v[a], missing);
	}
	if (!dry_run && *add != '\0') {
		if (append_file(s->main_conf_path, &s->main_conf_text, add, err) == -1)
			goto out;
		for (size_t a = 0; a < apexes.n; a++)
			if (strvec_push(&s->group_domains, apexes.v[a]) == -1)
				goto oom;
	}
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	strvec_clear(&apexes);
	free(add);
	free(list);
	return rc;
}

/* ---- the run ---------------------------------------------------------- */

static bool
good_country(const char *c)
{
	return c == NULL || (strlen(c) == 2 &&
	    ((c[0] >= 'A' && c[0] <= 'Z') || (c[0] >= 'a' && c[0] <= 'z')) &&
	    ((c[1] >= 'A' && c[1] <= 'Z') || (c[1] >= 'a' && c[1] <= 'z')));
}

enum import_result
import_run(const struct import_opts *o, FILE *out, struct sslm_err *err)
{
	struct import_site site;
	struct strvec names, done;
	const char *dir = o->certbot_dir != NULL ? o->certbot_dir : "/etc/letsencrypt";
	enum import_result res = IMPORT_CONFIG_ERROR;
	size_t failed = 0;

	import_site_init(&site);
	strvec_init(&names);
	strvec_init(&done);
	if (o->top == NULL) {
		sslm_err_set(err, "no top dir given");
		goto out;
	}
	if (!good_country(o->country)) {
		sslm_err_set(err, "--country '%s': a two-letter country code is "
		    "needed", o->country);
		goto out;
	}
	if (o->org != NULL && *o->org == '\0') {
		sslm_err_set(err, "--org must not be empty");
		goto out;
	}
	if (import_site_load(&site, o->top, err) == -1)
		goto out;
	if (o->n_lineages == 0) {
		if (import_list_lineages(dir, &names, err) == -1)
			goto out;
		if (names.n == 0) {
			sslm_err_set(err, "%s/renewal holds no <lineage>.conf: "
			    "nothing to import", dir);
			goto out;
		}
	} else {
		for (size_t i = 0; i < o->n_lineages; i++)
			if (!strvec_contains(&names, o->lineages[i]) &&
			    strvec_push(&names, o->lineages[i]) == -1) {
				sslm_err_set(err, "out of memory");
				goto out;
			}
	}
	for (size_t i = 0; i < names.n; i++) {
		struct import_plan p;
		struct sslm_err e;
		char *pair;

		import_plan_init(&p);
		sslm_err_clear(&e);
		if (import_plan_make(&site, o, names.v[i], &p, &e) == -1) {
			fprintf(out, "lineage %s: error: %s\n", names.v[i], e.msg);
			failed++;
		} else {
			import_plan_print(&p, out);
			if (p.refused != NULL) {
				fprintf(out, "  error: refused: %s\n", p.refused);
				failed++;
			} else if (o->dry_run) {
				fprintf(out, "  dry run: nothing written\n");
				if (p.ca_new)
					(void)strvec_push(&site.cas_added, p.ca_name);
			} else if (import_apply(&site, &p, o, &e) == -1) {
				fprintf(out, "  error: %s (nothing of this lineage "
				    "was kept)\n", e.msg);
				failed++;
			} else
				fprintf(out, "  imported\n");
			if (p.refused == NULL && (o->dry_run || e.msg[0] == '\0')) {
				if ((pair = str_printf("%s\t%s\t%c", p.apex,
				    p.service, p.dns01 ? 'd' : 'h')) == NULL ||
				    strvec_push_owned(&done, pair) == -1) {
					import_plan_clear(&p);
					sslm_err_set(err, "out of memory");
					goto out;
				}
			}
		}
		import_plan_clear(&p);
	}
	if (import_groups_finish(&site, &done, o->dry_run, out, err) == -1) {
		fprintf(out, "error: %s\n", err->msg);
		failed++;
	}
	res = failed > 0 ? IMPORT_SOME_FAILED : IMPORT_OK;
 out:
	strvec_clear(&names);
	strvec_clear(&done);
	import_site_clear(&site);
	return res;
}
