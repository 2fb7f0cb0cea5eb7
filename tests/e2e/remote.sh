#!/bin/sh
# End-to-end SSH transport: two sshd "hosts" on loopback (scripts/testbed up
# --ssh: mail.test and web.test, each in its own mount namespace that shows
# its own folder at the production path), checked with OpenSSH's client,
# then the libssh2 transport and remote mirror through the Check program
# tests/unit/test_remote (run with the SSLM_TEST_* env below), then one host
# down and the bed's teardown proven by PID.
#
# Env contract of test_remote: SSLM_TEST_SSH_CONFIG, SSLM_TEST_SSH_HOSTS
# ("mail.test web.test"), SSLM_TEST_SSH_KNOWN_HOSTS, SSLM_TEST_SSH_KEY,
# SSLM_TEST_SSH_HOST_VIEW_1 / _2 (the folder host n sees as the production
# path, seen from here), SSLM_TEST_PROD (the production path as the hosts
# see it).
# Prints "e2e-remote: N passed, N failed" as its last line.
set -u
PASS_NAME=e2e-remote
. "$(dirname "$0")/lib.sh"
TEST_REMOTE="$BUILDDIR/tests/unit/test_remote"

sshc() { ssh -F "$TB_SSH_CONFIG" "$@" </dev/null; }
show() { sed 's/^/      | /' "$1" | tail -n "${2:-20}"; }

case_ssh_login() {
	for h in $TB_SSH_HOSTS; do
		out=$(sshc "$h" 'echo ok-$(id -u)' 2>"$WORK/ssh.err")
		[ "$out" = "ok-0" ] || { fail "ssh $h: got '$out'"; show "$WORK/ssh.err"; }
	done
	# the [name]:port entries alone are enough for OpenSSH (HostKeyAlias)
	sshc -o HostKeyAlias="[mail.test]:$TB_SSH_PORT" mail.test true 2>"$WORK/ssh.err" ||
	    { fail "[mail.test]:$TB_SSH_PORT entries not accepted"; show "$WORK/ssh.err"; }
	n=$(grep -c "^\[$TB_SSH_ADDR_1\]:$TB_SSH_PORT " "$TB_SSH_KNOWN_HOSTS")
	[ "$n" = 3 ] || fail "known_hosts has $n lines for host 1's address, expected 3 (ed25519, ecdsa, rsa)"
}

case_unknown_key_refused() {
	: >"$WORK/empty_known_hosts"
	sshc -o UserKnownHostsFile="$WORK/empty_known_hosts" mail.test true >"$WORK/ssh.out" 2>&1 &&
	    fail "login with an empty known_hosts succeeded"
	expect_grep "Host key verification failed" "$WORK/ssh.out" "strict host key checking"
	# another key than the bed's: refused (no password fallback)
	ssh-keygen -q -t ed25519 -N '' -f "$WORK/other_key" >/dev/null 2>&1 || { fail "ssh-keygen"; return; }
	ssh -F /dev/null -p "$TB_SSH_PORT" -i "$WORK/other_key" -o IdentitiesOnly=yes -o BatchMode=yes \
	    -o UserKnownHostsFile="$TB_SSH_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
	    "root@$TB_SSH_ADDR_1" true </dev/null >"$WORK/ssh.out" 2>&1 &&
	    fail "login with a key the host does not know succeeded"
	expect_grep "Permission denied" "$WORK/ssh.out" "key-only auth"
}

case_each_host_sees_its_own_prod() {
	for i in 1 2; do
		h=$(eval echo "\$TB_SSH_NAME_$i")
		echo "written to $h" >"$WORK/probe"
		printf 'put %s %s/probe-%s\n' "$WORK/probe" "$TB_PROD" "$i" |
		    sftp -F "$TB_SSH_CONFIG" -b - "$h" >"$WORK/sftp.out" 2>&1 ||
		    { fail "sftp put to $h"; show "$WORK/sftp.out"; }
	done
	[ "$(cat "$TB_SSH_VIEW_1/probe-1" 2>/dev/null)" = "written to mail.test" ] ||
	    fail "host 1's upload is not in $TB_SSH_VIEW_1"
	[ "$(cat "$TB_SSH_VIEW_2/probe-2" 2>/dev/null)" = "written to web.test" ] ||
	    fail "host 2's upload is not in $TB_SSH_VIEW_2"
	[ -e "$TB_SSH_VIEW_1/probe-2" ] && fail "host 2's upload reached host 1's view"
	[ -e "$TB_SSH_VIEW_2/probe-1" ] && fail "host 1's upload reached host 2's view"
	[ -n "$(find "$TB_PROD" -mindepth 1 -print -quit)" ] && fail "an upload reached the local production tree $TB_PROD"
	# what a restart script on host 2 appends lands in host 2's log
	sshc web.test "echo restarted >>$TB_REMOTE_LOG/restarts.log" || fail "remote append"
	grep -qx restarted "$TB_REMOTE_LOG_2/restarts.log" 2>/dev/null || fail "host 2's remote-log is not $TB_REMOTE_LOG_2"
	[ -e "$TB_REMOTE_LOG_1/restarts.log" ] && fail "host 2's log line reached host 1"
	rm -f "$TB_SSH_VIEW_1/probe-1" "$TB_SSH_VIEW_2/probe-2" "$TB_REMOTE_LOG_2/restarts.log"
}

