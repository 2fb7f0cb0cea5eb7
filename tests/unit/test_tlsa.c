/*
 * Runner of the TLSA unit tests ("tlsa positive" / "tlsa negative") and the
 * helpers they share: data files, temp trees, in-memory services.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>

#include "test_tlsa.h"

static char root[256];

char *
tt_data(const char *name)
{
	const char *src = getenv("SSLM_SRCDIR");
	char *p = str_printf("%s/tests/data/tlsa/%s", src != NULL ? src : ".",
	    name);

	ck_assert_ptr_nonnull(p);
	return p;
}

X509 *
tt_cert(const char *name)
{
	struct sslm_err err;
	char *path = tt_data(name);
	X509 *x;

	sslm_err_clear(&err);
	x = crypto_cert_read(path, &err);
	ck_assert_msg(x != NULL, "%s: %s", path, err.msg);
	free(path);
	return x;
}

char *
tt_slurp(const char *path)
{
	struct sslm_err err;
	char *data = NULL;
	size_t len;

	ck_assert_msg(fs_read_file(path, 1 << 22, &data, &len, &err) == 0, "%s",
	    err.msg);
	return data;
}

void
tt_queue_empty(void)
{
	ck_assert_msg(ERR_peek_error() == 0, "OpenSSL error queue not empty");
}

const char *
tt_path(const char *fmt, ...)
{
	static char bufs[8][1024];
	static int i;
	char rel[700];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(rel), "path too long");
	i = (i + 1) % 8;
	n = snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", root, rel);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(bufs[i]), "path too long");
	return bufs[i];
}

void
tt_setup(void)
{
	const char *base = getenv("TMPDIR");
	int n;

	umask(022);
	if (base == NULL || base[0] != '/' || strlen(base) > 200)
		base = "/tmp";
	n = snprintf(root, sizeof(root), "%s/sslm-tlsa-XXXXXX", base);
	ck_assert(n > 0 && (size_t)n < sizeof(root));
	ck_assert_ptr_nonnull(mkdtemp(root));
	tt_mkdirs(tt_path("top/certs"));
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
tt_teardown(void)
{
	if (root[0] != '\0')
		(void)nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	root[0] = '\0';
}

void
tt_file(const char *path, const char *text, time_t mtime)
{
	struct timespec times[2];
	size_t len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	ck_assert_msg(fd != -1, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	times[0].tv_sec = mtime - 1000;
	times[1].tv_sec = mtime;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	ck_assert_int_eq(futimens(fd, times), 0);
	ck_assert_int_eq(close(fd), 0);
}

void
tt_mkdirs(const char *path)
{
	struct sslm_err err;

	ck_assert_msg(fs_mkdir_p(path, 0755, &err) == 0, "%s", err.msg);
}

bool
tt_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

struct stat
tt_stat(const char *path)
{
	struct stat st;

	ck_assert_msg(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	return st;
}

void
tt_dataset(const char *g, const char *s, const char *ts, const char *cert_file)
{
	char *text, *p;

	tt_mkdirs(tt_path("top/certs/%s/%s/db/%s", g, s, ts));
	if (cert_file != NULL) {
		p = tt_data(cert_file);
		text = tt_slurp(p);
		tt_file(tt_path("top/certs/%s/%s/db/%s/cert.pem", g, s, ts), text,
		    1780000000);
		free(text);
		free(p);
	}
	p = tt_data("12-tlsa-ec-key.chain.pem");
	text = tt_slurp(p);
	tt_file(tt_path("top/certs/%s/%s/db/%s/chain.pem", g, s, ts), text,
	    1780000000);
	free(text);
	free(p);
}

void
tt_link(const char *g, const char *s, const char *which, const char *ts)
{
	char target[128];
	const char *link = tt_path("top/certs/%s/%s/%s", g, s, which);

	if (unlink(link) == -1)
		ck_assert_int_eq(errno, ENOENT);
	if (ts == NULL)
		return;
	snprintf(target, sizeof(target), "db/%s", ts);
	ck_assert_int_eq(symlink(target, link), 0);
}

void
tt_svc_init(struct tt_svc *t, const char *group, const char *service)
{
	memset(t, 0, sizeof(*t));
	t->s.group = (char *)group;
	t->s.service = (char *)service;
	t->s.dane = t->dane;
	t->s.x509.sans = t->sans;
	t->s.dane_tls_ttl = 1800;
}

void
tt_svc_dane(struct tt_svc *t, int port, const char *proto, int usage,
    int selector, int match, const char *subtype)
{
	struct conf_dane *d;

	ck_assert_uint_lt(t->s.n_dane, sizeof(t->dane) / sizeof(t->dane[0]));
	d = &t->dane[t->s.n_dane++];
	d->port = port;
	snprintf(d->proto, sizeof(d->proto), "%s", proto);
	d->usage = usage;
	d->selector = selector;
	d->match = match;
	/* The default config/ applies (config.md §5.6): MX for port 25. */
	d->subtype = port == 25 ? CONF_DANE_MX : CONF_DANE_SANS;
	if (subtype != NULL) {
		d->subtype = str_case_eq(subtype, "MX") ? CONF_DANE_MX :
		    CONF_DANE_SANS;
		d->subtype_explicit = true;
	}
}

void
tt_svc_san(struct tt_svc *t, const char *name, bool is_ip)
{
	struct conf_san *s;

	ck_assert_uint_lt(t->s.x509.n_sans, sizeof(t->sans) / sizeof(t->sans[0]));
	s = &t->sans[t->s.x509.n_sans++];
	s->name = (char *)name;
	s->is_ip = is_ip;
}

char *
tt_build(const struct tt_svc *t, const char *apex, const char *db,
    const char *set_dir, const struct strvec *mx, struct strvec *warnings)
{
	struct strvec none;
	struct sslm_err err;
	char *cert = fs_path_join(set_dir, "cert.pem");
	char *chain = fs_path_join(set_dir, "chain.pem");
	char *text = NULL;

	strvec_init(&none);
	sslm_err_clear(&err);
	ck_assert_msg(dns_tlsa_rr_build(&t->s, apex, db, cert, chain, mx, &text,
	    warnings != NULL ? warnings : &none, &err) == 0, "%s", err.msg);
	ck_assert_msg(none.n == 0, "unexpected warning: %s",
	    none.n > 0 ? none.v[0] : "");
	tt_queue_empty();
	strvec_clear(&none);
	free(cert);
	free(chain);
	return text;
}

void
tt_strvec(struct strvec *sv, const char *const *list)
{
	strvec_init(sv);
	for (; list != NULL && *list != NULL; list++)
		ck_assert_int_eq(strvec_push(sv, *list), 0);
}

int
main(void)
{
	Suite *pos = suite_create("tlsa positive");
	Suite *neg = suite_create("tlsa negative");
	SRunner *sr;
	int failed;

	add_tlsa_data_tests(pos, neg);
	add_tlsa_rr_tests(pos, neg);
	add_tlsa_parse_tests(pos, neg);
	add_tlsa_agg_tests(pos, neg);
	add_tlsa_publish_tests(pos, neg);
	sr = srunner_create(pos);
	srunner_add_suite(sr, neg);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
