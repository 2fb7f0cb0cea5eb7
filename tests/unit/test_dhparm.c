/*
 * Unit tests for sslm-dhparm's library side (src/crypto/dh_gen.c,
 * src/crypto/dh_dir.c): request lists, the PEM text of named groups and
 * generated parameters, which files are (re)made, the dhparam.pem link and
 * the walk over directories.
 *
 * Known answers: the SHA-256 of each named group's PEM is that of
 * `openssl genpkey -genparam -algorithm DH -pkeyopt group:<name> | sha256sum`
 * (OpenSSL 3.0.19), i.e. OpenSSL's built-in RFC 7919 parameters. Generated
 * parameters are only made at 1024 bits so that the suite stays fast.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "crypto/crypto.h"

/* ---- helpers ------------------------------------------------------------- */

static char *
tmp_dir(void)
{
	const char *t = getenv("TMPDIR");
	char *d = str_printf("%s/sslm-dh.XXXXXX", t != NULL && *t == '/' ? t :
	    "/tmp");

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static void
rm_rf(const char *dir)
{
	const char *argv[] = { "rm", "-rf", dir, NULL };
	struct proc_result res;
	struct sslm_err err;

	ck_assert_int_eq(proc_run(argv, NULL, &res, &err), 0);
	proc_result_clear(&res);
}

static char *
path2(const char *a, const char *b)
{
	char *p = fs_path_join(a, b);

	ck_assert_ptr_nonnull(p);
	return p;
}

static char *
slurp(const char *path)
{
	struct sslm_err err;
	char *data = NULL;
	size_t len;

	ck_assert_msg(fs_read_file(path, 1 << 20, &data, &len, &err) == 0,
	    "%s", err.msg);
	return data;
}

static void
spit(const char *path, const char *text)
{
	struct sslm_err err;

	ck_assert_msg(fs_write_atomic(path, text, strlen(text), 0644, &err)
	    == 0, "%s", err.msg);
}

static char *
bio_text(BIO *b)
{
	char *data = NULL, *s;
	long n = BIO_get_mem_data(b, &data);

	ck_assert_int_ge(n, 0);
	s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	if (n > 0)
		memcpy(s, data, (size_t)n);
	s[n] = '\0';
	return s;
}

static void
set_mtime(const char *path, time_t t)
{
	struct timeval tv[2] = { { t, 0 }, { t, 0 } };

	ck_assert_int_eq(utimes(path, tv), 0);
}

static struct crypto_dh_item *
items_of(const char *list, size_t *n)
{
	struct crypto_dh_item *items = NULL;
	struct sslm_err err;

	ck_assert_msg(crypto_dh_parse_keys(list, &items, n, &err) == 0, "%s",
	    err.msg);
	return items;
}

/* Options writing the report into a memory BIO. */
static void
opts_init(struct crypto_dh_opts *o, const struct crypto_dh_item *items,
    size_t n)
{
	memset(o, 0, sizeof(*o));
	o->items = items;
	o->n_items = n;
	o->age_days = CRYPTO_DH_DEFAULT_AGE_DAYS;
	o->now = time(NULL);
	o->out = BIO_new(BIO_s_mem());
	ck_assert_ptr_nonnull(o->out);
}

/* The report so far (then emptied). */
static char *
report(struct crypto_dh_opts *o)
{
	char *s = bio_text(o->out);

	(void)BIO_reset(o->out);
	return s;
}

static void
expect_report(struct crypto_dh_opts *o, const char *want)
{
	char *got = report(o);

	ck_assert_str_eq(got, want);
	free(got);
}

static void
expect_link(const char *dh, const char *want)
{
	char *link = path2(dh, "dhparam.pem"), buf[256];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);

	ck_assert_msg(n > 0, "%s: %s", link, strerror(errno));
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
	free(link);
}

