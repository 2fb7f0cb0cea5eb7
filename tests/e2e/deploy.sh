#!/bin/sh
# End-to-end distribution (issue 6 "Checked by"): sslm-mgr on a local-CA tree
# (examples/ca-self) whose production tree TB_PROD is mirrored over SSH to two
# sshd hosts on loopback (scripts/testbed up --acme --ssh: mail.test and
# web.test, each in its own mount namespace, so each has its own folder at
# TB_PROD), restart commands that append to a log on the host that ran
# them, hosts with unknown or changed keys, a host down, a crash during an
# upload, and http-01 through an nginx that sees web.test's web root.
# Prints "e2e-deploy: N passed, N failed" as its last line.
set -u
PASS_NAME=e2e-deploy
. "$(dirname "$0")/lib.sh"
MGR="$BUILDDIR/sslm-mgr"
HOOK="$BUILDDIR/sslm-auth-hook"
TAB=$(printf '\t')

mgr() {
	SSL_MGR_TOPDIR="$TOP" REQUESTS_CA_BUNDLE="${TB_CA_BUNDLE:-}" "$MGR" "$@" >"$WORK/out" 2>&1
}
show() { sed 's/^/      | /' "${1:-$WORK/out}" | tail -n "${2:-25}"; }

# the restart log of host I (what rec wrote there), and of this host
rlog() { cat "$BED/host$1/log/restarts.log" 2>/dev/null; }
clear_rlogs() { rm -f "$BED"/host*/log/restarts.log "$BED/remote-log/restarts.log"; }

# in_sync I [WHAT]: host I's view of TB_PROD equals the local tree
in_sync() {
	same_tree "$TB_PROD" "$BED/host$1/prod" || { fail "${2:-}host $1 is not a mirror of $TB_PROD"; return 1; }
}

# rec: the restart_cmd of every section. It lives in the bed, which both
# namespaces see; it appends "<section> <host> <args>" to <bed>/remote-log/
# restarts.log, which is host i's own log folder on host i (host from the
# host-id file the bed put there; "local" in this namespace).
write_rec() {
	mkdir -p "$BED/bin"
	cat >"$BED/bin/rec" <<EOF
#!/bin/sh
h=\$(cut -d' ' -f1 "$BED/remote-log/host-id" 2>/dev/null)
c=\$1
shift
echo "\$c \${h:-local} \$*" >>"$BED/remote-log/restarts.log"
EOF
	chmod 755 "$BED/bin/rec"
}

setup_tree() {
	TOP="$WORK/top"
	rm -rf "$TOP"
	mkdir -p "$TOP"
	cp -R "$SRCDIR/examples/ca-self/conf.d" "$TOP/"
	conf="$TOP/conf.d/ssl-mgr.conf"
	sed -n '/^\[web\]/q;p' "$conf" |
	    sed "s|^    prod_cert_dir = .*|    prod_cert_dir = '$TB_PROD'|" >"$conf.new"
	cat >>"$conf.new" <<EOF
[ssh]
    config_file = '$TB_SSH_CONFIG'
    connect_timeout = 5
    command_timeout = 60

[smtp]
    servers = ['mail.test']
    restart_cmd = '$BED/bin/rec smtp'
    svc_depends = [['example.test', ['mail-rsa']]]

[imap]
    servers = ['mail.test']
    restart_cmd = '$BED/bin/rec imap'
    svc_depends = [['any', ['mail-rsa']]]

[web]
    servers = ['web.test']
    restart_cmd = '$BED/bin/rec web'
    svc_depends = [['example.test', ['web-ec']]]

[other]
    servers = ['web.test']
    restart_cmd = '$BED/bin/rec other'
    depends = ['tlsa']
EOF
	mv "$conf.new" "$conf"
	grep -q "prod_cert_dir = '$TB_PROD'" "$conf" || { fail "prod_cert_dir not set in $conf"; return 1; }
	write_rec
}

SSH_CONF_LINE() { echo "    config_file = '$1'"; }
use_ssh_config() {
	sed -i "s|^    config_file = .*|$(SSH_CONF_LINE "$1")|" "$TOP/conf.d/ssl-mgr.conf"
}

