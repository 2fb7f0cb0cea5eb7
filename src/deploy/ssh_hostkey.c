/*
 * known_hosts, read the way OpenSSH reads it (decision DO5): plain and
 * hashed ("|1|salt|hash") host fields, patterns, "[host]:port" names,
 * @revoked and @cert-authority markers. Parsed here rather than through
 * libssh2_knownhost_*: the transport also needs the key types a host is
 * known by (libssh2 1.10 would otherwise negotiate ECDSA first and report
 * a host known only by its ed25519 key as changed).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "deploy/ssh_int.h"

#define KNOWN_HOSTS_MAX	(16 * 1024 * 1024)

char *
ssh_fingerprint_sha256(const unsigned char *blob, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char b64[64];
	int n;

	if (EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return NULL;
	n = EVP_EncodeBlock((unsigned char *)b64, md, (int)mdlen);
	while (n > 0 && b64[n - 1] == '=')
		n--;
	b64[n] = '\0';
	return str_printf("SHA256:%s", b64);
}

char *
ssh_key_type_name(const unsigned char *blob, size_t len)
{
	size_t n;

	if (len < 4)
		return NULL;
	n = ((size_t)blob[0] << 24) | ((size_t)blob[1] << 16) |
	    ((size_t)blob[2] << 8) | blob[3];
	if (n == 0 || n > 64 || n > len - 4)
		return NULL;
	return str_printf("%.*s", (int)n, (const char *)blob + 4);
}

char *
ssh_known_name(const char *host, int port)
{
	return port == 22 ? str_dup(host) : str_printf("[%s]:%d", host, port);
}

/* Decode base64 (no white space); NULL when it is not base64. */
static unsigned char *
b64_decode(const char *s, size_t *out_len)
{
	size_t len = strlen(s), pad = 0;
	unsigned char *out;
	int n;

	if (len == 0 || len % 4 != 0 || len > 64 * 1024)
		return NULL;
	if ((out = malloc(len / 4 * 3 + 1)) == NULL)
		return NULL;
	n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (n < 0) {
		free(out);
		return NULL;
	}
	if (s[len - 1] == '=')
		pad++;
	if (s[len - 2] == '=')
		pad++;
	*out_len = (size_t)n - pad;
	return out;
}

/* "|1|salt|hash": HMAC-SHA1(salt, name) == hash. */
static bool
hashed_match(const char *field, const char *name)
{
	char *copy = str_dup(field + 3), *bar;
	unsigned char *salt = NULL, *hash = NULL, md[EVP_MAX_MD_SIZE];
	size_t salt_len = 0, hash_len = 0;
	unsigned int md_len = 0;
	bool ok = false;

	if (copy == NULL || (bar = strchr(copy, '|')) == NULL)
		goto out;
	*bar = '\0';
	if ((salt = b64_decode(copy, &salt_len)) == NULL ||
	    (hash = b64_decode(bar + 1, &hash_len)) == NULL)
		goto out;
	if (HMAC(EVP_sha1(), salt, (int)salt_len, (const unsigned char *)name,
	    strlen(name), md, &md_len) == NULL)
		goto out;
	ok = md_len == hash_len && memcmp(md, hash, md_len) == 0;
 out:
	free(copy);
	free(salt);
	free(hash);
	return ok;
}

static bool
hosts_match(const char *field, const struct strvec *names)
{
	for (size_t i = 0; i < names->n; i++) {
		if (strncmp(field, "|1|", 3) == 0) {
			if (hashed_match(field, names->v[i]))
				return true;
		} else if (ssh_host_pattern_match(field, names->v[i])) {
			return true;
		}
	}
	return false;
}

struct kh_line {
	bool revoked;
	char *hosts, *type, *key;	/* point into the line */
};

/* Split one line; false for blank lines, comments, @cert-authority. */
static bool
kh_split(char *line, struct kh_line *l)
{
	char *f[4];
	size_t n = 0;
	char *save = NULL, *w;

	memset(l, 0, sizeof(*l));
	for (w = strtok_r(line, " \t\r", &save); w != NULL && n < 4;
	    w = strtok_r(NULL, " \t\r", &save))
		f[n++] = w;
	if (n == 0 || f[0][0] == '#')
		return false;
	if (f[0][0] == '@') {
		if (strcmp(f[0], "@revoked") != 0 || n < 4)
			return false;
		l->revoked = true;
		l->hosts = f[1];
		l->type = f[2];
		l->key = f[3];
		return true;
	}
	if (n < 3)
		return false;
	l->hosts = f[0];
	l->type = f[1];
	l->key = f[2];
	return true;
}

