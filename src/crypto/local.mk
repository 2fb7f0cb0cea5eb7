# crypto/: OpenSSL: PEM reading, certificate summaries (keys, CSRs, signing,
# verification, DH and TLSA hashes to follow)
libsslm_a_SOURCES += \
	src/crypto/crypto.h \
	src/crypto/crypto_int.h \
	src/crypto/cert_info.c \
	src/crypto/file.c \
	src/crypto/fmt.c \
	src/crypto/ossl_err.c \
	src/crypto/pem.c

# Keys, CSRs and local CA signing (crypto.md §1-§4).
libsslm_a_SOURCES += \
	src/crypto/gen_int.h \
	src/crypto/csr.c \
	src/crypto/ext.c \
	src/crypto/key.c \
	src/crypto/sign.c

# One Check runner ("crypto positive" / "crypto negative" suites), helpers in
# test_crypto.c, tests per topic in test_crypto_*.c.
check_PROGRAMS += tests/unit/test_crypto
TESTS += tests/unit/test_crypto
tests_unit_test_crypto_SOURCES = \
	tests/unit/test_crypto.h \
	tests/unit/test_crypto.c \
	tests/unit/test_crypto_info.c \
	tests/unit/test_crypto_pem.c
tests_unit_test_crypto_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_crypto_LDADD = $(UNIT_LIBS)

# Key generation, CSRs and signing: a runner of its own ("crypto gen
# positive" / "crypto gen negative"), cross-checked with the openssl CLI.
check_PROGRAMS += tests/unit/test_crypto_gen
TESTS += tests/unit/test_crypto_gen
tests_unit_test_crypto_gen_SOURCES = \
	tests/unit/test_crypto_gen.h \
	tests/unit/test_crypto_gen.c \
	tests/unit/test_crypto_gen_chain.c \
	tests/unit/test_crypto_gen_csr.c \
	tests/unit/test_crypto_gen_csr_err.c \
	tests/unit/test_crypto_gen_key.c \
	tests/unit/test_crypto_gen_sign.c
tests_unit_test_crypto_gen_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_crypto_gen_LDADD = $(UNIT_LIBS)
# field-case copies used only by test_crypto_gen (see tests/data/crypto/README.md)
EXTRA_DIST += \
	tests/data/crypto/10-key-formats.rsa-pkcs1.pem \
	tests/data/crypto/14-no-cn-tlsserver.csr.pem \
	tests/data/crypto/16-ip-san.csr-good.pem \
	tests/data/crypto/16-ip-san.csr-ip-as-dns-BAD.pem \
	tests/data/crypto/18-over-100-sans.csr-100.pem

EXTRA_DIST += \
	tests/data/crypto/07-trusted-certificate.chain-with-trusted-root.pem \
	tests/data/crypto/07-trusted-certificate.intermediate.pem \
	tests/data/crypto/07-trusted-certificate.leaf.pem \
	tests/data/crypto/07-trusted-certificate.root-plain.pem \
	tests/data/crypto/07-trusted-certificate.root-trusted.pem \
	tests/data/crypto/08-crlf-chain.chain-leading-blank-crlf.pem \
	tests/data/crypto/08-crlf-chain.fullchain-crlf-noeol.pem \
	tests/data/crypto/08-crlf-chain.fullchain-crlf.pem \
	tests/data/crypto/08-crlf-chain.fullchain-mixed.pem \
	tests/data/crypto/10-key-formats.cert.pem \
	tests/data/crypto/10-key-formats.rsa-pkcs1-encrypted.pem \
	tests/data/crypto/10-key-formats.rsa-pkcs8-encrypted.pem \
	tests/data/crypto/10-key-formats.rsa-pkcs8.pem \
	tests/data/crypto/README.md \
	tests/data/crypto/bad-san.pem \
	tests/data/crypto/bad-time.pem \
	tests/data/crypto/bundle.pem \
	tests/data/crypto/chain-with-trusted.pem \
	tests/data/crypto/ctrl-cn.pem \
	tests/data/crypto/dsa-2048.pem \
	tests/data/crypto/dup-san.pem \
	tests/data/crypto/ed25519.pem \
	tests/data/crypto/ed448.pem \
	tests/data/crypto/empty.pem \
	tests/data/crypto/fullchain-crlf-noeol.pem \
	tests/data/crypto/fullchain-crlf.pem \
	tests/data/crypto/fullchain-garbage.pem \
	tests/data/crypto/fullchain.pem \
	tests/data/crypto/leaf-p256.der \
	tests/data/crypto/leaf-p256.pem \
	tests/data/crypto/nocn-p521.pem \
	tests/data/crypto/not-pem.txt \
	tests/data/crypto/root-p384-trusted.pem \
	tests/data/crypto/root-p384.pem \
	tests/data/crypto/rsa-2048.pem \
	tests/data/crypto/x25519.pem

# sslm-info / sslm-verify: PEM blocks of every kind described, direct-issuer
# verification (tools.md §2-§3, crypto.md §8).
libsslm_a_SOURCES += \
	src/crypto/info_int.h \
	src/crypto/info_block.c \
	src/crypto/info_file.c \
	src/crypto/info_name.c \
	src/crypto/info_pem.c \
	src/crypto/verify.c

# Their unit tests: a runner of its own ("tools positive" / "tools
# negative"); data in tests/data/tools (listed in src/bin/local.mk).
check_PROGRAMS += tests/unit/test_crypto_tools
TESTS += tests/unit/test_crypto_tools
tests_unit_test_crypto_tools_SOURCES = \
	tests/unit/test_crypto_tools.h \
	tests/unit/test_crypto_tools.c \
	tests/unit/test_crypto_tools_info.c \
	tests/unit/test_crypto_tools_info_errors.c \
	tests/unit/test_crypto_tools_verify.c
tests_unit_test_crypto_tools_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_crypto_tools_LDADD = $(UNIT_LIBS)

# DANE TLSA association data and the openssl cross-check of sslm-tlsa-hash
# (tlsa.md §4, tools.md §5); tested by tests/unit/test_tlsa (src/dns/local.mk).
libsslm_a_SOURCES += src/crypto/tlsa.c

# DH parameter files for sslm-dhparm (crypto.md §7, tools.md §4).
libsslm_a_SOURCES += \
	src/crypto/dh_dir.c \
	src/crypto/dh_gen.c

# Their unit tests: a runner of its own ("dhparm positive" / "dhparm
# negative"), checked against the openssl CLI.
check_PROGRAMS += tests/unit/test_dhparm
TESTS += tests/unit/test_dhparm
tests_unit_test_dhparm_SOURCES = tests/unit/test_dhparm.c
tests_unit_test_dhparm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dhparm_LDADD = $(UNIT_LIBS)