case_test_remote() {
	if [ ! -x "$TEST_REMOTE" ]; then
		skip_or_fail "$TEST_REMOTE not built (make check builds it)"
		return
	fi
	SSLM_TEST_SSH_CONFIG="$TB_SSH_CONFIG" SSLM_TEST_SSH_HOSTS="mail.test web.test" \
	    SSLM_TEST_SSH_KNOWN_HOSTS="$TB_SSH_KNOWN_HOSTS" SSLM_TEST_SSH_KEY="$TB_SSH_KEY" \
	    SSLM_TEST_SSH_HOST_VIEW_1="$TB_SSH_VIEW_1" SSLM_TEST_SSH_HOST_VIEW_2="$TB_SSH_VIEW_2" \
	    SSLM_TEST_PROD="$TB_PROD" SSLM_TEST_SSH_PORT="$TB_SSH_PORT" \
	    SSLM_TEST_SSH_ADDR_1="$TB_SSH_ADDR_1" SSLM_TEST_SSH_ADDR_2="$TB_SSH_ADDR_2" \
	    CK_DEFAULT_TIMEOUT="${CK_DEFAULT_TIMEOUT:-120}" \
	    "$TEST_REMOTE" >"$WORK/test_remote.out" 2>&1
	rc=$?
	summary=$(grep -E '^[0-9]+%: Checks: ' "$WORK/test_remote.out" | tail -n 1)
	note "test_remote: ${summary:-no Check summary line}"
	if [ "$rc" != 0 ]; then
		fail "test_remote exit status $rc"
		grep -vE '^Running suite|^[0-9]+%: Checks' "$WORK/test_remote.out" | show /dev/stdin 30
	fi
	[ -n "$summary" ] || fail "test_remote printed no Check summary"
}

case_host_down_refused_other_up() {
	old=$TB_SSH_PID_2
	"$TESTBED" ssh-stop "$BED" 2 >"$WORK/stop.out" 2>&1 || { fail "ssh-stop"; show "$WORK/stop.out"; return; }
	pid_gone "$old" || fail "sshd of host 2 (pid $old) still runs after ssh-stop"
	sshc web.test true >"$WORK/ssh.out" 2>&1 && fail "host 2 still answers"
	expect_grep "Connection refused" "$WORK/ssh.out" "host 2 down"
	sshc mail.test true 2>"$WORK/ssh.err" || { fail "host 1 went down with host 2"; show "$WORK/ssh.err"; }
	"$TESTBED" ssh-start "$BED" 2 >"$WORK/start.out" 2>&1 || { fail "ssh-start"; show "$WORK/start.out"; return; }
	new=$(sed -n 's/^TB_SSH_PID_2=//p' "$WORK/start.out")
	[ -n "$new" ] && [ "$new" != "$old" ] || fail "ssh-start printed pid '$new'"
	grep -qx "TB_SSH_PID_2=$new" "$BED/env" || fail "env not updated with the new pid"
	sshc web.test true 2>"$WORK/ssh.err" || { fail "host 2 does not answer after ssh-start"; show "$WORK/ssh.err"; }
	TB_SSH_PID_2=$new
}

# Last: down stops every sshd of the bed, listeners and sessions, proven by
# PID (a session is kept open during down to have one).
case_down_leaves_no_sshd() {
	sshc mail.test 'sleep 30' >/dev/null 2>&1 &
	cli=$!
	# every process below our listeners, once the session is there (a
	# loaded machine may take a while to log in)
	below=""
	tries=0
	while [ -z "$below" ] && [ "$tries" -lt 100 ]; do
		for p in $TB_SSH_PID_1 $TB_SSH_PID_2; do
			for c in $(awk -v pp="$p" '{ sub(/.*\) /, ""); split($0, f, " "); if (f[2] == pp) print FILENAME }' \
			    /proc/[0-9]*/stat 2>/dev/null | sed 's|/proc/||; s|/stat||'); do
				below="$below $c"
			done
		done
		[ -n "$below" ] || { sleep 0.1; tries=$((tries + 1)); }
	done
	[ -n "$below" ] || fail "no session process found below the listeners"
	"$TESTBED" down "$BED" >"$WORK/down.out" 2>&1 || fail "testbed down"
	for p in $TB_SSH_PID_1 $TB_SSH_PID_2 $below; do
		pid_gone "$p" || fail "pid $p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)) still runs after down"
	done
	for f in /proc/[0-9]*/cmdline; do
		case $(tr '\0' ' ' <"$f" 2>/dev/null) in
		*"$BED/ssh/"*) fail "${f%/cmdline} still runs with our config: $(tr '\0' ' ' <"$f")" ;;
		esac
	done
	ls "$BED/run"/sshd-*.pid >/dev/null 2>&1 && fail "sshd pid files left"
	wait "$cli" 2>/dev/null
	note "stopped: listeners $TB_SSH_PID_1 $TB_SSH_PID_2, sessions$below"
}

echo "e2e remote tests (sshd hosts; $TEST_REMOTE)"
bed_up_ssh 2 || { echo "$PASS_NAME: 0 passed, 1 failed"; exit 1; }
for c in ssh_login unknown_key_refused each_host_sees_its_own_prod test_remote \
    host_down_refused_other_up down_leaves_no_sshd; do
	run_case "$c"
done
finish
