/*
 * Shared pieces of the TLSA unit tests (one runner: test_tlsa.c): data
 * files, a temp tree per test, and services built in memory the way
 * config/ would build them.
 *
 * Data: tests/data/tlsa (README.md there says where each file comes from).
 * Expected hashes were computed once with the openssl CLI and checked with
 * ldns-dane; each test file says which command gave its values.
 */
#ifndef SSLM_TEST_TLSA_H
#define SSLM_TEST_TLSA_H

#include <check.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/x509.h>

#include "config/conf.h"
#include "crypto/crypto.h"
#include "dns/dns.h"

void add_tlsa_data_tests(Suite *pos, Suite *neg);
void add_tlsa_rr_tests(Suite *pos, Suite *neg);
void add_tlsa_parse_tests(Suite *pos, Suite *neg);
void add_tlsa_agg_tests(Suite *pos, Suite *neg);
void add_tlsa_publish_tests(Suite *pos, Suite *neg);

/* §9 values (tlsa.md §9.2, openssl pkey/x509 | openssl dgst -sha256). */
#define KEY1_311 "253cf962429c4e6bc1716172db63fec4009afcf41b9b9b4f6da2fbdc7e99e246"
#define KEY2_311 "b7104b84e4169e3d0396ba744bb3d4c8a587d7fe5b5dedd3faeb7319dc710a03"
/* Case 12, EC P-384 leaf 3 1 1 and the intermediate's 3 1 1 (the table of
 * 12-tlsa-ec-key.md, re-checked with the openssl CLI and ldns-dane). */
#define P384_311  "6cd24439fbb12bbd63e58d5557fe3e5d907f4d5f864aa0fd632b1f66d99f67ab"
#define RSA_311   "519f31b04d69c70ed9148b93d766e2220123900523a683bf2f7d08fe0d715a71"
#define ED_311    "a8d4817f23c33b198e57134390dcecec74073fc3706dc0086fea134795a5b438"
#define CHAIN_311 "7c3af2194db287015ab18cad2003cddbd58d06acfb22f22966ffd518378f7011"
/* SHA-256 of nothing: the field-case-12 defect value. */
#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* tests/data/tlsa/<name> (heap; the caller frees). */
char *tt_data(const char *name);
/* The first certificate of a data file. */
X509 *tt_cert(const char *name);
/* A whole file as a NUL-terminated heap string (fails the test if absent). */
char *tt_slurp(const char *path);
/* Every library call must leave the OpenSSL error queue empty. */
void tt_queue_empty(void);

/* A fresh temp dir per test with top/certs/ in it; umask 022. */
void tt_setup(void);
void tt_teardown(void);
/* A path under the test's temp dir; rotating static buffers (valid for
 * the next few calls). */
const char *tt_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define TOP tt_path("top")
/* Write a file (parents must exist) with the given mtime (and atime
 * mtime - 1000), nanoseconds 0. */
void tt_file(const char *path, const char *text, time_t mtime);
void tt_mkdirs(const char *path);
bool tt_exists(const char *path);
struct stat tt_stat(const char *path);
/* certs/<g>/<s>/db/<ts>/ with cert.pem (copy of a data file; NULL: none)
 * and chain.pem (the case 12 intermediate). */
void tt_dataset(const char *g, const char *s, const char *ts,
    const char *cert_file);
/* certs/<g>/<s>/<which> -> db/<ts>; ts NULL removes the link. */
void tt_link(const char *g, const char *s, const char *which, const char *ts);

/* A service as config/ would hold it: group/service set, items and SANs
 * added by the helpers below, TTL 1800. */
struct tt_svc {
	struct conf_service s;
	struct conf_dane dane[8];
	struct conf_san sans[16];
};
void tt_svc_init(struct tt_svc *t, const char *group, const char *service);
/* subtype: "MX", "SANS" or NULL (default by port, as config/ does). */
void tt_svc_dane(struct tt_svc *t, int port, const char *proto, int usage,
    int selector, int match, const char *subtype);
void tt_svc_san(struct tt_svc *t, const char *name, bool is_ip);

/* dns_tlsa_rr_build on a data set dir's cert.pem/chain.pem; fails the test
 * on error. warnings may be NULL (then none are allowed). */
char *tt_build(const struct tt_svc *t, const char *apex, const char *db,
    const char *set_dir, const struct strvec *mx, struct strvec *warnings);
/* A strvec from a NULL-terminated list. */
void tt_strvec(struct strvec *sv, const char *const *list);

#endif /* SSLM_TEST_TLSA_H */
