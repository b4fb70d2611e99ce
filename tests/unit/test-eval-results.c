/* SPDX-License-Identifier: MIT */
/*
 * lib/eval: results.json from a plan and runs (statistics over the valid
 * measured runs only, unikernel-vs-Linux ratios, protection overheads),
 * results.csv, the report's first line, and `compare`.  The runs are
 * synthetic, so every expected value is computed here by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/eval/eval-priv.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "test-tmpdir.h"

#define EPS 1e-9

static char tmpdir[] = "/tmp/cvm-eval-res-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return test_tmpdir_make(tmpdir);
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(tmpdir);
}

static const char plan_text[] =
	"{\"schema\": \"cvm-eval-plan/1\","
	" \"fingerprint\": {\"cells\": \"x\", \"class\": \"S\"},"
	" \"config\": {\"class\": \"S\", \"repeat\": 3, \"warmup\": 1,"
	"   \"vcpus\": 1, \"memory_mib\": 256},"
	" \"cells\": ["
	"  {\"id\": \"unikernel/none/ep/S\", \"guest\": \"unikernel\","
	"   \"protection\": \"none\", \"workload\": \"ep\", \"class\": \"S\","
	"   \"skipped\": false, \"reason\": null},"
	"  {\"id\": \"linux/none/ep/S\", \"guest\": \"linux\","
	"   \"protection\": \"none\", \"workload\": \"ep\", \"class\": \"S\","
	"   \"skipped\": false, \"reason\": null},"
	"  {\"id\": \"unikernel/sev/ep/S\", \"guest\": \"unikernel\","
	"   \"protection\": \"sev\", \"workload\": \"ep\", \"class\": \"S\","
	"   \"skipped\": false, \"reason\": null},"
	"  {\"id\": \"linux/sev-snp/ep/S\", \"guest\": \"linux\","
	"   \"protection\": \"sev-snp\", \"workload\": \"ep\","
	"   \"class\": \"S\", \"skipped\": true,"
	"   \"reason\": \"no SNP on this host\"}],"
	" \"guests\": {},"
	" \"sessions\": [{\"accelerator\": \"tcg\", \"emulated\": true,"
	"   \"host\": {\"cpu_model\": \"test CPU\"},"
	"   \"sev\": {\"max_protection\": \"none\"}}]}";

/* One run record: workload.time `t` s, boot.workload_start `ws` ms. */
static struct json_object *
run(const char *cell, int rep, bool ok, double t, double ws)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"cell\": \"%s\", \"rep\": %d, \"warmup\": %s, \"ok\": %s,"
		 " \"error\": %s, \"host_ms\": {\"exit\": 1000},"
		 " \"metrics\": {\"workload.time\": {\"value\": %.17g,"
		 " \"unit\": \"s\"}, \"workload.mops\": {\"value\": %.17g,"
		 " \"unit\": \"Mop/s\"}, \"boot.workload_start\":"
		 " {\"value\": %.17g, \"unit\": \"ms\"}}}",
		 cell, rep, rep < 1 ? "true" : "false", ok ? "true" : "false",
		 ok ? "null" : "\"guest fault\"", t, 100 / t, ws);
	return json_tokener_parse(text);
}

/*
 * unikernel/none: times 2, 4, 3 (median 3); warm-up 100 and a failed
 * 500 must not count.  linux/none: 6, 9, 12 (median 9).  unikernel/sev:
 * 3.3, 3.3, 3.3 (median 3.3).  linux/sev-snp: skipped.
 */
static struct json_object *
runs_fixture(void)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, run("unikernel/none/ep/S", 0, true, 100, 9));
	json_object_array_add(a, run("unikernel/none/ep/S", 1, true, 2, 10));
	json_object_array_add(a, run("unikernel/none/ep/S", 2, true, 4, 12));
	json_object_array_add(a, run("unikernel/none/ep/S", 3, false, 500, 1));
	json_object_array_add(a, run("unikernel/none/ep/S", 3, true, 3, 14));
	json_object_array_add(a, run("linux/none/ep/S", 0, true, 50, 2000));
	json_object_array_add(a, run("linux/none/ep/S", 1, true, 6, 3000));
	json_object_array_add(a, run("linux/none/ep/S", 2, true, 9, 3600));
	json_object_array_add(a, run("linux/none/ep/S", 3, true, 12, 4200));
	json_object_array_add(a, run("unikernel/sev/ep/S", 1, true, 3.3, 20));
	json_object_array_add(a, run("unikernel/sev/ep/S", 2, true, 3.3, 20));
	json_object_array_add(a, run("unikernel/sev/ep/S", 3, true, 3.3, 20));
	return a;
}

