/*
 * Running a post plan (post_int.h): remote mirrors, post-copy commands,
 * restarts on each host and the DNS refresh, in the order of
 * distribution.md §8.1 — every copy before any restart, every restart
 * before the refresh — with different hosts worked on in parallel (DO6).
 *
 * Threads only touch their own struct post_host (and read the config and
 * options); everything shared (the logger, ctx's failure flags) is written
 * by the main thread after the threads are joined.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deploy/deploy.h"
#include "mgr/post_int.h"
#include "store/store.h"

/* ---- the plan --------------------------------------------------------- */

void
post_plan_init(struct post_plan *p, const char *prod_dir)
{
	memset(p, 0, sizeof(*p));
	p->prod_dir = prod_dir;
	strvec_init(&p->dns_domains);
}

static void
host_clear(struct post_host *h)
{
	ssh_conn_close(h->conn);
	free(h->name);
	free(h->conn_error);
	free(h->copy_error);
	for (int i = 0; i < CONF_SERVER_N; i++)
		free(h->restart_error[i]);
	strvec_clear(&h->lines);
}

void
post_plan_clear(struct post_plan *p)
{
	for (size_t i = 0; i < p->n_hosts; i++)
		host_clear(&p->hosts[i]);
	free(p->hosts);
	strvec_clear(&p->dns_domains);
	free(p->dns_error);
	memset(p, 0, sizeof(*p));
}

