/* SPDX-License-Identifier: MIT */
/*
 * The evaluation (`cvm eval`): the same workloads in the cvm unikernel
 * and in a Linux guest, at every protection level the host can run,
 * repeated, with honest statistics and a report.
 *
 * The pieces, in the order a run uses them:
 *
 *   statistics   median, quartiles, bootstrap confidence intervals
 *                (pure functions; lib/eval/stats.c)
 *   config/plan  the cross product guests x protection levels x
 *                workloads, cells the host cannot run marked skipped
 *                with the reason, the interleaved run order (plan.c)
 *   guests       the unikernel image, Debian's kernel and the initramfs
 *                cvm builds for the Linux guest, the VM of a cell (guest.c)
 *   evaluation   an output folder with every finished run as one fsync'd
 *                JSON line (resumable), the runs themselves (eval.c, run.c,
 *                store.c)
 *   results      results.json / results.csv from the stored runs, the
 *                report (report.md, report.html) and gnuplot plots, and
 *                the comparison of two result sets (summary.c, csv.c,
 *                report.c, plots.c, compare.c)
 *
 * docs/results-schema.md documents the files.  The library never prints:
 * progress goes to hooks the caller installs.  Not thread-safe.
 */
#ifndef CVM_EVAL_H
#define CVM_EVAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm/buf.h"
#include "cvm/err.h"
#include "cvm/vmspec.h"

struct json_object;
struct cvm_host_report;

/* ---- statistics (stats.c) ---------------------------------------------- */

/* Bootstrap resamples per interval, and the fixed seed (reproducible). */
#define CVM_STATS_RESAMPLES 2000u
#define CVM_STATS_SEED	    0x63766d2d6576616cull /* "cvm-eval" */

/* splitmix64 (Steele, Lea, Flood 2014): the generator of every resample. */
uint64_t cvm_stats_rand(uint64_t *state);
/* An index in [0, n): the high 64 bits of rand * n (Lemire 2019). */
size_t cvm_stats_rand_below(uint64_t *state, size_t n);

/*
 * The q-quantile (0 <= q <= 1) of `n` > 0 values sorted ascending, by
 * linear interpolation between closest ranks: h = (n - 1) q, R's type 7,
 * numpy's default, Python's statistics.quantiles(method="inclusive").
 */
double cvm_stats_quantile_sorted(const double *sorted, size_t n, double q);
/* The median of `n` > 0 values (any order; `v` is not changed). */
double cvm_stats_median(const double *v, size_t n);

struct cvm_stats {
	size_t n;
	double min, max, mean;
	double median, q1, q3, iqr; /* type-7 quartiles; iqr = q3 - q1 */
	double ci_low, ci_high;	    /* bootstrap 95% CI of the median */
};

/*
 * Summarise `n` values.  The confidence interval is the percentile
 * bootstrap of the median: `resamples` resamples of n values drawn with
 * replacement (cvm_stats_rand_below() from `seed`), the 2.5% and 97.5%
 * type-7 quantiles of their medians.  -EINVAL for n == 0 or a value that
 * is not finite.
 */
int cvm_stats_summary(const double *v, size_t n, unsigned resamples,
		      uint64_t seed, struct cvm_stats *out);

/* A ratio of medians with its percentile-bootstrap 95% CI. */
struct cvm_stats_ratio {
	double ratio, ci_low, ci_high;
};

/*
 * median(a) / median(b), each resample drawing na values from `a` and
 * nb from `b` independently.  -EINVAL for an empty sample, a non-finite
 * value, or a median of `b` (or of a resample of it) equal to 0.
 */
int cvm_stats_ratio(const double *a, size_t na, const double *b, size_t nb,
		    unsigned resamples, uint64_t seed,
		    struct cvm_stats_ratio *out);

/* median(a) - median(b) with its bootstrap CI (the same scheme). */
int cvm_stats_diff(const double *a, size_t na, const double *b, size_t nb,
		   unsigned resamples, uint64_t seed,
		   struct cvm_stats_ratio *out);

/* ---- configuration and plan (plan.c) ----------------------------------- */

enum cvm_eval_guest {
	CVM_EVAL_UNIKERNEL = 0,
	CVM_EVAL_LINUX,
	CVM_EVAL_NGUESTS,
};

/* "unikernel", "linux" */
const char *cvm_eval_guest_name(enum cvm_eval_guest g);

#define CVM_EVAL_MAX_WORKLOADS 8

