/*
 * The small ~/.ssh/config subset of decision DO1: Host (patterns with '*',
 * '?', '!'), HostName, User, Port, IdentityFile, UserKnownHostsFile,
 * StrictHostKeyChecking, ConnectTimeout. As in ssh(1) the first value
 * obtained for a keyword wins (IdentityFile accumulates). Match and Include
 * cannot be followed faithfully without the rest of ssh: they are skipped
 * with a warning rather than half-understood.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "deploy/ssh_int.h"

#define SSH_CFG_MAX	(1024 * 1024)

void
ssh_cfg_values_init(struct ssh_cfg_values *v)
{
	memset(v, 0, sizeof(*v));
	strvec_init(&v->identity_files);
	strvec_init(&v->known_hosts);
	v->strict = -1;
}

void
ssh_cfg_values_clear(struct ssh_cfg_values *v)
{
	free(v->hostname);
	free(v->user);
	strvec_clear(&v->identity_files);
	strvec_clear(&v->known_hosts);
	ssh_cfg_values_init(v);
}

/* One pattern (no list): only '*' and '?' are special, as in ssh — '['
 * is literal, so "[host]:port" entries of known_hosts match as written. */
static bool
one_pattern(const char *pat, const char *s)
{
	for (; *pat != '\0'; pat++, s++) {
		if (*pat == '*') {
			while (pat[1] == '*')
				pat++;
			if (pat[1] == '\0')
				return true;
			for (; *s != '\0'; s++)
				if (one_pattern(pat + 1, s))
					return true;
			return one_pattern(pat + 1, s);
		}
		if (*s == '\0')
			return false;
		if (*pat != '?' && tolower((unsigned char)*pat) !=
		    tolower((unsigned char)*s))
			return false;
	}
	return *s == '\0';
}

bool
ssh_host_pattern_match(const char *patterns, const char *host)
{
	char *copy = str_dup(patterns), *save = NULL, *p;
	bool matched = false, negated = false;

	if (copy == NULL)
		return false;
	for (p = strtok_r(copy, " \t,", &save); p != NULL;
	    p = strtok_r(NULL, " \t,", &save)) {
		if (*p == '!') {
			if (one_pattern(p + 1, host))
				negated = true;
		} else if (one_pattern(p, host)) {
			matched = true;
		}
	}
	free(copy);
	return matched && !negated;
}

/* Split a value into words: white space separates, double quotes group. */
static int
split_args(const char *s, struct strvec *out)
{
	while (*s != '\0') {
		const char *start;
		char *w;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		if (*s == '"') {
			start = ++s;
			while (*s != '\0' && *s != '"')
				s++;
			if (*s != '"')
				return -1;
			w = str_printf("%.*s", (int)(s - start), start);
			s++;
		} else {
			start = s;
			while (*s != '\0' && *s != ' ' && *s != '\t')
				s++;
			w = str_printf("%.*s", (int)(s - start), start);
		}
		if (w == NULL || strvec_push_owned(out, w) == -1)
			return -1;
	}
	return 0;
}

static const char *
home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h == '/')
		return h;
	pw = getpwuid(geteuid());
	return pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "/";
}

static const char *
local_user(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw != NULL && pw->pw_name != NULL ? pw->pw_name : "root";
}

/* "~/" and the %-tokens ssh knows for these keywords. */
static char *
expand(const char *s, const char *host, const char *ruser)
{
	size_t cap = strlen(s) + 256, n = 0;
	char *out = malloc(cap);

	if (out == NULL)
		return NULL;
	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0')) {
		const char *h = home_dir();

		if (strlen(h) + strlen(s) + 1 > cap) {
			free(out);
			return NULL;
		}
		n = (size_t)snprintf(out, cap, "%s", strcmp(h, "/") == 0 ? "" : h);
		s++;
	}
	for (; *s != '\0'; s++) {
		const char *add = NULL;
		char one[2] = { *s, '\0' };

		if (*s == '%' && s[1] != '\0') {
			switch (*++s) {
			case '%': add = "%"; break;
			case 'd': add = home_dir(); break;
			case 'u': add = local_user(); break;
			case 'h': add = host; break;
			case 'r': add = ruser != NULL ? ruser : local_user(); break;
			default:
				free(out);
				return NULL;
			}
		} else {
			add = one;
		}
		if (n + strlen(add) + 1 > cap) {
			char *b;

			cap = (n + strlen(add) + 1) * 2;
			if ((b = realloc(out, cap)) == NULL) {
				free(out);
				return NULL;
			}
			out = b;
		}
		memcpy(out + n, add, strlen(add));
		n += strlen(add);
	}
	out[n] = '\0';
	return out;
}

/* Keyword and value of one line; false for blank lines and comments. */
static bool
split_line(char *line, char **key, char **val)
{
	char *s = line, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return false;
	*key = s;
	while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '=')
		s++;
	if (*s != '\0') {
		bool eq = *s == '=';

		*s++ = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!eq && *s == '=') {
			s++;
			while (*s == ' ' || *s == '\t')
				s++;
		}
	}
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	*val = s;
	return true;
}

