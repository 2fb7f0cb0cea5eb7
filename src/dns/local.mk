# dns/: name server queries (ldns), agreement wait, DANE TLSA

# Queries and the agreement wait (dns.md §3, §4.7): the poll() engine,
# servers, look-ups at the primary, matching, rounds, the wait.
libsslm_a_SOURCES += \
	src/dns/dns.h \
	src/dns/ns_int.h \
	src/dns/query.h \
	src/dns/query_int.h \
	src/dns/auth.c src/dns/challenge.c \
	src/dns/check.c \
	src/dns/lookup.c \
	src/dns/match.c \
	src/dns/mx.c \
	src/dns/query.c \
	src/dns/query_tcp.c \
	src/dns/round.c \
	src/dns/servers.c \
	src/dns/wait.c

# Their unit tests, with a fake authoritative server on loopback
# (tests/unit/test_dns_fake.c), and the dns-wait tool for knot-based tests.
check_PROGRAMS += tests/unit/test_dns tests/dns-wait
TESTS += tests/unit/test_dns
tests_unit_test_dns_SOURCES = \
	tests/unit/test_dns.h \
	tests/unit/test_dns.c \
	tests/unit/test_dns_fake.c \
	tests/unit/test_dns_lookup.c \
	tests/unit/test_dns_match.c \
	tests/unit/test_dns_query.c \
	tests/unit/test_dns_wait.c
tests_unit_test_dns_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dns_LDADD = $(UNIT_LIBS)
tests_dns_wait_SOURCES = tests/dns-wait.c
tests_dns_wait_LDADD = $(SSLM_LIBS)

# DANE TLSA records and files (tlsa.md §3-§7): tlsa.rr content, parsing for
# the roll gate, the per-apex aggregate, its digest and publication.
libsslm_a_SOURCES += \
	src/dns/tlsa_int.h \
	src/dns/tlsa_agg.c \
	src/dns/tlsa_parse.c \
	src/dns/tlsa_publish.c \
	src/dns/tlsa_rr.c \
	src/dns/tlsa_text.c

# Their unit tests and crypto_tlsa_data's known answers: one runner ("tlsa
# positive" / "tlsa negative"); data in tests/data/tlsa (README.md there).
check_PROGRAMS += tests/unit/test_tlsa
TESTS += tests/unit/test_tlsa
tests_unit_test_tlsa_SOURCES = \
	tests/unit/test_tlsa.h \
	tests/unit/test_tlsa.c \
	tests/unit/test_tlsa_agg.c \
	tests/unit/test_tlsa_data.c \
	tests/unit/test_tlsa_parse.c \
	tests/unit/test_tlsa_publish.c \
	tests/unit/test_tlsa_rr.c
tests_unit_test_tlsa_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tlsa_LDADD = $(UNIT_LIBS)
EXTRA_DIST += \
	tests/data/tlsa/README.md \
	tests/data/tlsa/12-tlsa-ec-key.cert-ec-p384.pem \
	tests/data/tlsa/12-tlsa-ec-key.cert-ed25519.pem \
	tests/data/tlsa/12-tlsa-ec-key.cert-rsa-2048.pem \
	tests/data/tlsa/12-tlsa-ec-key.chain.pem \
	tests/data/tlsa/12-tlsa-ec-key.md \
	tests/data/tlsa/12-tlsa-ec-key.service.toml \
	tests/data/tlsa/12-tlsa-ec-key.zone \
	tests/data/tlsa/cert-ec-p384.der.hex \
	tests/data/tlsa/cert-ed25519.der.hex \
	tests/data/tlsa/cert-rsa-2048.der.hex \
	tests/data/tlsa/p256.der.hex \
	tests/data/tlsa/p256.pem \
	tests/data/tlsa/s9-cert1.pem \
	tests/data/tlsa/s9-cert2.pem \
	tests/data/tlsa/s9-key1.pem \
	tests/data/tlsa/s9-key2.pem
