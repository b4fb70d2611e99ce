/* SPDX-License-Identifier: MIT */
/*
 * report.md and report.html from results.json: what was measured, how
 * and where (the first line says when the host has no SEV, and TCG is
 * called emulated), the tables, the plots, skipped cells and failed
 * runs.  See cvm_eval_report_write() in cvm/eval.h.
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

static bool
emulated(struct json_object *res)
{
	return json_object_get_boolean(
		get(get(res, "environment"), "emulated"));
}

/* The first line: no SEV, emulation, completeness. */
static void
first_line(struct eval_doc *d, struct json_object *res)
{
	struct json_object *cells = get(res, "cells");
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	size_t n = json_object_array_length(cells), prot = 0;
	const char *max = eval_json_str(get(get(res, "environment"), "sev"),
					"max_protection");

	for (size_t i = 0; i < n; i++)
		prot += strcmp(eval_json_str(
				       json_object_array_get_idx(cells, i),
				       "protection"),
			       "none") != 0;
	if (!strcmp(max, "none") || !*max)
		cvm_buf_adds(&b, "This host cannot run SEV, SEV-ES or SEV-SNP "
				 "guests: the protected levels were skipped "
				 "(see Skipped) and every measured run is "
				 "unprotected.");
	else if (!prot)
		cvm_buf_adds(&b, "No protected level was measured: every "
				 "measured run is unprotected.");
	else
		cvm_buf_addf(&b, "Measured on a host with SEV (up to %s).",
			     max);
	if (emulated(res))
		cvm_buf_adds(&b,
			     " Every run used QEMU's TCG emulator: the times "
			     "are emulated, not hardware speed.");
	if (!json_object_get_boolean(get(res, "complete")))
		cvm_buf_addf(&b,
			     " Incomplete: %d of %d planned runs are done "
			     "(run the same command to continue).",
			     (int)eval_json_num(res, "finished_runs", 0),
			     (int)eval_json_num(res, "planned_runs", 0));
	eval_doc_strong(d, cvm_buf_str(&b));
}

static void
how(struct eval_doc *d, struct json_object *res)
{
	struct json_object *env = get(res, "environment");
	struct json_object *cfg = get(res, "config");
	struct json_object *st = get(res, "statistics");
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	cleanup_free char *l1 = NULL, *l2 = NULL, *l3 = NULL;
	const char *items[3];

	eval_doc_heading(d, 2, "How this report was produced");
	cvm_buf_addf(&b,
		     "By %s, started %s, from %zu session(s); generated %s. "
		     "Command:",
		     eval_json_str(res, "generated_by"),
		     eval_json_str(env, "started"),
		     json_object_array_length(get(res, "sessions")),
		     eval_json_str(res, "generated"));
	eval_doc_para(d, cvm_buf_str(&b));
	eval_doc_code(d, *eval_json_str(env, "command")
				 ? eval_json_str(env, "command")
				 : "cvm eval");
	l1 = cvm_xasprintf(
		"Cross product of guests x protection levels x workloads "
		"(class %s); per cell %d warm-up run(s), discarded, then %d "
		"measured runs; run order interleaved: the warm-ups first, "
		"then each repetition round visits every cell once in a "
		"seeded shuffled order.",
		eval_json_str(cfg, "class"),
		(int)eval_json_num(cfg, "warmup", 0),
		(int)eval_json_num(cfg, "repeat", 0));
	l2 = cvm_xasprintf(
		"Each run is one fresh QEMU (%d vCPU, %d MiB): host times "
		"count from QEMU's fork; a guest's phases are stamped when "
		"its line reaches cvm. Runs that failed are listed and not "
		"counted.",
		(int)eval_json_num(cfg, "vcpus", 1),
		(int)eval_json_num(cfg, "memory_mib", 0));
	l3 = cvm_xasprintf(
		"Statistics: %s; quartiles by %s; %s, %d "
		"resamples, seed %s (%s).",
		eval_json_str(st, "center"), eval_json_str(st, "quantiles"),
		eval_json_str(st, "interval"),
		(int)eval_json_num(st, "resamples", 0),
		eval_json_str(st, "seed"), eval_json_str(st, "generator"));
	items[0] = l1, items[1] = l2, items[2] = l3;
	eval_doc_list(d, items, 3);
}

