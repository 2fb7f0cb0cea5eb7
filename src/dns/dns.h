/*
 * dns/ — asking authoritative name servers, and DANE TLSA records.
 *
 * Packets are built and parsed with ldns; sending is ours: one poll() loop
 * sends every query (all servers x all names) at once over UDP, retries,
 * falls back to TCP on truncation, and returns when every answer is in or
 * the deadline passes (ARCHITECTURE.md "DNS without waiting in line").
 *
 * Server keys, used in every report line: "<ns-name> (<address>)" for
 * authoritative servers (ns-name with its trailing dot), "<entry>
 * (<address>)" for extra servers, "<server> (<address>)" for the primary.
 */
#ifndef SSLM_DNS_H
#define SSLM_DNS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/common.h"
#include "config/conf.h"

/* ---- servers ------------------------------------------------------------ */

struct dns_server {
	char *key;			/* "<name> (<address>)", see above */
	char *name;			/* ns name / entry / primary as written */
	struct sockaddr_storage addr;	/* address and port */
	socklen_t addrlen;		/* 0: an NS name without address */
	bool rd;			/* set RD: primary and extra servers */
	bool need_aa;			/* authoritative: answers need AA */
};

struct dns_servers {
	struct dns_server *v;
	size_t n;
};

void dns_servers_init(struct dns_servers *s);
void dns_servers_clear(struct dns_servers *s);

/*
 * The primary (dns.md §3.2): an IP literal, or every address getaddrinfo
 * gives for a host name (IPv4 and IPv6, in the order returned); RD=1.
 */
int dns_primary_servers(const char *server, int port, struct dns_servers *out,
    struct sslm_err *err);

/* ---- look-ups at the primary (dns.md §3.3) ---------------------------- */

/*
 * The zone apex of name by the SOA walk; *apex is a new lower-case string
 * without trailing dot. For a group the caller checks it equals the group.
 */
int dns_find_apex(const struct dns_servers *primary, const char *name,
    char **apex, struct sslm_err *err);

/*
 * The authoritative servers of apex: NS at the primary, then A and AAAA of
 * every NS name at the primary (getaddrinfo when both are empty); every
 * address is one server (IPv4 first), port 53 (port given for tests),
 * need_aa set, RD clear. A name with no address is a warning appended to
 * warnings and stays in out as one server with addrlen 0, key "<ns-name>
 * (no address)", which never agrees (dns.md §3.3). Error when no server
 * has an address.
 */
int dns_auth_servers(const struct dns_servers *primary, const char *apex,
    int port, struct dns_servers *out, struct strvec *warnings,
    struct sslm_err *err);

/*
 * The MX targets of apex at the primary, lower case, absolute (trailing dot),
 * de-duplicated, sorted by (preference, name), null MX "." left out. An
 * empty list is not an error (NODATA); a failed look-up (timeout, SERVFAIL,
 * REFUSED) is, and the caller must then keep any old tlsa.rr (tlsa.md §3.3).
 */
int dns_mx_hosts(const struct dns_servers *primary, const char *apex,
    struct strvec *hosts, struct sslm_err *err);

/* The extra servers of dns_xtra_ns (dns.md §3.4), minus addresses already in
 * auth; RD=1, no AA needed. */
int dns_extra_servers(const struct strvec *entries, int port,
    const struct dns_servers *auth, struct dns_servers *out,
    struct sslm_err *err);

/*
 * Is owner (an _acme-challenge name, absolute) an ordinary name of apex's
 * zone? -1 with err naming the CNAME/DNAME target or the delegated child
 * zone (decisions.md "Delegated challenges", field case 03), or when the
 * primary cannot be asked; 0 when TXT records for it belong in apex's zone.
 */
int dns_challenge_check(const struct dns_servers *primary, const char *apex,
    const char *owner, struct sslm_err *err);

/* RFC 1982 serial arithmetic: <0 when a is older than b, 0 equal, >0 newer. */
int dns_serial_cmp(uint32_t a, uint32_t b);

/* ---- agreement (dns.md §4.7, tlsa.md §8.1) ----------------------------- */

enum dns_rrtype {
	DNS_RR_TXT,
	DNS_RR_TLSA,
};

/*
 * What one owner must serve. TXT values are the joined character-strings
 * (field case 04); TLSA values are "<usage> <selector> <match> <hex>", hex
 * compared case-insensitively. Other records at the owner are ignored.
 */
struct dns_expect {
	char *owner;			/* absolute, trailing dot */
	enum dns_rrtype type;
	struct strvec values;
};

struct dns_wait_opts {
	int delay;			/* dns_check_delay: sleep first, seconds */
	int max_wait;			/* dns_check_max_wait, after the delay */
	int xtra_max_wait;		/* dns_xtra_ns_max_wait */
	bool xtra_strict;		/* extras block like authoritative ones */
	/* Called with each progress line (dns.md §4.7 step 7); may be NULL. */
	void (*progress)(const char *line, void *arg);
	void *progress_arg;
};

/*
 * Wait until every authoritative server (and the extras, as dns.md §4.7
 * says) serves every expected value. Rounds 1 s apart, all queries of a
 * round in parallel. 0 when they agree; -1 at the deadline with err =
 * "name servers not updated: <key> <reason>, ..." (or another failure);
 * at once, without waiting, when an authoritative server has no address.
 * primary may be NULL (no reference serial then).
 */
