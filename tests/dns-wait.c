/*
 * dns-wait — test tool: run the name-server wait (dns.md §4.7) by hand.
 *
 *   dns-wait [-d delay] [-w max_wait] -p <primary-ip> -P <port>
 *            [-a <auth-port>] <apex> <owner> <TXT|TLSA> <value>...
 *
 *   -d delay     seconds to wait before the first round (default 0)
 *   -w max_wait  seconds to wait after the delay (default 60)
 *   -p ip        the primary (an IP literal or a host name), asked with RD=1
 *   -P port      the primary's port
 *   -a port      port of the authoritative servers (default 53); the test
 *                bed runs them all on one loopback port
 *   -C           before waiting, check that <owner> is an ordinary name of
 *                <apex>'s zone (not a CNAME, DNAME or delegated: field
 *                case 03); "failed: <why>" and exit 1 when it is not
 *
 * The authoritative servers are found as in production: NS <apex> at the
 * primary, then A and AAAA of every NS name (dns_auth_servers). No extra
 * servers are asked. <owner> may be given with or without the final dot.
 * TXT values are the joined strings; a TLSA value is one argument,
 * "<usage> <selector> <match> <hex>" (quote it).
 *
 * Output: one line per progress report on stdout, warnings on stderr, then
 * "agree" or "failed: <reason>". Exit 0 when every server agrees, 1 when
 * the wait fails (or the servers cannot be found), 2 on a usage error.
 *
 * Example (field case 02, knot on 127.0.0.1-4):
 *   tests/dns-wait -w 20 -p 127.0.0.1 -P 5300 -a 5300 example.test \
 *       _acme-challenge.example.test TXT gnnsATDD0BUUIA6jyVu4Zk6o7Fmq-D1ghLHrQ7tEkGM
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "dns/dns.h"

static void
usage(void)
{
	fprintf(stderr, "usage: dns-wait [-d delay] [-w max_wait] -p primary-ip "
	    "-P port [-a auth-port]\n"
	    "                <apex> <owner> <TXT|TLSA> <value>...\n");
}

static bool
num(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return false;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

static void
print_line(const char *line, void *arg)
{
	(void)arg;
	printf("%s\n", line);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct dns_servers primary, auth;
	struct dns_wait_opts opts;
	struct dns_expect exp;
	struct strvec warnings;
	struct sslm_err err;
	const char *prim = NULL;
	int port = 0, auth_port = 53, c, rc = 1;
	bool check_owner = false;

	memset(&opts, 0, sizeof(opts));
	opts.max_wait = 60;
	opts.progress = print_line;
	/* "+": options end at the first argument, so a value starting with "-"
	 * (base64url) is never taken for an option. */
	while ((c = getopt(argc, argv, "+d:w:p:P:a:Ch")) != -1) {
		switch (c) {
		case 'C':
			check_owner = true;
			break;
		case 'd':
			if (!num(optarg, 0, INT_MAX / 1000, &opts.delay))
				goto bad;
			break;
		case 'w':
			if (!num(optarg, 0, INT_MAX / 1000, &opts.max_wait))
				goto bad;
			break;
		case 'p':
			prim = optarg;
			break;
		case 'P':
			if (!num(optarg, 1, 65535, &port))
				goto bad;
			break;
		case 'a':
			if (!num(optarg, 1, 65535, &auth_port))
				goto bad;
			break;
		case 'h':
			usage();
			return 0;
		default:
			goto bad;
		}
	}
	if (prim == NULL || port == 0 || argc - optind < 4)
		goto bad;
	if (strcmp(argv[optind + 2], "TXT") != 0 &&
	    strcmp(argv[optind + 2], "TLSA") != 0)
		goto bad;
	opts.xtra_max_wait = opts.max_wait;

	dns_servers_init(&primary);
	dns_servers_init(&auth);
	strvec_init(&warnings);
	memset(&exp, 0, sizeof(exp));
	strvec_init(&exp.values);
	sslm_err_clear(&err);
	exp.type = strcmp(argv[optind + 2], "TLSA") == 0 ? DNS_RR_TLSA :
	    DNS_RR_TXT;
	exp.owner = str_has_suffix(argv[optind + 1], ".") ?
	    str_dup(argv[optind + 1]) : str_printf("%s.", argv[optind + 1]);
	if (exp.owner == NULL) {
		sslm_err_set(&err, "out of memory");
		goto out;
	}
	for (int i = optind + 3; i < argc; i++)
		if (strvec_push(&exp.values, argv[i]) == -1) {
			sslm_err_set(&err, "out of memory");
			goto out;
		}
	if (dns_primary_servers(prim, port, &primary, &err) == -1)
		goto out;
	if (check_owner && dns_challenge_check(&primary, argv[optind], exp.owner,
	    &err) == -1)
		goto out;
	if (dns_auth_servers(&primary, argv[optind], auth_port, &auth, &warnings,
	    &err) == -1)
		goto out;
	for (size_t i = 0; i < warnings.n; i++)
		fprintf(stderr, "warning: %s\n", warnings.v[i]);
	if (dns_wait_agree(argv[optind], &primary, &auth, NULL, &exp, 1, &opts,
	    &err) == -1)
		goto out;
	rc = 0;
 out:
	if (rc == 0)
		printf("agree\n");
	else
		printf("failed: %s\n", err.msg);
	dns_servers_clear(&primary);
	dns_servers_clear(&auth);
	strvec_clear(&warnings);
	dns_expect_clear(&exp);
	return rc;
 bad:
	usage();
	return 2;
}
