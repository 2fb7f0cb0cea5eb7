#!/bin/sh
# The built sslm-tlsa-hash (tools.md §5) on the certificates of
# tests/data/tlsa (field case 12, tlsa.md §9), compared with what the openssl
# command line prints; options, exit codes, the mismatch and openssl-failure
# reports (with a stand-in openssl first in PATH), the man page.
# Prints "tlsa-hash: N passed, N failed" last.
set -u
. "$(dirname "$0")/lib.sh"
PASS_NAME=tlsa-hash

HASH="$BUILDDIR/sslm-tlsa-hash"
DATA="$SRCDIR/tests/data/tlsa"
OUT="$WORK/out"
REAL_OPENSSL=$(command -v openssl)
CERTS="p256.pem 12-tlsa-ec-key.cert-ec-p384.pem 12-tlsa-ec-key.cert-rsa-2048.pem
12-tlsa-ec-key.cert-ed25519.pem 12-tlsa-ec-key.chain.pem s9-cert1.pem s9-cert2.pem"

# expect_out TEXT WHAT: $OUT is exactly TEXT (plus its final newline).
expect_out() {
	printf '%s\n' "$1" >"$WORK/want"
	cmp -s "$WORK/want" "$OUT" || { fail "$2: output differs"; diff "$WORK/want" "$OUT" | head -n 20; }
}

# cert_dir FILE: a directory whose cert.pem is a copy of the data file.
cert_dir() {
	d="$WORK/d-$1"
	mkdir -p "$d"
	cp "$DATA/$1" "$d/cert.pem"
	echo "$d"
}

# openssl_data CERT SELECTOR MATCHING: the association data by the openssl
# command line alone (the reference the program must agree with).
openssl_data() {
	if [ "$2" = 0 ]; then
		"$REAL_OPENSSL" x509 -in "$1" -outform DER >"$WORK/der"
	else
		"$REAL_OPENSSL" x509 -in "$1" -pubkey -noout |
			"$REAL_OPENSSL" pkey -pubin -outform DER >"$WORK/der"
	fi
	case "$3" in
	0) od -An -v -tx1 "$WORK/der" | tr -d ' \n' ;;
	1) "$REAL_OPENSSL" dgst -sha256 <"$WORK/der" | sed 's/.*= *//' ;;
	2) "$REAL_OPENSSL" dgst -sha512 <"$WORK/der" | sed 's/.*= *//' ;;
	esac
}

# fake_openssl BODY: an "openssl" in $WORK/fake that runs the shell text
# BODY first (it sees the arguments as $1 ...; the callers single-quote it
# on purpose), then hands everything else to the real program.
fake_openssl() {
	mkdir -p "$WORK/fake"
	cat >"$WORK/fake/openssl" <<FAKE
#!/bin/sh
$1
exec "$REAL_OPENSSL" "\$@"
FAKE
	chmod +x "$WORK/fake/openssl"
}

case_help() {
	for o in -h --help; do
		"$HASH" "$o" >"$OUT" 2>&1
		expect_rc 0 $? "sslm-tlsa-hash $o"
		expect_grep "[-h] [-s SELECTOR] [-m MATCHING] [DIR]" "$OUT" "$o"
		expect_grep "Exit status" "$OUT" "$o"
	done
	for o in -s --selector -m --matching -h --help; do
		expect_grep "$o" "$OUT" "--help lists $o"
	done
}

case_man_page() {
	sed 's/\\-/-/g' "$SRCDIR/docs/sslm-tlsa-hash.1" >"$WORK/man"
	for o in -h --help -s --selector -m --matching "Matched:" "tlsa hash:" \
	    "** Warning: Mismatched:" "** Error: openssl error:" \
	    "Error: Missing cert file :"; do
		expect_grep "$o" "$WORK/man" "sslm-tlsa-hash.1 lists $o"
	done
}

# The default 3 1 1 data of every certificate, as openssl computes it.
case_default_matches_openssl() {
	for f in $CERTS; do
		d=$(cert_dir "$f")
		"$HASH" "$d" >"$OUT" 2>&1
		expect_rc 0 $? "$f"
		expect_out "Matched:
tlsa hash: $(openssl_data "$d/cert.pem" 1 1)" "$f"
		expect_no_grep e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 "$OUT" "$f"
	done
}

# Known answers: tlsa.md §9.2 and the field case 12 table.
case_known_values() {
	d=$(cert_dir s9-cert1.pem)
	"$HASH" "$d" >"$OUT" 2>&1
	expect_out "Matched:
tlsa hash: 253cf962429c4e6bc1716172db63fec4009afcf41b9b9b4f6da2fbdc7e99e246" "§9 3 1 1"
	"$HASH" -s 0 "$d" >"$OUT" 2>&1
	expect_out "Matched:
tlsa hash: dfa7326808c55dd482272b472b33f57af94f073239b35de8aaebf0c7438314be" "§9 3 0 1"
	d=$(cert_dir 12-tlsa-ec-key.cert-ec-p384.pem)
	"$HASH" --selector=1 --matching=2 "$d" >"$OUT" 2>&1
	expect_out "Matched:
tlsa hash: a61a41902c21954b4ed69b2d2bd2889ca1294fcf5b4f473583871468dbaed482dcf016172df7967390e782c19136c3eff7032ddfc31d9099102d07ea1f6f1905" "case 12 3 1 2"
	d=$(cert_dir 12-tlsa-ec-key.cert-ed25519.pem)
	"$HASH" "$d/" >"$OUT" 2>&1
	expect_out "Matched:
tlsa hash: a8d4817f23c33b198e57134390dcecec74073fc3706dc0086fea134795a5b438" "case 12 Ed25519"
}

