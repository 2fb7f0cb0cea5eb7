/*
 * deploy/ — getting certificates to where servers read them: the local
 * production tree (this header, for now), later remote mirrors over libssh2,
 * restarts and post-copy commands.
 *
 * Paths: top is the top dir (certs/ lives below it); prod_dir is the
 * production dir as the run uses it (with ".test" already appended for -t).
 * Group and service names must pass str_is_safe_name (they become paths).
 */
#ifndef SSLM_DEPLOY_H
#define SSLM_DEPLOY_H

#include <stdbool.h>

#include "common/common.h"

/* ---- local production copy (distribution.md §2, layout.md §5) ----------- */

/*
 * Mirror one service into the production tree (layout.md §5, 7.x mirror
 * semantics, decision L5): TOP/certs/<g>/<s>/curr/ and next/ become real
 * directories <prod>/<g>/<s>/curr/ and next/ with the same files, modes and
 * mtimes (owner/group too when run as root; symlinks recreated, never
 * followed); files no longer in the source are removed; next/ is removed
 * when the service has no next (a failed removal is only a warning). Group
 * "ca": privkey.pem and bundle.pem are never copied and are removed if
 * present (decision DO4). "*.tmp" files (crash leftovers) are neither copied
 * nor kept. Each file is replaced atomically (temp name + rename); files
 * whose size, mode, mtime, owner (root) and bytes already match are not
 * touched, so a repeated run changes nothing.
 * Creates <prod> (0750) if missing, <prod>/<g> (0777 & ~umask) and
 * <prod>/<g>/<s> (0750 & ~umask); <prod>/<g> and <prod>/<g>/<s> must be real
 * directories, not symlinks (error). A missing TOP/certs/<g>/<s>/, or a
 * curr/next in it that is not a symlink, is an error for the service and
 * nothing is changed.
 * debug: print "debug: <step> <path>" lines (log_msg) for what would change,
 * change nothing.
 * Returns 0, or -1 with err naming the path and what to do.
 */
int deploy_prod_mirror_service(const char *top, const char *prod_dir,
    const char *group, const char *service, bool debug, struct sslm_err *err);

/*
 * Copy TOP/certs/<g>/tlsa.<g> to <prod>/<g>/tlsa.<g> (mode and mtime kept,
 * skipped when unchanged). A missing source is not an error: nothing is
 * copied, and a <prod>/<g>/tlsa.<g> left from earlier is removed (otherwise
 * every integrity check would report it and no copy would ever repair it).
 */
int deploy_prod_copy_group_tlsa(const char *top, const char *prod_dir,
    const char *group, bool debug, struct sslm_err *err);

/*
 * The whole local step for one group (distribution.md §2 step 2): every
 * service in services (in that order), then the group's TLSA file. A failed
 * service does not stop the others; each failure is logged with log_error
 * as it happens and its name appended to failed (may be NULL). Returns 0, or
 * -1 when anything failed, err then naming the failed services (and
 * "tlsa.<g>" for the TLSA file) — the caller stops copying further groups.
 */
int deploy_prod_mirror_group(const char *top, const char *prod_dir,
    const char *group, const struct strvec *services, bool debug,
    struct strvec *failed, struct sslm_err *err);

/* ---- production integrity check (lifecycle.md §11) ---------------------- */

enum deploy_check_mode {
	/* Every run except status-only: all files are read and compared. */
	DEPLOY_CHECK_REPAIR,
	/* Status-only (-s): privkey.pem and bundle.pem are never opened; they
	 * are compared by lstat size, mtime and mode only. */
	DEPLOY_CHECK_REPORT,
};

/*
 * The production integrity check of one service: compare the source data
 * sets (through the curr/next links; a dangling or non-symlink link counts
 * as absent) with <prod>/<g>/<s>/curr/ and next/ and append one sentence
 * per difference to diffs (may be NULL: only count):
 *   "<g>/<s>: curr/ is missing in production"
 *   "<g>/<s>: next/ should not be in production (the service has no next)"
 *   "<g>/<s>: curr/cert.pem is missing in production"
 *   "<g>/<s>: curr/old.pem is in production but not in certs"
 *   "<g>/<s>: curr/cert.pem differs (mode 0644 in production, 0600 in
 *    certs; size; mtime; content)"   (only the parts that differ)
 *   "ca/<s>: curr/privkey.pem must not be in production (CA private keys
 *    stay on the signing host)"
 * Compared: the file sets, kind (file/dir/symlink, symlink target), mode,
 * size, mtime (whole seconds) and bytes; "*.tmp" files are ignored, owners
 * are not compared. Every difference is one the mirror repairs, so a
 * repaired tree checks clean. Returns the number of differences, or -1 with
 * err set. deploy_prod_check_service is the DEPLOY_CHECK_REPAIR mode.
 */
int deploy_prod_check_service(const char *top, const char *prod_dir,
    const char *group, const char *service, struct strvec *diffs,
    struct sslm_err *err);
