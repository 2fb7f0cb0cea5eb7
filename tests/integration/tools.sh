#!/bin/sh
# The built sslm-info and sslm-verify on the files of tests/data/tools and
# the field cases 07, 08 and 10 (copies in tests/data/tools): output, exit
# status, man pages. Times depend on the clock, so lines with durations are
# checked by pattern; the exact layout at a fixed time is in
# tests/unit/test_crypto_tools*.c. Prints "tools: N passed, N failed" last.
set -u
. "$(dirname "$0")/lib.sh"

INFO="$BUILDDIR/sslm-info"
VERIFY="$BUILDDIR/sslm-verify"
DATA="$SRCDIR/tests/data/tools"
DASHES=----------------------------------------------------------------------
OUT="$WORK/out"
ERR="$WORK/err"

# expect_line N TEXT WHAT: line N of $OUT is exactly TEXT.
expect_line() {
	got=$(sed -n "$1p" "$OUT")
	[ "$got" = "$2" ] || fail "$3: line $1 is '$got', expected '$2'"
}

# expect_count N PATTERN WHAT: N lines of $OUT match the fixed string.
expect_count() {
	got=$(grep -cF -- "$2" "$OUT")
	[ "$got" = "$1" ] || fail "$3: $got lines with '$2', expected $1"
}

# expect_same FILE WHAT: $OUT is byte for byte FILE.
expect_same() {
	cmp -s "$1" "$OUT" || { fail "$2: output differs from $1"; diff "$1" "$OUT" | head -n 20; }
}

# A directory with cert.pem and chain.pem copied from data files.
pair_dir() {
	d="$WORK/$1"
	mkdir -p "$d"
	cp "$2" "$d/cert.pem"
	cp "$3" "$d/chain.pem"
	echo "$d"
}

# The duration pattern of tools.md §2.3: "%4dd HH:MM:SS", with a sign.
DUR=' *-?[0-9]+d [0-9]{2}:[0-9]{2}:[0-9]{2}'

case_help() {
	"$INFO" -h >"$OUT" 2>&1
	expect_rc 0 $? "sslm-info -h"
	expect_grep "[-v]" "$OUT" "sslm-info -h"
	expect_grep "Exit status" "$OUT" "sslm-info -h"
	"$INFO" --help >"$OUT" 2>&1
	expect_rc 0 $? "sslm-info --help"
	"$VERIFY" -h >"$OUT" 2>&1
	expect_rc 0 $? "sslm-verify -h"
	expect_grep "[-h] <dir with cert/chain pem files>" "$OUT" "sslm-verify -h"
	expect_grep "Verify cert using public key from chain." "$OUT" "sslm-verify -h"
	"$VERIFY" >"$OUT" 2>&1
	expect_rc 2 $? "sslm-verify without argument"
	expect_grep "<dir with cert/chain pem files>" "$OUT" "sslm-verify without argument"
	"$VERIFY" "$DATA" "$DATA" >"$OUT" 2>&1
	expect_rc 2 $? "sslm-verify with two arguments"
}

# --help and the man page agree on every option spelling.
case_man_pages() {
	sed 's/\\-/-/g' "$SRCDIR/docs/sslm-info.1" >"$WORK/man"
	for o in -h --help -v --verb --verbose; do
		expect_grep "$o" "$WORK/man" "sslm-info.1 lists $o"
	done
	"$INFO" -h >"$OUT"
	for o in -h --help -v --verb --verbose; do
		expect_grep "$o" "$OUT" "sslm-info -h lists $o"
	done
	sed 's/\\-/-/g' "$SRCDIR/docs/sslm-verify.1" >"$WORK/man"
	for o in -h --help "Failed to find cert.pem, chain.pem given"; do
		expect_grep "$o" "$WORK/man" "sslm-verify.1 lists $o"
	done
}

