#!/bin/sh
# End-to-end DANE cycle: sslm-mgr on a local-CA service with dane_tls, its
# TLSA records published through a real knot primary + secondary on loopback
# (scripts/testbed): the aggregate holds next only, then curr, then
# curr+next, then the new curr; the roll gate holds while the secondary lags.
# Prints "e2e-dane: N passed, N failed" as its last line.
set -u
PASS_NAME=e2e-dane
. "$(dirname "$0")/lib.sh"
MGR="$BUILDDIR/sslm-mgr"

mgr() {
	SSL_MGR_TOPDIR="$TOP" SSLM_TEST_AUTH_PORT="$TB_PORT" "$MGR" "$@" >"$WORK/out" 2>&1
}

show() { sed 's/^/      | /' "$WORK/out" | tail -n 25; }

# The record lines of a file: owner and data, comments and blanks dropped.
records() { grep -v '^[[:space:]]*;' "$1" 2>/dev/null | grep -v '^[[:space:]]*$' | sort; }

AGG() { echo "$TOP/certs/example.test/tlsa.example.test"; }
SVC="example.test:mail-rsa"
SVCDIR="example.test/mail-rsa"

setup_tree() {
	TOP="$WORK/top"
	mkdir -p "$TOP"
	cp -R "$SRCDIR/examples/ca-self/conf.d" "$TOP/"
	cat >>"$TOP/conf.d/ssl-mgr.conf" <<CONF

[[dns_primary]]
    domain = 'default'
    server = '$TB_PRIMARY'
    port = $TB_PORT

[dns]
    restart_cmd = '$BED/dns-refresh'
    acme_dir = '$BED/dns/include-acme'
    tlsa_dirs = ['$BED/dns/include-tlsa']
    depends = ['dns']
CONF
	# mail-rsa gets DANE: MX records for port 25, SANs for 465.
	sed -i "s/^signing_ca = 'example-int'/signing_ca = 'example-int'\ndane_tls = [[25, 'tcp', 3, 1, 1], [465, 'tcp', 3, 1, 2, 'SANS']]\ndane_tls_ttl = 300/" \
		"$TOP/conf.d/example.test/mail-rsa"
	for g in ca:example-root ca:example-int; do
		mgr -renew "$g" && mgr -roll "$g" || { fail "CA $g"; show; return 1; }
	done
}

# every record of FILE is in the aggregate
agg_has() {
	records "$1" >"$WORK/want"
	records "$(AGG)" >"$WORK/have"
	[ -s "$WORK/want" ] && [ -z "$(comm -23 "$WORK/want" "$WORK/have")" ]
}
agg_lacks() {
	records "$1" >"$WORK/want"
	records "$(AGG)" >"$WORK/have"
	[ -z "$(comm -12 "$WORK/want" "$WORK/have")" ]
}
# the secondary serves a record line's data
secondary_serves() {
	owner=$(echo "$1" | awk '{print $1}')
	data=$(echo "$1" | awk '{print $(NF-3), $(NF-2), $(NF-1), $NF}')
	rr_at "$TB_SECONDARY" "$owner" TLSA | grep -qi "$data"
}

case_first_cert_next_only_then_roll() {
	setup_tree || return
	mgr -renew "$SVC" || { fail "-renew: exit $?"; show; return; }
	d="$TOP/certs/$SVCDIR"
	[ -f "$d/next/tlsa.rr" ] || { fail "next has no tlsa.rr"; return; }
	n=$(records "$d/next/tlsa.rr" | wc -l)
	# port 25: apex + mail (MX); 465 SANS: apex + smtp + imap (mail is CN, first)
	[ "$n" -ge 5 ] || fail "next/tlsa.rr has $n records"
	agg_has "$d/next/tlsa.rr" || fail "aggregate lacks the next records"
	cmp -s "$(AGG)" "$BED/dns/include-tlsa/tlsa.example.test" || fail "aggregate not published to tlsa_dirs"
	expect_grep "DNS refresh" "$WORK/out" "-renew refreshed DNS"
	first=$(records "$d/next/tlsa.rr" | head -n 1)
	poll_until 5 secondary_serves "$first" || fail "secondary does not serve the next record"
	mgr -roll "$SVC" || { fail "-roll: exit $?"; show; return; }
	[ -e "$d/next" ] && { fail "not rolled"; show; return; }
	agg_has "$d/curr/tlsa.rr" || fail "aggregate lacks the curr records after the roll"
}

