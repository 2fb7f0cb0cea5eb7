/* sslm-cleanup-hook <group> <service>: removes what the auth hook published (certbot-hooks.md §8.2).
 * The logic lives in src/acme/; this only maps it to the exit status. */
#include "config.h"

#include "acme/acme.h"

int
main(int argc, char *argv[])
{
	return acme_cleanup_hook(argc, argv);
}
