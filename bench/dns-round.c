/*
 * dns-round — bench helper for bench/dns.sh: times the DNS engine of
 * src/dns/ (public dns.h API only) against loopback servers.
 *
 *   dns-round silent <ipv4> <port>
 *       Bind a UDP socket on <ipv4>:<port> that never reads or answers (a
 *       server that drops every query), print "ready", sleep until killed.
 *
 *   dns-round round [-n reps] [-s addr] [-x addr] -p primary -P port
 *                   -a auth-port <apex> <owner> <value>
 *       Find the authoritative servers as production does (dns_auth_servers
 *       through the primary), then reps times, alternating:
 *         par  one dns_check_once over every server (all TXT queries of the
 *              round at once, the engine's normal way);
 *         seq  the same queries one after another: dns_check_once over one
 *              server at a time, in the NS order, the silent address last;
 *         seqf the same, the silent address (-s) first.
 *       One line per measurement:
 *         <mode> total_ms <t> answers <k> last_answer_ms <t> lines <m>
 *       total_ms: the call(s) took this long; last_answer_ms: when the last
 *       DNS datagram the engine received arrived (the answering servers are
 *       all known then), from the same start; lines: what dns_check_once
 *       reported missing (the silent server's "timeout" line).
 *       -s addr names the silent address (for the seq/seqf order only);
 *       -x addr leaves that address out altogether.
 *
 *   dns-round wait [-x addr] [-w max_wait] -p primary -P port -a auth-port
 *                  <apex> <owner> <value>
 *       dns_wait_agree (TXT <owner> = <value>) over the authoritative
 *       servers, without the address -x when given; every progress line is
 *       printed as "<epoch-us> <line>", then "<epoch-us> start" before the
 *       wait and "<epoch-us> agree" or "<epoch-us> failed: <why>" after it
 *       (wall clock in microseconds, to compare with bash $EPOCHREALTIME).
 *
 * Times inside one process use CLOCK_MONOTONIC. The datagram times come
 * from wrapping recvfrom() at link time (-Wl,--wrap=recvfrom), which
 * bench/dns.sh does; the engine is not changed.
 *
 * Build (bench/dns.sh does it):
 *   cc -O2 -I<src>/src -I<build> -Wl,--wrap=recvfrom \
 *      bench/dns-round.c <build>/libsslm.a -lcrypto -lssl -lldns ... -lm
 * Exit: 0 ok, 1 failure, 2 usage.
 */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "dns/dns.h"

/* ---- recvfrom() tap (linked with --wrap) -------------------------------- */

ssize_t __real_recvfrom(int fd, void *buf, size_t len, int flags,
    struct sockaddr *from, socklen_t *flen);

static int64_t tap_last_recv_ns;	/* monotonic, last datagram received */
static unsigned tap_recvs;		/* datagrams received */

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long long
wall_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

ssize_t __wrap_recvfrom(int fd, void *buf, size_t len, int flags,
    struct sockaddr *from, socklen_t *flen);
ssize_t
__wrap_recvfrom(int fd, void *buf, size_t len, int flags,
    struct sockaddr *from, socklen_t *flen)
{
	ssize_t n = __real_recvfrom(fd, buf, len, flags, from, flen);

	if (n > 0) {
		tap_last_recv_ns = mono_ns();
		tap_recvs++;
	}
	return n;
}

/* ---- helpers -------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: dns-round silent <ipv4> <port>\n"
	    "       dns-round round [-n reps] [-s addr] [-x addr] -p primary -P port "
	    "-a auth-port <apex> <owner> <value>\n"
	    "       dns-round wait [-x addr] [-w max_wait] -p primary -P port "
	    "-a auth-port <apex> <owner> <value>\n");
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

static bool
is_addr(const struct dns_server *s, const char *addr)
{
	struct in_addr a;
	const struct sockaddr_in *sin;

	if (addr == NULL || s->addrlen == 0 || s->addr.ss_family != AF_INET ||
	    inet_pton(AF_INET, addr, &a) != 1)
		return false;
	sin = (const struct sockaddr_in *)&s->addr;
	return sin->sin_addr.s_addr == a.s_addr;
}

static int
cmd_silent(int argc, char **argv)
{
	struct sockaddr_in sa;
	int port, fd;

	if (argc != 4 || !num(argv[3], 1, 65535, &port))
		return usage(), 2;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1 ||
	    (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "dns-round: silent: loopback IPv4 only\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("dns-round: silent: bind");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();	/* datagrams queue up, nobody reads them */
}