struct post_host *
post_plan_host(struct post_plan *p, const char *name)
{
	struct post_host *h;

	for (size_t i = 0; i < p->n_hosts; i++)
		if (strcmp(p->hosts[i].name, name) == 0)
			return &p->hosts[i];
	if (p->n_hosts == p->cap) {
		size_t cap = p->cap == 0 ? 4 : p->cap * 2;
		struct post_host *v = realloc(p->hosts, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		p->hosts = v;
		p->cap = cap;
	}
	h = &p->hosts[p->n_hosts];
	memset(h, 0, sizeof(*h));
	strvec_init(&h->lines);
	if ((h->name = str_dup(name)) == NULL)
		return NULL;
	h->local = deploy_host_is_local(name);
	p->n_hosts++;
	return h;
}

int
post_plan_add_copies(const struct conf *c, struct post_plan *p)
{
	for (int id = 0; id < CONF_SERVER_N; id++) {
		const struct conf_server_section *sec = &c->server[id];

		/* skip_prod_copy marks nothing done: the same host in a later
		 * section is still copied there (quirk D7, intended). */
		if (!sec->present || sec->skip_prod_copy)
			continue;
		for (size_t i = 0; i < sec->servers.n; i++) {
			struct post_host *h = post_plan_host(p, sec->servers.v[i]);

			if (h == NULL)
				return -1;
			if (!h->local && h->copy == POST_NOT_DUE)
				h->copy = POST_DUE;
		}
	}
	return 0;
}

int
post_plan_add_restarts(const struct conf *c, struct post_plan *p, int id)
{
	const struct conf_server_section *sec = &c->server[id];

	for (size_t i = 0; i < sec->servers.n; i++) {
		struct post_host *h = post_plan_host(p, sec->servers.v[i]);

		if (h == NULL)
			return -1;
		h->restart[id] = POST_DUE;
	}
	return 0;
}

/* ---- per-host output, kept until the host is done ---------------------- */

static void say(struct post_host *h, enum log_class cls, const char *fmt, ...)
    SSLM_PRINTF(3, 4);

static void
say(struct post_host *h, enum log_class cls, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (text != NULL)
		(void)strvec_push_owned(&h->lines, str_printf("%c%s",
		    (char)('0' + (int)cls), text));
	free(text);
}

static void
flush_host(struct post_host *h)
{
	for (size_t i = 0; i < h->lines.n; i++) {
		const char *line = h->lines.v[i];

		log_write((enum log_class)(line[0] - '0'), "%s", line + 1);
	}
	strvec_clear(&h->lines);
	strvec_init(&h->lines);
}

/* Every line of a (multi-line) text into the log file only. */
static void
say_output(struct post_host *h, const char *what, const char *text)
{
	const char *s = text;

	while (s != NULL && *s != '\0') {
		size_t n = strcspn(s, "\n");

		if (n > 0)
			say(h, LOG_FILE, "%s: %.*s", what, (int)n, s);
		s += n;
		if (*s == '\n')
			s++;
	}
}

/* "<why>: <last line of the command's stderr, else stdout>" — the admin
 * sees at once what the command said, the log has all of it. */
static char *
with_last_line(char *why, const char *err_out, const char *out)
{
	const char *text = err_out != NULL && *err_out != '\0' ? err_out : out;
	const char *end, *start;
	char *r;

	if (why == NULL || text == NULL || *text == '\0')
		return why;
	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	if (start == end)
		return why;
	r = str_printf("%s: %.*s", why, (int)(end - start > 200 ? 200 : end - start),
	    start);
	if (r == NULL)
		return why;
	free(why);
	return r;
}

/* ---- connections ------------------------------------------------------- */

static bool
host_connect(const struct conf *c, struct post_host *h)
{
	struct ssh_target t;
	struct strvec notes;
	struct sslm_err err;

	if (h->conn != NULL)
		return true;
	if (h->conn_error != NULL)
		return false;
	ssh_target_init(&t);
	strvec_init(&notes);
	sslm_err_clear(&err);
	if (ssh_target_resolve(&c->ssh, h->name, &t, &notes, &err) == -1 ||
	    ssh_conn_open(&t, &h->conn, &notes, &err) == -1) {
		h->conn = NULL;
		h->conn_error = str_dup(err.msg);
	}
	for (size_t i = 0; i < notes.n; i++)
		say(h, LOG_WARN, "%s", notes.v[i]);
	strvec_clear(&notes);
	ssh_target_clear(&t);
	return h->conn != NULL;
}

/* After a channel failure the connection is of no further use. */
static void
host_drop(struct post_host *h, const char *why)
{
	ssh_conn_close(h->conn);
	h->conn = NULL;
	if (h->conn_error == NULL)
		h->conn_error = str_dup(why);
}

/* ---- the work of one host ---------------------------------------------- */

static void
host_copy(struct run_ctx *ctx, const struct post_plan *p, struct post_host *h)
{
	struct remote_mirror_stats st;
	struct strvec lines;
	struct sslm_err err;

	memset(&st, 0, sizeof(st));
	strvec_init(&lines);
	sslm_err_clear(&err);
	if (!host_connect(ctx->c, h)) {
		h->copy = POST_FAILED;
		h->copy_error = str_dup(h->conn_error);
	} else {
		ssh_conn_set_deadline(h->conn, 0);
		if (deploy_remote_mirror(h->conn, p->prod_dir, ctx->o->debug,
		    &lines, &st, &err) == -1) {
			h->copy = POST_FAILED;
			h->copy_error = str_dup(err.msg);
			if (ssh_conn_expired(h->conn))
				host_drop(h, err.msg);
		} else {
			h->copy = POST_OK;
		}
	}
	for (size_t i = 0; i < lines.n; i++)
		say(h, ctx->o->debug ? LOG_MSG : LOG_FILE, "%s: %s", h->name,
		    lines.v[i]);
	strvec_clear(&lines);
	if (h->copy == POST_OK && !ctx->o->debug)
		say(h, LOG_MSG, "  %s:%s/ : %u uploaded, %u removed, %u unchanged",
		    h->name, p->prod_dir, st.uploaded, st.removed, st.skipped);
	else if (h->copy == POST_FAILED)
		say(h, LOG_ERROR, "copying certs to %s:%s/ : %s", h->name,
		    p->prod_dir, h->copy_error != NULL ? h->copy_error : "?");
}

/* One restart command on the local host; NULL or the reason it failed. */
static char *
restart_local(const struct conf *c, struct post_host *h,
    const struct conf_cmd *cmd, const char *what)
{
	struct proc_opts po = { .timeout = (unsigned)c->ssh.command_timeout };
	struct proc_result res;
	struct sslm_err err;
	struct strvec argv;
	char desc[128];
	char *why = NULL;

	strvec_init(&argv);
	proc_result_init(&res);
	for (size_t a = 0; a < cmd->argv.n; a++)
		if (strvec_push(&argv, a == 0 && cmd->local_prog != NULL ?
		    cmd->local_prog : cmd->argv.v[a]) == -1)
			goto oom;
	if (argv.n == 0)
		goto oom;
	if (proc_run((const char *const *)argv.v, &po, &res, &err) == -1) {
		why = str_dup(err.msg);
		goto out;
	}
	say_output(h, what, res.out);
	say_output(h, what, res.err_out);
	if (!proc_result_ok(&res))
		why = with_last_line(str_dup(proc_result_describe(&res, desc,
		    sizeof(desc))), res.err_out, res.out);
	goto out;
 oom:
	why = str_dup("out of memory");
 out:
	proc_result_clear(&res);
	strvec_clear(&argv);
	return why;
}

/* One restart command over the host's connection (distribution.md §8.4). */
static char *
restart_remote(const struct conf *c, struct post_host *h,
    const struct conf_cmd *cmd, const char *what)
{
	struct ssh_exec_result r;
	struct sslm_err err;
	char *line, *why = NULL;

	if (!host_connect(c, h))
		return str_dup(h->conn_error);
	if ((line = ssh_join_argv(&cmd->argv)) == NULL)
		return str_dup("out of memory");
	ssh_exec_result_init(&r);
	sslm_err_clear(&err);
	ssh_conn_set_deadline(h->conn, 0);
	if (ssh_conn_exec(h->conn, line, 0, &r, &err) == -1) {
		why = str_dup(err.msg);
		host_drop(h, err.msg);
	} else {
		say_output(h, what, r.out);
		say_output(h, what, r.err_out);
		if (r.timed_out)
			why = str_printf("timed out after %d s ([ssh] "
			    "command_timeout)", c->ssh.command_timeout);
		else if (r.exited && r.exit_status != 0)
			why = str_printf("exited with status %d", r.exit_status);
		else if (!r.exited)
			why = str_printf("ended without an exit status%s%s",
			    r.signal != NULL ? ": killed by SIG" : "",
			    r.signal != NULL ? r.signal : "");
		why = with_last_line(why, r.err_out, r.out);
	}
	ssh_exec_result_clear(&r);
	free(line);
	return why;
}

static void
host_restarts(struct run_ctx *ctx, const struct post_plan *p, struct post_host *h)
{
	const struct conf *c = ctx->c;

	(void)p;
	for (int id = 0; id < CONF_SERVER_N; id++) {
		const struct conf_server_section *sec = &c->server[id];
		const char *name = conf_server_name((enum conf_server_id)id);

		if (h->restart[id] != POST_DUE)
			continue;
		h->restart[id] = POST_OK;
		for (size_t i = 0; i < sec->n_restart; i++) {
			const struct conf_cmd *cmd = &sec->restart[i];
			char *what = str_printf("restart [%s] on %s: %s", name,
			    h->name, cmd->text);
			char *why;

			if (what == NULL)
				continue;
			if (ctx->o->debug) {
				say(h, LOG_MSG, "debug: %s", what);
				free(what);
				continue;
			}
			say(h, LOG_MSG, "%s", what);
			why = h->local ? restart_local(c, h, cmd, what) :
			    restart_remote(c, h, cmd, what);
			if (why != NULL) {
				say(h, LOG_ERROR, "restarting [%s] on %s: %s: %s",
				    name, h->name, cmd->text, why);
				h->restart[id] = POST_FAILED;
				if (h->restart_error[id] == NULL)
					h->restart_error[id] = str_printf("%s: %s",
					    cmd->text, why);
			}
			free(why);
			free(what);
		}
	}
}

/* ---- hosts in parallel ------------------------------------------------- */

typedef bool (*host_wanted_fn)(const struct post_host *h);
typedef void (*host_work_fn)(struct run_ctx *ctx, const struct post_plan *p,
    struct post_host *h);

struct pool {
	struct run_ctx *ctx;
	struct post_plan *p;
	host_wanted_fn wanted;
	host_work_fn work;
	bool *todo;			/* per host: wanted at the start */
	size_t next;
	pthread_mutex_t mu;
};

static void *
pool_worker(void *arg)
{
	struct pool *pl = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&pl->mu);
		while (pl->next < pl->p->n_hosts && !pl->todo[pl->next])
			pl->next++;
		i = pl->next++;
		pthread_mutex_unlock(&pl->mu);
		if (i >= pl->p->n_hosts)
			return NULL;
		pl->work(pl->ctx, pl->p, &pl->p->hosts[i]);
	}
}

