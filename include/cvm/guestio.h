/* SPDX-License-Identifier: MIT */
/*
 * Guest I/O: reading what a cvm guest reports on its serial console (the
 * CVM1 lines of docs/result-format.md), running a guest under QEMU while
 * doing so, and the workloads the unikernel knows.
 *
 * The parser is incremental: feed it console bytes in chunks of any size
 * as they arrive (partial lines, CR/LF or lone CR, NULs, terminal escape
 * sequences, garbage, lines of any length) with the host time of their
 * arrival; it builds a run record and hands every other byte of console
 * text to a pass-through callback unchanged.  It never fails: a CVM1 line
 * it cannot read is counted as malformed (with the first reason kept)
 * and skipped.  Memory is bounded (CVM_GUESTIO_MAX_LINE per line and
 * CVM_GUESTIO_MAX_ITEMS records of each kind).  Not thread-safe; one
 * parser per console.
 */
#ifndef CVM_GUESTIO_H
#define CVM_GUESTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <signal.h>

#include <json-c/json.h>

#include "cvm/buf.h"
#include "cvm/err.h"
#include "cvm/qemu.h"
#include "cvm/runsev.h"
#include "cvm/vmspec.h"

/* The longest CVM1 line kept (a report line is 2380 bytes). */
#define CVM_GUESTIO_MAX_LINE 4096
/* At most this many infos, phases and results each; more are counted. */
#define CVM_GUESTIO_MAX_ITEMS 4096
/* An SNP attestation report (SNP firmware ABI spec 56860, Table 22). */
#define CVM_GUESTIO_REPORT_BYTES 1184

struct cvm_guest_info {
	char *key, *value;
	uint64_t host_ns;
};

struct cvm_guest_phase {
	char *name; /* "entry", "longmode", "main", "workload_start" ... */
	uint64_t guest_ns; /* the guest's clock, since its entry */
	uint64_t host_ns;  /* host arrival time (see cvm_guestio_feed()) */
};

enum cvm_verified {
	CVM_VERIFIED_NO = 0,
	CVM_VERIFIED_YES,
	CVM_VERIFIED_NA, /* a metric with no verification (boot time) */
};

struct cvm_guest_result {
	char *workload, *metric, *unit;
	char cls; /* 'S', 'W', 'A' or '-' */
	double value;
	char *value_text; /* as printed by the guest */
	enum cvm_verified verified;
	uint64_t host_ns;
};

struct cvm_guest_fault {
	uint64_t vector, error, rip, cr2;
	uint64_t host_ns;
};

/* Everything a guest reported. */
struct cvm_guest_record {
	struct cvm_guest_info *infos;
	size_t ninfos;
	struct cvm_guest_phase *phases;
	size_t nphases;
	struct cvm_guest_result *results;
	size_t nresults;
	size_t dropped; /* items beyond CVM_GUESTIO_MAX_ITEMS */

	char *report_hex; /* lower-case hex of CVM_GUESTIO_REPORT_BYTES, or NULL
			   */

	bool has_fault;
	struct cvm_guest_fault fault;

	bool has_exit;
	int exit_status;
	uint64_t exit_host_ns;

	size_t nlines;	     /* CVM1 lines seen, good or bad */
	size_t nmalformed;   /* CVM1 lines that could not be read */
	char malformed[160]; /* the first such problem, "" if none */
	size_t after_exit;   /* CVM1 lines after the exit line */

	uint64_t console_bytes; /* every byte fed */
	bool has_output;
	uint64_t first_byte_ns; /* host time of the first byte */
};

/* Pass-through of console text: `cvm1` is true for a CVM1 line. */
typedef void (*cvm_guestio_text_fn)(void *opaque, const char *data, size_t len,
				    bool cvm1);

struct cvm_guestio;

