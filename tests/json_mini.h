/*
 * json_mini: a small JSON reader for the test tools (toml-compare). It
 * reads a whole document into a tree; strings are decoded to UTF-8 and may
 * hold NUL bytes (len says how long they are); numbers keep their text.
 */
#ifndef SSLM_TESTS_JSON_MINI_H
#define SSLM_TESTS_JSON_MINI_H

#include <stdbool.h>
#include <stddef.h>

enum json_kind {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_kind kind;
	bool b;				/* JSON_BOOL */
	char *str;			/* JSON_STRING (decoded) or JSON_NUMBER (text) */
	size_t len;
	struct json_value **items;	/* JSON_ARRAY items, JSON_OBJECT values */
	char **keys;			/* JSON_OBJECT, parallel to items */
	size_t *key_lens;
	size_t n;
	size_t cap;
};

/* Parse text; NULL on error with a message ("line N: what") in err. The
 * caller frees the tree with json_free(). */
struct json_value *json_parse(const char *text, size_t len, char *err,
    size_t errsize);
void json_free(struct json_value *v);		/* NULL is fine */

/* The member `key` (key_len bytes) of an object, or NULL. */
const struct json_value *json_member(const struct json_value *obj,
    const char *key, size_t key_len);

#endif /* SSLM_TESTS_JSON_MINI_H */
