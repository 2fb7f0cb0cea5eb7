/*
 * mgr/expiry: the renew policy of sslm-cert-expiry and the check of one
 * certificate file (tools.md §6, lifecycle.md §3.2).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "config/conf.h"
#include "crypto/crypto.h"
#include "mgr/expiry.h"

#define SECS_PER_DAY 86400

/* A folder whose files belong to one service (canonical, no trailing /). */
struct expiry_dir {
	char *dir;
	const struct conf_service *svc;
};

struct expiry_policy {
	struct conf conf;
	bool have_conf;		/* false: the fixed 30-day rule */
	struct expiry_dir *dirs;
	size_t n_dirs;
};

struct expiry_policy *
expiry_policy_fixed(void)
{
	struct expiry_policy *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	conf_init(&p->conf);
	return p;
}

void
expiry_policy_free(struct expiry_policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_dirs; i++)
		free(p->dirs[i].dir);
	free(p->dirs);
	conf_clear(&p->conf);
	free(p);
}

const char *
expiry_policy_top(const struct expiry_policy *p)
{
	return p != NULL && p->have_conf ? p->conf.top : NULL;
}

/* Remember base/<group>/<service> for svc when it exists (0), -1 on OOM. */
static int
add_dir(struct expiry_policy *p, const char *base,
    const struct conf_service *svc)
{
	struct expiry_dir *nd;
	struct sslm_err ignored;
	char *gdir = NULL, *sdir = NULL, *real = NULL;
	int rc = -1;

	if ((gdir = fs_path_join(base, svc->group)) == NULL ||
	    (sdir = fs_path_join(gdir, svc->service)) == NULL)
		goto out;
	if (!fs_is_dir(sdir)) {
		rc = 0;		/* nothing issued yet, or no production copy */
		goto out;
	}
	if ((real = fs_realpath(sdir, &ignored)) == NULL) {
		rc = 0;
		goto out;
	}
	if ((nd = realloc(p->dirs, (p->n_dirs + 1) * sizeof(*nd))) == NULL)
		goto out;
	p->dirs = nd;
	p->dirs[p->n_dirs].dir = real;
	p->dirs[p->n_dirs].svc = svc;
	p->n_dirs++;
	real = NULL;
	rc = 0;
 out:
	free(real);
	free(sdir);
	free(gdir);
	return rc;
}

/* The first error line of d as one sentence in err. */
static void
conf_error(const struct conf_diags *d, const char *top, struct sslm_err *err)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level != CONF_DIAG_ERROR)
			continue;
		sslm_err_set(err, "configuration in %s does not load: %s "
		    "(%zu error%s; run sslm-mgr -s to see them all)", top,
		    d->v[i].msg, d->n_errors, d->n_errors == 1 ? "" : "s");
		return;
	}
	sslm_err_set(err, "configuration in %s does not load (out of memory?)",
	    top);
}

int
expiry_policy_open(struct expiry_policy **out, struct sslm_err *err)
{
	struct expiry_policy *p = NULL;
	struct conf_topdir td;
	struct conf_diags d;
	struct sslm_err find_err;
	const char *env = getenv("SSL_MGR_TOPDIR");
	char *certs = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	conf_topdir_init(&td);
	conf_diags_init(&d);
	if ((p = expiry_policy_fixed()) == NULL) {
		sslm_err_set(err, "out of memory loading the configuration");
		goto out;
	}
	if (conf_find_topdir(&td, &find_err) == -1) {
		/* No tree at all: the fixed rule. An explicit but unusable
		 * SSL_MGR_TOPDIR is the user's mistake and is reported. */
		if (env != NULL && *env != '\0') {
			sslm_err_set(err, "%s", find_err.msg);
			goto out;
		}
		goto done;
	}
	if (conf_load(&p->conf, &td, NULL, 0, false, &d) != 0) {
		conf_error(&d, td.path, err);
		goto out;
	}
	p->have_conf = true;
	if ((certs = fs_path_join(p->conf.top, "certs")) == NULL) {
		sslm_err_set(err, "out of memory loading the configuration");
		goto out;
	}
	for (i = 0; i < p->conf.n_services; i++) {
		const struct conf_service *svc = p->conf.services[i];

		if (add_dir(p, certs, svc) != 0 ||
		    (p->conf.g.prod_cert_dir != NULL &&
		    add_dir(p, p->conf.g.prod_cert_dir, svc) != 0)) {
			sslm_err_set(err, "out of memory loading the "
			    "configuration");
			goto out;
		}
	}
 done:
	*out = p;
	p = NULL;
	rc = 0;
 out:
	free(certs);
	conf_diags_clear(&d);
	conf_topdir_clear(&td);
	expiry_policy_free(p);
	return rc;
}