/*
 * A new parser.  `text` (may be NULL) receives, in order, every byte fed
 * that is not part of a CVM1 line (cvm1 = false), as soon as the parser
 * knows the line is not one, and every whole CVM1 line with its line
 * end (cvm1 = true); an over-long CVM1 line is dropped.  Free with
 * cvm_guestio_free().
 */
struct cvm_guestio *cvm_guestio_new(cvm_guestio_text_fn text, void *opaque);
void cvm_guestio_free(struct cvm_guestio *p);
static inline void
cvm_guestio_freep(struct cvm_guestio **p)
{
	cvm_guestio_free(*p);
}
#define cleanup_guestio __attribute__((cleanup(cvm_guestio_freep)))

/*
 * Feed `len` bytes that arrived at host time `host_ns` (any clock the
 * caller chooses; cvm_guest_run() uses nanoseconds since QEMU's exec).
 * A CVM1 line is stamped with the time of the chunk that completes it.
 */
void cvm_guestio_feed(struct cvm_guestio *p, const void *data, size_t len,
		      uint64_t host_ns);

/* End of the console: a last line without a line end is read now. */
void cvm_guestio_finish(struct cvm_guestio *p, uint64_t host_ns);

/* The record so far (owned by the parser; valid until the next call). */
const struct cvm_guest_record *cvm_guestio_record(const struct cvm_guestio *p);

/*
 * Parse one complete CVM1 line (without its line end) into `rec`.  This
 * is what the parser does per line; exposed for tests.  Returns 0, or
 * -CVM_E_PARSE with the reason in `err` (and `rec` unchanged).
 */
int cvm_guestio_parse_line(struct cvm_guest_record *rec, const char *line,
			   uint64_t host_ns, struct cvm_err *err);

/* Free everything the record holds and zero it. */
void cvm_guest_record_release(struct cvm_guest_record *rec);

/* The first phase called `name`, or NULL. */
const struct cvm_guest_phase *
cvm_guest_record_phase(const struct cvm_guest_record *rec, const char *name);
/* The value of info `key` (the last one given), or NULL. */
const char *cvm_guest_record_info(const struct cvm_guest_record *rec,
				  const char *key);

/* "yes", "no", "na" */
const char *cvm_verified_name(enum cvm_verified v);

/* The name of x86 exception `vector` ("page fault"), or "exception". */
const char *cvm_x86_vector_name(uint64_t vector);

/*
 * Judge a record on its own: 0 when the guest said `exit 0`, reported no
 * fault and no malformed line, and every result is verified (yes or na).
 * Otherwise the first problem, as -CVM_E_INVALID for an unverified
 * result, -CVM_E_PARSE for malformed lines, -CVM_E_CHILD for a fault, a
 * non-zero exit or a missing exit line.
 */
int cvm_guest_record_verdict(const struct cvm_guest_record *rec,
			     struct cvm_err *err);

/*
 * The guest's own word on its protection (`CVM1 info protection`, what
 * it found in SEV_STATUS or, for Linux, the kernel's log) against the
 * level it was launched at: 0 when they agree; -CVM_E_INVALID when it
 * names another level, or names none at a protected level.  A guest
 * that did not find itself protected never counts as protected.
 */
int cvm_guest_record_check_protection(const struct cvm_guest_record *rec,
				      enum cvm_protection want,
				      struct cvm_err *err);

/*
 * The record as JSON (schema in docs/readme/45-run.md, "guest" object):
 * {"infos": {KEY: VALUE}, "phases": [{"name", "guest_ns", "host_ns"}],
 *  "results": [{"workload", "class", "metric", "value", "unit",
 *  "verified"}], "fault": null | {"vector", "name", "error", "rip", "cr2"},
 *  "exit_status": null | N, "report": null | HEX, "malformed": N,
 *  "malformed_first": null | TEXT, "console_bytes": N}.
 */
struct json_object *cvm_guest_record_json(const struct cvm_guest_record *rec);

/* ---- running a guest ---- */

