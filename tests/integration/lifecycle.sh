#!/bin/sh
# Integration tests of the local-CA job: the real sslm-mgr on copies of
# examples/ca-self in a temp dir — CA creation, renew, roll, a second
# renew/roll, cleaning, production tree, -d, and crashes at every crash point.
# Prints "lifecycle: N passed, N failed" as its closing line.
set -u
. "$(dirname "$0")/lib.sh"

mgr() {
	SSL_MGR_TOPDIR="$TOP" "$MGR" "$@" >"$WORK/out" 2>&1
}

mode_of() { stat -c '%a' "$1"; }

# The CA creation order of lifecycle.md §13 (d), then the services.
bootstrap() {
	for g in ca:example-root ca:example-int example.test; do
		mgr -renew "$g" || { fail "-renew $g: exit $?"; sed 's/^/      | /' "$WORK/out"; return 1; }
		mgr -roll "$g" || { fail "-roll $g: exit $?"; sed 's/^/      | /' "$WORK/out"; return 1; }
	done
}

new_top() {
	TOP=$(copy_tree "$SRCDIR/examples/ca-self" "$1")
}

case_bootstrap_tree() {
	new_top boot
	bootstrap || return
	for s in ca/example-root ca/example-int example.test/web-ec \
	    example.test/mail-rsa example.test/vpn-ed25519; do
		d="$TOP/certs/$s"
		link=$(readlink "$d/curr") || { fail "$s: no curr link"; continue; }
		case "$link" in
		db/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9]:[0-9][0-9]:[0-9][0-9]) ;;
		*) fail "$s: curr -> $link is not db/<timestamp>" ;;
		esac
		[ -e "$d/next" ] && fail "$s: next still there after the roll"
		for f in privkey.pem cert.pem csr.pem chain.pem fullchain.pem bundle.pem info; do
			[ -f "$d/curr/$f" ] || fail "$s: curr/$f missing"
		done
		[ "$(mode_of "$d/curr/privkey.pem")" = 600 ] || fail "$s: privkey.pem mode $(mode_of "$d/curr/privkey.pem")"
		[ "$(mode_of "$d/curr/bundle.pem")" = 600 ] || fail "$s: bundle.pem mode"
		[ "$(mode_of "$d/db")" = 750 ] || fail "$s: db/ mode"
		[ "$(mode_of "$d/curr/")" = 750 ] || fail "$s: data set mode"
		grep -q "^# ${s#*/} rolled to curr : " "$d/curr/info" || fail "$s: info line"
	done
	[ "$(mode_of "$TOP/certs/example.test")" = 750 ] || fail "certs/<group> mode"
}

case_chains_verify() {
	new_top verify
	bootstrap || return
	root="$TOP/certs/ca/example-root/curr/cert.pem"
	int="$TOP/certs/ca/example-int/curr/cert.pem"
	openssl verify -x509_strict -CAfile "$root" "$int" >"$WORK/v" 2>&1 ||
		fail "intermediate does not verify: $(cat "$WORK/v")"
	for s in web-ec mail-rsa vpn-ed25519; do
		leaf="$TOP/certs/example.test/$s/curr/cert.pem"
		openssl verify -x509_strict -CAfile "$root" -untrusted "$int" "$leaf" \
			>"$WORK/v" 2>&1 || fail "$s does not verify: $(cat "$WORK/v")"
		# fullchain = cert + chain; chain = the intermediate's fullchain
		cat "$leaf" "$TOP/certs/ca/example-int/curr/fullchain.pem" |
			cmp -s - "$TOP/certs/example.test/$s/curr/fullchain.pem" ||
			fail "$s: fullchain.pem is not cert + chain"
		cat "$TOP/certs/example.test/$s/curr/privkey.pem" \
			"$TOP/certs/example.test/$s/curr/fullchain.pem" |
			cmp -s - "$TOP/certs/example.test/$s/curr/bundle.pem" ||
			fail "$s: bundle.pem is not key + fullchain"
	done
	openssl x509 -noout -text -in "$TOP/certs/example.test/web-ec/curr/cert.pem" >"$WORK/t"
	expect_grep "DNS:example.test, DNS:www.example.test, DNS:*.dev.example.test, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:10" "$WORK/t" "web-ec SANs"
	expect_grep "ASN1 OID: prime256v1" "$WORK/t" "web-ec key"
	expect_grep "Not After" "$WORK/t" "web-ec"
	openssl x509 -noout -text -in "$TOP/certs/example.test/mail-rsa/curr/cert.pem" >"$WORK/t"
	expect_grep "Public-Key: (2048 bit)" "$WORK/t" "mail-rsa key"
	openssl x509 -noout -text -in "$TOP/certs/example.test/vpn-ed25519/curr/cert.pem" >"$WORK/t"
	expect_grep "Public Key Algorithm: ED25519" "$WORK/t" "vpn-ed25519 key"
	openssl x509 -noout -text -in "$int" >"$WORK/t"
	expect_grep "CA:TRUE" "$WORK/t" "intermediate basicConstraints"
	# validity of a leaf = the intermediate's sign_end_days (90)
	nb=$(date -d "$(openssl x509 -noout -startdate -in "$TOP/certs/example.test/web-ec/curr/cert.pem" | cut -d= -f2)" +%s)
	na=$(date -d "$(openssl x509 -noout -enddate -in "$TOP/certs/example.test/web-ec/curr/cert.pem" | cut -d= -f2)" +%s)
	[ $((na - nb)) -eq $((90 * 86400)) ] || fail "web-ec validity $((na - nb)) s, expected 90 days"
}

