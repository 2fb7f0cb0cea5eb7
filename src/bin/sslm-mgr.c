/* sslm-mgr: placeholder main, replaced as the mgr/ layer lands. */
#include "config.h"

#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "sslm-mgr: not built yet\n");
	return 2;
}