struct cvm_guest_run_opts {
	const char *const *argv;  /* the QEMU command line (serial on stdio) */
	int timeout_ms;		  /* kill the guest after this (> 0) */
	bool debug_exit;	  /* the guest exits through isa-debug-exit */
	cvm_guestio_text_fn text; /* console pass-through (may be NULL) */
	void *opaque;
	/* when set (e.g. by a signal handler) QEMU is stopped at once and
	 * the run ends with `stopped`; may be NULL */
	const volatile sig_atomic_t *stop;
};

struct cvm_guest_run {
	struct cvm_guest_record rec; /* what the guest reported */
	int qemu_status;	     /* QEMU's exit status (128 + signal) */
	bool timed_out;		     /* killed by us after timeout_ms */
	bool stopped;		     /* stopped because *opts->stop was set */
	int timeout_ms;		     /* the limit it ran under */
	uint64_t start_ns;	     /* host clock at the fork */
	uint64_t exec_ns;	     /* the fork-to-exec-done time */
	uint64_t end_ns;	     /* QEMU gone, since start_ns */
	uint64_t qemu_peak_rss_kib;  /* QEMU's peak RSS (wait4), KiB */
	struct cvm_buf qemu_stderr;  /* what QEMU said (first 64 KiB) */
	struct cvm_buf console_tail; /* the last 2 KiB of console text */
};

/*
 * Start QEMU with `o->argv` (no shell), stream its console through a
 * parser (host times are nanoseconds since the fork), stop it after the
 * timeout (SIGTERM, then SIGKILL), and fill `out`.  Returns 0 when QEMU
 * ran (whatever the guest did; judge with cvm_guest_run_verdict()), or
 * an error when it could not be started.  Release `out` with
 * cvm_guest_run_release().
 */
int cvm_guest_run(const struct cvm_guest_run_opts *o, struct cvm_guest_run *out,
		  struct cvm_err *err);
void cvm_guest_run_release(struct cvm_guest_run *r);

/*
 * Judge a whole run: the record's verdict plus QEMU's side: a timeout is
 * -CVM_E_TIMEOUT; QEMU failing before the guest reported anything is
 * -CVM_E_CHILD with QEMU's error line and its explanation
 * (cvm_qemu_explain()); with `debug_exit`, QEMU's status must agree with
 * the guest's exit line ((status << 1) | 1, or 0 after an ACPI power-off).
 */
int cvm_guest_run_verdict(const struct cvm_guest_run *r, bool debug_exit,
			  struct cvm_err *err);

/* ---- a unikernel run, planned: `cvm run` and `cvm eval` ---- */

/* What to run; zero-initialise, then set. */
struct cvm_run_request {
	const char *workload; /* a cvm_workloads name */
	char cls;	      /* 'S', 'W', 'A'; 0: S (none for hello) */
	unsigned reps;	      /* 0: 1 */
	enum cvm_boot boot;   /* PVH or EFI */
	uint64_t memory_mib;  /* 0: by class and boot (see below) */
	unsigned vcpus;	      /* 0: 1 */
	enum cvm_accel accel; /* AUTO: cvm_qemu_accel_detect() */
	const char *image;    /* NULL: cvm_guest_image_find() */
	const char *firmware; /* EFI only; NULL: CVM_OVMF_CODE_DEFAULT */
	const char *qemu;     /* NULL: cvm_qemu_binary() */
	unsigned timeout_s;   /* 0: 300 */
	enum cvm_protection protection; /* NONE, SEV levels or AUTO */
	bool dry_run; /* plan only: create no files (the variable store's
		       * copy is named by its template path) */
	/* SEV (cvm/runsev.h) */
	bool boot_given, protection_given; /* set by the option parser */
	bool has_policy;
	uint64_t policy;   /* the guest policy; default: cvm_policy_make() */
	bool attest;	   /* SNP report from inside, verified (implies
			    * --protection sev-snp unless given) */
	const char *facts; /* decide from this facts file (dry runs) */
	const char *vcek;  /* verification: a VCEK/VLEK file */
	const char *certs; /* verification: certificates (folder/bundle) */
	time_t at;	   /* verification: certificate time; 0 = now */
};

