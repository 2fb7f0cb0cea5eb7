#!/bin/sh
# Integration tests of the post phase on this host (no ssh needed): which
# server sections restart for which change, in which order, post-copy
# commands, the DNS refresh last and skipped after a failed restart, and the
# pending-work file (TOP/.sslm-pending): written on failure, shown by -s,
# retried and cleared by the next run, left alone by -d.
# Prints "post: N passed, N failed" as its closing line.
set -u
. "$(dirname "$0")/lib.sh"

H=$(hostname)
TAB=$(printf '\t')

mgr() {
	SSL_MGR_TOPDIR="$TOP" "$MGR" "$@" >"$WORK/out" 2>&1
}

# A copy of examples/ca-self whose server sections all name this host and
# run bin/rec, which appends its arguments to rec.log and fails while a
# file fail-<first argument> exists.
new_top() {
	TOP=$(copy_tree "$SRCDIR/examples/ca-self" "$1")
	mkdir -p "$TOP/bin"
	cat >"$TOP/bin/rec" <<EOF
#!/bin/sh
echo "\$*" >>"$TOP/rec.log"
[ -e "$TOP/fail-\$1" ] && { echo "rec \$1 failing on purpose" >&2; exit 3; }
exit 0
EOF
	chmod 0755 "$TOP/bin/rec"
	conf="$TOP/conf.d/ssl-mgr.conf"
	sed -n '/^\[web\]/q;p' "$conf" >"$conf.new"
	cat >>"$conf.new" <<EOF
[smtp]
    servers = ['$H']
    restart_cmd = '$TOP/bin/rec smtp'
    depends = ['cert']

[imap]
    servers = ['$H']
    restart_cmd = '$TOP/bin/rec imap'
    svc_depends = [['example.test', ['mail-rsa']]]

[web]
    servers = ['$H']
    restart_cmd = ['$TOP/bin/rec web1', '$TOP/bin/rec web2']
    svc_depends = [['any', ['web-ec']]]

[other]
    servers = ['$H']
    restart_cmd = '$TOP/bin/rec other'
    depends = ['tlsa']

[dns]
    restart_cmd = '$TOP/bin/rec'
    depends = ['cert']
EOF
	# post_copy_cmd belongs to [globals]: put it right after its header
	awk -v pc="    post_copy_cmd = [['some.host', '$TOP/bin/rec']]" \
	    '{ print } /^\[globals\]/ { print pc }' "$conf.new" >"$conf"
	rm -f "$conf.new"
}

bootstrap() {
	for g in ca:example-root ca:example-int example.test; do
		mgr -renew "$g" || { fail "-renew $g: exit $?"; sed 's/^/      | /' "$WORK/out"; return 1; }
		mgr -roll "$g" || { fail "-roll $g: exit $?"; sed 's/^/      | /' "$WORK/out"; return 1; }
	done
	: >"$TOP/rec.log"
}

# line_of TEXT: the line number of the first line of rec.log equal to TEXT
line_of() {
	awk -v t="$1" 'index($0, t) == 1 { print NR; exit }' "$TOP/rec.log"
}

