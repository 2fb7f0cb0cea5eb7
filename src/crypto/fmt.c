/* Text forms of the status display: times (cli.md §7, tools.md §2.3) and
 * SAN addresses (tools.md §2.5). */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "crypto/crypto.h"

void
crypto_fmt_remain(long long seconds, char *out, size_t n)
{
	/* Unsigned magnitude: -LLONG_MIN does not fit in a long long. */
	unsigned long long mag = seconds < 0 ?
	    0ULL - (unsigned long long)seconds : (unsigned long long)seconds;
	unsigned long long rest = mag % 86400;
	char days[32];

	if (n == 0)
		return;
	/* The sign belongs to the day count so that the 4-column field and the
	 * clock part read the same way for expired certificates. */
	snprintf(days, sizeof(days), "%s%llu", seconds < 0 ? "-" : "",
	    mag / 86400);
	snprintf(out, n, "%4sd %02llu:%02llu:%02llu", days, rest / 3600,
	    rest % 3600 / 60, rest % 60);
}

void
crypto_fmt_date(time_t t, char *out, size_t n)
{
	struct tm tm;

	if (n == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		out[0] = '\0';
}

/* RFC 5952 §4: lower-case hex without leading zeros; the longest run of two
 * or more zero groups (the first of equal runs) becomes "::". §5: the
 * IPv4-mapped prefix ::ffff:0:0/96 keeps the dotted quad. */
static void
fmt_ipv6(const unsigned char *a, char *out, size_t n)
{
	unsigned int g[8];
	int best = -1, bestlen = 0, run = 0;
	size_t used = 0;

	for (int i = 0; i < 8; i++)
		g[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
	if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 &&
	    g[5] == 0xffff) {
		snprintf(out, n, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	for (int i = 0; i < 8; i++) {
		run = g[i] == 0 ? run + 1 : 0;
		if (run > bestlen) {
			bestlen = run;
			best = i - run + 1;
		}
	}
	if (bestlen < 2)
		best = -1;
	out[0] = '\0';
	for (int i = 0; i < 8 && used < n; i++) {
		int w;

		if (i == best) {
			w = snprintf(out + used, n - used, "::");
			i += bestlen - 1;
		} else {
			w = snprintf(out + used, n - used, "%s%x",
			    i == 0 || i == best + bestlen ? "" : ":", g[i]);
		}
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

int
crypto_fmt_ip(const unsigned char *addr, size_t len, char *out, size_t n)
{
	if (n == 0 || (len != 4 && len != 16))
		return -1;
	if (len == 4)
		snprintf(out, n, "%u.%u.%u.%u", addr[0], addr[1], addr[2], addr[3]);
	else
		fmt_ipv6(addr, out, n);
	return 0;
}
