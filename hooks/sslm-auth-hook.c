/* sslm-auth-hook <group> <service>: certbot's --manual-auth-hook
 * (certbot-hooks.md §7).
 * The logic lives in src/acme/; this only maps it to the exit status. */
#include "config.h"

#include "acme/acme.h"

int
main(int argc, char *argv[])
{
	return acme_auth_hook(argc, argv);
}
