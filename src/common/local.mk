# common/: errors, strings, files, processes, logging, locking, time
libsslm_a_SOURCES += \
	src/common/common.h \
	src/common/fs_private.h \
	src/common/err.c \
	src/common/fs.c \
	src/common/lock.c \
	src/common/log.c \
	src/common/proc.c \
	src/common/str.c \
	src/common/time.c

# One Check runner for the folder; suites per file (tests/unit/test_common*.c).
check_PROGRAMS += tests/unit/test_common
TESTS += tests/unit/test_common
tests_unit_test_common_SOURCES = \
	tests/unit/test_common.h \
	tests/unit/test_common.c \
	tests/unit/test_common_fs.c \
	tests/unit/test_common_lock.c \
	tests/unit/test_common_log.c \
	tests/unit/test_common_proc.c \
	tests/unit/test_common_time.c
tests_unit_test_common_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_common_LDADD = $(UNIT_LIBS)
