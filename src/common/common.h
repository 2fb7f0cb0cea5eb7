/*
 * common/ — the bottom floor: errors, strings, files, processes, logging,
 * locking, time. Knows nothing of the rest of ssl-mgr.
 *
 * This header is the folder's front door; nothing else in src/common/ is
 * included from outside it.
 */
#ifndef SSLM_COMMON_H
#define SSLM_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define SSLM_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- errors ------------------------------------------------------------
 * Library functions that can fail return -1 (or NULL) and fill one of these
 * with a single sentence: what failed, where (file, key, host), what to do.
 * Only main() turns failures into exit codes.
 */
#define SSLM_ERR_MAX 2048

struct sslm_err {
	char msg[SSLM_ERR_MAX];
};

void sslm_err_clear(struct sslm_err *err);
/* Set the message (err may be NULL: then nothing happens). */
void sslm_err_set(struct sslm_err *err, const char *fmt, ...) SSLM_PRINTF(2, 3);
void sslm_err_vset(struct sslm_err *err, const char *fmt, va_list ap) SSLM_PRINTF(2, 0);
/* Set the message to "<fmt>: <strerror(errnum)>". */
void sslm_err_errno(struct sslm_err *err, int errnum, const char *fmt, ...) SSLM_PRINTF(3, 4);

/* ---- strings ----------------------------------------------------------- */

/* printf into a new heap string; NULL on allocation failure. */
char *str_printf(const char *fmt, ...) SSLM_PRINTF(1, 2);
/* strdup that tolerates NULL (returns NULL). */
char *str_dup(const char *s);
bool str_eq(const char *a, const char *b);          /* NULL-safe */
bool str_case_eq(const char *a, const char *b);     /* ASCII, NULL-safe */
bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);

/* "--version" as the only argument, which every program answers with
 * sslm_print_version() (returns the exit status 0). */
bool sslm_version_asked(int argc, char **argv);
int sslm_print_version(const char *prog);

/* A growable array of owned strings (NULL-terminated for argv use). */
struct strvec {
	char **v;
	size_t n;
	size_t cap;
};
void strvec_init(struct strvec *sv);
void strvec_clear(struct strvec *sv);
int strvec_push(struct strvec *sv, const char *s);   /* copies s; -1 on OOM */
int strvec_push_owned(struct strvec *sv, char *s);   /* takes s; -1 on OOM (s freed) */
bool strvec_contains(const struct strvec *sv, const char *s);

/* The group/service name rule (decisions.md "Unsafe group/service names"):
 * 1-253 characters of A-Za-z0-9._-, the first one A-Za-z0-9_ (no '/', no
 * leading '.' or '-'). */
bool str_is_safe_name(const char *name);

/* Edit distance, used to suggest the nearest known config key. */
size_t str_edit_distance(const char *a, const char *b);

/* ---- files ---------------------------------------------------------------
 * Modes given here are filtered by the umask exactly as open(2)/mkdir(2) do:
 * pass 0666 (files) or 0777 (dirs) for "process default", 0600 for secrets.
 */

/* Atomically replace path with data: write "<path>.tmp" (created with
 * O_EXCL|O_NOFOLLOW and mode, so a 0600 secret is never readable by others,
 * even for a moment; a stale .tmp left by a crash is removed first), fsync,
 * rename over path, fsync the directory. A crash leaves either the old or the
 * new content. The parent directory must exist. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    struct sslm_err *err);
/* Read a whole regular file of at most max_len bytes. On success *data is a
 * NUL-terminated heap buffer the caller frees, *len its length (without the
 * NUL). A larger file is an error, never silently cut. */
int fs_read_file(const char *path, size_t max_len, char **data, size_t *len,
    struct sslm_err *err);
/* mkdir -p: missing parents get the process default mode (0777 & ~umask),
 * the last component gets mode (& ~umask). An existing last component is left
 * as it is but must be a directory (symlinks to directories count). */
int fs_mkdir_p(const char *path, mode_t mode, struct sslm_err *err);
/* Point linkpath at target in one step: a new link "<linkpath>.tmp-<pid>" is
 * renamed over linkpath (which may be absent or an old link, never a real
 * directory), then the directory is fsynced. */
