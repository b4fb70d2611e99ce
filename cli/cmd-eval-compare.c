/* SPDX-License-Identifier: MIT */
/*
 * `cvm eval compare A B`: the differences between two result sets (each
 * a results.json or a folder holding one): per cell and metric the two
 * medians, B / A with its 95% bootstrap interval, and whether B is
 * clearly better or worse.  lib/eval's cvm_eval_compare() does the work.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "cvm/eval.h"
#include "out.h"

#define USAGE "cvm eval compare"

static const char *
cmp_num(char *buf, size_t size, struct json_object *o, const char *key)
{
	struct json_object *v = json_object_object_get(o, key);

	if (!v)
		return "-";
	snprintf(buf, size, "%.4g", json_object_get_double(v));
	return buf;
}

/* the metrics shown without --all: each workload's own, and boot */
static bool
cmp_shown(const char *metric)
{
	return !strcmp(metric, "workload.time") ||
	       !strcmp(metric, "workload.triad") ||
	       !strcmp(metric, "boot.workload_start") ||
	       !strcmp(metric, "qemu.peak_rss");
}

static void
cmp_print(struct json_object *c, bool all)
{
	static const char *const head[] = {"cell", "metric",	   "A",
					   "B",	   "B/A [95% CI]", "change"};
	struct json_object *rows = json_object_object_get(c, "rows");
	struct json_object *w = json_object_object_get(c, "warnings");
	struct out_table *t = out_table_new(6, head);

	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		struct json_object *r = json_object_array_get_idx(rows, i);
		const char *m = json_object_get_string(
			json_object_object_get(r, "metric"));
		char a[32], b[32], x[32], lo[32], hi[32], ci[112];
		const char *cells[6];

		if (!all && !cmp_shown(m))
			continue;
		snprintf(ci, sizeof(ci), "%s [%s, %s]",
			 cmp_num(x, sizeof(x), r, "ratio"),
			 cmp_num(lo, sizeof(lo), r, "ratio_ci_low"),
			 cmp_num(hi, sizeof(hi), r, "ratio_ci_high"));
		cells[0] = json_object_get_string(
			json_object_object_get(r, "cell"));
		cells[1] = m;
		cells[2] = cmp_num(a, sizeof(a), r, "median_a");
		cells[3] = cmp_num(b, sizeof(b), r, "median_b");
		cells[4] = ci;
		cells[5] = json_object_get_string(
			json_object_object_get(r, "change"));
		out_table_row(t, cells);
	}
	out_table_print(t, stdout);
	out_table_free(t);
	for (size_t i = 0; i < json_object_array_length(w); i++)
		printf("note: %s\n",
		       json_object_get_string(json_object_array_get_idx(w, i)));
	for (int k = 0; k < 2; k++) {
		struct json_object *o =
			json_object_object_get(c, k ? "only_b" : "only_a");

		for (size_t i = 0; i < json_object_array_length(o); i++)
			printf("only in %c: %s\n", k ? 'B' : 'A',
			       json_object_get_string(
				       json_object_array_get_idx(o, i)));
	}
}

static int
compare_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", 0, NULL, 'j'},
		{"all", 0, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	struct json_object *a = NULL, *b = NULL, *c;
	struct cvm_err err = CVM_ERR_INIT;
	bool json = false, all = false;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == '?')
			return cli_usage(USAGE,
					 "unknown or incomplete option '%s'",
					 argv[optind - 1]);
		json |= ch == 'j';
		all |= ch == 'a';
	}
	if (argc - optind != 2)
		return cli_usage(USAGE, "give two result sets, A and B");
	if (cvm_eval_results_load(argv[optind], &a, &err) < 0 ||
	    cvm_eval_results_load(argv[optind + 1], &b, &err) < 0) {
		json_object_put(a);
		return cli_error(&err);
	}
	c = cvm_eval_compare(a, b);
	json_object_put(a);
	json_object_put(b);
	if (json)
		out_json(c);
	else {
		cmp_print(c, all);
		json_object_put(c);
	}
	return 0;
}

const struct cvm_cmd cmd_eval_compare = {
	.name = "compare",
	.summary = "show the differences between two evaluation result sets, "
		   "with intervals",
	.usage = "cvm eval compare [--all] [--json] A B",
	.help = "A and B are results.json files or folders holding one "
		"(cvm eval --out).\nFor every cell and metric both hold: the "
		"medians, B/A with its 95% percentile-\nbootstrap interval "
		"(2000 resamples of the runs each set carries, fixed seed),\n"
		"and 'better' or 'worse' only when that interval leaves out "
		"1.\n\noptions:\n"
		"  --all   every metric (default: the workload's own, time to "
		"workload start,\n          QEMU peak RSS)\n"
		"  --json  the comparison as JSON (docs/results-schema.md)\n",
	.run = compare_run,
};