/* p of a PEM "DH PARAMETERS" text, and its generator must be 2. */
static int
pem_bits(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *g = NULL;
	int bits;

	ck_assert_ptr_nonnull(b);
	pkey = PEM_read_bio_Parameters(b, NULL);
	ck_assert_ptr_nonnull(pkey);
	ck_assert_int_eq(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_FFC_G, &g),
	    1);
	ck_assert(BN_is_word(g, 2));
	/* The full check: p is a safe prime, g fits. */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_PKEY_param_check(ctx), 1);
	bits = EVP_PKEY_get_bits(pkey);
	BN_free(g);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	BIO_free(b);
	ERR_clear_error();
	return bits;
}

/* ---- request lists ------------------------------------------------------- */

START_TEST(keys_default)
{
	static const char *const files[] = {
		"dh-ffdhe8192.pem", "dh-ffdhe6144.pem", "dh-ffdhe4096.pem",
		"dh-ffdhe3072.pem", "dh-ffdhe2048.pem",
	};
	struct crypto_dh_item *it;
	size_t n, i;

	it = items_of(CRYPTO_DH_DEFAULT_KEYS, &n);
	ck_assert_uint_eq(n, 5);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(it[i].file, files[i]);
		ck_assert_uint_eq(it[i].bits, 0);
	}
	ck_assert_str_eq(it[0].name, "ffdhe8192");
	free(it);
}
END_TEST

START_TEST(keys_mixed)
{
	struct crypto_dh_item *it;
	size_t n;

	/* Repeats are kept once; leading zeros do not make a new size. */
	it = items_of("4096,ffdhe2048,4096,01024,ffdhe2048,512,10000", &n);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(it[0].name, "4096");
	ck_assert_str_eq(it[0].file, "dh4096.pem");
	ck_assert_uint_eq(it[0].bits, 4096);
	ck_assert_str_eq(it[1].file, "dh-ffdhe2048.pem");
	ck_assert_str_eq(it[2].name, "1024");
	ck_assert_str_eq(it[2].file, "dh1024.pem");
	ck_assert_uint_eq(it[3].bits, 512);
	ck_assert_uint_eq(it[4].bits, 10000);
	free(it);
}
END_TEST

static const char *const bad_lists[] = {
	"", ",", "ffdhe2048,", ",4096", "ffdhe2048,,4096", "ffdhe1024",
	"FFDHE2048", "511", "10001", "99999999999999999999999", "4096x",
	"-4096", "ffdhe2048 ", "a-very-long-name-that-is-no-group",
};

START_TEST(keys_bad)
{
	struct crypto_dh_item *it = (void *)1;
	struct sslm_err err;
	size_t n = 7;

	sslm_err_clear(&err);
	ck_assert_int_eq(crypto_dh_parse_keys(bad_lists[_i], &it, &n, &err),
	    -1);
	ck_assert_ptr_null(it);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(err.msg[0] != '\0', "no message for '%s'", bad_lists[_i]);
	ck_assert(strstr(err.msg, "out of range") != NULL ||
	    strstr(err.msg, "unknown DH group") != NULL ||
	    strstr(err.msg, "empty") != NULL);
	/* NULL is an empty list too */
	ck_assert_int_eq(crypto_dh_parse_keys(NULL, &it, &n, &err), -1);
}
END_TEST

/* ---- generation ---------------------------------------------------------- */

static const struct {
	const char *name;
	const char *sha256;     /* of the openssl genpkey output, see top */
	int bits;
} groups[] = {
	{ "ffdhe2048", "9ba6429597aeed2d8617a7705b56e96d"
	    "044f64b07971659382e426675105654b", 2048 },
	{ "ffdhe3072", "c410cc9c4fd85d2c109f7ebe5930ca53"
	    "04a52927c0ebcb1a11c5cf6b2386bbab", 3072 },
	{ "ffdhe4096", "64852d6890ff9e62eecd1ee89c72af9a"
	    "f244dfef5b853bcedea3dfd7aade22b3", 4096 },
	{ "ffdhe6144", "20247a866c38b354c8260237b0d3a48f"
	    "0f1b06b8d6a22e73c44ac009f62b2dd1", 6144 },
	{ "ffdhe8192", "987368fcc3217dedfd10317fd7ba847e"
	    "4bc5948cd0d9cf2326b9ef282958cc85", 8192 },
};

