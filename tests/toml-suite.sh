#!/bin/sh
# Run the toml-test suite (TOML 1.0.0 file list) through tests/toml-decode:
# every valid/ case must decode and compare equal to its .json (checked by
# tests/toml-compare), every invalid/ case must be refused with exit 1 and
# a "name:line:column: problem" message.
#
# Suite:     $TOML_TEST_DIR, else $SSLM_SRCDIR/../shared/toml-test
# Programs:  $SSLM_BUILDDIR/tests/toml-decode and toml-compare
# Output:    one line per failure, then "toml-test: N passed, N failed".
# Exit:      0 all passed, 1 failures, 77 (automake: skipped) when the
#            suite is missing, unless CI=true, where a missing suite fails.

srcdir=${SSLM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${SSLM_BUILDDIR:-$srcdir}
suite=${TOML_TEST_DIR:-$srcdir/../shared/toml-test}
decode=$builddir/tests/toml-decode
compare=$builddir/tests/toml-compare
list=$suite/files-toml-1.0.0

if [ ! -f "$list" ]; then
	if [ "${CI:-}" = true ]; then
		echo "toml-test: suite not found at $suite (CI=true: failing)" >&2
		echo "toml-test: set TOML_TEST_DIR or check out ../shared/toml-test" >&2
		exit 1
	fi
	echo "toml-test: SKIPPED (../shared/toml-test not found)"
	exit 77
fi
for prog in "$decode" "$compare"; do
	if [ ! -x "$prog" ]; then
		echo "toml-test: $prog is not built (run make check)" >&2
		exit 1
	fi
done

# A sanitizer report exits 1 by default, which would look exactly like a
# correctly refused document: give sanitizer deaths their own codes.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:halt_on_error=1"
export ASAN_OPTIONS UBSAN_OPTIONS

tmp=$(mktemp -d "${TMPDIR:-/tmp}/toml-suite.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

passed=0
failed=0
fail() {
	failed=$((failed + 1))
	echo "FAIL $1: $2"
}

while IFS= read -r case; do
	case $case in
	valid/*.toml)
		name=${case%.toml}
		if ! "$decode" <"$suite/$case" >"$tmp/out.json" 2>"$tmp/err"; then
			fail "$name" "refused: $(head -c 300 "$tmp/err")"
		elif ! "$compare" "$suite/$name.json" "$tmp/out.json" \
		    2>"$tmp/err"; then
			fail "$name" "differs: $(head -c 300 "$tmp/err")"
		else
			passed=$((passed + 1))
		fi
		;;
	invalid/*.toml)
		name=${case%.toml}
		"$decode" <"$suite/$case" >/dev/null 2>"$tmp/err"
		rc=$?
		if [ "$rc" -ne 1 ]; then
			fail "$name" "exit $rc, expected 1 $(head -c 300 "$tmp/err")"
		elif ! grep -q '^stdin:[0-9][0-9]*:[0-9][0-9]*: ' "$tmp/err"; then
			fail "$name" "no 'stdin:line:col: ' message: $(head -c 300 "$tmp/err")"
		else
			passed=$((passed + 1))
		fi
		;;
	esac
done <"$list"

echo "toml-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
