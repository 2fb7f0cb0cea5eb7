/*
 * TOP/.sslm-pending (layout.md §10): reading, merging and writing the list
 * of post-phase work still to do. The file is small and rewritten whole,
 * atomically, so a crash leaves the old list or the new one.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgr/pending.h"

#define PENDING_FILE	".sslm-pending"
#define PENDING_HEADER_PREFIX	"# sslm-mgr pending work "
#define PENDING_HEADER	PENDING_HEADER_PREFIX "v1"
#define PENDING_MAX	(1024 * 1024)	/* far above any real list */

static const char *const kind_names[] = {
	[PENDING_COPY] = "copy",
	[PENDING_RESTART] = "restart",
	[PENDING_DNS_REFRESH] = "dns-refresh",
};

const char *
pending_kind_name(enum pending_kind kind)
{
	if ((unsigned)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "?";
	return kind_names[kind];
}

static int
kind_from_name(const char *s, enum pending_kind *kind)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*kind = (enum pending_kind)i;
			return 0;
		}
	return -1;
}

void
pending_list_init(struct pending_list *pl)
{
	memset(pl, 0, sizeof(*pl));
	strvec_init(&pl->unparsed);
}

static void
item_clear(struct pending_item *it)
{
	free(it->target);
	free(it->detail);
	free(it->error);
	memset(it, 0, sizeof(*it));
}

void
pending_list_clear(struct pending_list *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		item_clear(&pl->v[i]);
	free(pl->v);
	strvec_clear(&pl->unparsed);
	pending_list_init(pl);
}

/* A copy with TAB, CR and LF turned into spaces: the file's separators
 * must never appear inside a value. */
static char *
clean_dup(const char *s)
{
	char *d = str_dup(s != NULL ? s : "");

	for (char *p = d; p != NULL && *p != '\0'; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return d;
}

static int
append(struct pending_list *pl, time_t when, enum pending_kind kind,
    const char *target, const char *detail, const char *error)
{
	struct pending_item *it;

	if (pl->n == pl->cap) {
		size_t cap = pl->cap == 0 ? 8 : pl->cap * 2;
		struct pending_item *v = realloc(pl->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		pl->v = v;
		pl->cap = cap;
	}
	it = &pl->v[pl->n];
	it->time = when;
	it->kind = kind;
	it->target = clean_dup(target);
	it->detail = clean_dup(detail);
	it->error = clean_dup(error);
	if (it->target == NULL || it->detail == NULL || it->error == NULL) {
		item_clear(it);
		return -1;
	}
	pl->n++;
	return 0;
}

long
pending_find(const struct pending_list *pl, enum pending_kind kind,
    const char *target, const char *detail)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].kind == kind &&
		    (target == NULL || strcmp(pl->v[i].target, target) == 0) &&
		    (detail == NULL || strcmp(pl->v[i].detail, detail) == 0))
			return (long)i;
	return -1;
}

void
pending_remove(struct pending_list *pl, size_t i)
{
	if (i >= pl->n)
		return;
	item_clear(&pl->v[i]);
	memmove(&pl->v[i], &pl->v[i + 1], (pl->n - i - 1) * sizeof(pl->v[0]));
	pl->n--;
}

/* "a,b" ∪ "b,c" = "a,b,c": first-seen order, no empty or repeated names. */
static char *
domains_union(const char *a, const char *b)
{
	size_t cap = strlen(a) + strlen(b) + 2, n = 0;
	char *out = malloc(cap);
	const char *lists[2] = { a, b };

	if (out == NULL)
		return NULL;
	out[0] = '\0';
	for (int l = 0; l < 2; l++) {
		const char *s = lists[l];

		while (*s != '\0') {
			size_t len = strcspn(s, ",");
			bool seen = false;

			for (const char *o = out; len > 0 && *o != '\0';) {
				size_t olen = strcspn(o, ",");

				if (olen == len && strncmp(o, s, len) == 0)
					seen = true;
				o += olen;
				if (*o == ',')
					o++;
			}
			if (len > 0 && !seen) {
				if (n > 0)
					out[n++] = ',';
				memcpy(out + n, s, len);
				n += len;
				out[n] = '\0';
			}
			s += len;
			if (*s == ',')
				s++;
		}
	}
	return out;
}