case_production_tree() {
	new_top prod
	bootstrap || return
	p="$TOP/prod-certs"
	for s in example.test/web-ec example.test/mail-rsa; do
		for f in privkey.pem cert.pem fullchain.pem bundle.pem; do
			cmp -s "$TOP/certs/$s/curr/$f" "$p/$s/curr/$f" || fail "prod $s/curr/$f differs"
		done
		[ "$(mode_of "$p/$s/curr/privkey.pem")" = 600 ] || fail "prod $s privkey mode"
		[ -e "$p/$s/next" ] && fail "prod $s/next/ still there after the roll"
	done
	[ -f "$p/ca/example-int/curr/cert.pem" ] || fail "prod ca cert missing"
	[ -e "$p/ca/example-int/curr/privkey.pem" ] && fail "a CA private key was copied to production"
	[ -e "$p/ca/example-root/curr/bundle.pem" ] && fail "a CA bundle was copied to production"
}

case_second_cycle_and_clean() {
	new_top cycle
	bootstrap || return
	d="$TOP/certs/example.test/web-ec"
	first=$(readlink "$d/curr")
	sleep 1
	mgr -renew -f example.test:web-ec || fail "-renew -f: exit $?"
	next=$(readlink "$d/next") || fail "no next after -renew -f"
	[ "$next" != "$first" ] || fail "next is the old data set"
	[ "$(readlink "$d/curr")" = "$first" ] || fail "renew touched curr"
	[ -e "$TOP/prod-certs/example.test/web-ec/next/cert.pem" ] || fail "prod next/ missing after renew"
	mgr -roll example.test:web-ec || fail "-roll: exit $?"
	[ "$(readlink "$d/curr")" = "$next" ] || fail "curr is not the old next"
	[ "$(readlink "$d/prev")" = "$first" ] || fail "prev is not the old curr"
	[ -e "$TOP/prod-certs/example.test/web-ec/next" ] && fail "prod next/ kept after roll"
	# -r keeps the key
	sleep 1
	mgr -renew -f -r example.test:web-ec || fail "-renew -f -r: exit $?"
	cmp -s "$d/curr/privkey.pem" "$d/next/privkey.pem" || fail "-r made a new key"
	[ "$(mode_of "$d/next/privkey.pem")" = 600 ] || fail "-r key copy mode"
	mgr -roll -f example.test:web-ec || fail "-roll -f: exit $?"
	# clean keeps clean_keep (here 1) unreferenced sets plus curr/prev
	for i in 1 2; do
		sleep 1
		mgr -renew -f example.test:web-ec || fail "renew $i"
		mgr -roll -f example.test:web-ec || fail "roll $i"
	done
	mgr -clean-keep 1 example.test:web-ec || fail "-clean-keep 1: exit $?"
	n=$(ls "$d/db" | wc -l)
	[ "$n" -eq 3 ] || fail "after -clean-keep 1: $n data sets, expected 3 (curr, prev, 1 kept)"
}

case_roll_too_soon() {
	new_top soon
	bootstrap || return
	sed -i 's/min_roll_mins = 0 /min_roll_mins = 90 /' "$TOP/conf.d/ssl-mgr.conf"
	mgr -renew -f example.test:web-ec || fail "-renew -f"
	mgr -roll example.test:web-ec
	expect_rc 0 $? "-roll too soon"
	expect_grep "Too soon to roll: cert is 1 mins old < 90 mins" "$WORK/out" "-roll"
	[ -L "$TOP/certs/example.test/web-ec/next" ] || fail "next rolled too soon"
	mgr -s example.test:web-ec
	expect_grep "roll : in 90 mins" "$WORK/out" "-s"
}

case_debug_changes_nothing() {
	new_top debug
	bootstrap || return
	before=$(cd "$TOP" && find certs prod-certs -printf '%p %T@ %m\n' | sort)
	mgr -d -renew -f || fail "-d -renew -f: exit $?"
	expect_grep "debug: new next example.test/web-ec" "$WORK/out" "-d"
	mgr -d -roll -f || fail "-d -roll -f: exit $?"
	after=$(cd "$TOP" && find certs prod-certs -printf '%p %T@ %m\n' | sort)
	[ "$before" = "$after" ] || fail "-d changed the tree"
}

