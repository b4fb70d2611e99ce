/* SPDX-License-Identifier: MIT */
/*
 * The report's body: guests and images, skipped cells, the workload and
 * boot tables, memory, unikernel-vs-Linux ratios, protection overheads,
 * the plots, failed runs and the files.  See eval_report_body() in
 * eval-priv.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "eval-priv.h"

static struct json_object *
get(struct json_object *o, const char *k)
{
	return json_object_object_get(o, k);
}

static const char *
num(char *buf, size_t size, double v)
{
	eval_fmt_num(buf, size, v);
	return buf;
}

/* "12.3 [11.9, 12.8]" of a statistics object's `key` and its CI */
static void
add_ci(struct eval_cells *c, struct json_object *st, const char *key)
{
	char m[32], lo[32], hi[32];

	if (!st) {
		eval_cells_add(c, "-");
		return;
	}
	eval_cells_add(c, "%s [%s, %s]",
		       num(m, sizeof(m), eval_json_num(st, key, NAN)),
		       num(lo, sizeof(lo), eval_json_num(st, "ci_low", NAN)),
		       num(hi, sizeof(hi), eval_json_num(st, "ci_high", NAN)));
}

static void
guests(struct eval_doc *d, struct json_object *res)
{
	static const char *const head[] = {"guest", "image", "bytes", "path"};
	struct eval_cells c = {0};
	struct json_object *gs = get(res, "guests");
	struct json_object_iterator it, end;

	eval_doc_heading(d, 2, "Guests");
	eval_doc_para(d, "Protection none boots each guest directly (PVH: the "
			 "unikernel's ELF, Linux's vmlinux extracted from "
			 "Debian's bzImage); protected levels boot OVMF with "
			 "the EFI image (the unikernel's .efi, the bzImage). "
			 "The Linux guest's initramfs holds only cvm's static "
			 "init, which runs the same workload sources as the "
			 "unikernel in its own process.");
	if (!gs)
		return;
	EVAL_EACH(gs, it, end)
	{
		const char *name = EVAL_KEY(it);
		struct json_object *imgs = get(EVAL_VAL(it), "images");

		for (size_t i = 0; i < json_object_array_length(imgs); i++) {
			struct json_object *im =
				json_object_array_get_idx(imgs, i);

			eval_cells_add(&c, "%s", name);
			eval_cells_add(&c, "%s", eval_json_str(im, "role"));
			eval_cells_add(&c, "%s", eval_json_str(im, "bytes"));
			eval_cells_add(&c, "%s", eval_json_str(im, "path"));
		}
	}
	eval_cells_table(d, &c, 4, head);
}

/* skipped cells, one row per level and reason */
static void
skipped(struct eval_doc *d, struct json_object *res)
{
	static const char *const head[] = {"protection", "cells", "reason"};
	struct json_object *sk = get(res, "skipped");
	size_t n = json_object_array_length(sk);
	struct eval_cells c = {0};

	eval_doc_heading(d, 2, "Skipped");
	if (!n) {
		eval_doc_para(d, "Nothing was skipped.");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(sk, i);
		const char *p = eval_json_str(a, "protection");
		const char *why = eval_json_str(a, "reason");
		cleanup_buf struct cvm_buf ids = CVM_BUF_INIT;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++) {
			struct json_object *b =
				json_object_array_get_idx(sk, j);

			seen = !strcmp(eval_json_str(b, "protection"), p) &&
			       !strcmp(eval_json_str(b, "reason"), why);
		}
		for (size_t j = i; j < n && !seen; j++) {
			struct json_object *b =
				json_object_array_get_idx(sk, j);

			if (!strcmp(eval_json_str(b, "protection"), p) &&
			    !strcmp(eval_json_str(b, "reason"), why))
				cvm_buf_addf(&ids, "%s%s", ids.len ? ", " : "",
					     eval_json_str(b, "id"));
		}
		if (seen)
			continue;
		eval_cells_add(&c, "%s", p);
		eval_cells_add(&c, "%s", cvm_buf_str(&ids));
		eval_cells_add(&c, "%s", why);
	}
	eval_cells_table(d, &c, 3, head);
}

