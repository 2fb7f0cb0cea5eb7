/* Time stamps in the few fixed formats the tool writes. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "common/common.h"

/* Broken-down time, refusing years that do not fit four digits so callers
 * never print a half-written stamp. out is set to "" first. */
static bool
split(time_t t, bool utc, struct tm *tm, char *out)
{
	out[0] = '\0';
	if ((utc ? gmtime_r(&t, tm) : localtime_r(&t, tm)) == NULL)
		return false;
	return tm->tm_year >= -1900 && tm->tm_year <= 9999 - 1900;
}

/* strftime's result: 0 means it did not fit (out is then unspecified). */
static int
done(size_t n, char *out)
{
	if (n == 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int
time_stamp_db(time_t t, char out[TIME_DB_LEN])
{
	struct tm tm;

	if (!split(t, false, &tm, out))
		return -1;
	return done(strftime(out, TIME_DB_LEN, "%Y%m%d-%H:%M:%S", &tm), out);
}

int
time_format_local(time_t t, char out[TIME_LOCAL_LEN])
{
	struct tm tm;

	if (!split(t, false, &tm, out))
		return -1;
	return done(strftime(out, TIME_LOCAL_LEN, "%Y-%m-%d %H:%M:%S", &tm), out);
}

int
time_format_utc(time_t t, char out[TIME_UTC_LEN])
{
	struct tm tm;

	if (!split(t, true, &tm, out))
		return -1;
	return done(strftime(out, TIME_UTC_LEN, "%Y-%m-%d %H:%M:%S UTC", &tm), out);
}

int
time_format_rfc3339(time_t t, char out[TIME_RFC3339_LEN])
{
	struct tm tm;

	if (!split(t, true, &tm, out))
		return -1;
	return done(strftime(out, TIME_RFC3339_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm), out);
}

bool
time_is_stamp_db(const char *name)
{
	/* 'd' = digit, anything else must match literally. */
	static const char shape[] = "dddddddd-dd:dd:dd";

	if (name == NULL || strlen(name) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd') {
			if (name[i] < '0' || name[i] > '9')
				return false;
		} else if (name[i] != shape[i]) {
			return false;
		}
	}
	return true;
}
