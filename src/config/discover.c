/*
 * Wildcard service lists (config.md §6): 'ALL' / '*' means every file of
 * conf.d/<group>/ that looks like a service file, sorted. Unlike the
 * original, editor backups, hidden files, bad names and files whose
 * service key names another file are skipped with a warning instead of
 * aborting the run (quirk Q16).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/internal.h"

/* Service files are a few hundred bytes; this bounds what we read. */
#define MARKER_READ_MAX (1024 * 1024)

static const char *const backup_suffixes[] = {
	"~", ".bak", ".orig", ".rej", ".swp", ".tmp", ".rpmnew", ".rpmsave",
};

static const char *const markers[] = {
	"name=", "group=", "service=", "[KeyOpts]", "[X509]",
};
#define N_MARKERS (sizeof(markers) / sizeof(markers[0]))

bool
discover_looks_like_service(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[4096];
	bool seen[N_MARKERS] = { false };
	size_t total = 0, n_seen = 0;

	if (fp == NULL)
		return false;
	while (total < MARKER_READ_MAX && fgets(line, sizeof(line), fp) != NULL) {
		size_t o = 0;

		total += strlen(line);
		/* the original deletes all white space from the line first */
		for (size_t i = 0; line[i] != '\0'; i++)
			if (strchr(" \t\r\n\v\f", line[i]) == NULL)
				line[o++] = line[i];
		line[o] = '\0';
		if (line[0] == '#')
			continue;
		for (size_t m = 0; m < N_MARKERS; m++)
			if (!seen[m] && str_has_prefix(line, markers[m])) {
				seen[m] = true;
				n_seen++;
			}
	}
	fclose(fp);
	return n_seen == N_MARKERS;
}

static bool
is_backup_name(const char *name)
{
	for (size_t i = 0; i < sizeof(backup_suffixes) /
	    sizeof(backup_suffixes[0]); i++)
		if (str_has_suffix(name, backup_suffixes[i]))
			return true;
	return strstr(name, ".dpkg-") != NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The service key of a file, when it parses and has one (else NULL). */
static char *
service_key(const char *path)
{
	struct toml_value *root;
	struct sslm_err err;
	const char *v;
	char *out = NULL;

	/* a file that does not parse is kept: its full load reports why */
	if ((root = toml_parse_file(path, NULL, &err)) == NULL)
		return NULL;
	if ((v = value_str(toml_table_get(root, "service"))) != NULL)
		out = strdup(v);
	toml_free(root);
	return out;
}

int
discover_services(const struct conf *c, const char *group, struct strvec *out,
    struct conf_diags *d)
{
	char *dir = NULL, *path = NULL, *rel = NULL, *key = NULL;
	struct strvec names;
	struct dirent *de;
	struct stat st;
	DIR *dp = NULL;
	int rc = -1;

	strvec_init(&names);
	if ((dir = str_printf("%s/%s", c->conf_dir, group)) == NULL)
		goto oom;
	if ((dp = opendir(dir)) == NULL) {
		diag_error(d, NULL, 0, "conf.d/%s: cannot list the service "
		    "files: %s", group, strerror(errno));
		goto out;
	}
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0
		    && strvec_push(&names, de->d_name) != 0)
			goto oom;
	if (names.n > 0)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i], *why = NULL;

		free(path);
		free(rel);
		free(key);
		key = NULL;
		path = str_printf("%s/%s", dir, name);
		rel = str_printf("conf.d/%s/%s", group, name);
		if (path == NULL || rel == NULL)
			goto oom;
		/* regular files only: no symlinks, no directories */
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    !discover_looks_like_service(path))
			continue;
		if (name[0] == '.')
			why = "hidden file";
		else if (is_backup_name(name))
			why = "editor backup or temporary file";
		else if (!str_is_safe_name(name))
			why = "not a valid service name: 1-253 characters of "
			    "A-Z a-z 0-9 . _ -, not starting with '.' or '-'";
		if (why != NULL) {
			diag_warn(d, rel, 0, "skipped by service discovery (%s)",
			    why);
			continue;
		}
		if ((key = service_key(path)) != NULL && strcmp(key, name) != 0) {
			diag_warn(d, rel, 0, "skipped by service discovery (its "
			    "service key is '%s', not '%s')", key, name);
			continue;
		}
		if (strvec_push(out, name) != 0)
			goto oom;
	}
	rc = 0;
	goto out;
 oom:
	diag_oom(d);
 out:
	if (dp != NULL)
		closedir(dp);
	strvec_clear(&names);
	free(dir);
	free(path);
	free(rel);
	free(key);
	return rc;
}
