#!/bin/bash
# bench/dns.sh - benchmark the DNS agreement engine (src/dns/) against real
# authoritative servers (knot) on loopback.
#
# What it does:
#   1. builds libsslm.a in _build-bench/ (../configure CFLAGS=-O2, no
#      sanitizers, when the directory has no Makefile yet; then
#      `make libsslm.a` on every run so the library follows the source) and
#      compiles bench/dns-round.c against it (cc -O2, -Wl,--wrap=recvfrom to
#      timestamp the datagrams the engine receives; the engine is unchanged);
#   2. starts its OWN name servers, in a temp dir, stopped by PID on exit:
#        knotd A  listens on 127.0.0.60 (the primary the look-ups go to, not
#                 in the NS set) and 127.0.0.61-68 (ns01-ns08);
#        knotd B  listens on 127.0.0.69 (ns09), its own copy of the zone, so
#                 it can be updated last, at a known time;
#        silent   127.0.0.70 (ns10): a UDP socket that never answers
#                 (`dns-round silent`), i.e. a server that drops queries.
#      Zone bench.test: NS ns01..ns10, A ns<k> = 127.0.0.<60+k>, SOA serial,
#      TXT _acme-challenge.bench.test "bench-static" always served, and a
#      $INCLUDE file (as acme_dir in production) for the changing value;
#   3. measures, R times each (median, min, max; milliseconds):
#      (1) one agreement round with the engine, dns_check_once over the 10
#          addresses (all TXT queries at once): when the round returns (the
#          silent address makes it last the full 3 x 3 s of timeout and
#          retries) and when the 9 answers were all in;
#      (2) the same queries one after another (dns_check_once per address),
#          silent address last and first; and both modes over the 9
#          answering addresses only, for the bare cost (20 x R runs);
#      (1') dns_wait_agree over the 9 answering addresses with a value they
#          already serve: start to "agree" (one round of TXT + SOA);
#      (3) propagation: a new value is published on A (primary and ns01-08)
#          and a wait is started over the 9 answering addresses; 1-2 s later
#          (a uniformly random phase of the 1 s round cadence) B gets it
#          (zone files written, then `knotc -b zone-reload`): time from that
#          update to the wait returning "agree" (target: < 1 s);
#      (3') the same with the silent address in the wait (it can then never
#          succeed): time from B's update (0.5-8.5 s after the start) to the
#          wait's "ns09 ... ok" line, and when the wait returns with
#          max_wait 10 s;
#   4. prints a table.
#
# Loopback only: the addresses above, port 53 as root (else 20153; env
# BENCH_DNS_PORT=...), every one checked free first. Nothing else is asked.
#
# Usage: bench/dns.sh            R=5 by default; e.g. R=11 bench/dns.sh
# Needs: knotd/knotc (Debian knot), drill (ldnsutils), gcc, the build deps.
# Exit status: 0 measured (the target does not change it), 1 setup or a
# measurement failed, 2 usage or a missing tool.
# Results and method: docs/performance.md, section "DNS agreement".
set -eu
export LC_ALL=C
PATH=$PATH:/usr/sbin:/sbin

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$SRC/_build-bench"
R="${R:-5}"
if [ "$(id -u)" -eq 0 ]; then PORT="${BENCH_DNS_PORT:-53}"; else PORT="${BENCH_DNS_PORT:-20153}"; fi
ZONE=bench.test
OWNER=_acme-challenge.$ZONE
STATIC=bench-static
PRIMARY=127.0.0.60
NS_ADDRS="127.0.0.61 127.0.0.62 127.0.0.63 127.0.0.64 127.0.0.65 127.0.0.66 127.0.0.67 127.0.0.68 127.0.0.69 127.0.0.70"
A_ADDRS="$PRIMARY 127.0.0.61 127.0.0.62 127.0.0.63 127.0.0.64 127.0.0.65 127.0.0.66 127.0.0.67 127.0.0.68"
LAST=127.0.0.69		# ns09, knotd B, updated last
SILENT=127.0.0.70	# ns10, never answers
TARGET_MS=1000

