#!/bin/sh
# End-to-end ACME: sslm-mgr -renew/-roll for certbot services against pebble,
# with the dns-01 challenges published through a real knot primary +
# secondary and checked by sslm-auth-hook's agreement wait, and http-01
# through nginx (scripts/testbed up --acme). Real certbot, loopback only.
# Prints "e2e-acme: N passed, N failed" as its last line.
set -u
PASS_NAME=e2e-acme
. "$(dirname "$0")/lib.sh"
MGR="$BUILDDIR/sslm-mgr"
HOOK="$BUILDDIR/sslm-auth-hook"

mgr() {
	SSL_MGR_TOPDIR="$TOP" SSLM_TEST_AUTH_PORT="$TB_PORT" \
	    REQUESTS_CA_BUNDLE="$TB_CA_BUNDLE" "$MGR" "$@" >"$WORK/out" 2>&1
}
show() { sed 's/^/      | /' "$WORK/out" | tail -n 30; }

setup_tree() {
	TOP="$WORK/top"
	host=$(hostname)
	mkdir -p "$TOP/conf.d/example.test"
	cat >"$TOP/conf.d/ssl-mgr.conf" <<CONF
[globals]
    sslm_auth_hook = '$HOOK'
    prod_cert_dir = 'prod-certs'
    logdir = 'logs'
    min_roll_mins = 0
    dns_check_delay = 0
    dns_check_max_wait = 30
    dns_xtra_ns = []

[[groups]]
    domain = 'example.test'
    services = ['wild', 'web']
    active = true

$(bed_acme_sections "$host")
CONF
	cat >"$TOP/conf.d/ca-info.conf" <<CONF
[pebble-dns]
    ca_type = 'certbot'
    ca_validation = 'dns-01'
    ca_server = '$TB_ACME_SERVER'

[pebble-http]
    ca_type = 'certbot'
    ca_validation = 'http-01'
    ca_server = '$TB_ACME_SERVER'
CONF
	cat >"$TOP/conf.d/example.test/wild" <<'SVC'
name = 'wildcard and base name by dns-01'
group = 'example.test'
service = 'wild'
signing_ca = 'pebble-dns'
[KeyOpts]
    ktype = 'ec'
    ec_algo = 'secp256r1'
[X509]
    CN = 'example.test'
    O = 'Example'
    C = 'GB'
    email = 'hostmaster@example.test'
    sans = ['example.test', '*.example.test', 'www.example.test']
SVC
	cat >"$TOP/conf.d/example.test/web" <<'SVC'
name = 'web by http-01'
group = 'example.test'
service = 'web'
signing_ca = 'pebble-http'
[KeyOpts]
    ktype = 'ec'
    ec_algo = 'secp384r1'
[X509]
    CN = 'example.test'
    O = 'Example'
    C = 'GB'
    email = 'hostmaster@example.test'
    sans = ['example.test', 'www.example.test']
SVC
}

accounts() { find "$TOP/certs/example.test/$1/cb" -path '*accounts*' -name regr.json 2>/dev/null | wc -l; }

case_dns01_renew_and_roll() {
	setup_tree
	t0=$(now_ms)
	mgr -renew example.test:wild || { fail "-renew: exit $?"; show; return; }
	note "dns-01 renew of 3 names: $(($(now_ms) - t0)) ms"
	d="$TOP/certs/example.test/wild"
	[ -f "$d/next/cert.pem" ] || { fail "no next cert"; show; return; }
	openssl verify -CAfile "$TB_PEBBLE_ROOT_PEM" -untrusted "$d/next/chain.pem" \
	    "$d/next/cert.pem" >"$WORK/v" 2>&1 || fail "chain does not verify: $(cat "$WORK/v")"
	openssl x509 -in "$d/next/cert.pem" -noout -ext subjectAltName >"$WORK/san"
	expect_grep "DNS:*.example.test" "$WORK/san" "wildcard SAN"
	cat "$d/next/privkey.pem" "$d/next/fullchain.pem" | cmp -s - "$d/next/bundle.pem" ||
	    fail "bundle.pem is not key + fullchain"
	[ "$(accounts wild)" -eq 1 ] || fail "$(accounts wild) accounts after the first renew"
	# the challenge file is back to its header
	grep -q "TXT" "$TB_ACME_DIR/acme-challenge.example.test" && fail "challenge records left behind"
	mgr -roll example.test:wild || { fail "-roll: exit $?"; show; return; }
	[ -f "$d/curr/cert.pem" ] && [ ! -e "$d/next" ] || fail "not rolled"
	[ -f "$TOP/prod-certs/example.test/wild/curr/fullchain.pem" ] || fail "production not updated"
}

