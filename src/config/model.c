/*
 * Life cycle of the model (init / clear) and look-ups in a loaded one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

void
conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	strvec_init(&c->files);
	strvec_init(&c->bad_cas);
	strvec_init(&c->g.dns_xtra_ns);
	strvec_init(&c->dns.restart_cmd);
	strvec_init(&c->dns.acme_dirs);
	strvec_init(&c->dns.tlsa_dirs);
	strvec_init(&c->dns.depends);
	for (int i = 0; i < CONF_SERVER_N; i++) {
		strvec_init(&c->server[i].servers);
		strvec_init(&c->server[i].depends);
	}
	strvec_init(&c->ssh.identity_files);
	strvec_init(&c->ssh.known_hosts);
}

void
conf_cmd_clear(struct conf_cmd *cmd)
{
	free(cmd->text);
	strvec_clear(&cmd->argv);
	free(cmd->local_prog);
	memset(cmd, 0, sizeof(*cmd));
}

void
conf_svc_deps_free(struct conf_svc_dep *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].domain);
		strvec_clear(&v[i].services);
	}
	free(v);
}

void
conf_globals_clear(struct conf_globals *g)
{
	free(g->sslm_auth_hook);
	free(g->prod_cert_dir);
	free(g->logdir);
	strvec_clear(&g->dns_xtra_ns);
	for (size_t i = 0; i < g->n_post_copy; i++) {
		free(g->post_copy[i].host);
		free(g->post_copy[i].cmd);
	}
	free(g->post_copy);
	free(g->certbot);
	memset(g, 0, sizeof(*g));
}

static void
ca_clear(struct conf_ca *ca)
{
	free(ca->name);
	free(ca->desc);
	free(ca->preferred_chain);
	free(ca->acme_profile);
	free(ca->server);
	free(ca->account);
	free(ca->eab_kid);
	if (ca->eab_hmac_key != NULL) {
		/* a secret: do not leave it in freed memory */
		explicit_bzero(ca->eab_hmac_key, strlen(ca->eab_hmac_key));
		free(ca->eab_hmac_key);
	}
}

void
conf_clear(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->top);
	free(c->conf_dir);
	strvec_clear(&c->files);
	conf_globals_clear(&c->g);
	renew_clear(&c->renew);
	for (size_t i = 0; i < c->n_dns_primary; i++) {
		free(c->dns_primary[i].domain);
		free(c->dns_primary[i].server);
	}
	free(c->dns_primary);
	strvec_clear(&c->dns.restart_cmd);
	strvec_clear(&c->dns.acme_dirs);
	strvec_clear(&c->dns.tlsa_dirs);
	strvec_clear(&c->dns.depends);
	conf_svc_deps_free(c->dns.svc_depends, c->dns.n_svc_depends);
	for (int i = 0; i < CONF_SERVER_N; i++) {
		struct conf_server_section *s = &c->server[i];

		strvec_clear(&s->servers);
		for (size_t j = 0; j < s->n_restart; j++)
			conf_cmd_clear(&s->restart[j]);
		free(s->restart);
		strvec_clear(&s->depends);
		conf_svc_deps_free(s->svc_depends, s->n_svc_depends);
		free(s->server_dir);
		free(s->user);
		free(s->group);
	}
	free(c->ssh.config_file);
	free(c->ssh.user);
	strvec_clear(&c->ssh.identity_files);
	strvec_clear(&c->ssh.known_hosts);
	for (size_t i = 0; i < c->n_cas; i++)
		ca_clear(&c->cas[i]);
	free(c->cas);
	strvec_clear(&c->bad_cas);
	for (size_t i = 0; i < c->n_services; i++)
		service_free(c->services[i]);
	free(c->services);
	for (size_t i = 0; i < c->n_groups; i++) {
		free(c->groups[i].name);
		free(c->groups[i].services);
		strvec_clear(&c->groups[i].configured);
	}
	free(c->groups);
	conf_init(c);
}

const struct conf_group *
conf_find_group(const struct conf *c, const char *group)
{
	for (size_t i = 0; i < c->n_groups; i++)
		if (strcmp(c->groups[i].name, group) == 0)
			return &c->groups[i];
	return NULL;
}

const struct conf_service *
conf_find_service(const struct conf *c, const char *group, const char *service)
{
	for (size_t i = 0; i < c->n_services; i++)
		if (strcmp(c->services[i]->group, group) == 0 &&
		    strcmp(c->services[i]->service, service) == 0)
			return c->services[i];
	return NULL;
}

const struct conf_ca *
conf_find_ca(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_cas; i++)
		if (strcmp(c->cas[i].name, name) == 0)
			return &c->cas[i];
	return NULL;
}
