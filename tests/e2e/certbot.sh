#!/bin/sh
# End-to-end proof of the ACME side of the test bed (scripts/testbed up
# --acme) with the REAL certbot and shell-only hooks; no ssl-mgr code is
# used. Against pebble (its own TLS CA, validating through the knot
# SECONDARY) and nginx on pebble's httpPort:
#   acme_bed_ready         pebble, its management port, nginx's layout
#   certbot_register       certbot register
#   dns01_wildcard_csr     dns-01, example.test + *.example.test, --csr;
#                          the chain verifies against pebble's root
#   dns01_stale_secondary  with the secondary frozen, the same order fails:
#                          pebble really asks the secondary
#   http01_www             http-01 for www.example.test through nginx
#   bed_down               every PID of the bed is gone
# Prints timings and "e2e-certbot: N passed, N failed" as its closing line.
# Exit 77 (skipped) when knot/pebble/nginx/certbot are missing and we are
# not root (under CI=true: failure).
set -u
PASS_NAME=e2e-certbot
. "$(dirname "$0")/lib.sh"

# Loopback only: never let certbot or curl go through a proxy.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
NO_PROXY='*'
no_proxy='*'
export NO_PROXY no_proxy

APEX=example.test
CB=$WORK/certbot	# certbot's --config-dir/--work-dir/--logs-dir
HOOKS=$WORK/hooks
HOOKLOG=$WORK/hooks.log
CERTBOT_TIMEOUT=30
T_REGISTER=- T_DNS=- T_HTTP=- T_NEG=- T_UP=-

ms_since() { echo $(($(now_ms) - $1)); }

# certbot_run NAME ARGS...: certbot against the bed; output in
# $WORK/NAME.out, exit status in $CRC, duration in $CMS (ms).
# REQUESTS_CA_BUNDLE is always set explicitly (a global value pointing at
# the system bundle makes certbot fail against pebble).
certbot_run() {
	name=$1
	shift
	t0=$(now_ms)
	REQUESTS_CA_BUNDLE="$TB_CA_BUNDLE" timeout "$CERTBOT_TIMEOUT" certbot "$@" \
	    --server "$TB_ACME_SERVER" --agree-tos -m x@example.test --no-eff-email \
	    --config-dir "$CB/config" --work-dir "$CB/work" --logs-dir "$CB/logs" \
	    --non-interactive >"$WORK/$name.out" 2>&1 </dev/null
	CRC=$?
	CMS=$(ms_since "$t0")
}

show() { sed 's/^/      | /' "$1" | tail -n "${2:-15}"; }

# certonly NAME CSR CHALLENGE: certonly --manual with our hooks; the
# certificate goes to $WORK/NAME/ (which must not hold one yet).
certonly() {
	mkdir -p "$WORK/$1"
	certbot_run "$1" certonly --manual --csr "$2" --preferred-challenges="$3" \
	    --manual-auth-hook "$HOOKS/$3-auth" --manual-cleanup-hook "$HOOKS/$3-cleanup" \
	    --cert-path "$WORK/$1/cert.pem" --chain-path "$WORK/$1/chain.pem" \
	    --fullchain-path "$WORK/$1/fullchain.pem"
}

# fetch_root FILE: pebble's issuing root, from the management port
fetch_root() {
	curl -sf --noproxy '*' --max-time 5 --cacert "$TB_CA_BUNDLE" "$TB_PEBBLE_ROOT" >"$1" &&
	    openssl x509 -noout -in "$1" 2>/dev/null
}