static void
workloads(struct eval_doc *d, struct json_object *res, const char *emu)
{
	static const char *const head[] = {
		"guest", "protection", "workload",
		"class", "metric",     "median [95% CI]",
		"IQR",	 "unit",       "runs (failed)"};
	struct json_object *cells = get(res, "cells");
	struct eval_cells c = {0};
	cleanup_free char *h = cvm_xasprintf("Workload results%s", emu);

	eval_doc_heading(d, 2, h);
	eval_doc_para(d, "Each workload's own metric (NPB: time of the timed "
			 "section; STREAM: triad bandwidth; hello: time to "
			 "workload start), over the valid measured runs.");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *x = json_object_array_get_idx(cells, i);
		const char *m = eval_json_str(x, "primary");
		struct json_object *st = get(get(x, "metrics"), m);
		char iqr[32];

		eval_cells_add(&c, "%s", eval_json_str(x, "guest"));
		eval_cells_add(&c, "%s", eval_json_str(x, "protection"));
		eval_cells_add(&c, "%s", eval_json_str(x, "workload"));
		eval_cells_add(&c, "%s", eval_json_str(x, "class"));
		eval_cells_add(&c, "%s", m);
		add_ci(&c, st, "median");
		eval_cells_add(
			&c, "%s",
			num(iqr, sizeof(iqr), eval_json_num(st, "iqr", NAN)));
		eval_cells_add(&c, "%s", st ? eval_json_str(st, "unit") : "-");
		eval_cells_add(&c, "%d (%d)", (int)eval_json_num(x, "runs", 0),
			       (int)eval_json_num(x, "failed", 0));
	}
	eval_cells_table(d, &c, 9, head);
}

static void
boot(struct eval_doc *d, struct json_object *res, const char *emu)
{
	static const char *const head[] = {"guest",
					   "protection",
					   "workload",
					   "first output",
					   "guest main / init",
					   "workload start",
					   "workload end",
					   "exit"};
	static const char *const ph[] = {"boot.first_output", "boot.guest_main",
					 "boot.workload_start",
					 "boot.workload_end", "boot.exit"};
	struct json_object *cells = get(res, "cells");
	struct eval_cells c = {0};
	cleanup_free char *h =
		cvm_xasprintf("Boot phases, ms from QEMU's start%s", emu);

	eval_doc_heading(d, 2, h);
	eval_doc_para(d, "Medians with 95% CIs on the host clock. The first "
			 "console output stands for kernel entry (Linux's "
			 "earlyprintk banner; the unikernel prints first in "
			 "its main). Guest main is the unikernel's kmain, "
			 "Linux's init.");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *x = json_object_array_get_idx(cells, i);

		eval_cells_add(&c, "%s", eval_json_str(x, "guest"));
		eval_cells_add(&c, "%s", eval_json_str(x, "protection"));
		eval_cells_add(&c, "%s", eval_json_str(x, "workload"));
		for (size_t k = 0; k < CVM_ARRAY_SIZE(ph); k++)
			add_ci(&c, get(get(x, "metrics"), ph[k]), "median");
	}
	eval_cells_table(d, &c, 8, head);
}

static void
memory(struct eval_doc *d, struct json_object *res)
{
	static const char *const head[] = {"guest", "protection", "workload",
					   "guest RAM MiB",
					   "QEMU peak RSS MiB [95% CI]"};
	struct json_object *cells = get(res, "cells");
	struct eval_cells c = {0};

	eval_doc_heading(d, 2, "Memory footprint");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *x = json_object_array_get_idx(cells, i);

		eval_cells_add(&c, "%s", eval_json_str(x, "guest"));
		eval_cells_add(&c, "%s", eval_json_str(x, "protection"));
		eval_cells_add(&c, "%s", eval_json_str(x, "workload"));
		eval_cells_add(&c, "%s",
			       eval_json_str(get(res, "config"), "memory_mib"));
		add_ci(&c, get(get(x, "metrics"), "qemu.peak_rss"), "median");
	}
	eval_cells_table(d, &c, 5, head);
}

/* ratios or overheads: one row per comparison */
static void
pairs(struct eval_doc *d, struct json_object *list, bool ratio)
{
	static const char *const rh[] = {"protection", "workload", "metric",
					 "unikernel better by [95% CI]"};
	static const char *const oh[] = {"guest", "protection", "workload",
					 "metric", "slowdown vs none [95% CI]"};
	struct eval_cells c = {0};

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *x = json_object_array_get_idx(list, i);

		if (!ratio)
			eval_cells_add(&c, "%s", eval_json_str(x, "guest"));
		eval_cells_add(&c, "%s", eval_json_str(x, "protection"));
		eval_cells_add(&c, "%s", eval_json_str(x, "workload"));
		eval_cells_add(&c, "%s", eval_json_str(x, "metric"));
		add_ci(&c, x, "factor");
	}
	eval_cells_table(d, &c, ratio ? 4 : 5, ratio ? rh : oh);
}

