# deploy/: production tree (local), later remote mirrors and restarts
libsslm_a_SOURCES += \
	src/deploy/deploy.h \
	src/deploy/deploy_int.h \
	src/deploy/check.c \
	src/deploy/fileops.c \
	src/deploy/mirror.c \
	src/deploy/tree.c

check_PROGRAMS += tests/unit/test_deploy
TESTS += tests/unit/test_deploy
tests_unit_test_deploy_SOURCES = \
	tests/unit/test_deploy.h \
	tests/unit/test_deploy.c \
	tests/unit/test_deploy_check.c \
	tests/unit/test_deploy_group.c \
	tests/unit/test_deploy_mirror.c
tests_unit_test_deploy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_deploy_LDADD = $(UNIT_LIBS)
