/* SPDX-License-Identifier: MIT */
/*
 * `cvm eval compare A B`: two result sets side by side.  For every cell
 * and metric both hold, the medians, B / A and B - A with percentile-
 * bootstrap 95% intervals computed from the runs each set carries, and
 * a verdict that calls a change only when the interval of B / A leaves
 * out 1.  See cvm_eval_compare() in cvm/eval.h.
 */
#include <math.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "eval-priv.h"

#define COMPARE_SCHEMA "cvm-eval-compare/1"

static struct json_object *
get(struct json_object *o, const char *k)
{
	return json_object_object_get(o, k);
}

static struct json_object *
find_cell(struct json_object *res, const char *id)
{
	struct json_object *cells = get(res, "cells");

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);

		if (!strcmp(eval_json_str(c, "id"), id))
			return c;
	}
	return NULL;
}

static struct json_object *
side(struct json_object *res)
{
	struct json_object *o = json_object_new_object();
	struct json_object *env = get(res, "environment");

	json_object_object_add(o, "generated",
			       json_object_get(get(res, "generated")));
	json_object_object_add(o, "accelerator",
			       json_object_get(get(env, "accelerator")));
	json_object_object_add(o, "emulated",
			       json_object_get(get(env, "emulated")));
	json_object_object_add(
		o, "cpu_model",
		json_object_get(get(get(env, "host"), "cpu_model")));
	return o;
}

static void
add_num(struct json_object *o, const char *k, double v)
{
	json_object_object_add(o, k, isfinite(v) ? eval_jnum(v) : NULL);
}

/* One row, or NULL when either side has no valid value. */
static struct json_object *
row(struct json_object *a, struct json_object *b, const char *cell,
    const char *metric)
{
	cleanup_free double *va = NULL, *vb = NULL;
	const char *unit = "";
	size_t na = eval_run_values(get(a, "runs"), cell, metric, &va, &unit);
	size_t nb = eval_run_values(get(b, "runs"), cell, metric, &vb, NULL);
	struct cvm_stats_ratio r, d;
	struct json_object *o;
	bool higher = eval_metric_higher_better(unit), ok;
	const char *verdict;

	if (!na || !nb)
		return NULL;
	ok = cvm_stats_ratio(vb, nb, va, na, CVM_STATS_RESAMPLES,
			     CVM_STATS_SEED, &r) == 0;
	if (cvm_stats_diff(vb, nb, va, na, CVM_STATS_RESAMPLES, CVM_STATS_SEED,
			   &d) < 0)
		return NULL;
	if (!ok || (r.ci_low <= 1 && r.ci_high >= 1))
		verdict = "no clear change";
	else
		verdict = (r.ci_low > 1) == higher ? "better" : "worse";
	o = json_object_new_object();
	json_object_object_add(o, "cell", json_object_new_string(cell));
	json_object_object_add(o, "metric", json_object_new_string(metric));
	json_object_object_add(o, "unit", json_object_new_string(unit));
	json_object_object_add(
		o, "better",
		json_object_new_string(higher ? "higher" : "lower"));
	json_object_object_add(o, "n_a", json_object_new_int((int)na));
	json_object_object_add(o, "n_b", json_object_new_int((int)nb));
	add_num(o, "median_a", cvm_stats_median(va, na));
	add_num(o, "median_b", cvm_stats_median(vb, nb));
	add_num(o, "ratio", ok ? r.ratio : NAN);
	add_num(o, "ratio_ci_low", ok ? r.ci_low : NAN);
	add_num(o, "ratio_ci_high", ok ? r.ci_high : NAN);
	add_num(o, "diff", d.ratio);
	add_num(o, "diff_ci_low", d.ci_low);
	add_num(o, "diff_ci_high", d.ci_high);
	json_object_object_add(o, "change", json_object_new_string(verdict));
	return o;
}

/* cells of `x` missing from `y` */
static struct json_object *
only(struct json_object *x, struct json_object *y)
{
	struct json_object *out = json_object_new_array();
	struct json_object *cells = get(x, "cells");

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		const char *id = eval_json_str(
			json_object_array_get_idx(cells, i), "id");

		if (!find_cell(y, id))
			json_object_array_add(out, json_object_new_string(id));
	}
	return out;
}

static struct json_object *
warnings(struct json_object *a, struct json_object *b)
{
	struct json_object *w = json_object_new_array();
	struct json_object *ea = get(a, "environment"),
			   *eb = get(b, "environment");

	if (strcmp(eval_json_str(ea, "accelerator"),
		   eval_json_str(eb, "accelerator")))
		json_object_array_add(
			w, json_object_new_string("A and B ran under different "
						  "accelerators"));
	if (strcmp(eval_json_str(get(ea, "host"), "cpu_model"),
		   eval_json_str(get(eb, "host"), "cpu_model")))
		json_object_array_add(
			w, json_object_new_string("A and B ran on different "
						  "CPU models"));
	if (json_object_get_boolean(get(ea, "emulated")) ||
	    json_object_get_boolean(get(eb, "emulated")))
		json_object_array_add(
			w, json_object_new_string("TCG runs are emulated: "
						  "their times are not "
						  "hardware speed"));
	return w;
}

struct json_object *
cvm_eval_compare(struct json_object *a, struct json_object *b)
{
	struct json_object *o = json_object_new_object();
	struct json_object *rows = json_object_new_array();
	struct json_object *cells = get(a, "cells");

	json_object_object_add(o, "schema",
			       json_object_new_string(COMPARE_SCHEMA));
	json_object_object_add(o, "a", side(a));
	json_object_object_add(o, "b", side(b));
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *ca = json_object_array_get_idx(cells, i);
		const char *id = eval_json_str(ca, "id");
		struct json_object *cb = find_cell(b, id);
		struct json_object *ms = get(ca, "metrics");
		struct json_object_iterator it, end;

		if (!cb || !ms)
			continue;
		EVAL_EACH(ms, it, end)
		{
			const char *m = EVAL_KEY(it);
			struct json_object *r;

			if (!get(get(cb, "metrics"), m))
				continue;
			r = row(a, b, id, m);
			if (r)
				json_object_array_add(rows, r);
		}
	}
	json_object_object_add(o, "rows", rows);
	json_object_object_add(o, "only_a", only(a, b));
	json_object_object_add(o, "only_b", only(b, a));
	json_object_object_add(o, "warnings", warnings(a, b));
	return o;
}
