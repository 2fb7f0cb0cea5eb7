/*
 * conf_load(): read and check every file the run will use, in order
 * (ssl-mgr.conf, ca-info.conf, the selected service files, the local CAs
 * they name), collecting all problems before anyone acts on the model
 * (decisions.md: the whole tree is validated before anything is changed).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/internal.h"

#define MAIN_REL "conf.d/ssl-mgr.conf"
#define CA_INFO_REL "conf.d/ca-info.conf"

static void
load_main(struct loader *L)
{
	struct conf *c = L->c;
	struct toml_value *root = NULL;
	struct sslm_err err;
	char *path = NULL;
	int red, spread, red_line, spread_line;

	sslm_err_clear(&err);
	if ((path = path_join(c->conf_dir, "ssl-mgr.conf")) == NULL ||
	    strvec_push(&c->files, path) != 0)
		goto oom;
	if ((root = toml_parse_file(path, MAIN_REL, &err)) == NULL)
		diag_add_raw(L->d, CONF_DIAG_ERROR, err.msg);
	L->main_ok = root != NULL;
	/* Defaults are applied even when the file is unusable, so the model
	 * is always complete. */
	globals_load(c, root, MAIN_REL, L->d, &red, &spread, &red_line,
	    &spread_line);
	if (root == NULL) {
		if (renew_builtin(&c->renew) != 0)
			goto oom;
		goto out;
	}
	renew_info_load(c, root, MAIN_REL, L->d, red, spread, red_line,
	    spread_line);
	groups_load(&L->cg, root, MAIN_REL, L->d);
	dns_primary_load(c, root, MAIN_REL, L->d);
	sections_load(c, root, MAIN_REL, L->d);
	goto out;
 oom:
	diag_oom(L->d);
 out:
	/* [ssh] defaults come from $HOME, so they are set in every case */
	ssh_load(c, root, MAIN_REL, L->d);
	if (root == NULL) {
		c->server[CONF_SERVER_WEB].user = strdup("http");
		c->server[CONF_SERVER_WEB].group = strdup("http");
	}
	toml_free(root);
	free(path);
}

static void
load_ca_info(struct loader *L)
{
	struct conf *c = L->c;
	struct toml_value *root = NULL;
	struct sslm_err err;
	struct stat st;
	char *path = NULL;

	if ((path = path_join(c->conf_dir, "ca-info.conf")) == NULL)
		goto oom;
	if (stat(path, &st) != 0 && errno == ENOENT)
		goto out;	/* only an error for services naming a CA */
	if (strvec_push(&c->files, path) != 0)
		goto oom;
	c->have_ca_info = true;
	sslm_err_clear(&err);
	if ((root = toml_parse_file(path, CA_INFO_REL, &err)) == NULL) {
		diag_add_raw(L->d, CONF_DIAG_ERROR, err.msg);
		c->ca_info_failed = true;
		goto out;
	}
	ca_info_load(c, root, CA_INFO_REL, L->d);
	goto out;
 oom:
	diag_oom(L->d);
 out:
	toml_free(root);
	free(path);
}

int
conf_load(struct conf *c, const struct conf_topdir *td,
    const struct conf_select *sel, size_t n_sel, bool have_sel,
    struct conf_diags *d)
{
	struct loader L;
	struct stat st;
	size_t start, errors_before = d->n_errors;

	memset(&L, 0, sizeof(L));
	L.c = c;
	L.d = d;
	strvec_init(&L.tried);
	if ((c->top = strdup(td->path)) == NULL ||
	    (c->conf_dir = path_join(td->path, "conf.d")) == NULL) {
		diag_oom(d);
		goto out;
	}
	if (stat(c->conf_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		diag_error(d, NULL, 0, "%s: not a directory (the top dir %s has "
		    "no conf.d)", c->conf_dir, c->top);
		goto out;
	}
	start = d->n;
	load_main(&L);
	diag_sort_from(d, start);
	start = d->n;
	load_ca_info(&L);
	diag_sort_from(d, start);
	select_groups(&L, sel, n_sel, have_sel);
	select_ca_refs(&L);
	select_configured(&L);
	checks_run(&L);
 out:
	cfg_groups_clear(&L.cg);
	strvec_clear(&L.tried);
	for (size_t i = 0; i < L.n_disc; i++) {
		free(L.disc[i].group);
		strvec_clear(&L.disc[i].names);
	}
	free(L.disc);
	return d->n_errors > errors_before || d->oom ? -1 : 0;
}
