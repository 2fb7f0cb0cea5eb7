#!/bin/sh
# End-to-end import: a real certbot install (two lineages against the bed's
# pebble: an EC wildcard by dns-01 through manual hooks that write the TXT
# into the bed's knot zone, and an RSA one by http-01 through nginx) is
# moved into a fresh ssl-mgr top dir with sslm-import-certbot; sslm-mgr -s
# then shows both with the certbot certificates' expiry, and sslm-mgr
# -renew -f renews both through pebble with the copied account (no new
# account folder, no new-account request in certbot's log of that run).
# Prints "e2e-import: N passed, N failed" as its last line.
set -u
PASS_NAME=e2e-import
. "$(dirname "$0")/lib.sh"
MGR="$BUILDDIR/sslm-mgr"
HOOK="$BUILDDIR/sslm-auth-hook"
IMPORT="$BUILDDIR/sslm-import-certbot"

# Loopback only: never let certbot or curl go through a proxy.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
NO_PROXY='*'
no_proxy='*'
export NO_PROXY no_proxy

APEX=example.test
LE=$WORK/letsencrypt	# certbot's config dir: the install being imported
HOOKS=$WORK/hooks
TOP=$WORK/top

show() { sed 's/^/      | /' "$1" | tail -n "${2:-20}"; }

# certbot_le NAME ARGS...: certbot on the plain install; output in
# $WORK/NAME.out, exit status in $CRC
certbot_le() {
	n=$1
	shift
	REQUESTS_CA_BUNDLE="$TB_CA_BUNDLE" timeout 60 certbot "$@" \
	    --server "$TB_ACME_SERVER" --agree-tos -m hostmaster@$APEX --no-eff-email \
	    --config-dir "$LE" --work-dir "$WORK/le-work" --logs-dir "$WORK/le-logs" \
	    --non-interactive >"$WORK/$n.out" 2>&1 </dev/null
	CRC=$?
}

mgr() {
	SSL_MGR_TOPDIR="$TOP" SSLM_TEST_AUTH_PORT="$TB_PORT" \
	    REQUESTS_CA_BUNDLE="$TB_CA_BUNDLE" "$MGR" "$@" >"$WORK/out" 2>&1
}

