/*
 * sslm-tlsa-hash: print the DANE TLSA association data of DIR/cert.pem,
 * computed in-process and cross-checked with the openssl program
 * (tools.md §5). Exit status: 0 matched, 1 mismatched or openssl failed,
 * 2 usage error or missing/unreadable cert.pem.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

#define EXIT_FAILED 1
#define EXIT_USAGE  2

static void
usage(FILE *f, const char *prog)
{
	fprintf(f, "%s [-h] [-s SELECTOR] [-m MATCHING] [DIR]\n"
	    "  Reads cert.pem from DIR (default ./)\n"
	    "  Generate DANE TLSA Hash directly and using openssl\n"
	    "  Displays result\n"
	    "  -s, --selector SELECTOR  0 whole certificate, 1 public key "
	    "(default)\n"
	    "  -m, --matching MATCHING  0 full data, 1 SHA-256 (default), "
	    "2 SHA-512\n"
	    "  -h, --help               this text\n"
	    "  Exit status: 0 matched, 1 mismatched or openssl failed,\n"
	    "  2 usage error or missing/unreadable cert.pem.\n", prog);
}

/* A single digit from 0 to max, nothing else. */
static int
digit_arg(const char *s, int max)
{
	if (s[0] < '0' || s[0] > '0' + max || s[1] != '\0')
		return -1;
	return s[0] - '0';
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "selector", required_argument, NULL, 's' },
		{ "matching", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct sslm_err err;
	const char *dir = "./";
	char *cert = NULL, *ours = NULL, *theirs = NULL, *diag = NULL;
	X509 *x = NULL;
	int c, selector = 1, match = 1, rc = EXIT_USAGE;

	if (sslm_version_asked(argc, argv))
		return sslm_print_version("sslm-tlsa-hash");
	while ((c = getopt_long(argc, argv, "hs:m:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout, argv[0]);
			rc = 0;
			goto out;
		case 's':
			if ((selector = digit_arg(optarg, 1)) == -1) {
				fprintf(stderr, "%s: selector must be 0 or 1, not "
				    "'%s'\n", argv[0], optarg);
				goto out;
			}
			break;
		case 'm':
			if ((match = digit_arg(optarg, 2)) == -1) {
				fprintf(stderr, "%s: matching type must be 0, 1 or "
				    "2, not '%s'\n", argv[0], optarg);
				goto out;
			}
			break;
		default:
			usage(stderr, argv[0]);
			goto out;
		}
	}
	if (argc - optind > 1) {
		usage(stderr, argv[0]);
		goto out;
	}
	/* An empty DIR means the current directory, as in the original. */
	if (optind < argc && argv[optind][0] != '\0')
		dir = argv[optind];
	if ((cert = fs_path_join(dir, "cert.pem")) == NULL) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		goto out;
	}
	if (!fs_is_file(cert)) {
		printf("Error: Missing cert file : %s\n", cert);
		goto out;
	}
	sslm_err_clear(&err);
	if ((x = crypto_cert_read(cert, &err)) == NULL) {
		printf("Error: %s\n", err.msg);
		goto out;
	}
	rc = EXIT_FAILED;
	if (crypto_tlsa_data(x, selector, match, &ours, &err) != 0) {
		printf("Error: %s\n", err.msg);
		goto out;
	}
	sslm_err_clear(&err);
	if (crypto_tlsa_openssl(NULL, cert, selector, match, &theirs, &diag,
	    &err) != 0) {
		printf("** Error: openssl error:\n%s\n", err.msg);
		if (diag != NULL)
			printf("%s%s", diag,
			    diag[strlen(diag) - 1] == '\n' ? "" : "\n");
	}
	if (theirs != NULL && strcmp(ours, theirs) == 0) {
		printf("Matched:\ntlsa hash: %s\n", ours);
		rc = 0;
	} else {
		printf("** Warning: Mismatched:\n internal: %s\n  openssl: %s\n",
		    ours, theirs != NULL ? theirs : "");
	}
 out:
	X509_free(x);
	free(cert);
	free(ours);
	free(theirs);
	free(diag);
	if (fflush(stdout) != 0)
		rc = EXIT_USAGE;
	return rc;
}