# (a) after -renew and -roll both hosts hold exactly the local tree
case_mirror_after_renew_and_roll() {
	setup_tree || return
	for g in ca:example-root ca:example-int example.test; do
		mgr -renew "$g" || { fail "-renew $g: exit $?"; show; return; }
		mgr -roll "$g" || { fail "-roll $g: exit $?"; show; return; }
	done
	[ -f "$TB_PROD/example.test/web-ec/curr/fullchain.pem" ] || { fail "local production not written"; return; }
	in_sync 1
	in_sync 2
	for i in 1 2; do
		find "$BED/host$i/prod/ca" -name privkey.pem -o -name bundle.pem 2>/dev/null | grep -q . &&
		    fail "host $i holds CA private keys: $(find "$BED/host$i/prod/ca" -name privkey.pem -o -name bundle.pem)"
		[ -f "$BED/host$i/prod/example.test/mail-rsa/curr/privkey.pem" ] ||
		    fail "host $i lacks the service key"
		m=$(stat -c %a "$BED/host$i/prod/example.test/mail-rsa/curr/privkey.pem" 2>/dev/null)
		[ "$m" = 600 ] || fail "host $i: service privkey.pem mode $m"
	done
	[ -e "$TB_PROD/ca/example-int/curr/privkey.pem" ] && fail "CA key in the local production tree"
	note "$(tree_list "$TB_PROD" | wc -l) entries mirrored to each host"
}

# (b) what disappears from production disappears remotely: the next/ folder
# after a roll, and a stale folder removed from the local tree
# (a2) sslm-mgr -s -v compares each host's copy: nothing while in sync,
# then exactly the file removed on host 1, named with its host; read-only
case_status_verbose_compares_hosts() {
	[ -L "$TOP/certs/example.test/web-ec/curr" ] || { skip_or_fail "needs the previous case"; return; }
	mgr -s -v
	expect_rc 0 $? "-s -v in sync"
	expect_no_grep "Mismatch" "$WORK/out" "-s -v in sync"
	victim=example.test/mail-rsa/curr/chain.pem
	cp -p "$BED/host1/prod/$victim" "$WORK/victim"
	rm -f "$BED/host1/prod/$victim"
	mgr -s -v
	expect_rc 0 $? "-s -v with a file missing on host 1"
	expect_grep "Mismatch: mail.test: $TB_PROD/$victim is missing" "$WORK/out" "-s -v per host"
	expect_no_grep "Mismatch: web.test" "$WORK/out" "-s -v: host 2 is in sync"
	[ -e "$BED/host1/prod/$victim" ] && fail "-s -v repaired host 1 (it must only report)"
	SSL_MGR_TOPDIR="$TOP" "$MGR" -s -v --json >"$WORK/json" 2>/dev/null
	jq -e --arg d "mail.test: $TB_PROD/$victim is missing" \
	    '.integrity.differences | index($d) != null' "$WORK/json" >/dev/null ||
		fail "-s -v --json lacks the remote difference"
	cp -p "$WORK/victim" "$BED/host1/prod/$victim"
	in_sync 1
}

case_removed_locally_removed_remotely() {
	[ -L "$TOP/certs/example.test/web-ec/curr" ] || { skip_or_fail "needs the previous case"; return; }
	mkdir -p "$TB_PROD/stale.example/old"
	echo stale >"$TB_PROD/stale.example/old/cert.pem"
	ln -sfn cert.pem "$TB_PROD/stale.example/old/link.pem"
	mgr -renew -f example.test:web-ec || { fail "-renew -f: exit $?"; show; return; }
	for i in 1 2; do
		[ -d "$BED/host$i/prod/example.test/web-ec/next" ] || fail "host $i: next/ not copied"
		[ "$(readlink "$BED/host$i/prod/stale.example/old/link.pem")" = cert.pem ] ||
		    fail "host $i: the symlink did not arrive as a link"
	done
	in_sync 1 "after renew: "
	in_sync 2 "after renew: "
	rm -rf "$TB_PROD/stale.example"
	mgr -roll example.test:web-ec || { fail "-roll: exit $?"; show; return; }
	[ -e "$TB_PROD/example.test/web-ec/next" ] && fail "next/ still in local production"
	for i in 1 2; do
		[ -e "$BED/host$i/prod/example.test/web-ec/next" ] && fail "host $i: next/ not removed"
		[ -e "$BED/host$i/prod/stale.example" ] && fail "host $i: the stale folder was not removed"
	done
	in_sync 1 "after roll: "
	in_sync 2 "after roll: "
}