static struct json_object *
find(struct json_object *arr, const char *key, const char *val,
     const char *metric)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		if (!strcmp(eval_json_str(o, key), val) &&
		    (!metric || !strcmp(eval_json_str(o, "metric"), metric)))
			return o;
	}
	return NULL;
}

static struct json_object *
build(void)
{
	struct json_object *plan = json_tokener_parse(plan_text);
	struct json_object *runs = runs_fixture();
	struct json_object *res;

	assert_non_null(plan);
	res = cvm_eval_results_build(plan, runs);
	json_object_put(plan);
	json_object_put(runs);
	return res;
}

static void
test_cell_statistics(void **state)
{
	struct json_object *res = build();
	struct json_object *cells = json_object_object_get(res, "cells");
	struct json_object *uk = find(cells, "id", "unikernel/none/ep/S", NULL);
	struct json_object *t = json_object_object_get(
		json_object_object_get(uk, "metrics"), "workload.time");

	(void)state;
	assert_string_equal(eval_json_str(res, "schema"), CVM_EVAL_SCHEMA);
	/* the skipped cell is not a result cell but is listed */
	assert_int_equal(json_object_array_length(cells), 3);
	assert_null(find(cells, "id", "linux/sev-snp/ep/S", NULL));
	assert_non_null(find(json_object_object_get(res, "skipped"), "id",
			     "linux/sev-snp/ep/S", NULL));
	/* warm-up (100) and the failed run (500) are left out */
	assert_float_equal(eval_json_num(t, "n", 0), 3, 0);
	assert_float_equal(eval_json_num(t, "median", 0), 3, EPS);
	assert_float_equal(eval_json_num(t, "q1", 0), 2.5, EPS);
	assert_float_equal(eval_json_num(t, "q3", 0), 3.5, EPS);
	assert_float_equal(eval_json_num(t, "max", 0), 4, EPS);
	assert_string_equal(eval_json_str(t, "better"), "lower");
	assert_string_equal(
		eval_json_str(json_object_object_get(
				      json_object_object_get(uk, "metrics"),
				      "workload.mops"),
			      "better"),
		"higher");
	assert_float_equal(eval_json_num(uk, "runs", 0), 4, 0);
	assert_float_equal(eval_json_num(uk, "failed", 0), 1, 0);
	assert_string_equal(eval_json_str(uk, "primary"), "workload.time");
	assert_int_equal(json_object_array_length(
				 json_object_object_get(res, "failures")),
			 1);
	/* 3 cells x (1 + 3) rounds planned; unikernel/sev lacks its
	 * warm-up */
	assert_float_equal(eval_json_num(res, "planned_runs", 0), 12, 0);
	assert_float_equal(eval_json_num(res, "finished_runs", 0), 11, 0);
	assert_false(json_object_get_boolean(
		json_object_object_get(res, "complete")));
	json_object_put(res);
}

static void
test_ratios_and_overheads(void **state)
{
	struct json_object *res = build();
	struct json_object *ratios = json_object_object_get(res, "ratios");
	struct json_object *ovh = json_object_object_get(res, "overheads");
	struct json_object *r, *o;

	(void)state;
	/* lower is better: linux / unikernel = 9 / 3 */
	r = find(ratios, "protection", "none", "workload.time");
	assert_non_null(r);
	assert_float_equal(eval_json_num(r, "factor", 0), 3, EPS);
	assert_true(eval_json_num(r, "ci_low", 0) <= 3 &&
		    eval_json_num(r, "ci_high", 0) >= 3);
	/* time to workload start: linux / unikernel = 3600 / 12 */
	r = find(ratios, "metric", "boot.workload_start", NULL);
	assert_non_null(r);
	assert_float_equal(eval_json_num(r, "factor", 0), 3600.0 / 12, EPS);
	/* the slowdown of sev against none for the unikernel: 3.3 / 3 */
	o = find(ovh, "protection", "sev", "workload.time");
	assert_non_null(o);
	assert_string_equal(eval_json_str(o, "guest"), "unikernel");
	assert_float_equal(eval_json_num(o, "factor", 0), 1.1, 1e-9);
	/* none against itself, and linux (no sev cell), are not compared */
	assert_null(find(ovh, "guest", "linux", NULL));
	assert_null(find(ovh, "protection", "none", NULL));
	json_object_put(res);
}