START_TEST(generate_named)
{
	struct crypto_dh_item *it;
	struct sslm_err err;
	char hex[CRYPTO_SHA256_HEX], *pem = NULL;
	size_t n, len;

	it = items_of(groups[_i].name, &n);
	ck_assert_msg(crypto_dh_generate(it, NULL, 0, &pem, &len, &err) == 0,
	    "%s", err.msg);
	ck_assert_uint_eq(strlen(pem), len);
	ck_assert(str_has_prefix(pem, "-----BEGIN DH PARAMETERS-----\n"));
	ck_assert_int_eq(crypto_sha256_hex(pem, len, hex, &err), 0);
	ck_assert_str_eq(hex, groups[_i].sha256);
	ck_assert_int_eq(pem_bits(pem), groups[_i].bits);
	ck_assert_uint_eq(ERR_peek_error(), 0);
	free(pem);
	free(it);
}
END_TEST

/* 1024 bits: new safe-prime parameters with g = 2, and the progress line
 * that says the work has started. */
START_TEST(generate_classic)
{
	struct crypto_dh_item *it;
	struct sslm_err err;
	BIO *progress = BIO_new(BIO_s_mem());
	char *pem = NULL, *text;
	size_t n, len;

	ck_assert_ptr_nonnull(progress);
	it = items_of("1024", &n);
	ck_assert_msg(crypto_dh_generate(it, progress, 1, &pem, &len, &err)
	    == 0, "%s", err.msg);
	ck_assert(str_has_prefix(pem, "-----BEGIN DH PARAMETERS-----\n"));
	ck_assert(str_has_suffix(pem, "-----END DH PARAMETERS-----\n"));
	ck_assert_int_eq(pem_bits(pem), 1024);
	text = bio_text(progress);
	ck_assert(str_has_prefix(text, "             generating 1024-bit DH "
	    "parameters (this can take minutes)\n"));
	ck_assert_uint_eq(ERR_peek_error(), 0);
	free(text);
	free(pem);
	free(it);
	BIO_free(progress);
}
END_TEST

