/*
 * The option table of sslm-mgr (cli.md §3). The parser looks names up here
 * and cli_usage() prints it, so an option cannot be accepted without being
 * documented, nor documented without being accepted.
 */
#include "config.h"

#include <stddef.h>

#include "cli/cli_int.h"

#define FLAG(f)	.kind = CLI_FLAG, .field = offsetof(struct cli_request, f)
#define INT(f)	.kind = CLI_INT, .field = offsetof(struct cli_request, f)

const struct cli_opt cli_opts[OPT__COUNT] = {
	[OPT_HELP] = { "-h", "--help", NULL,
	    "show this help and exit", false, FLAG(help) },
	[OPT_VERB] = { "-v", "--verb", NULL,
	    "more output; status adds sans and sig_algo", false,
	    FLAG(verb) },
	[OPT_FORCE] = { "-f", "--force", NULL,
	    "renew/roll regardless of expiry or next's age", false,
	    FLAG(force) },
	[OPT_REUSE] = { "-r", "--reuse", NULL,
	    "with -renew: reuse curr's private key and CSR", false,
	    FLAG(reuse) },
	[OPT_DEBUG] = { "-d", "--debug", NULL,
	    "change nothing; print each step as debug: ...", false,
	    FLAG(debug) },
	[OPT_TEST] = { "-t", "--test", NULL,
	    "ACME staging server; production dir gets .test", false,
	    FLAG(test) },
	[OPT_DRY_RUN] = { "-n", "--dry-run", NULL,
	    "run certbot with --dry-run; store nothing", false,
	    FLAG(dry_run) },
	[OPT_STATUS] = { "-s", "--status", NULL,
	    "show the curr and next certs of each service", false,
	    FLAG(status) },
	[OPT_RENEW] = { "-renew", "--renew", NULL,
	    "make a new next cert where renewal is due", false,
	    FLAG(renew) },
	[OPT_ROLL] = { "-roll", "--roll", NULL,
	    "make next the new curr once it is old enough", false,
	    FLAG(roll) },
	[OPT_ROLL_MINS] = { "-roll-mins", "--min-roll-mins", "MINS",
	    "minimum next age for -roll (min_roll_mins)", false,
	    INT(roll_mins) },
	[OPT_DNS] = { "-dns", "--dns-refresh", NULL,
	    "run the DNS refresh for the selected groups", false,
	    FLAG(dns_refresh) },
	[OPT_CLEAN_KEEP] = { "-clean-keep", "--clean-keep", "N",
	    "old db dirs to keep per service (clean_keep)", false,
	    INT(clean_keep) },
	[OPT_CLEAN_ALL] = { "-clean-all", "--clean-all", NULL,
	    "clean every group/service under certs/", false,
	    FLAG(clean_all) },
	[OPT_JSON] = { NULL, "--json", NULL,
	    "with -s and no action: print status as JSON", false,
	    FLAG(json) },

	/* dev mode only (cli.md §3.2) */
	[OPT_KEYS] = { "-keys", "--new-keys", NULL,
	    "new next with a new private key", true, FLAG(keys) },
	[OPT_CSR] = { "-csr", "--new-csr", NULL,
	    "new next with a new CSR (use with -keys)", true, FLAG(csr) },
	[OPT_CERT] = { "-cert", "--new-cert", NULL,
	    "new next with a new cert (use with -keys -csr)", true,
	    FLAG(cert) },
	[OPT_COPY] = { "-copy", "--copy-csr", NULL,
	    "new next with curr's private key and CSR", true, FLAG(copy) },
	[OPT_NTOC] = { "-ntoc", "--next-to-curr", NULL,
	    "make next the curr now (no age check)", true, FLAG(ntoc) },
	[OPT_CERTS_PROD] = { "-certs-prod", "--certs-to-prod", NULL,
	    "copy to production even if nothing changed", true,
	    FLAG(certs_prod) },
	[OPT_FSR] = { "-fsr", "--force-server-restarts", NULL,
	    "restart every server and refresh DNS", true, FLAG(fsr) },
};