write_hooks() {
	mkdir -p "$HOOKS"
	cat >"$HOOKS/dns-auth" <<EOF
#!/bin/sh
# dns-01 for plain certbot: the TXT into the bed's include file, refresh,
# then wait until the secondary (the server pebble asks) serves it.
set -eu
inc=$TB_ACME_DIR/acme-challenge.$APEX
printf '_acme-challenge.%s. 60 IN TXT "%s"\n' "\$CERTBOT_DOMAIN" "\$CERTBOT_VALIDATION" >>"\$inc"
$TB_RESTART_CMD --serial_bump $APEX >/dev/null
n=0
until drill -Q -p $TB_PORT @$TB_SECONDARY "_acme-challenge.\$CERTBOT_DOMAIN" TXT 2>/dev/null |
    grep -qF "\"\$CERTBOT_VALIDATION\""; do
	n=\$((n + 1))
	[ \$n -lt 400 ] || { echo "TXT for \$CERTBOT_DOMAIN not served after 20 s" >&2; exit 1; }
	sleep 0.05
done
EOF
	cat >"$HOOKS/dns-cleanup" <<EOF
#!/bin/sh
set -eu
inc=$TB_ACME_DIR/acme-challenge.$APEX
grep -vF "\"\$CERTBOT_VALIDATION\"" "\$inc" >"\$inc.tmp" || true
mv -f "\$inc.tmp" "\$inc"
$TB_RESTART_CMD --serial_bump $APEX >/dev/null
EOF
	cat >"$HOOKS/http-auth" <<EOF
#!/bin/sh
set -eu
d=$TB_WWW_DIR/\$CERTBOT_DOMAIN/.well-known/acme-challenge
umask 022
mkdir -p "\$d"
printf '%s\n' "\$CERTBOT_VALIDATION" >"\$d/\$CERTBOT_TOKEN"
EOF
	cat >"$HOOKS/http-cleanup" <<EOF
#!/bin/sh
rm -f "$TB_WWW_DIR/\$CERTBOT_DOMAIN/.well-known/acme-challenge/\$CERTBOT_TOKEN"
EOF
	chmod 755 "$HOOKS"/*
}

# A fresh top dir pointing at the bed; no [[groups]], no ca-info.conf:
# the import adds them.
setup_top() {
	host=$(hostname)
	mkdir -p "$TOP/conf.d"
	cat >"$TOP/conf.d/ssl-mgr.conf" <<CONF
[globals]
    sslm_auth_hook = '$HOOK'
    prod_cert_dir = 'prod-certs'
    logdir = 'logs'
    min_roll_mins = 0
    dns_check_delay = 0
    dns_check_max_wait = 30
    dns_xtra_ns = []

$(bed_acme_sections "$host")
CONF
}

# "YYYY-MM-DD HH:MM:SS UTC" of a certificate's notAfter
not_after() {
	d=$(openssl x509 -in "$1" -noout -enddate | sed 's/^notAfter=//')
	date -u -d "$d" '+%Y-%m-%d %H:%M:%S UTC'
}

case_certbot_install() {
	write_hooks
	certbot_le wild certonly --manual --preferred-challenges dns \
	    --key-type ecdsa --elliptic-curve secp256r1 --cert-name wild \
	    -d "$APEX" -d "*.$APEX" \
	    --manual-auth-hook "$HOOKS/dns-auth" --manual-cleanup-hook "$HOOKS/dns-cleanup"
	expect_rc 0 "$CRC" "certbot dns-01 wildcard lineage"
	[ "$CRC" = 0 ] || { show "$WORK/wild.out"; return; }
	certbot_le web certonly --manual --preferred-challenges http \
	    --key-type rsa --rsa-key-size 2048 --cert-name web \
	    -d "$APEX" -d "www.$APEX" \
	    --manual-auth-hook "$HOOKS/http-auth" --manual-cleanup-hook "$HOOKS/http-cleanup"
	expect_rc 0 "$CRC" "certbot http-01 RSA lineage"
	[ "$CRC" = 0 ] || { show "$WORK/web.out"; return; }
	if [ ! -f "$LE/renewal/wild.conf" ] || [ ! -f "$LE/renewal/web.conf" ]; then
		fail "certbot made no renewal files"
	fi
	n=$(find "$LE/accounts" -name regr.json | wc -l)
	[ "$n" = 1 ] || fail "$n certbot accounts, expected 1"
	ACCT=$(basename "$(dirname "$(find "$LE/accounts" -name regr.json)")")
	note "certbot account $ACCT; lineages wild (EC, dns-01) and web (RSA, http-01)"
}

case_dry_run_changes_nothing() {
	[ -f "$LE/renewal/wild.conf" ] || { fail "needs the certbot install"; return; }
	setup_top
	before=$(find "$TOP" | sort | md5sum)
	"$IMPORT" --config-dir "$LE" --top "$TOP" --dry-run >"$WORK/dry" 2>&1
	expect_rc 0 $? "sslm-import-certbot --dry-run"
	expect_grep "dry run: nothing written" "$WORK/dry" "dry run"
	[ "$(find "$TOP" | sort | md5sum)" = "$before" ] || fail "the dry run changed the top dir"
}

case_import() {
	[ -f "$TOP/conf.d/ssl-mgr.conf" ] || { fail "needs the previous cases"; return; }
	"$IMPORT" --config-dir "$LE" --top "$TOP" --org Example --country GB >"$WORK/imp" 2>&1
	rc=$?
	expect_rc 0 "$rc" "sslm-import-certbot"
	[ "$rc" = 0 ] || { show "$WORK/imp"; return; }
	expect_grep "apex example.test (DNS SOA), service wild, dns-01" "$WORK/imp" "wild plan"
	expect_grep "apex example.test (DNS SOA), service web, http-01" "$WORK/imp" "web plan"
	for s in wild web; do
		d="$TOP/certs/$APEX/$s"
		cmp -s "$d/curr/cert.pem" "$LE/live/$s/cert.pem" || fail "$s: cert.pem is not certbot's"
		cmp -s "$d/curr/privkey.pem" "$LE/live/$s/privkey.pem" || fail "$s: privkey.pem is not certbot's"
		[ "$(stat -c %a "$d/curr/privkey.pem")" = 600 ] || fail "$s: privkey.pem not 0600"
		for f in meta.json private_key.json regr.json; do
			a=$(find "$d/cb/accounts" -path "*/$ACCT/$f")
			cmp -s "$a" "$(find "$LE/accounts" -path "*/$ACCT/$f")" ||
			    fail "$s: account $f not copied byte for byte"
		done
	done
	"$IMPORT" --config-dir "$LE" --top "$TOP" >"$WORK/imp2" 2>&1
	expect_rc 1 $? "a second import"
	expect_grep "already exists, never overwritten" "$WORK/imp2" "second import"
}