START_TEST(generate_bad_item)
{
	struct crypto_dh_item it;
	struct sslm_err err;
	char *pem = (void *)1;
	size_t len = 3;

	memset(&it, 0, sizeof(it));
	strcpy(it.name, "ffdhe1024");
	ck_assert_int_eq(crypto_dh_generate(&it, NULL, 0, &pem, &len, &err),
	    -1);
	ck_assert_ptr_null(pem);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(err.msg, "unknown DH group 'ffdhe1024'");
	strcpy(it.name, "128");
	it.bits = 128;
	ck_assert_int_eq(crypto_dh_generate(&it, NULL, 0, &pem, &len, &err),
	    -1);
	ck_assert(strstr(err.msg, "out of range") != NULL);
	ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST

/* ---- one target directory ------------------------------------------------ */

START_TEST(target_fresh_then_nothing)
{
	struct crypto_dh_opts o;
	struct crypto_dh_item *it;
	struct stat st;
	char *d = tmp_dir(), *dh = path2(d, "dh"), *want, *f, *pem;
	size_t n;

	it = items_of("ffdhe3072,ffdhe2048", &n);
	opts_init(&o, it, n);
	ck_assert_int_eq(crypto_dh_target(d, &o), 0);
	want = str_printf("         : %s/dh\n"
	    "           - ffdhe3072\n"
	    "           - ffdhe2048\n"
	    "             default %s/dh/dhparam.pem -> dh-ffdhe3072.pem\n",
	    d, d);
	expect_report(&o, want);
	free(want);
	ck_assert_int_eq(stat(dh, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0750);
	expect_link(dh, "dh-ffdhe3072.pem");
	f = path2(dh, "dh-ffdhe2048.pem");
	ck_assert_int_eq(stat(f, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0644);
	pem = slurp(f);
	ck_assert_int_eq(pem_bits(pem), 2048);
	free(pem);

	/* Second run: nothing to do, only the directory line. */
	ck_assert_int_eq(crypto_dh_target(d, &o), 0);
	want = str_printf("         : %s/dh\n", d);
	expect_report(&o, want);
	free(want);

	/* -f: everything again; the link already right is left as it is. */
	o.force = true;
	ck_assert_int_eq(crypto_dh_target(d, &o), 0);
	want = str_printf("         : %s/dh\n"
	    "           - ffdhe3072\n"
	    "           - ffdhe2048\n"
	    "             default %s/dh/dhparam.pem -> dh-ffdhe3072.pem\n",
	    d, d);
	expect_report(&o, want);
	free(want);

	BIO_free(o.out);
	free(it);
	free(f);
	free(dh);
	rm_rf(d);
	free(d);
}
END_TEST

/* Named groups first, then sizes; an old size file is remade, a young one
 * and an old named group are kept; the link goes to the first item. */
START_TEST(target_age_rule)
{
	struct crypto_dh_opts o;
	struct crypto_dh_item *it;
	char *d = tmp_dir(), *dh = path2(d, "dh"), *want, *f1024, *fg, *pem;
	size_t n;

	ck_assert_int_eq(mkdir(dh, 0750), 0);
	f1024 = path2(dh, "dh1024.pem");
	fg = path2(dh, "dh-ffdhe2048.pem");
	spit(f1024, "young\n");
	spit(fg, "old group\n");
	set_mtime(fg, time(NULL) - 1000 * 86400);
	it = items_of("1024,ffdhe2048", &n);
	opts_init(&o, it, n);

	/* young enough: nothing at all (and so no link) */
	ck_assert_int_eq(crypto_dh_target(d, &o), 0);
	want = str_printf("         : %s/dh\n", d);
	expect_report(&o, want);
	free(want);
	pem = slurp(f1024);
	ck_assert_str_eq(pem, "young\n");
	free(pem);

	/* 121 days old: remade, and linked as the first item */
	set_mtime(f1024, time(NULL) - 121 * 86400);
	ck_assert_int_eq(crypto_dh_target(d, &o), 0);
	want = str_printf("         : %s/dh\n"
	    "           - 1024\n"
	    "             default %s/dh/dhparam.pem -> dh1024.pem\n", d, d);
	expect_report(&o, want);
	free(want);
	pem = slurp(f1024);
	ck_assert_int_eq(pem_bits(pem), 1024);
	free(pem);
	expect_link(dh, "dh1024.pem");
	pem = slurp(fg);
	ck_assert_str_eq(pem, "old group\n");
	free(pem);

	/* -a 200: 121 days is young again */
	set_mtime(f1024, time(NULL) - 121 * 86400);
	o.age_days = 200;
	ck_assert_int_eq(crypto_dh_target(d, &o), 0);
	want = str_printf("         : %s/dh\n", d);
	expect_report(&o, want);
	free(want);

	BIO_free(o.out);
	free(it);
	free(f1024);
	free(fg);
	free(dh);
	rm_rf(d);
	free(d);
}
END_TEST

/* A link to another file is replaced; a regular file is left with a
 * warning (and that is no failure). */
START_TEST(target_link_cases)
{
	struct crypto_dh_opts o;
	struct crypto_dh_item *it;
	char *d = tmp_dir(), *dh = path2(d, "dh"), *link, *want, *text;
	size_t n;

	ck_assert_int_eq(mkdir(dh, 0750), 0);
	link = path2(dh, "dhparam.pem");
	ck_assert_int_eq(symlink("dh4096.pem", link), 0);
	it = items_of("ffdhe2048", &n);
	opts_init(&o, it, n);
	ck_assert_int_eq(crypto_dh_target(d, &o), 0);
	expect_link(dh, "dh-ffdhe2048.pem");
	free(report(&o));

	ck_assert_int_eq(unlink(link), 0);
	spit(link, "a file\n");
	o.force = true;
	ck_assert_int_eq(crypto_dh_target(d, &o), 0);
	want = str_printf("         : %s/dh\n"
	    "           - ffdhe2048\n"
	    "Warning : %s/dh/dhparam.pem is not a symbolic link - not "
	    "replaced\n", d, d);
	expect_report(&o, want);
	free(want);
	text = slurp(link);
	ck_assert_str_eq(text, "a file\n");
	free(text);

	BIO_free(o.out);
	free(it);
	free(link);
	free(dh);
	rm_rf(d);
	free(d);
}
END_TEST

START_TEST(target_failures)
{
	struct crypto_dh_opts o;
	struct crypto_dh_item *it;
	char *d = tmp_dir(), *dh = path2(d, "dh"), *f, *text, *link;
	size_t n;

	/* dh/ cannot be made: T is a file */
	f = path2(d, "file");
	spit(f, "x\n");
	it = items_of("ffdhe2048", &n);
	opts_init(&o, it, n);
	ck_assert_int_eq(crypto_dh_target(f, &o), 1);
	text = report(&o);
	ck_assert_msg(strstr(text, "\nError : ") != NULL, "%s", text);
	free(text);
	free(it);

	/* the first item's file cannot be written (a directory is in the
	 * way): one failure, the second file made, no link */
	ck_assert_int_eq(mkdir(dh, 0750), 0);
	free(f);
	f = path2(dh, "dh-ffdhe3072.pem");
	ck_assert_int_eq(mkdir(f, 0750), 0);
	it = items_of("ffdhe3072,ffdhe2048", &n);
	o.items = it;
	o.n_items = n;
	ck_assert_int_eq(crypto_dh_target(d, &o), 1);
	text = report(&o);
	ck_assert_msg(strstr(text, "           - ffdhe3072\nError : ") != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "           - ffdhe2048\nError : ") != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "dhparam.pem not changed") != NULL, "%s",
	    text);
	free(text);
	link = path2(dh, "dhparam.pem");
	ck_assert(!fs_is_file(link));
	ck_assert_uint_eq(ERR_peek_error(), 0);

	BIO_free(o.out);
	free(it);
	free(f);
	free(link);
	free(dh);
	rm_rf(d);
	free(d);
}
END_TEST

/* ---- the whole run --------------------------------------------------------- */

START_TEST(run_subdirs)
{
	struct crypto_dh_opts o;
	struct crypto_dh_item *it;
	char *d = tmp_dir(), *p, *want, *missing = path2(d, "missing");
	char *dirs[3];
	size_t n, i;
	static const char *const subs[] = { "b.org", "a.com", "ca", "CA",
	    "Ca.net" };

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		p = path2(d, subs[i]);
		ck_assert_int_eq(mkdir(p, 0755), 0);
		free(p);
	}
	p = path2(d, "link.net");
	ck_assert_int_eq(symlink("a.com", p), 0);
	free(p);
	p = path2(d, "plain-file");
	spit(p, "x\n");
	free(p);

	it = items_of("ffdhe2048", &n);
	opts_init(&o, it, n);
	dirs[0] = missing;
	dirs[1] = d;
	ck_assert_int_eq(crypto_dh_run(dirs, 2, true, &o), CRYPTO_DH_OK);
	want = str_printf("Warning : no such directory: %s - ignoring\n"
	    " dhparam : %s\n"
	    "         : %s/Ca.net/dh\n"
	    "           - ffdhe2048\n"
	    "             default %s/Ca.net/dh/dhparam.pem -> dh-ffdhe2048.pem\n"
	    "         : %s/a.com/dh\n"
	    "           - ffdhe2048\n"
	    "             default %s/a.com/dh/dhparam.pem -> dh-ffdhe2048.pem\n"
	    "         : %s/b.org/dh\n"
	    "           - ffdhe2048\n"
	    "             default %s/b.org/dh/dhparam.pem -> dh-ffdhe2048.pem\n",
	    missing, d, d, d, d, d, d, d);
	expect_report(&o, want);
	free(want);
	p = path2(d, "ca/dh");
	ck_assert(!fs_is_dir(p));
	free(p);
	p = path2(d, "CA/dh");
	ck_assert(!fs_is_dir(p));
	free(p);

	/* without -s the directory itself is the target */
	dirs[0] = d;
	ck_assert_int_eq(crypto_dh_run(dirs, 1, false, &o), CRYPTO_DH_OK);
	want = str_printf(" dhparam : %s\n"
	    "         : %s/dh\n"
	    "           - ffdhe2048\n"
	    "             default %s/dh/dhparam.pem -> dh-ffdhe2048.pem\n",
	    d, d, d);
	expect_report(&o, want);
	free(want);

	/* a parent without sub-directories */
	p = path2(d, "a.com/dh");
	dirs[0] = p;
	ck_assert_int_eq(crypto_dh_run(dirs, 1, true, &o), CRYPTO_DH_OK);
	want = str_printf(" dhparam : %s\nNo domain subdirs found in %s\n",
	    p, p);
	expect_report(&o, want);
	free(want);
	free(p);

	BIO_free(o.out);
	free(it);
	free(missing);
	rm_rf(d);
	free(d);
}
END_TEST

