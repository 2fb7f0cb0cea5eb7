#!/bin/sh
# The installed layout (distribution.md §9): `make install DESTDIR=...` from
# the build dir puts every program, hook, man page and example where they
# belong; the installed sslm-mgr reads a copy of the installed ca-self
# example; every man page renders without groff warnings and lists every
# option its program's --help shows.
# Prints "install: N passed, N failed" last.
set -u
. "$(dirname "$0")/lib.sh"
PASS_NAME=install

DEST="$WORK/dest"
OUT="$WORK/out"

# The build dir's value of a make variable, fully expanded.
make_var() {
	printf 'sslm-print-var:\n\t@echo $(%s)\n' "$1" |
	    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s -C "$BUILDDIR" -f Makefile -f - sslm-print-var 2>/dev/null
}

# Run the install once; the cases look at the result.
PREFIX=$(make_var prefix)
BINDIR=$(make_var bindir)
HOOKDIR=$(make_var hookdir)
MANDIR=$(make_var mandir)
DOCDIR=$(make_var docdir)
INSTALL_RC=1
if [ -n "$BINDIR" ] && [ -n "$HOOKDIR" ] && [ -n "$MANDIR" ] && [ -n "$DOCDIR" ]; then
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -C "$BUILDDIR" install DESTDIR="$DEST" >"$WORK/install.log" 2>&1
	INSTALL_RC=$?
fi

# Programs that exist in this build: the four user programs always, the
# optional tools when they were built.
USER_PROGS="sslm-mgr sslm-info sslm-verify sslm-tlsa-hash"
for p in sslm-dhparm sslm-cert-expiry; do
	[ -x "$BUILDDIR/$p" ] && USER_PROGS="$USER_PROGS $p"
done
HOOK_PROGS="sslm-auth-hook sslm-cleanup-hook"

case_make_install() {
	[ -n "$BINDIR" ] || { fail "cannot read bindir/hookdir/mandir/docdir from $BUILDDIR/Makefile"; return; }
	expect_rc 0 "$INSTALL_RC" "make install DESTDIR=$DEST"
	[ "$INSTALL_RC" = 0 ] || tail -n 30 "$WORK/install.log" | sed 's/^/      | /'
}

case_programs() {
	for p in $USER_PROGS; do
		[ -x "$DEST$BINDIR/$p" ] || fail "$BINDIR/$p not installed"
	done
	for p in $HOOK_PROGS; do
		[ -x "$DEST$HOOKDIR/$p" ] || fail "$HOOKDIR/$p not installed"
	done
}

# The hook is installed where sslm_auth_hook points by default, and that
# is PREFIX/lib/ssl-mgr unless configure was told otherwise.
case_hook_default() {
	grep -aqF "$HOOKDIR/sslm-auth-hook" "$DEST$BINDIR/sslm-mgr" ||
	    fail "installed sslm-mgr's default sslm_auth_hook is not $HOOKDIR/sslm-auth-hook"
	if ! (cd "$BUILDDIR" && ./config.status --config) | grep -q -- '--with-hookdir'; then
		[ "$HOOKDIR" = "$PREFIX/lib/ssl-mgr" ] ||
		    fail "default hookdir is $HOOKDIR, expected $PREFIX/lib/ssl-mgr"
	fi
}

