/*
 * Named crash points for tests of crash safety (decisions.md "Fault
 * injection"). Only test builds (--enable-fault-injection) have them; a
 * release build compiles the inline no-op from store.h instead.
 */
#include "config.h"

#include "store/store.h"

#ifdef SSLM_FAULT_INJECTION
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
fault_point(const char *name)
{
	const char *at = getenv("SSLM_CRASH_AT");

	/* SIGKILL, not abort(): no handler, no atexit, no flushing — the
	 * closest a test gets to a power cut. */
	if (at != NULL && strcmp(at, name) == 0)
		(void)kill(getpid(), SIGKILL);
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int store_fault_unused;
#endif