case_status_shows_certbot_expiry() {
	[ -f "$TOP/conf.d/$APEX/wild" ] || { fail "needs the import"; return; }
	mgr -s
	rc=$?
	expect_rc 0 "$rc" "sslm-mgr -s"
	for s in wild web; do
		expect_grep "$s" "$WORK/out" "status lists $s"
		expect_grep "$(not_after "$LE/live/$s/cert.pem")" "$WORK/out" "expiry of $s"
	done
	[ "${CASE_FAILED:-0}" = 0 ] || show "$WORK/out" 30
}

case_renew_uses_copied_account() {
	[ -f "$TOP/conf.d/$APEX/wild" ] || { fail "needs the import"; return; }
	new_acct=$(curl -sf --noproxy '*' --max-time 5 --cacert "$TB_CA_BUNDLE" "$TB_ACME_SERVER" |
	    sed -n 's/.*"newAccount": *"\([^"]*\)".*/\1/p')
	[ -n "$new_acct" ] || { fail "cannot read pebble's newAccount URL"; return; }
	# the check below can see a registration: certbot's own first run has one
	grep -qF "POST request to $new_acct" "$WORK/le-logs/letsencrypt.log"* ||
	    fail "no registration in the install's certbot log: the check proves nothing"
	t0=$(now_ms)
	mgr -renew -f
	rc=$?
	note "sslm-mgr -renew -f of both: $(($(now_ms) - t0)) ms"
	expect_rc 0 "$rc" "sslm-mgr -renew -f"
	[ "$rc" = 0 ] || { show "$WORK/out" 30; }
	for s in wild web; do
		d="$TOP/certs/$APEX/$s"
		[ -f "$d/next/cert.pem" ] || { fail "$s: no next cert"; continue; }
		cmp -s "$d/next/cert.pem" "$d/curr/cert.pem" && fail "$s: next is the old cert"
		openssl verify -CAfile "$TB_PEBBLE_ROOT_PEM" -untrusted "$d/next/chain.pem" \
		    "$d/next/cert.pem" >"$WORK/v" 2>&1 || fail "$s: new chain does not verify"
		n=$(find "$d/cb/accounts" -mindepth 3 -maxdepth 3 -type d | wc -l)
		[ "$n" = 1 ] || fail "$s: $n account folders after the renew, expected 1"
		[ -d "$(find "$d/cb/accounts" -type d -name "$ACCT")" ] || fail "$s: account $ACCT gone"
		log=$(find "$d/cb/logs" -name 'letsencrypt.log*' 2>/dev/null | head -n 1)
		[ -n "$log" ] || { fail "$s: no certbot log in cb/logs"; continue; }
		grep -qF "POST request to $new_acct" "$log" &&
		    fail "$s: certbot posted to $new_acct (a new-account registration)"
		grep -q "Account registered" "$log" && fail "$s: certbot registered an account"
		grep -q "POST request to .*finalize" "$log" || fail "$s: certbot's log shows no order"
	done
}

echo "e2e import tests ($IMPORT)"
bed_up_acme || { echo "$PASS_NAME: 0 passed, 1 failed"; exit 1; }
for c in certbot_install dry_run_changes_nothing import status_shows_certbot_expiry \
    renew_uses_copied_account; do
	run_case "$c"
done
finish
