/*
 * `sslm-mgr -s --json`: the status as one JSON document (cli.md §7.3,
 * schema 1). Facts this version does not compute yet are null or
 * "unknown", as decisions.md "--json fields of features not built yet" says.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mgr/json_writer.h"
#include "mgr/pending.h"
#include "mgr/post_int.h"
#include "mgr/run_ctx.h"
#include "mgr/status_view.h"

static double
round3(double v)
{
	return round(v * 1000.0) / 1000.0;
}

static const char *
ca_kind(enum conf_signer s)
{
	switch (s) {
	case CONF_SIGNER_SELF:
		return "self-signed";
	case CONF_SIGNER_LOCAL_CA:
		return "local";
	default:
		return "certbot";
	}
}

static const char *const gate_names[] = {
	[GATE_NOT_NEEDED] = "not-needed",
	[GATE_OK] = "ok",
	[GATE_WAITS] = "waits",
	[GATE_UNKNOWN] = "unknown",
};

static void
put_cert(struct jw *w, const char *key, const struct cert_view *cv, time_t now)
{
	const struct crypto_cert_info *ci = &cv->ci;

	if (!cv->present) {
		jw_null(w, key);
		return;
	}
	jw_obj_begin(w, key);
	jw_str(w, "db", cv->db);
	jw_bool(w, "readable", cv->readable);
	if (cv->readable) {
		jw_time(w, "not_before", ci->not_before);
		jw_time(w, "not_after", ci->not_after);
		jw_int(w, "seconds_left", (long long)(ci->not_after - now));
		jw_num(w, "days_left", round3((double)(ci->not_after - now) / 86400.0));
		jw_int(w, "lifetime_days", ci->lifetime_days);
		jw_obj_begin(w, "issuer");
		jw_str(w, "CN", ci->issuer_cn);
		jw_str(w, "O", ci->issuer_o);
		jw_obj_end(w);
		jw_str(w, "subject_cn", ci->subject_cn);
		jw_str(w, "key", ci->key_desc);
		jw_arr_begin(w, "sans");
		for (size_t i = 0; i < ci->sans.n; i++)
			jw_str(w, NULL, ci->sans.v[i]);
		jw_arr_end(w);
		jw_str(w, "sig_algo", ci->sig_algo);
		jw_bool(w, "staging", cv->staging);
	}
	jw_obj_end(w);
}

static void
put_service(struct jw *w, const struct conf *c, const struct conf_service *svc,
    const struct mgr_opts *o, time_t now, struct group_dns *gd,
    struct issuer_cache *issuers)
{
	struct svc_view v;
	const char *validation = NULL;

	svc_view_init(&v);
	if (svc_view_load(&v, c, svc, o, now, gd, issuers) == -1)
		log_error("%s:%s: out of memory reading its status", svc->group,
		    svc->service);
	if (svc->signer == CONF_SIGNER_CERTBOT_DNS01)
		validation = "dns-01";
	else if (svc->signer == CONF_SIGNER_CERTBOT_HTTP01)
		validation = "http-01";

	jw_obj_begin(w, NULL);
	jw_str(w, "name", svc->service);
	jw_str(w, "signing_ca", svc->signer == CONF_SIGNER_SELF ? "self" :
	    svc->signing_ca);
	jw_str(w, "ca_kind", ca_kind(svc->signer));
	jw_str(w, "validation", validation);
	jw_bool(w, "dane", svc->n_dane > 0);
	put_cert(w, "curr", &v.curr, now);
	put_cert(w, "next", &v.next, now);

	jw_obj_begin(w, "renew");
	jw_bool(w, "due", v.renew_due);
	if (v.renew_known) {
		jw_num(w, "days_to_renew", round3(v.days_to_renew));
		jw_num(w, "target_days", round3(v.target));
	} else {
		jw_null(w, "days_to_renew");
		jw_null(w, "target_days");
	}
	jw_num(w, "rand_adj", round3(v.rand_adj));
	jw_obj_end(w);

	if (!v.roll_shown) {
		jw_null(w, "roll");
	} else {
		jw_obj_begin(w, "roll");
		jw_bool(w, "due", v.roll_due && !v.roll_staging && !v.roll_no_tlsa &&
		    (v.gate == GATE_NOT_NEEDED || v.gate == GATE_OK));
		jw_int(w, "age_mins", v.age_mins);
		jw_int(w, "min_roll_mins", o->min_roll_mins);
		jw_str(w, "gate", gate_names[v.gate]);
		jw_arr_begin(w, "gate_missing");
		for (size_t i = 0; v.gate == GATE_WAITS && i < v.gate_missing.n; i++)
			jw_str(w, NULL, v.gate_missing.v[i]);
		jw_arr_end(w);
		jw_bool(w, "staging", v.next.staging);
		jw_obj_end(w);
	}

	jw_arr_begin(w, "warnings");
	if (v.curr.link_error)
		jw_str(w, NULL, v.curr.error);
	if (v.next.link_error)
		jw_str(w, NULL, v.next.error);
	if (v.roll_shown && v.roll_no_tlsa)
		jw_str(w, NULL, "next has no tlsa.rr: the roll refuses it; renew again");
	for (size_t i = 0; i < v.warnings.n; i++)
		jw_str(w, NULL, v.warnings.v[i]);
	jw_arr_end(w);
	jw_obj_end(w);
	svc_view_clear(&v);
}

/* Pending post-phase work (R-O1, cli.md §7.3); problems reading the file
 * go to stderr and the log, never into stdout's JSON. */