int fs_symlink_swap(const char *target, const char *linkpath, struct sslm_err *err);
bool fs_is_dir(const char *path);     /* follows symlinks; false on any error */
bool fs_is_file(const char *path);    /* regular file, follows symlinks */
/* "a/b" on the heap with exactly one '/' between them (b's leading slashes
 * are dropped: b is always taken as relative to a); NULL on allocation
 * failure. */
char *fs_path_join(const char *a, const char *b);
/* Canonical absolute path on the heap, or NULL with err set. */
char *fs_realpath(const char *path, struct sslm_err *err);

/* ---- time ----------------------------------------------------------------
 * Fixed-size outputs; each returns 0, or -1 (out set to "") when the time
 * cannot be represented (year beyond 9999, localtime failure). */
#define TIME_DB_LEN       18   /* "YYYYMMDD-HH:MM:SS" + NUL */
#define TIME_LOCAL_LEN    20   /* "YYYY-MM-DD HH:MM:SS" + NUL */
#define TIME_UTC_LEN      24   /* "YYYY-MM-DD HH:MM:SS UTC" + NUL */
#define TIME_RFC3339_LEN  21   /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

/* Data-set directory name, local time (layout.md §4.1). */
int time_stamp_db(time_t t, char out[TIME_DB_LEN]);
/* True for a name of the data-set form ^[0-9]{8}-[0-9]{2}:[0-9]{2}:[0-9]{2}$. */
bool time_is_stamp_db(const char *name);
/* Log-line time, local (layout.md §7). */
int time_format_local(time_t t, char out[TIME_LOCAL_LEN]);
/* Status display time (cli.md §7.2). */
int time_format_utc(time_t t, char out[TIME_UTC_LEN]);
/* JSON time, e.g. "2026-09-14T06:10:00Z" (cli.md §7.3). */
int time_format_rfc3339(time_t t, char out[TIME_RFC3339_LEN]);

/* ---- logging -------------------------------------------------------------
 * One process-wide logger (the only global in the project). Not thread-safe:
 * code that works in parallel collects its output and logs it from one thread.
 *
 * File records are "YYYY-MM-DD HH:MM:SS  <message>\n" (local time, two
 * spaces); a message with newlines is one record whose continuation lines
 * have no timestamp; one trailing newline in the message is dropped. Each
 * record is one write() to a file opened O_APPEND, so the certbot hook can
 * write "cbot" at the same time as sslm-mgr. Before a record that would take
 * the file over 204800 bytes the file is rotated (name -> name.1 ... name.4,
 * the oldest dropped) under an flock on the log file.
 *
 * Terminal copies carry no timestamp. log_warn/log_error write
 * "warning: <message>" / "error: <message>" to stderr and the same text
 * (after the timestamp) to the file. With no log open (before log_open or
 * after log_close) terminal output still happens; file output is dropped.
 */
enum log_class {
	LOG_FILE,       /* file only */
	LOG_MSG,        /* file + stdout */
	LOG_VERB,       /* file + stdout when verbose */
	LOG_WARN,       /* file + stderr, "warning: " prefix */
	LOG_ERROR,      /* file + stderr, "error: " prefix */
};

#define LOG_MAX_SIZE 204800   /* bytes; rotation limit (7.x, decisions.md) */
#define LOG_BACKUPS  4        /* name.1 ... name.4 */

/* Create logdir (0750, parents default) if missing and open <logdir>/<name>
 * for appending (created with the process default mode). name is "sslm" or
 * "cbot". A logger already open is closed first. */
int log_open(const char *logdir, const char *name, struct sslm_err *err);
void log_close(void);
void log_set_verbose(bool verbose);
bool log_is_verbose(void);
/* Tests only: rotation limit in bytes; 0 restores LOG_MAX_SIZE. */
void log_set_max_size(off_t bytes);

void log_write(enum log_class cls, const char *fmt, ...) SSLM_PRINTF(2, 3);
void log_vwrite(enum log_class cls, const char *fmt, va_list ap) SSLM_PRINTF(2, 0);
void log_file(const char *fmt, ...) SSLM_PRINTF(1, 2);
void log_msg(const char *fmt, ...) SSLM_PRINTF(1, 2);
void log_verb(const char *fmt, ...) SSLM_PRINTF(1, 2);
void log_warn(const char *fmt, ...) SSLM_PRINTF(1, 2);
void log_error(const char *fmt, ...) SSLM_PRINTF(1, 2);