/* Call fn for every line of every file that names one of names. */
typedef void (*kh_fn)(const struct kh_line *l, const char *file, size_t lineno,
    void *arg);

static void
kh_walk(const struct strvec *files, const struct strvec *names, kh_fn fn,
    void *arg)
{
	for (size_t f = 0; f < files->n; f++) {
		char *data = NULL, *line, *next;
		size_t len, lineno = 0;
		struct sslm_err err;

		if (access(files->v[f], F_OK) == -1 ||
		    fs_read_file(files->v[f], KNOWN_HOSTS_MAX, &data, &len, &err) == -1)
			continue;
		for (line = data; line != NULL; line = next) {
			struct kh_line l;

			next = strchr(line, '\n');
			if (next != NULL)
				*next++ = '\0';
			lineno++;
			if (kh_split(line, &l) && hosts_match(l.hosts, names))
				fn(&l, files->v[f], lineno, arg);
		}
		free(data);
	}
}

struct check_state {
	const unsigned char *blob;
	size_t len;
	const char *type;
	bool match, mismatch, revoked;
	char *where;
};

static void
check_one(const struct kh_line *l, const char *file, size_t lineno, void *arg)
{
	struct check_state *st = arg;
	unsigned char *key;
	size_t klen = 0;
	bool same;

	if ((key = b64_decode(l->key, &klen)) == NULL)
		return;
	same = klen == st->len && memcmp(key, st->blob, klen) == 0;
	free(key);
	if (l->revoked) {
		if (same)
			st->revoked = true;
		return;
	}
	if (strcmp(l->type, st->type) != 0)
		return;
	if (same) {
		st->match = true;
	} else if (!st->mismatch) {
		st->mismatch = true;
		st->where = str_printf("%s:%zu", file, lineno);
	}
}

enum ssh_hostkey_verdict
ssh_hostkey_check(const struct strvec *files, const struct strvec *names,
    const unsigned char *blob, size_t len, char **where)
{
	struct check_state st = { .blob = blob, .len = len };
	char *type = ssh_key_type_name(blob, len);
	enum ssh_hostkey_verdict v;

	*where = NULL;
	if (type == NULL)
		return SSH_HOSTKEY_UNKNOWN;
	st.type = type;
	kh_walk(files, names, check_one, &st);
	free(type);
	if (st.revoked)
		v = SSH_HOSTKEY_REVOKED;
	else if (st.match)
		v = SSH_HOSTKEY_MATCH;
	else if (st.mismatch)
		v = SSH_HOSTKEY_CHANGED;
	else
		v = SSH_HOSTKEY_UNKNOWN;
	if (v == SSH_HOSTKEY_CHANGED)
		*where = st.where;
	else
		free(st.where);
	return v;
}

static void
type_one(const struct kh_line *l, const char *file, size_t lineno, void *arg)
{
	struct strvec *types = arg;

	(void)file;
	(void)lineno;
	if (!l->revoked && !strvec_contains(types, l->type))
		(void)strvec_push(types, l->type);
}

void
ssh_hostkey_known_types(const struct strvec *files, const struct strvec *names,
    struct strvec *types)
{
	kh_walk(files, names, type_one, types);
}

int
ssh_hostkey_append(const char *file, const char *name,
    const unsigned char *blob, size_t len, struct sslm_err *err)
{
	char *type = ssh_key_type_name(blob, len), *b64 = NULL, *line = NULL;
	char *dir = str_dup(file), *slash;
	int fd = -1, rc = -1;
	size_t n;

	if (type == NULL || dir == NULL ||
	    (b64 = malloc((len + 2) / 3 * 4 + 1)) == NULL) {
		sslm_err_set(err, "cannot add the host key of %s to %s", name, file);
		goto out;
	}
	EVP_EncodeBlock((unsigned char *)b64, blob, (int)len);
	if ((line = str_printf("%s %s %s\n", name, type, b64)) == NULL)
		goto out;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (fs_mkdir_p(dir, 0700, err) == -1)
			goto out;
	}
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		sslm_err_errno(err, errno, "cannot open %s", file);
		goto out;
	}
	n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n || fsync(fd) == -1) {
		sslm_err_errno(err, errno, "cannot write %s", file);
		goto out;
	}
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	free(type);
	free(b64);
	free(line);
	free(dir);
	return rc;
}
