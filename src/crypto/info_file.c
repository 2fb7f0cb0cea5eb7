/* sslm-info's loop over inputs and blocks (tools.md §2.1-§2.2). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "crypto/crypto_int.h"
#include "crypto/info_int.h"

#define DASHES_70 \
	"----------------------------------------------------------------------"

int
crypto_info_pem(const char *buf, size_t len, const char *name,
    enum crypto_info_style style, time_t now, BIO *out)
{
	struct info_iter it;
	struct info_block b = { .index = 0 };
	int r, problems = 0;

	if (name == NULL)
		name = "PEM input";
	info_iter_init(&it, buf, len);
	while ((r = info_next_block(&it, &b)) == 1) {
		if (style == CRYPTO_INFO_SUMMARY)
			BIO_printf(out, "%s\n%s\n\n", DASHES_70, name);
		else if (style == CRYPTO_INFO_VERBOSE)
			BIO_printf(out, "%s\n", DASHES_70);
		if (info_describe_block(out, &b, name, style, now) != 0 &&
		    problems < INT_MAX)
			problems++;
	}
	info_block_clear(&b);
	if (r < 0 || it.count == 0) {
		/* The original printed nothing at all for a text without
		 * blocks; say why. */
		BIO_printf(out, r < 0 ? "Error: out of memory reading %s\n" :
		    "Error: no PEM block found in %s\n", name);
		if (style == CRYPTO_INFO_FIELDS)
			BIO_puts(out, "\n");
		problems++;
	}
	return problems;
}

/* Standard input up to max bytes (it may be a pipe or a terminal, which
 * crypto_read_file refuses). */
static int
read_stdin(size_t max, char **bufp, size_t *lenp, struct sslm_err *err)
{
	char *buf;
	size_t len = 0;
	ssize_t r;

	*bufp = NULL;
	*lenp = 0;
	if ((buf = malloc(max + 2)) == NULL) {
		sslm_err_set(err, "stdin: out of memory");
		return -1;
	}
	while (len <= max) {
		r = read(STDIN_FILENO, buf + len, max + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			sslm_err_errno(err, errno, "stdin: cannot read");
			free(buf);      /* nothing secret read yet */
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > max) {
		sslm_err_set(err, "stdin: too large (more than %zu bytes)", max);
		OPENSSL_cleanse(buf, max + 1);
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
crypto_info_file(const char *path, enum crypto_info_style style, time_t now,
    BIO *out, struct sslm_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (path == NULL)
		rc = read_stdin(CRYPTO_PEM_MAX, &buf, &len, err);
	else
		rc = crypto_read_file(path, CRYPTO_PEM_MAX, &buf, &len, err);
	if (rc != 0) {
		BIO_printf(out, "Error reading %s\n", path != NULL ? path : "stdin");
		return -1;
	}
	rc = crypto_info_pem(buf, len, path != NULL ? path : "stdin", style,
	    now, out);
	/* The input may hold private keys. */
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}
