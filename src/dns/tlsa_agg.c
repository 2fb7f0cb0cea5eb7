/*
 * The per-apex file certs/<g>/tlsa.<g> (tlsa.md §7.1-§7.2): the curr and
 * next tlsa.rr of the group's DANE services merged, repeats commented out,
 * and whether its records changed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns/tlsa_int.h"

struct agg {
	struct tlsa_buf body;
	struct strvec seen;		/* keys of the records emitted */
	size_t n_records;
	bool have_times;
	struct timespec times[2];	/* of the newest contributing tlsa.rr */
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Copy the lines of a chunk, each optionally prefixed, without trailing
 * white space (a CRLF file gives LF lines). */
static void
copy_lines(struct tlsa_buf *b, const struct tlsa_chunk *c, const char *prefix)
{
	const char *p = c->start, *end = c->start + c->len, *eol;
	size_t n;

	while (p < end) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		n = (size_t)(eol - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
		    p[n - 1] == '\r'))
			n--;
		tlsa_buf_str(b, prefix);
		tlsa_buf_add(b, p, n);
		tlsa_buf_add(b, "\n", 1);
		p = eol + 1;
	}
}

/* What makes two records the same (tlsa.md §7.1, C: owner and rdata after
 * normalising white space): the parsed fields; for a line that does not
 * parse as TLSA, its words lower-cased. NULL on allocation failure. */
static char *
record_key(const struct tlsa_chunk *c)
{
	struct tlsa_fields f;
	struct tlsa_buf b;
	char why[128], *key;
	bool space = false;

	if (tlsa_parse_fields(c, &f, why, sizeof(why)) == 0) {
		key = str_printf("%s TLSA %s", f.owner, f.value);
		tlsa_fields_clear(&f);
		return key;
	}
	tlsa_buf_init(&b);
	for (size_t i = 0; i < c->len; i++) {
		char ch = c->start[i];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			space = b.len > 0;
			continue;
		}
		if (space)
			tlsa_buf_add(&b, " ", 1);
		space = false;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		tlsa_buf_add(&b, &ch, 1);
	}
	return tlsa_buf_take(&b);
}

/* The lines of one tlsa.rr (tlsa.md §7.1 step 3): ";;" lines and empty
 * lines dropped, other comments kept, a record already emitted for
 * another data set written as ";; <line>". */
static int
add_records(struct agg *a, const char *text)
{
	struct tlsa_chunk c;
	const char *pos = text, *q;
	char *key;
	int line = 1;

	while (tlsa_next_chunk(&pos, &line, &c)) {
		if (c.kind == TLSA_BLANK)
			continue;
		if (c.kind == TLSA_COMMENT) {
			for (q = c.start; *q == ' ' || *q == '\t'; q++)
				;
			if (strncmp(q, ";;", 2) != 0)
				copy_lines(&a->body, &c, "");
			continue;
		}
		if ((key = record_key(&c)) == NULL)
			return -1;
		if (strvec_contains(&a->seen, key)) {
			copy_lines(&a->body, &c, ";; ");
			free(key);
			continue;
		}
		if (strvec_push_owned(&a->seen, key) != 0)
			return -1;
		copy_lines(&a->body, &c, "");
		a->n_records++;
	}
	return 0;
}

/* One data set's tlsa.rr: a missing (or empty) file is skipped, an
 * unreadable one is an error (its records would silently vanish). */