case_info_fullchain() {
	(cd "$DATA" && "$INFO" fullchain.pem) >"$OUT" 2>"$ERR"
	expect_rc 0 $? "sslm-info fullchain.pem"
	# values from openssl x509 -noout -text / -dates (tests/data/tools)
	expect_line 1 "$DASHES" "header"
	expect_line 2 "fullchain.pem" "header"
	expect_line 3 "" "header"
	grep -qE "^Expires  : 2027-12-03 17:43:58 UTC \($DUR\)$" "$OUT" ||
	    fail "leaf Expires line"
	grep -qE "^Issued   : 2026-12-03 17:43:58 UTC \($DUR ago\) \(365 day cert\)$" "$OUT" ||
	    fail "leaf Issued line"
	expect_line 6 "Issuer   : 1.2.840.113549.1.9.1=hostmaster@example.test,O=SSLM IT Certs,C=US,CN=SSLM-Int" "leaf"
	expect_line 7 "Subject  : 1.2.840.113549.1.9.1=hostmaster@example.test,OU=IT web,O=Example IT Dept,C=US,CN=example.test" "leaf"
	expect_line 8 "Sans     : example.test, smtp.example.test, imap.example.test, " "leaf"
	expect_line 9 "           mail.example.test, www.example.test, 10.1.1.10, 2001:db8::1, " "leaf"
	expect_line 10 "Pubkey   : pubkey-secp384r1" "leaf"
	expect_line 11 "Sig algo : ecdsa-with-SHA384" "leaf"
	expect_line 12 "$DASHES" "second block"
	expect_line 13 "fullchain.pem" "second block"
	expect_line 18 "Subject  : 1.2.840.113549.1.9.1=hostmaster@example.test,O=SSLM IT Certs,C=US,CN=SSLM-Int" "intermediate"
	expect_line 19 "Sans     : SSLM-Int, " "intermediate"
	[ "$(wc -l <"$OUT")" -eq 21 ] || fail "fullchain.pem: $(wc -l <"$OUT") lines, expected 21"
	[ -s "$ERR" ] && fail "unexpected stderr: $(cat "$ERR")"
}

case_info_stdin() {
	"$INFO" <"$DATA/leaf.pem" >"$OUT" 2>&1
	expect_rc 0 $? "sslm-info <leaf.pem"
	expect_line 2 "stdin" "stdin name"
	# -v and no file: standard input too (quirk I1 fixed)
	"$INFO" -v <"$DATA/leaf.pem" >"$OUT" 2>&1
	expect_rc 0 $? "sslm-info -v <leaf.pem"
	{ echo "$DASHES"; cat "$DATA/expected/leaf.x509.txt"; echo; } >"$WORK/want"
	expect_same "$WORK/want" "sslm-info -v <leaf.pem"
}

case_info_verbose() {
	# the dumps openssl itself printed (tests/data/tools/README.md)
	"$INFO" --verbose "$DATA/10-key-formats.rsa-pkcs1.pem" "$DATA/csr-ec.pem" \
	    "$DATA/07-trusted-certificate.root-trusted.pem" >"$OUT" 2>&1
	expect_rc 0 $? "sslm-info --verbose"
	{ echo "$DASHES"; cat "$DATA/expected/rsa-pkcs1.pkey.txt"; echo;
	  echo "$DASHES"; cat "$DATA/expected/csr-ec.req.txt"; echo;
	  echo "$DASHES"; cat "$DATA/expected/root-trusted.x509.txt"; echo; } >"$WORK/want"
	expect_same "$WORK/want" "sslm-info --verbose"
	expect_grep "Alias: Example Test Root R1" "$OUT" "trust settings shown"
}

