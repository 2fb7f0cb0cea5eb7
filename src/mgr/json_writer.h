/*
 * A small streaming JSON writer for `sslm-mgr -s --json` (private to mgr/).
 * Output is pretty-printed with two-space indents; strings are escaped as
 * RFC 8259 requires (bytes >= 0x80 pass through: our inputs are UTF-8).
 */
#ifndef SSLM_MGR_JSON_WRITER_H
#define SSLM_MGR_JSON_WRITER_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#define JW_MAX_DEPTH 32

struct jw {
	FILE *fp;
	int depth;
	bool first[JW_MAX_DEPTH];	/* no member written yet at this depth */
};

void jw_init(struct jw *w, FILE *fp);
/* key is NULL inside arrays and for the top-level value. */
void jw_obj_begin(struct jw *w, const char *key);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w, const char *key);
void jw_arr_end(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *s);	/* NULL -> null */
void jw_int(struct jw *w, const char *key, long long v);
void jw_num(struct jw *w, const char *key, double v);	/* 3 decimals, trailing zeros cut */
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
void jw_time(struct jw *w, const char *key, time_t t);	/* RFC 3339 UTC */
/* Finish the document with a newline. */
void jw_end(struct jw *w);

#endif
