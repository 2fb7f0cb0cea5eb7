#!/bin/sh
# End-to-end tests of the DNS engine against real authoritative servers: a
# knot primary and a knot secondary on loopback (scripts/testbed), brought
# up once for the whole script. The engine is driven through the test tool
# tests/dns-wait. Cases that need dns-wait are skipped by name when it was
# not built (a failure under CI=true); the test-bed cases always run.
# Prints "e2e-dns: N passed, N failed" as its closing line.
# Exit 77 (skipped) when knot/drill are missing and we are not root
# (under CI=true: failure).
set -u
PASS_NAME=e2e-dns
. "$(dirname "$0")/lib.sh"

DNS_WAIT="$BUILDDIR/tests/dns-wait"
APEX=example.test
OWNER=_acme-challenge.example.test.
ACME_FILE=	# set after bed_up
TLSA_FILE=

# A fresh ACME-like value (43 characters of base64url).
token() {
	head -c 32 /dev/urandom | base64 -w 0 | tr '+/' '-_' | cut -c1-43
}

# The include file as ssl-mgr writes it (dns.md §2.2): two comment lines,
# then one record line per argument (each argument is the full RR line).
write_acme() {
	{
		echo ";; acme-challenge for : $APEX"
		echo ";; acme-challenge : $APEX"
		for l in "$@"; do echo "$l"; done
	} >"$ACME_FILE.tmp" && mv "$ACME_FILE.tmp" "$ACME_FILE"
}

refresh() {
	"$TB_RESTART_CMD" --serial_bump "$APEX" >"$WORK/refresh.out" 2>&1 ||
	    { fail "refresh: $(cat "$WORK/refresh.out")"; return 1; }
}

have_dns_wait() {
	[ -x "$DNS_WAIT" ] && return 0
	skip_or_fail "$DNS_WAIT not built (tests/dns-wait)"
	return 1
}

# dns_wait MAX_WAIT TYPE VALUE...: run the engine's wait against the bed,
# output in $WORK/out, exit status in $WRC, duration in $WMS (ms).
dns_wait() {
	w=$1
	shift
	t0=$(now_ms)
	# "--": a base64url value may start with "-" (GNU getopt permutes)
	"$DNS_WAIT" -w "$w" -p "$TB_PRIMARY" -P "$TB_PORT" -a "$TB_PORT" -- \
	    "$APEX" "$OWNER" "$@" >"$WORK/out" 2>&1
	WRC=$?
	WMS=$(($(now_ms) - t0))
}

show_out() { sed 's/^/      | /' "$WORK/out" | tail -n "${1:-8}"; }

# ---- the test bed itself (drill) --------------------------------------------

case_bed_serves_zones() {
	for z in $TB_ZONES; do
		for a in "$TB_PRIMARY" "$TB_SECONDARY" $TB_PRIMARY6; do
			s=$(serial_at "$a" "$z")
			[ "$s" = "$(file_serial "$z")" ] || fail "$z at $a: serial $s, expected $(file_serial "$z")"
		done
		ns=$(rr_at "$TB_PRIMARY" "$z" NS | sort | tr '\n' ' ')
		[ "$ns" = "ns1.$z. ns2.$z. " ] || fail "$z NS: '$ns'"
		[ "$(rr_at "$TB_SECONDARY" "ns1.$z" A)" = "$TB_PRIMARY" ] || fail "ns1.$z A"
		[ "$(rr_at "$TB_SECONDARY" "ns2.$z" A)" = "$TB_SECONDARY" ] || fail "ns2.$z A"
		if [ -n "$TB_PRIMARY6" ]; then
			[ "$(rr_at "$TB_PRIMARY" "ns1.$z" AAAA)" = "::1" ] || fail "ns1.$z AAAA"
		fi
		[ -f "$TB_ACME_DIR/acme-challenge.$z" ] || fail "missing $TB_ACME_DIR/acme-challenge.$z"
		[ -f "$TB_TLSA_DIR/tlsa.$z" ] || fail "missing $TB_TLSA_DIR/tlsa.$z"
	done
	mx=$(rr_at "$TB_SECONDARY" example.test MX)
	[ "$mx" = "10 mail.example.test." ] || fail "MX example.test: '$mx'"
	mx=$(rr_at "$TB_SECONDARY" example.net MX | sort | tr '\n' ' ')
	[ "$mx" = "10 mx1.example.net. 20 mx2.example.net. " ] || fail "MX example.net: '$mx'"
	note "serials: $APEX $(serial_at "$TB_PRIMARY" $APEX) on both; TB_V6=$TB_V6"
}

