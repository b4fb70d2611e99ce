/* SPDX-License-Identifier: MIT */
/*
 * results.csv: one row per cell and metric with its statistics
 * (RFC 4180: comma-separated, CRLF not required, fields with a comma or
 * a quote quoted).  Columns in docs/results-schema.md.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "eval-priv.h"

static void
field(struct cvm_buf *b, const char *s, bool last)
{
	if (strpbrk(s, ",\"\n")) {
		cvm_buf_addch(b, '"');
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				cvm_buf_addch(b, '"');
			cvm_buf_addch(b, *p);
		}
		cvm_buf_addch(b, '"');
	} else {
		cvm_buf_adds(b, s);
	}
	cvm_buf_addch(b, last ? '\n' : ',');
}

static void
number(struct cvm_buf *b, double v, bool last)
{
	char s[40] = "";

	if (isfinite(v))
		snprintf(s, sizeof(s), "%.10g", v);
	field(b, s, last);
}

void
cvm_eval_results_csv(struct json_object *res, struct cvm_buf *out)
{
	static const char *const head[] = {
		"guest",       "protection", "workload", "class",  "boot",
		"accelerator", "metric",     "unit",	 "better", "n",
		"median",      "q1",	     "q3",	 "iqr",	   "ci_low",
		"ci_high",     "min",	     "max",	 "mean"};
	static const char *const nums[] = {"median", "q1",     "q3",
					   "iqr",    "ci_low", "ci_high",
					   "min",    "max",    "mean"};
	struct json_object *env = json_object_object_get(res, "environment");
	struct json_object *cells = json_object_object_get(res, "cells");
	const char *accel = eval_json_str(env, "accelerator");
	char acc[32];
	size_t n = json_object_array_length(cells);

	snprintf(
		acc, sizeof(acc), "%s%s", accel,
		json_object_get_boolean(json_object_object_get(env, "emulated"))
			? " (emulated)"
			: "");
	for (size_t i = 0; i < CVM_ARRAY_SIZE(head); i++)
		field(out, head[i], i + 1 == CVM_ARRAY_SIZE(head));
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		struct json_object *ms = json_object_object_get(c, "metrics");
		const char *prot = eval_json_str(c, "protection");
		struct json_object_iterator it, end;

		if (!ms)
			continue;
		EVAL_EACH(ms, it, end)
		{
			const char *name = EVAL_KEY(it);
			struct json_object *st = EVAL_VAL(it);
			char cnt[16];

			field(out, eval_json_str(c, "guest"), false);
			field(out, prot, false);
			field(out, eval_json_str(c, "workload"), false);
			field(out, eval_json_str(c, "class"), false);
			field(out, strcmp(prot, "none") ? "efi" : "pvh", false);
			field(out, acc, false);
			field(out, name, false);
			field(out, eval_json_str(st, "unit"), false);
			field(out, eval_json_str(st, "better"), false);
			snprintf(cnt, sizeof(cnt), "%d",
				 (int)eval_json_num(st, "n", 0));
			field(out, cnt, false);
			for (size_t k = 0; k < CVM_ARRAY_SIZE(nums); k++)
				number(out, eval_json_num(st, nums[k], NAN),
				       k + 1 == CVM_ARRAY_SIZE(nums));
		}
	}
}
