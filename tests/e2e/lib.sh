# Shared helpers for the end-to-end tests: a real knot primary + secondary on
# loopback (scripts/testbed), brought up once per script in a temp dir and
# always brought down by PID from the EXIT trap.
# Sourced by tests/e2e/*.sh; every case is a shell function named case_*.

SRCDIR="${SSLM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
BUILDDIR="${SSLM_BUILDDIR:-$SRCDIR}"
TESTBED="$SRCDIR/scripts/testbed"

PASS=0
FAIL=0
SKIP=0
FAILED_NAMES=""
SKIPPED_NAMES=""
BED_PIDS=""

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sslm-e2e.XXXXXX") || exit 1
BED="$WORK/bed"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
T_START=$(now_ms)

# Always stop the bed (by the PIDs in its PID files), then prove that those
# PIDs are gone. KEEP_E2E=1 keeps the work dir (logs) for a look.
cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ -d "$BED" ]; then
		"$TESTBED" down "$BED" 2>/dev/null
	fi
	if [ "${KEEP_E2E:-0}" = 1 ]; then
		echo "work dir kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "    FAIL: $*"
	CASE_FAILED=1
}

note() { echo "    $*"; }

# expect_rc WANT GOT WHAT
expect_rc() {
	[ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
}

# expect_grep TEXT FILE WHAT  (fixed string)
expect_grep() {
	grep -qF -- "$1" "$2" || { fail "$3: no '$1' in output"; sed 's/^/      | /' "$2" | head -n 30; }
}

# bed_acme_sections WEBHOST: the ssl-mgr.conf sections that point a tree at
# the ACME bed (DNS primary, [dns] refresh/acme/tlsa dirs, [web] for
# http-01 on WEBHOST), for the e2e scripts that write their own config.
bed_acme_sections() {
	cat <<CONF
[[dns_primary]]
    domain = 'default'
    server = '$TB_PRIMARY'
    port = $TB_PORT

[dns]
    restart_cmd = '$TB_RESTART_CMD'
    acme_dir = '$TB_ACME_DIR'
    tlsa_dirs = ['$TB_TLSA_DIR']
    depends = ['dns']

[web]
    servers = ['$1']
    server_dir = '$TB_WWW_DIR'
    restart_cmd = ''
CONF
}

# expect_no_grep TEXT FILE WHAT  (fixed string must not be there)
expect_no_grep() {
	! grep -qF -- "$1" "$2" || { fail "$3: unexpected '$1'"; grep -F -- "$1" "$2" | head -n 5 | sed 's/^/      | /'; }
}

# expect_egrep REGEX FILE WHAT
expect_egrep() {
	grep -qE -- "$1" "$2" || { fail "$3: no match for /$1/ in output"; sed 's/^/      | /' "$2" | head -n 30; }
}

# skip_or_fail WHY: a case that cannot run here. Under CI=true a failure.
skip_or_fail() {
	if [ "${CI:-}" = "true" ]; then
		fail "$1 (required under CI=true)"
	else
		echo "    SKIPPED: $1"
		CASE_SKIPPED=1
	fi
}

run_case() {
	CASE_FAILED=0
	CASE_SKIPPED=0
	CASE_T0=$(now_ms)
	echo "  $1"
	"case_$1"
	echo "    ($(($(now_ms) - CASE_T0)) ms)"
	if [ "$CASE_SKIPPED" = 1 ]; then
		SKIP=$((SKIP + 1))
		SKIPPED_NAMES="$SKIPPED_NAMES $1"
	elif [ "$CASE_FAILED" = 0 ]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		FAILED_NAMES="$FAILED_NAMES $1"
	fi
}

finish() {
	echo "total $(($(now_ms) - T_START)) ms"
	[ -n "$SKIPPED_NAMES" ] && echo "skipped:$SKIPPED_NAMES"
	[ -n "$FAILED_NAMES" ] && echo "failed:$FAILED_NAMES"
	if [ "$SKIP" -gt 0 ]; then
		echo "$PASS_NAME: $PASS passed, $FAIL failed, $SKIP skipped"
	else
		echo "$PASS_NAME: $PASS passed, $FAIL failed"
	fi
	[ "$FAIL" = 0 ]
}

# whole_skip WHY: nothing can run (no knot and not root). Exit 77 (skipped)
# naming the test, or fail under CI=true.
whole_skip() {
	if [ "${CI:-}" = "true" ]; then
		echo "$PASS_NAME: $1 (required under CI=true)"
		echo "$PASS_NAME: 0 passed, 1 failed"
		exit 1
	fi
	echo "SKIP: $PASS_NAME: $1"
	exit 77
}

# ---- the bed ---------------------------------------------------------------

# bed_up: knot + drill present (installed when root), bed running; loads the
# env the bed prints (TB_PRIMARY, TB_SECONDARY, TB_PORT, ...). Tries the
# default addresses first, then two other pairs when those are in use.
bed_up() {
	"$TESTBED" deps >"$WORK/deps.out" 2>&1
	case $? in
	0) ;;
	77) whole_skip "knot/drill missing and not root ($(tail -n 1 "$WORK/deps.out"))" ;;
	*) cat "$WORK/deps.out"; whole_skip "installing knot/ldnsutils failed" ;;
	esac
	n=$$
	for pair in "" "127.0.53.$((n % 200 + 20)) 127.0.54.$((n % 200 + 20))" \
	    "127.0.55.$((n % 200 + 20)) 127.0.56.$((n % 200 + 20))"; do
		if [ -n "$pair" ]; then
			# shellcheck disable=SC2086
			set -- $pair
			export TB_PRIMARY="$1" TB_SECONDARY="$2"
		fi
		if "$TESTBED" up "$BED" >"$WORK/env" 2>"$WORK/up.err"; then
			cat "$WORK/up.err"
			# shellcheck disable=SC1091
			. "$WORK/env"
			BED_PIDS="$TB_PRIMARY_PID $TB_SECONDARY_PID"
			sed 's/^/    env: /' "$WORK/env"
			return 0
		fi
		cat "$WORK/up.err"
		# in use by a concurrent run (or a race with one): next pair
		"$TESTBED" down "$BED" 2>/dev/null
	done
	return 1
}

