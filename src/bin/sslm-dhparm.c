/*
 * sslm-dhparm: create the DH parameter files of one or more directories
 * (tools.md §4, crypto.md §7). Exit status: 0 done (or nothing to do),
 * 1 some file, directory or link failed, 2 usage error or no usable DIR.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"

#define EXIT_FAILED 1
#define EXIT_USAGE  2

/* Seconds between the progress lines of a long generation. */
#define PROGRESS_SECS 5

/* Largest -a: 100 years. */
#define AGE_DAYS_MAX 36500

static void
usage(FILE *f, const char *prog)
{
	fprintf(f, "%s [-h] [-k KEYS] [-f] [-a AGE_DAYS] [-s] DIR [DIR ...]\n"
	    "  Creates DH parameter files in DIR/dh and links DIR/dh/dhparam.pem\n"
	    "  to the first one.\n"
	    "  -k, --keys KEYS          comma-separated list of RFC 7919 groups\n"
	    "                           (ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144\n"
	    "                           ffdhe8192) and bit sizes (%d-%d); the "
	    "first\n"
	    "                           is the dhparam.pem link target\n"
	    "                           (default " CRYPTO_DH_DEFAULT_KEYS ")\n"
	    "  -f, --force              regenerate every requested file\n"
	    "  -a, --age-days AGE_DAYS  regenerate bit-size files older than this\n"
	    "                           many days (default %d)\n"
	    "  -s, --subdirs            each DIR is a parent: process its\n"
	    "                           sub-directories except ca\n"
	    "  -h, --help               this text\n"
	    "  Exit status: 0 done or nothing to do, 1 some file or link failed,\n"
	    "  2 usage error or no usable DIR.\n", prog, CRYPTO_DH_MIN_BITS,
	    CRYPTO_DH_MAX_BITS, CRYPTO_DH_DEFAULT_AGE_DAYS);
}

/* Decimal digits only, at most AGE_DAYS_MAX; -1 otherwise. */
static long
days_arg(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > AGE_DAYS_MAX)
			return -1;
	}
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "keys", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' },
		{ "age-days", required_argument, NULL, 'a' },
		{ "subdirs", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct sslm_err err;
	struct crypto_dh_opts opts;
	struct crypto_dh_item *items = NULL;
	const char *keys = CRYPTO_DH_DEFAULT_KEYS;
	BIO *out = NULL, *progress = NULL;
	long days;
	size_t n_items = 0;
	int c, rc = EXIT_USAGE;
	bool subdirs = false;

	if (sslm_version_asked(argc, argv))
		return sslm_print_version("sslm-dhparm");
	memset(&opts, 0, sizeof(opts));
	opts.age_days = CRYPTO_DH_DEFAULT_AGE_DAYS;
	while ((c = getopt_long(argc, argv, "hk:fa:s", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout, argv[0]);
			rc = 0;
			goto out;
		case 'k':
			keys = optarg;
			break;
		case 'f':
			opts.force = true;
			break;
		case 'a':
			if ((days = days_arg(optarg)) < 0) {
				fprintf(stderr, "%s: age must be a number of days "
				    "from 0 to %d, not '%s'\n", argv[0],
				    AGE_DAYS_MAX, optarg);
				goto out;
			}
			opts.age_days = (unsigned)days;
			break;
		case 's':
			subdirs = true;
			break;
		default:
			usage(stderr, argv[0]);
			goto out;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "%s: at least one DIR is required\n", argv[0]);
		usage(stderr, argv[0]);
		goto out;
	}
	sslm_err_clear(&err);
	if (crypto_dh_parse_keys(keys, &items, &n_items, &err) != 0) {
		fprintf(stderr, "%s: -k: %s\n", argv[0], err.msg);
		goto out;
	}
	if ((out = BIO_new_fp(stdout, BIO_NOCLOSE)) == NULL ||
	    (progress = BIO_new_fp(stderr, BIO_NOCLOSE)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		goto out;
	}
	opts.items = items;
	opts.n_items = n_items;
	opts.now = time(NULL);
	opts.out = out;
	opts.progress = progress;
	opts.progress_secs = PROGRESS_SECS;
	switch (crypto_dh_run(argv + optind, (size_t)(argc - optind), subdirs,
	    &opts)) {
	case CRYPTO_DH_OK:
		rc = 0;
		break;
	case CRYPTO_DH_FAILED:
		rc = EXIT_FAILED;
		break;
	case CRYPTO_DH_NO_DIRS:
		rc = EXIT_USAGE;
		break;
	}
 out:
	BIO_free(out);
	BIO_free(progress);
	free(items);
	if (fflush(stdout) != 0 && rc == 0)
		rc = EXIT_FAILED;
	return rc;
}
