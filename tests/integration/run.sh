#!/bin/sh
# Integration tests: the real sslm-mgr on real config trees in a temp dir.
# Prints "integration: N passed, N failed" as its closing line.
set -u
. "$(dirname "$0")/lib.sh"

# A snapshot of every path under a tree with its mtime, to prove a run
# changed nothing.
snapshot() {
	(cd "$1" && find . -printf '%p %T@ %m\n' | sort)
}

case_help() {
	"$MGR" -h >"$WORK/out" 2>&1
	expect_rc 0 $? "-h"
	expect_grep "-renew" "$WORK/out" "-h"
	expect_grep "--min-roll-mins" "$WORK/out" "-h"
	expect_no_grep "--new-keys" "$WORK/out" "-h (regular mode)"
	"$MGR" dev --help >"$WORK/out" 2>&1
	expect_rc 0 $? "dev --help"
	expect_grep "--new-keys" "$WORK/out" "dev --help"
}

# Every program answers --version alike (and only --version alone).
case_version() {
	for p in sslm-mgr sslm-info sslm-verify sslm-tlsa-hash sslm-dhparm \
	    sslm-cert-expiry sslm-import-certbot; do
		"$BUILDDIR/$p" --version >"$WORK/out" 2>&1
		expect_rc 0 $? "$p --version"
		grep -qxE "$p \(ssl-mgr\) [0-9][0-9.a-z~-]*" "$WORK/out" ||
		    fail "$p --version printed: $(head -n 2 "$WORK/out")"
	done
}

case_usage_errors() {
	for args in "--stat" "-ren" "-roll-mins abc" "-roll-mins -5" "-keys" "-r" \
	    "--json" "-s --json -renew" "g:a,,b" "g:../x"; do
		# shellcheck disable=SC2086
		"$MGR" $args >"$WORK/out" 2>&1
		expect_rc 2 $? "sslm-mgr $args"
		expect_grep "sslm-mgr: " "$WORK/out" "sslm-mgr $args"
	done
}

case_topdir_env_unusable() {
	SSL_MGR_TOPDIR="$WORK/nowhere" "$MGR" -s >"$WORK/out" 2>&1
	expect_rc 2 $? "unusable SSL_MGR_TOPDIR"
	expect_grep "SSL_MGR_TOPDIR" "$WORK/out" "unusable SSL_MGR_TOPDIR"
	expect_grep "$WORK/nowhere/conf.d/ssl-mgr.conf" "$WORK/out" "unusable SSL_MGR_TOPDIR"
}

case_topdir_from_cwd() {
	top=$(copy_tree "$SRCDIR/examples/ca-self" cwd-tree)
	(cd "$top" && "$MGR" -s -v) >"$WORK/out" 2>&1
	expect_rc 0 $? "-s -v from the top dir"
	expect_grep "Top dir      : $top (from ./)" "$WORK/out" "-s -v"
	expect_grep "Config file  : $top/conf.d/ssl-mgr.conf" "$WORK/out" "-s -v"
	expect_grep "Config file  : $top/conf.d/example.test/web-ec" "$WORK/out" "-s -v"
	expect_grep "Log dir      : $top/logs" "$WORK/out" "-s -v"
}

case_example_ca_self_status() {
	top=$(copy_tree "$SRCDIR/examples/ca-self" ca-self)
	before=$(snapshot "$top")
	SSL_MGR_TOPDIR="$top" "$MGR" -s >"$WORK/out" 2>&1
	expect_rc 0 $? "ca-self -s"
	for s in example-root example-int web-ec mail-rsa vpn-ed25519; do
		expect_grep "  $s" "$WORK/out" "ca-self -s"
	done
	expect_grep "ca : self (self-signed)" "$WORK/out" "ca-self -s"
	expect_grep "ca : example-int (local CA)" "$WORK/out" "ca-self -s"
	expect_grep "curr         : no cert" "$WORK/out" "ca-self -s"
	# Status is read-only: only the log dir may appear (which also
	# changes the top dir's own mtime).
	after=$(snapshot "$top" | grep -v -e '^\./logs' -e '^\. ')
	[ "$(echo "$before" | grep -v '^\. ')" = "$after" ] || fail "ca-self -s changed the tree"
	[ -d "$top/certs" ] && fail "ca-self -s created certs/"
}