case_man_pages() {
	n=0
	for m in "$SRCDIR"/docs/*.[1-9]; do
		[ -f "$m" ] || continue
		n=$((n + 1))
		b=$(basename "$m")
		sec=${b##*.}
		inst="$DEST$MANDIR/man$sec/$b"
		if [ ! -f "$inst" ]; then
			fail "$MANDIR/man$sec/$b not installed"
			continue
		fi
		cmp -s "$m" "$inst" || fail "$MANDIR/man$sec/$b differs from docs/$b"
	done
	[ "$n" -ge 7 ] || fail "only $n man pages in docs/"
	[ -f "$DEST$MANDIR/man5/ssl-mgr.conf.5" ] || fail "ssl-mgr.conf.5 not installed"
}

case_man_render() {
	if ! command -v groff >/dev/null 2>&1; then
		skip_or_fail "groff not installed"
		return
	fi
	for m in "$DEST$MANDIR"/man[1-9]/*; do
		[ -f "$m" ] || continue
		groff -man -ww -z "$m" >"$OUT" 2>&1
		expect_rc 0 $? "groff $(basename "$m")"
		[ -s "$OUT" ] && { fail "groff warns on $(basename "$m")"; sed 's/^/      | /' "$OUT" | head -n 10; }
	done
}

case_examples() {
	ex="$DEST$DOCDIR/examples"
	[ -d "$ex" ] || { fail "$DOCDIR/examples not installed"; return; }
	(cd "$SRCDIR/examples" && find . -type f | sort) >"$WORK/ex-src"
	(cd "$ex" && find . -type f | sort) >"$WORK/ex-inst"
	cmp -s "$WORK/ex-src" "$WORK/ex-inst" ||
	    { fail "installed examples differ from examples/"; diff "$WORK/ex-src" "$WORK/ex-inst" | head -n 20; }
	while read -r f; do
		[ -f "$ex/$f" ] && { cmp -s "$SRCDIR/examples/$f" "$ex/$f" || fail "examples/$f differs"; }
	done <"$WORK/ex-src"
	for f in cron/ssl-mgr systemd/sslm-renew.service systemd/sslm-renew.timer \
	    systemd/sslm-roll.service systemd/sslm-roll.timer ca-self/conf.d/ssl-mgr.conf \
	    letsencrypt/conf.d/ssl-mgr.conf; do
		[ -f "$ex/$f" ] || fail "examples/$f not installed"
	done
}

# The installed program on a copy of the installed self-signed example.
case_installed_status() {
	[ -x "$DEST$BINDIR/sslm-mgr" ] || { fail "no installed sslm-mgr"; return; }
	[ -d "$DEST$DOCDIR/examples/ca-self" ] || { fail "no installed examples/ca-self"; return; }
	top=$(copy_tree "$DEST$DOCDIR/examples/ca-self" ca-self)
	(cd "$WORK" && SSL_MGR_TOPDIR="$top" "$DEST$BINDIR/sslm-mgr" -s) >"$OUT" 2>&1
	rc=$?
	expect_rc 0 $rc "installed sslm-mgr -s on examples/ca-self"
	[ $rc = 0 ] || sed 's/^/      | /' "$OUT" | head -n 20
	expect_grep "example-root" "$OUT" "status"
	expect_grep "vpn-ed25519" "$OUT" "status"
	[ ! -e "$top/certs" ] || fail "-s made $top/certs"
}

# help_opts PROG ARGS...: every option spelling in PROG's help text: the
# first column of lines that start with an option, and [-x] in usage lines.
help_opts() {
	"$@" >"$WORK/help" 2>&1
	{
		sed -n 's/^[[:space:]]*\(-.*\)$/\1/p' "$WORK/help" |
		    sed 's/   *.*//; s/ : .*//' | grep -oE -- '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*'
		grep -oE -- '\[--?[A-Za-z][A-Za-z0-9-]*' "$WORK/help"
	} | sed 's/^[][ ,]*//' | sort -u
}

# man_has_opts PAGE PROG ARGS...: every option of the help is in PAGE.
man_has_opts() {
	page="$1"
	shift
	[ -f "$page" ] || { fail "no man page $page"; return; }
	sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\f(..//g' "$page" >"$WORK/man"
	help_opts "$@" >"$WORK/opts"
	[ -s "$WORK/opts" ] || { fail "$1: no options found in its help"; return; }
	while read -r o; do
		grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" "$WORK/man" ||
		    fail "$(basename "$page") does not list $o (from $(basename "$1") --help)"
	done <"$WORK/opts"
}

case_help_in_man() {
	for p in $USER_PROGS; do
		bin="$DEST$BINDIR/$p"
		[ -x "$bin" ] || { fail "no installed $p"; continue; }
		page=$(ls "$DEST$MANDIR"/man[1-9]/"$p".[1-9] 2>/dev/null | head -n 1)
		[ -n "$page" ] || { fail "no man page for $p"; continue; }
		man_has_opts "$page" "$bin" --help
		if [ "$p" = sslm-mgr ]; then
			man_has_opts "$page" "$bin" dev -h
		fi
	done
	# The hooks take no options (certbot runs them with fixed arguments);
	# they only need their pages.
	for p in $HOOK_PROGS; do
		ls "$DEST$MANDIR"/man[1-9]/"$p".[1-9] >/dev/null 2>&1 || fail "no man page for $p"
	done
}

# man -l reads every installed page without complaint (when man is there).
case_man_l() {
	if ! command -v man >/dev/null 2>&1; then
		echo "    (man not installed; groff check only)"
		return
	fi
	for m in "$DEST$MANDIR"/man[1-9]/*; do
		[ -f "$m" ] || continue
		MANWIDTH=80 man -l "$m" >"$OUT" 2>"$WORK/err"
		expect_rc 0 $? "man -l $(basename "$m")"
		[ -s "$OUT" ] || fail "man -l $(basename "$m") printed nothing"
		[ -s "$WORK/err" ] && { fail "man -l $(basename "$m") warns"; head -n 5 "$WORK/err"; }
	done
}

for c in make_install programs hook_default man_pages man_render examples \
    installed_status help_in_man man_l; do
	run_case "$c"
done
finish