/* A single-word value, quotes removed. */
static char *
one_word(const char *val)
{
	struct strvec w;
	char *r = NULL;

	strvec_init(&w);
	if (split_args(val, &w) == 0 && w.n >= 1)
		r = str_dup(w.v[0]);
	strvec_clear(&w);
	return r;
}

static int
parse_int(const char *val, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (*val == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int
ssh_cfg_read(const char *path, const char *host, struct ssh_cfg_values *v,
    struct strvec *warnings, struct sslm_err *err)
{
	char *data = NULL, *line, *next;
	size_t len, lineno = 0;
	bool active = true, told_match = false, told_include = false;
	struct sslm_err rerr;
	int rc = -1;

	if (path == NULL || *path == '\0' || access(path, F_OK) == -1)
		return 0;
	if (fs_read_file(path, SSH_CFG_MAX, &data, &len, &rerr) == -1) {
		sslm_err_set(err, "ssh config %s: %s", path, rerr.msg);
		return -1;
	}
	for (line = data; line != NULL; line = next) {
		char *key, *val;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		if (!split_line(line, &key, &val))
			continue;
		if (strcasecmp(key, "Host") == 0) {
			active = ssh_host_pattern_match(val, host);
			continue;
		}
		if (strcasecmp(key, "Match") == 0) {
			if (!told_match && warnings != NULL)
				(void)strvec_push_owned(warnings, str_printf("%s:%zu: "
				    "Match blocks are not read by sslm-mgr; their "
				    "settings are ignored (use Host blocks or [ssh])",
				    path, lineno));
			told_match = true;
			active = false;
			continue;
		}
		if (!active)
			continue;
		if (strcasecmp(key, "Include") == 0) {
			if (!told_include && warnings != NULL)
				(void)strvec_push_owned(warnings, str_printf("%s:%zu: "
				    "Include is not followed by sslm-mgr; settings "
				    "in the included files are ignored", path, lineno));
			told_include = true;
		} else if (strcasecmp(key, "HostName") == 0) {
			if (v->hostname == NULL && (v->hostname = one_word(val)) == NULL)
				goto bad;
		} else if (strcasecmp(key, "User") == 0) {
			if (v->user == NULL && (v->user = one_word(val)) == NULL)
				goto bad;
		} else if (strcasecmp(key, "Port") == 0) {
			int port;

			if (parse_int(val, 1, 65535, &port) == -1) {
				sslm_err_set(err, "%s:%zu: Port '%s' is not a port "
				    "number (1-65535)", path, lineno, val);
				goto out;
			}
			if (v->port == 0)
				v->port = port;
		} else if (strcasecmp(key, "IdentityFile") == 0) {
			char *w = one_word(val);

			if (w == NULL || strvec_push_owned(&v->identity_files, w) == -1)
				goto bad;
		} else if (strcasecmp(key, "UserKnownHostsFile") == 0) {
			if (v->known_hosts.n == 0 && (split_args(val,
			    &v->known_hosts) == -1 || v->known_hosts.n == 0))
				goto bad;
		} else if (strcasecmp(key, "StrictHostKeyChecking") == 0) {
			int s;

			if (strcasecmp(val, "yes") == 0 || strcasecmp(val, "ask") == 0) {
				s = 0;
			} else if (strcasecmp(val, "accept-new") == 0) {
				s = 1;
			} else if (strcasecmp(val, "no") == 0 ||
			    strcasecmp(val, "off") == 0) {
				s = 0;
				if (v->strict == -1 && warnings != NULL)
					(void)strvec_push_owned(warnings, str_printf(
					    "%s:%zu: StrictHostKeyChecking %s is "
					    "treated as yes: host keys are always "
					    "checked (accept-new adds unknown ones)",
					    path, lineno, val));
			} else {
				sslm_err_set(err, "%s:%zu: StrictHostKeyChecking '%s': "
				    "use yes or accept-new", path, lineno, val);
				goto out;
			}
			if (v->strict == -1)
				v->strict = s;
		} else if (strcasecmp(key, "ConnectTimeout") == 0) {
			int t;

			if (parse_int(val, 1, INT_MAX, &t) == -1) {
				sslm_err_set(err, "%s:%zu: ConnectTimeout '%s' is not "
				    "a number of seconds", path, lineno, val);
				goto out;
			}
			if (v->connect_timeout == 0)
				v->connect_timeout = t;
		}
		continue;
 bad:
		sslm_err_set(err, "%s:%zu: %s: bad or unreadable value '%s'", path,
		    lineno, key, val);
		goto out;
	}
	rc = 0;
 out:
	free(data);
	return rc;
}

char *
ssh_cfg_expand(const char *s, const char *host, const char *ruser)
{
	return expand(s, host, ruser);
}
