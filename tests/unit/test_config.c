/*
 * Unit tests of src/config/: one runner, suites per concern (top dir,
 * ssl-mgr.conf, service files, names, CAs, selection, whole trees), each
 * split into positive and negative cases.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "test_config_util.h"

int
main(void)
{
	SRunner *sr = srunner_create(suite_config_topdir());
	int failed;

	srunner_add_suite(sr, suite_config_globals());
	srunner_add_suite(sr, suite_config_sections());
	srunner_add_suite(sr, suite_config_service());
	srunner_add_suite(sr, suite_config_names());
	srunner_add_suite(sr, suite_config_ca());
	srunner_add_suite(sr, suite_config_select());
	srunner_add_suite(sr, suite_config_trees());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