int
pending_add(struct pending_list *pl, time_t when, enum pending_kind kind,
    const char *target, const char *detail, const char *error)
{
	struct pending_item *it;
	long i;

	if (target == NULL)
		target = "";
	if (detail == NULL)
		detail = "";
	/* All refreshes are one: the next one bumps every domain owed. */
	if (kind == PENDING_DNS_REFRESH)
		i = pending_find(pl, kind, NULL, NULL);
	else
		i = pending_find(pl, kind, target, detail);
	if (i < 0)
		return append(pl, when, kind, target, detail, error);
	it = &pl->v[i];
	if (kind == PENDING_DNS_REFRESH) {
		char *u = domains_union(it->target, target), *c;

		if (u == NULL)
			return -1;
		c = clean_dup(u);
		free(u);
		if (c == NULL)
			return -1;
		free(it->target);
		it->target = c;
	}
	if (when >= it->time) {
		char *e = clean_dup(error);

		if (e == NULL)
			return -1;
		free(it->error);
		it->error = e;
		it->time = when;
	}
	return 0;
}

static char *
file_path(const char *top)
{
	return str_printf("%s/" PENDING_FILE, top);
}

/* One item line; -1 with *why set when it does not parse, -2 when out of
 * memory. */
static int
parse_line(char *line, struct pending_list *pl, const char **why)
{
	char *f[5];
	size_t n = 0;
	char *s = line, *end;
	enum pending_kind kind;
	long long secs;

	for (;;) {
		if (n == 5) {
			*why = "more than 5 TAB-separated fields";
			return -1;
		}
		f[n++] = s;
		if ((s = strchr(s, '\t')) == NULL)
			break;
		*s++ = '\0';
	}
	if (n != 5) {
		*why = "expected 5 TAB-separated fields (time, kind, target, detail, error)";
		return -1;
	}
	errno = 0;
	secs = strtoll(f[0], &end, 10);
	if (f[0][0] == '\0' || *end != '\0' || errno != 0 || secs < 0) {
		*why = "the time is not a number of seconds";
		return -1;
	}
	if (kind_from_name(f[1], &kind) == -1) {
		*why = "unknown kind (copy, restart, dns-refresh)";
		return -1;
	}
	if (kind != PENDING_DNS_REFRESH && f[2][0] == '\0') {
		*why = "empty target";
		return -1;
	}
	if (pending_add(pl, (time_t)secs, kind, f[2], f[3], f[4]) == -1)
		return -2;
	return 0;
}

/*
 * A first line "# sslm-mgr pending work <other>" is another version's
 * format. Its items are neither read (they could be misread) nor
 * overwritten or removed (a downgrade must not lose the newer version's
 * work): pending_load warns and returns an empty list, pending_save leaves
 * the file alone and says why. Returns that first line (to be freed) or
 * NULL when the file is ours, missing or unreadable.
 */
static char *
foreign_header(const char *data)
{
	size_t n = strcspn(data, "\r\n");

	if (strncmp(data, PENDING_HEADER_PREFIX,
	    sizeof(PENDING_HEADER_PREFIX) - 1) != 0 ||
	    (n == sizeof(PENDING_HEADER) - 1 &&
	    strncmp(data, PENDING_HEADER, n) == 0))
		return NULL;
	return str_printf("%.*s", (int)(n > 80 ? 80 : n), data);
}

static char *
file_foreign_header(const char *path)
{
	char buf[128], *h = NULL;
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return NULL;
	if (fgets(buf, sizeof(buf), fp) != NULL)
		h = foreign_header(buf);
	fclose(fp);
	return h;
}

/* Keep an unparsed line (and say so); -1 on allocation failure. */
static int
keep_unparsed(struct pending_list *pl, struct strvec *warnings,
    const char *path, size_t lineno, const char *why, const char *line)
{
	if (warnings != NULL) {
		char *shown = str_dup(line);

		if (shown == NULL)
			return -1;
		for (char *p = shown; *p != '\0'; p++)
			if (*p == '\t')
				*p = ' ';
		if (strvec_push_owned(warnings, str_printf("%s:%zu: %s: "
		    "'%.80s' (kept, not retried; fix or delete the line)",
		    path, lineno, why, shown)) == -1) {
			free(shown);
			return -1;
		}
		free(shown);
	}
	return strvec_push_owned(&pl->unparsed, str_dup(line));
}

