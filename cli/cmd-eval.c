/* SPDX-License-Identifier: MIT */
/*
 * `cvm eval`: run the evaluation (guests x protection levels x workloads,
 * repeated, interleaved) into an output folder and write its report.
 * Resumable: the same command continues an interrupted evaluation.  The
 * work is done by lib/eval (cvm/eval.h); the verb `compare` is in
 * cmd-eval-compare.c, the progress display in cmd-eval-progress.c.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd-eval.h"
#include "cmd.h"
#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "out.h"

#define USAGE "cvm eval"

struct eval_opts {
	struct cvm_eval_config cfg;
	bool report_only, json;
};

static volatile sig_atomic_t eval_stop;

static void
eval_on_signal(int sig)
{
	(void)sig;
	eval_stop = 1;
}

static const struct option eval_lo[] = {
	{"guests", 1, NULL, 0},	   {"protection", 1, NULL, 0},
	{"workloads", 1, NULL, 0}, {"class", 1, NULL, 0},
	{"repeat", 1, NULL, 0},	   {"warmup", 1, NULL, 0},
	{"vcpus", 1, NULL, 0},	   {"memory", 1, NULL, 0},
	{"timeout", 1, NULL, 0},   {"pin", 1, NULL, 0},
	{"accel", 1, NULL, 0},	   {"out", 1, NULL, 0},
	{"qemu", 1, NULL, 0},	   {"firmware", 1, NULL, 0},
	{"kernel", 1, NULL, 0},	   {"quick", 0, NULL, 'q'},
	{"replace", 0, NULL, 0},   {"report-only", 0, NULL, 'r'},
	{"json", 0, NULL, 'j'},	   {NULL, 0, NULL, 0},
};

static int
eval_parse(int argc, char **argv, struct eval_opts *o)
{
	struct cvm_err err = CVM_ERR_INIT;
	bool quick = false;
	int c, idx = 0;

	/* --quick sets the defaults the other options then change */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		quick |= !strcmp(argv[i], "--quick");
	cvm_eval_config_init(&o->cfg, quick);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", eval_lo, &idx)) != -1) {
		if (c == '?')
			return cli_usage(USAGE,
					 "unknown or incomplete option '%s'",
					 argv[optind - 1]);
		o->report_only |= c == 'r';
		o->json |= c == 'j';
		if (c == 0 && cvm_eval_config_option(&o->cfg, eval_lo[idx].name,
						     optarg, &err) < 0)
			return cli_error(&err);
	}
	if (optind < argc)
		return cli_usage(USAGE, "unexpected argument '%s'",
				 argv[optind]);
	return 0;
}

static int
eval_go(struct eval_opts *o, const char *cmdline)
{
	struct cvm_eval *ev = NULL;
	struct cvm_eval_hooks hooks;
	struct eval_progress_state st;
	struct cvm_err err = CVM_ERR_INIT;
	const char *why;
	int r, status = 0;

	o->cfg.command = cmdline;
	eval_progress_hooks(&hooks, &st);
	signal(SIGINT, eval_on_signal);
	signal(SIGTERM, eval_on_signal);
	if ((r = cvm_eval_new(&o->cfg, &hooks, &ev, &err)) < 0) {
		cvm_eval_free(ev);
		return cli_error(&err);
	}
	if (cvm_eval_accel(ev, &why) != CVM_ACCEL_KVM)
		fprintf(stderr, "cvm eval: TCG: every time is emulated (%s)\n",
			why);
	eval_print_skipped(cvm_eval_get_plan(ev));
	r = cvm_eval_run(ev, &eval_stop, &err);
	eval_progress_clear(&st);
	if (r == -EINTR) {
		eval_summary(o->cfg.out_dir, o->json, true, cvm_eval_done(ev),
			     cvm_eval_get_plan(ev)->nruns, st.failed);
		cvm_eval_free(ev);
		return 130;
	}
	if (r < 0 || (r = cvm_eval_report(ev, &err)) < 0) {
		cvm_eval_free(ev);
		return cli_error(&err);
	}
	eval_summary(o->cfg.out_dir, o->json, false, cvm_eval_done(ev),
		     cvm_eval_get_plan(ev)->nruns, st.failed);
	if (st.failed) {
		cli_warn("%u run(s) failed in this session: see 'Failed runs' "
			 "in the report",
			 st.failed);
		status = 1;
	}
	/* a plan of skipped cells only measured nothing: not a success */
	if (cvm_eval_get_plan(ev)->nruns == 0) {
		fprintf(stderr, "cvm: error: nothing to run: every cell of "
				"the plan was skipped (the reasons are above "
				"and in the report)\n");
		status = 1;
	}
	cvm_eval_free(ev);
	return status;
}

