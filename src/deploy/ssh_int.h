/*
 * Private parts of the SSH transport (deploy.h "SSH transport"): the ssh
 * config subset, known_hosts, the connection itself.
 */
#ifndef SSLM_DEPLOY_SSH_INT_H
#define SSLM_DEPLOY_SSH_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "common/common.h"
#include "deploy/deploy.h"

/* ---- ssh config subset (ssh_config.c) ---------------------------------- */

/* What the matching Host blocks of an ssh config file say; NULL / 0 / empty
 * = not said (first value obtained wins, as in ssh). */
struct ssh_cfg_values {
	char *hostname;
	char *user;
	int port;
	struct strvec identity_files;
	struct strvec known_hosts;
	int strict;			/* -1 not said, 0 yes, 1 accept-new */
	int connect_timeout;		/* 0 = not said */
};

void ssh_cfg_values_init(struct ssh_cfg_values *v);
void ssh_cfg_values_clear(struct ssh_cfg_values *v);

/*
 * Read path (a missing file is not an error: 0 with nothing set) and
 * collect the values of every Host block matching host. Tokens: "~/" and
 * %d (home), %u (local user), %h (host, or HostName once known), %r
 * (remote user), %% in file names and HostName. Warnings (Match/Include
 * skipped, "no" treated as "yes") go to warnings as "<file>:<line>: ...".
 * -1 with err naming file and line on an unreadable file or a bad value.
 */
int ssh_cfg_read(const char *path, const char *host, struct ssh_cfg_values *v,
    struct strvec *warnings, struct sslm_err *err);

/* "~/" and %d %u %h %r %% expanded (ssh does it once everything is known,
 * so file names may use %h and %r); NULL on an unknown token or OOM. */
char *ssh_cfg_expand(const char *s, const char *host, const char *ruser);

/* ssh's Host pattern test: patterns separated by white space or commas,
 * '*' and '?' wildcards, '!' negation (a negated match wins). */
bool ssh_host_pattern_match(const char *patterns, const char *host);

/* ---- known_hosts (ssh_hostkey.c) ---------------------------------------- */

/* OpenSSH's "SHA256:<base64 without padding>" of a raw key blob. */
char *ssh_fingerprint_sha256(const unsigned char *blob, size_t len);
/* The key type name inside a raw key blob ("ssh-ed25519", ...), or NULL. */
char *ssh_key_type_name(const unsigned char *blob, size_t len);

enum ssh_hostkey_verdict {
	SSH_HOSTKEY_MATCH,
	SSH_HOSTKEY_UNKNOWN,
	SSH_HOSTKEY_CHANGED,
	SSH_HOSTKEY_REVOKED,
};

/* The known_hosts name of host at port: "host" for 22, "[host]:port". */
char *ssh_known_name(const char *host, int port);

/*
 * Look the key up in files (plain and hashed host entries; markers
 * @revoked honoured, @cert-authority lines skipped) under every name of
 * names. Missing files are skipped.
 */
enum ssh_hostkey_verdict ssh_hostkey_check(const struct strvec *files,
    const struct strvec *names, const unsigned char *blob, size_t len,
    char **where);

/* The key types known for any of names, in file order, without repeats
 * (for the host key preference of the handshake). */
void ssh_hostkey_known_types(const struct strvec *files,
    const struct strvec *names, struct strvec *types);

/* Append "<name> <type> <base64>" to file (created 0600, folder 0700). */
int ssh_hostkey_append(const char *file, const char *name,
    const unsigned char *blob, size_t len, struct sslm_err *err);

/* ---- the connection (ssh_conn.c) ----------------------------------------- */

struct ssh_conn {
	struct ssh_target t;		/* a copy: the connection outlives callers' */
	char *addr;			/* "127.0.0.4:2222" for messages */
	int sock;
	LIBSSH2_SESSION *session;
	LIBSSH2_SFTP *sftp;
	double deadline;		/* CLOCK_MONOTONIC seconds */
};

/* 'text' for the remote shell: single quotes, each ' as '\''. */
char *remote_quote(const char *s);

double ssh_now(void);
/* Milliseconds to the deadline, at least 1. */
long ssh_ms_left(const struct ssh_conn *c);
/* libssh2's last error as text. */
const char *ssh_last_error(LIBSSH2_SESSION *s);
/* Wait until the socket is ready in the directions libssh2 asks for, or
 * the deadline; -1 on timeout. */
int ssh_wait_socket(struct ssh_conn *c);

#endif /* SSLM_DEPLOY_SSH_INT_H */
