# cli/: sslm-mgr's command line (regular and dev mode) -> struct cli_request
libsslm_a_SOURCES += \
	src/cli/cli.h \
	src/cli/cli_int.h \
	src/cli/cli_opts.c \
	src/cli/cli_parse.c \
	src/cli/cli_select.c \
	src/cli/cli_tasks.c \
	src/cli/cli_usage.c

check_PROGRAMS += tests/unit/test_cli
TESTS += tests/unit/test_cli
tests_unit_test_cli_SOURCES = \
	tests/unit/test_cli.h \
	tests/unit/test_cli.c \
	tests/unit/test_cli_opts.c \
	tests/unit/test_cli_errors.c \
	tests/unit/test_cli_select.c \
	tests/unit/test_cli_tasks.c \
	tests/unit/test_cli_help.c \
	tests/unit/test_cli_oom.c
tests_unit_test_cli_CFLAGS = $(UNIT_CFLAGS)
# allocation failures are injected through these (test_cli_oom.c)
tests_unit_test_cli_LDFLAGS = $(AM_LDFLAGS) \
	-Wl,--wrap=realloc -Wl,--wrap=strdup -Wl,--wrap=strndup
tests_unit_test_cli_LDADD = $(UNIT_LIBS)

# sslm-mgr's man page lives with its options: it must agree with cli_usage().
dist_man_MANS += docs/sslm-mgr.8
