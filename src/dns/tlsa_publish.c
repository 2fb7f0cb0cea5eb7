/*
 * Publication of certs/<g>/tlsa.<g> into the DNS server's include
 * directories ([dns] tlsa_dirs, tlsa.md §7.3 step 1).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns/tlsa_int.h"

/* One copy: directory made if missing, atomic write, source times. */
static int
copy_one(const char *dir, const char *name, const char *data, size_t len,
    const struct stat *st, struct sslm_err *err)
{
	struct timespec times[2];
	char *dst = NULL;
	int rc = -1;

	if ((dst = fs_path_join(dir, name)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (fs_mkdir_p(dir, 0777, err) != 0)
		goto out;
	if (fs_write_atomic(dst, data, len, 0666, err) != 0)
		goto out;
	times[0] = st->st_atim;
	times[1] = st->st_mtim;
	if (utimensat(AT_FDCWD, dst, times, 0) == -1) {
		sslm_err_errno(err, errno, "cannot set the times of %s", dst);
		goto out;
	}
	log_verb("copy %s -> %s", name, dst);
	rc = 0;
 out:
	free(dst);
	return rc;
}

int
dns_tlsa_publish(const char *top, const char *group, const struct strvec *dirs,
    bool debug, struct sslm_err *err)
{
	struct sslm_err one;
	struct stat st;
	char *name = NULL, *src = NULL, *data = NULL;
	size_t len = 0, failed = 0;
	int rc = -1;

	if ((name = str_printf("tlsa.%s", group)) == NULL ||
	    (src = str_printf("%s/certs/%s/%s", top, group, name)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (stat(src, &st) == -1) {
		sslm_err_errno(err, errno, "cannot publish %s", src);
		goto out;
	}
	if (fs_read_file(src, TLSA_FILE_MAX, &data, &len, err) != 0)
		goto out;
	/* Every directory is tried: one broken destination must not keep
	 * the records from the others. The first failure is reported. */
	for (size_t i = 0; i < dirs->n; i++) {
		if (debug) {
			log_msg("debug: copy %s -> %s/%s", src, dirs->v[i], name);
			continue;
		}
		sslm_err_clear(&one);
		if (copy_one(dirs->v[i], name, data, len, &st, &one) != 0 &&
		    failed++ == 0)
			sslm_err_set(err, "%s", one.msg);
	}
	if (failed > 1 && err != NULL) {
		size_t n = strlen(err->msg);

		snprintf(err->msg + n, sizeof(err->msg) - n, " (and %zu more "
		    "tlsa_dirs failed)", failed - 1);
	}
	rc = failed == 0 ? 0 : -1;
 out:
	free(name);
	free(src);
	free(data);
	return rc;
}
