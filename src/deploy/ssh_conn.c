/*
 * One SSH connection (distribution.md §8.1): TCP connect with a timeout,
 * handshake, strict host-key check (DO5), then ssh-agent and identity
 * files. libssh2 sessions are used in blocking mode with a per-call
 * timeout taken from the connection's deadline; the exec channel switches
 * to non-blocking to read stdout and stderr together (ssh_exec.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deploy/ssh_int.h"

#define GLOBAL_KNOWN_HOSTS "/etc/ssh/ssh_known_hosts"

double
ssh_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long
ssh_ms_left(const struct ssh_conn *c)
{
	double left = c->deadline - ssh_now();

	return left <= 0.001 ? 1 : (long)(left * 1000.0);
}

const char *
ssh_last_error(LIBSSH2_SESSION *s)
{
	char *msg = NULL;

	if (s == NULL)
		return "no session";
	libssh2_session_last_error(s, &msg, NULL, 0);
	return msg != NULL && *msg != '\0' ? msg : "unknown libssh2 error";
}

int
ssh_wait_socket(struct ssh_conn *c)
{
	struct pollfd pfd = { .fd = c->sock };
	int dir = libssh2_session_block_directions(c->session), r;

	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		pfd.events |= POLLIN;
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		pfd.events |= POLLOUT;
	if (pfd.events == 0)
		pfd.events = POLLIN;
	if (ssh_now() >= c->deadline)
		return -1;
	do
		r = poll(&pfd, 1, (int)ssh_ms_left(c));
	while (r == -1 && errno == EINTR);
	return r > 0 ? 0 : -1;
}

int
deploy_ssh_global_init(struct sslm_err *err)
{
	struct sigaction sa;

	/* A peer that goes away must be an error return, not SIGPIPE. */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		(void)sigaction(SIGPIPE, &sa, NULL);
	}
	if (libssh2_init(0) != 0) {
		sslm_err_set(err, "libssh2 could not be initialised");
		return -1;
	}
	return 0;
}

void
deploy_ssh_global_clear(void)
{
	libssh2_exit();
}

/* ---- TCP ------------------------------------------------------------------ */

static int
connect_one(const struct addrinfo *ai, double deadline, int *out_err)
{
	int fd, flags, r, soerr = 0;
	socklen_t slen = sizeof(soerr);
	struct pollfd pfd;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		*out_err = errno;
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	(void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	r = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (r == -1 && errno != EINPROGRESS) {
		*out_err = errno;
		close(fd);
		return -1;
	}
	if (r == -1) {
		double left = deadline - ssh_now();

		pfd.fd = fd;
		pfd.events = POLLOUT;
		do
			r = poll(&pfd, 1, left > 0 ? (int)(left * 1000) : 0);
		while (r == -1 && errno == EINTR);
		if (r == 0) {
			*out_err = ETIMEDOUT;
			close(fd);
			return -1;
		}
		if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) == -1 ||
		    soerr != 0) {
			*out_err = soerr != 0 ? soerr : errno;
			close(fd);
			return -1;
		}
	}
	(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

static int
tcp_connect(struct ssh_conn *c, struct sslm_err *err)
{
	const struct ssh_target *t = &c->t;
	struct addrinfo hints, *res = NULL, *ai;
	char port[16], host[256], serv[32];
	double deadline = ssh_now() + t->connect_timeout;
	int r, last = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", t->port);
	if ((r = getaddrinfo(t->hostname, port, &hints, &res)) != 0) {
		sslm_err_set(err, "%s: cannot resolve %s: %s", t->name, t->hostname,
		    gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ssh_now() >= deadline) {
			last = ETIMEDOUT;
			break;
		}
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), serv,
		    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			snprintf(host, sizeof(host), "%s", t->hostname);
		free(c->addr);
		c->addr = ai->ai_family == AF_INET6 ? str_printf("[%s]:%d", host,
		    t->port) : str_printf("%s:%d", host, t->port);
		if ((c->sock = connect_one(ai, deadline, &last)) != -1)
			break;
	}
	freeaddrinfo(res);
	if (c->sock == -1) {
		sslm_err_set(err, "%s: cannot connect to %s: %s%s", t->name,
		    c->addr != NULL ? c->addr : t->hostname, strerror(last),
		    last == ETIMEDOUT ? " (connect_timeout; is the host up and "
		    "the port open?)" : "");
		return -1;
	}
	return 0;
}

