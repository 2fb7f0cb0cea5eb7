#!/bin/sh
# Field cases (../shared/cases) that need the real sslm-mgr; inputs copied
# into tests/data/cases/. Prints "cases: N passed, N failed" as its last line.
set -u
. "$(dirname "$0")/lib.sh"
PASS_NAME=cases
C21="$SRCDIR/tests/data/cases/21"

# A top dir whose group r21 has one service per case-21 cert, each cert put
# in place as that service's curr (status reads certs only).
make_c21_tree() {
	TOP=$(copy_tree "$SRCDIR/examples/ca-self" "c21-$1")
	mkdir -p "$TOP/conf.d/r21"
	for pem in "$WORK/c21"/r[0-9][0-9].pem; do
		id=$(basename "$pem" .pem)
		cat >"$TOP/conf.d/r21/$id" <<SVC
name = 'case 21 $id'
group = 'r21'
service = '$id'
signing_ca = 'example-int'
[KeyOpts]
    ktype = 'ec'
[X509]
    CN = '$id.example.test'
    O = 'Case 21'
    C = 'GB'
    sans = ['$id.example.test']
SVC
		mkdir -p "$TOP/certs/r21/$id/db/20260101-00:00:00"
		cp "$pem" "$TOP/certs/r21/$id/db/20260101-00:00:00/cert.pem"
		ln -s db/20260101-00:00:00 "$TOP/certs/r21/$id/curr"
	done
	# Only the built-in renew table (plus what a case adds below).
	sed -i '/^\[renew_info\]/,/^$/d' "$TOP/conf.d/ssl-mgr.conf"
}

# check_c21 TOP ID WANT_DUE [WANT_TARGET]: compare sslm-mgr's JSON status
# with the expected decision (and target, ±0.01 day).
check_c21() {
	line=$(grep "^$2," "$C21/21-renew-45day.expected.csv")
	target=${4:-$(echo "$line" | cut -d, -f4)}
	got=$(jq -r --arg s "$2" '.groups[] | select(.name == "r21") | .services[] |
		select(.name == $s) | "\(.renew.due) \(.renew.target_days)"' "$WORK/c21.json")
	due=${got% *}
	t=${got#* }
	[ "$due" = "$3" ] || fail "$1 $2: renew due=$due, expected $3"
	awk -v a="$t" -v b="$target" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.01) }' ||
		fail "$1 $2: target $t days, expected $target"
}

case_field_21_renew_targets() {
	if ! bash "$C21/21-renew-45day.mkcerts.sh" "$WORK/c21" >/dev/null 2>&1; then
		fail "mkcerts.sh failed"
		return
	fi
	make_c21_tree defaults
	SSL_MGR_TOPDIR="$TOP" "$MGR" -s --json r21 >"$WORK/c21.json" 2>"$WORK/err" ||
		{ fail "-s --json r21: exit $?"; cat "$WORK/err"; return; }
	# (a redirect, not a pipe: fail must run in this shell)
	tail -n +2 "$C21/21-renew-45day.expected.csv" >"$WORK/c21.rows"
	n=0
	while IFS=, read -r id _ _ _ _ exp _; do
		want=false
		[ "$exp" = RENEW ] && want=true
		check_c21 defaults "$id" "$want"
		n=$((n + 1))
	done <"$WORK/c21.rows"
	[ "$n" -eq 12 ] || fail "checked $n certs, expected 12"
	# days_to_renew = remaining - target, in the text status too
	SSL_MGR_TOPDIR="$TOP" "$MGR" -s r21:r02 >"$WORK/out" 2>&1
	expect_grep "renew : in 2.1 days (target 9.9 days left)" "$WORK/out" "r02 text status"

	# target_45 = 12 and its spelling renew_target_45 move r02 and r04.
	for key in target_45 renew_target_45; do
		make_c21_tree "$key"
		printf '\n[renew_info]\n    %s = 12\n' "$key" >>"$TOP/conf.d/ssl-mgr.conf"
		SSL_MGR_TOPDIR="$TOP" "$MGR" -s --json r21 >"$WORK/c21.json" 2>"$WORK/err" ||
			{ fail "$key: exit $?"; cat "$WORK/err"; continue; }
		check_c21 "$key" r02 false 11.9
		check_c21 "$key" r04 true 12
	done

	# The deprecated [globals] renew_expire_days moves the 90-day point, with a warning.
	make_c21_tree legacy
	sed -i 's/^\[globals\]/[globals]\n    renew_expire_days = 35/' "$TOP/conf.d/ssl-mgr.conf"
	SSL_MGR_TOPDIR="$TOP" "$MGR" -s --json r21 >"$WORK/c21.json" 2>"$WORK/err"
	expect_rc 0 $? "renew_expire_days = 35"
	expect_grep "renew_expire_days" "$WORK/err" "deprecation warning"
	check_c21 legacy r05 true 35
	check_c21 legacy r06 true 35
}

