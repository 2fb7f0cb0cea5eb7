# toml/: the TOML 1.0 reader, its toml-test tools and its unit tests
libsslm_a_SOURCES += \
	src/toml/toml.h \
	src/toml/toml_int.h \
	src/toml/toml_scan.c \
	src/toml/toml_string.c \
	src/toml/toml_key.c \
	src/toml/toml_number.c \
	src/toml/toml_datetime.c \
	src/toml/toml_tree.c \
	src/toml/toml_parse.c \
	src/toml/toml_api.c

# toml-test decoder (TOML on stdin, tagged JSON on stdout)
check_PROGRAMS += tests/toml-decode
tests_toml_decode_SOURCES = tests/toml-decode.c
tests_toml_decode_LDADD = $(SSLM_LIBS) -lm

# toml-test comparator (tagged JSON equal in meaning?)
check_PROGRAMS += tests/toml-compare
tests_toml_compare_SOURCES = tests/toml-compare.c tests/json_mini.c tests/json_mini.h
tests_toml_compare_LDADD = -lm

# the whole toml-test suite (valid and invalid, TOML 1.0.0 list)
TESTS += tests/toml-suite.sh
EXTRA_DIST += tests/toml-suite.sh

# unit tests (Check), with the field case 19 inputs
check_PROGRAMS += tests/unit/test_toml
TESTS += tests/unit/test_toml
tests_unit_test_toml_SOURCES = tests/unit/test_toml.c
tests_unit_test_toml_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_toml_LDADD = $(UNIT_LIBS) -lm
EXTRA_DIST += \
	tests/data/cases/19/19-toml-duplicates.a-dup-key.conf \
	tests/data/cases/19/19-toml-duplicates.b-table-twice.conf \
	tests/data/cases/19/19-toml-duplicates.c-aot-then-table.conf \
	tests/data/cases/19/19-toml-duplicates.d-static-array-then-aot.conf \
	tests/data/cases/19/19-toml-duplicates.e-inline-dup.conf \
	tests/data/cases/19/19-toml-duplicates.f-string-then-table.conf \
	tests/data/cases/19/19-toml-duplicates.g-subtable-first-then-twice.conf \
	tests/data/cases/19/19-toml-duplicates.h-quoted-equals-bare.conf \
	tests/data/cases/19/19-toml-duplicates.i-x509-twice.service \
	tests/data/cases/19/19-toml-duplicates.j-dotted-vs-table.conf \
	tests/data/cases/19/19-toml-duplicates.ok-aot-with-subtables.conf \
	tests/data/cases/19/19-toml-duplicates.ok-case-sensitive-keys.conf