/* ---- host key --------------------------------------------------------------- */

static void
lookup_setup(const struct ssh_conn *c, struct strvec *files, struct strvec *names)
{
	const struct ssh_target *t = &c->t;
	char *addr = NULL;

	for (size_t i = 0; i < t->known_hosts.n; i++)
		(void)strvec_push(files, t->known_hosts.v[i]);
	(void)strvec_push(files, GLOBAL_KNOWN_HOSTS);
	(void)strvec_push_owned(names, ssh_known_name(t->host, t->port));
	if (strcmp(t->hostname, t->host) != 0)
		(void)strvec_push_owned(names, ssh_known_name(t->hostname, t->port));
	/* the numeric address (what ssh-keyscan of an address writes) */
	if (c->addr != NULL) {
		const char *a = c->addr;
		size_t n;

		if (*a == '[') {
			a++;
			n = strcspn(a, "]");
		} else {
			n = strcspn(a, ":");
		}
		addr = str_printf("%.*s", (int)n, a);
		if (addr != NULL && strcmp(addr, t->hostname) != 0)
			(void)strvec_push_owned(names, ssh_known_name(addr, t->port));
		free(addr);
	}
}

/* Is method among the host key algorithms this libssh2 supports? */
static bool
hostkey_supported(LIBSSH2_SESSION *s, const char *method)
{
	const char **algs = NULL;
	int n = libssh2_session_supported_algs(s, LIBSSH2_METHOD_HOSTKEY, &algs);
	bool found = false;

	for (int i = 0; i < n; i++)
		if (strcmp(algs[i], method) == 0)
			found = true;
	if (algs != NULL)
		libssh2_free(s, (void *)algs);
	return found;
}

/* The handshake's host key algorithms: the types known for this host, so
 * that the server shows the key known_hosts has (see ssh_hostkey.c). Only
 * names libssh2 supports are passed: libssh2 1.10 drops unsupported ones
 * with an overlapping memcpy. */