# (c) restarts ran exactly on the hosts whose services changed
case_restarts_only_dependent_servers() {
	[ -L "$TOP/certs/example.test/web-ec/curr" ] || { skip_or_fail "needs the previous cases"; return; }
	clear_rlogs
	mgr -renew -f example.test:mail-rsa || { fail "-renew -f mail-rsa: exit $?"; show; return; }
	l1=$(rlog 1 | cut -d' ' -f1,2 | sort | tr '\n' ' ')
	[ "$l1" = "imap host1 smtp host1 " ] || fail "mail-rsa changed: host 1 ran '$l1', expected imap and smtp"
	[ -z "$(rlog 2)" ] || fail "mail-rsa changed: host 2 restarted: $(rlog 2 | tr '\n' '|')"
	[ -e "$BED/remote-log/restarts.log" ] && fail "a restart ran locally: $(cat "$BED/remote-log/restarts.log")"
	in_sync 2 "mail-rsa renewed: "
	clear_rlogs
	mgr -renew -f example.test:web-ec || { fail "-renew -f web-ec: exit $?"; show; return; }
	[ "$(rlog 2 | cut -d' ' -f1,2)" = "web host2" ] || fail "web-ec changed: host 2 ran '$(rlog 2 | tr '\n' '|')', expected web only"
	[ -z "$(rlog 1)" ] || fail "web-ec changed: host 1 restarted: $(rlog 1 | tr '\n' '|')"
	in_sync 1 "web-ec renewed: "
	clear_rlogs
	mgr -roll example.test || { fail "-roll: exit $?"; show; return; }
	[ "$(rlog 1 | wc -l)" = 2 ] && [ "$(rlog 2)" = "web host2 " ] ||
	    fail "both rolled: host 1 '$(rlog 1 | tr '\n' '|')', host 2 '$(rlog 2 | tr '\n' '|')'"
	rlog 2 | grep -q '^other' && fail "[other] (depends tlsa) restarted without a TLSA change"
}

# (d) unknown host key: error with the SHA256 fingerprint and how to accept,
# nothing copied; a changed key: refused
case_unknown_and_changed_host_key() {
	[ -L "$TOP/certs/example.test/web-ec/curr" ] || { skip_or_fail "needs the previous cases"; return; }
	d="$WORK/ssh-unknown"
	mkdir -p "$d"
	: >"$d/known_hosts"
	sed "s|UserKnownHostsFile .*|UserKnownHostsFile $d/known_hosts|" "$TB_SSH_CONFIG" >"$d/config"
	use_ssh_config "$d/config"
	for i in 1 2; do rm -rf "$WORK/snap$i"; cp -a "$BED/host$i/prod" "$WORK/snap$i"; done
	clear_rlogs
	mgr -renew -f example.test:web-ec
	expect_rc 1 $? "-renew with unknown host keys"
	expect_grep "SHA256:" "$WORK/out" "fingerprint in the error"
	expect_egrep "ssh-keyscan|known_hosts" "$WORK/out" "how to accept"
	same_tree "$WORK/snap1" "$BED/host1/prod" || fail "host 1 changed although its key is unknown"
	same_tree "$WORK/snap2" "$BED/host2/prod" || fail "host 2 changed although its key is unknown"
	[ -z "$(rlog 1)$(rlog 2)" ] || fail "restarts ran on unverified hosts"
	grep "SHA256:" "$WORK/out" | head -n 2 | sed 's/^/    error: /'

	# host 1 known under host 2's keys (a changed key); host 2 right
	d="$WORK/ssh-changed"
	mkdir -p "$d"
	{
		grep -e "^\[$TB_SSH_ADDR_2\]" -e "^\[web.test\]" "$TB_SSH_KNOWN_HOSTS"
		grep -e "^\[$TB_SSH_ADDR_2\]" "$TB_SSH_KNOWN_HOSTS" | sed "s/^\[$TB_SSH_ADDR_2\]/[$TB_SSH_ADDR_1]/"
		grep -e "^\[web.test\]" "$TB_SSH_KNOWN_HOSTS" | sed "s/^\[web.test\]/[mail.test]/"
	} >"$d/known_hosts"
	sed "s|UserKnownHostsFile .*|UserKnownHostsFile $d/known_hosts|" "$TB_SSH_CONFIG" >"$d/config"
	use_ssh_config "$d/config"
	rm -rf "$WORK/snap1"
	cp -a "$BED/host1/prod" "$WORK/snap1"
	mgr
	expect_rc 1 $? "retry with a changed key for host 1"
	expect_grep "SHA256:" "$WORK/out" "fingerprint in the refusal"
	grep -qiE "changed|mismatch|not match|differ" "$WORK/out" || { fail "the error does not say the key changed"; show; }
	same_tree "$WORK/snap1" "$BED/host1/prod" || fail "host 1 (changed key) was written to"
	in_sync 2 "changed key of host 1: "

	# the right keys again: the pending copy to host 1 completes
	use_ssh_config "$TB_SSH_CONFIG"
	mgr
	expect_rc 0 $? "retry with the right keys"
	in_sync 1 "after the retry: "
	[ -e "$TOP/.sslm-pending" ] && fail "pending work left: $(cat "$TOP/.sslm-pending")"
}

