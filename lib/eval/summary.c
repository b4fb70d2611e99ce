/* SPDX-License-Identifier: MIT */
/*
 * results.json from an evaluation folder's plan and runs: per cell and
 * metric the statistics of the measured runs (warm-ups and failed runs
 * are not counted), the overhead of each protection level against
 * `none`, and the unikernel-vs-Linux ratios.  See
 * cvm_eval_results_build() in cvm/eval.h and docs/results-schema.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cvm/cleanup.h"
#include "cvm/version.h"
#include "eval-priv.h"

const char *
eval_json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && v
		       ? json_object_get_string(v)
		       : "";
}

struct json_object *
eval_jnum(double v)
{
	char s[40];

	/* 10 significant digits: json-c's default %.17g prints binary
	 * noise (0.14696999999999999) into every file */
	if (!isfinite(v))
		return NULL;
	snprintf(s, sizeof(s), "%.10g", v);
	return json_object_new_double_s(v, s);
}

double
eval_json_num(struct json_object *o, const char *key, double dflt)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v ||
	    (!json_object_is_type(v, json_type_double) &&
	     !json_object_is_type(v, json_type_int)))
		return dflt;
	return json_object_get_double(v);
}

void
eval_fmt_num(char *out, size_t size, double v)
{
	double a = fabs(v);

	if (!isfinite(v))
		snprintf(out, size, "-");
	else if (a >= 1e6 || (a < 1e-3 && a > 0))
		snprintf(out, size, "%.3g", v);
	else if (a >= 100)
		snprintf(out, size, "%.0f", v);
	else if (a >= 10)
		snprintf(out, size, "%.1f", v);
	else
		snprintf(out, size, "%.3g", v);
}

/* The metric a workload's overhead and ratio plots use. */
const char *
eval_primary_metric(const char *workload)
{
	if (!strcmp(workload, "hello"))
		return "boot.workload_start";
	if (!strcmp(workload, "stream"))
		return "workload.triad";
	return "workload.time";
}

size_t
eval_run_values(struct json_object *runs, const char *cell, const char *metric,
		double **out, const char **unit)
{
	size_t len = json_object_array_length(runs), n = 0;

	*out = cvm_xmalloc((len ? len : 1) * sizeof(**out));
	for (size_t i = 0; i < len; i++) {
		struct json_object *r = json_object_array_get_idx(runs, i);
		struct json_object *m, *v, *ok, *wu;

		if (strcmp(eval_json_str(r, "cell"), cell) != 0 ||
		    !json_object_object_get_ex(r, "ok", &ok) ||
		    !json_object_get_boolean(ok) ||
		    (json_object_object_get_ex(r, "warmup", &wu) &&
		     json_object_get_boolean(wu)) ||
		    !json_object_object_get_ex(r, "metrics", &m) ||
		    !json_object_object_get_ex(m, metric, &v))
			continue;
		(*out)[n++] = eval_json_num(v, "value", NAN);
		if (unit)
			*unit = eval_json_str(v, "unit");
	}
	return n;
}

static struct json_object *
stats_json(const struct cvm_stats *s, const char *unit)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "unit", json_object_new_string(unit));
	json_object_object_add(
		o, "better",
		json_object_new_string(
			eval_metric_higher_better(unit) ? "higher" : "lower"));
	json_object_object_add(o, "n", json_object_new_int((int)s->n));
	json_object_object_add(o, "median", eval_jnum(s->median));
	json_object_object_add(o, "q1", eval_jnum(s->q1));
	json_object_object_add(o, "q3", eval_jnum(s->q3));
	json_object_object_add(o, "iqr", eval_jnum(s->iqr));
	json_object_object_add(o, "ci_low", eval_jnum(s->ci_low));
	json_object_object_add(o, "ci_high", eval_jnum(s->ci_high));
	json_object_object_add(o, "min", eval_jnum(s->min));
	json_object_object_add(o, "max", eval_jnum(s->max));
	json_object_object_add(o, "mean", eval_jnum(s->mean));
	return o;
}

