/*
 * Single files on a remote host, for http-01 tokens (dns.md §5.2, §5.3):
 * missing folders made (0755), the file written through a temporary name
 * and renamed, so the web server never serves half a token.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "deploy/remote_int.h"
#include "deploy/ssh_int.h"

static bool
path_ok(const char *path, struct sslm_err *err)
{
	const char *slash = strrchr(path, '/');

	if (path[0] != '/' || strstr(path, "/../") != NULL ||
	    slash == NULL || slash[1] == '\0') {
		sslm_err_set(err, "remote path '%s' must be an absolute file path "
		    "without '..'", path);
		return false;
	}
	return true;
}

int
deploy_remote_put_file(struct ssh_conn *c, const char *path, const void *data,
    size_t len, unsigned mode, struct sslm_err *err)
{
	struct remote_mirror_stats st;
	struct remote_walk w = { .c = c, .st = &st, .err = err };
	char *dir;
	int rc;

	memset(&st, 0, sizeof(st));
	if (!path_ok(path, err) || (w.sftp = ssh_conn_sftp(c, err)) == NULL)
		return -1;
	w.host = c->t.name;
	ssh_conn_set_deadline(c, 0);
	if ((dir = str_printf("%.*s", (int)(strrchr(path, '/') - path),
	    path)) == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	rc = (*dir == '\0' || remote_mkdir_p(&w, dir) == 0) &&
	    remote_upload(&w, path, NULL, data, len, mode, 0, -1, -1) == 0 ? 0 : -1;
	free(dir);
	return rc;
}

int
deploy_remote_remove_file(struct ssh_conn *c, const char *path,
    struct sslm_err *err)
{
	LIBSSH2_SFTP *sftp;

	if (!path_ok(path, err) || (sftp = ssh_conn_sftp(c, err)) == NULL)
		return -1;
	ssh_conn_set_deadline(c, 0);
	if (libssh2_sftp_unlink_ex(sftp, path, (unsigned)strlen(path)) == 0)
		return 0;
	if (libssh2_session_last_errno(c->session) == LIBSSH2_ERROR_SFTP_PROTOCOL &&
	    libssh2_sftp_last_error(sftp) == LIBSSH2_FX_NO_SUCH_FILE)
		return 0;
	sslm_err_set(err, "%s: cannot remove %s: %s", c->t.name, path,
	    remote_sftp_error(sftp, c->session));
	return -1;
}
