/*
 * sslm-mgr -h (cli.md §3). Printed from the option table, so it lists
 * exactly what the parser accepts; docs/sslm-mgr.8 follows the same text.
 * Lines stay within 80 columns.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"

#define LABEL_WIDTH 30	/* help text starts in column 34 */

static void
print_opt(FILE *fp, const struct cli_opt *o)
{
	char label[64];

	snprintf(label, sizeof(label), "%s%s%s%s%s",
	    o->short_name != NULL ? o->short_name : "   ",
	    o->short_name != NULL ? ", " : " ", o->long_name,
	    o->value != NULL ? " " : "", o->value != NULL ? o->value : "");
	if (strlen(label) > LABEL_WIDTH)
		fprintf(fp, "  %s\n  %-*s %s\n", label, LABEL_WIDTH, "",
		    o->help);
	else
		fprintf(fp, "  %-*s %s\n", LABEL_WIDTH, label, o->help);
}

void
cli_usage(FILE *fp, enum cli_mode mode)
{
	const char *dev = mode == CLI_DEV ? " dev" : "";

	fprintf(fp,
	    "usage: sslm-mgr%s [options] [GROUP[:SVC[,SVC...]] ...]\n"
	    "\n"
	    "%s\n"
	    "\n"
	    "Options:\n", dev, mode == CLI_DEV ?
	    "Developer mode: the regular options plus single steps of a renew "
	    "or roll." :
	    "Renew, roll and report TLS certificates, their DANE TLSA records\n"
	    "and production copies (run from cron: -renew, later -roll).");
	for (size_t i = 0; i < OPT__COUNT; i++)
		if (!cli_opts[i].dev)
			print_opt(fp, &cli_opts[i]);
	if (mode == CLI_DEV) {
		fputs("\nDev options (only after 'dev'):\n", fp);
		for (size_t i = 0; i < OPT__COUNT; i++)
			if (cli_opts[i].dev)
				print_opt(fp, &cli_opts[i]);
	}
	fputs("\n"
	    "Single-letter options combine: -sv = -s -v (letters vfrdtns).\n"
	    "Values: -roll-mins 30 or -roll-mins=30.  '--' ends the options.\n"
	    "\n"
	    "Selection (default: the active [[groups]] of ssl-mgr.conf):\n"
	    "  GROUP, GROUP:, GROUP:ALL      every service of GROUP\n"
	    "  GROUP:'*'                     the same (quote * for the shell)\n"
	    "  GROUP:SVC[,SVC...]            the named services of GROUP\n"
	    "  A group given more than once gets the services of all its\n"
	    "  arguments, each once, in command-line order.\n"
	    "\n"
	    "Exit status:\n"
	    "  0   success, including nothing to do\n"
	    "  1   some work failed\n"
	    "  2   usage or configuration error\n"
	    "  75  another sslm-mgr run holds the lock\n", fp);
	if (mode == CLI_REGULAR)
		fputs("\nDeveloper commands: sslm-mgr dev -h\n", fp);
	fputs("See sslm-mgr(8).\n", fp);
}
