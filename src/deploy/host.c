/*
 * Which servers entry is this host: one rule for the prod_cert_dir check,
 * copies, restarts and http-01 tokens (distribution.md §1), kept in config/
 * where the configuration checks need it first.
 */
#include "config.h"

#include "config/conf.h"
#include "deploy/deploy.h"

bool
deploy_host_is_local(const char *server)
{
	return conf_server_is_local(server);
}
