/*
 * mgr/expiry_report: the per-file lines and the nagios summary of
 * sslm-cert-expiry (tools.md §6).
 */
#include "config.h"

#include <stdio.h>

#include "mgr/expiry.h"

#define SECS_PER_DAY 86400

static const char *const nagios_names[] = {
	[EXPIRY_NAGIOS_OK] = "OK",
	[EXPIRY_NAGIOS_WARNING] = "WARNING",
	[EXPIRY_NAGIOS_CRITICAL] = "CRITICAL",
	[EXPIRY_NAGIOS_UNKNOWN] = "UNKNOWN",
};

const char *
expiry_nagios_name(enum expiry_nagios st)
{
	if ((size_t)st >= sizeof(nagios_names) / sizeof(nagios_names[0]))
		return "UNKNOWN";
	return nagios_names[st];
}

void
expiry_print(FILE *fp, const char *path, const struct expiry_cert *ec)
{
	char date[TIME_UTC_LEN];

	switch (ec->state) {
	case EXPIRY_READ:
		if (time_format_utc(ec->not_after, date) != 0)
			snprintf(date, sizeof(date), "(out of range)");
		fprintf(fp, "%s Expires=%s (%ld days) -> Renew=%s\n", path,
		    date, ec->days, ec->renew ? "yes" : "no");
		break;
	case EXPIRY_NOT_CERT:
		fprintf(fp, "Not a cert : %s\n    %s\n", path, ec->why.msg);
		break;
	case EXPIRY_UNREADABLE:
		fprintf(fp, "Error reading %s\n    %s\n", path, ec->why.msg);
		break;
	}
}

enum expiry_nagios
expiry_nagios_report(FILE *fp, const char *const *paths,
    const struct expiry_cert *ecs, size_t n, long warn_days, long crit_days,
    time_t now)
{
	enum expiry_nagios st = EXPIRY_NAGIOS_OK;
	size_t i, n_read = 0, soonest = n, bad = n;
	bool critical = false, warning = false;
	time_t left;

	for (i = 0; i < n; i++) {
		if (ecs[i].state != EXPIRY_READ) {
			if (bad == n)
				bad = i;
			continue;
		}
		n_read++;
		if (soonest == n || ecs[i].not_after < ecs[soonest].not_after)
			soonest = i;
		/* "fewer than N days left", compared in seconds so that 6.9
		 * days left is fewer than 7 (and its whole days are 6). */
		left = ecs[i].not_after - now;
		if (ecs[i].expired || left < (time_t)crit_days * SECS_PER_DAY)
			critical = true;
		else if (left < (time_t)warn_days * SECS_PER_DAY)
			warning = true;
	}
	/* An expiring certificate must page even when another file of the
	 * same check is broken; a broken file outranks a mere warning. */
	if (critical)
		st = EXPIRY_NAGIOS_CRITICAL;
	else if (bad != n)
		st = EXPIRY_NAGIOS_UNKNOWN;
	else if (warning)
		st = EXPIRY_NAGIOS_WARNING;

	fprintf(fp, "SSLM-CERT-EXPIRY %s - %zu cert(s)", expiry_nagios_name(st),
	    n_read);
	if (soonest != n)
		fprintf(fp, "; soonest %s in %ld days", paths[soonest],
		    ecs[soonest].days);
	if (bad != n)
		fprintf(fp, "; %s: %s",
		    ecs[bad].state == EXPIRY_NOT_CERT ? "not a certificate" :
		    "cannot read", paths[bad]);
	fputc('\n', fp);
	return st;
}
