/*
 * sslm-import-certbot: move plain certbot lineages into an ssl-mgr top dir
 * (tools.md §9). Exit status: 0 every lineage imported (or planned, with
 * --dry-run), 1 some refused or failed, 2 usage or configuration error.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/conf.h"
#include "import/import.h"

#define EXIT_USAGE	2

static const char *progname = "sslm-import-certbot";

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: %s [-h] [--version] [-n | --dry-run] [--config-dir DIR]\n"
	    "       [--top DIR] [--apex ZONE] [--org O] [--country CC] [--no-dns]\n"
	    "       [--lineage NAME ...] [NAME ...]\n"
	    "  Move certbot lineages into an ssl-mgr top dir without re-issuing\n"
	    "  or re-registering: service file, ca-info.conf entry, [[groups]]\n"
	    "  entry, data set as curr and the ACME account in cb/.\n"
	    "  -h, --help        this text\n"
	    "  --version         print the version\n"
	    "  -n, --dry-run     print the plan, change nothing\n"
	    "  --config-dir DIR  certbot's config dir (default /etc/letsencrypt;\n"
	    "                    --certbot-dir is the same)\n"
	    "  --top DIR         ssl-mgr top dir (default: $SSL_MGR_TOPDIR, ./,\n"
	    "                    /etc/ssl-mgr, /opt/Local/etc/ssl-mgr)\n"
	    "  --apex ZONE       zone apex when DNS cannot tell it\n"
	    "  --org O           [X509] O (default the apex)\n"
	    "  --country CC      [X509] C (default XX)\n"
	    "  --no-dns          do not ask [[dns_primary]] for the apex\n"
	    "  --lineage NAME    import this lineage (repeatable; NAME operands\n"
	    "                    too); default every renewal/*.conf\n"
	    "  Exit status: 0 all imported, 1 some refused or failed, 2 usage or\n"
	    "  configuration error.\n", progname);
}

/* what: "needs a value" or "unknown option". */
static int
usage_error(const char *opt, const char *what)
{
	fprintf(stderr, "%s: %s %s\n", progname, opt, what);
	usage(stderr);
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	enum { OPT_VERSION = 256, OPT_CONFIG_DIR, OPT_TOP, OPT_APEX, OPT_ORG,
	    OPT_COUNTRY, OPT_LINEAGE, OPT_NO_DNS };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
		{ "certbot-dir", required_argument, NULL, OPT_CONFIG_DIR },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "apex", required_argument, NULL, OPT_APEX },
		{ "org", required_argument, NULL, OPT_ORG },
		{ "country", required_argument, NULL, OPT_COUNTRY },
		{ "lineage", required_argument, NULL, OPT_LINEAGE },
		{ "no-dns", no_argument, NULL, OPT_NO_DNS },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts o;
	struct conf_topdir td;
	struct sslm_err err;
	const char **lineages = NULL;
	size_t n = 0;
	int ch, rc = EXIT_USAGE;

	memset(&o, 0, sizeof(o));
	o.use_dns = true;
	conf_topdir_init(&td);
	sslm_err_clear(&err);
	if ((lineages = calloc((size_t)argc + 1, sizeof(*lineages))) == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return 1;
	}
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hn", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		case OPT_VERSION:
			rc = sslm_print_version("sslm-import-certbot");
			goto out;
		case 'n':
			o.dry_run = true;
			break;
		case OPT_CONFIG_DIR:
			o.certbot_dir = optarg;
			break;
		case OPT_TOP:
			o.top = optarg;
			break;
		case OPT_APEX:
			o.apex = optarg;
			break;
		case OPT_ORG:
			o.org = optarg;
			break;
		case OPT_COUNTRY:
			o.country = optarg;
			break;
		case OPT_LINEAGE:
			lineages[n++] = optarg;
			break;
		case OPT_NO_DNS:
			o.use_dns = false;
			break;
		case ':':
			rc = usage_error(argv[optind - 1], "needs a value");
			goto out;
		default:
			rc = usage_error(argv[optind - 1], "is an unknown option");
			goto out;
		}
	}
	for (int i = optind; i < argc; i++)
		lineages[n++] = argv[i];
	o.lineages = lineages;
	o.n_lineages = n;
	if (o.top == NULL) {
		if (conf_find_topdir(&td, &err) == -1) {
			fprintf(stderr, "%s: %s\n", progname, err.msg);
			goto out;
		}
		o.top = td.path;
	}
	switch (import_run(&o, stdout, &err)) {
	case IMPORT_OK:
		rc = 0;
		break;
	case IMPORT_SOME_FAILED:
		rc = 1;
		break;
	case IMPORT_CONFIG_ERROR:
	default:
		fprintf(stderr, "%s: %s\n", progname, err.msg);
		rc = EXIT_USAGE;
		break;
	}
 out:
	fflush(stdout);
	conf_topdir_clear(&td);
	free(lineages);
	return rc;
}
