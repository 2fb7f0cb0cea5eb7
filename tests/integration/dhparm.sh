#!/bin/sh
# The built sslm-dhparm (tools.md §4, crypto.md §7) on directories in a temp
# dir: named groups equal to what `openssl genpkey` prints, files that pass
# `openssl dhparam -check`, the age rule, -f, the dhparam.pem link, -s on a
# production-like tree, usage errors, the man page. Generated parameters
# are only made at 1024 bits so that the test stays fast.
# Prints "dhparm: N passed, N failed" last.
set -u
. "$(dirname "$0")/lib.sh"
PASS_NAME=dhparm

DH="$BUILDDIR/sslm-dhparm"
OUT="$WORK/out"
ERR="$WORK/err"
GROUPS_ALL="ffdhe8192 ffdhe6144 ffdhe4096 ffdhe3072 ffdhe2048"

# expect_out TEXT WHAT: $OUT is exactly TEXT (plus its final newline).
expect_out() {
	printf '%s\n' "$1" >"$WORK/want"
	cmp -s "$WORK/want" "$OUT" || { fail "$2: output differs"; diff "$WORK/want" "$OUT" | head -n 20; }
}

# expect_link DHDIR TARGET
expect_link() {
	[ -L "$1/dhparam.pem" ] || { fail "$1/dhparam.pem is not a link"; return; }
	t=$(readlink "$1/dhparam.pem")
	[ "$t" = "$2" ] || fail "$1/dhparam.pem -> $t, expected $2"
}

# expect_check FILE BITS: openssl accepts the parameters, p has BITS bits,
# and the file is one "DH PARAMETERS" block.
expect_check() {
	openssl dhparam -in "$1" -check -noout >"$WORK/chk" 2>&1 || { fail "$1: openssl dhparam -check failed"; cat "$WORK/chk"; }
	openssl pkeyparam -in "$1" -text -noout >"$WORK/txt" 2>&1
	expect_grep "($2 bit)" "$WORK/txt" "$1 size"
	head -n 1 "$1" | grep -qx -- "-----BEGIN DH PARAMETERS-----" || fail "$1: not a DH PARAMETERS file"
}

mtime() { stat -c %Y "$1"; }

case_help() {
	for o in -h --help; do
		"$DH" "$o" >"$OUT" 2>&1
		expect_rc 0 $? "sslm-dhparm $o"
		expect_grep "[-h] [-k KEYS] [-f] [-a AGE_DAYS] [-s] DIR [DIR ...]" "$OUT" "$o"
		expect_grep "Exit status" "$OUT" "$o"
	done
	for o in -k --keys -f --force -a --age-days -s --subdirs -h --help \
	    "ffdhe8192,ffdhe6144,ffdhe4096,ffdhe3072,ffdhe2048" "default 120"; do
		expect_grep "$o" "$OUT" "--help lists $o"
	done
}

case_man_page() {
	sed 's/\\-/-/g' "$SRCDIR/docs/sslm-dhparm.1" >"$WORK/man"
	for o in -h --help -k --keys -f --force -a --age-days -s --subdirs \
	    "ffdhe8192,ffdhe6144,ffdhe4096,ffdhe3072,ffdhe2048" \
	    ".SH NAME" ".SH SYNOPSIS" ".SH DESCRIPTION" ".SH OPTIONS" \
	    ".SH FILES" ".SH EXIT STATUS" ".SH EXAMPLES" ".SH COMPATIBILITY" \
	    "No usable directories" "No domain subdirs found in" \
	    "Warning : no such directory:" "dhparam.pem"; do
		expect_grep "$o" "$WORK/man" "sslm-dhparm.1 lists $o"
	done
}

