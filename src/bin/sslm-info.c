/*
 * sslm-info: summarise PEM files (tools.md §2). Only argv[1] can be an
 * option; every other argument is a file name. Exit status: 0 everything
 * described, 2 an input could not be read or a block could not be parsed
 * (tools.md §1; no check of its own can fail, so 1 is not used).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>

#include "crypto/crypto.h"

#define EXIT_INPUT 2

static void
usage(const char *prog)
{
	printf("%s [-h] [-v] [pem file(s)]\n"
	    "  Display info about cert, key, chain or csr file(s) in pem format\n"
	    "  Pem files are read from stdin if none is given\n"
	    "  By default a summary of each item is shown\n"
	    "  -v, --verb, --verbose : full details (as openssl -text prints them)\n"
	    "  -h, --help            : this help\n"
	    "  Only the first argument is read as an option.\n"
	    "  Exit status: 0 all shown, 2 a file could not be read or an item\n"
	    "  could not be parsed.\n", prog);
}

/* One input (NULL: standard input); false when it was not all shown. */
static bool
show(const char *path, enum crypto_info_style style, time_t now, BIO *out)
{
	struct sslm_err err;
	int n;

	sslm_err_clear(&err);
	n = crypto_info_file(path, style, now, out, &err);
	if (n < 0) {
		/* stdout carries the original's line; the reason goes here. */
		(void)BIO_flush(out);
		fprintf(stderr, "sslm-info: %s\n", err.msg);
	}
	return n == 0;
}

int
main(int argc, char **argv)
{
	enum crypto_info_style style = CRYPTO_INFO_SUMMARY;
	BIO *out;
	time_t now = time(NULL);
	int first = 1;
	bool ok = true;

	if (sslm_version_asked(argc, argv))
		return sslm_print_version("sslm-info");
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(argv[0]);
		return 0;
	}
	if (argc > 1 && (strcmp(argv[1], "-v") == 0 ||
	    strcmp(argv[1], "--verb") == 0 ||
	    strcmp(argv[1], "--verbose") == 0)) {
		style = CRYPTO_INFO_VERBOSE;
		first = 2;
	}
	if ((out = BIO_new_fp(stdout, BIO_NOCLOSE)) == NULL) {
		fprintf(stderr, "sslm-info: out of memory\n");
		return EXIT_INPUT;
	}
	/* No file names: standard input, also after -v (quirk I1 fixed). */
	if (first >= argc)
		ok = show(NULL, style, now, out);
	for (int i = first; i < argc; i++)
		if (!show(argv[i], style, now, out))
			ok = false;
	(void)BIO_flush(out);
	BIO_free(out);
	if (fflush(stdout) != 0)
		return EXIT_INPUT;
	return ok ? 0 : EXIT_INPUT;
}
