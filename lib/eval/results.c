/* SPDX-License-Identifier: MIT */
/*
 * The parts of results.json that describe the evaluation rather than
 * summarise it (schema, environment, config, skipped cells, failures,
 * completeness), loading a result set, and writing every output file of
 * a folder.  See cvm/eval.h and docs/results-schema.md.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/version.h"
#include "eval-priv.h"

#define RESULTS_MAX (1u << 30)

static struct json_object *
statistics_json(void)
{
	struct json_object *o = json_object_new_object();
	char seed[32];

	snprintf(seed, sizeof(seed), "0x%016llx",
		 (unsigned long long)CVM_STATS_SEED);
	json_object_object_add(o, "center", json_object_new_string("median"));
	json_object_object_add(
		o, "quantiles",
		json_object_new_string("linear interpolation, h = (n - 1) q "
				       "(Hyndman & Fan type 7)"));
	json_object_object_add(
		o, "interval",
		json_object_new_string("95% percentile bootstrap of the "
				       "median (of the ratio or difference "
				       "of medians for comparisons)"));
	json_object_object_add(o, "resamples",
			       json_object_new_int(CVM_STATS_RESAMPLES));
	json_object_object_add(o, "seed", json_object_new_string(seed));
	json_object_object_add(
		o, "generator",
		json_object_new_string("splitmix64; index = (rand * n) >> 64"));
	json_object_object_add(
		o, "counted",
		json_object_new_string("valid measured runs: warm-ups and "
				       "failed runs are left out"));
	return o;
}

/* skipped cells, and failed runs (warm-ups included) */
static void
add_lists(struct json_object *res, struct json_object *plan,
	  struct json_object *runs)
{
	struct json_object *cells = json_object_object_get(plan, "cells");
	struct json_object *sk = json_object_new_array(),
			   *fl = json_object_new_array();
	size_t n = json_object_array_length(cells);

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);

		if (json_object_get_boolean(
			    json_object_object_get(c, "skipped")))
			json_object_array_add(sk, json_object_get(c));
	}
	n = json_object_array_length(runs);
	for (size_t i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(runs, i);
		struct json_object *o;

		if (json_object_get_boolean(json_object_object_get(r, "ok")))
			continue;
		o = json_object_new_object();
		json_object_object_add(
			o, "cell",
			json_object_get(json_object_object_get(r, "cell")));
		json_object_object_add(
			o, "rep",
			json_object_get(json_object_object_get(r, "rep")));
		json_object_object_add(
			o, "warmup",
			json_object_get(json_object_object_get(r, "warmup")));
		json_object_object_add(
			o, "error",
			json_object_get(json_object_object_get(r, "error")));
		json_object_array_add(fl, o);
	}
	json_object_object_add(res, "skipped", sk);
	json_object_object_add(res, "failures", fl);
}

/* planned runs, and how many of them the folder holds */
static void
add_progress(struct json_object *res, struct json_object *plan,
	     struct json_object *runs)
{
	struct json_object *cfg = json_object_object_get(plan, "config");
	struct json_object *cells = json_object_object_get(plan, "cells");
	unsigned rounds = (unsigned)(eval_json_num(cfg, "warmup", 0) +
				     eval_json_num(cfg, "repeat", 0));
	size_t n = json_object_array_length(cells), planned = 0, have = 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);

		if (json_object_get_boolean(
			    json_object_object_get(c, "skipped")))
			continue;
		for (unsigned r = 0; r < rounds; r++) {
			planned++;
			have += eval_runs_have(runs, eval_json_str(c, "id"), r);
		}
	}
	json_object_object_add(res, "planned_runs",
			       json_object_new_int((int)planned));
	json_object_object_add(res, "finished_runs",
			       json_object_new_int((int)have));
	json_object_object_add(res, "complete",
			       json_object_new_boolean(have == planned));
}

struct json_object *
eval_results_meta(struct json_object *plan, struct json_object *runs)
{
	struct json_object *res = json_object_new_object();
	struct json_object *sessions = json_object_object_get(plan, "sessions");
	char when[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(res, "schema",
			       json_object_new_string(CVM_EVAL_SCHEMA));
	json_object_object_add(res, "generated_by",
			       json_object_new_string("cvm " CVM_VERSION));
	json_object_object_add(res, "generated", json_object_new_string(when));
	json_object_object_add(
		res, "environment",
		json_object_get(json_object_array_get_idx(sessions, 0)));
	json_object_object_add(res, "sessions", json_object_get(sessions));
	json_object_object_add(res, "statistics", statistics_json());
	json_object_object_add(
		res, "config",
		json_object_get(json_object_object_get(plan, "config")));
	json_object_object_add(
		res, "guests",
		json_object_get(json_object_object_get(plan, "guests")));
	add_progress(res, plan, runs);
	add_lists(res, plan, runs);
	return res;
}

int
cvm_eval_results_load(const char *path, struct json_object **out,
		      struct cvm_err *err)
{
	cleanup_free char *file = NULL;
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct stat st;
	int r;

	*out = NULL;
	file = stat(path, &st) == 0 && S_ISDIR(st.st_mode)
		       ? cvm_xasprintf("%s/results.json", path)
		       : cvm_xstrdup(path);
	if ((r = cvm_file_read(file, &b, RESULTS_MAX, err)) < 0)
		return r;
	*out = json_tokener_parse(cvm_buf_str(&b));
	if (!*out || strcmp(eval_json_str(*out, "schema"), CVM_EVAL_SCHEMA)) {
		json_object_put(*out);
		*out = NULL;
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s' is not a cvm eval results.json "
				   "(schema %s)",
				   file, CVM_EVAL_SCHEMA);
	}
	return 0;
}

static int
write_text(const char *dir, const char *name, const char *text,
	   struct cvm_err *err)
{
	cleanup_free char *p = cvm_xasprintf("%s/%s", dir, name);

	return cvm_file_write_atomic(p, text, strlen(text), 0644, err);
}

int
cvm_eval_report_dir(const char *dir, struct cvm_err *err)
{
	struct json_object *plan = NULL, *runs = NULL, *res;
	cleanup_buf struct cvm_buf csv = CVM_BUF_INIT;
	cleanup_free char *plots = cvm_xasprintf("%s/plots", dir);
	size_t made = 0;
	int r;

	if ((r = eval_store_load(dir, &plan, &runs, err)) < 0)
		return r;
	res = cvm_eval_results_build(plan, runs);
	json_object_put(plan);
	json_object_put(runs);
	cvm_eval_results_csv(res, &csv);
	if ((r = write_text(
		     dir, "results.json",
		     json_object_to_json_string_ext(
			     res, JSON_C_TO_STRING_PRETTY |
					  JSON_C_TO_STRING_SPACED |
					  JSON_C_TO_STRING_NOSLASHESCAPE),
		     err)) < 0 ||
	    (r = write_text(dir, "results.csv", cvm_buf_str(&csv), err)) < 0 ||
	    (r = cvm_mkdir_p(plots, 0755, err)) < 0)
		goto out;
	r = cvm_eval_plots(res, plots, &made, err);
	if (r == -ENOENT) { /* no gnuplot: the report says so */
		json_object_object_add(
			res, "plots_error",
			json_object_new_string(err ? err->msg
						   : "gnuplot is missing"));
		cvm_err_clear(err);
	} else if (r < 0)
		goto out;
	json_object_object_add(res, "plots_made",
			       json_object_new_int((int)made));
	r = cvm_eval_report_write(res, dir, err);
out:
	json_object_put(res);
	return r;
}