# Every selector and matching type, for every key type.
case_all_combinations() {
	for f in p256.pem 12-tlsa-ec-key.cert-ec-p384.pem \
	    12-tlsa-ec-key.cert-rsa-2048.pem 12-tlsa-ec-key.cert-ed25519.pem; do
		d=$(cert_dir "$f")
		for s in 0 1; do
			for m in 0 1 2; do
				"$HASH" -s "$s" -m "$m" "$d" >"$OUT" 2>&1
				expect_rc 0 $? "$f -s $s -m $m"
				expect_out "Matched:
tlsa hash: $(openssl_data "$d/cert.pem" "$s" "$m")" "$f -s $s -m $m"
			done
		done
	done
}

# No DIR: ./cert.pem.
case_default_dir() {
	d=$(cert_dir p256.pem)
	(cd "$d" && "$HASH") >"$OUT" 2>&1
	expect_rc 0 $? "no DIR"
	expect_grep "tlsa hash: 95a9aa7128f944c60f22bea3fbd4cb5fa87ba77bd33742ea4ffe5818edc47af8" "$OUT" "no DIR"
	mkdir -p "$WORK/empty"
	(cd "$WORK/empty" && "$HASH") >"$OUT" 2>&1
	expect_rc 2 $? "no DIR, no cert.pem"
	expect_out "Error: Missing cert file : ./cert.pem" "no DIR, no cert.pem"
}

case_input_errors() {
	"$HASH" "$WORK/nowhere" >"$OUT" 2>&1
	expect_rc 2 $? "missing dir"
	expect_out "Error: Missing cert file : $WORK/nowhere/cert.pem" "missing dir"
	mkdir -p "$WORK/bad"
	cp "$DATA/12-tlsa-ec-key.md" "$WORK/bad/cert.pem"
	"$HASH" "$WORK/bad" >"$OUT" 2>&1
	expect_rc 2 $? "not a certificate"
	expect_grep "Error: $WORK/bad/cert.pem: no certificate found" "$OUT" "not a certificate"
	mkdir -p "$WORK/bad2/cert.pem"
	"$HASH" "$WORK/bad2" >"$OUT" 2>&1
	expect_rc 2 $? "cert.pem is a directory"
}

case_usage_errors() {
	d=$(cert_dir p256.pem)
	for args in "-s 2" "-s x" "-s 01" "-m 3" "-m -1" "-x" "-s" "$d $d"; do
		# shellcheck disable=SC2086 # words wanted
		"$HASH" $args "$d" >"$OUT" 2>"$WORK/err"
		expect_rc 2 $? "sslm-tlsa-hash $args"
		[ -s "$OUT" ] && fail "$args: usage error printed on stdout"
	done
	"$HASH" -s 2 "$d" >"$OUT" 2>"$WORK/err"
	expect_grep "selector must be 0 or 1, not '2'" "$WORK/err" "-s 2"
}

# openssl prints another digest: a mismatch, exit 1.
# shellcheck disable=SC2016 # fake_openssl bodies are expanded by the fake
case_mismatch() {
	d=$(cert_dir p256.pem)
	fake_openssl '[ "$1" = dgst ] && { echo "SHA2-256(x)= 00ff"; exit 0; }'
	PATH="$WORK/fake:$PATH" "$HASH" "$d" >"$OUT" 2>&1
	expect_rc 1 $? "mismatch"
	expect_out "** Warning: Mismatched:
 internal: 95a9aa7128f944c60f22bea3fbd4cb5fa87ba77bd33742ea4ffe5818edc47af8
  openssl: 00ff" "mismatch"
	# nothing after '=' (or no output at all) is a mismatch too
	fake_openssl '[ "$1" = dgst ] && exit 0'
	PATH="$WORK/fake:$PATH" "$HASH" "$d" >"$OUT" 2>&1
	expect_rc 1 $? "empty openssl output"
	expect_out "** Warning: Mismatched:
 internal: 95a9aa7128f944c60f22bea3fbd4cb5fa87ba77bd33742ea4ffe5818edc47af8
  openssl: " "empty openssl output"
}

# openssl fails: its stderr is shown after the error line, exit 1.
# shellcheck disable=SC2016 # as above
case_openssl_fails() {
	d=$(cert_dir p256.pem)
	fake_openssl '[ "$1" = pkey ] && { echo "pkey: boom" >&2; exit 3; }'
	PATH="$WORK/fake:$PATH" "$HASH" "$d" >"$OUT" 2>&1
	expect_rc 1 $? "openssl fails"
	expect_grep "** Error: openssl error:" "$OUT" "openssl fails"
	expect_grep "pkey exited with status 3" "$OUT" "openssl fails"
	expect_grep "pkey: boom" "$OUT" "openssl fails"
	expect_grep "** Warning: Mismatched:" "$OUT" "openssl fails"
	# no openssl at all
	PATH="$WORK/nowhere" "$HASH" "$d" >"$OUT" 2>&1
	expect_rc 1 $? "no openssl"
	expect_grep "** Error: openssl error:" "$OUT" "no openssl"
	expect_grep "cannot run openssl" "$OUT" "no openssl"
	# the temporary files are gone
	mkdir -p "$WORK/tmp"
	TMPDIR="$WORK/tmp" "$HASH" "$d" >"$OUT" 2>&1
	[ -z "$(ls -A "$WORK/tmp")" ] || fail "temporary files left in TMPDIR"
}

for c in help man_page default_matches_openssl known_values all_combinations \
    default_dir input_errors usage_errors mismatch openssl_fails; do
	run_case "$c"
done
finish
