/*
 * Keys: bare (A-Za-z0-9_-), quoted with either single-line string kind, and
 * dotted (parts joined by '.', whitespace allowed around the dots). A
 * quoted key means exactly its decoded text: "verb" and verb are one key.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml/toml_int.h"

bool
toml_key_is_bare_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int
push_part(struct toml_parser *p, struct toml_key *k, char *s, size_t len,
    struct toml_pos at)
{
	if (k->n == TOML_MAX_DEPTH) {
		free(s);
		return toml_perr(p, at, "key has more than %d dotted parts",
		    TOML_MAX_DEPTH);
	}
	if (k->n == k->cap) {
		size_t cap = k->cap == 0 ? 4 : k->cap * 2;
		struct toml_keypart *v = realloc(k->v, cap * sizeof(*v));

		if (v == NULL) {
			free(s);
			return toml_perr_oom(p);
		}
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n].s = s;
	k->v[k->n].len = len;
	k->v[k->n].pos = at;
	k->n++;
	return 0;
}

/* One bare or quoted key part at the cursor. */
static int
simple_key(struct toml_parser *p, struct toml_key *k)
{
	struct toml_pos at = toml_scan_here(p);
	int c = toml_scan_peek(p, 0);
	char *s = NULL, what[16];
	size_t len = 0;

	if (c == '"' || c == '\'') {
		if (toml_str_parse(p, false, &s, &len) != 0)
			return -1;
	} else if (toml_key_is_bare_char(c)) {
		while (toml_key_is_bare_char(toml_scan_peek(p, len)))
			len++;
		if ((s = malloc(len + 1)) == NULL)
			return toml_perr_oom(p);
		memcpy(s, p->src + p->pos, len);
		s[len] = '\0';
		toml_scan_adv(p, len);
	} else {
		return toml_perr(p, at, "expected a key, found %s (keys are "
		    "A-Za-z0-9_- or quoted)", toml_scan_describe(p, what,
		    sizeof(what)));
	}
	return push_part(p, k, s, len, at);
}

int
toml_key_parse(struct toml_parser *p, struct toml_key *k)
{
	k->pos = toml_scan_here(p);
	for (;;) {
		if (simple_key(p, k) != 0)
			return -1;
		toml_scan_ws(p);
		if (toml_scan_peek(p, 0) != '.')
			return 0;
		toml_scan_adv(p, 1);
		toml_scan_ws(p);
	}
}

void
toml_key_clear(struct toml_key *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].s);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

/* Append to a bounded buffer; silently truncates (messages only). */
static void
put(char *buf, size_t size, size_t *at, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *at + 1 < size; i++)
		buf[(*at)++] = s[i];
	buf[*at < size ? *at : size - 1] = '\0';
}

static void
put_part(char *buf, size_t size, size_t *at, const struct toml_keypart *kp)
{
	bool bare = kp->len > 0;
	char esc[8];

	for (size_t i = 0; i < kp->len && bare; i++)
		bare = toml_key_is_bare_char((unsigned char)kp->s[i]);
	if (bare) {
		put(buf, size, at, kp->s, kp->len);
		return;
	}
	/* Written back the way a user would quote it, escapes for what is
	 * not printable, so a message never carries raw control bytes. */
	put(buf, size, at, "\"", 1);
	for (size_t i = 0; i < kp->len; i++) {
		unsigned char c = (unsigned char)kp->s[i];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(buf, size, at, esc, 2);
		} else if (c < 0x20 || c == 0x7F) {
			snprintf(esc, sizeof(esc), "\\u%04X", c);
			put(buf, size, at, esc, 6);
		} else
			put(buf, size, at, (const char *)&kp->s[i], 1);
	}
	put(buf, size, at, "\"", 1);
}

const char *
toml_key_text(const struct toml_key *k, size_t n, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < k->n; i++) {
		if (i > 0)
			put(buf, size, &at, ".", 1);
		put_part(buf, size, &at, &k->v[i]);
	}
	return buf;
}