case_restarts_follow_dependencies() {
	new_top deps
	bootstrap || return
	mgr -renew -f example.test:web-ec
	expect_rc 0 $? "-renew -f web-ec"
	for l in smtp web1 web2 "some.host" "--serial_bump"; do
		[ -n "$(line_of "$l")" ] || fail "'$l' did not run (rec.log: $(tr '\n' '|' <"$TOP/rec.log"))"
	done
	# mail-rsa did not change, no TLSA changed: imap and other stay
	for l in imap other; do
		[ -z "$(line_of "$l")" ] || fail "[$l] restarted although its dependencies did not change"
	done
	# order: post-copy after the copy, restarts smtp < web, the DNS refresh last
	pc=$(line_of "some.host"); s=$(line_of smtp); w=$(line_of web1); d=$(line_of "--serial_bump")
	[ -n "$pc" ] && [ -n "$s" ] && [ -n "$w" ] && [ -n "$d" ] &&
	    [ "$pc" -lt "$s" ] && [ "$s" -lt "$w" ] && [ "$w" -lt "$d" ] ||
		fail "order post-copy < smtp < web < dns broken: $(tr '\n' '|' <"$TOP/rec.log")"
	expect_grep "Running post_copy_cmd:" "$WORK/out" "post-copy header"
	[ -e "$TOP/.sslm-pending" ] && fail "a run without failure left .sslm-pending"

	# -fsr restarts every section, without a change
	: >"$TOP/rec.log"
	mgr dev -fsr
	expect_rc 0 $? "dev -fsr"
	for l in smtp imap web1 web2 other "--serial_bump"; do
		[ -n "$(line_of "$l")" ] || fail "dev -fsr: '$l' did not run"
	done
}

case_failed_restart_becomes_pending() {
	new_top pend
	bootstrap || return
	touch "$TOP/fail-smtp"
	mgr -renew -f example.test:web-ec
	expect_rc 1 $? "-renew -f with a failing restart"
	expect_grep "Server restarts : 1 out of 2 failed" "$WORK/out" "restart summary"
	expect_grep "exited with status 3: rec smtp failing on purpose" "$WORK/out" \
	    "the failing command's last stderr line is shown"
	expect_grep "DNS refresh skipped" "$WORK/out" "refresh after a failed restart"
	[ -n "$(line_of web1)" ] || fail "the other sections were not restarted after the failure"
	[ -z "$(line_of "--serial_bump")" ] || fail "DNS refreshed although a restart failed"
	p="$TOP/.sslm-pending"
	[ -f "$p" ] || { fail "no $p"; return; }
	[ "$(stat -c %a "$p")" = 640 ] || fail "$p mode $(stat -c %a "$p")"
	[ "$(head -n 1 "$p")" = "# sslm-mgr pending work v1" ] || fail "$p header: $(head -n 1 "$p")"
	grep -q "${TAB}restart${TAB}smtp:$H${TAB}${TAB}" "$p" || fail "no restart smtp:$H item: $(cat "$p")"
	grep -q "${TAB}dns-refresh${TAB}" "$p" || fail "no dns-refresh item: $(cat "$p")"
	grep -q "restart${TAB}web:" "$p" && fail "the successful web restart is pending"

	mgr -s
	expect_rc 0 $? "-s with pending work"
	expect_grep "Pending work from earlier runs:" "$WORK/out" "-s"
	expect_grep " restart smtp:$H : " "$WORK/out" "-s pending line"
	grep -qE "^  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC dns-refresh " "$WORK/out" ||
		fail "-s: no dated dns-refresh line"
	SSL_MGR_TOPDIR="$TOP" "$MGR" -s --json >"$WORK/json" 2>"$WORK/err"
	expect_rc 0 $? "-s --json"
	[ "$(jq -r '[.pending[].kind] | sort | join(",")' "$WORK/json")" = "dns-refresh,restart" ] ||
		fail "JSON pending: $(jq -c .pending "$WORK/json")"
	[ "$(jq -r '.pending[] | select(.kind=="restart") | .target' "$WORK/json")" = "smtp:$H" ] ||
		fail "JSON pending restart target"

	# -d neither retries nor changes the file
	cp "$p" "$WORK/pending.before"
	: >"$TOP/rec.log"
	mgr -d
	expect_grep "debug: pending restart smtp:$H is not retried by -d" "$WORK/out" "-d names the pending work"
	cmp -s "$p" "$WORK/pending.before" || fail "-d changed the pending file"
	[ -s "$TOP/rec.log" ] && fail "-d ran commands: $(cat "$TOP/rec.log")"

	# still failing: kept, with the new error
	mgr
	expect_rc 1 $? "retry while still failing"
	grep -q "restart${TAB}smtp:$H" "$p" || fail "a failed retry dropped the item"
	[ -z "$(line_of "--serial_bump")" ] || fail "retried refresh ran after the retried restart failed"

	# fixed: the next run without a command does the work and clears it
	rm -f "$TOP/fail-smtp"
	: >"$TOP/rec.log"
	mgr
	expect_rc 0 $? "retry after the fix"
	expect_grep "Retrying pending work from earlier runs:" "$WORK/out" "retry header"
	[ -n "$(line_of smtp)" ] || fail "pending restart not retried"
	[ -n "$(line_of "--serial_bump")" ] || fail "pending DNS refresh not retried"
	[ -z "$(line_of web1)" ] || fail "a restart that was not pending ran"
	[ -e "$p" ] && fail "pending file still there: $(cat "$p")"
	mgr -s
	expect_no_grep "Pending work" "$WORK/out" "-s after the retry"
}