/* ---- run lock (layout.md §9, decisions.md "Lock") ------------------------
 * An flock on /tmp/sslm-mgr-lck.<euid>/<first 32 hex of SHA3-224 of
 * "<realpath(TOP)>/conf.d">. The environment variable SSLM_LOCK_DIR, when set
 * and non-empty, replaces the whole directory /tmp/sslm-mgr-lck.<euid> (tests
 * use it so they never meet a real run's lock; it must be an absolute path).
 * The lock directory is created 0700 if missing and must be a real directory
 * owned by the effective uid, writable by nobody else. The file is never
 * deleted; the lock ends with lock_release() or the process.
 */
struct lock {
	int fd;                 /* -1 when not held */
};

void lock_init(struct lock *lk);
/* topdir_real must already be canonical (fs_realpath). Returns 0 when
 * locked (the file then holds "<pid>\n"), 1 when another process holds it
 * (*holder = its PID from the file, 0 when the file has none; holder may be
 * NULL), -1 on error (err says what and where). */
int lock_acquire(const char *topdir_real, struct lock *lk, pid_t *holder,
    struct sslm_err *err);
void lock_release(struct lock *lk);   /* safe on a lock not held */
/* The lock file's name for a canonical top dir; -1 only if OpenSSL fails. */
int lock_name(const char *topdir_real, char out[33]);

/* ---- processes -----------------------------------------------------------
 * fork + exec of an argv array, never a shell. The child runs in its own
 * process group with stdin from /dev/null, default signal handling and an
 * empty signal mask; bare program names are looked up in PATH (execvp).
 */
enum proc_status {
	PROC_EXITED,            /* exit_code is valid */
	PROC_SIGNALLED,         /* signal is valid */
	PROC_TIMEOUT,           /* we killed it after opts->timeout seconds;
				 * signal (or exit_code) as it ended */
	PROC_EXEC_FAILED,       /* could not start; exit_code 127 */
};

#define PROC_CAPTURE_MAX (1024 * 1024)  /* default bytes kept per stream */
#define PROC_KILL_GRACE  3              /* seconds between SIGTERM and SIGKILL */

struct proc_opts {
	/* NULL-terminated "NAME=value" entries added to (or replacing in) the
	 * inherited environment; NULL for none. */
	const char *const *env;
	const char *cwd;        /* working directory; NULL inherits ours */
	unsigned timeout;       /* seconds; 0 = wait forever */
	bool inherit_output;    /* true: child writes to our stdout/stderr */
	size_t max_capture;     /* per stream; 0 = PROC_CAPTURE_MAX */
};

/* Filled by proc_run; owns out and err_out (freed by proc_result_clear).
 * When output is captured both are NUL-terminated strings (possibly empty);
 * bytes past the limit are read and dropped, and *_truncated is set. */
struct proc_result {
	enum proc_status status;
	int exit_code;
	int signal;
	char *out;
	size_t out_len;
	bool out_truncated;
	char *err_out;
	size_t err_len;
	bool err_truncated;
	unsigned timeout;       /* copied from the options, for messages */
};

void proc_result_init(struct proc_result *res);
void proc_result_clear(struct proc_result *res);
/* Run argv[0] with argv and wait for it (opts may be NULL: defaults). The
 * caller must not have SIGCHLD set to SIG_IGN (the status would be lost).
 * Returns 0 when the program ran, whatever its status (check
 * proc_result_ok), and -1 when it could not be run: bad arguments, no
 * resources, or exec/chdir failure in the child (res->status is then
 * PROC_EXEC_FAILED and err reads "cannot run <prog>: <reason>"). res is
 * initialised first, so it must not hold an earlier result (clear that
 * first); afterwards it is always safe to proc_result_clear. */
int proc_run(const char *const argv[], const struct proc_opts *opts,
    struct proc_result *res, struct sslm_err *err);
/* Exited with status 0. */
bool proc_result_ok(const struct proc_result *res);
/* "exited with status 3", "killed by signal 9 (Killed)", "timed out after
 * 30 s and was killed", "could not be started"; returns buf. */
const char *proc_result_describe(const struct proc_result *res, char *buf,
    size_t len);
/* Split a command string on white space into argv words (no quoting, no
 * escapes: config.md's "each string is split on whitespace into argv").
 * Words are appended to out; -1 on allocation failure. */
int proc_split_words(const char *cmd, struct strvec *out);

#endif /* SSLM_COMMON_H */
