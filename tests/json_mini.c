/*
 * json_mini: just enough JSON (RFC 8259) for the toml-test JSON files and
 * toml-decode's output. Recursive descent, nesting bounded.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_mini.h"

#define JSON_MAX_DEPTH 512

struct jp {
	const char *s;
	size_t len;
	size_t pos;
	int line;
	char *err;
	size_t errsize;
	bool failed;
};

static int
jerr(struct jp *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errsize, "line %d: %s", p->line, msg);
	return -1;
}

static int
peek(const struct jp *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static void
skip_ws(struct jp *p)
{
	int c;

	while ((c = peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r') {
		if (c == '\n')
			p->line++;
		p->pos++;
	}
}

void
json_free(struct json_value *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		json_free(v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->key_lens);
	free(v->str);
	free(v);
}

/* Growable byte string while decoding. */
struct jbuf {
	char *p;
	size_t n, cap;
};

static int
jbuf_add(struct jp *p, struct jbuf *b, const char *d, size_t n)
{
	if (b->cap - b->n <= n) {
		size_t cap = b->cap == 0 ? 32 : b->cap;
		char *np;

		while (cap - b->n <= n)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL)
			return jerr(p, "out of memory");
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

static int
hex4(struct jp *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		int c = peek(p);

		p->pos++;
		if (c >= '0' && c <= '9')
			v = v * 16 + (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (uint32_t)(c - 'A' + 10);
		else
			return jerr(p, "bad \\u escape");
	}
	*out = v;
	return 0;
}

static int
add_utf8(struct jp *p, struct jbuf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return jbuf_add(p, b, u, n);
}

/* A "string" at the cursor, decoded into *out / *len. */
static int
parse_string(struct jp *p, char **out, size_t *len)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	struct jbuf b = { NULL, 0, 0 };
	const char *hit;
	uint32_t cp, lo;
	int c;

	p->pos++;
	for (;;) {
		c = peek(p);
		if (c < 0 || c < 0x20) {
			jerr(p, "unterminated string or raw control character");
			goto fail;
		}
		p->pos++;
		if (c == '"')
			break;
		if (c != '\\') {
			char ch = (char)c;

			if (jbuf_add(p, &b, &ch, 1) != 0)
				goto fail;
			continue;
		}
		c = peek(p);
		p->pos++;
		if (c > 0 && c != 'u' && (hit = strchr(from, c)) != NULL) {
			if (jbuf_add(p, &b, &to[hit - from], 1) != 0)
				goto fail;
			continue;
		}
		if (c != 'u') {
			jerr(p, "bad escape");
			goto fail;
		}
		if (hex4(p, &cp) != 0)
			goto fail;
		/* A high surrogate must pair with a low one (UTF-16). */
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (peek(p) != '\\' || p->pos + 1 >= p->len ||
			    p->s[p->pos + 1] != 'u') {
				jerr(p, "lone surrogate");
				goto fail;
			}
			p->pos += 2;
			if (hex4(p, &lo) != 0)
				goto fail;
			if (lo < 0xDC00 || lo > 0xDFFF) {
				jerr(p, "bad surrogate pair");
				goto fail;
			}
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			jerr(p, "lone surrogate");
			goto fail;
		}
		if (add_utf8(p, &b, cp) != 0)
			goto fail;
	}
	if (b.p == NULL && jbuf_add(p, &b, "", 0) != 0)
		goto fail;
	*out = b.p;
	*len = b.n;
	return 0;
 fail:
	free(b.p);
	return -1;
}

static int parse_value(struct jp *p, int depth, struct json_value **out);

