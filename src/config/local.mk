# config/: the typed model of ssl-mgr.conf, ca-info.conf and service files
libsslm_a_SOURCES += \
	src/config/conf.h \
	src/config/internal.h \
	src/config/topdir.c \
	src/config/diags.c \
	src/config/value.c \
	src/config/paths.c \
	src/config/globals.c \
	src/config/renew_info.c \
	src/config/groups.c \
	src/config/sections.c \
	src/config/ssh.c \
	src/config/ca_info.c \
	src/config/service.c \
	src/config/service_sections.c \
	src/config/sans.c \
	src/config/discover.c \
	src/config/select.c \
	src/config/checks.c \
	src/config/model.c \
	src/config/load.c

# unit tests (Check): one runner, suites per concern
check_PROGRAMS += tests/unit/test_config
TESTS += tests/unit/test_config
tests_unit_test_config_SOURCES = \
	tests/unit/test_config.c \
	tests/unit/test_config_util.c \
	tests/unit/test_config_util.h \
	tests/unit/test_config_topdir.c \
	tests/unit/test_config_globals.c \
	tests/unit/test_config_sections.c \
	tests/unit/test_config_service.c \
	tests/unit/test_config_names.c \
	tests/unit/test_config_ca.c \
	tests/unit/test_config_select.c \
	tests/unit/test_config_trees.c
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(UNIT_LIBS) -lm

# broken trees (each with its "expected" errors) and the original's trees
EXTRA_DIST += \
	tests/data/conf/bad-ca/conf.d/ca-info.conf \
	tests/data/conf/bad-ca/conf.d/example.test/imap \
	tests/data/conf/bad-ca/conf.d/example.test/mail \
	tests/data/conf/bad-ca/conf.d/example.test/web \
	tests/data/conf/bad-ca/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-ca/expected \
	tests/data/conf/bad-dane/conf.d/ca-info.conf \
	tests/data/conf/bad-dane/conf.d/example.test/web \
	tests/data/conf/bad-dane/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-dane/expected \
	tests/data/conf/bad-duplicate-key/conf.d/ca-info.conf \
	tests/data/conf/bad-duplicate-key/conf.d/example.test/web \
	tests/data/conf/bad-duplicate-key/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-duplicate-key/expected \
	tests/data/conf/bad-ktype/conf.d/ca-info.conf \
	tests/data/conf/bad-ktype/conf.d/example.test/web \
	tests/data/conf/bad-ktype/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-ktype/expected \
	tests/data/conf/bad-missing-key/conf.d/ca-info.conf \
	tests/data/conf/bad-missing-key/conf.d/example.test/web \
	tests/data/conf/bad-missing-key/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-missing-key/expected \
	tests/data/conf/bad-missing-service/conf.d/ca-info.conf \
	tests/data/conf/bad-missing-service/conf.d/example.net/README \
	tests/data/conf/bad-missing-service/conf.d/example.test/web \
	tests/data/conf/bad-missing-service/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-missing-service/expected \
	tests/data/conf/bad-nesting/conf.d/ca-info.conf \
	tests/data/conf/bad-nesting/conf.d/example.test/web \
	tests/data/conf/bad-nesting/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-nesting/expected \
	tests/data/conf/bad-no-confd/expected \
	tests/data/conf/bad-sans/conf.d/ca-info.conf \
	tests/data/conf/bad-sans/conf.d/example.test/web \
	tests/data/conf/bad-sans/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-sans/expected \
	tests/data/conf/bad-syntax-middle/conf.d/ca-info.conf \
	tests/data/conf/bad-syntax-middle/conf.d/example.test/web \
	tests/data/conf/bad-syntax-middle/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-syntax-middle/expected \
	tests/data/conf/bad-unsafe-name/conf.d/ca-info.conf \
	tests/data/conf/bad-unsafe-name/conf.d/example.test/web \
	tests/data/conf/bad-unsafe-name/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-unsafe-name/expected \
	tests/data/conf/bad-wrong-type/conf.d/ca-info.conf \
	tests/data/conf/bad-wrong-type/conf.d/example.test/web \
	tests/data/conf/bad-wrong-type/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-wrong-type/expected \
	tests/data/conf/fixture-5.4.0/conf.d/ca-info.conf \
	tests/data/conf/fixture-5.4.0/conf.d/ca/my-int \
	tests/data/conf/fixture-5.4.0/conf.d/ca/my-root \
	tests/data/conf/fixture-5.4.0/conf.d/example.net/wild-ec \
	tests/data/conf/fixture-5.4.0/conf.d/example.test/mail-ec \
	tests/data/conf/fixture-5.4.0/conf.d/example.test/mail-rsa \
	tests/data/conf/fixture-5.4.0/conf.d/example.test/web-ec \
	tests/data/conf/fixture-5.4.0/conf.d/ssl-mgr.conf \
	tests/data/conf/fixture-7.8.1/conf.d/ca-info.conf \
	tests/data/conf/fixture-7.8.1/conf.d/ca/my-int \
	tests/data/conf/fixture-7.8.1/conf.d/ca/my-root \
	tests/data/conf/fixture-7.8.1/conf.d/example.net/wild-ec \
	tests/data/conf/fixture-7.8.1/conf.d/example.test/mail-ec \
	tests/data/conf/fixture-7.8.1/conf.d/example.test/mail-rsa \
	tests/data/conf/fixture-7.8.1/conf.d/example.test/web-ec \
	tests/data/conf/fixture-7.8.1/conf.d/ssl-mgr.conf
EXTRA_DIST += \
	tests/data/conf/bad-ca-cycle/conf.d/ca-info.conf \
	tests/data/conf/bad-ca-cycle/conf.d/ca/example-int \
	tests/data/conf/bad-ca-cycle/conf.d/ca/example-root \
	tests/data/conf/bad-ca-cycle/conf.d/example.test/mail-rsa \
	tests/data/conf/bad-ca-cycle/conf.d/example.test/vpn-ed25519 \
	tests/data/conf/bad-ca-cycle/conf.d/example.test/web-ec \
	tests/data/conf/bad-ca-cycle/conf.d/ssl-mgr.conf \
	tests/data/conf/bad-ca-cycle/expected

# ssl-mgr.conf(5): every file and key of the configuration tree
dist_man_MANS += docs/ssl-mgr.conf.5