secondary_has() {	# secondary_has SERIAL TEXT
	[ "$(serial_at "$TB_SECONDARY" $APEX)" = "$1" ] &&
	    rr_at "$TB_SECONDARY" "$OWNER" TXT | grep -qF "\"$2\""
}

case_bed_refresh_propagates() {
	v=$(token)
	write_acme "$OWNER 60 IN TXT \"$v\""
	old=$(file_serial $APEX)
	t0=$(now_ms)
	refresh || return
	new=$(file_serial $APEX)
	[ "$new" = $((old + 1)) ] || fail "serial $old -> $new, expected +1"
	expect_grep "$APEX: serial $old -> $new" "$WORK/refresh.out" "refresh output"
	[ "$(serial_at "$TB_PRIMARY" $APEX)" = "$new" ] || fail "primary does not serve $new right after refresh"
	if poll_until 5 secondary_has "$new" "$v"; then
		note "secondary at serial $new with the TXT after $(($(now_ms) - t0)) ms (NOTIFY/AXFR)"
	else
		fail "secondary did not get serial $new within 5 s"
	fi
	# the other zone is untouched
	[ "$(serial_at "$TB_PRIMARY" example.net)" = "$(file_serial example.net)" ] || fail "example.net changed"
	# an unknown zone is an error
	"$TB_RESTART_CMD" --serial_bump example.org >"$WORK/out" 2>&1
	expect_rc 1 $? "refresh of a zone the bed does not serve"
}

case_bed_stall_and_silence() {
	"$TESTBED" stall "$BED" 2>"$WORK/out" || { fail "stall: $(cat "$WORK/out")"; return; }
	v=$(token)
	write_acme "$OWNER 60 IN TXT \"$v\""
	refresh || return
	new=$(file_serial $APEX)
	sleep 1.5
	s=$(serial_at "$TB_SECONDARY" $APEX)
	[ "$s" = $((new - 1)) ] || fail "stalled secondary at serial $s, expected $((new - 1))"
	[ "$(serial_at "$TB_PRIMARY" $APEX)" = "$new" ] || fail "primary not at $new"
	"$TESTBED" unstall "$BED" 2>"$WORK/out" || fail "unstall: $(cat "$WORK/out")"
	poll_until 5 secondary_has "$new" "$v" || fail "secondary did not catch up after unstall"
	"$TESTBED" silence "$BED" 2>"$WORK/out" || { fail "silence: $(cat "$WORK/out")"; return; }
	t0=$(now_ms)
	s=$(serial_at "$TB_SECONDARY" $APEX)
	[ "$s" = none ] || fail "silenced secondary answered (serial $s)"
	[ "$(serial_at "$TB_PRIMARY" $APEX)" = "$new" ] || fail "primary stopped answering"
	"$TESTBED" unsilence "$BED" 2>"$WORK/out" || fail "unsilence: $(cat "$WORK/out")"
	poll_until 3 secondary_has "$new" "$v" || fail "secondary does not answer after SIGCONT"
}

# ---- the engine (tests/dns-wait) ---------------------------------------------

