/* OpenSSL error queue -> one sslm_err sentence. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "crypto/crypto_int.h"

/* The first entry is the root cause; the ones after it are mostly "nested
 * asn1 error" wrappers, so a few are enough to say what went wrong. */
#define ERR_SHOWN 3

void
crypto_err_ossl(struct sslm_err *err, const char *fmt, ...)
{
	va_list ap;
	unsigned long e;
	size_t len;
	int shown = 0;

	if (err != NULL) {
		va_start(ap, fmt);
		sslm_err_vset(err, fmt, ap);
		va_end(ap);
	}
	/* Drain the whole queue even when err is NULL or full: errors left
	 * behind would be blamed on some later, unrelated call. */
	while ((e = ERR_get_error()) != 0) {
		const char *lib = ERR_lib_error_string(e);
		const char *reason = ERR_reason_error_string(e);
		char buf[256];

		if (err == NULL || shown >= ERR_SHOWN)
			continue;
		if (lib != NULL && reason != NULL)
			snprintf(buf, sizeof(buf), "%s: %s", lib, reason);
		else
			ERR_error_string_n(e, buf, sizeof(buf));
		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, "%s%s",
		    shown == 0 ? ": " : "; ", buf);
		shown++;
	}
}
