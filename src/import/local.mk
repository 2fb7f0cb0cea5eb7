# import/: moving a plain certbot install in (sslm-import-certbot)
libsslm_a_SOURCES += \
	src/import/import.h \
	src/import/import_int.h \
	src/import/renewal_ini.c \
	src/import/lineage.c \
	src/import/plan.c \
	src/import/apply.c

bin_PROGRAMS += sslm-import-certbot
sslm_import_certbot_SOURCES = src/bin/sslm-import-certbot.c
sslm_import_certbot_LDADD = $(SSLM_LIBS)
dist_man_MANS += docs/sslm-import-certbot.8

check_PROGRAMS += tests/unit/test_import
TESTS += tests/unit/test_import
tests_unit_test_import_SOURCES = \
	tests/unit/test_import.c \
	tests/unit/test_import_ini.c \
	tests/unit/test_import_plan.c \
	tests/unit/test_import.h
tests_unit_test_import_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_import_LDADD = $(UNIT_LIBS)
EXTRA_DIST += tests/data/import