static int
add_file(struct agg *a, const char *top, const char *group,
    const char *service, const char *lname, struct sslm_err *err)
{
	struct stat st;
	char *path = NULL, *text = NULL;
	size_t len = 0;
	int rc = -1;

	if ((path = str_printf("%s/certs/%s/%s/%s/tlsa.rr", top, group, service,
	    lname)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (stat(path, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			rc = 0;
		else
			sslm_err_errno(err, errno, "cannot read %s", path);
		goto out;
	}
	if (fs_read_file(path, TLSA_FILE_MAX, &text, &len, err) != 0)
		goto out;
	rc = 0;
	if (len == 0)
		goto out;
	tlsa_buf_printf(&a->body, ";;\n;; %s %s\n;;\n", service, lname);
	if (add_records(a, text) != 0) {
		sslm_err_set(err, "out of memory merging %s", path);
		rc = -1;
		goto out;
	}
	if (!a->have_times || st.st_mtim.tv_sec > a->times[1].tv_sec ||
	    (st.st_mtim.tv_sec == a->times[1].tv_sec &&
	    st.st_mtim.tv_nsec > a->times[1].tv_nsec)) {
		a->times[0] = st.st_atim;
		a->times[1] = st.st_mtim;
		a->have_times = true;
	}
 out:
	free(path);
	free(text);
	return rc;
}

/* The services in byte order, each once (tlsa.md §7.1 step 1). */
static const char **
sorted_names(const struct strvec *services, size_t *n)
{
	const char **v;
	size_t k = 0;

	*n = 0;
	if ((v = calloc(services->n + 1, sizeof(*v))) == NULL)
		return NULL;
	for (size_t i = 0; i < services->n; i++)
		v[i] = services->v[i];
	qsort(v, services->n, sizeof(*v), cmp_names);
	for (size_t i = 0; i < services->n; i++)
		if (k == 0 || strcmp(v[k - 1], v[i]) != 0)
			v[k++] = v[i];
	*n = k;
	return v;
}

/* Write the new text unless the file already holds exactly it; then give
 * it the newest source's times (layout.md: its mtime is that of the newest
 * contributing tlsa.rr). */
static int
write_file(const char *path, const char *text, const char *old,
    const struct agg *a, struct sslm_err *err)
{
	if ((old == NULL || strcmp(old, text) != 0) &&
	    fs_write_atomic(path, text, strlen(text), 0666, err) != 0)
		return -1;
	if (a->n_records > 0 && a->have_times &&
	    utimensat(AT_FDCWD, path, a->times, 0) == -1) {
		sslm_err_errno(err, errno, "cannot set the times of %s", path);
		return -1;
	}
	return 0;
}

int
dns_tlsa_aggregate(const char *top, const char *group,
    const struct strvec *services, bool roll, bool debug, bool *changed,
    struct sslm_err *err)
{
	struct agg a;
	struct tlsa_buf out;
	struct stat st;
	const char **names = NULL;
	char *path = NULL, *old = NULL, *text = NULL;
	char before[65] = "", after[65] = "";
	size_t n_names = 0, old_len = 0;
	int rc = -1;

	*changed = false;
	memset(&a, 0, sizeof(a));
	tlsa_buf_init(&a.body);
	strvec_init(&a.seen);
	tlsa_buf_init(&out);
	if ((path = str_printf("%s/certs/%s/tlsa.%s", top, group, group)) == NULL ||
	    (names = sorted_names(services, &n_names)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (stat(path, &st) == 0) {
		if (fs_read_file(path, TLSA_FILE_MAX, &old, &old_len, err) != 0)
			goto out;
	} else if (errno != ENOENT) {
		sslm_err_errno(err, errno, "cannot read %s", path);
		goto out;
	}
	if (old != NULL && dns_tlsa_digest(old, before) != 0)
		goto oom;
	for (size_t i = 0; i < n_names; i++)
		if (add_file(&a, top, group, names[i], "curr", err) != 0 ||
		    add_file(&a, top, group, names[i], "next", err) != 0)
			goto out;
	tlsa_buf_printf(&out, ";;\n;; TLSA %s : phase = %s\n;;\n", group,
	    roll ? "roll next to curr" : "normal");
	if (a.n_records == 0) {
		/* decisions.md "Header-only aggregate": only a file that
		 * exists is emptied; a group that never had DANE gets none
		 * (and the originals' message only in the log file, as it
		 * would show for every such group on every run). */
		if (old == NULL) {
			log_file("tlsa: apex domain: %s has no tlsa records",
			    group);
			rc = 0;
			goto out;
		}
		log_msg("tlsa: apex domain: %s has no tlsa records", group);
	} else if (a.body.s != NULL) {
		tlsa_buf_add(&out, a.body.s, a.body.len);
	}
	tlsa_buf_add(&out, "\n", 1);
	if (a.body.failed || (text = tlsa_buf_take(&out)) == NULL ||
	    dns_tlsa_digest(text, after) != 0)
		goto oom;
	*changed = strcmp(before, after) != 0;
	if (debug) {
		log_msg("debug: write %s%s", path, *changed ? " (records changed)" :
		    "");
		rc = 0;
		goto out;
	}
	if (write_file(path, text, old, &a, err) != 0)
		goto out;
	rc = 0;
	goto out;
 oom:
	sslm_err_set(err, "out of memory building %s", path);
 out:
	tlsa_buf_clear(&a.body);
	tlsa_buf_clear(&out);
	strvec_clear(&a.seen);
	free(names);
	free(path);
	free(old);
	free(text);
	return rc;
}
