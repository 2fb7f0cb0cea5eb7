#!/bin/sh
# The built sslm-cert-expiry (tools.md §6) on certificates made here with
# the openssl command line (chosen lifetimes and days left; expired ones
# with "openssl ca -startdate/-enddate"), and on a tree bootstrapped with the
# real sslm-mgr from examples/ca-self: output lines, the fixed 30-day rule,
# the configuration's renew targets (global and per service), not-a-cert and
# missing files, usage errors, the nagios mode and its exit codes, the man
# page. Prints "cert-expiry: N passed, N failed" last.
set -u
. "$(dirname "$0")/lib.sh"
PASS_NAME=cert-expiry

EXP="$BUILDDIR/sslm-cert-expiry"
OUT="$WORK/out"
C="$WORK/c"			# certificates made by this script
NOCONF="$WORK/noconf"		# a working directory without conf.d
mkdir -p "$C" "$NOCONF"
NOW=$(date -u +%s)

# A tiny CA for "openssl ca", so notBefore/notAfter can be chosen freely.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$C/ca.key" -subj /CN=expiry-test-ca -days 3650 \
    -out "$C/ca.pem" 2>/dev/null
mkdir -p "$C/ca/new"
: >"$C/ca/index.txt"
echo 1000 >"$C/ca/serial"
cat >"$C/ca.cnf" <<EOF
[ca]
default_ca = t
[t]
dir = $C/ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
certificate = $C/ca.pem
private_key = $C/ca.key
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
EOF
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$C/leaf.key" -subj /CN=leaf.test -out "$C/leaf.csr" 2>/dev/null

# mkcert NAME AGE LEFT: $C/NAME.pem issued AGE days ago, LEFT days to go
# (either may be negative), so its lifetime is AGE + LEFT days.
mkcert() {
	s=$(date -u -d "@$((NOW - $2 * 86400))" +%Y%m%d%H%M%SZ)
	e=$(date -u -d "@$((NOW + $3 * 86400))" +%Y%m%d%H%M%SZ)
	openssl ca -batch -config "$C/ca.cnf" -in "$C/leaf.csr" \
	    -startdate "$s" -enddate "$e" -notext -out "$C/$1.pem" \
	    >"$WORK/ca.log" 2>&1 || { echo "mkcert $1 failed:"; cat "$WORK/ca.log"; }
}
# Days left are truncated toward zero and at least a second passes between
# NOW and reading (the sleep below), so a positive LEFT shows as LEFT-1 and
# a negative one as LEFT (see days_re).
mkcert ok100 0 100		# lifetime 100, 99 days shown
mkcert left31 59 31		# lifetime 90, 30 days shown: Renew=no (fixed)
mkcert left29 61 29		# lifetime 90, 28 days shown: Renew=yes
mkcert left20 70 20
mkcert left5 85 5
mkcert expired 100 -3		# expired three days ago
mkcert l60left25 35 25		# lifetime 60: config T=20 -> no; fixed -> yes
cp "$C/leaf.key" "$C/key.pem"
printf 'hello\n' >"$C/text.txt"
sleep 1

# days_re N: the "(N days)" a certificate made with LEFT = N shows.
days_re() {
	if [ "$1" -gt 0 ]; then
		echo "($(($1 - 1)) days)"
	else
		echo "($1 days)"
	fi
}

# run_noconf ARGS: the program outside any configuration tree.
run_noconf() {
	(cd "$NOCONF" && "$EXP" "$@") >"$OUT" 2>&1
}

# expect_line FILE LEFT RENEW WHAT: the report line of $C/FILE.pem.
expect_line() {
	d=$(date -u -d "@$((NOW + $2 * 86400))" '+%Y-%m-%d %H:%M:%S UTC')
	expect_grep "$C/$1.pem Expires=$d $(days_re "$2") -> Renew=$3" "$OUT" "$4"
}

no_global_conf() {
	if [ -f /etc/ssl-mgr/conf.d/ssl-mgr.conf ] ||
	    [ -f /opt/Local/etc/ssl-mgr/conf.d/ssl-mgr.conf ]; then
		skip_or_fail "a system ssl-mgr configuration exists; the fixed rule cannot be tested"
		return 1
	fi
	return 0
}

