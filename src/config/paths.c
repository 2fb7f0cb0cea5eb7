/*
 * Relative paths in the configuration are relative to TOP, not to the
 * working directory (decision O5): cron starts us anywhere, and the
 * original's CWD-relative reading only worked when run from the top dir.
 * No symlink is resolved and nothing is looked up on disk.
 */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/internal.h"

char *
path_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	while (la > 1 && a[la - 1] == '/')
		la--;
	return str_printf("%.*s/%s", (int)la, a, b);
}

/* Append the components of p to buf (which holds at least "/"), dropping
 * "." and empty components; ".." is kept as written (no symlink games). */
static void
append_components(char *buf, const char *p)
{
	size_t o = strlen(buf);

	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			if (*p == '/')
				p++;
			continue;
		}
		if (o > 0 && buf[o - 1] != '/')
			buf[o++] = '/';
		memcpy(buf + o, p, n);
		o += n;
		buf[o] = '\0';
		p += n;
		if (*p == '/')
			p++;
	}
}

char *
path_resolve(const char *top, const char *path)
{
	char *buf;
	size_t cap;

	if (path == NULL)
		return NULL;
	cap = strlen(top) + strlen(path) + 3;
	if ((buf = malloc(cap)) == NULL)
		return NULL;
	buf[0] = '/';
	buf[1] = '\0';
	if (path[0] != '/')
		append_components(buf, top);
	append_components(buf, path);
	return buf;
}

char *
prog_resolve(const char *top, const char *prog)
{
	if (prog == NULL)
		return NULL;
	if (strchr(prog, '/') == NULL)
		return strdup(prog);	/* a bare name: PATH decides */
	return path_resolve(top, prog);
}

char *
path_resolve_home(const char *top, const char *path)
{
	const char *home;

	if (path == NULL)
		return NULL;
	if (strcmp(path, "~") == 0 || str_has_prefix(path, "~/")) {
		home = getenv("HOME");
		if (home == NULL || home[0] != '/') {
			/* cron may leave HOME unset: ask the password file */
			struct passwd *pw = getpwuid(geteuid());

			home = pw != NULL ? pw->pw_dir : NULL;
		}
		if (home != NULL && home[0] == '/')
			return path_resolve(home, path[1] == '\0' ? "." :
			    path + 2);
	}
	return path_resolve(top, path);
}

bool
path_has_dotdot(const char *path)
{
	const char *p = path;

	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += n;
		if (*p == '/')
			p++;
	}
	return false;
}