case_info_keys_and_csr() {
	(cd "$DATA" && "$INFO" ec-p256-trad.key ec-p256.pub rsa-2048.key \
	    rsa-2048-pkcs1.pub ed25519.key dh-2048.key x25519.key csr-ed25519.pem) >"$OUT" 2>&1
	expect_rc 0 $? "sslm-info keys"
	for l in "Key algo : prvkey-secp256r1" "Key algo : pubkey-secp256r1" \
	    "Key algo : prvkey-rsa-2048" "Key algo : pubkey-rsa-2048" \
	    "Key algo : prvkey-ed25519" "Key algo : prvkey-dh-2048" \
	    "Key algo : key type unknown" "Subject  : CN=vpn.example.test" \
	    "Pubkey   : pubkey-ed25519" "Sig algo : ED25519"; do
		expect_count 1 "$l" "sslm-info keys"
	done
}

case_info_errors() {
	(cd "$DATA" && "$INFO" nope.pem garbage.pem empty.pem dhparam.pem leaf.pem) >"$OUT" 2>"$ERR"
	expect_rc 2 $? "sslm-info with bad inputs"
	expect_line 1 "Error reading nope.pem" "missing file"
	expect_grep "sslm-info: nope.pem: cannot open" "$ERR" "missing file reason"
	expect_grep "Error: cannot parse CERTIFICATE block 2 of garbage.pem" "$OUT" "garbage"
	expect_grep "Error: cannot parse CERTIFICATE block 4 of garbage.pem" "$OUT" "garbage"
	expect_grep "Error: no PEM block found in empty.pem" "$OUT" "empty"
	expect_grep "Error: cannot parse DH PARAMETERS block 1 of dhparam.pem" "$OUT" "dhparam"
	# the good file after them is still shown
	expect_grep "Subject  : 1.2.840.113549.1.9.1=hostmaster@example.test,OU=IT web" "$OUT" "leaf after errors"
	# only argv[1] is an option; "-v" later is a file name
	"$INFO" "$DATA/leaf.pem" -v >"$OUT" 2>&1
	expect_rc 2 $? "sslm-info FILE -v"
	expect_grep "Error reading -v" "$OUT" "sslm-info FILE -v"
}

# Field case 07: TRUSTED CERTIFICATE blocks.
case_case07_trusted() {
	(cd "$DATA" && "$INFO" 07-trusted-certificate.root-trusted.pem) >"$WORK/a" 2>&1
	expect_rc 0 $? "07 step 1 trusted"
	(cd "$DATA" && "$INFO" 07-trusted-certificate.root-plain.pem) >"$WORK/b" 2>&1
	expect_rc 0 $? "07 step 1 plain"
	# (the durations in parentheses follow the clock: two runs may straddle
	# a second, so they are left out of the comparison)
	sed -e 1,2d -e 's/ ([^)]*)//g' "$WORK/a" >"$OUT"
	sed -e 1,2d -e 's/ ([^)]*)//g' "$WORK/b" >"$WORK/want"
	expect_same "$WORK/want" "07 step 1: trusted and plain root agree"
	expect_no_grep "unsupported" "$OUT" "07 step 1"
	# serial and trust data: the verbose dump
	"$INFO" -v "$DATA/07-trusted-certificate.root-trusted.pem" >"$OUT" 2>&1
	expect_grep "Serial Number: 4097 (0x1001)" "$OUT" "07 serial"
	expect_grep "Rejected Uses:" "$OUT" "07 trust data"
	(cd "$DATA" && "$INFO" 07-trusted-certificate.chain-with-trusted-root.pem) >"$OUT" 2>&1
	expect_rc 0 $? "07 step 2"
	expect_count 2 "Expires  : " "07 step 2"
	[ "$(grep -n 'Issuing E1,O=Example Test$' "$OUT" | head -n 1 | cut -d: -f1)" -lt \
	  "$(grep -n 'Subject  : CN=Example Test Root R1' "$OUT" | cut -d: -f1)" ] ||
	    fail "07 step 2: intermediate must come first"
	d=$(pair_dir t07 "$DATA/07-trusted-certificate.leaf.pem" \
	    "$DATA/07-trusted-certificate.chain-with-trusted-root.pem")
	"$VERIFY" "$d" >"$OUT" 2>&1
	expect_rc 0 $? "07 step 3"
	expect_line 2 "	Certificate ** Verified **" "07 step 3"
}