# (a) TXT in the include file + refresh: the wait returns 0 only once both
# servers serve it; at that moment the secondary has the new serial.
case_wait_txt_both_servers() {
	have_dns_wait || return
	v=-$(token | cut -c2-)	# base64url values may start with "-"
	write_acme "$OWNER 60 IN TXT \"$v\""
	refresh || return
	new=$(file_serial $APEX)
	dns_wait 10 TXT "$v"
	s=$(serial_at "$TB_SECONDARY" $APEX)
	expect_rc 0 "$WRC" "dns-wait after refresh"
	[ "$s" = "$new" ] || fail "dns-wait returned but the secondary is at serial $s, not $new"
	rr_at "$TB_SECONDARY" "$OWNER" TXT | grep -qF "\"$v\"" || fail "dns-wait returned but the secondary lacks the TXT"
	note "agreed after $WMS ms; secondary at $s"
	[ "$WRC" = 0 ] || show_out
}

# (b) field case 02: the secondary lags. The wait must fail at its deadline,
# naming the secondary ("serial <s> < <primary>" or "missing"); after the
# secondary follows again the wait agrees - and not before.
case_wait_secondary_lag() {
	have_dns_wait || return
	"$TESTBED" stall "$BED" 2>/dev/null || { fail "stall failed"; return; }
	old=$(serial_at "$TB_SECONDARY" $APEX)
	v=$(token)
	write_acme "$OWNER 60 IN TXT \"$v\""
	refresh || return
	new=$(file_serial $APEX)
	dns_wait 5 TXT "$v"
	expect_rc 1 "$WRC" "dns-wait with a stalled secondary"
	[ "$WMS" -ge 4500 ] || fail "failed after $WMS ms, before the 5 s deadline"
	[ "$WMS" -le 12000 ] || fail "took $WMS ms with -w 5"
	expect_grep "ns2.$APEX. ($TB_SECONDARY)" "$WORK/out" "lagging server named"
	if ! grep -qF "serial $old < $new" "$WORK/out" && ! grep -qF "missing" "$WORK/out"; then
		fail "no 'serial $old < $new' and no 'missing' in the output"
	fi
	if grep -qE "ns1\.example\.test\. \($TB_PRIMARY\) (timeout|$OWNER missing|serial)" "$WORK/out"; then
		fail "the up-to-date primary is reported as lagging"
	fi
	note "failed after $WMS ms:"
	show_out 4
	# Unstall while a wait runs: it must agree, and only after the catch-up.
	rm -f "$WORK/unstalled"
	(sleep 2 && "$TESTBED" unstall "$BED" 2>/dev/null && date +%s%N >"$WORK/unstalled") &
	up_pid=$!
	dns_wait 15 TXT "$v"
	end=$(date +%s%N)
	wait "$up_pid"
	expect_rc 0 "$WRC" "dns-wait after unstall"
	if [ -f "$WORK/unstalled" ]; then
		[ "$end" -ge "$(cat "$WORK/unstalled")" ] || fail "dns-wait agreed before the secondary was unstalled"
	else
		fail "unstall failed"
	fi
	[ "$(serial_at "$TB_SECONDARY" $APEX)" = "$new" ] || fail "secondary not at $new after the wait"
	note "agreed $WMS ms after start (unstall at 2 s)"
	[ "$WRC" = 0 ] || show_out
}

# (c) a server that does not answer at all (SIGSTOP): bounded failure with
# the reason "timeout" for that server.
case_wait_silent_server() {
	have_dns_wait || return
	v=$(token)
	write_acme "$OWNER 60 IN TXT \"$v\""
	refresh || return
	poll_until 5 secondary_has "$(file_serial $APEX)" "$v" || fail "secondary did not follow before silence"
	"$TESTBED" silence "$BED" 2>/dev/null || { fail "silence failed"; return; }
	dns_wait 5 TXT "$v"
	"$TESTBED" unsilence "$BED" 2>/dev/null || fail "unsilence failed"
	expect_rc 1 "$WRC" "dns-wait with a silent secondary"
	[ "$WMS" -le 15000 ] || fail "took $WMS ms with -w 5 (unbounded?)"
	expect_grep "ns2.$APEX. ($TB_SECONDARY)" "$WORK/out" "silent server named"
	expect_grep "timeout" "$WORK/out" "reason"
	note "failed after $WMS ms:"
	show_out 3
}