/* Every metric name in the measured runs of `cell`, sorted, unique. */
static struct json_object *
metric_names(struct json_object *runs, const char *cell)
{
	struct json_object *names = json_object_new_object();
	size_t len = json_object_array_length(runs);

	for (size_t i = 0; i < len; i++) {
		struct json_object *r = json_object_array_get_idx(runs, i), *m;
		struct json_object_iterator it, end;

		if (strcmp(eval_json_str(r, "cell"), cell) != 0 ||
		    !json_object_object_get_ex(r, "metrics", &m) || !m)
			continue;
		EVAL_EACH(m, it, end)
		json_object_object_add(names, EVAL_KEY(it), NULL);
	}
	return names;
}

static struct json_object *
cell_json(struct json_object *pc, struct json_object *runs, unsigned warmup)
{
	struct json_object *o = json_object_new_object(),
			   *ms = json_object_new_object(), *names;
	const char *id = eval_json_str(pc, "id");
	size_t len = json_object_array_length(runs), nrun = 0, nfail = 0;
	struct json_object_iterator it, end;

	EVAL_EACH(pc, it, end)
	{
		if (strcmp(EVAL_KEY(it), "skipped") &&
		    strcmp(EVAL_KEY(it), "reason"))
			json_object_object_add(o, EVAL_KEY(it),
					       json_object_get(EVAL_VAL(it)));
	}
	for (size_t i = 0; i < len; i++) {
		struct json_object *r = json_object_array_get_idx(runs, i);

		if (strcmp(eval_json_str(r, "cell"), id) != 0 ||
		    eval_json_num(r, "rep", 0) < warmup)
			continue;
		nrun++;
		nfail += !json_object_get_boolean(
			json_object_object_get(r, "ok"));
	}
	json_object_object_add(o, "runs", json_object_new_int((int)nrun));
	json_object_object_add(o, "failed", json_object_new_int((int)nfail));
	json_object_object_add(o, "primary",
			       json_object_new_string(eval_primary_metric(
				       eval_json_str(pc, "workload"))));
	names = metric_names(runs, id);
	EVAL_EACH(names, it, end)
	{
		const char *name = EVAL_KEY(it);
		cleanup_free double *v = NULL;
		const char *unit = "";
		size_t n = eval_run_values(runs, id, name, &v, &unit);
		struct cvm_stats st;

		if (n && cvm_stats_summary(v, n, CVM_STATS_RESAMPLES,
					   CVM_STATS_SEED, &st) == 0)
			json_object_object_add(ms, name, stats_json(&st, unit));
	}
	json_object_put(names);
	json_object_object_add(o, "metrics", ms);
	return o;
}

/* A two-cell comparison of `metric`: num over den, with its CI. */
static struct json_object *
compare_cells(struct json_object *runs, const char *num, const char *den,
	      const char *metric)
{
	cleanup_free double *a = NULL, *b = NULL;
	const char *unit = "";
	size_t na = eval_run_values(runs, num, metric, &a, &unit);
	size_t nb = eval_run_values(runs, den, metric, &b, NULL);
	struct cvm_stats_ratio r;
	struct json_object *o;

	if (!na || !nb ||
	    cvm_stats_ratio(a, na, b, nb, CVM_STATS_RESAMPLES, CVM_STATS_SEED,
			    &r) < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "metric", json_object_new_string(metric));
	json_object_object_add(o, "unit", json_object_new_string(unit));
	json_object_object_add(o, "factor", eval_jnum(r.ratio));
	json_object_object_add(o, "ci_low", eval_jnum(r.ci_low));
	json_object_object_add(o, "ci_high", eval_jnum(r.ci_high));
	json_object_object_add(o, "n",
			       json_object_new_int((int)(na < nb ? na : nb)));
	return o;
}

struct pair_ctx {
	struct json_object *runs, *out;
};

/*
 * Compare cells `ca` and `cb` on `metric` so that a factor above 1 means
 * `ca` is better: cb / ca for a lower-better metric, ca / cb otherwise.
 * Guest, protection, workload and class are copied from `meta`.
 */