D="$SRCDIR/tests/data/cases"

# A Let's Encrypt style tree with a group example.test for the ACME cases.
make_le_tree() {
	TOP=$(copy_tree "$SRCDIR/examples/letsencrypt" "le-$1")
	sed -i -e "s|'/var/log/ssl-mgr'|'logs'|" -e "s|'/etc/ssl-mgr/prod-certs'|'$TOP/prod-certs'|" \
		"$TOP/conf.d/ssl-mgr.conf"
	mkdir -p "$TOP/conf.d/example.test"
}

# The CAs of examples/ca-self, made as the demo does.
bootstrap_cas() {
	for g in ca:example-root ca:example-int; do
		SSL_MGR_TOPDIR="$TOP" "$MGR" -renew "$g" >"$WORK/out" 2>&1 &&
			SSL_MGR_TOPDIR="$TOP" "$MGR" -roll "$g" >"$WORK/out" 2>&1 ||
			{ fail "CA bootstrap $g"; sed 's/^/      | /' "$WORK/out"; return 1; }
	done
}

# 14: a cert with an empty subject; a service without CN.
case_field_14_no_cn() {
	"$BUILDDIR/sslm-info" "$D/14/14-no-cn-tlsserver.cert.pem" >"$WORK/out" 2>&1
	expect_rc 0 $? "sslm-info on a cert without CN"
	expect_grep "mail.example.test, example.test" "$WORK/out" "sslm-info SANs"
	expect_no_grep "None" "$WORK/out" "sslm-info"
	mkdir -p "$WORK/t14"
	cp "$D/14/14-no-cn-tlsserver.cert.pem" "$WORK/t14/cert.pem"
	cp "$D/14/14-no-cn-tlsserver.chain.pem" "$WORK/t14/chain.pem"
	"$BUILDDIR/sslm-verify" "$WORK/t14" >"$WORK/out" 2>&1
	expect_rc 0 $? "sslm-verify t14"
	expect_grep "Verified" "$WORK/out" "sslm-verify t14"
	make_le_tree 14
	cp "$D/14/14-no-cn-tlsserver.service.toml" "$TOP/conf.d/example.test/mail-ec"
	SSL_MGR_TOPDIR="$TOP" "$MGR" -s example.test:mail-ec >"$WORK/out" 2>&1
	expect_rc 2 $? "service without CN"
	expect_grep "conf.d/example.test/mail-ec:13: [X509] CN: required" "$WORK/out" "service without CN"
}

# 15: Unicode names are refused with the entry named and the xn-- hint.
case_field_15_idn() {
	make_le_tree 15
	cp "$D/15/15-idn-punycode.service.toml" "$TOP/conf.d/example.test/web-idn"
	before=$(find "$TOP" -printf '%p %T@\n' | sort)
	SSL_MGR_TOPDIR="$TOP" "$MGR" -renew example.test:web-idn >"$WORK/out" 2>&1
	expect_rc 2 $? "Unicode names"
	expect_grep "bücher.example.test' is not ASCII" "$WORK/out" "Unicode CN"
	expect_grep "xn--" "$WORK/out" "A-label hint"
	[ "$before" = "$(find "$TOP" -printf '%p %T@\n' | sort)" ] || fail "refused config changed the tree"
}