case "$R" in '' | *[!0-9]* | 0*) echo "bench: bad R '$R'" >&2; exit 2 ;; esac
case "$PORT" in '' | *[!0-9]* | 0*) echo "bench: bad BENCH_DNS_PORT '$PORT'" >&2; exit 2 ;; esac
for t in knotd knotc drill gcc make ss; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench: $t is missing (apt-get install knot ldnsutils gcc make iproute2)" >&2; exit 2; }
done

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/sslm-bench-dns.XXXXXX")
PIDS=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	local p n
	for p in $PIDS; do
		kill -TERM "$p" 2>/dev/null || continue
		for n in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# --- build -------------------------------------------------------------------
if [ ! -f "$BUILD/Makefile" ]; then
	log "configuring $BUILD (CFLAGS=-O2)"
	mkdir -p "$BUILD"
	(cd "$BUILD" && ../configure CFLAGS=-O2 >configure.out 2>&1) ||
	    die "configure failed, see $BUILD/configure.out"
fi
make -C "$BUILD" -s libsslm.a >"$TMP/make.out" 2>&1 || { cat "$TMP/make.out" >&2; die "make libsslm.a failed"; }
mkv() { sed -n "s/^$1 = //p" "$BUILD/Makefile" | head -n 1; }
# shellcheck disable=SC2046
gcc -O2 -I"$SRC/src" -I"$BUILD" -Wl,--wrap=recvfrom "$SRC/bench/dns-round.c" \
    "$BUILD/libsslm.a" $(mkv OPENSSL_LIBS) $(mkv LDNS_LIBS) $(mkv LIBSSH2_LIBS) \
    $(mkv INIH_LIBS) -lm -o "$TMP/dns-round" || die "cannot build bench/dns-round.c"
PROG=$TMP/dns-round

# --- servers -----------------------------------------------------------------
for a in $PRIMARY $NS_ADDRS; do
	if [ -n "$(ss -Hlnu src "$a:$PORT" 2>/dev/null)$(ss -Hlnt src "$a:$PORT" 2>/dev/null)" ] ||
	    [ -n "$(ss -Hlnu src "0.0.0.0:$PORT" 2>/dev/null)" ]; then
		die "$a:$PORT is in use (BENCH_DNS_PORT=... picks another port)"
	fi
done

SERIAL=1
# write_zone DIR SERIAL VALUE: zone file + include, each replaced atomically
# shellcheck disable=SC2016  # $ORIGIN, $TTL, $INCLUDE are zone-file text
write_zone() {
	local d=$1 s=$2 v=$3 k=1 a
	{
		printf '$ORIGIN %s.\n$TTL 60\n' "$ZONE"
		printf '@ IN SOA ns01.%s. hostmaster.%s. ( %s 60 10 3600 1 ) ; serial\n' "$ZONE" "$ZONE" "$s"
		for a in $NS_ADDRS; do printf '@ IN NS ns%02d\n' $k; k=$((k + 1)); done
		k=1
		for a in $NS_ADDRS; do printf 'ns%02d IN A %s\n' $k "$a"; k=$((k + 1)); done
		printf '%s. IN TXT "%s"\n' "$OWNER" "$STATIC"
		printf '$INCLUDE %s/acme.inc\n' "$d"
	} >"$d/$ZONE.zone.tmp"
	if [ -n "$v" ]; then printf '%s. 60 IN TXT "%s"\n' "$OWNER" "$v"; fi >"$d/acme.inc.tmp"
	mv -f "$d/acme.inc.tmp" "$d/acme.inc"
	mv -f "$d/$ZONE.zone.tmp" "$d/$ZONE.zone"
}
# knot_conf DIR ADDR...: one knotd answering on every ADDR
knot_conf() {
	local d=$1 l="" a
	shift
	for a in "$@"; do l="$l${l:+, }$a@$PORT"; done
	mkdir -p "$d/db"
	cat >"$d/knot.conf" <<EOF
server:
    rundir: "$d"
    listen: [ $l ]
control:
    listen: "$d/knot.sock"
log:
  - target: "$d/knot.log"
    any: info
database:
    storage: "$d/db"
template:
  - id: default
    storage: "$d"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: $ZONE
    file: "$ZONE.zone"
EOF
	write_zone "$d" "$SERIAL" ""
	knotc -c "$d/knot.conf" conf-check >/dev/null || die "knot config $d rejected"
}
reload() {	# reload DIR
	knotc -s "$1/knot.sock" -t 10 -b zone-reload "$ZONE" >/dev/null || die "reload of $1 failed"
}