static void
add_pair(struct pair_ctx *x, struct json_object *ca, struct json_object *cb,
	 struct json_object *meta, const char *metric, const char *kind)
{
	static const char *const keys[] = {"guest", "protection", "workload",
					   "class"};
	const char *a = eval_json_str(ca, "id"), *b = eval_json_str(cb, "id");
	cleanup_free double *v = NULL;
	const char *unit = "";
	struct json_object *o;
	bool higher;

	if (!eval_run_values(x->runs, a, metric, &v, &unit))
		return;
	higher = eval_metric_higher_better(unit);
	/* lower-better: b / a; higher-better: a / b */
	o = compare_cells(x->runs, higher ? a : b, higher ? b : a, metric);
	if (!o)
		return;
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "a", json_object_new_string(a));
	json_object_object_add(o, "b", json_object_new_string(b));
	for (size_t i = 0; i < 4; i++)
		json_object_object_add(
			o, keys[i],
			json_object_get(json_object_object_get(meta, keys[i])));
	json_object_array_add(x->out, o);
}

/* a unikernel-vs-Linux ratio belongs to no single guest */
static void
drop_guest(struct json_object *list)
{
	size_t n = json_object_array_length(list);

	if (n)
		json_object_object_del(json_object_array_get_idx(list, n - 1),
				       "guest");
}

static bool
same(struct json_object *a, struct json_object *b, const char *key)
{
	return !strcmp(eval_json_str(a, key), eval_json_str(b, key));
}

static void
pairs(struct json_object *cells, struct json_object *runs,
      struct json_object *ratios, struct json_object *overheads)
{
	static const char *const extra[] = {"boot.workload_start", "boot.exit",
					    "qemu.peak_rss"};
	size_t n = json_object_array_length(cells);
	struct pair_ctx rx = {runs, ratios}, ox = {runs, overheads};

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			struct json_object *a =
				json_object_array_get_idx(cells, i);
			struct json_object *b =
				json_object_array_get_idx(cells, j);
			const char *wl = eval_json_str(a, "workload");
			bool uk_lx =
				!strcmp(eval_json_str(a, "guest"),
					"unikernel") &&
				!strcmp(eval_json_str(b, "guest"), "linux") &&
				same(a, b, "protection");
			bool ovh =
				same(a, b, "guest") &&
				!strcmp(eval_json_str(a, "protection"),
					"none") &&
				strcmp(eval_json_str(b, "protection"), "none");

			if (!same(a, b, "workload") || !same(a, b, "class") ||
			    (!uk_lx && !ovh))
				continue;
			for (size_t k = 0; k < CVM_ARRAY_SIZE(extra) + 1; k++) {
				const char *m = k ? extra[k - 1]
						  : eval_primary_metric(wl);

				if (k && !strcmp(m, eval_primary_metric(wl)))
					continue;
				/* > 1: the unikernel is better; > 1: the
				 * protection costs (none is better) */
				if (uk_lx) {
					add_pair(&rx, a, b, a, m,
						 "unikernel vs linux");
					drop_guest(ratios);
				} else
					add_pair(&ox, a, b, b, m,
						 "slowdown vs none");
			}
		}
}

struct json_object *
cvm_eval_results_build(struct json_object *plan, struct json_object *runs)
{
	struct json_object *res = eval_results_meta(plan, runs);
	struct json_object *pcells = json_object_object_get(plan, "cells");
	struct json_object *cells = json_object_new_array(),
			   *ratios = json_object_new_array(),
			   *overheads = json_object_new_array();
	unsigned warmup = (unsigned)eval_json_num(
		json_object_object_get(plan, "config"), "warmup", 0);
	size_t n = json_object_array_length(pcells);

	for (size_t i = 0; i < n; i++) {
		struct json_object *pc = json_object_array_get_idx(pcells, i);

		if (!json_object_get_boolean(
			    json_object_object_get(pc, "skipped")))
			json_object_array_add(cells,
					      cell_json(pc, runs, warmup));
	}
	pairs(cells, runs, ratios, overheads);
	json_object_object_add(res, "cells", cells);
	json_object_object_add(res, "ratios", ratios);
	json_object_object_add(res, "overheads", overheads);
	json_object_object_add(res, "runs", json_object_get(runs));
	return res;
}
