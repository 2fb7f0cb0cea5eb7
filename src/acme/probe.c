/*
 * What the installed certbot can do (certbot-hooks.md §2): Debian 12 ships
 * 2.1.0, which rejects --preferred-profile with an argparse error before
 * doing anything, so a flag goes on the command line only when this
 * certbot is known to take it.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acme/driver_int.h"

void
acme_caps_init(struct acme_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
}

void
acme_caps_clear(struct acme_caps *caps)
{
	free(caps->path);
	free(caps->version);
	acme_caps_init(caps);
}

/* Is there a file to run? A bare name is looked up in PATH as execvp
 * would. Only a missing program counts as "not found"; anything else is
 * left for the run to report. */
static bool
program_exists(const char *prog)
{
	const char *path, *p;
	struct stat st;
	bool found = false;

	if (strchr(prog, '/') != NULL)
		return stat(prog, &st) == 0 || errno != ENOENT;
	if ((path = getenv("PATH")) == NULL || path[0] == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; !found; ) {
		size_t n = strcspn(p, ":");
		char *f = n == 0 ? str_printf("./%s", prog) :
		    str_printf("%.*s/%s", (int)n, p, prog);

		found = f != NULL && stat(f, &st) == 0 && S_ISREG(st.st_mode);
		free(f);
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	return found;
}

/* The first "certbot X.Y[.Z]" in text; "X.Y.Z" into ver. */
static bool
parse_version(const char *text, char *ver, size_t len, int num[3])
{
	const char *p;

	for (p = text; p != NULL && (p = strstr(p, "certbot ")) != NULL; p++) {
		const char *q = p + 8;
		char *end;
		int k = 0;

		num[0] = num[1] = num[2] = 0;
		while (k < 3) {
			long v;

			if (*q < '0' || *q > '9')
				break;
			errno = 0;
			v = strtol(q, &end, 10);
			if (errno != 0 || v > INT_MAX)
				break;
			num[k++] = (int)v;
			q = end;
			if (*q != '.' || k == 3)
				break;
			q++;
		}
		if (k >= 2) {
			snprintf(ver, len, "%d.%d.%d", num[0], num[1], num[2]);
			return true;
		}
	}
	return false;
}

static bool
version_at_least(const int v[3], int a, int b, int c)
{
	if (v[0] != a)
		return v[0] > a;
	if (v[1] != b)
		return v[1] > b;
	return v[2] >= c;
}

static int
run_probe(const char *certbot, const char *a1, const char *a2,
    struct proc_result *res, struct sslm_err *err)
{
	const char *argv[] = { certbot, a1, a2, NULL };
	struct proc_opts o;
	struct sslm_err e;

	memset(&o, 0, sizeof(o));
	o.timeout = ACME_T_SHORT;
	if (proc_run(argv, &o, res, &e) == -1) {
		sslm_err_set(err, "certbot probe failed: %s", e.msg);
		return -1;
	}
	if (res->status == PROC_TIMEOUT) {
		sslm_err_set(err, "'%s %s' did not answer within %d s; check "
		    "the certbot installation", certbot, a1, ACME_T_SHORT);
		return -1;
	}
	return 0;
}

int
acme_probe(const char *certbot, struct acme_caps *caps, struct sslm_err *err)
{
	struct proc_result ver, help;
	char vtext[64];
	int num[3] = { 0, 0, 0 };
	bool have_ver, have_help;
	int rc = -1;

	proc_result_init(&ver);
	proc_result_init(&help);
	acme_caps_clear(caps);
	if (certbot == NULL || certbot[0] == '\0') {
		sslm_err_set(err, "no certbot program configured");
		goto out;
	}
	if ((caps->path = strdup(certbot)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (!program_exists(certbot)) {
		caps->probed = true;	/* the caller says "not found" */
		rc = 0;
		goto out;
	}
	if (run_probe(certbot, "--version", NULL, &ver, err) == -1 ||
	    run_probe(certbot, "--help", "all", &help, err) == -1)
		goto out;
	/* Old certbots print the version on stderr. */
	have_ver = parse_version(ver.out, vtext, sizeof(vtext), num) ||
	    parse_version(ver.err_out, vtext, sizeof(vtext), num);
	if (have_ver && (caps->version = strdup(vtext)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	have_help = proc_result_ok(&help);
	if (!have_ver && !proc_result_ok(&ver) && !have_help) {
		char desc[128], line[256];

		acme_last_line(&ver, line, sizeof(line));
		sslm_err_set(err, "%s does not work: '--version' %s%s%s (check "
		    "the certbot installation)", certbot,
		    proc_result_describe(&ver, desc, sizeof(desc)),
		    line[0] != '\0' ? ": " : "", line);
		goto out;
	}
	/* Both must agree: the version rules out what a certbot that old
	 * cannot have (profiles came with 4.0.0, chains with 1.6.0), the
	 * help text confirms what this build's parser really accepts. */
	caps->preferred_profile = have_help &&
	    strstr(help.out, "--preferred-profile") != NULL &&
	    (!have_ver || version_at_least(num, 4, 0, 0));
	caps->preferred_chain = have_help &&
	    strstr(help.out, "--preferred-chain") != NULL &&
	    (!have_ver || version_at_least(num, 1, 6, 0));
	caps->found = true;
	caps->probed = true;
	rc = 0;
 out:
	proc_result_clear(&ver);
	proc_result_clear(&help);
	return rc;
}