KA=$TMP/knot-a
KB=$TMP/knot-b
# shellcheck disable=SC2086
knot_conf "$KA" $A_ADDRS
knot_conf "$KB" $LAST
knotd -c "$KA/knot.conf" >"$KA/knotd.out" 2>&1 &
PIDS="$PIDS $!"
knotd -c "$KB/knot.conf" >"$KB/knotd.out" 2>&1 &
PIDS="$PIDS $!"
"$PROG" silent "$SILENT" "$PORT" >"$TMP/silent.out" 2>&1 &
PIDS="$PIDS $!"

deadline=$((SECONDS + 15))
for a in $PRIMARY $NS_ADDRS; do
	[ "$a" = "$SILENT" ] && continue
	until drill -Q -p "$PORT" @"$a" "$ZONE" SOA 2>/dev/null | grep -q hostmaster; do
		[ $SECONDS -lt $deadline ] || die "no answer from $a:$PORT (see $TMP/knot-*/knot.log)"
		sleep 0.05
	done
done
until grep -q ready "$TMP/silent.out" 2>/dev/null; do
	[ $SECONDS -lt $deadline ] || die "silent socket on $SILENT:$PORT: $(cat "$TMP/silent.out")"
	sleep 0.05
done
log "servers up (pids$PIDS): knotd A on $PRIMARY and .61-.68, knotd B on $LAST, silent $SILENT; port $PORT"

COMMON=(-p "$PRIMARY" -P "$PORT" -a "$PORT")