# check_cert DIR NAMES...: DIR/cert.pem exists, holds exactly the DNS
# names given, and its chain verifies against pebble's root fetched now.
check_cert() {
	d=$1
	shift
	[ -s "$d/cert.pem" ] && [ -s "$d/chain.pem" ] && [ -s "$d/fullchain.pem" ] ||
	    { fail "certificate files missing in $d"; return; }
	fetch_root "$WORK/root.pem" || { fail "cannot fetch pebble's root from $TB_PEBBLE_ROOT"; return; }
	if openssl verify -CAfile "$WORK/root.pem" -untrusted "$d/chain.pem" "$d/cert.pem" \
	    >"$WORK/verify.out" 2>&1; then
		note "openssl verify (root from $TB_PEBBLE_ROOT): $(cat "$WORK/verify.out")"
	else
		fail "chain does not verify against pebble's root"
		show "$WORK/verify.out"
	fi
	want=$(for n in "$@"; do echo "$n"; done | sort | tr '\n' ' ')
	got=$(openssl x509 -in "$d/cert.pem" -noout -ext subjectAltName 2>/dev/null |
	    tr ',' '\n' | sed -n 's/^ *DNS://p' | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "SANs '$got', expected '$want'"
	note "SANs: $got; issuer: $(openssl x509 -in "$d/cert.pem" -noout -issuer | sed 's/^issuer=//')"
}

# The hooks: plain shell, the bed's values written in.
write_hooks() {
	mkdir -p "$HOOKS"
	cat >"$HOOKS/dns-auth" <<EOF
#!/bin/sh
# certbot --manual-auth-hook, dns-01: append the TXT to the bed's include
# file, refresh (serial bump + reload of the primary), then wait until the
# secondary -- the server pebble asks -- serves it.
set -eu
t0=\$(date +%s%N)
case \$CERTBOT_DOMAIN in
*example.net) zone=example.net ;;
*) zone=example.test ;;
esac
inc=$TB_ACME_DIR/acme-challenge.\$zone
printf '_acme-challenge.%s. 60 IN TXT "%s"\n' "\$CERTBOT_DOMAIN" "\$CERTBOT_VALIDATION" >>"\$inc"
$TB_RESTART_CMD --serial_bump "\$zone" >/dev/null
ns=\${HOOK_WAIT_NS:-$TB_SECONDARY}
n=0
until drill -Q -p $TB_PORT @"\$ns" "_acme-challenge.\$CERTBOT_DOMAIN" TXT 2>/dev/null |
    grep -qF "\"\$CERTBOT_VALIDATION\""; do
	n=\$((n + 1))
	[ \$n -lt 400 ] || { echo "TXT for \$CERTBOT_DOMAIN not on \$ns after 20 s" >&2; exit 1; }
	sleep 0.05
done
echo "dns-auth \$CERTBOT_DOMAIN remaining=\$CERTBOT_REMAINING_CHALLENGES on \$ns in \$(( (\$(date +%s%N) - t0) / 1000000 )) ms" >>$HOOKLOG
EOF
	cat >"$HOOKS/dns-cleanup" <<EOF
#!/bin/sh
# certbot --manual-cleanup-hook, dns-01: drop the TXT again and refresh.
set -eu
case \$CERTBOT_DOMAIN in
*example.net) zone=example.net ;;
*) zone=example.test ;;
esac
inc=$TB_ACME_DIR/acme-challenge.\$zone
grep -vF "\"\$CERTBOT_VALIDATION\"" "\$inc" >"\$inc.tmp" || true
mv -f "\$inc.tmp" "\$inc"
$TB_RESTART_CMD --serial_bump "\$zone" >/dev/null
echo "dns-cleanup \$CERTBOT_DOMAIN remaining=\$CERTBOT_REMAINING_CHALLENGES" >>$HOOKLOG
EOF
	cat >"$HOOKS/http-auth" <<EOF
#!/bin/sh
# certbot --manual-auth-hook, http-01: the token under the bed's web root,
# <www>/<domain>/.well-known/acme-challenge/<token> (nginx serves it).
set -eu
d=$TB_WWW_DIR/\$CERTBOT_DOMAIN/.well-known/acme-challenge
umask 022
mkdir -p "\$d"
printf '%s\n' "\$CERTBOT_VALIDATION" >"\$d/\$CERTBOT_TOKEN"
echo "http-auth \$CERTBOT_DOMAIN \$d/\$CERTBOT_TOKEN" >>$HOOKLOG
EOF
	cat >"$HOOKS/http-cleanup" <<EOF