int dns_wait_agree(const char *apex, const struct dns_servers *primary,
    const struct dns_servers *auth, const struct dns_servers *extra,
    const struct dns_expect *exp, size_t n_exp,
    const struct dns_wait_opts *opts, struct sslm_err *err);

/*
 * One round only (the DANE roll gate, tlsa.md §8.1): appends to missing one
 * line per absent combination, "<key> lacks <owner> TLSA <u> <s> <m> <hex>",
 * or per failed server "<key> <reason>". Returns the number of lines added
 * (0 = every server serves every value), -1 on error.
 */
int dns_check_once(const struct dns_servers *auth, const struct dns_expect *exp,
    size_t n_exp, struct strvec *missing, struct sslm_err *err);

void dns_expect_clear(struct dns_expect *e);

/* ---- TLSA (tlsa.md) ------------------------------------------------------ */

/*
 * The association data of one certificate (tlsa.md §4): selector 0 = DER
 * of the cert, 1 = DER of its SubjectPublicKeyInfo; match 0 = the bytes,
 * 1 = SHA-256, 2 = SHA-512; lower-case hex in a new string.
 * (Implemented in crypto/ as crypto_tlsa_data; declared in crypto.h.)
 */

/*
 * The record lines of one service for one data set (tlsa.md §3.3, §5.4):
 * for each dane_tls item, the apex record then one per extra name (MX hosts
 * from mx_hosts, or the service's SANs), owners "_<port>._<proto>.<host>.",
 * TTL dane_tls_ttl. cert_pem/chain_pem are the data set's files (chain for
 * usage 0 and 2). mx_hosts may be NULL when no item needs MX (else error).
 * Names outside the apex are skipped with a warning appended to warnings.
 * *text gets the whole tlsa.rr content with its three-line header
 * (";;\n;; tlsa <apex> <service> <db-name>\n;;\n").
 * Also appended to warnings (each text once, without group/service
 * prefix): an unreadable cert.pem/chain.pem skips the items needing it
 * ("<apex> tlsa : bad or missing cert - skipping (<why>)"), an MX item with
 * no MX host gives the apex record only, a name that is no host name is
 * skipped. With no record at all *text is the header plus one empty line.
 * -1 (err set, *text NULL) when a hash cannot be computed, mx_hosts is
 * NULL for an MX item, or memory runs out.
 */
int dns_tlsa_rr_build(const struct conf_service *svc, const char *apex,
    const char *db_name, const char *cert_pem_path, const char *chain_pem_path,
    const struct strvec *mx_hosts, char **text, struct strvec *warnings,
    struct sslm_err *err);

/*
 * Parse the record lines of a tlsa.rr or tlsa.<apex> text (any of the 5.4,
 * 7.x and C spellings, tlsa.md §5) into expectations grouped by owner,
 * for the roll gate. Comment lines (commented duplicates too) and empty
 * lines are skipped; a record wrapped in "( ... )" over several lines is
 * one record. Owners lower case, in order of first appearance; values
 * "<u> <s> <m> <hex>" (hex lower case, repeats dropped). *exp is a new
 * array (NULL when no record) the caller frees with dns_expect_clear() on
 * each element, then free(). A line that is not a TLSA record with an
 * absolute owner is -1: "TLSA record on line 3: data is not hexadecimal".
 */
int dns_tlsa_parse(const char *text, struct dns_expect **exp, size_t *n_exp,
    struct sslm_err *err);

/*
 * Build certs/<g>/tlsa.<g> (tlsa.md §7.1) from the tlsa.rr files of curr
 * and next of the given services (sorted by name, curr then next), with the
 * phase header and duplicates commented out; written atomically, only when
 * at least one record exists or the file already exists (then header
 * only); mtime = newest source mtime. *changed = the digest (tlsa.md §7.2)
 * differs from the file's digest before. debug: nothing written, *changed
 * still computed.
 * services: the names whose tlsa.rr count, i.e. the considered services
 * (configured for the group, or in this run) that have a non-empty
 * dane_tls now; the caller filters (tlsa.md §7.1 "only services with a
 * non-empty dane_tls contribute"). Order and repeats do not matter.
 * roll: the header says "phase = roll next to curr", else "normal".
 * Missing or empty tlsa.rr are skipped; an unreadable one is an error (its
 * records would vanish). Logs "tlsa: apex domain: <g> has no tlsa records"
 * when there is none (to the log file only when the group has no file).
 */
int dns_tlsa_aggregate(const char *top, const char *group,
    const struct strvec *services, bool roll, bool debug, bool *changed,
    struct sslm_err *err);

/* The tlsa.md §7.2 digest of a text (hex SHA-256), "" when no record line.
 * 0, or -1 (out "") only when memory or OpenSSL fails. */
int dns_tlsa_digest(const char *text, char out[65]);

/* Copy certs/<g>/tlsa.<g> into every dir (created if missing), atomically,
 * times kept (tlsa.md §7.3). debug: print, change nothing. Every dir is
 * tried; -1 names the first failure. Empty dirs: nothing to do, 0 (the
 * caller warns once per run). */
int dns_tlsa_publish(const char *top, const char *group,
    const struct strvec *dirs, bool debug, struct sslm_err *err);

#endif /* SSLM_DNS_H */