struct cvm_eval_config {
	unsigned guests; /* bit (1 << enum cvm_eval_guest) */
	unsigned levels; /* bit (1 << enum cvm_protection), NONE..SNP */
	const char *workloads[CVM_EVAL_MAX_WORKLOADS];
	size_t nworkloads;
	char cls;	 /* 'S', 'W', 'A' */
	unsigned repeat; /* measured runs per cell */
	unsigned warmup; /* discarded runs per cell before them */
	unsigned vcpus;
	uint64_t memory_mib;  /* 0: cvm_eval_default_memory() */
	unsigned timeout_s;   /* per run */
	const char *pin;      /* host CPU list ("2", "0-1,3"), or NULL */
	enum cvm_accel accel; /* AUTO: probed */
	bool quick;
	const char *out_dir;
	/* out_dir holds another evaluation (other cells, QEMU, machine...):
	 * false refuses; true moves its records into out_dir/earlier-N and
	 * starts afresh (nothing is deleted) */
	bool replace;
	/* NULL: the defaults (see cvm_eval_new()) */
	const char *qemu, *firmware, *linux_kernel;
	const char *command; /* the command line, for the report */
};

/*
 * The defaults: both guests, every level (`available`), workloads hello,
 * stream, ep, is, cg, mg, ft, class S, 5 repetitions after 1 warm-up,
 * 1 vCPU, 600 s per run, out "results".  With `quick`: hello, stream, is,
 * cg, mg, 3 repetitions.
 */
void cvm_eval_config_init(struct cvm_eval_config *c, bool quick);

/*
 * Set one option from its command-line text, by long-option name:
 * guests, protection, workloads, class, repeat, warmup, vcpus, memory,
 * timeout, pin, accel, out, qemu, firmware, kernel.  Lists are
 * comma-separated ("available" for protection means every level).
 * Strings are borrowed.  -CVM_E_USAGE naming the option and the text.
 */
int cvm_eval_config_option(struct cvm_eval_config *c, const char *name,
			   const char *value, struct cvm_err *err);

/* Guest RAM of a class when none is given: 256 MiB for hello and S,
 * 512 MiB for W, 1536 MiB for A (the Linux guest needs about 100 MiB
 * for itself; both guests get the same). */
uint64_t cvm_eval_default_memory(char cls);

/* One configuration: guest x protection x workload (x the class). */
struct cvm_eval_cell {
	enum cvm_eval_guest guest;
	enum cvm_protection level;
	const char *workload; /* borrowed from the config */
	char cls;	      /* '-' for hello */
	char id[64];	      /* "unikernel/none/ep/S" */
	bool skipped;
	char *skip_reason; /* owned, when skipped */
};

/* One planned run: a cell and a repetition (0-based; warm-ups first). */
struct cvm_eval_slot {
	size_t cell;
	unsigned rep; /* < warmup: a warm-up */
};

struct cvm_eval_plan {
	struct cvm_eval_cell *cells;
	size_t ncells;
	struct cvm_eval_slot *order; /* the runs of the cells not skipped */
	size_t nruns;
	unsigned warmup, repeat;
};

/*
 * The cells of `c` (guests, then levels, then workloads) and the order
 * of their runs: first a round of warm-ups, then one round per
 * repetition, each round visiting every runnable cell once in an order
 * shuffled with a seed fixed per round (Fisher-Yates over
 * cvm_stats_rand()), so configurations interleave and the same config
 * always gives the same order.  `skip` (may be NULL) decides which cells
 * are skipped: it returns a malloc'd reason, or NULL to run the cell.
 */
typedef char *(*cvm_eval_skip_fn)(void *opaque,
				  const struct cvm_eval_cell *cell);
int cvm_eval_plan_make(const struct cvm_eval_config *c, cvm_eval_skip_fn skip,
		       void *opaque, struct cvm_eval_plan *out,
		       struct cvm_err *err);
void cvm_eval_plan_release(struct cvm_eval_plan *p);

/* ---- the evaluation (eval.c, run.c, store.c, guest.c) ------------------ */

struct cvm_eval;

/* Where the run loop stands, for progress displays. */
struct cvm_eval_progress {
	size_t index;	   /* this run, 0-based, in the plan's order */
	size_t total;	   /* runs in the plan */
	size_t done;	   /* runs finished (this session and earlier) */
	const char *cell;  /* "linux/none/ep/S" */
	unsigned rep;	   /* 1-based within its kind */
	unsigned reps;	   /* repeat, or warmup for a warm-up */
	bool warmup;	   /* a discarded warm-up run */
	double eta_s;	   /* estimated seconds left, < 0: unknown */
	bool ok;	   /* run_done: the run is valid */
	double seconds;	   /* run_done: how long it took */
	const char *error; /* run_done: why it is invalid, or NULL */
};