static int
eval_run(int argc, char **argv)
{
	struct eval_opts o;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *line = NULL, *args = NULL;
	const char **words;
	int status;

	memset(&o, 0, sizeof(o));
	if ((status = eval_parse(argc, argv, &o)))
		return status;
	if (o.report_only) {
		if (cvm_eval_report_dir(o.cfg.out_dir, &err) < 0)
			return cli_error(&err);
		printf("report written in %s\n", o.cfg.out_dir);
		return 0;
	}
	/* for the report: "cvm eval" and the options as given (argv[0] is
	 * the command's name, with or without the "cvm" in front) */
	words = cvm_xcalloc((size_t)argc + 1, sizeof(*words));
	for (int i = 1; i < argc; i++)
		words[i - 1] = argv[i];
	args = cvm_argv_join(words);
	free(words);
	line = cvm_xasprintf("cvm eval%s%s", *args ? " " : "", args);
	return eval_go(&o, line);
}

extern const struct cvm_cmd cmd_eval_compare;

static const struct cvm_cmd *const eval_verbs[] = {
	&cmd_eval_compare,
	NULL,
};

const struct cvm_cmd cmd_eval = {
	.name = "eval",
	.summary = "run the unikernel-vs-Linux evaluation at every "
		   "protection level and write a report",
	.usage = "cvm eval [--guests unikernel,linux] [--protection "
		 "none,sev,sev-es,sev-snp|available] [--workloads "
		 "hello,stream,ep,is,cg,mg,ft] [--class S|W|A] [--repeat N] "
		 "[--warmup N] [--vcpus N] [--memory SIZE] [--pin CPUS] "
		 "[--out DIR] [--quick] [--report-only] [--json] ...",
	.help = "Runs every guest x protection level x workload cell --repeat "
		"times (after\n--warmup discarded runs), interleaved, and "
		"writes into --out (default results/):\nruns.jsonl (each run "
		"as it finishes), plan.json, results.json, results.csv,\n"
		"report.md, report.html and plots/.  Levels this host cannot "
		"launch are skipped\nwith the host check's reason, never "
		"replaced.  Interrupted (Ctrl-C), the same\ncommand "
		"continues where it stopped.\n\noptions:\n"
		"  --guests LIST      unikernel, linux (default both)\n"
		"  --protection LIST  none, sev, sev-es, sev-snp, available "
		"(default: available,\n                     every level; "
		"those the host cannot run are skipped)\n"
		"  --workloads LIST   default hello,stream,ep,is,cg,mg,ft\n"
		"  --class S|W|A      problem size (default S)\n"
		"  --repeat N         measured runs per cell (default 5)\n"
		"  --warmup N         discarded runs per cell first (default "
		"1)\n"
		"  --vcpus N          default 1\n"
		"  --memory SIZE      guest RAM for both guests (default 256M; "
		"W 512M, A 1536M)\n"
		"  --timeout SECONDS  per run (default 600)\n"
		"  --pin CPUS         run cvm and QEMU on these host CPUs "
		"(0-1,3)\n"
		"  --accel MODE       auto (default), kvm or tcg\n"
		"  --out DIR          the output folder (default results)\n"
		"  --qemu FILE, --firmware FILE (OVMF), --kernel FILE "
		"(the Linux bzImage)\n"
		"  --quick            every workload at class S, 3 runs each: "
		"a few minutes under TCG\n"
		"  --replace          when --out holds another evaluation, "
		"move "
		"its records\n"
		"                     to --out/earlier-N and start afresh "
		"(default: refuse)\n"
		"  --report-only      rewrite the report from --out's runs\n"
		"  --json             print the outcome as JSON\n"
		"exit status: 0 done, 1 a run failed or cvm could not go on, "
		"2 usage, 130\ninterrupted (the finished runs are kept)\n",
	.run = eval_run,
	.sub = eval_verbs,
};
