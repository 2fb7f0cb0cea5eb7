/* Set-up of a run: the selected services, their start state, the local CAs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crypto/crypto.h"
#include "mgr/run_ctx.h"
#include "store/store.h"

char *
svc_set_file(const char *svc_dir, enum store_link which, const char *file)
{
	char *dir = NULL, *path = NULL;

	/* Always db/<last component of the link> (layout.md §3), never the
	 * link followed: one reading of a link everywhere. */
	if (store_link_resolve(svc_dir, which, NULL, &dir, NULL) == 1)
		path = fs_path_join(dir, file);
	free(dir);
	return path;
}

static void
cert_mtime(const char *svc_dir, enum store_link which, bool *had, time_t *mtime)
{
	char *path = svc_set_file(svc_dir, which, "cert.pem");
	struct stat st;

	*had = false;
	*mtime = 0;
	if (path != NULL && stat(path, &st) == 0) {
		*had = true;
		*mtime = st.st_mtime;
	}
	free(path);
}

void
svc_state_update_changes(struct svc_state *st)
{
	bool had;
	time_t mt;

	cert_mtime(st->svc_dir, STORE_CURR, &had, &mt);
	if (had && (!st->curr_had || mt > st->curr_mtime0))
		st->curr_changed = true;
	cert_mtime(st->svc_dir, STORE_NEXT, &had, &mt);
	if (had && (!st->next_had || mt > st->next_mtime0))
		st->next_changed = true;
}

bool
svc_state_changed(const struct svc_state *st)
{
	return st->curr_changed || st->next_changed;
}

/* Load certs/ca/<name>/curr/{privkey,cert,fullchain}.pem (crypto.md §4.1). */
static void
load_ca(struct run_ctx *ctx, struct local_ca *ca)
{
	struct sslm_err err;
	const char *name = ca->svc->service;
	char *dir = str_printf("%s/certs/ca/%s/curr", ctx->c->top, name);
	char *kp = NULL, *cp = NULL, *fp = NULL;

	sslm_err_clear(&err);
	if (dir == NULL)
		goto oom;
	if (!fs_is_dir(dir)) {
		ca->error = str_printf("CA %s has no current cert/keys (%s is "
		    "missing; create it with: sslm-mgr -renew ca:%s, then "
		    "sslm-mgr -roll ca:%s)", name, dir, name, name);
		goto out;
	}
	if ((kp = fs_path_join(dir, "privkey.pem")) == NULL ||
	    (cp = fs_path_join(dir, "cert.pem")) == NULL ||
	    (fp = fs_path_join(dir, "fullchain.pem")) == NULL)
		goto oom;
	if ((ca->key = crypto_key_read(kp, &err)) == NULL ||
	    (ca->cert = crypto_cert_read(cp, &err)) == NULL ||
	    fs_read_file(fp, CRYPTO_PEM_MAX, &ca->fullchain, &ca->fullchain_len,
	    &err) == -1) {
		ca->error = str_printf("CA %s: %s", name, err.msg);
		goto out;
	}
	if (!crypto_key_matches(ca->key, X509_get0_pubkey(ca->cert))) {
		ca->error = str_printf("CA %s: %s does not belong to %s", name,
		    kp, cp);
		goto out;
	}
	goto out;
 oom:
	ca->error = str_printf("CA %s: out of memory", name);
 out:
	free(dir);
	free(kp);
	free(cp);
	free(fp);
}