/* The service whose folder holds path, or NULL. */
static const struct conf_service *
find_service(const struct expiry_policy *p, const char *path)
{
	const struct conf_service *svc = NULL;
	struct sslm_err ignored;
	char *real = NULL;
	size_t i, len;

	if (p->n_dirs == 0 || (real = fs_realpath(path, &ignored)) == NULL)
		return NULL;
	for (i = 0; i < p->n_dirs; i++) {
		len = strlen(p->dirs[i].dir);
		if (strncmp(real, p->dirs[i].dir, len) == 0 &&
		    real[len] == '/') {
			svc = p->dirs[i].svc;
			break;
		}
	}
	free(real);
	return svc;
}

void
expiry_cert_init(struct expiry_cert *ec)
{
	memset(ec, 0, sizeof(*ec));
	ec->state = EXPIRY_UNREADABLE;
}

void
expiry_cert_clear(struct expiry_cert *ec)
{
	if (ec == NULL)
		return;
	free(ec->service);
	expiry_cert_init(ec);
}

int
expiry_check(const struct expiry_policy *p, const char *path, time_t now,
    struct expiry_cert *ec)
{
	const struct conf_renew_curve *curve;
	const struct conf_service *svc;
	struct crypto_cert_info ci;
	char *data = NULL;
	size_t len = 0;
	double left, lifetime;
	int rc = -1;

	crypto_cert_info_init(&ci);
	expiry_cert_clear(ec);
	sslm_err_clear(&ec->why);
	if (fs_read_file(path, CRYPTO_PEM_MAX, &data, &len, &ec->why) != 0)
		goto out;
	if (crypto_cert_info_from_pem(data, len, path, &ci, &ec->why) != 0) {
		ec->state = EXPIRY_NOT_CERT;
		goto out;
	}
	ec->not_before = ci.not_before;
	ec->not_after = ci.not_after;
	/* C division truncates toward zero, as tools.md §6 asks. */
	ec->days = (long)((ci.not_after - now) / SECS_PER_DAY);
	ec->expired = ci.not_after <= now;
	if (p != NULL && p->have_conf) {
		curve = &p->conf.renew.target;
		if ((svc = find_service(p, path)) != NULL) {
			curve = &svc->renew.target;
			if ((ec->service = str_printf("%s/%s", svc->group,
			    svc->service)) == NULL) {
				sslm_err_set(&ec->why, "%s: out of memory",
				    path);
				goto out;
			}
		}
		lifetime = (double)(ci.not_after - ci.not_before) /
		    SECS_PER_DAY;
		left = (double)(ci.not_after - now) / SECS_PER_DAY;
		ec->target = conf_renew_eval(curve, lifetime);
		ec->renew = left - ec->target <= 0;
	} else {
		ec->target = EXPIRY_FIXED_DAYS;
		ec->renew = ec->days < EXPIRY_FIXED_DAYS;
	}
	ec->state = EXPIRY_READ;
	rc = 0;
 out:
	crypto_cert_info_clear(&ci);
	free(data);
	return rc;
}
