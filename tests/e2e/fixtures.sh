#!/bin/sh
# Drop-in test on the trees left by the original ssl-mgr 5.4.0 and 7.8.1
# (../shared/fixtures): a copy of each is run as the next cron runs would
# find it — sslm-mgr -s, -renew -f, -roll -f, -s — with the DNS answers the
# original had (the test bed's knot serves the same MX records; only the
# [[dns_primary]] address of the copy is pointed at it, as the fixtures'
# README allows). Everything is read, new data sets sit beside the old
# ones in the same style, production follows curr, and nothing of the old
# tree changes except what a renew and roll must change.
# Prints "e2e-fixtures: N passed, N failed" as its last line.
set -u
PASS_NAME=e2e-fixtures
. "$(dirname "$0")/lib.sh"
SHARED="${SSLM_SHARED:-$SRCDIR/../shared}"
MGR="$BUILDDIR/sslm-mgr"

# mgr ARGS: run in the copied tree; the output is also kept per run for the
# notice check (NSTEP counts the runs of the current fixture)
mgr() {
	SSL_MGR_TOPDIR="$T" "$MGR" "$@" >"$WORK/out" 2>&1
	m_rc=$?
	NSTEP=$((NSTEP + 1))
	cp "$WORK/out" "$WORK/$v.$NSTEP.out"
	return $m_rc
}
show() { sed 's/^/      | /' "$WORK/out" | tail -n "${1:-25}"; }

# Every path with type, mode, link target, size, mtime and a content hash;
# logs/ (written by every run) and the edited ssl-mgr.conf left out.
snapshot() {
	(cd "$1" && find . ! -path './logs/*' ! -path ./logs ! -path ./conf.d/ssl-mgr.conf \
	    \( -type f -printf '%p f %m %s %T@ ' -exec sh -c 'sha256sum <"$1" | cut -c1-16' _ {} \; \) \
	    -o \( ! -type f -printf '%p %y %m %l\n' \) | sort)
}

# What a renew + roll may change in an old tree (lifecycle.md, layout.md):
# the links, the group and DNS TLSA files, tlsa.rr files (rewritten once in
# the C format, documented), production, and the folders holding them.
allowed_change() {
	echo "$1" | grep -qE '^\./certs/[^/]+/[^/]+/(curr|next|prev)$|^\./certs/[^/]+/[^/]+/db/[^/]+/tlsa\.rr$|^\./certs/[^/]+/tlsa\.[^/]+$|^\./dns/[^/]+/include-tlsa/[^/]+$|^\./prod-certs(/.*)?$'
}

services_of() {
	sed -n "s/^ *domain = '\([^']*\)'/\1/p; s/^ *services = \[\(.*\)\]/\1/p" \
	    "$T/conf.d/ssl-mgr.conf" | tr -d "' " | awk '
	    NR % 2 == 1 { g = $0; next } { n = split($0, s, ","); for (i = 1; i <= n; i++) print g "/" s[i] }'
}