case_pending_file_problems() {
	new_top bad
	bootstrap || return
	p="$TOP/.sslm-pending"
	{
		echo "# sslm-mgr pending work v1"
		printf '1700000000\trestart\timap:gone.example\t\told error\n'
		echo "this line is not an item"
	} >"$p"
	mgr
	expect_rc 0 $? "run with a stale and a broken pending item"
	expect_grep "imap:gone.example dropped" "$WORK/out" "stale item"
	expect_grep ".sslm-pending:3:" "$WORK/out" "broken line named by path:line"
	expect_grep "'this line is not an item' (kept, not retried" "$WORK/out" "broken line quoted"
	# the stale item is gone; the line nobody can read is kept for a human
	[ "$(grep -cv '^#' "$p")" = 1 ] && grep -qx "this line is not an item" "$p" ||
		fail "pending file should hold just the unreadable line: $(cat "$p" 2>/dev/null)"
}

# A remote server that cannot be reached (port 9 on loopback: nothing
# listens): this host's restarts still run, the unreachable host's copy and
# restart become pending, the DNS refresh waits. A relative prod_cert_dir
# cannot be mirrored: a config error before anything is done.
case_unreachable_remote_server() {
	new_top remote
	bootstrap || return
	conf="$TOP/conf.d/ssl-mgr.conf"
	printf 'Host 127.0.0.1\n    Port 9\n    ConnectTimeout 5\n' >"$TOP/ssh_config"
	sed -i "s|^\[other\]|[other]\n    servers = ['root@127.0.0.1']|; /^\[other\]/,/^\[/ { /servers = \['$H'\]/d }" "$conf"
	printf "\n[ssh]\n    config_file = '%s'\n" "$TOP/ssh_config" >>"$conf"
	mgr -renew -f example.test:web-ec
	expect_rc 2 $? "remote server with a relative prod_cert_dir"
	expect_grep "prod_cert_dir" "$WORK/out" "relative prod_cert_dir"
	sed -i "s|^\( *prod_cert_dir = \).*|\1'$TOP/prod-certs'|" "$conf"
	: >"$TOP/rec.log"
	mgr dev -fsr -certs-prod
	expect_rc 1 $? "a server that cannot be reached"
	expect_grep "copying certs to root@127.0.0.1:$TOP/prod-certs/" "$WORK/out" "copy error"
	[ -n "$(line_of smtp)" ] || fail "this host's restarts did not run"
	[ -z "$(line_of other)" ] || fail "[other] restarted although its host has no copy"
	[ -z "$(line_of "--serial_bump")" ] || fail "DNS refreshed although a copy failed"
	p="$TOP/.sslm-pending"
	grep -q "${TAB}copy${TAB}root@127.0.0.1${TAB}$TOP/prod-certs${TAB}" "$p" ||
		fail "no pending copy: $(cat "$p" 2>/dev/null)"
	grep -q "${TAB}restart${TAB}other:root@127.0.0.1${TAB}${TAB}not restarted" "$p" ||
		fail "no pending restart: $(cat "$p" 2>/dev/null)"
	grep -q "${TAB}dns-refresh${TAB}" "$p" || fail "no pending dns-refresh"
	grep -q "restart${TAB}smtp:" "$p" && fail "a restart that ran is pending"
	# the host is taken out of the configuration: its items are dropped
	sed -i "s|servers = \['root@127.0.0.1'\]|servers = []|" "$conf"
	: >"$TOP/rec.log"
	mgr
	expect_rc 0 $? "retry after the host left the configuration"
	expect_grep "copy root@127.0.0.1 dropped" "$WORK/out" "stale copy item"
	[ -n "$(line_of "--serial_bump")" ] || fail "pending DNS refresh not retried"
	[ -e "$p" ] && fail "pending file still there: $(cat "$p")"
}