int
pending_load(const char *top, struct pending_list *pl, struct strvec *warnings,
    struct sslm_err *err)
{
	char *path = file_path(top), *data = NULL, *line, *foreign = NULL;
	size_t len = 0, lineno = 0;
	struct sslm_err rerr;
	int rc = -1;

	if (path == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		free(path);
		return 0;
	}
	if (fs_read_file(path, PENDING_MAX, &data, &len, &rerr) == -1) {
		sslm_err_set(err, "pending work file %s: %s", path, rerr.msg);
		free(path);
		return -1;
	}
	if ((foreign = foreign_header(data)) != NULL) {
		if (warnings != NULL &&
		    strvec_push_owned(warnings, str_printf("%s:1: written by "
		    "another version of sslm-mgr (\"%s\"): its items are not "
		    "retried by this one and the file is left as it is", path,
		    foreign)) == -1)
			goto oom;
		rc = 0;
		goto out;
	}
	for (line = data; line != NULL && *line != '\0';) {
		char *nl = strchr(line, '\n');
		const char *why = NULL;
		char *raw;
		int prc;

		if (nl != NULL)
			*nl = '\0';
		lineno++;
		if (nl != NULL && nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (line[0] != '#' && line[0] != '\0') {
			/* parse_line cuts the line at its TABs: keep it whole */
			if ((raw = str_dup(line)) == NULL)
				goto oom;
			prc = parse_line(line, pl, &why);
			if (prc == -1 && keep_unparsed(pl, warnings, path, lineno,
			    why, raw) == -1)
				prc = -2;
			free(raw);
			if (prc == -2)
				goto oom;
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory reading %s", path);
 out:
	free(foreign);
	free(data);
	free(path);
	return rc;
}

int
pending_save(const char *top, const struct pending_list *pl, struct sslm_err *err)
{
	char *path = file_path(top), *buf = NULL, *foreign;
	size_t len = 0, cap = 0;
	int rc = -1;

	if (path == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	if ((foreign = file_foreign_header(path)) != NULL) {
		/* Nothing owed by this run: the other version's file stays. */
		if (pl->n == 0 && pl->unparsed.n == 0)
			rc = 0;
		else
			sslm_err_set(err, "%s was written by another version of "
			    "sslm-mgr (\"%s\"); not overwritten, so this run's "
			    "pending work is not recorded (run that version, or "
			    "delete the file)", path, foreign);
		free(foreign);
		free(path);
		return rc;
	}
	if (pl->n == 0 && pl->unparsed.n == 0) {
		if (unlink(path) == -1 && errno != ENOENT)
			sslm_err_errno(err, errno, "removing %s", path);
		else
			rc = 0;
		free(path);
		return rc;
	}
	for (size_t i = 0; i <= pl->n + pl->unparsed.n; i++) {
		char *line = i == 0 ? str_printf("%s\n", PENDING_HEADER) :
		    i > pl->n ? str_printf("%s\n", pl->unparsed.v[i - 1 - pl->n]) :
		    str_printf("%lld\t%s\t%s\t%s\t%s\n", (long long)pl->v[i - 1].time,
		    pending_kind_name(pl->v[i - 1].kind), pl->v[i - 1].target,
		    pl->v[i - 1].detail, pl->v[i - 1].error);
		size_t l;

		if (line == NULL)
			goto oom;
		l = strlen(line);
		if (len + l + 1 > cap) {
			size_t ncap = (len + l + 1) * 2;
			char *nb = realloc(buf, ncap);

			if (nb == NULL) {
				free(line);
				goto oom;
			}
			buf = nb;
			cap = ncap;
		}
		memcpy(buf + len, line, l + 1);
		len += l;
		free(line);
	}
	/* 0640: the group that reads the logs may see what is owed. */
	rc = fs_write_atomic(path, buf, len, 0640, err);
	free(buf);
	free(path);
	return rc;
 oom:
	sslm_err_set(err, "out of memory writing %s", path);
	free(buf);
	free(path);
	return -1;
}
