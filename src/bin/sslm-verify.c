/*
 * sslm-verify: check that cert.pem was directly issued by the first
 * certificate of chain.pem and show both files (tools.md §3). Exit status:
 * 0 verified, 1 not verified, 2 usage error or missing/unreadable files.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>

#include "crypto/crypto.h"

#define EXIT_FAILED 1
#define EXIT_USAGE  2

static void
usage(const char *prog)
{
	printf("%s [-h] <dir with cert/chain pem files>\n"
	    "  Verify cert using public key from chain.\n"
	    "  The argument may also be a file in that directory.\n"
	    "  Exit status: 0 verified, 1 not verified, 2 usage error or\n"
	    "  missing/unreadable files.\n", prog);
}

int
main(int argc, char **argv)
{
	enum crypto_verify_result r;
	struct sslm_err err;
	char *dir = NULL, *cert = NULL, *chain = NULL;
	BIO *out = NULL;
	int rc = EXIT_USAGE;

	if (sslm_version_asked(argc, argv))
		return sslm_print_version("sslm-verify");
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(argv[0]);
		return 0;
	}
	if (argc != 2) {
		usage(argv[0]);
		return EXIT_USAGE;
	}
	if (crypto_verify_locate(argv[1], &dir, &cert, &chain) != 0) {
		printf("Failed to find cert.pem, chain.pem given %s\n",
		    dir != NULL ? dir : argv[1]);
		goto out;
	}
	if ((out = BIO_new_fp(stdout, BIO_NOCLOSE)) == NULL) {
		fprintf(stderr, "sslm-verify: out of memory\n");
		goto out;
	}
	sslm_err_clear(&err);
	r = crypto_verify_report(cert, chain, time(NULL), out, &err);
	(void)BIO_flush(out);
	if (r == CRYPTO_VERIFY_UNREADABLE)
		fprintf(stderr, "sslm-verify: %s\n", err.msg);
	rc = r == CRYPTO_VERIFY_OK ? 0 :
	    r == CRYPTO_VERIFY_UNREADABLE ? EXIT_USAGE : EXIT_FAILED;
 out:
	BIO_free(out);
	free(dir);
	free(cert);
	free(chain);
	if (fflush(stdout) != 0)
		rc = EXIT_USAGE;
	return rc;
}
