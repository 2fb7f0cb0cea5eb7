/* The one error idiom: a caller-owned struct holding one sentence. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/common.h"

void
sslm_err_clear(struct sslm_err *err)
{
	if (err != NULL)
		err->msg[0] = '\0';
}

void
sslm_err_vset(struct sslm_err *err, const char *fmt, va_list ap)
{
	if (err == NULL)
		return;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

void
sslm_err_set(struct sslm_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sslm_err_vset(err, fmt, ap);
	va_end(ap);
}

void
sslm_err_errno(struct sslm_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
}
