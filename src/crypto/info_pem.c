/*
 * PEM splitting for sslm-info and sslm-verify (crypto.md §6).
 *
 * crypto_pem_read_certs() keeps only certificates and fails a whole file on
 * one damaged block; the tools must show every block in order (keys, CSRs,
 * parameters) and report a damaged one without losing the rest. So this
 * splitter returns each block with its label and a "broken" mark, and the
 * caller decides what the label means.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/info_int.h"

struct line {
	const char *p;          /* without surrounding blanks and the CR */
	size_t len;
};

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The line at *pos (up to '\n' or the end of the text); false at the end. */
static bool
read_line(const char *buf, size_t len, size_t *pos, struct line *ln)
{
	const char *s, *nl;
	size_t l;

	if (*pos >= len)
		return false;
	s = buf + *pos;
	nl = memchr(s, '\n', len - *pos);
	l = nl != NULL ? (size_t)(nl - s) : len - *pos;
	*pos += l + (nl != NULL ? 1 : 0);
	while (l > 0 && blank(s[l - 1]))
		l--;
	while (l > 0 && blank(*s)) {
		s++;
		l--;
	}
	ln->p = s;
	ln->len = l;
	return true;
}

/* "-----<kw><label>-----" with a printable label of sane length; the label
 * is copied to out (INFO_LABEL_MAX + 1 bytes). */
static bool
is_delimiter(const struct line *ln, const char *kw, char *out)
{
	size_t kl = strlen(kw), l;
	const char *s;

	if (ln->len < 10 + kl + 1 || memcmp(ln->p, "-----", 5) != 0 ||
	    memcmp(ln->p + 5, kw, kl) != 0 ||
	    memcmp(ln->p + ln->len - 5, "-----", 5) != 0)
		return false;
	s = ln->p + 5 + kl;
	l = ln->len - 10 - kl;
	if (l > INFO_LABEL_MAX || s[0] == ' ' || s[0] == '-' ||
	    s[l - 1] == ' ' || s[l - 1] == '-')
		return false;
	for (size_t i = 0; i < l; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	memcpy(out, s, l);
	out[l] = '\0';
	return true;
}

/* Blocks may be private keys: wipe what held them. */
static void
wipe_free(void *p, size_t n)
{
	if (p != NULL)
		OPENSSL_cleanse(p, n);
	free(p);
}

static bool
b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Is this RFC 1421 header line "Proc-Type: 4,ENCRYPTED"? */
static bool
proc_type_encrypted(const struct line *ln)
{
	static const char key[] = "Proc-Type:";
	size_t kl = sizeof(key) - 1;

	if (ln->len < kl || strncasecmp(ln->p, key, kl) != 0)
		return false;
	for (size_t i = kl; i + 9 <= ln->len; i++)
		if (memcmp(ln->p + i, "ENCRYPTED", 9) == 0)
			return true;
	return false;
}

/*
 * Decode the body text of b (between its BEGIN and END lines). Header lines
 * (with a ':' before any data) and '#' lines never reach the decoder; a
 * damaged body marks b broken. -1 only when memory runs out.
 */
static int
decode_body(const char *body, size_t n, struct info_block *b)
{
	unsigned char *b64 = NULL, *der = NULL;
	size_t pos = 0, nb = 0, pads = 0;
	struct line ln;
	bool data = false;
	int r, rc = -1;

	if ((b64 = malloc(n + 1)) == NULL)
		goto out;
	while (read_line(body, n, &pos, &ln)) {
		if (ln.len == 0 || ln.p[0] == '#')
			continue;
		if (!data && memchr(ln.p, ':', ln.len) != NULL) {
			if (proc_type_encrypted(&ln))
				b->proc_encrypted = true;
			continue;
		}
		data = true;
		for (size_t i = 0; i < ln.len; i++) {
			unsigned char c = (unsigned char)ln.p[i];

			if (c == ' ' || c == '\t')
				continue;
			if (c == '=')
				pads++;
			else if (!b64_char(c) || pads > 0)
				goto broken;
			b64[nb++] = c;
		}
	}
	if (nb == 0 || nb % 4 != 0 || pads > 2 || nb > INT_MAX)
		goto broken;
	if ((der = malloc(nb / 4 * 3 + 1)) == NULL)
		goto out;
	/* EVP_DecodeBlock counts the bytes that '=' stands for; drop them. */
	if ((r = EVP_DecodeBlock(der, b64, (int)nb)) < 0 || (size_t)r < pads)
		goto broken;
	b->der = der;
	b->derlen = (size_t)r - pads;
	der = NULL;
	rc = 0;
	goto out;
 broken:
	b->broken = true;
	rc = 0;
 out:
	/* The body may be a private key. */
	wipe_free(b64, nb);
	wipe_free(der, nb / 4 * 3 + 1);
	return rc;
}

void
info_iter_init(struct info_iter *it, const char *buf, size_t len)
{
	memset(it, 0, sizeof(*it));
	it->buf = buf;
	it->len = len;
}

void
info_block_clear(struct info_block *b)
{
	if (b == NULL)
		return;
	wipe_free(b->der, b->derlen);
	memset(b, 0, sizeof(*b));
}

int
info_next_block(struct info_iter *it, struct info_block *b)
{
	char label[INFO_LABEL_MAX + 1];
	size_t body = 0, start;
	struct line ln;
	bool in_block = false;

	info_block_clear(b);
	if (it->pending) {
		it->pending = false;
		in_block = true;
		memcpy(b->label, it->pending_label, sizeof(b->label));
		body = it->pending_body;
	}
	for (;;) {
		start = it->pos;
		if (!read_line(it->buf, it->len, &it->pos, &ln))
			break;
		if (ln.len > 0 && ln.p[0] == '#')
			continue;
		if (!in_block) {
			/* Text outside blocks is commentary. */
			if (is_delimiter(&ln, "BEGIN ", b->label)) {
				in_block = true;
				body = it->pos;
			}
			continue;
		}
		if (is_delimiter(&ln, "BEGIN ", label)) {
			/* The block lost its END line; the new BEGIN still
			 * starts a block of its own. */
			memcpy(it->pending_label, label, sizeof(label));
			it->pending_body = it->pos;
			it->pending = true;
			b->broken = true;
			break;
		}
		if (!is_delimiter(&ln, "END ", label))
			continue;
		if (strcmp(label, b->label) != 0)
			b->broken = true;
		else if (decode_body(it->buf + body, start - body, b) != 0)
			return -1;
		in_block = false;
		break;
	}
	if (b->label[0] == '\0')
		return 0;
	if (in_block && !it->pending)
		b->broken = true;       /* text ended inside the block */
	b->index = ++it->count;
	return 1;
}
