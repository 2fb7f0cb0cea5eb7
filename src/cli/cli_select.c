/*
 * Positional GROUP[:SVC[,SVC...]] arguments (cli.md §4, decision O6).
 * Names end up in paths (conf.d/<group>/<service>, certs/...) and in the
 * argv of hooks and restart commands, so each one must pass the name rule
 * here, before anything else sees it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

#define NAME_RULE "names use A-Z a-z 0-9 . _ -, not starting with . or -"
#define NAME_MAX_LEN 253

static int
check_name(const char *what, const char *name, const char *arg,
    struct sslm_err *err)
{
	char qn[CLI_QUOTE_MAX + 1], qa[CLI_QUOTE_MAX + 1];

	if (str_is_safe_name(name))
		return 0;
	cli_quote(qa, arg, strlen(arg));
	if (strlen(name) > NAME_MAX_LEN) {
		sslm_err_set(err, "%s name in '%s' is longer than %d characters",
		    what, qa, NAME_MAX_LEN);
		return -1;
	}
	cli_quote(qn, name, strlen(name));
	sslm_err_set(err, "bad %s name '%s' in '%s' (" NAME_RULE ")", what, qn,
	    qa);
	return -1;
}

/* The selection of group, appended (first appearance order) if new. */
static struct cli_selection *
find_or_add(struct cli_request *req, char **group, struct sslm_err *err)
{
	struct cli_selection *sel;

	for (size_t i = 0; i < req->n_sel; i++)
		if (strcmp(req->sel[i].group, *group) == 0)
			return &req->sel[i];
	sel = realloc(req->sel, (req->n_sel + 1) * sizeof(*sel));
	if (sel == NULL) {
		sslm_err_set(err, "out of memory");
		return NULL;
	}
	req->sel = sel;
	sel = &req->sel[req->n_sel++];
	sel->group = *group;	/* ownership moves into req */
	*group = NULL;
	strvec_init(&sel->services);
	sel->all = false;
	return sel;
}

/* Add one service item of arg (len bytes at item) to sel. */
static int
add_service(struct cli_selection *sel, const char *item, size_t len,
    const char *arg, struct sslm_err *err)
{
	char qa[CLI_QUOTE_MAX + 1];
	char *svc = NULL;
	int rc = -1;

	if (len == 0) {
		cli_quote(qa, arg, strlen(arg));
		sslm_err_set(err, "empty service name in '%s'", qa);
		goto out;
	}
	if ((svc = strndup(item, len)) == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	/* ALL and * are case-sensitive: "all" is an ordinary name */
	if (strcmp(svc, "ALL") == 0 || strcmp(svc, "*") == 0) {
		sel->all = true;
		rc = 0;
		goto out;
	}
	if (check_name("service", svc, arg, err) != 0)
		goto out;
	if (strvec_contains(&sel->services, svc)) {
		rc = 0;		/* the original would process it twice */
		goto out;
	}
	if (strvec_push_owned(&sel->services, svc) != 0) {
		svc = NULL;	/* freed by strvec_push_owned */
		sslm_err_set(err, "out of memory");
		goto out;
	}
	svc = NULL;
	rc = 0;
 out:
	free(svc);
	return rc;
}

int
cli_select_add(struct cli_request *req, const char *arg, struct sslm_err *err)
{
	struct cli_selection *sel;
	const char *colon, *item;
	char *group = NULL;
	char qa[CLI_QUOTE_MAX + 1];
	int rc = -1;

	/* set even when the argument turns out bad: it was a selection */
	req->has_selection = true;
	colon = strchr(arg, ':');
	if (colon == arg || arg[0] == '\0') {
		cli_quote(qa, arg, strlen(arg));
		sslm_err_set(err, "missing group name in '%s'", qa);
		goto out;
	}
	group = colon != NULL ? strndup(arg, (size_t)(colon - arg)) :
	    strdup(arg);
	if (group == NULL) {
		sslm_err_set(err, "out of memory");
		goto out;
	}
	if (check_name("group", group, arg, err) != 0)
		goto out;
	if ((sel = find_or_add(req, &group, err)) == NULL)
		goto out;
	/* "GROUP" and "GROUP:" mean every service (decision O6) */
	if (colon == NULL || colon[1] == '\0') {
		sel->all = true;
		rc = 0;
		goto out;
	}
	for (item = colon + 1;;) {
		const char *comma = strchr(item, ',');
		size_t len = comma != NULL ? (size_t)(comma - item) :
		    strlen(item);

		if (add_service(sel, item, len, arg, err) != 0)
			goto out;
		if (comma == NULL)
			break;
		item = comma + 1;
	}
	rc = 0;
 out:
	free(group);
	return rc;
}