int
run_ctx_init(struct run_ctx *ctx, const struct conf *c,
    const struct conf_topdir *td, const struct mgr_opts *o)
{
	size_t n = 0;

	memset(ctx, 0, sizeof(*ctx));
	ctx->c = c;
	ctx->td = td;
	ctx->o = o;
	ctx->now = time(NULL);
	acme_caps_init(&ctx->caps);
	pending_list_init(&ctx->pending);
	ctx->prod_dir = str_printf("%s%s", c->g.prod_cert_dir, o->test ? ".test" : "");
	if (ctx->prod_dir == NULL)
		return -1;
	for (size_t g = 0; g < c->n_groups; g++)
		n += c->groups[g].n_services;
	if (c->n_groups > 0) {
		ctx->gdns = calloc(c->n_groups, sizeof(*ctx->gdns));
		ctx->tlsa_changed = calloc(c->n_groups, sizeof(*ctx->tlsa_changed));
		if (ctx->gdns == NULL || ctx->tlsa_changed == NULL)
			return -1;
		for (size_t g = 0; g < c->n_groups; g++)
			group_dns_init(&ctx->gdns[g], &c->groups[g]);
	}
	if (n > 0 && (ctx->svcs = calloc(n, sizeof(*ctx->svcs))) == NULL)
		return -1;
	for (size_t g = 0; g < c->n_groups; g++) {
		for (size_t s = 0; s < c->groups[g].n_services; s++) {
			struct svc_state *st = &ctx->svcs[ctx->n_svcs++];

			st->svc = c->groups[g].services[s];
			st->svc_dir = str_printf("%s/certs/%s/%s", c->top,
			    st->svc->group, st->svc->service);
			if (st->svc_dir == NULL)
				return -1;
			cert_mtime(st->svc_dir, STORE_CURR, &st->curr_had, &st->curr_mtime0);
			cert_mtime(st->svc_dir, STORE_NEXT, &st->next_had, &st->next_mtime0);
		}
	}
	/* Every local CA a selected service names, loaded once now: a CA
	 * renewed and rolled in this run signs from the next run on. */
	for (size_t i = 0; i < ctx->n_svcs; i++) {
		const struct conf_service *svc = ctx->svcs[i].svc;
		const struct conf_service *cas = svc->ca_service;
		struct local_ca *tmp;

		if (svc->signer != CONF_SIGNER_LOCAL_CA || cas == NULL ||
		    run_ctx_ca(ctx, svc) != NULL)
			continue;
		tmp = realloc(ctx->cas, (ctx->n_cas + 1) * sizeof(*tmp));
		if (tmp == NULL)
			return -1;
		ctx->cas = tmp;
		memset(&ctx->cas[ctx->n_cas], 0, sizeof(*tmp));
		ctx->cas[ctx->n_cas].svc = cas;
		load_ca(ctx, &ctx->cas[ctx->n_cas]);
		ctx->n_cas++;
	}
	return 0;
}

struct group_dns *
run_ctx_group_dns(struct run_ctx *ctx, const struct conf_service *svc)
{
	for (size_t g = 0; g < ctx->c->n_groups; g++)
		if (strcmp(ctx->c->groups[g].name, svc->group) == 0)
			return &ctx->gdns[g];
	return NULL;
}

const struct local_ca *
run_ctx_ca(const struct run_ctx *ctx, const struct conf_service *svc)
{
	for (size_t i = 0; i < ctx->n_cas; i++)
		if (ctx->cas[i].svc == svc->ca_service)
			return &ctx->cas[i];
	return NULL;
}

void
run_ctx_clear(struct run_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_svcs; i++)
		free(ctx->svcs[i].svc_dir);
	free(ctx->svcs);
	pending_list_clear(&ctx->pending);
	for (size_t i = 0; i < ctx->n_cas; i++) {
		EVP_PKEY_free(ctx->cas[i].key);
		X509_free(ctx->cas[i].cert);
		free(ctx->cas[i].fullchain);
		free(ctx->cas[i].error);
	}
	free(ctx->cas);
	for (size_t g = 0; ctx->gdns != NULL && g < ctx->c->n_groups; g++)
		group_dns_clear(&ctx->gdns[g]);
	free(ctx->gdns);
	acme_caps_clear(&ctx->caps);
	free(ctx->tlsa_changed);
	free(ctx->prod_dir);
	memset(ctx, 0, sizeof(*ctx));
}