static void
environment(struct eval_doc *d, struct json_object *res)
{
	static const char *const head[] = {"what", "value"};
	struct json_object *e = get(res, "environment");
	struct json_object *h = get(e, "host"), *sev = get(e, "sev");
	struct eval_cells c = {0};

	eval_doc_heading(d, 2, "Environment");
	eval_cells_add(&c, "host CPU");
	eval_cells_add(
		&c, "%s (family %s, model %s, stepping %s), %s CPUs, %s MiB",
		eval_json_str(h, "cpu_model"), eval_json_str(h, "cpu_family"),
		eval_json_str(h, "cpu_model_number"),
		eval_json_str(h, "stepping"), eval_json_str(h, "cpus"),
		eval_json_str(h, "memory_mib"));
	eval_cells_add(&c, "microcode");
	eval_cells_add(&c, "%s", eval_json_str(h, "microcode"));
	eval_cells_add(&c, "host kernel");
	eval_cells_add(&c, "%s", eval_json_str(h, "kernel"));
	eval_cells_add(&c, "QEMU");
	eval_cells_add(&c, "%s (%s)", eval_json_str(get(e, "qemu"), "version"),
		       eval_json_str(get(e, "qemu"), "path"));
	eval_cells_add(&c, "OVMF");
	eval_cells_add(&c, "%s (%s)",
		       eval_json_str(get(e, "ovmf"), "package_version"),
		       eval_json_str(get(e, "ovmf"), "path"));
	eval_cells_add(&c, "SEV firmware");
	eval_cells_add(&c, "SEV %s, SNP %s; highest level launchable: %s",
		       *eval_json_str(sev, "sev_firmware")
			       ? eval_json_str(sev, "sev_firmware")
			       : "none",
		       *eval_json_str(sev, "snp_firmware")
			       ? eval_json_str(sev, "snp_firmware")
			       : "none",
		       eval_json_str(sev, "max_protection"));
	eval_cells_add(&c, "accelerator");
	eval_cells_add(&c, "%s%s: %s", eval_json_str(e, "accelerator"),
		       emulated(res) ? " (emulated)" : "",
		       eval_json_str(e, "accelerator_reason"));
	eval_cells_add(&c, "cvm");
	eval_cells_add(&c, "%s", eval_json_str(e, "cvm_version"));
	eval_cells_add(&c, "CPU pinning");
	eval_cells_add(&c, "%s",
		       *eval_json_str(e, "pin") ? eval_json_str(e, "pin")
						: "none");
	eval_cells_table(d, &c, 2, head);
}

int
cvm_eval_report_write(struct json_object *res, const char *dir,
		      struct cvm_err *err)
{
	struct eval_doc d;
	cleanup_free char *md = cvm_xasprintf("%s/report.md", dir);
	cleanup_free char *html = cvm_xasprintf("%s/report.html", dir);
	int r;

	eval_doc_init(&d, "cvm evaluation report");
	first_line(&d, res);
	eval_doc_heading(&d, 1,
			 "cvm evaluation: unikernel and Linux guests "
			 "under confidential-computing protection");
	how(&d, res);
	environment(&d, res);
	eval_report_body(&d, res, dir);
	eval_doc_finish(&d);
	if ((r = cvm_file_write_atomic(md, d.md.data, d.md.len, 0644, err)) ==
	    0)
		r = cvm_file_write_atomic(html, d.html.data, d.html.len, 0644,
					  err);
	eval_doc_release(&d);
	return r;
}