case_second_renew_reuses_account() {
	d="$TOP/certs/example.test/wild"
	[ -f "$d/curr/cert.pem" ] || { skip_or_fail "needs the previous case"; return; }
	mgr -renew -f example.test:wild || { fail "-renew -f: exit $?"; show; return; }
	[ "$(accounts wild)" -eq 1 ] || fail "$(accounts wild) accounts after a second renew"
	[ -f "$d/next/cert.pem" ] || fail "no next after the second renew"
}

case_http01_renew() {
	[ -d "$TOP" ] || setup_tree
	# An account registered by plain certbot in the service's cb/, with the
	# command the original ssl-mgr runs (certbot-hooks.md §3.2: config, logs
	# and work dirs in cb/), is reused: no second account folder, and no
	# POST to the CA's newAccount URL in the log of sslm-mgr's certbot run.
	cb="$TOP/certs/example.test/web/cb"
	mkdir -p "$cb"
	REQUESTS_CA_BUNDLE="$TB_CA_BUNDLE" certbot register --server "$TB_ACME_SERVER" \
	    --config-dir "$cb" --logs-dir "$cb/logs" --work-dir "$cb/work" \
	    --agree-tos --no-eff-email --email hostmaster@example.test --non-interactive \
	    >"$WORK/reg" 2>&1 || { fail "certbot register: $(tail -n 3 "$WORK/reg")"; return; }
	acct=$(find "$cb" -path '*accounts*' -name regr.json -exec dirname {} \;)
	new_acct=$(curl -s --cacert "$TB_CA_BUNDLE" "$TB_ACME_SERVER" | jq -r .newAccount)
	[ -n "$new_acct" ] && [ "$new_acct" != null ] || { fail "pebble has no newAccount URL"; return; }
	grep -q "POST request to $new_acct" "$cb"/logs/letsencrypt.log* ||
	    fail "the registration's POST to $new_acct is not in certbot's log (check the pattern)"
	mv "$cb/logs" "$WORK/register-logs"
	mgr -renew example.test:web || { fail "-renew web: exit $?"; show; return; }
	[ "$(accounts web)" -eq 1 ] || fail "$(accounts web) accounts: the certbot one was not reused"
	[ -d "$acct" ] || fail "the certbot-registered account folder is gone"
	ls "$cb"/logs/letsencrypt.log* >/dev/null 2>&1 || fail "no certbot log of the renew in $cb/logs"
	grep -l "POST request to $new_acct" "$cb"/logs/letsencrypt.log* 2>/dev/null | grep -q . &&
	    fail "sslm-mgr's certbot registered a new account"
	d="$TOP/certs/example.test/web"
	openssl verify -CAfile "$TB_PEBBLE_ROOT_PEM" -untrusted "$d/next/chain.pem" \
	    "$d/next/cert.pem" >"$WORK/v" 2>&1 || fail "http-01 chain does not verify: $(cat "$WORK/v")"
	find "$TB_WWW_DIR" -path '*acme-challenge*' -type f ! -name _testbed | grep -q . &&
	    fail "http-01 token files left behind"
}