struct cvm_eval_hooks {
	void (*run_start)(void *opaque, const struct cvm_eval_progress *p);
	void (*run_done)(void *opaque, const struct cvm_eval_progress *p);
	/* setting up (host check, kernel extraction, initramfs ...) */
	void (*note)(void *opaque, const char *msg);
	void *opaque;
};

/*
 * Prepare an evaluation: check the host (cvm_host_probe(); levels it
 * cannot launch are skipped with the blocker's text), probe QEMU and
 * the accelerator, capture the environment, find the unikernel images,
 * Debian's kernel (extracting its vmlinux) and build the Linux guest's
 * initramfs (a guest that cannot be prepared is skipped with the
 * reason), make the plan, and open the output folder: create it, or
 * load the runs already in it (resume).  A folder holding another
 * evaluation (different cells, class, memory, vCPUs, accelerator, host
 * CPU or QEMU) is refused with -CVM_E_STATE naming the difference.
 * Free with cvm_eval_free().
 */
int cvm_eval_new(const struct cvm_eval_config *c,
		 const struct cvm_eval_hooks *hooks, struct cvm_eval **out,
		 struct cvm_err *err);
void cvm_eval_free(struct cvm_eval *ev);

const struct cvm_eval_plan *cvm_eval_get_plan(const struct cvm_eval *ev);
/* Runs already finished (from earlier sessions too). */
size_t cvm_eval_done(const struct cvm_eval *ev);
/* The accelerator in use and why. */
enum cvm_accel cvm_eval_accel(const struct cvm_eval *ev, const char **why);

/*
 * Run every planned run not yet in the folder, appending each finished
 * one to runs.jsonl (one write, then fsync) before the next starts.
 * When *stop becomes non-zero the current guest is stopped, its run is
 * not kept, and this returns -EINTR; calling again (or a new
 * cvm_eval_new() on the folder) continues.  A run whose guest fails is
 * kept as failed (it is not retried) and counted out of the statistics.
 */
int cvm_eval_run(struct cvm_eval *ev, const volatile sig_atomic_t *stop,
		 struct cvm_err *err);

/*
 * Write results.json, results.csv, report.md, report.html and the plots
 * (plots/NAME.png and NAME.svg) into the folder from what it holds, each file
 * atomically.  Works on a partial evaluation (the report says so).
 * When gnuplot is missing the report says that instead of showing plots.
 */
int cvm_eval_report(struct cvm_eval *ev, struct cvm_err *err);

/*
 * The same from a folder alone (`cvm eval --report-only`): reads
 * plan.json and runs.jsonl.
 */
int cvm_eval_report_dir(const char *dir, struct cvm_err *err);

/* ---- results (summary.c, csv.c, report.c, plots.c, compare.c) ---------- */

/*
 * results.json from the folder's plan document and its runs: per cell
 * and metric the statistics, the overheads of each protection level
 * against none and the unikernel-vs-Linux ratios (docs/results-schema.md).
 * The caller owns the result.
 */
struct json_object *cvm_eval_results_build(struct json_object *plan,
					   struct json_object *runs);

/* results.csv: one row per cell and metric (header in the schema doc). */
void cvm_eval_results_csv(struct json_object *results, struct cvm_buf *out);

/*
 * The plots of `results` into `dir` (PNG and SVG each, by gnuplot).
 * *made gets the number of plots written; -ENOENT when gnuplot is not
 * installed (nothing written).
 */
int cvm_eval_plots(struct json_object *results, const char *dir, size_t *made,
		   struct cvm_err *err);

/*
 * report.md and report.html of `results` into `dir`; the HTML embeds
 * the SVG plots from `dir`/plots as data: URIs, so it stands alone.
 */
int cvm_eval_report_write(struct json_object *results, const char *dir,
			  struct cvm_err *err);

/*
 * Load a result set: a results.json file, or a folder holding one.
 * -CVM_E_PARSE naming the file when it is not one.
 */
int cvm_eval_results_load(const char *path, struct json_object **out,
			  struct cvm_err *err);

/*
 * `cvm eval compare A B`: for every cell and metric present in both, the
 * medians, B/A with its bootstrap CI and B - A with its CI, from the
 * runs each set holds; cells only in one set are listed.  The caller
 * owns the result (schema in docs/results-schema.md).
 */
struct json_object *cvm_eval_compare(struct json_object *a,
				     struct json_object *b);

#endif
