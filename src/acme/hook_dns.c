/*
 * dns-01 on the auth hook's last call (dns.md §2.4): refuse delegated
 * challenge names, write acme-challenge.<apex> into every acme_dir, refresh
 * the DNS once, then wait until every name server serves every value
 * (§4.7). Also the cleanup form of the file (§2.3).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acme/hook_int.h"
#include "dns/dns.h"

#define TXT_SLICE	72	/* dns.md §2.2: longer values are split */
#define REFRESH_TIMEOUT	600	/* seconds per command (dns.md §2.5) */

/* Append to a heap string; *s is freed and NULL on allocation failure. */
static void
cat(char **s, const char *add)
{
	char *n;

	if (*s == NULL)
		return;
	n = str_printf("%s%s", *s, add);
	free(*s);
	*s = n;
}

static char *
owner_of(const char *domain)
{
	if (strncmp(domain, "*.", 2) == 0)
		domain += 2;
	return str_printf("_acme-challenge.%s.", domain);
}

/* The exact text of dns.md §2.2 (recs NULL: the empty form of §2.3). */
static char *
challenge_text(const char *apex, const struct hook_recs *recs)
{
	char *t = str_printf(";; acme-challenge for : %s\n;; acme-challenge : %s\n",
	    apex, apex);

	for (size_t i = 0; recs != NULL && i < recs->n && t != NULL; i++) {
		const char *v = recs->v[i].validation;
		size_t len = strlen(v);
		char *owner = owner_of(recs->v[i].domain), *line;

		line = owner == NULL ? NULL : len < TXT_SLICE ?
		    str_printf("%s 60 IN TXT \"%s\"\n", owner, v) :
		    str_printf("%s 60 IN TXT (", owner);
		for (size_t off = 0; line != NULL && len >= TXT_SLICE && off < len;
		    off += TXT_SLICE) {
			char *l = str_printf("%s\n%20s\"%.*s\"%s", line, "",
			    TXT_SLICE, v + off, off + TXT_SLICE >= len ? " )\n" : "");

			free(line);
			line = l;
		}
		if (line == NULL) {
			free(t);
			t = NULL;
		} else
			cat(&t, line);
		free(owner);
		free(line);
	}
	return t;
}

/* Built in CB, then copied atomically into every acme_dir with the
 * source's times (dns.md §2.1). */