static void
prefer_known_types(struct ssh_conn *c, const struct strvec *files,
    const struct strvec *names)
{
	static const char *const rsa[] = { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" };
	struct strvec types, methods;
	char *pref = NULL;

	strvec_init(&types);
	strvec_init(&methods);
	ssh_hostkey_known_types(files, names, &types);
	for (size_t i = 0; i < types.n; i++) {
		if (strcmp(types.v[i], "ssh-rsa") == 0) {
			for (size_t k = 0; k < sizeof(rsa) / sizeof(rsa[0]); k++)
				if (!strvec_contains(&methods, rsa[k]))
					(void)strvec_push(&methods, rsa[k]);
		} else if (!strvec_contains(&methods, types.v[i])) {
			(void)strvec_push(&methods, types.v[i]);
		}
	}
	for (size_t i = 0; i < methods.n; i++) {
		char *p;

		if (!hostkey_supported(c->session, methods.v[i]))
			continue;
		p = str_printf("%s%s%s", pref != NULL ? pref : "",
		    pref != NULL ? "," : "", methods.v[i]);
		free(pref);
		pref = p;
	}
	if (pref != NULL)
		(void)libssh2_session_method_pref(c->session, LIBSSH2_METHOD_HOSTKEY,
		    pref);
	free(pref);
	strvec_clear(&types);
	strvec_clear(&methods);
}

static int
check_host_key(struct ssh_conn *c, const struct strvec *files,
    const struct strvec *names, struct strvec *notes, struct sslm_err *err)
{
	const struct ssh_target *t = &c->t;
	const char *key;
	size_t len = 0;
	int type = 0;
	char *fp = NULL, *ktype = NULL, *where = NULL, *kname = NULL;
	const char *first = t->known_hosts.n > 0 ? t->known_hosts.v[0] :
	    "~/.ssh/known_hosts";
	int rc = -1;

	key = libssh2_session_hostkey(c->session, &len, &type);
	if (key == NULL || len == 0) {
		sslm_err_set(err, "%s (%s): the server sent no host key", t->name,
		    c->addr);
		return -1;
	}
	fp = ssh_fingerprint_sha256((const unsigned char *)key, len);
	ktype = ssh_key_type_name((const unsigned char *)key, len);
	kname = ssh_known_name(t->host, t->port);
	if (fp == NULL || ktype == NULL || kname == NULL) {
		sslm_err_set(err, "%s: cannot read the server's host key", t->name);
		goto out;
	}
	switch (ssh_hostkey_check(files, names, (const unsigned char *)key, len,
	    &where)) {
	case SSH_HOSTKEY_MATCH:
		rc = 0;
		break;
	case SSH_HOSTKEY_UNKNOWN:
		if (t->accept_new) {
			if (ssh_hostkey_append(first, kname, (const unsigned char *)key,
			    len, err) == 0) {
				if (notes != NULL)
					(void)strvec_push_owned(notes, str_printf(
					    "%s: new host key %s %s added to %s "
					    "(StrictHostKeyChecking accept-new)",
					    t->name, ktype, fp, first));
				rc = 0;
			}
			break;
		}
		sslm_err_set(err, "host key of %s (%s) is not known: %s %s. Check "
		    "the fingerprint with the server's admin, then accept it with: "
		    "ssh-keyscan -p %d -t %s %s >> %s (or set "
		    "StrictHostKeyChecking accept-new for this host); nothing was "
		    "sent", t->name, c->addr, ktype, fp, t->port,
		    strstr(ktype, "ed25519") != NULL ? "ed25519" :
		    strncmp(ktype, "ecdsa", 5) == 0 ? "ecdsa" :
		    strstr(ktype, "rsa") != NULL ? "rsa" : ktype, t->hostname, first);
		break;
	case SSH_HOSTKEY_CHANGED:
		sslm_err_set(err, "host key of %s (%s) has CHANGED: the server "
		    "offers %s %s but %s holds another %s key. This may be an attack "
		    "or a reinstalled server; nothing was sent. If the change is "
		    "expected, remove the old key with: ssh-keygen -R '%s' -f %.*s, "
		    "then accept the new one", t->name, c->addr, ktype, fp, where,
		    ktype, kname, (int)strcspn(where, ":"), where);
		break;
	case SSH_HOSTKEY_REVOKED:
		sslm_err_set(err, "host key of %s (%s) is marked @revoked in "
		    "known_hosts: %s %s; refused", t->name, c->addr, ktype, fp);
		break;
	}
 out:
	free(fp);
	free(ktype);
	free(where);
	free(kname);
	return rc;
}

/* ---- authentication ----------------------------------------------------------- */

static bool
try_agent(struct ssh_conn *c, int *n_keys)
{
	LIBSSH2_AGENT *agent;
	struct libssh2_agent_publickey *id = NULL, *prev = NULL;
	bool ok = false;

	*n_keys = 0;
	if (getenv("SSH_AUTH_SOCK") == NULL || *getenv("SSH_AUTH_SOCK") == '\0')
		return false;
	if ((agent = libssh2_agent_init(c->session)) == NULL)
		return false;
	if (libssh2_agent_connect(agent) == 0 &&
	    libssh2_agent_list_identities(agent) == 0) {
		while (!ok && libssh2_agent_get_identity(agent, &id, prev) == 0) {
			(*n_keys)++;
			if (libssh2_agent_userauth(agent, c->t.user, id) == 0)
				ok = true;
			prev = id;
		}
		libssh2_agent_disconnect(agent);
	}
	libssh2_agent_free(agent);
	return ok;
}

/* An RSA key file (PEM "RSA" header, or an OpenSSH key whose name says
 * rsa): the one kind libssh2 1.10 signs with SHA-1 only. */
static bool
looks_rsa(const char *path)
{
	char *data = NULL;
	size_t len;
	struct sslm_err e;
	bool rsa;

	if (fs_read_file(path, 64 * 1024, &data, &len, &e) == -1)
		return false;
	rsa = strstr(data, "BEGIN RSA PRIVATE KEY") != NULL ||
	    strstr(path, "rsa") != NULL;
	free(data);
	return rsa;
}

static int
authenticate(struct ssh_conn *c, struct sslm_err *err)
{
	const struct ssh_target *t = &c->t;
	struct strvec tried;
	bool rsa_tried = false, encrypted = false;
	int n_agent = 0, rc = -1;
	char *list = NULL;

	if (try_agent(c, &n_agent))
		return 0;
	strvec_init(&tried);
	for (size_t i = 0; i < t->identity_files.n; i++) {
		const char *path = t->identity_files.v[i];
		int r;

		if (access(path, R_OK) == -1)
			continue;
		(void)strvec_push(&tried, path);
		r = libssh2_userauth_publickey_fromfile_ex(c->session, t->user,
		    (unsigned)strlen(t->user), NULL, path, NULL);
		if (r == 0) {
			rc = 0;
			goto out;
		}
		if (r == LIBSSH2_ERROR_FILE)
			encrypted = true;
		if (looks_rsa(path))
			rsa_tried = true;
		if (r == LIBSSH2_ERROR_TIMEOUT || r == LIBSSH2_ERROR_SOCKET_DISCONNECT)
			break;
	}
	list = str_dup("");
	for (size_t i = 0; list != NULL && i < tried.n; i++) {
		char *l = str_printf("%s%s%s", list, *list ? ", " : "", tried.v[i]);

		free(list);
		list = l;
	}
	if (tried.n == 0 && n_agent == 0)
		sslm_err_set(err, "%s (%s): no key to log in as %s: no ssh-agent key "
		    "and none of the identity files exists (set IdentityFile in the "
		    "ssh config or [ssh] identity_files)", t->name, c->addr, t->user);
	else
		sslm_err_set(err, "%s (%s): login as %s refused for every key "
		    "(ssh-agent: %d key(s); files: %s)%s%s", t->name, c->addr, t->user,
		    n_agent, list != NULL && *list ? list : "none",
		    rsa_tried ? "; note: libssh2 1.10 signs RSA keys with SHA-1 "
		    "only, which OpenSSH 8.8 and later refuse: use an ed25519 or "
		    "ECDSA key" : "",
		    encrypted ? "; a key that cannot be read may be encrypted: "
		    "load it into ssh-agent (no passphrase is asked)" : "");
 out:
	free(list);
	strvec_clear(&tried);
	return rc;
}

/* ---- the connection ---------------------------------------------------------- */

static int
copy_target(struct ssh_target *dst, const struct ssh_target *src)
{
	ssh_target_init(dst);
	dst->name = str_dup(src->name);
	dst->host = str_dup(src->host);
	dst->hostname = str_dup(src->hostname);
	dst->user = str_dup(src->user);
	dst->port = src->port;
	dst->accept_new = src->accept_new;
	dst->connect_timeout = src->connect_timeout;
	dst->command_timeout = src->command_timeout;
	for (size_t i = 0; i < src->identity_files.n; i++)
		if (strvec_push(&dst->identity_files, src->identity_files.v[i]) == -1)
			return -1;
	for (size_t i = 0; i < src->known_hosts.n; i++)
		if (strvec_push(&dst->known_hosts, src->known_hosts.v[i]) == -1)
			return -1;
	return dst->name == NULL || dst->host == NULL || dst->hostname == NULL ||
	    dst->user == NULL ? -1 : 0;
}

int
ssh_conn_open(const struct ssh_target *t, struct ssh_conn **out,
    struct strvec *notes, struct sslm_err *err)
{
	struct ssh_conn *c = calloc(1, sizeof(*c));
	struct strvec files, names;
	int r;

	*out = NULL;
	strvec_init(&files);
	strvec_init(&names);
	if (c == NULL || (c->sock = -1, copy_target(&c->t, t)) == -1) {
		sslm_err_set(err, "out of memory");
		goto fail;
	}
	if (tcp_connect(c, err) == -1)
		goto fail;
	c->deadline = ssh_now() + c->t.connect_timeout;
	if ((c->session = libssh2_session_init()) == NULL) {
		sslm_err_set(err, "%s: libssh2 cannot make a session", t->name);
		goto fail;
	}
	libssh2_session_set_blocking(c->session, 1);
	libssh2_session_set_timeout(c->session, ssh_ms_left(c));
	lookup_setup(c, &files, &names);
	prefer_known_types(c, &files, &names);
	if ((r = libssh2_session_handshake(c->session, c->sock)) != 0) {
		sslm_err_set(err, "%s (%s): SSH handshake failed: %s", t->name,
		    c->addr, ssh_last_error(c->session));
		goto fail;
	}
	if (check_host_key(c, &files, &names, notes, err) == -1 ||
	    authenticate(c, err) == -1)
		goto fail;
	ssh_conn_set_deadline(c, 0);
	strvec_clear(&files);
	strvec_clear(&names);
	*out = c;
	return 0;
 fail:
	strvec_clear(&files);
	strvec_clear(&names);
	ssh_conn_close(c);
	return -1;
}

void
ssh_conn_close(struct ssh_conn *c)
{
	if (c == NULL)
		return;
	if (c->session != NULL) {
		/* a dead peer must not keep us waiting on the goodbye */
		libssh2_session_set_timeout(c->session, 2000);
		if (c->sftp != NULL)
			libssh2_sftp_shutdown(c->sftp);
		libssh2_session_disconnect(c->session, "done");
		libssh2_session_free(c->session);
	}
	if (c->sock != -1)
		close(c->sock);
	ssh_target_clear(&c->t);
	free(c->addr);
	free(c);
}

const struct ssh_target *
ssh_conn_target(const struct ssh_conn *c)
{
	return &c->t;
}

bool
ssh_conn_is_root(const struct ssh_conn *c)
{
	return strcmp(c->t.user, "root") == 0;
}

void *
ssh_conn_sftp(struct ssh_conn *c, struct sslm_err *err)
{
	if (c->sftp == NULL && (c->sftp = libssh2_sftp_init(c->session)) == NULL)
		sslm_err_set(err, "%s (%s): no SFTP: %s (the server needs the sftp "
		    "subsystem)", c->t.name, c->addr, ssh_last_error(c->session));
	return c->sftp;
}

void
ssh_conn_set_deadline(struct ssh_conn *c, double deadline)
{
	c->deadline = deadline > 0 ? deadline : ssh_now() + c->t.command_timeout;
	libssh2_session_set_timeout(c->session, ssh_ms_left(c));
}

bool
ssh_conn_expired(const struct ssh_conn *c)
{
	return ssh_now() >= c->deadline;
}

char *
remote_quote(const char *s)
{
	size_t n = 3;
	char *out, *o;

	for (const char *p = s; *p != '\0'; p++)
		n += *p == '\'' ? 4 : 1;
	if ((out = malloc(n)) == NULL)
		return NULL;
	o = out;
	*o++ = '\'';
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

int
ssh_conn_rename(struct ssh_conn *c, const char *from, const char *to,
    struct sslm_err *err)
{
	LIBSSH2_SFTP *sftp = ssh_conn_sftp(c, err);
	struct ssh_exec_result r;
	char *qf = NULL, *qt = NULL, *cmd = NULL;
	int rc = -1;

	if (sftp == NULL)
		return -1;
	/*
	 * SFTP v3 rename (OpenSSH: link + unlink) never replaces a file, so it
	 * is atomic for a new name; an existing name is replaced by rename(2)
	 * on the server through mv (libssh2 1.10 has no posix-rename).
	 */
	if (libssh2_sftp_rename_ex(sftp, from, (unsigned)strlen(from), to,
	    (unsigned)strlen(to), LIBSSH2_SFTP_RENAME_OVERWRITE |
	    LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE) == 0)
		return 0;
	ssh_exec_result_init(&r);
	if ((qf = remote_quote(from)) == NULL || (qt = remote_quote(to)) == NULL ||
	    (cmd = str_printf("mv -f -- %s %s", qf, qt)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (ssh_conn_exec(c, cmd, 0, &r, err) == -1)
		goto out;
	if (!r.exited || r.exit_status != 0) {
		r.err_out[strcspn(r.err_out, "\n")] = '\0';
		sslm_err_set(err, "%s: cannot rename %s to %s: %s", c->t.name, from,
		    to, *r.err_out != '\0' ? r.err_out : "mv failed");
		goto out;
	}
	rc = 0;
 out:
	ssh_exec_result_clear(&r);
	free(qf);
	free(qt);
	free(cmd);
	return rc;
}
