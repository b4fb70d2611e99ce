/* SPDX-License-Identifier: MIT */
/*
 * Internals of lib/eval shared between its files and exposed to the unit
 * tests (tests/unit/test-eval*.c).
 */
#ifndef CVM_EVAL_PRIV_H
#define CVM_EVAL_PRIV_H

#include <json-c/json.h>
#include <json-c/json_object_iterator.h>

#include "cvm/eval.h"
#include "cvm/guestio.h"
#include "cvm/host.h"
#include "cvm/qemu.h"

/* The results.json schema name (docs/results-schema.md). */
#define CVM_EVAL_SCHEMA "cvm-eval-results/1"
#define CVM_EVAL_PLAN	"cvm-eval-plan/1"

/* ---- guests (guest.c) ---- */

/* What the guests need, found or built once per session. */
struct eval_guests {
	char *uk_pvh, *uk_efi; /* the unikernel images, NULL if missing */
	char *uk_missing;      /* why the PVH image is missing */
	char *bzimage;	       /* Debian's kernel */
	char *vmlinux;	       /* its extracted ELF (PVH boot) */
	char *init;	       /* cvm-linux-init */
	char *initrd;	       /* the initramfs built into the folder */
	char *linux_missing;   /* why the Linux guest cannot run */
	char *firmware;	       /* OVMF for the protected levels */
};

/*
 * Find the images and, when the Linux guest is wanted, extract the
 * vmlinux and write `dir`/guest/linux-initrd.cpio (atomically).  What
 * cvm looks for and cannot find becomes a *_missing reason (the cells
 * are skipped with it), not an error; fails when the folder cannot be
 * written, and for a kernel the user named (--kernel,
 * $CVM_LINUX_KERNEL) that cannot be used.
 */
int eval_guests_prepare(struct eval_guests *g, const struct cvm_eval_config *c,
			const char *dir, struct cvm_err *err);
void eval_guests_release(struct eval_guests *g);

/*
 * The initramfs of the Linux guest: dev/ (with dev/console), proc/, and
 * `init` (the file at `init_path`), written to `out_path` atomically.
 */
int eval_linux_initrd(const char *init_path, const char *out_path,
		      struct cvm_err *err);

/* The Linux guest's kernel command line for a workload (malloc'd). */
char *eval_linux_append(const char *workload, char cls, bool efi);

/* A cell's VM: the spec and the strings it points to. */
struct eval_vm {
	struct cvm_vmspec spec;
	struct cvm_argv argv;
	char *append, *vars;
};

/*
 * The VM of `cell`: protection none boots PVH (the unikernel's ELF,
 * Linux's vmlinux); a protected level boots OVMF with the EFI image
 * (the unikernel's .efi, Linux's bzImage) and the SEV parameters from
 * the host report.  `vars_path` is where a protected run's private OVMF
 * variable store goes.  Builds the QEMU argv for `caps`.
 */
int eval_vm_make(const struct eval_guests *g, const struct cvm_eval_cell *cell,
		 const struct cvm_eval_config *c,
		 const struct cvm_host_report *host,
		 const struct cvm_qemu_caps *caps, const char *qemu,
		 enum cvm_accel accel, const char *vars_path,
		 struct eval_vm *vm, struct cvm_err *err);
void eval_vm_release(struct eval_vm *vm);

/* ---- the output folder (store.c) ---- */

struct eval_store {
	char *dir;
	char *runs_path;
	int runs_fd;		  /* runs.jsonl, O_APPEND */
	struct json_object *runs; /* array of every stored run */
	size_t dropped_tail;	  /* bytes of a torn last line removed */
};

/*
 * Open `dir` for the evaluation described by `plan` (the new plan
 * document): create it, or check that the plan.json there describes the
 * same evaluation (eval_plan_mismatch()) and load runs.jsonl (a torn
 * last line, from a crash, is cut off).  The stored plan gains this
 * session's environment; plan.json is rewritten atomically.  Another
 * evaluation there is -CVM_E_STATE, or with `replace` its records move
 * to dir/earlier-N (N the first free number; *moved_to, to free) and
 * the store starts empty.
 */
int eval_store_open(struct eval_store *s, const char *dir,
		    struct json_object *plan, bool replace, char **moved_to,
		    struct cvm_err *err);
/* Append one run as a line, one write(), then fsync. */
int eval_store_append(struct eval_store *s, struct json_object *run,
		      struct cvm_err *err);
void eval_store_close(struct eval_store *s);

/* The first difference between two plans that forbids mixing their runs
 * ("class S vs W"), written to `why`; false when they are compatible. */
bool eval_plan_mismatch(struct json_object *old, struct json_object *cur,
			char *why, size_t size);

/* Read plan.json and runs.jsonl of a folder (for reports). */
int eval_store_load(const char *dir, struct json_object **plan,
		    struct json_object **runs, struct cvm_err *err);

/* Whether a run of `cell` and `rep` is in `runs`. */
bool eval_runs_have(struct json_object *runs, const char *cell, unsigned rep);