# Field case 08: CRLF, no final newline, a leading blank line.
case_case08_crlf() {
	for f in fullchain-crlf fullchain-crlf-noeol fullchain-mixed; do
		"$INFO" "$DATA/08-crlf-chain.$f.pem" >"$OUT" 2>&1
		expect_rc 0 $? "08 step 1 $f"
		expect_count 2 "Expires  : " "08 step 1 $f"
		expect_count 1 "Subject  : CN=mail.example.test" "08 step 1 $f"
		expect_count 0 "$(printf '\r')" "08 step 1 $f: no CR in output"
		expect_no_grep "Error" "$OUT" "08 step 1 $f"
	done
	"$INFO" "$DATA/08-crlf-chain.chain-leading-blank-crlf.pem" >"$OUT" 2>&1
	expect_rc 0 $? "08 step 2"
	expect_count 1 "Expires  : " "08 step 2"
	d=$(pair_dir t08 "$DATA/08-crlf-chain.fullchain-crlf.pem" \
	    "$DATA/08-crlf-chain.chain-leading-blank-crlf.pem")
	"$VERIFY" "$d" >"$OUT" 2>&1
	expect_rc 0 $? "08 step 3"
	expect_line 2 "	Certificate ** Verified **" "08 step 3"
}

# Field case 10: four spellings of one RSA key; encrypted ones never prompt.
case_case10_keys() {
	(cd "$DATA" && "$INFO" 10-key-formats.rsa-pkcs8.pem) >"$WORK/a" 2>&1
	expect_rc 0 $? "10 step 1 pkcs8"
	(cd "$DATA" && "$INFO" 10-key-formats.rsa-pkcs1.pem) >"$WORK/b" 2>&1
	expect_rc 0 $? "10 step 1 pkcs1"
	sed 2d "$WORK/a" >"$OUT"
	sed 2d "$WORK/b" >"$WORK/want"
	expect_same "$WORK/want" "10 step 1: the two spellings agree"
	expect_grep "Key algo : prvkey-rsa-2048" "$OUT" "10 step 1"
	for f in rsa-pkcs8-encrypted rsa-pkcs1-encrypted; do
		timeout 10 setsid "$INFO" "$DATA/10-key-formats.$f.pem" </dev/null >"$OUT" 2>&1
		rc=$?
		[ "$rc" != 124 ] || fail "10 step 2 $f: timed out (waiting for a passphrase?)"
		expect_rc 0 "$rc" "10 step 2 $f"
		expect_grep "Key algo : encrypted private key (passphrase needed)" "$OUT" "10 step 2 $f"
		timeout 10 setsid "$INFO" -v "$DATA/10-key-formats.$f.pem" </dev/null >"$OUT" 2>&1
		expect_rc 0 $? "10 step 2 -v $f"
		expect_grep "encrypted private key (passphrase needed)" "$OUT" "10 step 2 -v $f"
	done
}