START_TEST(run_no_dirs)
{
	struct crypto_dh_opts o;
	struct crypto_dh_item *it;
	char *dirs[2] = { "/nonexistent/x", "/dev/null" };
	size_t n;

	it = items_of("ffdhe2048", &n);
	opts_init(&o, it, n);
	ck_assert_int_eq(crypto_dh_run(dirs, 2, false, &o), CRYPTO_DH_NO_DIRS);
	expect_report(&o, "Warning : no such directory: /nonexistent/x - "
	    "ignoring\n"
	    "Warning : no such directory: /dev/null - ignoring\n"
	    "No usable directories\n");
	ck_assert_int_eq(crypto_dh_run(dirs, 0, false, &o), CRYPTO_DH_NO_DIRS);
	expect_report(&o, "No usable directories\n");
	BIO_free(o.out);
	free(it);
}
END_TEST

START_TEST(run_failed)
{
	struct crypto_dh_opts o;
	struct crypto_dh_item *it;
	char *d = tmp_dir(), *f = path2(d, "dh"), *dirs[1];
	size_t n;

	spit(f, "in the way\n");    /* T/dh is a file */
	it = items_of("ffdhe2048", &n);
	opts_init(&o, it, n);
	dirs[0] = d;
	ck_assert_int_eq(crypto_dh_run(dirs, 1, false, &o), CRYPTO_DH_FAILED);
	BIO_free(o.out);
	free(it);
	free(f);
	rm_rf(d);
	free(d);
}
END_TEST

int
main(void)
{
	Suite *pos = suite_create("dhparm positive");
	Suite *neg = suite_create("dhparm negative");
	TCase *tc;
	SRunner *sr;
	int failed;

	/* Regular files are written 0644 whatever umask the caller has. */
	umask(022);

	tc = tcase_create("positive");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, keys_default);
	tcase_add_test(tc, keys_mixed);
	tcase_add_loop_test(tc, generate_named, 0,
	    (int)(sizeof(groups) / sizeof(groups[0])));
	tcase_add_test(tc, generate_classic);
	tcase_add_test(tc, target_fresh_then_nothing);
	tcase_add_test(tc, target_age_rule);
	tcase_add_test(tc, target_link_cases);
	tcase_add_test(tc, run_subdirs);
	suite_add_tcase(pos, tc);

	tc = tcase_create("negative");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, keys_bad, 0,
	    (int)(sizeof(bad_lists) / sizeof(bad_lists[0])));
	tcase_add_test(tc, generate_bad_item);
	tcase_add_test(tc, target_failures);
	tcase_add_test(tc, run_no_dirs);
	tcase_add_test(tc, run_failed);
	suite_add_tcase(neg, tc);

	sr = srunner_create(pos);
	srunner_add_suite(sr, neg);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
