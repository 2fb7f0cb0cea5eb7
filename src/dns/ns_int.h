/*
 * dns/ private: server lists, look-up helpers, answer matching and one
 * round of agreement queries, shared by servers.c, lookup.c, match.c,
 * round.c, check.c and wait.c. Nobody outside src/dns/ includes it
 * (tests aside).
 */
#ifndef SSLM_DNS_NS_INT_H
#define SSLM_DNS_NS_INT_H

#include "dns/dns.h"
#include "dns/query.h"

/* Bounds on what the network can make us hold. */
#define NS_MAX_NAMES	64	/* NS targets per apex */
#define NS_MAX_ADDRS	16	/* addresses per name and family */
#define NS_MAX_MX	256	/* MX records per apex */
#define NS_MAX_LABELS	128	/* SOA walk steps */

/* ---- servers.c ---- */

/* Append one server; key "<name> (<address>)", or "<name> (no address)"
 * when len is 0. name is sanitised for the key. -1 only on OOM. */
int ns_servers_add(struct dns_servers *s, const char *name,
    const struct sockaddr *sa, socklen_t len, bool rd, bool need_aa);
/* True when s already has a server with this host address (port ignored). */
bool ns_servers_have_host(const struct dns_servers *s,
    const struct sockaddr *sa);
/* The same, among the servers called name only. */
bool ns_servers_have_host_of(const struct dns_servers *s, const char *name,
    const struct sockaddr *sa);

struct ns_addrs {
	struct sockaddr_storage a[2 * NS_MAX_ADDRS];
	socklen_t len[2 * NS_MAX_ADDRS];
	size_t n;
};
/* getaddrinfo for host (an IP literal or a name), port set, duplicates
 * dropped; v4_first: IPv4 then IPv6, at most NS_MAX_ADDRS of each, else
 * the order returned, at most NS_MAX_ADDRS in all. 0 ok (n >= 1), -1 with
 * err. */
int ns_resolve(const char *host, int port, bool v4_first, struct ns_addrs *out,
    struct sslm_err *err);

/* ---- lookup.c ---- */

/* The answer chosen for one question asked of every primary address. */
struct pans {
	ldns_pkt *pkt;		/* owned; NULL when no address gave one */
	char why[160];		/* "<key> <reason>" of the first address */
};

/*
 * Ask every address of the primary each of m questions, all at once. The
 * first address (in order) with a NOERROR or NXDOMAIN answer wins (dns.md
 * §3.2); anything else leaves pkt NULL and why set. -1 only when the batch
 * could not run. The caller frees out[i].pkt.
 */
int ns_ask_primary(const struct dns_servers *p, const char *const *names,
    const ldns_rr_type *types, size_t m, struct pans *out,
    struct sslm_err *err);

/* ---- match.c ---- */

/* Why a server lags, in the order dns.md §4.7 step 5 ranks them (the
 * lowest non-OK value of a server's queries is its reason). */
enum ns_reason {
	NSR_OK,
	NSR_NOADDR,		/* the NS name has no address at all */
	NSR_UNREACHABLE,
	NSR_TIMEOUT,
	NSR_NETERR,
	NSR_REFUSED,
	NSR_SERVFAIL,
	NSR_RCODE,		/* another error rcode */
	NSR_NXDOMAIN,
	NSR_NOTAUTH,
	NSR_MISSING,
};

/* The reason of one finished query (OK for NOERROR, with AA if needed). */
enum ns_reason ns_query_reason(const struct dnsq *q, bool need_aa);
/* The report word of a reason; rcode names NSR_RCODE ("formerr"...). */
void ns_reason_text(enum ns_reason r, int rcode, char *buf, size_t size);

/* A new copy of s with bytes outside printable ASCII and the backslash
 * written as \xHH, safe for a log line; NULL on OOM. */
char *ns_sanitize(const char *s);
/* The text of a domain name rdf, lower case, absolute; NULL on OOM. */
char *ns_dname_text(const ldns_rdf *d);

/* Does the answer hold value as a record of type at owner (dns.h
 * dns_expect: TXT joined strings, byte-equal; TLSA fields and hex,
 * hex case-insensitive)? Only answer records owned by owner count. */
bool ns_answer_has(const ldns_pkt *pkt, const ldns_rdf *owner,
    enum dns_rrtype type, const char *value);
/* The serial of an SOA record owned by owner in the answer section. */
bool ns_answer_serial(const ldns_pkt *pkt, const ldns_rdf *owner,
    uint32_t *serial);
/* "TXT" / "TLSA". */
const char *ns_type_name(enum dns_rrtype t);

/* ---- round.c ---- */

/* One server's state across rounds. */
struct ns_srv {
	const struct dns_server *srv;
	bool extra;
	bool active;		/* ask it in the next round */
	bool agreed;
	bool dropped;		/* unreachable address of a name with others */
	bool asked;		/* asked at least once */
	enum ns_reason reason;	/* after a round: OK when it agrees */
	int rcode;		/* for NSR_RCODE */
	char *missing;		/* "<owner> missing <v>[, <v>]..." (NSR_MISSING) */
	struct strvec lacks;	/* "<owner> <TYPE> <value>", one per absence */
	bool have_serial;
	uint32_t serial;
};

struct ns_round {
	const char *apex;		/* ask SOA <apex>. too; NULL: no SOA */
	const struct dns_servers *primary;	/* reference serial; may be NULL */
	const struct dns_expect *exp;
	size_t n_exp;
	bool have_ref;			/* after a round: primary's serial */
	uint32_t ref;
};

void ns_srv_init(struct ns_srv *s, const struct dns_server *srv, bool extra);
void ns_srv_clear(struct ns_srv *s);
/* Ask every active server (TXT/TLSA per expectation, SOA when apex is set)
 * and the primary (SOA) at once, then judge each active server. -1 only
 * when the batch could not run (err set). */
int ns_round_run(struct ns_round *r, struct ns_srv *sv, size_t n,
    struct sslm_err *err);
/* First round of a wait: mark unreachable addresses dropped, unless the
 * address is the last one of its NS name left (dns.md §4.7 step 5).
 * Returns how many were dropped. */
size_t ns_drop_unreachable(struct ns_srv *sv, size_t n);
/* "<key> <reason>[, serial <s> < <ref>]" into a new string. */
char *ns_srv_lag_text(const struct ns_srv *s, const struct ns_round *r);

#endif /* SSLM_DNS_NS_INT_H */