fixture() {
	v=$1
	tarball="$SHARED/fixtures/original-$v.tar.gz"
	[ -f "$tarball" ] || { skip_or_fail "no $tarball"; return; }
	mkdir -p "$WORK/$v"
	tar xzf "$tarball" -C "$WORK/$v" || { fail "cannot unpack $tarball"; return; }
	T="$WORK/$v/original-$v"
	sed -i "s/^\( *server = \)'127.0.0.1'/\1'$TB_PRIMARY'/; s/^\( *port = \)53\$/\1$TB_PORT/" \
	    "$T/conf.d/ssl-mgr.conf"
	svcs=$(services_of)
	[ -n "$svcs" ] || { fail "no services found in the fixture's ssl-mgr.conf"; return; }
	snapshot "$T" >"$WORK/$v.before"
	NSTEP=0
	REC_LINES=$(cat "$T/logs/record.log" 2>/dev/null | wc -l)
	for s in $svcs; do
		readlink "$T/certs/$s/curr" >"$WORK/$v.curr.$(echo "$s" | tr / _)" ||
		    fail "$s: the fixture has no curr"
	done

	mgr -s
	expect_rc 0 $? "$v: -s"
	for s in $svcs; do
		expect_grep "  ${s#*/}" "$WORK/out" "$v: -s lists $s"
	done
	# the originals left example.net/wild-ec with an empty next (a renew
	# that failed half-way): shown as unreadable, replaced by -renew -f
	n=$(grep -c "Failed to read cert" "$WORK/out")
	[ "$n" -le 1 ] || fail "$v: $n certs could not be read"
	n=$(grep -c "curr         : expires: " "$WORK/out")
	[ "$n" = "$(echo "$svcs" | wc -l)" ] || fail "$v: -s shows $n curr certs, expected $(echo "$svcs" | wc -l)"

	mgr -renew -f
	rc=$?
	[ "$rc" = 0 ] || { fail "$v: -renew -f exit $rc"; show; return; }
	for s in $svcs; do
		nx=$(readlink "$T/certs/$s/next") || { fail "$v: $s has no next after -renew -f"; continue; }
		case $nx in
		db/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9]:[0-9][0-9]:[0-9][0-9]) ;;
		*) fail "$v: $s next -> $nx is not in the original's style db/YYYYMMDD-HH:MM:SS" ;;
		esac
		for f in cert.pem chain.pem fullchain.pem privkey.pem bundle.pem csr.pem; do
			[ -f "$T/certs/$s/$nx/$f" ] || fail "$v: $s next/$f missing"
		done
		echo "$nx" >"$WORK/$v.next.$(echo "$s" | tr / _)"
	done

	mgr -roll -f
	rc=$?
	[ "$rc" = 0 ] || { fail "$v: -roll -f exit $rc"; show; return; }
	for s in $svcs; do
		k=$(echo "$s" | tr / _)
		[ "$(readlink "$T/certs/$s/curr")" = "$(cat "$WORK/$v.next.$k")" ] ||
		    fail "$v: $s curr is not the renewed set"
		[ "$(readlink "$T/certs/$s/prev")" = "$(cat "$WORK/$v.curr.$k")" ] ||
		    fail "$v: $s prev is not the old curr"
		[ -e "$T/certs/$s/next" ] && fail "$v: $s still has a next"
		case $s in
		ca/*)
			[ -e "$T/prod-certs/$s/curr/privkey.pem" ] &&
			    fail "$v: the CA key of $s is in production" ;;
		*)
			cmp -s "$T/certs/$s/curr/cert.pem" "$T/prod-certs/$s/curr/cert.pem" ||
			    fail "$v: production of $s does not hold the new curr"
			cmp -s "$T/certs/$s/curr/privkey.pem" "$T/prod-certs/$s/curr/privkey.pem" ||
			    fail "$v: production key of $s is not curr's" ;;
		esac
	done

	mgr -s
	expect_rc 0 $? "$v: -s after the roll"
	expect_grep "  All good." "$WORK/out" "$v: production in sync after the roll"
	expect_no_grep "Mismatch" "$WORK/out" "$v: production in sync after the roll"
	mgr -s -v
	expect_rc 0 $? "$v: -s -v (integrity check) after the roll"
	expect_no_grep "Mismatch" "$WORK/out" "$v: -s -v after the roll"

	# TLSA: the group file holds the new curr records only, and its copies
	# in tlsa_dirs and production are the same file
	agg="$T/certs/example.test/tlsa.example.test"
	grep -v '^;' "$T/certs/example.test/mail-ec/curr/tlsa.rr" | grep . >"$WORK/$v.currrr"
	[ -s "$WORK/$v.currrr" ] || fail "$v: mail-ec curr/tlsa.rr has no records"
	grep -vxFf "$agg" "$WORK/$v.currrr" >/dev/null &&
	    fail "$v: tlsa.example.test lacks records of the new curr"
	prevrr="$T/certs/example.test/mail-ec/prev/tlsa.rr"
	h=$(grep -v '^;' "$prevrr" | awk 'NF { print $NF; exit }')
	[ -n "$h" ] && grep -v '^;' "$agg" | grep -qF "$h" &&
	    fail "$v: tlsa.example.test still publishes the old curr"
	grep -q "phase = roll next to curr" "$agg" || fail "$v: tlsa.example.test not written by the roll"
	for c in dns/internal/include-tlsa dns/external/include-tlsa prod-certs/example.test; do
		cmp -s "$agg" "$T/$c/tlsa.example.test" || fail "$v: $c/tlsa.example.test differs from the group file"
	done

	# A warning or notice (deprecated keys, a difference from the original)
	# is printed once per run, not once per service.
	for f in "$WORK/$v".*.out; do
		grep -iE "^(warning|notice)" "$f" | sort | uniq -d >"$WORK/dup"
		[ -s "$WORK/dup" ] && fail "$v: notice repeated in $(basename "$f"): $(head -n 1 "$WORK/dup")"
	done

	# Nothing of the old tree lost or rewritten beyond what renew and roll
	# must change; every old data set is still there, byte for byte except
	# its tlsa.rr.
	snapshot "$T" >"$WORK/$v.after"
	comm -23 "$WORK/$v.before" "$WORK/$v.after" | while read -r p _; do
		allowed_change "$p" || echo "$p"
	done >"$WORK/$v.unexpected"
	[ -s "$WORK/$v.unexpected" ] && {
		fail "$v: changed or lost although renew/roll had no reason to: $(head -n 5 "$WORK/$v.unexpected" | tr '\n' ' ')"
	}
	for d in $(awk '$2 == "d" && $1 ~ /^\.\/certs\/[^/]+\/[^/]+\/db\/[^/]+$/ { print $1 }' "$WORK/$v.before"); do
		[ -d "$T/$d" ] || fail "$v: old data set $d is gone"
		for f in cert.pem privkey.pem chain.pem; do
			[ -f "$T/$d/$f" ] || continue
			grep -q "^$d/$f f " "$WORK/$v.after" || fail "$v: $d/$f missing afterwards"
			b=$(grep "^$d/$f f " "$WORK/$v.before" | cut -d' ' -f6)
			a=$(grep "^$d/$f f " "$WORK/$v.after" | cut -d' ' -f6)
			[ "$a" = "$b" ] || fail "$v: $d/$f was rewritten"
		done
	done
}

case_original_5_4_0() {
	fixture 5.4.0
}

case_original_7_8_1() {
	fixture 7.8.1
	[ -n "${T:-}" ] || return
	# 7.8.1's commands are the recording stand-in: the DNS refresh and the
	# post-copy command ran, with the original's argument conventions
	tail -n +"$((REC_LINES + 1))" "$T/logs/record.log" >"$WORK/record.new"
	grep -q -- "--serial_bump example.test" "$WORK/record.new" ||
	    fail "7.8.1: no DNS refresh recorded: $(tr '\n' '|' <"$WORK/record.new")"
	grep -qE "Z example.test$" "$WORK/record.new" ||
	    fail "7.8.1: post_copy_cmd [host, cmd] did not run with the host as its argument"
}

bed_up
for c in original_5_4_0 original_7_8_1; do
	run_case "$c"
done
finish