case_usage_errors() {
	mkdir -p "$WORK/u"
	for args in "" "-x $WORK/u" "-k" "-k ffdhe1024 $WORK/u" "-k 4096, $WORK/u" \
	    "-k 511 $WORK/u" "-k ,ffdhe2048 $WORK/u" "-a x $WORK/u" "-a -1 $WORK/u" \
	    "-a 99999999 $WORK/u" "--keys= $WORK/u" "-f"; do
		# shellcheck disable=SC2086 # word splitting wanted
		"$DH" $args >"$OUT" 2>"$ERR"
		expect_rc 2 $? "sslm-dhparm $args"
		[ -s "$OUT" ] && fail "$args: usage error printed on stdout"
		[ -s "$ERR" ] || fail "$args: no message on stderr"
	done
	[ -e "$WORK/u/dh" ] && fail "usage error created dh/"
	"$DH" -k ffdhe1024 "$WORK/u" >"$OUT" 2>"$ERR"
	expect_grep "unknown DH group 'ffdhe1024'" "$ERR" "-k ffdhe1024"
	# no usable directory: stdout messages, exit 2
	"$DH" "$WORK/nope" "$WORK/man" >"$OUT" 2>&1
	expect_rc 2 $? "no usable directories"
	expect_out "Warning : no such directory: $WORK/nope - ignoring
Warning : no such directory: $WORK/man - ignoring
No usable directories" "no usable directories"
}