case_help() {
	for h in -h --help; do
		"$EXP" "$h" >"$OUT" 2>&1
		expect_rc 0 $? "$h"
		for w in "--nagios" "-w DAYS" "-c DAYS" "Exit status" "3 UNKNOWN"; do
			expect_grep "$w" "$OUT" "$h"
		done
	done
}

case_man_page() {
	m="$SRCDIR/docs/sslm-cert-expiry.1"
	[ -f "$m" ] || { fail "no $m"; return; }
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS FILES "EXIT STATUS" EXAMPLES COMPATIBILITY; do
		grep -q "^\.SH \"*$s" "$m" || fail "man page lacks $s"
	done
	for o in '\-\-nagios' '\-w' '\-c' '\-\-help' 'define command'; do
		grep -qF -- "$o" "$m" || fail "man page lacks $o"
	done
}

case_fixed_rule() {
	no_global_conf || return
	run_noconf "$C/ok100.pem" "$C/left31.pem" "$C/left29.pem" "$C/expired.pem"
	expect_rc 0 $? "four good certs"
	expect_line ok100 100 no "100 days"
	expect_line left31 31 no "30 days left is not < 30"
	expect_line left29 29 yes "28 days left"
	expect_line expired -3 yes "expired"
	[ "$(wc -l <"$OUT")" = 4 ] || fail "expected 4 lines, got $(wc -l <"$OUT")"
}

case_not_a_cert() {
	no_global_conf || return
	run_noconf "$C/key.pem" "$C/ok100.pem" "$C/text.txt"
	expect_rc 2 $? "key and text"
	expect_grep "Not a cert : $C/key.pem" "$OUT" "key"
	expect_grep "found PRIVATE KEY instead" "$OUT" "key reason"
	expect_grep "Not a cert : $C/text.txt" "$OUT" "text"
	expect_line ok100 100 no "good file still reported"
	run_noconf "$WORK"
	expect_rc 2 $? "directory"
	expect_grep "Error reading $WORK" "$OUT" "directory"
}

case_missing_file() {
	no_global_conf || return
	run_noconf "$C/nope.pem" "$C/ok100.pem"
	expect_rc 2 $? "missing"
	expect_grep "Error reading $C/nope.pem" "$OUT" "missing"
	expect_grep "No such file or directory" "$OUT" "missing reason"
	expect_line ok100 100 no "good file still reported"
}

case_usage_errors() {
	run_noconf
	expect_rc 2 $? "no argument"
	expect_grep "Missing cert_file argument" "$OUT" "no argument"
	run_noconf -x "$C/ok100.pem"
	expect_rc 2 $? "unknown option"
	expect_grep "unknown option -x" "$OUT" "unknown option"
	run_noconf --bogus "$C/ok100.pem"
	expect_rc 2 $? "unknown long option"
	run_noconf -w abc "$C/ok100.pem"
	expect_rc 2 $? "-w abc"
	run_noconf -c "$C/ok100.pem"
	expect_rc 2 $? "-c without files"
	run_noconf --nagios
	expect_rc 3 $? "nagios, no argument"
	expect_grep "SSLM-CERT-EXPIRY UNKNOWN - Missing cert_file argument" "$OUT" "nagios, no argument"
	run_noconf --nagios -w 5 -c 10 "$C/ok100.pem"
	expect_rc 3 $? "-w < -c"
	expect_grep "SSLM-CERT-EXPIRY UNKNOWN - -w 5 must be >= -c 10" "$OUT" "-w < -c"
	run_noconf --nagios -c -1 "$C/ok100.pem"
	expect_rc 3 $? "negative -c"
}

# nagios_is RC LINE ARGS...: exit status and the exact single line.
nagios_is() {
	want_rc=$1 want=$2
	shift 2
	run_noconf --nagios "$@"
	expect_rc "$want_rc" $? "--nagios $*"
	printf '%s\n' "$want" >"$WORK/want"
	cmp -s "$WORK/want" "$OUT" || { fail "--nagios $*: output differs"; diff "$WORK/want" "$OUT"; }
}