/* Work every wanted host, at most [ssh] max_parallel at once; then print
 * each host's lines as one block, in plan order. */
static void
run_hosts(struct run_ctx *ctx, struct post_plan *p, host_wanted_fn wanted,
    host_work_fn work)
{
	struct pool pl = { .ctx = ctx, .p = p, .wanted = wanted, .work = work };
	pthread_t *tids = NULL;
	size_t n = 0, nthreads, started = 0;

	if (p->n_hosts == 0)
		return;
	if ((pl.todo = calloc(p->n_hosts, sizeof(bool))) == NULL) {
		log_error("out of memory planning the host work");
		ctx->any_failed = true;
		return;
	}
	for (size_t i = 0; i < p->n_hosts; i++)
		if ((pl.todo[i] = wanted(&p->hosts[i])))
			n++;
	nthreads = ctx->c->ssh.max_parallel > 0 ? (size_t)ctx->c->ssh.max_parallel : 1;
	if (nthreads > n)
		nthreads = n;
	pthread_mutex_init(&pl.mu, NULL);
	/* The main thread is one of the workers. */
	if (nthreads > 1 && (tids = calloc(nthreads - 1, sizeof(*tids))) != NULL)
		for (; started < nthreads - 1; started++)
			if (pthread_create(&tids[started], NULL, pool_worker, &pl) != 0)
				break;	/* fewer threads: the others do more */
	pool_worker(&pl);
	for (size_t t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	pthread_mutex_destroy(&pl.mu);
	for (size_t i = 0; i < p->n_hosts; i++)
		if (pl.todo[i])
			flush_host(&p->hosts[i]);
	free(tids);
	free(pl.todo);
}

static bool
wants_copy(const struct post_host *h)
{
	return h->copy == POST_DUE;
}

static bool
wants_restart(const struct post_host *h)
{
	for (int id = 0; id < CONF_SERVER_N; id++)
		if (h->restart[id] == POST_DUE)
			return true;
	return false;
}

/* ---- post-copy commands and the DNS refresh (run on this host) --------- */

/* distribution.md §6: [cmd, host] locally, never fatal. */
static void
run_post_copy(struct run_ctx *ctx)
{
	const struct conf *c = ctx->c;
	unsigned failed = 0;

	log_msg("Running post_copy_cmd:");
	for (size_t i = 0; i < c->g.n_post_copy; i++) {
		const struct conf_post_copy *pc = &c->g.post_copy[i];
		const char *argv[] = { pc->cmd, pc->host, NULL };
		struct proc_opts po = { .timeout = (unsigned)c->ssh.command_timeout };
		struct proc_result res;
		struct sslm_err err;
		char desc[128];

		if (ctx->o->debug) {
			log_msg("debug: post_copy_cmd %s %s", pc->cmd, pc->host);
			continue;
		}
		log_msg("  %s %s", pc->cmd, pc->host);
		proc_result_init(&res);
		if (proc_run(argv, &po, &res, &err) == -1) {
			log_error("post_copy_cmd %s %s: %s - continuing", pc->cmd,
			    pc->host, err.msg);
			failed++;
		} else {
			if (res.out_len > 0)
				log_file("post_copy_cmd %s: %s", pc->cmd, res.out);
			if (res.err_len > 0)
				log_file("post_copy_cmd %s (stderr): %s", pc->cmd,
				    res.err_out);
			if (!proc_result_ok(&res)) {
				log_error("post_copy_cmd %s %s: %s - continuing",
				    pc->cmd, pc->host, proc_result_describe(&res,
				    desc, sizeof(desc)));
				failed++;
			}
		}
		proc_result_clear(&res);
	}
	if (failed > 0)
		log_warn("post copy commands had %u error(s)", failed);
}

bool
post_dns_refresh_run(struct run_ctx *ctx, const struct strvec *domains,
    char **error)
{
	const struct conf *c = ctx->c;
	bool ok = true;

	*error = NULL;
	for (size_t i = 0; i < c->dns.restart_cmd.n; i++) {
		struct strvec argv;
		struct proc_opts po = { .timeout = 600 };
		struct proc_result res;
		struct sslm_err err;
		char desc[128];
		char *what = str_printf("DNS refresh %s --serial_bump",
		    c->dns.restart_cmd.v[i]);

		strvec_init(&argv);
		proc_result_init(&res);
		(void)strvec_push(&argv, c->dns.restart_cmd.v[i]);
		(void)strvec_push(&argv, "--serial_bump");
		for (size_t d = 0; d < domains->n; d++) {
			char *w = str_printf("%s %s", what, domains->v[d]);

			free(what);
			what = w;
			(void)strvec_push(&argv, domains->v[d]);
		}
		if (what == NULL || argv.n != domains->n + 2) {
			ok = false;
			free(*error);
			*error = str_dup("out of memory");
		} else if (ctx->o->debug) {
			log_msg("debug: %s", what);
		} else {
			log_msg("%s", what);
			if (proc_run((const char *const *)argv.v, &po, &res, &err) == -1) {
				log_error("%s: %s", what, err.msg);
				free(*error);
				*error = str_dup(err.msg);
				ok = false;
			} else {
				if (res.out_len > 0)
					log_file("%s: %s", what, res.out);
				if (res.err_len > 0)
					log_file("%s (stderr): %s", what, res.err_out);
				if (!proc_result_ok(&res)) {
					proc_result_describe(&res, desc, sizeof(desc));
					log_error("%s: %s", what, desc);
					free(*error);
					*error = str_printf("%s: %s",
					    c->dns.restart_cmd.v[i], desc);
					ok = false;
				}
			}
		}
		proc_result_clear(&res);
		strvec_clear(&argv);
		free(what);
	}
	return ok;
}

/* ---- the plan, in order ------------------------------------------------ */

static void
warn_not_root_once(void)
{
	static bool warned;

	if (geteuid() != 0 && !warned)
		log_warn("not running as root: restarts and the DNS refresh may "
		    "lack the rights they need");
	warned = true;
}

void
post_plan_execute(struct run_ctx *ctx, struct post_plan *p)
{
	struct sslm_err err;
	size_t n_copy = 0, n_restart = 0;
	unsigned failed = 0, total = 0;
	bool copies_ok = true, ssh_ready = false;

	for (size_t i = 0; i < p->n_hosts; i++) {
		n_copy += wants_copy(&p->hosts[i]);
		n_restart += wants_restart(&p->hosts[i]);
	}
	if (n_copy > 0 || n_restart > 0) {
		if (deploy_ssh_global_init(&err) == 0) {
			ssh_ready = true;
		} else {
			log_error("%s", err.msg);
			for (size_t i = 0; i < p->n_hosts; i++)
				if (!p->hosts[i].local && p->hosts[i].conn_error == NULL)
					p->hosts[i].conn_error = str_dup(err.msg);
		}
	}

	/* 1. Remote mirrors: every copy finishes before any restart. */
	if (n_copy > 0) {
		log_msg("Copying %s to %zu remote host%s%s", p->prod_dir, n_copy,
		    n_copy == 1 ? "" : "s", n_copy > 1 && ctx->c->ssh.max_parallel > 1 ?
		    " in parallel" : "");
		run_hosts(ctx, p, wants_copy, host_copy);
	}
	for (size_t i = 0; i < p->n_hosts; i++)
		if (p->hosts[i].copy == POST_FAILED)
			copies_ok = false;
	if (!copies_ok)
		ctx->any_failed = true;
	if (n_copy > 0)
		post_pending_copies_settled(ctx, p);

	/* 2. Post-copy commands: after every mirror succeeded. */
	if (p->post_copy && copies_ok)
		run_post_copy(ctx);
	else if (p->post_copy && ctx->c->g.n_post_copy > 0)
		log_warn("post_copy_cmd not run: a copy to a server failed");

	/* 3. Restarts: a host that did not get the new files keeps running
	 * the old ones; restarting it would change nothing. */
	for (size_t i = 0; i < p->n_hosts; i++) {
		struct post_host *h = &p->hosts[i];

		for (int id = 0; id < CONF_SERVER_N; id++)
			if (h->restart[id] == POST_DUE && h->copy == POST_FAILED) {
				h->restart[id] = POST_SKIPPED;
				h->restart_error[id] = str_printf("not restarted: "
				    "the copy to %s failed", h->name);
				log_error("restart [%s] on %s skipped: the copy "
				    "failed", conf_server_name((enum conf_server_id)id),
				    h->name);
			}
	}
	n_restart = 0;
	for (size_t i = 0; i < p->n_hosts; i++)
		n_restart += wants_restart(&p->hosts[i]);
	/* crash tests: the copies are done, the restarts owed are pending */
	fault_point("before-restarts");
	if (n_restart > 0) {
		warn_not_root_once();
		run_hosts(ctx, p, wants_restart, host_restarts);
	}
	for (size_t i = 0; i < p->n_hosts; i++)
		for (int id = 0; id < CONF_SERVER_N; id++) {
			enum post_result r = p->hosts[i].restart[id];

			if (r == POST_NOT_DUE)
				continue;
			total++;
			if (r != POST_OK)
				failed++;
		}
	if (failed > 0) {
		log_error("Server restarts : %u out of %u failed", failed, total);
		ctx->restart_failed = true;
		ctx->any_failed = true;
	}

	/* 4. DNS last, and never while a server may still serve the old cert
	 * (lifecycle.md §8.2): the old TLSA record must stay published. */
	if (p->dns == POST_DUE) {
		if (failed > 0 || !copies_ok) {
			p->dns = POST_SKIPPED;
			p->dns_error = str_printf("skipped: %s failed",
			    failed > 0 ? "a server restart" : "a copy to a server");
			log_error("DNS refresh skipped: %s failed (it is retried "
			    "by the next run)", failed > 0 ? "a server restart" :
			    "a copy to a server");
			ctx->any_failed = true;
		} else {
			warn_not_root_once();
			if (post_dns_refresh_run(ctx, &p->dns_domains, &p->dns_error)) {
				p->dns = POST_OK;
			} else {
				p->dns = POST_FAILED;
				ctx->any_failed = true;
			}
		}
	}
	for (size_t i = 0; i < p->n_hosts; i++) {
		ssh_conn_close(p->hosts[i].conn);
		p->hosts[i].conn = NULL;
	}
	if (ssh_ready)
		deploy_ssh_global_clear();
}

/* ---- -s -v: what differs on each remote host (lifecycle.md §11) -------- */

void
post_remote_compare(const struct conf *c, const char *prod_dir,
    struct strvec *diffs)
{
	struct post_plan p;
	struct sslm_err err;

	post_plan_init(&p, prod_dir);
	if (post_plan_add_copies(c, &p) == -1 || p.n_hosts == 0) {
		post_plan_clear(&p);
		return;
	}
	if (deploy_ssh_global_init(&err) == -1) {
		(void)strvec_push_owned(diffs, str_printf("remote hosts: %s", err.msg));
		post_plan_clear(&p);
		return;
	}
	for (size_t i = 0; i < p.n_hosts; i++) {
		struct post_host *h = &p.hosts[i];
		struct ssh_target t;
		struct strvec notes;

		if (h->copy != POST_DUE)
			continue;
		/* A read-only run writes no known_hosts line: accept-new is
		 * off here, an unknown key is a difference to show. */
		ssh_target_init(&t);
		strvec_init(&notes);
		sslm_err_clear(&err);
		if (ssh_target_resolve(&c->ssh, h->name, &t, &notes, &err) == -1) {
			(void)strvec_push_owned(diffs, str_printf("%s: %s", h->name,
			    err.msg));
		} else {
			t.accept_new = false;
			if (ssh_conn_open(&t, &h->conn, &notes, &err) == -1) {
				h->conn = NULL;
				(void)strvec_push_owned(diffs, str_printf(
				    "%s: cannot check: %s", h->name, err.msg));
			} else {
				ssh_conn_set_deadline(h->conn, 0);
				if (deploy_remote_compare(h->conn, prod_dir, diffs,
				    &err) == -1)
					(void)strvec_push_owned(diffs, str_printf(
					    "%s: cannot check: %s", h->name,
					    err.msg));
			}
		}
		for (size_t k = 0; k < notes.n; k++)
			log_warn("%s", notes.v[k]);
		strvec_clear(&notes);
		ssh_target_clear(&t);
		ssh_conn_close(h->conn);
		h->conn = NULL;
	}
	deploy_ssh_global_clear();
	post_plan_clear(&p);
}

void
post_plan_skip_all(struct post_plan *p, const char *why)
{
	for (size_t i = 0; i < p->n_hosts; i++) {
		struct post_host *h = &p->hosts[i];

		if (h->copy == POST_DUE) {
			h->copy = POST_SKIPPED;
			h->copy_error = str_dup(why);
		}
		for (int id = 0; id < CONF_SERVER_N; id++)
			if (h->restart[id] == POST_DUE) {
				h->restart[id] = POST_SKIPPED;
				h->restart_error[id] = str_dup(why);
			}
	}
	if (p->dns == POST_DUE) {
		p->dns = POST_SKIPPED;
		p->dns_error = str_dup(why);
	}
}