static void
comparisons(struct eval_doc *d, struct json_object *res)
{
	struct json_object *r = get(res, "ratios"), *o = get(res, "overheads");

	eval_doc_heading(d, 2, "Unikernel vs Linux");
	eval_doc_para(d, "Factor by which the unikernel is better than Linux "
			 "for the same protection and workload: Linux / "
			 "unikernel for times and memory, unikernel / Linux "
			 "for rates; the interval bootstraps the ratio of "
			 "medians.");
	if (json_object_array_length(r))
		pairs(d, r, true);
	else
		eval_doc_para(d, "No workload ran in both guests.");
	eval_doc_heading(d, 2, "Protection overhead");
	if (json_object_array_length(o)) {
		eval_doc_para(d, "Slowdown of each protection level against "
				 "none for the same guest and workload (> 1: "
				 "the protection costs).");
		pairs(d, o, false);
	} else {
		eval_doc_para(d, "No protected level ran, so there is no "
				 "overhead to report (see Skipped). cvm never "
				 "replaces a protected run by an unprotected "
				 "one.");
	}
}

static void
plots(struct eval_doc *d, struct json_object *res, const char *dir)
{
	static const char *const names[][2] = {
		{"boot-phases", "Boot phases per guest and protection"},
		{"overhead", "Protection overhead per workload"},
		{"ratio", "Unikernel vs Linux per workload"},
		{"memory", "QEMU peak RSS per workload"},
	};

	eval_doc_heading(d, 2, "Plots");
	if (*eval_json_str(res, "plots_error")) {
		eval_doc_para(d, eval_json_str(res, "plots_error"));
		return;
	}
	for (size_t i = 0; i < CVM_ARRAY_SIZE(names); i++) {
		cleanup_free char *svg_path =
			cvm_xasprintf("%s/plots/%s.svg", dir, names[i][0]);
		cleanup_free char *png =
			cvm_xasprintf("plots/%s.png", names[i][0]);
		cleanup_free char *svg =
			cvm_xasprintf("plots/%s.svg", names[i][0]);
		cleanup_buf struct cvm_buf b = CVM_BUF_INIT;

		if (cvm_file_read(svg_path, &b, 16u << 20, NULL) < 0)
			cvm_buf_truncate(&b, 0);
		eval_doc_image(d, names[i][1], png, svg, &b);
	}
}

static void
failures(struct eval_doc *d, struct json_object *res)
{
	static const char *const head[] = {"cell", "run", "error"};
	struct json_object *f = get(res, "failures");
	struct eval_cells c = {0};

	eval_doc_heading(d, 2, "Failed runs");
	if (!json_object_array_length(f)) {
		eval_doc_para(d, "None.");
		return;
	}
	for (size_t i = 0; i < json_object_array_length(f); i++) {
		struct json_object *x = json_object_array_get_idx(f, i);

		eval_cells_add(&c, "%s", eval_json_str(x, "cell"));
		eval_cells_add(&c, "%d%s", (int)eval_json_num(x, "rep", 0),
			       json_object_get_boolean(get(x, "warmup"))
				       ? " (warm-up)"
				       : "");
		eval_cells_add(&c, "%s", eval_json_str(x, "error"));
	}
	eval_cells_table(d, &c, 3, head);
}

void
eval_report_body(struct eval_doc *d, struct json_object *res, const char *dir)
{
	const char *emu = json_object_get_boolean(
				  get(get(res, "environment"), "emulated"))
				  ? " (TCG: emulated)"
				  : "";
	static const char *const files[] = {
		"results.json: every statistic, ratio and run "
		"(docs/results-schema.md)",
		"results.csv: one row per cell and metric",
		"runs.jsonl: the raw run records; plan.json: the plan and "
		"every session's environment",
		"plots/: the plots as PNG and SVG, with their data and "
		"gnuplot scripts"};

	guests(d, res);
	skipped(d, res);
	workloads(d, res, emu);
	boot(d, res, emu);
	memory(d, res);
	comparisons(d, res);
	plots(d, res, dir);
	failures(d, res);
	eval_doc_heading(d, 2, "Files");
	eval_doc_list(d, files, CVM_ARRAY_SIZE(files));
}