static int
push(struct jp *p, struct json_value *v, struct json_value *item, char *key,
    size_t key_len)
{
	if (v->n == v->cap) {
		size_t cap = v->cap == 0 ? 8 : v->cap * 2;
		struct json_value **items = realloc(v->items, cap * sizeof(*items));

		if (items == NULL)
			goto oom;
		v->items = items;
		if (v->kind == JSON_OBJECT) {
			char **keys = realloc(v->keys, cap * sizeof(*keys));
			size_t *lens;

			if (keys == NULL)
				goto oom;
			v->keys = keys;
			if ((lens = realloc(v->key_lens, cap * sizeof(*lens))) == NULL)
				goto oom;
			v->key_lens = lens;
		}
		v->cap = cap;
	}
	v->items[v->n] = item;
	if (v->kind == JSON_OBJECT) {
		v->keys[v->n] = key;
		v->key_lens[v->n] = key_len;
	}
	v->n++;
	return 0;
 oom:
	json_free(item);
	free(key);
	return jerr(p, "out of memory");
}

/* [ ... ] or { ... } at the cursor, into v. */
static int
parse_container(struct jp *p, int depth, struct json_value *v)
{
	char close = v->kind == JSON_ARRAY ? ']' : '}';
	struct json_value *item;
	char *key;
	size_t key_len;

	p->pos++;
	skip_ws(p);
	if (peek(p) == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		key = NULL;
		key_len = 0;
		item = NULL;
		skip_ws(p);
		if (v->kind == JSON_OBJECT) {
			if (peek(p) != '"')
				return jerr(p, "expected a member name");
			if (parse_string(p, &key, &key_len) != 0)
				return -1;
			skip_ws(p);
			if (peek(p) != ':') {
				free(key);
				return jerr(p, "expected ':'");
			}
			p->pos++;
		}
		if (parse_value(p, depth + 1, &item) != 0) {
			free(key);
			return -1;
		}
		if (push(p, v, item, key, key_len) != 0)
			return -1;
		skip_ws(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == close) {
			p->pos++;
			return 0;
		}
		return jerr(p, "expected ',' or '%c'", close);
	}
}

static int
parse_value(struct jp *p, int depth, struct json_value **out)
{
	struct json_value *v = NULL;
	int c;

	if (depth > JSON_MAX_DEPTH)
		return jerr(p, "nested too deep");
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return jerr(p, "out of memory");
	skip_ws(p);
	c = peek(p);
	if (c == '{' || c == '[') {
		v->kind = c == '{' ? JSON_OBJECT : JSON_ARRAY;
		if (parse_container(p, depth, v) != 0)
			goto fail;
	} else if (c == '"') {
		v->kind = JSON_STRING;
		if (parse_string(p, &v->str, &v->len) != 0)
			goto fail;
	} else if (p->len - p->pos >= 4 && memcmp(p->s + p->pos, "true", 4) == 0) {
		v->kind = JSON_BOOL;
		v->b = true;
		p->pos += 4;
	} else if (p->len - p->pos >= 5 && memcmp(p->s + p->pos, "false", 5) == 0) {
		v->kind = JSON_BOOL;
		p->pos += 5;
	} else if (p->len - p->pos >= 4 && memcmp(p->s + p->pos, "null", 4) == 0) {
		v->kind = JSON_NULL;
		p->pos += 4;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		size_t start = p->pos;

		while ((c = peek(p)) >= 0 && strchr("+-.eE0123456789", c) != NULL)
			p->pos++;
		v->kind = JSON_NUMBER;
		v->len = p->pos - start;
		if ((v->str = strndup(p->s + start, v->len)) == NULL) {
			jerr(p, "out of memory");
			goto fail;
		}
	} else {
		jerr(p, "expected a value");
		goto fail;
	}
	*out = v;
	return 0;
 fail:
	json_free(v);
	return -1;
}

struct json_value *
json_parse(const char *text, size_t len, char *err, size_t errsize)
{
	struct jp p = { text, len, 0, 1, err, errsize, false };
	struct json_value *v = NULL;

	if (parse_value(&p, 0, &v) != 0)
		return NULL;
	skip_ws(&p);
	if (p.pos != p.len) {
		jerr(&p, "text after the JSON value");
		json_free(v);
		return NULL;
	}
	return v;
}

const struct json_value *
json_member(const struct json_value *obj, const char *key, size_t key_len)
{
	if (obj == NULL || obj->kind != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (obj->key_lens[i] == key_len &&
		    memcmp(obj->keys[i], key, key_len) == 0)
			return obj->items[i];
	return NULL;
}