# A run killed after its copies, before its restarts: the restarts it owed
# were written as pending before the work began, so the next run does them.
case_killed_run_leaves_its_debts() {
	if ! strings "$MGR" | grep -q SSLM_CRASH_AT; then
		skip_or_fail "sslm-mgr built without --enable-fault-injection"
		return
	fi
	new_top killed
	bootstrap || return
	SSLM_CRASH_AT=before-restarts SSL_MGR_TOPDIR="$TOP" "$MGR" -renew -f \
	    example.test:web-ec >"$WORK/out" 2>&1
	expect_rc 137 $? "killed before the restarts"
	[ -s "$TOP/rec.log" ] && [ -n "$(line_of smtp)" ] && fail "restarts ran before the kill point"
	p="$TOP/.sslm-pending"
	grep -q "restart${TAB}smtp:$H${TAB}${TAB}started but not finished" "$p" ||
		fail "the owed smtp restart is not pending: $(cat "$p" 2>/dev/null)"
	grep -q "restart${TAB}web:$H" "$p" || fail "the owed web restart is not pending"
	grep -q "dns-refresh" "$p" || fail "the owed DNS refresh is not pending"
	: >"$TOP/rec.log"
	mgr
	expect_rc 0 $? "the run after the kill"
	for l in smtp web1 web2 "--serial_bump"; do
		[ -n "$(line_of "$l")" ] || fail "'$l' owed by the killed run did not run"
	done
	[ -e "$p" ] && fail "pending file still there: $(cat "$p")"
}

# Config errors before anything runs: a production folder that is a system
# folder (the mirror would wipe it on every server) and server entries the
# transport could never use.
case_config_refuses_dangerous_targets() {
	new_top cfg
	conf="$TOP/conf.d/ssl-mgr.conf"
	cp "$conf" "$WORK/conf.orig"
	for bad in "'/etc'" "'/'" "'/var/lib/'"; do
		sed -i "s|^\( *prod_cert_dir = \).*|\1$bad|" "$conf"
		mgr -s
		expect_rc 2 $? "prod_cert_dir = $bad"
		expect_grep "is a system folder" "$WORK/out" "prod_cert_dir = $bad"
		cp "$WORK/conf.orig" "$conf"
	done
	for bad in "root@" "[::1]" "mail.test:2322" "us er@h"; do
		sed -i "/^\[smtp\]/,/^\[/ s|servers = \[.*\]|servers = ['$bad']|" "$conf"
		mgr -s
		expect_rc 2 $? "servers = ['$bad']"
		expect_grep "servers[0]" "$WORK/out" "servers = ['$bad']"
		cp "$WORK/conf.orig" "$conf"
	done
	sed -i "/^\[smtp\]/,/^\[/ s|servers = \[.*\]|servers = ['mail.test:2322']|" "$conf"
	mgr -s
	expect_grep "set Port in a Host block" "$WORK/out" "host:port hint"
}

echo "post-phase tests ($MGR)"
for c in restarts_follow_dependencies failed_restart_becomes_pending \
    pending_file_problems unreachable_remote_server killed_run_leaves_its_debts \
    config_refuses_dangerous_targets; do
	run_case "$c"
done
PASS_NAME=post
finish
