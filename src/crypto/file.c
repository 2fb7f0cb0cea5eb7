/* Bounded reading of small input files (PEM certificates, chains). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto_int.h"

int
crypto_read_file(const char *path, size_t max, char **bufp, size_t *lenp,
    struct sslm_err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t r;
	int fd = -1, rc = -1;

	*bufp = NULL;
	*lenp = 0;
	/* O_NONBLOCK: opening a FIFO planted where cert.pem should be must
	 * not hang a cron run; regular files ignore the flag. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1) {
		sslm_err_errno(err, errno, "%s: cannot open", path);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		sslm_err_errno(err, errno, "%s: cannot stat", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		sslm_err_set(err, "%s: is not a regular file", path);
		goto out;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		sslm_err_set(err, "%s: too large (%lld bytes, at most %zu)",
		    path, (long long)st.st_size, max);
		goto out;
	}
	/* One byte more than allowed, to notice a file that grew meanwhile. */
	if ((buf = malloc(max + 2)) == NULL) {
		sslm_err_set(err, "%s: out of memory", path);
		goto out;
	}
	while (len <= max) {
		r = read(fd, buf + len, max + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			sslm_err_errno(err, errno, "%s: cannot read", path);
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > max) {
		sslm_err_set(err, "%s: too large (more than %zu bytes)", path, max);
		goto out;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	buf = NULL;
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	free(buf);
	return rc;
}
