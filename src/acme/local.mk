# acme/: certbot driver and the certbot hooks

# The certbot hooks (certbot-hooks.md §7-§8): logic in the library, thin
# mains in hooks/, installed into $(hookdir); built at the top of the build
# tree, where tests and the e2e scripts find them.
libsslm_a_SOURCES += \
	src/acme/hook_int.h \
	src/acme/hook.c \
	src/acme/hook_data.c \
	src/acme/hook_dns.c \
	src/acme/hook_env.c \
	src/acme/hook_http.c
hook_PROGRAMS += sslm-auth-hook sslm-cleanup-hook
sslm_auth_hook_SOURCES = hooks/sslm-auth-hook.c
sslm_auth_hook_LDADD = $(SSLM_LIBS)
sslm_cleanup_hook_SOURCES = hooks/sslm-cleanup-hook.c
sslm_cleanup_hook_LDADD = $(SSLM_LIBS)
dist_man_MANS += docs/sslm-auth-hook.8 docs/sslm-cleanup-hook.8

# Their unit tests: the hook in a forked child under a fake certbot, DNS
# answers from the dns/ tests' fake server (loopback only).
check_PROGRAMS += tests/unit/test_acme_hook
TESTS += tests/unit/test_acme_hook
tests_unit_test_acme_hook_SOURCES = \
	tests/unit/test_acme_hook.h \
	tests/unit/test_acme_hook.c \
	tests/unit/test_acme_hook_auth.c \
	tests/unit/test_acme_hook_dns.c \
	tests/unit/test_acme_hook_http.c \
	tests/unit/test_dns.h \
	tests/unit/test_dns_fake.c
tests_unit_test_acme_hook_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_acme_hook_LDADD = $(UNIT_LIBS)
EXTRA_DIST += \
	tests/data/acme/01-wildcard-apex-txt.expected-include.txt \
	tests/data/acme/01-wildcard-apex-txt.good.zone \
	tests/data/acme/01-wildcard-apex-txt.service.toml

# The certbot driver (certbot-hooks.md §2-§6, §8.3, §11): capability probe,
# accounts, the certonly/register argv, running certbot, the cbot log.
libsslm_a_SOURCES += \
	src/acme/acme.h \
	src/acme/driver_int.h \
	src/acme/account.c \
	src/acme/argv.c \
	src/acme/driver.c \
	src/acme/driver_log.c \
	src/acme/driver_run.c \
	src/acme/probe.c

# Its unit tests, against a fake certbot script written by the test.
check_PROGRAMS += tests/unit/test_acme_driver
TESTS += tests/unit/test_acme_driver
tests_unit_test_acme_driver_SOURCES = \
	tests/unit/test_acme_driver.h \
	tests/unit/test_acme_driver.c \
	tests/unit/test_acme_driver_argv.c \
	tests/unit/test_acme_driver_fail.c \
	tests/unit/test_acme_driver_fake.c \
	tests/unit/test_acme_driver_issue.c
tests_unit_test_acme_driver_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_acme_driver_LDADD = $(UNIT_LIBS)