# (d) field case 04: a TXT record of two strings matches the joined value;
# a longer value that only contains the token does not.
case_wait_txt_multistring() {
	have_dns_wait || return
	v1=gnnsATDD0BUUIA6jyVu4Zk6o7Fmq-D1ghLHrQ7tEkGM
	v2=4MZD1B6xYpTeZEdPSVFCKndiwXpMU1tsMcQQLTXnvdI
	long=$(printf 'L%.0s' $(seq 1 255))
	write_acme "$OWNER 60 IN TXT \"gnnsATDD0BUUIA6jyVu4Zk6o7Fmq\" \"-D1ghLHrQ7tEkGM\"" \
	    "$OWNER 60 IN TXT \"x${v2}x\"" \
	    "$OWNER 60 IN TXT \"$long\" \"$(printf 'M%.0s' $(seq 1 45))\""
	refresh || return
	dns_wait 10 TXT "$v1"
	expect_rc 0 "$WRC" "two-string TXT joined"
	[ "$WRC" = 0 ] || show_out
	dns_wait 3 TXT "$v2"
	expect_rc 1 "$WRC" "value contained in a longer TXT"
	expect_grep "missing" "$WORK/out" "reason"
	expect_grep "$v2" "$WORK/out" "the missing value named"
	show_out 2
	dns_wait 3 TXT "$v1" "$v2"
	expect_rc 1 "$WRC" "both values, one of them only contained"
	# now publish value 2 exactly: both agree although value 1 is still split
	write_acme "$OWNER 60 IN TXT \"gnnsATDD0BUUIA6jyVu4Zk6o7Fmq\" \"-D1ghLHrQ7tEkGM\"" \
	    "$OWNER 60 IN TXT \"x${v2}x\"" "$OWNER 60 IN TXT \"$v2\""
	refresh || return
	dns_wait 10 TXT "$v1" "$v2"
	expect_rc 0 "$WRC" "both values present"
	[ "$WRC" = 0 ] || show_out
}

# (e) a TLSA record in the include-tlsa file: the TLSA check agrees (hex
# compared case-insensitively); another digest does not.
case_wait_tlsa() {
	have_dns_wait || return
	hex=$(printf 'e2e' | openssl dgst -sha256 -r | cut -c1-64)
	other=$(printf 'other' | openssl dgst -sha256 -r | cut -c1-64)
	towner=_25._tcp.mail.example.test.
	{
		echo ";;"
		echo ";; TLSA $APEX : phase = normal"
		echo ";;"
		echo ";;"
		echo ";; mail-ec curr"
		echo ";;"
		echo "$towner 60 IN TLSA 3 1 1 $hex"
		echo ""
	} >"$TLSA_FILE.tmp" && mv "$TLSA_FILE.tmp" "$TLSA_FILE"
	refresh || return
	upper=$(echo "$hex" | tr 'a-f' 'A-F')
	OWNER_SAVED=$OWNER
	OWNER=$towner
	dns_wait 10 TLSA "3 1 1 $upper"
	expect_rc 0 "$WRC" "TLSA 3 1 1 (upper-case hex)"
	[ "$WRC" = 0 ] || show_out
	s=$(serial_at "$TB_SECONDARY" $APEX)
	[ "$s" = "$(file_serial $APEX)" ] || fail "TLSA agreed but the secondary is at $s"
	dns_wait 3 TLSA "3 1 1 $other"
	expect_rc 1 "$WRC" "TLSA with another digest"
	show_out 2
	OWNER=$OWNER_SAVED
}