#!/bin/sh
set -eu
rm -f "$TB_WWW_DIR/\$CERTBOT_DOMAIN/.well-known/acme-challenge/\$CERTBOT_TOKEN"
echo "http-cleanup \$CERTBOT_DOMAIN" >>$HOOKLOG
EOF
	chmod 755 "$HOOKS"/*
}

txt_lines() { grep -c ' TXT ' "$TB_ACME_DIR/acme-challenge.$APEX"; }

# ---- cases -----------------------------------------------------------------

case_acme_bed_ready() {
	for v in TB_ACME_SERVER TB_PEBBLE_ROOT TB_CA_BUNDLE TB_WWW_DIR TB_HTTP_PORT; do
		eval "val=\${$v:-}"
		[ -n "$val" ] || fail "$v not in the env"
	done
	[ "$CASE_FAILED" = 0 ] || return
	curl -sf --noproxy '*' --max-time 5 --cacert "$TB_CA_BUNDLE" "$TB_ACME_SERVER" >"$WORK/dir.json" ||
	    { fail "GET $TB_ACME_SERVER with --cacert TB_CA_BUNDLE failed"; return; }
	expect_grep newAccount "$WORK/dir.json" "ACME directory"
	curl -sf --noproxy '*' --max-time 5 --cacert /etc/ssl/certs/ca-certificates.crt \
	    "$TB_ACME_SERVER" >/dev/null 2>&1 && fail "pebble's TLS certificate is trusted by the system bundle"
	fetch_root "$WORK/root.pem" || fail "no root at $TB_PEBBLE_ROOT"
	cmp -s "$WORK/root.pem" "$TB_PEBBLE_ROOT_PEM" || fail "root saved by up differs from $TB_PEBBLE_ROOT"
	note "pebble root: $(openssl x509 -in "$WORK/root.pem" -noout -subject | sed 's/^subject=//')"
	# pebble validates through the secondary
	tr '\0' ' ' <"/proc/$TB_PEBBLE_PID/cmdline" >"$WORK/cmdline" 2>/dev/null
	expect_grep "-dnsserver $TB_SECONDARY:$TB_PORT" "$WORK/cmdline" "pebble command line"
	# nginx: <www>/<name>/ first, then <www>/<zone>/ (ssl-mgr's layout)
	mkdir -p "$TB_WWW_DIR/$APEX/.well-known/acme-challenge" \
	    "$TB_WWW_DIR/www.$APEX/.well-known/acme-challenge"
	echo apex >"$TB_WWW_DIR/$APEX/.well-known/acme-challenge/probe"
	echo apex >"$TB_WWW_DIR/$APEX/.well-known/acme-challenge/probe2"
	echo host >"$TB_WWW_DIR/www.$APEX/.well-known/acme-challenge/probe"
	for hp in "www.$APEX probe host" "mail.$APEX probe apex" "www.$APEX probe2 apex" "$APEX probe apex"; do
		# shellcheck disable=SC2086
		set -- $hp
		got=$(curl -s --noproxy '*' --max-time 5 -H "Host: $1" \
		    "http://127.0.0.1:$TB_HTTP_PORT/.well-known/acme-challenge/$2")
		[ "$got" = "$3" ] || fail "Host $1 /$2: got '$got', expected '$3'"
	done
	code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' -H "Host: other.invalid" \
	    "http://127.0.0.1:$TB_HTTP_PORT/.well-known/acme-challenge/probe")
	[ "$code" = 404 ] || fail "a name outside the zones got $code, expected 404"
	rm -rf "${TB_WWW_DIR:?}/$APEX" "${TB_WWW_DIR:?}/www.$APEX"
}

case_certbot_register() {
	certbot_run register register
	T_REGISTER=$CMS
	note "certbot register: $CMS ms"
	expect_rc 0 "$CRC" "certbot register"
	[ "$CRC" = 0 ] || { show "$WORK/register.out"; return; }
	expect_grep "Account registered" "$WORK/register.out" "certbot register"
	n=$(find "$CB/config/accounts" -name regr.json 2>/dev/null | wc -l)
	[ "$n" = 1 ] || fail "$n accounts on disk, expected 1"
	grep -q '"uri": "https://127.0.0.1:' "$(find "$CB/config/accounts" -name regr.json | head -n 1)" ||
	    fail "account URI is not on the bed's pebble"
}

case_dns01_wildcard_csr() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$WORK/dns.key" -out "$WORK/dns.csr" -subj "/CN=$APEX" \
	    -addext "subjectAltName=DNS:$APEX,DNS:*.$APEX" >/dev/null 2>&1 ||
	    { fail "openssl req"; return; }
	: >"$HOOKLOG"
	certonly dns1 "$WORK/dns.csr" dns
	T_DNS=$CMS
	note "certbot certonly dns-01 ($APEX + *.$APEX, account reused): $CMS ms"
	expect_rc 0 "$CRC" "certbot certonly dns-01"
	[ "$CRC" = 0 ] || { show "$WORK/dns1.out"; show "$HOOKLOG"; return; }
	if grep -q "Account registered" "$WORK/dns1.out"; then fail "a second account was registered"; fi
	check_cert "$WORK/dns1" "$APEX" "*.$APEX"
	a=$(grep -c '^dns-auth ' "$HOOKLOG")
	c=$(grep -c '^dns-cleanup ' "$HOOKLOG")
	[ "$a" = 2 ] && [ "$c" = 2 ] || fail "hooks ran $a auth / $c cleanup times, expected 2 / 2"
	sed -n 's/^dns-auth \(.*\)/hook: \1/p' "$HOOKLOG" | while read -r l; do note "$l"; done
	[ "$(txt_lines)" = 0 ] || fail "TXT lines left in the include file after cleanup"
	# the cleanup's refresh reaches the secondary too
	if ! poll_until 10 sh -c "! drill -Q -p $TB_PORT @$TB_SECONDARY _acme-challenge.$APEX TXT 2>/dev/null | grep -q TXT"; then
		fail "the secondary still serves _acme-challenge TXT after cleanup"
	fi
}

# The same order with the secondary frozen (knotc zone-freeze): the hook
# waits on the primary only, pebble asks the stale secondary and fails.
case_dns01_stale_secondary() {
	[ -s "$WORK/dns.csr" ] || { fail "no CSR from dns01_wildcard_csr"; return; }
	"$TESTBED" stall "$BED" >"$WORK/stall.out" 2>&1 || { fail "stall: $(cat "$WORK/stall.out")"; return; }
	: >"$HOOKLOG"
	HOOK_WAIT_NS=$TB_PRIMARY
	export HOOK_WAIT_NS
	certonly dns2 "$WORK/dns.csr" dns
	unset HOOK_WAIT_NS
	T_NEG=$CMS
	"$TESTBED" unstall "$BED" >"$WORK/stall.out" 2>&1 || fail "unstall: $(cat "$WORK/stall.out")"
	note "certbot certonly dns-01 against a frozen secondary: $CMS ms, exit $CRC"
	[ "$CRC" != 0 ] || { fail "certbot succeeded although the secondary never had the TXT"; return; }
	[ -e "$WORK/dns2/cert.pem" ] && fail "a certificate was written"
	sed -n 's/^dns-auth \(.*\)/hook (waiting on the primary only): \1/p' "$HOOKLOG" |
	    while read -r l; do note "$l"; done
	if grep -qiE "No TXT records found|unsuccessful response|Incorrect TXT" "$WORK/dns2.out"; then
		note "pebble: $(grep -m 1 'Detail:' "$WORK/dns2.out" | sed 's/^ *Detail: *//')"
	else
		fail "certbot's failure does not name the missing TXT"
		show "$WORK/dns2.out"
	fi
	[ "$(txt_lines)" = 0 ] || fail "TXT lines left in the include file after cleanup"
}

