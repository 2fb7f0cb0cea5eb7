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

#endif /* SSLM_COMMON_H */
