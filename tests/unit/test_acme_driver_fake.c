/*
 * The fake certbot (a shell script the fixture writes into its temp dir).
 * Every call appends "=== call" and its argv, one element a line ($0
 * first), to $FAKE_REC/argv, and "pid=<$$> env_pid=<SSLM_CERTBOT_PID>
 * topdir=<SSL_MGR_TOPDIR>" to $FAKE_REC/env. Then:
 *   --version        "certbot $FAKE_VERSION" (2.1.0)
 *   --help all       --preferred-chain, and --preferred-profile when
 *                    FAKE_PROFILE is set
 *   register         an account folder as certbot lays it out (§3.1), or
 *                    exit 1 with FAKE_REGISTER_FAIL
 *   certonly         refuses existing outputs and hook files (certbot's
 *                    exclusive create); FAKE_MODE: fail, sleep (past the
 *                    timeout), hookfail (auth-status + SIGTERM to itself
 *                    through SSLM_CERTBOT_PID), progress (auth-progress
 *                    lines), garbage (outputs that are no certificates);
 *                    otherwise $FAKE_CERT/$FAKE_CHAIN to the output paths
 *                    (nothing with --dry-run).
 */
#include "config.h"

#include "test_acme_driver.h"

const char fx_fake_certbot[] =
	"#!/bin/sh\n"
	"# fake certbot for test_acme_driver\n"
	"rec=\"$FAKE_REC\"\n"
	"{ echo '=== call'; for a in \"$0\" \"$@\"; do printf '%s\\n' \"$a\"; done; } >> \"$rec/argv\"\n"
	"printf 'pid=%s env_pid=%s topdir=%s\\n' \"$$\" \"$SSLM_CERTBOT_PID\" \"$SSL_MGR_TOPDIR\" >> \"$rec/env\"\n"
	"case \"$1\" in\n"
	"--version) echo \"certbot ${FAKE_VERSION:-2.1.0}\"; exit 0;;\n"
	"--help) echo 'usage: certbot [SUBCOMMAND] [options]'\n"
	"    echo '  --preferred-chain PREFERRED_CHAIN'\n"
	"    [ -n \"$FAKE_PROFILE\" ] && echo '  --preferred-profile PREFERRED_PROFILE'\n"
	"    exit 0;;\n"
	"register)\n"
	"    if [ -n \"$FAKE_REGISTER_FAIL\" ]; then\n"
	"        echo 'An unexpected error occurred: registration refused' >&2; exit 1\n"
	"    fi\n"
	"    cfg=; server=; staging=\n"
	"    while [ $# -gt 0 ]; do case \"$1\" in\n"
	"        --config-dir) cfg=$2; shift;; --server) server=$2; shift;;\n"
	"        --test-cert) staging=1;; esac; shift; done\n"
	"    if [ -n \"$server\" ]; then d=\"$cfg/accounts/${server#*://}\"\n"
	"    elif [ -n \"$staging\" ]; then d=\"$cfg/accounts/acme-staging-v02.api.letsencrypt.org/directory\"\n"
	"    else d=\"$cfg/accounts/acme-v02.api.letsencrypt.org/directory\"; fi\n"
	"    mkdir -p \"$d/newacct\" && : > \"$d/newacct/meta.json\" && : > \"$d/newacct/private_key.json\"\n"
	"    exit 0;;\n"
	"certonly) ;;\n"
	"*) exit 2;;\n"
	"esac\n"
	"cert=; chain=; full=; csr=; cfg=; dry=\n"
	"while [ $# -gt 0 ]; do case \"$1\" in\n"
	"    --cert-path) cert=$2; shift;; --chain-path) chain=$2; shift;;\n"
	"    --fullchain-path) full=$2; shift;; --csr) csr=$2; shift;;\n"
	"    --config-dir) cfg=$2; shift;; --dry-run) dry=1;; esac; shift; done\n"
	"[ -f \"$csr\" ] || { echo \"no CSR at $csr\" >&2; exit 3; }\n"
	"for f in \"$cert\" \"$chain\" \"$full\" \"$cfg/auth-status\" \"$cfg/auth-data\"; do\n"
	"    [ -e \"$f\" ] && { echo \"File exists: $f\" >&2; exit 1; }\n"
	"done\n"
	"case \"$FAKE_MODE\" in\n"
	"fail) echo 'Saving debug log to x' >&2\n"
	"    echo 'An unexpected error occurred: boom' >&2; exit 1;;\n"
	"sleep) sleep 30 & echo $! > \"$rec/sleep.pid\"; echo $$ > \"$rec/certbot.pid\"; wait; exit 0;;\n"
	"hookfail) echo 'fail: name servers not updated: ns1 lagging' > \"$cfg/auth-status\"\n"
	"    kill -TERM \"$SSLM_CERTBOT_PID\"; sleep 5; exit 0;;\n"
	"progress) printf 'dns wait example.com: 0/1 agree\\n' >> \"$cfg/auth-progress\"; sleep 1\n"
	"    printf 'dns wait example.com: all 1 agree\\n' >> \"$cfg/auth-progress\"\n"
	"    echo ok > \"$cfg/auth-status\";;\n"
	"garbage) echo junk > \"$cert\"; echo junk > \"$chain\"; echo junk > \"$full\"; exit 0;;\n"
	"esac\n"
	"[ -n \"$dry\" ] && exit 0\n"
	"cat \"$FAKE_CERT\" > \"$cert\"; cat \"$FAKE_CHAIN\" > \"$chain\"\n"
	"cat \"$FAKE_CERT\" \"$FAKE_CHAIN\" > \"$full\"\n"
	"exit 0\n";