case_http01_www() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$WORK/http.key" -out "$WORK/http.csr" -subj "/CN=www.$APEX" \
	    -addext "subjectAltName=DNS:www.$APEX" >/dev/null 2>&1 ||
	    { fail "openssl req"; return; }
	: >"$HOOKLOG"
	certonly http1 "$WORK/http.csr" http
	T_HTTP=$CMS
	note "certbot certonly http-01 (www.$APEX via nginx :$TB_HTTP_PORT): $CMS ms"
	expect_rc 0 "$CRC" "certbot certonly http-01"
	[ "$CRC" = 0 ] || { show "$WORK/http1.out"; show "$HOOKLOG"; tail -n 5 "$BED/logs/nginx-access.log"; return; }
	check_cert "$WORK/http1" "www.$APEX"
	tok=$(sed -n 's|^http-auth www.example.test .*/||p' "$HOOKLOG")
	[ -n "$tok" ] || { fail "http-auth hook did not run for www.$APEX"; return; }
	n=$(grep -F "www.$APEX \"GET /.well-known/acme-challenge/$tok " "$BED/logs/nginx-access.log" |
	    grep -F ' 200 ' | grep -c 'Pebble-VA')
	[ "$n" -ge 1 ] || fail "nginx served no GET of the token to pebble"
	note "pebble's VA fetched the token $n times through nginx (Host: www.$APEX, 200)"
	[ -e "$TB_WWW_DIR/www.$APEX/.well-known/acme-challenge/$tok" ] && fail "token left after cleanup"
}