/*
 * Set one option of a request from its command-line text: "class"
 * (S, W, A), "reps", "vcpus", "timeout" (1 to 1000000), "boot" (pvh,
 * efi), "accel" (auto, kvm, tcg), "memory" (a size: 64M, 1G),
 * "protection" (none, sev, sev-es, sev-snp, auto), "policy" (a number),
 * "at" (a time, cvm_attest_parse_time()), "guest" (unikernel),
 * "workload", "image", "firmware", "qemu", "facts", "vcek", "certs"
 * (borrowed strings).  -CVM_E_USAGE naming the option and the text
 * otherwise.
 */
int cvm_run_request_option(struct cvm_run_request *r, const char *name,
			   const char *value, struct cvm_err *err);

/* Smallest guests that boot: the unikernel alone, and OVMF (measured:
 * Debian's OVMF 2022.11 crashes with 32 MiB under TCG, boots with 48). */
#define CVM_RUN_MIN_MIB_PVH 4
#define CVM_RUN_MIN_MIB_EFI 48

/* Everything needed to start the run (owned; see _release). */
struct cvm_run_plan {
	struct cvm_run_request req;   /* the request, defaults filled in */
	struct cvm_qemu_caps caps;    /* of the QEMU that will run */
	struct cvm_accel_probe accel; /* how the accelerator was chosen */
	struct cvm_vmspec spec;	      /* points into the strings below */
	struct cvm_argv argv;	      /* the QEMU command line */
	char *image, *firmware, *vars, *append, *tmpdir, *name;
	struct cvm_run_sev sev; /* protection decision, attestation */
};

/*
 * Check the request (unknown workload, a class the workload lacks, bad
 * counts, memory below the boot mode's minimum: -CVM_E_USAGE; memory
 * above the host's RAM: -CVM_E_HOST; a missing image or firmware:
 * -ENOENT naming where it looked), fill in the defaults (memory: hello
 * 32 MiB, class S 64 MiB, W 256 MiB, A 1 GiB; EFI at least 128 MiB),
 * probe the QEMU, resolve the accelerator, copy the OVMF variable-store
 * template into a private temporary folder for EFI, and build the QEMU
 * command line.  Release with cvm_run_plan_release(), which also removes
 * the temporary folder.
 */
int cvm_run_plan_make(const struct cvm_run_request *req,
		      struct cvm_run_plan *plan, struct cvm_err *err);
void cvm_run_plan_release(struct cvm_run_plan *plan);

/*
 * Find a guest image file by name: next to the running program's build
 * tree (<dir of /proc/self/exe>/../guest/NAME), in $CVM_GUEST_DIR, then
 * in the install location (<dir of the program>/../lib/cvm/NAME).
 * malloc'd path, or NULL with -ENOENT listing the places tried.
 */
char *cvm_guest_image_find(const char *name, struct cvm_err *err);

/*
 * The plan and the outcome as one JSON object (documented in
 * docs/readme/45-run.md): the request, accelerator and reason, argv,
 * and, when `run` is not NULL, "host" timings, "guest" (the record),
 * "ok", "error" and "exit_status".
 */
struct json_object *cvm_run_json(const struct cvm_run_plan *plan,
				 const struct cvm_guest_run *run,
				 const struct cvm_err *verdict);

/* ---- the unikernel's workloads (docs/result-format.md) ---- */

struct cvm_workload_info {
	const char *name;
	const char *classes; /* "SWA", or "-" for a workload without classes */
	bool test_only;	     /* "fault", "hang": for tests */
	const char *summary;
};

/* The known workloads, NULL-terminated. */
extern const struct cvm_workload_info *const cvm_workloads[];
/* Look one up by exact name; NULL if unknown. */
const struct cvm_workload_info *cvm_workload_find(const char *name);

#endif
