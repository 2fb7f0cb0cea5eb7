# store/: certs/<group>/<service>/{curr,next,prev,db}
libsslm_a_SOURCES += \
	src/store/store.h \
	src/store/link.c

check_PROGRAMS += tests/unit/test_store
TESTS += tests/unit/test_store
tests_unit_test_store_SOURCES = tests/unit/test_store.c
tests_unit_test_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_store_LDADD = $(UNIT_LIBS)