case_bed_down() {
	t0=$(now_ms)
	"$TESTBED" down "$BED" 2>"$WORK/out" || fail "down: $(cat "$WORK/out")"
	note "down in $(ms_since "$t0") ms"
	for p in $BED_PIDS; do
		pid_gone "$p" || fail "pid $p still running after down"
	done
	ls "$BED/run/"*.pid >/dev/null 2>&1 && fail "PID files left in $BED/run"
	# Our pebble no longer answers (another bed's pebble would not present
	# a certificate of our TLS CA).
	curl -sf --noproxy '*' --max-time 2 --cacert "$TB_CA_BUNDLE" "$TB_ACME_SERVER" >/dev/null 2>&1 &&
	    fail "pebble still answers after down"
	curl -s --noproxy '*' --max-time 2 "http://127.0.0.1:$TB_HTTP_PORT/.well-known/acme-challenge/_testbed" 2>/dev/null |
	    grep -qxF "$TB_NONCE" && fail "nginx still serves this bed after down"
}

echo "e2e certbot tests (test bed: $TESTBED)"
t0=$(now_ms)
if ! bed_up_acme; then
	echo "failed: test bed (with --acme) did not come up"
	echo "$PASS_NAME: 0 passed, 1 failed"
	exit 1
fi
T_UP=$(ms_since "$t0")
echo "  bed up (knot x2 + pebble + nginx) in $T_UP ms; $(certbot --version 2>&1 | head -n 1)," \
    "pebble $(dpkg-query -W -f '${Version}' pebble 2>/dev/null)"
write_hooks

for c in acme_bed_ready certbot_register dns01_wildcard_csr dns01_stale_secondary \
    http01_www bed_down; do
	run_case "$c"
done
echo "timings: up $T_UP ms, register $T_REGISTER ms, dns-01 $T_DNS ms," \
    "dns-01 stale secondary $T_NEG ms, http-01 $T_HTTP ms"
finish
