/*
 * sslm-cert-expiry: print the expiry of certificate files, or one nagios
 * plugin line (tools.md §6). Exit status: 0 all read, 2 usage error or a
 * file unreadable or not a certificate; with --nagios 0/1/2/3 for
 * OK/WARNING/CRITICAL/UNKNOWN.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgr/expiry.h"

#define EXIT_USAGE	2
#define MAX_DAYS	100000L

static const char *progname = "sslm-cert-expiry";

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: %s [-h] [--nagios] [-w DAYS] [-c DAYS] FILE [FILE ...]\n"
	    "  Print the expiry of the first certificate of each FILE:\n"
	    "    FILE Expires=YYYY-MM-DD HH:MM:SS UTC (DAYS days) -> Renew=yes|no\n"
	    "  Renew= follows the renew target of the ssl-mgr configuration\n"
	    "  ($SSL_MGR_TOPDIR, ./, /etc/ssl-mgr, /opt/Local/etc/ssl-mgr) for\n"
	    "  the certificate's lifetime; without one, fewer than 30 days.\n"
	    "  -h, --help   this text\n"
	    "  --nagios     print one nagios/icinga plugin line instead\n"
	    "  -w DAYS      --nagios: WARNING below DAYS days left (default 30)\n"
	    "  -c DAYS      --nagios: CRITICAL below DAYS days left or expired\n"
	    "               (default 7; -w must be >= -c)\n"
	    "  Exit status: 0 all files read, 2 usage error or a file unreadable\n"
	    "  or not a certificate; with --nagios 0 OK, 1 WARNING, 2 CRITICAL,\n"
	    "  3 UNKNOWN (unreadable file, not a certificate, usage error).\n",
	    progname);
}

/* Usage problem: one line, exit 2, or an UNKNOWN plugin line and 3. */
static int
usage_error(bool nagios, const char *msg)
{
	if (nagios) {
		printf("SSLM-CERT-EXPIRY UNKNOWN - %s\n", msg);
		return EXPIRY_NAGIOS_UNKNOWN;
	}
	printf("%s\n", msg);
	usage(stdout);
	return EXIT_USAGE;
}

/* A whole number of days 0..MAX_DAYS; -1 when s is not one. */
static long
parse_days(const char *s)
{
	char *end = NULL;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > MAX_DAYS)
		return -1;
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "nagios", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct expiry_policy *policy = NULL;
	struct expiry_cert *ecs = NULL;
	struct sslm_err err;
	const char *const *files;
	char msg[256];
	bool nagios = false, bad = false;
	long warn = 30, crit = 7;
	time_t now;
	int ch, i, n, rc = EXIT_USAGE;

	if (sslm_version_asked(argc, argv))
		return sslm_print_version("sslm-cert-expiry");
	/* Usage errors are reported in the plugin's form when --nagios is
	 * anywhere before "--", so look for it before parsing. */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--nagios") == 0)
			nagios = true;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hw:c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			nagios = true;
			break;
		case 'w':
		case 'c':
			if (parse_days(optarg) < 0) {
				snprintf(msg, sizeof(msg), "-%c: '%.64s' is not "
				    "a whole number of days (0-%ld)", ch,
				    optarg, MAX_DAYS);
				return usage_error(nagios, msg);
			}
			if (ch == 'w')
				warn = parse_days(optarg);
			else
				crit = parse_days(optarg);
			break;
		case ':':
			snprintf(msg, sizeof(msg), "-%c needs a number of days",
			    optopt);
			return usage_error(nagios, msg);
		default:
			if (optopt != 0)
				snprintf(msg, sizeof(msg), "unknown option -%c",
				    optopt);
			else
				snprintf(msg, sizeof(msg), "unknown option %.64s",
				    argv[optind - 1]);
			return usage_error(nagios, msg);
		}
	}
	if (warn < crit) {
		snprintf(msg, sizeof(msg), "-w %ld must be >= -c %ld", warn,
		    crit);
		return usage_error(nagios, msg);
	}
	if (optind >= argc)
		return usage_error(nagios, "Missing cert_file argument");
	files = (const char *const *)argv + optind;
	n = argc - optind;

	sslm_err_clear(&err);
	if (expiry_policy_open(&policy, &err) != 0) {
		if (nagios) {
			printf("SSLM-CERT-EXPIRY UNKNOWN - %s\n", err.msg);
			rc = EXPIRY_NAGIOS_UNKNOWN;
		} else
			printf("%s: %s\n", progname, err.msg);
		goto out;
	}
	if ((ecs = calloc((size_t)n, sizeof(*ecs))) == NULL) {
		printf("%s: out of memory\n", progname);
		rc = nagios ? EXPIRY_NAGIOS_UNKNOWN : EXIT_USAGE;
		goto out;
	}
	now = time(NULL);
	for (i = 0; i < n; i++) {
		expiry_cert_init(&ecs[i]);
		if (expiry_check(policy, files[i], now, &ecs[i]) != 0)
			bad = true;
		if (!nagios)
			expiry_print(stdout, files[i], &ecs[i]);
	}
	if (nagios)
		rc = (int)expiry_nagios_report(stdout, files, ecs, (size_t)n,
		    warn, crit, now);
	else
		rc = bad ? EXIT_USAGE : 0;
 out:
	if (ecs != NULL)
		for (i = 0; i < n; i++)
			expiry_cert_clear(&ecs[i]);
	free(ecs);
	expiry_policy_free(policy);
	if (fflush(stdout) != 0)
		rc = nagios ? EXPIRY_NAGIOS_UNKNOWN : EXIT_USAGE;
	return rc;
}