# 16: IP SANs in local-CA mode, each address once; refused for certbot CAs.
case_field_16_ip_san() {
	TOP=$(copy_tree "$SRCDIR/examples/ca-self" c16)
	# local CA of our example; TLSA comes with the DNS work, so no dane_tls here
	sed -e "s/'my-sub'/'example-int'/" -e '/^dane_tls/d' "$D/16/16-ip-san.service.toml" \
		>"$TOP/conf.d/example.test/host-ip"
	bootstrap_cas || return
	SSL_MGR_TOPDIR="$TOP" "$MGR" -renew example.test:host-ip >"$WORK/out" 2>&1 ||
		{ fail "-renew host-ip: exit $?"; sed 's/^/      | /' "$WORK/out"; return; }
	san=$(openssl x509 -in "$TOP/certs/example.test/host-ip/next/cert.pem" -noout -ext subjectAltName | tail -n 1 | sed 's/^ *//')
	[ "$san" = "DNS:host.example.test, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:10" ] ||
		fail "host-ip SANs: '$san'"
	make_le_tree 16
	sed -e "s/'my-sub'/'le-dns'/" -e '/^dane_tls/d' -e "s/'host.example.test'/'example.test'/" \
		"$D/16/16-ip-san.service.toml" >"$TOP/conf.d/example.test/host-ip"
	sed -i "s/sans = \['example.test',/sans = ['example.test', 'host.example.test',/" \
		"$TOP/conf.d/example.test/host-ip"
	SSL_MGR_TOPDIR="$TOP" "$MGR" -s example.test:host-ip >"$WORK/out" 2>&1
	expect_rc 2 $? "IP SANs with a certbot CA"
	expect_grep "certbot CAs cannot issue for IP addresses" "$WORK/out" "IP SANs with certbot"
}

# 18: at most 100 names for Let's Encrypt, counted after normalising;
# no limit for a local CA. (Our certbot services need CN = group, config.md
# §5.3, so each file goes into the group named by its CN.)
case_field_18_many_names() {
	make_le_tree 18
	for n in 100-names 100-with-dups 101-names; do
		f="$D/18/18-over-100-sans.$n.service.toml"
		cn=$(sed -n "s/^ *CN = '\(.*\)'/\1/p" "$f")
		mkdir -p "$TOP/conf.d/$cn"
		sed -e "s/^service = .*/service = 'many'/" -e "s/^group = .*/group = '$cn'/" \
			"$f" >"$TOP/conf.d/$cn/many"
		SSL_MGR_TOPDIR="$TOP" "$MGR" -s "$cn:many" >"$WORK/out" 2>&1
		rc=$?
		case $n in
		101-names)
			expect_rc 2 $rc "$n"
			expect_grep "101" "$WORK/out" "$n count"
			expect_grep "100" "$WORK/out" "$n limit" ;;
		*)	expect_rc 0 $rc "$n"
			expect_no_grep "error" "$WORK/out" "$n" ;;
		esac
		rm -rf "${TOP:?}/conf.d/$cn"
	done
	TOP=$(copy_tree "$SRCDIR/examples/ca-self" c18)
	# local CA: the 101 names, CN listed in sans as a local-CA service must
	sed -e "s/'le-dns'/'example-int'/" -e "s/^service = .*/service = 'many'/" \
		-e "s/^    sans = \[/    sans = ['example.test',/" \
		"$D/18/18-over-100-sans.101-names.service.toml" >"$TOP/conf.d/example.test/many"
	bootstrap_cas || return
	SSL_MGR_TOPDIR="$TOP" "$MGR" -renew example.test:many >"$WORK/out" 2>&1 ||
		{ fail "local CA with 101 names: exit $?"; sed 's/^/      | /' "$WORK/out"; return; }
	n=$(openssl x509 -in "$TOP/certs/example.test/many/next/cert.pem" -noout -ext subjectAltName |
		tr ',' '\n' | grep -c 'DNS:')
	[ "$n" -eq 101 ] || fail "local CA cert has $n names, expected 101"
}

echo "field case tests ($MGR)"
for c in field_14_no_cn field_15_idn field_16_ip_san field_18_many_names \
    field_21_renew_targets; do
	run_case "$c"
done
finish
