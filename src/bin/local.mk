# bin/: the programs' thin main() files
bin_PROGRAMS += sslm-mgr
sslm_mgr_SOURCES = src/bin/sslm-mgr.c
sslm_mgr_LDADD = $(SSLM_LIBS)

# sslm-info, sslm-verify (tools.md §2-§3): programs, man pages, the shell
# test that runs them and the data both it and test_crypto_tools read.
bin_PROGRAMS += sslm-info sslm-verify
sslm_info_SOURCES = src/bin/sslm-info.c
sslm_info_LDADD = $(SSLM_LIBS)
sslm_verify_SOURCES = src/bin/sslm-verify.c
sslm_verify_LDADD = $(SSLM_LIBS)
dist_man_MANS += docs/sslm-info.1 docs/sslm-verify.1
TESTS += tests/integration/tools.sh
EXTRA_DIST += tests/integration/tools.sh
EXTRA_DIST += \
	tests/data/tools/07-trusted-certificate.chain-with-trusted-root.pem \
	tests/data/tools/07-trusted-certificate.leaf.pem \
	tests/data/tools/07-trusted-certificate.root-plain.pem \
	tests/data/tools/07-trusted-certificate.root-trusted.pem \
	tests/data/tools/08-crlf-chain.chain-leading-blank-crlf.pem \
	tests/data/tools/08-crlf-chain.fullchain-crlf-noeol.pem \
	tests/data/tools/08-crlf-chain.fullchain-crlf.pem \
	tests/data/tools/08-crlf-chain.fullchain-mixed.pem \
	tests/data/tools/10-key-formats.cert.pem \
	tests/data/tools/10-key-formats.rsa-pkcs1-encrypted.pem \
	tests/data/tools/10-key-formats.rsa-pkcs1.pem \
	tests/data/tools/10-key-formats.rsa-pkcs8-encrypted.pem \
	tests/data/tools/10-key-formats.rsa-pkcs8.pem \
	tests/data/tools/bundle.pem \
	tests/data/tools/csr-ec.pem \
	tests/data/tools/csr-ed25519.pem \
	tests/data/tools/dh-2048.key \
	tests/data/tools/dhparam.pem \
	tests/data/tools/ec-p256-trad.key \
	tests/data/tools/ec-p256.key \
	tests/data/tools/ec-p256.pub \
	tests/data/tools/ed25519.key \
	tests/data/tools/empty.pem \
	tests/data/tools/escapes.pem \
	tests/data/tools/expired.pem \
	tests/data/tools/fullchain-crlf.pem \
	tests/data/tools/fullchain.pem \
	tests/data/tools/garbage.pem \
	tests/data/tools/int-otherkey.pem \
	tests/data/tools/int-othername.pem \
	tests/data/tools/int-x25519.pem \
	tests/data/tools/int.pem \
	tests/data/tools/leaf.pem \
	tests/data/tools/not-pem.txt \
	tests/data/tools/root.pem \
	tests/data/tools/rsa-2048-pkcs1.pub \
	tests/data/tools/rsa-2048.key \
	tests/data/tools/self-rsa.pem \
	tests/data/tools/x25519.key \
	tests/data/tools/expected/csr-ec.req.txt \
	tests/data/tools/expected/ec-p256.pkey.txt \
	tests/data/tools/expected/ec-p256.pub.txt \
	tests/data/tools/expected/ed25519.pkey.txt \
	tests/data/tools/expected/leaf.x509.txt \
	tests/data/tools/expected/root-trusted.x509.txt \
	tests/data/tools/expected/rsa-pkcs1.pkey.txt \
	tests/data/tools/README.md

# sslm-tlsa-hash (tools.md §5): TLSA data of DIR/cert.pem, cross-checked
# with the openssl program; its shell test uses tests/data/tlsa.
bin_PROGRAMS += sslm-tlsa-hash
sslm_tlsa_hash_SOURCES = src/bin/sslm-tlsa-hash.c
sslm_tlsa_hash_LDADD = $(SSLM_LIBS)
dist_man_MANS += docs/sslm-tlsa-hash.1
TESTS += tests/integration/tlsa-hash.sh
EXTRA_DIST += tests/integration/tlsa-hash.sh

# sslm-cert-expiry (tools.md §6): expiry of certificate files, renew
# decision from the config, nagios mode; man page and its shell test.
bin_PROGRAMS += sslm-cert-expiry
sslm_cert_expiry_SOURCES = src/bin/sslm-cert-expiry.c
sslm_cert_expiry_LDADD = $(SSLM_LIBS)
dist_man_MANS += docs/sslm-cert-expiry.1
TESTS += tests/integration/cert-expiry.sh
EXTRA_DIST += tests/integration/cert-expiry.sh

# sslm-dhparm (tools.md §4, crypto.md §7): DH parameter files and the
# dhparam.pem link; its shell test runs it on temp trees.
bin_PROGRAMS += sslm-dhparm
sslm_dhparm_SOURCES = src/bin/sslm-dhparm.c
sslm_dhparm_LDADD = $(SSLM_LIBS)
dist_man_MANS += docs/sslm-dhparm.1
TESTS += tests/integration/dhparm.sh
EXTRA_DIST += tests/integration/dhparm.sh