# (e) one host down: the other is updated, exit 1, pending work recorded and
# shown; with the host back, the next run completes copy and restart
case_host_down_pending_then_retry() {
	[ -L "$TOP/certs/example.test/web-ec/curr" ] || { skip_or_fail "needs the previous cases"; return; }
	"$TESTBED" ssh-stop "$BED" 2 >"$WORK/stop.out" 2>&1 || { fail "ssh-stop"; show "$WORK/stop.out"; return; }
	clear_rlogs
	mgr -renew -f example.test:web-ec
	expect_rc 1 $? "-renew with web.test down"
	in_sync 1 "web.test down: "
	p="$TOP/.sslm-pending"
	if [ -f "$p" ]; then
		grep -q "${TAB}copy${TAB}web.test${TAB}$TB_PROD" "$p" || fail "no pending copy for web.test: $(cat "$p")"
		grep -q "${TAB}restart${TAB}web:web.test" "$p" || fail "no pending restart web:web.test: $(cat "$p")"
		grep -q "${TAB}copy${TAB}mail.test" "$p" && fail "the successful copy to mail.test is pending"
	else
		fail "no $p"
	fi
	mgr -s
	expect_grep "Pending work" "$WORK/out" "-s shows the pending work"
	expect_grep "web.test" "$WORK/out" "-s names the host"
	"$TESTBED" ssh-start "$BED" 2 >"$WORK/start.out" 2>&1 || { fail "ssh-start"; show "$WORK/start.out"; return; }
	clear_rlogs
	mgr
	expect_rc 0 $? "run with web.test back"
	in_sync 2 "web.test back: "
	[ "$(rlog 2 | cut -d' ' -f1,2)" = "web host2" ] || fail "web.test restart not retried: '$(rlog 2 | tr '\n' '|')'"
	[ -z "$(rlog 1)" ] || fail "host 1 restarted on the retry: $(rlog 1 | tr '\n' '|')"
	[ -e "$p" ] && fail "pending file still there: $(cat "$p")"
	mgr -s
	grep -q "Pending work" "$WORK/out" && fail "-s still shows pending work"
	true
}