case_renew_adds_next_roll_removes_old() {
	d="$TOP/certs/$SVCDIR"
	[ -L "$d/curr" ] || { skip_or_fail "needs the previous case"; return; }
	old="$WORK/old.rr"
	cp "$d/curr/tlsa.rr" "$old"
	sleep 1
	mgr -renew -f "$SVC" || { fail "-renew -f: exit $?"; show; return; }
	agg_has "$d/curr/tlsa.rr" || fail "aggregate lost curr during renew"
	agg_has "$d/next/tlsa.rr" || fail "aggregate lacks next after renew"
	new=$(records "$d/next/tlsa.rr" | head -n 1)
	poll_until 5 secondary_serves "$new" || fail "secondary does not serve the new record"
	mgr -roll "$SVC" || { fail "-roll: exit $?"; show; return; }
	[ -e "$d/next" ] && { fail "not rolled"; show; return; }
	agg_has "$d/curr/tlsa.rr" || fail "aggregate lacks the new curr"
	agg_lacks "$old" || fail "aggregate still holds the old curr records"
	expect_grep "DNS refresh" "$WORK/out" "-roll refreshed DNS"
}

case_gate_holds_while_secondary_lags() {
	d="$TOP/certs/$SVCDIR"
	[ -L "$d/curr" ] || { skip_or_fail "needs the previous cases"; return; }
	"$TESTBED" stall "$BED" >/dev/null 2>&1 || { fail "stall"; return; }
	sleep 1
	mgr -renew -f "$SVC" || { fail "-renew -f: exit $?"; show; "$TESTBED" unstall "$BED"; return; }
	next=$(readlink "$d/next")
	mgr -roll "$SVC"
	expect_rc 0 $? "-roll with a lagging secondary"
	expect_grep "roll waits: ns2.example.test. ($TB_SECONDARY) lacks _" "$WORK/out" "gate message"
	[ "$(readlink "$d/next")" = "$next" ] || fail "next was rolled past the gate"
	mgr -s "$SVC"
	expect_grep "roll : waits: ns2.example.test." "$WORK/out" "status shows the gate"
	"$TESTBED" unstall "$BED" >/dev/null 2>&1 || fail "unstall"
	"$BED/dns-refresh" --serial_bump example.test >/dev/null 2>&1
	rec=$(records "$d/next/tlsa.rr" | head -n 1)
	poll_until 10 secondary_serves "$rec" || fail "secondary did not catch up"
	mgr -roll "$SVC" || { fail "-roll after catch-up: exit $?"; show; }
	[ "$(readlink "$d/curr")" = "$next" ] || { fail "not rolled after the secondary caught up"; show; }
}

case_force_skips_gate() {
	d="$TOP/certs/$SVCDIR"
	[ -L "$d/curr" ] || { skip_or_fail "needs the previous cases"; return; }
	"$TESTBED" stall "$BED" >/dev/null 2>&1 || { fail "stall"; return; }
	sleep 1
	mgr -renew -f "$SVC" || { fail "-renew -f"; show; }
	next=$(readlink "$d/next")
	mgr -roll -f "$SVC" || { fail "-roll -f: exit $?"; show; }
	[ "$(readlink "$d/curr")" = "$next" ] || fail "-roll -f did not roll"
	"$TESTBED" unstall "$BED" >/dev/null 2>&1
}

echo "e2e DANE tests ($MGR)"
bed_up || { echo "$PASS_NAME: 0 passed, 1 failed"; exit 1; }
for c in first_cert_next_only_then_roll renew_adds_next_roll_removes_old \
    gate_holds_while_secondary_lags force_skips_gate; do
	run_case "$c"
done
finish