# --- helpers -----------------------------------------------------------------
# stats: numbers on stdin -> "median min max" (ms, 1 decimal)
stats() {
	sort -n | awk '{v[NR] = $1} END {
		if (NR == 0) { print "- - -"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'
}
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
sleep_until_us() {
	local d=$(($1 - $(now_us)))
	[ "$d" -gt 0 ] && sleep "$((d / 1000000)).$(printf %06d $((d % 1000000)))"
	return 0
}
wait_line() {	# wait_line FILE PATTERN: until a line matches (15 s)
	local dl=$((SECONDS + 15))
	until grep -q -- "$2" "$1" 2>/dev/null; do
		[ $SECONDS -lt $dl ] || die "no '$2' in $1"
		sleep 0.005
	done
}
ROWS=$TMP/rows
: >"$ROWS"
row() {	# row LABEL FILE-OF-NUMBERS [TARGET-TEXT]
	printf '%s|%s|%s|%s\n' "$1" "$(stats <"$2")" "$(wc -l <"$2")" "${3:-}" >>"$ROWS"
}

# --- (1), (2): one round, parallel and sequential -----------------------------
log "(1)/(2) one round over 10 addresses, R=$R (about $((R * 27)) s: each mode waits out the silent address)"
"$PROG" round -n "$R" -s "$SILENT" "${COMMON[@]}" "$ZONE" "$OWNER" "$STATIC" >"$TMP/round10" ||
    die "dns-round round failed"
# sub-millisecond and cheap: 20 x R runs for a steadier median
"$PROG" round -n "$((R * 20))" -x "$SILENT" "${COMMON[@]}" "$ZONE" "$OWNER" "$STATIC" >"$TMP/round9" ||
    die "dns-round round (9) failed"
col() { awk -v m="$2" -v f="$3" '$1 == m { for (i = 2; i < NF; i++) if ($i == f) print $(i + 1) }' "$1"; }
chk() { awk -v m="$2" -v n="$3" '$1 == m && $0 !~ "answers " n " " { bad = 1 } END { exit bad }' "$1" ||
    die "$1: mode $2 did not get $3 answers every time"; }
chk "$TMP/round10" par 9; chk "$TMP/round10" seq 9; chk "$TMP/round10" seqf 9
chk "$TMP/round9" par 9; chk "$TMP/round9" seq 9
grep -q "timeout" "$TMP/round10" || die "the silent address did not time out"
col "$TMP/round10" par total_ms >"$TMP/p10t";   col "$TMP/round10" par last_answer_ms >"$TMP/p10a"
col "$TMP/round10" seq total_ms >"$TMP/s10t";   col "$TMP/round10" seq last_answer_ms >"$TMP/s10a"
col "$TMP/round10" seqf total_ms >"$TMP/f10t";  col "$TMP/round10" seqf last_answer_ms >"$TMP/f10a"
col "$TMP/round9" par total_ms >"$TMP/p9t";     col "$TMP/round9" seq total_ms >"$TMP/s9t"
row "(1) parallel round, 10 addr. (1 silent): round returns" "$TMP/p10t"
row "(1) parallel round, 10 addr.: 9 answers all in" "$TMP/p10a"
row "(2) sequential, silent last: all done" "$TMP/s10t"
row "(2) sequential, silent last: 9 answers all in" "$TMP/s10a"
row "(2) sequential, silent first: all done" "$TMP/f10t"
row "(2) sequential, silent first: 9 answers all in" "$TMP/f10a"
row "(1) parallel round, 9 answering addr." "$TMP/p9t"
row "(2) sequential, 9 answering addr." "$TMP/s9t"

# --- (1'): the wait, value already served ---------------------------------------
log "(1') dns_wait_agree, value already served, R=$R"
: >"$TMP/w1"
for i in $(seq "$R"); do
	"$PROG" wait -x "$SILENT" -w 10 "${COMMON[@]}" "$ZONE" "$OWNER" "$STATIC" >"$TMP/w1.$i" ||
	    die "wait (value served) failed: $(tail -n 1 "$TMP/w1.$i")"
	awk '$2 == "start" { s = $1 } $2 == "agree" { printf "%.3f\n", ($1 - s) / 1000 }' "$TMP/w1.$i" >>"$TMP/w1"
done
row "(1') wait, 9 answering, value served: start -> agree" "$TMP/w1"

# --- (3): propagation, last server updated at a known time ----------------------
# one_update WAITARGS... : publish a new value on A, start the wait, update B
# after the delay DELAY_MS (+ up to 1 s random) from the wait's start; sets
# T0 (before B's reload, us), T1 (after it), OUT (the wait's output file).
one_update() {
	local i=$1 base=$2 spread=$3 val
	shift 3
	SERIAL=$((SERIAL + 1))
	val="prop-$i-$RANDOM$RANDOM"
	write_zone "$KA" "$SERIAL" "$val"
	reload "$KA"
	drill -Q -p "$PORT" @127.0.0.61 "$OWNER" TXT | grep -qF "\"$val\"" || die "A does not serve $val"
	drill -Q -p "$PORT" @"$LAST" "$OWNER" TXT | grep -qF "\"$val\"" && die "B serves $val too early"
	OUT=$TMP/prop.$i.$RANDOM
	"$PROG" wait "$@" "${COMMON[@]}" "$ZONE" "$OWNER" "$val" >"$OUT" 2>&1 &
	local wp=$!
	wait_line "$OUT" " start"
	local st
	st=$(awk '$2 == "start" { print $1; exit }' "$OUT")
	sleep_until_us $((st + base * 1000 + (RANDOM * 32768 + RANDOM) % (spread * 1000)))
	write_zone "$KB" "$SERIAL" "$val"
	T0=$(now_us)
	reload "$KB"
	T1=$(now_us)
	wait "$wp" || true
}

log "(3) propagation, 9 answering addresses, R=$R"
: >"$TMP/p3"; : >"$TMP/p3r"
for i in $(seq "$R"); do
	one_update "$i" 1000 1000 -x "$SILENT" -w 30
	grep -q ' agree$' "$OUT" || die "wait did not agree: $(tail -n 1 "$OUT")"
	grep -q '8/9 authoritative' "$OUT" || die "ns09 was not lagging before its update: $OUT"
	a=$(awk '$2 == "agree" { print $1 }' "$OUT")
	[ "$a" -gt "$T0" ] || die "agreement before the update"
	echo "$(((a - T0) / 1000)).$(printf %03d $(((a - T0) % 1000)))" >>"$TMP/p3"
	echo "$(((T1 - T0) / 1000)).$(printf %03d $(((T1 - T0) % 1000)))" >>"$TMP/p3r"
done
p3max=$(stats <"$TMP/p3" | awk '{print $3}')
if awk -v m="$p3max" -v t="$TARGET_MS" 'BEGIN { exit !(m < t) }'; then v="PASS (< $TARGET_MS ms)"; else v="FAIL (>= $TARGET_MS ms)"; fi
row "(3) update of last server -> wait returns agree" "$TMP/p3" "$v"
row "    of which knotc -b zone-reload of that server" "$TMP/p3r"

log "(3') propagation with the silent address in the wait, R=$R (about $((R * 18)) s)"
: >"$TMP/p3s"; : >"$TMP/p3sr"
for i in $(seq "$R"); do
	one_update "$i" 500 8000 -w 10
	grep -q ' failed: ' "$OUT" || die "the wait with a silent server did not fail: $(tail -n 1 "$OUT")"
	ok=$(awk -v k="($LAST) ok" 'index($0, k) { print $1; exit }' "$OUT")
	[ -n "$ok" ] || die "no ok line for $LAST in $OUT"
	st=$(awk '$2 == "start" { print $1; exit }' "$OUT")
	en=$(awk '$2 == "failed:" { print $1; exit }' "$OUT")
	echo "$(((ok - T0) / 1000)).$(printf %03d $(((ok - T0) % 1000)))" >>"$TMP/p3s"
	echo "$(((en - st) / 1000)).$(printf %03d $(((en - st) % 1000)))" >>"$TMP/p3sr"
done
row "(3') same, silent addr. in the wait: update -> 'ok' line" "$TMP/p3s"
row "(3') wait with silent addr., max_wait 10 s: returns after" "$TMP/p3sr"

# --- table -------------------------------------------------------------------
echo
echo "DNS agreement bench, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "knot $(knotd -V 2>/dev/null | awk '{print $NF; exit}'), port $PORT, NS 127.0.0.61-70 ($SILENT silent), primary $PRIMARY,"
echo "engine: $(sed -n 's/^#define DNSQ_TIMEOUT_MS[[:space:]]*\([0-9]*\).*/\1/p' "$SRC/src/dns/query.h") ms per attempt, $(sed -n 's/^#define DNSQ_RETRIES[[:space:]]*\([0-9]*\).*/\1/p' "$SRC/src/dns/query.h") retries; times in ms"
echo
printf '| %-58s | %9s | %9s | %9s | %3s | %-16s |\n' "measurement" "median" "min" "max" "n" "target"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf '%.0s-' $(seq 60))" "----------:" "----------:" "----------:" "----:" "------------------"
while IFS='|' read -r label st n tg; do
	read -r med mn mx <<<"$st"
	printf '| %-58s | %9s | %9s | %9s | %3s | %-16s |\n' "$label" "$med" "$mn" "$mx" "$n" "$tg"
done <"$ROWS"
exit 0