case_dns_never_updates_fails_cleanly() {
	[ -d "$TOP" ] || setup_tree
	d="$TOP/certs/example.test/wild"
	before=$(readlink "$d/next" 2>/dev/null || echo none)
	# a DNS refresh command that does nothing: the records never appear
	printf '#!/bin/sh\nexit 0\n' >"$WORK/noop-refresh"
	chmod +x "$WORK/noop-refresh"
	sed -i -e "s|restart_cmd = '$TB_RESTART_CMD'|restart_cmd = '$WORK/noop-refresh'|" \
	    -e 's/dns_check_max_wait = 30/dns_check_max_wait = 3/' "$TOP/conf.d/ssl-mgr.conf"
	sleep 1
	mgr -renew -f example.test:wild
	expect_rc 1 $? "renew with DNS that never updates"
	expect_grep "name servers not updated" "$WORK/out" "the hook's reason"
	[ "$(readlink "$d/next" 2>/dev/null || echo none)" = "$before" ] || fail "next changed"
	n=$(ls "$d/db" | wc -l)
	grep -q "TXT" "$TB_ACME_DIR/acme-challenge.example.test" && fail "challenge records left behind"
	sed -i -e "s|restart_cmd = '$WORK/noop-refresh'|restart_cmd = '$TB_RESTART_CMD'|" \
	    -e 's/dns_check_max_wait = 3/dns_check_max_wait = 30/' "$TOP/conf.d/ssl-mgr.conf"
	note "$n data sets after the failure"
}

case_hostile_validation_refused() {
	[ -d "$TOP" ] || setup_tree
	# The hook stops its parent (certbot) on failure: give it a stand-in.
	SSL_MGR_TOPDIR="$TOP" CERTBOT_DOMAIN=example.test \
	    CERTBOT_VALIDATION="$(printf 'abc\n"; rm -rf /')" CERTBOT_REMAINING_CHALLENGES=0 \
	    CERTBOT_ALL_DOMAINS=example.test sh -c '"$0" "$@"; echo "hook exit $?"' \
	    "$HOOK" example.test wild >"$WORK/out" 2>&1
	grep -q "hook exit 0" "$WORK/out" && fail "the hook accepted a hostile CERTBOT_VALIDATION"
	grep -qi "fail" "$TOP/certs/example.test/wild/cb/auth-status" ||
	    fail "no failure recorded in cb/auth-status"
	grep -q 'rm -rf' "$TB_ACME_DIR/acme-challenge.example.test" && fail "hostile value reached the zone include"
	true
}