static void
test_csv(void **state)
{
	struct json_object *res = build();
	struct cvm_buf b = CVM_BUF_INIT;
	size_t lines = 0;

	(void)state;
	cvm_eval_results_csv(res, &b);
	for (size_t i = 0; i < b.len; i++)
		lines += b.data[i] == '\n';
	/* the header and 3 cells x 3 metrics */
	assert_int_equal(lines, 1 + 9);
	assert_true(strncmp(b.data, "guest,protection,workload,class,boot,",
			    37) == 0);
	assert_non_null(strstr(b.data, "unikernel,none,ep,S,pvh,tcg (emulated),"
				       "workload.time,s,lower,3,3,2.5,3.5,1,"));
	assert_non_null(strstr(b.data, "unikernel,sev,ep,S,efi,"));
	cvm_buf_release(&b);
	json_object_put(res);
}

static void
test_report_first_line(void **state)
{
	struct json_object *res = build();
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_buf md = CVM_BUF_INIT, html = CVM_BUF_INIT;
	char *p;

	(void)state;
	assert_int_equal(cvm_eval_report_write(res, tmpdir, &err), 0);
	p = cvm_xasprintf("%s/report.md", tmpdir);
	assert_int_equal(cvm_file_read(p, &md, 0, &err), 0);
	free(p);
	p = cvm_xasprintf("%s/report.html", tmpdir);
	assert_int_equal(cvm_file_read(p, &html, 0, &err), 0);
	free(p);
	/* a host without SEV says so first; TCG is emulated */
	assert_true(strncmp(md.data, "**This host cannot run SEV", 26) == 0);
	assert_non_null(
		strstr(strchr(md.data, '\n') ? md.data : "", "emulated"));
	assert_non_null(strstr(md.data, "Incomplete: 11 of 12"));
	assert_non_null(strstr(md.data, "no SNP on this host"));
	assert_non_null(strstr(md.data, "| unikernel | none | ep | S | "
					"workload.time | 3 ["));
	assert_non_null(strstr(html.data, "<table>"));
	assert_non_null(strstr(html.data, "<p class=\"strong\">This host"));
	cvm_buf_release(&md);
	cvm_buf_release(&html);
	json_object_put(res);
}

static void
test_compare(void **state)
{
	struct json_object *a = build(), *b = build(), *c, *rows, *r;
	struct json_object *bruns = json_object_object_get(b, "runs");

	(void)state;
	/* B: the linux cell's times tripled (18, 27, 36): every resampled
	 * ratio of medians is at least 18 / 12 > 1 */
	for (size_t i = 0; i < json_object_array_length(bruns); i++) {
		struct json_object *x = json_object_array_get_idx(bruns, i);
		struct json_object *t = json_object_object_get(
			json_object_object_get(x, "metrics"), "workload.time");

		if (!strcmp(eval_json_str(x, "cell"), "linux/none/ep/S"))
			json_object_object_add(
				t, "value",
				json_object_new_double(
					3 * eval_json_num(t, "value", 0)));
	}
	c = cvm_eval_compare(a, b);
	rows = json_object_object_get(c, "rows");
	r = find(rows, "cell", "linux/none/ep/S", "workload.time");
	assert_non_null(r);
	assert_float_equal(eval_json_num(r, "ratio", 0), 3, EPS);
	assert_float_equal(eval_json_num(r, "diff", 0), 18, EPS);
	assert_true(eval_json_num(r, "ratio_ci_low", 0) >= 1.5);
	assert_string_equal(eval_json_str(r, "change"), "worse");
	r = find(rows, "cell", "unikernel/none/ep/S", "workload.time");
	assert_string_equal(eval_json_str(r, "change"), "no clear change");
	assert_int_equal(
		json_object_array_length(json_object_object_get(c, "only_a")),
		0);
	json_object_put(c);
	json_object_put(a);
	json_object_put(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell_statistics),
		cmocka_unit_test(test_ratios_and_overheads),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_report_first_line),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