# Default list on a fresh directory: the five groups, byte for byte what
# openssl genpkey prints, the link to ffdhe8192; a second run does nothing.
case_default_groups() {
	d="$WORK/def"
	mkdir -p "$d"
	"$DH" "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "default run"
	expect_out " dhparam : $d
         : $d/dh
           - ffdhe8192
           - ffdhe6144
           - ffdhe4096
           - ffdhe3072
           - ffdhe2048
             default $d/dh/dhparam.pem -> dh-ffdhe8192.pem" "default run"
	for g in $GROUPS_ALL; do
		f="$d/dh/dh-$g.pem"
		openssl genpkey -genparam -algorithm DH -pkeyopt "group:$g" >"$WORK/ref.pem" 2>/dev/null
		cmp -s "$WORK/ref.pem" "$f" || fail "$f differs from openssl genpkey group:$g"
		openssl pkeyparam -in "$f" -text -noout >"$WORK/txt" 2>&1
		expect_grep "GROUP: $g" "$WORK/txt" "$f group"
		expect_check "$f" "${g#ffdhe}"
		[ "$(stat -c %a "$f")" = 644 ] || fail "$f mode $(stat -c %a "$f")"
	done
	[ "$(stat -c %a "$d/dh")" = 750 ] || fail "$d/dh mode $(stat -c %a "$d/dh")"
	expect_link "$d/dh" dh-ffdhe8192.pem
	for f in "$d"/dh/*tmp*; do
		[ -e "$f" ] && fail "temporary file left: $f"
	done
	# nothing to do: only the first two lines, the files untouched
	touch -d "2001-01-01" "$d/dh/dh-ffdhe2048.pem"
	"$DH" "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "second run"
	expect_out " dhparam : $d
         : $d/dh" "second run"
	[ "$(mtime "$d/dh/dh-ffdhe2048.pem")" = "$(mtime "$d/dh/dh-ffdhe3072.pem")" ] &&
		fail "named group file rewritten although present"
	# -f: all again, link unchanged
	"$DH" -f "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "-f"
	expect_grep "           - ffdhe2048" "$OUT" "-f"
	[ "$(mtime "$d/dh/dh-ffdhe2048.pem")" -gt 1000000000 ] || fail "-f kept the old file"
	[ "$(date -d @"$(mtime "$d/dh/dh-ffdhe2048.pem")" +%Y)" = 2001 ] && fail "-f kept the old file"
	expect_link "$d/dh" dh-ffdhe8192.pem
}

# A bit size first: generated 1024-bit parameters (with a progress line on
# stderr), the link to dh1024.pem; the age rule and -a.
case_bits_and_age() {
	d="$WORK/bits"
	mkdir -p "$d"
	"$DH" --keys 1024,ffdhe2048 "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "-k 1024,ffdhe2048"
	expect_out " dhparam : $d
         : $d/dh
           - ffdhe2048
           - 1024
             default $d/dh/dhparam.pem -> dh1024.pem" "-k 1024,ffdhe2048"
	expect_grep "generating 1024-bit DH parameters" "$ERR" "progress"
	expect_check "$d/dh/dh1024.pem" 1024
	expect_link "$d/dh" dh1024.pem
	cp "$d/dh/dh1024.pem" "$WORK/first.pem"
	# young: kept
	touch -d "100 days ago" "$d/dh/dh1024.pem"
	"$DH" -k 1024,ffdhe2048 "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "young file"
	expect_out " dhparam : $d
         : $d/dh" "young file"
	cmp -s "$WORK/first.pem" "$d/dh/dh1024.pem" || fail "young file was replaced"
	# old: regenerated (new random parameters)
	touch -d "121 days ago" "$d/dh/dh1024.pem"
	"$DH" -k 1024,ffdhe2048 "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "old file"
	expect_out " dhparam : $d
         : $d/dh
           - 1024
             default $d/dh/dhparam.pem -> dh1024.pem" "old file"
	cmp -s "$WORK/first.pem" "$d/dh/dh1024.pem" && fail "old file was kept"
	expect_check "$d/dh/dh1024.pem" 1024
	# -a 200: 121 days is young
	touch -d "121 days ago" "$d/dh/dh1024.pem"
	"$DH" -a 200 -k 1024 "$d" >"$OUT" 2>"$ERR"
	expect_out " dhparam : $d
         : $d/dh" "-a 200"
	# the link follows the first item when something was made
	"$DH" -k ffdhe3072,1024 "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "new first item"
	expect_link "$d/dh" dh-ffdhe3072.pem
}

# The link: a wrong one is replaced, a regular file is left with a warning.
case_link() {
	d="$WORK/link"
	mkdir -p "$d/dh"
	ln -s dh4096.pem "$d/dh/dhparam.pem"
	"$DH" -k ffdhe2048 "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "wrong link"
	expect_link "$d/dh" dh-ffdhe2048.pem
	rm "$d/dh/dhparam.pem"
	echo keep >"$d/dh/dhparam.pem"
	"$DH" -f -k ffdhe2048 "$d" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "regular dhparam.pem"
	expect_grep "Warning : $d/dh/dhparam.pem is not a symbolic link - not replaced" "$OUT" "regular dhparam.pem"
	[ "$(cat "$d/dh/dhparam.pem")" = keep ] || fail "regular dhparam.pem replaced"
}

# -s on a production-like tree: each group dir, sorted, ca/CA skipped,
# symlinks and files ignored; a missing DIR warned about.
case_subdirs() {
	p="$WORK/prod-certs"
	mkdir -p "$p/example.org" "$p/example.com/mail-ec/curr" "$p/ca/my-ca" "$p/CA"
	ln -s example.com "$p/alias.net"
	echo x >"$p/file"
	"$DH" -s -k ffdhe2048 "$WORK/missing" "$p" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "-s"
	expect_out "Warning : no such directory: $WORK/missing - ignoring
 dhparam : $p
         : $p/example.com/dh
           - ffdhe2048
             default $p/example.com/dh/dhparam.pem -> dh-ffdhe2048.pem
         : $p/example.org/dh
           - ffdhe2048
             default $p/example.org/dh/dhparam.pem -> dh-ffdhe2048.pem" "-s"
	for x in ca CA alias.net; do
		[ -e "$p/$x/dh" ] && [ ! -L "$p/$x" ] && fail "-s processed $x"
	done
	[ -e "$p/ca/dh" ] && fail "-s processed ca"
	[ -e "$p/example.com/mail-ec/dh" ] && fail "-s went deeper than one level"
	"$DH" -s -k ffdhe2048 "$p/example.org/dh" >"$OUT" 2>"$ERR"
	expect_rc 0 $? "-s without subdirs"
	expect_out " dhparam : $p/example.org/dh
No domain subdirs found in $p/example.org/dh" "-s without subdirs"
}

# A target whose dh/ cannot be made: reported, exit 1, the others done.
case_failure() {
	mkdir -p "$WORK/f1" "$WORK/f2"
	echo x >"$WORK/f1/dh"
	"$DH" -k ffdhe2048 "$WORK/f1" "$WORK/f2" >"$OUT" 2>"$ERR"
	expect_rc 1 $? "dh is a file"
	expect_grep "Error : " "$OUT" "dh is a file"
	expect_link "$WORK/f2/dh" dh-ffdhe2048.pem
}

for c in help man_page usage_errors default_groups bits_and_age link subdirs \
    failure; do
	run_case "$c"
done
finish
