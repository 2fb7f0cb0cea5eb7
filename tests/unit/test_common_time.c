/* Unit tests for src/common/time.c. Expected strings were produced with
 * GNU date, e.g. `date -u -d '2026-09-14 06:10:00' +%s` -> 1789366200 and
 * `TZ=CET-1CEST,M3.5.0,M10.5.0/3 date -d @1789366200 '+%F %T'`. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "common/common.h"
#include "tests/unit/test_common.h"

#define T_2026 ((time_t)1789366200)        /* 2026-09-14 06:10:00 UTC */
/* POSIX TZ rule strings need no tzdata on the test machine. */
#define TZ_CET "CET-1CEST,M3.5.0,M10.5.0/3"

static void
tz_setup(void)
{
	setenv("TZ", TZ_CET, 1);
	tzset();
}

static void
tz_teardown(void)
{
	unsetenv("TZ");
	tzset();
}

START_TEST(time_utc_formats)
{
	char utc[TIME_UTC_LEN], rfc[TIME_RFC3339_LEN];

	ck_assert_int_eq(time_format_utc(T_2026, utc), 0);
	ck_assert_str_eq(utc, "2026-09-14 06:10:00 UTC");
	ck_assert_int_eq(time_format_rfc3339(T_2026, rfc), 0);
	ck_assert_str_eq(rfc, "2026-09-14T06:10:00Z");
	ck_assert_int_eq(time_format_utc(0, utc), 0);
	ck_assert_str_eq(utc, "1970-01-01 00:00:00 UTC");
}
END_TEST

START_TEST(time_local_formats)
{
	char db[TIME_DB_LEN], local[TIME_LOCAL_LEN];

	/* Summer time in CET: UTC+2; the UTC formats must not move. */
	ck_assert_int_eq(time_stamp_db(T_2026, db), 0);
	ck_assert_str_eq(db, "20260914-08:10:00");
	ck_assert_int_eq(time_format_local(T_2026, local), 0);
	ck_assert_str_eq(local, "2026-09-14 08:10:00");
	setenv("TZ", "EST5", 1);
	tzset();
	ck_assert_int_eq(time_stamp_db(0, db), 0);
	ck_assert_str_eq(db, "19691231-19:00:00");
}
END_TEST

START_TEST(time_stamp_roundtrip_shape)
{
	char db[TIME_DB_LEN];

	ck_assert_int_eq(time_stamp_db(time(NULL), db), 0);
	ck_assert(time_is_stamp_db(db));
	ck_assert(time_is_stamp_db("20260806-14:30:11"));
}
END_TEST

START_TEST(time_stamp_shape_rejects)
{
	ck_assert(!time_is_stamp_db(NULL));
	ck_assert(!time_is_stamp_db(""));
	ck_assert(!time_is_stamp_db("20260806-14:30:1"));
	ck_assert(!time_is_stamp_db("20260806-14:30:111"));
	ck_assert(!time_is_stamp_db("20260806_14:30:11"));
	ck_assert(!time_is_stamp_db("2026080a-14:30:11"));
	ck_assert(!time_is_stamp_db("20260806-14-30-11"));
	ck_assert(!time_is_stamp_db("20260806-14:30:11.tmp"));
}
END_TEST

START_TEST(time_out_of_range)
{
	char db[TIME_DB_LEN], utc[TIME_UTC_LEN], rfc[TIME_RFC3339_LEN];
	time_t y10000 = (time_t)253402300800LL;    /* 10000-01-01 00:00:00 UTC */

	ck_assert_int_eq(time_format_utc(y10000, utc), -1);
	ck_assert_str_eq(utc, "");
	ck_assert_int_eq(time_format_rfc3339(y10000, rfc), -1);
	ck_assert_str_eq(rfc, "");
	ck_assert_int_eq(time_stamp_db(y10000 + 86400, db), -1);
	ck_assert_str_eq(db, "");
}
END_TEST

Suite *
common_time_suite(void)
{
	Suite *s = suite_create("common_time");
	TCase *pos = tcase_create("positive");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(pos, tz_setup, tz_teardown);
	tcase_add_test(pos, time_utc_formats);
	tcase_add_test(pos, time_local_formats);
	tcase_add_test(pos, time_stamp_roundtrip_shape);
	tcase_add_test(neg, time_stamp_shape_rejects);
	tcase_add_test(neg, time_out_of_range);
	suite_add_tcase(s, pos);
	suite_add_tcase(s, neg);
	return s;
}
