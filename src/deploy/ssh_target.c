/*
 * Where and how to reach one "servers" entry (distribution.md §8.1, DO1):
 * a key written in [ssh] wins, then the ssh config file's matching Host
 * blocks, then ssh's defaults; the user of a "user@host" entry wins over
 * all of them.
 */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/conf.h"
#include "deploy/ssh_int.h"

void
ssh_target_init(struct ssh_target *t)
{
	memset(t, 0, sizeof(*t));
	strvec_init(&t->identity_files);
	strvec_init(&t->known_hosts);
}

void
ssh_target_clear(struct ssh_target *t)
{
	free(t->name);
	free(t->host);
	free(t->hostname);
	free(t->user);
	strvec_clear(&t->identity_files);
	strvec_clear(&t->known_hosts);
	ssh_target_init(t);
}

static bool
user_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static bool
host_char(char c)
{
	return user_char(c) || c == ':';
}

/* The entry goes into error messages, known_hosts lines and the remote
 * command line of nothing: still, only names ssh itself would accept. */
static int
check_server(const char *server, const char **at, struct sslm_err *err)
{
	const char *host;

	*at = strrchr(server, '@');
	host = *at != NULL ? *at + 1 : server;
	if (*server == '\0' || strlen(server) > 300) {
		sslm_err_set(err, "server entry '%s': empty or too long", server);
		return -1;
	}
	if (*server == '-' || *host == '-' || *host == '\0') {
		sslm_err_set(err, "server entry '%s': a host name cannot be empty "
		    "or start with '-'", server);
		return -1;
	}
	for (const char *p = server; p < (*at != NULL ? *at : server); p++)
		if (!user_char(*p)) {
			sslm_err_set(err, "server entry '%s': the user name may only "
			    "hold letters, digits, '.', '_' and '-'", server);
			return -1;
		}
	if (*at == server) {
		sslm_err_set(err, "server entry '%s': empty user name", server);
		return -1;
	}
	for (const char *p = host; *p != '\0'; p++)
		if (!host_char(*p)) {
			sslm_err_set(err, "server entry '%s': the host name may only "
			    "hold letters, digits, '.', '_', '-' and ':'", server);
			return -1;
		}
	return 0;
}

static int
copy_list(const struct strvec *src, const char *host, const char *user,
    bool expand, struct strvec *dst, struct sslm_err *err)
{
	for (size_t i = 0; i < src->n; i++) {
		char *p = expand ? ssh_cfg_expand(src->v[i], host, user) :
		    str_dup(src->v[i]);

		if (p == NULL) {
			sslm_err_set(err, "cannot expand '%s' (unknown %%-token?)",
			    src->v[i]);
			return -1;
		}
		if (strvec_push_owned(dst, p) == -1) {
			sslm_err_set(err, "out of memory");
			return -1;
		}
	}
	return 0;
}

int
ssh_target_resolve(const struct conf_ssh *cs, const char *server,
    struct ssh_target *t, struct strvec *warnings, struct sslm_err *err)
{
	struct ssh_cfg_values v;
	const char *at;
	struct passwd *pw;
	int rc = -1;

	ssh_target_clear(t);
	ssh_cfg_values_init(&v);
	if (check_server(server, &at, err) == -1)
		goto out;
	if ((t->name = str_dup(server)) == NULL ||
	    (t->host = str_dup(at != NULL ? at + 1 : server)) == NULL)
		goto oom;
	if (cs->config_file != NULL && *cs->config_file != '\0' &&
	    ssh_cfg_read(cs->config_file, t->host, &v, warnings, err) == -1)
		goto out;

	if (at != NULL)
		t->user = str_printf("%.*s", (int)(at - server), server);
	else if (cs->user != NULL)
		t->user = str_dup(cs->user);
	else if (v.user != NULL)
		t->user = ssh_cfg_expand(v.user, t->host, NULL);
	else
		t->user = str_dup((pw = getpwuid(geteuid())) != NULL ?
		    pw->pw_name : "root");
	if (t->user == NULL)
		goto oom;
	t->hostname = v.hostname != NULL ?
	    ssh_cfg_expand(v.hostname, t->host, t->user) : str_dup(t->host);
	if (t->hostname == NULL) {
		sslm_err_set(err, "%s: HostName '%s' in %s cannot be expanded",
		    server, v.hostname, cs->config_file);
		goto out;
	}
	t->port = cs->has_port ? cs->port : v.port > 0 ? v.port : 22;
	if (cs->has_identity_files || v.identity_files.n == 0) {
		if (copy_list(&cs->identity_files, t->hostname, t->user, false,
		    &t->identity_files, err) == -1)
			goto out;
	} else if (copy_list(&v.identity_files, t->hostname, t->user, true,
	    &t->identity_files, err) == -1) {
		goto out;
	}
	if (cs->has_known_hosts || v.known_hosts.n == 0) {
		if (copy_list(&cs->known_hosts, t->hostname, t->user, false,
		    &t->known_hosts, err) == -1)
			goto out;
	} else if (copy_list(&v.known_hosts, t->hostname, t->user, true,
	    &t->known_hosts, err) == -1) {
		goto out;
	}
	t->accept_new = cs->has_strict ? cs->strict == CONF_SSH_STRICT_ACCEPT_NEW :
	    v.strict == 1;
	t->connect_timeout = cs->has_connect_timeout ? cs->connect_timeout :
	    v.connect_timeout > 0 ? v.connect_timeout : cs->connect_timeout;
	if (t->connect_timeout <= 0)
		t->connect_timeout = 30;
	t->command_timeout = cs->command_timeout > 0 ? cs->command_timeout : 300;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	ssh_cfg_values_clear(&v);
	if (rc == -1) {
		struct sslm_err keep = *err;

		ssh_target_clear(t);
		*err = keep;
	}
	return rc;
}