case_nagios() {
	nagios_is 0 "SSLM-CERT-EXPIRY OK - 1 cert(s); soonest $C/ok100.pem in 99 days" "$C/ok100.pem"
	nagios_is 1 "SSLM-CERT-EXPIRY WARNING - 2 cert(s); soonest $C/left20.pem in 19 days" \
	    "$C/ok100.pem" "$C/left20.pem"
	nagios_is 2 "SSLM-CERT-EXPIRY CRITICAL - 3 cert(s); soonest $C/left5.pem in 4 days" \
	    "$C/ok100.pem" "$C/left5.pem" "$C/left20.pem"
	nagios_is 2 "SSLM-CERT-EXPIRY CRITICAL - 2 cert(s); soonest $C/expired.pem in -3 days" \
	    "$C/ok100.pem" "$C/expired.pem"
	# expired is critical even with -c 0
	nagios_is 2 "SSLM-CERT-EXPIRY CRITICAL - 1 cert(s); soonest $C/expired.pem in -3 days" \
	    -w 0 -c 0 "$C/expired.pem"
	# thresholds
	nagios_is 0 "SSLM-CERT-EXPIRY OK - 1 cert(s); soonest $C/left20.pem in 19 days" \
	    -w 10 -c 5 "$C/left20.pem"
	nagios_is 2 "SSLM-CERT-EXPIRY CRITICAL - 1 cert(s); soonest $C/left20.pem in 19 days" \
	    -w 30 -c 25 "$C/left20.pem"
	nagios_is 1 "SSLM-CERT-EXPIRY WARNING - 1 cert(s); soonest $C/ok100.pem in 99 days" \
	    -w 120 -c 25 "$C/ok100.pem"
	# unknown: not a cert, missing; a critical cert still wins
	nagios_is 3 "SSLM-CERT-EXPIRY UNKNOWN - 1 cert(s); soonest $C/ok100.pem in 99 days; not a certificate: $C/key.pem" \
	    "$C/ok100.pem" "$C/key.pem"
	nagios_is 3 "SSLM-CERT-EXPIRY UNKNOWN - 0 cert(s); cannot read: $C/nope.pem" "$C/nope.pem"
	nagios_is 3 "SSLM-CERT-EXPIRY UNKNOWN - 1 cert(s); soonest $C/left20.pem in 19 days; cannot read: $C/nope.pem" \
	    "$C/left20.pem" "$C/nope.pem"
	nagios_is 2 "SSLM-CERT-EXPIRY CRITICAL - 1 cert(s); soonest $C/left5.pem in 4 days; cannot read: $C/nope.pem" \
	    "$C/nope.pem" "$C/left5.pem"
	# options after the files work too
	nagios_is 0 "SSLM-CERT-EXPIRY OK - 1 cert(s); soonest $C/left20.pem in 19 days" \
	    "$C/left20.pem" -w 10 -c 5
}

# The bootstrapped example tree, made once (sslm-mgr as scripts/demo runs it).
TREE=""
make_tree() {
	[ -n "$TREE" ] && return 0
	TREE=$(copy_tree "$SRCDIR/examples/ca-self" tree)
	for a in "-renew ca:example-root" "-roll ca:example-root" \
	    "-renew ca:example-int" "-roll ca:example-int" \
	    "-renew example.test" "-roll example.test"; do
		# shellcheck disable=SC2086
		(cd "$WORK" && SSL_MGR_TOPDIR="$TREE" "$MGR" $a) >"$WORK/mgr.log" 2>&1 ||
		    { fail "sslm-mgr $a failed"; sed 's/^/      | /' "$WORK/mgr.log" | tail -n 20; return 1; }
	done
	sleep 1		# so a 90-day certificate shows 89 days
}

case_global_curve() {
	make_tree || return
	# lifetime 60 days, 25 left: [renew_info] built-in T(60) = 20 -> no
	(cd "$WORK" && SSL_MGR_TOPDIR="$TREE" "$EXP" "$C/l60left25.pem") >"$OUT" 2>&1
	expect_rc 0 $? "global curve"
	expect_line l60left25 25 no "config T(60)=20"
	# a tree found through ./ works the same
	(cd "$TREE" && "$EXP" "$C/l60left25.pem") >"$OUT" 2>&1
	expect_line l60left25 25 no "config via ./"
	no_global_conf || return
	run_noconf "$C/l60left25.pem"
	expect_line l60left25 25 yes "fixed rule: 24 < 30"
}