static int
install(const struct conf *c, const char *cb, const char *apex,
    const char *text, struct sslm_err *err)
{
	char *name = NULL, *src = NULL, *dst = NULL;
	struct timespec ts[2];
	struct stat st;
	int rc = -1;

	if ((name = str_printf("acme-challenge.%s", apex)) == NULL ||
	    (src = fs_path_join(cb, name)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (fs_write_atomic(src, text, strlen(text), 0666, err) == -1)
		goto out;
	if (stat(src, &st) == -1) {
		sslm_err_errno(err, errno, "cannot stat %s", src);
		goto out;
	}
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	for (size_t i = 0; i < c->dns.acme_dirs.n; i++) {
		free(dst);
		if ((dst = fs_path_join(c->dns.acme_dirs.v[i], name)) == NULL) {
			sslm_err_set(err, "out of memory");
			goto out;
		}
		if (fs_mkdir_p(c->dns.acme_dirs.v[i], 0777, err) == -1 ||
		    fs_write_atomic(dst, text, strlen(text), 0666, err) == -1)
			goto out;
		if (utimensat(AT_FDCWD, dst, ts, 0) == -1)
			log_warn("cannot set the times of %s: %s", dst,
			    strerror(errno));
		log_file("installed %s", dst);
	}
	rc = 0;
 out:
	free(name);
	free(src);
	free(dst);
	return rc;
}

/* [dns] restart_cmd --serial_bump <apex>, each command (dns.md §2.5).
 * -1 with err naming the first command that failed; every one is run. */
static int
refresh(const struct conf *c, const char *apex, bool debug,
    struct sslm_err *err)
{
	static bool warned;
	int rc = 0;

	if (geteuid() != 0 && !warned && !debug)
		log_warn("not running as root: the DNS refresh may lack the "
		    "rights it needs");
	warned = true;
	for (size_t i = 0; i < c->dns.restart_cmd.n; i++) {
		const char *argv[] = { c->dns.restart_cmd.v[i], "--serial_bump",
		    apex, NULL };
		struct proc_opts po = { .timeout = REFRESH_TIMEOUT };
		struct proc_result res;
		struct sslm_err why;
		char desc[128];

		if (debug) {
			log_msg("debug: DNS refresh %s --serial_bump %s", argv[0],
			    apex);
			continue;
		}
		log_file("DNS refresh %s --serial_bump %s", argv[0], apex);
		proc_result_init(&res);
		if (proc_run(argv, &po, &res, &why) == -1) {
			if (rc == 0)
				sslm_err_set(err, "DNS refresh: %s", why.msg);
			rc = -1;
		} else {
			if (res.out_len > 0)
				log_file("DNS refresh: %s", res.out);
			if (!proc_result_ok(&res)) {
				if (res.err_len > 0)
					log_file("DNS refresh (stderr): %s",
					    res.err_out);
				if (rc == 0)
					sslm_err_set(err, "DNS refresh %s %s",
					    argv[0], proc_result_describe(&res,
					    desc, sizeof(desc)));
				rc = -1;
			}
		}
		proc_result_clear(&res);
	}
	return rc;
}

/* The values of each owner, owners in order of first appearance. */
static int
expectations(const struct hook_recs *recs, struct dns_expect **out,
    size_t *n)
{
	struct dns_expect *e = calloc(recs->n, sizeof(*e));
	char *owner = NULL;

	*out = e;
	*n = 0;
	if (e == NULL)
		return -1;
	for (size_t i = 0; i < recs->n; i++) {
		size_t j;

		if ((owner = owner_of(recs->v[i].domain)) == NULL)
			return -1;
		for (j = 0; j < *n && !str_case_eq(e[j].owner, owner); j++)
			;
		if (j == *n) {
			e[j].owner = owner;
			e[j].type = DNS_RR_TXT;
			strvec_init(&e[j].values);
			(*n)++;
		} else
			free(owner);
		owner = NULL;
		if (!strvec_contains(&e[j].values, recs->v[i].validation) &&
		    strvec_push(&e[j].values, recs->v[i].validation) == -1)
			return -1;
	}
	return 0;
}

static int
auth_port(void)
{
	const char *p = getenv("SSLM_TEST_AUTH_PORT");
	char *end;
	long v;

	/* Test beds run their authoritative servers on another port. */
	if (p == NULL || *p == '\0')
		return 53;
	v = strtol(p, &end, 10);
	return (*end == '\0' && v > 0 && v < 65536) ? (int)v : 53;
}

static void
progress(const char *line, void *arg)
{
	int fd = *(int *)arg;
	char *l = str_printf("%s\n", line);

	log_file("%s", line);
	if (fd != -1 && l != NULL && write(fd, l, strlen(l)) < 0)
		log_file("cannot write auth-progress: %s", strerror(errno));
	free(l);
}

int
hook_dns_publish(struct hook_ctx *h, const struct hook_recs *recs,
    struct sslm_err *err)
{
	const struct conf *c = &h->c;
	const struct conf_dns_primary *dp = h->grp->dns_primary;
	const char *apex = h->grp->name;
	struct dns_servers primary, auth, extra;
	struct dns_expect *exp = NULL;
	struct dns_wait_opts wo;
	struct strvec warnings;
	struct sslm_err why;
	char *text = NULL, *ppath = NULL;
	size_t n_exp = 0;
	int pfd = -1, rc = -1;

	dns_servers_init(&primary);
	dns_servers_init(&auth);
	dns_servers_init(&extra);
	strvec_init(&warnings);
	if (expectations(recs, &exp, &n_exp) == -1 ||
	    (text = challenge_text(apex, recs)) == NULL ||
	    (ppath = fs_path_join(h->cb, "auth-progress")) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (c->dns.acme_dirs.n == 0 || c->dns.restart_cmd.n == 0) {
		sslm_err_set(err, "dns-01 needs [dns] acme_dir and restart_cmd in "
		    "%s/conf.d/ssl-mgr.conf", c->top);
		goto out;
	}
	if (dp == NULL) {
		sslm_err_set(err, "no [[dns_primary]] entry for group %s in "
		    "%s/conf.d/ssl-mgr.conf", apex, c->top);
		goto out;
	}
	if (dns_primary_servers(dp->server, dp->port, &primary, err) == -1)
		goto out;
	/* Before anything is written: a TXT beside a CNAME stops the whole
	 * zone from loading (field case 03). */
	for (size_t i = 0; i < n_exp; i++)
		if (dns_challenge_check(&primary, apex, exp[i].owner, err) == -1)
			goto out;
	if (install(c, h->cb, apex, text, err) == -1)
		goto out;
	/* A failed refresh may still have worked in part: the wait decides. */
	if (refresh(c, apex, false, &why) == -1) {
		log_warn("%s", why.msg);
		h->warning = str_printf("%s", why.msg);
	}
	if (dns_auth_servers(&primary, apex, auth_port(), &auth, &warnings,
	    err) == -1)
		goto out;
	for (size_t i = 0; i < warnings.n; i++)
		log_warn("%s", warnings.v[i]);
	if (dns_extra_servers(&c->g.dns_xtra_ns, 53, &auth, &extra, err) == -1)
		goto out;
	pfd = open(ppath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW |
	    O_CLOEXEC, 0666);
	if (pfd == -1)
		log_warn("cannot open %s: %s", ppath, strerror(errno));
	memset(&wo, 0, sizeof(wo));
	wo.delay = c->g.dns_check_delay;
	wo.max_wait = c->g.dns_check_max_wait;
	wo.xtra_max_wait = c->g.dns_xtra_ns_max_wait;
	wo.xtra_strict = c->g.dns_xtra_ns_strict;
	wo.progress = progress;
	wo.progress_arg = &pfd;
	log_file("dns wait %s: %zu authoritative, %zu extra servers, delay %d s, "
	    "at most %d s", apex, auth.n, extra.n, wo.delay, wo.max_wait);
	if (dns_wait_agree(apex, &primary, &auth, &extra, exp, n_exp, &wo,
	    err) == -1)
		goto out;
	rc = 0;
 out:
	if (pfd != -1)
		close(pfd);
	for (size_t i = 0; exp != NULL && i < recs->n; i++)
		dns_expect_clear(&exp[i]);
	free(exp);
	free(text);
	free(ppath);
	strvec_clear(&warnings);
	dns_servers_clear(&primary);
	dns_servers_clear(&auth);
	dns_servers_clear(&extra);
	return rc;
}

int
hook_dns_clean(const struct conf *c, const char *cb, const char *apex,
    bool debug, struct sslm_err *err)
{
	char *text = challenge_text(apex, NULL);
	int rc = -1;

	if (text == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (c->dns.acme_dirs.n == 0 && c->dns.restart_cmd.n == 0) {
		rc = 0;		/* nothing was ever published this way */
		goto out;
	}
	if (debug) {
		for (size_t i = 0; i < c->dns.acme_dirs.n; i++)
			log_msg("debug: would install the empty "
			    "acme-challenge.%s into %s", apex,
			    c->dns.acme_dirs.v[i]);
	} else if (install(c, cb, apex, text, err) == -1)
		goto out;
	if (refresh(c, apex, debug, err) == -1)
		goto out;
	rc = 0;
 out:
	free(text);
	return rc;
}