# (f) SIGKILL in the middle of an upload: every file on the hosts is the old
# or the new version, never a partial one; the next normal run completes
case_kill_during_upload() {
	[ -L "$TOP/certs/example.test/web-ec/next" ] || mgr -renew -f example.test:web-ec
	for i in 1 2; do rm -rf "$WORK/old$i"; cp -a "$BED/host$i/prod" "$WORK/old$i"; done
	SSLM_CRASH_AT=remote-upload mgr -renew -f example.test:web-ec
	rc=$?
	if [ "$rc" != 137 ]; then
		skip_or_fail "no crash at remote-upload (exit $rc): build without --enable-fault-injection?"
		return
	fi
	rm -rf "$WORK/new"
	cp -a "$TB_PROD" "$WORK/new"
	bad=0
	for i in 1 2; do
		v="$BED/host$i/prod"
		(cd "$v" && find . -type f ! -name '.*.sslm-*' -printf '%P\n') >"$WORK/files$i"
		while read -r f; do
			cmp -s "$v/$f" "$WORK/old$i/$f" || cmp -s "$v/$f" "$WORK/new/$f" ||
			    { fail "host $i: $f is neither the old nor the new version"; bad=1; }
		done <"$WORK/files$i"
		n=$(find "$v" -name '.*.sslm-*' | wc -l)
		note "host $i after the kill: $(wc -l <"$WORK/files$i") files old or new, $n temporaries"
	done
	[ "$bad" = 0 ] || return
	mgr
	expect_rc 0 $? "run after the crash"
	if ! same_tree "$TB_PROD" "$BED/host1/prod" || ! same_tree "$TB_PROD" "$BED/host2/prod"; then
		fail "a normal run after the crash did not complete the copy"
		mgr dev -certs-prod
		note "dev -certs-prod: exit $?"
	fi
	in_sync 1 "after the crash and a run: "
	in_sync 2 "after the crash and a run: "
}

# (f2) killed after the copies, before the restarts: the pending file says
# exactly what is owed (restarts, the refresh), not the finished copies,
# and the next run does it
case_kill_before_restarts() {
	SSLM_CRASH_AT=before-restarts mgr -renew -f example.test:web-ec
	rc=$?
	[ "$rc" = 137 ] || { skip_or_fail "no crash at before-restarts (exit $rc)"; return; }
	p="$TOP/.sslm-pending"
	grep -q "$(printf '\trestart\t')" "$p" || fail "no restart owed after the kill: $(cat "$p" 2>/dev/null)"
	grep -q "$(printf '\tcopy\t')" "$p" && fail "finished copies still pending: $(cat "$p")"
	in_sync 1 "copied before the kill: "
	in_sync 2 "copied before the kill: "
	mgr
	expect_rc 0 $? "run after the kill"
	[ -e "$p" ] && fail "pending file left: $(cat "$p")"
}

# (g0) the bed itself: pebble fetches an http-01 token that was put into
# web.test's web root over sftp (nginx runs in host 2's namespace)
case_bed_http01_token_over_sftp() {
	d="$WORK/cb0"
	mkdir -p "$d"
	cat >"$d/auth" <<EOF
#!/bin/sh
w=$TB_WWW_DIR/\$CERTBOT_DOMAIN/.well-known/acme-challenge
printf '%s' "\$CERTBOT_VALIDATION" >"$d/token"
printf 'mkdir %s\nmkdir %s\nmkdir %s\nput %s %s/%s\n' "$TB_WWW_DIR/\$CERTBOT_DOMAIN" \
    "$TB_WWW_DIR/\$CERTBOT_DOMAIN/.well-known" "\$w" "$d/token" "\$w" "\$CERTBOT_TOKEN" |
    sftp -F "$TB_SSH_CONFIG" -b - web.test >>"$d/sftp.log" 2>&1
exit 0
EOF
	chmod 755 "$d/auth"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/k.pem" \
	    -out "$d/r.csr" -subj /CN=www.example.test -addext subjectAltName=DNS:www.example.test \
	    >/dev/null 2>&1 || { fail "openssl req"; return; }
	t0=$(now_ms)
	REQUESTS_CA_BUNDLE="$TB_CA_BUNDLE" certbot certonly --server "$TB_ACME_SERVER" --agree-tos \
	    -m x@example.test --no-eff-email --non-interactive --config-dir "$d/c" --work-dir "$d/w" \
	    --logs-dir "$d/l" --csr "$d/r.csr" --cert-path "$d/o/cert.pem" --chain-path "$d/o/chain.pem" \
	    --fullchain-path "$d/o/fullchain.pem" --manual --preferred-challenges http \
	    --manual-auth-hook "$d/auth" >"$d/out" 2>&1 || { fail "certbot: exit $?"; show "$d/out"; show "$d/sftp.log"; return; }
	note "certbot http-01, token over sftp to web.test: $(($(now_ms) - t0)) ms"
	tok=$(find "$TB_WWW_VIEW_2/www.example.test" -type f | head -n 1)
	[ -n "$tok" ] || fail "the token is not in host 2's web root $TB_WWW_VIEW_2"
	[ -e "$TB_WWW_DIR/www.example.test" ] && fail "the token reached the local web root"
	grep -q "GET /.well-known/acme-challenge/${tok##*/} HTTP/1.1\" 200 .*Pebble" "$BED/logs/nginx-access.log" ||
	    fail "no 200 for pebble's GET of the token in the nginx log"
	openssl verify -CAfile "$TB_PEBBLE_ROOT_PEM" -untrusted "$d/o/chain.pem" "$d/o/cert.pem" >/dev/null 2>&1 ||
	    fail "the certificate does not verify"
	rm -rf "$TB_WWW_VIEW_2/www.example.test"
}