# serial_at ADDR ZONE / txt_at ADDR NAME / rr_at ADDR NAME TYPE
q() { timeout 3 drill -Q -p "$TB_PORT" "@$1" "$2" "$3" 2>/dev/null; }
serial_at() {
	s=$(q "$1" "$2" SOA | awk 'NF == 7 && $3 ~ /^[0-9]+$/ { print $3; exit }')
	echo "${s:-none}"
}
rr_at() { q "$1" "$2" "$3"; }

# primary_serial ZONE: the serial in the primary's zone file
file_serial() {
	awk '/; serial$/ { print $1; exit }' "$BED/dns/primary/zones/$1.zone"
}

# poll_until SECONDS CMD...: run CMD every 50 ms until it succeeds
poll_until() {
	lim=$(($(now_ms) + $1 * 1000))
	shift
	while ! "$@"; do
		[ "$(now_ms)" -ge "$lim" ] && return 1
		sleep 0.05
	done
}


# ---- the ACME side of the bed (testbed up --acme) --------------------------

# bed_up_acme: like bed_up, plus pebble and nginx (scripts/testbed up
# --acme); pebble, nginx, certbot, curl, openssl present (installed when
# root, else the whole script is skipped naming them). Loads the env
# (also TB_ACME_SERVER, TB_CA_BUNDLE, TB_PEBBLE_ROOT, TB_WWW_DIR,
# TB_HTTP_PORT, ...). Tries the default addresses and ports (14000, 15000,
# 5002) first, then two other sets when those are in use.
bed_up_acme() {
	"$TESTBED" deps --acme >"$WORK/deps.out" 2>&1
	case $? in
	0) ;;
	77) whole_skip "needed programs missing and not root ($(tail -n 1 "$WORK/deps.out"))" ;;
	*) cat "$WORK/deps.out"; whole_skip "installing the test bed packages failed" ;;
	esac
	n=$$
	for try in 0 1 2; do
		if [ "$try" -gt 0 ]; then
			k=$((n % 400 + try * 400 - 300))	# 100..499, then 500..899
			export TB_PRIMARY="127.0.$((51 + try * 2)).$((n % 200 + 20))"
			export TB_SECONDARY="127.0.$((52 + try * 2)).$((n % 200 + 20))"
			export TB_ACME_PORT=$((14000 + k)) TB_MGMT_PORT=$((15000 + k)) TB_HTTP_PORT=$((5000 + k))
		fi
		if "$TESTBED" up --acme "$BED" >"$WORK/env" 2>"$WORK/up.err"; then
			cat "$WORK/up.err"
			# shellcheck disable=SC1091
			. "$WORK/env"
			BED_PIDS="$TB_PRIMARY_PID $TB_SECONDARY_PID $TB_PEBBLE_PID $TB_NGINX_PID"
			sed 's/^/    env: /' "$WORK/env"
			return 0
		fi
		cat "$WORK/up.err"
		"$TESTBED" down "$BED" 2>/dev/null
	done
	return 1
}