int deploy_prod_check_service_mode(const char *top, const char *prod_dir,
    const char *group, const char *service, enum deploy_check_mode mode,
    struct strvec *diffs, struct sslm_err *err);

/*
 * The integrity check of one selected group, lifecycle.md §11 steps 1-4:
 * no TOP/certs/ at all → 0 (skipped: counts as in sync); <prod>/<g>/ must
 * be a real directory (else one difference, "<g>: <prod>/<g>/ is missing in
 * production", and its services are not looked at); tlsa.<g> in certs and
 * production must both be absent or equal after normalisation (lines
 * trimmed, empty and ';' lines ignored, white-space runs collapsed:
 * "<g>: tlsa.<g> differs"); then each of services as above. Returns the
 * number of differences, or -1 with err set.
 */
int deploy_prod_check_group(const char *top, const char *prod_dir,
    const char *group, const struct strvec *services,
    enum deploy_check_mode mode, struct strvec *diffs, struct sslm_err *err);

/* ---- which host is this one (distribution.md §1, one rule for copies,
 * restarts and http-01 tokens) --------------------------------------------- */

/* server is local when it equals, ignoring ASCII case, the short host name,
 * the full gethostname() value or that name's canonical name (getaddrinfo
 * AI_CANONNAME). "localhost", IP literals and every "user@host" entry are
 * remote. */
bool deploy_host_is_local(const char *server);

/* ---- SSH transport (distribution.md §8.1, config.md §3.10, DO1/DO5-DO7) ---
 * libssh2, blocking sessions with per-call deadlines. Not thread-safe per
 * connection: one thread uses one connection at a time; different
 * connections may be used from different threads at once. Call
 * deploy_ssh_global_init() once from the main thread before any thread
 * uses the transport, deploy_ssh_global_clear() at the end.
 */
struct conf_ssh;		/* config/conf.h */

int deploy_ssh_global_init(struct sslm_err *err);
void deploy_ssh_global_clear(void);

/* Everything needed to reach one configured server entry, resolved once:
 * the [ssh] key if written, else the matching Host block of the ssh config
 * file (first value obtained wins, as in ssh), else the built-in default;
 * a "user@host" entry's user wins over all. */
struct ssh_target {
	char *name;			/* the server entry as configured */
	char *host;			/* its host part (what Host patterns see) */
	char *hostname;			/* what we connect to (HostName or host) */
	char *user;
	int port;
	struct strvec identity_files;	/* absolute paths, tried in order */
	struct strvec known_hosts;	/* user files; the global file is added
					 * by the transport */
	bool accept_new;		/* StrictHostKeyChecking accept-new */
	int connect_timeout;		/* seconds */
	int command_timeout;		/* seconds */
};

void ssh_target_init(struct ssh_target *t);
void ssh_target_clear(struct ssh_target *t);
/*
 * Resolve server (a config "servers" entry: "host" or "user@host") with
 * the [ssh] settings cs. Reads cs->config_file when set and present (a
 * missing file is not an error; an unreadable one is). Warnings (e.g.
 * "StrictHostKeyChecking no is treated as yes") are appended to warnings
 * (may be NULL) as whole sentences naming the file and line. Returns 0 or
 * -1 with err naming the file, line and keyword.
 */
int ssh_target_resolve(const struct conf_ssh *cs, const char *server,
    struct ssh_target *t, struct strvec *warnings, struct sslm_err *err);

/* One open, authenticated SSH connection (opaque). */
struct ssh_conn;

/*
 * Connect (getaddrinfo, IPv4 and IPv6, each address tried until
 * connect_timeout runs out), handshake, verify the host key against
 * t->known_hosts and /etc/ssh/ssh_known_hosts (hashed entries included;
 * unknown key → error with the key type, its SHA256 fingerprint in
 * OpenSSH's form "SHA256:<base64>" and the ssh-keyscan/ssh command that
 * accepts it; changed key → refused with the same details; accept_new →
 * an unknown key is appended to the first known_hosts file and noted), then
 * authenticate: ssh-agent (SSH_AUTH_SOCK) first, then each identity file
 * that exists (unencrypted; an RSA key that the server refuses gets the
 * hint that libssh2 1.10 signs RSA with SHA-1 only — use ed25519 or ECDSA).
 * Errors name the server entry, the address:port and what to do.
 * notes (may be NULL) receives informational lines (e.g. "added host key
 * of mail.test to ~/.ssh/known_hosts").
 */
int ssh_conn_open(const struct ssh_target *t, struct ssh_conn **out,
    struct strvec *notes, struct sslm_err *err);
void ssh_conn_close(struct ssh_conn *c);		/* NULL-safe */
const struct ssh_target *ssh_conn_target(const struct ssh_conn *c);
/* The remote user is root (numeric owners are then set, DO2). */
bool ssh_conn_is_root(const struct ssh_conn *c);