case_original_cb_account_kept() {
	[ -d "$TOP" ] || setup_tree
	# Issue 8 item 2: a service whose cb/ was filled by the original ssl-mgr.
	# cb/ is made exactly as the original makes it (certbot-hooks.md §1, §3.2):
	# cb/ 0750, plain `certbot register` with --config-dir cb, --work-dir
	# cb/work, --logs-dir <logdir>/letsencrypt (the original's shared certbot
	# log), agree-tos, no EFF mail, the service's e-mail; only --server
	# (pebble instead of Let's Encrypt) is the test's. Then -renew -f and
	# -roll -f: a certificate is issued with that account, the account folder
	# is the only one and unchanged, and nothing registered again.
	s=orig
	sed -i "s/^\( *services = \)\['wild', 'web'\]/\1['wild', 'web', '$s']/" "$TOP/conf.d/ssl-mgr.conf"
	sed "s/^service = 'web'/service = '$s'/; s/^name = .*/name = 'cb made by the original'/" \
	    "$TOP/conf.d/example.test/web" >"$TOP/conf.d/example.test/$s"
	cb="$TOP/certs/example.test/$s/cb"
	mkdir -p "$TOP/logs/letsencrypt" && mkdir -m 0750 -p "$cb" || { fail "mkdir $cb"; return; }
	REQUESTS_CA_BUNDLE="$TB_CA_BUNDLE" certbot register --config-dir "$cb" \
	    --logs-dir "$TOP/logs/letsencrypt" --work-dir "$cb/work" \
	    --agree-tos --no-eff-email --email hostmaster@example.test \
	    --server "$TB_ACME_SERVER" </dev/null >"$WORK/reg" 2>&1 ||
	    { fail "certbot register: $(tail -n 3 "$WORK/reg")"; return; }
	netloc=$(echo "$TB_ACME_SERVER" | sed 's|^https://||; s|/.*||')
	path=$(echo "$TB_ACME_SERVER" | sed 's|^https://[^/]*/||')
	adir="$cb/accounts/$netloc/$path"
	ids() { find "$adir" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort; }
	id=$(ids)
	[ "$(echo "$id" | grep -c .)" = 1 ] || { fail "certbot register made '$id' under $adir"; return; }
	note "account $id"
	(cd "$adir/$id" && sha256sum meta.json private_key.json regr.json) >"$WORK/acct.sum" ||
	    { fail "account files missing in $adir/$id"; return; }
	new_acct=$(curl -s --cacert "$TB_CA_BUNDLE" "$TB_ACME_SERVER" | jq -r .newAccount)
	grep -q "POST request to $new_acct" "$TOP/logs/letsencrypt"/letsencrypt.log* ||
	    { fail "the registration's POST to $new_acct is not in certbot's log (check the pattern)"; return; }

	d="$TOP/certs/example.test/$s"
	mgr -renew -f "example.test:$s" || { fail "-renew -f: exit $?"; show; return; }
	[ -f "$d/next/cert.pem" ] || { fail "no next cert"; show; return; }
	openssl verify -CAfile "$TB_PEBBLE_ROOT_PEM" -untrusted "$d/next/chain.pem" \
	    "$d/next/cert.pem" >"$WORK/v" 2>&1 || fail "chain does not verify: $(cat "$WORK/v")"
	mgr -roll -f "example.test:$s" || { fail "-roll -f: exit $?"; show; return; }
	[ -f "$d/curr/cert.pem" ] && [ ! -e "$d/next" ] || fail "not rolled"
	cmp -s "$d/curr/cert.pem" "$TOP/prod-certs/example.test/$s/curr/cert.pem" ||
	    fail "production does not hold the rolled cert"

	[ "$(ids)" = "$id" ] || fail "account folders now: $(ids | tr '\n' ' ') (was $id)"
	(cd "$adir/$id" && sha256sum -c --quiet "$WORK/acct.sum") >/dev/null 2>&1 ||
	    fail "the account's files were changed"
	[ "$(find "$cb/accounts" -name meta.json | wc -l)" = 1 ] || fail "a second account exists under $cb/accounts"
	# the tool keeps certbot's log in cb/logs (documented) and its own in logs/
	ls "$cb"/logs/letsencrypt.log* >/dev/null 2>&1 || fail "no certbot log of the renew in $cb/logs"
	grep -l "POST request to $new_acct\|new-acct" "$cb"/logs/letsencrypt.log* 2>/dev/null | grep -q . &&
	    fail "sslm-mgr's certbot registered a new account"
	grep -l "Registering" "$cb"/logs/letsencrypt.log* 2>/dev/null | grep -q . &&
	    fail "certbot registered again (cb/logs)"
	cat "$TOP"/logs/cbot* "$TOP"/logs/sslm* 2>/dev/null | grep -F "example.test/$s" |
	    grep -E "certbot command: [^ ]+ register |registering" &&
	    fail "sslm-mgr ran certbot register for $s"
	true
}

echo "e2e ACME tests ($MGR)"
bed_up_acme || { echo "$PASS_NAME: 0 passed, 1 failed"; exit 1; }
for c in dns01_renew_and_roll second_renew_reuses_account http01_renew \
    original_cb_account_kept dns_never_updates_fails_cleanly hostile_validation_refused; do
	run_case "$c"
done
finish