case_example_letsencrypt_status() {
	top=$(copy_tree "$SRCDIR/examples/letsencrypt" letsencrypt)
	# Keep the run inside the work dir.
	sed -i -e "s|'/var/log/ssl-mgr'|'logs'|" -e "s|'/etc/ssl-mgr/prod-certs'|'$top/prod-certs'|" \
		"$top/conf.d/ssl-mgr.conf"
	SSL_MGR_TOPDIR="$top" "$MGR" -s >"$WORK/out" 2>&1
	expect_rc 0 $? "letsencrypt -s"
	for s in mail-ec web-rsa wild-ec www; do
		expect_grep "  $s" "$WORK/out" "letsencrypt -s"
	done
	expect_grep "ca : le-dns (certbot dns-01)" "$WORK/out" "letsencrypt -s"
	expect_grep "ca : le-http (certbot http-01)" "$WORK/out" "letsencrypt -s"
	expect_no_grep "example.net" "$WORK/out" "inactive group"
	SSL_MGR_TOPDIR="$top" "$MGR" -s example.net >"$WORK/out" 2>&1
	expect_rc 2 $? "inactive group without conf.d/example.net"
}

fixture_status() {
	tarball="$SHARED/fixtures/original-$1.tar.gz"
	if [ ! -f "$tarball" ]; then
		skip_or_fail "$tarball not found"
		return
	fi
	tar -xzf "$tarball" -C "$WORK"
	top="$WORK/original-$1"
	SSL_MGR_TOPDIR="$top" "$MGR" -s -v >"$WORK/out" 2>&1
	expect_rc 0 $? "fixture $1 -s"
	for s in web-ec mail-ec mail-rsa wild-ec my-root my-int; do
		expect_grep "  $s" "$WORK/out" "fixture $1 -s"
	done
	expect_grep "curr         : expires: " "$WORK/out" "fixture $1 -s"
	expect_grep "pubkey : pubkey-secp384r1" "$WORK/out" "fixture $1 -s"
	expect_grep "pubkey : pubkey-rsa-3072" "$WORK/out" "fixture $1 -s"
	expect_grep "issuer : CN=My-Int O=My IT Certs" "$WORK/out" "fixture $1 -s"
	SSL_MGR_TOPDIR="$top" "$MGR" -s --json >"$WORK/json" 2>"$WORK/err"
	expect_rc 0 $? "fixture $1 -s --json"
	jq -e '.schema == 1 and (.groups | length) == 3' "$WORK/json" >/dev/null ||
		fail "fixture $1: JSON status lacks schema/groups"
	jq -e '[.groups[].services[] | select(.curr != null and .curr.readable)] | length == 6' \
		"$WORK/json" >/dev/null || fail "fixture $1: JSON status: not 6 readable curr certs"
}

case_fixture_5_4_0() { fixture_status 5.4.0; }
case_fixture_7_8_1() { fixture_status 7.8.1; }

# Every broken tree in tests/data/conf/bad-*: exit 2, each expected line on
# stderr, nothing written.
case_broken_trees() {
	n=0
	for dir in "$SRCDIR"/tests/data/conf/bad-*/; do
		[ -f "$dir/expected" ] || continue
		name=$(basename "$dir")
		n=$((n + 1))
		top=$(copy_tree "$dir" "$name")
		before=$(snapshot "$top")
		SSL_MGR_TOPDIR="$top" "$MGR" -s >"$WORK/out" 2>"$WORK/err"
		expect_rc 2 $? "$name"
		while IFS= read -r line; do
			[ -n "$line" ] && expect_grep "$line" "$WORK/err" "$name"
		done <"$dir/expected"
		[ "$before" = "$(snapshot "$top")" ] || fail "$name: the run changed the tree"
	done
	[ "$n" -ge 8 ] || fail "only $n broken trees with an 'expected' file"
}