static void
put_pending(struct jw *w, const struct conf *c)
{
	struct pending_list pl;

	post_pending_read(c, &pl);
	jw_arr_begin(w, "pending");
	for (size_t i = 0; i < pl.n; i++) {
		jw_obj_begin(w, NULL);
		jw_time(w, "time", pl.v[i].time);
		jw_str(w, "kind", pending_kind_name(pl.v[i].kind));
		jw_str(w, "target", pl.v[i].target);
		jw_str(w, "detail", pl.v[i].detail);
		jw_str(w, "error", pl.v[i].error);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	pending_list_clear(&pl);
}

int
mgr_status_json(const struct conf *c, const struct conf_topdir *td,
    const struct mgr_opts *o, time_t now, FILE *fp)
{
	struct jw w;
	struct issuer_cache issuers;
	struct strvec diffs;
	char *prod = str_printf("%s%s", c->g.prod_cert_dir, o->test ? ".test" : "");
	bool checked;

	jw_init(&w, fp);
	jw_obj_begin(&w, NULL);
	jw_int(&w, "schema", 1);
	jw_str(&w, "program", "sslm-mgr");
	jw_str(&w, "version", SSLM_VERSION);
	jw_time(&w, "time", now);
	jw_str(&w, "top_dir", td->path);
	jw_str(&w, "top_dir_source", conf_topdir_source_name(td->source));
	jw_arr_begin(&w, "config_files");
	for (size_t i = 0; i < c->files.n; i++)
		jw_str(&w, NULL, c->files.v[i]);
	jw_arr_end(&w);
	jw_str(&w, "prod_cert_dir", prod != NULL ? prod : c->g.prod_cert_dir);
	jw_arr_begin(&w, "groups");
	issuer_cache_init(&issuers);
	for (size_t g = 0; g < c->n_groups; g++) {
		const struct conf_group *grp = &c->groups[g];

		jw_obj_begin(&w, NULL);
		jw_str(&w, "name", grp->name);
		struct group_dns gd;

		group_dns_init(&gd, grp);
		jw_arr_begin(&w, "services");
		for (size_t s = 0; s < grp->n_services; s++)
			put_service(&w, c, grp->services[s], o, now, &gd,
			    &issuers);
		jw_arr_end(&w);
		group_dns_clear(&gd);
		jw_obj_end(&w);
	}
	issuer_cache_clear(&issuers);
	jw_arr_end(&w);
	/* The integrity check in report mode (no key is opened). */
	strvec_init(&diffs);
	checked = prod != NULL && mgr_integrity_collect(c, prod, true, &diffs) == 0;
	if (checked && o->verbose)
		post_remote_compare(c, prod, &diffs);
	jw_obj_begin(&w, "integrity");
	jw_bool(&w, "checked", checked);
	if (checked)
		jw_bool(&w, "in_sync", diffs.n == 0);
	else
		jw_null(&w, "in_sync");
	jw_arr_begin(&w, "differences");
	for (size_t i = 0; i < diffs.n; i++)
		jw_str(&w, NULL, diffs.v[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	strvec_clear(&diffs);
	free(prod);
	put_pending(&w, c);
	jw_obj_end(&w);
	jw_end(&w);
	return ferror(fp) ? -1 : 0;
}