case_verify_good() {
	d=$(pair_dir good "$DATA/leaf.pem" "$DATA/int.pem")
	"$VERIFY" "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "sslm-verify good"
	expect_line 1 "-------------------" "verified"
	expect_line 2 "	Certificate ** Verified **" "verified"
	expect_line 3 "Certificate Info:" "verified"
	grep -qE "^Expires  : 2027-12-03 17:43:58 UTC \($DUR\)$" "$OUT" ||
	    fail "verified: leaf Expires line"
	expect_line 11 "Sig algo : ecdsa-with-SHA384" "verified"
	expect_line 12 "" "verified"
	expect_line 13 "" "verified"
	expect_line 14 "-------------------" "verified"
	expect_line 15 "Chain Info:" "verified"
	expect_line 19 "Subject  : 1.2.840.113549.1.9.1=hostmaster@example.test,O=SSLM IT Certs,C=US,CN=SSLM-Int" "verified"
	expect_line 23 "" "verified"
	[ "$(wc -l <"$OUT")" -eq 23 ] || fail "verified: $(wc -l <"$OUT") lines, expected 23"
	[ -s "$ERR" ] && fail "unexpected stderr: $(cat "$ERR")"
	# a file in the directory names it; a bundle as cert.pem
	cp "$DATA/bundle.pem" "$d/cert.pem"
	"$VERIFY" "$d/chain.pem" >"$OUT" 2>&1
	expect_rc 0 $? "sslm-verify FILE"
	expect_line 4 "Key algo : prvkey-secp384r1" "bundle as cert.pem"
	# self-signed
	d=$(pair_dir self "$DATA/self-rsa.pem" "$DATA/self-rsa.pem")
	(cd "$d" && "$VERIFY" cert.pem) >"$OUT" 2>&1
	expect_rc 0 $? "sslm-verify self-signed (bare file name)"
	# expired: dates are not checked
	d=$(pair_dir expired "$DATA/expired.pem" "$DATA/int.pem")
	"$VERIFY" "$d" >"$OUT" 2>&1
	expect_rc 0 $? "sslm-verify expired"
	grep -qE "^Expires  : 2020-03-31 00:00:00 UTC \( *-[0-9]+d [0-9:]{8}\)$" "$OUT" ||
	    fail "expired: negative time left"
}

case_verify_failures() {
	d=$(pair_dir othername "$DATA/leaf.pem" "$DATA/int-othername.pem")
	"$VERIFY" "$d" >"$OUT" 2>&1
	expect_rc 1 $? "other issuer name"
	expect_line 2 "	Certificate ** Failed **" "other issuer name"
	expect_line 3 "Cert bad: issuer name doesnt match issuer subject in chain" "other issuer name"
	expect_line 4 "       or signature algorithm is unsupported" "other issuer name"
	expect_line 5 "Certificate Info:" "other issuer name"
	d=$(pair_dir otherkey "$DATA/leaf.pem" "$DATA/int-otherkey.pem")
	"$VERIFY" "$d" >"$OUT" 2>&1
	expect_rc 1 $? "other issuer key"
	expect_line 3 "Cert bad: signature fails to verify" "other issuer key"
	d=$(pair_dir x25519 "$DATA/leaf.pem" "$DATA/int-x25519.pem")
	"$VERIFY" "$d" >"$OUT" 2>&1
	expect_rc 1 $? "X25519 issuer"
	expect_line 3 "Cert bad: issuer doesnt have supported public key type" "X25519 issuer"
	# unreadable cert.pem: exit 2, the reason on stderr
	d=$(pair_dir unreadable "$DATA/not-pem.txt" "$DATA/int.pem")
	"$VERIFY" "$d" >"$OUT" 2>"$ERR"
	expect_rc 2 $? "unreadable cert.pem"
	expect_line 3 "Failed to read cert or chain file" "unreadable cert.pem"
	expect_grep "Chain Info:" "$OUT" "unreadable cert.pem"
	expect_grep "no certificate found" "$ERR" "unreadable cert.pem"
	# missing files
	mkdir -p "$WORK/empty"
	"$VERIFY" "$WORK/empty" >"$OUT" 2>&1
	expect_rc 2 $? "missing files"
	expect_line 1 "Failed to find cert.pem, chain.pem given $WORK/empty" "missing files"
	"$VERIFY" "$WORK/nowhere" >"$OUT" 2>&1
	expect_rc 2 $? "missing directory"
	expect_line 1 "Failed to find cert.pem, chain.pem given $WORK/nowhere" "missing directory"
}

tools_finish() {
	[ -n "$FAILED_NAMES" ] && echo "failed:$FAILED_NAMES"
	echo "tools: $PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}

for c in help man_pages info_fullchain info_stdin info_verbose info_keys_and_csr \
    info_errors case07_trusted case08_crlf case10_keys verify_good verify_failures; do
	run_case "$c"
done
tools_finish
