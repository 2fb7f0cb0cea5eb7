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

# SSH transport over libssh2 and the remote mirrors (distribution.md §8)
libsslm_a_SOURCES += \
	src/deploy/host.c \
	src/deploy/ssh_int.h \
	src/deploy/ssh_config.c \
	src/deploy/ssh_target.c \
	src/deploy/ssh_conn.c \
	src/deploy/ssh_hostkey.c \
	src/deploy/ssh_exec.c \
	src/deploy/remote_int.h \
	src/deploy/remote_mirror.c \
	src/deploy/remote_compare.c \
	src/deploy/remote_put.c

# ssh config subset, target resolution, local-host rule (no network)
check_PROGRAMS += tests/unit/test_ssh
TESTS += tests/unit/test_ssh
tests_unit_test_ssh_SOURCES = \
	tests/unit/test_ssh.h \
	tests/unit/test_ssh.c \
	tests/unit/test_ssh_config.c \
	tests/unit/test_ssh_target.c
tests_unit_test_ssh_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ssh_LDADD = $(UNIT_LIBS)

# Transport and mirror against real sshd hosts: built here, run by
# tests/e2e/remote.sh once the test bed's sshd instances are up.
check_PROGRAMS += tests/unit/test_remote
tests_unit_test_remote_SOURCES = tests/unit/test_remote.h tests/unit/test_remote.c \
	tests/unit/test_remote_mirror.c
tests_unit_test_remote_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_remote_LDADD = $(UNIT_LIBS)
