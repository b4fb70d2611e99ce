/* SPDX-License-Identifier: MIT */
/*
 * The contract between the evaluation workloads and the platform that runs
 * them.  The same workload sources are compiled into the cvm unikernel
 * (freestanding) and into a static Linux program for the Linux baseline
 * guest; each platform implements the wl_* services below.
 *
 * Workloads may use: the services below, <stdint.h>/<stddef.h>/<stdbool.h>,
 * memcpy/memset/memmove/memcmp/strcmp/strlen, and from <math.h> only
 * sqrt, log, exp, pow, sin, cos, fabs, floor (the unikernel provides these).
 * No stdio, no malloc, no errno, no global constructors.
 */
#ifndef CVM_WL_H
#define CVM_WL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- platform services (the unikernel / the Linux runner) ---- */

/* Monotonic time in nanoseconds (the unikernel: calibrated TSC). */
uint64_t wl_now_ns(void);

/*
 * Zeroed memory, 64-byte aligned, from an arena; NULL when the guest has
 * too little memory (the workload then fails with WL_ENOMEM).
 */
void *wl_alloc(size_t size);
/* Release everything wl_alloc() returned (between repetitions). */
void wl_free_all(void);

/* Console text, passed through unchanged (no newline added). */
void wl_print(const char *s);

/* verified argument of wl_result() */
#define WL_NA  (-1)
#define WL_NO  0
#define WL_YES 1

/*
 * One result line: "CVM1 result WORKLOAD CLASS METRIC VALUE UNIT VERIFIED"
 * (docs/result-format.md).  cls is 'S', 'W', 'A' or '-'.
 */
void wl_result(const char *workload, char cls, const char *metric, double value,
	       const char *unit, int verified);

/* A boot/run phase marker: "CVM1 boot PHASE NS". */
void wl_phase(const char *phase);

/* ---- the workloads (one workloads/NAME.c each) ---- */

/* wl_run() status */
#define WL_OK	       0 /* ran and verified */
#define WL_EUNVERIFIED 1 /* ran, verification failed */
#define WL_EUSAGE      2 /* unknown workload or class */
#define WL_ENOMEM      3 /* wl_alloc() failed */

struct wl_workload {
	const char *name; /* "stream", "ep", "is", "cg", "mg", "ft", "hello" */
	const char *classes; /* accepted classes, e.g. "SWA", or "-" */
	/*
	 * bytes of wl_alloc() memory a run of class `cls` needs, each block
	 * counted rounded up to 64 bytes; 0 for a class it lacks
	 */
	size_t (*mem_bytes)(char cls);
	/* one run: emits its wl_result() lines, returns a WL_* status */
	int (*run)(char cls);
};

/* NULL-terminated table of every workload. */
extern const struct wl_workload *const wl_workloads[];

/* Look a workload up by name; NULL if unknown. */
const struct wl_workload *wl_find(const char *name);

/*
 * Run `name` at class `cls` `reps` times (wl_free_all() between runs),
 * with "workload_start"/"workload_end" phase markers around all of it.
 * Returns the worst WL_* status.  The class may be lower case; a
 * workload without classes ("-", hello) ignores it and reports '-'.
 * WL_EUSAGE (and no output) for an unknown name or class, or reps 0.
 */
int wl_run(const char *name, char cls, unsigned reps);

#endif