# Field case 03: a challenge name that is a CNAME elsewhere, or inside a
# delegated child zone, is refused before anything waits; an ordinary one
# passes the check.
case_challenge_cname_delegated() {
	have_dns_wait || return
	{
		echo "_acme-challenge.www.$APEX. 60 IN CNAME www-example-test.acme.example.net."
		echo "_acme-challenge.sub.$APEX. 60 IN NS ns-acme.example.net."
		echo "_acme-challenge.$APEX. 60 IN TXT \"plain-token\""
	} >"$ACME_FILE.tmp" && mv "$ACME_FILE.tmp" "$ACME_FILE"
	refresh || return
	"$DNS_WAIT" -C -w 2 -p "$TB_PRIMARY" -P "$TB_PORT" -a "$TB_PORT" -- \
	    "$APEX" "_acme-challenge.www.$APEX" TXT token >"$WORK/out" 2>&1
	expect_rc 1 $? "CNAME'd challenge name"
	expect_grep "_acme-challenge.www.$APEX. is a CNAME to www-example-test.acme.example.net." "$WORK/out" "CNAME named"
	"$DNS_WAIT" -C -w 2 -p "$TB_PRIMARY" -P "$TB_PORT" -a "$TB_PORT" -- \
	    "$APEX" "_acme-challenge.sub.$APEX" TXT token >"$WORK/out" 2>&1
	expect_rc 1 $? "delegated challenge name"
	expect_grep "is in the delegated zone _acme-challenge.sub.$APEX." "$WORK/out" "delegation named"
	"$DNS_WAIT" -C -w 5 -p "$TB_PRIMARY" -P "$TB_PORT" -a "$TB_PORT" -- \
	    "$APEX" "_acme-challenge.$APEX" TXT plain-token >"$WORK/out" 2>&1
	expect_rc 0 $? "ordinary challenge name"
	[ $? = 0 ] || show_out
	: >"$ACME_FILE"
	refresh
}

# last: down stops exactly the bed's PIDs and leaves nothing running
case_bed_down() {
	t0=$(now_ms)
	"$TESTBED" down "$BED" 2>"$WORK/out" || fail "down: $(cat "$WORK/out")"
	note "down in $(($(now_ms) - t0)) ms"
	for p in $BED_PIDS; do
		# gone, or at most a zombie its new parent has not reaped yet
		if kill -0 "$p" 2>/dev/null &&
		    [ "$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)" != Z ]; then
			fail "pid $p still running after down"
		fi
	done
	ls "$BED/run/"*.pid >/dev/null 2>&1 && fail "PID files left in $BED/run"
	# Nothing serves our zones any more. (Another run may already have
	# taken the addresses: its answers carry another nonce.)
	for a in "$TB_PRIMARY" "$TB_SECONDARY"; do
		timeout 1 drill -Q -p "$TB_PORT" "@$a" "_testbed.$APEX" TXT 2>/dev/null |
		    grep -qF "\"$TB_NONCE\"" && fail "$a still serves this bed's zone after down"
	done
}

echo "e2e DNS tests (test bed: $TESTBED; dns-wait: $DNS_WAIT)"
t0=$(now_ms)
if ! bed_up; then
	echo "failed: test bed did not come up"
	echo "$PASS_NAME: 0 passed, 1 failed"
	exit 1
fi
echo "  bed up in $(($(now_ms) - t0)) ms"
ACME_FILE=$TB_ACME_DIR/acme-challenge.$APEX
TLSA_FILE=$TB_TLSA_DIR/tlsa.$APEX

for c in bed_serves_zones bed_refresh_propagates bed_stall_and_silence \
    wait_txt_both_servers wait_secondary_lag wait_silent_server \
    wait_txt_multistring wait_tlsa challenge_cname_delegated bed_down; do
	run_case "$c"
done
finish
