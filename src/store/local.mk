# store/: certs/<group>/<service>/{curr,next,prev,db,cb}
libsslm_a_SOURCES += \
	src/store/store.h \
	src/store/store_int.h \
	src/store/clean.c \
	src/store/dataset.c \
	src/store/fault.c \
	src/store/link.c \
	src/store/roll.c \
	src/store/service.c \
	src/store/util.c

# One Check runner for the folder; suites per file (tests/unit/test_store*.c).
check_PROGRAMS += tests/unit/test_store
TESTS += tests/unit/test_store
tests_unit_test_store_SOURCES = \
	tests/unit/test_store.h \
	tests/unit/test_store.c \
	tests/unit/test_store_clean.c \
	tests/unit/test_store_fault.c \
	tests/unit/test_store_orig.c \
	tests/unit/test_store_roll.c \
	tests/unit/test_store_set.c
tests_unit_test_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_store_LDADD = $(UNIT_LIBS)
