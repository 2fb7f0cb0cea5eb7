/*
 * The name-server wait (dns.md §4.7): rounds 1 s apart until every
 * authoritative address serves every value, extras after them within
 * their own bound, progress on every change of state and otherwise every
 * 10 s (decisions.md "Wait progress"), failure at the deadline naming
 * every laggard and why.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/ns_int.h"

#define ROUND_MS	1000	/* rounds start this far apart */
#define QUIET_MS	10000	/* longest silence while nothing changes */
#define LINE_MAX_LEN	4096	/* progress lines are cut here */

struct waitst {
	char *apex;			/* sanitised, for the lines */
	const struct dns_wait_opts *o;
	struct ns_round r;
	struct ns_srv *sv;		/* authoritative first, then extras */
	size_t n_auth, n_all;
	int64_t t0, dl, dlx;		/* start, D and Dx (dns.md §4.7 step 2) */
	char *last_state;
	int64_t last_emit;
};

static void
sleep_until(int64_t t)
{
	struct timespec ts;
	int64_t left;

	/* A plain wait: no signal handler of ours can cut it short. */
	while ((left = t - dnsq_now_ms()) > 0) {
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		if (nanosleep(&ts, NULL) == -1 && errno != EINTR)
			break;
	}
}

/* "<m>m<ss>s"; rounding up gives the time left, down the time spent. */
static void
fmt_dur(int64_t ms, bool up, char *buf, size_t size)
{
	int64_t s;

	if (ms < 0)
		ms = 0;
	s = up ? (ms + 999) / 1000 : ms / 1000;
	snprintf(buf, size, "%lldm%02llds", (long long)(s / 60),
	    (long long)(s % 60));
}

static void SSLM_PRINTF(2, 3)
emit(struct waitst *w, const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	int off;
	va_list ap;

	if (w->o->progress == NULL)
		return;
	off = snprintf(line, sizeof(line), "dns wait %s: ", w->apex);
	if (off < 0 || (size_t)off >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + off, sizeof(line) - (size_t)off, fmt, ap);
	va_end(ap);
	w->o->progress(line, w->o->progress_arg);
}

/* "<key> <reason>, ..." of the lagging servers [from, to); NULL on OOM. */
static char *
lag_list(const struct waitst *w, size_t from, size_t to, bool asked_only)
{
	char *out = str_dup(""), *one, *n;

	for (size_t i = from; out != NULL && i < to; i++) {
		const struct ns_srv *s = &w->sv[i];

		if (s->agreed || s->dropped || (asked_only && !s->asked))
			continue;
		if ((one = ns_srv_lag_text(s, &w->r)) == NULL) {
			free(out);
			return NULL;
		}
		n = str_printf("%s%s%s", out, *out ? ", " : "", one);
		free(one);
		free(out);
		out = n;
	}
	return out;
}

/* Report the addresses ns_drop_unreachable left out. */
static void
drop_unreachable(struct waitst *w)
{
	if (ns_drop_unreachable(w->sv, w->n_auth) == 0)
		return;
	for (size_t i = 0; i < w->n_auth; i++)
		if (w->sv[i].dropped)
			emit(w, "warning: %s unreachable, left out (its name has "
			    "other addresses)", w->sv[i].srv->key);
}

static void
count(const struct waitst *w, size_t *k, size_t *n, size_t *kx, size_t *nx)
{
	*k = *n = *kx = 0;
	*nx = w->n_all - w->n_auth;
	for (size_t i = 0; i < w->n_auth; i++) {
		if (w->sv[i].dropped)
			continue;
		(*n)++;
		if (w->sv[i].agreed)
			(*k)++;
	}
	for (size_t i = w->n_auth; i < w->n_all; i++)
		if (w->sv[i].agreed)
			(*kx)++;
}

/* A progress line when the state changed, or after QUIET_MS; -1 OOM. */
static int
progress(struct waitst *w, int64_t now)
{
	size_t k, n, kx, nx;
	char *lag = NULL, *lagx = NULL, *state = NULL, left[32];
	int rc = -1;

	count(w, &k, &n, &kx, &nx);
	if ((lag = lag_list(w, 0, w->n_auth, false)) == NULL ||
	    (lagx = lag_list(w, w->n_auth, w->n_all, true)) == NULL ||
	    (state = str_printf("%zu/%zu authoritative, %zu/%zu extra agree; "
	    "lagging: %s%s%s", k, n, kx, nx, lag, *lag && *lagx ? ", " : "",
	    lagx)) == NULL)
		goto out;
	if (!str_eq(state, w->last_state) || now - w->last_emit >= QUIET_MS) {
		fmt_dur(w->dl - now, true, left, sizeof(left));
		emit(w, "%s; %s left", state, left);
		w->last_emit = now;
		free(w->last_state);
		w->last_state = state;
		state = NULL;
	}
	rc = 0;
 out:
	free(lag);
	free(lagx);
	free(state);
	return rc;
}

static void
report_agreed(struct waitst *w, size_t i)
{
	const struct ns_srv *s = &w->sv[i];

	if (s->have_serial)
		emit(w, "%s ok (serial %u)", s->srv->key, (unsigned)s->serial);
	else
		emit(w, "%s ok (serial unknown)", s->srv->key);
}

static bool
auth_done(const struct waitst *w)
{
	for (size_t i = 0; i < w->n_auth; i++)
		if (!w->sv[i].agreed && !w->sv[i].dropped)
			return false;
	return true;
}