static void
print_progress(const char *line, void *arg)
{
	(void)arg;
	printf("%lld %s\n", wall_us(), line);
	fflush(stdout);
}

/* Move the server with address addr to index to (0 or the end); true
 * when found. Order of the others is kept. */
static bool
move_server(struct dns_servers *s, const char *addr, bool first)
{
	struct dns_server t;
	size_t i;

	for (i = 0; i < s->n && !is_addr(&s->v[i], addr); i++)
		;
	if (i == s->n)
		return false;
	t = s->v[i];
	if (first) {
		memmove(&s->v[1], &s->v[0], i * sizeof(t));
		s->v[0] = t;
	} else {
		memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(t));
		s->v[s->n - 1] = t;
	}
	return true;
}

struct common {
	const char *prim, *xaddr, *saddr, *apex, *owner, *value;
	int port, auth_port, reps, max_wait;
	size_t keep_n;			/* auth.n before -x; restored to free */
	struct dns_servers primary, auth;
	struct dns_expect exp;
};

/* Options, then the servers; 0 ok, 1 failure, 2 usage. */
static int
setup(struct common *c, int argc, char **argv)
{
	struct strvec warnings;
	struct sslm_err err;
	int o;

	c->reps = 5;
	c->max_wait = 30;
	optind = 2;
	while ((o = getopt(argc, argv, "n:x:s:w:p:P:a:")) != -1) {
		switch (o) {
		case 'n':
			if (!num(optarg, 1, 10000, &c->reps))
				return usage(), 2;
			break;
		case 'x':
			c->xaddr = optarg;
			break;
		case 's':
			c->saddr = optarg;
			break;
		case 'w':
			if (!num(optarg, 0, 86400, &c->max_wait))
				return usage(), 2;
			break;
		case 'p':
			c->prim = optarg;
			break;
		case 'P':
			if (!num(optarg, 1, 65535, &c->port))
				return usage(), 2;
			break;
		case 'a':
			if (!num(optarg, 1, 65535, &c->auth_port))
				return usage(), 2;
			break;
		default:
			return usage(), 2;
		}
	}
	if (c->prim == NULL || c->port == 0 || c->auth_port == 0 ||
	    argc - optind != 3)
		return usage(), 2;
	c->apex = argv[optind];
	c->owner = argv[optind + 1];
	c->value = argv[optind + 2];

	dns_servers_init(&c->primary);
	dns_servers_init(&c->auth);
	strvec_init(&c->exp.values);
	sslm_err_clear(&err);
	strvec_init(&warnings);
	c->exp.type = DNS_RR_TXT;
	c->exp.owner = str_has_suffix(c->owner, ".") ? str_dup(c->owner) :
	    str_printf("%s.", c->owner);
	if (c->exp.owner == NULL || strvec_push(&c->exp.values, c->value) == -1) {
		fprintf(stderr, "dns-round: out of memory\n");
		return 1;
	}
	if (dns_primary_servers(c->prim, c->port, &c->primary, &err) == -1 ||
	    dns_auth_servers(&c->primary, c->apex, c->auth_port, &c->auth,
	    &warnings, &err) == -1) {
		fprintf(stderr, "dns-round: %s\n", err.msg);
		strvec_clear(&warnings);
		return 1;
	}
	for (size_t i = 0; i < warnings.n; i++)
		fprintf(stderr, "dns-round: warning: %s\n", warnings.v[i]);
	strvec_clear(&warnings);
	/* Every server must be on loopback: this is a bench, nothing else. */
	for (size_t i = 0; i < c->auth.n; i++) {
		const struct sockaddr_in *sin =
		    (const struct sockaddr_in *)&c->auth.v[i].addr;

		if (c->auth.v[i].addr.ss_family != AF_INET ||
		    (ntohl(sin->sin_addr.s_addr) >> 24) != 127) {
			fprintf(stderr, "dns-round: %s is not on 127/8\n",
			    c->auth.v[i].key);
			return 1;
		}
	}
	c->keep_n = c->auth.n;
	if (c->xaddr != NULL) {
		if (!move_server(&c->auth, c->xaddr, false)) {
			fprintf(stderr, "dns-round: %s is not an NS address\n",
			    c->xaddr);
			return 1;
		}
		c->auth.n--;	/* left out; restored by teardown */
	}
	return 0;
}