case_tree() {
	make_tree || return
	web="$TREE/certs/example.test/web-ec/curr/cert.pem"
	mail="$TREE/certs/example.test/mail-rsa/curr/cert.pem"
	root="$TREE/certs/ca/example-root/curr/cert.pem"
	prodweb="$TREE/prod-certs/example.test/web-ec/curr/cert.pem"
	for f in "$web" "$mail" "$root"; do
		[ -f "$f" ] || fail "sslm-mgr made no $f"
	done
	(cd "$WORK" && SSL_MGR_TOPDIR="$TREE" "$EXP" "$web" "$mail" "$root") >"$OUT" 2>&1
	expect_rc 0 $? "fresh tree"
	expect_grep "$web Expires=" "$OUT" "web-ec"
	expect_grep "(89 days) -> Renew=no" "$OUT" "90-day service certs"
	expect_grep "$root Expires=" "$OUT" "root"
	expect_grep "(3649 days) -> Renew=no" "$OUT" "root, target_3650 = 365"
	expect_no_grep "Renew=yes" "$OUT" "fresh tree"
	# web-ec's own renew_expire_days (its N = 90 point) now asks for 100
	# days: only web-ec (and its production copy) is due.
	sed -i "s/^signing_ca = .*/&\nrenew_expire_days = 100/" \
	    "$TREE/conf.d/example.test/web-ec"
	(cd "$WORK" && SSL_MGR_TOPDIR="$TREE" "$EXP" "$web" "$mail" "$root" "$prodweb") >"$OUT" 2>&1
	expect_rc 0 $? "web-ec renew_expire_days"
	expect_grep "$web Expires=" "$OUT" "web-ec"
	grep -F "$web " "$OUT" | grep -qF "Renew=yes" || fail "web-ec: not due with its target 100"
	grep -F "$prodweb " "$OUT" | grep -qF "Renew=yes" || fail "web-ec production copy: not due"
	grep -F "$mail " "$OUT" | grep -qF "Renew=no" || fail "mail-rsa: due"
	grep -F "$root " "$OUT" | grep -qF "Renew=no" || fail "root: due"
	# the global curve: target_3650 above the root's 3649 days left
	sed -i "s/^ *target_3650 = .*/    target_3650 = 3700/" "$TREE/conf.d/ssl-mgr.conf"
	(cd "$WORK" && SSL_MGR_TOPDIR="$TREE" "$EXP" "$root") >"$OUT" 2>&1
	expect_grep "(3649 days) -> Renew=yes" "$OUT" "root, target_3650 = 3700"
	# the nagios state does not follow Renew=
	(cd "$WORK" && SSL_MGR_TOPDIR="$TREE" "$EXP" --nagios "$web") >"$OUT" 2>&1
	expect_rc 0 $? "nagios on the tree"
	expect_grep "SSLM-CERT-EXPIRY OK - 1 cert(s); soonest $web in 89 days" "$OUT" "nagios on the tree"
	# without the configuration the fixed rule: not due
	no_global_conf || return
	run_noconf "$web"
	expect_grep "(89 days) -> Renew=no" "$OUT" "web-ec without config"
}

case_bad_config() {
	(cd "$NOCONF" && SSL_MGR_TOPDIR="$WORK/none" "$EXP" "$C/ok100.pem") >"$OUT" 2>&1
	expect_rc 2 $? "unusable SSL_MGR_TOPDIR"
	expect_grep "SSL_MGR_TOPDIR" "$OUT" "unusable SSL_MGR_TOPDIR"
	(cd "$NOCONF" && SSL_MGR_TOPDIR="$WORK/none" "$EXP" --nagios "$C/ok100.pem") >"$OUT" 2>&1
	expect_rc 3 $? "unusable SSL_MGR_TOPDIR, nagios"
	expect_grep "SSLM-CERT-EXPIRY UNKNOWN - " "$OUT" "unusable SSL_MGR_TOPDIR, nagios"
	bad=$(copy_tree "$SRCDIR/examples/ca-self" badconf)
	printf '[renew_info]\n    target_xx = 3\n' >>"$bad/conf.d/ssl-mgr.conf"
	(cd "$NOCONF" && SSL_MGR_TOPDIR="$bad" "$EXP" "$C/ok100.pem") >"$OUT" 2>&1
	expect_rc 2 $? "broken config"
	expect_grep "does not load" "$OUT" "broken config"
	expect_no_grep "Expires=" "$OUT" "broken config"
}

for c in help man_page fixed_rule not_a_cert missing_file usage_errors \
    nagios global_curve tree bad_config; do
	run_case "$c"
done
finish