# pid_gone PID: not running (a zombie not reaped yet counts as gone)
pid_gone() {
	! kill -0 "$1" 2>/dev/null ||
	    [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = Z ]
}

# ---- the SSH side of the bed (testbed up --ssh) -----------------------------

# bed_up_ssh [N] [--acme]: like bed_up (with --acme like bed_up_acme), plus N
# sshd "hosts" (default 2; scripts/testbed up --ssh=N), each in its own mount
# namespace. Loads the env (also TB_SSH_CONFIG, TB_SSH_KNOWN_HOSTS,
# TB_SSH_KEY, TB_SSH_HOSTS, TB_SSH_N, TB_SSH_ADDR_<i>, TB_SSH_PID_<i>,
# TB_PROD, TB_SSH_VIEW_<i>, TB_REMOTE_LOG_<i>, ...). TB_HTTP_NS and TB_PROD
# set by the caller are passed on. Tries the default addresses and ports
# first (hosts at 127.0.0.4...), then two other sets when those are in use.
bed_up_ssh() {
	bs_n=2
	bs_acme=""
	for bs_a in "$@"; do
		case $bs_a in
		--acme) bs_acme=--acme ;;
		*) bs_n=$bs_a ;;
		esac
	done
	"$TESTBED" deps $bs_acme --ssh >"$WORK/deps.out" 2>&1
	case $? in
	0) ;;
	77) whole_skip "needed programs missing and not root ($(tail -n 1 "$WORK/deps.out"))" ;;
	*) cat "$WORK/deps.out"; whole_skip "installing the test bed packages failed" ;;
	esac
	n=$$
	for try in 0 1 2; do
		if [ "$try" -gt 0 ]; then
			export TB_PRIMARY="127.0.$((51 + try * 2)).$((n % 200 + 20))"
			export TB_SECONDARY="127.0.$((52 + try * 2)).$((n % 200 + 20))"
			export TB_SSH_NET="127.0.$((60 + try)).$((n % 200 + 20))"
			if [ -n "$bs_acme" ]; then
				k=$((n % 400 + try * 400 - 300))
				export TB_ACME_PORT=$((14000 + k)) TB_MGMT_PORT=$((15000 + k)) TB_HTTP_PORT=$((5000 + k))
			fi
		fi
		if "$TESTBED" up $bs_acme "--ssh=$bs_n" "$BED" >"$WORK/env" 2>"$WORK/up.err"; then
			cat "$WORK/up.err"
			# shellcheck disable=SC1091
			. "$WORK/env"
			BED_PIDS="$TB_PRIMARY_PID $TB_SECONDARY_PID ${TB_PEBBLE_PID:-} ${TB_NGINX_PID:-}"
			i=1
			while [ "$i" -le "$TB_SSH_N" ]; do
				BED_PIDS="$BED_PIDS $(eval echo "\$TB_SSH_PID_$i")"
				i=$((i + 1))
			done
			sed 's/^/    env: /' "$WORK/env"
			return 0
		fi
		cat "$WORK/up.err"
		"$TESTBED" down "$BED" 2>/dev/null
	done
	return 1
}

# tree_list DIR: one line per entry below DIR, sorted: "<path> <type>
# <mode> <mtime>" for files (whole seconds: sub-second times are not
# mirrored), "<path> <type> <mode> <link target>" for the rest; the entries
# two trees must share to be mirrors of each other
tree_list() {
	(cd "$1" && find . -mindepth 1 \( -type f -printf '%P %y %m %Ts\n' \) -o -printf '%P %y %m %l\n' |
	    LC_ALL=C sort)
}

# same_tree A B: A and B hold the same names, types, modes, file mtimes,
# link targets and file contents; on a difference print the first ones
same_tree() {
	tree_list "$1" >"$WORK/st.a" || return 1
	tree_list "$2" >"$WORK/st.b" || return 1
	if ! cmp -s "$WORK/st.a" "$WORK/st.b"; then
		diff "$WORK/st.a" "$WORK/st.b" | head -n 10 | sed 's/^/      | /'
		return 1
	fi
	st_rc=0
	while read -r st_p st_y _; do
		[ "$st_y" = f ] || continue
		cmp -s "$1/$st_p" "$2/$st_p" || { echo "      | $st_p: contents differ"; st_rc=1; }
	done <"$WORK/st.a"
	return $st_rc
}