case_leaf_without_ca_fails_cleanly() {
	new_top noca
	mgr -renew example.test
	expect_rc 1 $? "-renew before the CA exists"
	expect_grep "CA example-int has no current cert/keys" "$WORK/out" "-renew"
	[ -e "$TOP/certs/example.test/web-ec/next" ] && fail "a failed renew left a next"
	n=$(ls "$TOP/certs/example.test/web-ec/db" 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || fail "a failed renew left $n data set(s)"
}

# Kill -renew / -roll at every crash point; the next run must finish the job
# with no half-written curr or next.
case_crash_points() {
	if ! strings "$MGR" | grep -q SSLM_CRASH_AT; then
		skip_or_fail "sslm-mgr built without --enable-fault-injection"
		return
	fi
	new_top crash
	bootstrap || return
	d="$TOP/certs/example.test/mail-rsa"
	curr=$(readlink "$d/curr")
	for point in after-key after-csr after-cert before-link-next; do
		SSLM_CRASH_AT=$point SSL_MGR_TOPDIR="$TOP" "$MGR" -renew -f example.test:mail-rsa \
			>"$WORK/out" 2>&1
		rc=$?
		[ "$rc" -eq 137 ] || fail "$point: exit $rc, expected 137 (SIGKILL)"
		[ "$(readlink "$d/curr")" = "$curr" ] || fail "$point: curr moved"
		[ -e "$d/next" ] && fail "$point: a half-made next is linked"
	done
	mgr -renew -f example.test:mail-rsa || fail "renew after the crashes: exit $?"
	next=$(readlink "$d/next")
	SSLM_CRASH_AT=roll-between-links SSL_MGR_TOPDIR="$TOP" "$MGR" -roll -f example.test:mail-rsa \
		>"$WORK/out" 2>&1
	[ $? -eq 137 ] || fail "roll-between-links: not killed"
	[ -L "$d/curr" ] || fail "no curr after a crash inside the roll"
	mgr -roll -f example.test:mail-rsa || fail "roll after the crash: exit $?"
	[ "$(readlink "$d/curr")" = "$next" ] || fail "the roll did not complete"
	[ -e "$d/next" ] && fail "next left after the completed roll"
	openssl verify -CAfile "$TOP/certs/ca/example-root/curr/cert.pem" \
		-untrusted "$TOP/certs/ca/example-int/curr/cert.pem" "$d/curr/cert.pem" \
		>/dev/null 2>&1 || fail "the cert after the crashes does not verify"
}

# A leaf that outlives its issuer is signed (neither original checks) but
# both the renew and the status say so.
case_leaf_outlives_issuer() {
	new_top outlive
	sed -i 's/sign_end_days = 90 /sign_end_days = 4000 /' "$TOP/conf.d/ca/example-int"
	bootstrap || return
	mgr -s example.test:web-ec
	expect_grep "warning : curr certificate outlives its issuer" "$WORK/out" "-s"
	SSL_MGR_TOPDIR="$TOP" "$MGR" -s --json example.test:web-ec >"$WORK/json" 2>/dev/null
	jq -e '.groups[0].services[0].warnings | map(select(test("outlives its issuer"))) | length == 1' \
	    "$WORK/json" >/dev/null || fail "--json lacks the outlives warning"
}

# dev mode: the steps one by one, then next -> curr and a forced copy.
case_dev_commands() {
	new_top dev
	bootstrap || return
	d="$TOP/certs/example.test/web-ec"
	old=$(readlink "$d/curr")
	sleep 1
	mgr dev -keys -csr example.test:web-ec || fail "dev -keys -csr: exit $?"
	[ -f "$d/next/privkey.pem" ] && [ -f "$d/next/csr.pem" ] || fail "dev -keys -csr: no key/csr in next"
	[ -e "$d/next/cert.pem" ] && fail "dev -keys -csr made a cert"
	sleep 1
	mgr dev -keys -csr -cert example.test:web-ec || fail "dev -keys -csr -cert: exit $?"
	[ -f "$d/next/bundle.pem" ] || fail "dev -keys -csr -cert: next incomplete"
	mgr dev -ntoc example.test:web-ec || fail "dev -ntoc: exit $?"
	[ "$(readlink "$d/prev")" = "$old" ] || fail "dev -ntoc: prev is not the old curr"
	[ -e "$d/next" ] && fail "dev -ntoc left next"
	sleep 1
	mgr dev -copy example.test:web-ec || fail "dev -copy: exit $?"
	cmp -s "$d/curr/privkey.pem" "$d/next/privkey.pem" || fail "dev -copy: key not copied"
	[ "$(mode_of "$d/next/privkey.pem")" = 600 ] || fail "dev -copy: key mode"
	rm -rf "$TOP/prod-certs/example.test"
	mgr dev -certs-prod example.test || fail "dev -certs-prod: exit $?"
	[ -f "$TOP/prod-certs/example.test/web-ec/curr/cert.pem" ] || fail "dev -certs-prod: no copy"
	mgr dev -csr example.test:web-ec
	expect_rc 1 $? "dev -csr alone"
	expect_grep "requires keys" "$WORK/out" "dev -csr alone"
}

echo "lifecycle tests ($MGR)"
for c in bootstrap_tree chains_verify production_tree second_cycle_and_clean \
    roll_too_soon debug_changes_nothing leaf_without_ca_fails_cleanly dev_commands leaf_outlives_issuer crash_points; do
	run_case "$c"
done
PASS_NAME=lifecycle
finish
