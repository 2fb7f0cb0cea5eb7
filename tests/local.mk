# Integration tests: the real programs on real config trees in a temp dir.
TESTS += tests/integration/run.sh
EXTRA_DIST += tests/integration/run.sh tests/integration/lib.sh
TESTS += tests/integration/lifecycle.sh
EXTRA_DIST += tests/integration/lifecycle.sh
