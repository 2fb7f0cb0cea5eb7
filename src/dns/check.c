/*
 * One round only, for the DANE roll gate (tlsa.md §8.1): which server
 * lacks which record, or why it could not say.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "dns/ns_int.h"

void
dns_expect_clear(struct dns_expect *e)
{
	if (e == NULL)
		return;
	free(e->owner);
	e->owner = NULL;
	strvec_clear(&e->values);
}

int
dns_check_once(const struct dns_servers *auth, const struct dns_expect *exp,
    size_t n_exp, struct strvec *missing, struct sslm_err *err)
{
	struct ns_round r = { .exp = exp, .n_exp = n_exp };
	struct ns_srv *sv = NULL;
	size_t n = auth != NULL ? auth->n : 0;
	int added = 0, rc = -1;
	char *line = NULL, word[32];

	if (n == 0) {
		sslm_err_set(err, "no authoritative name servers to check");
		return -1;
	}
	if (n_exp > 0 && exp == NULL) {
		sslm_err_set(err, "no records to check");
		return -1;
	}
	if ((sv = calloc(n, sizeof(*sv))) == NULL) {
		sslm_err_set(err, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		ns_srv_init(&sv[i], &auth->v[i], false);
		sv[i].active = true;
	}
	if (ns_round_run(&r, sv, n, err) == -1)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct ns_srv *s = &sv[i];

		if (s->reason == NSR_OK)
			continue;
		if (s->reason != NSR_MISSING) {
			/* No trustworthy answer: one line for the server. */
			ns_reason_text(s->reason, s->rcode, word, sizeof(word));
			line = str_printf("%s %s", s->srv->key, word);
			if (line == NULL || strvec_push_owned(missing, line) == -1)
				goto oom;
			line = NULL;
			added++;
			continue;
		}
		for (size_t j = 0; j < s->lacks.n; j++) {
			line = str_printf("%s lacks %s", s->srv->key,
			    s->lacks.v[j]);
			if (line == NULL || strvec_push_owned(missing, line) == -1)
				goto oom;
			line = NULL;
			added++;
		}
	}
	rc = added;
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	for (size_t i = 0; i < n; i++)
		ns_srv_clear(&sv[i]);
	free(sv);
	return rc;
}
