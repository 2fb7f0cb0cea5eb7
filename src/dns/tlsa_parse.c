/*
 * Reading TLSA texts: the record lines of a tlsa.rr as the roll gate's
 * expectations (tlsa.md §8.1), and the change digest of tlsa.<apex>
 * (tlsa.md §7.2).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "dns/tlsa_int.h"

/* Frees what dns_tlsa_parse built so far (the same as dns_expect_clear on
 * each element, kept here so this file stands on its own). */
static void
free_expects(struct dns_expect *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].owner);
		strvec_clear(&v[i].values);
	}
	free(v);
}

/* The entry for owner, appended when new; NULL on allocation failure. The
 * owner string is taken over (freed when not needed). */
static struct dns_expect *
entry_for(struct dns_expect **v, size_t *n, char *owner)
{
	struct dns_expect *nv;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].owner, owner) == 0) {
			free(owner);
			return &(*v)[i];
		}
	if ((nv = realloc(*v, (*n + 1) * sizeof(**v))) == NULL) {
		free(owner);
		return NULL;
	}
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	nv[*n].owner = owner;
	nv[*n].type = DNS_RR_TLSA;
	strvec_init(&nv[*n].values);
	return &nv[(*n)++];
}

int
dns_tlsa_parse(const char *text, struct dns_expect **exp, size_t *n_exp,
    struct sslm_err *err)
{
	struct tlsa_chunk c;
	struct tlsa_fields f = { NULL, NULL };
	struct dns_expect *v = NULL, *e;
	const char *pos = text;
	char why[128];
	size_t n = 0;
	int line = 1, rc = -1;

	*exp = NULL;
	*n_exp = 0;
	while (tlsa_next_chunk(&pos, &line, &c)) {
		if (c.kind != TLSA_RECORD)
			continue;
		if (tlsa_parse_fields(&c, &f, why, sizeof(why)) != 0) {
			sslm_err_set(err, "TLSA record on line %d: %s", c.line, why);
			goto out;
		}
		/* The gate asks for exactly this name: a relative owner would
		 * depend on an $ORIGIN these files never have. */
		if (!str_has_suffix(f.owner, ".")) {
			sslm_err_set(err, "TLSA record on line %d: owner %s does "
			    "not end in a dot", c.line, f.owner);
			goto out;
		}
		if ((e = entry_for(&v, &n, f.owner)) == NULL) {
			f.owner = NULL;
			sslm_err_set(err, "out of memory reading TLSA records");
			goto out;
		}
		f.owner = NULL;
		if (!strvec_contains(&e->values, f.value) &&
		    strvec_push(&e->values, f.value) != 0) {
			sslm_err_set(err, "out of memory reading TLSA records");
			goto out;
		}
		tlsa_fields_clear(&f);
	}
	*exp = v;
	*n_exp = n;
	v = NULL;
	n = 0;
	rc = 0;
 out:
	tlsa_fields_clear(&f);
	free_expects(v, n);
	return rc;
}

/* The kept form of one line (tlsa.md §7.2): trimmed, every white-space
 * run one space; appended with its '\n' to b unless empty or a comment. */
static void
digest_line(struct tlsa_buf *b, const char *p, const char *end)
{
	bool space = false, any = false;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\v' || *p == '\f'))
		p++;
	if (p == end || *p == ';')
		return;
	for (; p < end; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' ||
		    *p == '\f') {
			space = true;
			continue;
		}
		if (space && any)
			tlsa_buf_add(b, " ", 1);
		tlsa_buf_add(b, p, 1);
		space = false;
		any = true;
	}
	tlsa_buf_add(b, "\n", 1);
}

int
dns_tlsa_digest(const char *text, char out[65])
{
	struct tlsa_buf b;
	const char *p = text, *eol;
	int rc = -1;

	out[0] = '\0';
	tlsa_buf_init(&b);
	while (p != NULL && *p != '\0') {
		if ((eol = strchr(p, '\n')) == NULL)
			eol = p + strlen(p);
		digest_line(&b, p, eol);
		p = *eol == '\n' ? eol + 1 : eol;
	}
	if (b.failed)
		goto out;
	rc = 0;
	/* "No digest" for a file without records: "" never equals a hash. */
	if (b.len > 0 && crypto_sha256_hex(b.s, b.len, out, NULL) != 0)
		rc = -1;
 out:
	tlsa_buf_clear(&b);
	return rc;
}