# Field case 19: duplicate keys and redefined tables stop the run.
case_field_19_toml_duplicates() {
	cases="$SRCDIR/tests/data/cases/19"
	if [ ! -d "$cases" ]; then
		fail "$cases missing"
		return
	fi
	for f in "$cases"/19-toml-duplicates.*; do
		base=$(basename "$f")
		top=$(copy_tree "$SRCDIR/examples/ca-self" "c19-$base")
		case "$base" in
		*.service)
			cp "$f" "$top/conf.d/example.test/web-ec"
			shown="conf.d/example.test/web-ec" ;;
		*.conf)
			cp "$f" "$top/conf.d/ssl-mgr.conf"
			shown="conf.d/ssl-mgr.conf" ;;
		*) continue ;;
		esac
		before=$(snapshot "$top")
		SSL_MGR_TOPDIR="$top" "$MGR" -s >"$WORK/out" 2>&1
		rc=$?
		case "$base" in
		*ok-*)
			grep -q "$shown:[0-9]*:[0-9]*:" "$WORK/out" && fail "$base: parse error reported"
			;;
		*)
			expect_rc 2 "$rc" "$base"
			expect_grep "$shown:" "$WORK/out" "$base"
			grep -qiE 'duplicate|twice|redefin' "$WORK/out" || fail "$base: cause not named"
			[ "$before" = "$(snapshot "$top")" ] || fail "$base: the run changed the tree"
			;;
		esac
	done
}

# A run that wants the lock while flock(1) holds it exits 75 naming the holder.
case_lock_held() {
	top=$(copy_tree "$SRCDIR/examples/ca-self" locked)
	real=$(cd "$top" && pwd -P)
	name=$(printf '%s' "$real/conf.d" | openssl dgst -sha3-224 -r | cut -c1-32)
	lockfile="$SSLM_LOCK_DIR/$name"
	: >"$lockfile"
	flock "$lockfile" sh -c 'echo $$ >"$1"; exec sleep 30' sh "$lockfile" &
	holder=$!
	BG_PIDS="$BG_PIDS $holder"
	i=0
	while [ ! -s "$lockfile" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	pid=$(cat "$lockfile")
	SSL_MGR_TOPDIR="$top" "$MGR" -renew >"$WORK/out" 2>&1
	expect_rc 75 $? "-renew with the lock held"
	expect_grep "is locked by pid $pid" "$WORK/out" "-renew with the lock held"
	# Status-only runs take no lock.
	SSL_MGR_TOPDIR="$top" "$MGR" -s >"$WORK/out" 2>&1
	expect_rc 0 $? "-s with the lock held"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
}

# prod_cert_dir on the database would let the mirror destroy it.
case_prod_dir_overlapping_certs() {
	top=$(copy_tree "$SRCDIR/examples/ca-self" overlap)
	sed -i "s|prod_cert_dir = 'prod-certs'|prod_cert_dir = 'certs'|" "$top/conf.d/ssl-mgr.conf"
	SSL_MGR_TOPDIR="$top" "$MGR" -s >"$WORK/out" 2>&1
	expect_rc 2 $? "prod_cert_dir = certs"
	expect_grep "prod_cert_dir: '$top/certs' overlaps" "$WORK/out" "prod_cert_dir = certs"
}

case_dns_refresh_without_dns() {
	top=$(copy_tree "$SRCDIR/examples/ca-self" nodns)
	SSL_MGR_TOPDIR="$top" "$MGR" -dns >"$WORK/out" 2>&1
	expect_rc 0 $? "-dns without [dns]"
	expect_grep "nothing to refresh" "$WORK/out" "-dns without [dns]"
}

echo "integration tests ($MGR)"
for c in help version usage_errors topdir_env_unusable topdir_from_cwd example_ca_self_status \
    example_letsencrypt_status fixture_5_4_0 fixture_7_8_1 broken_trees \
    field_19_toml_duplicates lock_held dns_refresh_without_dns prod_dir_overlapping_certs; do
	run_case "$c"
done
finish