# (g) sslm-mgr: http-01 for a service whose web server is web.test; the hook
# delivers the token over sftp and removes it after
case_http01_remote_web_server() {
	TOP="$WORK/top-http"
	mkdir -p "$TOP/conf.d/example.test"
	cat >"$TOP/conf.d/ssl-mgr.conf" <<CONF
[globals]
    sslm_auth_hook = '$HOOK'
    prod_cert_dir = '$WORK/prod-http'
    logdir = 'logs'
    min_roll_mins = 0
    dns_check_delay = 0
    dns_xtra_ns = []

[[groups]]
    domain = 'example.test'
    services = ['web']
    active = true

[ssh]
    config_file = '$TB_SSH_CONFIG'

[web]
    servers = ['web.test']
    server_dir = '$TB_WWW_DIR'
    restart_cmd = ''
    skip_prod_copy = true
CONF
	cat >"$TOP/conf.d/ca-info.conf" <<CONF
[pebble-http]
    ca_type = 'certbot'
    ca_validation = 'http-01'
    ca_server = '$TB_ACME_SERVER'
CONF
	cat >"$TOP/conf.d/example.test/web" <<'SVC'
name = 'web by http-01 on a remote web server'
group = 'example.test'
service = 'web'
signing_ca = 'pebble-http'
[KeyOpts]
    ktype = 'ec'
    ec_algo = 'secp256r1'
[X509]
    CN = 'example.test'
    email = 'hostmaster@example.test'
    O = 'Example'
    C = 'GB'
    sans = ['example.test', 'www.example.test']
SVC
	n0=$(grep -c 'Pebble' "$BED/logs/nginx-access.log")
	t0=$(now_ms)
	mgr -renew example.test:web || { fail "-renew: exit $?"; show; return; }
	note "sslm-mgr -renew, http-01 via web.test: $(($(now_ms) - t0)) ms"
	d="$TOP/certs/example.test/web"
	openssl verify -CAfile "$TB_PEBBLE_ROOT_PEM" -untrusted "$d/next/chain.pem" "$d/next/cert.pem" \
	    >"$WORK/v" 2>&1 || fail "the certificate does not verify: $(cat "$WORK/v")"
	n1=$(grep -c 'Pebble' "$BED/logs/nginx-access.log")
	[ "$n1" -gt "$n0" ] || fail "pebble fetched nothing through nginx"
	grep 'Pebble' "$BED/logs/nginx-access.log" | tail -n $((n1 - n0)) | grep -qv '" 200 ' &&
	    fail "a token fetch did not get 200: $(tail -n 3 "$BED/logs/nginx-access.log")"
	find "$TB_WWW_VIEW_2" -path '*acme-challenge*' -type f ! -name _testbed | grep -q . &&
	    fail "token files left on web.test: $(find "$TB_WWW_VIEW_2" -type f ! -name _testbed)"
	find "$TB_WWW_DIR" -path '*acme-challenge*' -type f ! -name _testbed | grep -q . &&
	    fail "token files written locally"
	true
}

echo "e2e deploy tests ($MGR)"
export TB_HTTP_NS=2
bed_up_ssh 2 --acme || { echo "$PASS_NAME: 0 passed, 1 failed"; exit 1; }
for c in mirror_after_renew_and_roll status_verbose_compares_hosts removed_locally_removed_remotely \
    restarts_only_dependent_servers unknown_and_changed_host_key \
    host_down_pending_then_retry kill_during_upload kill_before_restarts \
    bed_http01_token_over_sftp \
    http01_remote_web_server; do
	run_case "$c"
done
finish