static bool
any_noaddr(const struct waitst *w)
{
	for (size_t i = 0; i < w->n_auth; i++)
		if (w->sv[i].reason == NSR_NOADDR)
			return true;
	return false;
}

/* 1 agreed, 0 keep going, -1 failed (err set). */
static int
verdict(struct waitst *w, int64_t now, bool strict, struct sslm_err *err)
{
	size_t k, n, kx, nx;
	char *lag = NULL, el[32];
	bool auth_ok, fail;
	int rc = -1;

	count(w, &k, &n, &kx, &nx);
	auth_ok = k == n;
	if (auth_ok && (kx == nx || (!strict && now >= w->dlx))) {
		fmt_dur(now - w->t0, false, el, sizeof(el));
		if (kx < nx) {
			if ((lag = lag_list(w, w->n_auth, w->n_all, false)) == NULL)
				goto oom;
			emit(w, "warning: extra servers do not agree after %s: %s",
			    el, lag);
		}
		emit(w, "all %zu agree after %s", n + kx, el);
		rc = 1;
		goto out;
	}
	/* A name without any address can never agree: do not wait for it. */
	fail = now >= w->dl || any_noaddr(w);
	if (!fail) {
		rc = 0;
		goto out;
	}
	/* The extras count only once the authoritative servers agree (and
	 * then only when strict, or the verdict would have been success). */
	if ((lag = lag_list(w, auth_ok ? w->n_auth : 0,
	    auth_ok ? w->n_all : w->n_auth, false)) == NULL)
		goto oom;
	sslm_err_set(err, "name servers not updated: %s", lag);
	goto out;
 oom:
	sslm_err_set(err, "out of memory");
 out:
	free(lag);
	return rc;
}

int
dns_wait_agree(const char *apex, const struct dns_servers *primary,
    const struct dns_servers *auth, const struct dns_servers *extra,
    const struct dns_expect *exp, size_t n_exp,
    const struct dns_wait_opts *opts, struct sslm_err *err)
{
	struct waitst w;
	bool strict, all_auth;
	int64_t start, now, next;
	int max_wait, xw, rc = -1, v;

	memset(&w, 0, sizeof(w));
	if (apex == NULL || opts == NULL || (n_exp > 0 && exp == NULL)) {
		sslm_err_set(err, "dns wait: nothing to wait for");
		goto out;
	}
	if ((w.apex = ns_sanitize(apex)) == NULL)
		goto oom;
	if (auth == NULL || auth->n == 0) {
		sslm_err_set(err, "name servers not updated: no authoritative "
		    "name server for %s", w.apex);
		goto out;
	}
	w.o = opts;
	w.n_auth = auth->n;
	w.n_all = auth->n + (extra != NULL ? extra->n : 0);
	if ((w.sv = calloc(w.n_all, sizeof(*w.sv))) == NULL)
		goto oom;
	for (size_t i = 0; i < w.n_all; i++)
		ns_srv_init(&w.sv[i], i < w.n_auth ? &auth->v[i] :
		    &extra->v[i - w.n_auth], i >= w.n_auth);
	w.r = (struct ns_round){ .apex = apex, .primary = primary, .exp = exp,
	    .n_exp = n_exp };
	if (opts->delay > 0)
		sleep_until(dnsq_now_ms() + (int64_t)opts->delay * 1000);
	strict = opts->xtra_strict;
	max_wait = opts->max_wait > 0 ? opts->max_wait : 0;
	xw = opts->xtra_max_wait > 0 ? opts->xtra_max_wait : 0;
	if (strict || xw > max_wait)
		xw = max_wait;
	w.t0 = dnsq_now_ms();
	w.dl = w.t0 + (int64_t)max_wait * 1000;
	w.dlx = w.t0 + (int64_t)xw * 1000;
	for (int round = 0;; round++) {
		start = dnsq_now_ms();
		all_auth = true;
		for (size_t i = 0; i < w.n_auth; i++) {
			w.sv[i].active = !w.sv[i].agreed && !w.sv[i].dropped;
			all_auth = all_auth && !w.sv[i].active;
		}
		/* Extras only once the zone is everywhere: asking a cache
		 * earlier makes it keep the negative answer (dns.md §4.7). */
		for (size_t i = w.n_auth; i < w.n_all; i++)
			w.sv[i].active = all_auth && !w.sv[i].agreed &&
			    (strict || start < w.dlx);
		if (ns_round_run(&w.r, w.sv, w.n_all, err) == -1)
			goto out;
		for (size_t i = 0; i < w.n_all; i++)
			if (w.sv[i].active && w.sv[i].agreed)
				report_agreed(&w, i);
		if (round == 0)
			drop_unreachable(&w);
		now = dnsq_now_ms();
		if ((v = verdict(&w, now, strict, err)) != 0) {
			rc = v == 1 ? 0 : -1;
			if (rc == -1 && progress(&w, now) == -1)
				goto oom;
			goto out;
		}
		/* The authoritative servers all agree only now: the extras
		 * get a round of their own at once. */
		if (!all_auth && w.n_all > w.n_auth && auth_done(&w) &&
		    (strict || now < w.dlx))
			continue;
		if (progress(&w, now) == -1)
			goto oom;
		next = start + ROUND_MS;
		if (next > w.dl)
			next = w.dl;	/* one last look at the deadline */
		sleep_until(next);
	}
 oom:
	sslm_err_set(err, "out of memory");
 out:
	for (size_t i = 0; w.sv != NULL && i < w.n_all; i++)
		ns_srv_clear(&w.sv[i]);
	free(w.sv);
	free(w.last_state);
	free(w.apex);
	return rc;
}