/*
 * The plan document (plan.json, docs/results-schema.md): the config,
 * the cells with the reasons for the skipped ones, the guests' images
 * and their sizes, the fingerprint eval_plan_mismatch() compares, and
 * `env` (owned by the result) as the first session.
 */
struct json_object *eval_plan_doc(const struct cvm_eval_config *c,
				  const struct cvm_eval_plan *p,
				  const struct eval_guests *g,
				  struct json_object *env);

/* ---- environment (env.c) ---- */

/* The environment of this session (docs/results-schema.md). */
struct json_object *eval_env_capture(const struct cvm_host_report *host,
				     const struct cvm_qemu_caps *caps,
				     const char *qemu,
				     const struct cvm_accel_probe *accel,
				     const char *firmware,
				     const struct cvm_eval_config *c);

/* ---- one run (run.c) ---- */

/* The run record (docs/results-schema.md, "runs") of a finished guest. */
struct json_object *eval_run_record(const struct cvm_eval_cell *cell,
				    unsigned rep, unsigned warmup,
				    const struct eval_vm *vm,
				    const struct cvm_guest_run *r,
				    const struct cvm_err *verdict);

/*
 * Judge a run: cvm_guest_run_verdict(), then what the evaluation needs
 * besides: the guest's own report of its protection must be the cell's
 * level (a protected cell never counts an unprotected guest), and the
 * run must have reached workload_start.
 */
int eval_run_verdict(const struct cvm_eval_cell *cell,
		     const struct cvm_guest_run *r, struct cvm_err *err);

/* Whether a metric is better when higher (Mop/s, MB/s). */
bool eval_metric_higher_better(const char *unit);

/* ---- the report document (doc.c) ---- */

/* One document written as Markdown and as HTML at the same time. */
struct eval_doc {
	struct cvm_buf md, html;
};
void eval_doc_init(struct eval_doc *d, const char *title);
void eval_doc_heading(struct eval_doc *d, int level, const char *text);
/* A paragraph; **bold** is not interpreted: use eval_doc_strong(). */
void eval_doc_para(struct eval_doc *d, const char *text);
void eval_doc_strong(struct eval_doc *d, const char *text);
void eval_doc_list(struct eval_doc *d, const char *const *items, size_t n);
void eval_doc_table(struct eval_doc *d, size_t ncols, const char *const *header,
		    const char *const *cells, size_t nrows);
/* An image: a link in Markdown, the SVG inline as a data: URI in HTML. */
void eval_doc_image(struct eval_doc *d, const char *alt, const char *rel_png,
		    const char *rel_svg, const struct cvm_buf *svg);
void eval_doc_code(struct eval_doc *d, const char *text);

/* Table cells collected row by row, then written and freed. */
struct eval_cells {
	char **v;
	size_t n, cap;
};
void eval_cells_add(struct eval_cells *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void eval_cells_table(struct eval_doc *d, struct eval_cells *c, size_t ncols,
		      const char *const *head);

/* The report's tables, plots and lists after its environment
 * (report-body.c); `dir` holds plots/. */
void eval_report_body(struct eval_doc *d, struct json_object *res,
		      const char *dir);
void eval_doc_finish(struct eval_doc *d);
void eval_doc_release(struct eval_doc *d);

/* The descriptive part of results.json (results.c). */
struct json_object *eval_results_meta(struct json_object *plan,
				      struct json_object *runs);

/* ---- helpers (summary.c) ---- */

/*
 * Walk the members of a JSON object (not NULL) with two struct
 * json_object_iterator variables declared at the top of the block
 * (json_object_object_foreach declares in the loop head, which
 * -Wdeclaration-after-statement refuses).
 */
#define EVAL_EACH(obj, it, end)                      \
	for ((it) = json_object_iter_begin(obj),     \
	    (end) = json_object_iter_end(obj);       \
	     !json_object_iter_equal(&(it), &(end)); \
	     json_object_iter_next(&(it)))
#define EVAL_KEY(it) json_object_iter_peek_name(&(it))
#define EVAL_VAL(it) json_object_iter_peek_value(&(it))

/*
 * The values of `metric` over the valid measured runs (not warm-ups, not
 * failed) of `cell` in `runs`, into a malloc'd *out (free it even when
 * 0 is returned); *unit (may be NULL) gets the metric's unit.
 */
size_t eval_run_values(struct json_object *runs, const char *cell,
		       const char *metric, double **out, const char **unit);

/* The metric a workload is judged by: hello boot.workload_start,
 * stream workload.triad, the NPB kernels workload.time. */
const char *eval_primary_metric(const char *workload);

const char *eval_json_str(struct json_object *o, const char *key);
/* A JSON number printed with 10 significant digits; NULL (JSON null)
 * for NaN and infinities. */
struct json_object *eval_jnum(double v);
double eval_json_num(struct json_object *o, const char *key, double dflt);
/* "%.3g"-style number text that keeps small and large values readable */
void eval_fmt_num(char *out, size_t size, double v);

#endif
