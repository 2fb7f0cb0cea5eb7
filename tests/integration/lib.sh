# Shared helpers for the integration tests: run the real programs on real
# config trees in a temporary directory and count results.
# Sourced by run.sh; every case is a shell function named case_*.

SRCDIR="${SSLM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
BUILDDIR="${SSLM_BUILDDIR:-$SRCDIR}"
SHARED="${SSLM_SHARED:-$SRCDIR/../shared}"
MGR="$BUILDDIR/sslm-mgr"

PASS=0
FAIL=0
SKIP=0
FAILED_NAMES=""

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sslm-it.XXXXXX")
# Our own lock dir, so tests never meet a real run's lock.
export SSLM_LOCK_DIR="$WORK/lock"
mkdir -m 0700 "$SSLM_LOCK_DIR"
unset SSL_MGR_TOPDIR SSLM_CERTBOT

# Processes started by a case, stopped by PID when the run ends.
BG_PIDS=""
cleanup() {
	for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# fail MESSAGE: record a failure of the current case (the case goes on).
fail() {
	echo "    FAIL: $*"
	CASE_FAILED=1
}

# expect_rc WANT GOT WHAT
expect_rc() {
	[ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
}

# expect_grep PATTERN FILE WHAT  (fixed string)
expect_grep() {
	grep -qF -- "$1" "$2" || { fail "$3: no '$1' in output"; sed 's/^/      | /' "$2" | head -n 40; }
}

expect_no_grep() {
	! grep -qF -- "$1" "$2" || fail "$3: unexpected '$1' in output"
}

# run_case NAME: run case_NAME in a subshell-free way and count it.
run_case() {
	CASE_FAILED=0
	CASE_SKIPPED=0
	echo "  $1"
	"case_$1"
	if [ "$CASE_SKIPPED" = 1 ]; then
		SKIP=$((SKIP + 1))
	elif [ "$CASE_FAILED" = 0 ]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		FAILED_NAMES="$FAILED_NAMES $1"
	fi
}

# skip_or_fail WHY: a case whose input is missing. Under CI=true that is a
# failure (decisions.md: tests of ../shared data must run in CI).
skip_or_fail() {
	if [ "${CI:-}" = "true" ]; then
		fail "$1 (required under CI=true)"
	else
		echo "    SKIPPED: $1"
		CASE_SKIPPED=1
	fi
}

# copy_tree SRC NAME: copy a config tree into the work dir, print its path.
copy_tree() {
	mkdir -p "$WORK/$2"
	cp -R "$1/." "$WORK/$2/"
	echo "$WORK/$2"
}

finish() {
	[ -n "$FAILED_NAMES" ] && echo "failed:$FAILED_NAMES"
	if [ "$SKIP" -gt 0 ]; then
		echo "${PASS_NAME:-integration}: $PASS passed, $FAIL failed, $SKIP skipped"
	else
		echo "${PASS_NAME:-integration}: $PASS passed, $FAIL failed"
	fi
	[ "$FAIL" = 0 ]
}
