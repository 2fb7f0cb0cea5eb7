# Integration tests: the real programs on real config trees in a temp dir.
TESTS += tests/integration/run.sh
EXTRA_DIST += tests/integration/run.sh tests/integration/lib.sh
TESTS += tests/integration/lifecycle.sh
EXTRA_DIST += tests/integration/lifecycle.sh
TESTS += tests/integration/cases.sh
EXTRA_DIST += tests/integration/cases.sh \
	tests/data/cases/21/21-renew-45day.expected.csv \
	tests/data/cases/21/21-renew-45day.mkcerts.sh
EXTRA_DIST += \
	tests/data/cases/14/14-no-cn-tlsserver.cert.pem \
	tests/data/cases/14/14-no-cn-tlsserver.chain.pem \
	tests/data/cases/14/14-no-cn-tlsserver.csr.pem \
	tests/data/cases/14/14-no-cn-tlsserver.service.toml \
	tests/data/cases/15/15-idn-punycode.service.toml \
	tests/data/cases/16/16-ip-san.service.toml \
	tests/data/cases/18/18-over-100-sans.100-names.service.toml \
	tests/data/cases/18/18-over-100-sans.100-with-dups.service.toml \
	tests/data/cases/18/18-over-100-sans.101-names.service.toml
# End-to-end DNS tests: a real knot primary + secondary on loopback.
TESTS += tests/e2e/dns.sh
EXTRA_DIST += tests/e2e/dns.sh tests/e2e/lib.sh
EXTRA_DIST += scripts/testbed
TESTS += tests/e2e/dane.sh
EXTRA_DIST += tests/e2e/dane.sh
# End-to-end proof of the ACME test bed (pebble + nginx) with real certbot.
TESTS += tests/e2e/certbot.sh
EXTRA_DIST += tests/e2e/certbot.sh
TESTS += tests/e2e/acme.sh
EXTRA_DIST += tests/e2e/acme.sh
# The installed layout: make install DESTDIR=..., man pages, examples.
TESTS += tests/integration/install.sh
EXTRA_DIST += tests/integration/install.sh
# Trees left by the original ssl-mgr 5.4.0 and 7.8.1: -s, -renew -f, -roll -f, -s.
TESTS += tests/e2e/fixtures.sh
EXTRA_DIST += tests/e2e/fixtures.sh
# Remote distribution over libssh2 against sshd hosts in mount namespaces.
TESTS += tests/e2e/remote.sh tests/e2e/deploy.sh
EXTRA_DIST += tests/e2e/remote.sh tests/e2e/deploy.sh bench/deploy.sh
# sslm-import-certbot on a certbot tree made by real certbot against pebble.
TESTS += tests/e2e/import.sh
EXTRA_DIST += tests/e2e/import.sh
# The post phase on this host: restarts, post-copy, DNS refresh, pending work.
TESTS += tests/integration/post.sh
EXTRA_DIST += tests/integration/post.sh