struct ssh_exec_result {
	int exit_status;		/* valid when exited */
	bool exited;			/* false: killed by a signal, no status,
					 * or timed out */
	bool timed_out;
	char *signal;			/* remote signal name, or NULL */
	char *out;			/* stdout, NUL-terminated (may be "") */
	char *err_out;			/* stderr, NUL-terminated (may be "") */
};
void ssh_exec_result_init(struct ssh_exec_result *r);
void ssh_exec_result_clear(struct ssh_exec_result *r);
/*
 * Run command (one string; the remote login shell interprets it, exactly as
 * "ssh host w1 w2 ..." does) on a new channel of c: no PTY, no environment;
 * stdout and stderr read to EOF (each kept up to PROC_CAPTURE_MAX bytes),
 * then the exit status. timeout 0 = t->command_timeout. Returns 0 when the
 * command ran (check r->exited && r->exit_status == 0), -1 when the channel
 * could not be used (err set; the connection is then unusable).
 */
int ssh_conn_exec(struct ssh_conn *c, const char *command, unsigned timeout,
    struct ssh_exec_result *r, struct sslm_err *err);
/* Join argv words with single spaces (what ssh sends); NULL on OOM. */
char *ssh_join_argv(const struct strvec *argv);

/* The connection's SFTP session (opened on first use, then reused), as a
 * LIBSSH2_SFTP *; NULL with err set when the server has no SFTP. */
void *ssh_conn_sftp(struct ssh_conn *c, struct sslm_err *err);
/* Set the deadline of the blocking libssh2 calls that follow (absolute
 * CLOCK_MONOTONIC seconds; 0 = the target's command_timeout from now). */
void ssh_conn_set_deadline(struct ssh_conn *c, double deadline);
/* Did the deadline pass? */
bool ssh_conn_expired(const struct ssh_conn *c);
/* Rename over an existing file atomically: posix-rename@openssh.com when the
 * server offers it, else "mv -f -- '<from>' '<to>'" over an exec channel
 * (paths quoted for the remote shell). Never remove-then-rename. */
int ssh_conn_rename(struct ssh_conn *c, const char *from, const char *to,
    struct sslm_err *err);

/* ---- remote mirror of production (distribution.md §3, §8.2) -------------- */

struct remote_mirror_stats {
	unsigned uploaded, skipped, removed, dirs_made, links_made;
};

/*
 * Make prod_dir on the host of c an exact mirror of the local prod_dir
 * (the same absolute path): missing ancestors created; for each entry
 * (lstat, links never followed, on both sides): directories created with
 * the local mode; regular files whose size and mtime (whole seconds) and
 * mode already match are skipped, others uploaded to
 * ".<name>.sslm-<random>" in the same remote folder (created 0600), then
 * given mode and mtime (and numeric uid/gid when the remote user is root,
 * DO2) and renamed over the name (ssh_conn_rename); symlinks recreated
 * with the same target text; remote entries with no local counterpart
 * (including ".*.sslm-*" temporaries left by a crash) removed, directories
 * recursively, links as links. privkey.pem and bundle.pem below
 * <prod_dir>/ca/ are never sent and are removed remotely (DO4). FIFOs,
 * sockets, devices: skipped with a warning line.
 * Refuses (nothing touched) when prod_dir is not absolute, contains "..",
 * does not exist locally or has no group directory (distribution.md §8.2.7).
 * The whole mirror must finish before the connection's deadline.
 * debug: lines "debug: <what would be done>" in lines, nothing changed.
 * lines (may be NULL) receives one line per change ("upload <path>",
 * "remove <path>", ...) for the log file.
 * fault point "remote-upload" (store.h fault_point) after the first half
 * of a file's bytes are written, for the crash tests.
 */
int deploy_remote_mirror(struct ssh_conn *c, const char *prod_dir, bool debug,
    struct strvec *lines, struct remote_mirror_stats *stats,
    struct sslm_err *err);

/*
 * Report mode of the same walk (sslm-mgr -s -v, lifecycle.md §11): append
 * one sentence per difference to diffs ("<host>: <path> is missing",
 * "<host>: <path> should not be there", "<host>: <path> differs (size;
 * mtime; mode)", ...) and change nothing. Contents are not read (size,
 * mtime, mode and type decide, as in the mirror's skip rule). Returns the
 * number of differences or -1 with err set.
 */
int deploy_remote_compare(struct ssh_conn *c, const char *prod_dir,
    struct strvec *diffs, struct sslm_err *err);

/*
 * Small SFTP helpers for the certbot hook's http-01 tokens (dns.md §5):
 * write data to path on the remote host atomically (missing folders
 * created 0755, the file mode given, temp + rename), and remove path (a
 * missing file is not an error).
 */
int deploy_remote_put_file(struct ssh_conn *c, const char *path,
    const void *data, size_t len, unsigned mode, struct sslm_err *err);
int deploy_remote_remove_file(struct ssh_conn *c, const char *path,
    struct sslm_err *err);

#endif /* SSLM_DEPLOY_H */
