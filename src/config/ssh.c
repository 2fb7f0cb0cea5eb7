/*
 * [ssh] of ssl-mgr.conf (config.md §3.10; decisions DO1, DO5-DO7): settings
 * for the libssh2 transport. A key written here wins over the ssh config
 * file, so the model remembers which keys were written.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

static const char *const ssh_keys[] = {
	"config_file", "user", "port", "identity_files", "known_hosts",
	"strict_host_key_checking", "connect_timeout", "command_timeout",
	"max_parallel",
};

static const char *const default_ids[] = {
	"~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa",
};

/* Every entry through path_resolve_home(). */
static int
resolve_all(struct strvec *sv, const char *top)
{
	for (size_t i = 0; i < sv->n; i++) {
		char *p = path_resolve_home(top, sv->v[i]);

		if (p == NULL)
			return -1;
		free(sv->v[i]);
		sv->v[i] = p;
	}
	return 0;
}

static int
ssh_defaults(struct conf *c)
{
	struct conf_ssh *s = &c->ssh;

	s->port = 22;
	s->strict = CONF_SSH_STRICT_YES;
	s->connect_timeout = 30;
	s->command_timeout = 300;
	s->max_parallel = 8;
	if ((s->config_file = path_resolve_home(c->top, "~/.ssh/config")) ==
	    NULL)
		return -1;
	for (size_t i = 0; i < sizeof(default_ids) / sizeof(default_ids[0]);
	    i++)
		if (strvec_push(&s->identity_files, default_ids[i]) != 0)
			return -1;
	if (strvec_push(&s->known_hosts, "~/.ssh/known_hosts") != 0)
		return -1;
	return resolve_all(&s->identity_files, c->top) != 0 ||
	    resolve_all(&s->known_hosts, c->top) != 0 ? -1 : 0;
}

/* An array-of-paths key: replaces the default list when written. */
static void
path_list(struct conf *c, const struct keyctx *kc, const char *key,
    struct strvec *dst, bool *has)
{
	struct strvec sv;

	strvec_init(&sv);
	if (get_strings(kc, key, true, &sv, NULL) == 1) {
		if (resolve_all(&sv, c->top) != 0)
			diag_oom(kc->d);
		strvec_clear(dst);
		*dst = sv;
		*has = true;
		return;
	}
	strvec_clear(&sv);
}

int
ssh_load(struct conf *c, const struct toml_value *root, const char *rel,
    struct conf_diags *d)
{
	const struct toml_value *t = root != NULL ?
	    toml_table_get(root, "ssh") : NULL;
	struct keyctx kc = { d, rel, "[ssh]", NULL };
	struct conf_ssh *s = &c->ssh;
	const char *str;
	int line = 0, v;

	if (ssh_defaults(c) != 0) {
		diag_oom(d);
		return -1;
	}
	if (t == NULL)
		return 0;
	if (t->kind != TOML_TABLE) {
		diag_error(d, rel, t->line, "[ssh]: expected a table, got %s",
		    toml_kind_name(t->kind));
		return -1;
	}
	kc.tbl = t;
	s->present = true;
	warn_unknown_keys(&kc, ssh_keys, sizeof(ssh_keys) / sizeof(ssh_keys[0]),
	    NULL, 0);

	if (get_string(&kc, "config_file", &str, NULL) == 1) {
		free(s->config_file);
		/* '' = read no ssh config file */
		s->config_file = str[0] == '\0' ? strdup("") :
		    path_resolve_home(c->top, str);
		if (s->config_file == NULL)
			diag_oom(d);
		s->has_config_file = true;
	}
	if (get_string(&kc, "user", &str, &line) == 1) {
		if (str[0] == '\0')
			kerr(&kc, line, "user", "required, got '' (remote login "
			    "name)");
		else if ((s->user = strdup(str)) == NULL)
			diag_oom(d);
	}
	if (get_int(&kc, "port", 1, 65535, &v, NULL) == 1) {
		s->port = v;
		s->has_port = true;
	}
	path_list(c, &kc, "identity_files", &s->identity_files,
	    &s->has_identity_files);
	path_list(c, &kc, "known_hosts", &s->known_hosts, &s->has_known_hosts);
	if (get_string(&kc, "strict_host_key_checking", &str, &line) == 1) {
		s->has_strict = true;
		if (str_case_eq(str, "yes"))
			s->strict = CONF_SSH_STRICT_YES;
		else if (str_case_eq(str, "accept-new"))
			s->strict = CONF_SSH_STRICT_ACCEPT_NEW;
		else if (str_case_eq(str, "no") || str_case_eq(str, "off")) {
			/* decision DO5: never trust an unknown host key */
			s->strict = CONF_SSH_STRICT_YES;
			kwarn(&kc, line, "strict_host_key_checking", "'%s' is "
			    "treated as 'yes'", str);
		} else
			kerr(&kc, line, "strict_host_key_checking", "unknown "
			    "value '%s' (yes or accept-new)", str);
	}
	if (get_int(&kc, "connect_timeout", 1, INT_MAX, &v, NULL) == 1) {
		s->connect_timeout = v;
		s->has_connect_timeout = true;
	}
	if (get_int(&kc, "command_timeout", 1, INT_MAX, &v, NULL) == 1) {
		s->command_timeout = v;
		s->has_command_timeout = true;
	}
	if (get_int(&kc, "max_parallel", 1, INT_MAX, &v, NULL) == 1)
		s->max_parallel = v;
	return 0;
}