static void
teardown(struct common *c)
{
	if (c->keep_n > c->auth.n)
		c->auth.n = c->keep_n;
	dns_servers_clear(&c->primary);
	dns_servers_clear(&c->auth);
	dns_expect_clear(&c->exp);
}

/* One measurement; par: one call over all, else one call per server. */
static int
measure(struct common *c, const char *mode, bool par)
{
	struct strvec missing;
	struct sslm_err err;
	struct dns_servers one;
	int64_t t0, t1;
	int lines = 0, r;

	strvec_init(&missing);
	sslm_err_clear(&err);
	tap_recvs = 0;
	tap_last_recv_ns = 0;
	t0 = mono_ns();
	if (par) {
		r = dns_check_once(&c->auth, &c->exp, 1, &missing, &err);
		if (r == -1)
			goto fail;
		lines = r;
	} else {
		for (size_t i = 0; i < c->auth.n; i++) {
			one.v = &c->auth.v[i];
			one.n = 1;
			r = dns_check_once(&one, &c->exp, 1, &missing, &err);
			if (r == -1)
				goto fail;
			lines += r;
		}
	}
	t1 = mono_ns();
	printf("%s total_ms %.3f answers %u last_answer_ms %.3f lines %d\n",
	    mode, (double)(t1 - t0) / 1e6, tap_recvs,
	    tap_recvs ? (double)(tap_last_recv_ns - t0) / 1e6 : 0.0, lines);
	for (size_t i = 0; i < missing.n; i++)
		printf("#   %s\n", missing.v[i]);
	fflush(stdout);
	strvec_clear(&missing);
	return 0;
 fail:
	fprintf(stderr, "dns-round: %s\n", err.msg);
	strvec_clear(&missing);
	return 1;
}

static int
cmd_round(int argc, char **argv)
{
	struct common c;
	int rc;

	memset(&c, 0, sizeof(c));
	if ((rc = setup(&c, argc, argv)) != 0)
		goto out;
	printf("# %zu servers:", c.auth.n);
	for (size_t i = 0; i < c.auth.n; i++)
		printf(" %s", c.auth.v[i].key);
	printf("\n");
	if (c.saddr != NULL && !move_server(&c.auth, c.saddr, false)) {
		fprintf(stderr, "dns-round: %s is not an NS address\n", c.saddr);
		rc = 1;
		goto out;
	}
	for (int i = 0; i < c.reps; i++) {
		if ((rc = measure(&c, "par", true)) != 0)
			goto out;
		if (c.saddr == NULL) {
			if ((rc = measure(&c, "seq", false)) != 0)
				goto out;
			continue;
		}
		move_server(&c.auth, c.saddr, false);
		if ((rc = measure(&c, "seq", false)) != 0)
			goto out;
		move_server(&c.auth, c.saddr, true);
		if ((rc = measure(&c, "seqf", false)) != 0)
			goto out;
		move_server(&c.auth, c.saddr, false);
	}
 out:
	teardown(&c);
	return rc;
}

static int
cmd_wait(int argc, char **argv)
{
	struct common c;
	struct dns_wait_opts opts;
	struct sslm_err err;
	int rc;

	memset(&c, 0, sizeof(c));
	if ((rc = setup(&c, argc, argv)) != 0)
		goto out;
	memset(&opts, 0, sizeof(opts));
	opts.max_wait = c.max_wait;
	opts.xtra_max_wait = c.max_wait;
	opts.progress = print_progress;
	sslm_err_clear(&err);
	printf("%lld start (%zu servers)\n", wall_us(), c.auth.n);
	fflush(stdout);
	if (dns_wait_agree(c.apex, &c.primary, &c.auth, NULL, &c.exp, 1, &opts,
	    &err) == -1) {
		printf("%lld failed: %s\n", wall_us(), err.msg);
		rc = 1;
	} else
		printf("%lld agree\n", wall_us());
	fflush(stdout);
 out:
	teardown(&c);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return usage(), 2;
	if (strcmp(argv[1], "silent") == 0)
		return cmd_silent(argc, argv);
	if (strcmp(argv[1], "round") == 0)
		return cmd_round(argc, argv);
	if (strcmp(argv[1], "wait") == 0)
		return cmd_wait(argc, argv);
	usage();
	return 2;
}
